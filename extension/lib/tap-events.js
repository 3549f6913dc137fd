// Isolated content script: receiving what a MAIN-world tap (content/social-tap-main.js) forwards.
// The event detail comes from the page's world, so it is untrusted: size-checked and parsed here,
// then every field is type-checked again by the site's adapter. Shared by the Bluesky and
// Mastodon site files.

const MAX_DETAIL = 8 * 1024 * 1024;
const MAX_ITEMS = 2000;

/** `{accounts: [raw], posts: [raw]}` from one event detail of `siteId`'s tap, or null. */
export function parseSocialDetail(detail, siteId) {
  if (typeof detail !== 'string' || detail.length > MAX_DETAIL) return null;
  let p;
  try { p = JSON.parse(detail); } catch { return null; }
  if (p === null || typeof p !== 'object' || p.v !== 1 || p.site !== siteId) return null;
  if (!Array.isArray(p.accounts) || !Array.isArray(p.posts)) return null;
  if (p.accounts.length > MAX_ITEMS || p.posts.length > MAX_ITEMS) return null;
  return { accounts: p.accounts, posts: p.posts };
}

/**
 * Listens for `botlens:<siteId>-data`, maps each detail with `map(raw) -> {accounts, links}` and
 * hands the result to `onData`; then asks the tap to replay what it saw before we listened.
 * Returns the unsubscribe function.
 */
export function subscribeSocialTap(siteId, map, onData, doc = document) {
  const listener = (e) => {
    const raw = parseSocialDetail(e.detail, siteId);
    if (!raw) return;
    try {
      const data = map(raw);
      if (data.accounts.length > 0 || data.links.length > 0) onData(data);
    } catch {
      // A detail the adapter cannot read: ignore it.
    }
  };
  doc.addEventListener(`botlens:${siteId}-data`, listener);
  doc.dispatchEvent(new CustomEvent(`botlens:${siteId}-ready`));
  return () => doc.removeEventListener(`botlens:${siteId}-data`, listener);
}
