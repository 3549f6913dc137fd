// Bluesky (bsky.app) for the isolated content script: which elements are posts, how to read a
// post's author and id from the web app's DOM (react-native-web renders `testID` as
// `data-testid`: `postThreadItem-by-<handle>` in threads, `feedItem-by-<handle>` in feeds; the
// author's name and handle link to `/profile/<handle>`, the timestamp to
// `/profile/<handle>/post/<rkey>`), and how account data arrives (content/social-tap-main.js).
import { BLUESKY_SCORED, blueskyPostLink, cleanHandle, normalizeBlueskyPost, normalizeBlueskyProfile } from '../adapters/bluesky.js';
import { subscribeSocialTap } from '../lib/tap-events.js';

const ROOT_SELECTOR = '[data-testid^="postThreadItem-by-"], [data-testid^="feedItem-by-"]';
const TESTID_RE = /^(?:postThreadItem|feedItem)-by-(.+)$/;
const POST_PATH_RE = /^\/profile\/([^/?#]+)\/post\/([A-Za-z0-9._:~-]{1,512})(?:[/?#]|$)/;

/** Reads the post id (`<handle>/<rkey>`), author handle and badge anchor of one post root. */
export function readPost(root) {
  const handle = cleanHandle(TESTID_RE.exec(root.getAttribute('data-testid') ?? '')?.[1]);
  if (!handle) return null;
  const own = (el) => el.closest(ROOT_SELECTOR) === root;
  let name = null;
  let anchor = null;
  for (const a of root.querySelectorAll('a[href^="/profile/"]')) {
    if (!own(a) || cleanHandle(decodeURIComponent(a.getAttribute('href').slice(9))) !== handle) continue;
    anchor ??= a.parentElement; // the name + handle row, not a link itself
    const text = a.textContent.trim();
    if (text && !text.replace(/^\u00a0/, '').startsWith('@')) { name = text; break; }
  }
  let postId = null;
  for (const a of root.querySelectorAll('a[href*="/post/"]')) {
    const m = own(a) ? POST_PATH_RE.exec(a.getAttribute('href')) : null;
    if (m && cleanHandle(decodeURIComponent(m[1])) === handle) { postId = `${handle}/${m[2]}`; break; }
  }
  return { postId, handle, name, anchor };
}

/** The tap's pruned detail -> accounts, post links and coordination Posts, through the adapter. */
export function mapDetail({ accounts, posts }) {
  const out = { accounts: [], links: [], posts: [] };
  for (const raw of accounts) {
    const acc = normalizeBlueskyProfile(raw);
    if (acc) out.accounts.push(acc);
  }
  for (const raw of posts) {
    const link = blueskyPostLink(raw);
    if (link) out.links.push(link);
    const post = normalizeBlueskyPost(raw);
    if (post) out.posts.push(post);
  }
  return out;
}

/** The post's own text from the DOM (`[data-testid="postText"]`), for a post the JSON did not carry. */
export function postText(root) {
  for (const el of root.querySelectorAll('[data-testid="postText"]')) {
    if (el.closest(ROOT_SELECTOR) === root) return el.textContent.slice(0, 2000);
  }
  return null;
}

/** The page a coordination detector covers: a thread (`/profile/<actor>/post/<rkey>`) or any other path. */
export function scopeOf(loc) {
  const path = loc?.pathname ?? '';
  const m = POST_PATH_RE.exec(path);
  if (!m) return `path:${path}`;
  let actor = m[1];
  try { actor = decodeURIComponent(actor); } catch { /* keep it as it is */ }
  return `post:${actor.toLowerCase()}/${m[2]}`;
}

export const blueskySite = {
  id: 'bluesky',
  postSelector: ROOT_SELECTOR,
  readPost,
  postText,
  scopeOf,
  handleKey: (handle) => `bluesky:${handle.toLowerCase()}`,
  handleOf: (acc) => acc.screen_name,
  // Not scored: the model does no better than chance on Bluesky (adapters/bluesky.js).
  scorable: () => BLUESKY_SCORED,
  subscribe: (onData, doc = document) => subscribeSocialTap('bluesky', mapDetail, onData, doc),
};
