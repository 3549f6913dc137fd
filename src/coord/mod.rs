//! Coordination traces among the posts seen on one page: near-identical text from distinct
//! accounts, the same ordered hashtag sequence, the same external link, and a burst of
//! accounts created within a few days of each other.
//!
//! A [`Clusterer`] lives as long as the page (one per tab in the extension's background).
//! Each [`Clusterer::add`] indexes only the new posts: their MinHash signatures go into an
//! incremental LSH index and are compared with their bucket mates only, so a newly loaded
//! batch costs its own share, not the whole page again.
//!
//! Behaviour, not opinions: only the identity of (normalised) text, hashtag sequences and
//! links is used, never what words, topics or hashtags mean. Coordination is its own signal
//! and is never folded into the per-account bot score. This module knows no site, no DOM
//! and no browser. Rules and measured figures: `docs/COORDINATION.md`.

pub mod burst;
#[cfg(not(target_arch = "wasm32"))]
pub mod eval;
pub mod minhash;
pub mod normalize;
pub mod post;

pub use post::Post;

use minhash::{LshIndex, Shingling};
use serde::Serialize;
use std::rc::Rc;

/// Every trace needs at least this many distinct accounts.
pub const MIN_ACCOUNTS: usize = 3;
/// Information rule: a text takes part in near-duplicate clustering only with at least this
/// many normalised tokens...
pub const MIN_TOKENS: usize = 6;
/// ...and at least this many letters and digits after normalisation.
pub const MIN_ALNUM_CHARS: usize = 25;
/// Confirmed near-duplicate: real Jaccard similarity of the shingle sets at least this.
pub const JACCARD_THRESHOLD: f64 = 0.5;
/// Shingles: character 5-grams of the normalised text (see `docs/COORDINATION.md` for the
/// comparison with word 3-grams).
pub const SHINGLING: Shingling = Shingling::Chars(5);
/// A hashtag sequence counts with at least this many hashtags.
pub const MIN_HASHTAGS: usize = 2;
/// Posts kept per clusterer; later posts are ignored (a page never shows this many).
pub const MAX_POSTS: usize = 50_000;
/// Members listed per group in an update (the size is always the full count).
pub const MAX_MEMBERS_LISTED: usize = 100;

/// Tunable rules; [`Config::default`] is what the extension ships.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub shingling: Shingling,
    pub jaccard_threshold: f64,
    pub min_tokens: usize,
    pub min_alnum_chars: usize,
    pub min_accounts: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            shingling: SHINGLING,
            jaccard_threshold: JACCARD_THRESHOLD,
            min_tokens: MIN_TOKENS,
            min_alnum_chars: MIN_ALNUM_CHARS,
            min_accounts: MIN_ACCOUNTS,
        }
    }
}

/// One coordination reason on a post: a stable code, its value (distinct accounts), the group
/// it belongs to and the group's posts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoordReason {
    /// `near_duplicate_text`, `same_hashtag_sequence`, `same_link` or `creation_burst`.
    pub code: &'static str,
    /// Distinct accounts in the group.
    pub value: f64,
    /// Group id, stable while the group does not merge with another.
    pub group: String,
    /// Post ids of the group (at most [`MAX_MEMBERS_LISTED`]), in the order they were added.
    pub members: Vec<String>,
    /// Evidence: the hashtag sequence (`#a #b`), the normalised link, or the creation window
    /// (`2016-03-01..2016-03-04`); absent for text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The coordination state of one post.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostCoordination {
    pub post_id: String,
    /// The post's near-duplicate text cluster, or else its largest other group; `None` when
    /// the post has no coordination reason.
    pub cluster_id: Option<String>,
    /// Distinct accounts in that cluster (0 when none).
    pub cluster_size: u32,
    /// Its post ids (at most [`MAX_MEMBERS_LISTED`]).
    pub members: Vec<String>,
    /// Every trace the post is part of, near-duplicate text first.
    pub reasons: Vec<CoordReason>,
}

/// A batch's coordination changes as the extension receives them (docs/COORDINATION.md,
/// "Wire format"): each group's state once, and per post only the ids of its groups, so a
/// group of N posts costs N ids once instead of N times per post.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Changes {
    /// Group states (`group` is the id), each once.
    pub groups: Vec<CoordReason>,
    /// Posts whose groups changed; an empty list clears a post's mark.
    pub posts: Vec<PostGroups>,
}

/// A post and the ids of its groups, near-duplicate text first, then the hashtag sequence,
/// the links and the creation burst. Its main group (`PostCoordination::cluster_id`) is the
/// text group when there is one, else the group with the most accounts (ties: the smallest id
/// as a string; [`main_reason`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostGroups {
    pub post_id: String,
    pub groups: Vec<String>,
}

/// The posts whose state one batch changed.
#[derive(Default)]
struct Delta {
    /// New posts with a reason, and earlier posts whose list of groups changed.
    changed: Vec<(u32, RawState)>,
    /// Earlier posts whose groups only grew, with the groups that did.
    grown: Vec<(u32, RawState, Vec<GroupRef>)>,
}

/// The groups of one [`Changes`], each materialized once.
#[derive(Default)]
struct GroupTable {
    index: std::collections::HashMap<GroupRef, usize>,
    list: Vec<CoordReason>,
}

impl GroupTable {
    /// Adds `r`'s group once; returns its id.
    fn add(&mut self, c: &Clusterer, r: &RawReason) -> String {
        let at = *self.index.entry(r.group).or_insert_with(|| {
            self.list.push(c.reason(r));
            self.list.len() - 1
        });
        self.list[at].group.clone()
    }
}

/// Posts sharing one exact key (hashtag sequence or link).
#[derive(Default)]
struct KeyGroup {
    posts: Vec<u32>,
    accounts: Vec<u32>,
}

impl KeyGroup {
    fn add(&mut self, item: u32, account: u32) {
        self.posts.push(item);
        if !self.accounts.contains(&account) {
            self.accounts.push(account);
        }
    }
}

struct Item {
    post_id: String,
    account: u32,
    /// The normalised text of an informative post (empty otherwise): its shingles are made
    /// again from it when the post is compared exactly, which few posts are.
    text: Box<str>,
    hashtag_group: Option<u32>,
    link_groups: Vec<u32>,
}

/// Union-find over items, keeping each root's members and distinct accounts. A root that is
/// still alone keeps no lists (two allocations per post saved): its member is itself and its
/// account the item's.
#[derive(Default)]
struct Clusters {
    parent: Vec<u32>,
    account: Vec<u32>,
    members: Vec<Vec<u32>>,
    accounts: Vec<Vec<u32>>,
}

impl Clusters {
    fn push(&mut self, account: u32) -> u32 {
        let id = self.parent.len() as u32;
        self.parent.push(id);
        self.account.push(account);
        self.members.push(Vec::new());
        self.accounts.push(Vec::new());
        id
    }
    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }
    /// The members of root `r` (itself when alone).
    fn members(&self, r: u32) -> &[u32] {
        let r = r as usize;
        match self.members.get(r) {
            Some(m) if !m.is_empty() => m,
            _ => self.parent.get(r..=r).unwrap_or_default(),
        }
    }
    /// The distinct accounts of root `r`.
    fn accounts(&self, r: u32) -> &[u32] {
        let r = r as usize;
        match self.accounts.get(r) {
            Some(a) if !a.is_empty() => a,
            _ => self.account.get(r..=r).unwrap_or_default(),
        }
    }
    /// Merges the clusters of `a` and `b`; returns the new root.
    fn union(&mut self, a: u32, b: u32) -> u32 {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return ra;
        }
        let (big, small) = if self.members(ra).len() >= self.members(rb).len() {
            (ra, rb)
        } else {
            (rb, ra)
        };
        let (b, sm) = (big as usize, small as usize);
        self.parent[sm] = big;
        let mut moved_members = std::mem::take(&mut self.members[sm]);
        if moved_members.is_empty() {
            moved_members.push(small);
        }
        let mut moved_accounts = std::mem::take(&mut self.accounts[sm]);
        if moved_accounts.is_empty() {
            moved_accounts.push(self.account[sm]);
        }
        let members = &mut self.members[b];
        if members.is_empty() {
            members.push(big);
        }
        members.extend(moved_members);
        let accounts = &mut self.accounts[b];
        if accounts.is_empty() {
            accounts.push(self.account[b]);
        }
        for acc in moved_accounts {
            if !accounts.contains(&acc) {
                accounts.push(acc);
            }
        }
        big
    }
}

/// The coordination detector for one page. See the module docs.
pub struct Clusterer {
    cfg: Config,
    items: Vec<Item>,
    by_post_id: minhash::StrMap<u32>,
    account_ids: minhash::StrMap<u32>,
    account_keys: Vec<String>,
    account_created: Vec<Option<i64>>,
    account_posts: Vec<Vec<u32>>,
    clusters: Clusters,
    lsh: LshIndex,
    /// MinHash signature per item (all zero when not informative), and its packed prefilter.
    signatures: Vec<minhash::Signature>,
    packed: Vec<minhash::Packed>,
    /// Buffers reused from post to post.
    scratch_text: String,
    scratch_hashes: Vec<u64>,
    scratch_candidates: Vec<u32>,
    /// The shingle hashes of the post being matched and of a candidate, and the table that
    /// compares them exactly.
    own_hashes: Vec<u64>,
    other_hashes: Vec<u64>,
    set_jaccard: minhash::SetJaccard,
    hashtag_keys: minhash::StrMap<u32>,
    hashtag_groups: Vec<(String, KeyGroup)>,
    link_keys: minhash::StrMap<u32>,
    link_groups: Vec<(String, KeyGroup)>,
    bursts: burst::Bursts,
    /// What was last reported per item, so only changes are reported again.
    reported: Vec<Option<RawState>>,
    /// Candidate pairs confirmed by real Jaccard so far (for the evaluation and the bench).
    pub stats: Stats,
}

/// Work counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub posts: usize,
    pub informative: usize,
    pub candidates: usize,
    /// Candidates whose exact Jaccard was computed (signature estimate close enough).
    pub compared: usize,
    pub confirmed: usize,
    /// LSH bucket entries not stored because the bucket was full ([`minhash::MAX_BUCKET`]).
    pub capped: usize,
}

impl Default for Clusterer {
    fn default() -> Self {
        Self::new(Config::default())
    }
}

impl Clusterer {
    pub fn new(cfg: Config) -> Self {
        Clusterer {
            cfg,
            items: Vec::new(),
            by_post_id: minhash::StrMap::default(),
            account_ids: minhash::StrMap::default(),
            account_keys: Vec::new(),
            account_created: Vec::new(),
            account_posts: Vec::new(),
            clusters: Clusters::default(),
            lsh: LshIndex::default(),
            signatures: Vec::new(),
            packed: Vec::new(),
            scratch_text: String::new(),
            scratch_hashes: Vec::new(),
            scratch_candidates: Vec::new(),
            own_hashes: Vec::new(),
            other_hashes: Vec::new(),
            set_jaccard: minhash::SetJaccard::default(),
            hashtag_keys: minhash::StrMap::default(),
            hashtag_groups: Vec::new(),
            link_keys: minhash::StrMap::default(),
            link_groups: Vec::new(),
            bursts: burst::Bursts::default(),
            reported: Vec::new(),
            stats: Stats::default(),
        }
    }

    /// Number of posts kept.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Adds a batch and returns the posts whose coordination state changed: new posts that
    /// have a reason, and earlier posts whose groups grew, merged or lost a reason (those come
    /// with `cluster_id: None` and no reasons). Posts without `post_id` or `account_key`,
    /// repeated post ids and posts beyond [`MAX_POSTS`] are skipped.
    pub fn add(&mut self, batch: &[Post]) -> Vec<PostCoordination> {
        let Delta { mut changed, grown } = self.ingest(batch);
        changed.extend(grown.into_iter().map(|(i, raw, _)| (i, raw)));
        changed.sort_unstable_by_key(|(i, _)| *i);
        let mut out = Vec::with_capacity(changed.len());
        for (i, raw) in changed {
            out.push(self.materialize(i, &raw));
            self.reported[i as usize] = Some(raw);
        }
        out
    }

    /// [`Clusterer::add`] in the group-table form the extension receives (see [`Changes`]):
    /// the posts whose groups changed (new marks, merged groups, cleared marks), each with its
    /// group ids only, and the state of each group they name or that grew, once. A post whose
    /// groups only grew is not listed: its groups' new states hold for it. The answer is
    /// proportional to the batch, not to the size of the groups it grew.
    pub fn add_changes(&mut self, batch: &[Post]) -> Changes {
        let Delta { changed, grown } = self.ingest(batch);
        let mut table = GroupTable::default();
        let mut posts = Vec::with_capacity(changed.len());
        for (i, raw) in changed {
            posts.push(PostGroups {
                post_id: self.post_id(i).unwrap_or_default().to_owned(),
                groups: raw.iter().map(|r| table.add(self, r)).collect(),
            });
            self.reported[i as usize] = Some(raw);
        }
        for (i, raw, groups) in grown {
            for r in raw.iter().filter(|r| groups.contains(&r.group)) {
                table.add(self, r);
            }
            self.reported[i as usize] = Some(raw);
        }
        Changes {
            groups: table.list,
            posts,
        }
    }

    /// [`Clusterer::snapshot`] in the group-table form: every post that has a reason, in
    /// insertion order, and every group they name.
    pub fn snapshot_changes(&mut self) -> Changes {
        let mut cache = MemberCache::default();
        let mut table = GroupTable::default();
        let mut posts = Vec::new();
        for i in 0..self.items.len() as u32 {
            let raw = self.raw_state(i, &mut cache);
            if !raw.is_empty() {
                posts.push(PostGroups {
                    post_id: self.post_id(i).unwrap_or_default().to_owned(),
                    groups: raw.iter().map(|r| table.add(self, r)).collect(),
                });
            }
        }
        Changes {
            groups: table.list,
            posts,
        }
    }

    /// Indexes a batch (see [`Clusterer::add`]) and sorts the posts whose state changed.
    fn ingest(&mut self, batch: &[Post]) -> Delta {
        let first_new = self.items.len() as u32;
        let mut touched_clusters: Vec<u32> = Vec::new();
        let mut touched_hashtags: Vec<u32> = Vec::new();
        let mut touched_links: Vec<u32> = Vec::new();
        let room = batch.len().min(MAX_POSTS.saturating_sub(self.items.len()));
        self.lsh.reserve(room);
        self.by_post_id.reserve(room);
        self.account_ids.reserve(room);
        self.items.reserve(room);
        self.signatures.reserve(room);
        self.packed.reserve(room);
        for post in batch {
            let (Some(post_id), Some(account_key)) = (&post.post_id, &post.account_key) else {
                continue;
            };
            if self.items.len() >= MAX_POSTS || self.by_post_id.contains_key(post_id) {
                continue;
            }
            let id = self.items.len() as u32;
            let account = self.account(account_key, post.account_created_at.as_deref());
            let text = post.text.as_deref().unwrap_or_default();
            let tokens = normalize::normalize_into(text, &mut self.scratch_text);
            let informative = tokens >= self.cfg.min_tokens
                && normalize::alnum_chars(&self.scratch_text) >= self.cfg.min_alnum_chars;
            let signature = if informative {
                minhash::text_signature(
                    &self.scratch_text,
                    self.cfg.shingling,
                    &mut self.scratch_hashes,
                )
            } else {
                [0; minhash::PERMUTATIONS]
            };
            self.signatures.push(signature);
            self.packed.push(minhash::pack(&signature));
            let mut item = Item {
                post_id: post_id.clone(),
                account,
                text: if informative && !self.scratch_text.is_empty() {
                    self.scratch_text.as_str().into()
                } else {
                    Box::default()
                },
                hashtag_group: None,
                link_groups: Vec::new(),
            };
            let tags = match &post.hashtags {
                Some(tags) => normalize::normalize_hashtags(tags),
                None => normalize::extract_hashtags(text),
            };
            if tags.len() >= MIN_HASHTAGS {
                let key = tags.join(" ");
                let g = group_for(&mut self.hashtag_keys, &mut self.hashtag_groups, key);
                self.hashtag_groups[g as usize].1.add(id, account);
                item.hashtag_group = Some(g);
                touched_hashtags.push(g);
            }
            let urls = match &post.urls {
                Some(urls) => urls.clone(),
                None => normalize::extract_urls(text),
            };
            let mut links: Vec<String> = urls
                .iter()
                .filter_map(|u| normalize::normalize_url(u))
                .collect();
            links.sort_unstable();
            links.dedup();
            for key in links {
                let g = group_for(&mut self.link_keys, &mut self.link_groups, key);
                self.link_groups[g as usize].1.add(id, account);
                item.link_groups.push(g);
                touched_links.push(g);
            }
            self.by_post_id.insert(post_id.clone(), id);
            self.items.push(item);
            self.clusters.push(account);
            if let Some(posts) = self.account_posts.get_mut(account as usize) {
                posts.push(id);
            }
            self.reported.push(None);
            self.stats.posts += 1;
            self.match_text(id);
            touched_clusters.push(id);
        }
        let burst_changed = self.bursts.recompute(&self.account_created);

        let mut affected: Vec<u32> = (first_new..self.items.len() as u32).collect();
        // Each touched group once: a large group touched by every post of the batch must not
        // list its members once per post.
        let mut roots: Vec<u32> = touched_clusters
            .into_iter()
            .map(|c| self.clusters.find(c))
            .collect();
        roots.sort_unstable();
        roots.dedup();
        for root in roots {
            if self.clusters.accounts(root).len() >= self.cfg.min_accounts {
                affected.extend_from_slice(self.clusters.members(root));
            }
        }
        touched_hashtags.sort_unstable();
        touched_hashtags.dedup();
        for g in touched_hashtags {
            affected.extend_from_slice(&self.hashtag_groups[g as usize].1.posts);
        }
        touched_links.sort_unstable();
        touched_links.dedup();
        for g in touched_links {
            affected.extend_from_slice(&self.link_groups[g as usize].1.posts);
        }
        if !burst_changed.is_empty() {
            for (i, item) in self.items.iter().enumerate() {
                if burst_changed.contains(&item.account) {
                    affected.push(i as u32);
                }
            }
        }
        affected.sort_unstable();
        affected.dedup();
        let mut cache = MemberCache::default();
        let mut delta = Delta::default();
        for i in affected {
            let raw = self.raw_state(i, &mut cache);
            match &self.reported[i as usize] {
                None if raw.is_empty() => {}
                Some(p) if *p == raw => {}
                Some(p) if same_groups(p, &raw) => {
                    let groups = p
                        .iter()
                        .zip(&raw)
                        .filter(|(a, b)| a != b)
                        .map(|(_, b)| b.group)
                        .collect();
                    delta.grown.push((i, raw, groups));
                }
                _ => delta.changed.push((i, raw)),
            }
        }
        delta
    }

    /// The current state of every post that has a coordination reason, in insertion order.
    pub fn snapshot(&mut self) -> Vec<PostCoordination> {
        let mut cache = MemberCache::default();
        let mut out = Vec::new();
        for i in 0..self.items.len() as u32 {
            let raw = self.raw_state(i, &mut cache);
            if !raw.is_empty() {
                out.push(self.materialize(i, &raw));
            }
        }
        out
    }

    /// The near-duplicate text clusters that count, as lists of post indices in insertion
    /// order (for the evaluation).
    pub fn text_clusters(&mut self) -> Vec<Vec<u32>> {
        let mut out = Vec::new();
        for i in 0..self.items.len() as u32 {
            if self.clusters.find(i) == i
                && self.clusters.accounts(i).len() >= self.cfg.min_accounts
            {
                let mut m = self.clusters.members(i).to_vec();
                m.sort_unstable();
                out.push(m);
            }
        }
        out.sort();
        out
    }

    /// The post id of an item index.
    pub fn post_id(&self, item: u32) -> Option<&str> {
        self.items.get(item as usize).map(|i| i.post_id.as_str())
    }

    /// The text of an item index is not kept; its account key is.
    pub fn account_key(&self, item: u32) -> Option<&str> {
        let acc = self.items.get(item as usize)?.account;
        self.account_keys.get(acc as usize).map(String::as_str)
    }

    fn account(&mut self, key: &str, created_at: Option<&str>) -> u32 {
        let created = created_at.and_then(crate::time::parse_unix_seconds);
        if let Some(&id) = self.account_ids.get(key) {
            if self.account_created[id as usize].is_none() {
                self.account_created[id as usize] = created;
            }
            return id;
        }
        let id = self.account_keys.len() as u32;
        self.account_ids.insert(key.to_owned(), id);
        self.account_keys.push(key.to_owned());
        self.account_created.push(created);
        self.account_posts.push(Vec::new());
        id
    }

    /// Puts item `id` into the LSH index when its text carries enough information, and
    /// unites it with the bucket mates whose real Jaccard similarity confirms them.
    fn match_text(&mut self, id: u32) {
        let (Some(item), Some(sig)) = (
            self.items.get(id as usize),
            self.signatures.get(id as usize).copied(),
        ) else {
            return;
        };
        if item.text.is_empty() {
            return;
        }
        self.stats.informative += 1;
        // The signature estimate first: far below the threshold (4 standard deviations at
        // 64 bins), the exact Jaccard is not worth computing. `min_equal` is that bound as a
        // number of equal positions (the estimate is `equal / 64`).
        let bound = self.cfg.jaccard_threshold - 0.25;
        let min_equal = (0..=minhash::PERMUTATIONS)
            .find(|c| *c as f64 / minhash::PERMUTATIONS as f64 >= bound)
            .unwrap_or(minhash::PERMUTATIONS + 1);
        let mut candidates = std::mem::take(&mut self.scratch_candidates);
        self.lsh.insert_into(id, &sig, &mut candidates);
        let mut own_ready = false;
        self.stats.capped = self.lsh.capped;
        for &other in &candidates {
            self.stats.candidates += 1;
            // Already in one cluster: nothing to learn (the clusters are the connected
            // components of the confirmed pairs, whatever the order).
            if self.clusters.find(other) == self.clusters.find(id) {
                continue;
            }
            let (Some(pa), Some(pb), Some(sb)) = (
                self.packed.get(id as usize),
                self.packed.get(other as usize),
                self.signatures.get(other as usize),
            ) else {
                continue;
            };
            if minhash::packed_equal(pa, pb) < min_equal
                || !minhash::estimate_at_least(&sig, sb, min_equal)
            {
                continue;
            }
            self.stats.compared += 1;
            if self.exact_jaccard(id, other, &mut own_ready) >= self.cfg.jaccard_threshold {
                self.stats.confirmed += 1;
                self.clusters.union(id, other);
            }
        }
        self.scratch_candidates = candidates;
    }

    /// The real Jaccard similarity of two items' shingle sets, made from their normalised texts
    /// (`a`'s once per match: `own_ready`).
    fn exact_jaccard(&mut self, a: u32, b: u32, own_ready: &mut bool) -> f64 {
        let (Some(x), Some(y)) = (self.items.get(a as usize), self.items.get(b as usize)) else {
            return 0.0;
        };
        // The same normalised text (a plain copy): the same shingle set, nothing to build.
        if !x.text.is_empty() && x.text == y.text {
            return 1.0;
        }
        if !*own_ready {
            minhash::shingle_hashes(&x.text, self.cfg.shingling, &mut self.own_hashes);
            *own_ready = true;
        }
        minhash::shingle_hashes(&y.text, self.cfg.shingling, &mut self.other_hashes);
        self.set_jaccard.of(&self.own_hashes, &self.other_hashes)
    }

    /// The coordination reasons of item `i` now, by item indices (member lists shared per
    /// group through `cache`, which is valid while no post is added).
    fn raw_state(&mut self, i: u32, cache: &mut MemberCache) -> RawState {
        let min = self.cfg.min_accounts;
        let mut reasons = Vec::new();
        let root = self.clusters.find(i);
        let accounts = self.clusters.accounts(root).len();
        if accounts >= min {
            let members = cache
                .entry(GroupKind::Text, root)
                .or_insert_with(|| {
                    let mut m = self.clusters.members(root).to_vec();
                    m.sort_unstable();
                    m.truncate(MAX_MEMBERS_LISTED);
                    Rc::new(m)
                })
                .clone();
            reasons.push(RawReason {
                group: GroupRef::Text(members.first().copied().unwrap_or(root)),
                value: accounts as u32,
                members,
            });
        }
        let Some(item) = self.items.get(i as usize) else {
            return reasons;
        };
        if let Some((g, (_, group))) = item
            .hashtag_group
            .and_then(|g| Some((g, self.hashtag_groups.get(g as usize)?)))
        {
            if group.accounts.len() >= min {
                let members = cache
                    .entry(GroupKind::Hashtag, g)
                    .or_insert_with(|| Rc::new(listed(&group.posts)))
                    .clone();
                reasons.push(RawReason {
                    group: GroupRef::Hashtag(g),
                    value: group.accounts.len() as u32,
                    members,
                });
            }
        }
        for &g in &item.link_groups {
            if let Some((_, group)) = self.link_groups.get(g as usize) {
                if group.accounts.len() >= min {
                    let members = cache
                        .entry(GroupKind::Link, g)
                        .or_insert_with(|| Rc::new(listed(&group.posts)))
                        .clone();
                    reasons.push(RawReason {
                        group: GroupRef::Link(g),
                        value: group.accounts.len() as u32,
                        members,
                    });
                }
            }
        }
        if let Some((g, b)) = self
            .bursts
            .group_of
            .get(item.account as usize)
            .copied()
            .flatten()
            .and_then(|g| Some((g, self.bursts.groups.get(g as usize)?)))
        {
            let account_posts = &self.account_posts;
            let members = cache
                .entry(GroupKind::Burst, g)
                .or_insert_with(|| {
                    let mut posts: Vec<u32> = b
                        .accounts
                        .iter()
                        .filter_map(|a| account_posts.get(*a as usize))
                        .flatten()
                        .copied()
                        .collect();
                    posts.sort_unstable();
                    posts.truncate(MAX_MEMBERS_LISTED);
                    Rc::new(posts)
                })
                .clone();
            reasons.push(RawReason {
                group: GroupRef::Burst(b.from.div_euclid(DAY), b.to.div_euclid(DAY)),
                value: b.accounts.len() as u32,
                members,
            });
        }
        reasons
    }

    /// A reason (a group's state) as reported.
    fn reason(&self, r: &RawReason) -> CoordReason {
        let members = self.post_ids(&r.members);
        let value = f64::from(r.value);
        match r.group {
            GroupRef::Text(first) => CoordReason {
                code: "near_duplicate_text",
                value,
                group: format!("t{first}"),
                members,
                detail: None,
            },
            GroupRef::Hashtag(g) => CoordReason {
                code: "same_hashtag_sequence",
                value,
                group: format!("h{g}"),
                members,
                detail: self.hashtag_groups.get(g as usize).map(|(key, _)| {
                    key.split(' ')
                        .map(|t| format!("#{t}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                }),
            },
            GroupRef::Link(g) => CoordReason {
                code: "same_link",
                value,
                group: format!("l{g}"),
                members,
                detail: self.link_groups.get(g as usize).map(|(key, _)| key.clone()),
            },
            GroupRef::Burst(from, to) => {
                let (from, to) = (burst::date(from * DAY), burst::date(to * DAY));
                CoordReason {
                    code: "creation_burst",
                    value,
                    group: format!("b{from}"),
                    members,
                    detail: Some(format!("{from}..{to}")),
                }
            }
        }
    }

    /// The reported state of item `i` from its reasons.
    fn materialize(&self, i: u32, raw: &RawState) -> PostCoordination {
        let reasons: Vec<CoordReason> = raw.iter().map(|r| self.reason(r)).collect();
        let post_id = self
            .items
            .get(i as usize)
            .map(|x| x.post_id.clone())
            .unwrap_or_default();
        let mut state = empty_state(post_id);
        if let Some(r) = main_reason(&reasons) {
            state.cluster_id = Some(r.group.clone());
            state.cluster_size = r.value as u32;
            state.members = r.members.clone();
        }
        state.reasons = reasons;
        state
    }

    fn post_ids(&self, items: &[u32]) -> Vec<String> {
        items
            .iter()
            .take(MAX_MEMBERS_LISTED)
            .filter_map(|i| self.items.get(*i as usize).map(|x| x.post_id.clone()))
            .collect()
    }
}

/// A post's main group among its reasons (in [`PostGroups`] order): the near-duplicate text
/// group when there is one (it comes first), else the group with the most accounts, ties to
/// the smallest id as a string. `extension/lib/coordination.js` `mainGroup` is the same rule.
pub fn main_reason(reasons: &[CoordReason]) -> Option<&CoordReason> {
    reasons
        .first()
        .filter(|r| r.code == "near_duplicate_text")
        .or_else(|| {
            reasons
                .iter()
                .max_by(|a, b| a.value.total_cmp(&b.value).then(b.group.cmp(&a.group)))
        })
}

fn empty_state(post_id: String) -> PostCoordination {
    PostCoordination {
        post_id,
        cluster_id: None,
        cluster_size: 0,
        members: Vec::new(),
        reasons: Vec::new(),
    }
}

/// Seconds per day (burst windows are reported by day).
const DAY: i64 = 86_400;

/// The first [`MAX_MEMBERS_LISTED`] of a group's posts.
fn listed(posts: &[u32]) -> Vec<u32> {
    posts.iter().take(MAX_MEMBERS_LISTED).copied().collect()
}

/// Whether two states of a post have the same reasons in the same groups (so only their
/// values or member lists differ).
fn same_groups(a: &RawState, b: &RawState) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.group == y.group)
}

/// A coordination group a post belongs to, as reported: what its `group` and `detail` strings
/// are made of (the text cluster by its first member, the burst window by days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum GroupRef {
    Text(u32),
    Hashtag(u32),
    Link(u32),
    Burst(i64, i64),
}

/// One reason by item indices: equal raw reasons give equal [`CoordReason`]s (post ids are
/// unique), so changes are found without building strings.
#[derive(Debug, Clone, PartialEq)]
struct RawReason {
    group: GroupRef,
    value: u32,
    /// The listed members (at most [`MAX_MEMBERS_LISTED`]), shared by the group's posts.
    members: Rc<Vec<u32>>,
}

type RawState = Vec<RawReason>;

#[derive(Clone, Copy)]
enum GroupKind {
    Text,
    Hashtag,
    Link,
    Burst,
}

/// Member lists computed once per group during one update.
#[derive(Default)]
struct MemberCache(minhash::IdMap<Rc<Vec<u32>>>);

impl MemberCache {
    fn entry(
        &mut self,
        kind: GroupKind,
        id: u32,
    ) -> std::collections::hash_map::Entry<'_, u64, Rc<Vec<u32>>> {
        self.0
            .entry(minhash::mix64(((kind as u64) << 32) | u64::from(id)))
    }
}

/// The group of `key`, created on first use.
fn group_for(
    keys: &mut minhash::StrMap<u32>,
    groups: &mut Vec<(String, KeyGroup)>,
    key: String,
) -> u32 {
    if let Some(&g) = keys.get(&key) {
        return g;
    }
    let g = groups.len() as u32;
    keys.insert(key.clone(), g);
    groups.push((key, KeyGroup::default()));
    g
}
