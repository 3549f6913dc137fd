//! The wasm boundary's JSON (`botlens::json`, what `src/wasm.rs` calls): its lenient reader
//! gives the same accounts and posts as the serde `Deserialize` impls the CLI and the tests
//! use, and its writer the same values serde would, read back exactly.

use botlens::coord::{Clusterer, Post};
use botlens::{json, score, Account};
use serde_json::{json as j, Value};

const CASES: &str = include_str!("model/cases.jsonl");
const NOW_MS: f64 = 1_750_000_000_000.0;

/// Equal as JSON values, numbers compared as `f64` (serde_json keeps integers apart). Its
/// float parser (without `float_roundtrip`) may be one unit in the last place off, so the
/// comparison allows that; exactness is `json::tests::numbers_read_back_exactly`, with std's
/// correctly rounding parser.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x == y || (x - y).abs() <= x.abs().max(y.abs()) * 3e-16,
            _ => false,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, vx), (ky, vy))| kx == ky && same(vx, vy))
        }
        _ => a == b,
    }
}

/// What the boundary answers for `accounts`, and what serde + `score` give for them.
fn both_ways(accounts: &[Value]) -> (Value, Value) {
    let text = j!({"now_ms": NOW_MS, "accounts": accounts}).to_string();
    let ours: Value = serde_json::from_str(&json::score_batch(&text, 0.0)).expect("valid JSON");
    let theirs: Vec<Value> = accounts
        .iter()
        .map(|v| {
            let a: Account = serde_json::from_value(v.clone()).unwrap_or_default();
            serde_json::to_value(score(&a, (NOW_MS / 1000.0) as i64)).expect("serializes")
        })
        .collect();
    (ours, Value::Array(theirs))
}

#[test]
fn verdicts_equal_serde_on_the_real_cases() {
    let accounts: Vec<Value> = CASES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("case is JSON"))
        .collect();
    let (ours, theirs) = both_ways(&accounts);
    assert!(same(&ours, &theirs), "{ours}\n{theirs}");
    // The same through `Account::read` from the text itself, field order and all.
    assert_eq!(ours.as_array().map(Vec::len), Some(accounts.len()));
}

#[test]
fn lenient_fields_read_as_serde_reads_them() {
    let accounts = vec![
        j!({}),
        j!(null),
        j!(7),
        j!("text"),
        j!([1, 2]),
        j!({"screen_name": 12, "followers_count": "x", "friends_count": -1,
            "statuses_count": [1], "verified": "maybe", "name": {"a": [1, {"b": "}"}]},
            "default_profile_image": 1, "favourites_count": "42", "created_at": "2020-01-01"}),
        j!({"screen_name": "a\"b\\c\u{1}é😀", "name": "\u{202E}x", "description": "",
            "followers_count": 12.7, "statuses_count": 1.5e3, "friends_count": 1e300,
            "favourites_count": -0.5, "listed_count": 9_007_199_254_740_991i64,
            "created_at": "2013-12-14T04:35:55Z", "location": null, "url": true,
            "automated": "TRUE", "protected": 0, "has_banner": false, "extra": {"deep": [[[]]]}}),
        j!({"followers_count": 9_007_199_254_740_991i64, "statuses_count": 3,
            "screen_name": "x".repeat(3000), "platform": "mastodon", "id": -5}),
        j!({"followers_count": 10, "statuses_count": 0.000001, "created_at": 1_386_995_755,
            "platform": "bluesky", "key": 3.5}),
    ];
    let (ours, theirs) = both_ways(&accounts);
    assert!(same(&ours, &theirs), "{ours}\n{theirs}");
}

/// Integers beyond JS's safe range read as JS read them (not exact: not a count), where
/// serde_json natively keeps every i64.
#[test]
fn unsafe_integers_are_not_counts() {
    let text = j!({"accounts": [{"followers_count": 9_007_199_254_740_992i64,
        "statuses_count": 3, "id": 9_007_199_254_740_993i64}]})
    .to_string();
    let v: Value = serde_json::from_str(&json::score_batch(&text, NOW_MS)).expect("JSON");
    let facts = v[0]["facts"].as_array().expect("facts");
    assert!(facts.iter().all(|f| f["code"] != "followers"), "{v}");
}

#[test]
fn batches_that_are_not_batches_give_no_verdicts() {
    for text in [
        "",
        "null",
        "[]",
        "{}",
        "{\"accounts\": 5}",
        "{\"accounts\": [",
        "]]]}",
        "{\"a\":",
    ] {
        let out = json::score_batch(text, NOW_MS);
        let v: Value = serde_json::from_str(&out).expect("valid JSON");
        assert!(v.as_array().is_some_and(|a| a.len() <= 1), "{text}: {out}");
    }
    // Truncated or broken text never panics and never loops.
    let full = j!({"now_ms": NOW_MS, "accounts": [{"screen_name": "a\\u00e9\"", "followers_count": 3}, [1, {"x": "]"}], "z"]}).to_string();
    for cut in 0..full.len() {
        if let Some(t) = full.get(..cut) {
            let _ = json::score_batch(t, NOW_MS);
            let _ = json::posts(t);
        }
    }
    for text in [
        "[:]",
        "[}",
        "{\"a\" 1}",
        "[\"\\",
        "[\"\\u12",
        "[1,,]",
        "{\"accounts\":[{]}",
    ] {
        let _ = json::score_batch(text, NOW_MS);
        let _ = json::posts(text);
    }
}

#[test]
fn now_comes_from_the_batch_or_the_default() {
    let acc = j!({"created_at": "2020-01-01T00:00:00Z", "followers_count": 5, "statuses_count": 5});
    let age = |text: String, default: f64| -> f64 {
        let v: Value = serde_json::from_str(&json::score_batch(&text, default)).expect("JSON");
        v[0]["facts"][0]["value"].as_f64().expect("age fact")
    };
    let day = 86_400_000.0;
    let jan1 = 1_577_836_800_000.0;
    assert_eq!(
        age(
            j!({"now_ms": jan1 + 10.0 * day, "accounts": [acc]}).to_string(),
            0.0
        ),
        10.0
    );
    assert_eq!(
        age(
            j!({"now_ms": null, "accounts": [acc]}).to_string(),
            jan1 + 3.0 * day
        ),
        3.0
    );
    assert_eq!(
        age(
            format!(
                "{{\"now_ms\": {}.75, \"accounts\": [{acc}]}}",
                jan1 + 4.0 * day
            ),
            0.0
        ),
        4.0
    );
}

fn posts_by_serde(list: &[Value]) -> Vec<Post> {
    list.iter()
        .filter_map(|v| serde_json::from_value(v.clone()).ok())
        .collect()
}

#[test]
fn posts_read_as_serde_reads_them() {
    let list = vec![
        j!({"post_id": 123, "account_key": {"a": 1}, "text": 5, "hashtags": "x",
            "urls": ["https://a.example/x", 3, null, ["nested"]], "account_created_at": true,
            "extra": [1, 2]}),
        j!({"post_id": "p2", "account_key": "x:1", "text": "é".repeat(2500),
            "hashtags": (0..100).map(|i| format!("t{i}")).collect::<Vec<_>>(),
            "created_at": "2026-01-01T00:00:00Z", "urls": ["u".repeat(900), ""]}),
        j!({"post_id": "  ", "account_key": 7.5, "text": ""}),
        j!({}),
    ];
    let ours = json::posts(&Value::Array(list.clone()).to_string());
    assert_eq!(ours, posts_by_serde(&list));
    let ours = json::posts(&j!({"posts": list}).to_string());
    assert_eq!(ours, posts_by_serde(&list));
    // Not objects: skipped (serde would read an array as a positional struct; JS never sends one).
    assert!(json::posts("[1, \"a\", null]").is_empty());
    assert!(json::posts("{\"posts\": 3}").is_empty());
    assert!(json::posts("42").is_empty());
}

#[test]
fn coordination_json_equals_serde() {
    let copy = "Vote early: the polls close at 8 tonight, bring your neighbours along!";
    let mut posts: Vec<Post> = Vec::new();
    for (i, id) in ["q\"1", "q\\2", "q\n3", "q\u{1}4", "q€5"]
        .iter()
        .enumerate()
    {
        posts.push(Post {
            post_id: Some((*id).to_owned()),
            account_key: Some(format!("acc{i}")),
            text: Some(format!("{copy} #a #b https://example.org/x")),
            account_created_at: Some("2016-03-01T00:00:00Z".into()),
            ..Post::default()
        });
    }
    // The group-table form the wasm sends (post ids that need escaping, every kind of reason).
    let mut c = Clusterer::default();
    let mut changes = c.add_changes(&posts);
    assert!(changes.groups.len() >= 3 && changes.posts.len() == posts.len());
    assert!(changes.posts.iter().any(|p| p.groups.len() >= 3));
    changes.posts.push(botlens::coord::PostGroups {
        post_id: "cleared".into(),
        groups: Vec::new(),
    });
    let ours: Value = serde_json::from_str(&json::changes(&changes)).expect("valid JSON");
    let theirs = serde_json::to_value(&changes).expect("serializes");
    assert!(same(&ours, &theirs), "{ours}\n{theirs}");
    assert_eq!(
        json::changes(&Default::default()),
        "{\"groups\":[],\"posts\":[]}"
    );
}

#[test]
fn model_info_equals_serde() {
    let info = botlens::model_info();
    let ours: Value = serde_json::from_str(&json::model_info(&info)).expect("valid JSON");
    let theirs = serde_json::to_value(&info).expect("serializes");
    assert!(same(&ours, &theirs), "{ours}\n{theirs}");
    // Numbers read back exactly: a score written and read is the same f64.
    assert_eq!(
        ours["levels"][0]["threshold"].as_f64(),
        Some(info.levels[0].threshold)
    );
}
