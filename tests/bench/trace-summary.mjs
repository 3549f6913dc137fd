#!/usr/bin/env node
// Summarises a Chromium trace written by `e2e-chromium.mjs --trace PREFIX` (the page's renderer
// main thread): where main-thread time went (style recalc, layout, script by origin, paint), which
// style recalcs and layouts were forced by script (and by whose script), and what invalidated style
// and layout (invalidation tracking: reason, changed attribute, the script that did it). Each
// recalc's and layout's duration is shared among the invalidations recorded since the previous one,
// so "ms" by cause is an attribution, not an exact measurement.
//   node tests/bench/trace-summary.mjs FILE.json [--top 15]
import { readFileSync } from 'node:fs';

const file = process.argv[2];
const top = Number(process.argv[process.argv.indexOf('--top') + 1]) || 15;
const raw = JSON.parse(readFileSync(file, 'utf8'));
const events = Array.isArray(raw) ? raw : raw.traceEvents;

// The page's main thread: the CrRendererMain with the most style recalcs.
const names = new Map();
for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
const recalcs = new Map();
for (const e of events) if (e.name === 'UpdateLayoutTree' || e.name === 'Layout') recalcs.set(`${e.pid}:${e.tid}`, (recalcs.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
const main = [...recalcs].filter(([k]) => names.get(k) === 'CrRendererMain').sort((a, b) => b[1] - a[1])[0]?.[0];
const mine = events.filter((e) => `${e.pid}:${e.tid}` === main).sort((a, b) => a.ts - b.ts);

const origin = (url) => (!url ? 'native' : url.startsWith('chrome-extension://') ? 'extension' : 'page');
const where = (frame) => (frame ? `${frame.functionName || '(anon)'} ${String(frame.url).replace(/^.*\/\/[^/]+\//, '')}:${(frame.lineNumber ?? 0) + 1}` : '(no stack)');
const stackOf = (e) => e.args?.data?.stackTrace ?? e.args?.beginData?.stackTrace ?? null;
// The first frame of a stack that is not the fixture page's own script (ours, when we are in it).
const culprit = (st) => {
  if (!Array.isArray(st) || st.length === 0) return { who: 'none', at: '(no stack)' };
  const ext = st.find((f) => origin(f.url) === 'extension');
  return ext ? { who: 'extension', at: where(ext) } : { who: origin(st[0].url), at: where(st[0]) };
};

const add = (m, k, ms, n = 1) => { const v = m.get(k) ?? { ms: 0, n: 0 }; v.ms += ms; v.n += n; m.set(k, v); };
const byName = new Map();
const forced = new Map();
const recalcBy = new Map();
const layoutBy = new Map();
const attrs = new Map();
let pendingStyle = [];
let pendingLayout = [];
let elements = 0;
let tasks = 0;
let taskMs = 0;
const long = [];
for (const e of mine) {
  const ms = (e.dur ?? 0) / 1000;
  if (e.ph === 'X' && (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask')) {
    tasks += 1; taskMs += ms;
    if (ms > 50) long.push(ms);
  }
  if (e.ph === 'X' && ['UpdateLayoutTree', 'Layout', 'Paint', 'PrePaint', 'Layerize', 'FunctionCall', 'EvaluateScript', 'TimerFire',
    'FireAnimationFrame', 'EventDispatch', 'v8.callFunction', 'ParseHTML', 'HitTest', 'IntersectionObserverController::computeIntersections', 'UpdateLayer'].includes(e.name)) add(byName, e.name, ms);
  if (e.name === 'StyleRecalcInvalidationTracking' || e.name === 'StyleInvalidatorInvalidationTracking') {
    const d = e.args?.data ?? {};
    const c = culprit(d.stackTrace);
    pendingStyle.push(`${d.reason ?? e.name}${d.extraData ? ` (${d.extraData})` : ''} <- ${c.who}: ${c.at}`);
  }
  if (e.name === 'ScheduleStyleInvalidationTracking') {
    const d = e.args?.data ?? {};
    const what = d.changedAttribute ? `attr ${d.changedAttribute}` : d.changedClass ? `class ${d.changedClass}` : d.changedId ? 'id' : d.changedPseudo ? `pseudo ${d.changedPseudo}` : 'other';
    add(attrs, `${what} <- ${culprit(d.stackTrace).who}`, 0);
  }
  if (e.name === 'LayoutInvalidationTracking') {
    const d = e.args?.data ?? {};
    const c = culprit(d.stackTrace);
    pendingLayout.push(`${d.reason ?? '?'} <- ${c.who}: ${c.at}`);
  }
  if (e.ph === 'X' && (e.name === 'UpdateLayoutTree' || e.name === 'Layout')) {
    const st = stackOf(e);
    if (st && st.length) add(forced, `${e.name} forced by ${culprit(st).who}: ${culprit(st).at}`, ms);
    if (e.name === 'UpdateLayoutTree') elements += e.args?.elementCount ?? 0;
    const pend = e.name === 'UpdateLayoutTree' ? pendingStyle : pendingLayout;
    const into = e.name === 'UpdateLayoutTree' ? recalcBy : layoutBy;
    if (pend.length === 0) add(into, '(no invalidation recorded)', ms);
    else {
      const counts = new Map();
      for (const k of pend) counts.set(k, (counts.get(k) ?? 0) + 1);
      for (const [k, n] of counts) add(into, k, (ms * n) / pend.length, n);
    }
    if (e.name === 'UpdateLayoutTree') pendingStyle = []; else pendingLayout = [];
  }
}
const table = (title, m, limit = top) => {
  console.log(`\n## ${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1].ms - a[1].ms || b[1].n - a[1].n).slice(0, limit)) console.log(`${v.ms.toFixed(1).padStart(9)} ms ${String(v.n).padStart(7)}x  ${k}`);
};
console.log(`${file}: main thread ${main} (${names.get(main)}), ${mine.length} events; tasks ${tasks} (${taskMs.toFixed(0)} ms), long tasks ${long.length}, longest ${long.length ? Math.max(...long).toFixed(0) : 0} ms; elements restyled ${elements}`);
table('time by event (inclusive; script events nest)', byName, 30);
table('forced (synchronous) style/layout, by script', forced);
table('style recalc time by invalidation (shared among the invalidations before each recalc)', recalcBy);
table('layout time by invalidation', layoutBy);
table('style invalidations scheduled (count)', attrs);
