// Launches Debian's headless Chromium with the built extension (dist/chrome-test) and every host
// mapped to the local social server, collecting page errors, console errors and requests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { extensionDir } from '../lib/extension.mjs';

export async function launch(port) {
  const dir = extensionDir('chrome');
  const profile = mkdtempSync(join(tmpdir(), 'botlens-e2e-social-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.BOTLENS_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    ignoreHTTPSErrors: true,
    viewport: { width: 1000, height: 900 },
    args: [
      `--disable-extensions-except=${dir}`, `--load-extension=${dir}`,
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-default-apps', '--no-default-browser-check',
      `--host-resolver-rules=MAP * 127.0.0.1:${port}`,
    ],
  });
  const out = { context, profile, pageErrors: [], consoleErrors: [], requests: [] };
  context.on('request', (r) => out.requests.push(r.url()));
  context.on('weberror', (e) => out.pageErrors.push(`weberror: ${e.error()?.stack ?? e.error()}`));
  const worker = context.serviceWorkers()[0] ?? await context.waitForEvent('serviceworker', { timeout: 10000 });
  worker.on('console', (m) => { if (m.type() === 'error') out.consoleErrors.push(`worker: ${m.text()}`); });
  out.worker = worker;
  out.extId = new URL(worker.url()).host;
  out.watch = (name, page) => {
    page.on('pageerror', (e) => out.pageErrors.push(`${name} pageerror: ${e.stack ?? e}`));
    page.on('console', (m) => { if (m.type() === 'error') out.consoleErrors.push(`${name}: ${m.text()} @ ${m.location()?.url ?? ''}`); });
  };
  out.close = async () => {
    await context.close();
    if (!process.env.BOTLENS_E2E_KEEP) rmSync(profile, { recursive: true, force: true });
  };
  return out;
}

/** Runs a self-contained probe with JSON arguments in the page's main world. */
export function run(page, fn, ...args) {
  return page.evaluate(`(${fn})(...${JSON.stringify(args)})`);
}
