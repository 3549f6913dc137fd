// Faults in a real browser (issue 8), Firefox: no request from the options page or the popup
// (chrome-context request recorder), and settings and lists across a browser restart (one
// profile folder, two Firefox runs).
//   node --test tests/e2e/faults.firefox.test.mjs
//
// A temporary add-on (the only way to load an unpacked one) is uninstalled when Firefox quits,
// and Firefox then deletes its storage. A real user's install is permanent, so the test keeps
// what a permanent install keeps: prefs extensions.webextensions.keepStorageOnUninstall and
// keepUuidOnUninstall, and the same moz-extension UUID in both runs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snapshot, postLook, asScript } from './lib/probes.mjs';
import { pageProblems, pick, serverProblems, settled, until, verdictProblems } from './lib/checks.mjs';
import { extensionDir, geckoId, optionsPath, readManifest } from './lib/extension.mjs';
import { Session, startGeckodriver } from './lib/webdriver.mjs';
import { quietPrefs } from './lib/firefox-prefs.mjs';
import { CONSOLE_ERRORS, OPEN_TAB, RECORD_REQUESTS } from './lib/firefox-chrome.mjs';
import { startServer } from './server.mjs';

const BINARY = process.env.BOTLENS_FIREFOX ?? '/usr/bin/firefox-esr';
const T = { settle: 30000, ui: 10000 };

describe('firefox: faults (no requests from options and popup, settings across a restart)', { timeout: 240000 }, () => {
  let srv; let driver; let wd; let manifest; let extDir; let profile; let xTab;
  const uuid = randomUUID();
  const allowed = new Set();
  const consoleErrors = [];
  const stdoutErrors = [];
  const foreignByUs = [];

  const exec = (fn, ...args) => wd.execute(asScript(fn), args);
  const snap = () => exec(snapshot);
  const inChrome = async (script, args = []) => {
    await wd.setContext('chrome');
    try { return await wd.execute(script, args); } finally { await wd.setContext('content'); }
  };
  const extUrl = (path) => `moz-extension://${uuid}/${path}`;

  async function start() {
    driver = await startGeckodriver({ args: ['--allow-system-access'] });
    const prefs = {
      ...quietPrefs(srv.port, { [geckoId(manifest)]: uuid }),
      'extensions.webextensions.keepStorageOnUninstall': true,
      'extensions.webextensions.keepUuidOnUninstall': true,
    };
    wd = await Session.create(driver.url, {
      browserName: 'firefox',
      acceptInsecureCerts: true,
      'moz:firefoxOptions': { binary: BINARY, args: ['-headless', '-profile', profile], prefs },
    });
    await inChrome(RECORD_REQUESTS);
    assert.equal(await wd.installAddon(extDir, true), geckoId(manifest));
    await wd.setWindowRect({ width: 1100, height: 900 });
    xTab = await wd.windowHandle();
  }

  async function stop() {
    consoleErrors.push(...(await inChrome(CONSOLE_ERRORS)).filter((e) => ours(e.source) || /botlens|x\.com|moz-extension/.test(e.message))
      .filter((e) => !(e.source === 'resource://gre/modules/ConduitsChild.sys.mjs' && /on closed conduit/.test(e.message))));
    const requests = await inChrome('return window.__botlensE2eRequests ?? [];');
    foreignByUs.push(...requests.filter((r) => (r.by.startsWith('moz-extension://') || /^https:\/\/(x|twitter)\.com$/.test(r.by)) && !/^https:\/\/(x|twitter)\.com\//.test(r.url)));
    try { await wd?.delete(); } catch { /* gone */ }
    await driver?.stop();
    stdoutErrors.push(...driver.log.join('').split('\n').filter((l) => /^console\.(error|assert)\b/.test(l)).filter((l) => !/^console\.error: RSLoader:/.test(l)));
    wd = null;
  }

  /** Opens an extension page in a new tab, waits for `ready` (a script returning true) there; returns its handle. */
  async function openExtensionPage(path, ready) {
    const before = new Set(await wd.windowHandles());
    await inChrome(OPEN_TAB, [extUrl(path)]);
    const handle = (await until(() => wd.windowHandles(), (h) => h.some((x) => !before.has(x)), { timeout: T.ui, what: `${path} tab` })).find((x) => !before.has(x));
    await wd.switchTo(handle);
    await until(() => wd.execute(ready), (x) => x === true, { timeout: T.ui, what: `${path} ready` });
    return handle;
  }
  const optionsReady = 'return !!document.querySelector(\'input[name="action"]:checked\') && !!document.querySelector(\'input[name="sensitivity"]:checked\');';
  const checkedAction = 'return document.querySelector(\'input[name="action"]:checked\')?.value ?? null;';

  async function loadThread() {
    await wd.switchTo(xTab);
    await wd.navigate(srv.url());
    await until(snap, (s) => s.autoRerendered && settled(s, srv.thread.firstBatchCount), { timeout: T.settle, what: 'first batch judged' });
    await wd.click(await wd.find('[data-testid="e2e-show-more"]'));
    return until(snap, (x) => x.batches === 2 && settled(x, srv.thread.posts.length) && verdictProblems(x, srv.thread, { allowed }).length === 0,
      { timeout: T.settle, what: 'whole thread judged as expected' })
      .catch((e) => { e.message += `\n${verdictProblems(e.last, srv.thread, { allowed }).join('\n')}`; throw e; });
  }

  before(async () => {
    extDir = extensionDir('firefox');
    manifest = readManifest(extDir);
    srv = await startServer();
    profile = mkdtempSync(join(tmpdir(), 'botlens-e2e-ff-faults-'));
    await start();
  });

  after(async () => {
    if (wd) await stop().catch(() => {});
    await srv?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('opens the options page and the popup without any request', async () => {
    const from = (await inChrome('return window.__botlensE2eRequests.length;'));
    const seen = srv.requests.length;
    const options = await openExtensionPage(optionsPath(manifest), optionsReady);
    await wd.closeWindow();
    await wd.switchTo(xTab);
    await openExtensionPage('popup/popup.html', 'return (document.getElementById("status")?.textContent ?? "") !== "";');
    await wd.closeWindow();
    await wd.switchTo(xTab);
    assert.ok(options);
    const requests = (await inChrome('return window.__botlensE2eRequests;')).slice(from);
    assert.deepEqual(requests.filter((r) => r.by.startsWith('moz-extension://')), [], 'requests made by the extension');
    assert.deepEqual(srv.requests.slice(seen).map((r) => `${r.host}${r.path}`), [], 'requests that reached the (every-host) test server');
  });

  it('keeps settings and lists across a browser restart', async () => {
    await loadThread();
    // The user chooses "dim" in the options page...
    await openExtensionPage(optionsPath(manifest), optionsReady);
    await wd.click(await wd.find('input[name="action"][value="dim"]'));
    await until(() => wd.execute(checkedAction), (x) => x === 'dim', { timeout: T.ui, what: 'dim chosen' });
    await until(() => wd.execute('return document.getElementById("status").textContent;'), (x) => x === 'Saved.', { timeout: T.ui, what: 'saved' });
    await wd.closeWindow();
    await wd.switchTo(xTab);
    // ...and says "Not a bot" for one account, then quits.
    const bot = pick(srv.thread, 'flagged').find((p) => p.id !== srv.thread.posts[0].id);
    await until(() => exec(postLook, bot.id), (l) => l.dimmed, { timeout: T.ui, what: 'flagged post dimmed' });
    const badge = await wd.execute(`return document.querySelector('article[data-testid="tweet"] a[href$="/status/${bot.id}"]').closest('article').querySelector('botlens-badge');`);
    const r = await wd.execute(`const b = arguments[0]; b.scrollIntoView({block: 'center'}); const r = b.getBoundingClientRect(); return {x: Math.round(r.left + r.width / 2), y: Math.round(r.top + r.height / 2)};`, [badge]);
    await wd.moveTo(r.x, r.y);
    const button = await until(() => wd.execute('const c = arguments[0].shadowRoot.querySelector(".card"); return c && !c.hidden ? arguments[0].shadowRoot.querySelector(\'button[data-action="allow"]\') : null;', [badge]),
      (x) => x, { timeout: T.ui, what: '"Not a bot" in the open card' });
    await wd.click(Object.values(button)[0]);
    allowed.add(bot.account.screen_name);
    await until(snap, (x) => x.articles.find((a) => a.id === bot.id)?.verdict === 'clear', { timeout: T.ui, what: `@${bot.account.screen_name} clear` });
    assert.deepEqual(pageProblems(await snap()), []);

    await stop();
    await start();

    await openExtensionPage(optionsPath(manifest), optionsReady);
    assert.equal(await wd.execute(checkedAction), 'dim', 'the action after the restart');
    assert.match(await wd.execute('return document.getElementById("list-allow").textContent;'), new RegExp(`@${bot.account.screen_name} \\(x:${bot.account.id}\\)`));
    await wd.closeWindow();
    const s = await loadThread();
    for (const a of s.articles.filter((x) => x.verdict === 'flagged')) assert.ok((await exec(postLook, a.id)).dimmed, `flagged ${a.id} not dimmed after the restart`);
    assert.equal(s.articles.find((a) => a.id === bot.id).verdict, 'clear');
  });

  it('raised no error and talked to no other host', async () => {
    await stop();
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(stdoutErrors, [], 'console errors of the page, content scripts or background');
    assert.deepEqual(foreignByUs, [], 'requests by the page or the add-on to other hosts');
    assert.deepEqual(serverProblems(srv), []);
  });
});

function ours(source) {
  return typeof source === 'string' && /^(https:\/\/(x|twitter)\.com\/|moz-extension:\/\/)/.test(source);
}
