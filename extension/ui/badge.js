// The <botlens-badge> mark and its hover card, used by the isolated content script. Everything
// lives in the element's own (open) shadow root, so the site's CSS cannot break it and ours cannot
// leak. Chrome's isolated worlds have no `customElements` (it is null there), so the element is
// never "defined": it is a plain element with a valid custom-element name, which is enough for
// attachShadow(). All page-derived text goes in through textContent only.
import { describeFact, describeReason, formatValue, t } from '../lib/i18n.js';
import { BADGE_CSS } from './badge-style.js';

export const BADGE_TAG = 'botlens-badge';
const state = new WeakMap(); // badge element -> { view, parts, onDecision, closeTimer }
const STOP_EVENTS = ['click', 'mousedown', 'mouseup', 'pointerdown', 'pointerup', 'keydown', 'keyup', 'touchstart'];
const FLAGGED_TEXT = () => `\u25C6 ${t('mark_short_flagged')}`;
const AUTOMATED_TEXT = () => `\u2699 ${t('mark_short_automated')}`;
const LEVEL_TEXT = { flagged: 'level_flagged', clear: 'level_clear', unknown: 'level_unknown' };

function el(doc, tag, props = {}, ...children) {
  const node = doc.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

// One constructed stylesheet shared by every badge's shadow root (one parse, one rule set for the
// whole page) where the browser lets the content script adopt it; else a <style> per badge.
let sharedSheet = null;
let sheetDoc = null;
let adoptable = true;
let adoptChecked = false;

function adoptSheet(doc, root) {
  if (!adoptable) return false;
  try {
    if (sheetDoc !== doc) {
      const sheet = new doc.defaultView.CSSStyleSheet();
      sheet.replaceSync(BADGE_CSS);
      sharedSheet = sheet;
      sheetDoc = doc;
    }
    root.adoptedStyleSheets = [sharedSheet];
    // Checked once: where the assignment does not take (Xray wrappers), use <style> from then on.
    if (adoptChecked || root.adoptedStyleSheets.length === 1) { adoptChecked = true; return true; }
  } catch { /* not available in this world */ }
  adoptable = false;
  return false;
}

/**
 * Creates a badge. `onDecision(view, decision)` is called with 'allow', 'flag' or null (return to
 * automatic) when the user presses one of the card's actions; `onCoordination(view, code)` when
 * the user activates a coordination line of the card (click, Enter or Space).
 *
 * Only the mark is built here (one button with its glyph, the coordination mark, and an empty,
 * hidden card element). The card's content is built the first time the card opens (hover, focus
 * or click), and re-rendered while open when the view changes; a closed card is only marked dirty
 * (docs/PERFORMANCE.md: building every card up front cost ~15 s on a 2,000-reply thread).
 */
export function createBadge(doc, onDecision, onCoordination) {
  const host = doc.createElement(BADGE_TAG);
  const root = host.attachShadow({ mode: 'open' });
  // Both looks of the mark are built up front and laid out once, stacked in one place, hidden
  // (docs/PERFORMANCE.md): the badge is inserted with its post, in the site's own frame, and a
  // verdict then only shows one of them (data-verdict on the mark: a change of visibility and
  // border style, which costs the page a repaint but no layout). The looks: a circle (clear: solid,
  // unknown: dotted) and a pill with a filled diamond and a word (bot-like; a gear and "automated"
  // for an account that says it is automated, the only text written later: Mastodon only). Each
  // look carries its own copy of the coordination mark (a square with "≡" and the group size, its
  // own colour and words), so that mark sits right after the look shown.
  const coordMarks = [];
  const look = (cls, face) => {
    const coord = el(doc, 'span', { class: 'coord', 'aria-hidden': 'true', hidden: '' });
    coordMarks.push(coord);
    return el(doc, 'span', { class: `look ${cls}`, 'aria-hidden': 'true' }, face, coord);
  };
  const glyph = el(doc, 'span', { class: 'glyph pill', text: FLAGGED_TEXT() });
  const mark = el(doc, 'button', { type: 'button', class: 'mark', 'aria-expanded': 'false', 'aria-controls': 'card' },
    look('circle', el(doc, 'span', { class: 'dot' })), look('flagged', glyph));
  const coordMark = coordMarks[0];
  const card = el(doc, 'div', { class: 'card', id: 'card', role: 'dialog', hidden: '' });
  if (!adoptSheet(doc, root)) {
    const style = el(doc, 'style');
    style.textContent = BADGE_CSS;
    root.append(style);
  }
  root.append(mark, card);
  const s = {
    view: null, parts: { mark, glyph, coordMark, coordMarks, card }, built: false, dirty: true, rendered: '',
    markSig: '', coordSig: null, coordDrawn: '', label: '', onDecision, onCoordination, closeTimer: 0,
  };
  state.set(host, s);
  // One listener per event type on the shadow root (delegation; mouseover/mouseout stand in for
  // mouseenter/mouseleave, which do not bubble), plus the stops on the host.
  root.addEventListener('mouseover', onOver);
  root.addEventListener('mouseout', onOut);
  root.addEventListener('focusin', onFocusIn);
  root.addEventListener('focusout', onFocusOut);
  root.addEventListener('click', onClick);
  root.addEventListener('keydown', onKey);
  // Our clicks and keys must not reach the post (X opens the post on a click, and has shortcuts).
  for (const type of STOP_EVENTS) host.addEventListener(type, stop);
  return host;
}

// Delegated handlers: `this` is the shadow root; the parts that open the card are the mark, the
// coordination mark and the card itself.
const stop = (e) => e.stopPropagation();
const hostOf = (root) => root.host;
const opener = (s, node) => Boolean(node) && (s.parts.card.contains(node) || s.parts.mark.contains(node));
function onOver(e) {
  const host = hostOf(this);
  const s = state.get(host);
  if (s && opener(s, e.target)) { clearTimeout(s.closeTimer); openCard(host); }
}
function onOut(e) {
  const host = hostOf(this);
  const s = state.get(host);
  if (!s || !opener(s, e.target) || (e.relatedTarget && opener(s, e.relatedTarget))) return;
  closeSoon(host, s);
}
function onFocusIn(e) {
  const host = hostOf(this);
  const s = state.get(host);
  if (s && e.target === s.parts.mark) { clearTimeout(s.closeTimer); openCard(host); }
}
function onFocusOut(e) {
  if (!this.contains(e.relatedTarget)) { const host = hostOf(this); const s = state.get(host); if (s) closeSoon(host, s); }
}
function onClick(e) {
  const host = hostOf(this);
  const s = state.get(host);
  if (!s) return;
  const t = e.target;
  if (t && s.parts.mark.contains(t)) { if (s.parts.card.hidden) openCard(host); else closeCard(host); }
}
function onKey(e) {
  const host = hostOf(this);
  const s = state.get(host);
  if (s && e.key === 'Escape' && !s.parts.card.hidden) { closeCard(host); s.parts.mark.focus(); }
}
function closeSoon(host, s) {
  clearTimeout(s.closeTimer);
  s.closeTimer = setTimeout(() => closeCard(host), 250);
}

/** Builds the card's content (once, on first open). */
function buildCard(host) {
  const s = state.get(host);
  const doc = host.ownerDocument;
  const p = s.parts;
  Object.assign(p, {
    coordTitle: el(doc, 'h3', { text: t('card_coordination'), hidden: '' }),
    coord: el(doc, 'ul', { class: 'coord-reasons' }),
    name: el(doc, 'span', { class: 'name' }),
    handle: el(doc, 'span', { class: 'handle' }),
    summary: el(doc, 'p', { class: 'summary', id: 'summary' }),
    reasonsTitle: el(doc, 'h3', { text: t('card_reasons') }),
    reasons: el(doc, 'ul', { class: 'reasons' }),
    factsTitle: el(doc, 'h3', { text: t('card_facts') }),
    facts: el(doc, 'ul', { class: 'facts' }),
    note: el(doc, 'p', { class: 'note' }),
    allow: el(doc, 'button', { type: 'button', 'data-action': 'allow', text: t('action_allow') }),
    flag: el(doc, 'button', { type: 'button', 'data-action': 'flag', text: t('action_flag') }),
    reset: el(doc, 'button', { type: 'button', 'data-action': 'reset', text: t('action_reset') }),
  });
  p.card.append(el(doc, 'div', { class: 'who' }, p.name, p.handle), p.summary,
    p.coordTitle, p.coord, p.reasonsTitle, p.reasons, p.factsTitle, p.facts, p.note,
    el(doc, 'div', { class: 'actions' }, p.allow, p.flag, p.reset));
  p.mark.setAttribute('aria-describedby', 'summary');
  const activate = (e) => {
    const line = e.target.closest?.('[data-coord-line]');
    if (!line || !s.view) return;
    closeCard(host); // focus moves to another post: this card's job is done
    s.onCoordination?.(s.view, line.getAttribute('data-reason'));
  };
  p.coord.addEventListener('click', activate);
  p.coord.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    activate(e);
  });
  for (const [button, decision] of [[p.allow, 'allow'], [p.flag, 'flag'], [p.reset, null]]) {
    button.addEventListener('click', () => { if (s.view) s.onDecision?.(s.view, decision); });
  }
  s.built = true;
}

function openCard(host) {
  const s = state.get(host);
  if (!s || !s.parts.card.hidden) return;
  if (!s.built) buildCard(host);
  if (s.dirty && s.view) renderCard(host);
  const { card, mark } = s.parts;
  card.hidden = false;
  mark.setAttribute('aria-expanded', 'true');
  // Fixed position beside the mark, kept inside the viewport (the post may clip overflow).
  const r = mark.getBoundingClientRect();
  const view = host.ownerDocument.defaultView;
  const w = card.offsetWidth || 300;
  const h = card.offsetHeight || 200;
  const left = Math.max(8, Math.min(r.left, view.innerWidth - w - 8));
  const below = r.bottom + 6 + h <= view.innerHeight;
  card.style.left = `${left}px`;
  card.style.top = `${below ? r.bottom + 6 : Math.max(8, r.top - h - 6)}px`;
}

function closeCard(host) {
  const s = state.get(host);
  if (!s) return;
  s.parts.card.hidden = true;
  s.parts.mark.setAttribute('aria-expanded', 'false');
}

/** "Same text as 3 other accounts in this thread" (value = accounts in the group, this one included). */
export function describeCoordination(r) {
  const others = formatValue(Math.max(0, (Number(r.value) || 0) - 1));
  return t(`reason_${r.code}`, [others, r.detail ?? '', formatValue(r.value)]) || `${r.code}: ${formatValue(r.value)}`;
}

function coordLine(doc, r) {
  const line = el(doc, 'li', { 'data-reason': r.code, 'data-coord-line': '', role: 'button', tabindex: '0', title: t('coord_activate') },
    el(doc, 'span', { class: 'coord-text', text: describeCoordination(r) }));
  if (r.others.length > 0) {
    line.append(el(doc, 'span', { class: 'coord-others', text: r.others.map((h) => `@${h}`).join(' \u00b7 ') }));
  }
  return line;
}

function fillList(list, items, describe, attr) {
  const doc = list.ownerDocument;
  list.replaceChildren(...items.map((item) => el(doc, 'li', { [attr]: String(item.code), text: describe(item) })));
}

function levelOf(view) {
  return view.selfDeclared ? t('level_self_declared') : t(LEVEL_TEXT[view.verdict]);
}

/**
 * Renders a view: {key, verdict, score, name, handle, reasons, facts, automated, verified, override,
 * selfDeclared, coordination: null | {size, postId, reasons}}. `coordination.reasons` may be a
 * getter: it is only read when the card is rendered. Cheap: the mark is touched only when what it
 * shows changed, and the card is rendered only when open (else marked dirty for its next opening).
 */
export function updateBadge(host, view) {
  const s = state.get(host);
  if (!s) return;
  s.view = view;
  const p = s.parts;
  const coord = view.coordination ?? null;
  const verdictSig = `${view.verdict}|${view.selfDeclared ? 1 : 0}`;
  const coordSig = coord ? String(coord.size) : '';
  if (verdictSig !== s.markSig || coordSig !== s.coordSig) {
    if (verdictSig !== s.markSig) {
      host.setAttribute('data-verdict', view.verdict);
      p.mark.dataset.verdict = view.verdict;
      if (view.selfDeclared) host.setAttribute('data-self-declared', 'true');
      else host.removeAttribute('data-self-declared');
      // Shape + colour + text (badge-style.js): a filled diamond and a word for bot-like; a gear
      // and "automated" for an account that says it is automated; circles for the others.
      const glyph = view.selfDeclared ? AUTOMATED_TEXT() : FLAGGED_TEXT();
      if (p.glyph.textContent !== glyph) p.glyph.textContent = glyph;
    }
    s.markSig = verdictSig;
    if (coordSig !== s.coordSig) {
      s.coordSig = coordSig;
      if (coord) host.setAttribute('data-coordinated', coordSig);
      else host.removeAttribute('data-coordinated');
      // The visible mark of a badge on the page is redrawn when it is near the viewport (below);
      // the attributes are always current.
      if (!host.isConnected) { behind.delete(host); drawCoordMark(host); } else if (!behind.has(host)) { behind.add(host); added.push(host); }
    }
    const label = markLabel(view, coord);
    if (s.label !== label) { s.label = label; p.mark.setAttribute('aria-label', label); }
  }
  s.dirty = true;
  if (s.built && !p.card.hidden) renderCard(host);
}

// Coordination marks far from the viewport (docs/DECISIONS.md 21). A growing group changes the
// size shown on every member, and each redrawn mark costs the page a relayout of the thread; so
// the mark of a badge already on the page is only noted as behind, and redrawn once the badge is
// within MARK_MARGIN px of the viewport: the annotator asks `marksNear()` at the start of its
// frame's commit (reads only, before any write of that frame) and draws them with `drawMarks()`.
// Attributes (the post's data-botlens-coordinated, the host's data-coordinated, the mark's
// aria-label) are always current. A new badge is drawn complete before it is inserted.
const MARK_MARGIN = 3000;
const behind = new Set(); // badges on the page whose coordination mark shows an older size

function drawCoordMark(host) {
  const s = state.get(host);
  if (!s || s.coordDrawn === s.coordSig) return;
  s.coordDrawn = s.coordSig;
  const p = s.parts;
  const text = s.coordSig ? `\u2261${formatValue(Number(s.coordSig))}` : '';
  // Only what differs is written: each write to a shown badge costs the page a relayout.
  for (const c of p.coordMarks) {
    if (c.hidden !== !s.coordSig) c.hidden = !s.coordSig;
    if (c.textContent !== text) c.textContent = text;
  }
}

/** How many badges on the page have a coordination mark to redraw. */
export const marksBehind = () => behind.size;

// The badges behind, in page order (their top in the page when they fell behind): a thread is a
// vertical list, so the ones near the viewport are found by binary search on their geometry (a
// few reads, not one per badge). Where that order is off (several columns, content above that
// moved), a slow round over all of them (SWEEP per call) finds the rest.
let order = [];
let added = [];
let drawnSinceSort = false;
const pageY = new WeakMap();
let sweepAt = 0;
const SWEEP = 64;

function sortedBehind(view) {
  if (added.length === 0 && !drawnSinceSort) return order;
  drawnSinceSort = false;
  const keep = (h) => behind.has(h) && h.isConnected;
  const y = view.scrollY;
  const fresh = added.filter(keep);
  added = [];
  for (const h of fresh) pageY.set(h, h.getBoundingClientRect().top + y);
  fresh.sort((a, b) => pageY.get(a) - pageY.get(b));
  const old = order.filter(keep);
  const out = [];
  let i = 0;
  let j = 0;
  while (i < old.length && j < fresh.length) out.push(pageY.get(old[i]) <= pageY.get(fresh[j]) ? old[i++] : fresh[j++]);
  order = out.concat(old.slice(i), fresh.slice(j));
  return order;
}

/**
 * The badges with a mark to redraw that are within MARK_MARGIN px of the viewport (geometry
 * reads: call before writing in the frame, so the layout read is the one already done).
 */
export function marksNear(view) {
  if (behind.size === 0) return [];
  const list = sortedBehind(view);
  const top = -MARK_MARGIN;
  const bottom = view.innerHeight + MARK_MARGIN;
  const near = new Set();
  const boxed = (r) => r.width > 0 || r.height > 0; // no box: a hidden post, or one the site removed
  // The first badge (with a box) whose bottom is below the band's top.
  const rectAt = (k, end) => {
    for (let x = k; x < end; x += 1) {
      const r = list[x].getBoundingClientRect();
      if (boxed(r)) return { x, r };
    }
    return null;
  };
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const hit = rectAt(mid, hi);
    if (!hit) { hi = mid; continue; }
    if (hit.r.bottom >= top) hi = mid;
    else lo = hit.x + 1;
  }
  for (let k = lo; k < list.length; k += 1) {
    const r = list[k].getBoundingClientRect();
    if (!boxed(r)) continue;
    if (r.top > bottom) break;
    if (r.bottom >= top) near.add(list[k]);
  }
  for (let n = 0; n < SWEEP && list.length > 0; n += 1) {
    sweepAt = (sweepAt + 1) % list.length;
    const host = list[sweepAt];
    if (!host.isConnected) { behind.delete(host); drawnSinceSort = true; continue; }
    const r = host.getBoundingClientRect();
    if (boxed(r) && r.bottom >= top && r.top <= bottom) near.add(host);
  }
  return [...near];
}

/** Redraws the coordination marks of these badges (writes). */
export function drawMarks(hosts) {
  for (const host of hosts) { behind.delete(host); drawCoordMark(host); }
  if (hosts.length > 0) drawnSinceSort = true;
}

// The mark's label for each verdict and group size seen (a growing group relabels every member).
const labels = new Map();
function markLabel(view, coord) {
  const k = `${view.verdict}|${view.selfDeclared ? 1 : 0}|${coord ? coord.size : ''}`;
  let label = labels.get(k);
  if (label === undefined) {
    const level = levelOf(view);
    label = coord ? `${t('mark_label', [level])}; ${t('mark_label_coordinated', [formatValue(coord.size)])}` : t('mark_label', [level]);
    if (labels.size > 2000) labels.clear();
    labels.set(k, label);
  }
  return label;
}

/** Fills the (built) card from the current view; skipped when it shows the same already. */
function renderCard(host) {
  const s = state.get(host);
  const view = s.view;
  const p = s.parts;
  s.dirty = false;
  const coord = view.coordination ?? null;
  const coordReasons = coord && Array.isArray(coord.reasons) ? coord.reasons : [];
  const sig = JSON.stringify([view, coordReasons]);
  if (sig === s.rendered) return; // unchanged: keep the nodes (and the focus inside them)
  s.rendered = sig;
  // A calibrated probability is never certainty: show 1..99 %.
  const pct = typeof view.score === 'number' ? Math.min(99, Math.max(1, Math.round(view.score * 100))) : null;
  const level = levelOf(view);
  p.coordTitle.hidden = coordReasons.length === 0;
  p.coord.replaceChildren(...coordReasons.map((r) => coordLine(host.ownerDocument, r)));
  p.name.textContent = view.name ?? '';
  p.handle.textContent = view.handle ? `@${view.handle}` : '';
  p.summary.textContent = pct === null ? level : t('card_summary', [level, String(pct)]);
  const reasons = Array.isArray(view.reasons) ? view.reasons : [];
  p.reasonsTitle.hidden = reasons.length === 0;
  fillList(p.reasons, reasons, describeReason, 'data-reason');
  const facts = Array.isArray(view.facts) ? [...view.facts] : [];
  if (view.verified === true) facts.push({ code: 'verified', value: 1 });
  if (view.automated === true) facts.push({ code: 'automated', value: 1 });
  p.factsTitle.hidden = facts.length === 0;
  fillList(p.facts, facts, describeFact, 'data-fact');
  p.note.textContent = view.override === 'allow' ? t('note_allowed') : view.override === 'flag' ? t('note_flagged') : '';
  p.note.hidden = !view.override;
  p.allow.hidden = view.override === 'allow';
  p.flag.hidden = view.override === 'flag';
  p.reset.hidden = !view.override;
}
