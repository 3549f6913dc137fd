//! Checks shared by the fuzz targets: what must hold of every verdict, whatever the input.

use botlens::{Account, Verdict};

/// A fixed, plausible "now" (2026-01-01T00:00:00Z): the extension passes `Date.now()`.
pub const NOW: i64 = 1_767_225_600;

/// Reason codes of `docs/CONTRACTS.md` (the UI falls back for others, but the core must not
/// invent any).
pub const REASON_CODES: &[&str] = &[
    "account_age",
    "default_avatar",
    "default_profile",
    "handle_digits",
    "name_digits",
    "handle_length",
    "random_handle",
    "post_rate",
    "like_rate",
    "follow_rate",
    "few_followers",
    "follow_ratio",
    "empty_bio",
    "no_location",
    "no_website",
    "no_banner",
    "few_posts",
    "no_likes",
];

/// Scores `a` at `now` and checks the verdict's invariants; returns it.
pub fn score_checked(a: &Account, now: i64) -> Verdict {
    let v = botlens::score(a, now);
    if let Some(s) = v.score {
        assert!(
            (0.0..=1.0).contains(&s),
            "score {s} out of [0, 1] for {a:?}"
        );
    } else {
        assert!(
            v.reasons.is_empty(),
            "an unknown verdict carries no reasons"
        );
    }
    assert!(v.reasons.len() <= botlens::reasons::MAX_REASONS);
    for r in &v.reasons {
        assert!(r.value.is_finite(), "reason {} value {}", r.code, r.value);
        assert!(
            r.contribution.is_finite() && r.contribution > 0.0,
            "reason {} contribution {}",
            r.code,
            r.contribution
        );
        assert!(
            REASON_CODES.contains(&r.code),
            "unknown reason code {}",
            r.code
        );
    }
    for f in &v.facts {
        assert!(f.value.is_finite(), "fact {} value {}", f.code, f.value);
    }
    assert_eq!(v.automated, a.automated);
    assert_eq!(v.verified, a.verified);
    v
}

/// Behaviour, not identity: the same account under another key and id scores the same.
pub fn check_key_invariance(a: &Account, now: i64, v: &Verdict) {
    let mut twin = a.clone();
    twin.key = Some("fuzz:twin".into());
    twin.id = Some("0".into());
    assert_eq!(&botlens::score(&twin, now), v, "key/id changed the verdict");
}
