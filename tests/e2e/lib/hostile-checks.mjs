// What the hostile-page tests (hostile.chromium.test.mjs, hostile.firefox.test.mjs) run in the
// page and how they judge it. The page functions are self-contained (serialised with
// Function.prototype.toString) and read only the DOM contract of docs/CONTRACTS.md plus the hostile
// page's own records (window.__hostile, window.__e2eInlineRan) and the payloads' flag
// (window.__botlensPwned).
import { DEFAULT_AVATAR, xDate } from './x-thread.mjs';
import { pick } from './checks.mjs';

/** Tags no badge's shadow root may contain: they could only have come from page data. */
export const PAYLOAD_TAGS = ['img', 'script', 'svg', 'iframe', 'object', 'embed', 'a'];

/** Page: the DOM the extension made, looked at for anything that came from page data. */
export function inspect() {
  const badges = [...document.querySelectorAll('botlens-badge')];
  const shadowTags = new Set();
  for (const b of badges) for (const el of b.shadowRoot?.querySelectorAll('*') ?? []) shadowTags.add(el.localName);
  return {
    pwned: window.__botlensPwned ?? null,
    inlineRan: window.__e2eInlineRan === true,
    shadowTags: [...shadowTags].sort(),
    docPayloadElements: document.querySelectorAll('img, svg, iframe, object, embed, script:not([src]):not([type="application/json"])').length,
    scripts: document.querySelectorAll('script').length,
    hostile: window.__hostile ? { done: window.__hostile.done, results: window.__hostile.results.map((r) => ({ ...r })) } : null,
    globals: Object.getOwnPropertyNames(window).filter((n) => /botlens/i.test(n)),
  };
}

/** Page: whether the card of post `id` is open, and the textContent of its name. */
export function cardText(id) {
  const a = document.querySelector(`article[data-testid="tweet"] a[href$="/status/${id}"]`)?.closest('article');
  const root = a?.querySelector('botlens-badge')?.shadowRoot;
  const card = root?.querySelector('.card');
  return { open: !!card && !card.hidden, name: root?.querySelector('.name')?.textContent ?? null };
}

/** Page: the badge host's own data-verdict in the article of post `id`. */
export function badgeVerdict(id) {
  return document.querySelector(`article[data-testid="tweet"] a[href$="/status/${id}"]`)?.closest('article')
    ?.querySelector('botlens-badge')?.getAttribute('data-verdict') ?? null;
}

/** id -> what the post must show: 'flagged' | 'clear' | 'unknown' | 'judged' (flagged or clear) | 'none'. */
export function wantedOf(thread) {
  const m = new Map(thread.posts.map((p) => [p.id, p.account.expect]));
  for (const h of thread.hostile) m.set(h.id, h.plan.expect);
  return m;
}

/** Problems of a snapshot() against the plan; `need`: ids that must be rendered. */
export function hostileProblems(thread, s, { need = null } = {}) {
  const want = wantedOf(thread);
  const out = [];
  for (const a of s.articles) {
    const w = want.get(a.id);
    if (!w) {
      // An article without a readable status link (the hostile handle) must be unmarked.
      if (a.verdict !== null || a.badges !== 0) out.push(`unreadable article ${a.id}: marked ${a.verdict}`);
    } else if (w === 'none') {
      if (a.verdict !== null || a.badges !== 0) out.push(`${a.id}: expected no mark, has ${a.verdict} / ${a.badges} badge(s)`);
    } else if (w === 'judged') {
      if (!['flagged', 'clear'].includes(a.verdict) || a.badges !== 1 || !/^(0\.\d\d|1\.00)$/.test(a.score ?? '')) out.push(`${a.id}: expected a verdict with score and badge, has ${a.verdict} ${a.score} / ${a.badges}`);
    } else if (a.verdict !== w) {
      out.push(`${a.id}: verdict ${a.verdict}, expected ${w}`);
    } else if (w === 'unknown' && a.score !== null) {
      out.push(`${a.id}: unknown with a score`);
    }
  }
  for (const id of need ?? []) if (!s.articles.some((a) => a.id === id)) out.push(`${id} not rendered`);
  return out;
}

/** Problems of inspect() after the hostile thread was judged (empty = none). */
export function payloadProblems(x, { brokenRequests = 21 } = {}) {
  const out = [];
  if (!x.inlineRan) out.push('this page\'s CSP did not run inline handlers: the payload check proves nothing');
  if (x.pwned !== null) out.push(`a payload from page data ran: ${x.pwned}`);
  if (x.docPayloadElements !== 0) out.push(`${x.docPayloadElements} element(s) from page data in the document`);
  if (x.scripts !== 3) out.push(`${x.scripts} script elements (3 expected)`);
  for (const tag of PAYLOAD_TAGS) if (x.shadowTags.includes(tag)) out.push(`<${tag}> in a badge's shadow root`);
  if (x.globals.length) out.push(`botlens globals in the page: ${x.globals}`);
  if (!x.hostile?.done) out.push('the page\'s own broken requests did not finish');
  else {
    if (x.hostile.results.length !== brokenRequests) out.push(`${x.hostile.results.length} broken requests answered, ${brokenRequests} expected`);
    const bad = x.hostile.results.filter((r) => r.status !== 200);
    if (bad.length) out.push(`broken requests failed in the page: ${JSON.stringify(bad)}`);
  }
  return out;
}

/** A post's entry in a snapshot. */
export const verdictOf = (s, id) => s.articles.find((a) => a.id === id);

/** The forgery's targets: a human reply judged "clear" (not hostile, not the root's author), and the DOM-only post. */
export function forgeTargets(thread) {
  const hostileIds = new Set(thread.hostile.map((h) => h.id));
  const human = pick(thread, 'clear').find((p) => !hostileIds.has(p.id) && p.account.id !== thread.root.author.id);
  return { human, dom: thread.domOnly };
}

/** The forged users of the forgery: bot-like data for `human` (already judged) and an invented account. */
export function forgeArgs(thread, human, nowMs = Date.now()) {
  const botLike = (id, handle) => ({
    __typename: 'User', rest_id: id,
    core: { screen_name: handle, name: 'Forged', created_at: xDate(nowMs - 86400e3) },
    relationship_counts: { followers: 0, following: 4999 }, tweet_counts: { tweets: 90000 },
    action_counts: { favorites_count: 0 }, avatar: { image_url: DEFAULT_AVATAR }, profile_bio: { description: '' },
  });
  const invented = '1999999999999999999';
  return {
    forged: { humanBot: botLike(human.account.id, human.account.screen_name), invented: botLike(invented, thread.domOnly.author.screen_name), inventedId: invented, domPost: thread.domOnly.id },
    human: { post: human.id, user: human.account.id },
  };
}

/**
 * Page: listens to every botlens event name and `message` (window.__forgeSeen), then dispatches
 * malformed, oversized and misdirected bridge events, made-up event names, a postMessage in the
 * extension's message format, a forged ready event, fake verdict attributes on the human's post,
 * and last a well-formed forgery (bot-like data for the human, an invented author for the post
 * that had no JSON). `args` from forgeArgs().
 */
export function forge({ forged, human: h }) {
  const seen = window.__forgeSeen = [];
  for (const type of ['botlens:x-users', 'botlens:x-ready', 'botlens:x-verdicts', 'botlens:verdict']) {
    document.addEventListener(type, (e) => seen.push({ type, detail: typeof e.detail === 'string' ? e.detail : String(e.detail) }));
  }
  window.addEventListener('message', (e) => seen.push({ type: 'message', detail: JSON.stringify(e.data) }));
  const fire = (detail, type = 'botlens:x-users', target = document) => target.dispatchEvent(new CustomEvent(type, { detail }));
  const user = { __typename: 'User', rest_id: '5', core: { screen_name: 'p', name: 'p', created_at: 'Sat Dec 14 04:35:55 +0000 2013' } };
  for (const d of [undefined, null, 42, true, { v: 1, users: [user], tweets: [] }, 'not json', '{"v":1,', '[]', '"x"',
    JSON.stringify({ v: 2, users: [user], tweets: [] }), JSON.stringify({ v: 1, users: 'x', tweets: [] }),
    JSON.stringify({ v: 1, users: [user], tweets: {} }), JSON.stringify({ v: 1, users: Array(2001).fill(user), tweets: [] }),
    JSON.stringify({ v: 1, users: [null, 1, 'x', [], { __typename: 'User' }], tweets: [[1, 2], ['a', 'b'], null, ['1'], ['1', '2', '3']] }),
    '{"v":1,"users":[{"__typename":"User","rest_id":"6","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}],"tweets":[],"__proto__":{"polluted":true}}',
    'x'.repeat(9 * 1024 * 1024)]) fire(d);
  fire(JSON.stringify({ v: 1, users: [forged.humanBot], tweets: [[h.post, h.user]] }), 'botlens:x-users', window);
  fire(JSON.stringify({ verdicts: [{ key: `x:${h.user}`, score: 0.99, verdict: 'flagged' }] }), 'botlens:x-verdicts');
  fire(JSON.stringify({ type: 'bg->content:verdict', verdict: 'flagged' }), 'botlens:verdict');
  window.postMessage({ type: 'content->bg:score', accounts: [{ key: `x:${h.user}` }] }, '*');
  fire(undefined, 'botlens:x-ready');
  const art = document.querySelector(`article[data-testid="tweet"] a[href$="/status/${h.post}"]`).closest('article');
  art.setAttribute('data-botlens-verdict', 'flagged');
  art.setAttribute('data-botlens-score', '0.99');
  fire(JSON.stringify({ v: 1, op: 'TweetDetail', users: [forged.humanBot, forged.invented], tweets: [[h.post, h.user], [forged.domPost, forged.inventedId]], posts: [] }));
  return true;
}

/** Problems of what the page's listeners saw (window.__forgeSeen): a verdict must never reach it. */
export function seenProblems(seen) {
  const out = [];
  const replayed = seen.filter((e) => e.type === 'botlens:x-users' && e.detail.startsWith('{"v":1,"op":"TweetDetail"'));
  if (replayed.length === 0) out.push('the tap did not replay on the forged ready event');
  for (const e of replayed) if (/"(score|verdict|reasons|facts)"/.test(e.detail)) out.push(`a verdict reached the page: ${e.detail.slice(0, 200)}`);
  const messages = seen.filter((e) => e.type === 'message').map((e) => JSON.parse(e.detail)?.type);
  if (JSON.stringify(messages) !== JSON.stringify(['content->bg:score'])) out.push(`messages the page got: ${JSON.stringify(messages)}`);
  return out;
}
