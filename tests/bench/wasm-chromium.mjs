// Clustering speed of the built wasm inside Chromium (the browser the extension's background
// runs in), on the standalone page dist/www, which loads the same module:
//   node tests/bench/wasm-chromium.mjs [--runs 30] [--json]
// Per sample (the generators of wasm-node.mjs): `cluster_posts` of 2,000 posts called `runs`
// times on one instance; printed: the first call (cold: the engine's first tier, memory growth),
// and the median and minimum of the calls after the first 10 (warm); and one `Coordinator` fed 20
// batches of 100 (per batch the median over 9 fresh coordinators).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { REPO } from '../e2e/lib/extension.mjs';
import { startServer } from '../../www/tools/serve.mjs';
import { samplePosts, realisticPosts } from './wasm-node.mjs';

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

export async function runWasmChromium({ runs = 30, root = join(REPO, 'dist/www') } = {}) {
  if (!existsSync(join(root, 'wasm/botlens_bg.wasm'))) throw new Error('dist/www is not built: run ./build.sh build');
  const server = await startServer({ root, port: 0 });
  const browser = await chromium.launch({ executablePath: process.env.BOTLENS_CHROMIUM ?? process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}index.html`);
    const out = { browser: browser.version() };
    for (const [name, posts] of [['adversarial', samplePosts(2000)], ['realistic', realisticPosts(2000)]]) {
      out[name] = await page.evaluate(async ({ posts, runs }) => {
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
      }, { posts, runs });
      const { calls, perBatch } = out[name];
      const warm = calls.slice(10);
      out[name] = {
        marked: out[name].marked,
        first_call_ms: calls[0],
        warm_median_ms: median(warm),
        warm_min_ms: Math.min(...warm),
        batch_ms: perBatch.map((xs) => Number(median(xs).toFixed(2))),
        batches_total_ms: perBatch.map(median).reduce((a, b) => a + b, 0),
      };
    }
    return out;
  } finally {
    await browser.close();
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (k, d) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : d; };
  const r = await runWasmChromium({ runs: Number(arg('--runs', 30)) });
  if (process.argv.includes('--json')) console.log(JSON.stringify(r, null, 2));
  else {
    console.log(r.browser);
    for (const name of ['adversarial', 'realistic']) {
      const x = r[name];
      console.log(`${name}: ${x.marked} posts marked; cluster_posts(2,000): first call ${x.first_call_ms.toFixed(1)} ms, warm median ${x.warm_median_ms.toFixed(1)} ms (min ${x.warm_min_ms.toFixed(1)}); 20 batches of 100: ${x.batches_total_ms.toFixed(1)} ms, per batch ${x.batch_ms.join(' ')}`);
    }
  }
}
