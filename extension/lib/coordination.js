// Coordination traces (docs/COORDINATION.md) on the content side: which posts of this page go to
// the background's per-tab Coordinator, and what it answered. Used by lib/annotator.js.
//
// - A post is sent once it is on the page (the annotator saw its root), with the text the page's
//   JSON gave (site adapter) or, for a post the JSON did not carry, the site's DOM text
//   (`site.postText(root)`). Batched: at most one message in flight, at most 500 posts each.
// - One detector per "scope" (`site.scopeOf(location)`: on X the thread's status id): moving to
//   another thread in the same tab starts over (`reset: true`), so "in this thread" stays true.
//   A new content script (page load, reload) also starts with `reset: true`.
// - The background answers with its detector's `session`; a different one than ours without our
//   asking for a reset means it lost its state (service-worker restart): every post of the scope
//   is sent again (the new detector rebuilds the same clusters).
const MAX_SEND = 500;
const MAX_POSTS = 50000;
const MAX_LISTED = 20;
const RECOVERIES = 3; // at most this many full re-sends per scope (a background that keeps losing state)
const RETRY_MS = 150; // a batch the worker dropped is sent again after this (once)

/**
 * A post's main group among its reasons (the core's rule, src/coord/mod.rs `PostGroups`): the
 * near-duplicate text group when there is one (it comes first), else the group with the most
 * accounts, ties to the smallest id (compared as strings).
 */
export function mainGroup(reasons) {
  if (reasons[0]?.code === 'near_duplicate_text') return reasons[0];
  let best = reasons[0];
  for (const r of reasons) if (r.value > best.value || (r.value === best.value && r.group < best.group)) best = r;
  return best;
}

// `onChange(postIds)` is called with the ids of the posts whose coordination changed (null: any).
export function createCoordination({ api, onChange, alive }) {
  const fromJson = new Map(); // post id -> Post from the page's JSON
  const sent = new Map(); // post id -> Post sent in this scope
  const queue = new Map(); // post id -> Post for the next message
  const state = new Map(); // post id -> PostCoordination (coordinated posts only)
  const groups = new Map(); // group id -> its state {code, value, group, members, detail}, shared by its posts
  const postsOf = new Map(); // group id -> ids of the posts in `state` with a reason of that group
  const handles = new Map(); // post id -> author handle as the page shows it
  const lastJump = new Map(); // group -> post id last moved to
  let scope = null;
  let reset = true;
  let session = null;
  let busy = false;
  let recoveries = 0;
  const retried = new WeakSet(); // posts of a batch already sent again once

  function addPosts(list) {
    if (!Array.isArray(list)) return;
    for (const p of list) {
      if (p && typeof p.post_id === 'string' && !fromJson.has(p.post_id) && fromJson.size < MAX_POSTS) fromJson.set(p.post_id, p);
    }
  }

  /** Starts over when the page moved to another thread; true when it did. */
  function setScope(next) {
    if (next === scope) return false;
    const had = scope !== null;
    scope = next;
    if (!had) return false;
    reset = true;
    session = null;
    recoveries = 0;
    sent.clear();
    queue.clear();
    lastJump.clear();
    const changed = state.size > 0;
    state.clear();
    postsOf.clear();
    groups.clear();
    return changed;
  }

  /**
   * A post root is on the page: queue its post once. `key` is the author's account key (from the
   * JSON, else the handle key), `readText` the DOM fallback, `account` the author's Account.
   */
  function seen(postId, handle, key, readText, account) {
    if (!postId || sent.has(postId) || queue.has(postId) || sent.size + queue.size >= MAX_POSTS) return;
    if (handle) handles.set(postId, handle);
    let post = fromJson.get(postId);
    if (!post) {
      if (!key) return;
      const text = readText();
      if (typeof text !== 'string' || text.trim() === '') return;
      post = { post_id: postId, account_key: key, text };
    }
    if (!post.account_created_at && typeof account?.created_at === 'string') post = { ...post, account_created_at: account.created_at };
    queue.set(postId, post);
  }

  /**
   * Applies the background's changes (docs/COORDINATION.md, "Wire format"): `{groups, posts}`,
   * each group's state once and per listed post its group ids. A group's state is one object
   * shared by all its posts, so a group that grew updates every member; a listed post with no
   * groups is cleared. Returns the ids of the posts whose state changed.
   */
  function apply(changes) {
    const changed = new Set();
    if (!changes || typeof changes !== 'object') return [];
    for (const g of Array.isArray(changes.groups) ? changes.groups : []) {
      if (!g || typeof g.group !== 'string' || typeof g.code !== 'string' || !Number.isSafeInteger(g.value) || g.value <= 0) continue;
      const members = Array.isArray(g.members) ? g.members.filter((m) => typeof m === 'string') : [];
      const detail = typeof g.detail === 'string' ? g.detail : undefined;
      const own = groups.get(g.group);
      if (own) {
        Object.assign(own, { code: g.code, value: g.value, members, detail });
        for (const id of postsOf.get(g.group) ?? []) changed.add(id);
      } else groups.set(g.group, { code: g.code, value: g.value, group: g.group, members, detail });
    }
    for (const p of Array.isArray(changes.posts) ? changes.posts : []) {
      if (!p || typeof p.post_id !== 'string') continue;
      const old = state.get(p.post_id);
      if (old) index(p.post_id, old, false);
      const reasons = [];
      for (const id of Array.isArray(p.groups) ? p.groups : []) {
        const g = typeof id === 'string' ? groups.get(id) : undefined;
        if (g && !reasons.includes(g)) reasons.push(g);
      }
      if (reasons.length > 0) {
        const c = { post_id: p.post_id, cluster_id: null, cluster_size: 0, members: [], reasons };
        state.set(p.post_id, c);
        index(p.post_id, c, true);
      } else if (old) state.delete(p.post_id);
      else continue;
      changed.add(p.post_id);
    }
    for (const id of groups.keys()) if (!postsOf.has(id)) groups.delete(id); // merged away or never used
    for (const id of changed) {
      const c = state.get(id);
      if (!c) continue;
      const main = mainGroup(c.reasons);
      c.cluster_id = main.group;
      c.cluster_size = main.value;
      c.members = main.members;
    }
    return [...changed];
  }

  /** Keeps `postsOf` (group -> post ids) in step with `state`. */
  function index(postId, c, add) {
    for (const r of Array.isArray(c.reasons) ? c.reasons : []) {
      if (!r || typeof r.group !== 'string') continue;
      let ids = postsOf.get(r.group);
      if (add) {
        if (!ids) postsOf.set(r.group, (ids = new Set()));
        ids.add(postId);
      } else if (ids) {
        ids.delete(postId);
        if (ids.size === 0) postsOf.delete(r.group);
      }
    }
  }

  async function flush() {
    if (busy || queue.size === 0 || !alive()) return;
    busy = true;
    const batch = [];
    for (const [id, post] of queue) {
      batch.push(post);
      queue.delete(id);
      sent.set(id, post);
      if (batch.length >= MAX_SEND) break;
    }
    const asked = { type: 'content->bg:coord', posts: batch, reset, session };
    const myScope = scope;
    reset = false;
    let reply;
    try {
      reply = await api.runtime.sendMessage(asked);
    } catch {
      reply = null;
    }
    busy = false;
    if (myScope !== scope) { onChange(null); return; } // moved on meanwhile: the answer is stale (null: every post)
    if (!reply || reply.error) {
      // A service worker stopped while it held the batch answers nothing (or fails): the batch goes
      // back in the queue once, ahead of newer posts (as annotator.js askScores re-sends scores), so
      // its posts are not left out until a recovery. A second failure drops it (an {error} answer
      // from a live worker would fail again the same way).
      if (!retried.has(batch[0]) && alive()) {
        for (const post of batch) retried.add(post);
        const rest = [...queue];
        queue.clear();
        for (const post of batch) { sent.delete(post.post_id); queue.set(post.post_id, post); }
        for (const [id, post] of rest) queue.set(id, post);
        if (asked.reset) reset = true; // the detector was never made
        setTimeout(() => flush(), RETRY_MS);
        return;
      }
      if (queue.size > 0) flush();
      return;
    }
    if (typeof reply.session === 'string' && reply.session !== session) {
      const lost = !asked.reset && session !== null;
      session = reply.session;
      if (lost) {
        // The new detector's group ids name other groups ("t0" is its own first cluster): what the
        // lost one said is dropped, and the marks come back as the re-sent posts are answered.
        const had = state.size > 0;
        state.clear();
        postsOf.clear();
        groups.clear();
        lastJump.clear();
        if (had) onChange(null);
        if (recoveries < RECOVERIES) {
          recoveries += 1;
          for (const [id, post] of sent) if (!batch.includes(post)) queue.set(id, post);
          for (const id of queue.keys()) sent.delete(id);
        }
      }
    }
    const changed = apply(reply.changes);
    if (changed.length > 0) onChange(changed); // only these posts need a new look
    if (queue.size > 0) flush();
  }

  /** What the badge shows for a post: null, or {size, postId, reasons: [{code, value, detail, group, others}]}. */
  function viewOf(postId, ownHandle) {
    const c = postId ? state.get(postId) : null;
    if (!c) return null;
    const reasons = c.reasons.filter((r) => r && typeof r.code === 'string').map((r) => {
      const others = [];
      const own = (ownHandle ?? handles.get(postId) ?? '').toLowerCase();
      for (const id of Array.isArray(r.members) ? r.members : []) {
        const h = handles.get(id);
        if (!h || h.toLowerCase() === own || others.some((o) => o.toLowerCase() === h.toLowerCase())) continue;
        others.push(h);
        if (others.length >= MAX_LISTED) break;
      }
      return { code: r.code, value: Number(r.value) || 0, detail: typeof r.detail === 'string' ? r.detail : '', group: String(r.group ?? ''), others };
    });
    return { size: c.cluster_size, postId, reasons };
  }

  /**
   * The next member (post id) to move to from `postId`'s card for reason `code`, among those
   * `present` on the page (in page order): after the one moved to last for that group, else
   * after the post itself. Returns {members, next} or null.
   */
  function nextMember(postId, code, present) {
    const c = state.get(postId);
    const r = c?.reasons.find((x) => x.code === code) ?? c?.reasons[0];
    if (!r || !Array.isArray(r.members)) return null;
    // Page order, not the order the detector learned them in (that follows message timing).
    const inGroup = new Set(r.members);
    const members = [...present.keys()].filter((id) => inGroup.has(id));
    if (members.length === 0) return null;
    const from = members.includes(lastJump.get(r.group)) ? lastJump.get(r.group) : postId;
    let i = members.indexOf(from);
    let next = members[(i + 1) % members.length];
    if (next === postId && from === postId && members.length > 1) { i += 1; next = members[(i + 1) % members.length]; }
    lastJump.set(r.group, next);
    return { members, next };
  }

  return {
    addPosts, setScope, seen, flush, viewOf, nextMember,
    get: (postId) => state.get(postId) ?? null,
    clear() { state.clear(); postsOf.clear(); groups.clear(); sent.clear(); queue.clear(); },
  };
}
