// The Bluesky adapter over saved XRPC responses in the AppView's real shapes
// (tests/fixtures/bluesky/, both thread API versions).
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  BLUESKY_SCORED, cleanHandle, extractFromBluesky, normalizeBlueskyProfile, parsePostUri,
} from '../../extension/adapters/bluesky.js';

const json = (name) => JSON.parse(readFileSync(new URL(`../fixtures/bluesky/${name}`, import.meta.url), 'utf8'));
const byKey = (list) => Object.fromEntries(list.map((a) => [a.key, a]));
const handles = (list) => list.map((a) => a.screen_name).sort();

test('getPostThread v1 (nested): authors, links, not-found and blocked replies skipped', () => {
  const body = json('get-post-thread-v1.json');
  const { accounts, links } = extractFromBluesky(body);
  assert.deepEqual(handles(accounts), ['dougorgan.bsky.social', 'gestaltu.bsky.social', 'lucy-my.bsky.social', 'metr.org', 'samir.fedica.com']);
  const root = body.thread.post;
  const rkey = root.uri.split('/').pop();
  assert.ok(links.some((l) => l.post_id === `samir.fedica.com/${rkey}` && l.key === `bluesky:${root.author.did}`));
  assert.equal(links.length, 5);
  const metr = accounts.find((a) => a.screen_name === 'metr.org');
  // A post author is a basic view: no counts, no bio, no banner: absent, not guessed.
  assert.deepEqual(metr, {
    key: metr.key, platform: 'bluesky', id: metr.id, screen_name: 'metr.org', name: 'METR',
    created_at: '2024-11-18T02:15:33Z', default_profile_image: false, verified: true,
  });
  assert.equal(accounts.find((a) => a.screen_name === 'lucy-my.bsky.social').default_profile_image, true, 'no avatar key = default avatar');
});

test('getPostThreadV2 (flat items) gives the same authors as v1', () => {
  const v1 = byKey(extractFromBluesky(json('get-post-thread-v1.json')).accounts);
  const v2 = extractFromBluesky(json('get-post-thread-v2.json'));
  assert.equal(v2.links.length, 6);
  for (const a of v2.accounts) if (v1[a.key]) assert.deepEqual(a, v1[a.key]);
  const adobe = v2.accounts.find((a) => a.screen_name === 'adobe.com');
  assert.equal('name' in adobe, false, 'empty display name is absent');
});

test('getTimeline: post, reply context and repost reason authors', () => {
  const { accounts, links } = extractFromBluesky(json('get-timeline.json'));
  assert.deepEqual(handles(accounts), ['dougorgan.bsky.social', 'gestaltu.bsky.social', 'metr.org', 'samir.fedica.com']);
  assert.equal(links.length, 3);
});

test('getProfiles: detailed views bring counts, bio and banner; merge keeps them over basic views', () => {
  const { accounts } = extractFromBluesky(json('get-profiles.json'));
  const a = accounts.find((x) => x.screen_name === 'gestaltu.bsky.social');
  assert.deepEqual(a, {
    key: a.key, platform: 'bluesky', id: a.id, screen_name: 'gestaltu.bsky.social', name: 'Adam Butler',
    description: 'CIO of ReSolve Asset Management', created_at: '2023-05-24T16:43:51Z', followers_count: 472,
    friends_count: 94, statuses_count: 39, default_profile_image: false, has_banner: true,
  });
  const adobe = accounts.find((x) => x.screen_name === 'adobe.com');
  assert.equal(adobe.description, '', 'a detailed view without bio: known empty');
  assert.equal(adobe.statuses_count, 0);
  // Detailed first, basic later (or the other way round): the counts survive.
  const merged = byKey(extractFromBluesky([json('get-profiles.json'), json('get-post-thread-v2.json')]).accounts);
  assert.equal(merged[a.key].followers_count, 472);
  const merged2 = byKey(extractFromBluesky([json('get-post-thread-v2.json'), json('get-profiles.json')]).accounts);
  assert.equal(merged2[a.key].followers_count, 472);
});

test('malformed responses: bad DIDs, handles, types and mismatched URIs are dropped, never thrown', () => {
  const { accounts, links } = extractFromBluesky(json('malformed.json'));
  const acc = byKey(accounts);
  assert.equal(Object.keys(acc).length, 2, 'the short DID and the numeric handle are no profiles');
  for (const a of accounts) {
    assert.equal(typeof a.key, 'string');
    assert.ok(!('followers_count' in a), 'negative or string counts are unknown');
    assert.ok(!('created_at' in a) || a.created_at === '2024-01-01T00:00:00Z');
  }
  const gone = accounts.find((a) => a.name === 'Gone');
  assert.equal('screen_name' in gone, false, 'handle.invalid is no handle');
  assert.deepEqual(links, [], 'no link for an author whose DID differs from the URI, or without a valid handle');
  for (const bad of [null, undefined, 7, 'x', [], {}, { thread: null }]) {
    assert.deepEqual(extractFromBluesky(bad), { accounts: [], links: [] });
  }
  assert.doesNotThrow(() => extractFromBluesky({ get thread() { throw new Error('boom'); } }));
});

test('helpers', () => {
  assert.equal(cleanHandle('Alice.BSKY.social'), 'alice.bsky.social');
  assert.equal(cleanHandle('handle.invalid'), undefined);
  assert.equal(cleanHandle('nodot'), undefined);
  assert.deepEqual(parsePostUri('at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3lxabc'), { did: 'did:plc:abcdefghijklmnopqrstuvwx', rkey: '3lxabc' });
  assert.equal(parsePostUri('at://did:plc:abc/app.bsky.feed.like/3lx'), null);
  assert.equal(normalizeBlueskyProfile({ did: 'did:plc:abc', handle: 'a.b' }), null, 'bad DID');
  assert.equal(BLUESKY_SCORED, false, 'measured no better than chance: not scored (see the adapter header)');
});
