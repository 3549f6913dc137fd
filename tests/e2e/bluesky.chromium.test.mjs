// End-to-end: the built extension in headless Chromium on a local HTTPS server answering as
// bsky.app and its AppView (sites/social-server.mjs). Bluesky is not scored (the model does no
// better than chance there: adapters/bluesky.js), so every post must be judged `unknown`, with
// exactly one badge whose card names the author; a user decision ("Always flag") still applies.
//   node --test tests/e2e/bluesky.chromium.test.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSocialServer } from './sites/social-server.mjs';
import { REPO } from './lib/extension.mjs';
import { join } from 'node:path';
import { launch, run } from './sites/chromium-launch.mjs';
import { socialCard, socialCoordLines, socialCoordProblems, socialSnapshot } from './sites/probes.mjs';
import { LINK_DETAIL } from './sites/planted.mjs';
import { until } from './lib/checks.mjs';

const SEL = '[data-testid^="postThreadItem-by-"], [data-testid^="feedItem-by-"]';

describe('chromium: botlens on bsky.app', { timeout: 90000 }, () => {
  let srv; let b; let page;
  const snap = () => run(page, socialSnapshot, SEL);
  const judged = (s, n) => s.loaded && s.posts.length === n && s.posts.every((p) => p.verdict && p.badges === 1);

  before(async () => {
    srv = await startSocialServer();
    b = await launch(srv.port);
    page = b.context.pages()[0] ?? await b.context.newPage();
    b.watch('bsky.app', page);
  });
  after(async () => { await b?.close(); await srv?.close(); });

  it('judges every post of a getPostThreadV2 thread, one badge each', async () => {
    await page.goto(srv.bluesky.url);
    const n = srv.bluesky.posts.length;
    const s = await until(snap, (x) => judged(x, n), { timeout: 15000, what: 'every post judged' });
    assert.deepEqual(s.posts.map((p) => p.verdict), Array(n).fill('unknown'));
    assert.ok(s.posts.every((p) => p.score === null && p.shadow), 'no score on unknown posts; badge has its shadow root');
    assert.equal(s.strayBadges, 0);
    assert.ok(srv.requests.some((r) => r.host === 'public.api.bsky.app' && r.path.endsWith('getPostThreadV2')));
  });

  it('marks the planted coordinated cluster, not the short replies; the card says why', async () => {
    const n = srv.bluesky.posts.length;
    const { members } = srv.bluesky.coordination;
    const want = { members, size: members.length };
    const s = await until(snap, (x) => judged(x, n) && socialCoordProblems(x, want).length === 0,
      { timeout: 15000, what: 'coordination marks' }).catch((e) => { e.message += `\n${socialCoordProblems(e.last ?? { posts: [] }, want).join('\n')}`; throw e; });
    assert.deepEqual(s.posts.map((p) => p.verdict), Array(n).fill('unknown'), 'the mark never changes the verdict');
    const at = members[1];
    await page.locator(SEL).nth(at).locator('botlens-badge').hover();
    const c = await until(() => run(page, socialCoordLines, SEL, at), (x) => x.open && x.lines.some((l) => l.code === 'near_duplicate_text'),
      { timeout: 5000, what: 'card with the coordination line' });
    const line = c.lines.find((l) => l.code === 'near_duplicate_text');
    assert.equal(line.text, 'Same text as 3 other accounts in this thread');
    for (const i of members) {
      const h = `@${srv.bluesky.posts[i].author.handle}`;
      assert.equal(line.others.includes(h), i !== at, `others: ${line.others} (${h})`);
    }
    // Hashtags from the #tag facets and the link from the external embed reached the detector.
    assert.ok(c.lines.some((l) => l.code === 'same_hashtag_sequence' && l.text.includes('#parking #council')), JSON.stringify(c.lines));
    assert.ok(c.lines.some((l) => l.code === 'same_link' && l.text.includes(LINK_DETAIL)), JSON.stringify(c.lines));
    await page.mouse.move(1, 1);
  });

  it('keeps one badge per post across re-renders', async () => {
    const n = srv.bluesky.posts.length;
    for (let i = 0; i < 3; i += 1) {
      const before = (await snap()).renders;
      await page.click('[data-testid="e2e-rerender"]');
      await until(snap, (x) => x.renders > before && judged(x, n), { timeout: 5000, what: `judged after re-render ${i}` });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const s = await snap();
      assert.ok(s.posts.every((p) => p.badges === 1), `badges: ${s.posts.map((p) => p.badges)}`);
    }
  });

  it('hover card names the author and says why there is no score', async () => {
    const post = srv.bluesky.posts[2];
    await page.locator(SEL).nth(2).locator('botlens-badge').hover();
    // The account's age comes only from the AppView JSON (createdAt): proof the tap delivered it.
    const c = await until(() => run(page, socialCard, SEL, 2), (x) => x.open && x.facts.includes('account_age'),
      { timeout: 5000, what: 'card open with the account age' });
    assert.ok(c.text.includes(post.author.displayName), `card text: ${c.text}`);
    assert.match(c.summary, /not enough data/i);
    assert.deepEqual(c.reasons, [], 'no reasons without a score');
    if (process.env.BOTLENS_SCREENSHOT === '1') await page.screenshot({ path: join(REPO, 'docs/screenshot-bluesky.png') });
    // "Always flag": the user's decision applies at once.
    const card = page.locator(SEL).nth(2).locator('botlens-badge');
    await card.locator('button[data-action="flag"]').click();
    await until(snap, (x) => x.posts[2].verdict === 'flagged', { timeout: 5000, what: 'flagged by the user' });
    await card.locator('button[data-action="reset"]').click();
    await until(snap, (x) => x.posts[2].verdict === 'unknown', { timeout: 5000, what: 'back to automatic' });
  });

  it('raised no error, no CSP violation, and talked to no other host', async () => {
    const s = await snap();
    assert.deepEqual(s.violations, []);
    assert.deepEqual(s.errors, []);
    assert.deepEqual(b.pageErrors, []);
    assert.deepEqual(b.consoleErrors, []);
    assert.deepEqual(srv.foreignRequests(), []);
    assert.deepEqual(srv.cspReports, []);
    const foreign = b.requests.filter((u) => !/^(https:\/\/(bsky\.app|public\.api\.bsky\.app)\/|chrome-extension:\/\/|data:|blob:)/.test(u));
    assert.deepEqual(foreign, []);
  });
});
