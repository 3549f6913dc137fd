//! Native clustering speed: `cargo bench --bench coord`.
//!
//! The same 2,000 posts as the wasm bench (`samplePosts` of `tests/bench/wasm-node.mjs`, the
//! same generator in f64 arithmetic): 1,400 random sentences from a 200-word vocabulary and
//! 30 campaigns of 20 near-identical posts. One `Clusterer::add` of all posts, then 20 batches
//! of 100 through one clusterer; best of 5 by this thread's CPU time (Linux `schedstat`), which
//! a busy shared machine disturbs much less than the wall clock. Also prints a checksum of
//! every update, so a change that must not alter results can be checked.

use botlens::coord::{minhash, normalize, Clusterer, Post, SHINGLING};
use std::hash::{Hash, Hasher};
use std::time::Instant;

const WORDS: &str = "the a of to in and is it for on that this with was as at be by not are from or have an they which one you were all we her she there would their will when who him been has more if no out do so can what up said about into than them only other new some could time these two may then first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three";

fn cpu_ns() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn sample_posts(n: usize) -> Vec<Post> {
    let words: Vec<&str> = WORDS.split(' ').collect();
    let mut seed = 7.0f64;
    let mut rnd = move || {
        seed = (seed * 1_103_515_245.0 + 12345.0) % 2_147_483_648.0;
        seed / 2_147_483_648.0
    };
    let mut sentence = |k: usize| {
        (0..k)
            .map(|_| words[(rnd() * words.len() as f64).floor() as usize])
            .collect::<Vec<_>>()
            .join(" ")
    };
    let campaigns: Vec<String> = (0..30)
        .map(|c| format!("{} #tag{c} #other{}", sentence(14), c % 7))
        .collect();
    (0..n)
        .map(|i| {
            let text = if i % 10 < 3 {
                format!("{}{}", campaigns[i % 30], if i % 3 == 0 { "!" } else { "" })
            } else {
                sentence(8 + (i % 20))
            };
            Post {
                post_id: Some((1_800_000_000_000_000_000u64 + i as u64).to_string()),
                account_key: Some(format!("x:{}", 9_000_000 + i)),
                text: Some(text),
                ..Post::default()
            }
        })
        .collect()
}

fn timed<T>(run: impl FnOnce() -> T) -> (f64, T) {
    let (wall, cpu) = (Instant::now(), cpu_ns());
    let out = run();
    let ms = match cpu.zip(cpu_ns()) {
        Some((a, b)) => (b - a) / 1e6,
        None => wall.elapsed().as_secs_f64() * 1e3,
    };
    (ms, out)
}

fn main() {
    let posts = sample_posts(2000);
    let mut best_one = f64::MAX;
    let mut best_inc = f64::MAX;
    let mut best_batch = f64::MAX;
    let mut worst_batch = 0.0f64;
    let mut summary = String::new();
    for _ in 0..5 {
        let (ms, (marked, stats)) = timed(|| {
            let mut c = Clusterer::default();
            let out = c.add(&posts);
            (out.len(), c.stats)
        });
        best_one = best_one.min(ms);
        summary = format!("{marked} posts marked, {stats:?}");
        let mut c = Clusterer::default();
        let mut total = 0.0;
        let mut sum = std::collections::hash_map::DefaultHasher::new();
        let mut updates = 0;
        for batch in posts.chunks(100) {
            let (ms, out) = timed(|| c.add(batch));
            total += ms;
            best_batch = best_batch.min(ms);
            worst_batch = worst_batch.max(ms);
            updates += out.len();
            format!("{out:?}").hash(&mut sum);
        }
        best_inc = best_inc.min(total);
        summary = format!(
            "{summary}; incremental: {updates} updates, checksum {:016x}",
            sum.finish()
        );
    }
    let mut best_prep = f64::MAX;
    for _ in 0..5 {
        let (ms, n) = timed(|| {
            posts
                .iter()
                .map(|p| {
                    let norm = normalize::normalize(p.text.as_deref().unwrap_or_default());
                    minhash::signature(&minhash::shingles(&norm, SHINGLING))[0] as usize
                })
                .sum::<usize>()
        });
        std::hint::black_box(n);
        best_prep = best_prep.min(ms);
    }
    println!("normalising, shingling and signatures of the 2,000 posts: {best_prep:.1} ms");
    println!("2,000 posts, CPU time, best of 5: one batch {best_one:.1} ms; 20 batches of 100 {best_inc:.1} ms in total (single batch {best_batch:.2}-{worst_batch:.2} ms)");
    println!("{summary}");
}
