// Background: Chrome's module service worker, Firefox's event page (`background.scripts`, type
// module). The only place the wasm scoring core runs: Chromium refuses WebAssembly inside content
// scripts on pages whose CSP lacks 'wasm-unsafe-eval' (X's), and extension pages allow it through
// our own CSP. The glue is imported statically (service workers forbid dynamic import()) and
// initialised lazily on the first request. It also keeps per-tab counts for the popup and the
// toolbar badge, and registers the Mastodon content scripts for the instances the user enabled
// (optional host permissions granted at runtime; `scripting.registerContentScripts`). It never
// throws out of a handler: errors become `{error}` replies.
import init, { score_batch as scoreBatch, model_info as modelInfo, Coordinator } from './wasm/botlens.js';
import { api } from './lib/browser.js';
import { rewriteOldSettings } from './lib/settings.js';

const MAX_BATCH = 500;
let ready = null;

function ensureCore() {
  ready ??= init({ module_or_path: api.runtime.getURL('wasm/botlens_bg.wasm') }).catch((e) => {
    ready = null; // let a later request retry
    throw e;
  });
  return ready;
}

async function score(accounts) {
  if (!Array.isArray(accounts) || accounts.length > MAX_BATCH) throw new Error('bad batch');
  await ensureCore();
  const clean = accounts.map((a) => (a !== null && typeof a === 'object' ? a : {}));
  // The core answers with JSON.parse'd plain objects (src/wasm.rs), ready for a message.
  const verdicts = scoreBatch({ now_ms: Date.now(), accounts: clean });
  if (!Array.isArray(verdicts) || verdicts.length !== clean.length) throw new Error('core returned a bad batch');
  return { verdicts, model: modelInfo() };
}

// Coordination (docs/COORDINATION.md): one wasm Coordinator per tab and frame, kept while the
// content script adds posts, replaced on its `reset` (page load, another thread), dropped when the
// tab closes. Held in memory only: after a service-worker restart the map is empty, the reply's
// new `session` tells the content script, and it sends its posts again.
const coords = new Map(); // `${tabId}:${frameId}` -> { coord, session }
let coordSessions = 0;
const coordKey = (sender) => `${sender.tab.id}:${sender.frameId ?? 0}`;

function dropCoord(key) {
  const entry = coords.get(key);
  coords.delete(key);
  try { entry?.coord.free(); } catch { /* already gone */ }
}

async function coordinate(msg, sender) {
  if (typeof sender.tab?.id !== 'number') throw new Error('no tab');
  if (!Array.isArray(msg.posts) || msg.posts.length > MAX_BATCH) throw new Error('bad batch');
  await ensureCore();
  const key = coordKey(sender);
  if (msg.reset === true) dropCoord(key);
  let entry = coords.get(key);
  if (!entry) {
    coordSessions += 1;
    entry = { coord: new Coordinator(), session: `${Date.now().toString(36)}-${coordSessions}` };
    coords.set(key, entry);
  }
  const posts = msg.posts.filter((p) => p !== null && typeof p === 'object' && !Array.isArray(p));
  const changes = entry.coord.add_posts(posts); // {groups, posts}: docs/COORDINATION.md "Wire format"
  return { changes: changes && typeof changes === 'object' ? changes : { groups: [], posts: [] }, session: entry.session };
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
    case 'content->bg:coord':
      return coordinate(msg, sender);
    case 'content->bg:coord-reset':
      if (typeof tabId !== 'number') throw new Error('no tab');
      dropCoord(coordKey(sender));
      return { ok: true };
    case 'popup->bg:get-stats':
      if (!isOwnPage(sender) || !Number.isSafeInteger(msg.tabId)) throw new Error('refused');
      return getStats(msg.tabId);
    case 'popup->bg:sync-instances':
    case 'options->bg:sync-instances':
      if (!isOwnPage(sender)) throw new Error('refused');
      return { instances: await syncInstances() };
    case 'options->bg:model-info':
      if (!isOwnPage(sender)) throw new Error('refused');
      await ensureCore();
      return { model: modelInfo() };
    default:
      throw new Error('unknown message');
  }
}

// Per-tab counts arrive on a port, fire and forget: a reply promise that resolves after the page
// went away makes Firefox log "Promise resolved while context is inactive" in the page's console.
api.runtime.onConnect.addListener((port) => {
  if (port.name === 'options->bg:model-info') { answerModelInfo(port); return; }
  const tabId = port.sender?.tab?.id;
  if (port.name !== 'content->bg:stats' || port.sender?.id !== api.runtime.id || typeof tabId !== 'number') return;
  port.onMessage.addListener((msg) => {
    if (msg !== null && typeof msg === 'object') setStats(tabId, count(msg.checked), count(msg.flagged)).catch(() => {});
  });
});

// The options page asks for the model's levels over a port too: a sendMessage reply promise still
// pending when the user closes the page makes Firefox log "Promise rejected after context
// unloaded" (seen in tests/e2e/faults.firefox.test.mjs); a port message to a closed page is dropped.
function answerModelInfo(port) {
  if (port.sender?.id !== api.runtime.id || !isOwnPage(port.sender)) { port.disconnect(); return; }
  ensureCore().then(() => ({ model: modelInfo() }), (e) => ({ error: String(e?.message ?? e) })).then((reply) => {
    try { port.postMessage(reply); } catch { /* the page left */ }
  });
}

api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  handle(msg, sender).then(sendResponse, (e) => sendResponse({ error: String(e?.message ?? e) }));
  return true; // the reply is asynchronous
});

api.tabs.onRemoved.addListener((tabId) => {
  memoryStats.delete(tabId);
  for (const key of [...coords.keys()]) if (key.startsWith(`${tabId}:`)) dropCoord(key);
  api.storage.session?.remove(statsKey(tabId)).catch(() => {});
});

// Mastodon instances: every https origin granted at runtime (optional_host_permissions) that is
// not one of the static sites gets the tap (MAIN world) and the isolated content script. The
// registration follows the grants: on start, on permissions.onAdded/onRemoved, and when the popup
// or options page asks after a grant (so a reload right after it finds the scripts in place).
const STATIC_HOSTS = new Set(['x.com', 'twitter.com', 'bsky.app']);
const SCRIPT_IDS = ['botlens-mastodon-tap', 'botlens-mastodon'];
const ORIGIN_RE = /^https:\/\/([a-z0-9.-]+(?::\d{1,5})?)\/\*$/;
let syncing = Promise.resolve();

/** The origins (`https://host/*`) of the enabled Mastodon instances, sorted. */
async function instanceOrigins() {
  const { origins = [] } = await api.permissions.getAll();
  return [...new Set(origins.filter((o) => {
    const m = ORIGIN_RE.exec(o);
    return m && !STATIC_HOSTS.has(m[1]);
  }))].sort();
}

function syncInstances() {
  const run = async () => {
    const origins = await instanceOrigins();
    const existing = await api.scripting.getRegisteredContentScripts({ ids: SCRIPT_IDS });
    const same = existing.length === SCRIPT_IDS.length
      && existing.every((s) => JSON.stringify([...(s.matches ?? [])].sort()) === JSON.stringify(origins));
    if (same) return origins;
    if (existing.length > 0) await api.scripting.unregisterContentScripts({ ids: existing.map((s) => s.id) });
    if (origins.length > 0) {
      await api.scripting.registerContentScripts([
        { id: SCRIPT_IDS[0], matches: origins, js: ['content/social-tap-main.js'], runAt: 'document_start', world: 'MAIN' },
        { id: SCRIPT_IDS[1], matches: origins, js: ['content/mastodon-bundle.js'], runAt: 'document_start' },
      ]);
    }
    return origins;
  };
  syncing = syncing.then(run, run);
  return syncing;
}

const syncQuietly = () => { syncInstances().catch(() => {}); };
api.permissions.onAdded.addListener(syncQuietly);
api.permissions.onRemoved.addListener(syncQuietly);
api.runtime.onStartup.addListener(syncQuietly);
api.runtime.onInstalled.addListener(syncQuietly);
syncQuietly();

// Settings stored in an older schema (docs/CONTRACTS.md, lib/settings.js) are rewritten in the
// current one at every start: cheap (one read) and it covers updates, reloads and restarts alike.
// Readers migrate on read anyway, so nothing waits for this.
rewriteOldSettings(api.storage).catch(() => {});
