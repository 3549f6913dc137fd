// The bar that stands in for a collapsed bot-like post: "Bot-like reply hidden" + a Show button.
// A shadow root keeps its look apart from the site; text via textContent only.
import { t } from '../lib/i18n.js';

export const COLLAPSE_TAG = 'botlens-collapse';
const CSS = `
:host { all: initial; display: block; }
div { display: flex; gap: 10px; align-items: center; padding: 10px 16px; font: 14px/1.4 system-ui, sans-serif;
  color: inherit; border-bottom: 1px solid rgba(128,128,128,.3); }
span::before { content: "\\25C6"; color: #a34700; margin-inline-end: 6px; }
button { font: 600 13px system-ui, sans-serif; padding: 3px 12px; border-radius: 999px; border: 1px solid #1d5fbf;
  background: transparent; color: #1d5fbf; cursor: pointer; }
button:focus-visible { outline: 2px solid #1d5fbf; outline-offset: 2px; }
`;

/** A collapse bar for a post by `handle`; `onShow` reveals the post. */
export function createCollapseBar(doc, handle, onShow) {
  const host = doc.createElement(COLLAPSE_TAG);
  const root = host.attachShadow({ mode: 'open' });
  const style = doc.createElement('style');
  style.textContent = CSS;
  const bar = doc.createElement('div');
  const label = doc.createElement('span');
  label.textContent = handle ? t('collapsed_from', [`@${handle}`]) : t('collapsed');
  const show = doc.createElement('button');
  show.type = 'button';
  show.textContent = t('action_show');
  show.addEventListener('click', (e) => { e.stopPropagation(); onShow(); });
  bar.append(label, show);
  root.append(style, bar);
  for (const type of ['click', 'mousedown', 'keydown']) host.addEventListener(type, (e) => e.stopPropagation());
  return host;
}
