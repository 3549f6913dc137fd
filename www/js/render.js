// Standalone page: draws verdicts. Every string that came from the input (names, handles, bios,
// dataset names) is set with textContent, never as HTML.
import { t, describeReason, describeFact } from '../ext/i18n.js';
import { classify, levelFor } from '../ext/classify.js';

const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null) continue;
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'role' || k === 'id' || k === 'tabindex') node.setAttribute(k, String(v));
    else node[k] = v;
  }
  for (const c of children) if (c) node.append(c);
  return node;
};

/** The percentage the extension's card shows: 1-99, never a false 0 % or 100 %. */
export const percent = (score) => Math.min(99, Math.max(1, Math.round(score * 100)));
export const pct = (x) => (typeof x === 'number' && Number.isFinite(x) ? `${Math.round(x * 1000) / 10}%` : '?');

/** Fills the sensitivity <select> with the model's levels. */
export function fillLevels(select, model) {
  select.replaceChildren();
  for (const level of model.levels ?? []) {
    const name = t(`sensitivity_${level.id}`) || level.id;
    const dflt = level.id === model.default_level ? ` ${t('sensitivity_default')}` : '';
    select.append(el('option', { value: level.id, text: `${name}${dflt}`, selected: level.id === model.default_level }));
  }
}

/** The measured rates of the selected level, as the extension's options page words them. */
export function levelRates(model, id) {
  const level = (model.levels ?? []).find((l) => l.id === id);
  return level && typeof level.fpr === 'number' ? t('sensitivity_rates', [pct(level.fpr), pct(level.recall)]) : '';
}

function accountCard(r, model, sensitivity) {
  const { account: a, meta, verdict: v } = r;
  const level = classify(v, { model, sensitivity });
  const li = el('li', { class: `account level-${level}`, 'data-level': level, 'data-key': a.key });
  if (typeof v?.score === 'number') li.setAttribute('data-score', v.score.toFixed(2));
  const title = el('h3', { class: 'who' },
    el('span', { class: 'name', text: a.name ?? a.screen_name ?? a.key }),
    a.screen_name ? el('span', { class: 'handle', text: ` @${a.screen_name}` }) : null);
  li.append(title);
  const status = t(`level_${level}`) || level;
  const summary = typeof v?.score === 'number'
    ? t('card_summary', [status, String(percent(v.score))]) || `${status} · ${percent(v.score)}%`
    : status;
  li.append(el('p', { class: 'verdict' }, el('span', { class: `pill pill-${level}`, text: summary })));
  if (typeof v?.score === 'number') {
    li.append(el('meter', { min: 0, max: 1, value: v.score, 'aria-label': `bot-like score ${percent(v.score)}%` }));
  }
  const reasons = Array.isArray(v?.reasons) ? v.reasons : [];
  if (reasons.length > 0) {
    li.append(el('h4', { text: t('card_reasons') || 'Why' }));
    const ul = el('ul', { class: 'reasons' });
    for (const reason of reasons) ul.append(el('li', { 'data-reason': reason.code, text: describeReason(reason) }));
    li.append(ul);
  }
  const facts = Array.isArray(v?.facts) ? [...v.facts] : [];
  const factItems = facts.map((f) => el('li', { 'data-fact': f.code, text: describeFact(f) }));
  if (v?.verified === true) factItems.push(el('li', { 'data-fact': 'verified', text: t('fact_verified') || 'verified' }));
  if (v?.automated === true) factItems.push(el('li', { 'data-fact': 'automated', text: t('fact_automated') || 'automated' }));
  if (factItems.length > 0) {
    li.append(el('h4', { text: t('card_facts') || 'Account facts' }));
    li.append(el('ul', { class: 'facts' }, ...factItems));
  }
  if (typeof v?.note === 'string') li.append(el('p', { class: 'note', text: v.note }));
  const source = [];
  if (meta?.where) source.push(meta.where);
  if (meta?.dataset) source.push(`dataset ${meta.dataset}`);
  if (meta?.label) source.push(`labelled ${meta.label}${meta.labelDetail && meta.labelDetail !== meta.dataset ? ` (${meta.labelDetail})` : ''} in the dataset`);
  if (meta?.collectedAt) source.push(`scored as of its collection date ${meta.collectedAt}`);
  if (source.length > 0) li.append(el('p', { class: 'source', text: source.join(' · ') }));
  return { li, level };
}

/** Renders all results into `list`; returns counts per level. */
export function renderResults(list, results, model, sensitivity) {
  const counts = { flagged: 0, clear: 0, unknown: 0 };
  // Most bot-like first; accounts without a score last; input order otherwise.
  const key = (r) => (typeof r.verdict?.score === 'number' ? r.verdict.score : -1);
  const sorted = results.map((r, i) => [r, i]).sort((a, b) => key(b[0]) - key(a[0]) || a[1] - b[1]).map(([r]) => r);
  const items = sorted.map((r) => {
    const { li, level } = accountCard(r, model, sensitivity);
    counts[level] += 1;
    return li;
  });
  list.replaceChildren(...items);
  return counts;
}

export function summaryText(counts, kind) {
  const n = counts.flagged + counts.clear + counts.unknown;
  const parts = [`${n} account${n === 1 ? '' : 's'} checked`, `${counts.flagged} bot-like`, `${counts.clear} not flagged`];
  if (counts.unknown) parts.push(`${counts.unknown} without enough data`);
  return `${kind}: ${parts.join(', ')}.`;
}

/** The error box: message, and the offending line with a caret when known. */
export function renderError(box, err) {
  box.replaceChildren(el('p', { class: 'error-title', text: 'Could not read the input' }), el('p', { class: 'error-message', text: err.message }));
  if (err.excerpt && typeof err.excerpt.text === 'string') {
    const caret = `${' '.repeat(Math.max(0, err.excerpt.caret))}^`;
    box.append(el('pre', { class: 'error-excerpt', 'aria-label': 'Where in the input', text: `${err.excerpt.text}\n${caret}` }));
  }
  box.hidden = false;
}

export { el, levelFor };
