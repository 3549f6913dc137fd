//! botlens core: normalized account -> features -> calibrated score -> verdict with reasons.
//!
//! Pure Rust, tested natively. It knows no site, no DOM and no browser: site adapters (JS)
//! normalize what a page holds into [`Account`]s, and the one thin wasm boundary
//! (`wasm.rs`, only on `wasm32`) hands them in and the [`Verdict`]s out.
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod account;
pub mod coord;
pub mod features;
pub mod json;
mod loose;
pub mod model;
pub mod reasons;
pub mod time;
#[cfg(not(target_arch = "wasm32"))]
pub mod train;
pub mod verdict;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use account::Account;
pub use verdict::{Fact, Level, ModelInfo, Reason, Verdict};

/// Scores one account as observed at `now` (Unix seconds).
///
/// The score is `None` ("unknown") when the account carries neither an age nor its counts:
/// a judgement from a handle alone would be a guess about a real person.
pub fn score(account: &Account, now: i64) -> Verdict {
    // `now` comes from outside (the background's clock, a dataset): an absurd one must not
    // overflow the age arithmetic. Every real observation time is far inside this range.
    let now = now.clamp(0, MAX_NOW);
    let f = features::extract(account, now);
    let mut verdict = Verdict {
        automated: account.automated,
        verified: account.verified,
        facts: reasons::facts(&f),
        ..Verdict::default()
    };
    if !has_enough_data(&f) {
        return verdict;
    }
    // Fields the site has no place for (location on Mastodon and Bluesky, website on Bluesky)
    // are unknown, never "has none": they take their human-side value.
    let (p, contributions) = model::predict_conservative(&f);
    if p.is_finite() {
        verdict.score = Some(p.clamp(0.0, 1.0));
        verdict.reasons = reasons::top_reasons(&contributions, &f);
    }
    verdict
}

/// The latest observation time `score` accepts (year 2286); later ones are taken as this.
pub const MAX_NOW: i64 = 10_000_000_000;

/// Judging needs the account's age or its follower and post counts (read from the features,
/// which hold exactly these when the account gave them: the date is parsed once).
fn has_enough_data(f: &features::Features) -> bool {
    let known = |i: usize| !f[i].is_nan();
    known(features::idx::AGE_DAYS)
        || (known(features::idx::FOLLOWERS) && known(features::idx::STATUSES))
}

/// The observation time for an account: its `collected_at` when it has one (datasets),
/// otherwise `now`.
pub fn observed_at(account: &Account, now: i64) -> i64 {
    account
        .collected_at
        .as_deref()
        .and_then(time::parse_unix_seconds)
        .unwrap_or(now)
}

/// The model's version and sensitivity levels.
pub fn model_info() -> ModelInfo {
    model::info()
}
