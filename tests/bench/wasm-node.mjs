// The built wasm core under Node: instantiation, score_batch throughput and clustering.
//   node tests/bench/wasm-node.mjs [--wasm-dir target/wasm-out] [--accounts 100000] [--json]
// Loads the `--target web` glue with initSync({module: bytes}), as the background does with
// init(), and feeds it the real-account test cases (tests/model/cases.jsonl) in batches of 100.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from '../e2e/lib/extension.mjs';

export const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

/** Accounts in the extension's normalized shape, from the model's real-account test cases. */
export function sampleAccounts() {
  return readFileSync(join(REPO, 'tests/model/cases.jsonl'), 'utf8').split('\n')
    .filter(Boolean).map((l) => { try { return JSON.parse(l); } catch { return null; } }).filter(Boolean);
}

/** 2,000 posts of a reply thread: 1,400 distinct texts, and 30 campaigns of 20 near-identical posts. */
export function samplePosts(n = 2000) {
  const words = 'the a of to in and is it for on that this with was as at be by not are from or have an they which one you were all we her she there would their will when who him been has more if no out do so can what up said about into than them only other new some could time these two may then first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three'.split(' ');
  let seed = 7;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const sentence = (k) => Array.from({ length: k }, () => words[Math.floor(rnd() * words.length)]).join(' ');
  const posts = [];
  const campaigns = Array.from({ length: 30 }, (_, c) => `${sentence(14)} #tag${c} #other${c % 7}`);
  for (let i = 0; i < n; i += 1) {
    const campaign = i % 10 < 3 && posts.length < n ? campaigns[i % 30] : null;
    posts.push({
      post_id: String(1_800_000_000_000_000_000n + BigInt(i)),
      account_key: `x:${9_000_000 + i}`,
      text: campaign ? `${campaign}${i % 3 === 0 ? '!' : ''}` : sentence(8 + (i % 20)),
      created_at: new Date(Date.UTC(2026, 0, 1) + i * 5000).toISOString().replace(/\.\d+Z$/, 'Z'),
    });
  }
  return posts;
}

const mulberry32 = (seed) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/**
 * A realistic reply thread (the same generator as benches/coord.rs `realistic`): ordinary replies
 * from a skewed 5,000-word vocabulary, 10 % short replies, and 8 campaigns (5 % of the posts) with
 * the usual edits, two hashtags and a shared link.
 */
export function realisticPosts(n = 2000) {
  const LETTERS = 'etaoinshrdlcumwfgypbvkjxqz';
  const letters = mulberry32(3);
  const vocab = Array.from({ length: 5000 }, () => {
    const len = 2 + Math.floor(letters() * 8);
    let w = '';
    for (let k = 0; k < len; k += 1) { const r = letters(); w += LETTERS[Math.floor(26 * r * r)]; }
    return w;
  });
  const rnd = mulberry32(11);
  const reply = (k) => {
    const words = [];
    for (let j = 0; j < k; j += 1) { const r = rnd(); words.push(vocab[Math.floor(5000 * r * r)]); }
    return words.join(' ') + ['.', '!', '?'][k % 3];
  };
  const campaigns = Array.from({ length: 8 }, (_, c) =>
    `${reply(16 + c)} #${vocab[c * 3]} #${vocab[c * 5 + 1]} https://news${c}.example/story/${c * 17}`);
  const SHORT = ['Thank you!', 'lol', 'This.', 'So true!!', '💯', 'Exactly this.'];
  const posts = [];
  for (let i = 0; i < n; i += 1) {
    let text;
    if (i % 20 === 7) {
      const base = campaigns[Math.floor(i / 20) % 8];
      text = [base, `${base.toUpperCase()}!!!`, base.replace(' ', ' really '), `@someone ${base} 🔥`][Math.floor(i / 160) % 4];
    } else if (i % 10 === 3) {
      text = SHORT[Math.floor(i / 10) % SHORT.length];
    } else {
      text = reply(5 + ((i * 7) % 30));
    }
    posts.push({ post_id: String(1_800_000_000_000_000_000n + BigInt(i)), account_key: `x:${9_000_000 + i}`, text });
  }
  return posts;
}

const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

/**
 * Clustering figures for one sample: `cluster_posts` of all posts in one call (the first call, then
 * after 5 warm-up calls the median of 9, wall and process CPU), and one `Coordinator` fed batches of 100 (median of 5 runs; per batch the
 * median over the runs, so a flat row means each batch costs its own share).
 */
function clusterFigures(glue, list) {
  const out = {};
  const s0 = performance.now();
  glue.cluster_posts(list);
  out.first_call_ms = performance.now() - s0;
  for (let r = 0; r < 5; r += 1) glue.cluster_posts(list); // warm-up: the engine's top tier
  const one = [];
  const oneCpu = [];
  for (let r = 0; r < 9; r += 1) {
    const c0 = cpuMs();
    const s = performance.now();
    const res = glue.cluster_posts(list);
    one.push(performance.now() - s);
    oneCpu.push(cpuMs() - c0);
    out.marked = Array.isArray(res?.posts) ? res.posts.length : null;
  }
  out.one_call_ms = median(one);
  out.one_call_cpu_ms = median(oneCpu);
  const runs = [];
  const perBatch = [];
  let updates = 0;
  for (let r = 0; r < 5; r += 1) {
    const c = new glue.Coordinator();
    const s = performance.now();
    updates = 0;
    for (let i = 0, k = 0; i < list.length; i += 100, k += 1) {
      const b = performance.now();
      const u = c.add_posts(list.slice(i, i + 100));
      (perBatch[k] ??= []).push(performance.now() - b);
      updates += Array.isArray(u?.posts) ? u.posts.length : 0;
    }
    runs.push(performance.now() - s);
    c.free?.();
  }
  out.batches_ms = median(runs);
  out.batch_ms = perBatch.map((xs) => Number(median(xs).toFixed(2)));
  out.updates = updates;
  return out;
}

export async function runWasmNode({ wasmDir = join(REPO, 'target/wasm-out'), accounts = 100_000, batch = 100, posts = 2000 } = {}) {
  const dir = resolve(wasmDir);
  const glue = await import(pathToFileURL(join(dir, 'botlens.js')).href);
  const bytes = readFileSync(join(dir, 'botlens_bg.wasm'));
  const t0 = performance.now();
  const module = new WebAssembly.Module(bytes);
  const t1 = performance.now();
  glue.initSync({ module });
  const t2 = performance.now();
  const out = { wasm_bytes: bytes.length, compile_ms: t1 - t0, instantiate_ms: t2 - t1 };

  const cases = sampleAccounts();
  const now = Date.parse('2026-01-01T00:00:00Z');
  const batches = [];
  for (let i = 0; i < Math.ceil(accounts / batch); i += 1) {
    batches.push({ now_ms: now, accounts: Array.from({ length: batch }, (_, j) => cases[(i * batch + j) % cases.length]) });
  }
  for (let i = 0; i < 50; i += 1) glue.score_batch(batches[i % batches.length]); // warm-up
  const rates = [];
  for (let round = 0; round < 3; round += 1) {
    const s = performance.now();
    let n = 0;
    for (const b of batches) {
      const v = glue.score_batch(b);
      n += v.length;
    }
    rates.push(n / ((performance.now() - s) / 1000));
  }
  out.score_accounts_per_s = median(rates);
  out.score_batch_ms = (batch / out.score_accounts_per_s) * 1000;
  out.score_rounds = rates;

  if (typeof glue.cluster_posts === 'function' && typeof glue.Coordinator === 'function') {
    const adv = clusterFigures(glue, samplePosts(posts));
    out.cluster_posts_n = posts;
    out.cluster_adversarial = adv;
    out.cluster_realistic = clusterFigures(glue, realisticPosts(posts));
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (k, d) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : d; };
  const r = await runWasmNode({ wasmDir: arg('--wasm-dir', undefined), accounts: Number(arg('--accounts', 100000)) });
  console.log(JSON.stringify(r, null, 2));
}
