// Standalone page: the extension's wording (extension/_locales/en/messages.json, copied into
// dist/www/_locales/ by the build) behind the extension's own i18n helpers (extension/lib/i18n.js,
// copied into dist/www/ext/), so reasons and facts read exactly as in the hover card.
import { setMessageSource } from '../ext/i18n.js';

/** chrome.i18n.getMessage semantics for one messages.json: named placeholders, then $1..$9. */
export function messageSource(messages) {
  return (name, subs) => {
    const entry = messages?.[name];
    if (!entry || typeof entry.message !== 'string') return '';
    const args = Array.isArray(subs) ? subs.map(String) : subs === undefined ? [] : [String(subs)];
    const positional = (s) => s.replace(/\$(\d)/g, (_, n) => args[Number(n) - 1] ?? '');
    return entry.message
      .replace(/\$([A-Za-z0-9_@]+)\$/g, (m, key) => {
        const ph = entry.placeholders?.[key.toLowerCase()];
        return ph ? positional(String(ph.content ?? '')) : m;
      })
      .replace(/\$\$/g, '$');
  };
}

/** Loads the English messages and installs them as the i18n source. */
export async function loadMessages(url = new URL('../_locales/en/messages.json', import.meta.url)) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`wording file ${res.status}`);
  const messages = await res.json();
  setMessageSource(messageSource(messages));
  return messages;
}
