// Runs in the PAGE's MAIN world on x.com / twitter.com, at document_start (a classic script, not a
// module: MAIN-world content scripts cannot import). Why here: X's web app receives full user
// objects in its GraphQL JSON, and only the page's own world sees those responses. It wraps
// XMLHttpRequest and fetch, reads the JSON of X's timeline/user operations, and forwards ONLY
// whitelisted raw user fields, tweet -> author links and, per tweet, its text, hashtags, expanded
// links and the author's created_at (for the coordination detector) to the isolated content script through a
// namespaced DOM event (`botlens:x-users`, detail = JSON string). It never alters a request or a
// response, keeps the wrapped functions' `this`, arguments and return values, and swallows every
// error of its own. The mapping to Account lives in extension/adapters/x.js; the field list
// below only decides what may leave the page's world (a Node test keeps both in step).
(() => {
  'use strict';
  const EVENT = 'botlens:x-users';
  const READY_EVENT = 'botlens:x-ready';
  // Operation names are stable; the ids before them in the path rotate.
  const OPS = new Set([
    'TweetDetail', 'HomeTimeline', 'HomeLatestTimeline', 'SearchTimeline', 'UserTweets',
    'UserTweetsAndReplies', 'UserMedia', 'UserByScreenName', 'UserByRestId', 'UsersByRestIds',
    'ListLatestTweetsTimeline', 'Likes', 'Bookmarks', 'TweetResultByRestId', 'TweetResultsByRestIds',
    'Retweeters', 'Favoriters', 'Followers', 'Following', 'BlueVerifiedFollowers',
    'CommunityTweetsTimeline', 'ModeratedTimeline', 'ConversationTimeline',
  ]);
  // Raw user fields that may leave the page's world (all three of X's layouts).
  const USER_FIELDS = [
    '__typename', 'rest_id',
    'core.name', 'core.screen_name', 'core.created_at',
    'relationship_counts.followers', 'relationship_counts.following',
    'tweet_counts.tweets', 'action_counts.favorites_count', 'profile_bio.description',
    'avatar.image_url', 'banner.image_url', 'location.location', 'website.url',
    'verification.verified', 'verification.verified_type', 'privacy.protected',
    'affiliates_highlighted_label.label.userLabelType',
    'legacy.name', 'legacy.screen_name', 'legacy.created_at', 'legacy.followers_count',
    'legacy.friends_count', 'legacy.statuses_count', 'legacy.favourites_count', 'legacy.listed_count',
    'legacy.default_profile', 'legacy.default_profile_image', 'legacy.profile_image_url_https',
    'legacy.profile_banner_url', 'legacy.verified', 'legacy.verified_type', 'legacy.description',
    'legacy.location', 'legacy.url', 'legacy.entities.url.urls.0.expanded_url', 'legacy.protected',
  ].map((p) => p.split('.'));
  // Objects whose mere presence means something: an empty label block = "no automated label".
  const PRESENCE_FIELDS = ['affiliates_highlighted_label'];
  const MAX_STRING = 1000;
  // Per tweet, for the coordination detector: its text, hashtags and expanded links (paths of X's
  // Tweet object, pruned; adapters/x.js normalizeXTweet reads the same paths).
  const MAX_TEXT = 2000;
  const MAX_ENTITIES = 32;
  const MAX_USERS = 2000;
  const MAX_NODES = 500000;
  const BUFFER = 30;
  const buffered = []; // recent payloads, replayed when the isolated script says it is ready

  const isObj = (v) => v !== null && typeof v === 'object';

  function operationOf(url) {
    const s = typeof url === 'string' ? url : url instanceof URL ? url.href
      : isObj(url) && typeof url.url === 'string' ? url.url : '';
    const at = s.indexOf('/i/api/graphql/');
    if (at < 0) return null;
    const m = /^\/i\/api\/graphql\/[^/?#]+\/([A-Za-z]+)/.exec(s.slice(at));
    return m && OPS.has(m[1]) ? m[1] : null;
  }

  function pruneUser(user) {
    const out = {};
    for (const k of PRESENCE_FIELDS) if (isObj(user[k])) out[k] = {};
    for (const path of USER_FIELDS) {
      let v = user;
      for (const k of path) v = isObj(v) ? v[k] : undefined;
      const ok = typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))
        || (typeof v === 'string' && v.length <= MAX_STRING);
      if (!ok) continue;
      let o = out;
      for (let i = 0; i < path.length - 1; i += 1) o = o[path[i]] ??= {};
      o[path[path.length - 1]] = v;
    }
    return out;
  }

  const str = (v, max) => (typeof v === 'string' ? v.slice(0, max) : undefined);
  function entities(src) {
    const out = {};
    for (const [k, field] of [['hashtags', 'text'], ['urls', 'expanded_url']]) {
      const list = isObj(src) && Array.isArray(src[k]) ? src[k] : [];
      const items = [];
      for (const e of list.slice(0, MAX_ENTITIES)) {
        const v = isObj(e) ? e[field] : undefined;
        if (typeof v === 'string' && v.length <= MAX_STRING) items.push({ [field]: v });
      }
      if (items.length > 0) out[k] = items;
    }
    return out;
  }

  function pruneTweet(node, user) {
    const legacy = isObj(node.legacy) ? node.legacy : {};
    const created = str(user?.core?.created_at, 100) ?? str(user?.legacy?.created_at, 100);
    const out = {
      __typename: 'Tweet',
      rest_id: node.rest_id,
      core: { user_results: { result: { __typename: 'User', rest_id: user.rest_id, ...(created ? { core: { created_at: created } } : {}) } } },
      legacy: { entities: entities(legacy.entities) },
    };
    const full = str(legacy.full_text, MAX_TEXT);
    if (full !== undefined) out.legacy.full_text = full;
    const at = str(legacy.created_at, 100);
    if (at !== undefined) out.legacy.created_at = at;
    const note = node.note_tweet?.note_tweet_results?.result;
    const noteText = str(note?.text, MAX_TEXT);
    if (noteText !== undefined) {
      out.note_tweet = { note_tweet_results: { result: { text: noteText, entity_set: entities(note.entity_set) } } };
    }
    return out;
  }

  function collect(json) {
    const users = new Map();
    const tweets = [];
    const posts = [];
    const stack = [json];
    let seen = 0;
    while (stack.length > 0 && seen < MAX_NODES && users.size < MAX_USERS) {
      const node = stack.pop();
      seen += 1;
      if (node.__typename === 'User' && typeof node.rest_id === 'string') {
        users.set(node.rest_id, pruneUser(node));
      } else if (node.__typename === 'Tweet' && typeof node.rest_id === 'string') {
        const user = node.core?.user_results?.result;
        const uid = user?.rest_id;
        if (typeof uid === 'string') {
          tweets.push([node.rest_id, uid]);
          if (posts.length < MAX_USERS * 5) posts.push(pruneTweet(node, user));
        }
      }
      for (const v of Object.values(node)) if (isObj(v)) stack.push(v);
    }
    return { users: [...users.values()], tweets, posts };
  }

  function emit(detail) {
    document.dispatchEvent(new CustomEvent(EVENT, { detail }));
  }

  function handle(op, json) {
    try {
      if (!isObj(json)) return;
      const { users, tweets, posts } = collect(json);
      if (users.length === 0) return;
      const detail = JSON.stringify({ v: 1, op, users, tweets, posts });
      buffered.push(detail);
      if (buffered.length > BUFFER) buffered.shift();
      emit(detail);
    } catch {
      // Never let our reading disturb the page.
    }
  }

  function handleText(op, text) {
    try {
      if (typeof text === 'string' && text.length > 0) handle(op, JSON.parse(text));
    } catch {
      // Not JSON (or cut short): X's app fails on it too; nothing to forward.
    }
  }

  try {
    document.addEventListener(READY_EVENT, () => {
      try {
        for (const detail of buffered) emit(detail);
      } catch {
        // ignore
      }
    });
  } catch {
    // ignore
  }

  // XMLHttpRequest: the listener is added in open(), before any handler the page sets later, so
  // the data usually reaches the isolated world before React renders the posts.
  try {
    const XHR = globalThis.XMLHttpRequest;
    const nativeOpen = XHR?.prototype?.open;
    if (typeof nativeOpen === 'function') {
      const wrappedOpen = function open(method, url) {
        try {
          const op = operationOf(url);
          if (op) {
            const xhr = this;
            xhr.addEventListener('readystatechange', () => {
              try {
                if (xhr.readyState !== 4 || xhr.status < 200 || xhr.status >= 300) return;
                if (xhr.responseType === '' || xhr.responseType === 'text') handleText(op, xhr.responseText);
                else if (xhr.responseType === 'json') handle(op, xhr.response);
              } catch {
                // ignore
              }
            });
          }
        } catch {
          // ignore
        }
        return Reflect.apply(nativeOpen, this, arguments);
      };
      Object.defineProperty(wrappedOpen, 'length', { value: nativeOpen.length });
      XHR.prototype.open = wrappedOpen;
    }
  } catch {
    // ignore
  }

  // fetch: read a clone of the response, leaving the original body to the page.
  try {
    const nativeFetch = globalThis.fetch;
    if (typeof nativeFetch === 'function') {
      const wrappedFetch = function fetch(input) {
        const result = Reflect.apply(nativeFetch, this, arguments);
        try {
          const op = operationOf(input);
          if (op && result && typeof result.then === 'function') {
            result.then((response) => {
              try {
                if (response?.ok) response.clone().text().then((t) => handleText(op, t), () => {});
              } catch {
                // ignore
              }
            }, () => {});
          }
        } catch {
          // ignore
        }
        return result;
      };
      Object.defineProperty(wrappedFetch, 'length', { value: nativeFetch.length });
      globalThis.fetch = wrappedFetch;
    }
  } catch {
    // ignore
  }
})();
