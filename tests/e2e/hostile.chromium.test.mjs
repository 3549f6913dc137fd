// A hostile page, Chromium (issue 8): an x.com thread whose names, handles, bios and texts carry
// HTML payloads, 100 KB strings, bidi and zero-width controls, right-to-left text, long emoji ZWJ
// sequences and broken fields, whose own script requests truncated and absurd responses
// (sites/hostile-x.mjs, sites/hostile-server.mjs, sites/hostile-page.js), and which then forges
// botlens' bridge events and attributes. docs/SECURITY.md names these tests for its claims.
//   node --test tests/e2e/hostile.chromium.test.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHostileServer } from './sites/hostile-server.mjs';
import { snapshot } from './lib/probes.mjs';
import { pageProblems, serverProblems, until } from './lib/checks.mjs';
import { extensionDir } from './lib/extension.mjs';
import { isolatedWorld, launchChromium } from './lib/chromium-faults.mjs';
import {
  PAYLOAD_TAGS, badgeVerdict, cardText, forge, forgeArgs, forgeTargets, hostileProblems, inspect, payloadProblems, seenProblems,
  verdictOf, wantedOf,
} from './lib/hostile-checks.mjs';

const T = { settle: 30000, ui: 10000 };

describe('chromium: a hostile x.com page', { timeout: 240000 }, () => {
  let srv; let profile; let b; let page;
  const errors = [];
  const contextRequests = [];
  const snap = () => page.evaluate(snapshot);

  const problems = (x, opts) => hostileProblems(srv.thread, x, opts);

  before(async () => {
    srv = await startHostileServer();
    profile = mkdtempSync(join(tmpdir(), 'botlens-e2e-hostile-'));
    b = await launchChromium({ profile, extDir: extensionDir('chrome'), port: srv.port, errors });
    b.context.on('request', (r) => contextRequests.push(r.url()));
    page = b.context.pages()[0] ?? await b.context.newPage();
    page.setDefaultTimeout(T.ui);
  });

  after(async () => {
    await b?.context.close();
    await srv?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('judges the hostile thread without running any of its payloads; broken posts get no mark or "unknown"; the page works on', async () => {
    await page.goto(srv.url());
    await until(snap, (x) => x.autoRerendered && x.articles.length >= srv.thread.firstBatchCount && problems(x).length === 0,
      { timeout: T.settle, what: 'first batch judged as planned' })
      .catch((e) => { e.message += `\n${problems(e.last ?? { articles: [] }).join('\n')}`; throw e; });
    // The page's own next page still loads, and is judged.
    await page.click('[data-testid="e2e-show-more"]');
    const ids = srv.thread.posts.map((p) => p.id).filter((id) => wantedOf(srv.thread).get(id) !== 'none');
    const s = await until(snap, (x) => x.batches === 2 && problems(x, { need: ids }).length === 0,
      { timeout: T.settle, what: 'second batch judged as planned' })
      .catch((e) => { e.message += `\n${problems(e.last ?? { articles: [] }, { need: ids }).join('\n')}`; throw e; });
    const hostilePage = await until(() => page.evaluate(inspect), (x) => x.hostile?.done === true, { timeout: T.settle, what: 'the page\'s own broken requests done' });

    assert.deepEqual(payloadProblems(hostilePage), []);
    assert.deepEqual(pageProblems(s), []);
  });

  it('shows hostile names in the card as text, exactly as the page gave them', async () => {
    for (const h of srv.thread.hostile.filter((x) => x.plan.expect === 'judged')) {
      const mark = page.locator(`article[data-testid="tweet"]:has(a[href$="/status/${h.id}"]) botlens-badge .mark`);
      await mark.scrollIntoViewIfNeeded();
      await mark.hover();
      const c = await until(() => page.evaluate(cardText, h.id), (x) => x.open, { timeout: T.ui, what: `card of ${h.id}` });
      assert.equal(c.name, h.plan.name ?? h.account.name, `card name of reply ${h.plan.i}`);
      await page.mouse.move(1, 1);
      await until(() => page.evaluate(cardText, h.id), (x) => !x.open, { timeout: T.ui, what: `card of ${h.id} closed` });
    }
    const after = await page.evaluate(inspect);
    assert.equal(after.pwned, null);
    for (const tag of PAYLOAD_TAGS) assert.ok(!after.shadowTags.includes(tag), `<${tag}> in a card`);
  });

  it('drops forged bridge events without errors; forged data cannot relabel a judged account; nothing but the DOM contract reaches the page', async () => {
    const before = await snap();
    const { human, dom } = forgeTargets(srv.thread);
    assert.equal(verdictOf(before, human.id).verdict, 'clear');
    assert.equal(verdictOf(before, dom.id).verdict, 'unknown');
    const iso = await isolatedWorld(b.context, page, b.extId);

    assert.equal(await page.evaluate(forge, forgeArgs(srv.thread, human)), true);
    // The page re-renders the names (as React does): botlens rewrites its own attributes.
    await page.click('[data-testid="e2e-rerender-inner"]');
    // The forged post with its invented author is judged: the last forged event was processed.
    const s = await until(snap, (x) => ['flagged', 'clear'].includes(verdictOf(x, dom.id)?.verdict) && verdictOf(x, human.id)?.verdict === 'clear',
      { timeout: T.ui, what: 'the invented account judged, the human\'s post restored to clear' });
    // The human's post keeps its verdict and score: forged data does not relabel a judged account.
    assert.deepEqual({ v: verdictOf(s, human.id).verdict, s: verdictOf(s, human.id).score }, { v: 'clear', s: verdictOf(before, human.id).score });
    assert.equal(await page.evaluate(badgeVerdict, human.id), 'clear');
    // Every other post is as it was (the malformed events changed nothing).
    for (const a of before.articles) {
      if (a.id === dom.id) continue;
      assert.deepEqual([verdictOf(s, a.id)?.verdict, verdictOf(s, a.id)?.score], [a.verdict, a.score], `post ${a.id} changed`);
    }
    // What the page could read: its own events back (the forged ones, the tap's replay of its own
    // JSON), never a verdict or score from the extension; no message from the extension.
    assert.deepEqual(seenProblems(await page.evaluate(() => window.__forgeSeen)), []);
    assert.equal(await iso.run('({}).polluted === undefined && Object.prototype.polluted === undefined'), true, 'prototype polluted in the isolated world');
    await iso.detach();
    assert.equal((await page.evaluate(inspect)).pwned, null);
    assert.deepEqual(pageProblems(s), []);
  });

  it('gives the page no way to message botlens; the background refuses popup and options messages from a content script', async () => {
    // No externally_connectable: the page's world has no runtime to reach the extension.
    assert.equal(await page.evaluate(() => typeof globalThis.chrome?.runtime?.sendMessage), 'undefined');
    // A content script (the context a compromised page would be closest to) asking for what only
    // the popup and the options page may ask: refused with {error}, never thrown.
    const iso = await isolatedWorld(b.context, page, b.extId);
    const replies = await iso.run(`(async () => {
      const ask = (m) => chrome.runtime.sendMessage(m).then((r) => r, (e) => ({ thrown: String(e) }));
      const port = await new Promise((resolve) => {
        const p = chrome.runtime.connect({ name: 'options->bg:model-info' });
        p.onMessage.addListener((m) => resolve({ answered: m }));
        p.onDisconnect.addListener(() => { void chrome.runtime.lastError; resolve('disconnected'); });
      });
      return {
        stats: await ask({ type: 'popup->bg:get-stats', tabId: 1 }),
        sync: await ask({ type: 'options->bg:sync-instances' }),
        model: await ask({ type: 'options->bg:model-info' }),
        unknown: await ask({ type: 'bg->content:anything' }),
        notObject: await ask('score please'),
        bigBatch: await ask({ type: 'content->bg:score', accounts: Array(501).fill({}) }),
        port,
      };
    })()`);
    assert.deepEqual(replies, {
      stats: { error: 'refused' }, sync: { error: 'refused' }, model: { error: 'refused' }, unknown: { error: 'unknown message' },
      notObject: { error: 'refused' }, bigBatch: { error: 'bad batch' }, port: 'disconnected',
    });
    await iso.detach();
  });

  it('raised no error and talked to no other host', () => {
    assert.deepEqual(errors, []);
    assert.deepEqual(serverProblems(srv), []);
    const foreign = contextRequests.filter((u) => !/^(https:\/\/(x|twitter)\.com\/|chrome-extension:\/\/|data:|blob:)/.test(u));
    assert.deepEqual(foreign, []);
  });
});
