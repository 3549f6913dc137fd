// The X adapter over saved responses in X's real shapes (tests/fixtures/x/).
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { extractFromGraphQL, normalizeXUser, parseLenient, toIsoDate } from '../../extension/adapters/x.js';

const fixture = (name) => readFileSync(new URL(`../fixtures/x/${name}`, import.meta.url), 'utf8');
const json = (name) => JSON.parse(fixture(name));
const byKey = (users) => Object.fromEntries(users.map((u) => [u.key, u]));

const THREAD_TWEETS = [
  { tweet_id: '1900000000000000001', user_id: '33964620', screen_name: 'MartyKiar' },
  { tweet_id: '1900000000000000002', user_id: '110120789', screen_name: 'kanaujiask' },
  { tweet_id: '1900000000000000003', user_id: '195913271', screen_name: 'crystyanesouza' },
  { tweet_id: '1900000000000000005', user_id: '1657000316', screen_name: '918Susie' },
  { tweet_id: '1900000000000000004', user_id: '742447712105336832', screen_name: 'NYPLEmoji' },
];
const sortTweets = (t) => [...t].sort((a, b) => a.tweet_id.localeCompare(b.tweet_id));

test('created_at: X format and ISO to ISO 8601 UTC, garbage to undefined', () => {
  assert.equal(toIsoDate('Sat Dec 14 04:35:55 +0000 2013'), '2013-12-14T04:35:55Z');
  assert.equal(toIsoDate('Sat Dec 14 04:35:55 +0200 2013'), '2013-12-14T02:35:55Z');
  assert.equal(toIsoDate('2009-04-21T17:01:35Z'), '2009-04-21T17:01:35Z');
  assert.equal(toIsoDate('Sat Foo 14 04:35:55 +0000 2013'), undefined);
  assert.equal(toIsoDate('yesterday'), undefined);
  assert.equal(toIsoDate(1386995755), undefined);
});

test('newest layout (no legacy block): exact field mapping', () => {
  const users = byKey(extractFromGraphQL(json('tweet-detail-newest.json')).users);
  assert.deepEqual(Object.keys(users).sort(), ['x:110120789', 'x:1657000316', 'x:195913271', 'x:33964620', 'x:742447712105336832']);
  assert.deepEqual(users['x:110120789'], {
    key: 'x:110120789', platform: 'x', id: '110120789', screen_name: 'kanaujiask', name: 'Shri Kant Kanaujia',
    location: 'lucknow', created_at: '2010-01-31T12:08:41Z', followers_count: 18, friends_count: 519,
    statuses_count: 675, favourites_count: 653, default_profile_image: true, has_banner: false,
    verified: false, automated: false, protected: false,
  });
  const bot = users['x:742447712105336832'];
  assert.equal(bot.automated, true, 'AutomatedLabel maps to automated');
  assert.equal(bot.url, 'http://digitalcollections.nypl.org');
  assert.equal(bot.has_banner, true);
  assert.equal(bot.default_profile_image, false);
  assert.equal(bot.favourites_count, 0);
  // The newest layout has no listed count and no default-profile flag: absent, not guessed.
  assert.equal('listed_count' in bot, false);
  assert.equal('default_profile' in bot, false);
  assert.equal(users['x:33964620'].verified, true);
  assert.equal(users['x:33964620'].description.startsWith('Political Advertisement'), true);
});

test('mid-2025 layout (core + counts under legacy): exact field mapping', () => {
  const users = byKey(extractFromGraphQL(json('tweet-detail-mid-2025.json')).users);
  assert.deepEqual(users['x:33964620'], {
    key: 'x:33964620', platform: 'x', id: '33964620', screen_name: 'MartyKiar', name: 'Marty Kiar',
    description: 'Political Advertisement, paid for and approved by Marty Kiar, Democrat for Broward County Property Appraiser.',
    location: 'Broward County, Florida', created_at: '2009-04-21T17:01:35Z', followers_count: 11121,
    friends_count: 8660, statuses_count: 4194, favourites_count: 4956, listed_count: 189,
    default_profile: true, default_profile_image: false, has_banner: true, verified: true,
    automated: false, protected: false,
  });
  assert.equal(users['x:742447712105336832'].automated, true);
  assert.equal(users['x:742447712105336832'].url, 'http://digitalcollections.nypl.org', 'expanded url, not t.co');
  assert.equal(users['x:195913271'].default_profile_image, true);
});

test('older layout (everything under legacy): exact field mapping', () => {
  const users = byKey(extractFromGraphQL(json('tweet-detail-older.json')).users);
  assert.deepEqual(users['x:195913271'], {
    key: 'x:195913271', platform: 'x', id: '195913271', screen_name: 'crystyanesouza', name: 'crystyane',
    created_at: '2010-09-27T21:53:12Z', followers_count: 26, friends_count: 1548, statuses_count: 99,
    favourites_count: 80, listed_count: 0, default_profile: true, default_profile_image: true,
    has_banner: false, verified: false, automated: false,
  });
  assert.equal(users['x:742447712105336832'].automated, true);
});

test('the three layouts agree on every field they share', () => {
  const [n, m, o] = ['newest', 'mid-2025', 'older'].map((s) => byKey(extractFromGraphQL(json(`tweet-detail-${s}.json`)).users));
  for (const key of Object.keys(n)) {
    for (const [field, value] of Object.entries(n[key])) {
      assert.deepEqual(m[key][field], value, `${key}.${field} mid-2025`);
      if (field !== 'protected') assert.deepEqual(o[key][field], value, `${key}.${field} older`);
    }
  }
});

test('tweet -> author links: visibility wrapper, quoted tweet, tombstone and cursors', () => {
  for (const shape of ['newest', 'mid-2025', 'older']) {
    const { tweets } = extractFromGraphQL(json(`tweet-detail-${shape}.json`));
    assert.deepEqual(sortTweets(tweets), sortTweets(THREAD_TWEETS), shape);
  }
});

test('other instruction types: TimelinePinEntry, TimelineAddToModule, TimelineReplaceEntry', () => {
  const { users, tweets } = extractFromGraphQL(json('user-tweets-older.json'));
  assert.deepEqual(tweets.map((t) => t.tweet_id).sort(), ['1900000000000000002', '1900000000000000003', '1900000000000000004', '1900000000000000006']);
  assert.equal(users.length, 4);
});

test('UserByScreenName result (data.user.result)', () => {
  const { users, tweets } = extractFromGraphQL(json('user-by-screen-name-newest.json'));
  assert.equal(users.length, 1);
  assert.equal(users[0].screen_name, 'NYPLEmoji');
  assert.equal(users[0].automated, true);
  assert.deepEqual(tweets, []);
});

test('truncated body: no throw, the users before the cut', () => {
  const text = fixture('tweet-detail-newest-truncated.txt');
  assert.throws(() => JSON.parse(text));
  const { users, tweets } = extractFromGraphQL(text);
  assert.deepEqual(users.map((u) => u.screen_name), ['MartyKiar', 'kanaujiask', 'crystyanesouza']);
  assert.equal(users[1].followers_count, 18);
  assert.equal(tweets.length, 3);
});

test('malformed response: wrong types dropped, valid parts kept, no throw', () => {
  const { users, tweets } = extractFromGraphQL(json('tweet-detail-malformed.json'));
  assert.deepEqual(users, [{
    key: 'x:2244994945', platform: 'x', id: '2244994945', screen_name: 'XDevelopers', name: 'Developers',
    created_at: '2013-12-14T04:35:55Z', followers_count: 700242, friends_count: 746,
  }]);
  assert.deepEqual(tweets, [{ tweet_id: '1900000000000000012', user_id: '2244994945', screen_name: 'XDevelopers' }]);
});

test('garbage input never throws', () => {
  for (const input of [null, undefined, 42, 'nope', '{"data":', '[[[[', '{"a":"\\', {}, [], { data: null }]) {
    assert.deepEqual(extractFromGraphQL(input), { users: [], tweets: [], posts: [] }, String(input));
  }
  const hostile = { data: { get boom() { throw new Error('x'); } } };
  assert.doesNotThrow(() => extractFromGraphQL(hostile));
  assert.equal(normalizeXUser(null), null);
  assert.equal(normalizeXUser({ __typename: 'UserUnavailable', rest_id: '1' }), null);
  assert.equal(normalizeXUser({ __typename: 'User', rest_id: 7 }), null);
});

test('lenient parser keeps complete values and drops a cut one', () => {
  assert.deepEqual(parseLenient('{"a":1,"b":[1,2,{"c":"x"}],"d":"cut'), { a: 1, b: [1, 2, { c: 'x' }] });
  assert.deepEqual(parseLenient('[1,2,3'), [1, 2]);
  assert.equal(parseLenient(''), undefined);
});

test('handle-only key when no id', () => {
  const acc = normalizeXUser({ __typename: 'User', core: { screen_name: 'Some_One', name: 'S' } });
  assert.equal(acc.key, 'x:some_one');
  assert.equal('id' in acc, false);
});
