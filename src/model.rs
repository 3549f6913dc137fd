//! The scoring model: features -> calibrated probability plus per-feature contributions.
//!
//! PROVISIONAL: a hand-set logistic model over well-known bot signals (BotometerLite's
//! profile features), documented in docs/MODEL.md. It gives real scores from real features
//! and is replaced by the trained, calibrated model (issue 3) behind the same functions.

use crate::features::{idx, Features};
use crate::verdict::{Level, ModelInfo};

const VERSION: &str = "provisional-logistic-1";

/// The logit and each feature's share of it (positive = towards bot).
pub fn predict(f: &Features) -> (f64, Vec<f64>) {
    let mut c = vec![0.0f64; idx::COUNT];
    let g = |i: usize| f64::from(f[i]);
    let lg = |v: f64| (v.max(0.0) + 1.0).log10();
    let mut put = |i: usize, v: f64| {
        if v.is_finite() {
            c[i] += v;
        }
    };
    put(idx::DEFAULT_AVATAR, 2.0 * g(idx::DEFAULT_AVATAR));
    put(idx::DEFAULT_PROFILE, 0.6 * g(idx::DEFAULT_PROFILE));
    put(
        idx::HANDLE_DIGITS,
        0.35 * (g(idx::HANDLE_DIGITS) - 2.0).clamp(0.0, 8.0),
    );
    put(idx::NAME_DIGITS, 0.3 * g(idx::NAME_DIGITS).clamp(0.0, 4.0));
    put(
        idx::AGE_DAYS,
        1.6 * (1.0 - lg(g(idx::AGE_DAYS)) / lg(730.0)).max(-0.5),
    );
    put(
        idx::STATUS_RATE,
        0.9 * (lg(g(idx::STATUS_RATE)) - 1.0).max(-0.5),
    );
    put(idx::FOLLOWERS, -0.55 * (lg(g(idx::FOLLOWERS)) - 2.0));
    put(
        idx::FOLLOW_RATIO,
        -0.5 * g(idx::FOLLOW_RATIO).max(1e-3).log10().clamp(-3.0, 3.0),
    );
    put(idx::FAVOURITES, -0.35 * (lg(g(idx::FAVOURITES)) - 2.0));
    put(
        idx::BIO_LEN,
        if g(idx::BIO_LEN) == 0.0 { 0.8 } else { -0.2 },
    );
    put(
        idx::HAS_LOCATION,
        if g(idx::HAS_LOCATION) == 0.0 {
            0.3
        } else {
            -0.1
        },
    );
    put(
        idx::HAS_URL,
        if g(idx::HAS_URL) == 0.0 { 0.2 } else { -0.2 },
    );
    let logit = -1.2 + c.iter().sum::<f64>();
    (1.0 / (1.0 + (-logit).exp()), c)
}

/// Sensitivity levels. PROVISIONAL thresholds, not yet measured (issue 3 measures them).
pub fn info() -> ModelInfo {
    ModelInfo {
        version: VERSION,
        default_level: "low",
        levels: vec![
            Level {
                id: "low",
                threshold: 0.85,
                fpr: None,
                recall: None,
            },
            Level {
                id: "medium",
                threshold: 0.7,
                fpr: None,
                recall: None,
            },
            Level {
                id: "high",
                threshold: 0.5,
                fpr: None,
                recall: None,
            },
        ],
    }
}
