// Wording lookups over _locales (all user-visible text lives there) and number formatting for
// reason and fact values. `getMessage` is injectable so Node tests can run it.
import { api } from './browser.js';

let lookup = (name, subs) => api?.i18n?.getMessage(name, subs) ?? '';
// Messages are fixed for the life of the page (the locale does not change under a content
// script), so lookups are cached: chrome.i18n.getMessage is a binding call and was a hot spot on
// long threads (docs/PERFORMANCE.md). Bounded: cleared when it grows past MAX_CACHED.
const MAX_CACHED = 4000;
const cache = new Map();

/** For tests: replace the message source. */
export function setMessageSource(fn) {
  lookup = fn;
  cache.clear();
}

export function t(name, subs) {
  const key = subs === undefined || subs === null || subs.length === 0 ? name
    : `${name}\u0000${Array.isArray(subs) ? subs.join('\u0001') : String(subs)}`;
  let text = cache.get(key);
  if (text === undefined) {
    text = lookup(name, subs) || '';
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, text);
  }
  return text;
}

// One formatter for every value: `toLocaleString` with options builds a new Intl.NumberFormat
// per call (18 s of 44 s on a 2,000-reply thread before this cache).
let numberFormat = null;

/** Integers with grouping, other numbers with one decimal. */
export function formatValue(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return String(value ?? '');
  if (Number.isInteger(value) && value > -1000 && value < 1000) return String(value); // no grouping below 1,000
  const rounded = Number.isInteger(value) ? value : Math.round(value * 10) / 10;
  numberFormat ??= new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
  return numberFormat.format(rounded);
}

/** "account 3 days old" for {code, value}; `code: value` for a code the locale does not know. */
function describe(prefix, item) {
  const code = typeof item?.code === 'string' ? item.code : '?';
  const value = formatValue(item?.value);
  return t(`${prefix}_${code}`, [value]) || `${code}: ${value}`;
}

export const describeReason = (r) => describe('reason', r);
export const describeFact = (f) => describe('fact', f);

/** Fills every element that has a data-i18n message name (textContent only), and data-i18n-aria-label. */
export function localizePage(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
}
