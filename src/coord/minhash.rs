//! Shingles, MinHash signatures and an incremental LSH banding index.
//!
//! Written here rather than taken from a crate: the MinHash/LSH crates we looked at either
//! pull in threads or `rand`/`getrandom` (which need a JS shim on `wasm32-unknown-unknown`),
//! or hash with randomly seeded hashers, so results would differ between runs and between the
//! native tests and the wasm. What we need is ~100 lines: a fixed-seed 64-bit hash
//! (FNV-1a then the SplitMix64 finaliser), one-permutation MinHash with densification, and a
//! band -> posts map that only grows.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Signature length (MinHash bins).
pub const PERMUTATIONS: usize = 64;
/// LSH bands of [`ROWS`] values (21 × 3 = 63 of the 64; the last value counts only in the
/// estimate). A pair of Jaccard similarity `s` becomes a candidate with probability
/// `1 - (1 - s³)^21`: 0.9999 at 0.7, 0.994 at 0.6, 0.94 at 0.5, 0.60 at 0.35, 0.02 at 0.1.
/// 32 bands of 2 rows (0.9999 at 0.5, but 0.27 at 0.1) made 5 times more candidates for the
/// same measured recall: near-duplicates sit far above 0.5, and a cluster needs each member
/// linked to one other member only (docs/COORDINATION.md, "LSH bands").
pub const BANDS: usize = 21;
pub const ROWS: usize = PERMUTATIONS / BANDS;

/// How a normalised text is cut into shingles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shingling {
    /// Overlapping character n-grams of the normalised text (spaces included).
    Chars(usize),
    /// Overlapping word n-grams.
    Words(usize),
}

/// The shingles of a normalised text as sorted, de-duplicated 64-bit hashes.
pub fn shingles(normalized: &str, how: Shingling) -> Vec<u64> {
    let mut out = Vec::new();
    shingle_hashes(normalized, how, &mut out);
    out.sort_unstable();
    out.dedup();
    out
}

/// The shingle hashes of a normalised text in text order, repeats kept, into `out` (cleared
/// first): what [`shingles`] sorts and de-duplicates. A MinHash signature needs neither, so
/// the clusterer sorts only the few texts it compares exactly.
pub fn shingle_hashes(normalized: &str, how: Shingling, out: &mut Vec<u64>) {
    out.clear();
    match how {
        Shingling::Chars(n) if n > 0 && normalized.is_ascii() => {
            // One byte per char: the windows are byte windows.
            let bytes = normalized.as_bytes();
            if bytes.len() <= n {
                if !bytes.is_empty() {
                    out.push(shingle_hash(bytes));
                }
            } else if n <= PACKED_MAX {
                rolling_packed(bytes, n, |h| out.push(h));
            } else {
                out.extend(bytes.windows(n).map(shingle_hash));
            }
        }
        Shingling::Chars(n) => {
            let starts: Vec<usize> = normalized.char_indices().map(|(i, _)| i).collect();
            if starts.len() <= n {
                if !normalized.is_empty() {
                    out.push(shingle_hash(normalized.as_bytes()));
                }
            } else {
                for w in 0..=starts.len() - n {
                    let end = starts.get(w + n).copied().unwrap_or(normalized.len());
                    out.push(shingle_hash(&normalized.as_bytes()[starts[w]..end]));
                }
            }
        }
        Shingling::Words(n) => {
            let words: Vec<&str> = normalized.split(' ').filter(|w| !w.is_empty()).collect();
            if words.len() <= n {
                if !words.is_empty() {
                    out.push(shingle_hash(words.join(" ").as_bytes()));
                }
            } else {
                for w in words.windows(n) {
                    out.push(shingle_hash(w.join(" ").as_bytes()));
                }
            }
        }
    }
}

/// The [`shingle_hash`] of every `n`-byte window of `bytes` (`n` at most [`PACKED_MAX`]), in
/// order: the window packed into a word, rolling one byte in and one out per step.
#[inline]
fn rolling_packed(bytes: &[u8], n: usize, mut each: impl FnMut(u64)) {
    let tag = (n as u64) << 56;
    let top = 8 * (n as u32 - 1);
    let mut w = 0u64;
    for (i, &b) in bytes.iter().enumerate() {
        w = (w >> 8) | (u64::from(b) << top);
        if i + 1 >= n {
            each(mix64(w | tag));
        }
    }
}

/// Shingles of at most this many bytes are hashed packed into one word.
const PACKED_MAX: usize = 7;

/// The hash of one shingle's bytes: up to [`PACKED_MAX`] bytes packed into a word with their
/// length in the top byte (one-to-one) through the SplitMix64 finaliser, longer ones by
/// [`hash_bytes`]. ASCII 5-grams, nearly every shingle, cost one finaliser each.
pub fn shingle_hash(bytes: &[u8]) -> u64 {
    if bytes.len() > PACKED_MAX {
        return hash_bytes(bytes);
    }
    let mut w = 0u64;
    for (k, &b) in bytes.iter().enumerate() {
        w |= u64::from(b) << (8 * k);
    }
    mix64(w | (bytes.len() as u64) << 56)
}

/// FNV-1a 64 over the bytes, then the SplitMix64 finaliser (FNV alone mixes its last bytes
/// poorly, and the permutations below need well-spread input).
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = FNV_OFFSET;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    mix64(h)
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// SplitMix64 finaliser.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A MinHash signature of [`PERMUTATIONS`] values.
pub type Signature = [u32; PERMUTATIONS];

/// One-permutation MinHash with rotation densification (Shrivastava & Li, ICML 2014):
/// each shingle's hash (already through a finaliser: [`shingle_hash`]) is used as it is: its
/// top 6 bits pick one of the 64 bins and the next 32 bits are its value; each bin keeps its minimum. An empty bin (short texts have fewer shingles
/// than bins) borrows the value of the next non-empty bin to its right, offset by the
/// distance, so two texts agree on it with about the same probability as on a real bin.
/// One hash per shingle instead of 64 keeps a signature at a few hundred nanoseconds.
pub fn signature(shingles: &[u64]) -> Signature {
    let mut mins = [EMPTY_BIN; PERMUTATIONS];
    for &h in shingles {
        add_to_bins(&mut mins, h);
    }
    densify(&mins)
}

/// The signature of a normalised text: [`signature`] of its [`shingle_hashes`], in one pass
/// for ASCII character shingles (the rolling hash goes straight into the bins).
pub fn text_signature(normalized: &str, how: Shingling, scratch: &mut Vec<u64>) -> Signature {
    let bytes = normalized.as_bytes();
    match how {
        Shingling::Chars(n) if n > 0 && n <= PACKED_MAX && bytes.len() > n && bytes.is_ascii() => {
            let mut mins = [EMPTY_BIN; PERMUTATIONS];
            rolling_packed(bytes, n, |h| add_to_bins(&mut mins, h));
            densify(&mins)
        }
        _ => {
            shingle_hashes(normalized, how, scratch);
            signature(scratch)
        }
    }
}

const EMPTY_BIN: u64 = u64::MAX;

#[inline]
fn add_to_bins(mins: &mut [u64; PERMUTATIONS], h: u64) {
    let bin = (h >> 58) as usize % PERMUTATIONS;
    let v = (h >> 26) & 0xffff_ffff;
    if v < mins[bin] {
        mins[bin] = v;
    }
}

/// The signature from the bins' minimums, empty bins filled by rotation (see [`signature`]).
fn densify(mins: &[u64; PERMUTATIONS]) -> Signature {
    let mut sig = [0u32; PERMUTATIONS];
    if mins.iter().all(|m| *m == EMPTY_BIN) {
        return sig;
    }
    for (j, out) in sig.iter_mut().enumerate() {
        let mut k = 0;
        let v = loop {
            let m = mins[(j + k) % PERMUTATIONS];
            if m != EMPTY_BIN {
                break m;
            }
            k += 1;
        };
        *out = (v as u32).wrapping_add((k as u32).wrapping_mul(0x9e37_79b9));
    }
    sig
}

/// The share of equal positions: an unbiased estimate of the Jaccard similarity.
pub fn estimate(a: &Signature, b: &Signature) -> f64 {
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / PERMUTATIONS as f64
}

/// Whether `estimate(a, b) >= min` (`min` = a number of equal positions out of
/// [`PERMUTATIONS`]), stopping as soon as the answer is known: most LSH candidates are far
/// below it.
pub fn estimate_at_least(a: &Signature, b: &Signature, min: usize) -> bool {
    let mut equal = 0;
    for (k, (x, y)) in a.chunks_exact(8).zip(b.chunks_exact(8)).enumerate() {
        equal += x.iter().zip(y).filter(|(x, y)| x == y).count();
        if equal >= min {
            return true;
        }
        if equal + PERMUTATIONS - 8 * (k + 1) < min {
            return false;
        }
    }
    equal >= min
}

/// A signature cut to the low byte of each value, 8 values per word: a prefilter for
/// [`estimate_at_least`]. Equal values have equal low bytes, so the packed count of equal
/// positions is never below the real one; unequal values agree on it with probability 1/256.
pub type Packed = [u64; PERMUTATIONS / 8];

/// The [`Packed`] form of a signature.
pub fn pack(sig: &Signature) -> Packed {
    let mut out = [0u64; PERMUTATIONS / 8];
    for (word, values) in out.iter_mut().zip(sig.chunks_exact(8)) {
        *word = values
            .iter()
            .rev()
            .fold(0u64, |w, v| (w << 8) | u64::from(*v & 0xff));
    }
    out
}

/// The number of equal bytes of two packed signatures: an upper bound of the number of
/// equal positions of the signatures they come from.
pub fn packed_equal(a: &Packed, b: &Packed) -> usize {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    a.iter()
        .zip(b)
        .map(|(x, y)| {
            let d = x ^ y;
            // The top bit of each byte of `t` is set when that byte of `d` is not zero (no
            // carry crosses a byte: at most 0x7f + 0x7f).
            let t = ((d & LOW7).wrapping_add(LOW7)) | d;
            (!t & !LOW7).count_ones() as usize
        })
        .sum()
}

/// Exact Jaccard similarity of two sorted, de-duplicated hash lists.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter as f64 / (a.len() + b.len() - inter) as f64
}

/// Exact Jaccard similarity of the sets of two lists of shingle hashes (in text order, repeats
/// kept: what [`shingle_hashes`] gives), through one small open-addressing table instead of
/// sorting both sets: the same value as [`jaccard`] of the sorted sets. Holds its table between
/// calls.
#[derive(Default)]
pub struct SetJaccard {
    keys: Vec<u64>,
    /// 0: empty slot; 1: in `a` only (so far); 2: in both; 3: in `b` only.
    tags: Vec<u8>,
}

impl SetJaccard {
    pub fn of(&mut self, a: &[u64], b: &[u64]) -> f64 {
        let size = ((a.len() + b.len()) * 2).next_power_of_two().max(16);
        self.keys.clear();
        self.keys.resize(size, 0);
        self.tags.clear();
        self.tags.resize(size, 0);
        let (mut only_a, mut only_b, mut both) = (0usize, 0usize, 0usize);
        for &h in a {
            let s = self.slot(h, size - 1);
            if self.tags[s] == 0 {
                self.keys[s] = h;
                self.tags[s] = 1;
                only_a += 1;
            }
        }
        for &h in b {
            let s = self.slot(h, size - 1);
            match self.tags[s] {
                0 => {
                    self.keys[s] = h;
                    self.tags[s] = 3;
                    only_b += 1;
                }
                1 => {
                    self.tags[s] = 2;
                    only_a -= 1;
                    both += 1;
                }
                _ => {}
            }
        }
        match only_a + only_b + both {
            0 => 0.0,
            union => both as f64 / union as f64,
        }
    }

    /// The slot of `h`: where it is, or the empty slot where it goes (the table is at most
    /// half full, so one is found; `mask` + 1 is the table's length).
    fn slot(&self, h: u64, mask: usize) -> usize {
        let mut s = h as usize & mask;
        while self.tags[s] != 0 && self.keys[s] != h {
            s = (s + 1) & mask;
        }
        s
    }
}

/// A hasher for keys that are already well-mixed 64-bit hashes.
#[derive(Default)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(*b) ^ (self.0 >> 56);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

pub type IdMap<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;

/// A fast fixed hasher for the clusterer's string keys (post ids, account keys, hashtag
/// sequences, links): eight bytes at a time through the SplitMix64 finaliser, several times
/// cheaper than SipHash on short keys. The keys come from the site's own data (server-assigned
/// ids), and a page holds at most [`super::MAX_POSTS`] posts.
#[derive(Default)]
pub struct StrHasher(u64);

impl Hasher for StrHasher {
    fn finish(&self) -> u64 {
        mix64(self.0)
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = mix64(self.0 ^ u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        self.0 = mix64(self.0 ^ u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = mix64(self.0 ^ u64::from(i) ^ 0xff00);
    }
}

/// A map with string keys hashed by [`StrHasher`].
pub type StrMap<V> = HashMap<String, V, BuildHasherDefault<StrHasher>>;

/// Items kept per LSH bucket. A bucket this full holds posts that share one band of their
/// signature with dozens of others: a flood of copies, found from the bucket's first items
/// and from the post's other 31 bands. Later items still look at the bucket, but are not
/// added to it, so a flood of N copies costs O(N) instead of O(N²). Measured on the
/// evaluation data (docs/COORDINATION.md): the cap changes no result there.
pub const MAX_BUCKET: u32 = 64;

/// One bucket: its band key and its newest entry (0: unused slot). 8 bytes, so the table of
/// a 2,000-post page (42,000 bands) fits in 512 KB, and an empty table is zeroed memory.
#[derive(Clone, Copy, Default)]
struct Slot {
    key: u32,
    head: u32,
}

/// The end of a bucket's chain, and an unused slot's head: entry 0 is a placeholder.
const END: u32 = 0;
const NONE: u32 = u32::MAX;

/// The LSH banding index: band key -> the items whose signature has that band. It only grows;
/// inserting an item returns the earlier items sharing at least one band with it.
///
/// An open-addressing table of buckets (linear probing, at most three quarters full) whose
/// items are chained through one flat list: no allocation per bucket (most hold one item).
/// Band keys are 32-bit hashes of the band's values: two different bands with one key share a
/// bucket, which only adds candidates (each is checked by its signature and its real Jaccard
/// similarity). At [`super::MAX_POSTS`] posts, about 130 such pairs are expected.
#[derive(Default)]
pub struct LshIndex {
    slots: Vec<Slot>,
    used: usize,
    /// Per entry: the item and the bucket's next (older) entry; entry 0 is a placeholder, so
    /// that 0 can mean "none".
    entries: Vec<(u32, u32)>,
    /// Per item, the last item whose candidates listed it (de-duplication without sorting
    /// every bucket's contents).
    seen: Vec<u32>,
    /// Items not added to a bucket because it was full ([`MAX_BUCKET`]).
    pub capped: usize,
}

impl LshIndex {
    /// Inserts `item` and returns its candidates (each once, in no particular order). Items
    /// must be inserted with increasing numbers.
    pub fn insert(&mut self, item: u32, sig: &Signature) -> Vec<u32> {
        let mut candidates = Vec::new();
        self.insert_into(item, sig, &mut candidates);
        candidates
    }

    /// [`LshIndex::insert`] into a reused buffer (cleared first).
    pub fn insert_into(&mut self, item: u32, sig: &Signature, candidates: &mut Vec<u32>) {
        candidates.clear();
        if self.seen.len() <= item as usize {
            self.seen.resize(item as usize + 1, NONE);
        }
        self.reserve(1);
        let mask = self.slots.len() - 1;
        for (band, rows) in sig.chunks_exact(ROWS).enumerate().take(BANDS) {
            let mut acc = (band as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            for r in rows {
                acc = (acc ^ u64::from(*r)).wrapping_mul(FNV_PRIME);
            }
            let key = (mix64(acc) >> 32) as u32;
            // `s` stays below the table's length (a power of two): no bounds failure.
            let mut s = key as usize & mask;
            while self.slots[s].head != END && self.slots[s].key != key {
                s = (s + 1) & mask;
            }
            let slot = self.slots[s];
            let mut len = 0;
            let mut e = slot.head;
            while e != END {
                let Some(&(other, next)) = self.entries.get(e as usize) else {
                    break;
                };
                len += 1;
                if let Some(mark) = self.seen.get_mut(other as usize) {
                    if *mark != item {
                        *mark = item;
                        candidates.push(other);
                    }
                }
                e = next;
            }
            if slot.head == END {
                self.used += 1;
            }
            if len < MAX_BUCKET {
                if self.entries.is_empty() {
                    self.entries.push((NONE, END));
                }
                self.entries.push((item, slot.head));
                self.slots[s] = Slot {
                    key,
                    head: (self.entries.len() - 1) as u32,
                };
            } else {
                self.capped += 1;
            }
        }
    }

    /// Makes room for `items` more items (their bands) at once: one table for a whole batch
    /// instead of doubling it step by step.
    pub fn reserve(&mut self, items: usize) {
        let need = (self.used + items.saturating_mul(BANDS)).saturating_mul(4) / 3;
        if need <= self.slots.len() {
            return;
        }
        let size = need.checked_next_power_of_two().unwrap_or(need).max(1024);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        let mask = size - 1;
        for slot in old.into_iter().filter(|s| s.head != END) {
            let mut s = slot.key as usize & mask;
            while self.slots[s].head != END {
                s = (s + 1) & mask;
            }
            self.slots[s] = slot;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_and_word_shingles() {
        assert_eq!(shingles("abcdef", Shingling::Chars(5)).len(), 2);
        let mut unrolled = Vec::new();
        shingle_hashes("hello world again", Shingling::Chars(5), &mut unrolled);
        let general: Vec<u64> = b"hello world again".windows(5).map(shingle_hash).collect();
        assert_eq!(unrolled, general);
        // The ASCII and the general path agree on the same shingles.
        let mut accented = Vec::new();
        shingle_hashes("hello world é", Shingling::Chars(5), &mut accented);
        assert_eq!(accented[..8], unrolled[..8]);
        assert_ne!(shingle_hash(b"ab"), shingle_hash(b"ab\0"));
        assert_eq!(shingles("abc", Shingling::Chars(5)).len(), 1);
        assert_eq!(shingles("", Shingling::Chars(5)).len(), 0);
        assert_eq!(shingles("a b c d", Shingling::Words(3)).len(), 2);
        assert_eq!(shingles("é è ê ë ē", Shingling::Chars(3)).len(), 7);
    }

    #[test]
    fn signature_estimates_jaccard() {
        // Two sets of 200 hashes sharing 100: true Jaccard 1/3.
        let a: Vec<u64> = (0..200).map(mix64).collect();
        let b: Vec<u64> = (100..300).map(mix64).collect();
        let (mut a, mut b) = (a, b);
        a.sort_unstable();
        b.sort_unstable();
        let exact = jaccard(&a, &b);
        assert!((exact - 1.0 / 3.0).abs() < 1e-9);
        let est = estimate(&signature(&a), &signature(&b));
        assert!((est - exact).abs() < 0.15, "estimate {est} vs {exact}");
        assert_eq!(estimate(&signature(&a), &signature(&a)), 1.0);
        let (sa, sb) = (signature(&a), signature(&b));
        let equal = (est * PERMUTATIONS as f64).round() as usize;
        for min in 0..=PERMUTATIONS + 1 {
            assert_eq!(estimate_at_least(&sa, &sb, min), equal >= min, "min {min}");
        }
    }

    #[test]
    fn text_signature_is_the_signature_of_the_shingles() {
        let mut scratch = Vec::new();
        for text in [
            "hello world again and again",
            "abc",
            "",
            "héllo wörld again",
            "abcdefgh",
        ] {
            for how in [
                Shingling::Chars(5),
                Shingling::Chars(8),
                Shingling::Words(2),
            ] {
                let mut hashes = Vec::new();
                shingle_hashes(text, how, &mut hashes);
                assert_eq!(
                    text_signature(text, how, &mut scratch),
                    signature(&hashes),
                    "{text:?} {how:?}"
                );
            }
        }
    }

    #[test]
    fn set_jaccard_equals_sorted_jaccard() {
        let mut t = SetJaccard::default();
        let a: Vec<u64> = (0..200).chain(0..50).map(mix64).collect();
        let b: Vec<u64> = (100..300).chain(150..160).map(mix64).collect();
        let (mut sa, mut sb) = (a.clone(), b.clone());
        for v in [&mut sa, &mut sb] {
            v.sort_unstable();
            v.dedup();
        }
        assert_eq!(t.of(&a, &b), jaccard(&sa, &sb));
        assert_eq!(t.of(&b, &a), jaccard(&sa, &sb));
        assert_eq!(t.of(&a, &a), 1.0);
        assert_eq!(t.of(&[], &[]), 0.0);
        assert_eq!(t.of(&a, &[]), 0.0);
        let mut short = Vec::new();
        shingle_hashes("the same words here", Shingling::Chars(5), &mut short);
        assert_eq!(t.of(&short, &short), 1.0);
    }

    #[test]
    fn packed_equal_bounds_equal_positions() {
        let a: Vec<u64> = (0..200).map(mix64).collect();
        let b: Vec<u64> = (150..400).map(mix64).collect();
        let (sa, sb) = (signature(&a), signature(&b));
        let equal = sa.iter().zip(&sb).filter(|(x, y)| x == y).count();
        let low = sa
            .iter()
            .zip(&sb)
            .filter(|(x, y)| *x & 0xff == *y & 0xff)
            .count();
        assert_eq!(packed_equal(&pack(&sa), &pack(&sb)), low);
        assert!(low >= equal);
        assert_eq!(packed_equal(&pack(&sa), &pack(&sa)), PERMUTATIONS);
    }

    #[test]
    fn index_finds_every_item_sharing_a_band_through_growth() {
        // 3,000 items with signatures drawn from a few values per position, so many share
        // bands; the table grows several times. Candidates must be exactly the earlier items
        // sharing at least one band (no bucket reaches the cap here).
        let mut rng = 0x1234_5678_u64;
        let mut next = || {
            rng = mix64(rng.wrapping_add(0x9e37_79b9_7f4a_7c15));
            rng
        };
        let sigs: Vec<Signature> = (0..3000)
            .map(|_| {
                let mut s = [0u32; PERMUTATIONS];
                for v in s.iter_mut() {
                    *v = (next() % 12) as u32;
                }
                s
            })
            .collect();
        let mut idx = LshIndex::default();
        for (i, sig) in sigs.iter().enumerate() {
            if i % 500 == 0 {
                idx.reserve(7);
            }
            let mut got = idx.insert(i as u32, sig);
            got.sort_unstable();
            let want: Vec<u32> = (0..i)
                .filter(|&j| {
                    (0..BANDS)
                        .any(|b| sigs[j][b * ROWS..(b + 1) * ROWS] == sig[b * ROWS..(b + 1) * ROWS])
                })
                .map(|j| j as u32)
                .collect();
            assert_eq!(idx.capped, 0);
            assert_eq!(got, want, "item {i}");
        }
        assert!(idx.slots.len() > 1024, "the table grew");
    }

    #[test]
    fn set_jaccard_with_colliding_slots_and_zero() {
        // Values that share their low bits (the same home slot) and 0, repeated.
        let mut t = SetJaccard::default();
        let a: Vec<u64> = [0u64, 1 << 40, 2 << 40, 3 << 40, 0, 7].to_vec();
        let b: Vec<u64> = [1 << 40, 0, 5 << 40, 7, 7, 9 << 40].to_vec();
        let sorted = |v: &[u64]| {
            let mut v = v.to_vec();
            v.sort_unstable();
            v.dedup();
            v
        };
        assert_eq!(t.of(&a, &b), jaccard(&sorted(&a), &sorted(&b)));
        assert_eq!(t.of(&a, &b), 3.0 / 7.0);
    }

    #[test]
    fn full_buckets_stop_growing() {
        let a: Vec<u64> = (0..50).map(mix64).collect();
        let sig = signature(&a);
        let mut idx = LshIndex::default();
        for i in 0..MAX_BUCKET + 10 {
            let c = idx.insert(i, &sig);
            assert_eq!(c.len() as u32, i.min(MAX_BUCKET));
        }
        assert_eq!(idx.capped, 10 * BANDS);
    }

    #[test]
    fn index_returns_bucket_mates_only() {
        let a: Vec<u64> = (0..50).map(mix64).collect();
        let c: Vec<u64> = (1000..1050).map(mix64).collect();
        let mut idx = LshIndex::default();
        assert!(idx.insert(0, &signature(&a)).is_empty());
        assert!(idx.insert(1, &signature(&c)).is_empty());
        assert_eq!(idx.insert(2, &signature(&a)), vec![0]);
        let mut both = idx.insert(3, &signature(&a));
        both.sort_unstable();
        assert_eq!(both, vec![0, 2]);
    }
}
