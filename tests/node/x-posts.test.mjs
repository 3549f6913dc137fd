// The X adapter's coordination Posts (docs/COORDINATION.md): text, hashtags in order, expanded
// links and the author's created_at from a tweet object, for authors in X's three user layouts,
// note tweets, the MAIN-world tap's pruned form, and malformed input.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { extractFromGraphQL, normalizeXTweet } from '../../extension/adapters/x.js';
import { parseTapDetail, postText, scopeOf } from '../../extension/content/x-site.js';

const fixture = (name) => readFileSync(new URL(`../fixtures/x/${name}`, import.meta.url), 'utf8');

const AUTHORS = {
  newest: { __typename: 'User', rest_id: '42', core: { screen_name: 'alice', name: 'A', created_at: 'Sat Dec 14 04:35:55 +0000 2013' } },
  mid2025: { __typename: 'User', rest_id: '42', core: { screen_name: 'alice', created_at: 'Sat Dec 14 04:35:55 +0000 2013' }, legacy: { followers_count: 3 } },
  older: { __typename: 'User', rest_id: '42', legacy: { screen_name: 'alice', created_at: 'Sat Dec 14 04:35:55 +0000 2013' } },
};

function tweet(author, extra = {}) {
  return {
    __typename: 'Tweet',
    rest_id: '1900000000000000099',
    core: { user_results: { result: author } },
    legacy: {
      created_at: 'Mon Mar 03 10:00:00 +0000 2025',
      full_text: '@root Read this before they delete it #Energy #bills https://t.co/abc',
      entities: {
        hashtags: [{ indices: [35, 42], text: 'Energy' }, { indices: [43, 49], text: 'bills' }],
        urls: [{ url: 'https://t.co/abc', expanded_url: 'https://example.org/story?utm_source=x', display_url: 'example.org/story' }],
        user_mentions: [{ screen_name: 'root' }],
      },
      favorite_count: 3,
    },
    ...extra,
  };
}

const EXPECTED = {
  post_id: '1900000000000000099',
  account_key: 'x:42',
  text: '@root Read this before they delete it #Energy #bills https://t.co/abc',
  created_at: '2025-03-03T10:00:00Z',
  hashtags: ['Energy', 'bills'],
  urls: ['https://example.org/story?utm_source=x'],
  account_created_at: '2013-12-14T04:35:55Z',
};

test('text, hashtags in order, expanded links and dates for every author layout', () => {
  for (const [layout, author] of Object.entries(AUTHORS)) {
    assert.deepEqual(normalizeXTweet(tweet(author)), EXPECTED, layout);
  }
});

test('a note tweet gives its full text and its own entities', () => {
  const long = `${'word '.repeat(100)}end`;
  const t = tweet(AUTHORS.newest, {
    note_tweet: { is_expandable: true, note_tweet_results: { result: { id: 'Tm90ZQ==', text: long, entity_set: { hashtags: [{ text: 'only' }], urls: [] } } } },
  });
  const post = normalizeXTweet(t);
  assert.equal(post.text, long);
  assert.deepEqual(post.hashtags, ['only']);
  assert.equal(post.urls, undefined);
});

test('the three saved TweetDetail layouts give the same posts', () => {
  const [a, b, c] = ['tweet-detail-newest.json', 'tweet-detail-mid-2025.json', 'tweet-detail-older.json']
    .map((n) => extractFromGraphQL(JSON.parse(fixture(n))).posts);
  assert.equal(a.length, 5);
  assert.deepEqual(b, a);
  assert.deepEqual(c, a);
  assert.ok(a.every((p) => /^x:\d+$/.test(p.account_key) && typeof p.text === 'string' && p.account_created_at));
  assert.ok(a.some((p) => p.text === 'Same here, waiting for an answer'));
});

test('malformed tweets: no id or author = no post, wrong types dropped, caps kept', () => {
  assert.equal(normalizeXTweet(null), null);
  assert.equal(normalizeXTweet('tweet'), null);
  assert.equal(normalizeXTweet({ __typename: 'TweetTombstone', rest_id: '1' }), null);
  assert.equal(normalizeXTweet({ ...tweet(AUTHORS.newest), rest_id: 12 }), null);
  assert.equal(normalizeXTweet({ ...tweet(AUTHORS.newest), rest_id: '1<script>' }), null);
  assert.equal(normalizeXTweet(tweet({ __typename: 'User', rest_id: 'abc', core: { screen_name: 'x' } })), null);
  assert.equal(normalizeXTweet(tweet({ __typename: 'UserUnavailable', rest_id: '42' })), null);
  const bad = tweet(AUTHORS.newest);
  bad.legacy = { full_text: 7, created_at: 'yesterday', entities: { hashtags: 'x', urls: [{ expanded_url: 5 }, null, { expanded_url: 'https://ok.example/' }] } };
  assert.deepEqual(normalizeXTweet(bad), { post_id: EXPECTED.post_id, account_key: 'x:42', urls: ['https://ok.example/'], account_created_at: EXPECTED.account_created_at });
  const big = tweet(AUTHORS.newest);
  big.legacy.full_text = 'a'.repeat(5000);
  big.legacy.entities.hashtags = Array.from({ length: 100 }, (_, i) => ({ text: `t${i}` }));
  const capped = normalizeXTweet(big);
  assert.equal(capped.text.length, 2000);
  assert.equal(capped.hashtags.length, 32);
  const hostile = tweet(AUTHORS.newest);
  Object.defineProperty(hostile.legacy, 'entities', { get() { throw new Error('x'); } });
  assert.doesNotThrow(() => extractFromGraphQL({ data: { t: hostile } }));
});

test('the MAIN-world tap forwards exactly what the adapter needs (hashtags, links, note tweets)', () => {
  const TAP = readFileSync(new URL('../../extension/content/x-tap-main.js', import.meta.url), 'utf8');
  const events = [];
  class FakeXHR {
    constructor() { this.readyState = 0; this.status = 0; this.responseType = ''; this.l = []; }
    open() {}
    addEventListener(type, fn) { this.l.push(fn); }
    respond(text) { this.readyState = 4; this.status = 200; this.responseText = text; for (const fn of this.l) fn(); }
  }
  const ctx = { URL, XMLHttpRequest: FakeXHR, CustomEvent: class { constructor(type, init) { this.type = type; this.detail = init?.detail; } },
    document: { dispatchEvent(e) { events.push(e); return true; }, addEventListener() {} } };
  ctx.globalThis = ctx;
  vm.createContext(ctx);
  vm.runInContext(TAP, ctx);
  const note = tweet(AUTHORS.older, { note_tweet: { note_tweet_results: { result: { text: 'long one', entity_set: { hashtags: [{ text: 'n' }], urls: [{ expanded_url: 'https://n.example/' }] } } } } });
  note.rest_id = '1900000000000000100';
  const body = JSON.stringify({ data: { a: tweet(AUTHORS.newest), b: note } });
  const xhr = new FakeXHR();
  ctx.XMLHttpRequest.prototype.open.call(xhr, 'GET', 'https://x.com/i/api/graphql/q/TweetDetail');
  xhr.respond(body);
  assert.equal(events.length, 1);
  assert.equal(events[0].detail.includes('favorite_count'), false);
  assert.equal(events[0].detail.includes('user_mentions'), false);
  const got = parseTapDetail(events[0].detail).posts.sort((x, y) => x.post_id.localeCompare(y.post_id));
  const direct = extractFromGraphQL(JSON.parse(body)).posts.sort((x, y) => x.post_id.localeCompare(y.post_id));
  assert.deepEqual(got, direct);
  assert.deepEqual(got[0], EXPECTED);
  assert.deepEqual(got[1].hashtags, ['n']);
});

test('isolated side: posts are optional, bad ones skipped, too many refused', () => {
  const users = [AUTHORS.newest];
  assert.deepEqual(parseTapDetail(JSON.stringify({ v: 1, users, tweets: [] })).posts, []);
  assert.deepEqual(parseTapDetail(JSON.stringify({ v: 1, users, tweets: [], posts: [null, 5, { rest_id: '1' }, tweet(AUTHORS.newest)] })).posts, [EXPECTED]);
  assert.deepEqual(parseTapDetail(JSON.stringify({ v: 1, users, tweets: [], posts: Array(20001).fill(0) })).posts, []);
});

test('DOM fallback text and thread scope', () => {
  const el = (text, inArticle) => ({ textContent: text, closest: () => inArticle });
  const root = { querySelectorAll: () => [el('quoted', 'other'), el('own text', null)] };
  root.querySelectorAll = () => [el('quoted', {}), el('own text', root)];
  assert.equal(postText(root), 'own text');
  assert.equal(postText({ querySelectorAll: () => [] }), null);
  assert.equal(scopeOf({ pathname: '/alice/status/123' }), 'status:123');
  assert.equal(scopeOf({ pathname: '/alice/status/123/photo/1' }), 'status:123');
  assert.equal(scopeOf({ pathname: '/home' }), 'path:/home');
});
