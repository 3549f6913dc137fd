// Launches Debian's headless Chromium with the built extension (dist/chrome-test) and every host
// mapped to the local social server, collecting page errors, console errors and requests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extensionDir } from '../lib/extension.mjs';
import { launchContext } from '../lib/chromium-launch.mjs';

export async function launch(port) {
  const dir = extensionDir('chrome');
  const profile = mkdtempSync(join(tmpdir(), 'botlens-e2e-social-'));
  const context = await launchContext(profile, { extDir: dir, port, viewport: { width: 1000, height: 900 } });
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
