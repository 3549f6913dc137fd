//! The wasm boundary's JSON, in plain Rust (natively tested and fuzzed): one batch in as the
//! text `JSON.stringify` made of it, the results out as one text for `JSON.parse`.
//!
//! Why not serde and `serde-wasm-bindgen`: crossing into JS field by field was most of the
//! cost of a batch in the browser, and their code (with float formatting and parsing) was a
//! third of the wasm (docs/DECISIONS.md 25). The shapes are those serde gave: same field
//! names and order, `None` as `null`. Numbers are written exactly (every finite `f64` reads
//! back as the same `f64`; see [`push_f64`]) without `core::fmt`'s float code. Knows no
//! browser: `wasm.rs` does the two JS calls around it.

use crate::coord::{Changes, CoordReason, Post};
use crate::loose::{read_post, Loose, Reader};
use crate::verdict::{ModelInfo, Verdict};
use crate::Account;

/// Scores a batch `{"now_ms": number, "accounts": [account...]}` and returns the verdicts as
/// a JSON array, one per account in order. A missing or non-finite `now_ms` takes
/// `default_now_ms`; an account that is not an object is scored as empty ("unknown"); a
/// batch that is not such an object gives `[]`.
pub fn score_batch(text: &str, default_now_ms: f64) -> String {
    let mut r = Reader::new(text);
    let mut now_ms = None;
    let mut accounts = Vec::new();
    if r.begin_object() {
        while let Some(key) = r.next_key() {
            match &*key {
                "now_ms" => {
                    now_ms = match r.loose() {
                        Loose::Int(i) => Some(i as f64),
                        Loose::Float(f) => Some(f),
                        _ => None,
                    }
                }
                "accounts" => {
                    accounts.clear();
                    if r.begin_array() {
                        while r.next_item() {
                            accounts.push(Account::read(&mut r));
                        }
                    }
                }
                _ => r.skip(),
            }
        }
    }
    let now_ms = now_ms.filter(|v| v.is_finite()).unwrap_or(default_now_ms);
    let now = (now_ms / 1000.0) as i64;
    let mut out = String::with_capacity(accounts.len() * 320 + 2);
    push_array(&mut out, &accounts, |out, a| {
        push_verdict(out, &crate::score(a, now))
    });
    out
}

/// The posts of a batch: an array of posts or `{"posts": [...]}`; anything else is no
/// posts, and an item that is not an object is skipped.
pub fn posts(text: &str) -> Vec<Post> {
    let mut r = Reader::new(text);
    let mut out = Vec::new();
    let mut read_list = |r: &mut Reader| {
        if r.begin_array() {
            while r.next_item() {
                out.extend(read_post(r));
            }
        }
    };
    match text.trim_start().as_bytes().first() {
        Some(b'[') => read_list(&mut r),
        Some(b'{') => {
            r.begin_object();
            while let Some(key) = r.next_key() {
                if key == "posts" {
                    read_list(&mut r);
                } else {
                    r.skip();
                }
            }
        }
        _ => {}
    }
    out
}

/// One verdict as a JSON object (the fields of [`Verdict`], in order).
pub fn push_verdict(out: &mut String, v: &Verdict) {
    out.push_str("{\"score\":");
    push_opt_f64(out, v.score);
    out.push_str(",\"reasons\":");
    push_array(out, &v.reasons, |out, r| {
        out.push_str("{\"code\":");
        push_str(out, r.code);
        out.push_str(",\"value\":");
        push_f64(out, r.value);
        out.push_str(",\"contribution\":");
        push_f64(out, r.contribution);
        out.push('}');
    });
    out.push_str(",\"facts\":");
    push_array(out, &v.facts, |out, f| {
        out.push_str("{\"code\":");
        push_str(out, f.code);
        out.push_str(",\"value\":");
        push_f64(out, f.value);
        out.push('}');
    });
    out.push_str(",\"automated\":");
    push_opt_bool(out, v.automated);
    out.push_str(",\"verified\":");
    push_opt_bool(out, v.verified);
    out.push('}');
}

/// The model's version and levels as a JSON object (the fields of [`ModelInfo`]).
pub fn model_info(m: &ModelInfo) -> String {
    let mut out = String::from("{\"version\":");
    push_str(&mut out, m.version);
    out.push_str(",\"default_level\":");
    push_str(&mut out, m.default_level);
    out.push_str(",\"levels\":");
    push_array(&mut out, &m.levels, |out, l| {
        out.push_str("{\"id\":");
        push_str(out, l.id);
        out.push_str(",\"threshold\":");
        push_f64(out, l.threshold);
        out.push_str(",\"fpr\":");
        push_opt_f64(out, l.fpr);
        out.push_str(",\"recall\":");
        push_opt_f64(out, l.recall);
        out.push('}');
    });
    out.push('}');
    out
}

/// A batch's [`Changes`] (the wire format of `Coordinator.add_posts` and `cluster_posts`):
/// `{"groups": [reason...], "posts": [{"post_id", "groups": [id...]}]}`, the shape serde gives.
pub fn changes(c: &Changes) -> String {
    let ids: usize = c.groups.iter().map(|g| g.members.len()).sum();
    let mut out = String::with_capacity(c.posts.len() * 48 + ids * 24 + c.groups.len() * 96 + 32);
    out.push_str("{\"groups\":");
    push_array(&mut out, &c.groups, push_reason);
    out.push_str(",\"posts\":");
    push_array(&mut out, &c.posts, |out, p| {
        out.push_str("{\"post_id\":");
        push_str(out, &p.post_id);
        out.push_str(",\"groups\":");
        push_array(out, &p.groups, |out, id| push_str(out, id));
        out.push('}');
    });
    out.push('}');
    out
}

/// One reason (a group's state): `detail` left out when absent, as serde does.
fn push_reason(out: &mut String, r: &CoordReason) {
    out.push_str("{\"code\":");
    push_str(out, r.code);
    out.push_str(",\"value\":");
    push_f64(out, r.value);
    out.push_str(",\"group\":");
    push_str(out, &r.group);
    out.push_str(",\"members\":");
    push_array(out, &r.members, |out, id| push_str(out, id));
    if let Some(d) = &r.detail {
        out.push_str(",\"detail\":");
        push_str(out, d);
    }
    out.push('}');
}

/// `items` as a JSON array, each written by `each`.
fn push_array<T>(out: &mut String, items: &[T], mut each: impl FnMut(&mut String, &T)) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        each(out, item);
    }
    out.push(']');
}

fn push_opt_bool(out: &mut String, v: Option<bool>) {
    out.push_str(match v {
        Some(true) => "true",
        Some(false) => "false",
        None => "null",
    });
}

fn push_opt_f64(out: &mut String, v: Option<f64>) {
    match v {
        Some(v) => push_f64(out, v),
        None => out.push_str("null"),
    }
}

/// A JSON string literal: `"` and `\` escaped, control characters as `\u00XX`.
pub fn push_str(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    // Runs that need no escape are copied whole (every escaped byte is ASCII, so a run ends
    // on a char boundary).
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if b == b'"' || b == b'\\' || b < 0x20 {
            out.push_str(s.get(start..i).unwrap_or_default());
            match b {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                _ => {
                    out.push_str("\\u00");
                    out.push(char::from(HEX[usize::from(b >> 4)]));
                    out.push(char::from(HEX[usize::from(b & 15)]));
                }
            }
            start = i + 1;
        }
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out.push('"');
}

/// Decimal digits of `v`.
pub fn push_u64(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for &d in &buf[at..] {
        out.push(char::from(d));
    }
}

/// Magnitudes below this are written as `0` (none occurs in a verdict: contributions are
/// sums of differences of values quantized to at least 1/32767, divided by the tree count).
const TINY: f64 = 1.0 / (1u64 << 60) as f64;
/// Significant digits written: 17 always read back as the same `f64`.
const DIGITS: u32 = 17;

/// A finite number as a JSON number that reads back as exactly `v` (17 significant digits,
/// rounded half up; integers as integers; trailing zeros dropped); `null` when not finite.
/// Digits come from exact integer arithmetic on the binary fraction, so no float formatting
/// code (`core::fmt`'s Grisu/Dragon and their tables) is needed. Magnitudes below 2^-60 are
/// written as 0 and integers of 2^64 and more approximately (neither occurs in a verdict).
pub fn push_f64(out: &mut String, v: f64) {
    if !v.is_finite() {
        out.push_str("null");
        return;
    }
    let a = v.abs();
    if v < 0.0 && a >= TINY {
        out.push('-');
    }
    if a < TINY {
        out.push('0');
        return;
    }
    if a.trunc() == a {
        if a < 18_446_744_073_709_551_616.0 {
            push_u64(out, a as u64);
        } else {
            // Beyond u64: its leading digits and a decimal exponent (approximate).
            let (mut m, mut e) = (a, 0u64);
            while m >= 1e17 {
                m /= 10.0;
                e += 1;
            }
            push_u64(out, m as u64);
            out.push('e');
            push_u64(out, e);
        }
        return;
    }
    // `a` is not an integer, so a < 2^52 and a = m * 2^-s with 0 < s <= 112 (a >= 2^-60).
    let bits = a.to_bits();
    let exp = ((bits >> 52) & 0x7FF) as i64;
    let m = u128::from(bits & ((1 << 52) - 1) | 1 << 52);
    let s = (1075 - exp) as u32;
    let mask = (1u128 << s) - 1;
    let int = (m >> s) as u64;
    let mut frac = m & mask;
    let (mut d, mut places) = (int, 0u32);
    let mut sig = if int == 0 { 0 } else { int.ilog10() + 1 };
    while sig < DIGITS && frac != 0 {
        frac *= 10;
        d = d * 10 + (frac >> s) as u64;
        frac &= mask;
        places += 1;
        if d != 0 {
            sig += 1;
        }
    }
    if frac != 0 && (frac * 10) >> s >= 5 {
        d += 1;
    }
    // `d` / 10^places: the digits (at least one before the point), the point put back,
    // trailing zeros dropped. At most 18 digits and 35 places (a >= 2^-60).
    let mut buf = [b'0'; 40];
    let (n, places) = (buf.len(), places as usize);
    let mut end = n;
    while end > 0 && (d > 0 || n - end < places + 1) {
        end -= 1;
        buf[end] = b'0' + (d % 10) as u8;
        d /= 10;
    }
    let point = n.saturating_sub(places);
    let mut last = n;
    while last > point && buf[last - 1] == b'0' {
        last -= 1;
    }
    for (i, &c) in buf.iter().enumerate().take(last).skip(end) {
        if i == point {
            out.push('.');
        }
        out.push(char::from(c));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(v: f64) -> String {
        let mut s = String::new();
        push_f64(&mut s, v);
        s
    }

    #[test]
    fn numbers_read_back_exactly() {
        for (v, text) in [
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (42.0, "42"),
            (0.5, "0.5"),
            (-2.25, "-2.25"),
            (0.1, "0.10000000000000001"),
            (1e-7, "9.9999999999999995e-8"),
            (f64::NAN, "null"),
            (f64::INFINITY, "null"),
            (9_007_199_254_740_993.0, "9007199254740992"),
        ] {
            let got = f(v);
            if text.contains('e') {
                assert_eq!(got.parse::<f64>().ok(), Some(v), "{v}: {got}");
            } else {
                assert_eq!(got, text, "{v}");
            }
        }
        // Every finite value from a wide spread of magnitudes and bit patterns.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for i in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let v = match i % 4 {
                0 => f64::from_bits(state >> 2), // 0 .. ~1e-300..1e300 (positive half)
                1 => (state >> 11) as f64 / (1u64 << 53) as f64, // 0..1, like scores
                2 => (state % 1_000_000) as f64 / 10.0, // rates with one decimal
                _ => -((state >> 11) as f64) / (1u64 << (state % 60)) as f64,
            };
            if !v.is_finite() || v.abs() < TINY || v.abs() >= 1.8e19 {
                continue;
            }
            let text = f(v);
            assert_eq!(text.parse::<f64>().ok(), Some(v), "{v:e}: {text}");
            assert!(text.len() <= 40, "{text}");
        }
        assert_eq!(f(1e-30), "0");
        assert!(f(1e300)
            .parse::<f64>()
            .is_ok_and(|x| (x / 1e300 - 1.0).abs() < 1e-12));
    }

    #[test]
    fn strings_escape_like_serde() {
        let mut s = String::new();
        push_str(&mut s, "a\"b\\c\nd\u{1}é€😀");
        let back: String = serde_json::from_str(&s).expect("valid JSON");
        assert_eq!(back, "a\"b\\c\nd\u{1}é€😀");
    }
}
