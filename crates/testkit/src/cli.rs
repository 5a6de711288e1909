//! What every program's command line shows: Go's log lines, `--help` and
//! `--version`, and a write to a full disk.

use crate::process::Program;

/// Asserts that `text` is exactly one Go `log` line, `2026/11/28 14:02:54
/// MESSAGE\n`, and returns MESSAGE.
pub fn go_log_message(text: &str) -> &str {
    let line = text
        .strip_suffix('\n')
        .unwrap_or_else(|| panic!("no newline at the end of {text:?}"));
    assert!(!line.contains('\n'), "more than one line: {text:?}");
    let (stamp, message) = line.split_at_checked(19).unwrap_or((line, ""));
    let stamp_ok = chrono::NaiveDateTime::parse_from_str(stamp, "%Y/%m/%d %H:%M:%S").is_ok();
    assert!(stamp_ok, "no Go log timestamp in {text:?}");
    message
        .strip_prefix(' ')
        .unwrap_or_else(|| panic!("no space after the timestamp in {text:?}"))
}

/// Asserts that program `name` explains itself: `--help` names the book's
/// listing, `--version` prints `NAME VERSION`, and an unknown flag is a
/// usage error (exit status 2), not a panic.
pub fn assert_help_and_version(exe: &str, name: &str) {
    assert_help_and_version_of(exe, name, name);
}

/// [`assert_help_and_version`] for a program named other than its listing,
/// such as a Rust-way binary: `--help` names `gopl.io/ch8/{listing}`,
/// `--version` prints `{name} VERSION`.
pub fn assert_help_and_version_of(exe: &str, listing: &str, name: &str) {
    let (status, out, _) = Program::start(exe, &["--help"]).finish();
    let help = String::from_utf8(out).expect("help is text");
    assert!(status.success());
    assert!(help.contains("Usage:"), "{help}");
    assert!(help.contains(&format!("gopl.io/ch8/{listing}")), "{help}");

    let (status, out, _) = Program::start(exe, &["--version"]).finish();
    assert!(status.success());
    let version = String::from_utf8(out).expect("version is text");
    assert!(version.starts_with(&format!("{name} ")), "{version}");

    let (status, _, err) = Program::start(exe, &["--no-such-flag"]).finish();
    assert_eq!(status.code(), Some(2), "{err}");
    assert!(
        err.contains("--no-such-flag") && !err.contains("panicked"),
        "{err}"
    );
}

/// Asserts that `exe`, writing to a full disk (`/dev/full`), stops with one
/// Go-style log line, `write /dev/stdout: no space left on device`, and
/// exit status 1, rather than going on or panicking.
pub fn assert_full_disk_fails(exe: &str) {
    let full = std::fs::File::create("/dev/full").expect("open /dev/full");
    let (status, _, err) = Program::start_with_stdout(exe, &[], full).finish();
    assert_eq!(status.code(), Some(1), "{err}");
    assert_eq!(
        go_log_message(&err),
        "write /dev/stdout: no space left on device"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_go_log_line_gives_its_message() {
        assert_eq!(
            go_log_message("2026/11/28 14:02:54 hello there\n"),
            "hello there"
        );
    }

    #[test]
    #[should_panic(expected = "more than one line")]
    fn two_log_lines_are_not_one() {
        go_log_message("2026/11/28 14:02:54 a\n2026/11/28 14:02:54 b\n");
    }

    #[test]
    #[should_panic(expected = "no Go log timestamp")]
    fn a_line_without_a_timestamp_is_no_log_line() {
        go_log_message("hello, this is not a log line\n");
    }
}
