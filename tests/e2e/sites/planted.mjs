// The planted coordination cluster of the Bluesky and Mastodon e2e threads (docs/COORDINATION.md):
// replies appended to the saved fixture threads at serve time (the fixtures, and so the Node adapter
// tests, stay as they are). Four distinct accounts reply with near-identical text (case, punctuation,
// one word swapped, an emoji added), the same two hashtags in order and the same link (tracking
// parameters differ); short common replies ("Good point." already in the fixtures, "Thank you so
// much ❤️") come from several accounts and must not be marked. Accounts are the fixtures' own: only
// reply texts are added, no account, so the verdict expectations do not move.

export const PLANTED_TEXTS = [
  'The city council quietly approved the new parking fees without any public hearing at all',
  'the city council QUIETLY approved the new parking fees without any public hearing at all!!',
  'The city council quietly approved the new parking charges without any public hearing at all 😡',
  'The city council quietly approved new parking fees, without any public hearing at all.',
];
export const SHORT_TEXT = 'Thank you so much ❤️';
export const LINK = 'https://news.example/council-fees';
export const LINK_DETAIL = 'news.example/council-fees';
const TAGS = ['parking', 'council'];
const clone = (v) => JSON.parse(JSON.stringify(v));

/** getPostThreadV2 body -> the same thread with the planted and short replies appended; and their indices among the posts. */
export function plantBluesky(thread) {
  const items = thread.thread.filter((i) => i.value?.post);
  const rootPost = items[0].value.post;
  const out = clone(thread);
  const reply = (from, n, text, { tags = [], link = null } = {}) => {
    const post = clone(items[from].value.post);
    const rkey = `3lxplant${n}`;
    post.uri = `at://${post.author.did}/app.bsky.feed.post/${rkey}`;
    post.cid = `${post.cid.slice(0, -4)}pl${String(n).padStart(2, '0')}`;
    let full = text;
    const facets = [];
    for (const t of tags) {
      const byteStart = Buffer.byteLength(`${full} `);
      full += ` #${t}`;
      facets.push({ index: { byteStart, byteEnd: Buffer.byteLength(full) }, features: [{ $type: 'app.bsky.richtext.facet#tag', tag: t }] });
    }
    post.record = { ...post.record, text: full, ...(facets.length ? { facets } : {}), reply: { parent: { uri: rootPost.uri, cid: rootPost.cid }, root: { uri: rootPost.uri, cid: rootPost.cid } } };
    if (link) {
      post.record.embed = { $type: 'app.bsky.embed.external', external: { uri: link, title: 'Council approves fees', description: '' } };
      post.embed = { $type: 'app.bsky.embed.external#view', external: { uri: link, title: 'Council approves fees', description: '', thumb: undefined } };
    }
    return { uri: post.uri, depth: 1, value: { ...clone(items[from]).value, post } };
  };
  // Authors: items 1..4 planted, 0, 5 and 1 the short replies.
  const planted = PLANTED_TEXTS.map((t, k) => reply(k + 1, k, t, { tags: TAGS, link: `${LINK}?utm_source=bsky${k}` }));
  const short = [0, 5, 1].map((from, k) => reply(from, 10 + k, SHORT_TEXT));
  // Interleaved as a thread shows them: planted, short, planted, ...
  const added = [planted[0], short[0], planted[1], short[1], planted[2], short[2], planted[3]];
  // Not-found/blocked items stay last, as in the fixture.
  const at = out.thread.findIndex((i) => !i.value?.post);
  out.thread.splice(at < 0 ? out.thread.length : at, 0, ...added);
  const posts = out.thread.filter((i) => i.value?.post).map((i) => i.value.post);
  return {
    thread: out,
    members: planted.map((p) => posts.findIndex((q) => q.uri === p.uri)),
    short: [...short.map((p) => posts.findIndex((q) => q.uri === p.uri)), ...posts.flatMap((p, i) => (p.record.text === 'Good point.' ? [i] : []))],
  };
}

/** Context body -> the same context with the planted and short replies; and their indices among [root, ...descendants]. */
export function plantMastodon(context, root) {
  const out = clone(context);
  const byUser = new Map([root, ...context.descendants].map((s) => [s.account.username, s.account]));
  let seq = 114800000000000100n;
  const reply = (username, html, { tags = [], card = null } = {}) => {
    seq += 1n;
    const base = clone(context.descendants[0]);
    const account = clone(byUser.get(username));
    return {
      ...base, id: String(seq), account, content: html,
      uri: `${account.uri}/statuses/${seq}`, url: `${account.url}/${seq}`,
      in_reply_to_id: root.id, in_reply_to_account_id: root.account.id,
      tags: tags.map((name) => ({ name, url: `https://mastodon.social/tags/${name}` })),
      mentions: [{ id: root.account.id, username: root.account.username, acct: root.account.acct, url: root.account.url }],
      card,
    };
  };
  const mention = `<span class="h-card" translate="no"><a href="${root.account.url}" class="u-url mention">@<span>${root.account.username}</span></a></span>`;
  const tagLinks = TAGS.map((t) => `<a href="https://mastodon.social/tags/${t}" class="mention hashtag" rel="tag">#<span>${t}</span></a>`).join(' ');
  const link = (k) => `<a href="${LINK}?utm_medium=social&amp;utm_source=m${k}" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">https://</span><span class="ellipsis">news.example/council-fe</span><span class="invisible">es</span></a>`;
  const planted = ['jm_reader', 'ana', 'deals48213', 'rivertides'].map((u, k) => reply(u,
    `<p>${mention} ${PLANTED_TEXTS[k].replace('&', '&amp;')}</p><p>${tagLinks}</p>${k % 2 ? `<p>${link(k)}</p>` : ''}`,
    // Two of them carry the link in the content, all of them in the preview card.
    { tags: TAGS, card: { url: `${LINK}?utm_source=card${k}`, title: 'Council approves fees', type: 'link' } }));
  const short = ['weatherbot', 'ana', 'rivertides'].map((u) => reply(u, `<p>${mention} ${SHORT_TEXT}</p>`));
  out.descendants.push(planted[0], short[0], planted[1], short[1], planted[2], short[2], planted[3]);
  const all = [root, ...out.descendants];
  return {
    context: out,
    members: planted.map((p) => all.indexOf(p)),
    short: [...short.map((p) => all.indexOf(p)), ...all.flatMap((s, i) => (s.content === '<p>Good point.</p>' ? [i] : []))],
  };
}
