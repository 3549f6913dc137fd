//! JSON -> posts -> coordination clustering: the input of `Coordinator.add_posts` and
//! `cluster_posts` at the wasm boundary.
//!
//! First the bytes go through the boundary's own reader and writer (`botlens::json`); then,
//! when they are JSON, through serde_json as follows.
//!
//! The bytes are one JSON document: an array of posts or `{posts: [...]}` (anything else is
//! no posts); each post is deserialized on its own and skipped when it fails, as
//! `src/wasm.rs` does. The posts go into one clusterer in one batch and into another in
//! several batches (split points taken from the input's length). Checked: nothing panics,
//! every reported post belongs to its own groups, sizes count distinct accounts and never
//! exceed the accounts seen, and batching changes nothing in the final snapshot.
#![no_main]

use botlens::coord::{Clusterer, Post, PostCoordination, MAX_MEMBERS_LISTED, MIN_ACCOUNTS};
use libfuzzer_sys::fuzz_target;
use std::collections::{HashMap, HashSet};

fn posts_of(value: serde_json::Value) -> Vec<Post> {
    let list = match value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Object(mut map) => match map.remove("posts") {
            Some(serde_json::Value::Array(items)) => items,
            _ => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    list.into_iter()
        .take(512)
        .filter_map(|v| serde_json::from_value(v).ok())
        .collect()
}

/// The posts the clusterer keeps: the first of each post id, with an id and an account key.
fn kept(posts: &[Post]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for p in posts {
        if let (Some(id), Some(acc)) = (&p.post_id, &p.account_key) {
            out.entry(id.clone()).or_insert_with(|| acc.clone());
        }
    }
    out
}

fn check_state(s: &PostCoordination, kept: &HashMap<String, String>, accounts: usize) {
    assert!(kept.contains_key(&s.post_id), "unknown post {}", s.post_id);
    match &s.cluster_id {
        None => {
            assert_eq!(s.cluster_size, 0);
            assert!(s.members.is_empty() && s.reasons.is_empty());
        }
        Some(_) => {
            assert!(!s.reasons.is_empty(), "a cluster without a reason");
            assert!(s.cluster_size as usize >= MIN_ACCOUNTS);
            assert!(
                s.cluster_size as usize <= accounts,
                "size > distinct accounts"
            );
        }
    }
    for r in &s.reasons {
        assert!(
            r.value.is_finite() && r.value >= MIN_ACCOUNTS as f64,
            "{r:?}"
        );
        assert!(
            r.value as usize <= accounts,
            "group larger than the accounts seen"
        );
        assert!(r.members.len() <= MAX_MEMBERS_LISTED);
        let mut seen = HashSet::new();
        for m in &r.members {
            assert!(kept.contains_key(m), "unknown member {m}");
            assert!(seen.insert(m), "member {m} listed twice in {}", r.group);
        }
        if r.members.len() < MAX_MEMBERS_LISTED {
            assert!(
                r.members.contains(&s.post_id),
                "{} not in its own group {}",
                s.post_id,
                r.group
            );
            let distinct: HashSet<&String> = r.members.iter().map(|m| &kept[m]).collect();
            assert_eq!(
                distinct.len(),
                r.value as usize,
                "value != distinct accounts"
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // The wasm boundary's own reader and writer (`botlens::json`, what `src/wasm.rs` calls):
    // no panic, and valid JSON out.
    let text = String::from_utf8_lossy(data);
    let read = botlens::json::posts(&text);
    let mut boundary = Clusterer::default();
    let out = botlens::json::changes(&boundary.add_changes(&read[..read.len().min(512)]));
    serde_json::from_str::<serde_json::Value>(&out).expect("valid JSON out");
    let out = botlens::json::changes(&boundary.snapshot_changes());
    serde_json::from_str::<serde_json::Value>(&out).expect("valid JSON out");

    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let posts = posts_of(value);
    let kept = kept(&posts);
    let accounts = kept.values().collect::<HashSet<_>>().len();

    let mut one = Clusterer::default();
    for s in one.add(&posts) {
        check_state(&s, &kept, accounts);
    }
    let snap_one = one.snapshot();
    for s in &snap_one {
        check_state(s, &kept, accounts);
    }
    assert!(one.len() <= kept.len());

    // The same posts in several batches (1..=4 cuts, from the input's length).
    let mut many = Clusterer::default();
    let parts = 1 + data.len() % 4;
    let step = posts.len().div_ceil(parts).max(1);
    for batch in posts.chunks(step) {
        for s in many.add(batch) {
            check_state(&s, &kept, accounts);
        }
    }
    let snap_many = many.snapshot();
    assert_eq!(snap_one, snap_many, "batching changed the result");
    // Adding the same posts again changes nothing (repeated ids are skipped).
    assert!(
        many.add(&posts).is_empty(),
        "re-adding posts reported changes"
    );
});
