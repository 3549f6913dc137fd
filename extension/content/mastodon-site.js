// Mastodon (any instance the user enabled) for the isolated content script: which elements are
// posts and how to read them from the Mastodon 4.x web UI (components/status.jsx: `.status` with
// `data-id` inside `.status__wrapper`; `.status__info` holds `a.status__relative-time`
// (`/@acct/<id>`) and `a.status__display-name` (`/@acct`) with `.display-name__html`; the focal
// post is a `.detailed-status` with `a.detailed-status__display-name`), and how account data
// arrives (content/social-tap-main.js). Self-declared bots (`bot: true`) get their own mark.
import { fullAcct, mastodonStatusLink, normalizeMastodonAccount, normalizeMastodonStatus } from '../adapters/mastodon.js';
import { subscribeSocialTap } from '../lib/tap-events.js';

const ROOT_SELECTOR = '.status[data-id], .detailed-status';
const ACCT_PATH_RE = /^\/@([^/?#]{1,330})\/?$/;
const STATUS_PATH_RE = /^\/@([^/?#]{1,330})\/(\d{1,30})(?:[/?#]|$)/;

const host = () => globalThis.location?.host;

/** Reads the status id, author (`user@domain`) and badge anchor of one post root. */
export function readPost(root, pageHost = host()) {
  const own = (el) => el.closest(ROOT_SELECTOR) === root;
  let author = null;
  for (const a of root.querySelectorAll('a.status__display-name[href], a.detailed-status__display-name[href]')) {
    if (!own(a) || a.classList.contains('muted')) continue; // .muted = "X boosted" line
    const m = ACCT_PATH_RE.exec(new URL(a.getAttribute('href'), 'https://h.invalid/').pathname);
    if (m) { author = a; break; }
  }
  const acct = author ? fullAcct(decodeURIComponent(ACCT_PATH_RE.exec(new URL(author.getAttribute('href'), 'https://h.invalid/').pathname)[1]), pageHost) : undefined;
  let postId = /^\d{1,30}$/.test(root.getAttribute('data-id') ?? '') ? root.getAttribute('data-id') : null;
  if (!postId) {
    for (const a of root.querySelectorAll('a[href^="/@"]')) {
      const m = own(a) ? STATUS_PATH_RE.exec(a.getAttribute('href')) : null;
      if (m) { postId = m[2]; break; }
    }
  }
  if (!acct && !postId) return null;
  const name = author?.querySelector('.display-name__html')?.textContent.trim() || null;
  // Beside the name, but not inside the link (a button inside a link would follow it).
  const anchor = author ? author.parentElement : null;
  return { postId, handle: acct ?? null, name, anchor };
}

/** The tap's pruned detail -> accounts, status links and coordination Posts, through the adapter. */
export function mapDetail({ accounts, posts }, pageHost = host()) {
  const out = { accounts: [], links: [], posts: [] };
  const postIds = new Set();
  for (const raw of accounts) {
    const acc = normalizeMastodonAccount(raw, { host: pageHost });
    if (acc) out.accounts.push(acc);
  }
  for (const raw of posts) {
    const link = mastodonStatusLink(raw, { host: pageHost });
    if (link) out.links.push(link);
    const post = normalizeMastodonStatus(raw, { host: pageHost });
    if (post && !postIds.has(post.post_id)) { postIds.add(post.post_id); out.posts.push(post); }
  }
  return out;
}

/** The status's own text from the DOM (`.status__content`), for a status the JSON did not carry. */
export function postText(root) {
  for (const el of root.querySelectorAll('.status__content')) {
    if (el.closest(ROOT_SELECTOR) === root) return el.textContent.slice(0, 2000);
  }
  return null;
}

/** The page a coordination detector covers: a thread (`/@acct/<id>`, also under `/deck`) or any other path. */
export function scopeOf(loc) {
  const path = loc?.pathname ?? '';
  const m = /^(?:\/deck)?\/@[^/?#]{1,330}\/(\d{1,30})(?:[/?#]|$)/.exec(path);
  return m ? `status:${m[1]}` : `path:${path}`;
}

export const mastodonSite = {
  id: 'mastodon',
  postSelector: ROOT_SELECTOR,
  readPost,
  postText,
  scopeOf,
  handleKey: (acct) => `mastodon:${acct.toLowerCase()}`,
  handleOf: (acc) => acc.key.slice('mastodon:'.length),
  selfDeclares: true,
  subscribe: (onData, doc = document) => subscribeSocialTap('mastodon', (raw) => mapDetail(raw), onData, doc),
};
