//! Lenient reading of untrusted JSON values: any value is reduced to what the core's lenient
//! fields need, and anything else becomes `Nothing` instead of an error. Shared by
//! [`crate::Account`] and [`crate::coord::Post`] so a page that changes a field's type never
//! fails a batch. Knows no site.

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// Longest string kept from the page (chars); longer ones are cut on a char boundary. Names,
/// bios and posts are short on every site; a 100 KB "name" is hostile input, not data.
pub const MAX_STR_CHARS: usize = 2_000;
/// At most this many string items are kept from a list.
pub const MAX_LIST_ITEMS: usize = 32;

/// Any JSON value, reduced. Objects and nested lists are skipped.
pub(crate) enum Loose {
    Nothing,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// The non-empty string items of a list, at most [`MAX_LIST_ITEMS`].
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
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Loose, E> {
        Ok(Loose::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Loose, E> {
        Ok(Loose::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Loose, E> {
        Ok(i64::try_from(v).map_or(Loose::Float(v as f64), Loose::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Loose, E> {
        Ok(Loose::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Loose, E> {
        Ok(Loose::Str(truncate(v, MAX_STR_CHARS)))
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
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Loose, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Loose>()? {
            if let Loose::Str(s) = item {
                if items.len() < MAX_LIST_ITEMS && !s.is_empty() {
                    items.push(s);
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

/// `s` cut to at most `max` chars, on a char boundary.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => s[..i].to_owned(),
        None => s.to_owned(),
    }
}
