//! Criterion benchmarks of the core's hot paths (issue 3 and 7):
//! `cargo bench --features criterion --bench criterion`.
//!
//! Native scoring throughput through the public `score()` (features, forest, calibration,
//! attribution, reasons) and the model alone, over the real-account test cases; and the
//! coordination detector over 2,000 posts. `benches/score.rs` prints the same scoring figure
//! as accounts per second without criterion, for the quick table of `./build.sh bench`.

use botlens::coord::{Clusterer, Post};
use botlens::{score, Account};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

fn accounts() -> Vec<Account> {
    include_str!("../tests/model/cases.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn scoring(c: &mut Criterion) {
    let accounts = accounts();
    let now = 1_750_000_000;
    let mut g = c.benchmark_group("scoring");
    g.throughput(Throughput::Elements(accounts.len() as u64));
    g.bench_function("score", |b| {
        b.iter(|| {
            for a in &accounts {
                black_box(score(black_box(a), now));
            }
        })
    });
    let feats: Vec<_> = accounts
        .iter()
        .map(|a| botlens::features::extract(a, now))
        .collect();
    g.bench_function("model_predict", |b| {
        b.iter(|| {
            for f in &feats {
                black_box(botlens::model::predict(black_box(f)));
            }
        })
    });
    g.finish();
}

/// 2,000 posts: mostly distinct sentences, 30 campaigns of near-identical text.
fn posts() -> Vec<Post> {
    let words: Vec<&str> = "the a of to in and is it for on that this with was as at be by not are from or have an they which one you were all we her she there would their will when who him been has more if no out do so can what up said about into than them only other new some could time these two may then first any my now".split(' ').collect();
    let mut seed: u64 = 7;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let mut sentence = |k: usize| -> String {
        (0..k)
            .map(|_| words[next() % words.len()])
            .collect::<Vec<_>>()
            .join(" ")
    };
    let campaigns: Vec<String> = (0..30)
        .map(|c| format!("{} #tag{c}", sentence(14)))
        .collect();
    (0..2000)
        .map(|i| {
            let text = if i % 10 < 3 {
                campaigns[i % 30].clone()
            } else {
                sentence(8 + i % 20)
            };
            Post {
                post_id: Some(format!("p{i}")),
                account_key: Some(format!("x:{i}")),
                text: Some(text),
                ..Post::default()
            }
        })
        .collect()
}

fn clustering(c: &mut Criterion) {
    let posts = posts();
    let mut g = c.benchmark_group("coordination");
    g.throughput(Throughput::Elements(posts.len() as u64));
    g.sample_size(10);
    g.bench_function("cluster_2000_posts_one_batch", |b| {
        b.iter(|| {
            let mut c = Clusterer::default();
            black_box(c.add(black_box(&posts)));
        })
    });
    g.bench_function("cluster_2000_posts_20_batches", |b| {
        b.iter(|| {
            let mut c = Clusterer::default();
            for chunk in posts.chunks(100) {
                black_box(c.add(black_box(chunk)));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, scoring, clustering);
criterion_main!(benches);
