#!/usr/bin/env node
// Entry point of the end-to-end tests: runs every tests/e2e/*.test.mjs (top level only, so
// scratch copies in subfolders such as .tmp/ never run), one file after the other (two cores;
// each file starts its own server and browser), and prints the time taken.
//   node tests/e2e/run.mjs                 # all
//   node tests/e2e/run.mjs chromium        # files whose name contains "chromium"
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.test.mjs') && (filters.length === 0 || filters.some((w) => f.includes(w))))
  .sort()
  .map((f) => join(here, f));
if (files.length === 0) {
  console.error(`no e2e test file matches ${filters.join(' ')}`);
  process.exit(1);
}
const started = Date.now();
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], { stdio: 'inherit' });
console.log(`e2e: ${((Date.now() - started) / 1000).toFixed(1)} s for ${files.length} file(s)`);
process.exit(r.status ?? 1);
