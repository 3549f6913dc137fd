// The user's settings: one versioned object under `settings` in storage.local, shared by the
// content scripts, the popup and the options page. User decisions (allow / always flag) live in
// `overrides`, apart from computed verdicts, each removable ("return to automatic"), as Privacy
// Badger keeps its user_* actions. Pure functions plus two small storage helpers.

export const SETTINGS_KEY = 'settings';
export const SCHEMA = 1;
export const LEVELS = ['low', 'medium', 'high'];
export const ACTIONS = ['mark', 'dim', 'collapse'];
export const SITES = ['x', 'bluesky', 'mastodon'];
export const DECISIONS = ['allow', 'flag'];
const KEY_RE = /^(x|bluesky|mastodon):[A-Za-z0-9_.:@-]{1,100}$/;
const MAX_OVERRIDES = 10000;

/** Settings before the user changed anything. `sensitivity: null` = the model's default level. */
export function defaultSettings() {
  return { schema: SCHEMA, sensitivity: null, action: 'mark', sites: { x: true, bluesky: true, mastodon: true }, overrides: {} };
}

function cleanOverride(v) {
  if (v === null || typeof v !== 'object' || !DECISIONS.includes(v.decision)) return null;
  const out = { decision: v.decision };
  if (typeof v.handle === 'string' && v.handle.length <= 100) out.handle = v.handle;
  if (typeof v.name === 'string') out.name = v.name.slice(0, 200);
  if (typeof v.at === 'number' && Number.isFinite(v.at)) out.at = v.at;
  return out;
}

/**
 * Schema 0, the legacy shape: an object without a `schema` field (or `schema: 0`),
 *   { sensitivity: 'low' | 'medium' | 'high', hide: boolean, allow: [key], flag: [key] }
 * `hide: true` meant "collapse flagged posts"; `allow` / `flag` were bare lists of account keys
 * (no handle, name or date). botlens never shipped it: it is defined so that the upgrade path
 * (migrateSettings, the background's rewrite at start, and their tests) exists and is exercised
 * before the first real schema change (docs/DECISIONS.md).
 */
export function isSchema0(stored) {
  return stored !== null && typeof stored === 'object' && !Array.isArray(stored)
    && (stored.schema === undefined || stored.schema === 0);
}

/** A schema-0 object -> the schema-1 parts it maps to (still to be cleaned by migrateSettings). */
function fromSchema0(old) {
  const out = { schema: SCHEMA, sensitivity: old.sensitivity, action: old.hide === true ? 'collapse' : 'mark' };
  if (ACTIONS.includes(old.action)) out.action = old.action; // a half-migrated object keeps its newer parts
  if (old.sites && typeof old.sites === 'object') out.sites = old.sites;
  const overrides = old.overrides && typeof old.overrides === 'object' && !Array.isArray(old.overrides) ? { ...old.overrides } : {};
  // "flag" first, then "allow": an account on both lists ends up allowed (the gentler decision).
  for (const decision of ['flag', 'allow']) {
    const list = Array.isArray(old[decision]) ? old[decision].slice(0, MAX_OVERRIDES) : [];
    for (const key of list) if (typeof key === 'string') overrides[key] = { decision };
  }
  out.overrides = overrides;
  return out;
}

/**
 * Any stored value (missing, schema 0, partly corrupt) -> a complete current settings object.
 * Unknown or wrong-typed parts fall back to the defaults; it never throws.
 */
export function migrateSettings(stored) {
  const s = defaultSettings();
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return s;
  if (isSchema0(stored)) stored = fromSchema0(stored);
  // A later schema's unknown parts are dropped, its known parts kept.
  if (LEVELS.includes(stored.sensitivity)) s.sensitivity = stored.sensitivity;
  if (ACTIONS.includes(stored.action)) s.action = stored.action;
  if (stored.sites && typeof stored.sites === 'object') {
    for (const site of SITES) if (typeof stored.sites[site] === 'boolean') s.sites[site] = stored.sites[site];
  }
  if (stored.overrides && typeof stored.overrides === 'object') {
    for (const [key, v] of Object.entries(stored.overrides).slice(0, MAX_OVERRIDES)) {
      const o = KEY_RE.test(key) ? cleanOverride(v) : null;
      if (o) s.overrides[key] = o;
    }
  }
  return s;
}

/** The user's decision for an account key: 'allow' | 'flag' | null. */
export function overrideFor(settings, key) {
  const o = settings?.overrides?.[key];
  return o && DECISIONS.includes(o.decision) ? o.decision : null;
}

/** New settings with `key` set to `decision` ('allow' | 'flag'), or removed when decision is null. */
export function withOverride(settings, key, decision, meta = {}, now = Date.now()) {
  const next = migrateSettings(settings);
  if (!KEY_RE.test(key)) throw new Error(`bad account key: ${key}`);
  if (decision === null) delete next.overrides[key];
  else if (DECISIONS.includes(decision)) next.overrides[key] = cleanOverride({ ...meta, decision, at: now });
  else throw new Error(`bad decision: ${decision}`);
  return next;
}

/** The export file: only the user's lists, versioned. */
export function exportLists(settings) {
  return { format: 'botlens-lists', schema: SCHEMA, overrides: migrateSettings(settings).overrides };
}

/**
 * Validates an imported export strictly. Returns {overrides, errors}: `errors` lists every entry
 * that was refused (and why); a wrong top-level shape refuses the whole file.
 */
export function parseImport(json) {
  const errors = [];
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return { overrides: {}, errors: ['not_object'] };
  if (json.format !== 'botlens-lists') errors.push('bad_format');
  if (json.schema !== SCHEMA) errors.push('bad_schema');
  if (json.overrides === null || typeof json.overrides !== 'object' || Array.isArray(json.overrides)) errors.push('bad_overrides');
  if (errors.length > 0) return { overrides: {}, errors };
  const overrides = {};
  const entries = Object.entries(json.overrides);
  if (entries.length > MAX_OVERRIDES) return { overrides: {}, errors: ['too_many'] };
  for (const [key, v] of entries) {
    const o = KEY_RE.test(key) ? cleanOverride(v) : null;
    if (o) overrides[key] = o;
    else errors.push(`bad_entry:${key.slice(0, 60)}`);
  }
  return { overrides, errors };
}

/** Merges imported overrides into settings; for the same account the import wins. */
export function mergeImport(settings, overrides) {
  const next = migrateSettings(settings);
  Object.assign(next.overrides, overrides);
  return next;
}

/**
 * The stored settings rewritten in the current schema when they are in an older one (the
 * background calls this at every start, so an update migrates storage once). A newer schema is
 * left alone (a downgrade must not destroy what it cannot read). Returns true when it wrote.
 */
export async function rewriteOldSettings(storage) {
  const got = await storage.local.get(SETTINGS_KEY);
  const stored = got?.[SETTINGS_KEY];
  if (stored === undefined || stored === null || typeof stored !== 'object') return false;
  if (Number.isInteger(stored.schema) && stored.schema >= SCHEMA) return false;
  await storage.local.set({ [SETTINGS_KEY]: migrateSettings(stored) });
  return true;
}

export async function loadSettings(storage) {
  const got = await storage.local.get(SETTINGS_KEY);
  return migrateSettings(got?.[SETTINGS_KEY]);
}

/** Read-modify-write of the settings object; `change` gets and returns a settings object. */
export async function updateSettings(storage, change) {
  const next = migrateSettings(change(await loadSettings(storage)));
  await storage.local.set({ [SETTINGS_KEY]: next });
  return next;
}
