// The hostile thread page's own script (page world, before site/x/app.js; served by
// sites/hostile-server.mjs). Like a site script it requests TweetDetail URLs whose bodies are cut
// short, empty, not JSON, null, absurdly deep or wrong-typed, by XMLHttpRequest and by fetch (so
// through the botlens tap's wrappers), and handles its own failures; window.__hostile records the
// outcome. It also shows that this page's CSP runs inline handlers: an <img onerror> it inserts
// itself sets window.__e2eInlineRan, so a payload botlens inserted as HTML would have run too.
(() => {
  'use strict';
  const h = window.__hostile = { done: false, results: [], inlineProbe: false };
  const state = JSON.parse(document.getElementById('initial-state').textContent);
  const url = (cursor) => `/i/api/graphql/${state.queryId}/TweetDetail?variables=${encodeURIComponent(JSON.stringify({ focalTweetId: state.focalTweetId, cursor }))}`;
  const parse = (text) => { try { JSON.parse(text); return 'parsed'; } catch { return 'parse error'; } };
  const viaXhr = (cursor) => new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('GET', url(cursor));
    xhr.onloadend = () => resolve({ cursor, by: 'xhr', status: xhr.status, body: parse(xhr.responseText) });
    xhr.send();
  });
  const viaJsonXhr = (cursor) => new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('GET', url(cursor));
    xhr.responseType = 'json';
    xhr.onloadend = () => resolve({ cursor, by: 'xhr-json', status: xhr.status, body: xhr.response === null ? 'null' : typeof xhr.response });
    xhr.send();
  });
  const viaFetch = (cursor) => fetch(url(cursor)).then((r) => r.text()).then((t) => ({ cursor, by: 'fetch', status: 200, body: parse(t) }),
    (e) => ({ cursor, by: 'fetch', status: 0, body: String(e) }));
  async function run() {
    for (const cursor of state.brokenCursors) {
      h.results.push(await viaXhr(cursor), await viaJsonXhr(cursor), await viaFetch(cursor));
    }
    h.done = true;
  }
  document.addEventListener('DOMContentLoaded', () => {
    const probe = document.createElement('div');
    // The page's own markup, not page data: proves inline handlers run under this CSP.
    probe.innerHTML = '<img src="data:," alt="" onerror="window.__e2eInlineRan = true; this.parentNode.remove();">';
    document.body.append(probe);
    run().catch((e) => { h.results.push({ error: String(e) }); h.done = true; });
  });
})();
