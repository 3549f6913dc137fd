//! The normalized post: what a site adapter hands the coordination detector.
//!
//! Deserialization is lenient, as for [`crate::Account`]: page data is untrusted, so a
//! missing, `null` or wrong-typed field becomes `None` (or an empty list) instead of failing
//! the batch. A post without `post_id` or `account_key` is skipped by the clusterer.

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// Longest post text kept (chars). Posts on every supported site are shorter; a longer one
/// is hostile input and is cut on a char boundary.
pub const MAX_POST_CHARS: usize = 2_000;
/// Longest id, key, hashtag or URL kept (chars).
pub const MAX_FIELD_CHARS: usize = 500;
/// At most this many hashtags or URLs are read from one post.
pub const MAX_LIST_ITEMS: usize = 32;

/// One post as seen by the coordination detector. See `docs/CONTRACTS.md`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Post {
    /// Site post id, unique within the page.
    #[serde(deserialize_with = "loose_id")]
    pub post_id: Option<String>,
    /// The author's normalized account key (`"x:12345"`), as in [`crate::Account::key`].
    #[serde(deserialize_with = "loose_id")]
    pub account_key: Option<String>,
    /// The post's visible text.
    #[serde(deserialize_with = "loose_text")]
    pub text: Option<String>,
    /// Post time, ISO 8601 UTC (unused by the current rules, kept for the contract).
    #[serde(deserialize_with = "loose_id")]
    pub created_at: Option<String>,
    /// Hashtags in order, without `#`. When absent they are read from `text`.
    #[serde(deserialize_with = "loose_list")]
    pub hashtags: Option<Vec<String>>,
    /// Expanded link targets in order. When absent, `http(s)://` links are read from `text`.
    #[serde(deserialize_with = "loose_list")]
    pub urls: Option<Vec<String>>,
    /// The author's account creation time, ISO 8601 UTC.
    #[serde(deserialize_with = "loose_id")]
    pub account_created_at: Option<String>,
}

/// Any JSON value, reduced to what the lenient fields need.
enum Loose {
    Nothing,
    Int(i64),
    Str(String),
    List(Vec<String>),
}

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LooseVisitor)
    }
}

struct LooseVisitor;

impl<'de> Visitor<'de> for LooseVisitor {
    type Value = Loose;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Loose, E> {
        Ok(Loose::Nothing)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Loose, E> {
        Ok(Loose::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Loose, E> {
        Ok(i64::try_from(v).map_or(Loose::Nothing, Loose::Int))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Loose, E> {
        Ok(Loose::Nothing)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Loose, E> {
        Ok(Loose::Str(truncate(v, MAX_POST_CHARS)))
    }
    fn visit_none<E: de::Error>(self) -> Result<Loose, E> {
        Ok(Loose::Nothing)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Loose, E> {
        Ok(Loose::Nothing)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Loose, D::Error> {
        Loose::deserialize(d)
    }
    /// Lists keep their string items (up to [`MAX_LIST_ITEMS`]); anything else is skipped.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Loose, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Loose>()? {
            if let Loose::Str(s) = item {
                if items.len() < MAX_LIST_ITEMS && !s.is_empty() {
                    items.push(truncate(&s, MAX_FIELD_CHARS));
                }
            }
        }
        Ok(Loose::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Loose, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Loose::Nothing)
    }
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => s[..i].to_owned(),
        None => s.to_owned(),
    }
}

fn loose_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Loose::deserialize(d)? {
        Loose::Str(s) if !s.trim().is_empty() => Some(truncate(&s, MAX_FIELD_CHARS)),
        Loose::Int(i) => Some(i.to_string()),
        _ => None,
    })
}

fn loose_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Loose::deserialize(d)? {
        Loose::Str(s) if !s.is_empty() => Some(s),
        _ => None,
    })
}

fn loose_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    Ok(match Loose::deserialize(d)? {
        Loose::List(items) => Some(items),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Post {
        serde_json::from_str(json).expect("lenient parse")
    }

    #[test]
    fn wrong_types_become_unknown() {
        let p = parse(
            r#"{"post_id": 123, "account_key": {"a": 1}, "text": 5, "hashtags": "x",
                "urls": ["https://a.example/x", 3, null, ["nested"]], "account_created_at": true,
                "extra": [1, 2]}"#,
        );
        assert_eq!(p.post_id.as_deref(), Some("123"));
        assert_eq!(p.account_key, None);
        assert_eq!(p.text, None);
        assert_eq!(p.hashtags, None);
        assert_eq!(p.urls, Some(vec!["https://a.example/x".to_owned()]));
        assert_eq!(p.account_created_at, None);
    }

    #[test]
    fn long_text_is_cut_and_lists_are_capped() {
        let long = "é".repeat(MAX_POST_CHARS + 10);
        let tags: Vec<String> = (0..100).map(|i| format!("\"t{i}\"")).collect();
        let p = parse(&format!(
            r#"{{"text": "{long}", "hashtags": [{}]}}"#,
            tags.join(",")
        ));
        assert_eq!(p.text.map(|t| t.chars().count()), Some(MAX_POST_CHARS));
        assert_eq!(p.hashtags.map(|h| h.len()), Some(MAX_LIST_ITEMS));
    }
}
