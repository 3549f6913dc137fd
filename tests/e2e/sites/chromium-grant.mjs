// The user's permission flow for a Mastodon instance, in headless Chromium (see PLATFORM.md,
// "Granting optional host permissions in tests"): a native permission prompt cannot be answered
// by a test, so the site is first granted the way a user can in chrome://extensions (Site
// access), which Chromium records without activating; then the extension's own flow runs: a
// toolbar click on the tab (CDP Extensions.triggerAction) opens the popup, and a user-gesture
// click on "Enable on this site" calls permissions.request(), which resolves at once.

/** chrome://extensions route: records a runtime grant for `pattern` (not active yet). */
export async function grantInExtensionsPage(context, extId, pattern) {
  const tab = await context.newPage();
  await tab.goto('chrome://extensions');
  await tab.evaluate(([id, p]) => chrome.developerPrivate.addHostPermission(id, p), [extId, pattern]);
  await tab.close();
}

/** Opens the action popup on the tab showing `tabUrlPrefix`; returns a tiny client for the popup. */
export async function openPopup(context, extId, tabUrlPrefix) {
  const cdp = await context.browser().newBrowserCDPSession();
  const { targetInfos: tabs } = await cdp.send('Target.getTargets', { filter: [{ type: 'tab' }] });
  const tab = tabs.find((t) => t.url.startsWith(tabUrlPrefix));
  if (!tab) throw new Error(`no tab at ${tabUrlPrefix}: ${tabs.map((t) => t.url)}`);
  await cdp.send('Extensions.triggerAction', { id: extId, targetId: tab.targetId });
  const popupUrl = `chrome-extension://${extId}/popup/popup.html`;
  let popup;
  for (let i = 0; i < 100 && !popup; i += 1) {
    const { targetInfos } = await cdp.send('Target.getTargets');
    popup = targetInfos.find((t) => t.url.startsWith(popupUrl));
    if (!popup) await new Promise((r) => setTimeout(r, 50));
  }
  if (!popup) throw new Error('the popup did not open');
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: popup.targetId, flatten: false });
  let nextId = 1;
  const waiting = new Map();
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    if (e.sessionId !== sessionId) return;
    const msg = JSON.parse(e.message);
    if (waiting.has(msg.id)) { waiting.get(msg.id)(msg); waiting.delete(msg.id); }
  });
  const send = (method, params) => new Promise((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(() => resolve({ error: 'gone' }));
  });
  /** Evaluates `expression` in the popup (userGesture: true); returns the value or throws. */
  const evaluate = async (expression, { gesture = false } = {}) => {
    const r = await send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true, userGesture: gesture });
    if (r.error || r.result?.exceptionDetails) throw new Error(JSON.stringify(r.error ?? r.result.exceptionDetails));
    return r.result?.result?.value;
  };
  return { evaluate, close: () => cdp.detach().catch(() => {}) };
}
