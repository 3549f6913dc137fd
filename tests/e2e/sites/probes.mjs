// Page-world probes for the Bluesky and Mastodon e2e tests (self-contained functions, serialised
// with toString). They read only the test-visible DOM contract of docs/CONTRACTS.md.

/** Every post root matching `selector`: its data-botlens-* attributes and its own badges. */
export function socialSnapshot(selector) {
  const roots = [...document.querySelectorAll(selector)];
  const posts = roots.map((root) => {
    const badges = [...root.querySelectorAll('botlens-badge')].filter((b) => b.closest(selector) === root);
    return {
      testid: root.getAttribute('data-testid'),
      id: root.getAttribute('data-id'),
      verdict: root.getAttribute('data-botlens-verdict'),
      score: root.getAttribute('data-botlens-score'),
      selfDeclared: root.getAttribute('data-botlens-self-declared'),
      badges: badges.length,
      shadow: badges.length > 0 && !!badges[0].shadowRoot,
      glyph: badges[0]?.shadowRoot?.querySelector('.glyph')?.textContent ?? null,
    };
  });
  const e2e = window.__e2e ?? {};
  return {
    posts,
    strayBadges: document.querySelectorAll('botlens-badge').length - posts.reduce((n, p) => n + p.badges, 0),
    loaded: !!e2e.loaded, renders: e2e.renders ?? 0, violations: e2e.violations ?? [], errors: e2e.errors ?? [],
  };
}

/** The hover card of the `index`-th post root: visible text, [data-reason] codes, summary. */
export function socialCard(selector, index) {
  const visible = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const root = document.querySelectorAll(selector)[index];
  const badge = root?.querySelector('botlens-badge');
  const sr = badge?.shadowRoot;
  if (!sr) return { found: false };
  const card = sr.querySelector('.card');
  return {
    found: true,
    open: !!card && visible(card),
    text: card && visible(card) ? card.textContent : '',
    summary: sr.querySelector('.summary')?.textContent ?? '',
    reasons: [...sr.querySelectorAll('[data-reason]')].filter(visible).map((el) => el.getAttribute('data-reason')),
    facts: [...sr.querySelectorAll('[data-fact]')].filter(visible).map((el) => el.getAttribute('data-fact')),
  };
}
