//! JSON -> Account -> score: the input that crosses the wasm boundary in `score_batch`.
//!
//! The bytes are read as one JSON document. An array is a batch (each element deserialized
//! on its own, a failure becoming the default account, as `src/wasm.rs` does); anything else
//! is one account. Every verdict must hold its invariants (`common.rs`).
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
