// Settings schema, migration, user overrides, import/export, and classification.
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  defaultSettings, exportLists, isSchema0, mergeImport, migrateSettings, overrideFor, parseImport, rewriteOldSettings,
  updateSettings, withOverride,
} from '../../extension/lib/settings.js';
import { classify, levelFor } from '../../extension/lib/classify.js';

const MODEL = {
  version: 't', default_level: 'low',
  levels: [{ id: 'low', threshold: 0.8, fpr: 0.01, recall: 0.4 }, { id: 'medium', threshold: 0.6, fpr: 0.03, recall: 0.6 }, { id: 'high', threshold: 0.4, fpr: 0.08, recall: 0.8 }],
};

test('defaults: mark only, model default sensitivity, X on, no decisions', () => {
  assert.deepEqual(defaultSettings(), { schema: 1, sensitivity: null, action: 'mark', sites: { x: true, bluesky: true, mastodon: true }, overrides: {} });
});

test('migration: missing, corrupt and partly wrong stored values', () => {
  for (const stored of [undefined, null, 'x', 42, [], {}]) assert.deepEqual(migrateSettings(stored), defaultSettings());
  const s = migrateSettings({
    schema: 1, sensitivity: 'extreme', action: 'delete', sites: { x: 'no', bluesky: false, evil: true },
    overrides: { 'x:1': { decision: 'allow', handle: 'a', at: 5 }, 'x:2': { decision: 'ban' }, '<script>': { decision: 'flag' }, 'x:3': null },
    extra: 1,
  });
  assert.equal(s.sensitivity, null);
  assert.equal(s.action, 'mark');
  assert.deepEqual(s.sites, { x: true, bluesky: false, mastodon: true });
  assert.deepEqual(s.overrides, { 'x:1': { decision: 'allow', handle: 'a', at: 5 } });
  assert.equal('extra' in s, false);
  assert.equal(migrateSettings({ schema: 1, sensitivity: 'high', action: 'collapse' }).action, 'collapse');
});

test('migration from schema 0 (no schema field): sensitivity kept, hide -> collapse, allow / flag lists -> overrides', () => {
  const old = { sensitivity: 'medium', hide: true, allow: ['x:123', 'mastodon:a@b.example'], flag: ['x:9', 'x:123', 'bad key', 7] };
  assert.ok(isSchema0(old));
  assert.ok(isSchema0({ schema: 0 }));
  assert.ok(!isSchema0({ schema: 1 }));
  const s = migrateSettings(old);
  assert.deepEqual(s, {
    schema: 1, sensitivity: 'medium', action: 'collapse', sites: { x: true, bluesky: true, mastodon: true },
    // On both lists: allowed (the gentler decision). Bad keys and non-strings dropped.
    overrides: { 'x:123': { decision: 'allow' }, 'mastodon:a@b.example': { decision: 'allow' }, 'x:9': { decision: 'flag' } },
  });
  assert.equal(migrateSettings({ sensitivity: 'low', hide: false }).action, 'mark');
  assert.equal(migrateSettings({ hide: 'yes', allow: 'x:1', flag: null }).action, 'mark');
  assert.deepEqual(migrateSettings({ hide: 'yes', allow: 'x:1', flag: null }).overrides, {});
  assert.deepEqual(migrateSettings({ sensitivity: 'extreme', allow: [{}] }), defaultSettings());
  // The result is a fixed point: migrating again changes nothing.
  assert.deepEqual(migrateSettings(s), s);
  // Huge legacy lists are capped like overrides.
  const many = migrateSettings({ allow: Array.from({ length: 20000 }, (_, i) => `x:${i}`) });
  assert.equal(Object.keys(many.overrides).length, 10000);
});

test('rewriteOldSettings: schema 0 is rewritten once, current and newer schemas and nothing stored are left alone', async () => {
  const make = (value) => {
    const store = value === undefined ? {} : { settings: value };
    let writes = 0;
    return { store, writes: () => writes, storage: { local: { get: async (k) => ({ [k]: store[k] }), set: async (o) => { writes += 1; Object.assign(store, o); } } } };
  };
  const old = make({ sensitivity: 'high', hide: true, allow: ['x:5'] });
  assert.equal(await rewriteOldSettings(old.storage), true);
  assert.deepEqual(old.store.settings, migrateSettings({ sensitivity: 'high', hide: true, allow: ['x:5'] }));
  assert.equal(old.store.settings.schema, 1);
  assert.equal('hide' in old.store.settings, false);
  assert.equal(await rewriteOldSettings(old.storage), false, 'second start: already current');
  assert.equal(old.writes(), 1);
  for (const v of [undefined, null, 'x', { schema: 1, action: 'dim' }, { schema: 2, future: true }]) {
    const m = make(v);
    assert.equal(await rewriteOldSettings(m.storage), false, JSON.stringify(v));
    assert.equal(m.writes(), 0);
  }
  const failing = { local: { get: async () => ({ settings: { hide: true } }), set: async () => { throw new Error('QUOTA_BYTES quota exceeded'); } } };
  await assert.rejects(rewriteOldSettings(failing), /QUOTA/);
});

test('overrides: set, change, undo; the input is not mutated', () => {
  const base = defaultSettings();
  const allowed = withOverride(base, 'x:42', 'allow', { handle: 'Someone', name: 'Some One' }, 1000);
  assert.deepEqual(allowed.overrides['x:42'], { decision: 'allow', handle: 'Someone', name: 'Some One', at: 1000 });
  assert.deepEqual(base.overrides, {});
  assert.equal(overrideFor(allowed, 'x:42'), 'allow');
  const flagged = withOverride(allowed, 'x:42', 'flag');
  assert.equal(overrideFor(flagged, 'x:42'), 'flag');
  assert.equal(overrideFor(withOverride(flagged, 'x:42', null), 'x:42'), null);
  assert.throws(() => withOverride(base, 'x:42', 'maybe'));
  assert.throws(() => withOverride(base, 'bad key', 'allow'));
});

test('export then import round-trips; import merges and wins per account', () => {
  const s = withOverride(withOverride(defaultSettings(), 'x:1', 'allow', { handle: 'a' }, 1), 'x:2', 'flag', {}, 2);
  const file = JSON.parse(JSON.stringify(exportLists(s)));
  assert.equal(file.format, 'botlens-lists');
  const { overrides, errors } = parseImport(file);
  assert.deepEqual(errors, []);
  const other = withOverride(defaultSettings(), 'x:1', 'flag', {}, 3);
  const merged = mergeImport(other, overrides);
  assert.equal(overrideFor(merged, 'x:1'), 'allow');
  assert.equal(overrideFor(merged, 'x:2'), 'flag');
});

test('import validates strictly and reports every refusal', () => {
  assert.deepEqual(parseImport(null).errors, ['not_object']);
  assert.deepEqual(parseImport([]).errors, ['not_object']);
  assert.deepEqual(parseImport({ format: 'other', schema: 1, overrides: {} }).errors, ['bad_format']);
  assert.deepEqual(parseImport({ format: 'botlens-lists', schema: 9, overrides: [] }).errors, ['bad_schema', 'bad_overrides']);
  const r = parseImport({ format: 'botlens-lists', schema: 1, overrides: { 'x:1': { decision: 'allow' }, 'x:2': { decision: 'nope' }, 'zz:3': { decision: 'flag' } } });
  assert.deepEqual(r.overrides, { 'x:1': { decision: 'allow' } });
  assert.deepEqual(r.errors, ['bad_entry:x:2', 'bad_entry:zz:3']);
});

test('updateSettings reads, changes and writes one versioned object', async () => {
  const store = {};
  const storage = { local: { get: async (k) => ({ [k]: store[k] }), set: async (o) => Object.assign(store, o) } };
  await updateSettings(storage, (s) => ({ ...s, action: 'dim' }));
  assert.equal(store.settings.schema, 1);
  assert.equal(store.settings.action, 'dim');
  await updateSettings(storage, (s) => withOverride(s, 'x:7', 'flag', {}, 1));
  assert.equal(store.settings.action, 'dim');
  assert.equal(store.settings.overrides['x:7'].decision, 'flag');
});

test('classification: thresholds per level, inclusive at the threshold', () => {
  assert.equal(classify({ score: 0.8 }, { model: MODEL, sensitivity: 'low' }), 'flagged');
  assert.equal(classify({ score: 0.79 }, { model: MODEL, sensitivity: 'low' }), 'clear');
  assert.equal(classify({ score: 0.79 }, { model: MODEL, sensitivity: 'medium' }), 'flagged');
  assert.equal(classify({ score: 0.5 }, { model: MODEL, sensitivity: 'high' }), 'flagged');
  assert.equal(classify({ score: 0.5 }, { model: MODEL, sensitivity: null }), 'clear', 'null = model default level');
  assert.equal(classify({ score: 0.9 }, { model: MODEL, sensitivity: 'nonsense' }), 'flagged', 'unknown level falls back to the default');
});

test('classification: unknown without a score or a model; user decisions win', () => {
  assert.equal(classify({ score: null }, { model: MODEL }), 'unknown');
  assert.equal(classify(undefined, { model: MODEL }), 'unknown');
  assert.equal(classify({ score: 0.9 }, { model: null }), 'unknown');
  assert.equal(classify({ score: Number.NaN }, { model: MODEL }), 'unknown');
  assert.equal(classify({ score: 0.99 }, { model: MODEL, override: 'allow' }), 'clear');
  assert.equal(classify({ score: 0.01 }, { model: MODEL, override: 'flag' }), 'flagged');
  assert.equal(classify(null, { model: MODEL, override: 'flag' }), 'flagged');
  assert.equal(levelFor(MODEL, 'medium').threshold, 0.6);
  assert.equal(levelFor({ levels: [{ id: 'low', threshold: 'x' }], default_level: 'low' }, 'low'), null);
});
