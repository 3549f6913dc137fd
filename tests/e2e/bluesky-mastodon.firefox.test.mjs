// End-to-end in headless Firefox ESR (geckodriver, lib/webdriver.mjs) on the local social server
// (sites/social-server.mjs): bsky.app (static host: every post judged `unknown` with one badge and
// the account facts from the AppView JSON) and a Mastodon instance enabled at runtime. Firefox's
// permission prompt cannot be answered by WebDriver, so the grant is made from the chrome context
// with ExtensionPermissions (what the prompt's "Allow" does); the background's
// permissions.onAdded then registers the content scripts, which is what this test checks.
//   node --test tests/e2e/bluesky-mastodon.firefox.test.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { asScript } from './lib/probes.mjs';
import { until } from './lib/checks.mjs';
import { extensionDir, geckoId, readManifest } from './lib/extension.mjs';
import { Session, startGeckodriver } from './lib/webdriver.mjs';
import { quietPrefs } from './lib/firefox-prefs.mjs';
import { HOSTS, MASTODON_HOST, startSocialServer } from './sites/social-server.mjs';
import { socialCoordProblems, socialSnapshot } from './sites/probes.mjs';
import { LINK_DETAIL } from './sites/planted.mjs';
import { fullAcct } from '../../extension/adapters/mastodon.js';

const BINARY = process.env.BOTLENS_FIREFOX ?? '/usr/bin/firefox-esr';
const BSKY = '[data-testid^="postThreadItem-by-"], [data-testid^="feedItem-by-"]';
const MASTO = '.status[data-id], .detailed-status';

describe('firefox: botlens on bsky.app and a Mastodon instance', { timeout: 120000 }, () => {
  let srv; let driver; let wd; let manifest;
  const snap = (sel) => wd.execute(asScript(socialSnapshot), [sel]);
  const inChrome = async (script, args = []) => {
    await wd.setContext('chrome');
    try { return await wd.execute(script, args); } finally { await wd.setContext('content'); }
  };
  /** Opens the card of the index-th post by clicking its mark; returns the visible [data-fact]/[data-reason] codes. */
  const openCard = (sel, i) => wd.execute(`const b = document.querySelectorAll(arguments[0])[arguments[1]].querySelector('botlens-badge');
    const sr = b.shadowRoot; if (sr.querySelector('.card').hidden) sr.querySelector('.mark').click();
    const vis = (el) => el.checkVisibility({ checkVisibilityCSS: true });
    return { summary: sr.querySelector('.summary').textContent,
      facts: [...sr.querySelectorAll('[data-fact]')].filter(vis).map((e) => e.dataset.fact),
      reasons: [...sr.querySelectorAll('[data-reason]')].filter(vis).map((e) => e.dataset.reason) };`, [sel, i]);

  /** Opens the card of the index-th post and returns its visible coordination lines {code, text, others}. */
  const coordLines = (sel, i) => wd.execute(`const b = document.querySelectorAll(arguments[0])[arguments[1]].querySelector('botlens-badge');
    const sr = b.shadowRoot; if (sr.querySelector('.card').hidden) sr.querySelector('.mark').click();
    return [...sr.querySelectorAll('[data-coord-line][data-reason]')].filter((el) => el.getClientRects().length > 0).map((el) => ({
      code: el.dataset.reason, text: el.querySelector('.coord-text')?.textContent ?? '', others: el.querySelector('.coord-others')?.textContent ?? '' }));`, [sel, i]);
  const closeCards = () => wd.execute(`for (const b of document.querySelectorAll('botlens-badge')) { const c = b.shadowRoot?.querySelector('.card'); if (c && !c.hidden) b.shadowRoot.querySelector('.mark').click(); }`, []);
  /** The planted cluster: marks on its members only, and the card of member `at` with its lines. */
  async function checkCluster(sel, n, { members }, at, handleOf) {
    const want = { members, size: members.length };
    const s = await until(() => snap(sel), (x) => x.posts.length === n && x.posts.every((p) => p.verdict && p.badges === 1) && socialCoordProblems(x, want).length === 0,
      { timeout: 20000, what: 'coordination marks' }).catch((e) => { e.message += `\n${socialCoordProblems(e.last ?? { posts: [] }, want).join('\n')}`; throw e; });
    await closeCards();
    const lines = await until(() => coordLines(sel, at), (x) => x.some((l) => l.code === 'near_duplicate_text'), { timeout: 6000, what: 'card with the coordination line' });
    const line = lines.find((l) => l.code === 'near_duplicate_text');
    assert.equal(line.text, 'Same text as 3 other accounts in this thread');
    for (const i of members) assert.equal(line.others.includes(`@${handleOf(i)}`), i !== at, `others: ${line.others} (${handleOf(i)})`);
    assert.ok(lines.some((l) => l.code === 'same_hashtag_sequence' && l.text.includes('#parking #council')), JSON.stringify(lines));
    assert.ok(lines.some((l) => l.code === 'same_link' && l.text.includes(LINK_DETAIL)), JSON.stringify(lines));
    await closeCards();
    return s;
  }

  before(async () => {
    const dir = extensionDir('firefox');
    manifest = readManifest(dir);
    srv = await startSocialServer();
    driver = await startGeckodriver({ args: ['--allow-system-access'] });
    const prefs = { ...quietPrefs(srv.port, { [geckoId(manifest)]: randomUUID() }), 'network.dns.localDomains': HOSTS.join(',') };
    wd = await Session.create(driver.url, {
      browserName: 'firefox', acceptInsecureCerts: true,
      'moz:firefoxOptions': { binary: BINARY, args: ['-headless'], prefs },
    });
    assert.equal(await wd.installAddon(dir, true), geckoId(manifest));
  });
  after(async () => {
    try { await wd?.delete(); } catch { /* gone */ }
    await driver?.stop();
    await srv?.close();
  });

  it('bsky.app: every post unknown, one badge each, facts from the AppView JSON', async () => {
    await wd.navigate(srv.bluesky.url);
    const n = srv.bluesky.posts.length;
    const s = await until(() => snap(BSKY), (x) => x.loaded && x.posts.length === n && x.posts.every((p) => p.verdict && p.badges === 1),
      { timeout: 20000, what: 'every post judged' });
    assert.ok(s.posts.every((p) => p.verdict === 'unknown' && p.score === null));
    const c = await until(() => openCard(BSKY, 1), (x) => x.facts.includes('account_age'), { timeout: 6000, what: 'card with the account age' });
    assert.match(c.summary, /not enough data/i);
    assert.deepEqual(s.violations, []);
    assert.deepEqual(s.errors, []);
  });

  it('bsky.app: the planted coordinated cluster is marked, the short replies are not, verdicts stay unknown', async () => {
    const n = srv.bluesky.posts.length;
    const c = srv.bluesky.coordination;
    const s = await checkCluster(BSKY, n, c, c.members[0], (i) => srv.bluesky.posts[i].author.handle);
    assert.ok(s.posts.every((p) => p.verdict === 'unknown'), 'the mark never changes the verdict');
  });

  it('Mastodon: nothing before the grant; after it every status is judged, the bot self-declared', async () => {
    const n = srv.mastodon.statuses.length;
    await wd.navigate(srv.mastodon.url);
    await until(() => snap(MASTO), (x) => x.loaded && x.posts.length === n, { timeout: 10000, what: 'page loaded' });
    await new Promise((r) => setTimeout(r, 800));
    assert.ok((await snap(MASTO)).posts.every((p) => p.verdict === null && p.badges === 0));
    await inChrome(`const args = arguments; return (async () => { const arguments_ = args;
      const { ExtensionPermissions } = ChromeUtils.importESModule('resource://gre/modules/ExtensionPermissions.sys.mjs');
      const { WebExtensionPolicy } = globalThis;
      const policy = WebExtensionPolicy.getByID(arguments_[0]);
      await ExtensionPermissions.add(arguments_[0], { permissions: [], origins: [arguments_[1]] }, policy?.extension);
      return true; })();`, [geckoId(manifest), `https://${MASTODON_HOST}/*`]);
    // The background registers the scripts on permissions.onAdded; reload until they run.
    const s = await until(async () => { await wd.navigate(srv.mastodon.url); await new Promise((r) => setTimeout(r, 1500)); return snap(MASTO); },
      (x) => x.posts.length === n && x.posts.every((p) => p.verdict && p.badges === 1), { timeout: 30000, interval: 10, what: 'every status judged' });
    const byName = Object.fromEntries(s.posts.map((p, i) => [srv.mastodon.statuses[i].account.username, p]));
    assert.equal(byName.weatherbot.verdict, 'flagged');
    assert.equal(byName.weatherbot.selfDeclared, 'true');
    assert.equal(byName.rivertides.verdict, 'clear');
    for (const p of s.posts) assert.match(p.score, /^(0\.\d\d|1\.00)$/);
    const idx = srv.mastodon.statuses.findIndex((st) => st.account.username === 'deals48213');
    const c = await until(() => openCard(MASTO, idx), (x) => x.reasons.length > 0, { timeout: 6000, what: 'card with reasons' });
    assert.ok(c.reasons.every((r) => /^[a-z][a-z0-9_]*$/.test(r)));
    assert.deepEqual(s.violations, []);
    assert.deepEqual(s.errors, []);
  });

  it('Mastodon: the planted coordinated cluster is marked, the short replies are not, verdicts unchanged', async () => {
    const n = srv.mastodon.statuses.length;
    const c = srv.mastodon.coordination;
    const acct = (i) => srv.mastodon.statuses[i].account.acct;
    const s = await checkCluster(MASTO, n, c, c.members[3], (i) => fullAcct(acct(i), MASTODON_HOST));
    for (const i of c.members) {
      const same = s.posts.findIndex((p, j) => !c.members.includes(j) && acct(j) === acct(i));
      assert.equal(s.posts[i].verdict, s.posts[same].verdict, `${acct(i)}: verdict`);
    }
  });

  it('talked to no other host', () => {
    assert.deepEqual(srv.foreignRequests(), []);
    assert.deepEqual(srv.cspReports, []);
  });
});
