#!/usr/bin/env node
// Entry point of the end-to-end tests: runs each browser's test file once, one after the other
// (two cores; each file starts its own server and browser), and prints the time taken.
//   node tests/e2e/run.mjs [chromium] [firefox]     # default: both
// Lists the files explicitly, so scratch copies elsewhere under tests/e2e (e.g. .tmp/) never run.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const all = ['chromium', 'firefox'];
const wanted = process.argv.slice(2).filter((a) => all.includes(a));
const files = (wanted.length ? wanted : all).map((b) => join(here, `${b}.test.mjs`));
const started = Date.now();
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
console.log(`e2e: ${((Date.now() - started) / 1000).toFixed(1)} s for ${files.length} browser(s)`);
process.exit(r.status ?? 1);
