//! The normalized account: what a site adapter hands the core, and what the labelled
//! datasets hold (one schema for both, see `docs/CONTRACTS.md`).
//!
//! Deserialization is lenient on purpose: page data is untrusted and changes shape without
//! notice, so a missing, `null` or wrong-typed field becomes `None` instead of failing the
//! whole batch. This module knows no site and no browser.

use crate::loose::{Loose, Reader};
use serde::{Deserialize, Deserializer};

/// Longest string kept from the page (chars); see [`crate::loose::MAX_STR_CHARS`].
pub const MAX_TEXT_CHARS: usize = crate::loose::MAX_STR_CHARS;

/// One account as seen by the core. Every field is optional: `None` means "the page did not
/// say" (or said something unusable).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Account {
    #[serde(deserialize_with = "loose_string")]
    pub key: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    pub platform: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    pub id: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    pub screen_name: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    pub description: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    pub location: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    pub url: Option<String>,
    /// Account creation time, ISO 8601 UTC.
    #[serde(deserialize_with = "loose_string")]
    pub created_at: Option<String>,
    /// When the snapshot was taken (datasets only; the page uses "now"). Used to compute the
    /// account's age, never as a feature by itself.
    #[serde(deserialize_with = "loose_string")]
    pub collected_at: Option<String>,
    #[serde(deserialize_with = "loose_count")]
    pub followers_count: Option<i64>,
    /// Accounts this one follows ("following").
    #[serde(deserialize_with = "loose_count")]
    pub friends_count: Option<i64>,
    #[serde(deserialize_with = "loose_count")]
    pub statuses_count: Option<i64>,
    #[serde(deserialize_with = "loose_count")]
    pub favourites_count: Option<i64>,
    #[serde(deserialize_with = "loose_count")]
    pub listed_count: Option<i64>,
    #[serde(deserialize_with = "loose_bool")]
    pub default_profile: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    pub default_profile_image: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    pub has_banner: Option<bool>,
    /// A fact shown to the user, never a model input (the check mark is bought on X).
    #[serde(deserialize_with = "loose_bool")]
    pub verified: Option<bool>,
    /// The site's own automated-account label (X) or self-declared bot flag (Mastodon): a
    /// fact shown to the user, never a model input.
    #[serde(deserialize_with = "loose_bool")]
    pub automated: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    pub protected: Option<bool>,
}

fn loose_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(string_of(Loose::deserialize(d)?))
}

fn loose_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(count_of(Loose::deserialize(d)?))
}

fn loose_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(bool_of(Loose::deserialize(d)?))
}

fn string_of(v: Loose) -> Option<String> {
    match v {
        Loose::Str(s) if !s.is_empty() => Some(s),
        Loose::Int(i) => Some(i.to_string()),
        _ => None,
    }
}

/// Counts: non-negative integers. Mastodon reports a hidden count as -1, which means unknown.
fn count_of(v: Loose) -> Option<i64> {
    match v {
        Loose::Int(i) if i >= 0 => Some(i),
        Loose::Float(f) if (0.0..9.0e15).contains(&f) => Some(f as i64),
        Loose::Str(s) => s.trim().parse::<i64>().ok().filter(|i| *i >= 0),
        _ => None,
    }
}

fn bool_of(v: Loose) -> Option<bool> {
    match v {
        Loose::Bool(b) => Some(b),
        Loose::Int(0) => Some(false),
        Loose::Int(1) => Some(true),
        Loose::Str(s) => match s.as_str() {
            "true" | "True" | "TRUE" | "1" => Some(true),
            "false" | "False" | "FALSE" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

impl Account {
    /// Reads one account from the boundary's JSON reader, with the same lenient rules as
    /// the `Deserialize` impl (which the CLI and the tests use). A value that is not an
    /// object is the empty account (scored "unknown"); unknown keys are skipped unread.
    pub(crate) fn read(r: &mut Reader) -> Account {
        let mut a = Account::default();
        if !r.begin_object() {
            return a;
        }
        while let Some(key) = r.next_key() {
            let (string, count, flag) = match &*key {
                "key" => (Some(&mut a.key), None, None),
                "platform" => (Some(&mut a.platform), None, None),
                "id" => (Some(&mut a.id), None, None),
                "screen_name" => (Some(&mut a.screen_name), None, None),
                "name" => (Some(&mut a.name), None, None),
                "description" => (Some(&mut a.description), None, None),
                "location" => (Some(&mut a.location), None, None),
                "url" => (Some(&mut a.url), None, None),
                "created_at" => (Some(&mut a.created_at), None, None),
                "collected_at" => (Some(&mut a.collected_at), None, None),
                "followers_count" => (None, Some(&mut a.followers_count), None),
                "friends_count" => (None, Some(&mut a.friends_count), None),
                "statuses_count" => (None, Some(&mut a.statuses_count), None),
                "favourites_count" => (None, Some(&mut a.favourites_count), None),
                "listed_count" => (None, Some(&mut a.listed_count), None),
                "default_profile" => (None, None, Some(&mut a.default_profile)),
                "default_profile_image" => (None, None, Some(&mut a.default_profile_image)),
                "has_banner" => (None, None, Some(&mut a.has_banner)),
                "verified" => (None, None, Some(&mut a.verified)),
                "automated" => (None, None, Some(&mut a.automated)),
                "protected" => (None, None, Some(&mut a.protected)),
                _ => {
                    r.skip();
                    continue;
                }
            };
            let v = r.loose();
            if let Some(field) = string {
                *field = string_of(v);
            } else if let Some(field) = count {
                *field = count_of(v);
            } else if let Some(field) = flag {
                *field = bool_of(v);
            }
        }
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Account {
        serde_json::from_str(json).expect("lenient parse")
    }

    #[test]
    fn wrong_types_become_unknown() {
        let a = parse(
            r#"{"screen_name": 12, "followers_count": "x", "friends_count": -1,
                "statuses_count": [1], "verified": "maybe", "name": {"a": 1},
                "default_profile_image": 1, "favourites_count": "42"}"#,
        );
        assert_eq!(a.screen_name.as_deref(), Some("12"));
        assert_eq!(a.followers_count, None);
        assert_eq!(
            a.friends_count, None,
            "Mastodon's hidden count (-1) is unknown"
        );
        assert_eq!(a.statuses_count, None);
        assert_eq!(a.verified, None);
        assert_eq!(a.name, None);
        assert_eq!(a.default_profile_image, Some(true));
        assert_eq!(a.favourites_count, Some(42));
    }

    #[test]
    fn unknown_fields_and_nulls_are_ignored() {
        let a = parse(r#"{"label": "bot", "dataset": "x", "name": null, "description": ""}"#);
        assert_eq!(a, Account::default());
    }

    #[test]
    fn huge_strings_are_cut_on_a_char_boundary() {
        let long = "é".repeat(MAX_TEXT_CHARS + 50);
        let a = parse(&format!(r#"{{"name": "{long}"}}"#));
        assert_eq!(a.name.map(|n| n.chars().count()), Some(MAX_TEXT_CHARS));
    }
}
