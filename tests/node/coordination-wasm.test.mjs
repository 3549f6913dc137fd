// The content side's `apply` (extension/lib/coordination.js) fed by the real wasm `Coordinator`
// (target/wasm-out, built by ./build.sh): after every batch, the state the content script holds
// must equal the detector's own snapshot, whatever grew, merged or cleared in between.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCoordination, mainGroup } from '../../extension/lib/coordination.js';
import { REPO } from '../e2e/lib/extension.mjs';
import { samplePosts, realisticPosts } from '../bench/wasm-node.mjs';

const WASM = join(REPO, 'target/wasm-out');
const have = existsSync(join(WASM, 'botlens_bg.wasm'));

async function core() {
  const glue = await import(pathToFileURL(join(WASM, 'botlens.js')).href);
  glue.initSync({ module: new WebAssembly.Module(readFileSync(join(WASM, 'botlens_bg.wasm'))) });
  return glue;
}

/** A post's state as plain data: its main group, size and every reason. */
const view = (c) => c && {
  cluster_id: c.cluster_id, cluster_size: c.cluster_size, members: [...c.members],
  reasons: c.reasons.map((r) => ({ code: r.code, value: r.value, group: r.group, members: [...r.members], detail: r.detail })),
};

/** The detector's snapshot `{groups, posts}` as post id -> state, by the same main-group rule. */
function expected(snapshot) {
  const groups = new Map(snapshot.groups.map((g) => [g.group, g]));
  const out = new Map();
  for (const p of snapshot.posts) {
    const reasons = p.groups.map((id) => groups.get(id));
    const main = mainGroup(reasons);
    out.set(p.post_id, view({ cluster_id: main.group, cluster_size: main.value, members: main.members, reasons }));
  }
  return out;
}

for (const [name, make, step] of [['adversarial', samplePosts, 37], ['realistic', realisticPosts, 53]]) {
  test(`real detector answers, ${name} sample in batches of ${step}: the content state equals the snapshot after every batch`, { skip: have ? false : 'target/wasm-out not built (./build.sh build)' }, async () => {
    const glue = await core();
    const posts = make(800).map((p, i) => (i % 50 === 7 ? { ...p, account_key: 'x:repeat' } : p)); // some accounts post more than once
    const coord = new glue.Coordinator();
    const api = { runtime: { async sendMessage(msg) { return { changes: coord.add_posts(msg.posts), session: 's1' }; } } };
    const c = createCoordination({ api, alive: () => true, onChange: () => {} });
    c.setScope('status:1');
    c.addPosts(posts);
    for (let i = 0; i < posts.length; i += step) {
      for (const p of posts.slice(i, i + step)) c.seen(p.post_id, `h${p.post_id}`, p.account_key, () => p.text, null);
      await c.flush();
      const want = expected(coord.snapshot());
      for (const p of posts.slice(0, i + step)) assert.deepEqual(view(c.get(p.post_id)), want.get(p.post_id) ?? null, `post ${p.post_id} after batch ${i / step}`);
    }
    assert.ok(expected(coord.snapshot()).size > 20, 'the sample has coordinated posts');
    coord.free();
  });
}
