//! Text normalisation for near-duplicate detection, and the hashtag and link extraction the
//! other coordination traces use.
//!
//! Only the *identity* of text matters here: nothing in this module knows what a word, a
//! hashtag or a site means. The normalisation removes what copy-paste campaigns vary cheaply
//! and what the sites add on their own (links, mentions, `RT`, case, punctuation, emoji).

/// Normalises post text to lower-case tokens separated by single spaces.
///
/// - `http(s)://…` and `www.…` links, `pic.twitter.com/…` and `@mentions` are removed
///   (TweetEval anonymises mentions to `@user`, IRA text keeps handles: both become nothing);
/// - a leading `RT` (old-style retweet prefix) is removed;
/// - `&amp;`-style entities left by some exports are decoded;
/// - Unicode lower case; `#` is dropped but the hashtag's word is kept;
/// - apostrophes and combining accents join (`don't` = `dont`), every other character that is
///   not a letter or a digit separates. Emoji, their variation selectors (U+FE0F), skin-tone
///   modifiers and zero-width joiners are therefore dropped entirely: an added or changed emoji
///   never changes the normalised text.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_into(text, &mut out);
    out
}

/// [`normalize`] into a reused buffer (cleared first); returns the number of words of the
/// result for the information rule, so it needs no second pass: the tokens (separated by
/// single spaces), where the characters of scripts written without spaces between words
/// ([`is_unspaced`]: Chinese, Japanese, Thai, ...) add one word per two characters, so that a
/// Japanese sentence counts about as many words as its English translation.
pub fn normalize_into(text: &str, out: &mut String) -> usize {
    out.clear();
    let text = decode_entities(text);
    let ascii = text.is_ascii();
    if ascii {
        normalize_ascii(&text, out);
    } else {
        normalize_general(&text, out);
    }
    while out.ends_with(' ') {
        out.pop();
    }
    if out.is_empty() {
        return 0;
    }
    let tokens = 1 + out.bytes().filter(|b| *b == b' ').count();
    if ascii {
        tokens
    } else {
        tokens + out.chars().filter(|c| is_unspaced(*c)).count() / 2
    }
}

/// Characters of scripts written without spaces between words: Thai, Lao, Myanmar, Khmer,
/// Japanese kana, and Chinese characters (CJK ideographs and their extensions).
pub fn is_unspaced(c: char) -> bool {
    matches!(u32::from(c),
        0x0E00..=0x0EFF // Thai, Lao
        | 0x1000..=0x109F // Myanmar
        | 0x1780..=0x17FF // Khmer
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x31F0..=0x31FF // Katakana phonetic extensions
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xF900..=0xFAFF // CJK compatibility ideographs
        | 0xFF66..=0xFF9F // half-width Katakana
        | 0x20000..=0x3134F) // CJK extensions B-G
}

/// [`normalize_into`] for any text (entities decoded).
fn normalize_general(text: &str, out: &mut String) {
    let mut first_token = true;
    for raw in text.split_whitespace() {
        if is_link(raw) {
            continue;
        }
        if first_token && raw == "RT" {
            first_token = false;
            continue;
        }
        first_token = false;
        normalize_token(raw, out);
        push_sep(out);
    }
}

/// [`normalize_general`] for an ASCII text: tokens split at the ASCII white space
/// (`char::is_whitespace` of U+0009..U+000D and U+0020) without decoding UTF-8.
fn normalize_ascii(text: &str, out: &mut String) {
    // Built as bytes (no UTF-8 encoding per char), then checked back into the string: every
    // byte pushed is ASCII.
    let mut buf = std::mem::take(out).into_bytes();
    normalize_ascii_bytes(text, &mut buf);
    *out = String::from_utf8(buf).unwrap_or_default();
}

fn normalize_ascii_bytes(text: &str, out: &mut Vec<u8>) {
    let bytes = text.as_bytes();
    let is_space = |b: u8| b == b' ' || (0x09..=0x0d).contains(&b);
    let mut first_token = true;
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && is_space(bytes[i]) {
            i += 1;
        }
        let start = i;
        // The token's end, and whether it holds a ':' (every link form but `www.` and `pic.`
        // has one): most tokens are then known not to be links without a second look.
        let mut colon = false;
        while i < bytes.len() && !is_space(bytes[i]) {
            colon |= bytes[i] == b':';
            i += 1;
        }
        let Some(raw) = text.get(start..i).filter(|t| !t.is_empty()) else {
            continue;
        };
        let lead = raw
            .bytes()
            .find(u8::is_ascii_alphanumeric)
            .unwrap_or_default();
        if (colon || matches!(lead, b'w' | b'W' | b'p' | b'P')) && is_link(raw) {
            continue;
        }
        if first_token && raw == "RT" {
            first_token = false;
            continue;
        }
        first_token = false;
        normalize_ascii_token(raw.as_bytes(), out);
        push_sep_bytes(out);
    }
}

fn push_sep_bytes(out: &mut Vec<u8>) {
    if out.last().is_some_and(|b| *b != b' ') {
        out.push(b' ');
    }
}

/// One whitespace-free token, any script (see [`normalize`]).
fn normalize_token(raw: &str, out: &mut String) {
    let mut chars = raw.chars().peekable();
    let mut prev_alnum = false;
    while let Some(c) = chars.next() {
        if c == '@' && !prev_alnum {
            // A mention: skip its handle (letters, digits, `_`, and `.`/`@` of Mastodon's
            // `@user@instance.social`).
            while let Some(&n) = chars.peek() {
                if n.is_alphanumeric() || matches!(n, '_' | '.' | '@' | '-') {
                    chars.next();
                } else {
                    break;
                }
            }
            push_sep(out);
            prev_alnum = false;
            continue;
        }
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            prev_alnum = true;
        } else if is_joiner(c) {
            // keeps the word together
        } else {
            push_sep(out);
            prev_alnum = false;
        }
    }
}

/// [`normalize_token`] for an ASCII token, byte by byte (most posts): the same rules, where
/// the letters and digits are the ASCII ones and the only joiners are `'` and `` ` ``.
fn normalize_ascii_token(raw: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    let mut prev_alnum = false;
    while i < raw.len() {
        let c = raw[i];
        i += 1;
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            prev_alnum = true;
        } else if c == b'@' && !prev_alnum {
            while i < raw.len()
                && (raw[i].is_ascii_alphanumeric() || matches!(raw[i], b'_' | b'.' | b'@' | b'-'))
            {
                i += 1;
            }
            push_sep_bytes(out);
            prev_alnum = false;
        } else if matches!(c, b'\'' | b'`') {
            // keeps the word together
        } else {
            push_sep_bytes(out);
            prev_alnum = false;
        }
    }
}

/// Letters and digits of a normalised text (the information rule's second count).
pub fn alnum_chars(normalized: &str) -> usize {
    if normalized.is_ascii() {
        normalized.bytes().filter(u8::is_ascii_alphanumeric).count()
    } else {
        normalized.chars().filter(|c| c.is_alphanumeric()).count()
    }
}

fn push_sep(out: &mut String) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

/// Characters removed without splitting a word: apostrophes and combining marks.
fn is_joiner(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '`' | '\u{00AD}')
        || ('\u{0300}'..='\u{036F}').contains(&c)
        || ('\u{1AB0}'..='\u{1AFF}').contains(&c)
        || ('\u{20D0}'..='\u{20FF}').contains(&c)
}

fn is_link(token: &str) -> bool {
    let t = token.trim_start_matches(|c: char| !c.is_alphanumeric());
    // Every form below has a ':' or starts with 'w'/'p': most words are rejected here (the
    // ASCII path asks only for tokens that pass this, from its own scan).
    if !t.as_bytes().contains(&b':')
        && !t
            .as_bytes()
            .first()
            .is_some_and(|b| matches!(b, b'w' | b'W' | b'p' | b'P'))
    {
        return false;
    }
    let starts = |p: &str| t.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    starts("http://")
        || starts("https://")
        || starts("www.")
        || starts("pic.twitter.com/")
        || t.as_bytes().windows(3).any(|w| w == b"://")
}

fn decode_entities(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('&') {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'"),
    )
}

/// The hashtags of `text` in order, lower-cased, without `#`. A `#` counts when it starts the
/// text or follows a character that is not a letter, digit or `&` (so `C#` and `&#39;` are no
/// hashtags), and is followed by letters, digits or `_` including at least one non-digit.
pub fn extract_hashtags(text: &str) -> Vec<String> {
    let mut tags = Vec::new();
    if !text.contains('#') && !text.contains('＃') {
        return tags;
    }
    let mut prev: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        let starts =
            matches!(c, '#' | '＃') && prev.map_or(true, |p| !(p.is_alphanumeric() || p == '&'));
        prev = Some(c);
        if !starts {
            continue;
        }
        let mut tag = String::new();
        while let Some(&(_, n)) = chars.peek() {
            if n.is_alphanumeric() || n == '_' || is_joiner(n) {
                if !is_joiner(n) {
                    tag.extend(n.to_lowercase());
                }
                prev = Some(n);
                chars.next();
            } else {
                break;
            }
        }
        if tag.chars().any(|c| !c.is_ascii_digit()) && tags.len() < super::post::MAX_LIST_ITEMS {
            tags.push(tag);
        }
    }
    tags
}

/// Normalises a list of hashtags handed in by an adapter (with or without `#`).
pub fn normalize_hashtags(tags: &[String]) -> Vec<String> {
    tags.iter()
        .map(|t| {
            t.trim()
                .trim_start_matches(['#', '＃'])
                .chars()
                .filter(|c| !is_joiner(*c))
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// The `http(s)://` links written in `text`, in order.
pub fn extract_urls(text: &str) -> Vec<String> {
    if find(text, b"http").is_none() {
        return Vec::new();
    }
    text.split_whitespace()
        .filter_map(|t| {
            let start = find(t, b"http://").or_else(|| find(t, b"https://"))?;
            let url = t[start..].trim_end_matches(|c: char| {
                matches!(
                    c,
                    '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '"' | '\'' | '…'
                )
            });
            Some(url.to_owned())
        })
        .take(super::post::MAX_LIST_ITEMS)
        .collect()
}

/// The byte offset of the first `pat` (ASCII) in `text` (no substring searcher to set up).
fn find(text: &str, pat: &[u8]) -> Option<usize> {
    let first = char::from(*pat.first()?);
    let mut from = 0;
    // `str::find` of one ASCII char is a memchr: the candidates are few.
    while let Some(at) = text.get(from..).and_then(|t| t.find(first)) {
        let at = from + at;
        if text.as_bytes().get(at..at + pat.len()) == Some(pat) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Domains whose links are the site itself (a quoted post, a profile, a photo) or its link
/// shortener: sharing them is not a shared external link.
pub const SITE_DOMAINS: &[&str] = &[
    "twitter.com",
    "x.com",
    "t.co",
    "twimg.com",
    "bsky.app",
    "bsky.social",
    "go.bsky.app",
];

/// A link reduced to what identifies its target: lower-case host without `www.`/`m.`/
/// `mobile.`, the path without a trailing `/`, the query without tracking parameters
/// (`utm_*`, `fbclid`, `gclid`, `igshid`, `si`, `ref`, `ref_src`, `s`, `t`), no fragment, no
/// scheme. `None` for anything that is not an `http(s)` link with a host, and for the site's
/// own domains ([`SITE_DOMAINS`]).
pub fn normalize_url(url: &str) -> Option<String> {
    let url = url.trim();
    let lower_scheme_len = if url
        .get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
    {
        8
    } else if url
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("http://"))
    {
        7
    } else {
        return None;
    };
    let rest = &url[lower_scheme_len..];
    let rest = rest.split('#').next().unwrap_or_default();
    let (host_port, path_query) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let host_port = host_port.rsplit('@').next().unwrap_or_default();
    let host = host_port
        .split(':')
        .next()
        .unwrap_or_default()
        .to_lowercase();
    let host = host.trim_end_matches('.');
    let host = ["www.", "m.", "mobile."]
        .iter()
        .find_map(|p| host.strip_prefix(p))
        .unwrap_or(host);
    if host.is_empty() || !host.contains('.') {
        return None;
    }
    if SITE_DOMAINS
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
    {
        return None;
    }
    let (path, query) = match path_query.find('?') {
        Some(i) => (&path_query[..i], &path_query[i + 1..]),
        None => (path_query, ""),
    };
    let path = path.trim_end_matches('/');
    let mut kept: Vec<&str> = query
        .split('&')
        .filter(|kv| {
            let key = kv
                .split('=')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            !(key.is_empty()
                || key.starts_with("utm_")
                || matches!(
                    key.as_str(),
                    "fbclid" | "gclid" | "igshid" | "si" | "ref" | "ref_src" | "s" | "t"
                ))
        })
        .collect();
    kept.sort_unstable();
    let mut out = format!("{host}{path}");
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_case_links_mentions_punctuation_and_emoji() {
        assert_eq!(
            normalize("RT @Some_One: Don't   MISS this!!! https://t.co/abc 👍🏽❤️ #Vote2016 @user"),
            "dont miss this vote2016"
        );
        assert_eq!(normalize("Ça   VA?\u{200D}👨‍👩‍👧"), "ça va");
        assert_eq!(normalize("e\u{301}te\u{301}"), "ete");
        assert_eq!(
            normalize("Hi .@bob, see www.example.com/x &amp; more"),
            "hi see more"
        );
        assert_eq!(normalize("💯"), "");
    }

    /// The byte-wise path for ASCII tokens gives what the general one gives.
    #[test]
    fn ascii_path_matches_general_path() {
        let alphabet = b"aZ09 '`@_.-#!?,:/&x";
        let mut state = 0x1234_5678_u64;
        for _ in 0..20_000 {
            let mut token = Vec::new();
            for _ in 0..(state % 12) {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                token.push(alphabet[(state >> 33) as usize % alphabet.len()]);
            }
            let token = String::from_utf8(token)
                .unwrap_or_default()
                .replace(' ', "");
            let (mut a, mut b) = (String::from("w "), b"w ".to_vec());
            normalize_token(&token, &mut a);
            normalize_ascii_token(token.as_bytes(), &mut b);
            assert_eq!(a.as_bytes(), b, "{token:?}");
        }
        assert_eq!(
            normalize_into("RT @a: Hello, World! x", &mut String::new()),
            3
        );
        assert_eq!(alnum_chars("hello wörld"), 10);
    }

    #[test]
    fn hashtags_in_order() {
        assert_eq!(
            extract_hashtags("#One two #Two_2, C# and &#39; #123 (#Three)"),
            vec!["one", "two_2", "three"]
        );
        assert_eq!(
            normalize_hashtags(&["#A".into(), "b".into(), "#".into()]),
            vec!["a", "b"]
        );
    }

    #[test]
    fn urls_are_normalized_and_site_links_dropped() {
        assert_eq!(
            normalize_url("HTTPS://www.Example.com/a/b/?utm_source=x&id=3&fbclid=9#frag"),
            Some("example.com/a/b?id=3".to_owned())
        );
        assert_eq!(
            normalize_url("http://m.example.com/a"),
            normalize_url("https://example.com/a/")
        );
        assert_eq!(normalize_url("https://t.co/abc"), None);
        assert_eq!(normalize_url("https://mobile.twitter.com/u/status/1"), None);
        assert_eq!(normalize_url("ftp://example.com"), None);
        assert_eq!(normalize_url("https://localhost/x"), None);
        assert_eq!(
            extract_urls("see https://a.example/x). and http://b.example"),
            vec!["https://a.example/x", "http://b.example"]
        );
    }
}
