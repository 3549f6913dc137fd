//! Property tests (proptest) on hostile input: no account, post or timestamp makes the core
//! panic; every score stays within [0, 1] with finite reasons; the key and id never change a
//! verdict; coordination groups do not depend on the order posts arrive in.
//!
//! The coverage-guided counterpart is `fuzz/` (`./build.sh fuzz`); `docs/SECURITY.md` maps
//! each claim to its test.

use botlens::coord::{Clusterer, Post, MIN_ACCOUNTS};
use botlens::{features, score, Account, Verdict};
use proptest::prelude::*;
use std::collections::{BTreeSet, HashMap};

/// 2026-01-01T00:00:00Z.
const NOW: i64 = 1_767_225_600;

const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "\u{202E}gnp.exe",
    "\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}",
    "\u{2066}\u{2067}\u{2068}\u{2069}\u{061C}",
    "مرحبا بالعالم",
    "שלום עולם",
    "👩‍👩‍👧‍👦🏳️‍🌈🤖",
    "\0",
    "NaN",
    "-NaN",
    "Infinity",
    "-inf",
    "1e309",
    "-0",
    "0x10",
    "9223372036854775808",
    "-9223372036854775809",
    "𝟙𝟚𝟛٣٤٥１２３",
];

/// Any text: arbitrary unicode, hostile samples, long repeats (up to ~100 KB).
fn text() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        2 => Just(None),
        3 => any::<String>().prop_map(Some),
        2 => prop::sample::select(HOSTILE).prop_map(|s| Some(s.to_owned())),
        1 => (prop::sample::select(HOSTILE), 1usize..5_000).prop_map(|(s, n)| Some(s.repeat(n))),
        1 => "[a-z0-9_]{1,15}".prop_map(Some),
    ]
}

fn count() -> impl Strategy<Value = Option<i64>> {
    prop_oneof![
        2 => Just(None),
        3 => (0i64..10_000_000).prop_map(Some),
        2 => any::<i64>().prop_map(Some),
        1 => prop::sample::select(vec![0, 1, -1, i64::MAX, i64::MIN, 9_007_199_254_740_991])
            .prop_map(Some),
    ]
}

/// Dates: valid ones in and out of range, near-misses, and any text.
fn date() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        2 => Just(None),
        3 => (1960u32..2300, 0u32..14, 0u32..33, 0u32..26, 0u32..61, 0u32..62).prop_map(
            |(y, mo, d, h, mi, s)| Some(format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"))
        ),
        1 => (2006u32..2026, 1u32..13, 1u32..29).prop_map(|(y, m, d)| Some(format!("{y}-{m:02}-{d:02}"))),
        2 => text(),
    ]
}

prop_compose! {
    fn account()(
        strings in prop::collection::vec(text(), 8),
        created_at in date(),
        collected_at in date(),
        counts in prop::collection::vec(count(), 5),
        flags in prop::collection::vec(any::<Option<bool>>(), 6),
    ) -> Account {
        Account {
            key: strings[0].clone(),
            platform: strings[1].clone(),
            id: strings[2].clone(),
            screen_name: strings[3].clone(),
            name: strings[4].clone(),
            description: strings[5].clone(),
            location: strings[6].clone(),
            url: strings[7].clone(),
            created_at,
            collected_at,
            followers_count: counts[0],
            friends_count: counts[1],
            statuses_count: counts[2],
            favourites_count: counts[3],
            listed_count: counts[4],
            default_profile: flags[0],
            default_profile_image: flags[1],
            has_banner: flags[2],
            verified: flags[3],
            automated: flags[4],
            protected: flags[5],
        }
    }
}

/// Any JSON value a page could put in a field.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::{json, Value};
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        any::<u64>().prop_map(|i| json!(i)),
        any::<f64>().prop_map(|f| json!(f)), // NaN and infinities become null
        text().prop_map(|s| s.map_or(Value::Null, Value::String)),
        date().prop_map(|s| s.map_or(Value::Null, Value::String)),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::hash_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const FIELDS: &[&str] = &[
    "key",
    "platform",
    "id",
    "screen_name",
    "name",
    "description",
    "location",
    "url",
    "created_at",
    "collected_at",
    "followers_count",
    "friends_count",
    "statuses_count",
    "favourites_count",
    "listed_count",
    "default_profile",
    "default_profile_image",
    "has_banner",
    "verified",
    "automated",
    "protected",
    "label",
];

fn check_verdict(v: &Verdict) -> Result<(), TestCaseError> {
    if let Some(s) = v.score {
        prop_assert!((0.0..=1.0).contains(&s), "score {}", s);
    } else {
        prop_assert!(v.reasons.is_empty());
    }
    prop_assert!(v.reasons.len() <= botlens::reasons::MAX_REASONS);
    for r in &v.reasons {
        prop_assert!(r.value.is_finite(), "{:?}", r);
        prop_assert!(
            r.contribution.is_finite() && r.contribution > 0.0,
            "{:?}",
            r
        );
    }
    for f in &v.facts {
        prop_assert!(f.value.is_finite(), "{:?}", f);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_account_scores_within_unit_range(a in account(), dt in -400_000_000i64..400_000_000) {
        let v = score(&a, NOW + dt);
        check_verdict(&v)?;
        prop_assert_eq!(v.automated, a.automated);
        prop_assert_eq!(v.verified, a.verified);
        let f = features::extract(&a, NOW + dt);
        prop_assert!(f.iter().all(|x| x.is_nan() || x.is_finite()));
        check_verdict(&score(&a, botlens::observed_at(&a, NOW)))?;
    }

    #[test]
    fn any_json_object_deserializes_leniently_and_scores(
        fields in prop::collection::vec((prop::sample::select(FIELDS), json_value()), 0..12)
    ) {
        let obj: serde_json::Map<String, serde_json::Value> =
            fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let json = serde_json::Value::Object(obj);
        // An object never fails the lenient deserializer: bad fields become unknown.
        let a: Account = serde_json::from_value(json.clone())
            .map_err(|e| TestCaseError::fail(format!("{e}: {json}")))?;
        let text = serde_json::to_string(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let b: Account = serde_json::from_str(&text)
            .map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
        prop_assert_eq!(&a, &b);
        for c in [a.followers_count, a.friends_count, a.statuses_count, a.favourites_count,
                  a.listed_count].into_iter().flatten() {
            prop_assert!(c >= 0);
        }
        check_verdict(&score(&a, NOW))?;
    }

    #[test]
    fn identical_accounts_with_other_key_or_id_score_identically(
        a in account(), key in text(), id in text(), platform in text()
    ) {
        let mut twin = a.clone();
        twin.key = key;
        twin.id = id;
        twin.platform = platform;
        prop_assert_eq!(score(&a, NOW), score(&twin, NOW));
    }

    /// Behaviour, not opinions: the words of a name, bio, location or website never matter,
    /// only their length and digit count (name, bio) or presence (location, website).
    #[test]
    fn words_never_change_a_score(a in account(), other in text()) {
        let blank = |s: &Option<String>| {
            s.as_ref().map(|t| t.chars().map(|c| if c.is_ascii_digit() { '7' } else { 'x' }).collect())
        };
        let mut twin = a.clone();
        twin.name = blank(&a.name);
        twin.description = blank(&a.description);
        twin.location = a.location.as_ref().map(|_| other.clone().unwrap_or_else(|| "z".into()));
        twin.url = a.url.as_ref().map(|_| "https://example.org/".to_owned());
        prop_assert_eq!(score(&a, NOW), score(&twin, NOW));
    }

    #[test]
    fn any_observation_time_is_safe(
        a in account(),
        now in prop_oneof![any::<i64>(), prop::sample::select(vec![i64::MIN, i64::MAX, 0, -1])],
    ) {
        check_verdict(&score(&a, now))?;
    }

    #[test]
    fn time_parsing_never_panics(s in any::<String>(), d in date()) {
        let _ = botlens::time::parse_unix_seconds(&s);
        let _ = botlens::time::parse_unix_seconds(d.as_deref().unwrap_or(""));
    }

    #[test]
    fn valid_timestamps_parse_and_offsets_agree(
        y in 1971i64..2199, m in 1u32..13, d in 1u32..29, h in 0u32..24, mi in 0u32..60, s in 0u32..60
    ) {
        let z = format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z");
        let t = botlens::time::parse_unix_seconds(&z);
        prop_assert!(t.is_some(), "{}", z);
        let plus = format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.999+00:00");
        prop_assert_eq!(botlens::time::parse_unix_seconds(&plus), t);
        let day = botlens::time::parse_unix_seconds(&z[..10]);
        prop_assert_eq!(day.map(|x| x + i64::from(h * 3600 + mi * 60 + s)), t);
    }
}

// --- Coordination -----------------------------------------------------------------------

const TEXTS: &[&str] = &[
    "The mayor lied to all of us about the water plant and nobody is asking why",
    "The mayor lied to all of us about the water plant and nobody is asking why really",
    "the MAYOR lied to all of us about the water plant, and nobody is asking why!!",
    "Just got back from the beach, the sunset tonight was unreal and so calm",
    "Anyone know a good recipe for banana bread without eggs? Asking for a friend",
    "ok",
    "\u{202E}The mayor lied to all of us about the water plant and nobody is asking why",
    "see https://news.example.com/story?id=1 #Water #Plant",
    "see https://news.example.com/story?id=1&utm_source=x #water #plant now",
    "#one #two #three",
];

/// A small thread: unique post ids, a few accounts (each with one creation date), texts
/// from a pool that holds near-duplicates, hashtag sequences and links.
fn thread() -> impl Strategy<Value = Vec<Post>> {
    let accounts = prop::collection::vec(
        prop_oneof![
            Just(None),
            (0u32..40).prop_map(|d| Some(format!("2024-03-{:02}T00:00:00Z", 1 + d % 28))),
            (2008u32..2024).prop_map(|y| Some(format!("{y}-06-01T00:00:00Z"))),
        ],
        1..7,
    );
    accounts.prop_flat_map(|created| {
        let n = created.len();
        prop::collection::vec(
            (
                0..n,
                prop::sample::select(TEXTS),
                prop::option::of(prop::sample::select(vec![
                    vec!["water".to_owned(), "plant".to_owned()],
                    vec!["plant".to_owned(), "water".to_owned()],
                ])),
            ),
            0..14,
        )
        .prop_map(move |rows| {
            rows.into_iter()
                .enumerate()
                .map(|(i, (acc, text, hashtags))| Post {
                    post_id: Some(format!("p{i}")),
                    account_key: Some(format!("x:a{acc}")),
                    text: Some(text.to_owned()),
                    hashtags,
                    account_created_at: created[acc].clone(),
                    ..Post::default()
                })
                .collect::<Vec<_>>()
        })
    })
}

/// Per post, every reason as (code, distinct accounts, member set): group ids and the
/// member order may depend on arrival order, membership must not.
type Membership = HashMap<String, BTreeSet<(String, u64, BTreeSet<String>)>>;

fn membership(posts: &[Post], batches: usize) -> Membership {
    let mut c = Clusterer::default();
    let step = posts.len().div_ceil(batches.max(1)).max(1);
    for batch in posts.chunks(step) {
        c.add(batch);
    }
    c.snapshot()
        .into_iter()
        .map(|s| {
            let reasons = s
                .reasons
                .iter()
                .map(|r| {
                    (
                        r.code.to_owned(),
                        r.value as u64,
                        r.members.iter().cloned().collect(),
                    )
                })
                .collect();
            (s.post_id, reasons)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn clustering_is_consistent_and_order_independent(
        (posts, shuffled) in thread().prop_flat_map(|p| (Just(p.clone()), Just(p).prop_shuffle())),
        batches in 1usize..4,
    ) {
        let accounts: BTreeSet<&str> =
            posts.iter().filter_map(|p| p.account_key.as_deref()).collect();
        let by_post: HashMap<&str, &str> = posts
            .iter()
            .filter_map(|p| Some((p.post_id.as_deref()?, p.account_key.as_deref()?)))
            .collect();
        let a = membership(&posts, 1);
        for (post, reasons) in &a {
            for (code, value, members) in reasons {
                prop_assert!(members.contains(post), "{} not in its {} group", post, code);
                let distinct: BTreeSet<&str> = members.iter().map(|m| by_post[m.as_str()]).collect();
                prop_assert_eq!(distinct.len() as u64, *value, "{}", code);
                prop_assert!(*value as usize >= MIN_ACCOUNTS && *value as usize <= accounts.len());
            }
        }
        prop_assert_eq!(&a, &membership(&posts, batches), "batching changed membership");
        prop_assert_eq!(&a, &membership(&shuffled, batches), "order changed membership");
    }

    #[test]
    fn any_posts_never_panic(
        rows in prop::collection::vec(
            (text(), text(), text(), prop::option::of(prop::collection::vec(any::<String>(), 0..4)),
             prop::option::of(prop::collection::vec(text().prop_map(Option::unwrap_or_default), 0..4)),
             date()),
            0..24),
    ) {
        let posts: Vec<Post> = rows
            .into_iter()
            .map(|(id, acc, text, hashtags, urls, created)| Post {
                post_id: id,
                account_key: acc.map(|a| a.chars().take(3).collect()),
                text,
                hashtags,
                urls,
                account_created_at: created,
                ..Post::default()
            })
            .collect();
        let mut c = Clusterer::default();
        for batch in posts.chunks(5) {
            c.add(batch);
        }
        for s in c.snapshot() {
            prop_assert!(s.cluster_id.is_some() && s.cluster_size as usize >= MIN_ACCOUNTS);
        }
    }
}

/// The case proptest found: an observation time of `i64::MIN` overflowed the account's age
/// (`now - created`). `score` now clamps `now`; kept as a plain regression test.
#[test]
fn absurd_observation_time_regression() {
    let a = Account {
        created_at: Some("1970-01-01T00:00:01Z".into()),
        followers_count: Some(1),
        statuses_count: Some(1),
        ..Account::default()
    };
    for now in [i64::MIN, -1, i64::MAX] {
        let v = score(&a, now);
        assert!(
            v.score.is_some_and(|s| (0.0..=1.0).contains(&s)),
            "{now}: {v:?}"
        );
    }
}
