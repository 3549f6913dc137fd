// The fake Bluesky web app of the e2e tests (page context, under a bsky.app-like CSP). Like
// social-app it fetches the thread cross-origin from the AppView
// (public.api.bsky.app/xrpc/app.bsky.unspecced.getPostThreadV2, with the atproto-accept-labelers
// header, so with a CORS preflight) and renders react-native-web's DOM: every post a
// `div[data-testid="postThreadItem-by-<handle>"]`, the author's name and handle as links to
// `/profile/<handle>`, the timestamp as a link to `/profile/<handle>/post/<rkey>`. Re-renders
// replace every node, as React does. Hooks on window.__e2e: violations, errors, renders, rerender().
(() => {
  'use strict';
  const e2e = { violations: [], errors: [], renders: 0, loaded: false, rerender: () => render() };
  window.__e2e = e2e;
  document.addEventListener('securitypolicyviolation', (e) => {
    e2e.violations.push({ directive: e.violatedDirective, effective: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample });
  });
  window.addEventListener('error', (e) => { e2e.errors.push(String(e.message || e.error)); });
  window.addEventListener('unhandledrejection', (e) => { e2e.errors.push(`unhandled rejection: ${e.reason}`); });
  const state = JSON.parse(document.getElementById('initial-state').textContent);
  let items = [];

  const h = (tag, attrs = {}, ...kids) => {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    el.append(...kids);
    return el;
  };

  function postNode(post) {
    const handle = post.author.handle;
    const rkey = post.uri.split('/').pop();
    const profile = `/profile/${handle}`;
    return h('div', { 'data-testid': `postThreadItem-by-${handle}`, class: 'item' },
      h('div', { class: 'row' },
        h('div', { class: 'avatar', 'aria-hidden': 'true' }),
        h('div', { class: 'body' },
          h('div', { class: 'meta' },
            h('div', { class: 'who' },
              h('a', { href: profile, 'aria-label': 'View profile', class: 'name' }, post.author.displayName || handle),
              h('a', { href: profile, 'aria-label': 'View profile', class: 'handle' }, `\u00a0@${handle}`)),
            h('a', { href: `${profile}/post/${rkey}`, class: 'time' }, '· 2h')),
          h('div', { 'data-testid': 'postText', class: 'text' }, post.record.text))));
  }

  function render() {
    const root = document.getElementById('root');
    const list = h('div', { 'data-testid': 'postThreadScreen' },
      h('button', { type: 'button', 'data-testid': 'e2e-rerender' }, 'Re-render'),
      ...items.map(postNode));
    root.replaceChildren(list);
    e2e.renders += 1;
  }

  document.addEventListener('click', (e) => {
    if (e.target.closest?.('[data-testid="e2e-rerender"]')) render();
  });

  async function load() {
    const url = `https://public.api.bsky.app/xrpc/app.bsky.unspecced.getPostThreadV2?anchor=${encodeURIComponent(state.anchor)}&branchingFactor=10&below=10&sort=top`;
    const res = await fetch(url, { headers: { 'atproto-accept-labelers': 'did:plc:ar7c4by46qjdydhdevvrndac;redact' } });
    const body = await res.json();
    items = body.thread.map((i) => i.value?.post).filter(Boolean);
    render();
    e2e.loaded = true;
  }
  load().catch((e) => e2e.errors.push(`load: ${e}`));
})();
