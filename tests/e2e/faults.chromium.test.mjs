// Faults in a real browser (issue 8), Chromium: the service worker stopped while it holds a score
// request, the extension reloaded (updated) under an open tab with settings of an older schema in
// storage, storage full when the options page saves, settings and lists across a browser restart,
// and no request from the options page or the popup. One profile for the whole file: each step
// starts from what the previous one left, as a user's profile would.
//   node --test tests/e2e/faults.chromium.test.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server.mjs';
import { snapshot, postLook } from './lib/probes.mjs';
import { levelsOf, pageProblems, pick, serverProblems, settled, until, verdictProblems } from './lib/checks.mjs';
import { extensionDir, optionsPath, readManifest } from './lib/extension.mjs';
import { coordProblems, coordSnapshot } from './lib/coordination.mjs';
import { isolatedWorld, launchChromium, RECORD_MESSAGES, workerTarget } from './lib/chromium-faults.mjs';

const T = { settle: 30000, ui: 10000 };

describe('chromium: faults (worker stopped, extension reloaded, storage full, restart, no requests)', { timeout: 300000 }, () => {
  let srv; let profile; let extDir; let manifest;
  let b; // the current browser: {context, extId, worker()}
  let page; // the x.com tab
  let postCount = 0;
  const errors = [];
  const contextRequests = [];
  // The user's decisions so far, by account: handle -> 'allow' | 'flag'.
  const decisions = new Map();

  const snap = () => page.evaluate(snapshot);
  const launch = async () => {
    b = await launchChromium({ profile, extDir, port: srv.port, errors });
    b.context.on('request', (r) => contextRequests.push(r.url()));
    page = b.context.pages()[0] ?? await b.context.newPage();
    page.setDefaultTimeout(T.ui);
  };
  const optionsUrl = () => `chrome-extension://${b.extId}/${optionsPath(manifest)}`;
  const storedSettings = async () => (await b.worker().evaluate(() => chrome.storage.local.get('settings'))).settings;
  /** The thread's expectations with the user's decisions applied (verdictProblems' thread shape). */
  const expected = () => ({
    ...srv.thread,
    posts: srv.thread.posts.map((p) => {
      const d = decisions.get(p.account.screen_name);
      return d ? { ...p, account: { ...p.account, expect: d === 'allow' ? 'clear' : 'flagged', expect_at: undefined } } : p;
    }),
  });
  const loadThread = async () => {
    await page.goto(srv.url());
    await until(snap, (x) => x.autoRerendered && settled(x, srv.thread.firstBatchCount), { timeout: T.settle, what: 'first batch judged' });
    await page.click('[data-testid="e2e-show-more"]');
    return until(snap, (x) => x.batches === 2 && settled(x, postCount) && verdictProblems(x, expected()).length === 0,
      { timeout: T.settle, what: 'whole thread judged as expected' })
      .catch((e) => { e.message += `\n${verdictProblems(e.last, expected()).join('\n')}`; throw e; });
  };

  before(async () => {
    extDir = extensionDir('chrome');
    manifest = readManifest(extDir);
    srv = await startServer();
    postCount = srv.thread.posts.length;
    profile = mkdtempSync(join(tmpdir(), 'botlens-e2e-faults-'));
    await launch();
  });

  after(async () => {
    await b?.context.close();
    await srv?.close();
    if (profile && !process.env.BOTLENS_E2E_KEEP) rmSync(profile, { recursive: true, force: true });
  });

  it('loses no post when the service worker is stopped while it holds a score request', async () => {
    await page.goto(srv.url());
    await until(snap, (x) => x.autoRerendered && settled(x, srv.thread.firstBatchCount), { timeout: T.settle, what: 'first batch judged' });
    const iso = await isolatedWorld(b.context, page, b.extId);
    assert.equal(await iso.run(RECORD_MESSAGES), 'wrapped');
    const old = b.worker();
    await old.evaluate(() => { self.__e2eOldWorker = true; });
    // ServiceWorker.stopAllWorkers needs a page of the extension's origin.
    const ext = await b.context.newPage();
    await ext.goto(optionsUrl());
    const extCdp = await b.context.newCDPSession(ext);
    await extCdp.send('ServiceWorker.enable');
    // Pause the worker: the next batch's score request reaches it and stays unanswered (in flight).
    const sw = await workerTarget(b.context, b.extId);
    await sw.send('Debugger.enable');
    await sw.send('Debugger.pause');
    await page.click('[data-testid="e2e-show-more"]');
    const log = await until(() => iso.run('globalThis.__e2eMessages'),
      (l) => l.some((m) => m.type === 'content->bg:score' && m.n > 0 && m.reply === undefined),
      { timeout: T.settle, what: 'a score request of the second batch in flight' });
    const inFlight = log.findIndex((m) => m.type === 'content->bg:score' && m.reply === undefined);
    await extCdp.send('ServiceWorker.stopAllWorkers');
    await sw.detach();
    const s = await until(snap, (x) => x.batches === 2 && settled(x, postCount) && verdictProblems(x, srv.thread).length === 0,
      { timeout: T.settle, what: 'every post judged after the restart' })
      .catch((e) => { e.message += `\n${verdictProblems(e.last, srv.thread).join('\n')}`; throw e; });
    assert.equal(s.articles.length, postCount);
    assert.equal(s.articles.filter((a) => a.verdict === 'unknown').length, 1, 'only the DOM-only post is unknown');
    // The fault really happened: the request in flight got no answer from the stopped worker and
    // was answered by a new one.
    const after = await iso.run('globalThis.__e2eMessages');
    assert.match(after[inFlight].reply, /^(undefined|rejected)/, `the stopped worker answered: ${JSON.stringify(after)}`);
    assert.ok(after.slice(inFlight + 1).some((m) => m.type === 'content->bg:score' && m.n === after[inFlight].n && m.reply === 'ok'),
      `no re-sent request was answered: ${JSON.stringify(after)}`);
    const fresh = await until(async () => b.worker()?.evaluate(() => self.__e2eOldWorker === true).catch(() => null),
      (x) => x === false, { timeout: T.ui, what: 'a new service worker' });
    assert.equal(fresh, false);
    // Coordination too: the new worker has no detector for this tab, so its answer carries a new
    // session; the content script drops the lost detector's marks and sends every post again
    // (docs/DECISIONS.md 30): the whole planted cluster ends marked, with its full size.
    const c = srv.thread.coordination;
    await until(() => page.evaluate(coordSnapshot), (x) => coordProblems(x, c).length === 0,
      { timeout: T.settle, what: 'coordination marks after the restart' })
      .catch((e) => { e.message += `\n${coordProblems(e.last ?? [], c).join('\n')}`; throw e; });
    await iso.detach();
    await ext.close();
    assert.deepEqual(pageProblems(s), []);
  });

  it('reports a full storage in the options page, keeps the stored settings and the edit, and saves on "Try again"', async () => {
    const options = await b.context.newPage();
    await options.goto(optionsUrl());
    await options.waitForFunction(() => !!document.querySelector('input[name="action"]:checked'));
    const before = await storedSettings() ?? null;
    const current = await options.evaluate(() => document.querySelector('input[name="action"]:checked').value);
    const target = current === 'collapse' ? 'dim' : 'collapse';
    // Fill storage.local to its quota (QUOTA_BYTES; no unlimitedStorage), leaving less room than
    // the change needs: a real quota error from the browser, not a stub.
    const fill = await options.evaluate(async () => {
      const local = chrome.storage.local;
      const key = 'e2e-filler';
      let size = local.QUOTA_BYTES - await local.getBytesInUse(null) - key.length - 2;
      for (let i = 0; i < 64; i += 1) {
        try { await local.set({ [key]: 'x'.repeat(size) }); break; } catch { size -= 1; }
      }
      return { quota: local.QUOTA_BYTES, used: await local.getBytesInUse(null) };
    });
    assert.ok(fill.quota - fill.used < 4, `storage not full: ${JSON.stringify(fill)}`);

    await options.locator(`input[name="action"][value="${target}"]`).check();
    const alert = options.getByRole('alert');
    await alert.waitFor({ state: 'visible', timeout: T.ui });
    assert.match(await alert.textContent(), /^Could not save: .*quota/i);
    assert.equal(await options.locator(`input[name="action"][value="${target}"]`).isChecked(), true, 'the edit left the screen');
    assert.deepEqual(await storedSettings() ?? null, before, 'the stored settings changed');
    const retry = options.getByRole('button', { name: 'Try again' });
    assert.ok(await retry.isVisible(), '"Try again" not offered');

    // Room again (the user freed some); "Try again" saves the edit that is on screen.
    await options.evaluate(() => chrome.storage.local.remove('e2e-filler'));
    await retry.click();
    await alert.waitFor({ state: 'hidden', timeout: T.ui });
    const saved = await until(storedSettings, (x) => x?.action === target, { timeout: T.ui, what: `action ${target} stored` });
    assert.equal(saved.schema, 1);
    assert.equal(await options.locator('#status').textContent(), 'Saved.');
    assert.ok(!(await retry.isVisible()), '"Try again" still shown');
    await options.close();
  });

  it('after an update under an open tab, migrates settings of schema 0 and leaves one badge per post', async () => {
    const { dflt } = levelsOf(srv);
    const allowed = pick(srv.thread, 'flagged')[2].account;
    const forced = pick(srv.thread, 'clear').find((p) => p.account.id !== srv.thread.posts[0].account.id).account;
    // What a botlens of schema 0 left in storage (lib/settings.js isSchema0).
    const legacy = { sensitivity: dflt, hide: true, allow: [`x:${allowed.id}`], flag: [`x:${forced.id}`] };
    const old = b.worker();
    await old.evaluate((v) => chrome.storage.local.set({ settings: v }), legacy);
    decisions.set(allowed.screen_name, 'allow');
    decisions.set(forced.screen_name, 'flag');
    // The open tab's content script reads the old shape too (it migrates on read).
    await until(snap, (x) => verdictProblems(x, expected()).length === 0, { timeout: T.ui, what: 'the tab applies the schema-0 settings' })
      .catch((e) => { e.message += `\n${verdictProblems(e.last, expected()).join('\n')}`; throw e; });
    const owner = await page.evaluate(() => document.querySelector('botlens-badge')?.getAttribute('data-botlens-owner'));
    assert.ok(owner);

    // Update: the extension reloads (a new service worker; MV3 injects no new content script
    // into the open tab; the old one is orphaned). Chromium 156 disables a reloaded unpacked
    // extension unless developer mode is on (disableReasons.unsupportedDeveloperExtension), as
    // it is for anyone who loads one: turned on the user's way, in chrome://extensions.
    const dev = await b.context.newPage();
    await dev.goto('chrome://extensions');
    await dev.evaluate(() => chrome.developerPrivate.updateProfileConfiguration({ inDeveloperMode: true }));
    await dev.close();
    await old.evaluate(() => { setTimeout(() => chrome.runtime.reload(), 0); });
    await until(async () => b.worker() !== old && await b.worker()?.evaluate(() => chrome.runtime.id).catch(() => null),
      (x) => !!x, { timeout: T.settle, what: 'the reloaded extension\'s worker' });

    // Storage rewritten in the current schema by the new background.
    const stored = await until(storedSettings, (x) => x?.schema === 1, { timeout: T.ui, what: 'settings rewritten as schema 1' });
    assert.deepEqual(stored, {
      schema: 1, sensitivity: dflt, action: 'collapse', sites: { x: true, bluesky: true, mastodon: true },
      overrides: { [`x:${allowed.id}`]: { decision: 'allow' }, [`x:${forced.id}`]: { decision: 'flag' } },
    });

    // No new content script in the open tab: nothing is duplicated, no other owner appears.
    const now = await snap();
    assert.ok(now.articles.every((a) => a.badges <= 1), 'a post has two badges after the update');
    assert.deepEqual(await page.evaluate((o) => [...document.querySelectorAll('[data-botlens-owner]')]
      .filter((el) => el.getAttribute('data-botlens-owner') !== o).length, owner), 0, 'a second content script drew');
    // The orphaned content script tears down at its next wake-up (a disconnected port, or the
    // page's next change): it removes what it drew and undoes the collapse. The page works on.
    await page.click('[data-testid="e2e-rerender-inner"]');
    const gone = await until(snap, (x) => x.articles.every((a) => a.badges === 0 && a.verdict === null),
      { timeout: T.ui, what: 'the old content script\'s badges and attributes removed' });
    assert.equal(await page.evaluate((o) => document.querySelectorAll(`[data-botlens-owner="${o}"]`).length, owner), 0);
    assert.ok(gone.articles.every((a) => a.visible), 'a post stayed collapsed or hidden after the teardown');
    await page.click('[data-testid="e2e-rerender"]');
    const rerendered = await until(snap, (x) => x.renders > gone.renders, { timeout: T.ui, what: 'the page re-renders' });
    assert.equal(rerendered.articles.length, postCount);
    assert.ok(rerendered.articles.every((a) => a.badges === 0 && a.verdict === null), 'a badge came back without a content script');
    assert.deepEqual(pageProblems(rerendered), []);

    // The options page shows the migrated values.
    const options = await b.context.newPage();
    await options.goto(optionsUrl());
    await options.waitForFunction(() => !!document.querySelector('input[name="sensitivity"]:checked'));
    assert.equal(await options.locator('input[name="action"]:checked').getAttribute('value'), 'collapse');
    assert.equal(await options.locator('input[name="sensitivity"]:checked').getAttribute('value'), dflt);
    assert.match(await options.locator('#list-allow').textContent(), new RegExp(`\\(x:${allowed.id}\\)`));
    assert.match(await options.locator('#list-flag').textContent(), new RegExp(`\\(x:${forced.id}\\)`));
    await options.close();

    // A reload of the tab: the new content script, exactly one badge per post, the decisions applied.
    await loadThread();
  });

  it('keeps settings and lists across a browser restart', async () => {
    // The user changes the action and says "Not a bot" for one more account, then quits.
    const options = await b.context.newPage();
    await options.goto(optionsUrl());
    await options.waitForFunction(() => !!document.querySelector('input[name="action"]:checked'));
    await options.locator('input[name="action"][value="dim"]').check();
    await until(storedSettings, (x) => x?.action === 'dim', { timeout: T.ui, what: 'action dim stored' });
    await options.close();
    const bot = pick(srv.thread, 'flagged').find((p) => !decisions.has(p.account.screen_name) && p.id !== srv.thread.posts[0].id);
    await page.bringToFront();
    await until(() => page.evaluate(`(${postLook})(${JSON.stringify(bot.id)})`), (l) => l.dimmed && l.textVisible,
      { timeout: T.ui, what: `@${bot.account.screen_name} dimmed, not collapsed` });
    const badge = page.locator(`article[data-testid="tweet"]:has(a[href$="/status/${bot.id}"]) botlens-badge`);
    await badge.locator('.mark').scrollIntoViewIfNeeded();
    await badge.locator('.mark').hover();
    await badge.locator('button[data-action="allow"]').click();
    decisions.set(bot.account.screen_name, 'allow');
    await until(snap, (x) => x.articles.find((a) => a.id === bot.id)?.verdict === 'clear', { timeout: T.ui, what: `@${bot.account.screen_name} clear` });
    const before = await storedSettings();
    assert.equal(Object.keys(before.overrides).length, 3);

    await b.context.close();
    await launch();

    assert.deepEqual(await until(storedSettings, (x) => !!x, { timeout: T.ui, what: 'settings after restart' }), before);
    const again = await b.context.newPage();
    await again.goto(optionsUrl());
    await again.waitForFunction(() => !!document.querySelector('input[name="action"]:checked'));
    assert.equal(await again.locator('input[name="action"]:checked').getAttribute('value'), 'dim');
    for (const key of Object.keys(before.overrides)) {
      const list = before.overrides[key].decision === 'allow' ? '#list-allow' : '#list-flag';
      assert.ok((await again.locator(list).textContent()).includes(`(${key})`), `${key} missing from ${list}`);
    }
    await again.close();
    const s = await loadThread();
    for (const a of s.articles.filter((x) => x.verdict === 'flagged')) {
      assert.ok((await page.evaluate(`(${postLook})(${JSON.stringify(a.id)})`)).dimmed, `flagged ${a.id} not dimmed after restart`);
    }
  });

  it('opens the options page and the popup without any request', async () => {
    const seen = srv.requests.length;
    const from = contextRequests.length;
    for (const path of [optionsPath(manifest), 'popup/popup.html']) {
      const p = await b.context.newPage();
      await p.goto(`chrome-extension://${b.extId}/${path}`);
      // Both pages are done once their script has written something (the popup: its status line).
      await p.waitForFunction(() => (document.querySelector('#status')?.textContent ?? '') !== '' || !!document.querySelector('input[name="action"]:checked'));
      await p.close();
    }
    const made = contextRequests.slice(from).filter((u) => !u.startsWith(`chrome-extension://${b.extId}/`));
    assert.deepEqual(made, [], 'requests from the extension\'s pages');
    // Every host resolves to the test server, so a request to anywhere would show up in its log.
    assert.deepEqual(srv.requests.slice(seen).map((r) => `${r.host}${r.path}`), []);
  });

  it('raised no error and talked to no other host', () => {
    assert.deepEqual(errors, []);
    assert.deepEqual(serverProblems(srv), []);
    const foreign = contextRequests.filter((u) => !/^(https:\/\/(x|twitter)\.com\/|chrome-extension:\/\/|chrome:\/\/(extensions|resources|theme)\/|data:|blob:)/.test(u));
    assert.deepEqual(foreign, []);
  });
});
