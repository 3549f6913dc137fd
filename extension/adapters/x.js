// X (x.com, twitter.com) adapter: the ONE place that maps X's user objects to the normalized
// Account of docs/CONTRACTS.md, and X's tweet objects to the coordination Post. Pure functions, no DOM, no browser API, so Node tests import it.
// It knows X's JSON and nothing about scoring or the UI.
//
// X has shipped three user layouts (all handled, field by field, newest first):
//  (a) newest (since about August 2026): no `legacy`; core.{name,screen_name,created_at},
//      relationship_counts, tweet_counts, action_counts, profile_bio, avatar, banner, location,
//      website, verification, privacy;
//  (b) mid-2025: core, avatar, verification, location, privacy, plus counts, flags, description
//      and url under `legacy`;
//  (c) older: everything under `legacy`.

const MAX_TEXT = 1000;
const ID_RE = /^\d{1,25}$/;
const HANDLE_RE = /^[A-Za-z0-9_]{1,50}$/;
const STRING_RE = /"(?:[^"\\]|\\.)*"/y;
const LITERAL_RE = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
const MONTHS = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

const isObj = (v) => v !== null && typeof v === 'object';
/** Reads a nested property; undefined when any step is missing or not an object. */
export function pick(obj, ...path) {
  let cur = obj;
  for (const k of path) {
    if (!isObj(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}
const first = (...vals) => vals.find((v) => v !== undefined && v !== null);
const text = (v) => (typeof v === 'string' ? v.slice(0, MAX_TEXT) : undefined);
const idOf = (v) => (typeof v === 'string' && ID_RE.test(v) ? v : undefined);
const bool = (v) => (typeof v === 'boolean' ? v : undefined);
function count(v) {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d{1,15}$/.test(v)) return Number(v);
  return undefined;
}

/** `Sat Dec 14 04:35:55 +0000 2013` (or an ISO string) -> `2013-12-14T04:35:55Z`; else undefined. */
export function toIsoDate(value) {
  if (typeof value !== 'string') return undefined;
  let ms;
  const m = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/.exec(value);
  if (m) {
    const month = MONTHS[m[1]];
    if (month === undefined) return undefined;
    const offsetMin = (m[6] === '-' ? -1 : 1) * (Number(m[7]) * 60 + Number(m[8]));
    ms = Date.UTC(Number(m[9]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) - offsetMin * 60000;
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    ms = Date.parse(value);
  } else {
    return undefined;
  }
  if (!Number.isFinite(ms)) return undefined;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** True for a user object (any layout); tombstones and "UserUnavailable" are not users. */
export function isXUser(obj) {
  if (!isObj(obj)) return false;
  if (obj.__typename !== undefined) return obj.__typename === 'User';
  return typeof obj.rest_id === 'string' && (isObj(obj.legacy) || isObj(obj.core)) && !isObj(obj.core?.user_results);
}

/**
 * Maps one raw X user object (any of the three layouts) to a normalized Account, or null when it
 * has neither a valid id nor a valid handle. Wrong-typed fields are dropped, never guessed.
 */
export function normalizeXUser(raw) {
  if (!isXUser(raw)) return null;
  const legacy = isObj(raw.legacy) ? raw.legacy : {};
  const id = idOf(raw.rest_id);
  const handle = text(first(pick(raw, 'core', 'screen_name'), legacy.screen_name));
  const screenName = handle && HANDLE_RE.test(handle) ? handle : undefined;
  if (!id && !screenName) return null;

  const avatarUrl = text(first(pick(raw, 'avatar', 'image_url'), legacy.profile_image_url_https));
  const bannerUrl = text(first(pick(raw, 'banner', 'image_url'), legacy.profile_banner_url));
  const labelType = pick(raw, 'affiliates_highlighted_label', 'label', 'userLabelType');
  const verifiedType = text(first(pick(raw, 'verification', 'verified_type'), legacy.verified_type));
  const verifiedFlag = bool(first(pick(raw, 'verification', 'verified'), legacy.verified));

  const acc = {
    key: `x:${id ?? screenName.toLowerCase()}`,
    platform: 'x',
    id,
    screen_name: screenName,
    name: text(first(pick(raw, 'core', 'name'), legacy.name)),
    description: text(first(pick(raw, 'profile_bio', 'description'), legacy.description)),
    location: text(first(pick(raw, 'location', 'location'), legacy.location)),
    url: text(first(pick(raw, 'website', 'url'), pick(legacy, 'entities', 'url', 'urls', 0, 'expanded_url'), legacy.url)),
    created_at: toIsoDate(first(pick(raw, 'core', 'created_at'), legacy.created_at)),
    followers_count: count(first(pick(raw, 'relationship_counts', 'followers'), legacy.followers_count)),
    friends_count: count(first(pick(raw, 'relationship_counts', 'following'), legacy.friends_count)),
    statuses_count: count(first(pick(raw, 'tweet_counts', 'tweets'), legacy.statuses_count)),
    favourites_count: count(first(pick(raw, 'action_counts', 'favorites_count'), legacy.favourites_count)),
    listed_count: count(legacy.listed_count),
    default_profile: bool(legacy.default_profile),
    // The flag when X gives it, else the avatar URL: X's default avatars live under default_profile_images.
    default_profile_image: bool(legacy.default_profile_image)
      ?? (avatarUrl !== undefined ? avatarUrl.includes('/default_profile_images/') : undefined),
    has_banner: avatarUrl !== undefined || bannerUrl !== undefined ? Boolean(bannerUrl) : undefined,
    // Organisation (gold/grey) checks come as verified_type; the paid blue check is not "verified".
    verified: verifiedFlag === true || (verifiedType !== undefined && verifiedType !== '') ? true : verifiedFlag,
    automated: typeof labelType === 'string' ? labelType === 'AutomatedLabel'
      : isObj(raw.affiliates_highlighted_label) ? false : undefined,
    protected: bool(first(pick(raw, 'privacy', 'protected'), legacy.protected)),
  };
  for (const k of Object.keys(acc)) if (acc[k] === undefined || acc[k] === '') delete acc[k];
  return acc;
}

// ---- Posts for the coordination detector (docs/COORDINATION.md, Post) ----
// A tweet's visible text is `legacy.full_text`, or for a long post ("note tweet") the full text
// of `note_tweet.note_tweet_results.result` (full_text is then cut at 280 characters), with that
// note's own entities. Hashtags come in order without '#', links as their expanded targets.
const MAX_POST_TEXT = 2000;
const MAX_ENTITIES = 32;
const MAX_ENTITY_TEXT = 1000;

function entityList(list, field) {
  if (!Array.isArray(list)) return [];
  const out = [];
  for (const item of list.slice(0, MAX_ENTITIES)) {
    const v = pick(item, field);
    if (typeof v === 'string' && v.length > 0 && v.length <= MAX_ENTITY_TEXT) out.push(v);
  }
  return out;
}

/**
 * Maps one tweet object (a GraphQL `Tweet`, or what the MAIN-world tap forwards of it: the same
 * paths, pruned) to the coordination Post of docs/COORDINATION.md, or null without a valid
 * tweet id and author id. Wrong-typed fields are dropped.
 */
export function normalizeXTweet(raw) {
  if (!isObj(raw) || (raw.__typename !== undefined && raw.__typename !== 'Tweet')) return null;
  const postId = idOf(raw.rest_id);
  const user = pick(raw, 'core', 'user_results', 'result');
  const userId = isXUser(user) ? idOf(user.rest_id) : undefined;
  if (!postId || !userId) return null;
  const legacy = isObj(raw.legacy) ? raw.legacy : {};
  const note = pick(raw, 'note_tweet', 'note_tweet_results', 'result');
  const noteText = isObj(note) && typeof note.text === 'string' && note.text.length > 0 ? note.text : undefined;
  const fullText = typeof legacy.full_text === 'string' ? legacy.full_text : undefined;
  const entities = noteText !== undefined ? note.entity_set : legacy.entities;
  const post = {
    post_id: postId,
    account_key: `x:${userId}`,
    text: (noteText ?? fullText)?.slice(0, MAX_POST_TEXT),
    created_at: toIsoDate(legacy.created_at),
    hashtags: entityList(pick(entities, 'hashtags'), 'text'),
    urls: entityList(pick(entities, 'urls'), 'expanded_url'),
    account_created_at: toIsoDate(first(pick(user, 'core', 'created_at'), pick(user, 'legacy', 'created_at'))),
  };
  for (const k of Object.keys(post)) {
    if (post[k] === undefined || (Array.isArray(post[k]) && post[k].length === 0)) delete post[k];
  }
  return post;
}

/** The tweet -> author link of one tweet object, or null (tombstones, unavailable authors). */
function tweetLink(obj) {
  if (obj.__typename !== undefined && obj.__typename !== 'Tweet') return null;
  const user = pick(obj, 'core', 'user_results', 'result');
  if (!idOf(obj.rest_id) || !isXUser(user)) return null;
  const userId = idOf(user.rest_id);
  const handle = first(pick(user, 'core', 'screen_name'), pick(user, 'legacy', 'screen_name'));
  const link = { tweet_id: obj.rest_id };
  if (userId) link.user_id = userId;
  if (typeof handle === 'string' && HANDLE_RE.test(handle)) link.screen_name = handle;
  return link.user_id || link.screen_name ? link : null;
}

/**
 * Collects every user and tweet -> author link in a GraphQL response of any operation.
 * Walks the whole tree instead of following instruction types one by one, because X keeps adding
 * instruction and entry kinds (TimelineAddEntries, TimelinePinEntry, TimelineReplaceEntry,
 * TimelineAddToModule, conversation modules, visibility wrappers, quoted tweets, retweets, and
 * UserByScreenName's `data.user.result`): users and tweets are recognised by `__typename`, and
 * cursors, tombstones and show-more items simply hold neither. Never throws; a string is parsed
 * leniently so a truncated body still yields what it holds.
 */
export function extractFromGraphQL(input, { maxNodes = 500000 } = {}) {
  const users = new Map();
  const tweets = new Map();
  const posts = new Map();
  const root = typeof input === 'string' ? parseLenient(input) : input;
  walkJson(root, maxNodes, (node) => {
    if (isXUser(node)) {
      // Users without an id are mentions inside labels and texts, not authors.
      const acc = normalizeXUser(node);
      if (acc?.id) users.set(acc.key, { ...users.get(acc.key), ...acc });
    } else if (typeof node.rest_id === 'string' && isObj(node.core)) {
      const link = tweetLink(node);
      if (link && !tweets.has(link.tweet_id)) tweets.set(link.tweet_id, link);
      const post = link ? normalizeXTweet(node) : null;
      if (post && !posts.has(post.post_id)) posts.set(post.post_id, post);
    }
  });
  return { users: [...users.values()], tweets: [...tweets.values()], posts: [...posts.values()] };
}

/**
 * Calls `visit(node)` on every object and array in `root`, depth first in document order, at
 * most `maxNodes` of them. Shared by the site adapters. Page JSON is untrusted: a node whose
 * getters throw (a hostile proxy) is skipped with its children, and the walk goes on.
 */
export function walkJson(root, maxNodes, visit) {
  const stack = [root];
  let seen = 0;
  while (stack.length > 0 && seen < maxNodes) {
    const node = stack.pop();
    seen += 1;
    if (!isObj(node)) continue;
    try {
      visit(node);
      const values = Array.isArray(node) ? node : Object.values(node);
      for (let i = values.length - 1; i >= 0; i -= 1) if (isObj(values[i])) stack.push(values[i]);
    } catch {
      // A hostile getter or proxy: skip this node, keep the rest.
    }
  }
}

/**
 * JSON.parse, or for a truncated/garbled body the longest well-formed prefix with its open
 * arrays and objects closed (an incomplete trailing value is dropped). Returns undefined when
 * nothing is usable.
 */
export function parseLenient(str) {
  try {
    return JSON.parse(str);
  } catch {
    // fall through to the tolerant reader
  }
  let i = 0;
  const fail = new Error('stop');
  const ws = () => { while (i < str.length && ' \t\r\n'.includes(str[i])) i += 1; };
  function value(sink) {
    ws();
    const c = str[i];
    if (c === '{') {
      i += 1; const obj = {}; sink(obj);
      for (;;) {
        ws();
        if (str[i] === '}') { i += 1; return; }
        if (str[i] === ',') { i += 1; ws(); }
        if (str[i] !== '"') throw fail;
        const key = string();
        ws();
        if (str[i] !== ':') throw fail;
        i += 1;
        value((v) => { obj[key] = v; });
      }
    }
    if (c === '[') {
      i += 1; const arr = []; sink(arr);
      for (;;) {
        ws();
        if (str[i] === ']') { i += 1; return; }
        if (str[i] === ',') i += 1;
        value((v) => { arr.push(v); });
      }
    }
    if (c === '"') { sink(string()); return; }
    LITERAL_RE.lastIndex = i;
    const m = LITERAL_RE.exec(str);
    if (!m || i + m[0].length >= str.length) throw fail; // a number at the very end may be cut
    i += m[0].length;
    sink(JSON.parse(m[0]));
  }
  function string() {
    STRING_RE.lastIndex = i;
    const m = STRING_RE.exec(str);
    if (!m) throw fail;
    i += m[0].length;
    return JSON.parse(m[0]);
  }
  let root;
  try {
    value((v) => { root = v; });
  } catch {
    // `root` holds everything read before the cut.
  }
  return root;
}
