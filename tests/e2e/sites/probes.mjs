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
      coordinated: root.getAttribute('data-botlens-coordinated'),
      hostCoordinated: badges[0]?.getAttribute('data-coordinated') ?? null,
      coordMark: (() => {
        const m = badges[0]?.shadowRoot?.querySelector('.coord');
        return m && !m.hidden && m.getClientRects().length > 0 ? m.textContent : null;
      })(),
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

/**
 * The coordination lines of the `index`-th post's badge (open the card first): code, wording and
 * the other accounts' handles, read from the open shadow root.
 */
export function socialCoordLines(selector, index) {
  const root = document.querySelectorAll(selector)[index]?.querySelector('botlens-badge')?.shadowRoot;
  if (!root) return { found: false, lines: [] };
  const card = root.querySelector('.card');
  const lines = [...root.querySelectorAll('[data-coord-line][data-reason]')].filter((el) => el.getClientRects().length > 0).map((el) => ({
    code: el.getAttribute('data-reason'),
    text: el.querySelector('.coord-text')?.textContent ?? '',
    others: el.querySelector('.coord-others')?.textContent ?? '',
  }));
  return { found: true, open: !!card && !card.hidden, lines };
}

/**
 * Problems of a socialSnapshot() against a planted cluster (indices into its posts): every member
 * carries data-botlens-coordinated = `size`, the badge's mark and data-coordinated; no other post does.
 */
export function socialCoordProblems(snap, { members, size }) {
  const problems = [];
  snap.posts.forEach((p, i) => {
    if (members.includes(i)) {
      if (p.coordinated !== String(size)) problems.push(`member ${i}: data-botlens-coordinated=${p.coordinated}, expected ${size}`);
      if (p.coordMark === null) problems.push(`member ${i}: no coordination mark`);
      else if (!p.coordMark.includes(String(size))) problems.push(`member ${i}: mark reads ${p.coordMark}`);
      if (p.hostCoordinated !== String(size)) problems.push(`member ${i}: badge data-coordinated=${p.hostCoordinated}`);
    } else {
      if (p.coordinated !== null) problems.push(`post ${i}: data-botlens-coordinated=${p.coordinated}, expected none`);
      if (p.coordMark !== null) problems.push(`post ${i}: shows the coordination mark`);
    }
  });
  return problems;
}
