// The Mastodon adapter over saved API responses in Mastodon 4.x shapes (tests/fixtures/mastodon/).
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { extractFromMastodon, fullAcct, htmlText, normalizeMastodonAccount } from '../../extension/adapters/mastodon.js';

const json = (name) => JSON.parse(readFileSync(new URL(`../fixtures/mastodon/${name}`, import.meta.url), 'utf8'));
const byKey = (list) => Object.fromEntries(list.map((a) => [a.key, a]));
const host = 'mastodon.social';

test('context: every account, exact mapping, status -> author links', () => {
  const ctx = json('context.json');
  const { accounts, links } = extractFromMastodon(ctx, { host });
  const acc = byKey(accounts);
  assert.deepEqual(Object.keys(acc).sort(), [
    'mastodon:ana@fosstodon.org', 'mastodon:deals48213@mastodon.social', 'mastodon:jm_reader@mastodon.social',
    'mastodon:weatherbot@mastodon.social',
  ]);
  assert.deepEqual(acc['mastodon:weatherbot@mastodon.social'], {
    key: 'mastodon:weatherbot@mastodon.social', platform: 'mastodon', id: '110500100200301', screen_name: 'weatherbot',
    name: 'Hourly weather (bot)', description: 'Automated hourly weather reports.', created_at: '2023-06-12T00:00:00Z',
    followers_count: 2310, friends_count: 0, statuses_count: 19200, default_profile_image: false, has_banner: false,
    automated: true, protected: false,
  });
  const hidden = acc['mastodon:jm_reader@mastodon.social'];
  assert.equal('followers_count' in hidden, false, 'followers_count -1 (hidden) is unknown, not 0');
  assert.equal(hidden.friends_count, 12);
  assert.equal(hidden.default_profile_image, true, 'missing.png avatar');
  assert.equal(hidden.has_banner, false, 'missing.png header');
  assert.equal('name' in hidden, false, 'empty display name is absent');
  assert.equal('description' in hidden, false, 'empty bio is absent');
  const remote = acc['mastodon:ana@fosstodon.org'];
  assert.equal(remote.screen_name, 'ana', 'handle features see the username, not the domain');
  assert.equal(remote.description, 'Open source & coffee.\nShe/her', 'bio as text (length only matters)');
  assert.equal(acc['mastodon:deals48213@mastodon.social'].protected, true);
  assert.deepEqual(links.map((l) => l.key), ctx.descendants.map((s) => `mastodon:${fullAcct(s.account.acct, host)}`));
  assert.deepEqual(links.map((l) => l.post_id), ctx.descendants.map((s) => s.id));
});

test('single status, timeline with a boost, account lookup', () => {
  const one = extractFromMastodon(json('status.json'), { host });
  assert.equal(one.accounts.length, 1);
  assert.equal(one.accounts[0].url, 'https://tides.example', 'a link in the profile fields is the website');
  assert.equal(one.accounts[0].has_banner, true);
  const tl = extractFromMastodon(json('home-timeline.json'), { host });
  const keys = byKey(tl.accounts);
  assert.ok(keys['mastodon:rivertides@mastodon.social'], 'booster');
  assert.ok(keys['mastodon:weatherbot@mastodon.social'], 'boosted author');
  const boosted = json('home-timeline.json')[1];
  assert.ok(tl.links.some((l) => l.post_id === boosted.reblog.id && l.key === 'mastodon:weatherbot@mastodon.social'));
  assert.ok(tl.links.some((l) => l.post_id === boosted.id && l.key === 'mastodon:rivertides@mastodon.social'));
  const lookup = extractFromMastodon(json('accounts-lookup.json'), { host });
  assert.deepEqual(lookup.accounts.map((a) => a.key), ['mastodon:weatherbot@mastodon.social']);
  assert.deepEqual(lookup.links, []);
});

test('the same account seen from another instance gets the same key', () => {
  const a = { id: '1', username: 'ana', acct: 'ana', display_name: 'Ana' };
  assert.equal(normalizeMastodonAccount(a, { host: 'fosstodon.org' }).key, 'mastodon:ana@fosstodon.org');
  assert.equal(normalizeMastodonAccount({ ...a, acct: 'ana@fosstodon.org' }, { host }).key, 'mastodon:ana@fosstodon.org');
  assert.equal(normalizeMastodonAccount(a, {}), null, 'a local acct without the instance host has no key');
});

test('malformed responses: wrong types dropped, never thrown, nothing invented', () => {
  const { accounts, links } = extractFromMastodon(json('malformed.json'), { host });
  const acc = byKey(accounts);
  assert.deepEqual(Object.keys(acc), ['mastodon:ok@mastodon.social']);
  assert.deepEqual(acc['mastodon:ok@mastodon.social'], {
    key: 'mastodon:ok@mastodon.social', platform: 'mastodon', id: '6', screen_name: 'ok',
  });
  assert.deepEqual(links, [{ post_id: '2', key: 'mastodon:ok@mastodon.social' }]);
  for (const bad of [null, undefined, 7, 'x', [], {}, { account: null }, JSON.parse('{"__proto__": {"acct": "x"}}')]) {
    assert.deepEqual(extractFromMastodon(bad, { host }), { accounts: [], links: [] });
  }
  const hostile = { get descendants() { throw new Error('boom'); } };
  assert.doesNotThrow(() => extractFromMastodon(hostile, { host }));
});

test('htmlText and fullAcct', () => {
  assert.equal(htmlText('<p>a &lt;b&gt; <span class="x">c</span></p><p>d</p>'), 'a <b> c\nd');
  assert.equal(htmlText(5), undefined);
  assert.equal(fullAcct('@Ana@Fosstodon.org'), 'ana@fosstodon.org');
  assert.equal(fullAcct('ana', 'mastodon.social'), 'ana@mastodon.social');
  assert.equal(fullAcct('a b', 'x.org'), undefined);
  assert.equal(fullAcct('a@b@c'), undefined);
});
