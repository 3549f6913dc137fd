//! The normalized post: what a site adapter hands the coordination detector.
//!
//! Deserialization is lenient, as for [`crate::Account`]: page data is untrusted, so a
//! missing, `null` or wrong-typed field becomes `None` (or an empty list) instead of failing
//! the batch. A post without `post_id` or `account_key` is skipped by the clusterer.

use crate::loose::{truncate, Loose};
use serde::{Deserialize, Deserializer};

/// Longest post text kept (chars). Posts on every supported site are shorter; a longer one
/// is hostile input and is cut on a char boundary.
pub const MAX_POST_CHARS: usize = crate::loose::MAX_STR_CHARS;
/// Longest id, key, hashtag or URL kept (chars).
pub const MAX_FIELD_CHARS: usize = 500;
/// At most this many hashtags or URLs are read from one post.
pub const MAX_LIST_ITEMS: usize = crate::loose::MAX_LIST_ITEMS;

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
        Loose::List(items) => Some(items.iter().map(|s| truncate(s, MAX_FIELD_CHARS)).collect()),
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
