// Functions the e2e tests run inside the x.com page (main world), shared by the Playwright
// (Chromium) and WebDriver (Firefox) tests. Each must be self-contained (no closure variables):
// they are serialised with Function.prototype.toString.
//
// They read only the test-visible DOM contract of docs/CONTRACTS.md: data-botlens-verdict,
// data-botlens-score, one <botlens-badge> per post, its open shadow root holding the hover card
// (author's display name as text, [data-reason] elements).

/** Every article with what the extension put on it, plus the fake app's own state. */
export function snapshot() {
  const visible = (el) => (typeof el.checkVisibility === 'function'
    ? el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })
    : !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length));
  const articles = [...document.querySelectorAll('article[data-testid="tweet"]')].map((a) => {
    const status = a.querySelector('[data-testid="User-Name"] a[href*="/status/"]');
    const [, handle, , id] = (status?.getAttribute('href') ?? '').split('/');
    const badges = a.querySelectorAll('botlens-badge');
    // Which badges sit in the User-Name block ("beside the author's name").
    const nameBlock = a.querySelector('[data-testid="User-Name"]');
    return {
      id,
      handle,
      verdict: a.getAttribute('data-botlens-verdict'),
      score: a.getAttribute('data-botlens-score'),
      badges: badges.length,
      badgeNearName: badges.length > 0 && !!nameBlock && (nameBlock.contains(badges[0]) || nameBlock.parentElement?.contains(badges[0])),
      shadow: badges.length > 0 ? !!badges[0].shadowRoot : null,
      visible: visible(a),
    };
  });
  const e2e = window.__e2e ?? {};
  return {
    articles,
    strayBadges: document.querySelectorAll('botlens-badge').length - articles.reduce((n, a) => n + a.badges, 0),
    batches: e2e.batches ?? 0,
    autoRerendered: !!e2e.autoRerendered,
    renders: e2e.renders ?? 0,
    loadId: e2e.loadId ?? null,
    violations: e2e.violations ?? [],
    errors: e2e.errors ?? [],
  };
}

/**
 * The hover card of the badge in the article of post `id`: whether a visible element in the
 * badge's shadow root shows `name`, and the visible [data-reason] codes. Also the deep active
 * element's relation to the badge (for keyboard focus checks).
 */
export function cardState(id, name) {
  const visible = (el) => (typeof el.checkVisibility === 'function'
    ? el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })
    : !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length));
  const link = document.querySelector(`article[data-testid="tweet"] a[href$="/status/${id}"]`);
  const article = link?.closest('article[data-testid="tweet"]');
  const badge = article?.querySelector('botlens-badge');
  if (!badge) return { found: false };
  const root = badge.shadowRoot;
  if (!root) return { found: true, shadow: false };
  // The smallest visible elements whose text includes the name.
  const named = [...root.querySelectorAll('*')].filter((el) => el.textContent.includes(name) && visible(el));
  const reasons = [...root.querySelectorAll('[data-reason]')].filter(visible).map((el) => el.getAttribute('data-reason'));
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  const focused = document.activeElement === badge || (active ? badge.contains(active) || root.contains(active) : false);
  const buttons = [...root.querySelectorAll('button, [role="button"]')].filter(visible).map((b) => b.textContent.trim());
  return { found: true, shadow: true, showsName: named.length > 0, reasons, focused, buttons };
}

/**
 * Whether the article of post `id` looks dimmed or collapsed: some element from the article
 * down to three levels has opacity < 1 or a filter, or the post text is not visible any more.
 */
export function postLook(id) {
  const link = document.querySelector(`article[data-testid="tweet"] a[href$="/status/${id}"]`);
  const article = link?.closest('article[data-testid="tweet"]');
  if (!article) return { found: false };
  let dimmed = false;
  const walk = (el, depth) => {
    const cs = getComputedStyle(el);
    if (Number(cs.opacity) < 1 || (cs.filter && cs.filter !== 'none')) dimmed = true;
    if (depth < 3) for (const c of el.children) walk(c, depth + 1);
  };
  for (let el = article; el && el !== document.body; el = el.parentElement) {
    const cs = getComputedStyle(el);
    if (Number(cs.opacity) < 1 || (cs.filter && cs.filter !== 'none')) dimmed = true;
  }
  walk(article, 0);
  const text = article.querySelector('[data-testid="tweetText"]');
  const textVisible = !!text && (typeof text.checkVisibility === 'function'
    ? text.checkVisibility({ checkOpacity: false, checkVisibilityCSS: true })
    : text.getClientRects().length > 0);
  const attrs = Object.fromEntries([...article.attributes].filter((a) => a.name.startsWith('data-botlens')).map((a) => [a.name, a.value]));
  return { found: true, dimmed, textVisible, attrs };
}

/** Serialise a probe for WebDriver's execute/sync: `return (fn)(...arguments)`. */
export function asScript(fn) {
  return `return (${fn.toString()}).apply(null, arguments);`;
}
