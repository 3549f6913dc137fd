//! Feature extraction and scoring on arbitrary field values: strings of any length and
//! content (huge, bidi and zero-width controls, NULs, emoji), any count, any flag, dates
//! both well-formed and not, and any observation time. Also the timestamp parser on
//! arbitrary text.
//!
//! This bypasses the lenient deserializer (which cuts strings at `MAX_TEXT_CHARS` and drops
//! negative counts), so it also covers the core's callers that build `Account`s themselves
//! (the CLI, training). Checked: nothing panics, every feature is NaN (unknown) or finite,
//! the verdict holds its invariants.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use botlens::features::{self, idx};
use botlens::Account;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

/// Strings that break naive text handling, mixed into the arbitrary ones.
const HOSTILE: &[&str] = &[
    "\u{202E}gnp.exe",                          // right-to-left override
    "\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}", // zero-width characters
    "\u{2066}\u{2067}\u{2068}\u{2069}\u{061C}", // bidi isolates, Arabic letter mark
    "👩‍👩‍👧‍👦🏳️‍🌈🤖",
    "<img src=x onerror=alert(1)>",
    "\0\0\0",
    "𝟙𝟚𝟛٣٤٥１２３", // non-ASCII digits
    "2020-02-30T00:00:00Z",
    "9999-99-99T99:99:99Z",
    "2013-12-14T04:35:55.1234567890123456789+14:00",
    "Sat Dec 14 04:35:55 +0000 2013",
];

fn text(u: &mut Unstructured) -> arbitrary::Result<Option<String>> {
    Ok(match u.int_in_range(0u8..=15)? {
        0..=2 => None,
        3..=5 => Some(HOSTILE[u.choose_index(HOSTILE.len())?].to_owned()),
        // A long string from a short input: repeat an arbitrary piece (up to ~100 KB). Rare,
        // so that most inputs stay fast.
        6 => {
            let piece: String = u.arbitrary()?;
            let times = u.int_in_range(1usize..=100_000 / piece.len().max(1))?;
            Some(piece.repeat(times))
        }
        _ => Some(u.arbitrary()?),
    })
}

fn date(u: &mut Unstructured) -> arbitrary::Result<Option<String>> {
    Ok(match u.int_in_range(0u8..=3)? {
        0 => None,
        1 => {
            let (y, mo, d, h, mi, s): (u16, u8, u8, u8, u8, u8) = u.arbitrary()?;
            Some(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                y % 10_000,
                mo % 100,
                d % 100,
                h % 100,
                mi % 100,
                s % 100
            ))
        }
        _ => text(u)?,
    })
}

fn count(u: &mut Unstructured) -> arbitrary::Result<Option<i64>> {
    Ok(match u.int_in_range(0u8..=3)? {
        0 => None,
        1 => Some(*u.choose(&[0, 1, -1, i64::MAX, i64::MIN, 9_007_199_254_740_991])?),
        _ => Some(u.arbitrary()?),
    })
}

#[derive(Debug)]
struct Input {
    account: Account,
    now: i64,
    raw_date: String,
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let account = Account {
            key: text(u)?,
            platform: text(u)?,
            id: text(u)?,
            screen_name: text(u)?,
            name: text(u)?,
            description: text(u)?,
            location: text(u)?,
            url: text(u)?,
            created_at: date(u)?,
            collected_at: date(u)?,
            followers_count: count(u)?,
            friends_count: count(u)?,
            statuses_count: count(u)?,
            favourites_count: count(u)?,
            listed_count: count(u)?,
            default_profile: u.arbitrary()?,
            default_profile_image: u.arbitrary()?,
            has_banner: u.arbitrary()?,
            verified: u.arbitrary()?,
            automated: u.arbitrary()?,
            protected: u.arbitrary()?,
        };
        // Mostly a plausible page time, sometimes any i64.
        let now = if u.ratio(1u8, 4u8)? {
            u.arbitrary()?
        } else {
            common::NOW + i64::from(u.arbitrary::<i32>()?)
        };
        Ok(Input {
            account,
            now,
            raw_date: u.arbitrary()?,
        })
    }
}

fuzz_target!(|input: Input| {
    let _ = botlens::time::parse_unix_seconds(&input.raw_date);
    // `score` clamps its `now` (an absurd one overflowed the age arithmetic, found by
    // tests/props.rs); `features::extract` itself is only called with observation times
    // inside that range (by `score` and by training, with parsed `collected_at`s).
    let f = features::extract(&input.account, input.now.clamp(0, botlens::MAX_NOW));
    for (i, v) in f.iter().enumerate() {
        assert!(
            v.is_nan() || v.is_finite(),
            "feature {} = {v}",
            features::NAMES[i]
        );
    }
    if !f[idx::AGE_DAYS].is_nan() {
        assert!(f[idx::AGE_DAYS] >= 0.0);
    }
    let v = common::score_checked(&input.account, input.now);
    common::check_key_invariance(&input.account, input.now, &v);
});
