//! Lenient reading of untrusted JSON values: any value is reduced to what the core's lenient
//! fields need, and anything else becomes `Nothing` instead of an error. Shared by
//! [`crate::Account`] and [`crate::coord::Post`] so a page that changes a field's type never
//! fails a batch. Knows no site.

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
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
    // At most `max` bytes is at most `max` chars: most strings need no walk.
    if s.len() <= max {
        return s.to_owned();
    }
    match s.char_indices().nth(max) {
        Some((i, _)) => s.get(..i).unwrap_or(s).to_owned(),
        None => s.to_owned(),
    }
}

/// Reads one post from the boundary's JSON reader, with the rules of
/// [`crate::coord::Post`]'s `Deserialize` impl (`src/coord/post.rs`; a test holds the two
/// equal). A value that is not an object is no post.
pub(crate) fn read_post(r: &mut Reader) -> Option<crate::coord::Post> {
    use crate::coord::post::MAX_FIELD_CHARS;
    let id = |v: Loose| match v {
        Loose::Str(s) if !s.trim().is_empty() => Some(truncate(&s, MAX_FIELD_CHARS)),
        Loose::Int(i) => Some(i.to_string()),
        _ => None,
    };
    let list = |v: Loose| match v {
        Loose::List(items) => Some(items.iter().map(|s| truncate(s, MAX_FIELD_CHARS)).collect()),
        _ => None,
    };
    let mut p = crate::coord::Post::default();
    if !r.begin_object() {
        return None;
    }
    while let Some(key) = r.next_key() {
        match &*key {
            "post_id" => p.post_id = id(r.loose()),
            "account_key" => p.account_key = id(r.loose()),
            "created_at" => p.created_at = id(r.loose()),
            "account_created_at" => p.account_created_at = id(r.loose()),
            "text" => {
                p.text = match r.loose() {
                    Loose::Str(s) if !s.is_empty() => Some(s),
                    _ => None,
                }
            }
            "hashtags" => p.hashtags = list(r.loose()),
            "urls" => p.urls = list(r.loose()),
            _ => r.skip(),
        }
    }
    Some(p)
}

/// The largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`). Integer
/// literals beyond it are read as non-integers, as `serde-wasm-bindgen` read the JS number.
const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;
/// Non-integer numbers are kept only as their integer part, capped to this magnitude (see
/// [`Reader::number`]).
const NUMBER_CAP: f64 = 9.0e15;

/// A lenient pull reader of one JSON text, for the wasm boundary: the background hands the
/// core one `JSON.stringify`d batch instead of crossing into JS field by field. It never
/// panics and never recurses: malformed input ends the read (what was read so far stands),
/// objects and arrays that are not asked for are skipped by bracket counting.
pub(crate) struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Reader { text, pos: 0 }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The next non-space byte, not consumed.
    fn peek(&mut self) -> Option<u8> {
        let b = self.bytes();
        while let Some(c) = b.get(self.pos) {
            if !matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(*c);
            }
            self.pos += 1;
        }
        None
    }

    /// Gives up on the rest of the text.
    fn stop(&mut self) {
        self.pos = self.text.len();
    }

    /// Enters an object when one comes next; anything else is skipped and `false` returned.
    pub(crate) fn begin_object(&mut self) -> bool {
        if self.peek() == Some(b'{') {
            self.pos += 1;
            true
        } else {
            self.skip();
            false
        }
    }

    /// Enters an array when one comes next; anything else is skipped and `false` returned.
    pub(crate) fn begin_array(&mut self) -> bool {
        if self.peek() == Some(b'[') {
            self.pos += 1;
            true
        } else {
            self.skip();
            false
        }
    }

    /// The next key of the object entered, positioned at its value (which the caller must
    /// read or skip); `None` at the object's end.
    pub(crate) fn next_key(&mut self) -> Option<Cow<'a, str>> {
        match self.peek() {
            Some(b'}') => {
                self.pos += 1;
                return None;
            }
            Some(b',') => self.pos += 1,
            _ => {}
        }
        if self.peek() != Some(b'"') {
            self.stop();
            return None;
        }
        let key = self.string();
        if self.peek() != Some(b':') {
            self.stop();
            return None;
        }
        self.pos += 1;
        key
    }

    /// Whether another item of the array entered follows (positioned at it).
    pub(crate) fn next_item(&mut self) -> bool {
        if self.peek() == Some(b',') {
            self.pos += 1;
        } else if self.peek() == Some(b']') {
            self.pos += 1;
            return false;
        }
        // A value must start here; anything else (a closer, a colon, the end) ends the read,
        // so a caller's loop always moves on.
        match self.peek() {
            Some(b']' | b'}' | b':' | b',') | None => {
                self.stop();
                false
            }
            Some(_) => true,
        }
    }

    /// One value, reduced as [`Loose`] reduces it (objects and nested lists skipped).
    pub(crate) fn loose(&mut self) -> Loose {
        match self.peek() {
            Some(b'"') => match self.string() {
                Some(s) => Loose::Str(truncate(&s, MAX_STR_CHARS)),
                None => Loose::Nothing,
            },
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                while self.next_item() {
                    if self.peek() == Some(b'"') {
                        if let Some(s) = self.string() {
                            if items.len() < MAX_LIST_ITEMS && !s.is_empty() {
                                items.push(truncate(&s, MAX_STR_CHARS));
                            }
                        }
                    } else {
                        self.skip();
                    }
                }
                Loose::List(items)
            }
            Some(b't') => self.literal("true", Loose::Bool(true)),
            Some(b'f') => self.literal("false", Loose::Bool(false)),
            Some(b'n') => self.literal("null", Loose::Nothing),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => {
                self.skip();
                Loose::Nothing
            }
        }
    }

    fn literal(&mut self, word: &str, value: Loose) -> Loose {
        if self
            .text
            .get(self.pos..)
            .is_some_and(|t| t.starts_with(word))
        {
            self.pos += word.len();
            value
        } else {
            self.stop();
            Loose::Nothing
        }
    }

    /// A number. An integer literal within JS's safe range is `Int`; any other number (a
    /// fraction, an exponent, a huge integer) is `Float` of its integer part toward zero,
    /// capped to ±9e15, or -1 when negative: the core reads numbers only as counts and times,
    /// which takes a non-negative integer part, and this needs no decimal-to-float code in
    /// the wasm.
    fn number(&mut self) -> Loose {
        let b = self.bytes();
        let start = self.pos;
        while b
            .get(self.pos)
            .is_some_and(|c| matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
        {
            self.pos += 1;
        }
        let t = b.get(start..self.pos).unwrap_or_default();
        let (neg, t) = match t.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, t),
        };
        let int_len = t.iter().take_while(|c| c.is_ascii_digit()).count();
        if int_len == 0 {
            return Loose::Nothing;
        }
        if int_len == t.len() {
            let mut v: i64 = 0;
            for c in t {
                v = match v
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(i64::from(c - b'0')))
                {
                    Some(v) if v <= MAX_SAFE_INTEGER => v,
                    _ => return Loose::Float(if neg { -1.0 } else { NUMBER_CAP }),
                };
            }
            return Loose::Int(if neg { -v } else { v });
        }
        // Mantissa digits (at most 30 kept) and the power of ten that scales them.
        let (mut mant, mut scale, mut kept, mut seen_point) = (0u128, 0i64, 0u32, false);
        let mut rest = t;
        while let Some((&c, tail)) = rest.split_first() {
            match c {
                b'0'..=b'9' if kept < 30 => {
                    mant = mant * 10 + u128::from(c - b'0');
                    if mant > 0 {
                        kept += 1;
                    }
                    scale -= i64::from(seen_point);
                }
                b'0'..=b'9' => scale += i64::from(!seen_point),
                b'.' if !seen_point => seen_point = true,
                b'e' | b'E' => {
                    let (eneg, digits) = match tail.split_first() {
                        Some((b'-', d)) => (true, d),
                        Some((b'+', d)) => (false, d),
                        _ => (false, tail),
                    };
                    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                        return Loose::Nothing;
                    }
                    let e = digits
                        .iter()
                        .fold(0i64, |e, d| (e * 10 + i64::from(d - b'0')).min(100_000));
                    scale += if eneg { -e } else { e };
                    break;
                }
                _ => return Loose::Nothing,
            }
            rest = tail;
        }
        if mant == 0 {
            return Loose::Float(0.0);
        }
        if neg {
            return Loose::Float(-1.0);
        }
        let int = if scale >= 0 {
            u32::try_from(scale)
                .ok()
                .and_then(|s| 10u128.checked_pow(s))
                .and_then(|p| mant.checked_mul(p))
        } else {
            Some(
                u32::try_from(-scale)
                    .ok()
                    .and_then(|s| 10u128.checked_pow(s))
                    .map_or(0, |p| mant / p),
            )
        };
        Loose::Float(match int {
            Some(i) if i < NUMBER_CAP as u128 => i as f64,
            _ => NUMBER_CAP,
        })
    }

    /// A string at the cursor (which is at its opening quote), unescaped. Lone surrogates
    /// become U+FFFD, as they did when JS strings crossed into Rust.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let b = self.bytes();
        self.pos += 1;
        let start = self.pos;
        // The common case: no escape, borrowed as is (quote and backslash are ASCII, so the
        // slice ends on a char boundary).
        while let Some(&c) = b.get(self.pos) {
            match c {
                b'"' => {
                    let s = self.text.get(start..self.pos);
                    self.pos += 1;
                    return s.map(Cow::Borrowed);
                }
                b'\\' => break,
                _ => self.pos += 1,
            }
        }
        let mut out = String::from(self.text.get(start..self.pos)?);
        loop {
            let run = self.pos;
            while b.get(self.pos).is_some_and(|c| *c != b'"' && *c != b'\\') {
                self.pos += 1;
            }
            out.push_str(self.text.get(run..self.pos)?);
            match b.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Some(Cow::Owned(out));
                }
                Some(b'\\') => {
                    let c = *b.get(self.pos + 1)?;
                    self.pos += 2;
                    out.push(match c {
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'u' => self.unicode_escape(),
                        other => char::from(other),
                    });
                }
                _ => {
                    self.stop();
                    return None;
                }
            }
        }
    }

    /// The char of a `\u` escape whose four hex digits are at the cursor (a surrogate pair
    /// takes the following `\uXXXX` too).
    fn unicode_escape(&mut self) -> char {
        let hi = self.hex4();
        if (0xD800..0xDC00).contains(&hi)
            && self
                .text
                .get(self.pos..)
                .is_some_and(|t| t.starts_with("\\u"))
        {
            let save = self.pos;
            self.pos += 2;
            let lo = self.hex4();
            if (0xDC00..0xE000).contains(&lo) {
                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                return char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER);
            }
            self.pos = save;
        }
        char::from_u32(hi).unwrap_or(char::REPLACEMENT_CHARACTER)
    }

    /// Four hex digits at the cursor (a bad one reads as U+FFFD's code, consuming what was
    /// there).
    fn hex4(&mut self) -> u32 {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = self
                .bytes()
                .get(self.pos)
                .and_then(|c| char::from(*c).to_digit(16));
            let Some(d) = d else {
                return 0xFFFD;
            };
            v = v * 16 + d;
            self.pos += 1;
        }
        v
    }

    /// Skips one value of any kind, by bracket counting (no recursion).
    pub(crate) fn skip(&mut self) {
        let b = self.bytes();
        let mut depth = 0usize;
        loop {
            let Some(c) = self.peek() else { return };
            match c {
                b'"' => {
                    self.pos += 1;
                    while let Some(&c) = b.get(self.pos) {
                        self.pos += if c == b'\\' { 2 } else { 1 };
                        if c == b'"' {
                            break;
                        }
                    }
                }
                b'{' | b'[' => {
                    depth += 1;
                    self.pos += 1;
                }
                b'}' | b']' => {
                    if depth == 0 {
                        return; // the end of the enclosing value: not ours to consume
                    }
                    depth -= 1;
                    self.pos += 1;
                }
                b',' | b':' if depth > 0 => self.pos += 1,
                b',' => return, // the enclosing list's or object's to read
                b':' => {
                    self.stop();
                    return;
                }
                _ => {
                    // A scalar: a number or a literal.
                    while b.get(self.pos).is_some_and(|c| {
                        !matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t' | b':')
                    }) {
                        self.pos += 1;
                    }
                }
            }
            if depth == 0 {
                return;
            }
        }
    }
}
