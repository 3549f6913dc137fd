// Browser-independent checks of what the probes (lib/probes.mjs) saw, against the thread the
// server built. Each returns a list of problems (empty = fine) so both browser tests report
// the same way.

/** id -> {handle, name, expect} for every post of the thread, at `level` (null = the default level). */
export function expectedPosts(thread, level = null) {
  return new Map(thread.posts.map((p) => [p.id, {
    handle: p.account.screen_name,
    name: p.account.name,
    expect: (level && p.account.expect_at?.[level]) || p.account.expect,
  }]));
}

const SCORE = /^(0\.\d\d|1\.00)$/;

/**
 * All articles judged, and judged as the fixture expects at sensitivity `level` (null = default);
 * `allowed` handles ("Not a bot") count as clear.
 */
export function verdictProblems(snap, thread, { allowed = new Set(), ids = null, level = null } = {}) {
  const expected = expectedPosts(thread, level);
  const problems = [];
  const seen = new Set();
  for (const a of snap.articles) {
    const e = expected.get(a.id);
    if (!e) { problems.push(`article ${a.id} (@${a.handle}) is not in the thread`); continue; }
    seen.add(a.id);
    const want = allowed.has(e.handle) ? 'clear' : e.expect;
    if (a.verdict !== want) problems.push(`@${e.handle} (${a.id}): verdict ${a.verdict}, expected ${want}` + (a.score ? ` (score ${a.score})` : ''));
    if (want === 'unknown') {
      if (a.score !== null) problems.push(`@${e.handle}: unknown post has data-botlens-score=${a.score}`);
      if (a.badges > 1) problems.push(`@${e.handle}: ${a.badges} badges`);
    } else {
      if (a.score === null && !allowed.has(e.handle)) problems.push(`@${e.handle}: no data-botlens-score`);
      if (a.score !== null && !SCORE.test(a.score)) problems.push(`@${e.handle}: data-botlens-score=${a.score} is not a probability with two decimals`);
      if (a.badges !== 1) problems.push(`@${e.handle} (${a.id}): ${a.badges} <botlens-badge> elements, expected exactly 1`);
      else if (!a.shadow) problems.push(`@${e.handle}: badge has no open shadow root`);
      else if (!a.badgeNearName) problems.push(`@${e.handle}: badge is not beside the author's name ([data-testid="User-Name"])`);
    }
  }
  for (const id of ids ?? []) if (!seen.has(id)) problems.push(`post ${id} not rendered`);
  if (snap.strayBadges !== 0) problems.push(`${snap.strayBadges} <botlens-badge> elements outside articles`);
  return problems;
}

/** True when every rendered article carries a verdict and known ones have their badge. */
export function settled(snap, minArticles) {
  return snap.articles.length >= minArticles &&
    snap.articles.every((a) => a.verdict && (a.verdict === 'unknown' || a.badges >= 1));
}

/** Page-side hygiene: no CSP violations, no errors recorded by the fake app. */
export function pageProblems(snap) {
  return [
    ...snap.violations.map((v) => `CSP violation: ${v.effective || v.directive} blocked ${v.blocked} (${v.source}:${v.line}) ${v.sample ?? ''}`),
    ...snap.errors.map((e) => `page error: ${e}`),
  ];
}

/** Requests the server saw that were not for its own hosts, and CSP reports it got. */
export function serverProblems(srv) {
  return [
    ...srv.foreignRequests().map((r) => `request to foreign host ${r.host}${r.path}`),
    ...srv.cspReports.map((r) => `CSP report: ${JSON.stringify(r).slice(0, 300)}`),
  ];
}

/** Ids of the posts expected flagged / clear (first by thread order). */
export function pick(thread, expect) {
  return thread.posts.filter((p) => p.account.expect === expect);
}

/** Polls fn() until pred(value) holds; throws with the last value (for messages) on timeout. */
export async function until(fn, pred, { timeout = 10000, interval = 50, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (pred(last)) return last;
    if (Date.now() > end) {
      const err = new Error(`timed out after ${timeout} ms waiting for ${what}; last seen: ${describeValue(last)}`);
      Object.defineProperty(err, 'last', { value: last, enumerable: false }); // for callers, not for the report
      throw err;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** A short description of a probe result for timeout messages. */
function describeValue(v) {
  if (v && Array.isArray(v.articles)) {
    const counts = {};
    for (const a of v.articles) counts[`${a.verdict ?? 'none'}/${a.badges} badge(s)`] = (counts[`${a.verdict ?? 'none'}/${a.badges} badge(s)`] ?? 0) + 1;
    return `${v.articles.length} articles, batches=${v.batches}, ${JSON.stringify(counts)}` +
      (v.errors.length ? `, page errors: ${v.errors.join(' | ')}` : '') + (v.violations.length ? `, CSP violations: ${v.violations.length}` : '');
  }
  return JSON.stringify(v)?.slice(0, 500);
}

/**
 * The default and the most sensitive level ids the fixture was picked for; throws when the
 * fixture has no account whose verdict differs between them (the sensitivity test would be void).
 */
export function levelsOf(srv) {
  const levels = srv.fixture.levels ?? { default: 'low', most_sensitive: 'high' };
  const most = levels.most_sensitive;
  const changes = srv.thread.posts.filter((p) => p.account.expect_at && p.account.expect_at[most] !== p.account.expect);
  if (changes.length === 0) throw new Error(`fixture has no account whose verdict changes at level ${most}: rerun pick-accounts.mjs`);
  return { most, dflt: levels.default };
}
