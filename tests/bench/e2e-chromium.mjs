// End-to-end benchmark in headless Chromium: the fake x.com (tests/e2e/server.mjs) serving a long
// thread (`?replies=N&batch=M`) that loads page by page as the test scrolls, once in a browser
// WITHOUT the extension and once WITH it (same launch args, same server, same scroll script), so
// every page-side figure is judged against the same page without the extension in the same run.
//   node tests/bench/e2e-chromium.mjs [--replies 2000] [--batch 100] [--virtual] [--profile] [--no-cold] [--trace PREFIX] [--ext DIR]
// (--virtual: the fixture's virtualized thread, `&virtual=1`, as X renders it: only the cells near
// the view are in the DOM, so posts leave it and come back as new nodes. `articles` is then the
// number of distinct posts that were ever in the DOM, and a post counts as judged when its article
// got a verdict while it was there (the probe's MutationObserver, per post id); after the end the
// page jumps back to the top, whose cells are created anew and must be badged again)
// (--profile: CPU profiles of both runs, hottest functions in `hot` (on) and `hot_off`)
// (--ext DIR: another unpacked Chrome test build, e.g. an older commit's, for an A/B on the same machine)
// (--trace PREFIX writes PREFIX.off.json and PREFIX.on.json, Chromium traces with invalidation
// tracking, for tests/bench/trace-summary.mjs; a traced run's figures are not benchmarks)
// Figures: post in DOM -> verdict/badge (median, p95), score reply -> badge, main-thread time
// (CDP Performance.getMetrics TaskDuration/ScriptDuration), long tasks (PerformanceObserver),
// JS heap of the page's renderer (content script = on - off) and of the service worker, messages
// per 100 posts (a counting runtime.onMessage listener in the worker, and a wrapper around the
// content script's chrome.runtime.sendMessage in its isolated world), cold service worker first
// score (ServiceWorker.stopAllWorkers, then a score round trip from the content script's world).
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer } from '../e2e/server.mjs';
import { extensionDir } from '../e2e/lib/extension.mjs';
import { launchContext } from '../e2e/lib/chromium-launch.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function quantile(xs, q) {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

async function launch(srv, extDir) {
  const profile = mkdtempSync(join(tmpdir(), 'botlens-bench-'));
  const context = await launchContext(profile, { extDir, port: srv.port });
  return { context, close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); } };
}

// Main world, before the page's own script: when each article got its verdict, and long tasks.
function pageProbe() {
  const b = { verdictAt: {}, longtasks: [] };
  window.__bench = b;
  // The page's first request waits until the harness has its probes in place (site/x/app.js).
  window.__benchHold = new Promise((resolve) => { window.__benchGo = resolve; });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch { /* no longtask support */ }
  new MutationObserver((records) => {
    const now = performance.now();
    for (const r of records) {
      const id = r.target.getAttribute?.('data-e2e-id');
      if (id && r.target.hasAttribute('data-botlens-verdict')) b.verdictAt[id] ??= now;
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-botlens-verdict'] });
}

// The content script's isolated world: time every message it sends and the reply's arrival.
const WRAP = `(() => {
  if (globalThis.__benchMsgs) return 'already';
  const log = globalThis.__benchMsgs = [];
  const rt = chrome.runtime;
  const orig = rt.sendMessage;
  rt.sendMessage = function (msg, ...rest) {
    const rec = { type: msg && msg.type, keys: Array.isArray(msg && msg.accounts) ? msg.accounts.map((a) => a && a.key) : [], sent: performance.now() };
    log.push(rec);
    const p = orig.call(rt, msg, ...rest);
    if (p && typeof p.then === 'function') p.then(() => { rec.reply = performance.now(); }, () => { rec.reply = performance.now(); rec.failed = true; });
    return p;
  };
  return 'wrapped';
})()`;

/** A flat-false CDP session to another target (the service worker) over a browser session. */
async function targetSession(browserSession, targetId) {
  const { sessionId } = await browserSession.send('Target.attachToTarget', { targetId, flatten: false });
  let next = 1;
  const waiting = new Map();
  const onMsg = (e) => {
    if (e.sessionId !== sessionId) return;
    const m = JSON.parse(e.message);
    if (m.id && waiting.has(m.id)) { const w = waiting.get(m.id); waiting.delete(m.id); if (m.error) w.reject(new Error(m.error.message)); else w.resolve(m.result); }
  };
  browserSession.on('Target.receivedMessageFromTarget', onMsg);
  return {
    send: (method, params = {}) => new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve, reject });
      browserSession.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
    }),
    detach: () => browserSession.send('Target.detachFromTarget', { sessionId }).catch(() => {}),
  };
}

/** One page run: load the long thread, scroll to its end, wait for the verdicts (when the extension is on). */
async function runPage({ context, srv, long, withExt, log, profile = false, trace = null }) {
  await context.addInitScript(pageProbe);
  const page = context.pages()[0] ?? await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' }).catch(() => cdp.send('Performance.enable'));
  const wrapped = [];
  if (withExt) {
    await cdp.send('Runtime.enable');
    cdp.on('Runtime.executionContextCreated', ({ context: c }) => {
      if (c.auxData?.type === 'isolated' && String(c.origin).startsWith('chrome-extension://')) {
        wrapped.push(cdp.send('Runtime.evaluate', { expression: WRAP, contextId: c.id, returnByValue: true })
          .then((r) => ({ id: c.id, at: Date.now(), result: r.result?.value }), (e) => ({ id: c.id, error: String(e) })));
      }
    });
  }
  if (trace) await startTrace(cdp);
  if (profile) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 500 }); await cdp.send('Profiler.start'); }
  const started = Date.now();
  await page.goto(srv.url(`${srv.threadPath}?replies=${long.replies}&batch=${long.batch}${long.virtual ? '&virtual=1' : ''}`), { waitUntil: 'domcontentloaded' });
  if (withExt) {
    const until = Date.now() + 10000;
    while (wrapped.length === 0 && Date.now() < until) await sleep(20);
    await Promise.all(wrapped);
  }
  await page.evaluate(() => window.__benchGo());
  // Scroll like a reader flicking through: a wheel step every 40 ms until the last page is in.
  const deadline = Date.now() + 120000;
  let lastLog = Date.now();
  while (Date.now() < deadline) {
    if (Date.now() - lastLog > 10000) { lastLog = Date.now(); log?.(`    scrolling: ${await page.evaluate(() => document.querySelectorAll('article[data-testid="tweet"]').length)} articles`); }
    const done = await page.evaluate(() => window.__e2e?.longDone === true && window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 5);
    if (done) break;
    await page.mouse.wheel(0, 1500);
    await sleep(40);
  }
  // Virtualized: the distinct posts that were ever in the DOM; waiting is for the ones in it now.
  const countArticles = () => page.evaluate((v) => (v ? Object.keys(window.__e2e.insertedAt).length : document.querySelectorAll('article[data-testid="tweet"]').length), !!long.virtual);
  const articles = await countArticles();
  if (withExt) {
    const until = Date.now() + 60000;
    while (Date.now() < until) {
      const [judged, inDom] = await page.evaluate(() => [document.querySelectorAll('article[data-testid="tweet"][data-botlens-verdict]').length, document.querySelectorAll('article[data-testid="tweet"]').length]);
      if (judged >= inDom) break;
      if (Date.now() - lastLog > 10000) { lastLog = Date.now(); log?.(`    waiting for verdicts: ${judged}/${articles}`); }
      await sleep(100);
    }
  }
  // Virtualized: back to the top in one jump (both runs), so the first cells, removed long ago, are
  // created anew and must be badged again; the wait is for every article now in the DOM.
  let rebadged = null;
  if (long.virtual) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForFunction(() => window.scrollY === 0 && document.querySelector('[data-e2e-cell]')?.style.transform === 'translateY(0px)');
    if (withExt) {
      const until = Date.now() + 30000;
      while (Date.now() < until) {
        const [judged, inDom] = await page.evaluate(() => [document.querySelectorAll('article[data-testid="tweet"][data-botlens-verdict]').length, document.querySelectorAll('article[data-testid="tweet"]').length]);
        rebadged = { judged, inDom };
        if (judged >= inDom) break;
        await sleep(100);
      }
    }
  }
  await sleep(500); // let the last frame-timed batch and stats message finish, the same in both runs
  const wall = Date.now() - started;
  const hot = profile ? selfTimes((await cdp.send('Profiler.stop')).profile) : null;
  if (trace) { await stopTrace(cdp, trace); log?.(`  trace: ${trace}`); }
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const probe = await page.evaluate(() => ({ virtual: window.__e2e.virtual ?? null, inDom: document.querySelectorAll('article[data-testid="tweet"]').length, scrollHeight: document.documentElement.scrollHeight, insertedAt: window.__e2e.insertedAt, verdictAt: window.__bench.verdictAt, longtasks: window.__bench.longtasks, errors: window.__e2e.errors, violations: window.__e2e.violations.length }));
  let msgs = null;
  let wrapInfo = await Promise.all(wrapped);
  if (withExt) {
    for (const w of wrapInfo) {
      const r = await cdp.send('Runtime.evaluate', { expression: 'globalThis.__benchMsgs || null', contextId: w.id, returnByValue: true }).catch(() => null);
      if (r?.result?.value) msgs = r.result.value;
    }
  }
  log?.(`  ${withExt ? 'on ' : 'off'}: ${articles} articles in ${wall} ms wall, TaskDuration ${(metrics.TaskDuration * 1000).toFixed(0)} ms`);
  return { page, cdp, articles, wall, heap, metrics, probe, msgs, wrapInfo, hot, rebadged };
}

// Chromium trace of a page run (--trace FILE): the Performance panel's categories plus
// invalidation tracking, so tests/bench/trace-summary.mjs can say which writes caused which
// style recalcs and layouts. Tracing slows the page: never take figures from a traced run.
const TRACE_CATEGORIES = [
  '-*', 'devtools.timeline', 'v8.execute', 'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame', 'disabled-by-default-devtools.timeline.stack',
  'disabled-by-default-devtools.timeline.invalidationTracking', 'blink.user_timing', 'loading', 'latencyInfo', 'toplevel',
];

async function startTrace(cdp) {
  await cdp.send('Tracing.start', { transferMode: 'ReturnAsStream', traceConfig: { recordMode: 'recordContinuously', includedCategories: TRACE_CATEGORIES.filter((c) => c !== '-*'), excludedCategories: ['*'] } });
}

async function stopTrace(cdp, file) {
  const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  const { stream } = await done;
  const out = createWriteStream(file);
  for (;;) {
    const { data, eof, base64Encoded } = await cdp.send('IO.read', { handle: stream, size: 1 << 20 });
    out.write(base64Encoded ? Buffer.from(data, 'base64') : data);
    if (eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  await new Promise((resolve) => out.end(resolve));
}

/** Self time (ms) by function and script of a CDP CPU profile, the largest first. */
function selfTimes(prof, top = 15) {
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const acc = new Map();
  prof.samples.forEach((id, i) => {
    const f = byId.get(id)?.callFrame;
    if (!f) return;
    const where = f.url ? `${f.url.replace(/^.*\/\/[^/]+\//, '')}:${f.lineNumber + 1}` : '';
    const k = `${f.functionName || '(anonymous)'} ${where}`.trim();
    acc.set(k, (acc.get(k) ?? 0) + (prof.timeDeltas[i] ?? 0) / 1000);
  });
  return [...acc].filter(([k]) => k !== '(idle)' && k !== '(program)').sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([fn, ms]) => ({ fn, ms: Math.round(ms * 10) / 10 }));
}

/** The key -> post ids of the long thread (root twice: root and its self-reply). */
function postsByKey(thread) {
  const byKey = new Map();
  const visit = (n) => {
    if (Array.isArray(n)) { n.forEach(visit); return; }
    if (n === null || typeof n !== 'object') return;
    if (n.__typename === 'Tweet' && n.rest_id && n.core?.user_results?.result?.rest_id) {
      const k = `x:${n.core.user_results.result.rest_id}`;
      if (!byKey.has(k)) byKey.set(k, []);
      byKey.get(k).push(n.rest_id);
    }
    for (const v of Object.values(n)) visit(v);
  };
  visit(thread.pages);
  return byKey;
}

async function coldStart({ context, page, cdp, extId, log, samples = 5 }) {
  // A score round trip from the content script's world, as the annotator sends it.
  const ctxs = [];
  const found = new Promise((resolve) => {
    cdp.on('Runtime.executionContextCreated', ({ context: c }) => { if (c.auxData?.type === 'isolated' && String(c.origin).startsWith('chrome-extension://')) { ctxs.push(c.id); resolve(); } });
  });
  await cdp.send('Runtime.disable');
  await cdp.send('Runtime.enable'); // replays the existing contexts
  await Promise.race([found, sleep(3000)]);
  const contextId = ctxs[ctxs.length - 1];
  const ROUND_TRIP = `(async () => {
    const t = performance.now();
    const r = await chrome.runtime.sendMessage({ type: 'content->bg:score', accounts: [{ key: 'x:1', platform: 'x', id: '1', screen_name: 'bench_probe', created_at: '2020-01-01T00:00:00Z', followers_count: 3, friends_count: 400, statuses_count: 20 }] });
    return { ms: performance.now() - t, ok: Array.isArray(r && r.verdicts) };
  })()`;
  const roundTrip = async () => (await cdp.send('Runtime.evaluate', { expression: ROUND_TRIP, contextId, awaitPromise: true, returnByValue: true })).result.value;
  // Scoring inside the background: a batch of 500 distinct accounts (the message cap) on a warm
  // worker, against the 1-account round trip just before it (the messaging floor).
  const BATCH_TRIP = `(async () => {
    const accounts = [];
    for (let i = 0; i < 500; i += 1) accounts.push({ key: 'x:b' + i, platform: 'x', id: 'b' + i, screen_name: 'bench_' + i.toString(36) + 'x' + (i * 7919 % 1000), name: 'Bench ' + i, created_at: new Date(Date.UTC(2009 + (i % 15), i % 12, 1 + (i % 27))).toISOString(), followers_count: (i * 37) % 5000, friends_count: (i * 53) % 3000, statuses_count: (i * 101) % 90000, favourites_count: (i * 13) % 7000, description: i % 3 ? 'bio ' + i : '' });
    const t = performance.now();
    const r = await chrome.runtime.sendMessage({ type: 'content->bg:score', accounts });
    return { ms: performance.now() - t, ok: Array.isArray(r && r.verdicts) && r.verdicts.length === 500 };
  })()`;
  const batchTrip = async () => (await cdp.send('Runtime.evaluate', { expression: BATCH_TRIP, contextId, awaitPromise: true, returnByValue: true })).result.value;
  const ext = await context.newPage();
  await ext.goto(`chrome-extension://${extId}/options/options.html`).catch(() => {});
  const extCdp = await context.newCDPSession(ext);
  await extCdp.send('ServiceWorker.enable');
  const cold = [];
  const warm = [];
  const batch500 = [];
  let verified = 0;
  for (let i = 0; i < samples; i += 1) {
    const before = context.serviceWorkers().find((w) => w.url().includes(extId));
    await before?.evaluate(() => { self.__benchAlive = true; }).catch(() => {});
    await extCdp.send('ServiceWorker.stopAllWorkers');
    await sleep(300);
    const c = await roundTrip();
    const w = await roundTrip();
    const after = context.serviceWorkers().find((x) => x.url().includes(extId));
    const alive = await after?.evaluate(() => self.__benchAlive === true).catch(() => null);
    if (alive === false) verified += 1;
    await batchTrip(); // the first big batch after a restart still runs the wasm's baseline tier
    const b = await batchTrip();
    if (c?.ok) cold.push(c.ms);
    if (w?.ok) warm.push(w.ms);
    if (b?.ok && w?.ok) batch500.push(b.ms - w.ms);
  }
  await ext.close();
  log?.(`  cold SW first score: ${cold.map((x) => x.toFixed(0)).join(', ')} ms (warm ${warm.map((x) => x.toFixed(1)).join(', ')}); restarted ${verified}/${samples}`);
  return { cold, warm, batch500, verified, samples };
}

async function swHeap(context, extId) {
  const browserSession = await context.browser()?.newBrowserCDPSession?.();
  if (!browserSession) return null;
  const { targetInfos } = await browserSession.send('Target.getTargets');
  const sw = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${extId}/`));
  if (!sw) return null;
  const s = await targetSession(browserSession, sw.targetId);
  try {
    await s.send('HeapProfiler.enable');
    await s.send('HeapProfiler.collectGarbage');
    return await s.send('Runtime.getHeapUsage');
  } finally { await s.detach(); }
}

export async function runE2E({ replies = 2000, batch = 100, virtual = false, cold = true, profile = false, trace = null, extDir = extensionDir('chrome'), log = console.error } = {}) {
  const srv = await startServer();
  const long = virtual ? { replies, batch, virtual: true } : { replies, batch };
  const thread = srv.longThread(long);
  const out = { replies, batch, virtual, posts: thread.posts };
  try {
    // Without the extension.
    {
      const b = await launch(srv, null);
      try {
        const r = await runPage({ context: b.context, srv, long, withExt: false, log, profile, trace: trace ? `${trace}.off.json` : null });
        out.off = summarize(r);
        if (r.hot) out.hot_off = r.hot; // the same page without the extension, for a comparison
      } finally { await b.close(); }
    }
    // With it.
    const b = await launch(srv, extDir);
    try {
      const worker = b.context.serviceWorkers()[0] ?? await b.context.waitForEvent('serviceworker', { timeout: 10000 });
      const extId = new URL(worker.url()).host;
      await worker.evaluate(() => {
        self.__benchCount = {};
        chrome.runtime.onMessage.addListener((m) => { const t = m && m.type; self.__benchCount[t] = (self.__benchCount[t] ?? 0) + 1; });
      });
      const r = await runPage({ context: b.context, srv, long, withExt: true, log, profile, trace: trace ? `${trace}.on.json` : null });
      out.on = summarize(r);
      out.sw_messages = await worker.evaluate(() => self.__benchCount).catch(() => null);
      out.sw_heap = await swHeap(b.context, extId).catch((e) => ({ error: String(e) }));
      // Latencies.
      const ins = r.probe.insertedAt;
      const ver = r.probe.verdictAt;
      const lat = Object.keys(ins).filter((id) => ver[id] !== undefined).map((id) => ver[id] - ins[id]);
      out.judged = lat.length;
      out.unjudged = Object.keys(ins).map((id, i) => [id, i]).filter(([id]) => ver[id] === undefined).slice(0, 20)
        .map(([id, i]) => ({ id, order: i, inserted_ms: ins[id] })); // which posts, in order of first insertion
      out.dom_to_badge = { median: quantile(lat, 0.5), p95: quantile(lat, 0.95), max: quantile(lat, 1) };
      if (r.msgs) {
        const byKey = postsByKey(thread);
        const replyAt = {};
        const score = r.msgs.filter((m) => m.type === 'content->bg:score');
        for (const m of score) for (const k of m.keys) for (const id of byKey.get(k) ?? []) replyAt[id] ??= m.reply;
        const after = Object.keys(replyAt).filter((id) => ver[id] !== undefined && replyAt[id] !== undefined).map((id) => ver[id] - replyAt[id]);
        out.reply_to_badge = { median: quantile(after, 0.5), p95: quantile(after, 0.95), max: quantile(after, 1), n: after.length };
        const rt = score.filter((m) => m.reply !== undefined).map((m) => m.reply - m.sent);
        out.score_round_trip = { median: quantile(rt, 0.5), p95: quantile(rt, 0.95), max: quantile(rt, 1), n: rt.length };
        out.cs_messages = { score: score.length, stats: r.msgs.filter((m) => m.type === 'content->bg:stats').length, accounts: score.reduce((n, m) => n + m.keys.length, 0) };
      }
      out.wrap = r.wrapInfo;
      if (r.hot) out.hot = r.hot;
      if (cold) out.cold_sw = await coldStart({ context: b.context, page: r.page, cdp: r.cdp, extId, log });
    } finally { await b.close(); }
  } finally { await srv.close(); }
  return out;
}

function summarize(r) {
  const lt = r.probe.longtasks;
  return {
    articles: r.articles,
    wall_ms: r.wall,
    task_ms: r.metrics.TaskDuration * 1000,
    script_ms: r.metrics.ScriptDuration * 1000,
    layout_ms: (r.metrics.LayoutDuration + r.metrics.RecalcStyleDuration) * 1000,
    js_heap_used: r.metrics.JSHeapUsedSize,
    heap_after_gc: r.heap.usedSize,
    longtasks: lt.length,
    longtask_max_ms: lt.length ? Math.max(...lt.map((t) => t.duration)) : 0,
    longtask_total_ms: lt.reduce((n, t) => n + t.duration, 0),
    virtual: r.probe.virtual, // virtualized mode: renders, cells created and removed, most cells in the DOM at once
    articles_in_dom_at_end: r.probe.inDom,
    rebadged_at_top: r.rebadged, // virtualized, extension on: articles re-created at the top / with a verdict
    scroll_height: r.probe.scrollHeight, // the same on and off when badges do not change the page's geometry
    page_errors: r.probe.errors,
    violations: r.probe.violations,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (k, d) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : d; };
  const r = await runE2E({ replies: Number(arg('--replies', 2000)), batch: Number(arg('--batch', 100)), virtual: process.argv.includes('--virtual'), profile: process.argv.includes('--profile'), trace: arg('--trace', null), cold: !process.argv.includes('--no-cold'), ...(arg('--ext', null) ? { extDir: arg('--ext', null) } : {}) });
  console.log(JSON.stringify(r, null, 2));
}
