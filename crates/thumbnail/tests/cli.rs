//! The `thumbnail` program: names on standard input, thumbnails' names on
//! standard output, Go-style log lines on standard error.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;

use testkit::Program;
use testkit::photos::{bad_inputs, photos, snapshot};

/// Runs `thumbnail ARGS` with `input` on standard input; returns the exit
/// code, standard output and the log lines without their timestamps.
fn thumbnail(args: &[&str], input: &str) -> (i32, String, Vec<String>) {
    let mut program = Program::start(env!("CARGO_BIN_EXE_thumbnail"), args);
    let mut stdin = program.child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    let (status, out, err) = program.finish();
    let log = err
        .lines()
        .map(|line| without_timestamp(line).to_string())
        .collect();
    (status.code().unwrap(), String::from_utf8(out).unwrap(), log)
}

/// A Go log line less its `2026/11/28 14:02:54 ` (checked to be there).
fn without_timestamp(line: &str) -> &str {
    let (date, rest) = line.split_at(20);
    let shape = date.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'/',
        10 | 19 => b == b' ',
        13 | 16 => b == b':',
        _ => b.is_ascii_digit(),
    });
    assert!(shape, "not a Go log line: {line:?}");
    rest
}

fn lines(names: &[String]) -> String {
    names.iter().map(|f| format!("{f}\n")).collect()
}

fn set(text: &str) -> BTreeSet<String> {
    text.lines().map(String::from).collect()
}

#[test]
fn prints_each_name_logs_each_failure_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let (files, thumbs) = photos(dir.path(), 2);
    let bad = bad_inputs(dir.path());
    let mut input = vec![files[0].clone()];
    input.extend(bad.iter().map(|(f, _)| f.clone()));
    input.push(files[1].clone());
    let before = snapshot(dir.path());

    let (code, out, log) = thumbnail(&[], &lines(&input));
    assert_eq!(code, 0);
    assert_eq!(out, lines(&thumbs)); // in order: one file after another
    let messages: Vec<String> = bad.into_iter().map(|(_, m)| m).collect();
    assert_eq!(log, messages);

    // The two thumbnails are all that is new; the inputs are as they were.
    let after = snapshot(dir.path());
    assert_eq!(after.len(), before.len() + 2);
    for (name, contents) in &before {
        assert_eq!(after.get(name), Some(contents), "{name} changed");
    }
}

#[test]
fn end_of_input_at_once_is_fine() {
    for variant in ["1", "2", "3", "4", "5"] {
        let (code, out, _) = thumbnail(&["--variant", variant], "");
        assert_eq!((code, out.as_str()), (0, ""), "variant {variant}");
    }
    assert_eq!(thumbnail(&["--variant", "6"], "").1, "0\n");
}

#[test]
fn variant5_prints_every_name_or_stops_at_the_first_error() {
    let dir = tempfile::tempdir().unwrap();
    let (mut files, thumbs) = photos(dir.path(), 6);
    let (code, out, log) = thumbnail(&["--variant", "5", "--jobs", "2"], &lines(&files));
    assert_eq!((code, log), (0, vec![]));
    assert_eq!(set(&out), set(&lines(&thumbs)));

    let (empty, message) = bad_inputs(dir.path()).swap_remove(1);
    files.insert(3, empty);
    let (code, out, log) = thumbnail(&["--variant", "5"], &lines(&files));
    assert_eq!((code, out.as_str(), log), (1, "", vec![message]));
}

#[test]
fn variant4_is_silent_or_stops_at_the_first_error() {
    let dir = tempfile::tempdir().unwrap();
    let (mut files, thumbs) = photos(dir.path(), 4);
    let (code, out, log) = thumbnail(&["--variant", "4"], &lines(&files));
    assert_eq!((code, out.as_str(), log), (0, "", vec![]));
    assert!(thumbs.iter().all(|f| fs::metadata(f).is_ok()));

    let (missing, message) = bad_inputs(dir.path()).swap_remove(0);
    files.insert(1, missing);
    let (code, out, log) = thumbnail(&["--variant", "4", "--jobs", "1"], &lines(&files));
    assert_eq!((code, out.as_str(), log), (1, "", vec![message]));
}

#[test]
fn variant3_is_silent_and_makes_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let (mut files, thumbs) = photos(dir.path(), 4);
    files.push(bad_inputs(dir.path()).swap_remove(2).0);
    let (code, out, log) = thumbnail(&["--variant", "3"], &lines(&files));
    assert_eq!((code, out.as_str(), log), (0, "", vec![])); // NOTE: ignoring errors
    assert!(thumbs.iter().all(|f| fs::metadata(f).is_ok()));
}

#[test]
fn variant6_prints_the_total_bytes_and_logs_failures() {
    let dir = tempfile::tempdir().unwrap();
    let (mut files, thumbs) = photos(dir.path(), 5);
    let (truncated, message) = bad_inputs(dir.path()).swap_remove(3);
    files.insert(2, truncated);
    let (code, out, log) = thumbnail(&["--variant", "6", "--jobs", "3"], &lines(&files));
    let sizes: u64 = thumbs.iter().map(|f| fs::metadata(f).unwrap().len()).sum();
    assert_eq!((code, out, log), (0, format!("{sizes}\n"), vec![message]));
}

#[test]
fn variant2_owns_up_to_returning_too_soon() {
    let dir = tempfile::tempdir().unwrap();
    let (files, _) = photos(dir.path(), 2);
    let (code, out, log) = thumbnail(&["--variant", "2"], &lines(&files));
    assert_eq!((code, out.as_str()), (0, ""));
    assert_eq!(log.len(), 1);
    assert!(
        log[0].starts_with("makeThumbnails2 returned before"),
        "{log:?}"
    );
    // The threads it ended leave no half-written file: thumbnails are made
    // in memory, and their temporary file lives for one write only.
    let left = testkit::photos::names(dir.path());
    assert!(!left.iter().any(|f| f.contains("/.thumbnail.")), "{left:?}");
}

#[test]
fn bad_flags_get_one_clear_error() {
    for args in [&["--variant", "7"][..], &["--jobs", "0"], &["--jobs", "x"]] {
        let program = Program::start(env!("CARGO_BIN_EXE_thumbnail"), args);
        let (status, out, err) = program.finish();
        assert_eq!(status.code(), Some(2), "{args:?}");
        assert!(out.is_empty());
        assert!(err.starts_with("error: invalid value"), "{args:?}: {err}");
    }
    let (status, out, _) = Program::start(env!("CARGO_BIN_EXE_thumbnail"), &["--help"]).finish();
    assert!(status.success());
    let help = String::from_utf8(out).unwrap();
    assert!(
        help.contains("--variant") && help.contains("makeThumbnails6"),
        "{help}"
    );
}
