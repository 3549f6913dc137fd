//! Native clustering speed: `cargo bench --bench coord [-- --sample adversarial|realistic]
//! [--profile one|batches [--changes]]`.
//!
//! Two samples of 2,000 posts, each the same as in the wasm bench (`tests/bench/wasm-node.mjs`,
//! the same generators in f64 arithmetic):
//! - *adversarial*: 1,400 random sentences from a 200-word vocabulary and campaigns of
//!   near-identical posts. The small vocabulary makes unrelated texts share many 5-grams, so
//!   about 9 % of all pairs become LSH candidates: the worst case for the index.
//! - *realistic*: a reply thread of mostly ordinary replies from a skewed 5,000-word
//!   vocabulary, 10 % short replies ("Thank you!"), and 8 planted campaigns (5 % of posts) with
//!   the usual edits (case and `!!!`, a swapped word, an emoji, a mention), two hashtags and a
//!   shared link.
//!
//! Per sample: one `Clusterer::add` of all posts, then 20 batches of 100 through one clusterer
//! (the cost of each batch is printed); best of 5 by this thread's CPU time (Linux
//! `schedstat`), which a busy shared machine disturbs much less than the wall clock. Also
//! printed: the work counters and checksums of the final snapshot and of every update, so a
//! change that must not alter results can be checked. `--profile` runs only one of the two
//! passes, 3 times, without checksums (for `valgrind --tool=callgrind`).

use botlens::coord::{minhash, normalize, Clusterer, Post, SHINGLING};
use std::hash::{Hash, Hasher};
use std::time::Instant;

const WORDS: &str = "the a of to in and is it for on that this with was as at be by not are from or have an they which one you were all we her she there would their will when who him been has more if no out do so can what up said about into than them only other new some could time these two may then first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three";

fn cpu_ns() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// The wasm bench's linear congruential generator (f64 arithmetic, as in JS).
fn lcg(seed: f64) -> impl FnMut() -> f64 {
    let mut seed = seed;
    move || {
        seed = (seed * 1_103_515_245.0 + 12345.0) % 2_147_483_648.0;
        seed / 2_147_483_648.0
    }
}

fn post(i: usize, text: String) -> Post {
    Post {
        post_id: Some((1_800_000_000_000_000_000u64 + i as u64).to_string()),
        account_key: Some(format!("x:{}", 9_000_000 + i)),
        text: Some(text),
        ..Post::default()
    }
}

/// `samplePosts` of tests/bench/wasm-node.mjs.
fn adversarial(n: usize) -> Vec<Post> {
    let words: Vec<&str> = WORDS.split(' ').collect();
    let mut rnd = lcg(7.0);
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
            post(i, text)
        })
        .collect()
}

const LETTERS: &[u8; 26] = b"etaoinshrdlcumwfgypbvkjxqz";
const SHORT: [&str; 6] = [
    "Thank you!",
    "lol",
    "This.",
    "So true!!",
    "💯",
    "Exactly this.",
];

/// Mulberry32: 32-bit integer steps, so JS (`Math.imul`, `>>> 0`) gives the same numbers.
fn mulberry32(seed: u32) -> impl FnMut() -> f64 {
    let mut a = seed;
    move || {
        a = a.wrapping_add(0x6d2b_79f5);
        let mut t = a;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        f64::from(t ^ (t >> 14)) / 4_294_967_296.0
    }
}

/// `realisticPosts` of tests/bench/wasm-node.mjs.
fn realistic(n: usize) -> Vec<Post> {
    // Words of 2-9 letters, letters drawn with an English-like skew.
    let mut letters = mulberry32(3);
    let vocab: Vec<String> = (0..5000)
        .map(|_| {
            let len = 2 + (letters() * 8.0).floor() as usize;
            (0..len)
                .map(|_| {
                    let r = letters();
                    LETTERS[(26.0 * r * r).floor() as usize] as char
                })
                .collect()
        })
        .collect();
    let mut rnd = mulberry32(11);
    let mut reply = |k: usize| {
        let mut s = (0..k)
            .map(|_| {
                let r = rnd();
                vocab[(5000.0 * r * r).floor() as usize].as_str()
            })
            .collect::<Vec<_>>()
            .join(" ");
        s.push_str([".", "!", "?"][k % 3]);
        s
    };
    let campaigns: Vec<String> = (0..8)
        .map(|c| {
            format!(
                "{} #{} #{} https://news{c}.example/story/{}",
                reply(16 + c),
                vocab[c * 3],
                vocab[c * 5 + 1],
                c * 17
            )
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let text = if i % 20 == 7 {
            let c = (i / 20) % 8;
            let base = &campaigns[c];
            match (i / 160) % 4 {
                0 => base.clone(),
                1 => format!("{}!!!", base.to_uppercase()),
                2 => base.replacen(' ', " really ", 1),
                _ => format!("@someone {base} 🔥"),
            }
        } else if i % 10 == 3 {
            SHORT[(i / 10) % SHORT.len()].to_owned()
        } else {
            reply(5 + (i * 7) % 30)
        };
        out.push(post(i, text));
    }
    out
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

fn checksum<T: std::fmt::Debug>(v: &T) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    format!("{v:?}").hash(&mut h);
    h.finish()
}

fn bench(name: &str, posts: &[Post]) {
    let mut best_one = f64::MAX;
    let mut best_inc = f64::MAX;
    let mut best_batches = vec![f64::MAX; posts.len().div_ceil(100)];
    let mut best_compact = best_batches.clone();
    let mut summary = String::new();
    for _ in 0..5 {
        let (ms, (marked, stats, mut c)) = timed(|| {
            let mut c = Clusterer::default();
            let out = c.add(posts);
            (out.len(), c.stats, c)
        });
        best_one = best_one.min(ms);
        let snap_one = checksum(&c.snapshot());
        let mut c = Clusterer::default();
        let mut total = 0.0;
        let mut sum = std::collections::hash_map::DefaultHasher::new();
        let mut updates = 0;
        for (k, batch) in posts.chunks(100).enumerate() {
            let wall = Instant::now();
            let (ms, out) = timed(|| c.add(batch));
            total += ms;
            // Per batch the wall clock: the CPU clock ticks too coarsely for a millisecond.
            best_batches[k] = best_batches[k].min(wall.elapsed().as_secs_f64() * 1e3);
            updates += out.len();
            format!("{out:?}").hash(&mut sum);
        }
        best_inc = best_inc.min(total);
        let snap_many = checksum(&c.snapshot());
        // The group-table changes the wasm sends (Clusterer::add_changes): the same batches.
        let mut c = Clusterer::default();
        let mut compact_updates = 0;
        for (k, batch) in posts.chunks(100).enumerate() {
            let wall = Instant::now();
            compact_updates += c.add_changes(batch).posts.len();
            best_compact[k] = best_compact[k].min(wall.elapsed().as_secs_f64() * 1e3);
        }
        summary = format!(
            "{marked} posts marked, {stats:?}; snapshot checksum {snap_one:016x} (one batch), \
             {snap_many:016x} (20 batches); incremental: {updates} updates, checksum {:016x}; \
             group-table changes: {compact_updates} posts listed",
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
    let batches: Vec<String> = best_batches.iter().map(|b| format!("{b:.2}")).collect();
    println!("## {name}: {} posts", posts.len());
    println!("normalising, shingling and signatures alone: {best_prep:.1} ms");
    println!(
        "CPU time, best of 5: one batch {best_one:.1} ms; 20 batches of 100 {best_inc:.1} ms in total"
    );
    println!(
        "each batch of 100 (best of 5, wall clock), ms: {}",
        batches.join(" ")
    );
    let compact: Vec<String> = best_compact.iter().map(|b| format!("{b:.2}")).collect();
    println!(
        "the same as group-table changes (add_changes), ms: {} (total {:.1})",
        compact.join(" "),
        best_compact.iter().sum::<f64>()
    );
    println!("{summary}\n");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |k: &str| {
        args.iter()
            .position(|a| a == k)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let samples: Vec<(&str, Vec<Post>)> = vec![
        ("adversarial", adversarial(2000)),
        ("realistic", realistic(2000)),
    ];
    let only = arg("--sample");
    let samples = samples
        .into_iter()
        .filter(|(name, _)| only.as_deref().map_or(true, |o| o == *name));
    if let Some(mode) = arg("--profile") {
        for (_, posts) in samples {
            let changes = args.iter().any(|a| a == "--changes");
            for _ in 0..3 {
                let mut c = Clusterer::default();
                let step = if mode == "batches" { 100 } else { posts.len() };
                for batch in posts.chunks(step) {
                    if changes {
                        std::hint::black_box(c.add_changes(batch));
                    } else {
                        std::hint::black_box(c.add(batch));
                    }
                }
            }
        }
        return;
    }
    for (name, posts) in samples {
        bench(name, &posts);
    }
}
