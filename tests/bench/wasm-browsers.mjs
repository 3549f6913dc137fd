// Clustering speed of the built wasm inside the browsers the extension runs in, on the standalone
// page dist/www, which loads the same module:
//   node tests/bench/wasm-browsers.mjs [--browser chromium|firefox|both] [--runs 30] [--json]
// Per sample (the generators of wasm-node.mjs): `cluster_posts` of 2,000 posts called `runs`
// times on one instance; reported: the first call (a fresh module also compiles the functions it
// runs), and the median and minimum of the calls after the first 10 (warm); and one `Coordinator`
// fed 20 batches of 100 (per batch the median over 9 fresh coordinators).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { REPO } from '../e2e/lib/extension.mjs';
import { Session, startGeckodriver } from '../e2e/lib/webdriver.mjs';
import { startServer } from '../../www/tools/serve.mjs';
import { median, samplePosts, realisticPosts } from './wasm-node.mjs';

const SAMPLES = () => [['adversarial', samplePosts(2000)], ['realistic', realisticPosts(2000)]];

/** Runs in the page: the raw timings of one sample. */
async function measureInPage({ posts, runs }) {
  const core = await import('./wasm/botlens.js');
  await core.default();
  const calls = [];
  let marked = null;
  for (let r = 0; r < runs; r += 1) {
    const s = performance.now();
    const res = core.cluster_posts(posts);
    calls.push(performance.now() - s);
    marked = res?.posts?.length ?? null;
  }
  const perBatch = [];
  for (let r = 0; r < 9; r += 1) {
    const c = new core.Coordinator();
    for (let i = 0, k = 0; i < posts.length; i += 100, k += 1) {
      const s = performance.now();
      c.add_posts(posts.slice(i, i + 100));
      (perBatch[k] ??= []).push(performance.now() - s);
    }
    c.free();
  }
  return { marked, calls, perBatch };
}

function summarise({ marked, calls, perBatch }) {
  const warm = calls.slice(10);
  return {
    marked,
    first_call_ms: calls[0],
    warm_median_ms: median(warm),
    warm_min_ms: Math.min(...warm),
    batch_ms: perBatch.map((xs) => Number(median(xs).toFixed(2))),
    batches_total_ms: perBatch.map(median).reduce((a, b) => a + b, 0),
  };
}

async function withServer(root, fn) {
  if (!existsSync(join(root, 'wasm/botlens_bg.wasm'))) throw new Error(`${root} has no wasm: run ./build.sh build`);
  const server = await startServer({ root, port: 0 });
  try { return await fn(server.url); } finally { await server.close(); }
}

export function runWasmChromium({ runs = 30, root = join(REPO, 'dist/www') } = {}) {
  return withServer(root, async (url) => {
    const browser = await chromium.launch({ executablePath: process.env.BOTLENS_CHROMIUM ?? process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      await page.goto(`${url}index.html`);
      const out = { browser: `Chromium ${browser.version()}` };
      for (const [name, posts] of SAMPLES()) out[name] = summarise(await page.evaluate(measureInPage, { posts, runs }));
      return out;
    } finally {
      await browser.close();
    }
  });
}

export function runWasmFirefox({ runs = 30, root = join(REPO, 'dist/www') } = {}) {
  return withServer(root, async (url) => {
    const driver = await startGeckodriver();
    let wd;
    try {
      wd = await Session.create(driver.url, { browserName: 'firefox', 'moz:firefoxOptions': { binary: process.env.BOTLENS_FIREFOX ?? '/usr/bin/firefox-esr', args: ['-headless'] } });
      await wd.cmd('POST', '/timeouts', { script: 300_000 });
      await wd.navigate(`${url}index.html`);
      const out = { browser: `Firefox ${wd.capabilities?.browserVersion ?? ''}`.trim() };
      const script = `const done = arguments[arguments.length - 1];
        (${measureInPage.toString()})(arguments[0]).then(done, (e) => done({ error: String(e) }));`;
      for (const [name, posts] of SAMPLES()) {
        const raw = await wd.executeAsync(script, [{ posts, runs }]);
        if (raw?.error) throw new Error(raw.error);
        out[name] = summarise(raw);
      }
      return out;
    } finally {
      try { await wd?.delete(); } catch { /* gone */ }
      await driver.stop();
    }
  });
}

export function describe(r) {
  return ['adversarial', 'realistic'].map((name) => {
    const x = r[name];
    return `${r.browser}, ${name}: ${x.marked} posts marked; cluster_posts(2,000): first call ${x.first_call_ms.toFixed(1)} ms, warm median ${x.warm_median_ms.toFixed(1)} ms (min ${x.warm_min_ms.toFixed(1)}); 20 batches of 100: ${x.batches_total_ms.toFixed(1)} ms, per batch ${x.batch_ms.join(' ')}`;
  }).join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (k, d) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : d; };
  const runs = Number(arg('--runs', 30));
  const which = arg('--browser', 'both');
  const results = [];
  if (which !== 'firefox') results.push(await runWasmChromium({ runs }));
  if (which !== 'chromium') results.push(await runWasmFirefox({ runs }));
  if (process.argv.includes('--json')) console.log(JSON.stringify(results, null, 2));
  else for (const r of results) console.log(describe(r));
}
