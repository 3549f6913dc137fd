// X (x.com, twitter.com) for the isolated content script: which elements are posts, how to read a
// post's author and id from X's DOM, and how account data arrives (events from the MAIN-world tap,
// content/x-tap-main.js). Everything else is the site-agnostic lib/annotator.js. The event detail
// comes from the page's world, so it is untrusted: it is parsed and size-checked here, and every
// field is type-checked again by the adapter (it only ever becomes account facts).
import { normalizeXTweet, normalizeXUser } from '../adapters/x.js';

const EVENT = 'botlens:x-users';
const READY_EVENT = 'botlens:x-ready';
const MAX_DETAIL = 8 * 1024 * 1024;
const MAX_USERS = 2000;
const MAX_TWEETS = 20000;
const ID_RE = /^\d{1,25}$/;
const HANDLE_PATH_RE = /^\/([A-Za-z0-9_]{1,50})\/?$/;
const STATUS_PATH_RE = /^\/([A-Za-z0-9_]{1,50})\/status\/(\d{1,25})(?:[/?#]|$)/;

/** Reads the status id, author handle and badge anchor of one `article[data-testid="tweet"]`. */
export function readPost(root) {
  const userName = root.querySelector('[data-testid="User-Name"]');
  if (!userName || userName.closest('article') !== root) return null;
  let handle = null;
  let name = null;
  for (const a of userName.querySelectorAll('a[href]')) {
    const m = HANDLE_PATH_RE.exec(a.getAttribute('href'));
    if (!m) continue;
    handle = m[1];
    const text = a.textContent.trim();
    if (text && !text.startsWith('@')) { name = text; break; } // the display-name link comes first
  }
  // The post's own timestamp link: inside User-Name in replies, at the bottom in a focal post; a
  // quoted post's link belongs to another author, so prefer the one matching the author's handle.
  let postId = null;
  for (const a of root.querySelectorAll('a[href*="/status/"]')) {
    if (!a.querySelector('time[datetime]') || a.closest('article') !== root) continue;
    const m = STATUS_PATH_RE.exec(a.getAttribute('href'));
    if (!m) continue;
    if (handle && m[1].toLowerCase() !== handle.toLowerCase()) continue;
    postId = m[2];
    break;
  }
  if (!handle && !postId) return null;
  return { postId, handle, name, anchor: userName };
}

/** Parses one event detail from the MAIN world; null when it is not what the tap sends. */
export function parseTapDetail(detail) {
  if (typeof detail !== 'string' || detail.length > MAX_DETAIL) return null;
  let p;
  try { p = JSON.parse(detail); } catch { return null; }
  if (p === null || typeof p !== 'object' || p.v !== 1 || !Array.isArray(p.users) || !Array.isArray(p.tweets)) return null;
  if (p.users.length > MAX_USERS || p.tweets.length > MAX_TWEETS) return null;
  const accounts = [];
  for (const raw of p.users) {
    const acc = normalizeXUser(raw);
    if (acc?.id) accounts.push(acc);
  }
  const links = [];
  for (const t of p.tweets) {
    if (Array.isArray(t) && t.length === 2 && typeof t[0] === 'string' && typeof t[1] === 'string'
      && ID_RE.test(t[0]) && ID_RE.test(t[1])) links.push({ post_id: t[0], key: `x:${t[1]}` });
  }
  // Posts for the coordination detector (optional: an older tap sends none).
  const posts = [];
  if (Array.isArray(p.posts) && p.posts.length <= MAX_TWEETS) {
    for (const raw of p.posts) {
      const post = normalizeXTweet(raw);
      if (post) posts.push(post);
    }
  }
  return { accounts, links, posts };
}

/**
 * The post's text from the DOM, for posts whose text the page's JSON did not carry (a
 * server-rendered post): `[data-testid="tweetText"]` of the post itself, not of a quoted one.
 * Emoji drawn as images are missing from it; the detector drops emoji anyway.
 */
export function postText(root) {
  for (const el of root.querySelectorAll('[data-testid="tweetText"]')) {
    if (el.closest('article') === root) return el.textContent.slice(0, 2000);
  }
  return null;
}

/** The page a coordination detector covers: a thread (status id) or any other path. */
export function scopeOf(loc) {
  const m = STATUS_PATH_RE.exec(loc?.pathname ?? '');
  return m ? `status:${m[2]}` : `path:${loc?.pathname ?? ''}`;
}

export const xSite = {
  id: 'x',
  postSelector: 'article[data-testid="tweet"]',
  readPost,
  postText,
  scopeOf,
  handleKey: (handle) => `x:${handle.toLowerCase()}`,
  subscribe(onData, doc = document) {
    const listener = (e) => {
      const data = parseTapDetail(e.detail);
      if (data) onData(data);
    };
    doc.addEventListener(EVENT, listener);
    doc.dispatchEvent(new CustomEvent(READY_EVENT)); // the tap replays what it saw before we listened
    return () => doc.removeEventListener(EVENT, listener);
  },
};
