// End-to-end test of the built extension (dist/firefox) in Debian's headless Firefox ESR,
// driven through geckodriver by our minimal WebDriver client (lib/webdriver.mjs), on the local
// HTTPS server answering as x.com (server.mjs).
//   node --test tests/e2e/firefox.test.mjs
// Env: BOTLENS_FIREFOX_EXT (extension folder), BOTLENS_FIREFOX (browser binary), GECKODRIVER.
//
// Firefox answers as x.com through prefs (network.dns.localDomains + network.socket.forcePort).
// A chrome-context observer records every HTTP request the browser makes, with who asked for it,
// so the test sees requests that never reach our server. The options page is opened from the
// chrome context with a fixed moz-extension UUID (WebDriver may not navigate to moz-extension:).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { snapshot, cardState, postLook, asScript } from './lib/probes.mjs';
import { levelsOf, pageProblems, pick, serverProblems, settled, until, verdictProblems } from './lib/checks.mjs';
import { extensionDir, geckoId, optionsPath, readManifest } from './lib/extension.mjs';
import { Session, startGeckodriver } from './lib/webdriver.mjs';
import { quietPrefs } from './lib/firefox-prefs.mjs';
import { startServer } from './server.mjs';
import { fixtureProblems } from './lib/model-view.mjs';
import { coordCard, coordLineRect, coordProblems, coordSnapshot, focusedPost } from './lib/coordination.mjs';
import { CONSOLE_ERRORS, RECORD_REQUESTS } from './lib/firefox-chrome.mjs';

const BINARY = process.env.BOTLENS_FIREFOX ?? '/usr/bin/firefox-esr';
const T = { settle: 20000, ui: 6000 };
const TAB = '\uE004';
const ESCAPE = '\uE00C';

describe('firefox: botlens on x.com', { timeout: 120000 }, () => {
  let srv; let driver; let wd; let manifest; let uuid; let xTab; let extDir;
  const allowed = new Set();
  let postCount = 0;

  const exec = (fn, ...args) => wd.execute(asScript(fn), args);
  const snap = () => exec(snapshot);
  const card = (id, name) => exec(cardState, id, name);
  const look = (id) => exec(postLook, id);
  const inChrome = async (script, args = []) => {
    await wd.setContext('chrome');
    try { return await wd.execute(script, args); } finally { await wd.setContext('content'); }
  };
  const badgeOf = (id) => wd.execute(`return document.querySelector('article[data-testid="tweet"] a[href$="/status/${id}"]')?.closest('article')?.querySelector('botlens-badge') ?? null;`);
  const elementId = (ref) => (ref ? Object.values(ref)[0] : null);
  /** Scrolls the post's badge to the middle of the viewport and moves the mouse onto it. */
  const hoverBadge = async (id) => {
    const r = await wd.execute(`const b = arguments[0]; b.scrollIntoView({block: 'center'});
      const r = b.getBoundingClientRect(); return {x: Math.round(r.left + r.width / 2), y: Math.round(r.top + r.height / 2), w: r.width, h: r.height};`, [await badgeOf(id)]);
    assert.ok(r.w > 0 && r.h > 0, `badge of ${id} has no size`);
    await wd.moveTo(r.x, r.y);
  };

  before(async () => {
    const dir = extDir = extensionDir('firefox');
    manifest = readManifest(dir);
    srv = await startServer();
    postCount = srv.thread.posts.length;
    uuid = randomUUID();
    driver = await startGeckodriver({ args: ['--allow-system-access'] });
    wd = await Session.create(driver.url, {
      browserName: 'firefox',
      acceptInsecureCerts: true,
      'moz:firefoxOptions': { binary: BINARY, args: ['-headless'], prefs: quietPrefs(srv.port, { [geckoId(manifest)]: uuid }) },
    });
    await inChrome(RECORD_REQUESTS);
    const id = await wd.installAddon(dir, true);
    assert.equal(id, geckoId(manifest));
    await wd.setWindowRect({ width: 1100, height: 900 });
    xTab = await wd.windowHandle();
  });

  after(async () => {
    try { await wd?.delete(); } catch { /* already gone */ }
    await driver?.stop();
    await srv?.close();
  });

  const waitSettled = (min, what) => until(snap, (s) => s.autoRerendered && settled(s, min), { timeout: T.settle, what });

  it('has a fixture that matches the built model (same pipeline in Node)', async () => {
    // Tells "the model changed" (rerun tests/e2e/fixtures/pick-accounts.mjs) from "the extension broke".
    assert.deepEqual(await fixtureProblems(srv.fixture, join(extDir, 'wasm')), []);
  });

  it('judges every post of the thread as expected, including a later batch', async (t) => {
    await wd.navigate(srv.url());
    const first = await waitSettled(srv.thread.firstBatchCount, 'first batch judged');
    const timing = await wd.execute('return [window.__e2e.firstRenderAt, window.__e2e.firstVerdictAt];');
    t.diagnostic(`first render ${Math.round(timing[0])} ms, first verdict ${Math.round(timing[1])} ms after navigation start (${first.articles.length} posts)`);
    await wd.click(await wd.find('[data-testid="e2e-show-more"]'));
    const s = await until(snap, (x) => x.batches === 2 && settled(x, postCount), { timeout: T.settle, what: 'second batch judged' });
    assert.deepEqual(verdictProblems(s, srv.thread, { ids: srv.thread.posts.map((p) => p.id) }), []);
    assert.equal(s.articles.length, postCount);
  });

  it('marks the planted coordinated cluster, not the short replies, and moves between its posts', async () => {
    const c = srv.thread.coordination;
    const verdicts = new Map(srv.thread.posts.map((p) => [p.id, p.account.expect]));
    const want = { ...c, verdicts };
    const s = await until(() => exec(coordSnapshot), (x) => coordProblems(x, want).length === 0,
      { timeout: T.settle, what: 'coordination marks' }).catch((e) => { e.message += `\n${coordProblems(e.last ?? [], want).join('\n')}`; throw e; });
    const low = s.find((a) => c.members.includes(a.id) && verdicts.get(a.id) === 'clear');
    assert.ok(low && low.verdict === 'clear' && low.markShown, 'a low-score member with verdict clear and the mark');
    const bot = s.find((a) => c.members.includes(a.id) && a.verdict === 'flagged');
    assert.ok(bot, 'a flagged member');
    assert.notEqual(bot.markColor, bot.botMarkColor, 'coordination mark has its own colour');

    const [start, second, third] = c.members;
    const handleOf = new Map(srv.thread.posts.map((p) => [p.id, p.account.screen_name]));
    await hoverBadge(start);
    const cardNow = await until(() => exec(coordCard, start), (x) => x.lines.some((l) => l.code === 'near_duplicate_text'),
      { timeout: T.ui, what: 'card with the near_duplicate_text line' });
    const line = cardNow.lines.find((l) => l.code === 'near_duplicate_text');
    assert.equal(line.text, `Same text as ${c.size - 1} other accounts in this thread`);
    for (const id of c.members.filter((id) => id !== start)) assert.ok(line.others.includes(`@${handleOf.get(id)}`), `lists @${handleOf.get(id)}: ${line.others}`);
    assert.ok(!line.others.includes(`@${handleOf.get(start)}`), 'lists the post\'s own account');

    // A real click on the line (pointer moves from the mark into the card, then presses).
    const r = await exec(coordLineRect, start);
    assert.ok(r && r.w > 0, 'coordination line has no size');
    await wd.actions([{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions: [
      { type: 'pointerMove', duration: 0, origin: 'viewport', x: r.x, y: r.y },
      { type: 'pointerDown', button: 0 }, { type: 'pointerUp', button: 0 }] }]);
    const f1 = await until(() => exec(focusedPost), (x) => x.id === second && x.openCards === 0, { timeout: T.ui, what: `focus on the next member ${second}, card closed` });
    assert.ok(f1.inView && f1.highlight === 'current' && f1.outline !== 'none', JSON.stringify(f1));
    const lit = (await exec(coordSnapshot)).filter((a) => a.highlight);
    assert.deepEqual(lit.map((a) => a.id).sort(), [...c.members].sort(), 'the cluster\'s posts are highlighted');

    // Keyboard: Tab into that post's badge and on to the line, Enter: on to the next member.
    await wd.moveTo(1, 1);
    let state;
    for (let i = 0; i < 12; i++) {
      await wd.keys(TAB);
      state = await exec(coordCard, second);
      if (state.lineFocused) break;
    }
    assert.ok(state.lineFocused, 'Tab never reached the coordination line');
    await wd.keys('\uE007'); // Enter
    const f2 = await until(() => exec(focusedPost), (x) => x.id === third && x.openCards === 0, { timeout: T.ui, what: `focus on the member after ${second}, cards closed` });
    assert.ok(f2.inView, 'next member scrolled into view');
  });

  it('keeps exactly one badge per post when the page re-renders', async () => {
    for (const testid of ['e2e-rerender', 'e2e-rerender-inner', 'e2e-rerender']) {
      await wd.click(await wd.find(`[data-testid="${testid}"]`));
      await waitSettled(postCount, `judged again after ${testid}`);
      await wd.executeAsync('const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));');
      assert.deepEqual(verdictProblems(await snap(), srv.thread), [], `after ${testid}`);
    }
  });

  it('opens the hover card on hover and on keyboard focus', async () => {
    const bot = pick(srv.thread, 'flagged')[0];
    const name = bot.account.name;
    assert.equal((await card(bot.id, name)).showsName, false, 'card visible before hover');
    await hoverBadge(bot.id);
    const open = await until(() => card(bot.id, name), (c) => c.showsName && c.reasons.length > 0, { timeout: T.ui, what: 'hover card with name and reasons' });
    assert.ok(open.reasons.every((r) => /^[a-z][a-z0-9_]*$/.test(r)), `reason codes: ${open.reasons}`);
    await wd.moveTo(1, 1); // blank margin left of the thread column
    await until(() => card(bot.id, name), (c) => !c.showsName, { timeout: T.ui, what: 'card closed after mouse left' });

    await wd.execute(`document.querySelector('article[data-testid="tweet"] a[href$="/status/${bot.id}"]').closest('article').focus();`);
    let state;
    for (let i = 0; i < 8; i++) {
      await wd.keys(TAB);
      state = await card(bot.id, name);
      if (state.focused) break;
    }
    assert.ok(state.focused, 'Tab never reached the badge');
    await until(() => card(bot.id, name), (c) => c.showsName && c.reasons.length > 0, { timeout: T.ui, what: 'card open on keyboard focus' });
    await wd.keys(ESCAPE);
  });

  it('applies an options change to the open tab without reload', async () => {
    const flagged = pick(srv.thread, 'flagged');
    const clear = pick(srv.thread, 'clear');
    const { loadId } = await snap();
    const url = `moz-extension://${uuid}/${optionsPath(manifest)}`;
    const before = new Set(await wd.windowHandles());
    await inChrome(`gBrowser.selectedTab = gBrowser.addTab(arguments[0], { triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal() }); return true;`, [url]);
    const optionsTab = (await until(() => wd.windowHandles(), (h) => h.some((x) => !before.has(x)), { timeout: T.ui, what: 'options tab' })).find((x) => !before.has(x));
    const choose = async (value) => {
      await wd.switchTo(optionsTab);
      const sel = `input[type="radio"][value="${value}"], select option[value="${value}"]`;
      // Ready once the page shows the stored setting (some radio of the group checked): a click
      // before that could be overwritten by the page's own load. The page may re-render its
      // inputs after a save, so everything goes by selector, never by a kept element reference.
      const ready = `const i = document.querySelector(arguments[0]);
        return !!i && (i.type !== 'radio' || !!document.querySelector('input[type="radio"][name="' + i.name + '"]:checked'));`;
      await until(() => wd.execute(ready, [sel]), (x) => x, { timeout: T.ui, what: `options page showing ${value}` });
      await wd.click(await wd.find(sel));
      await until(() => wd.execute('const i = document.querySelector(arguments[0]); return !!i && (i.checked || i.selected);', [sel]),
        (x) => x, { timeout: T.ui, what: `${value} chosen` });
      await wd.switchTo(xTab); // the user comes back to the tab; it must update without reload
    };

    await choose('dim');
    await until(() => look(flagged[0].id), (l) => l.dimmed, { timeout: T.ui, what: 'flagged post dimmed' });
    for (const p of flagged) assert.ok((await look(p.id)).dimmed, `@${p.account.screen_name} not dimmed`);
    for (const p of clear) assert.ok(!(await look(p.id)).dimmed, `clear @${p.account.screen_name} dimmed`);
    await choose('collapse');
    await until(() => look(flagged[0].id), (l) => !l.textVisible, { timeout: T.ui, what: 'flagged post collapsed' });
    assert.ok((await look(clear[0].id)).textVisible, 'clear post collapsed');
    await choose('mark');
    await until(() => look(flagged[0].id), (l) => !l.dimmed && l.textVisible, { timeout: T.ui, what: 'back to mark only' });
    const { most, dflt } = levelsOf(srv);
    await choose(most);
    const atMost = await until(snap, (x) => verdictProblems(x, srv.thread, { level: most }).length === 0,
      { timeout: T.ui, what: `verdicts at level ${most}` }).catch((e) => { e.message += `\n${verdictProblems(e.last, srv.thread, { level: most }).join('\n')}`; throw e; });
    assert.ok(consistentThreshold(atMost), 'flagged and clear posts are not separated by one threshold');
    await choose(dflt);
    const s = await until(snap, (x) => verdictProblems(x, srv.thread).length === 0, { timeout: T.ui, what: 'verdicts back at default level' });
    assert.equal(s.loadId, loadId, 'the x.com tab reloaded');
    await wd.switchTo(optionsTab);
    await wd.closeWindow();
    await wd.switchTo(xTab);
  });

  it('"Not a bot" clears the account and survives a reload', async () => {
    const bot = pick(srv.thread, 'flagged')[1];
    const handle = bot.account.screen_name;
    await hoverBadge(bot.id);
    const badge = await badgeOf(bot.id);
    const button = await until(() => wd.execute(`return arguments[0].shadowRoot.querySelector('button[data-action="allow"]');`, [badge]),
      (b) => b, { timeout: T.ui, what: '"Not a bot" button' });
    await until(() => card(bot.id, bot.account.name), (c) => c.showsName, { timeout: T.ui, what: 'card open' });
    await wd.click(elementId(button));
    allowed.add(handle);
    await until(snap, (x) => x.articles.find((a) => a.id === bot.id)?.verdict === 'clear', { timeout: T.ui, what: `@${handle} clear` });
    assert.deepEqual(pageProblems(await snap()), []);
    await wd.refresh();
    await waitSettled(srv.thread.firstBatchCount, 'judged after reload');
    await wd.click(await wd.find('[data-testid="e2e-show-more"]'));
    const s = await until(snap, (x) => x.batches === 2 && settled(x, postCount), { timeout: T.settle, what: 'second batch after reload' });
    assert.deepEqual(verdictProblems(s, srv.thread, { allowed }), []);
  });

  it('rebuilds the coordination marks after the reload', async () => {
    const c = srv.thread.coordination;
    await until(() => exec(coordSnapshot), (x) => coordProblems(x, c).length === 0, { timeout: T.settle, what: 'coordination after reload' })
      .catch((e) => { e.message += `\n${coordProblems(e.last ?? [], c).join('\n')}`; throw e; });
  });

  it('raised no error, no CSP violation, and talked to no other host', async (t) => {
    assert.deepEqual(pageProblems(await snap()), []);
    const errors = (await inChrome(CONSOLE_ERRORS))
      .filter((e) => ours(e.source) || /botlens|x\.com|moz-extension/.test(e.message))
      // Firefox logs this from its own module when a page with extension listeners unloads
      // (here: the reload); it is not an error of the add-on's code.
      .filter((e) => !(e.source === 'resource://gre/modules/ConduitsChild.sys.mjs' && /on closed conduit/.test(e.message)));
    assert.deepEqual(errors, []);
    const stdoutErrors = driver.log.join('').split('\n').filter((l) => /^console\.(error|assert)\b/.test(l))
      // Firefox's own experiment loader (Nimbus) complains when Remote Settings are unreachable.
      .filter((l) => !/^console\.error: RSLoader:/.test(l));
    assert.deepEqual(stdoutErrors, [], 'console errors of the page, content scripts or background');
    assert.deepEqual(serverProblems(srv), []);
    const requests = await inChrome('return window.__botlensE2eRequests ?? [];');
    assert.ok(requests.some((r) => r.url.includes('/TweetDetail')), 'the request recorder saw the TweetDetail requests');
    const foreignByUs = requests.filter((r) => (r.by.startsWith('moz-extension://') || /^https:\/\/(x|twitter)\.com$/.test(r.by)) && !/^https:\/\/(x|twitter)\.com\//.test(r.url));
    assert.deepEqual(foreignByUs, [], 'requests by the page or the add-on to other hosts');
    const browserOwn = requests.filter((r) => !/^https:\/\/(x|twitter)\.com\//.test(r.url) && !foreignByUs.includes(r));
    // Firefox's own remote-settings polls ignore services.settings.server outside automation
    // builds; they are the browser's, not the add-on's, so they are reported, not failed.
    if (browserOwn.length) t.diagnostic(`Firefox's own requests (not the add-on's): ${[...new Set(browserOwn.map((r) => r.url.split('&')[0]))].join(', ')}`);
    assert.ok(srv.requests.some((r) => r.path.includes('/TweetDetail')), 'server log has the TweetDetail requests');
  });

  it('cannot be detected by a page fetching its files (nothing web-accessible)', async () => {
    // After the error check: Firefox logs each refused load as a console error of the page.
    await wd.switchTo(xTab);
    const loaded = await wd.executeAsync(`const [base, done] = arguments;
      Promise.all(['lib/annotator.js', 'content/x-bundle.js', 'manifest.json']
        .map((p) => fetch(base + p).then((r) => p + ': HTTP ' + r.status, () => null))).then(done);`, [`moz-extension://${uuid}/`]);
    assert.deepEqual(loaded.filter(Boolean), []);
  });
});

function ours(source) {
  return typeof source === 'string' && /^(https:\/\/(x|twitter)\.com\/|moz-extension:\/\/)/.test(source);
}

function consistentThreshold(s) {
  const scored = s.articles.filter((a) => a.score !== null && a.verdict !== 'unknown');
  const minFlagged = Math.min(...scored.filter((a) => a.verdict === 'flagged').map((a) => Number(a.score)));
  const maxClear = Math.max(...scored.filter((a) => a.verdict === 'clear').map((a) => Number(a.score)));
  return maxClear <= minFlagged;
}
