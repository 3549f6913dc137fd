// Mastodon adapter (any instance): the ONE place that maps Mastodon's REST account entity to the
// normalized Account of docs/CONTRACTS.md. Pure functions, no DOM, no browser API, so Node tests
// import it. It knows Mastodon's JSON and nothing about scoring or the UI.
//
// Statuses carry full account objects (`/api/v1/timelines/*`, `/api/v1/statuses/:id/context`,
// `/api/v1/accounts/*`, notifications, search): id, username, acct (`user` for local accounts,
// `user@domain` for remote ones), display_name, note (HTML), avatar/header (default
// `.../missing.png`), created_at (rounded to midnight by the server), followers_count (-1 when
// the owner hides it), following_count, statuses_count, bot, locked, group, fields.

import { toIsoDate, walkJson } from './x.js';

const MAX_TEXT = 1000;
const ID_RE = /^[0-9A-Za-z]{1,40}$/;
const USER_RE = /^[A-Za-z0-9_.-]{1,64}$/;
const DOMAIN_RE = /^[a-z0-9.-]{1,253}(?::\d{1,5})?$/;
const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", nbsp: ' ' };

const isObj = (v) => v !== null && typeof v === 'object';
const str = (v) => (typeof v === 'string' ? v : undefined);
const bool = (v) => (typeof v === 'boolean' ? v : undefined);
/** A count; Mastodon sends -1 for a hidden followers count: that is unknown, not zero. */
const count = (v) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined);

/**
 * The text of an HTML fragment (the bio), for its length only: tags dropped, a few entities
 * decoded. Never rendered anywhere; the core looks only at how long it is.
 */
export function htmlText(html) {
  if (typeof html !== 'string') return undefined;
  return html.slice(0, 20000)
    .replace(/<br\s*\/?>|<\/p>\s*<p[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#?\w+);/g, (m, e) => ENTITIES[e] ?? m)
    .trim()
    .slice(0, MAX_TEXT);
}

/** Mastodon's default avatar and header are `.../missing.png` (any size folder, any host). */
const isMissing = (url) => /\/missing\.png(?:[?#]|$)/.test(url);

/** `user@domain` for any account; a local account's acct has no domain, so the instance's host is added. */
export function fullAcct(acct, host) {
  if (typeof acct !== 'string') return undefined;
  const a = acct.replace(/^@/, '').toLowerCase();
  const [user, domain, extra] = a.split('@');
  if (extra !== undefined || !USER_RE.test(user)) return undefined;
  const d = domain ?? (typeof host === 'string' ? host.toLowerCase() : undefined);
  return d && DOMAIN_RE.test(d) ? `${user}@${d}` : undefined;
}

/** True for a Mastodon account entity (not a status, mention or tag). */
export function isMastodonAccount(obj) {
  return isObj(obj) && typeof obj.id === 'string' && typeof obj.acct === 'string'
    && typeof obj.username === 'string' && !('account' in obj) && !('content' in obj);
}

/**
 * Maps one account entity to a normalized Account, or null. `host` is the instance the page is
 * on (local accounts' acct has no domain). The key is `mastodon:user@domain`, the same on every
 * instance, so a user's decision about an account holds wherever they meet it.
 */
export function normalizeMastodonAccount(raw, { host } = {}) {
  if (!isMastodonAccount(raw)) return null;
  const acct = fullAcct(raw.acct, host);
  if (!acct) return null;
  const username = acct.split('@')[0];
  const avatar = str(raw.avatar) ?? str(raw.avatar_static);
  const header = str(raw.header) ?? str(raw.header_static);
  // A profile link among the fields stands for the website X and the datasets have.
  let url;
  if (Array.isArray(raw.fields)) {
    for (const f of raw.fields.slice(0, 16)) {
      const m = isObj(f) && typeof f.value === 'string' ? /href="(https?:\/\/[^"]{1,500})"/.exec(f.value) : null;
      if (m) { url = m[1]; break; }
    }
  }
  const acc = {
    key: `mastodon:${acct}`,
    platform: 'mastodon',
    id: ID_RE.test(raw.id) ? raw.id : undefined,
    screen_name: username,
    name: str(raw.display_name)?.slice(0, MAX_TEXT),
    description: htmlText(raw.note),
    url,
    created_at: toIsoDate(raw.created_at),
    followers_count: count(raw.followers_count),
    friends_count: count(raw.following_count),
    statuses_count: count(raw.statuses_count),
    default_profile_image: avatar !== undefined ? isMissing(avatar) : undefined,
    has_banner: header !== undefined ? !isMissing(header) : undefined,
    automated: bool(raw.bot),
    protected: bool(raw.locked),
  };
  for (const k of Object.keys(acc)) if (acc[k] === undefined || acc[k] === '') delete acc[k];
  return acc;
}

/** The status -> author link of a status (`{id, account: {acct, ...}}`), or null. */
export function mastodonStatusLink(node, { host } = {}) {
  if (!isObj(node) || typeof node.id !== 'string' || !ID_RE.test(node.id) || !isObj(node.account)) return null;
  const acct = fullAcct(node.account.acct, host);
  return acct ? { post_id: node.id, key: `mastodon:${acct}` } : null;
}

/**
 * Every account and status -> author link in a Mastodon API response (a status, a list of
 * statuses, a context `{ancestors, descendants}`, notifications, search results, an account or
 * a list of accounts). Walks the whole tree, so boosts (`reblog`) and quotes are found too.
 * Never throws. Links: `{post_id, key}`.
 */
export function extractFromMastodon(input, { host, maxNodes = 200000 } = {}) {
  const accounts = new Map();
  const links = new Map();
  walkJson(input, maxNodes, (node) => {
    if (isMastodonAccount(node)) {
      const acc = normalizeMastodonAccount(node, { host });
      if (acc) accounts.set(acc.key, { ...accounts.get(acc.key), ...acc });
    } else {
      const link = mastodonStatusLink(node, { host });
      if (link && !links.has(link.post_id)) links.set(link.post_id, link);
    }
  });
  return { accounts: [...accounts.values()], links: [...links.values()] };
}

// ---- Posts for the coordination detector (docs/COORDINATION.md, Post) ----
// A status's visible text is its `content`, sanitised HTML. It is turned into text here by a small
// tokenizer: never parsed into any document (no DOMParser, no innerHTML), so nothing in it can load
// or run; the contents of script/style-like elements are dropped, images give no text. Hashtags:
// `tags[].name` in order; links: the content's `<a href>` (not mention or hashtag links: class
// `mention`/`hashtag`) and the preview card's `url`. A boost's post is the boosted status.
const MAX_POST_TEXT = 2000;
const MAX_HTML = 20000;
const MAX_ENTITIES = 32;
const MAX_ENTITY_TEXT = 1000;
const HTTP_RE = /^https?:\/\/[^\s]{1,1000}$/i;
const TAG_RE = /<(\/?)([A-Za-z][A-Za-z0-9:-]{0,40})((?:[^>"']|"[^"]*"|'[^']*')*)>/y;
const ATTR_RE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
const SKIP_CONTENT = new Set(['script', 'style', 'template', 'textarea', 'title', 'noscript', 'iframe', 'object', 'svg', 'math', 'xmp', 'noembed', 'noframes']);
const BREAKS = new Set(['br', 'p', 'div', 'li', 'blockquote', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'tr']);

function decodeEntities(s) {
  return s.replace(/&(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});/g, (m, e) => {
    if (e[0] !== '#') return ENTITIES[e] ?? m;
    const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : '';
  });
}

function attrsOf(s) {
  const out = {};
  ATTR_RE.lastIndex = 0;
  for (let m = ATTR_RE.exec(s); m; m = ATTR_RE.exec(s)) {
    const name = m[1].toLowerCase();
    if (!(name in out)) out[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

/**
 * The plain text of a status's HTML `content` and the targets of its links (mention and hashtag
 * links excluded): `{text, links}`. Input cut at 20,000 characters, text at 2,000.
 */
export function contentText(html) {
  if (typeof html !== 'string') return { text: undefined, links: [] };
  const src = html.slice(0, MAX_HTML);
  let text = '';
  const links = [];
  let i = 0;
  while (i < src.length && text.length < MAX_POST_TEXT * 2) {
    const lt = src.indexOf('<', i);
    const end = lt < 0 ? src.length : lt;
    if (end > i) text += decodeEntities(src.slice(i, end));
    if (lt < 0) break;
    if (src.startsWith('<!--', lt)) { const c = src.indexOf('-->', lt + 4); i = c < 0 ? src.length : c + 3; continue; }
    if (src[lt + 1] === '!' || src[lt + 1] === '?') { const c = src.indexOf('>', lt); i = c < 0 ? src.length : c + 1; continue; }
    TAG_RE.lastIndex = lt;
    const m = TAG_RE.exec(src);
    if (!m) { text += '<'; i = lt + 1; continue; }
    i = TAG_RE.lastIndex;
    const closing = m[1] === '/';
    const name = m[2].toLowerCase();
    if (!closing && SKIP_CONTENT.has(name)) {
      const close = src.toLowerCase().indexOf(`</${name}`, i);
      const gt = close < 0 ? -1 : src.indexOf('>', close);
      i = gt < 0 ? src.length : gt + 1;
      continue;
    }
    if (BREAKS.has(name)) text += '\n';
    if (name === 'a' && !closing && links.length < MAX_ENTITIES) {
      const a = attrsOf(m[3]);
      const cls = (a.class ?? '').toLowerCase().split(/\s+/);
      const href = a.href?.trim();
      if (href && HTTP_RE.test(href) && !cls.includes('mention') && !cls.includes('hashtag') && !links.includes(href)) links.push(href);
    }
  }
  text = text.replace(/[ \t\r\f\v]+/g, ' ').replace(/ ?\n[\s]*/g, '\n').trim().slice(0, MAX_POST_TEXT);
  return { text, links };
}

/**
 * Maps one status (`{id, account, content, created_at, tags, card, reblog}`; also what the
 * MAIN-world tap forwards of it: the same paths, pruned) to the coordination Post, or null when it
 * is not a status with a valid id, author and `content`. A boost maps to the boosted status.
 */
export function normalizeMastodonStatus(raw, { host } = {}) {
  if (!isObj(raw)) return null;
  if (isObj(raw.reblog)) return normalizeMastodonStatus(raw.reblog, { host });
  if (typeof raw.content !== 'string') return null;
  const link = mastodonStatusLink(raw, { host });
  if (!link) return null;
  const { text, links } = contentText(raw.content);
  const hashtags = [];
  if (Array.isArray(raw.tags)) {
    for (const t of raw.tags.slice(0, MAX_ENTITIES)) {
      const name = isObj(t) && typeof t.name === 'string' ? t.name : undefined;
      if (name && name.length <= MAX_ENTITY_TEXT && !hashtags.includes(name)) hashtags.push(name);
    }
  }
  const card = isObj(raw.card) && typeof raw.card.url === 'string' ? raw.card.url.trim() : undefined;
  if (card && HTTP_RE.test(card) && !links.includes(card) && links.length < MAX_ENTITIES) links.push(card);
  const post = {
    post_id: link.post_id,
    account_key: link.key,
    text: text || undefined,
    created_at: toIsoDate(raw.created_at),
    hashtags,
    urls: links,
    account_created_at: toIsoDate(raw.account.created_at),
  };
  for (const k of Object.keys(post)) {
    if (post[k] === undefined || (Array.isArray(post[k]) && post[k].length === 0)) delete post[k];
  }
  return post;
}

/** Every status in a Mastodon API response (the same walk as extractFromMastodon), as Posts. Never throws. */
export function postsFromMastodon(input, { host, maxNodes = 200000 } = {}) {
  const posts = new Map();
  walkJson(input, maxNodes, (node) => {
    const post = isMastodonAccount(node) ? null : normalizeMastodonStatus(node, { host });
    if (post && !posts.has(post.post_id)) posts.set(post.post_id, post);
  });
  return [...posts.values()];
}
