//! What the tests of the clocks (clock1, clock2) and of their client
//! (netcat1) share.

/// Asserts that `line` is a clock line, `HH:MM:SS\n`.
pub fn assert_clock_line(line: &[u8]) {
    let text = String::from_utf8_lossy(line);
    let ok = line.len() == 9
        && line[8] == b'\n'
        && chrono::NaiveTime::parse_from_str(&text[..8], "%H:%M:%S").is_ok();
    assert!(ok, "not a HH:MM:SS line: {text:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_line_is_hh_mm_ss_and_a_newline() {
        assert_clock_line(b"14:02:54\n");
    }

    #[test]
    #[should_panic(expected = "not a HH:MM:SS line")]
    fn without_its_newline_it_is_not_a_clock_line() {
        assert_clock_line(b"14:02:54");
    }

    #[test]
    #[should_panic(expected = "not a HH:MM:SS line")]
    fn an_impossible_time_is_not_a_clock_line() {
        assert_clock_line(b"25:61:00\n");
    }
}
