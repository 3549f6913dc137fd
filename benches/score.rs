//! Native scoring throughput: `cargo bench --bench score`.
//!
//! A plain timing loop (`harness = false`) rather than criterion, so `cargo test` and clippy
//! in CI do not build criterion's dependency tree for one number. It scores the real-account
//! test cases over and over through the public `score()` (features, forest, calibration,
//! attribution and reasons) and prints accounts per second, by the wall clock and (on Linux)
//! by this thread's own CPU time, which a busy shared machine disturbs much less.

use botlens::{score, Account};
use std::hint::black_box;
use std::time::Instant;

/// Nanoseconds this thread has run on a CPU (Linux `schedstat`), if available.
fn cpu_ns() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn report(what: &str, n: usize, run: impl FnOnce()) {
    let (wall, cpu) = (Instant::now(), cpu_ns());
    run();
    let secs = wall.elapsed().as_secs_f64();
    let cpu = cpu.zip(cpu_ns()).map(|(a, b)| (b - a) / 1e9);
    let n = n as f64;
    match cpu {
        Some(c) => println!(
            "{what}: {:.0} accounts/s wall, {:.0} accounts/s of CPU time ({:.2} µs each)",
            n / secs,
            n / c,
            c / n * 1e6
        ),
        None => println!("{what}: {:.0} accounts/s wall", n / secs),
    }
}

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
    // BOTLENS_BENCH_ROUNDS: fewer rounds for instruction counts under callgrind;
    // BOTLENS_BENCH_ONLY=score|predict: one of the two loops.
    let rounds: usize = std::env::var("BOTLENS_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20_000);
    let only = std::env::var("BOTLENS_BENCH_ONLY").unwrap_or_default();
    for _ in 0..if only == "predict" { 0 } else { 3 } {
        report("score()", rounds * accounts.len(), || {
            for _ in 0..rounds {
                for a in &accounts {
                    black_box(score(black_box(a), now));
                }
            }
        });
    }
    // The model alone: forest walk with attribution + calibration.
    let feats: Vec<_> = accounts
        .iter()
        .map(|a| botlens::features::extract(a, now))
        .collect();
    for _ in 0..if only == "score" { 0 } else { 3 } {
        report("model::predict()", rounds * feats.len(), || {
            for _ in 0..rounds {
                for f in &feats {
                    black_box(botlens::model::predict(black_box(f)));
                }
            }
        });
    }
}
