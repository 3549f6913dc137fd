// What the extension should conclude about the fixture accounts, computed in Node through the
// same pipeline the browser runs: the server's TweetDetail JSON -> the extension's X adapter
// (extension/adapters/x.js) -> the built wasm core (dist/chrome/wasm) -> the extension's classify.
// Used by fixtures/pick-accounts.mjs and fixtures/check-expectations.mjs; the e2e tests
// themselves assert the fixture's committed `expect` values.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from './extension.mjs';
import { buildThread } from './x-thread.mjs';

/** The built wasm folder (botlens.js + botlens_bg.wasm), or null. */
export function wasmDir() {
  const candidates = [process.env.BOTLENS_WASM_DIR, join(REPO, 'dist/chrome/wasm'), join(REPO, 'dist/chrome-test/wasm')];
  return candidates.find((d) => d && existsSync(join(d, 'botlens_bg.wasm'))) ?? null;
}

/** Loads the core and the extension's adapter and classifier. */
export async function loadPipeline(dir = wasmDir()) {
  if (!dir) throw new Error('no built wasm (run ./build.sh, or set BOTLENS_WASM_DIR)');
  const glue = await import(pathToFileURL(join(dir, 'botlens.js')).href);
  await glue.default({ module_or_path: readFileSync(join(dir, 'botlens_bg.wasm')) });
  const { extractFromGraphQL } = await import(pathToFileURL(join(REPO, 'extension/adapters/x.js')).href);
  const { classify } = await import(pathToFileURL(join(REPO, 'extension/lib/classify.js')).href);
  const plain = (v) => JSON.parse(JSON.stringify(v, (_, x) => (x instanceof Map ? Object.fromEntries(x) : x)));
  return {
    model: plain(glue.model_info()),
    score: (accounts, nowMs) => plain(glue.score_batch({ now_ms: nowMs, accounts })),
    extractFromGraphQL,
    classify,
  };
}

/**
 * Per fixture account (by screen_name): the score and the verdict at every sensitivity level,
 * for a thread built from `fixture` at `nowMs`, exactly as the page serves it.
 */
export function viewFixture(pipeline, fixture, nowMs = Date.now()) {
  const thread = buildThread(fixture, nowMs);
  const users = new Map();
  for (const body of [thread.batch1, thread.batch2]) {
    for (const u of pipeline.extractFromGraphQL(body).users) users.set(u.screen_name, u);
  }
  const accounts = [...users.values()];
  const verdicts = pipeline.score(accounts, nowMs);
  const out = new Map();
  accounts.forEach((a, i) => {
    const v = verdicts[i];
    const at = Object.fromEntries(pipeline.model.levels.map((l) => [l.id, pipeline.classify(v, { model: pipeline.model, sensitivity: l.id })]));
    out.set(a.screen_name, { score: v.score, reasons: v.reasons ?? [], at });
  });
  return out;
}

/** Disagreements between the fixture's expectations and the model in `dir` (empty = none). */
export async function fixtureProblems(fixture, dir) {
  const pipeline = await loadPipeline(dir);
  const view = viewFixture(pipeline, fixture);
  const problems = [];
  for (const a of [fixture.root, ...fixture.replies]) {
    const v = view.get(a.screen_name);
    const want = a.expect_at ?? { [pipeline.model.default_level]: a.expect };
    for (const [level, e] of Object.entries(want)) {
      if (v?.at[level] !== e) problems.push(`@${a.screen_name}: ${level} expects ${e}, model ${pipeline.model.version} gives ${v?.at[level]} (score ${v?.score?.toFixed(3)})`);
    }
  }
  if (problems.length) problems.push('the model changed: rerun node tests/e2e/fixtures/pick-accounts.mjs (see its header)');
  return problems;
}
