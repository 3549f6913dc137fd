// End-to-end test of the built extension (dist/chrome-test) in Debian's headless Chromium,
// driven by playwright-core, on a local HTTPS server answering as x.com (server.mjs).
//   node --test tests/e2e/chromium.test.mjs
// Env: BOTLENS_CHROME_EXT (extension folder), BOTLENS_CHROMIUM (browser binary),
// BOTLENS_SCREENSHOT=1 (write docs/screenshot-x.png), BOTLENS_E2E_KEEP=1 (keep the profile).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server.mjs';
import { fixtureProblems } from './lib/model-view.mjs';
import { snapshot, cardState, postLook } from './lib/probes.mjs';
import { levelsOf, pageProblems, pick, serverProblems, settled, until, verdictProblems } from './lib/checks.mjs';
import { chromeIdFromKey, extensionDir, optionsPath, readManifest, REPO } from './lib/extension.mjs';
import { coordCard, coordProblems, coordSnapshot, focusedPost } from './lib/coordination.mjs';
import { launchContext } from './lib/chromium-launch.mjs';

const T = { settle: 15000, ui: 5000 };

describe('chromium: botlens on x.com', { timeout: 90000 }, () => {
  let srv; let context; let page; let extId; let manifest; let profile; let extDir;
  const pageErrors = [];
  const consoleErrors = [];
  const contextRequests = [];
  const allowed = new Set();
  let postCount = 0;

  const snap = () => page.evaluate(snapshot);
  const waitSettled = (min = postCount, what = 'every article judged') =>
    until(snap, (s) => s.autoRerendered && settled(s, min), { timeout: T.settle, what });
  const watchConsole = (source, target) => target.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'assert') consoleErrors.push(`${source}: ${m.text()} @ ${m.location()?.url ?? ''}`);
  });

  before(async () => {
    const dir = extDir = extensionDir('chrome');
    manifest = readManifest(dir);
    srv = await startServer();
    profile = mkdtempSync(join(tmpdir(), 'botlens-e2e-chromium-'));
    context = await launchContext(profile, { extDir: dir, port: srv.port });
    context.on('request', (r) => contextRequests.push(r.url()));
    context.on('weberror', (e) => pageErrors.push(`weberror: ${e.error()?.stack ?? e.error()}`));
    const worker = context.serviceWorkers()[0] ?? await context.waitForEvent('serviceworker', { timeout: 10000 });
    watchConsole('service worker', worker);
    extId = new URL(worker.url()).host;
    page = context.pages()[0] ?? await context.newPage();
    page.setDefaultTimeout(T.ui);
    page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.stack ?? e}`));
    watchConsole('x.com page', page);
    postCount = srv.thread.posts.length;
  });

  after(async () => {
    await context?.close();
    await srv?.close();
    if (profile && !process.env.BOTLENS_E2E_KEEP) rmSync(profile, { recursive: true, force: true });
  });

  it('has a fixture that matches the built model (same pipeline in Node)', async () => {
    // Tells "the model changed" (rerun tests/e2e/fixtures/pick-accounts.mjs) from "the extension broke".
    assert.deepEqual(await fixtureProblems(srv.fixture, join(extDir, 'wasm')), []);
  });

  it('loads with a stable extension id', () => {
    if (manifest.key) assert.equal(extId, chromeIdFromKey(manifest.key), 'service worker id differs from the manifest key id');
    assert.match(extId, /^[a-p]{32}$/);
  });

  it('judges every post of the thread as expected, including a later batch', async (t) => {
    await page.goto(srv.url());
    const first = await waitSettled(srv.thread.firstBatchCount, 'first batch judged');
    const timing = await page.evaluate(() => [window.__e2e.firstRenderAt, window.__e2e.firstVerdictAt, performance.now()]);
    t.diagnostic(`first render ${Math.round(timing[0])} ms, first verdict ${Math.round(timing[1])} ms after navigation start (${first.articles.length} posts)`);
    await page.click('[data-testid="e2e-show-more"]');
    const s = await until(snap, (x) => x.batches === 2 && settled(x, postCount), { timeout: T.settle, what: 'second batch judged' });
    assert.deepEqual(verdictProblems(s, srv.thread, { ids: srv.thread.posts.map((p) => p.id) }), []);
    assert.equal(s.articles.length, postCount);
    // The per-tab counts behind the popup and the toolbar badge reach the background.
    const flagged = s.articles.filter((a) => a.verdict === 'flagged').length;
    const worker = context.serviceWorkers()[0];
    const stats = await until(() => worker.evaluate(() => chrome.storage.session.get(null)),
      (all) => Object.values(all).some((v) => v?.checked === postCount && v?.flagged === flagged),
      { timeout: T.settle, what: `stats ${postCount} checked / ${flagged} flagged` });
    assert.ok(Object.keys(stats).some((k) => k.startsWith('stats:')));
  });

  it('marks the planted coordinated cluster, not the short replies, and moves between its posts', async () => {
    const c = srv.thread.coordination;
    const verdicts = new Map(srv.thread.posts.map((p) => [p.id, p.account.expect]));
    const want = { ...c, verdicts };
    const s = await until(() => page.evaluate(coordSnapshot), (x) => coordProblems(x, want).length === 0,
      { timeout: T.settle, what: 'coordination marks' }).catch((e) => { e.message += `\n${coordProblems(e.last ?? [], want).join('\n')}`; throw e; });
    // A member with a low bot score keeps its verdict and still shows the coordination mark.
    const low = s.find((a) => c.members.includes(a.id) && verdicts.get(a.id) === 'clear');
    assert.ok(low && low.verdict === 'clear' && low.markShown, 'a low-score member with verdict clear and the mark');
    const bot = s.find((a) => c.members.includes(a.id) && a.verdict === 'flagged');
    assert.ok(bot, 'a flagged member');
    assert.notEqual(bot.markColor, bot.botMarkColor, 'coordination mark has its own colour');

    // The card: the near_duplicate_text line with the wording and the other accounts.
    const [start, second, third] = c.members;
    const handleOf = new Map(srv.thread.posts.map((p) => [p.id, p.account.screen_name]));
    const badge = page.locator(`article[data-testid="tweet"]:has(a[href$="/status/${start}"]) botlens-badge`);
    await badge.locator('.mark').hover();
    const card = await until(() => run(page, coordCard, start), (x) => x.lines.some((l) => l.code === 'near_duplicate_text'),
      { timeout: T.ui, what: 'card with the near_duplicate_text line' });
    const line = card.lines.find((l) => l.code === 'near_duplicate_text');
    assert.equal(line.text, `Same text as ${c.size - 1} other accounts in this thread`);
    for (const id of c.members.filter((id) => id !== start)) assert.ok(line.others.includes(`@${handleOf.get(id)}`), `lists @${handleOf.get(id)}: ${line.others}`);
    assert.ok(!line.others.includes(`@${handleOf.get(start)}`), 'lists the post\'s own account');

    // Click: highlights the cluster and moves focus to the next member, scrolled into view.
    await badge.locator('[data-reason="near_duplicate_text"]').click();
    const f1 = await until(() => run(page, focusedPost), (x) => x.id === second && x.openCards === 0, { timeout: T.ui, what: `focus on the next member ${second}, card closed` });
    assert.ok(f1.inView && f1.highlight === 'current' && f1.outline !== 'none', JSON.stringify(f1));
    const lit = (await page.evaluate(coordSnapshot)).filter((a) => a.highlight);
    assert.deepEqual(lit.map((a) => a.id).sort(), [...c.members].sort(), 'the cluster\'s posts are highlighted');

    // Keyboard: Tab from that post into its badge and to the line, Enter: on to the next member.
    await page.mouse.move(1, 1);
    let state;
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      state = await run(page, coordCard, second);
      if (state.lineFocused) break;
    }
    assert.ok(state.lineFocused, 'Tab never reached the coordination line');
    await page.keyboard.press('Enter');
    const f2 = await until(() => run(page, focusedPost), (x) => x.id === third && x.openCards === 0, { timeout: T.ui, what: `focus on the member after ${second}, cards closed` });
    assert.ok(f2.inView, 'next member scrolled into view');
  });

  it('keeps exactly one badge per post when the page re-renders', async () => {
    for (const testid of ['e2e-rerender', 'e2e-rerender-inner', 'e2e-rerender']) {
      await page.click(`[data-testid="${testid}"]`);
      const s = await waitSettled(postCount, `judged again after ${testid}`);
      // Give a second frame-timed batch the chance to add a duplicate before checking.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      assert.deepEqual(verdictProblems(await snap(), srv.thread), [], `after ${testid}`);
      assert.equal(s.articles.length, postCount);
    }
  });

  it('opens the hover card on hover and on keyboard focus', async () => {
    // A bot whose display name renders with the fonts a CI machine has (for the screenshot).
    const bot = pick(srv.thread, 'flagged').find((p) => /^[\x20-\x7e]+$/.test(p.account.name)) ?? pick(srv.thread, 'flagged')[0];
    const name = bot.account.name;
    const badge = page.locator(`article[data-testid="tweet"]:has(a[href$="/status/${bot.id}"]) botlens-badge`);
    assert.equal((await run(page, cardState, bot.id, name)).showsName, false, 'card visible before hover');
    await badge.hover();
    const open = await until(() => run(page, cardState, bot.id, name), (c) => c.showsName && c.reasons.length > 0,
      { timeout: T.ui, what: 'hover card with name and reasons' });
    assert.ok(open.reasons.every((r) => /^[a-z][a-z0-9_]*$/.test(r)), `reason codes: ${open.reasons}`);
    if (process.env.BOTLENS_SCREENSHOT === '1') {
      // The test-only buttons of the fake page are not part of the picture.
      await page.evaluate(() => { for (const b of document.querySelectorAll('[data-testid="e2e-controls"] button')) b.style.visibility = 'hidden'; });
      await page.screenshot({ path: join(REPO, 'docs/screenshot-x.png') });
      await page.evaluate(() => { for (const b of document.querySelectorAll('[data-testid="e2e-controls"] button')) b.style.visibility = ''; });
    }
    // Away with the mouse: the card closes.
    await page.mouse.move(1, 1); // blank margin left of the thread column
    await until(() => run(page, cardState, bot.id, name), (c) => !c.showsName, { timeout: T.ui, what: 'card closed after mouse left' });

    // Keyboard: focus the post, then Tab until focus is in its badge; the card opens.
    await page.locator(`article[data-testid="tweet"]:has(a[href$="/status/${bot.id}"])`).focus();
    let state;
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      state = await run(page, cardState, bot.id, name);
      if (state.focused) break;
    }
    assert.ok(state.focused, 'Tab never reached the badge');
    await until(() => run(page, cardState, bot.id, name), (c) => c.showsName && c.reasons.length > 0,
      { timeout: T.ui, what: 'card open on keyboard focus' });
    await page.keyboard.press('Escape');
  });

  it('applies an options change to the open tab without reload', async () => {
    const options = await context.newPage();
    options.on('pageerror', (e) => pageErrors.push(`options pageerror: ${e.stack ?? e}`));
    watchConsole('options page', options);
    await options.goto(`chrome-extension://${extId}/${optionsPath(manifest)}`);
    // The levels carry the model's measured rates, which only the background's answer gives.
    const rates = await until(() => options.$$eval('#levels label.level small', (els) => els.map((e) => e.textContent)),
      (r) => r.length === 3 && r.every((x) => /\d/.test(x)), { timeout: T.ui, what: 'the model\'s rates beside each level' });
    assert.equal(rates.length, 3);
    const flagged = pick(srv.thread, 'flagged');
    const clear = pick(srv.thread, 'clear');
    const navigations = [];
    page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations.push(f.url()); });

    await chooseOption(options, 'dim');
    await until(() => run(page, postLook, flagged[0].id), (l) => l.dimmed, { timeout: T.ui, what: 'flagged post dimmed' });
    for (const p of flagged) assert.ok((await run(page, postLook, p.id)).dimmed, `@${p.account.screen_name} not dimmed`);
    for (const p of clear) assert.ok(!(await run(page, postLook, p.id)).dimmed, `clear @${p.account.screen_name} dimmed`);

    await chooseOption(options, 'collapse');
    await until(() => run(page, postLook, flagged[0].id), (l) => !l.textVisible, { timeout: T.ui, what: 'flagged post collapsed' });
    assert.ok((await run(page, postLook, clear[0].id)).textVisible, 'clear post collapsed');

    await chooseOption(options, 'mark');
    await until(() => run(page, postLook, flagged[0].id), (l) => !l.dimmed && l.textVisible, { timeout: T.ui, what: 'flagged post back to mark only' });

    // Sensitivity: at the most sensitive level the borderline accounts are flagged too.
    const { most, dflt } = levelsOf(srv);
    await chooseOption(options, most);
    const s = await until(snap, (x) => verdictProblems(x, srv.thread, { level: most }).length === 0,
      { timeout: T.ui, what: `verdicts at level ${most}` }).catch((e) => { e.message += `\n${verdictProblems(e.last, srv.thread, { level: most }).join('\n')}`; throw e; });
    assert.ok(consistentThreshold(s), 'flagged and clear posts are not separated by one threshold');
    await chooseOption(options, dflt);
    await until(snap, (x) => verdictProblems(x, srv.thread).length === 0, { timeout: T.ui, what: 'verdicts back at default level' });
    assert.deepEqual(navigations, [], 'the x.com tab navigated');
    await options.close();
  });

  it('"Not a bot" clears the account and survives a reload', async () => {
    const bot = pick(srv.thread, 'flagged')[1];
    const handle = bot.account.screen_name;
    const badge = page.locator(`article[data-testid="tweet"]:has(a[href$="/status/${bot.id}"]) botlens-badge`);
    await badge.hover();
    await badge.locator('button[data-action="allow"]').click();
    allowed.add(handle);
    await until(snap, (x) => x.articles.find((a) => a.id === bot.id)?.verdict === 'clear', { timeout: T.ui, what: `@${handle} clear` });
    await page.mouse.move(2, 2);
    const mid = await snap();
    assert.deepEqual(pageProblems(mid), []);
    await page.reload();
    await until(snap, (x) => x.autoRerendered && settled(x, srv.thread.firstBatchCount), { timeout: T.settle, what: 'judged after reload' });
    await page.click('[data-testid="e2e-show-more"]');
    const s = await until(snap, (x) => x.batches === 2 && settled(x, postCount), { timeout: T.settle, what: 'second batch after reload' });
    assert.deepEqual(verdictProblems(s, srv.thread, { allowed }), []);
  });

  it('"Return to automatic" undoes "Not a bot"', async () => {
    const bot = pick(srv.thread, 'flagged')[1];
    const badge = page.locator(`article[data-testid="tweet"]:has(a[href$="/status/${bot.id}"]) botlens-badge`);
    await badge.hover();
    await badge.locator('button[data-action="reset"]').click();
    allowed.delete(bot.account.screen_name);
    await until(snap, (x) => verdictProblems(x, srv.thread).length === 0, { timeout: T.ui, what: `@${bot.account.screen_name} flagged again` });
    await page.mouse.move(1, 1);
  });

  it('works the same on twitter.com', async () => {
    await page.goto(srv.url(srv.threadPath, 'twitter.com'));
    const s = await waitSettled(srv.thread.firstBatchCount, 'judged on twitter.com');
    assert.deepEqual(verdictProblems(s, srv.thread, { allowed }), []);
    assert.deepEqual(pageProblems(s), []);
  });

  it('starts coordination over on a new page (first batch only: 3 members)', async () => {
    const c = srv.thread.coordination;
    await until(() => page.evaluate(coordSnapshot), (x) => coordProblems(x, { members: c.firstBatchMembers, size: c.firstBatchMembers.length, shortIds: c.shortIds }).length === 0,
      { timeout: T.settle, what: 'coordination of the first batch' })
      .catch((e) => { e.message += `\n${coordProblems(e.last ?? [], { members: c.firstBatchMembers, size: c.firstBatchMembers.length }).join('\n')}`; throw e; });
  });

  it('cannot be detected by a page fetching its files (nothing web-accessible)', async () => {
    // In a tab of its own: Chromium logs each refused load as a console error of that page.
    const probe = await context.newPage();
    try {
      await probe.goto(srv.url());
      const loaded = await probe.evaluate((base) => Promise.all(['lib/annotator.js', 'content/x-bundle.js', 'manifest.json']
        .map((p) => fetch(base + p).then((r) => `${p}: HTTP ${r.status}`, () => null))), `chrome-extension://${extId}/`);
      assert.deepEqual(loaded.filter(Boolean), []);
    } finally {
      await probe.close();
    }
  });

  it('raised no error, no CSP violation, and talked to no other host', async () => {
    const s = await snap();
    assert.deepEqual(pageProblems(s), []);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(serverProblems(srv), []);
    const foreign = contextRequests.filter((u) => !/^(https:\/\/(x|twitter)\.com\/|chrome-extension:\/\/|data:|blob:)/.test(u));
    assert.deepEqual(foreign, []);
    assert.ok(srv.requests.some((r) => r.path.includes('/TweetDetail')), 'server log has the TweetDetail requests');
  });
});

/** Runs a probe with any number of JSON arguments in the page's main world. */
function run(page, fn, ...args) {
  return page.evaluate(`(${fn})(...${JSON.stringify(args)})`);
}

/** Picks `value` in whichever real control of the options page offers it (select or radio). */
async function chooseOption(options, value) {
  const select = options.locator(`select:has(option[value="${value}"])`);
  if (await select.count()) {
    await select.first().selectOption(value);
    return;
  }
  const radio = options.locator(`input[type="radio"][value="${value}"]`);
  if (await radio.count()) {
    // The page is ready once it has shown the stored setting (some radio of the group checked);
    // a click before that could be overwritten by the page's own load.
    const group = await radio.first().getAttribute('name');
    await options.waitForFunction((name) => !!document.querySelector(`input[type="radio"][name="${name}"]:checked`), group);
    await radio.first().check();
    return;
  }
  throw new Error(`options page has no select option or radio with value "${value}"`);
}

/** Flagged and clear posts are separated by one score threshold. */
function consistentThreshold(s) {
  const scored = s.articles.filter((a) => a.score !== null && a.verdict !== 'unknown');
  const minFlagged = Math.min(...scored.filter((a) => a.verdict === 'flagged').map((a) => Number(a.score)));
  const maxClear = Math.max(...scored.filter((a) => a.verdict === 'clear').map((a) => Number(a.score)));
  return maxClear <= minFlagged;
}
