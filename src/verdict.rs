//! What the core returns for one account: a calibrated score (or none), the reasons that
//! pushed it towards "bot-like", and the account facts it used. Codes are stable snake_case
//! ids (see `docs/CONTRACTS.md`); wording lives in the extension's locale files.

use serde::Serialize;

/// One piece of evidence: a stable code and the value that triggered it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub code: &'static str,
    pub value: f64,
    /// How much this reason moved the score towards "bot-like" (model units).
    pub contribution: f64,
}

/// An account fact the score was computed from, shown to the user as is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fact {
    pub code: &'static str,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Verdict {
    /// Calibrated probability that the account is bot-like; `None` when the page gave too
    /// little to judge (shown as "unknown").
    pub score: Option<f64>,
    pub reasons: Vec<Reason>,
    pub facts: Vec<Fact>,
    pub automated: Option<bool>,
    pub verified: Option<bool>,
}

/// A sensitivity level: flag when `score >= threshold`. `fpr` and `recall` are measured on
/// held-out folds (docs/MODEL.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Level {
    pub id: &'static str,
    pub threshold: f64,
    /// Measured false-positive rate on human accounts; `None` until measured.
    pub fpr: Option<f64>,
    /// Measured share of bots flagged; `None` until measured.
    pub recall: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelInfo {
    pub version: &'static str,
    pub default_level: &'static str,
    pub levels: Vec<Level>,
}
