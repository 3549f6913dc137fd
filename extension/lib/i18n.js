// Wording lookups over _locales (all user-visible text lives there) and number formatting for
// reason and fact values. `getMessage` is injectable so Node tests can run it.
import { api } from './browser.js';

let lookup = (name, subs) => api?.i18n?.getMessage(name, subs) ?? '';

/** For tests: replace the message source. */
export function setMessageSource(fn) {
  lookup = fn;
}

export function t(name, subs) {
  return lookup(name, subs) || '';
}

/** Integers with grouping, other numbers with one decimal. */
export function formatValue(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return String(value ?? '');
  const rounded = Number.isInteger(value) ? value : Math.round(value * 10) / 10;
  return rounded.toLocaleString('en', { maximumFractionDigits: 1 });
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
