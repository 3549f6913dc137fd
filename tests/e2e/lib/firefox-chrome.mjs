// Chrome-context (privileged) scripts shared by the Firefox e2e tests: the request recorder, the console error reader,
// and opening an extension page in a tab (WebDriver may not navigate to moz-extension: URLs).

/** Records every HTTP(S) request with the origin that caused it, into window.__botlensE2eRequests. */
export const RECORD_REQUESTS = `
  if (!window.__botlensE2eRequests) {
    const log = window.__botlensE2eRequests = [];
    const observer = { observe(subject) {
      try {
        const ch = subject.QueryInterface(Ci.nsIHttpChannel);
        const p = ch.loadInfo?.triggeringPrincipal;
        log.push({ url: ch.URI.spec, by: p?.isSystemPrincipal ? 'system' : (p?.originNoSuffix ?? p?.origin ?? '') });
      } catch (e) { log.push({ url: String(subject), by: 'unknown' }); }
    } };
    Services.obs.addObserver(observer, 'http-on-modify-request');
  }
  return true;`;

/** Console errors so far (script errors, CSP reports, console.error) from the parent's stores. */
export const CONSOLE_ERRORS = `
  const out = [];
  for (const m of Services.console.getMessageArray() ?? []) {
    if (!(m instanceof Ci.nsIScriptError)) continue;
    if (m.flags & (Ci.nsIScriptError.warningFlag | Ci.nsIScriptError.infoFlag)) continue;
    out.push({ kind: 'script', category: m.category, message: m.errorMessage, source: m.sourceName, line: m.lineNumber });
  }
  try {
    const storage = Cc['@mozilla.org/consoleAPI-storage;1'].getService(Ci.nsIConsoleAPIStorage);
    for (const e of storage.getEvents()) {
      if (e.level !== 'error' && e.level !== 'assert') continue;
      out.push({ kind: 'console', message: (e.arguments ?? []).map(String).join(' '), source: e.filename, line: e.lineNumber });
    }
  } catch (e) { out.push({ kind: 'harness', message: 'consoleAPI storage unreadable: ' + e }); }
  return out;`;

/** Opens arguments[0] (a moz-extension: URL) in a new selected tab. */
export const OPEN_TAB = `gBrowser.selectedTab = gBrowser.addTab(arguments[0], { triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal() }); return true;`;
