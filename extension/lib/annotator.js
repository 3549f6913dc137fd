// The site-agnostic core of the isolated content script: watch the page, match posts to accounts
// the site adapter delivered, ask the background for verdicts in batches, and annotate. A site
// plugs in with a small object (see content/x-site.js): postSelector, readPost(root),
// subscribe(onData), handleKey(handle); optional: handleOf(account) (the handle as readPost gives it;
// default screen_name), scorable(account) (false = shown as unknown without asking the core),
// selfDeclares (an account's `automated: true` is its own statement: marked as such).
//
// Gather in the MutationObserver, work in a scheduled batch (uBO's domWatcher): the observer
// queues added nodes and gives each new post its badge as an empty, invisible placeholder of fixed
// size, so that its layout is part of the frame in which the site inserted the post. Work is
// incremental and time-sliced (docs/PERFORMANCE.md): post roots are indexed by account key and by
// post id, so a score reply re-annotates only the posts of the accounts in it, and a coordination
// change only the posts it lists; a full pass over the page happens only for settings and scope
// changes. Planning (reading, classifying) runs in tasks of at most SLICE_MS; the writes it plans
// that change no layout (a verdict only shows one of the badge's looks; attributes no style rule
// reads) are applied in the same task; writes that change the page's layout (a badge to insert, a
// coordination mark's size, dim or collapse) are applied in one animation frame (commit), because
// each frame that lays out a long thread costs it a relayout and repaint of the whole thread.
// Annotation is idempotent and keyed by post, so React re-renders that
// replace nodes neither lose nor duplicate badges. Settings apply live from storage.onChanged
// without re-scoring. When the extension context goes away (reload/update) it cleans up after
// itself, and a new instance first removes what an old one left (Dark Reader's approach).
import { classify } from './classify.js';
import { SETTINGS_KEY, loadSettings, migrateSettings, overrideFor, updateSettings, withOverride } from './settings.js';
import { BADGE_TAG, createBadge, drawMarks, marksBehind, marksNear, updateBadge } from '../ui/badge.js';
import { COLLAPSE_TAG, createCollapseBar } from '../ui/collapse.js';
import { createCoordination } from './coordination.js';

const ATTRS = ['data-botlens-verdict', 'data-botlens-score', 'data-botlens-self-declared', 'data-botlens-action', 'data-botlens-owner', 'data-botlens-coordinated', 'data-botlens-highlight'];
const GRACE_MS = 600; // how long a post may wait for its author's JSON before it shows "unknown"
const MAX_BATCH = 200;
const SLICE_MS = 16; // planning per task before yielding to the page (a score reply's posts fit in one)
const COMMIT_MS = 12; // planned writes per frame before leaving the rest to the next frame
const COORD_COMMIT_MS = 5; // coordination attributes per frame (the same)
const COORD_MS = 300; // coordination changes are applied at most this often (a growing group changes all its members)
const SCORE_RETRIES = 2; // re-sends of a score request whose worker went away before answering
const RETRY_MS = 150;
const MARKS_MS = 1000; // coordination marks behind are redrawn in a frame that changes the page anyway, else after this
const DEAD = Symbol('dead'); // the extension context is gone (reload, update, uninstall)
const clock = () => (globalThis.performance ? performance.now() : Date.now());

/** Runs `fn` soon in a task of its own (not throttled like nested timeouts). */
function soon(fn) {
  try {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => { ch.port1.close(); fn(); };
    ch.port2.postMessage(null);
  } catch {
    setTimeout(fn, 0);
  }
}

/** The facts the page gave for an account that is not scored (shown in the card, no judgement). */
export function plainFacts(acc, now = Date.now()) {
  const facts = [];
  const created = typeof acc.created_at === 'string' ? Date.parse(acc.created_at) : NaN;
  if (Number.isFinite(created) && created <= now) facts.push({ code: 'account_age', value: Math.floor((now - created) / 86400000) });
  for (const [field, code] of [['followers_count', 'followers'], ['friends_count', 'following'], ['statuses_count', 'posts']]) {
    if (Number.isSafeInteger(acc[field])) facts.push({ code, value: acc[field] });
  }
  return facts;
}

export function startAnnotator({ site, api, doc = document }) {
  const owner = Math.random().toString(36).slice(2, 10);
  const accounts = new Map(); // account key -> Account
  const keyByPost = new Map(); // post id -> account key
  const keyByHandle = new Map(); // lower-cased handle -> account key
  const verdicts = new Map(); // account key -> Verdict ({score: null, failed: true} on error)
  const inflight = new Set();
  const firstSeen = new WeakMap(); // post root -> ms when first seen without data
  const bars = new Map(); // post root -> collapse bar
  const revealed = new Set(); // post ids the user chose to show
  const judged = new Map(); // post id -> verdict class, for the popup counts
  const wanted = new Set(); // keys of accounts that authored a post on the page: only those are scored
  const toScore = new Set(); // wanted keys without a verdict yet (what requestScores looks at)
  // Indexes of the post roots seen, so that a change touches only the posts it concerns.
  const rootsByKey = new Map(); // account key -> Set of post roots
  const rootsByPost = new Map(); // post id -> Set of post roots
  const unresolved = new Set(); // roots whose author is not known yet (re-tried when data arrives)
  const graceRoots = new Set(); // roots waiting for their author's data within GRACE_MS
  const indexed = new WeakMap(); // root -> {key, postId} it is indexed under
  const infos = new WeakMap(); // root -> what site.readPost gave on its last fresh reading
  const views = new WeakMap(); // root -> the badge view of its last annotation
  const badges = new WeakMap(); // root -> its badge
  const coordDirty = new Set(); // roots whose coordination changed (only the mark and card to redo)
  let coordDue = 0;
  let coordTimer = 0;
  let markTimer = 0;
  let marksAt = 0; // when coordination marks were last redrawn
  let framed = false; // a planned write changes the page's layout (a badge to insert, an action): apply it in a frame
  let indexAdds = 0;
  const urgent = new Set(); // roots to (re-)annotate first: score replies, coordination, data
  const queue = new Set(); // roots to annotate: new posts, full passes
  let flaggedCount = 0;
  let pending = new Set();
  let fullScan = true;
  let scheduled = false;
  let commitScheduled = false;
  const writes = new Map(); // post root -> planned write (see plan/apply), applied in the next frame
  let graceTimer = 0;
  let settings = null;
  let model = null;
  let dead = false;
  let lastStats = '';
  // Coordination traces (lib/coordination.js): a separate signal, never part of the verdict.
  const coord = createCoordination({
    api,
    alive: () => alive(),
    onChange: (ids) => {
      if (!Array.isArray(ids)) { fullScan = true; schedule(); return; }
      for (const id of ids) enqueueSet(rootsByPost.get(id), coordDirty);
      if (coordDue === 0) coordDue = clock() + COORD_MS;
      if (!coordTimer) coordTimer = setTimeout(() => { coordTimer = 0; flushWrites(); }, COORD_MS);
    },
  });

  const alive = () => { try { return !dead && Boolean(api.runtime?.id); } catch { return false; } };
  const enabled = () => settings !== null && settings.sites[site.id] !== false;

  // Two phases (docs/PERFORMANCE.md): `run` plans in ordinary tasks (reads the DOM, classifies,
  // builds missing badges detached); `commit` applies the planned writes: at once when they change
  // no layout, else in one animation frame. Each frame that changes the
  // page's layout costs a long thread a relayout and repaint of all of it, so the number of such
  // frames is what matters.
  function schedule() {
    if (scheduled || dead) return;
    scheduled = true;
    // Posts a score reply or new data concern are planned in the task that brought them, so
    // their writes make the very next frame; other work (new posts, full passes) in a task of its own.
    if (urgent.size > 0) queueMicrotask(run);
    else soon(run);
  }

  function scheduleCommit() {
    if (commitScheduled || dead) return;
    commitScheduled = true;
    // requestAnimationFrame does not run in hidden tabs; the timeout keeps those going. In a
    // visible tab it is only a safety net: writes outside the frame would make the site's own
    // layout reads (scroll handlers) pay for a forced layout.
    const timer = setTimeout(commit, doc.visibilityState === 'hidden' ? 100 : 1000);
    requestAnimationFrame(() => { clearTimeout(timer); commit(); });
  }

  function run() {
    scheduled = false;
    if (!alive()) { teardown(); return; }
    if (!enabled()) { pending.clear(); queue.clear(); urgent.clear(); writes.clear(); return; }
    const sel = site.postSelector;
    if (typeof site.scopeOf === 'function' && coord.setScope(site.scopeOf(doc.location))) fullScan = true;
    if (fullScan) { for (const r of doc.querySelectorAll(sel)) queue.add(r); fullScan = false; }
    for (const node of pending) {
      if (!node.isConnected || node.nodeType !== 1) continue;
      const up = node.closest(sel);
      if (up) queue.add(up);
      for (const r of node.querySelectorAll(sel)) queue.add(r);
    }
    pending = new Set();
    const deadline = clock() + SLICE_MS;
    const wall = Date.now();
    let out = false;
    let n = 0;
    for (const set of [urgent, queue]) {
      for (const root of set) {
        set.delete(root);
        if (!root.isConnected) continue;
        try { annotate(root, wall, set === queue); } catch { /* one odd post must not stop the rest */ }
        if ((++n & 3) === 0 && clock() > deadline) { out = true; break; }
      }
      if (out) break;
    }
    if (urgent.size > 0 || queue.size > 0) schedule(); // the rest in the next task
    // Writes that change no layout (a verdict into the badge put in with the post, attributes no
    // style reads) are applied at once: they cost the page a repaint, and the badge is drawn in the
    // very next frame. Others wait for an animation frame.
    if (writes.size > 0 && !framed) commit(false);
    else if (writes.size > 0 || (coordDirty.size > 0 && clock() >= coordDue)) scheduleCommit();
    else if (coordDirty.size > 0 && !coordTimer) coordTimer = setTimeout(() => { coordTimer = 0; flushWrites(); }, Math.max(16, coordDue - clock()));
    if (indexAdds > 1000) sweepIndex();
    requestScores();
    coord.flush();
    sendStats();
  }

  /** Applies the planned writes now when they change no layout, else in the next frame. */
  function flushWrites() {
    if (framed) scheduleCommit(); else commit(false);
  }

  /**
   * Applies the planned writes: the coordination changes (when due, or along with other writes)
   * write only attributes, which no style rule reads; then, in a frame only, the geometry of the
   * badges whose coordination mark is behind (reads before writes: ui/badge.js); then every planned
   * post (attributes, badge, action) and the marks near the viewport. Called at once (`inFrame`
   * false) for writes that change no layout, in an animation frame for the others.
   */
  function commit(inFrame = true) {
    if (inFrame) commitScheduled = false;
    if (dead) return;
    if (!enabled()) { writes.clear(); return; }
    const wall = Date.now();
    let n = 0;
    let out = false;
    if (coordDirty.size > 0 && (writes.size > 0 || clock() >= coordDue)) {
      const deadline = clock() + COORD_COMMIT_MS;
      for (const root of coordDirty) {
        coordDirty.delete(root);
        if (!root.isConnected) continue;
        try { refreshCoord(root, wall); } catch { /* one odd post must not stop the rest */ }
        if ((++n & 15) === 0 && clock() > deadline) { out = true; break; }
      }
      if (coordDirty.size === 0) coordDue = 0;
    }
    // The coordination marks near the viewport (their text changes the page's layout) are redrawn
    // in an animation frame that changes the page's layout anyway (a badge to insert), or once they
    // have waited MARKS_MS; never outside a frame: finding them reads the page's geometry.
    const marksDue = inFrame && marksBehind() > 0 && (writes.size > 0 && framed || clock() - marksAt >= MARKS_MS);
    const near = marksDue ? marksNear(doc.defaultView ?? globalThis) : [];
    if (marksDue) marksAt = clock();
    const deadline = clock() + COMMIT_MS;
    n = 0;
    for (const [root, w] of writes) {
      writes.delete(root);
      try { apply(root, w); } catch { /* as above */ }
      if ((++n & 15) === 0 && clock() > deadline) break;
    }
    drawMarks(near);
    if (bars.size > 0) for (const [root, bar] of bars) if (!root.isConnected) { bar.remove(); bars.delete(root); }
    if (writes.size > 0 || (out && coordDirty.size > 0)) scheduleCommit(); // too much for one frame: the rest in the next
    else if (coordDirty.size > 0 && !coordTimer) coordTimer = setTimeout(() => { coordTimer = 0; flushWrites(); }, Math.max(16, coordDue - clock()));
    if (marksBehind() > 0 && !markTimer) markTimer = setTimeout(() => { markTimer = 0; scheduleCommit(); }, Math.max(16, marksAt + MARKS_MS - clock()));
    if (writes.size === 0) framed = false;
    if (urgent.size > 0 || queue.size > 0) schedule(); // refreshCoord may have re-queued a post
  }

  function enqueueSet(roots, into) {
    if (!roots) return;
    for (const r of roots) {
      if (r.isConnected) into.add(r);
      else roots.delete(r);
    }
  }

  function addTo(map, k, root) {
    let set = map.get(k);
    if (!set) { set = new Set(); map.set(k, set); }
    set.add(root);
  }

  function removeFrom(map, k, root) {
    const set = map.get(k);
    if (!set) return;
    set.delete(root);
    if (set.size === 0) map.delete(k);
  }

  /** Records which account and post a root belongs to (null key: not known yet). */
  function index(root, key, postId) {
    const was = indexed.get(root);
    if (was && was.key === key && was.postId === postId) return;
    if (was) {
      if (was.key) removeFrom(rootsByKey, was.key, root);
      if (was.postId) removeFrom(rootsByPost, was.postId, root);
    }
    if (key) { addTo(rootsByKey, key, root); unresolved.delete(root); } else unresolved.add(root);
    if (postId) addTo(rootsByPost, postId, root);
    indexed.set(root, { key, postId });
    indexAdds += 1;
  }

  /** Drops roots that left the page (the site's virtual list recycles them) from the indexes. */
  function sweepIndex() {
    indexAdds = 0;
    for (const map of [rootsByKey, rootsByPost]) {
      for (const [k, set] of map) {
        for (const r of set) if (!r.isConnected) { set.delete(r); indexed.delete(r); }
        if (set.size === 0) map.delete(k);
      }
    }
    for (const set of [unresolved, graceRoots]) for (const r of set) if (!r.isConnected) set.delete(r);
  }

  function keyFor(info) {
    return (info.postId && keyByPost.get(info.postId))
      || (info.handle && keyByHandle.get(info.handle.toLowerCase())) || null;
  }

  /**
   * `fresh`: read the post from the DOM (a new or changed post, a full pass); else the reading of
   * its last pass is reused while its anchor is still in it (a score reply, a coordination change).
   */
  function annotate(root, now, fresh) {
    let info = fresh ? null : infos.get(root);
    if (!info || (info.anchor && !(info.anchor.isConnected && root.contains(info.anchor)))) info = site.readPost(root);
    if (!info) { infos.delete(root); return; }
    infos.set(root, info);
    const key = keyFor(info);
    const verdict = key ? verdicts.get(key) : undefined;
    const handleKey = info.handle ? site.handleKey(info.handle) : null;
    const userKey = key ?? handleKey;
    const override = (key && overrideFor(settings, key)) || (handleKey && overrideFor(settings, handleKey)) || null;
    index(root, key, info.postId ?? null);
    if (key && !verdict) { wanted.add(key); if (!inflight.has(key)) toScore.add(key); }
    if (!verdict && !override) {
      if (key) return; // scoring is under way; the reply re-runs this post
      const seen = firstSeen.get(root) ?? now;
      firstSeen.set(root, seen);
      if (now - seen < GRACE_MS) { graceRoots.add(root); waitForGrace(seen + GRACE_MS - now); return; }
    }
    graceRoots.delete(root);
    const acc = key ? accounts.get(key) : null;
    // An account that says it is automated (Mastodon's `bot`) is marked as such, not accused by a
    // score; the user's "Not a bot" still wins.
    const selfDeclared = site.selfDeclares === true && acc?.automated === true && override !== 'allow';
    const cls = selfDeclared ? 'flagged' : classify(verdict, { model, sensitivity: settings.sensitivity, override });
    const score = verdict?.score;
    const postText = typeof site.postText === 'function' ? () => site.postText(root) : () => null;
    coord.seen(info.postId, info.handle, userKey, postText, acc);
    const coordination = coordViewOf(info);
    const view = {
      key: userKey, verdict: cls, score: cls === 'unknown' ? null : score ?? null,
      name: acc?.name ?? info.name ?? '', handle: acc?.screen_name ?? info.handle ?? '',
      reasons: Array.isArray(verdict?.reasons) ? verdict.reasons.slice(0, 5) : [],
      facts: Array.isArray(verdict?.facts) ? verdict.facts : [],
      automated: verdict?.automated ?? acc?.automated ?? null,
      verified: verdict?.verified ?? acc?.verified ?? null,
      override,
      selfDeclared,
      coordination,
    };
    // A post without a badge yet gets one built here, detached (no cost to the page); the commit
    // only inserts it. Re-planned before its commit: the same detached badge is reused.
    let badge = null;
    if (info.anchor) {
      const prev = writes.get(root);
      badge = findBadge(root, info.anchor)
        ?? (prev?.badge && !prev.badge.isConnected && prev.info.anchor === info.anchor ? prev.badge : newBadge());
      if (!badge.isConnected) { updateBadge(badge, view); framed = true; }
    }
    // An action (dim, collapse) changes the page's layout or paint outside the badge: in a frame.
    if ((cls === 'flagged' && settings.action !== 'mark') || root.hasAttribute('data-botlens-action')) framed = true;
    writes.set(root, { info, cls, selfDeclared, score, view, badge });
    if (info.postId) {
      const was = judged.get(info.postId);
      if (was === 'flagged') flaggedCount -= 1;
      if (cls === 'flagged') flaggedCount += 1;
      judged.set(info.postId, cls);
    }
  }

  /** Applies one planned write (in the commit's frame); only what changed is written. */
  function apply(root, w) {
    const { info, cls, selfDeclared, score, view } = w;
    if (!root.isConnected) return;
    if (info.anchor && !(info.anchor.isConnected && root.contains(info.anchor))) { queue.add(root); schedule(); return; } // re-rendered meanwhile
    setAttr(root, 'data-botlens-owner', owner);
    setAttr(root, 'data-botlens-verdict', cls);
    setAttr(root, 'data-botlens-self-declared', selfDeclared ? 'true' : null);
    setAttr(root, 'data-botlens-score', typeof score === 'number' && Number.isFinite(score) && cls !== 'unknown' ? score.toFixed(2) : null);
    const coordination = coordViewOf(info); // may be newer than the plan
    setAttr(root, 'data-botlens-coordinated', coordination ? String(coordination.size) : null);
    coordDirty.delete(root);
    if (info.anchor) {
      const next = coordination === view.coordination ? view : { ...view, coordination };
      const badge = ensureBadge(root, info.anchor, w.badge);
      badges.set(root, badge);
      views.set(root, next);
      updateBadge(badge, next);
    }
    applyAction(root, cls, info);
  }

  /**
   * The coordination part of a post's view. The mark needs only the size; the card's lines (with
   * the other members' handles) are built when the card is rendered, through the getter.
   */
  function coordViewOf(info) {
    const postId = info.postId;
    const c = postId ? coord.get(postId) : null;
    if (!c) return null;
    const ownHandle = info.handle;
    return { size: c.cluster_size, postId, get reasons() { return coord.viewOf(postId, ownHandle)?.reasons ?? []; } };
  }

  /** Only the coordination of an annotated post changed: redo its attribute and its badge's mark. */
  function refreshCoord(root, now) {
    if (writes.has(root)) return; // its planned write takes the newest coordination anyway
    const info = infos.get(root);
    const view = views.get(root);
    const badge = badges.get(root);
    if (!info || !view || !badge || badge.parentNode !== info.anchor || !root.contains(badge)) { annotate(root, now, false); return; }
    // A group's members change more often than its size: the size is all the mark and the
    // attributes show (the card reads the members when it renders), so the same view is kept.
    const c = info.postId ? coord.get(info.postId) : null;
    const was = view.coordination;
    const coordination = c && was && was.size === c.cluster_size ? was : coordViewOf(info);
    setAttr(root, 'data-botlens-coordinated', coordination ? String(coordination.size) : null);
    view.coordination = coordination; // the badge holds this same view
    updateBadge(badge, view);
  }

  function setAttr(el, name, value) {
    if (value === null) { if (el.hasAttribute(name)) el.removeAttribute(name); } else if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  }

  /** The badge this instance put in the post's anchor, or null (a read: no writes). */
  function findBadge(root, anchor) {
    for (const b of anchor.children) {
      if (b.localName === BADGE_TAG && b.getAttribute('data-botlens-owner') === owner) return b;
    }
    return null;
  }

  function newBadge() {
    const b = createBadge(doc, onDecision, onCoordination);
    b.setAttribute('data-botlens-owner', owner);
    return b;
  }

  /** Keeps one badge of ours in the anchor (inserting `planned` when there is none) and removes strays. */
  function ensureBadge(root, anchor, planned) {
    let keep = null;
    for (const b of root.querySelectorAll(BADGE_TAG)) {
      if (b.closest(site.postSelector) !== root) continue; // a nested post's own badge
      if (!keep && b.getAttribute('data-botlens-owner') === owner && b.parentNode === anchor) keep = b;
      else b.remove();
    }
    if (!keep) {
      keep = planned && !planned.isConnected ? planned : newBadge();
      anchor.append(keep);
    }
    return keep;
  }

  function applyAction(root, cls, info) {
    const id = info.postId ?? '';
    const want = cls === 'flagged' && settings.action !== 'mark' && !revealed.has(id) ? settings.action : null;
    const cur = root.getAttribute('data-botlens-action');
    if ((cur ?? null) === want && (want !== 'collapse' || bars.get(root)?.isConnected)) return;
    undoAction(root);
    if (want === 'dim') root.style.setProperty('opacity', '0.45');
    if (want === 'collapse') {
      const bar = createCollapseBar(doc, info.handle, () => { revealed.add(id); undoAction(root); });
      bar.setAttribute('data-botlens-owner', owner);
      root.before(bar);
      bars.set(root, bar);
      root.style.setProperty('display', 'none');
    }
    setAttr(root, 'data-botlens-action', want);
  }

  function undoAction(root) {
    const cur = root.getAttribute('data-botlens-action');
    if (cur === 'dim') root.style.removeProperty('opacity');
    if (cur === 'collapse') root.style.removeProperty('display');
    bars.get(root)?.remove();
    bars.delete(root);
    root.removeAttribute('data-botlens-action');
  }

  function waitForGrace(ms) {
    if (graceTimer) return;
    graceTimer = setTimeout(() => { graceTimer = 0; enqueueSet(graceRoots, urgent); schedule(); }, Math.max(ms, 16));
  }

  async function requestScores() {
    const keys = [];
    for (const k of toScore) {
      if (keys.length >= MAX_BATCH) break;
      if (verdicts.has(k) || inflight.has(k)) { toScore.delete(k); continue; }
      if (!accounts.has(k)) continue;
      toScore.delete(k);
      keys.push(k);
    }
    // Accounts the site does not score (too little data for the model) are unknown at once.
    if (typeof site.scorable === 'function') {
      for (let i = keys.length - 1; i >= 0; i -= 1) {
        const acc = accounts.get(keys[i]);
        if (site.scorable(acc)) continue;
        verdicts.set(keys[i], { score: null, reasons: [], facts: plainFacts(acc), automated: acc.automated ?? null, verified: acc.verified ?? null, unscored: true });
        enqueueSet(rootsByKey.get(keys[i]), urgent);
        keys.splice(i, 1);
      }
      if (keys.length === 0) { schedule(); return; }
      schedule();
    }
    if (keys.length === 0) return;
    for (const k of keys) inflight.add(k);
    const reply = await askScores(keys.map((k) => accounts.get(k)));
    if (reply === DEAD) { teardown(); return; }
    const ok = reply && !reply.error && Array.isArray(reply.verdicts) && reply.verdicts.length === keys.length;
    if (ok && reply.model) model = reply.model;
    keys.forEach((k, i) => {
      inflight.delete(k);
      verdicts.set(k, ok && reply.verdicts[i] && typeof reply.verdicts[i] === 'object' ? reply.verdicts[i] : { score: null, failed: true });
      enqueueSet(rootsByKey.get(k), urgent); // only the posts of these accounts
    });
    schedule();
  }

  /**
   * One score request. A service worker stopped while it held the message (idle timeout, update,
   * crash) answers `undefined` or rejects ("message channel closed", "Receiving end does not
   * exist"); the message is then sent again, which starts a new worker, so no post is left
   * "unknown" by a restart. An `{error}` reply is an answer and is not retried. DEAD when the
   * extension context itself is gone.
   */
  async function askScores(list) {
    const msg = { type: 'content->bg:score', accounts: list };
    for (let attempt = 0; ; attempt += 1) {
      let reply;
      try {
        reply = await api.runtime.sendMessage(msg);
      } catch {
        if (!alive()) return DEAD;
      }
      if ((reply !== null && typeof reply === 'object') || attempt >= SCORE_RETRIES) return reply ?? null;
      await new Promise((r) => setTimeout(r, RETRY_MS * (attempt + 1)));
      if (!alive()) return DEAD;
    }
  }

  function onData({ accounts: list, links, posts }) {
    if (dead) return;
    coord.addPosts(posts);
    for (const acc of list) {
      accounts.set(acc.key, { ...accounts.get(acc.key), ...acc });
      const handle = typeof site.handleOf === 'function' ? site.handleOf(acc) : acc.screen_name;
      if (handle) keyByHandle.set(handle.toLowerCase(), acc.key);
      enqueueSet(rootsByKey.get(acc.key), urgent); // their posts show the new data
    }
    for (const { post_id: postId, key } of links) {
      if (keyByPost.get(postId) === key) continue;
      keyByPost.set(postId, key);
      enqueueSet(rootsByPost.get(postId), urgent);
    }
    enqueueSet(unresolved, urgent); // posts that waited for their author
    schedule();
  }

  // At most one stats message per STATS_MS (the frame-sliced batches would send one per frame);
  // the last count always goes out, on a timer.
  const STATS_MS = 250;
  let statsAt = -Infinity;
  let statsTimer = 0;
  let statsPort = null;
  function sendStats() {
    if (statsTimer) return;
    const wait = statsAt + STATS_MS - clock();
    if (wait > 0) { statsTimer = setTimeout(() => { statsTimer = 0; if (!dead) sendStats(); }, wait); return; }
    const flagged = flaggedCount;
    const msg = { checked: judged.size, flagged };
    const sig = `${msg.checked}/${msg.flagged}`;
    if (sig === lastStats) return;
    lastStats = sig;
    statsAt = clock();
    try {
      // A port, not sendMessage: no reply promise to outlive the page (background.js).
      if (!statsPort) {
        statsPort = api.runtime.connect({ name: 'content->bg:stats' });
        // e.g. the worker stopped. Reading lastError marks it handled: unread, Chromium logs
        // "Unchecked runtime.lastError: Could not establish connection" in the page's console.
        // A disconnect with the context gone means the extension was reloaded or updated: tear
        // down now rather than at the page's next mutation, so no orphaned badge stays behind.
        statsPort.onDisconnect.addListener(() => { void api.runtime.lastError; statsPort = null; if (!alive()) teardown(); });
      }
      statsPort.postMessage(msg);
    } catch {
      statsPort = null; // context gone: the next batch tears down
    }
  }

  function onDecision(view, decision) {
    if (!view.key) return;
    updateSettings(api.storage, (s) => withOverride(s, view.key, decision, { handle: view.handle, name: view.name }))
      .catch(() => {}); // storage.onChanged re-renders on success; on failure nothing changed
  }

  /** A coordination line of a card was activated: highlight the group's posts, move to the next one. */
  function onCoordination(view, code) {
    const postId = view.coordination?.postId;
    if (!postId) return;
    const rootById = new Map();
    for (const root of doc.querySelectorAll(site.postSelector)) {
      const id = site.readPost(root)?.postId;
      if (id && !rootById.has(id)) rootById.set(id, root);
    }
    const step = coord.nextMember(postId, code, rootById);
    if (!step) return;
    for (const el of doc.querySelectorAll('[data-botlens-highlight]')) unhighlight(el);
    for (const id of step.members) highlight(rootById.get(id), id === step.next ? 'current' : 'member');
    const target = rootById.get(step.next);
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.scrollIntoView({ block: 'center' });
    target.focus({ preventScroll: true });
  }

  function highlight(root, how) {
    root.setAttribute('data-botlens-highlight', how);
    root.style.setProperty('outline', how === 'current' ? '3px solid #6a3d9a' : '2px dashed #6a3d9a');
    root.style.setProperty('outline-offset', '-3px');
  }

  function unhighlight(root) {
    if (!root.hasAttribute('data-botlens-highlight')) return;
    root.removeAttribute('data-botlens-highlight');
    root.style.removeProperty('outline');
    root.style.removeProperty('outline-offset');
  }

  function onStorage(changes, area) {
    if (area !== 'local' || !changes[SETTINGS_KEY] || dead) return;
    settings = migrateSettings(changes[SETTINGS_KEY].newValue);
    if (!enabled()) { removeAll(false); sendStats(); }
    fullScan = true;
    schedule();
  }

  function removeAll(anyOwner) {
    const mine = (el) => anyOwner || el.getAttribute('data-botlens-owner') === owner;
    for (const el of doc.querySelectorAll(`${BADGE_TAG}, ${COLLAPSE_TAG}`)) if (mine(el)) el.remove();
    for (const root of doc.querySelectorAll('[data-botlens-owner]')) {
      if (!mine(root)) continue;
      undoAction(root);
      unhighlight(root);
      for (const a of ATTRS) root.removeAttribute(a);
    }
    bars.clear();
    writes.clear();
    judged.clear();
    flaggedCount = 0;
  }

  // The observer's callback runs as a microtask right after the site inserted its posts, before
  // that frame is rendered. New posts get their badge there, as an empty, invisible placeholder of
  // fixed size (ui/badge.js): its layout is part of the site's own frame, and the verdict later
  // changes only the inside of its contained box. Everything else waits for the batch (run).
  const observer = new MutationObserver((records) => {
    const added = [];
    for (const r of records) {
      for (const n of r.addedNodes) {
        if (n.nodeType === 1 && n.localName !== BADGE_TAG && n.localName !== COLLAPSE_TAG) { pending.add(n); added.push(n); }
      }
    }
    if (added.length > 0) { try { placeholders(added); } catch { /* the batch does it */ } }
    if (pending.size > 0) schedule();
  });

  function placeholders(nodes) {
    if (!enabled() || dead) return;
    const sel = site.postSelector;
    for (const node of nodes) {
      if (!node.isConnected) continue;
      const up = node.closest(sel);
      if (up) placeholder(up);
      for (const r of node.querySelectorAll(sel)) placeholder(r);
    }
  }

  function placeholder(root) {
    const info = site.readPost(root);
    if (!info?.anchor || findBadge(root, info.anchor)) return;
    info.anchor.append(newBadge());
  }

  let unsubscribe = () => {};
  function teardown() {
    if (dead) return;
    dead = true;
    observer.disconnect();
    try { unsubscribe(); } catch { /* ignore */ }
    try { api.storage.onChanged.removeListener(onStorage); } catch { /* context gone */ }
    clearTimeout(graceTimer);
    clearTimeout(coordTimer);
    clearTimeout(markTimer);
    clearTimeout(statsTimer);
    try { statsPort?.disconnect(); } catch { /* context gone */ }
    removeAll(false);
  }

  removeAll(true); // whatever an earlier instance of the extension left behind
  observer.observe(doc.documentElement ?? doc, { childList: true, subtree: true });
  api.storage.onChanged.addListener(onStorage);
  unsubscribe = site.subscribe(onData);
  loadSettings(api.storage).then((s) => { settings = s; fullScan = true; schedule(); }, () => {
    settings = migrateSettings(null);
    schedule();
  });
  return { teardown };
}
