// Helpers of the Chromium fault tests (faults.chromium.test.mjs, hostile.chromium.test.mjs):
// launching with a given profile, collecting console errors of every page and worker, reaching
// the content script's isolated world and the service worker's own CDP target.
import { launchContext } from './chromium-launch.mjs';

/**
 * Launches Chromium with the unpacked extension `extDir` and profile folder `profile`, every host
 * mapped to the test server. Console errors and page errors of every page and service worker go
 * to `errors` (strings). Returns {context, extId, worker()} (worker(): the extension's live worker).
 */
export async function launchChromium({ profile, extDir, port, errors }) {
  const context = await launchContext(profile, { extDir, port });
  const watch = (source, target) => target.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'assert') errors.push(`${source}: ${m.text()} @ ${m.location()?.url ?? ''}`);
  });
  const watchPage = (p) => {
    watch(`page ${p.url()}`, p);
    p.on('pageerror', (e) => errors.push(`pageerror ${p.url()}: ${e.stack ?? e}`));
  };
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
  context.on('weberror', (e) => errors.push(`weberror: ${e.error()?.stack ?? e.error()}`));
  context.serviceWorkers().forEach((w) => watch('service worker', w));
  context.on('serviceworker', (w) => watch('service worker', w));
  const first = context.serviceWorkers()[0] ?? await context.waitForEvent('serviceworker', { timeout: 20000 });
  const extId = new URL(first.url()).host;
  const worker = () => [...context.serviceWorkers()].reverse().find((w) => w.url().startsWith(`chrome-extension://${extId}/`));
  return { context, extId, worker };
}

/**
 * Evaluates expressions in the isolated world of the extension's content script in `page`
 * (the newest such context, i.e. the current content script). `run(expr)` returns the value.
 */
export async function isolatedWorld(context, page, extId) {
  const cdp = await context.newCDPSession(page);
  const ids = [];
  cdp.on('Runtime.executionContextCreated', ({ context: c }) => {
    if (c.auxData?.type === 'isolated' && c.origin === `chrome-extension://${extId}`) ids.push(c.id);
  });
  cdp.on('Runtime.executionContextsCleared', () => { ids.length = 0; });
  await cdp.send('Runtime.enable'); // reports the contexts that exist already
  const run = async (expression) => {
    const end = Date.now() + 10000;
    while (ids.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    if (ids.length === 0) throw new Error('no isolated world of the extension in the page');
    const r = await cdp.send('Runtime.evaluate', { expression, contextId: ids[ids.length - 1], awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails) throw new Error(`isolated world: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value;
  };
  return { run, detach: () => cdp.detach().catch(() => {}) };
}

/**
 * A CDP session on the extension's service worker target itself (not Playwright's worker
 * handle), over a browser session, so the test can use Debugger on it.
 */
export async function workerTarget(context, extId) {
  const browser = await context.browser()?.newBrowserCDPSession?.();
  if (!browser) throw new Error('no browser CDP session');
  const { targetInfos } = await browser.send('Target.getTargets');
  const sw = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${extId}/`));
  if (!sw) throw new Error('no service worker target');
  const { sessionId } = await browser.send('Target.attachToTarget', { targetId: sw.targetId, flatten: false });
  let next = 1;
  return {
    send: (method, params = {}) => browser.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: next++, method, params }) }),
    detach: () => browser.send('Target.detachFromTarget', { sessionId }).catch(() => {}).then(() => browser.detach().catch(() => {})),
  };
}

/** Wraps chrome.runtime.sendMessage in the content script's world: a log of {type, n, reply}. */
export const RECORD_MESSAGES = `(() => {
  if (globalThis.__e2eMessages) return 'already';
  const log = globalThis.__e2eMessages = [];
  const rt = chrome.runtime;
  const orig = rt.sendMessage;
  rt.sendMessage = function (msg, ...rest) {
    const rec = { type: msg && msg.type, n: Array.isArray(msg && msg.accounts) ? msg.accounts.length : Array.isArray(msg && msg.posts) ? msg.posts.length : 0 };
    log.push(rec);
    const p = orig.call(rt, msg, ...rest);
    p.then((r) => { rec.reply = r === undefined ? 'undefined' : r && r.error ? 'error: ' + r.error : 'ok'; },
      (e) => { rec.reply = 'rejected: ' + (e && e.message); });
    return p;
  };
  return 'wrapped';
})()`;
