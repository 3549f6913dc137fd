// The MAIN-world tap (extension/content/x-tap-main.js), run in a vm with fake XHR/fetch/document:
// it forwards only whitelisted fields, loses nothing the adapter maps, and never disturbs the page.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { extractFromGraphQL } from '../../extension/adapters/x.js';
import { parseTapDetail } from '../../extension/content/x-site.js';

const TAP = readFileSync(new URL('../../extension/content/x-tap-main.js', import.meta.url), 'utf8');
const fixture = (name) => readFileSync(new URL(`../fixtures/x/${name}`, import.meta.url), 'utf8');
const GQL = 'https://x.com/i/api/graphql/AbC123xyz/TweetDetail?variables=%7B%7D';

function sandbox() {
  const events = [];
  const listeners = new Map();
  class FakeXHR {
    constructor() { this.readyState = 0; this.status = 0; this.responseType = ''; this.responseText = ''; this.l = []; }
    open(method, url) { this.opened = [method, url]; return 'open-result'; }
    addEventListener(type, fn) { if (type === 'readystatechange') this.l.push(fn); }
    respond(status, text) { this.readyState = 4; this.status = status; this.responseText = text; for (const fn of this.l) fn(); }
  }
  const ctx = {
    URL,
    XMLHttpRequest: FakeXHR,
    CustomEvent: class { constructor(type, init) { this.type = type; this.detail = init?.detail; } },
    document: {
      dispatchEvent(e) { events.push(e); for (const fn of listeners.get(e.type) ?? []) fn(e); return true; },
      addEventListener(type, fn) { listeners.set(type, [...(listeners.get(type) ?? []), fn]); },
    },
    fetch(input, init) { ctx.fetchCalls.push([input, init, this]); return Promise.resolve(ctx.nextResponse); },
    fetchCalls: [],
    nextResponse: null,
  };
  ctx.globalThis = ctx;
  vm.createContext(ctx);
  vm.runInContext(TAP, ctx);
  return { ctx, events };
}

test('XHR: a TweetDetail response becomes one event with whitelisted fields only', () => {
  const { ctx, events } = sandbox();
  const xhr = new ctx.XMLHttpRequest();
  assert.equal(xhr.open('GET', GQL), 'open-result', 'return value preserved');
  assert.deepEqual(xhr.opened, ['GET', GQL], 'arguments preserved');
  xhr.respond(200, fixture('tweet-detail-mid-2025.json'));
  assert.equal(events.length, 1);
  assert.equal(events[0].type, 'botlens:x-users');
  const payload = JSON.parse(events[0].detail);
  assert.equal(payload.op, 'TweetDetail');
  const text = events[0].detail;
  // Post texts now leave (for the coordination detector), nothing else of the tweet does.
  for (const leaked of ['dm_permissions', 'relationship_perspectives', 'edit_control', 'County office', 'favorite_count', 'display_text_range', 'conversation_id_str', 'views']) {
    assert.equal(text.includes(leaked), false, `${leaked} must not leave the page's world`);
  }
  assert.equal(payload.users.length, 5);
  assert.equal(payload.posts.length, 5);
  for (const p of payload.posts) {
    assert.deepEqual(Object.keys(p).sort(), ['__typename', 'core', 'legacy', 'rest_id']);
    assert.deepEqual(Object.keys(p.legacy).sort(), ['created_at', 'entities', 'full_text']);
  }
});

test('whitelist loses nothing the adapter maps, for every layout', () => {
  for (const name of ['tweet-detail-newest.json', 'tweet-detail-mid-2025.json', 'tweet-detail-older.json', 'user-tweets-older.json', 'user-by-screen-name-newest.json']) {
    const { ctx, events } = sandbox();
    const xhr = new ctx.XMLHttpRequest();
    xhr.open('GET', GQL);
    xhr.respond(200, fixture(name));
    const viaTap = parseTapDetail(events[0].detail);
    const direct = extractFromGraphQL(JSON.parse(fixture(name)));
    const sort = (a) => [...a].sort((x, y) => x.key.localeCompare(y.key));
    assert.deepEqual(sort(viaTap.accounts), sort(direct.users), name);
    const links = direct.tweets.map((t) => ({ post_id: t.tweet_id, key: `x:${t.user_id}` }));
    assert.deepEqual(viaTap.links.sort((a, b) => a.post_id.localeCompare(b.post_id)), links.sort((a, b) => a.post_id.localeCompare(b.post_id)), name);
    const byId = (a) => [...a].sort((x, y) => x.post_id.localeCompare(y.post_id));
    assert.deepEqual(byId(viaTap.posts), byId(direct.posts), `${name}: posts`);
  }
});

test('XHR: other URLs, errors, bad JSON and a throwing page handler are left alone', () => {
  const { ctx, events } = sandbox();
  for (const [url, status, body] of [
    ['https://x.com/i/api/1.1/jot/client_event.json', 200, fixture('tweet-detail-newest.json')],
    ['https://x.com/i/api/graphql/id/CreateTweet', 200, fixture('tweet-detail-newest.json')],
    [GQL, 500, fixture('tweet-detail-newest.json')],
    [GQL, 200, fixture('tweet-detail-newest-truncated.txt')],
    [GQL, 200, '{"data":{}}'],
  ]) {
    const xhr = new ctx.XMLHttpRequest();
    xhr.open('GET', url);
    xhr.respond(status, body);
  }
  assert.equal(events.length, 0);
  const xhr = new ctx.XMLHttpRequest();
  assert.doesNotThrow(() => xhr.open('GET', { toString() { throw new Error('hostile'); } }));
});

test('fetch: same this/arguments/return value, body read from a clone', async () => {
  const { ctx, events } = sandbox();
  let cloned = 0;
  const body = fixture('tweet-detail-newest.json');
  ctx.nextResponse = { ok: true, clone() { cloned += 1; return { text: async () => body }; } };
  const init = { method: 'GET' };
  const result = await ctx.fetch(new URL(GQL), init);
  assert.equal(result, ctx.nextResponse);
  assert.equal(ctx.fetchCalls[0][1], init);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(cloned, 1);
  assert.equal(events.length, 1);
  assert.equal(ctx.fetch.name, 'fetch');
  await ctx.fetch('https://x.com/home');
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(cloned, 1, 'non-GraphQL responses are not read');
});

test('replays what it saw when the isolated script says it is ready', () => {
  const { ctx, events } = sandbox();
  const xhr = new ctx.XMLHttpRequest();
  xhr.open('GET', GQL);
  xhr.respond(200, fixture('tweet-detail-newest.json'));
  ctx.document.dispatchEvent(new ctx.CustomEvent('botlens:x-ready'));
  const users = events.filter((e) => e.type === 'botlens:x-users');
  assert.equal(users.length, 2);
  assert.equal(users[0].detail, users[1].detail);
});

test('isolated side refuses forged or oversized details', () => {
  for (const detail of [null, 42, {}, 'not json', '{"v":2,"users":[],"tweets":[]}', '{"v":1,"users":{},"tweets":[]}',
    JSON.stringify({ v: 1, users: new Array(2001).fill({}), tweets: [] })]) {
    assert.equal(parseTapDetail(detail), null, String(detail).slice(0, 40));
  }
  const p = parseTapDetail(JSON.stringify({ v: 1, users: [{ __typename: 'User', rest_id: '1', core: { screen_name: 'a' } }, { __typename: 'User', rest_id: 'x' }, 'junk'],
    tweets: [['11', '1'], ['bad', '1'], ['12'], [12, 1]] }));
  assert.deepEqual(p.accounts.map((a) => a.key), ['x:1']);
  assert.deepEqual(p.links, [{ post_id: '11', key: 'x:1' }]);
});
