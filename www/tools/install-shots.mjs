#!/usr/bin/env node
// Takes the install page's screenshots (www/img/install-*.png) with the built extension loaded in
// Debian's Chromium and Firefox, headless. Run after ./build.sh:  node www/tools/install-shots.mjs
// Not part of the tests: the pictures are committed, and rerun by hand when the UI changes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { REPO } from '../../tests/e2e/lib/extension.mjs';
import { Session, startGeckodriver } from '../../tests/e2e/lib/webdriver.mjs';

const out = (name) => join(REPO, 'www/img', name);

async function chromeShot() {
  const profile = mkdtempSync(join(tmpdir(), 'botlens-shot-'));
  const dir = join(REPO, 'dist/chrome');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1000, height: 560 },
    args: [`--disable-extensions-except=${dir}`, `--load-extension=${dir}`, '--no-sandbox', '--disable-gpu',
      '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await context.newPage();
    await page.goto('chrome://extensions');
    // Developer mode on, as the instructions say (the toggle lives in the page's shadow DOM).
    await page.locator('extensions-manager extensions-toolbar #devMode').click();
    await page.locator('extensions-item').first().waitFor();
    await page.screenshot({ path: out('install-chrome.png') });
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function firefoxShot() {
  // WebDriver may not navigate to about:debugging; a tab opened from the browser's own (chrome)
  // context may (PLATFORM.md), which needs geckodriver's --allow-system-access.
  const driver = await startGeckodriver({ args: ['--allow-system-access'] });
  let wd;
  try {
    wd = await Session.create(driver.url, {
      browserName: 'firefox',
      'moz:firefoxOptions': { binary: '/usr/bin/firefox-esr', args: ['-headless', '-width=1000', '-height=560'],
        prefs: { 'devtools.aboutdebugging.showHiddenAddons': false } },
    });
    await wd.installAddon(join(REPO, 'dist/firefox'), true);
    await wd.setWindowRect({ width: 1000, height: 560 });
    await wd.setContext('chrome');
    await wd.execute(`const tab = gBrowser.addTab('about:debugging#/runtime/this-firefox',
      { triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal() });
      gBrowser.selectedTab = tab;`);
    await wd.setContext('content');
    const handles = await wd.windowHandles();
    await wd.switchTo(handles[handles.length - 1]);
    await wd.executeAsync('const done = arguments[0]; const t = setInterval(() => { if (document.querySelector(".qa-debug-target-item")) { clearInterval(t); done(true); } }, 50);');
    writeFileSync(out('install-firefox.png'), Buffer.from(await wd.screenshot(), 'base64'));
  } finally {
    await wd?.delete().catch(() => {});
    await driver.stop();
  }
}

await chromeShot();
await firefoxShot();
console.log('wrote www/img/install-chrome.png and www/img/install-firefox.png');
