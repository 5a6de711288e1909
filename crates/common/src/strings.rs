//! Go's `strings.ToUpper` and `strings.ToLower`, for any bytes.
//!
//! Go maps a string rune by rune with Unicode's *simple* case mapping, one
//! character to one character, and each byte that is not valid UTF-8 becomes
//! U+FFFD. Rust's `str::to_uppercase` uses the *full* mapping instead
//! (`ß` → `SS`), so we map each `char` ourselves and keep Go's answer where
//! the two differ.

/// Go's `strings.ToUpper(s)`.
pub fn to_upper(s: &[u8]) -> Vec<u8> {
    map_runes(s, simple_upper)
}

/// Go's `strings.ToLower(s)`.
pub fn to_lower(s: &[u8]) -> Vec<u8> {
    map_runes(s, simple_lower)
}

/// Go's `strings.Map`: applies `mapping` to each rune of `s`; an invalid
/// byte decodes, as in Go, to one U+FFFD.
fn map_runes(mut s: &[u8], mapping: fn(char) -> char) -> Vec<u8> {
    let mut out = String::with_capacity(s.len());
    loop {
        match std::str::from_utf8(s) {
            Ok(valid) => {
                out.extend(valid.chars().map(mapping));
                return out.into_bytes();
            }
            Err(err) => {
                let (valid, rest) = s.split_at(err.valid_up_to());
                // `valid` holds only valid UTF-8: nothing is replaced here.
                out.extend(String::from_utf8_lossy(valid).chars().map(mapping));
                // Go's utf8.DecodeRune takes one byte at a time from a bad
                // sequence, where Rust's from_utf8_lossy takes the longest
                // bad prefix: `E2 82 41` is two U+FFFD and `A` in Go.
                out.push(char::REPLACEMENT_CHARACTER);
                s = &rest[1..];
            }
        }
    }
}

/// Go's `unicode.ToUpper(c)`.
fn simple_upper(c: char) -> char {
    let mut full = c.to_uppercase();
    match (full.next(), full.next()) {
        (Some(upper), None) => upper,
        // The full mapping has several characters: the simple one is in
        // Unicode's tables, and is the character itself except for these
        // Greek letters with iota below (ᾳ → ᾼ, not ΑΙ).
        _ => match c {
            '\u{1F80}'..='\u{1F87}' | '\u{1F90}'..='\u{1F97}' | '\u{1FA0}'..='\u{1FA7}' => {
                char::from_u32(c as u32 + 8).unwrap_or(c)
            }
            '\u{1FB3}' => '\u{1FBC}',
            '\u{1FC3}' => '\u{1FCC}',
            '\u{1FF3}' => '\u{1FFC}',
            _ => c,
        },
    }
}

/// Go's `unicode.ToLower(c)`.
fn simple_lower(c: char) -> char {
    let mut full = c.to_lowercase();
    match (full.next(), full.next()) {
        (Some(lower), None) => lower,
        // Only İ has a longer full lowercase (i̇); its simple one is i.
        _ if c == '\u{130}' => 'i',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upper(s: &str) -> String {
        String::from_utf8(to_upper(s.as_bytes())).unwrap()
    }

    fn lower(s: &str) -> String {
        String::from_utf8(to_lower(s.as_bytes())).unwrap()
    }

    #[test]
    fn ascii_and_beyond() {
        assert_eq!(upper("Hello?"), "HELLO?");
        assert_eq!(lower("Hello?"), "hello?");
        assert_eq!(upper("Grüße, Ελλάδα"), "GRÜßE, ΕΛΛΆΔΑ");
        assert_eq!(lower("GRÜẞE, ΕΛΛΆΔΑΣ"), "grüße, ελλάδασ");
        assert_eq!(upper("ﬁ ǆ ŉ"), "ﬁ Ǆ ŉ");
        assert_eq!(upper("ᾳ ᾀ ῳ"), "ᾼ ᾈ ῼ");
        assert_eq!(lower("İ"), "i");
        assert_eq!(lower("ǅ"), "ǆ");
    }

    #[test]
    fn each_invalid_byte_becomes_one_replacement_character() {
        assert_eq!(to_upper(b"a\xffb"), "A\u{FFFD}B".as_bytes());
        assert_eq!(to_lower(b"\xe2\x82A"), "\u{FFFD}\u{FFFD}a".as_bytes());
        assert_eq!(to_upper(b"\xc3"), "\u{FFFD}".as_bytes());
    }
}
