// Runs in the PAGE's MAIN world on bsky.app (static content script) and on the Mastodon
// instances the user enabled (registered at runtime by background.js), at document_start. A
// classic script: MAIN-world content scripts cannot import. Why here: both web apps receive full
// account objects in their own JSON (Bluesky: fetch() to the AppView, cross-origin; Mastodon:
// axios, i.e. XMLHttpRequest, same-origin), and only the page's own world sees those responses.
//
// One tap for both sites: a table of per-site URL matchers and whitelists. It wraps
// XMLHttpRequest and fetch exactly as content/x-tap-main.js does (never alters a request or a
// response, keeps `this`, arguments and return values, swallows its own errors), walks the JSON,
// and forwards ONLY whitelisted account fields plus post -> author references with the post's
// text fields for the coordination detector (Bluesky: record.text/createdAt, facets' tag/uri, the
// external embed's uri, author.createdAt; Mastodon: content as an HTML string, created_at,
// tags[].name, card.url, account.created_at, reblog.id; every string capped), in the site's own
// shape, through a namespaced DOM event (`botlens:<site>-data`, detail = JSON string). The
// mapping to Account lives in extension/adapters/{bluesky,mastodon}.js, which read this pruned
// shape with the same walk they use on a whole response.
(() => {
  'use strict';
  const isObj = (v) => v !== null && typeof v === 'object';
  const MAX_STRING = 1000;
  const MAX_ITEMS = 2000;
  const MAX_NODES = 300000;
  const BUFFER = 30;
  const MAX_POST_TEXT = 3000; // Bluesky: 300 graphemes at most
  const MAX_CONTENT = 10000; // Mastodon: HTML, several times its text
  const MAX_FACETS = 64;
  const TEXT_BUDGET = 3 * 1024 * 1024; // post text per response, so a detail stays under the isolated side's 8 MB
  let textLeft = TEXT_BUDGET;
  const budget = (s, max) => {
    const cut = s.slice(0, Math.max(0, Math.min(max, textLeft)));
    textLeft -= cut.length;
    return cut;
  };

  const SITES = {
    bluesky: {
      // XRPC reads of the web app, on any AppView host (public.api.bsky.app, api.bsky.app, a PDS proxy).
      match: (u) => /\/xrpc\/app\.bsky\.(?:feed\.(?:getPostThread|getTimeline|getAuthorFeed|getFeed|getListFeed|getPosts|searchPosts|getQuotes|getActorLikes)|unspecced\.(?:getPostThreadV2|getPostThreadOtherV2)|actor\.(?:getProfiles?|searchActors))(?:[?#]|$)/.test(u.pathname),
      isAccount: (n) => typeof n.did === 'string' && typeof n.handle === 'string' && !('uri' in n),
      accountFields: ['did', 'handle', 'displayName', 'avatar', 'banner', 'createdAt', 'description',
        'followersCount', 'followsCount', 'postsCount', 'verification.verifiedStatus'],
      isPost: (n) => typeof n.uri === 'string' && isObj(n.author) && typeof n.author.did === 'string',
      post: (n) => {
        const out = { uri: n.uri.slice(0, MAX_STRING), author: { did: String(n.author.did).slice(0, 300), handle: String(n.author.handle ?? '').slice(0, 300) } };
        if (typeof n.author.createdAt === 'string') out.author.createdAt = n.author.createdAt.slice(0, 40);
        // A post view's record (not a quoted record's `value`): text, facets (#tag, #link), the external embed.
        const r = n.record;
        if (!isObj(r)) return out;
        out.record = {};
        if (typeof r.text === 'string') out.record.text = budget(r.text, MAX_POST_TEXT);
        if (typeof r.createdAt === 'string') out.record.createdAt = r.createdAt.slice(0, 40);
        if (Array.isArray(r.facets)) {
          out.record.facets = r.facets.slice(0, MAX_FACETS).filter(isObj).map((f) => ({
            index: { byteStart: typeof f.index?.byteStart === 'number' ? f.index.byteStart : null },
            features: (Array.isArray(f.features) ? f.features.slice(0, 4) : []).filter(isObj).map((x) => {
              const feat = { $type: String(x.$type ?? '').slice(0, 100) };
              if (typeof x.tag === 'string') feat.tag = x.tag.slice(0, 640);
              if (typeof x.uri === 'string') feat.uri = x.uri.slice(0, MAX_STRING);
              return feat;
            }),
          }));
        }
        const ext = [n.embed?.external, n.embed?.media?.external, r.embed?.external, r.embed?.media?.external]
          .find((e) => isObj(e) && typeof e.uri === 'string');
        if (ext) out.embed = { external: { uri: ext.uri.slice(0, MAX_STRING) } };
        return out;
      },
    },
    mastodon: {
      // Same-origin REST reads of the web app.
      match: (u) => u.host === location.host && /^\/api\/v[12]\/(?:timelines\/|statuses|accounts|notifications|search|trends\/statuses|bookmarks|favourites|conversations|lists)/.test(u.pathname),
      isAccount: (n) => typeof n.id === 'string' && typeof n.acct === 'string' && typeof n.username === 'string' && !('account' in n) && !('content' in n),
      accountFields: ['id', 'username', 'acct', 'display_name', 'note', 'avatar', 'header', 'created_at',
        'followers_count', 'following_count', 'statuses_count', 'bot', 'locked', 'group',
        'fields.0.value', 'fields.1.value', 'fields.2.value', 'fields.3.value'],
      isPost: (n) => typeof n.id === 'string' && isObj(n.account) && typeof n.account.acct === 'string',
      post: (n) => {
        const out = { id: n.id.slice(0, 100), account: { id: String(n.account.id ?? '').slice(0, 100), username: String(n.account.username ?? '').slice(0, 100), acct: n.account.acct.slice(0, 300) } };
        if (typeof n.account.created_at === 'string') out.account.created_at = n.account.created_at.slice(0, 40);
        // A status (not a notification): its HTML content as a string (turned into text on the
        // isolated side, never parsed here), tags, the card's url; a boost names its status.
        if (typeof n.content !== 'string') return out;
        out.content = budget(n.content, MAX_CONTENT);
        if (typeof n.created_at === 'string') out.created_at = n.created_at.slice(0, 40);
        if (Array.isArray(n.tags)) out.tags = n.tags.slice(0, 32).filter((t) => isObj(t) && typeof t.name === 'string').map((t) => ({ name: t.name.slice(0, 200) }));
        if (isObj(n.card) && typeof n.card.url === 'string') out.card = { url: n.card.url.slice(0, MAX_STRING) };
        if (isObj(n.reblog) && typeof n.reblog.id === 'string') out.reblog = { id: n.reblog.id.slice(0, 100) };
        return out;
      },
    },
  };
  const siteId = location.hostname === 'bsky.app' ? 'bluesky' : 'mastodon';
  const site = SITES[siteId];
  const EVENT = `botlens:${siteId}-data`;
  const READY_EVENT = `botlens:${siteId}-ready`;
  const paths = site.accountFields.map((p) => p.split('.'));
  const buffered = [];

  function matchUrl(input) {
    try {
      const s = typeof input === 'string' ? input : input instanceof URL ? input.href
        : isObj(input) && typeof input.url === 'string' ? input.url : '';
      if (!s) return false;
      return site.match(new URL(s, location.href));
    } catch {
      return false;
    }
  }

  function prune(node) {
    const out = {};
    for (const path of paths) {
      let v = node;
      for (const k of path) v = isObj(v) ? v[k] : undefined;
      const ok = typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string';
      if (!ok) continue;
      let o = out;
      for (let i = 0; i < path.length - 1; i += 1) {
        const k = path[i];
        o = o[k] ??= /^\d+$/.test(path[i + 1]) ? [] : {};
      }
      o[path[path.length - 1]] = typeof v === 'string' ? v.slice(0, MAX_STRING) : v;
    }
    if (Array.isArray(out.fields)) out.fields = out.fields.filter(Boolean).map((value) => ({ value }));
    return out;
  }

  function collect(json) {
    textLeft = TEXT_BUDGET;
    const accounts = [];
    const posts = [];
    const stack = [json];
    let seen = 0;
    while (stack.length > 0 && seen < MAX_NODES && accounts.length < MAX_ITEMS && posts.length < MAX_ITEMS) {
      const node = stack.pop();
      seen += 1;
      if (site.isAccount(node)) accounts.push(prune(node));
      else if (site.isPost(node)) posts.push(site.post(node));
      for (const v of Object.values(node)) if (isObj(v)) stack.push(v);
    }
    return { accounts, posts };
  }

  function emit(detail) {
    document.dispatchEvent(new CustomEvent(EVENT, { detail }));
  }

  function handle(json) {
    try {
      if (!isObj(json)) return;
      const { accounts, posts } = collect(json);
      if (accounts.length === 0) return;
      const detail = JSON.stringify({ v: 1, site: siteId, accounts, posts });
      buffered.push(detail);
      if (buffered.length > BUFFER) buffered.shift();
      emit(detail);
    } catch {
      // Never let our reading disturb the page.
    }
  }

  function handleText(text) {
    try {
      if (typeof text === 'string' && text.length > 0) handle(JSON.parse(text));
    } catch {
      // Not JSON: nothing to forward.
    }
  }

  try {
    document.addEventListener(READY_EVENT, () => {
      try { for (const detail of buffered) emit(detail); } catch { /* ignore */ }
    });
  } catch {
    // ignore
  }

  try {
    const XHR = globalThis.XMLHttpRequest;
    const nativeOpen = XHR?.prototype?.open;
    if (typeof nativeOpen === 'function') {
      const wrappedOpen = function open(method, url) {
        try {
          if (matchUrl(url)) {
            const xhr = this;
            xhr.addEventListener('readystatechange', () => {
              try {
                if (xhr.readyState !== 4 || xhr.status < 200 || xhr.status >= 300) return;
                if (xhr.responseType === '' || xhr.responseType === 'text') handleText(xhr.responseText);
                else if (xhr.responseType === 'json') handle(xhr.response);
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

  try {
    const nativeFetch = globalThis.fetch;
    if (typeof nativeFetch === 'function') {
      const wrappedFetch = function fetch(input) {
        const result = Reflect.apply(nativeFetch, this, arguments);
        try {
          if (matchUrl(input) && result && typeof result.then === 'function') {
            result.then((response) => {
              try {
                if (response?.ok) response.clone().text().then(handleText, () => {});
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
