//! The coordination evaluation (native only, `cargo run --release --bin coord-eval`):
//! synthetic threads built from real tweets with planted near-duplicates, the false-cluster
//! rate on threads of ordinary tweets only, what the detector finds in real IRA tweets
//! grouped by day, the false-burst rate on real human accounts, and a speed figure.
//! Fixed seeds: every run prints the same figures (except the timings).
//!
//! Reads `$BOTLENS_DATA` or `../shared/data` (tweets and accounts); says "skipped: data not
//! found" when they are absent.

use super::minhash::Shingling;
use super::{Clusterer, Config, Post};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The data folder: `$BOTLENS_DATA`, else `../shared/data` next to the repo.
pub fn data_dir() -> PathBuf {
    match std::env::var_os("BOTLENS_DATA") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"),
    }
}

#[derive(Deserialize)]
struct TweetRow {
    text: Option<String>,
    author: Option<String>,
    created_at: Option<String>,
    is_retweet: Option<bool>,
}

#[derive(Deserialize)]
struct AccountRow {
    dataset: Option<String>,
    label: Option<String>,
    created_at: Option<String>,
}

/// An IRA original (not a retweet).
struct Ira {
    author: String,
    day: String,
    text: String,
}

/// SplitMix64: a fixed-seed generator, enough for sampling.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        super::minhash::mix64(self.0)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

fn read_lines(path: &Path) -> Result<Vec<String>, String> {
    let reader = crate::train::data::open(path)?;
    reader
        .lines()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Runs the whole evaluation and returns the report (markdown). `Ok(None)` when the data
/// is absent.
/// `only`: section names to run (`planted`, `ordinary`, `days`, `bursts`, `speed`); all when
/// empty.
pub fn run(only: &[String]) -> Result<Option<String>, String> {
    let want = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    let dir = data_dir();
    let ira_path = dir.join("tweets/ira-troll-tweets-en-sample.jsonl.gz");
    let ord_path = dir.join("tweets/tweeteval-ordinary-en.jsonl.gz");
    if !ira_path.exists() || !ord_path.exists() {
        return Ok(None);
    }
    let t0 = Instant::now();
    let mut ira = Vec::new();
    for line in read_lines(&ira_path)? {
        let Ok(row) = serde_json::from_str::<TweetRow>(&line) else {
            continue;
        };
        if row.is_retweet == Some(true) {
            continue;
        }
        if let (Some(author), Some(text), Some(created)) = (row.author, row.text, row.created_at) {
            let day = created.get(..10).unwrap_or_default().to_owned();
            ira.push(Ira { author, day, text });
        }
    }
    let ordinary: Vec<String> = read_lines(&ord_path)?
        .iter()
        .filter_map(|l| serde_json::from_str::<TweetRow>(l).ok()?.text)
        .collect();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Data: {} IRA originals (retweets removed), {} ordinary tweets; loaded in {:.1} s.\n",
        ira.len(),
        ordinary.len(),
        t0.elapsed().as_secs_f64()
    );
    let cfg = Config::default();
    let informative_seeds: Vec<&str> = ira
        .iter()
        .map(|t| t.text.as_str())
        .filter(|t| informative(&cfg, t))
        .collect();
    let ord_informative = ordinary.iter().filter(|t| informative(&cfg, t)).count();
    let _ = writeln!(
        out,
        "Information rule (>= {} tokens and >= {} letters/digits after normalisation): {:.1} % of \
         IRA originals and {:.1} % of ordinary tweets take part in text clustering.\n",
        cfg.min_tokens,
        cfg.min_alnum_chars,
        100.0 * informative_seeds.len() as f64 / ira.len().max(1) as f64,
        100.0 * ord_informative as f64 / ordinary.len().max(1) as f64
    );

    if want("planted") {
        out.push_str("## Planted near-duplicates in synthetic threads\n\n");
        out.push_str(
        "200 threads of 200 replies: ordinary tweets from distinct accounts, plus 4 planted \
         clusters of 3-8 accounts each (an IRA original and edited copies, one edit kind per copy).\n\n",
    );
        out.push_str("| shingles | Jaccard >= | pairwise precision | pairwise recall | clusters found whole | clusters found (>= 3 members) | cluster precision | false clusters per thread |\n|---|---|---|---|---|---|---|---|\n");
        let variants = [
            (Shingling::Chars(5), 0.5),
            (Shingling::Chars(5), 0.4),
            (Shingling::Chars(5), 0.6),
            (Shingling::Chars(4), 0.5),
            (Shingling::Words(3), 0.5),
            (Shingling::Words(3), 0.3),
            (Shingling::Words(2), 0.4),
        ];
        let mut per_kind_default = None;
        for (shingling, threshold) in variants {
            let cfg = Config {
                shingling,
                jaccard_threshold: threshold,
                ..Config::default()
            };
            let r = planted(&cfg, &informative_seeds, &ordinary);
            let _ = writeln!(
                out,
                "| {} | {threshold} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} |",
                shingling_name(shingling),
                r.pair_tp as f64 / r.pair_reported.max(1) as f64,
                r.pair_tp as f64 / r.pair_true.max(1) as f64,
                r.found_whole as f64 / r.planted as f64,
                r.found as f64 / r.planted as f64,
                r.clusters_pure as f64 / r.clusters_reported.max(1) as f64,
                r.false_clusters as f64 / r.threads as f64,
            );
            if cfg == Config::default() {
                per_kind_default = Some(r.per_kind);
            }
        }
        out.push_str("\nRecall per edit kind (copy clustered with its original), shipped settings:\n\n| edit | copies | recall |\n|---|---|---|\n");
        for (kind, (n, hit)) in per_kind_default.unwrap_or_default() {
            let _ = writeln!(
                out,
                "| {kind} | {n} | {:.3} |",
                hit as f64 / n.max(1) as f64
            );
        }
    }
    if want("ordinary") {
        out.push_str("\n## False clusters on ordinary tweets only\n\n");
        out.push_str("| min tokens | threads | threads with a text cluster | posts marked (text) | threads with a hashtag-sequence group | threads with a link group |\n|---|---|---|---|---|---|\n");
        for min_tokens in [3, 4, 6, 8] {
            let cfg = Config {
                min_tokens,
                min_alnum_chars: if min_tokens >= 6 { 25 } else { 10 },
                ..Config::default()
            };
            let r = ordinary_only(&cfg, &ordinary, 500, 200);
            let _ = writeln!(
                out,
                "| {min_tokens}{} | {} | {} | {} of {} | {} | {} |",
                if cfg.min_tokens == super::MIN_TOKENS {
                    " (shipped)"
                } else {
                    ""
                },
                r.0,
                r.1,
                r.2,
                r.0 * 200,
                r.3,
                r.4
            );
        }
    }
    if want("days") {
        out.push_str("\n## Real IRA tweets grouped by day\n\n");
        out.push_str(&by_day(&ira));
    }
    if want("bursts") {
        out.push_str("\n## Creation bursts on real human accounts\n\n");
        out.push_str(&bursts(&dir));
    }
    if want("speed") {
        out.push_str("\n## Speed (native, release build)\n\n");
        out.push_str(&speed(&informative_seeds, &ordinary));
    }
    Ok(Some(out))
}

fn shingling_name(s: Shingling) -> String {
    match s {
        Shingling::Chars(n) => format!("char {n}-grams"),
        Shingling::Words(n) => format!("word {n}-grams"),
    }
}

/// The clusterer's information rule (`Clusterer::add`).
fn informative(cfg: &Config, text: &str) -> bool {
    let mut n = String::new();
    super::normalize::normalize_into(text, &mut n) >= cfg.min_tokens
        && super::normalize::alnum_chars(&n) >= cfg.min_alnum_chars
}

fn post(id: String, account: String, text: &str) -> Post {
    Post {
        post_id: Some(id),
        account_key: Some(account),
        text: Some(text.to_owned()),
        ..Post::default()
    }
}

const EDITS: [&str; 7] = [
    "word_swap",
    "emoji",
    "punctuation",
    "name_change",
    "hashtag_added",
    "mention_and_case",
    "two_edits",
];

const NAMES: [&str; 8] = [
    "Johnson", "Maria", "Pelosi", "Ahmed", "Kowalski", "Chen", "Oliveira", "Smith",
];

/// One edited copy of `text`.
fn edit(kind: &str, text: &str, rng: &mut Rng, donor: &str) -> String {
    let mut words: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
    if words.is_empty() {
        return text.to_owned();
    }
    let donor_words: Vec<&str> = donor
        .split_whitespace()
        .filter(|w| w.len() >= 3 && w.chars().all(char::is_alphabetic))
        .collect();
    match kind {
        "word_swap" => {
            let i = rng.below(words.len());
            words[i] = donor_words
                .get(rng.below(donor_words.len()))
                .map_or("really", |w| w)
                .to_owned();
        }
        "emoji" => {
            let emoji = ["🔥", "👍🏽", "❤️", "🇺🇸", "👨‍👩‍👧", "😂😂", "💯"];
            let e = rng.pick(&emoji).to_string();
            let i = rng.below(words.len() + 1);
            words.insert(i, e);
        }
        "punctuation" => {
            let s: String = words.join(" ");
            let s = match rng.below(3) {
                0 => s.replace(['.', ',', '!', '?', ':'], ""),
                1 => format!("{}!!!", s.trim_end_matches(['.', '!'])),
                _ => s.replacen(' ', ", ", 2).replace('.', "..."),
            };
            return s;
        }
        "name_change" => {
            let cands: Vec<usize> = (1..words.len())
                .filter(|&i| {
                    let w = &words[i];
                    w.starts_with('@') || w.chars().next().is_some_and(char::is_uppercase)
                })
                .collect();
            let i = if cands.is_empty() {
                rng.below(words.len())
            } else {
                *rng.pick(&cands)
            };
            words[i] = rng.pick(&NAMES).to_string();
        }
        "hashtag_added" => {
            let tag = donor_words.first().map_or("News", |w| w);
            words.push(format!("#{tag}"));
        }
        "mention_and_case" => {
            let s = format!("@user {}", words.join(" ").to_lowercase());
            return s;
        }
        _ => {
            let once = edit("word_swap", text, rng, donor);
            return edit("emoji", &once, rng, donor);
        }
    }
    words.join(" ")
}

#[derive(Default)]
struct Planted {
    threads: usize,
    planted: usize,
    found: usize,
    found_whole: usize,
    clusters_reported: usize,
    clusters_pure: usize,
    false_clusters: usize,
    pair_true: usize,
    pair_reported: usize,
    pair_tp: usize,
    per_kind: BTreeMap<&'static str, (usize, usize)>,
}

fn planted(cfg: &Config, seeds: &[&str], ordinary: &[String]) -> Planted {
    let mut rng = Rng(20_240_601);
    let mut r = Planted::default();
    for thread in 0..200 {
        // label per post: Some(cluster) for planted, None for background
        let mut posts: Vec<(Post, Option<usize>, Option<&'static str>)> = Vec::new();
        let mut sizes = Vec::new();
        for c in 0..4 {
            let seed = *rng.pick(seeds);
            let size = 3 + rng.below(6);
            sizes.push(size);
            for m in 0..size {
                let (text, kind) = if m == 0 {
                    (seed.to_owned(), None)
                } else {
                    let kind = EDITS[(m - 1 + c + thread) % EDITS.len()];
                    let donor = rng.pick(ordinary);
                    (edit(kind, seed, &mut rng, donor), Some(kind))
                };
                let id = format!("t{thread}c{c}m{m}");
                posts.push((post(id.clone(), format!("acc-{id}"), &text), Some(c), kind));
            }
        }
        let background = 200 - posts.len();
        for b in 0..background {
            let id = format!("t{thread}b{b}");
            let text = rng.pick(ordinary).clone();
            posts.push((post(id.clone(), format!("acc-{id}"), &text), None, None));
        }
        // Shuffle (Fisher-Yates) so planted posts are not adjacent.
        for i in (1..posts.len()).rev() {
            let j = rng.below(i + 1);
            posts.swap(i, j);
        }
        let batch: Vec<Post> = posts.iter().map(|p| p.0.clone()).collect();
        let mut c = Clusterer::new(cfg.clone());
        c.add(&batch);
        let clusters = c.text_clusters();
        let label = |i: u32| posts.get(i as usize).and_then(|p| p.1);
        r.threads += 1;
        r.planted += sizes.len();
        r.pair_true += sizes.iter().map(|s| s * (s - 1) / 2).sum::<usize>();
        for cl in &clusters {
            r.clusters_reported += 1;
            let n = cl.len();
            r.pair_reported += n * (n - 1) / 2;
            let mut counts: HashMap<usize, usize> = HashMap::new();
            for &i in cl {
                if let Some(l) = label(i) {
                    *counts.entry(l).or_default() += 1;
                }
            }
            r.pair_tp += counts.values().map(|k| k * (k - 1) / 2).sum::<usize>();
            let best = counts.values().copied().max().unwrap_or(0);
            if best * 2 > n {
                r.clusters_pure += 1;
            }
            if best == 0 {
                r.false_clusters += 1;
            }
        }
        for (ci, size) in sizes.iter().enumerate() {
            let best = clusters
                .iter()
                .map(|cl| cl.iter().filter(|&&i| label(i) == Some(ci)).count())
                .max()
                .unwrap_or(0);
            if best >= 3 {
                r.found += 1;
            }
            if best == *size {
                r.found_whole += 1;
            }
        }
        // Per edit kind: is each copy in a counted cluster with its original?
        let original: HashMap<usize, u32> = posts
            .iter()
            .enumerate()
            .filter(|(_, p)| p.1.is_some() && p.2.is_none())
            .filter_map(|(i, p)| p.1.map(|l| (l, i as u32)))
            .collect();
        let cluster_of: HashMap<u32, usize> = clusters
            .iter()
            .enumerate()
            .flat_map(|(k, cl)| cl.iter().map(move |&i| (i, k)))
            .collect();
        for (i, p) in posts.iter().enumerate() {
            if let (Some(l), Some(kind)) = (p.1, p.2) {
                let e = r.per_kind.entry(kind).or_default();
                e.0 += 1;
                let same = original.get(&l).and_then(|o| cluster_of.get(o)).is_some()
                    && original.get(&l).and_then(|o| cluster_of.get(o))
                        == cluster_of.get(&(i as u32));
                if same {
                    e.1 += 1;
                }
            }
        }
    }
    r
}

/// Threads of ordinary tweets only: (threads, threads with a text cluster, posts marked by
/// text, threads with a hashtag-sequence group, threads with a link group).
fn ordinary_only(
    cfg: &Config,
    ordinary: &[String],
    threads: usize,
    size: usize,
) -> (usize, usize, usize, usize, usize) {
    let mut rng = Rng(7);
    let (mut with_text, mut marked, mut with_tags, mut with_links) = (0, 0, 0, 0);
    for t in 0..threads {
        let mut used = HashSet::new();
        let mut batch = Vec::new();
        while batch.len() < size {
            let i = rng.below(ordinary.len());
            if used.insert(i) {
                let id = format!("o{t}-{i}");
                batch.push(post(id.clone(), id, &ordinary[i]));
            }
        }
        let mut c = Clusterer::new(cfg.clone());
        let updates = c.add(&batch);
        let text = updates
            .iter()
            .filter(|u| u.reasons.iter().any(|r| r.code == "near_duplicate_text"))
            .count();
        marked += text;
        with_text += usize::from(text > 0);
        with_tags += usize::from(
            updates
                .iter()
                .any(|u| u.reasons.iter().any(|r| r.code == "same_hashtag_sequence")),
        );
        with_links += usize::from(
            updates
                .iter()
                .any(|u| u.reasons.iter().any(|r| r.code == "same_link")),
        );
    }
    (threads, with_text, marked, with_tags, with_links)
}

/// A few words of a text, for examples that must not reproduce whole tweets.
fn excerpt(text: &str, words: usize) -> String {
    let n = super::normalize::normalize(text);
    let mut w: Vec<&str> = n.split(' ').take(words + 1).collect();
    let more = w.len() > words;
    w.truncate(words);
    format!("{}{}", w.join(" "), if more { " …" } else { "" })
}

fn by_day(ira: &[Ira]) -> String {
    let mut days: BTreeMap<&str, Vec<&Ira>> = BTreeMap::new();
    for t in ira {
        days.entry(t.day.as_str()).or_default().push(t);
    }
    let (mut n_days, mut days_with, mut clusters, mut posts_in, mut posts_total) = (0, 0, 0, 0, 0);
    let mut tag_groups = 0;
    let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut examples: Vec<(usize, usize, String, String)> = Vec::new(); // accounts, posts, day, text
    let mut max_day = 0;
    for (day, tweets) in &days {
        n_days += 1;
        posts_total += tweets.len();
        max_day = max_day.max(tweets.len());
        let batch: Vec<Post> = tweets
            .iter()
            .enumerate()
            .map(|(i, t)| post(i.to_string(), t.author.clone(), &t.text))
            .collect();
        let mut c = Clusterer::default();
        let updates = c.add(&batch);
        tag_groups += updates
            .iter()
            .flat_map(|u| u.reasons.iter())
            .filter(|r| r.code == "same_hashtag_sequence")
            .map(|r| r.group.clone())
            .collect::<HashSet<_>>()
            .len();
        let found = c.text_clusters();
        if !found.is_empty() {
            days_with += 1;
        }
        for cl in found {
            clusters += 1;
            posts_in += cl.len();
            let accounts: HashSet<&str> = cl
                .iter()
                .filter_map(|&i| tweets.get(i as usize).map(|t| t.author.as_str()))
                .collect();
            let bucket = match accounts.len() {
                0..=3 => "3",
                4..=5 => "4-5",
                6..=10 => "6-10",
                _ => "> 10",
            };
            *sizes.entry(bucket).or_default() += 1;
            let first = cl
                .first()
                .and_then(|&i| tweets.get(i as usize))
                .map_or(String::new(), |t| excerpt(&t.text, 6));
            examples.push((accounts.len(), cl.len(), day.to_string(), first));
        }
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Each day's IRA originals form one page (accounts = authors): {n_days} days, {posts_total} \
         posts (largest day {max_day}). Days with at least one near-duplicate cluster: {days_with}. \
         Clusters: {clusters}, holding {posts_in} posts ({:.1} % of all). Hashtag-sequence groups \
         (>= 3 accounts): {tag_groups}.\n",
        100.0 * posts_in as f64 / posts_total.max(1) as f64
    );
    s.push_str("| accounts per cluster | clusters |\n|---|---|\n");
    for (k, v) in &sizes {
        let _ = writeln!(s, "| {k} | {v} |");
    }
    examples.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    s.push_str("\nLargest clusters (text cut to its first 6 normalised words):\n\n| day | accounts | posts | text begins |\n|---|---|---|---|\n");
    for (acc, posts, day, text) in examples.iter().take(12) {
        let _ = writeln!(s, "| {day} | {acc} | {posts} | {text} |");
    }
    s
}

fn bursts(dir: &Path) -> String {
    let mut by_dataset: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir.join("accounts")) else {
        return "skipped: data not found (accounts)\n".to_owned();
    };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    for f in files {
        let Ok(lines) = read_lines(&f) else { continue };
        for l in lines {
            let Ok(row) = serde_json::from_str::<AccountRow>(&l) else {
                continue;
            };
            if let (Some(d), Some("human"), Some(c)) =
                (row.dataset, row.label.as_deref(), row.created_at)
            {
                by_dataset.entry(d).or_default().push(c);
            }
        }
    }
    let mut s = String::from(
        "Threads of 200 reply authors drawn from one dataset's human accounts (a thread's authors \
         are seen at one time, as a dataset's are). Planted: 6 accounts created within 3 days \
         at a random date inside the thread's span.\n\n\
         | dataset | humans | threads | threads with a false burst | planted burst found |\n|---|---|---|---|---|\n",
    );
    let mut rng = Rng(99);
    for (dataset, created) in &by_dataset {
        if created.len() < 400 {
            continue;
        }
        let (mut false_b, mut found) = (0, 0);
        let threads = 200;
        for t in 0..threads {
            // Without replacement: one account is one author.
            let mut chosen = HashSet::new();
            while chosen.len() < 200 {
                chosen.insert(rng.below(created.len()));
            }
            let mut chosen: Vec<usize> = chosen.into_iter().collect();
            chosen.sort_unstable();
            let mut batch: Vec<Post> = chosen
                .iter()
                .map(|&i| {
                    let mut p = post(format!("{t}-{i}"), format!("{t}-{i}"), "");
                    p.account_created_at = Some(created[i].clone());
                    p
                })
                .collect();
            let mut c = Clusterer::default();
            if !c.add(&batch).is_empty() {
                false_b += 1;
            }
            let picked: &String = rng.pick(created);
            let base = crate::time::parse_unix_seconds(picked).unwrap_or(0);
            batch = (0..6)
                .map(|i| {
                    let mut p = post(format!("{t}-p{i}"), format!("{t}-p{i}"), "");
                    let at = base + (rng.below(3 * 86_400)) as i64;
                    p.account_created_at = Some(format!("{}T00:00:00Z", super::burst::date(at)));
                    p
                })
                .collect();
            let updates = c.add(&batch);
            if updates.iter().filter(|u| u.post_id.contains("-p")).count() >= 5 {
                found += 1;
            }
        }
        let _ = writeln!(
            s,
            "| {dataset} | {} | {threads} | {false_b} | {found} |",
            created.len()
        );
    }
    s
}

fn speed(seeds: &[&str], ordinary: &[String]) -> String {
    let mut rng = Rng(5);
    let mut batch = Vec::new();
    for i in 0..2000 {
        let text = if i % 20 == 0 {
            let seed = seeds[(i / 100) % seeds.len()];
            let donor = rng.pick(ordinary);
            edit(EDITS[i % EDITS.len()], seed, &mut rng, donor)
        } else {
            rng.pick(ordinary).clone()
        };
        batch.push(post(format!("s{i}"), format!("a{i}"), &text));
    }
    let mut best_one = f64::MAX;
    let mut best_batches = f64::MAX;
    let mut last_batch = f64::MAX;
    let mut stats = None;
    for _ in 0..7 {
        let t = Instant::now();
        let mut c = Clusterer::default();
        c.add(&batch);
        best_one = best_one.min(t.elapsed().as_secs_f64() * 1e3);
        stats = Some(c.stats);
        let mut c = Clusterer::default();
        let t = Instant::now();
        for chunk in batch.chunks(100) {
            let tb = Instant::now();
            c.add(chunk);
            last_batch = last_batch.min(tb.elapsed().as_secs_f64() * 1e3);
        }
        best_batches = best_batches.min(t.elapsed().as_secs_f64() * 1e3);
    }
    let st = stats.unwrap_or_default();
    let texts: Vec<&str> = batch.iter().filter_map(|p| p.text.as_deref()).collect();
    let (mut t_norm, mut t_sig) = (f64::MAX, f64::MAX);
    for _ in 0..7 {
        let t = Instant::now();
        let sh: Vec<Vec<u64>> = texts
            .iter()
            .map(|x| super::minhash::shingles(&super::normalize::normalize(x), super::SHINGLING))
            .collect();
        t_norm = t_norm.min(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let sigs: Vec<_> = sh.iter().map(|x| super::minhash::signature(x)).collect();
        t_sig = t_sig.min(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(sigs);
    }
    format!(
        "Of which normalising and shingling {t_norm:.1} ms, MinHash signatures {t_sig:.1} ms. "
    ) + &format!(
        "2,000 posts (ordinary tweets and planted copies), best of 7: one batch {best_one:.1} ms; \
         20 batches of 100 {best_batches:.1} ms in total (fastest single batch {last_batch:.2} ms). \
         {} posts informative, {} LSH candidate pairs, {} compared exactly, {} confirmed by Jaccard.\n",
        st.informative, st.candidates, st.compared, st.confirmed
    )
}
