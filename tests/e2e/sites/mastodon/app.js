// The fake Mastodon web UI of the e2e tests (page context, under a mastodon.social-like CSP).
// Like Mastodon 4.x it loads JSON with XMLHttpRequest (axios' browser adapter), same-origin:
// /api/v1/statuses/:id and /api/v1/statuses/:id/context, and renders components/status.jsx's DOM:
// `.status__wrapper > .status[data-id]` with `.status__info` holding `a.status__relative-time`
// (`/@acct/<id>`) and `a.status__display-name` (`/@acct`: avatar, `.display-name` with
// `bdi > strong.display-name__html` and `.display-name__account`), then `.status__content`.
// The focal status is a `.detailed-status` with `a.detailed-status__display-name`. Re-renders
// replace every node. Hooks on window.__e2e: violations, errors, renders, rerender().
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
  let root = null;
  let descendants = [];

  const h = (tag, attrs = {}, ...kids) => {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    el.append(...kids);
    return el;
  };
  const text = (html) => html.replace(/<[^>]*>/g, ''); // the fake renders text only

  function displayName(account) {
    return h('span', { class: 'display-name' },
      h('bdi', {}, h('strong', { class: 'display-name__html' }, account.display_name || account.username)),
      ' ', h('span', { class: 'display-name__account' }, `@${account.acct}`));
  }

  function statusNode(s) {
    const a = s.account;
    return h('div', { class: `status__wrapper status__wrapper-public${s.in_reply_to_id ? ' status__wrapper-reply' : ''} focusable`, tabindex: '0' },
      h('div', { class: 'status status-public', 'data-id': s.id },
        h('div', { class: 'status__info' },
          h('a', { href: `/@${a.acct}/${s.id}`, class: 'status__relative-time', target: '_blank', rel: 'noopener noreferrer' }, h('time', { datetime: s.created_at }, '2h')),
          h('a', { href: `/@${a.acct}`, title: a.acct, class: 'status__display-name', target: '_blank', rel: 'noopener noreferrer' },
            h('div', { class: 'status__avatar' }, h('div', { class: 'account__avatar' })), displayName(a))),
        h('div', { class: 'status__content' }, h('div', { class: 'status__content__text status__content__text--visible' }, text(s.content))),
        h('div', { class: 'status__action-bar' })));
  }

  function detailedNode(s) {
    const a = s.account;
    return h('div', { class: 'detailed-status__wrapper detailed-status__wrapper-public focusable', tabindex: '0' },
      h('div', { class: 'detailed-status detailed-status--flex' },
        h('div', { class: 'detailed-status__header' },
          h('a', { href: `/@${a.acct}`, class: 'detailed-status__display-name' },
            h('div', { class: 'detailed-status__display-avatar' }, h('div', { class: 'account__avatar' })), displayName(a))),
        h('div', { class: 'status__content' }, h('div', { class: 'status__content__text status__content__text--visible' }, text(s.content))),
        h('div', { class: 'detailed-status__meta' },
          h('a', { class: 'detailed-status__datetime', href: `/@${a.acct}/${s.id}` }, h('time', { datetime: s.created_at }, 'Jul 15, 2025')))));
  }

  function render() {
    const column = h('div', { class: 'column' },
      h('button', { type: 'button', 'data-testid': 'e2e-rerender' }, 'Re-render'),
      ...(root ? [detailedNode(root)] : []), ...descendants.map(statusNode));
    document.getElementById('root').replaceChildren(column);
    e2e.renders += 1;
  }

  document.addEventListener('click', (e) => {
    if (e.target.closest?.('[data-testid="e2e-rerender"]')) render();
  });

  function get(path) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('GET', path);
      xhr.setRequestHeader('Accept', 'application/json, text/plain, */*');
      xhr.onreadystatechange = () => {
        if (xhr.readyState !== 4) return;
        if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText));
        else reject(new Error(`HTTP ${xhr.status} for ${path}`));
      };
      xhr.send();
    });
  }

  async function load() {
    root = await get(`/api/v1/statuses/${state.statusId}`);
    render();
    const ctx = await get(`/api/v1/statuses/${state.statusId}/context`);
    descendants = ctx.descendants;
    render();
    e2e.loaded = true;
  }
  load().catch((e) => e2e.errors.push(`load: ${e}`));
})();
