//! Fixed cases for the coordination detector, both ways: each detection is paired with a
//! clean case that must not be flagged.

use botlens::coord::{Clusterer, Post, PostCoordination};

fn post(id: &str, account: &str, text: &str) -> Post {
    Post {
        post_id: Some(id.to_owned()),
        account_key: Some(account.to_owned()),
        text: Some(text.to_owned()),
        ..Post::default()
    }
}

fn codes(updates: &[PostCoordination], id: &str) -> Vec<&'static str> {
    updates
        .iter()
        .find(|u| u.post_id == id)
        .map(|u| u.reasons.iter().map(|r| r.code).collect())
        .unwrap_or_default()
}

const CAMPAIGN: &str = "The mayor lied to all of us about the water plant and nobody is asking why";

fn unrelated() -> Vec<Post> {
    [
        "Just got back from the beach, the sunset tonight was unreal",
        "Anyone know a good recipe for banana bread without eggs?",
        "My cat knocked the coffee off the table again this morning",
        "Traffic on the bridge is terrible, leave early if you can",
        "Finished the book last night and I still can't stop thinking about it",
        "Our team finally won a game after eight straight losses",
    ]
    .iter()
    .enumerate()
    .map(|(i, t)| post(&format!("u{i}"), &format!("x:u{i}"), t))
    .collect()
}

#[test]
fn planted_cluster_with_edits_is_found() {
    let mut c = Clusterer::default();
    let mut batch = unrelated();
    batch.push(post("p1", "x:a", CAMPAIGN));
    batch.push(post(
        "p2",
        "x:b",
        "the mayor LIED to all of us about the water plant, and nobody is asking why!!! 🔥🔥",
    ));
    batch.push(post(
        "p3",
        "x:c",
        "@someone The mayor lied to all of us about the sewage plant and nobody is asking why https://t.co/x",
    ));
    batch.push(post(
        "p4",
        "x:d",
        "The mayor lied to all of us about the water plant and nobody is asking why #WaterGate",
    ));
    let updates = c.add(&batch);
    for id in ["p1", "p2", "p3", "p4"] {
        assert_eq!(codes(&updates, id), vec!["near_duplicate_text"], "{id}");
    }
    let p1 = updates.iter().find(|u| u.post_id == "p1").expect("p1");
    assert_eq!(p1.cluster_size, 4);
    assert_eq!(p1.members, vec!["p1", "p2", "p3", "p4"]);
    assert!(
        updates.iter().all(|u| !u.post_id.starts_with('u')),
        "unrelated posts are not marked"
    );
}

#[test]
fn short_common_replies_never_cluster() {
    let mut c = Clusterer::default();
    let replies = [
        "Thank you!",
        "lol",
        "This.",
        "💯",
        "So true!!",
        "Thank you so much ❤️",
    ];
    let mut batch = Vec::new();
    for (i, text) in replies.iter().enumerate() {
        for a in 0..10 {
            batch.push(post(&format!("r{i}-{a}"), &format!("x:{i}-{a}"), text));
        }
    }
    assert!(c.add(&batch).is_empty());
}

#[test]
fn scripts_without_spaces_cluster_by_the_same_rules() {
    // Japanese has no spaces between words: a campaign sentence is one or two tokens, so the
    // information rule counts its characters (two per word) instead.
    let base = "政府は来月から新しい税金を導入すると発表しましたが、国民の多くは反対しています";
    let mut batch = unrelated();
    batch.push(post("j1", "x:j1", base));
    batch.push(post("j2", "x:j2", &format!("{base}！！ 🔥")));
    batch.push(post(
        "j3",
        "x:j3",
        &format!("@someone {}", base.replace("来月", "今月")),
    ));
    // Short, common replies in Japanese and Thai never cluster.
    for (i, text) in [
        "ありがとうございます！",
        "本当にそう思います",
        "草",
        "それな",
        "ขอบคุณมากครับ",
    ]
    .iter()
    .enumerate()
    {
        for a in 0..10 {
            batch.push(post(&format!("s{i}-{a}"), &format!("x:s{i}-{a}"), text));
        }
    }
    let mut c = Clusterer::default();
    let updates = c.add(&batch);
    let mut ids: Vec<&str> = updates.iter().map(|u| u.post_id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, vec!["j1", "j2", "j3"]);
    assert!(updates.iter().all(|u| u.cluster_size == 3));
}

#[test]
fn two_accounts_are_not_enough() {
    let mut c = Clusterer::default();
    let mut batch = unrelated();
    batch.push(post("p1", "x:a", CAMPAIGN));
    batch.push(post("p2", "x:b", CAMPAIGN));
    assert!(c.add(&batch).is_empty());
    // A third account makes it a cluster, reported for all three.
    let updates = c.add(&[post("p3", "x:c", CAMPAIGN)]);
    let mut ids: Vec<&str> = updates.iter().map(|u| u.post_id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, vec!["p1", "p2", "p3"]);
    assert!(updates.iter().all(|u| u.cluster_size == 3));
}

#[test]
fn one_account_posting_three_times_is_not_a_cluster() {
    let mut c = Clusterer::default();
    let batch: Vec<Post> = (0..3)
        .map(|i| post(&format!("p{i}"), "x:a", CAMPAIGN))
        .collect();
    assert!(c.add(&batch).is_empty());
    // Two more posts from one other account: still two accounts.
    assert!(c
        .add(&[post("q1", "x:b", CAMPAIGN), post("q2", "x:b", CAMPAIGN)])
        .is_empty());
}

#[test]
fn incremental_batches_match_one_batch() {
    let mut all = unrelated();
    for (i, a) in ["a", "b", "c", "d", "e"].iter().enumerate() {
        all.push(post(&format!("p{i}"), &format!("x:{a}"), CAMPAIGN));
    }
    let mut one = Clusterer::default();
    one.add(&all);
    let mut many = Clusterer::default();
    for chunk in all.chunks(3) {
        many.add(chunk);
    }
    assert_eq!(one.snapshot(), many.snapshot());
    assert_eq!(one.snapshot().len(), 5);
    // Re-adding the same posts changes nothing.
    assert!(many.add(&all).is_empty());
}

#[test]
fn same_hashtag_sequence_needs_order_and_three_accounts() {
    let mut c = Clusterer::default();
    let batch = vec![
        post("h1", "x:a", "so this happened #StopTheVote #Rigged"),
        post("h2", "x:b", "#stopthevote what else #RIGGED"),
        post("h3", "x:c", "no words #StopTheVote #Rigged"),
        post("h4", "x:d", "reverse order #Rigged #StopTheVote"),
        post("h5", "x:e", "one tag only #StopTheVote"),
    ];
    let updates = c.add(&batch);
    for id in ["h1", "h2", "h3"] {
        assert_eq!(codes(&updates, id), vec!["same_hashtag_sequence"], "{id}");
    }
    let h1 = updates.iter().find(|u| u.post_id == "h1").expect("h1");
    assert_eq!(
        h1.reasons[0].detail.as_deref(),
        Some("#stopthevote #rigged")
    );
    assert!(codes(&updates, "h4").is_empty());
    assert!(codes(&updates, "h5").is_empty());
}

#[test]
fn same_link_counts_external_links_only() {
    let mut c = Clusterer::default();
    let mut batch = Vec::new();
    for (i, a) in ["a", "b", "c"].iter().enumerate() {
        let mut p = post(&format!("l{i}"), &format!("x:{a}"), "look");
        p.urls = Some(vec![
            format!("https://www.example.org/story/?utm_source={i}"),
            "https://x.com/someone/status/1".to_owned(),
        ]);
        batch.push(p);
    }
    // The site's own links (quoted posts, t.co) from many accounts are not a shared link.
    for i in 0..5 {
        batch.push(post(
            &format!("s{i}"),
            &format!("x:s{i}"),
            "https://t.co/abc",
        ));
    }
    let updates = c.add(&batch);
    assert_eq!(updates.len(), 3);
    assert_eq!(updates[0].reasons[0].code, "same_link");
    assert_eq!(
        updates[0].reasons[0].detail.as_deref(),
        Some("example.org/story")
    );
}

#[test]
fn creation_burst_against_a_spread_thread() {
    let mut c = Clusterer::default();
    let mut batch = Vec::new();
    // 60 accounts created over ten years, a month or two apart.
    for i in 0..60 {
        let year = 2010 + i / 6;
        let month = 1 + (i % 6) * 2;
        let mut p = post(&format!("o{i}"), &format!("x:o{i}"), "ok");
        p.account_created_at = Some(format!("{year}-{month:02}-15T10:00:00Z"));
        batch.push(p);
    }
    assert!(c.add(&batch).is_empty(), "a spread thread has no burst");
    let burst: Vec<Post> = (0..6)
        .map(|i| {
            let mut p = post(&format!("b{i}"), &format!("x:b{i}"), "ok");
            p.account_created_at = Some(format!("2023-03-0{}T08:00:00Z", i + 1));
            p
        })
        .collect();
    let updates = c.add(&burst);
    assert_eq!(updates.len(), 6);
    assert!(updates.iter().all(|u| u.reasons[0].code == "creation_burst"
        && u.reasons[0].detail.as_deref() == Some("2023-03-01..2023-03-06")));
}

#[test]
fn bad_posts_are_skipped_not_fatal() {
    let mut c = Clusterer::default();
    let batch: Vec<Post> = serde_json::from_str(
        r#"[{"post_id": null, "account_key": "x:a", "text": "x"},
            {"post_id": "1", "text": 3},
            {"post_id": "2", "account_key": "x:b", "hashtags": 7, "urls": {"a": 1}},
            {}]"#,
    )
    .expect("lenient");
    assert!(c.add(&batch).is_empty());
    assert_eq!(c.len(), 1);
}

/// What the content script does with the group-table changes (docs/COORDINATION.md, "Wire
/// format"): one state per group, and per post its group ids; a post's view is rebuilt from
/// them with the documented main-group rule.
fn apply_changes(
    groups: &mut std::collections::BTreeMap<String, botlens::coord::CoordReason>,
    posts: &mut std::collections::BTreeMap<String, Vec<String>>,
    changes: &botlens::coord::Changes,
) {
    for g in &changes.groups {
        groups.insert(g.group.clone(), g.clone());
    }
    for p in &changes.posts {
        if p.groups.is_empty() {
            posts.remove(&p.post_id);
        } else {
            posts.insert(p.post_id.clone(), p.groups.clone());
        }
    }
}

/// A post's state as the content script rebuilds it.
fn view(
    groups: &std::collections::BTreeMap<String, botlens::coord::CoordReason>,
    posts: &std::collections::BTreeMap<String, Vec<String>>,
) -> std::collections::BTreeMap<String, PostCoordination> {
    posts
        .iter()
        .map(|(id, ids)| {
            let reasons: Vec<_> = ids.iter().map(|g| groups[g].clone()).collect();
            let main = botlens::coord::main_reason(&reasons).cloned();
            let state = PostCoordination {
                post_id: id.clone(),
                cluster_id: main.as_ref().map(|m| m.group.clone()),
                cluster_size: main.as_ref().map_or(0, |m| m.value as u32),
                members: main.map(|m| m.members).unwrap_or_default(),
                reasons,
            };
            (id.clone(), state)
        })
        .collect()
}

#[test]
fn changes_send_each_batch_only_its_share() {
    let mut posts = unrelated();
    for i in 0..40 {
        let mut p = post(
            &format!("c{i}"),
            &format!("x:c{i}"),
            &format!("{CAMPAIGN} #WaterGate #Mayor"),
        );
        p.urls = Some(vec!["https://example.org/water".into()]);
        p.account_created_at = Some(format!("2023-03-0{}T08:00:00Z", 1 + i % 5));
        posts.push(p);
        posts.push(post(
            &format!("o{i}"),
            &format!("x:o{i}"),
            &format!("An ordinary reply number {i} about something else entirely today"),
        ));
    }
    let mut full = Clusterer::default();
    let mut compact = Clusterer::default();
    let (mut groups, mut listed) = Default::default();
    let (mut sent_full, mut sent_ids) = (0, 0);
    for batch in posts.chunks(8) {
        sent_full += full
            .add(batch)
            .iter()
            .map(|u| u.members.len() + u.reasons.iter().map(|r| r.members.len()).sum::<usize>())
            .sum::<usize>();
        let changes = compact.add_changes(batch);
        // This batch's posts are listed, and the earlier posts of a group that just reached
        // three accounts (two per group here); each group once.
        assert!(
            changes.posts.len() <= batch.len() + 4,
            "{}",
            changes.posts.len()
        );
        let mut ids: Vec<&str> = changes.groups.iter().map(|g| g.group.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), changes.groups.len(), "a group listed twice");
        sent_ids += changes
            .groups
            .iter()
            .map(|g| g.members.len())
            .sum::<usize>();
        apply_changes(&mut groups, &mut listed, &changes);
    }
    let snapshot = compact.snapshot();
    assert_eq!(snapshot, full.snapshot());
    let expected: std::collections::BTreeMap<String, PostCoordination> = snapshot
        .into_iter()
        .map(|s| (s.post_id.clone(), s))
        .collect();
    assert_eq!(
        view(&groups, &listed),
        expected,
        "the content script's view equals the snapshot"
    );
    // The group-table snapshot gives the same view in one go.
    let (mut g2, mut p2) = Default::default();
    apply_changes(&mut g2, &mut p2, &compact.snapshot_changes());
    assert_eq!(view(&g2, &p2), expected);
    assert!(sent_ids * 10 < sent_full, "{sent_ids} vs {sent_full}");
}
