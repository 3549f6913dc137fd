// Coordination Posts (docs/COORDINATION.md) from Bluesky post views and Mastodon statuses: the
// adapters' normalizeBlueskyPost / normalizeMastodonStatus and their walks, over the saved fixtures,
// hand-made shapes (facets, embeds, boosts, cards) and malformed input; Mastodon's HTML content
// becomes text only (scripts, styles and images give nothing; nothing is parsed into a document).
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { normalizeBlueskyPost, postsFromBluesky } from '../../extension/adapters/bluesky.js';
import { contentText, normalizeMastodonStatus, postsFromMastodon } from '../../extension/adapters/mastodon.js';
import { scopeOf as blueskyScope, mapDetail as mapBluesky } from '../../extension/content/bluesky-site.js';
import { scopeOf as mastodonScope, mapDetail as mapMastodon } from '../../extension/content/mastodon-site.js';

const json = (p) => JSON.parse(readFileSync(new URL(`../fixtures/${p}`, import.meta.url), 'utf8'));
const host = 'mastodon.social';
const DID = 'did:plc:abcdefghijklmnopqrstuvwx';

const bskyPost = (over = {}) => ({
  uri: `at://${DID}/app.bsky.feed.post/3lxabc`, cid: 'bafy',
  author: { did: DID, handle: 'Alice.bsky.social', createdAt: '2024-02-03T04:05:06.000Z' },
  record: { $type: 'app.bsky.feed.post', text: 'Read this #b #a', createdAt: '2025-07-15T10:00:00.000Z' },
  ...over,
});

test('bluesky: text, tag facets in text order, link facets and the external embed, author createdAt', () => {
  const p = normalizeBlueskyPost(bskyPost({
    record: {
      text: 'Read this #b #a example.org/x…', createdAt: '2025-07-15T10:00:00.000Z',
      facets: [
        { index: { byteStart: 13, byteEnd: 15 }, features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'a' }] },
        { index: { byteStart: 10, byteEnd: 12 }, features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'b' }] },
        { index: { byteStart: 16, byteEnd: 30 }, features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://example.org/x?utm_source=y' }] },
        { index: { byteStart: 0, byteEnd: 4 }, features: [{ $type: 'app.bsky.richtext.facet#mention', did: DID }] },
      ],
    },
    embed: { $type: 'app.bsky.embed.external#view', external: { uri: 'https://news.example/story', title: 't' } },
  }));
  assert.deepEqual(p, {
    post_id: 'alice.bsky.social/3lxabc', account_key: `bluesky:${DID}`, text: 'Read this #b #a example.org/x…',
    created_at: '2025-07-15T10:00:00Z', hashtags: ['b', 'a'], urls: ['https://example.org/x?utm_source=y', 'https://news.example/story'],
    account_created_at: '2024-02-03T04:05:06Z',
  });
  // No facets: hashtags and links are left to the core (read from the text).
  const plain = normalizeBlueskyPost(bskyPost());
  assert.equal('hashtags' in plain, false);
  assert.equal('urls' in plain, false);
  // Media beside a quoted record: the media's external link.
  assert.deepEqual(normalizeBlueskyPost(bskyPost({ embed: { media: { external: { uri: 'https://a.example/' } } } })).urls, ['https://a.example/']);
});

test('bluesky: both thread versions, the timeline and the post ids the page links to', () => {
  const v1 = postsFromBluesky(json('bluesky/get-post-thread-v1.json'));
  const v2 = postsFromBluesky(json('bluesky/get-post-thread-v2.json'));
  assert.equal(v1.length, 5);
  assert.equal(v2.length, 6);
  assert.deepEqual(v1.map((p) => p.post_id), v2.slice(0, 5).map((p) => p.post_id), 'same posts, same order, either version');
  assert.equal(v2[0].text, 'Root post.');
  assert.ok(v2.every((p) => /^[a-z0-9.-]+\/3lx[a-z2-7]+$/.test(p.post_id) && p.account_key.startsWith('bluesky:did:plc:') && p.account_created_at));
  const tl = postsFromBluesky(json('bluesky/get-timeline.json'));
  assert.ok(tl.length >= 2 && tl.every((p) => p.text));
});

test('bluesky: malformed posts are skipped or lose only the bad fields', () => {
  assert.deepEqual(postsFromBluesky(json('bluesky/malformed.json')).map((p) => p.post_id), [], 'no record, bad ids: no post');
  for (const bad of [null, 7, 'x', {}, bskyPost({ record: null }), bskyPost({ record: 'text' }), bskyPost({ uri: 'at://did:plc:other/app.bsky.feed.post/x' }),
    bskyPost({ author: { did: DID, handle: 'handle.invalid' } })]) {
    assert.equal(normalizeBlueskyPost(bad), null, JSON.stringify(bad));
  }
  const p = normalizeBlueskyPost(bskyPost({
    record: { text: 42, createdAt: 'yesterday', facets: [null, { features: 'x' }, { features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 5 }, { $type: 'app.bsky.richtext.facet#link', uri: 'javascript:alert(1)' }] }] },
    embed: { external: { uri: 'ftp://x' } }, author: { did: DID, handle: 'alice.bsky.social', createdAt: 5 },
  }));
  assert.deepEqual(p, { post_id: 'alice.bsky.social/3lxabc', account_key: `bluesky:${DID}` });
  assert.equal(normalizeBlueskyPost(bskyPost({ record: { text: 'x'.repeat(5000) } })).text.length, 2000, 'text capped');
  assert.doesNotThrow(() => postsFromBluesky({ get thread() { throw new Error('boom'); } }));
});

test('mastodon: HTML content -> text only; scripts, styles, images and comments give nothing', () => {
  const { text, links } = contentText('<p>Hi <script>alert("x")</script><img src=x onerror="alert(1)">there &amp; <b>you</b>&#33; &#x1F600;</p>'
    + '<style>p { color: red }</style><!-- <a href="https://hidden.example/">x</a> --><p>second<br/>line</p><SCRIPT type="x">document.cookie</SCRIPT >'
    + '<iframe src="https://evil.example/"><p>inside</p></iframe>tail &lt;script&gt;');
  assert.equal(text, 'Hi there & you! 😀\nsecond\nline\ntail <script>');
  assert.deepEqual(links, []);
  assert.doesNotMatch(text, /alert|cookie|color|inside|hidden/);
  // Links: plain <a href> yes (entities decoded); mention and hashtag links no; non-http no.
  const c = contentText('<p><span class="h-card"><a href="https://m.example/@bob" class="u-url mention">@<span>bob</span></a></span> '
    + '<a href="https://m.example/tags/x" class="mention hashtag" rel="tag">#<span>x</span></a> '
    + '<a href=\'https://news.example/a?b=1&amp;c=2\' rel="nofollow"><span class="invisible">https://</span>news.example/a</a> '
    + '<a href="javascript:alert(1)">j</a> <a href=https://b.example/>b</a></p>');
  assert.deepEqual(c.links, ['https://news.example/a?b=1&c=2', 'https://b.example/']);
  assert.equal(c.text, '@bob #x https://news.example/a j b');
  assert.equal(contentText('x'.repeat(30000)).text.length, 2000, 'text capped');
  assert.equal(contentText('<p>a < b and c > d</p>').text, 'a < b and c > d', 'a stray < is text');
  assert.deepEqual(contentText(5), { text: undefined, links: [] });
  assert.deepEqual(contentText('<script>never closed'), { text: '', links: [] });
});

test('mastodon: statuses -> Posts (tags in order, card and content links, account created_at); a boost is the boosted status', () => {
  const ctx = json('mastodon/context.json');
  const posts = postsFromMastodon(ctx, { host });
  assert.deepEqual(posts.map((p) => p.post_id), ctx.descendants.map((s) => s.id));
  assert.deepEqual(posts[0], {
    post_id: ctx.descendants[0].id, account_key: 'mastodon:weatherbot@mastodon.social', text: 'Good point.',
    created_at: '2025-07-15T10:00:00Z', account_created_at: '2023-06-12T00:00:00Z',
  });
  assert.equal(posts[2].account_key, 'mastodon:ana@fosstodon.org', 'remote account keyed by its own domain');
  const tl = json('mastodon/home-timeline.json');
  const boost = tl[1];
  const fromTl = postsFromMastodon(tl, { host });
  assert.deepEqual(fromTl.map((p) => p.post_id), [tl[0].id, boost.reblog.id], 'the boost is its status, once');
  assert.equal(normalizeMastodonStatus(boost, { host }).post_id, boost.reblog.id);
  assert.equal(normalizeMastodonStatus(boost, { host }).text, 'Forecast.');
  const st = {
    ...ctx.descendants[0], content: '<p>Look <a href="https://news.example/x" rel="nofollow">news.example/x</a> <a href="https://mastodon.social/tags/b" class="mention hashtag">#b</a></p>',
    tags: [{ name: 'b' }, { name: 'a' }, { name: 5 }, null, { name: 'b' }], card: { url: 'https://card.example/y' },
  };
  const p = normalizeMastodonStatus(st, { host });
  assert.deepEqual(p.hashtags, ['b', 'a']);
  assert.deepEqual(p.urls, ['https://news.example/x', 'https://card.example/y']);
  assert.equal(p.text, 'Look news.example/x #b');
});

test('mastodon: malformed statuses are skipped or lose only the bad fields', () => {
  assert.deepEqual(postsFromMastodon(json('mastodon/malformed.json'), { host }).map((p) => p.post_id), ['2']);
  for (const bad of [null, 'x', {}, { id: '1', account: { acct: 'a' } }, { id: '1', content: '<p>x</p>', account: { acct: 'bad user' } },
    { id: 1, content: 'x', account: { acct: 'a' } }, { id: '9', type: 'mention', account: { id: '1', username: 'a', acct: 'a' } }]) {
    assert.equal(normalizeMastodonStatus(bad, { host }), null, JSON.stringify(bad));
  }
  const p = normalizeMastodonStatus({ id: '7', content: '<p>ok</p>', created_at: 5, tags: 'x', card: { url: 'javascript:x' }, account: { acct: 'a', created_at: 'never' } }, { host });
  assert.deepEqual(p, { post_id: '7', account_key: 'mastodon:a@mastodon.social', text: 'ok' });
  assert.doesNotThrow(() => postsFromMastodon({ get descendants() { throw new Error('boom'); } }, { host }));
});

test('site files: mapDetail gives Posts beside accounts and links; scope per thread', () => {
  const b = mapBluesky({ accounts: [], posts: [bskyPost(), { uri: 'x', author: {} }, null].filter(Boolean) });
  assert.deepEqual(b.posts.map((p) => p.post_id), ['alice.bsky.social/3lxabc']);
  const m = mapMastodon({ accounts: [], posts: [{ id: '7', content: '<p>hi</p>', account: { acct: 'a' } }, { id: '8', account: { acct: 'a' }, reblog: { id: '7' } }] }, host);
  assert.deepEqual(m.posts.map((p) => p.post_id), ['7'], 'a pruned boost names its status, which the tap forwards on its own');
  assert.equal(blueskyScope({ pathname: '/profile/Alice.bsky.social/post/3lxabc' }), 'post:alice.bsky.social/3lxabc');
  assert.equal(blueskyScope({ pathname: '/profile/%E0%A4%A/post/3lx' }), 'post:%e0%a4%a/3lx', 'bad escapes do not throw');
  assert.equal(blueskyScope({ pathname: '/' }), 'path:/');
  assert.equal(mastodonScope({ pathname: '/@ana@fosstodon.org/1148' }), 'status:1148');
  assert.equal(mastodonScope({ pathname: '/deck/@ana/1148' }), 'status:1148');
  assert.equal(mastodonScope({ pathname: '/home' }), 'path:/home');
});
