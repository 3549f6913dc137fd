// The shared MAIN-world tap (extension/content/social-tap-main.js) for Bluesky and Mastodon, run
// in a vm with fake XHR/fetch/document/location: it reads the sites' JSON from the right URLs
// only, forwards only whitelisted fields, and the site files map what it forwards to the same
// accounts and links the adapters get from the whole response.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { extractFromBluesky, postsFromBluesky } from '../../extension/adapters/bluesky.js';
import { extractFromMastodon, postsFromMastodon } from '../../extension/adapters/mastodon.js';
import { mapDetail as mapBluesky } from '../../extension/content/bluesky-site.js';
import { mapDetail as mapMastodon } from '../../extension/content/mastodon-site.js';
import { parseSocialDetail } from '../../extension/lib/tap-events.js';

const TAP = readFileSync(new URL('../../extension/content/social-tap-main.js', import.meta.url), 'utf8');
const fixture = (p) => readFileSync(new URL(`../fixtures/${p}`, import.meta.url), 'utf8');
const sortBy = (list, k) => [...list].sort((a, b) => a[k].localeCompare(b[k]));

function sandbox(href) {
  const events = [];
  class FakeXHR {
    constructor() { this.readyState = 0; this.status = 0; this.responseType = ''; this.responseText = ''; this.l = []; }
    open(method, url) { this.opened = [method, url]; return 'open-result'; }
    addEventListener(type, fn) { if (type === 'readystatechange') this.l.push(fn); }
    respond(status, text) { this.readyState = 4; this.status = status; this.responseText = text; for (const fn of this.l) fn(); }
  }
  const loc = new URL(href);
  const ctx = {
    URL, XMLHttpRequest: FakeXHR, location: { href: loc.href, host: loc.host, hostname: loc.hostname },
    CustomEvent: class { constructor(type, init) { this.type = type; this.detail = init?.detail; } },
    document: { dispatchEvent(e) { events.push(e); return true; }, addEventListener() {} },
    fetch() { return Promise.resolve(ctx.nextResponse); },
    nextResponse: null,
  };
  ctx.globalThis = ctx;
  vm.createContext(ctx);
  vm.runInContext(TAP, ctx);
  return { ctx, events };
}
const tick = () => new Promise((r) => setTimeout(r, 10));

test('mastodon: XHR to the instance API -> the same accounts and links as the adapter', () => {
  const { ctx, events } = sandbox('https://mastodon.social/@rivertides/1');
  const body = fixture('mastodon/context.json');
  const xhr = new ctx.XMLHttpRequest();
  assert.equal(xhr.open('GET', '/api/v1/statuses/1/context'), 'open-result', 'open() returns what the native one does');
  xhr.respond(200, body);
  assert.equal(events.length, 1);
  assert.equal(events[0].type, 'botlens:mastodon-data');
  const raw = parseSocialDetail(events[0].detail, 'mastodon');
  const got = mapMastodon(raw, 'mastodon.social');
  const want = extractFromMastodon(JSON.parse(body), { host: 'mastodon.social' });
  assert.deepEqual(sortBy(got.accounts, 'key'), sortBy(want.accounts, 'key'));
  assert.deepEqual(sortBy(got.links, 'post_id'), sortBy(want.links, 'post_id'));
  // The coordination Posts are the same as the adapter reads from the whole response.
  assert.deepEqual(sortBy(got.posts, 'post_id'), sortBy(postsFromMastodon(JSON.parse(body), { host: 'mastodon.social' }), 'post_id'));
  assert.ok(got.posts.length > 0);
  // Only whitelisted fields leave the page: content (for the post's text) yes; no URLs of statuses, no emojis, no media.
  assert.doesNotMatch(events[0].detail, /"uri"|"emojis"|"media_attachments"|"url"|"mentions"|"spoiler_text"/);
  assert.equal(parseSocialDetail(events[0].detail, 'bluesky'), null, 'a detail is for one site only');
});

test('mastodon: other hosts, other paths and failed requests are ignored', () => {
  const { ctx, events } = sandbox('https://mastodon.social/');
  for (const [url, status] of [['https://evil.example/api/v1/timelines/home', 200], ['/api/v1/instance', 200], ['/api/v1/timelines/home', 500]]) {
    const xhr = new ctx.XMLHttpRequest();
    xhr.open('GET', url);
    xhr.respond(status, fixture('mastodon/home-timeline.json'));
  }
  const bad = new ctx.XMLHttpRequest();
  bad.open('GET', '/api/v1/timelines/home');
  bad.respond(200, '{"cut');
  assert.equal(events.length, 0);
});

test('bluesky: fetch to the AppView (getPostThreadV2 and v1) -> the same accounts and links as the adapter', async () => {
  for (const [method, file] of [['app.bsky.unspecced.getPostThreadV2', 'get-post-thread-v2.json'], ['app.bsky.feed.getPostThread', 'get-post-thread-v1.json'], ['app.bsky.actor.getProfiles', 'get-profiles.json']]) {
    const { ctx, events } = sandbox('https://bsky.app/profile/a.b/post/1');
    const body = fixture(`bluesky/${file}`);
    ctx.nextResponse = { ok: true, clone: () => ({ text: () => Promise.resolve(body) }) };
    const res = await ctx.fetch(`https://public.api.bsky.app/xrpc/${method}?anchor=x`, { headers: {} });
    assert.equal(res, ctx.nextResponse, 'the page gets the original response');
    await tick();
    assert.equal(events.length, 1, method);
    const got = mapBluesky(parseSocialDetail(events[0].detail, 'bluesky'));
    const want = extractFromBluesky(JSON.parse(body));
    assert.deepEqual(sortBy(got.accounts, 'key'), sortBy(want.accounts, 'key'), method);
    assert.deepEqual(sortBy(got.links, 'post_id'), sortBy(want.links, 'post_id'), method);
    assert.deepEqual(sortBy(got.posts, 'post_id'), sortBy(postsFromBluesky(JSON.parse(body)), 'post_id'), method);
    assert.doesNotMatch(events[0].detail, /"labels"|"viewer"|"langs"|"likeCount"|"cid"/);
  }
});

test('bluesky: other XRPC methods and failed responses are ignored', async () => {
  const { ctx, events } = sandbox('https://bsky.app/');
  ctx.nextResponse = { ok: true, clone: () => ({ text: () => Promise.resolve(fixture('bluesky/get-timeline.json')) }) };
  await ctx.fetch('https://public.api.bsky.app/xrpc/app.bsky.notification.listNotifications');
  ctx.nextResponse = { ok: false, clone: () => ({ text: () => Promise.resolve(fixture('bluesky/get-timeline.json')) }) };
  await ctx.fetch('https://public.api.bsky.app/xrpc/app.bsky.feed.getTimeline');
  await tick();
  assert.equal(events.length, 0);
});

test('parseSocialDetail refuses what the tap does not send', () => {
  for (const d of [null, 5, '', '{', '{"v":2,"site":"bluesky","accounts":[],"posts":[]}', '{"v":1,"site":"bluesky","accounts":{},"posts":[]}', 'x'.repeat(9 * 1024 * 1024)]) {
    assert.equal(parseSocialDetail(d, 'bluesky'), null);
  }
  assert.deepEqual(parseSocialDetail('{"v":1,"site":"bluesky","accounts":[],"posts":[]}', 'bluesky'), { accounts: [], posts: [] });
});
