//! Native scoring throughput: `cargo bench --bench score`.
//!
//! A plain timing loop (`harness = false`) rather than criterion, so `cargo test` and clippy
//! in CI do not build criterion's dependency tree for one number. It scores the real-account
//! test cases over and over through the public `score()` (features, forest, calibration,
//! attribution and reasons) and prints accounts per second.

use botlens::{score, Account};
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let accounts: Vec<Account> = include_str!("../tests/model/cases.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert!(!accounts.is_empty());
    let now = 1_750_000_000;
    // Warm up (parses the artifact once).
    for a in &accounts {
        black_box(score(a, now));
    }
    for _ in 0..3 {
        let rounds = 20_000;
        let start = Instant::now();
        for _ in 0..rounds {
            for a in &accounts {
                black_box(score(black_box(a), now));
            }
        }
        let secs = start.elapsed().as_secs_f64();
        let n = (rounds * accounts.len()) as f64;
        println!(
            "score(): {:.0} accounts/s ({:.2} µs each, {} accounts x {rounds})",
            n / secs,
            secs / n * 1e6,
            accounts.len()
        );
    }
    // The model alone: features + forest walk with attribution + calibration.
    let feats: Vec<_> = accounts
        .iter()
        .map(|a| botlens::features::extract(a, now))
        .collect();
    let rounds = 40_000;
    let start = Instant::now();
    for _ in 0..rounds {
        for f in &feats {
            black_box(botlens::model::predict(black_box(f)));
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "model::predict(): {:.0} accounts/s",
        (rounds * feats.len()) as f64 / secs
    );
}
