// One way to start Debian's headless Chromium for the e2e tests and the benchmarks: a persistent
// profile with the unpacked extension loaded (or extensions off), every host mapped to the local
// test server, and the switches that keep the browser from calling anywhere else.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.BOTLENS_CHROMIUM ?? '/usr/bin/chromium';

const QUIET = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-default-apps', '--no-default-browser-check'];

/**
 * A persistent Chromium context on `profile` with the unpacked extension `extDir` (null: extensions
 * off), x.com, twitter.com and every other host resolved to 127.0.0.1:`port`.
 */
export function launchContext(profile, { extDir, port, viewport = { width: 1100, height: 900 } }) {
  const map = `MAP x.com 127.0.0.1:${port}, MAP twitter.com 127.0.0.1:${port}, MAP * 127.0.0.1:${port}`;
  const ext = extDir ? [`--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`] : ['--disable-extensions'];
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    ignoreHTTPSErrors: true,
    viewport,
    args: [...ext, ...QUIET, `--host-resolver-rules=${map}`],
  });
}
