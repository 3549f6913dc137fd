// The fake X web app of the e2e tests (page context, served by tests/e2e/server.mjs under a
// strict CSP). Like X it loads the thread by XMLHttpRequest from /i/api/graphql/<id>/TweetDetail
// and renders X's DOM (article[data-testid="tweet"], [data-testid="User-Name"],
// [data-testid="tweetText"], time[datetime]). Like React it replaces nodes on re-render.
//
// Hooks for the tests, all on window.__e2e (main world):
//   violations: securitypolicyviolation events; errors: uncaught errors and rejections;
//   batches: TweetDetail responses rendered; autoRerendered: the one automatic re-render done;
//   rerender('replace' | 'inner'): replace every article, or only every User-Name block;
//   loadId: differs after a reload; firstRenderAt / firstVerdictAt: ms from navigation start.
// Buttons do the same for people and WebDriver: [data-testid="e2e-rerender"],
// [data-testid="e2e-rerender-inner"], and the "Show more replies" cell [data-testid="e2e-show-more"].
// Long thread for the benchmarks (tests/bench/, URL `?replies=2000&batch=100`): the next page
// loads as the page scrolls near its end, as on X; no automatic re-render; insertedAt[post id] =
// performance.now() when its article entered the DOM; longDone once the last page is rendered;
// a promise in window.__benchHold (set before this script runs) holds the first request.
// Virtualized long thread (`&virtual=1` as well, opt-in): as X renders its timeline, only the
// cells within 1.5 viewports above and below the view are in the DOM, absolutely positioned by
// translateY inside a list as high as the sum of the cells' heights (measured once in the DOM,
// 110 px until then); a cell that leaves that window is removed and, scrolled back, created
// anew (new nodes, as React re-renders them). insertedAt keeps each post's FIRST insertion.
(() => {
  'use strict';

  const e2e = {
    violations: [], errors: [], batches: 0, renders: 0, autoRerendered: false, xhrs: [], rerender,
    // Tells a reload from a live update: a new document gets a new id.
    loadId: `${Date.now()}-${Math.random()}`,
  };
  window.__e2e = e2e;
  document.addEventListener('securitypolicyviolation', (e) => {
    e2e.violations.push({
      directive: e.violatedDirective, effective: e.effectiveDirective, blocked: e.blockedURI,
      source: e.sourceFile, line: e.lineNumber, sample: e.sample,
    });
  });
  window.addEventListener('error', (e) => { e2e.errors.push(String(e.message || e.error)); });
  window.addEventListener('unhandledrejection', (e) => { e2e.errors.push(`unhandled rejection: ${e.reason}`); });

  const state = JSON.parse(document.getElementById('initial-state').textContent);
  const long = state.long ?? null;
  if (long) { e2e.insertedAt = {}; e2e.longDone = false; }
  const virt = long?.virtual ? { est: 110, heights: [], nodes: new Map(), ys: new Map() } : null;
  if (virt) e2e.virtual = { renders: 0, created: 0, removed: 0, maxInDom: 0 };
  /** Posts in display order: {kind: 'tweet', id, name, screen_name, created_at, text} | {kind: 'tombstone', id, text}. */
  const cells = [];
  let cursor = null;

  // ---- data: X's TweetDetail JSON -> cells ----
  function tweetFromResult(result) {
    if (!result) return null;
    if (result.__typename === 'TweetWithVisibilityResults') return tweetFromResult(result.tweet);
    if (result.__typename === 'TweetTombstone') {
      return { kind: 'tombstone', id: `tomb-${cells.length}`, text: result.tombstone?.text?.text ?? 'This Post is unavailable.' };
    }
    if (result.__typename !== 'Tweet') return null;
    const user = result.core?.user_results?.result;
    const legacy = result.legacy ?? {};
    const full = legacy.full_text ?? '';
    const [from, to] = legacy.display_text_range ?? [0, full.length];
    return {
      kind: 'tweet',
      id: result.rest_id,
      name: user?.core?.name ?? user?.legacy?.name ?? '',
      screen_name: user?.core?.screen_name ?? user?.legacy?.screen_name ?? '',
      created_at: new Date(Date.parse(legacy.created_at)).toISOString(),
      text: full.slice(from, to),
      replyTo: legacy.in_reply_to_screen_name ?? null,
    };
  }

  function ingest(json) {
    const added = [];
    const instructions = json?.data?.threaded_conversation_with_injections_v2?.instructions ?? [];
    cursor = null;
    for (const ins of instructions) {
      if (ins.type !== 'TimelineAddEntries') continue;
      for (const entry of ins.entries ?? []) {
        const c = entry.content ?? {};
        if (c.entryType === 'TimelineTimelineItem') {
          const t = tweetFromResult(c.itemContent?.tweet_results?.result);
          if (t) added.push(t);
        } else if (c.entryType === 'TimelineTimelineModule') {
          for (const item of c.items ?? []) {
            const t = tweetFromResult(item.item?.itemContent?.tweet_results?.result);
            if (t) added.push(t);
          }
        } else if (c.entryType === 'TimelineTimelineCursor' && c.cursorType === 'Bottom') {
          cursor = c.value;
        }
      }
    }
    return added;
  }

  function loadDetail(cursorValue) {
    return new Promise((resolve, reject) => {
      const variables = { focalTweetId: state.focalTweetId, with_rux_injections: false, rankingMode: 'Relevance', includePromotedContent: true, withCommunity: true, withQuickPromoteEligibilityTweetFields: true, withBirdwatchNotes: true, withVoice: true };
      if (cursorValue) { variables.cursor = cursorValue; variables.referrer = 'tweet'; }
      if (long) variables.botlensBench = long;
      const features = { rweb_video_screen_enabled: false, responsive_web_graphql_timeline_navigation_enabled: true };
      const url = `/i/api/graphql/${state.queryId}/TweetDetail?variables=${encodeURIComponent(JSON.stringify(variables))}&features=${encodeURIComponent(JSON.stringify(features))}`;
      const xhr = new XMLHttpRequest();
      xhr.open('GET', url, true);
      xhr.withCredentials = true;
      xhr.setRequestHeader('content-type', 'application/json');
      xhr.setRequestHeader('x-twitter-active-user', 'yes');
      xhr.setRequestHeader('x-twitter-client-language', 'en');
      xhr.onreadystatechange = () => {
        if (xhr.readyState !== 4) return;
        e2e.xhrs.push({ url, status: xhr.status });
        if (xhr.status !== 200) { reject(new Error(`TweetDetail ${xhr.status}`)); return; }
        try { resolve(JSON.parse(xhr.responseText)); } catch (err) { reject(err); }
      };
      xhr.send();
    });
  }

  // ---- view ----
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'text') node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const c of children) if (c) node.append(c);
    return node;
  };

  function ago(iso) {
    const mins = Math.max(1, Math.round((Date.now() - Date.parse(iso)) / 60e3));
    return mins < 60 ? `${mins}m` : `${Math.round(mins / 60)}h`;
  }

  function hue(s) {
    let h = 0;
    for (const ch of s) h = (h * 31 + ch.charCodeAt(0)) % 360;
    return h;
  }

  function userName(t) {
    return el('div', { 'data-testid': 'User-Name', class: 'r-name' },
      el('div', { class: 'r-display' },
        el('a', { href: `/${t.screen_name}`, role: 'link' }, el('div', {}, el('span', { text: t.name })))),
      el('div', { class: 'r-meta' },
        el('a', { href: `/${t.screen_name}`, role: 'link', tabindex: '-1' }, el('span', { text: `@${t.screen_name}` })),
        el('span', { 'aria-hidden': 'true', text: '·' }),
        el('a', { href: `/${t.screen_name}/status/${t.id}`, role: 'link', dir: 'ltr' },
          el('time', { datetime: t.created_at, text: ago(t.created_at) }))));
  }

  function article(t) {
    const avatar = el('div', { class: 'r-avatar', 'data-testid': 'Tweet-User-Avatar' });
    avatar.style.background = `hsl(${hue(t.screen_name)} 45% 55%)`;
    return el('article', { 'data-testid': 'tweet', role: 'article', tabindex: '0', 'data-e2e-id': t.id },
      el('div', { class: 'r-tweet' },
        avatar,
        el('div', { class: 'r-body' },
          userName(t),
          t.replyTo ? el('div', { class: 'r-replying', text: `Replying to @${t.replyTo}` }) : null,
          el('div', { 'data-testid': 'tweetText', lang: 'en', dir: 'auto', class: 'r-text' }, el('span', { text: t.text })),
          el('div', { role: 'group', class: 'r-actions', 'aria-label': 'actions' },
            el('button', { type: 'button', 'data-testid': 'reply', 'aria-label': 'Reply', text: 'Reply' }),
            el('button', { type: 'button', 'data-testid': 'like', 'aria-label': 'Like', text: 'Like' })))));
  }

  function cell(t) {
    const inner = t.kind === 'tombstone'
      ? el('div', { 'data-testid': 'tombstone', class: 'r-tombstone', text: t.text })
      : article(t);
    return el('div', { 'data-testid': 'cellInnerDiv', 'data-e2e-cell': t.id }, inner);
  }

  let list;
  let more;
  function mount() {
    const root = document.getElementById('react-root');
    const controls = el('div', { 'data-testid': 'e2e-controls', class: 'r-controls' },
      el('strong', { text: 'Post' }),
      el('button', { type: 'button', 'data-testid': 'e2e-rerender', text: 'Re-render' }),
      el('button', { type: 'button', 'data-testid': 'e2e-rerender-inner', text: 'Re-render names' }));
    controls.addEventListener('click', (e) => {
      const id = e.target.closest('button')?.dataset.testid;
      if (id === 'e2e-rerender') rerender('replace');
      if (id === 'e2e-rerender-inner') rerender('inner');
    });
    list = el('div', { 'aria-label': 'Timeline: Conversation', class: 'r-list' });
    more = el('div', { 'data-testid': 'cellInnerDiv', class: 'r-more', hidden: '' },
      el('button', { type: 'button', 'data-testid': 'e2e-show-more', text: 'Show more replies' }));
    more.addEventListener('click', loadMore);
    if (virt) {
      list.style.position = 'relative';
      list.style.overflowAnchor = 'none';
      document.documentElement.style.overflowAnchor = 'none';
    }
    root.replaceChildren(el('main', { role: 'main' },
      el('div', { 'data-testid': 'primaryColumn', class: 'r-column' },
        controls, el('section', { role: 'region', 'aria-label': 'Conversation' }, list, more))));
  }

  // Timing for the closing note: ms since navigation start when the first articles were
  // rendered and when the first one got a verdict from the extension.
  new MutationObserver((records, obs) => {
    if (records.some((r) => r.target.hasAttribute?.('data-botlens-verdict'))) {
      e2e.firstVerdictAt ??= performance.now();
      obs.disconnect();
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-botlens-verdict'] });

  function append(items) {
    e2e.firstRenderAt ??= performance.now();
    if (virt) {
      for (const t of items) { cells.push(t); virt.heights.push(virt.est); }
      virtRender();
    }
    for (const t of virt ? [] : items) {
      cells.push(t);
      list.append(cell(t));
      if (long && t.kind === 'tweet') e2e.insertedAt[t.id] ??= performance.now();
    }
    more.hidden = !cursor;
    e2e.renders++;
    if (long) {
      e2e.longDone = !cursor;
      setTimeout(nearEnd, 0); // a page too short to scroll still loads on
    }
  }

  // Long mode: load the next page when the view comes within 1500 px of the end.
  function nearEnd() {
    const doc = document.documentElement;
    if (cursor && window.scrollY + window.innerHeight > doc.scrollHeight - 1500) loadMore();
  }
  if (long) window.addEventListener('scroll', nearEnd, { passive: true });

  // Virtualized long mode: the window of cells around the view (see the header). Runs in the
  // scroll event and after each page; one layout read per run (the list's top
  // and the cells' heights, after the inserts), then only writes (transforms, the list's height).
  function virtRender() {
    const vh = window.innerHeight;
    const listTop = list.getBoundingClientRect().top + window.scrollY;
    const from = window.scrollY - listTop - 1.5 * vh;
    const to = window.scrollY - listTop + 2.5 * vh;
    const want = [];
    let y = 0;
    for (let i = 0; i < cells.length; i += 1) {
      const h = virt.heights[i];
      if (y + h > from && y < to) want.push(i);
      y += h;
    }
    const keep = new Set(want);
    for (const [i, node] of virt.nodes) {
      if (keep.has(i)) continue;
      node.remove();
      virt.nodes.delete(i);
      virt.ys.delete(i);
      e2e.virtual.removed += 1;
    }
    // New cells go in list order (before the first kept cell of a higher index).
    const present = [...virt.nodes.keys()].sort((a, b) => a - b);
    for (const i of want) {
      if (virt.nodes.has(i)) continue;
      const t = cells[i];
      const node = cell(t);
      node.style.position = 'absolute';
      node.style.left = '0';
      node.style.right = '0';
      node.style.top = '0';
      node.style.transform = 'translateY(0px)';
      const next = present.find((j) => j > i);
      list.insertBefore(node, next === undefined ? null : virt.nodes.get(next));
      virt.nodes.set(i, node);
      e2e.virtual.created += 1;
      if (t.kind === 'tweet') e2e.insertedAt[t.id] ??= performance.now();
    }
    for (const [i, node] of virt.nodes) virt.heights[i] = node.offsetHeight;
    y = 0;
    for (let i = 0; i < cells.length; i += 1) {
      const node = virt.nodes.get(i);
      if (node && virt.ys.get(i) !== y) { node.style.transform = `translateY(${y}px)`; virt.ys.set(i, y); }
      y += virt.heights[i];
    }
    if (list.style.height !== `${y}px`) list.style.height = `${y}px`;
    e2e.virtual.renders += 1;
    e2e.virtual.maxInDom = Math.max(e2e.virtual.maxInDom, virt.nodes.size);
  }
  if (virt) {
    window.addEventListener('scroll', virtRender, { passive: true });
    window.addEventListener('resize', virtRender, { passive: true });
  }

  /** Re-render like React: new nodes for old posts. 'replace' = whole cells, 'inner' = User-Name blocks. */
  function rerender(mode = 'replace', filter = () => true) {
    for (const t of cells) {
      if (t.kind !== 'tweet' || !filter(t)) continue;
      const old = list.querySelector(`[data-e2e-cell="${CSS.escape(t.id)}"]`);
      if (!old) continue;
      if (mode === 'inner') {
        const name = old.querySelector('[data-testid="User-Name"]');
        name?.replaceWith(userName(t));
      } else {
        old.replaceWith(cell(t));
      }
    }
    e2e.renders++;
  }

  async function loadMore() {
    if (!cursor) return;
    const value = cursor;
    cursor = null;
    more.hidden = true;
    const json = await loadDetail(value);
    append(ingest(json));
    e2e.batches++;
  }

  async function start() {
    mount();
    // Long mode: a benchmark may hold the first request until its probes are in place.
    if (long && window.__benchHold) await window.__benchHold;
    const json = await loadDetail(null);
    const items = ingest(json);
    // The server-rendered post (no JSON for it) sits among the replies, after the root's first ones.
    const ssr = (state.ssrTweets ?? []).map((t) => ({ kind: 'tweet', ...t }));
    items.splice(Math.min(3, items.length), 0, ...ssr);
    append(items);
    e2e.batches++;
    if (long) return;
    // Hydration-like: shortly after the first paint React replaces every other article once.
    setTimeout(() => {
      let i = 0;
      rerender('replace', () => i++ % 2 === 0);
      e2e.autoRerendered = true;
    }, 250);
  }

  start().catch((err) => { e2e.errors.push(`app: ${err?.message ?? err}`); });
})();
