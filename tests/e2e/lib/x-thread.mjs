// Builds the fake X thread the e2e server answers with: X GraphQL `TweetDetail` responses in
// the newest user shape (no `legacy` block on users, as seen from about August 2026), made from
// the real dataset accounts in tests/e2e/fixtures/x-thread-accounts.json.
//
// The data was collected 2010-2019 but the page's "now" is today, so every created_at is
// shifted to keep the account's age at collection: created_at' = now - (collected_at - created_at).
// Runs in Node (the test server), never in the browser.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURE_PATH = join(here, '../fixtures/x-thread-accounts.json');

export const DEFAULT_AVATAR = 'https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png';
/** The GraphQL query id in the URL path rotates on X; the operation name does not. */
export const TWEET_DETAIL_QUERY_ID = 'nBS-WpgA6ZG0CyNHD517JQ';
/** Replies in the first TweetDetail response; the rest come with the bottom cursor. */
const FIRST_BATCH = 13;
const TWITTER_EPOCH = 1288834974657n;

// Neutral texts, shared by bots and humans alike: verdicts must not depend on words. All of them
// too short for the coordination detector's information rule (docs/COORDINATION.md: >= 6 tokens
// and >= 25 letters/digits), so repeating them never forms a cluster.
const TEXTS = [
  'Thanks for sharing this.',
  'Interesting.',
  'Source?',
  'Good point.',
  'Saving this for later.',
  'Any link?',
  'Same here.',
  'Following this thread.',
];

// Coordination (docs/COORDINATION.md). A planted cluster: four different accounts reply with
// near-identical text: an emoji added, punctuation and case changed, a word swapped. They are
// chosen by their expected verdict, not by name, so a re-picked fixture keeps the test's point:
// two accounts expected clear (a low bot score) and one expected flagged from the first batch, and
// the first reply of the second batch, so the cluster grows from 3 to 4 as more posts load.
// A pseudo-cluster of short common replies from many accounts, which must not be marked. One long
// reply that copies nobody.
const PLANTED = [
  'This new policy will double our energy bills next winter, share before they delete it!',
  'This new policy will double our energy bills next winter \u{1F621} share before they delete it',
  'this new policy will DOUBLE our energy bills next winter. Share before they delete it!!',
  'This new policy will triple our energy bills next winter, share before they delete it',
];

/** Reply index -> planted text for this fixture's replies (see above). */
export function plantedTexts(replies) {
  const first = replies.slice(0, FIRST_BATCH).map((a, i) => [a, i]);
  const clear = first.filter(([a]) => a.expect === 'clear').slice(0, 2).map(([, i]) => i);
  const flagged = first.filter(([a]) => a.expect === 'flagged').slice(0, 1).map(([, i]) => i);
  const later = replies.length > FIRST_BATCH ? [FIRST_BATCH] : [];
  const idx = [...new Set([...clear, ...flagged, ...later])].sort((a, b) => a - b);
  return new Map(idx.map((i, k) => [i, PLANTED[k]]));
}
export const SHORT_TEXTS = ['Thank you!', 'lol', 'This.', '\u{1F4AF}'];
const UNIQUE_TEXT = 'I read the full report last night and the methods section answers most of these questions.';
/** The text of a non-planted reply (k = its index among them): one unique long text, else short ones. */
function replyText(k) {
  if (k === 7) return UNIQUE_TEXT;
  return k % 3 === 2 ? TEXTS[k % TEXTS.length] : SHORT_TEXTS[k % SHORT_TEXTS.length];
}

export function loadFixture(path = FIXTURE_PATH) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** X's date format: `Sat Dec 14 04:35:55 +0000 2013`. */
export function xDate(ms) {
  const d = new Date(ms);
  const day = d.toUTCString().slice(0, 3); // "Sat"
  const [, dd, mon, yyyy, hms] = d.toUTCString().split(' '); // "Sat, 14 Dec 2013 04:35:55 GMT"
  return `${day} ${mon} ${dd} ${hms} +0000 ${yyyy}`;
}

/** created_at shifted so that its age relative to nowMs equals its age at collection. */
export function shiftedCreatedMs(account, nowMs) {
  const collected = Date.parse(`${account.collected_at}T00:00:00Z`);
  return nowMs - (collected - Date.parse(account.created_at));
}

function snowflake(ms, seq) {
  return ((BigInt(Math.floor(ms)) - TWITTER_EPOCH) << 22n | BigInt(seq & 0xfff)).toString();
}

/** A user object in X's newest shape. */
export function xUser(a, nowMs) {
  const banner = undefined; // the datasets do not say; real X omits `banner` when there is none
  const user = {
    __typename: 'User',
    id: Buffer.from(`User:${a.id}`).toString('base64'),
    rest_id: a.id,
    affiliates_highlighted_label: {},
    avatar: {
      image_url: a.default_profile_image
        ? DEFAULT_AVATAR
        : `https://pbs.twimg.com/profile_images/${a.id}/avatar_normal.jpg`,
    },
    core: { created_at: xDate(shiftedCreatedMs(a, nowMs)), name: a.name, screen_name: a.screen_name },
    dm_permissions: { can_dm: false },
    has_graduated_access: true,
    is_blue_verified: false,
    location: { location: a.location ?? '' },
    media_permissions: { can_media_tag: true },
    parody_commentary_fan_label: 'None',
    privacy: { protected: false },
    profile_bio: { description: a.description ?? '' },
    profile_image_shape: 'Circle',
    relationship_counts: { followers: a.followers_count, following: a.friends_count },
    relationship_perspectives: { following: false },
    tweet_counts: { tweets: a.statuses_count, media_tweets: 0 },
    action_counts: { favorites_count: a.favourites_count },
    verification: { verified: a.verified === true },
  };
  if (a.url) user.website = { url: a.url };
  if (banner) user.banner = { image_url: banner };
  return user;
}

/** A plain `Tweet` result. */
function xTweet({ id, author, text, createdMs, root, nowMs, replyTo }) {
  const mention = replyTo ? `@${replyTo.screen_name} ` : '';
  const full = mention + text;
  return {
    __typename: 'Tweet',
    rest_id: id,
    core: { user_results: { result: xUser(author, nowMs) } },
    edit_control: { edit_tweet_ids: [id], editable_until_msecs: String(createdMs + 3600e3), edits_remaining: '5', is_edit_eligible: false },
    is_translatable: false,
    views: { state: 'Enabled' },
    source: '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
    legacy: {
      bookmark_count: 0,
      bookmarked: false,
      conversation_id_str: root.id,
      created_at: xDate(createdMs),
      display_text_range: [mention.length, full.length],
      entities: { hashtags: [], symbols: [], timestamps: [], urls: [], user_mentions: [] },
      favorite_count: 0,
      favorited: false,
      full_text: full,
      id_str: id,
      ...(replyTo ? {
        in_reply_to_screen_name: replyTo.screen_name,
        in_reply_to_status_id_str: replyTo.tweetId,
        in_reply_to_user_id_str: replyTo.id,
      } : {}),
      is_quote_status: false,
      lang: 'en',
      quote_count: 0,
      reply_count: 0,
      retweet_count: 0,
      retweeted: false,
      user_id_str: author.id,
    },
  };
}

const timelineTweet = (result) => ({
  itemType: 'TimelineTweet',
  __typename: 'TimelineTweet',
  tweet_results: { result },
  tweetDisplayType: 'Tweet',
});

/**
 * The whole thread at nowMs: ids, authors and the two TweetDetail responses.
 * Deterministic for a given fixture and nowMs.
 */
export function buildThread(fixture, nowMs = Date.now()) {
  const rootMs = nowMs - 3 * 3600e3;
  const root = { id: snowflake(rootMs, 1), author: fixture.root, createdMs: rootMs };
  const rootRef = { ...fixture.root, tweetId: root.id };
  const planted = plantedTexts(fixture.replies);
  let plain = 0;
  const replies = fixture.replies.map((author, i) => {
    const ms = rootMs + (i + 1) * 317e3;
    const text = planted.get(i) ?? replyText(plain++);
    return { id: snowflake(ms, 100 + i), author, createdMs: ms, text };
  });
  // The root author answers the first reply inside its conversation module (same account twice).
  const selfReplyMs = replies[0].createdMs + 60e3;
  const selfReply = { id: snowflake(selfReplyMs, 90), author: fixture.root, createdMs: selfReplyMs, text: 'Thank you.' };
  const tombstoneId = snowflake(rootMs + 5e3, 80);
  const domOnlyMs = rootMs + 2 * 60e3;
  const domOnly = { id: snowflake(domOnlyMs, 70), author: fixture.dom_only, createdMs: domOnlyMs, text: TEXTS[3] };

  const tweetResult = (t, replyTo) => xTweet({ id: t.id, author: t.author, text: t.text ?? 'A short post to start a thread.', createdMs: t.createdMs, root, nowMs, replyTo });
  const module = (head, items) => ({
    entryId: `conversationthread-${head}`,
    sortIndex: head,
    content: {
      entryType: 'TimelineTimelineModule',
      __typename: 'TimelineTimelineModule',
      items: items.map((it) => ({ entryId: `conversationthread-${head}-${it.kind}-${it.id}`, item: { itemContent: it.content } })),
      displayType: 'VerticalConversation',
      clientEventInfo: { component: 'tweet', details: { conversationDetails: { conversationSection: 'HighQuality' } } },
    },
  });
  const replyModule = (r, i) => {
    let result = tweetResult(r, rootRef);
    // One reply comes wrapped, as X does for posts with visibility limits.
    if (i === 2) {
      result = { __typename: 'TweetWithVisibilityResults', tweet: result, limitedActionResults: { limited_actions: [{ action: 'Reply', prompt: { __typename: 'CtaLimitedActionPrompt', headline: { text: 'Replies are limited.' } } }] } };
    }
    const items = [{ kind: 'tweet', id: r.id, content: timelineTweet(result) }];
    if (i === 0) {
      items.push({ kind: 'tweet', id: selfReply.id, content: timelineTweet(tweetResult(selfReply, { ...r.author, tweetId: r.id })) });
      items.push({ kind: 'cursor-showmore', id: String(BigInt(selfReply.id) + 1n), content: { itemType: 'TimelineTimelineCursor', __typename: 'TimelineTimelineCursor', value: 'showmore-none', cursorType: 'ShowMore', displayTreatment: { actionText: 'Show replies' } } });
    }
    return module(r.id, items);
  };
  const tombstoneModule = module(tombstoneId, [{
    kind: 'tweet',
    id: tombstoneId,
    content: timelineTweet({
      __typename: 'TweetTombstone',
      tombstone: { __typename: 'TextTombstone', text: { rtl: false, text: 'This Post is from a suspended account. Learn more', entities: [] } },
    }),
  }]);

  const first = replies.slice(0, FIRST_BATCH);
  const second = replies.slice(FIRST_BATCH);
  const cursorValue = `e2e-cursor-${second.length ? 'batch2' : 'end'}`;
  const batch1 = {
    data: {
      threaded_conversation_with_injections_v2: {
        instructions: [
          { type: 'TimelineClearCache' },
          {
            type: 'TimelineAddEntries',
            entries: [
              {
                entryId: `tweet-${root.id}`,
                sortIndex: root.id,
                content: { entryType: 'TimelineTimelineItem', __typename: 'TimelineTimelineItem', itemContent: { ...timelineTweet(tweetResult(root, null)), hasModeratedReplies: false } },
              },
              ...first.slice(0, 4).map((r, i) => replyModule(r, i)),
              tombstoneModule,
              ...first.slice(4).map((r, i) => replyModule(r, i + 4)),
              ...(second.length ? [{
                entryId: `cursor-bottom-${cursorValue}`,
                sortIndex: '1',
                content: { entryType: 'TimelineTimelineCursor', __typename: 'TimelineTimelineCursor', value: cursorValue, cursorType: 'Bottom' },
              }] : []),
            ],
          },
          { type: 'TimelineTerminateTimeline', direction: 'Top' },
        ],
        metadata: { reader_mode_config: { is_reader_mode_available: false } },
      },
    },
  };
  const batch2 = {
    data: {
      threaded_conversation_with_injections_v2: {
        instructions: [
          { type: 'TimelineAddEntries', entries: second.map((r, i) => replyModule(r, FIRST_BATCH + i)) },
          { type: 'TimelineTerminateTimeline', direction: 'Bottom' },
        ],
      },
    },
  };
  const posts = [
    { id: root.id, account: fixture.root },
    { id: selfReply.id, account: fixture.root },
    ...replies.map((r) => ({ id: r.id, account: r.author })),
    { id: domOnly.id, account: fixture.dom_only },
  ];
  // Posts rendered before "Show more replies" is clicked (all but the second batch).
  const firstBatchCount = posts.length - second.length;
  // The planted cluster: its posts (distinct accounts) and, per batch, the size expected.
  const plantedIds = replies.filter((r, i) => planted.has(i)).map((r) => r.id);
  const coordination = {
    members: plantedIds,
    size: new Set(replies.filter((r, i) => planted.has(i)).map((r) => r.author.id)).size,
    firstBatchMembers: replies.slice(0, FIRST_BATCH).filter((r, i) => planted.has(i)).map((r) => r.id),
    shortIds: replies.filter((r) => SHORT_TEXTS.includes(r.text)).map((r) => r.id),
  };
  return { root, replies, selfReply, domOnly, tombstoneId, cursorValue, batch1, batch2, posts, firstBatchCount, coordination };
}
