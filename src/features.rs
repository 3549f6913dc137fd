//! Account -> numeric features. Profile metadata only: counts, rates, ages and the shape of
//! names. Never the words of a bio or a post (DEVELOPERS.md: behaviour, not opinions), never
//! `verified`, never anything that names the data source.
//!
//! A missing input gives `f32::NAN` ("unknown"); models treat NaN as its own branch.

use crate::account::Account;
use crate::time::parse_unix_seconds;

/// Feature indices. The order is part of the model artifact format: append, never reorder.
pub mod idx {
    pub const STATUSES: usize = 0;
    pub const FOLLOWERS: usize = 1;
    pub const FRIENDS: usize = 2;
    pub const FAVOURITES: usize = 3;
    pub const LISTED: usize = 4;
    pub const DEFAULT_PROFILE: usize = 5;
    pub const DEFAULT_AVATAR: usize = 6;
    pub const AGE_DAYS: usize = 7;
    pub const STATUS_RATE: usize = 8;
    pub const FOLLOWER_RATE: usize = 9;
    pub const FRIEND_RATE: usize = 10;
    pub const FAVOURITE_RATE: usize = 11;
    pub const LISTED_RATE: usize = 12;
    pub const FOLLOW_RATIO: usize = 13;
    pub const HANDLE_LEN: usize = 14;
    pub const HANDLE_DIGITS: usize = 15;
    pub const NAME_LEN: usize = 16;
    pub const NAME_DIGITS: usize = 17;
    pub const BIO_LEN: usize = 18;
    pub const HAS_LOCATION: usize = 19;
    pub const HAS_URL: usize = 20;
    /// Mean log-probability per character of the handle under a character-bigram model
    /// learned from training handles (BotometerLite's `screen_name_likelihood`).
    pub const HANDLE_LIKELIHOOD: usize = 21;
    pub const COUNT: usize = 22;
}

/// Human-readable feature names, in index order (model card, CLI output).
pub const NAMES: [&str; idx::COUNT] = [
    "statuses_count",
    "followers_count",
    "friends_count",
    "favourites_count",
    "listed_count",
    "default_profile",
    "default_profile_image",
    "age_days",
    "statuses_per_day",
    "followers_per_day",
    "friends_per_day",
    "favourites_per_day",
    "listed_per_day",
    "followers_friends_ratio",
    "screen_name_length",
    "screen_name_digits",
    "name_length",
    "name_digits",
    "description_length",
    "has_location",
    "has_url",
    "screen_name_likelihood",
];

pub type Features = [f32; idx::COUNT];

/// Seconds in a day.
const DAY: f64 = 86_400.0;

/// Extracts the features of `account` as observed at `now` (Unix seconds). For the datasets,
/// `now` is the snapshot's `collected_at`; on a page it is the current time.
pub fn extract(account: &Account, now: i64) -> Features {
    extract_with(account, now, crate::model::bigrams())
}

/// [`extract`] with an explicit handle model (training fits one per fold; `None` leaves the
/// handle likelihood unknown).
pub fn extract_with(account: &Account, now: i64, bigrams: Option<&Bigrams>) -> Features {
    let mut f = [f32::NAN; idx::COUNT];
    let count = |c: Option<i64>| c.map_or(f32::NAN, |v| v as f32);
    let flag = |b: Option<bool>| b.map_or(f32::NAN, |v| if v { 1.0 } else { 0.0 });
    f[idx::STATUSES] = count(account.statuses_count);
    f[idx::FOLLOWERS] = count(account.followers_count);
    f[idx::FRIENDS] = count(account.friends_count);
    f[idx::FAVOURITES] = count(account.favourites_count);
    f[idx::LISTED] = count(account.listed_count);
    f[idx::DEFAULT_PROFILE] = flag(account.default_profile);
    f[idx::DEFAULT_AVATAR] = flag(account.default_profile_image);

    let age_days = account
        .created_at
        .as_deref()
        .and_then(parse_unix_seconds)
        .map(|created| ((now - created) as f64 / DAY).max(0.0));
    if let Some(age) = age_days {
        f[idx::AGE_DAYS] = age as f32;
        // A day's floor keeps rates finite for accounts made today.
        let per_day = |c: Option<i64>| c.map_or(f32::NAN, |v| (v as f64 / age.max(1.0)) as f32);
        f[idx::STATUS_RATE] = per_day(account.statuses_count);
        f[idx::FOLLOWER_RATE] = per_day(account.followers_count);
        f[idx::FRIEND_RATE] = per_day(account.friends_count);
        f[idx::FAVOURITE_RATE] = per_day(account.favourites_count);
        f[idx::LISTED_RATE] = per_day(account.listed_count);
    }
    if let (Some(fo), Some(fr)) = (account.followers_count, account.friends_count) {
        f[idx::FOLLOW_RATIO] = (fo as f64 / (fr.max(1) as f64)) as f32;
    }
    if let Some(h) = account.screen_name.as_deref() {
        f[idx::HANDLE_LEN] = h.chars().count() as f32;
        f[idx::HANDLE_DIGITS] = digit_count(h) as f32;
        if let Some(b) = bigrams {
            f[idx::HANDLE_LIKELIHOOD] = b.likelihood(h);
        }
    }
    // An absent display name or bio is "empty" on every site, not unknown: the adapters only
    // leave them out when the profile has none.
    let name = account.name.as_deref().unwrap_or("");
    f[idx::NAME_LEN] = name.chars().count() as f32;
    f[idx::NAME_DIGITS] = digit_count(name) as f32;
    f[idx::BIO_LEN] = account
        .description
        .as_deref()
        .map_or(0, |d| d.chars().count()) as f32;
    // A missing location or website counts as "has none", except on sites whose profiles have
    // no such field: there it is unknown (NaN; no `no_location` / `no_website` reason), and
    // `score` resolves it to the human-side value (`model::predict_conservative`). Mastodon has
    // no location field (its website comes from a profile link field); Bluesky has neither.
    let (location_field, url_field) = site_fields(account.platform.as_deref());
    f[idx::HAS_LOCATION] = presence(account.location.is_some(), location_field);
    f[idx::HAS_URL] = presence(account.url.is_some(), url_field);
    f
}

/// Whether profiles of `platform` have a location and a website field (`(location, url)`).
/// Unknown platforms (and the datasets, all `twitter`) are taken to have both.
pub fn site_fields(platform: Option<&str>) -> (bool, bool) {
    match platform.map(str::trim) {
        Some(p) if p.eq_ignore_ascii_case("mastodon") => (false, true),
        Some(p) if p.eq_ignore_ascii_case("bluesky") => (false, false),
        _ => (true, true),
    }
}

/// 1 when present; 0 when absent on a site that has the field; NaN (unknown) when the site has
/// no such field.
fn presence(present: bool, site_has_field: bool) -> f32 {
    match (present, site_has_field) {
        (true, _) => 1.0,
        (false, true) => 0.0,
        (false, false) => f32::NAN,
    }
}

fn digit_count(s: &str) -> usize {
    s.chars().filter(char::is_ascii_digit).count()
}

/// Symbols of the handle model: `a-z`, `0-9`, `_`, any other character, and the boundary
/// (start and end of the handle). Handles are case-folded.
pub const SYMBOLS: usize = 39;
const BOUNDARY: usize = 38;

fn symbol(c: char) -> usize {
    match c.to_ascii_lowercase() {
        c @ 'a'..='z' => c as usize - 'a' as usize,
        c @ '0'..='9' => 26 + (c as usize - '0' as usize),
        '_' => 36,
        _ => 37,
    }
}

/// A character-bigram model of handles: `log P(next | previous)` over [`SYMBOLS`]. It is
/// learned from training handles only and ships inside the model artifact.
#[derive(Debug, Clone, PartialEq)]
pub struct Bigrams {
    /// Row-major `[previous * SYMBOLS + next]` log-probabilities.
    pub log_p: Vec<f32>,
}

impl Bigrams {
    /// Fits the model with add-one smoothing. The order of `handles` does not matter.
    pub fn fit<'a>(handles: impl IntoIterator<Item = &'a str>) -> Bigrams {
        let mut counts = vec![1.0f64; SYMBOLS * SYMBOLS];
        for h in handles {
            let mut prev = BOUNDARY;
            for c in h.chars() {
                let s = symbol(c);
                counts[prev * SYMBOLS + s] += 1.0;
                prev = s;
            }
            counts[prev * SYMBOLS + BOUNDARY] += 1.0;
        }
        let mut log_p = vec![0.0f32; SYMBOLS * SYMBOLS];
        for prev in 0..SYMBOLS {
            let row = &counts[prev * SYMBOLS..(prev + 1) * SYMBOLS];
            let total: f64 = row.iter().sum();
            for (next, c) in row.iter().enumerate() {
                log_p[prev * SYMBOLS + next] = (c / total).ln() as f32;
            }
        }
        Bigrams { log_p }
    }

    /// Mean log-probability per transition (higher = more ordinary); NaN for an empty handle.
    pub fn likelihood(&self, handle: &str) -> f32 {
        if handle.is_empty() || self.log_p.len() != SYMBOLS * SYMBOLS {
            return f32::NAN;
        }
        let (mut sum, mut n, mut prev) = (0.0f64, 0usize, BOUNDARY);
        for c in handle.chars() {
            let s = symbol(c);
            sum += f64::from(self.log_p[prev * SYMBOLS + s]);
            n += 1;
            prev = s;
        }
        sum += f64::from(self.log_p[prev * SYMBOLS + BOUNDARY]);
        (sum / (n + 1) as f64) as f32
    }
}

/// How random a handle looks, 0..1, from its likelihood: the mean surprise per character
/// relative to drawing characters uniformly (1 = no more likely than uniform noise).
pub fn randomness(likelihood: f32) -> f64 {
    let uniform = (SYMBOLS as f64).ln();
    (-f64::from(likelihood) / uniform).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_use_age_at_observation() {
        let a = Account {
            created_at: Some("2020-01-01T00:00:00Z".into()),
            statuses_count: Some(1000),
            followers_count: Some(10),
            friends_count: Some(0),
            screen_name: Some("abc12345".into()),
            ..Account::default()
        };
        let now = parse_unix_seconds("2020-01-11T00:00:00Z").unwrap_or_default();
        let f = extract_with(&a, now, None);
        assert_eq!(f[idx::AGE_DAYS], 10.0);
        assert_eq!(f[idx::STATUS_RATE], 100.0);
        assert_eq!(f[idx::FOLLOW_RATIO], 10.0);
        assert_eq!(f[idx::HANDLE_DIGITS], 5.0);
        assert!(f[idx::LISTED].is_nan());
        assert!(f[idx::DEFAULT_PROFILE].is_nan());
        assert!(f[idx::HANDLE_LIKELIHOOD].is_nan());
    }

    #[test]
    fn fields_a_site_lacks_are_unknown_not_absent() {
        let mut a = Account::default();
        for (platform, loc, url) in [
            (None, 0.0, 0.0),
            (Some("twitter"), 0.0, 0.0),
            (Some("mastodon"), f32::NAN, 0.0),
            (Some("bluesky"), f32::NAN, f32::NAN),
        ] {
            a.platform = platform.map(str::to_owned);
            let f = extract_with(&a, 0, None);
            assert_eq!(
                f[idx::HAS_LOCATION].to_bits(),
                loc.to_bits(),
                "{platform:?}"
            );
            assert_eq!(f[idx::HAS_URL].to_bits(), url.to_bits(), "{platform:?}");
        }
        // A value the adapter did find still counts as present.
        a.location = Some("Berlin".into());
        a.url = Some("https://example.org".into());
        let f = extract_with(&a, 0, None);
        assert_eq!((f[idx::HAS_LOCATION], f[idx::HAS_URL]), (1.0, 1.0));
    }

    #[test]
    fn handle_model_prefers_handles_like_its_training_set() {
        let b = Bigrams::fit(["maria_lopez", "john_smith", "anna_maria", "mike_jones"]);
        assert!(b.likelihood("maria_smith") > b.likelihood("x7qz9k2vw8"));
        assert!(b.likelihood("").is_nan());
        assert!(randomness(b.likelihood("x7qz9k2vw8")) > randomness(b.likelihood("john_jones")));
    }
}
