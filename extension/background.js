// Background: Chrome's module service worker, Firefox's event page (`background.scripts`, type
// module). The only place the wasm scoring core runs: Chromium refuses WebAssembly inside content
// scripts on pages whose CSP lacks 'wasm-unsafe-eval' (X's), and extension pages allow it through
// our own CSP. The glue is imported statically (service workers forbid dynamic import()) and
// initialised lazily on the first request. It also keeps per-tab counts for the popup and the
// toolbar badge. It never throws out of a handler: errors become `{error}` replies.
import init, { score_batch as scoreBatch, model_info as modelInfo } from './wasm/botlens.js';
import { api } from './lib/browser.js';

const MAX_BATCH = 500;
let ready = null;

function ensureCore() {
  ready ??= init({ module_or_path: api.runtime.getURL('wasm/botlens_bg.wasm') }).catch((e) => {
    ready = null; // let a later request retry
    throw e;
  });
  return ready;
}

/** serde-wasm-bindgen may hand back Maps; messages must carry plain JSON. */
function plain(v) {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]));
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

async function score(accounts) {
  if (!Array.isArray(accounts) || accounts.length > MAX_BATCH) throw new Error('bad batch');
  await ensureCore();
  const clean = accounts.map((a) => (a !== null && typeof a === 'object' ? a : {}));
  const verdicts = plain(scoreBatch({ now_ms: Date.now(), accounts: clean }));
  if (!Array.isArray(verdicts) || verdicts.length !== clean.length) throw new Error('core returned a bad batch');
  return { verdicts, model: plain(modelInfo()) };
}

// Per-tab counts: storage.session survives a service-worker restart (Chrome 102+, Firefox 115+);
// memory is the fallback.
const memoryStats = new Map();
const statsKey = (tabId) => `stats:${tabId}`;

async function setStats(tabId, checked, flagged) {
  const stats = { checked, flagged };
  memoryStats.set(tabId, stats);
  try {
    await api.storage.session?.set({ [statsKey(tabId)]: stats });
  } catch {
    // memory only
  }
  try {
    await api.action.setBadgeText({ tabId, text: flagged > 0 ? String(Math.min(flagged, 999)) : '' });
    await api.action.setBadgeBackgroundColor({ tabId, color: '#a34700' });
  } catch {
    // the tab may be gone
  }
}

async function getStats(tabId) {
  try {
    const got = await api.storage.session?.get(statsKey(tabId));
    if (got?.[statsKey(tabId)]) return got[statsKey(tabId)];
  } catch {
    // memory only
  }
  return memoryStats.get(tabId) ?? { checked: 0, flagged: 0 };
}

const count = (n) => (Number.isSafeInteger(n) && n >= 0 ? n : 0);
const isOwnPage = (sender) => typeof sender.url === 'string' && sender.url.startsWith(api.runtime.getURL(''));

async function handle(msg, sender) {
  if (sender.id !== api.runtime.id || msg === null || typeof msg !== 'object') throw new Error('refused');
  const tabId = sender.tab?.id;
  switch (msg.type) {
    case 'content->bg:score':
      return score(msg.accounts);
    case 'content->bg:stats':
      if (typeof tabId !== 'number') throw new Error('no tab');
      await setStats(tabId, count(msg.checked), count(msg.flagged));
      return { ok: true };
    case 'popup->bg:get-stats':
      if (!isOwnPage(sender) || !Number.isSafeInteger(msg.tabId)) throw new Error('refused');
      return getStats(msg.tabId);
    case 'options->bg:model-info':
      if (!isOwnPage(sender)) throw new Error('refused');
      await ensureCore();
      return { model: plain(modelInfo()) };
    default:
      throw new Error('unknown message');
  }
}

api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  handle(msg, sender).then(sendResponse, (e) => sendResponse({ error: String(e?.message ?? e) }));
  return true; // the reply is asynchronous
});

api.tabs.onRemoved.addListener((tabId) => {
  memoryStats.delete(tabId);
  api.storage.session?.remove(statsKey(tabId)).catch(() => {});
});
