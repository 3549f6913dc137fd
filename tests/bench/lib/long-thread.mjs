// A long fake X thread for the benchmarks: `replies` distinct reply accounts, served as X does,
// in TweetDetail pages of `batch` replies, each page but the last ending with a Bottom cursor
// (`bench-<next page>`). The JSON shape is exactly the e2e thread's (tests/e2e/lib/x-thread.mjs
// builds it); only the accounts are more: each reply account is one of the fixture's real
// accounts with its own id and handle, so every reply is a distinct account to score.
// Runs in Node (tests/e2e/server.mjs answers `?replies=N&batch=M` with it).
import { buildThread } from '../../e2e/lib/x-thread.mjs';

export const MAX_REPLIES = 4000;

/** `{replies, batch}` from a URL's query or a TweetDetail `variables.botlensBench`, or null;
 * `virtual: true` added only when asked (`virtual=1`): the app then renders a windowed list. */
export function longParams(src) {
  const get = (k) => (src instanceof URLSearchParams ? src.get(k) : src?.[k]);
  const replies = Number(get('replies'));
  const batch = Number(get('batch') ?? 100) || 100;
  if (!Number.isInteger(replies) || replies < 1 || replies > MAX_REPLIES) return null;
  if (!Number.isInteger(batch) || batch < 1 || batch > 1000) return null;
  const v = get('virtual');
  return v === '1' || v === true ? { replies, batch, virtual: true } : { replies, batch };
}

/** The synthetic fixture: the root and dom_only of the e2e fixture, `n` distinct reply accounts. */
export function longFixture(fixture, n) {
  const base = fixture.replies;
  const replies = [];
  for (let i = 0; i < n; i += 1) {
    const a = base[i % base.length];
    const tag = String(i);
    replies.push({
      ...a,
      id: String(7_000_000_000_000 + i),
      screen_name: `${a.screen_name.slice(0, 14 - tag.length)}_${tag}`.slice(0, 15),
    });
  }
  return { ...fixture, replies };
}

/**
 * The pages of a long thread: pages[0] holds the root and the first `batch` replies, pages[k]
 * the next ones; all pages but the last end with a Bottom cursor `bench-<k+1>`.
 */
export function buildLongThread(fixture, nowMs, { replies, batch }) {
  const t = buildThread(longFixture(fixture, replies), nowMs);
  const first = t.batch1.data.threaded_conversation_with_injections_v2.instructions[1].entries;
  const rest = t.batch2.data.threaded_conversation_with_injections_v2.instructions[0].entries;
  const rootEntry = first[0];
  const modules = [...first.slice(1).filter((e) => !e.entryId.startsWith('cursor-')), ...rest];
  const pages = [];
  for (let k = 0; k * batch < modules.length; k += 1) {
    const entries = modules.slice(k * batch, (k + 1) * batch);
    const more = (k + 1) * batch < modules.length;
    if (k === 0) entries.unshift(rootEntry);
    if (more) {
      entries.push({
        entryId: `cursor-bottom-bench-${k + 1}`,
        sortIndex: '1',
        content: { entryType: 'TimelineTimelineCursor', __typename: 'TimelineTimelineCursor', value: `bench-${k + 1}`, cursorType: 'Bottom' },
      });
    }
    pages.push({
      data: {
        threaded_conversation_with_injections_v2: {
          instructions: [
            ...(k === 0 ? [{ type: 'TimelineClearCache' }] : []),
            { type: 'TimelineAddEntries', entries },
            ...(more ? [] : [{ type: 'TimelineTerminateTimeline', direction: 'Bottom' }]),
          ],
        },
      },
    });
  }
  // Posts on the page: root, the root's self-reply, every reply (no DOM-only post in long mode).
  const posts = 2 + replies;
  return { root: t.root, pages, posts, json: pages.map((p) => JSON.stringify(p)) };
}
