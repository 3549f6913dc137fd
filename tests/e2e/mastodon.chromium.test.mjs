// End-to-end: the built extension in headless Chromium on a local HTTPS server answering as the
// Mastodon instance mastodon.social (sites/social-server.mjs), with the runtime permission flow:
// nothing runs on the instance until the user enables it from the popup ("Enable on this site");
// then the background registers the content scripts, the tab reloads and every status is judged.
// A self-declared bot (`bot: true`) is flagged with data-botlens-self-declared and its own mark.
// Removing the instance in the options page takes botlens off it again.
//   node --test tests/e2e/mastodon.chromium.test.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSocialServer, MASTODON_HOST } from './sites/social-server.mjs';
import { launch, run } from './sites/chromium-launch.mjs';
import { grantInExtensionsPage, openPopup } from './sites/chromium-grant.mjs';
import { socialCard, socialCoordLines, socialCoordProblems, socialSnapshot } from './sites/probes.mjs';
import { LINK_DETAIL } from './sites/planted.mjs';
import { fullAcct } from '../../extension/adapters/mastodon.js';
import { until } from './lib/checks.mjs';
import { REPO } from './lib/extension.mjs';
import { join } from 'node:path';

const SEL = '.status[data-id], .detailed-status';
const ORIGIN = `https://${MASTODON_HOST}/*`;

describe('chromium: botlens on a Mastodon instance', { timeout: 120000 }, () => {
  let srv; let b; let page;
  const snap = () => run(page, socialSnapshot, SEL);
  // While the tab reloads, a probe can land in the old document: read again.
  const snapNav = () => snap().catch((e) => { if (/context was destroyed|navigat/i.test(e.message)) return { posts: [], loaded: false }; throw e; });
  const registered = () => b.worker.evaluate(() => chrome.scripting.getRegisteredContentScripts());
  let n;

  before(async () => {
    srv = await startSocialServer();
    b = await launch(srv.port);
    page = b.context.pages()[0] ?? await b.context.newPage();
    b.watch(MASTODON_HOST, page);
    n = srv.mastodon.statuses.length;
  });
  after(async () => { await b?.close(); await srv?.close(); });

  it('does nothing on the instance before the user enables it', async () => {
    await page.goto(srv.mastodon.url);
    const s = await until(snap, (x) => x.loaded && x.posts.length === n, { timeout: 10000, what: 'page loaded' });
    await page.waitForTimeout(800); // longer than the annotator's grace period: nothing may appear
    const later = await snap();
    assert.ok(later.posts.every((p) => p.verdict === null && p.badges === 0), JSON.stringify(later.posts));
    assert.equal(s.strayBadges, 0);
    assert.deepEqual(await registered(), []);
  });

  it('"Enable on this site" in the popup registers the scripts and the reloaded page is judged', async () => {
    await grantInExtensionsPage(b.context, b.extId, ORIGIN);
    await page.bringToFront();
    const popup = await openPopup(b.context, b.extId, `https://${MASTODON_HOST}/`);
    try {
      await until(() => popup.evaluate("document.getElementById('enable-site')?.hidden === false"), Boolean,
        { timeout: 5000, what: 'the popup offers "Enable on this site"' });
      const loadsBefore = srv.requests.filter((r) => r.path === new URL(srv.mastodon.url).pathname).length;
      await popup.evaluate("document.getElementById('enable-site').click()", { gesture: true }).catch(() => {}); // the popup closes itself
      await until(() => srv.requests.filter((r) => r.path === new URL(srv.mastodon.url).pathname).length, (k) => k > loadsBefore,
        { timeout: 5000, what: 'the tab reloaded after the grant' });
    } finally {
      await popup.close();
    }
    const scripts = await registered();
    assert.deepEqual(scripts.map((s) => [s.id, s.matches]).sort(), [['botlens-mastodon', [ORIGIN]], ['botlens-mastodon-tap', [ORIGIN]]]);
    assert.equal(scripts.find((s) => s.id === 'botlens-mastodon-tap').world, 'MAIN');
    const s = await until(snapNav, (x) => x.loaded && x.posts.length === n && x.posts.every((p) => p.verdict && p.badges === 1 && (p.verdict === 'unknown' || p.score)),
      { timeout: 15000, what: 'every status judged' });
    const byId = Object.fromEntries(s.posts.map((p, i) => [srv.mastodon.statuses[i].account.username, p]));
    assert.equal(byId.weatherbot.verdict, 'flagged');
    assert.equal(byId.weatherbot.selfDeclared, 'true');
    assert.match(byId.weatherbot.glyph, /automated/);
    for (const [name, p] of Object.entries(byId)) {
      assert.ok(['flagged', 'clear'].includes(p.verdict), `${name}: ${p.verdict}`);
      assert.match(p.score, /^(0\.\d\d|1\.00)$/, `${name}: score`);
      if (name !== 'weatherbot') assert.equal(p.selfDeclared, null, `${name} does not say it is a bot`);
    }
    assert.equal(byId.rivertides.verdict, 'clear', 'an established account with a bio, website and header');
    assert.equal(s.strayBadges, 0);
  });

  it('marks the planted coordinated cluster, not the short replies; the card says why', async () => {
    const { members } = srv.mastodon.coordination;
    const want = { members, size: members.length };
    const s = await until(snap, (x) => x.posts.length === n && x.posts.every((p) => p.verdict && p.badges === 1) && socialCoordProblems(x, want).length === 0,
      { timeout: 15000, what: 'coordination marks' }).catch((e) => { e.message += `\n${socialCoordProblems(e.last ?? { posts: [] }, want).join('\n')}`; throw e; });
    // The mark never changes a verdict: each member is judged as its account's other posts are.
    const acct = (i) => srv.mastodon.statuses[i].account.acct;
    for (const i of members) {
      const same = s.posts.findIndex((p, j) => !members.includes(j) && acct(j) === acct(i));
      assert.ok(same >= 0);
      assert.equal(s.posts[i].verdict, s.posts[same].verdict, `${acct(i)}: verdict`);
    }
    const at = members[2];
    await page.locator(SEL).nth(at).locator('botlens-badge').hover();
    const c = await until(() => run(page, socialCoordLines, SEL, at), (x) => x.open && x.lines.some((l) => l.code === 'near_duplicate_text'),
      { timeout: 5000, what: 'card with the coordination line' });
    const line = c.lines.find((l) => l.code === 'near_duplicate_text');
    assert.equal(line.text, 'Same text as 3 other accounts in this thread');
    for (const i of members) {
      const h = `@${fullAcct(acct(i), MASTODON_HOST)}`;
      assert.equal(line.others.includes(h), i !== at, `others: ${line.others} (${h})`);
    }
    // Hashtags from tags[].name and links from the card and the content's <a href> reached the detector.
    assert.ok(c.lines.some((l) => l.code === 'same_hashtag_sequence' && l.text.includes('#parking #council')), JSON.stringify(c.lines));
    assert.ok(c.lines.some((l) => l.code === 'same_link' && l.text.includes(LINK_DETAIL)), JSON.stringify(c.lines));
    await page.mouse.move(1, 1);
  });

  it('keeps one badge per status across re-renders', async () => {
    for (let i = 0; i < 3; i += 1) {
      const before = (await snap()).renders;
      await page.click('[data-testid="e2e-rerender"]');
      await until(snap, (x) => x.renders > before && x.posts.every((p) => p.verdict && p.badges === 1), { timeout: 5000, what: `re-render ${i}` });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      assert.ok((await snap()).posts.every((p) => p.badges === 1));
    }
  });

  it('hover cards: reasons for a scored account, "says it is automated" for the self-declared bot', async () => {
    const idx = srv.mastodon.statuses.findIndex((st) => st.account.username === 'deals48213');
    await page.locator(SEL).nth(idx).locator('botlens-badge').hover();
    const c = await until(() => run(page, socialCard, SEL, idx), (x) => x.open && x.reasons.length > 0, { timeout: 5000, what: 'card with reasons' });
    assert.ok(c.text.includes('deals48213'));
    assert.ok(c.reasons.every((r) => /^[a-z][a-z0-9_]*$/.test(r)), `reasons: ${c.reasons}`);
    if (process.env.BOTLENS_SCREENSHOT === '1') await page.screenshot({ path: join(REPO, 'docs/screenshot-mastodon.png') });
    await page.mouse.move(1, 1);
    const bot = srv.mastodon.statuses.findIndex((st) => st.account.bot);
    await page.locator(SEL).nth(bot).locator('botlens-badge').hover();
    const d = await until(() => run(page, socialCard, SEL, bot), (x) => x.open, { timeout: 5000, what: 'bot card' });
    assert.match(d.summary, /says it is automated/i);
    assert.ok(d.text.includes('Hourly weather (bot)'));
    await page.mouse.move(1, 1);
  });

  it('removing the instance in the options page takes botlens off it', async () => {
    const options = await b.context.newPage();
    b.watch('options', options);
    await options.goto(`chrome-extension://${b.extId}/options/options.html`);
    const row = options.locator(`#instance-list li[data-host="${MASTODON_HOST}"]`);
    await row.waitFor();
    await row.locator('button').click();
    await row.waitFor({ state: 'detached' });
    await until(registered, (r) => r.length === 0, { timeout: 5000, what: 'scripts unregistered' });
    await options.close();
    await page.reload();
    await until(snap, (x) => x.loaded && x.posts.length === n, { timeout: 10000, what: 'reloaded' });
    await page.waitForTimeout(800);
    assert.ok((await snap()).posts.every((p) => p.verdict === null && p.badges === 0));
  });

  it('raised no error, no CSP violation, and talked to no other host', async () => {
    const s = await snap();
    assert.deepEqual(s.violations, []);
    assert.deepEqual(s.errors, []);
    assert.deepEqual(b.pageErrors, []);
    assert.deepEqual(b.consoleErrors, []);
    assert.deepEqual(srv.foreignRequests(), []);
    assert.deepEqual(srv.cspReports, []);
    const foreign = b.requests.filter((u) => !/^(https:\/\/mastodon\.social\/|chrome-extension:\/\/|chrome:\/\/|data:|blob:)/.test(u));
    assert.deepEqual(foreign, []);
  });
});
