// A hostile page, Firefox: the same hostile x.com thread and forgeries as
// hostile.chromium.test.mjs (sites/hostile-x.mjs, lib/hostile-checks.mjs), through geckodriver.
// Firefox matters here on its own: its content scripts see page objects through Xray wrappers,
// and its taps and adapters run against the same page data.
//   node --test tests/e2e/hostile.firefox.test.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startHostileServer } from './sites/hostile-server.mjs';
import { snapshot, asScript } from './lib/probes.mjs';
import { pageProblems, serverProblems, until } from './lib/checks.mjs';
import { extensionDir, geckoId, readManifest } from './lib/extension.mjs';
import { Session, startGeckodriver } from './lib/webdriver.mjs';
import { quietPrefs } from './lib/firefox-prefs.mjs';
import { CONSOLE_ERRORS, RECORD_REQUESTS } from './lib/firefox-chrome.mjs';
import {
  PAYLOAD_TAGS, badgeVerdict, cardText, forge, forgeArgs, forgeTargets, hostileProblems, inspect, payloadProblems, seenProblems,
  verdictOf, wantedOf,
} from './lib/hostile-checks.mjs';

const BINARY = process.env.BOTLENS_FIREFOX ?? '/usr/bin/firefox-esr';
const T = { settle: 30000, ui: 10000 };

describe('firefox: a hostile x.com page', { timeout: 240000 }, () => {
  let srv; let driver; let wd; let manifest;
  const exec = (fn, ...args) => wd.execute(asScript(fn), args);
  const snap = () => exec(snapshot);
  const problems = (x, opts) => hostileProblems(srv.thread, x, opts);
  const inChrome = async (script, args = []) => {
    await wd.setContext('chrome');
    try { return await wd.execute(script, args); } finally { await wd.setContext('content'); }
  };

  before(async () => {
    const dir = extensionDir('firefox');
    manifest = readManifest(dir);
    srv = await startHostileServer();
    driver = await startGeckodriver({ args: ['--allow-system-access'] });
    wd = await Session.create(driver.url, {
      browserName: 'firefox',
      acceptInsecureCerts: true,
      'moz:firefoxOptions': { binary: BINARY, args: ['-headless'], prefs: quietPrefs(srv.port, { [geckoId(manifest)]: randomUUID() }) },
    });
    await inChrome(RECORD_REQUESTS);
    assert.equal(await wd.installAddon(dir, true), geckoId(manifest));
    await wd.setWindowRect({ width: 1100, height: 900 });
  });

  after(async () => {
    try { await wd?.delete(); } catch { /* gone */ }
    await driver?.stop();
    await srv?.close();
  });

  it('judges the hostile thread without running any of its payloads; broken posts get no mark or "unknown"; the page works on', async () => {
    await wd.navigate(srv.url());
    await until(snap, (x) => x.autoRerendered && x.articles.length >= srv.thread.firstBatchCount && problems(x).length === 0,
      { timeout: T.settle, what: 'first batch judged as planned' })
      .catch((e) => { e.message += `\n${problems(e.last ?? { articles: [] }).join('\n')}`; throw e; });
    await wd.click(await wd.find('[data-testid="e2e-show-more"]'));
    const ids = srv.thread.posts.map((p) => p.id).filter((id) => wantedOf(srv.thread).get(id) !== 'none');
    const s = await until(snap, (x) => x.batches === 2 && problems(x, { need: ids }).length === 0,
      { timeout: T.settle, what: 'second batch judged as planned' })
      .catch((e) => { e.message += `\n${problems(e.last ?? { articles: [] }, { need: ids }).join('\n')}`; throw e; });
    const x = await until(() => exec(inspect), (v) => v.hostile?.done === true, { timeout: T.settle, what: 'the page\'s own broken requests done' });
    assert.deepEqual(payloadProblems(x), []);
    assert.deepEqual(pageProblems(s), []);
  });

  it('shows hostile names in the card as text, exactly as the page gave them', async () => {
    for (const h of srv.thread.hostile.filter((v) => v.plan.expect === 'judged')) {
      const r = await wd.execute(`const m = document.querySelector('article[data-testid="tweet"] a[href$="/status/${h.id}"]').closest('article').querySelector('botlens-badge').shadowRoot.querySelector('.mark');
        m.scrollIntoView({ block: 'center' }); const r = m.getBoundingClientRect(); return { x: Math.round(r.left + r.width / 2), y: Math.round(r.top + r.height / 2) };`);
      await wd.moveTo(r.x, r.y);
      const c = await until(() => exec(cardText, h.id), (v) => v.open, { timeout: T.ui, what: `card of ${h.id}` });
      assert.equal(c.name, h.plan.name ?? h.account.name, `card name of reply ${h.plan.i}`);
      await wd.moveTo(1, 1);
      await until(() => exec(cardText, h.id), (v) => !v.open, { timeout: T.ui, what: `card of ${h.id} closed` });
    }
    const after = await exec(inspect);
    assert.equal(after.pwned, null);
    for (const tag of PAYLOAD_TAGS) assert.ok(!after.shadowTags.includes(tag), `<${tag}> in a card`);
  });

  it('drops forged bridge events without errors; forged data cannot relabel a judged account; nothing but the DOM contract reaches the page', async () => {
    const before = await snap();
    const { human, dom } = forgeTargets(srv.thread);
    assert.equal(verdictOf(before, human.id).verdict, 'clear');
    assert.equal(verdictOf(before, dom.id).verdict, 'unknown');
    assert.equal(await exec(forge, forgeArgs(srv.thread, human)), true);
    await wd.click(await wd.find('[data-testid="e2e-rerender-inner"]'));
    const s = await until(snap, (x) => ['flagged', 'clear'].includes(verdictOf(x, dom.id)?.verdict) && verdictOf(x, human.id)?.verdict === 'clear',
      { timeout: T.ui, what: 'the invented account judged, the human\'s post restored to clear' });
    assert.deepEqual({ v: verdictOf(s, human.id).verdict, s: verdictOf(s, human.id).score }, { v: 'clear', s: verdictOf(before, human.id).score });
    assert.equal(await exec(badgeVerdict, human.id), 'clear');
    for (const a of before.articles) {
      if (a.id === dom.id) continue;
      assert.deepEqual([verdictOf(s, a.id)?.verdict, verdictOf(s, a.id)?.score], [a.verdict, a.score], `post ${a.id} changed`);
    }
    assert.deepEqual(seenProblems(await wd.execute('return window.__forgeSeen;')), []);
    assert.equal((await exec(inspect)).pwned, null);
    assert.deepEqual(pageProblems(s), []);
  });

  it('raised no error and talked to no other host', async () => {
    const errors = (await inChrome(CONSOLE_ERRORS))
      .filter((e) => /^(https:\/\/(x|twitter)\.com\/|moz-extension:\/\/)/.test(e.source ?? '') || /botlens|moz-extension/.test(e.message));
    assert.deepEqual(errors, []);
    const stdoutErrors = driver.log.join('').split('\n').filter((l) => /^console\.(error|assert)\b/.test(l)).filter((l) => !/^console\.error: RSLoader:/.test(l));
    assert.deepEqual(stdoutErrors, [], 'console errors of the page, content scripts or background');
    assert.deepEqual(serverProblems(srv), []);
    const requests = await inChrome('return window.__botlensE2eRequests ?? [];');
    const foreignByUs = requests.filter((r) => (r.by.startsWith('moz-extension://') || /^https:\/\/(x|twitter)\.com$/.test(r.by)) && !/^https:\/\/(x|twitter)\.com\//.test(r.url));
    assert.deepEqual(foreignByUs, [], 'requests by the page or the add-on to other hosts');
  });
});
