//! JSON -> Account -> score: the input that crosses the wasm boundary in `score_batch`.
//!
//! The bytes go three ways. (1) As the batch text `src/wasm.rs` hands the core
//! (`botlens::json::score_batch`, its own lenient reader): nothing panics and the answer is
//! valid JSON with one verdict per account read. (2) Through serde_json as one account (the
//! CLI's path). (3) As one JSON document through serde_json: an array is a batch (each
//! element on its own, a failure becoming the default account); anything else is one
//! account. Every verdict must hold its invariants (`common.rs`).
#![no_main]

use botlens::account::MAX_TEXT_CHARS;
use botlens::Account;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fn check_strings(a: &Account) {
    for s in [
        &a.key,
        &a.platform,
        &a.id,
        &a.screen_name,
        &a.name,
        &a.description,
        &a.location,
        &a.url,
        &a.created_at,
        &a.collected_at,
    ]
    .into_iter()
    .flatten()
    {
        assert!(!s.is_empty() && s.chars().count() <= MAX_TEXT_CHARS);
    }
    for c in [
        a.followers_count,
        a.friends_count,
        a.statuses_count,
        a.favourites_count,
        a.listed_count,
    ]
    .into_iter()
    .flatten()
    {
        assert!(c >= 0, "negative count {c}");
    }
}

fn check(a: &Account) {
    check_strings(a);
    let v = common::score_checked(a, common::NOW);
    common::check_key_invariance(a, common::NOW, &v);
    // Datasets score at their snapshot time: whatever `collected_at` says, nothing panics.
    common::score_checked(a, botlens::observed_at(a, common::NOW));
}

fuzz_target!(|data: &[u8]| {
    // The wasm boundary: the bytes as the batch text (and wrapped as its account list).
    let text = String::from_utf8_lossy(data);
    for batch in [
        text.to_string(),
        format!("{{\"now_ms\":1767225600000,\"accounts\":{text}}}"),
    ] {
        let out = botlens::json::score_batch(&batch, 1_767_225_600_000.0);
        let verdicts: serde_json::Value = serde_json::from_str(&out).expect("valid JSON out");
        for v in verdicts.as_array().expect("an array of verdicts") {
            if let Some(s) = v["score"].as_f64() {
                assert!((0.0..=1.0).contains(&s), "score {s}");
            }
        }
    }
    // The streaming path (CLI, datasets): the lenient deserializer straight from bytes.
    if let Ok(a) = serde_json::from_slice::<Account>(data) {
        check(&a);
    }
    // The boundary path: a batch, element by element.
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    match value {
        serde_json::Value::Array(items) => {
            for item in items.into_iter().take(64) {
                let a: Account = serde_json::from_value(item).unwrap_or_default();
                check(&a);
            }
        }
        other => {
            let a: Account = serde_json::from_value(other).unwrap_or_default();
            check(&a);
        }
    }
});
