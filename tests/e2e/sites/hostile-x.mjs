// A hostile X thread for the e2e tests (hostile.chromium.test.mjs): the fixture thread of
// lib/x-thread.mjs with its user objects and texts rewritten by someone who wants botlens to run
// their code, break the page or mislabel a post. Names, handles, bios and texts carry HTML that
// would run if it were ever inserted as HTML (it sets window.__botlensPwned), 100 KB strings,
// zero-width and bidi control characters, right-to-left text, long emoji ZWJ sequences, null and
// wrong-typed fields; some responses are cut short or nested absurdly deep. Runs in Node.
import { buildThread } from '../lib/x-thread.mjs';

export const PWN = 'window.__botlensPwned=(window.__botlensPwned||[]).concat';
export const STRINGS = {
  img: `<img src=x onerror="${PWN}('img')">`,
  script: `<script>${PWN}('script')</script>`,
  svg: `<svg onload="${PWN}('svg')"><a xlink:href="javascript:${PWN}('href')">x</a></svg>`,
  iframe: `<iframe srcdoc="<script>parent.${PWN}('iframe')</script>"></iframe>`,
  bidi: 'Admin \u202Egnp.exe\u202C \u200B\u200C\u200D\u2060\uFEFF\u2066\u2067\u2068\u2069\u061C\u200E\u200F end',
  rtl: 'مرحبا بالعالم שלום עולם',
  zwj: '\u{1F469}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}'.repeat(60) + '\u{1F3F3}\uFE0F\u200D\u{1F308}',
  big: `${'A'.repeat(50_000)}<img src=x onerror="${PWN}('big')">${'\u202E'.repeat(50_000)}`,
  controls: 'nul\u0000bel\u0007esc\u001b[31mred\u001b[0m\r\nnext line',
};

/**
 * What each hostile reply's post should end with in the page (by reply index in the fixture):
 * - 'judged': a verdict of the model (flagged or clear) with its badge; the name in the card is
 *   `name` exactly (textContent), whatever it holds;
 * - 'unknown': the post shows "unknown" (its author's data is broken beyond scoring);
 * - 'none': no mark at all (the page gave no usable handle or id for it).
 */
export const PLAN = [
  { i: 0, expect: 'judged', name: `${STRINGS.img} ${STRINGS.rtl}`, bio: STRINGS.script, text: `${STRINGS.img}${STRINGS.script}` },
  { i: 1, expect: 'judged', name: STRINGS.script, location: STRINGS.svg, text: STRINGS.svg },
  { i: 2, expect: 'judged', name: `${STRINGS.bidi}${STRINGS.zwj}`, bio: STRINGS.iframe, text: STRINGS.rtl },
  { i: 3, expect: 'judged', name: STRINGS.controls, bio: STRINGS.big, text: STRINGS.big, url: `javascript:${PWN}('url')` },
  // Broken: wrong-typed counts and dates everywhere -> nothing to score with.
  { i: 4, expect: 'unknown', broken: 'types', text: STRINGS.zwj },
  // Broken: the user's `core` is null -> the page shows no handle, botlens no mark.
  { i: 5, expect: 'none', broken: 'core-null' },
  // Broken: the tweet's user result is null.
  { i: 6, expect: 'none', broken: 'user-null' },
  // Broken: rest_id is a number (the tap ignores the user): the post is shown, its author unknown.
  { i: 7, expect: 'unknown', broken: 'rest-id-number' },
  // Hostile handle: not a handle X allows; the page's links carry it, botlens reads no post there.
  { i: 8, expect: 'none', handle: `<img src=x onerror="${PWN}('handle')">` },
  { i: 9, expect: 'judged', name: '\u{1F916}'.repeat(300), bio: STRINGS.bidi },
];

/** Finds every user object of reply `rest_id` authors in a response (they sit in tweet results). */
function eachTweet(json, fn) {
  const stack = [json];
  while (stack.length) {
    const node = stack.pop();
    if (node && typeof node === 'object') {
      if (node.__typename === 'Tweet' && typeof node.rest_id === 'string') fn(node);
      for (const v of Object.values(node)) if (v && typeof v === 'object') stack.push(v);
    }
  }
}

/** Applies one plan entry to a tweet result (its author and text) in place. */
function spoil(tweet, plan) {
  const user = tweet.core?.user_results?.result;
  if (plan.text !== undefined) {
    tweet.legacy.full_text = plan.text;
    tweet.legacy.display_text_range = [0, plan.text.length];
  }
  if (!user) return;
  if (plan.name !== undefined) user.core.name = plan.name;
  if (plan.bio !== undefined) user.profile_bio = { description: plan.bio };
  if (plan.location !== undefined) user.location = { location: plan.location };
  if (plan.url !== undefined) user.website = { url: plan.url };
  if (plan.handle !== undefined) user.core.screen_name = plan.handle;
  switch (plan.broken) {
    case 'types':
      user.core.created_at = 1234567890;
      user.relationship_counts = { followers: 'many', following: -5 };
      user.tweet_counts = [];
      user.action_counts = { favorites_count: { $gt: 1 } };
      user.profile_bio = null;
      user.avatar = 'not an object';
      user.verification = 7;
      user.privacy = { protected: 'no' };
      user.location = [null];
      user.website = { url: 42 };
      break;
    case 'core-null':
      user.core = null;
      break;
    case 'user-null':
      tweet.core.user_results.result = null;
      break;
    case 'rest-id-number':
      user.rest_id = Number(user.rest_id.slice(0, 15));
      break;
    default:
  }
}

/**
 * The hostile thread: buildThread's, with PLAN applied to the replies' tweets (by author) in
 * both TweetDetail responses. Returns the thread plus `hostile`: [{id, plan, account}] per reply.
 */
export function buildHostileThread(fixture, nowMs = Date.now()) {
  const thread = buildThread(fixture, nowMs);
  const batch1 = JSON.parse(JSON.stringify(thread.batch1));
  const batch2 = JSON.parse(JSON.stringify(thread.batch2));
  const byTweet = new Map(PLAN.map((p) => [thread.replies[p.i].id, p]));
  for (const body of [batch1, batch2]) eachTweet(body, (t) => { const p = byTweet.get(t.rest_id); if (p) spoil(t, p); });
  const hostile = PLAN.map((p) => ({ id: thread.replies[p.i].id, plan: p, account: thread.replies[p.i].author }));
  return { ...thread, batch1, batch2, hostile };
}

/** Bodies the page also receives on TweetDetail URLs (its own requests): cut short or absurd. */
export function brokenBodies(thread) {
  const full = JSON.stringify(thread.batch1);
  const deep = `${'['.repeat(20000)}1${']'.repeat(20000)}`;
  return {
    truncated: full.slice(0, Math.floor(full.length / 2)),
    'truncated-in-string': `${full.slice(0, full.indexOf('"full_text"') + 20)}`,
    empty: '',
    'not-json': '<html>502 Bad Gateway</html>',
    nulls: JSON.stringify({ data: null, errors: [null] }),
    deep: `{"data":${deep}}`,
    'wrong-types': JSON.stringify({ data: { threaded_conversation_with_injections_v2: { instructions: 'x' } }, __typename: 'User', rest_id: 5 }),
  };
}
