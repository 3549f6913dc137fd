//! Feature contributions -> reason codes with the values that triggered them.
//!
//! Models speak in features; users read reasons. A feature that pushed the score towards
//! "bot-like" becomes a reason whose code says what was bot-like about its value (an old
//! account is never called "young"). The code list is the contract in `docs/CONTRACTS.md`.

use crate::features::{idx, randomness, Features};
use crate::verdict::{Fact, Reason};

/// How many reasons a verdict carries at most.
pub const MAX_REASONS: usize = 4;

/// "Only N followers" is not said of an account with this many or more, whatever the model
/// made of the count.
const FEW_FOLLOWERS: f64 = 1_000.0;

/// A handle is called random-looking from this randomness (0..1) up: about the 90th
/// percentile of human handles under the shipped handle model (ordinary ones score 0.7-0.85,
/// `x7qz9k2vw8` scores 1.0).
const RANDOM_HANDLE: f64 = 0.9;

/// The reason a feature's value gives when it pushed the score up, or `None` when the
/// value cannot be told as bot-like evidence (the contribution then stays unexplained,
/// which is honest: it is shown as the score, not as a reason).
pub fn reason_for(feature: usize, f: &Features) -> Option<(&'static str, f64)> {
    let v = f64::from(*f.get(feature)?);
    if v.is_nan() {
        return None;
    }
    Some(match feature {
        idx::AGE_DAYS | idx::LISTED_RATE => ("account_age", f64::from(f[idx::AGE_DAYS]).floor()),
        idx::DEFAULT_AVATAR if v >= 0.5 => ("default_avatar", 1.0),
        idx::DEFAULT_PROFILE if v >= 0.5 => ("default_profile", 1.0),
        idx::HANDLE_DIGITS if v >= 1.0 => ("handle_digits", v),
        idx::NAME_DIGITS if v >= 1.0 => ("name_digits", v),
        idx::HANDLE_LEN => ("handle_length", v),
        idx::STATUS_RATE => ("post_rate", round_rate(v)),
        idx::FAVOURITE_RATE if v == 0.0 => ("no_likes", 1.0),
        idx::FAVOURITE_RATE => ("like_rate", round_rate(v)),
        idx::FRIEND_RATE => ("follow_rate", round_rate(v)),
        idx::FOLLOWERS | idx::FOLLOWER_RATE | idx::LISTED
            if f64::from(f[idx::FOLLOWERS]) < FEW_FOLLOWERS =>
        {
            ("few_followers", f64::from(f[idx::FOLLOWERS]))
        }
        idx::FOLLOW_RATIO | idx::FRIENDS => {
            let (fo, fr) = (f64::from(f[idx::FOLLOWERS]), f64::from(f[idx::FRIENDS]));
            if fr.is_nan() || fo.is_nan() || fr <= fo {
                return None;
            }
            ("follow_ratio", round_rate(fr / fo.max(1.0)))
        }
        idx::BIO_LEN if v == 0.0 => ("empty_bio", 1.0),
        idx::HAS_LOCATION if v == 0.0 => ("no_location", 1.0),
        idx::HAS_URL if v == 0.0 => ("no_website", 1.0),
        idx::STATUSES if v < 10.0 => ("few_posts", v),
        idx::FAVOURITES if v == 0.0 => ("no_likes", 1.0),
        idx::HANDLE_LIKELIHOOD if randomness(f[idx::HANDLE_LIKELIHOOD]) >= RANDOM_HANDLE => (
            "random_handle",
            (randomness(f[idx::HANDLE_LIKELIHOOD]) * 100.0).round() / 100.0,
        ),
        _ => return None,
    })
}

/// Rates shown with one decimal below 10 and as whole numbers above.
fn round_rate(v: f64) -> f64 {
    if v < 10.0 {
        (v * 10.0).round() / 10.0
    } else {
        v.round()
    }
}

/// Turns per-feature contributions (positive = towards bot) into the top reasons, merging
/// features that tell the same reason.
pub fn top_reasons(contributions: &[f64], f: &Features) -> Vec<Reason> {
    let mut out: Vec<Reason> = Vec::with_capacity(contributions.len().min(16));
    for (feature, &c) in contributions.iter().enumerate() {
        if c <= 0.0 || !c.is_finite() {
            continue;
        }
        let Some((code, value)) = reason_for(feature, f) else {
            continue;
        };
        match out.iter_mut().find(|r| r.code == code) {
            Some(r) => r.contribution += c,
            None => out.push(Reason {
                code,
                value,
                contribution: c,
            }),
        }
    }
    // Strongest first, ties in feature order: an insertion sort (a stable sort of at most a
    // few items, and no sort code in the wasm).
    for i in 1..out.len() {
        let mut j = i;
        while j > 0
            && out[j - 1]
                .contribution
                .total_cmp(&out[j].contribution)
                .is_lt()
        {
            out.swap(j - 1, j);
            j -= 1;
        }
    }
    out.truncate(MAX_REASONS);
    out
}

/// The account facts the score used, for the hover card.
pub fn facts(f: &Features) -> Vec<Fact> {
    let mut out = Vec::with_capacity(FACTS.len());
    out.extend(
        FACTS
            .into_iter()
            .filter(|(_, i)| !f[*i].is_nan())
            .map(|(code, i)| {
                let v = f64::from(f[i]);
                let value = if i == idx::STATUS_RATE {
                    round_rate(v)
                } else {
                    v.floor()
                };
                Fact { code, value }
            }),
    );
    out
}

/// The facts shown, in order, and their features.
const FACTS: [(&str, usize); 7] = [
    ("account_age", idx::AGE_DAYS),
    ("followers", idx::FOLLOWERS),
    ("following", idx::FRIENDS),
    ("posts", idx::STATUSES),
    ("likes", idx::FAVOURITES),
    ("listed", idx::LISTED),
    ("post_rate", idx::STATUS_RATE),
];
