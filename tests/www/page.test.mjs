// Browser tests of the standalone page (dist/www) in headless Chromium (Debian's /usr/bin/chromium
// driven by playwright-core), served by www/tools/serve.mjs on a random localhost port.
// Run: node --test tests/www/   (after ./build.sh; builds dist/www itself when it is missing)
// BOTLENS_SCREENSHOT=1 also writes docs/screenshot-www.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../www/tools/serve.mjs';
import { build } from '../../www/tools/build.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ROOT = join(REPO, 'dist/www');
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const PAGES = ['index.html', 'model.html', 'privacy.html', 'install.html', 'limits.html'];
const sample = (name) => readFileSync(join(REPO, 'www/samples', name), 'utf8');

let server;
let browser;
const requests = []; // every request any page of these tests made
const problems = []; // page errors and console errors

async function newPage(ctxOpts = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, ...ctxOpts });
  const page = await context.newPage();
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  return page;
}

async function openChecker(page) {
  await page.goto(`${server.url}index.html`);
  await page.waitForSelector('html[data-ready="true"]');
}

async function resultLevels(page) {
  await page.waitForSelector('#results:not([hidden]) #result-list > li');
  return page.$$eval('#result-list > li', (lis) => lis.map((li) => ({
    level: li.dataset.level, score: li.dataset.score, handle: li.querySelector('.handle')?.textContent.trim(),
    reasons: [...li.querySelectorAll('[data-reason]')].map((r) => r.textContent),
  })));
}

describe('www page (headless Chromium)', () => {
  before(async () => {
    if (!existsSync(join(ROOT, 'index.html'))) await build({ wasmDir: join(REPO, 'target/wasm-out'), out: ROOT, curves: null });
    server = await startServer({ root: ROOT, port: 0 });
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ARGS });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('serves the wasm as application/wasm', async () => {
    const res = await fetch(`${server.url}wasm/botlens_bg.wasm`);
    assert.equal(res.headers.get('content-type'), 'application/wasm');
    assert.equal((await fetch(`${server.url}../../package.json`)).status, 404);
  });

  it('judges a known bot-like account as flagged and a known human as clear', async () => {
    const page = await newPage();
    await openChecker(page);
    await page.getByRole('button', { name: 'Bot-like account' }).click();
    let got = await resultLevels(page);
    assert.equal(got.length, 1);
    assert.equal(got[0].level, 'flagged', JSON.stringify(got));
    assert.ok(got[0].reasons.length > 0, 'a flagged account shows its reasons');
    assert.ok(!got[0].reasons.some((r) => /^[a-z_]+: /.test(r)), `reasons are worded from the locale: ${got[0].reasons}`);
    await page.getByRole('button', { name: /Human account/ }).click();
    await page.waitForFunction(() => document.querySelector('#result-list > li')?.dataset.key === 'x:27013292');
    got = await resultLevels(page);
    assert.equal(got[0].level, 'clear', JSON.stringify(got));
    // The same human pasted by hand, then the sensitivity switched to the most eager level: still clear.
    await page.fill('#input', sample('human.jsonl'));
    await page.click('#check');
    const levels = await page.$$eval('#level option', (os) => os.map((o) => o.value));
    await page.selectOption('#level', levels.at(-1));
    got = await resultLevels(page);
    assert.equal(got[0].level, 'clear');
    await page.context().close();
  });

  it('reads an X TweetDetail response and a Mastodon context with the shared adapters', async () => {
    const page = await newPage();
    await openChecker(page);
    await page.getByRole('button', { name: /X reply thread/ }).click();
    const x = await resultLevels(page);
    assert.ok(x.length >= 3, `several X accounts: ${x.length}`);
    assert.match(await page.textContent('#summary'), /X GraphQL response/);
    const mastodon = join(REPO, 'tests/fixtures/mastodon/context.json');
    if (existsSync(mastodon) && existsSync(join(ROOT, 'adapters/mastodon.js'))) {
      await page.fill('#input', readFileSync(mastodon, 'utf8'));
      await page.click('#check');
      await page.waitForFunction(() => /Mastodon/.test(document.querySelector('#summary')?.textContent ?? ''));
      const m = await resultLevels(page);
      assert.ok(m.every((r) => r.handle), 'Mastodon accounts have handles');
    }
    await page.context().close();
  });

  it('says what is wrong and where for malformed input, and keeps the page usable', async () => {
    const page = await newPage();
    await openChecker(page);
    await page.fill('#input', '{\n  "screen_name": "a",\n  "followers_count": 12\n  "friends_count": 3\n}');
    await page.click('#check');
    const error = page.locator('#error');
    await error.waitFor({ state: 'visible' });
    assert.match(await error.textContent(), /JSON syntax error at line 4, column 3: expected ',' or '}'/);
    assert.equal(await page.isHidden('#results'), true);

    await page.fill('#input', `${sample('bot.jsonl').trim()}\n{"screen_name": "b", "followers_count": }\n`);
    await page.click('#check');
    await page.waitForFunction(() => /JSONL line 2/.test(document.querySelector('#error')?.textContent ?? ''));
    assert.match(await error.textContent(), /JSONL line 2: JSON syntax error at column 41/);

    await page.fill('#input', '{"screen_name": "c", "followers_count": "many", "created_at": "2020-01-01T00:00:00Z"}');
    await page.click('#check');
    await page.waitForSelector('#warnings:not([hidden])');
    assert.match(await page.textContent('#warnings'), /field "followers_count": expected a whole number/);
    assert.equal((await resultLevels(page)).length, 1);
    assert.equal(await page.isHidden('#error'), true);

    await page.fill('#input', '{"hello": "world"}');
    await page.click('#check');
    await page.waitForSelector('#error:not([hidden])');
    assert.match(await error.textContent(), /holds no account this page can read/);
    await page.context().close();
  });

  it('finds a copy-paste cluster among posts when the core exports cluster_posts', async () => {
    const page = await newPage();
    await openChecker(page);
    const hasClustering = await page.evaluate(async () => typeof (await import('./wasm/botlens.js')).cluster_posts === 'function');
    await page.getByRole('button', { name: /copy-paste campaign/ }).click();
    await page.waitForFunction(() => /posts compared|Not available yet/.test(document.querySelector('#coord-status')?.textContent ?? ''));
    const status = await page.textContent('#coord-status');
    if (!hasClustering) {
      assert.match(status, /Not available yet/);
    } else {
      assert.match(status, /6 posts compared: 1 coordinated cluster/);
      assert.match(await page.textContent('#coord-list [data-cluster]'), /^4 accounts — near-identical text.*: posts 101, 102, 103, 104$/);
      assert.equal(await page.isHidden('#coord-tag'), true);
    }
    await page.context().close();
  });

  it('renders text from the input as text, never as HTML', async () => {
    const page = await newPage();
    await openChecker(page);
    const evil = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    await page.fill('#input', JSON.stringify({ screen_name: 'evil', name: evil, followers_count: 1, created_at: '2020-01-01T00:00:00Z' }));
    await page.click('#check');
    await resultLevels(page);
    assert.equal(await page.textContent('#result-list .name'), evil);
    assert.equal(await page.$$eval('#result-list img, #result-list b', (n) => n.length), 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    await page.context().close();
  });

  it('works with the keyboard only', async () => {
    const page = await newPage();
    await openChecker(page);
    const active = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
    let tabs = 0;
    while ((await active()) !== 'input' && tabs < 20) { await page.keyboard.press('Tab'); tabs += 1; }
    assert.equal(await active(), 'input', 'Tab reaches the textarea');
    await page.keyboard.insertText(sample('bot.jsonl'));
    await page.keyboard.press('Tab');
    assert.equal(await active(), 'check', 'the next Tab stop is the check button');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none', 'focus is visible');
    await page.keyboard.press('Enter');
    const got = await resultLevels(page);
    assert.equal(got[0].level, 'flagged');
    // A sample button by keyboard.
    while ((await page.evaluate(() => document.activeElement?.dataset?.sample)) !== 'human.jsonl' && tabs < 60) { await page.keyboard.press('Tab'); tabs += 1; }
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#result-list > li')?.dataset.level === 'clear');
    await page.context().close();
  });

  it('has no serious or critical accessibility violations (axe-core)', async () => {
    const page = await newPage();
    for (const name of PAGES) {
      if (name === 'index.html') {
        await openChecker(page);
        await page.getByRole('button', { name: 'Ten mixed accounts' }).click();
        await resultLevels(page);
        await page.fill('#input', '{"a": }');
        await page.click('#check');
        await page.waitForSelector('#error:not([hidden])');
        await page.getByRole('button', { name: 'Ten mixed accounts' }).click();
        await page.waitForSelector('#error[hidden]', { state: 'attached' });
      } else {
        await page.goto(`${server.url}${name}`);
      }
      // Evaluated through the DevTools protocol, which the page's CSP does not govern.
      await page.evaluate(AXE);
      const result = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
      const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad.map((v) => `${name}: ${v.id} (${v.impact}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`), []);
    }
    await page.context().close();
  });

  it('shows the model card: levels always, and says plainly when the curves are absent', async () => {
    const page = await newPage();
    await page.goto(`${server.url}model.html`);
    assert.ok(await page.locator('svg[aria-labelledby="levels-t levels-d"]').count() === 1);
    const curves = await page.locator('[data-curves]').getAttribute('data-curves');
    if (curves === 'absent') assert.match(await page.textContent('[data-curves="absent"]'), /No plots: .* was absent/);
    else assert.ok(await page.locator('svg.plot').count() > 1);
    await page.context().close();
  });

  it('screenshot for the README (BOTLENS_SCREENSHOT=1)', { skip: process.env.BOTLENS_SCREENSHOT !== '1' }, async () => {
    const page = await newPage();
    await openChecker(page);
    await page.getByRole('button', { name: 'Ten mixed accounts' }).click();
    await resultLevels(page);
    await page.evaluate(() => document.querySelector('.samples').scrollIntoView());
    writeFileSync(join(REPO, 'docs/screenshot-www.png'), await page.screenshot({ fullPage: false }));
    await page.context().close();
  });

  it('made no request beyond the page\'s own origin, and no page errors', () => {
    assert.ok(requests.length > 0);
    const foreign = requests.filter((u) => !u.startsWith(server.url) && !u.startsWith('data:'));
    assert.deepEqual(foreign, []);
    assert.deepEqual(problems, []);
  });
});
