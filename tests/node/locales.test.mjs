// All wording lives in _locales: every reason and fact code of docs/CONTRACTS.md has its message,
// every message the code asks for exists, and no page text is ever inserted as HTML.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeFact, describeReason, formatValue, setMessageSource } from '../../extension/lib/i18n.js';

const EXT = fileURLToPath(new URL('../../extension/', import.meta.url));
const messages = JSON.parse(readFileSync(join(EXT, '_locales/en/messages.json'), 'utf8'));
const contracts = readFileSync(new URL('../../docs/CONTRACTS.md', import.meta.url), 'utf8');

function files(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? (f === 'tools' ? [] : files(p)) : [p];
  });
}
const sources = files(EXT).filter((f) => /\.(js|html)$/.test(f));

test('every reason and fact code in CONTRACTS.md has a message', () => {
  const reasonTable = contracts.slice(contracts.indexOf('| code | value |'), contracts.indexOf('Fact codes:'));
  const reasons = [...reasonTable.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
  assert.ok(reasons.length >= 18, `found ${reasons.length} reason codes`);
  const factLine = contracts.slice(contracts.indexOf('Fact codes:'), contracts.indexOf('## Extension messages'));
  const facts = [...factLine.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]);
  assert.ok(facts.length >= 7);
  for (const code of reasons) assert.ok(messages[`reason_${code}`], `reason_${code}`);
  for (const code of facts) assert.ok(messages[`fact_${code}`], `fact_${code}`);
});

test('every message name used by the code exists', () => {
  const used = new Set();
  for (const f of sources) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/\bt\('([a-z0-9_]+)'/g)) used.add(m[1]);
    for (const m of text.matchAll(/data-i18n="([a-z0-9_]+)"/g)) used.add(m[1]);
  }
  assert.ok(used.size > 30);
  for (const name of used) assert.ok(messages[name], `missing message ${name}`);
  const manifest = readFileSync(join(EXT, 'manifest.json'), 'utf8');
  for (const m of manifest.matchAll(/__MSG_([a-z_]+)__/g)) assert.ok(messages[m[1]], m[1]);
});

test('placeholders are declared and wording stays behavioural', () => {
  for (const [name, { message, placeholders }] of Object.entries(messages)) {
    for (const m of message.matchAll(/\$([A-Z_]+)\$/g)) assert.ok(placeholders?.[m[1].toLowerCase()], `${name}: $${m[1]}$`);
    assert.doesNotMatch(message, /troll|russian|chinese|iranian/i, name);
  }
});

test('reasons and facts read as words, unknown codes fall back to code: value', () => {
  setMessageSource((name, subs) => (messages[name]?.message ?? '').replace('$VALUE$', subs?.[0] ?? ''));
  assert.equal(describeReason({ code: 'account_age', value: 3 }), 'account 3 days old');
  assert.equal(describeReason({ code: 'post_rate', value: 411.96 }), '412 posts a day');
  assert.equal(describeFact({ code: 'followers', value: 12345 }), 'followers: 12,345');
  assert.equal(describeReason({ code: 'brand_new_code', value: 2.25 }), 'brand_new_code: 2.3');
  assert.equal(formatValue(0.333), '0.3');
});

test('no HTML insertion anywhere in the extension', () => {
  for (const f of sources.filter((s) => s.endsWith('.js'))) {
    const text = readFileSync(f, 'utf8');
    assert.doesNotMatch(text, /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(/, f);
  }
});
