// The content side of coordination (extension/lib/coordination.js) against a fake background:
// batching, reset on a new page or thread, re-sending after the background lost its state,
// updates applied and cleared, moving between members.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createCoordination } from '../../extension/lib/coordination.js';

function fakeBackground() {
  const bg = { sessions: 0, posts: null, session: null, sent: [] };
  bg.api = { runtime: { async sendMessage(msg) {
    bg.sent.push(msg);
    if (msg.reset || bg.posts === null) { bg.sessions += 1; bg.session = `s${bg.sessions}`; bg.posts = new Map(); }
    for (const p of msg.posts) if (!bg.posts.has(p.post_id)) bg.posts.set(p.post_id, p);
    // Everyone posting "same" is one group (the real detector is the wasm; this is its
    // `{groups, posts}` shape, listing every member each time).
    const members = [...bg.posts.values()].filter((p) => p.text === 'same').map((p) => p.post_id);
    const on = members.length >= 3;
    const changes = { groups: on ? [{ code: 'near_duplicate_text', value: members.length, group: 't0', members }] : [],
      posts: members.map((id) => ({ post_id: id, groups: on ? ['t0'] : [] })) };
    return { changes, session: bg.session };
  } } };
  return bg;
}
const tick = () => new Promise((r) => setTimeout(r, 0));
async function settle(c) { for (let i = 0; i < 10; i++) { await c.flush(); await tick(); } }

test('batches, applies updates, lists the other accounts, resets per thread', async () => {
  const bg = fakeBackground();
  let changes = 0;
  const c = createCoordination({ api: bg.api, alive: () => true, onChange: () => { changes += 1; } });
  c.setScope('status:1');
  c.addPosts([{ post_id: '1', account_key: 'x:1', text: 'same' }, { post_id: '2', account_key: 'x:2', text: 'same' }, null, { post_id: 5 }]);
  c.seen('1', 'alice', 'x:1', () => 'dom', null);
  c.seen('2', 'bob', 'x:2', () => 'dom', { created_at: '2020-01-01T00:00:00Z' });
  c.seen('3', 'carol', 'x:carol', () => 'same', null); // not in the JSON: DOM text
  c.seen('4', 'dave', 'x:dave', () => '  ', null); // no text anywhere: not sent
  await settle(c);
  assert.equal(bg.sent.length, 1, 'one message for the batch');
  assert.equal(bg.sent[0].reset, true);
  assert.deepEqual(bg.sent[0].posts.map((p) => p.post_id), ['1', '2', '3']);
  assert.equal(bg.sent[0].posts[1].account_created_at, '2020-01-01T00:00:00Z');
  assert.equal(bg.sent[0].posts[0].text, 'same', 'JSON text wins over the DOM');
  assert.ok(changes > 0);
  const v = c.viewOf('1', 'alice');
  assert.equal(v.size, 3);
  assert.deepEqual(v.reasons[0].others, ['bob', 'carol']);
  c.seen('1', 'alice', 'x:1', () => 'dom', null); // already sent: nothing new
  await settle(c);
  assert.equal(bg.sent.length, 1);
  // Moving between members: after the post itself, then after the one moved to.
  const present = new Map([['1', 0], ['2', 0], ['3', 0]]);
  assert.equal(c.nextMember('1', 'near_duplicate_text', present).next, '2');
  assert.equal(c.nextMember('2', 'near_duplicate_text', present).next, '3');
  assert.equal(c.nextMember('3', 'near_duplicate_text', present).next, '1');
  // Page order wins over the order the detector learned the posts in (message timing).
  const reversed = new Map([['3', 0], ['2', 0], ['1', 0]]);
  const step = c.nextMember('2', 'near_duplicate_text', reversed); // last moved to: '1', the page's last
  assert.deepEqual(step.members, ['3', '2', '1']);
  assert.equal(step.next, '3', 'after the page\'s last member comes its first');
  assert.equal(c.nextMember('2', 'near_duplicate_text', reversed).next, '2');
  // Another thread: marks go, the next message resets.
  assert.equal(c.setScope('status:9'), true);
  assert.equal(c.viewOf('1'), null);
  c.seen('1', 'alice', 'x:1', () => 'dom', null);
  await settle(c);
  assert.equal(bg.sent.at(-1).reset, true);
});

test('a background that lost its state gets every post again', async () => {
  const bg = fakeBackground();
  const c = createCoordination({ api: bg.api, alive: () => true, onChange: () => {} });
  c.setScope('status:1');
  for (const id of ['1', '2']) c.seen(id, `h${id}`, `x:${id}`, () => 'same', null);
  await settle(c);
  bg.posts = null; // service-worker restart
  c.seen('3', 'h3', 'x:3', () => 'same', null);
  await settle(c);
  assert.equal(bg.sent.length, 3, 'the batch, then all the others again');
  assert.deepEqual(bg.sent[2].posts.map((p) => p.post_id).sort(), ['1', '2']);
  assert.equal(c.viewOf('3').size, 3, 'the rebuilt detector found the group');
});

test('errors leave posts unmarked and never throw', async () => {
  const c = createCoordination({ api: { runtime: { sendMessage: async () => { throw new Error('gone'); } } }, alive: () => true, onChange: () => {} });
  c.seen('1', 'a', 'x:1', () => 'same text', null);
  await assert.doesNotReject(settle(c));
  assert.equal(c.viewOf('1'), null);
  const d = createCoordination({ api: { runtime: { sendMessage: async () => ({ error: 'bad batch' }) } }, alive: () => true, onChange: () => {} });
  d.seen('1', 'a', 'x:1', () => 'same text', null);
  await assert.doesNotReject(settle(d));
});

test('group-table changes: a grown group reaches every member without listing them', async () => {
  // The wasm Coordinator lists a post again only when its groups changed other than by growing;
  // a grown group's state travels once in `groups` and holds for all its posts.
  const sent = [];
  const group = (id, members, code = 'near_duplicate_text') => ({ code, value: members.length, group: id, members });
  let reply = null;
  const api = { runtime: { async sendMessage(msg) { sent.push(msg); return { changes: reply, session: 's1' }; } } };
  const changes = [];
  const c = createCoordination({ api, alive: () => true, onChange: (ids) => changes.push(ids) });
  c.setScope('status:1');
  reply = { groups: [group('t0', ['1', '2', '3'])], posts: ['1', '2', '3'].map((id) => ({ post_id: id, groups: ['t0'] })) };
  c.addPosts([{ post_id: '1', account_key: 'x:1', text: 'a' }]);
  c.seen('1', 'a', 'x:1', () => 'a', null);
  await settle(c);
  assert.equal(c.viewOf('1').size, 3);
  assert.equal(c.get('1').cluster_id, 't0');
  // Only the new member is listed; the older three learn size 4 from the group's state.
  reply = { groups: [group('t0', ['1', '2', '3', '4'])], posts: [{ post_id: '4', groups: ['t0'] }] };
  c.seen('4', 'd', 'x:4', () => 'a', null);
  await settle(c);
  for (const id of ['1', '2', '3', '4']) {
    assert.equal(c.viewOf(id).size, 4, `post ${id} sees the grown group`);
    assert.equal(c.get(id).reasons[0].value, 4);
    assert.deepEqual(c.get(id).reasons[0].members, ['1', '2', '3', '4']);
  }
  assert.deepEqual([...changes.at(-1)].sort(), ['1', '2', '3', '4'], 'all members re-render');
  // A post that left every group is cleared and no longer follows the group.
  reply = { groups: [group('t0', ['1', '2', '4', '5'])], posts: [{ post_id: '3', groups: [] }, { post_id: '5', groups: ['t0'] }] };
  c.seen('5', 'e', 'x:5', () => 'a', null);
  await settle(c);
  assert.equal(c.viewOf('3'), null);
  assert.equal(c.viewOf('1').size, 4);
  assert.deepEqual(c.get('2').members, ['1', '2', '4', '5']);
  // Main group without text: the most accounts, ties to the smallest id; it follows growth.
  reply = { groups: [group('h1', ['6', '7', '8'], 'same_hashtag_sequence'), group('l2', ['6', '7', '8', '9'], 'same_link')],
    posts: [{ post_id: '6', groups: ['h1', 'l2'] }] };
  c.seen('6', 'f', 'x:6', () => 'b', null);
  await settle(c);
  assert.equal(c.get('6').cluster_id, 'l2');
  assert.equal(c.viewOf('6').size, 4);
  reply = { groups: [group('h1', ['6', '7', '8', '10', '11'], 'same_hashtag_sequence')], posts: [] };
  c.seen('7', 'g', 'x:7', () => 'b', null);
  await settle(c);
  assert.equal(c.get('6').cluster_id, 'h1', 'the hashtag group outgrew the link group');
  assert.equal(c.viewOf('6').size, 5);
  // Malformed parts are skipped, the rest applies.
  reply = { groups: [null, { group: 'x', code: 'near_duplicate_text', value: -1, members: [] }, group('t9', ['12', '13', '14'])],
    posts: [7, { post_id: '12', groups: ['t9', 'x', 'nope', 't9'] }, { post_id: 13 }] };
  c.seen('12', 'h', 'x:12', () => 'c', null);
  await settle(c);
  assert.equal(c.get('12').reasons.length, 1);
  assert.equal(c.viewOf('12').size, 3);
});

test('after the background lost its detector, the old group ids do not lend their state to new groups', async () => {
  const g = (id, m) => ({ code: 'near_duplicate_text', value: m.length, group: id, members: m });
  const replies = [];
  const sent = [];
  const api = { runtime: { async sendMessage(msg) { sent.push(msg); return replies.shift()(msg); } } };
  let all = 0;
  const c = createCoordination({ api, alive: () => true, onChange: (ids) => { if (ids === null) all += 1; } });
  c.setScope('status:1');
  replies.push(() => ({ session: 'A', changes: { groups: [g('t0', ['p0', 'p1', 'p2'])], posts: ['p0', 'p1', 'p2'].map((id) => ({ post_id: id, groups: ['t0'] })) } }));
  for (const id of ['p0', 'p1', 'p2']) c.seen(id, id, `x:${id}`, () => 'x', null);
  await c.flush();
  assert.deepEqual(c.get('p0').members, ['p0', 'p1', 'p2']);
  // The worker restarted: session B's first cluster is also "t0", another campaign.
  replies.push(() => ({ session: 'B', changes: { groups: [g('t0', ['q0', 'q1', 'q2'])], posts: ['q0', 'q1', 'q2'].map((id) => ({ post_id: id, groups: ['t0'] })) } }));
  replies.push(() => new Promise(() => {})); // the re-sent posts are still in flight
  for (const id of ['q0', 'q1', 'q2']) c.seen(id, id, `x:${id}`, () => 'y', null);
  await c.flush();
  assert.equal(c.get('p0'), null, 'the lost session\'s mark is dropped, not relabelled');
  assert.deepEqual(c.get('q0').members, ['q0', 'q1', 'q2']);
  assert.equal(all, 1, 'every post re-renders once');
  assert.deepEqual(sent.at(-1).posts.map((p) => p.post_id).sort(), ['p0', 'p1', 'p2'], 'the old posts are sent again');
});

test('a batch the stopped worker dropped is sent again once, not lost', async () => {
  const bg = fakeBackground();
  const real = bg.api.runtime.sendMessage;
  let drops = 1;
  bg.api.runtime.sendMessage = async (msg) => {
    if (drops > 0) { drops -= 1; bg.sent.push(msg); return undefined; } // worker stopped holding it
    return real(msg);
  };
  let changed = [];
  const c = createCoordination({ api: bg.api, alive: () => true, onChange: (ids) => { changed = changed.concat(ids ?? []); } });
  c.setScope('status:1');
  for (const id of ['1', '2', '3']) c.seen(id, `u${id}`, `x:${id}`, () => 'same', null);
  await c.flush();
  assert.equal(bg.sent.length, 1);
  c.seen('4', 'u4', 'x:4', () => 'other', null); // a newer post queued meanwhile
  await new Promise((r) => setTimeout(r, 200)); // RETRY_MS
  await settle(c);
  assert.equal(bg.sent.length, 2, 'the dropped batch went again (with the newer post)');
  assert.deepEqual(bg.sent[1].posts.map((p) => p.post_id), ['1', '2', '3', '4'], 'dropped posts first');
  assert.equal(bg.sent[1].reset, true, 'the first batch never made the detector: still a reset');
  assert.equal(c.viewOf('1')?.size, 3, 'the group is marked');
  // A second failure of the same posts is not retried forever.
  bg.api.runtime.sendMessage = async (msg) => { bg.sent.push(msg); return { error: 'boom' }; };
  c.seen('5', 'u5', 'x:5', () => 'same', null);
  await c.flush();
  await new Promise((r) => setTimeout(r, 200));
  await settle(c);
  assert.equal(bg.sent.length, 4, 'post 5 sent, failed, sent once more, then left');
});
