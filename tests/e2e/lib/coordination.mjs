// Coordination checks of the e2e tests (docs/COORDINATION.md), shared by the Chromium and
// Firefox tests. The probes run in the x.com page's main world and must be self-contained (they
// are serialised with Function.prototype.toString); they read only the DOM contract of
// docs/CONTRACTS.md: data-botlens-coordinated, data-botlens-verdict, data-botlens-highlight, the
// badge's open shadow root ([data-coordinated] on the host, the card's [data-reason] lines).

/** Per article: id, verdict, data-botlens-coordinated, and whether its badge shows the coordination mark. */
export function coordSnapshot() {
  return [...document.querySelectorAll('article[data-testid="tweet"]')].map((a) => {
    const status = a.querySelector('[data-testid="User-Name"] a[href*="/status/"]');
    const id = (status?.getAttribute('href') ?? '').split('/')[3];
    const badge = a.querySelector('botlens-badge');
    const mark = badge?.shadowRoot?.querySelector('.coord');
    const markShown = !!mark && !mark.hidden && mark.getClientRects().length > 0;
    const bot = badge?.shadowRoot?.querySelector('.mark');
    return {
      id,
      verdict: a.getAttribute('data-botlens-verdict'),
      coordinated: a.getAttribute('data-botlens-coordinated'),
      markShown,
      markText: markShown ? mark.textContent : null,
      markColor: markShown ? getComputedStyle(mark).borderTopColor : null,
      botMarkColor: bot ? getComputedStyle(bot).backgroundColor : null,
      hostCoordinated: badge?.getAttribute('data-coordinated') ?? null,
      highlight: a.getAttribute('data-botlens-highlight'),
    };
  });
}

/** The open card of post `id`: its visible coordination lines {code, text, others} and focus. */
export function coordCard(id) {
  const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const link = document.querySelector(`article[data-testid="tweet"] a[href$="/status/${id}"]`);
  const badge = link?.closest('article[data-testid="tweet"]')?.querySelector('botlens-badge');
  const root = badge?.shadowRoot;
  if (!root) return { found: false, lines: [] };
  const lines = [...root.querySelectorAll('[data-coord-line][data-reason]')].filter(visible).map((el) => ({
    code: el.getAttribute('data-reason'),
    text: el.querySelector('.coord-text')?.textContent ?? '',
    others: el.querySelector('.coord-others')?.textContent ?? '',
  }));
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  const lineFocused = !!active && root.contains(active) && active.hasAttribute('data-coord-line');
  const focusedInBadge = document.activeElement === badge;
  return { found: true, lines, lineFocused, focusedInBadge };
}

/** Centre of post `id`'s first visible coordination line (viewport coordinates), after scrolling it into view. */
export function coordLineRect(id) {
  const link = document.querySelector(`article[data-testid="tweet"] a[href$="/status/${id}"]`);
  const root = link?.closest('article[data-testid="tweet"]')?.querySelector('botlens-badge')?.shadowRoot;
  const line = root?.querySelector('[data-coord-line][data-reason]');
  if (!line || line.getClientRects().length === 0) return null;
  const r = line.getBoundingClientRect();
  return { x: Math.round(r.left + r.width / 2), y: Math.round(r.top + Math.min(r.height / 2, 10)), w: r.width, h: r.height };
}

/** The post that has focus (id or null), whether it is in the viewport, and the page's scroll offset. */
export function focusedPost() {
  const a = document.activeElement?.closest?.('article[data-testid="tweet"]');
  const status = a?.querySelector('[data-testid="User-Name"] a[href*="/status/"]');
  const id = a ? (status?.getAttribute('href') ?? '').split('/')[3] : null;
  const r = a?.getBoundingClientRect();
  const inView = !!r && r.bottom > 0 && r.top < window.innerHeight;
  const outline = a ? getComputedStyle(a).outlineStyle : null;
  const openCards = [...document.querySelectorAll('botlens-badge')].filter((b) => {
    const card = b.shadowRoot?.querySelector('.card');
    return !!card && !card.hidden;
  }).length;
  return { id, inView, outline, scrollY: Math.round(window.scrollY), highlight: a?.getAttribute('data-botlens-highlight') ?? null, openCards };
}

/**
 * Problems with the coordination marks of a coordSnapshot() against the planted cluster:
 * `members` must carry data-botlens-coordinated = `size` and show the mark; no other post.
 * `verdicts`: id -> expected verdict (the mark never changes it).
 */
export function coordProblems(snap, { members, size, shortIds = [], verdicts = new Map() }) {
  const problems = [];
  const byId = new Map(snap.map((a) => [a.id, a]));
  for (const id of members) {
    const a = byId.get(id);
    if (!a) { problems.push(`member ${id} not rendered`); continue; }
    if (a.coordinated !== String(size)) problems.push(`member ${id}: data-botlens-coordinated=${a.coordinated}, expected ${size}`);
    if (!a.markShown) problems.push(`member ${id}: no coordination mark on the badge`);
    if (a.hostCoordinated !== String(size)) problems.push(`member ${id}: badge data-coordinated=${a.hostCoordinated}`);
    const want = verdicts.get(id);
    if (want && a.verdict !== want) problems.push(`member ${id}: verdict ${a.verdict}, expected ${want} (coordination must not change it)`);
  }
  for (const a of snap) {
    if (members.includes(a.id)) continue;
    const kind = shortIds.includes(a.id) ? 'short reply' : 'post';
    if (a.coordinated !== null) problems.push(`${kind} ${a.id}: data-botlens-coordinated=${a.coordinated}, expected none`);
    if (a.markShown) problems.push(`${kind} ${a.id}: shows the coordination mark`);
  }
  return problems;
}
