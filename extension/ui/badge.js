// The <botlens-badge> mark and its hover card, used by the isolated content script. Everything
// lives in the element's own (open) shadow root, so the site's CSS cannot break it and ours cannot
// leak. Chrome's isolated worlds have no `customElements` (it is null there), so the element is
// never "defined": it is a plain element with a valid custom-element name, which is enough for
// attachShadow(). All page-derived text goes in through textContent only.
import { describeFact, describeReason, t } from '../lib/i18n.js';
import { BADGE_CSS } from './badge-style.js';

export const BADGE_TAG = 'botlens-badge';
const state = new WeakMap(); // badge element -> { view, parts, onDecision, closeTimer }
const STOP_EVENTS = ['click', 'mousedown', 'mouseup', 'pointerdown', 'pointerup', 'keydown', 'keyup', 'touchstart'];
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

/**
 * Creates a badge. `onDecision(view, decision)` is called with 'allow', 'flag' or null (return to
 * automatic) when the user presses one of the card's actions.
 */
export function createBadge(doc, onDecision) {
  const host = doc.createElement(BADGE_TAG);
  const root = host.attachShadow({ mode: 'open' });
  const style = el(doc, 'style');
  style.textContent = BADGE_CSS;
  const mark = el(doc, 'button', { type: 'button', class: 'mark', 'aria-expanded': 'false', 'aria-controls': 'card', 'aria-describedby': 'summary' });
  const glyph = el(doc, 'span', { class: 'glyph', 'aria-hidden': 'true' });
  mark.append(glyph);
  const parts = {
    mark, glyph,
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
  };
  const card = el(doc, 'div', { class: 'card', id: 'card', role: 'dialog', hidden: '' },
    el(doc, 'div', { class: 'who' }, parts.name, parts.handle), parts.summary,
    parts.reasonsTitle, parts.reasons, parts.factsTitle, parts.facts, parts.note,
    el(doc, 'div', { class: 'actions' }, parts.allow, parts.flag, parts.reset));
  parts.card = card;
  root.append(style, mark, card);
  const s = { view: null, parts, onDecision, closeTimer: 0 };
  state.set(host, s);

  const open = () => { clearTimeout(s.closeTimer); openCard(host); };
  const closeSoon = () => { clearTimeout(s.closeTimer); s.closeTimer = setTimeout(() => closeCard(host), 250); };
  mark.addEventListener('mouseenter', open);
  mark.addEventListener('focus', open);
  card.addEventListener('mouseenter', open);
  mark.addEventListener('mouseleave', closeSoon);
  card.addEventListener('mouseleave', closeSoon);
  mark.addEventListener('click', () => (card.hidden ? openCard(host) : closeCard(host)));
  root.addEventListener('focusout', (e) => { if (!root.contains(e.relatedTarget)) closeSoon(); });
  root.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !card.hidden) { closeCard(host); mark.focus(); }
  });
  for (const [button, decision] of [[parts.allow, 'allow'], [parts.flag, 'flag'], [parts.reset, null]]) {
    button.addEventListener('click', () => { if (s.view) s.onDecision?.(s.view, decision); });
  }
  // Our clicks and keys must not reach the post (X opens the post on a click, and has shortcuts).
  for (const type of STOP_EVENTS) host.addEventListener(type, (e) => e.stopPropagation());
  return host;
}

function openCard(host) {
  const s = state.get(host);
  if (!s || !s.parts.card.hidden) return;
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

function fillList(list, items, describe, attr) {
  const doc = list.ownerDocument;
  list.replaceChildren(...items.map((item) => el(doc, 'li', { [attr]: String(item.code), text: describe(item) })));
}

/**
 * Renders a view: {key, verdict, score, name, handle, reasons, facts, automated, verified, override}.
 * Cheap when nothing changed.
 */
export function updateBadge(host, view) {
  const s = state.get(host);
  if (!s) return;
  const prev = s.view;
  s.view = view;
  if (prev && JSON.stringify(prev) === JSON.stringify(view)) return;
  const p = s.parts;
  // A calibrated probability is never certainty: show 1..99 %.
  const pct = typeof view.score === 'number' ? Math.min(99, Math.max(1, Math.round(view.score * 100))) : null;
  host.setAttribute('data-verdict', view.verdict);
  p.mark.dataset.verdict = view.verdict;
  if (view.selfDeclared) host.setAttribute('data-self-declared', 'true');
  else host.removeAttribute('data-self-declared');
  // Shape + colour + text: a filled diamond and a word for bot-like; a gear and "automated" for
  // an account that says it is automated; circles for the others.
  p.glyph.textContent = view.selfDeclared ? `\u2699 ${t('mark_short_automated')}`
    : view.verdict === 'flagged' ? `\u25C6 ${t('mark_short_flagged')}` : '';
  const level = view.selfDeclared ? t('level_self_declared') : t(LEVEL_TEXT[view.verdict]);
  p.mark.setAttribute('aria-label', t('mark_label', [level]));
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
