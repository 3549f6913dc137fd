//! Minimal, allocation-free timestamp parsing for the two forms the core receives:
//! ISO 8601 dates (`2019-06-06`) and UTC date-times (`2013-12-14T04:35:55Z`, optionally with
//! fractional seconds or a `+hh:mm` offset). A full date library would cost wasm size for
//! nothing: adapters normalize every site's format to these.

/// Seconds since the Unix epoch, or `None` when the text is not a plausible timestamp.
pub fn parse_unix_seconds(text: &str) -> Option<i64> {
    let s = text.trim().as_bytes();
    if s.len() < 10 || s[4] != b'-' || s[7] != b'-' {
        return None;
    }
    let year = digits(&s[0..4])?;
    let month = digits(&s[5..7])?;
    let day = digits(&s[8..10])?;
    if !(1970..=2200).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut secs = days_from_civil(year, month, day) * 86_400;
    let rest = &s[10..];
    if rest.is_empty() {
        return Some(secs);
    }
    if rest.len() < 9 || !(rest[0] == b'T' || rest[0] == b' ') || rest[3] != b':' {
        return None;
    }
    let (h, m) = (digits(&rest[1..3])?, digits(&rest[4..6])?);
    let sec = if rest[6] == b':' {
        digits(&rest[7..9])?
    } else {
        return None;
    };
    if h > 23 || m > 59 || sec > 60 {
        return None;
    }
    secs += h * 3600 + m * 60 + sec;
    let mut tail = &rest[9..];
    if let Some(b'.') = tail.first() {
        let n = tail[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        tail = &tail[1 + n..];
    }
    match tail {
        [] | [b'Z'] | [b'z'] => Some(secs),
        [sign @ (b'+' | b'-'), oh1, oh2, b':', om1, om2]
        | [sign @ (b'+' | b'-'), oh1, oh2, om1, om2] => {
            let off = digits(&[*oh1, *oh2])? * 3600 + digits(&[*om1, *om2])? * 60;
            Some(if *sign == b'+' {
                secs - off
            } else {
                secs + off
            })
        }
        _ => None,
    }
}

fn digits(b: &[u8]) -> Option<i64> {
    b.iter().try_fold(0i64, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::parse_unix_seconds as p;

    #[test]
    fn known_instants() {
        assert_eq!(p("1970-01-01"), Some(0));
        assert_eq!(p("2013-12-14T04:35:55Z"), Some(1_386_995_755));
        assert_eq!(p("2013-12-14T04:35:55.123Z"), Some(1_386_995_755));
        assert_eq!(p("2013-12-14T06:35:55+02:00"), Some(1_386_995_755));
        assert_eq!(p("2000-02-29T00:00:00Z"), Some(951_782_400));
    }

    #[test]
    fn garbage_is_none() {
        for bad in [
            "",
            "yesterday",
            "2013-13-01",
            "2013-12-14T25:00:00Z",
            "2013-12-14Tx",
            "１２３４-01-01",
        ] {
            assert_eq!(p(bad), None, "{bad}");
        }
    }
}
