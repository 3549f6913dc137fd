// Bluesky (bsky.app) adapter: the ONE place that maps the AppView's profile views to the
// normalized Account of docs/CONTRACTS.md. Pure functions, no DOM, no browser API, so Node tests
// import it. It knows Bluesky's XRPC JSON and nothing about scoring or the UI.
//
// Posts carry `author` as a ProfileViewBasic: did, handle, displayName, avatar (absent when the
// user has none), createdAt, labels, verification. Counts (followersCount, followsCount,
// postsCount), description and banner exist only in a ProfileViewDetailed (getProfile,
// getProfiles), so most authors in a thread arrive without them.
//
// Scoring: see BLUESKY_SCORED below. Measured on ../shared/data/accounts/bluesky-parmar-2025
// (104 hand-labelled accounts): the shipped model's AUC is 0.55 with full profiles and 0.60 with
// what a thread gives (handle, name, created_at); at the default level it flags no account of
// the thread view. That is no better than chance, so Bluesky posts are shown as "unknown" until a
// model fit for these features exists.

import { toIsoDate, walkJson } from './x.js';

/** Whether Bluesky accounts are sent to the core at all (see the measurement above). */
export const BLUESKY_SCORED = false;

const MAX_TEXT = 1000;
const DID_RE = /^did:(?:plc:[a-z2-7]{24}|web:[A-Za-z0-9.:%-]{1,253})$/;
const HANDLE_RE = /^(?=.{3,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const RKEY_RE = /^[A-Za-z0-9._:~-]{1,512}$/;
const POST_URI_RE = /^at:\/\/(did:[^/]{1,300})\/app\.bsky\.feed\.post\/([^/?#]{1,512})$/;

const isObj = (v) => v !== null && typeof v === 'object';
const str = (v) => (typeof v === 'string' ? v : undefined);
const count = (v) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined);

/** A handle as the app shows it, or undefined (`handle.invalid` = the DID no longer resolves). */
export function cleanHandle(v) {
  if (typeof v !== 'string') return undefined;
  const h = v.toLowerCase();
  return HANDLE_RE.test(h) && h !== 'handle.invalid' ? h : undefined;
}

/** True for a profile view of any kind (basic, plain, detailed). */
export function isBlueskyProfile(obj) {
  return isObj(obj) && typeof obj.did === 'string' && typeof obj.handle === 'string' && !('uri' in obj);
}

/** A detailed view (getProfile) carries the counts; a basic one (post authors) does not. */
const isDetailed = (p) => 'followersCount' in p || 'postsCount' in p || 'followsCount' in p;

/** Maps one profile view to a normalized Account, or null. Key: `bluesky:<did>`. */
export function normalizeBlueskyProfile(raw) {
  if (!isBlueskyProfile(raw) || !DID_RE.test(raw.did)) return null;
  const detailed = isDetailed(raw);
  const verified = str(raw.verification?.verifiedStatus);
  const acc = {
    key: `bluesky:${raw.did}`,
    platform: 'bluesky',
    id: raw.did,
    screen_name: cleanHandle(raw.handle),
    name: str(raw.displayName)?.slice(0, MAX_TEXT),
    description: detailed ? str(raw.description)?.slice(0, MAX_TEXT) ?? '' : undefined,
    created_at: toIsoDate(raw.createdAt),
    followers_count: count(raw.followersCount),
    friends_count: count(raw.followsCount),
    statuses_count: count(raw.postsCount),
    // Every profile view omits `avatar` when there is none.
    default_profile_image: typeof raw.avatar === 'string' ? false : !('avatar' in raw),
    has_banner: detailed ? typeof raw.banner === 'string' : undefined,
    verified: verified === 'valid' ? true : verified === 'none' ? false : undefined,
  };
  for (const k of Object.keys(acc)) if (acc[k] === undefined || (acc[k] === '' && k !== 'description')) delete acc[k];
  if (acc.description === '' && !detailed) delete acc.description;
  return acc;
}

/** `at://did/app.bsky.feed.post/rkey` -> {did, rkey}, or null. */
export function parsePostUri(uri) {
  const m = typeof uri === 'string' ? POST_URI_RE.exec(uri) : null;
  return m && DID_RE.test(m[1]) && RKEY_RE.test(m[2]) ? { did: m[1], rkey: m[2] } : null;
}

/**
 * The post -> author link of a post view (`{uri, author: {did, handle}}`), or null: the URI's
 * DID must be the author's, and the author needs a valid handle (the page links by handle).
 */
export function blueskyPostLink(node) {
  if (!isObj(node) || !isObj(node.author) || typeof node.author.did !== 'string') return null;
  const post = parsePostUri(node.uri);
  const handle = cleanHandle(node.author.handle);
  if (!post || !handle || post.did !== node.author.did) return null;
  return { post_id: `${handle}/${post.rkey}`, key: `bluesky:${post.did}` };
}

/**
 * Every profile and post -> author link in an XRPC response of any of the app's reads
 * (getPostThread v1 nested `thread.{post,parent,replies}`, getPostThreadV2's flat
 * `thread[].value.post`, getTimeline/getAuthorFeed/getFeed `feed[].post` with `reply` and
 * `reason`, getProfile, getProfiles, searchPosts). Walks the whole tree; blocked and not-found
 * posts hold no post view and are skipped. Never throws. Links: `{post_id: "<handle>/<rkey>",
 * key}` because the page's post links are `/profile/<handle>/post/<rkey>`.
 */
export function extractFromBluesky(input, { maxNodes = 200000 } = {}) {
  const accounts = new Map();
  const links = new Map();
  walkJson(input, maxNodes, (node) => {
    if (isBlueskyProfile(node)) {
      const acc = normalizeBlueskyProfile(node);
      // A detailed view and a basic one of the same account merge; the basic one must not
      // erase counts a detailed one brought.
      if (acc) accounts.set(acc.key, { ...acc, ...accounts.get(acc.key), ...(isDetailed(node) ? acc : {}) });
    } else {
      const link = blueskyPostLink(node);
      if (link && !links.has(link.post_id)) links.set(link.post_id, link);
    }
  });
  return { accounts: [...accounts.values()], links: [...links.values()] };
}

// ---- Posts for the coordination detector (docs/COORDINATION.md, Post) ----
// A post view's visible text is `record.text`; hashtags are the record's `#tag` facets (in the
// order they appear in the text; absent = the core reads them from the text), links the `#link`
// facets' `uri` and the external embed's `uri` (the text shows links shortened, so the facets
// are the real targets). Key and post id as for the accounts and links above.
const MAX_POST_TEXT = 2000;
const MAX_ENTITIES = 32;
const MAX_ENTITY_TEXT = 1000;
const TAG_FEATURE = 'app.bsky.richtext.facet#tag';
const LINK_FEATURE = 'app.bsky.richtext.facet#link';
const HTTP_RE = /^https?:\/\/[^\s]{1,1000}$/i;

function pushUnique(list, v) {
  if (list.length < MAX_ENTITIES && !list.includes(v)) list.push(v);
}

/**
 * Maps one post view (`{uri, author, record: {text, createdAt, facets}, embed}`; also what the
 * MAIN-world tap forwards of it: the same paths, pruned) to the coordination Post, or null when it
 * is not a post view with a valid uri, author and handle. Wrong-typed fields are dropped.
 */
export function normalizeBlueskyPost(raw) {
  if (!isObj(raw) || !isObj(raw.record)) return null;
  const link = blueskyPostLink(raw);
  if (!link) return null;
  const rec = raw.record;
  const hashtags = [];
  const urls = [];
  if (Array.isArray(rec.facets)) {
    const start = (f) => (typeof f?.index?.byteStart === 'number' && Number.isFinite(f.index.byteStart) ? f.index.byteStart : Infinity);
    const facets = rec.facets.slice(0, 256).filter(isObj).map((f, i) => [start(f), i, f]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (const [, , f] of facets) {
      if (!Array.isArray(f.features)) continue;
      for (const feat of f.features.slice(0, 8)) {
        if (!isObj(feat)) continue;
        if (feat.$type === TAG_FEATURE && typeof feat.tag === 'string' && feat.tag.length > 0 && feat.tag.length <= MAX_ENTITY_TEXT) pushUnique(hashtags, feat.tag);
        if (feat.$type === LINK_FEATURE && typeof feat.uri === 'string' && HTTP_RE.test(feat.uri)) pushUnique(urls, feat.uri);
      }
    }
  }
  // The embed view (external card, or media beside a quoted record), else the record's own embed.
  for (const ext of [raw.embed?.external, raw.embed?.media?.external, rec.embed?.external, rec.embed?.media?.external]) {
    if (isObj(ext) && typeof ext.uri === 'string' && HTTP_RE.test(ext.uri)) { pushUnique(urls, ext.uri); break; }
  }
  const post = {
    post_id: link.post_id,
    account_key: link.key,
    text: typeof rec.text === 'string' ? rec.text.slice(0, MAX_POST_TEXT) : undefined,
    created_at: toIsoDate(rec.createdAt),
    hashtags,
    urls,
    account_created_at: toIsoDate(raw.author.createdAt),
  };
  for (const k of Object.keys(post)) {
    if (post[k] === undefined || (Array.isArray(post[k]) && post[k].length === 0)) delete post[k];
  }
  return post;
}

/** Every post view in an XRPC response (the same walk as extractFromBluesky), as Posts. Never throws. */
export function postsFromBluesky(input, { maxNodes = 200000 } = {}) {
  const posts = new Map();
  walkJson(input, maxNodes, (node) => {
    const post = isBlueskyProfile(node) ? null : normalizeBlueskyPost(node);
    if (post && !posts.has(post.post_id)) posts.set(post.post_id, post);
  });
  return [...posts.values()];
}
