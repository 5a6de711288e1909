//! The `thumbnail` program: names on standard input, thumbnails' names on
//! standard output, Go-style log lines on standard error. (The tests
//! thumbnail_rayon shares live in `testkit::same_job`.)

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;

use testkit::cli::go_log_message;
use testkit::photos::{
    bad_inputs, dimensions, grey_jpeg, jpeg, jpeg_claiming, photos, png_claiming, snapshot, thumb,
};
use testkit::{Program, same_job, within_patience};

const THUMBNAIL: &str = env!("CARGO_BIN_EXE_thumbnail");

/// Runs `thumbnail ARGS` with `input` on standard input; returns the exit
/// code, standard output and standard error, as bytes.
fn run(args: &[&str], input: &[u8]) -> (i32, Vec<u8>, Vec<u8>) {
    let mut program = Program::start(THUMBNAIL, args);
    let mut stdin = program.child.stdin.take().unwrap();
    let input = input.to_vec();
    // The program may stop reading before the end (a line too long, as
    // Go's does): a write that fails then is no failure of the test.
    let writer = thread::spawn(move || drop(stdin.write_all(&input)));
    let read_all = |mut from: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            from.read_to_end(&mut bytes).unwrap();
            bytes
        })
    };
    let out = read_all(Box::new(program.child.stdout.take().unwrap()));
    let err = read_all(Box::new(program.child.stderr.take().unwrap()));
    let (status, _, _) = program.finish();
    writer.join().unwrap();
    (
        status.code().unwrap(),
        out.join().unwrap(),
        err.join().unwrap(),
    )
}

/// Runs `thumbnail ARGS` with `input` on standard input; returns the exit
/// code, standard output and the log lines without their timestamps.
fn thumbnail(args: &[&str], input: &str) -> (i32, String, Vec<String>) {
    let (code, out, err) = run(args, input.as_bytes());
    let err = String::from_utf8(err).unwrap();
    let log = err
        .lines()
        .map(|line| without_timestamp(line).to_string())
        .collect();
    (code, String::from_utf8(out).unwrap(), log)
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

fn lines(names: &[PathBuf]) -> String {
    names.iter().map(|f| format!("{}\n", f.display())).collect()
}

fn set(text: &str) -> BTreeSet<String> {
    text.lines().map(String::from).collect()
}

#[test]
fn prints_each_name_logs_each_failure_and_goes_on() {
    same_job::thumbnail_prints_each_name_logs_each_failure_and_goes_on(THUMBNAIL);
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
        let program = Program::start(THUMBNAIL, args);
        let (status, out, err) = program.finish();
        assert_eq!(status.code(), Some(2), "{args:?}");
        assert!(out.is_empty());
        assert!(err.starts_with("error: invalid value"), "{args:?}: {err}");
    }
    let (status, out, _) = Program::start(THUMBNAIL, &["--help"]).finish();
    assert!(status.success());
    let help = String::from_utf8(out).unwrap();
    assert!(
        help.contains("--variant") && help.contains("makeThumbnails6"),
        "{help}"
    );
}

/// The log lines of `err` without their timestamps (checked to be there),
/// as bytes: a file name in them need not be UTF-8.
fn log_bytes(err: &[u8]) -> Vec<Vec<u8>> {
    let lines = err
        .strip_suffix(b"\n")
        .unwrap_or(err)
        .split(|&b| b == b'\n');
    lines
        .map(|line| {
            let stamp = std::str::from_utf8(&line[..20]).expect("a timestamp");
            assert_eq!(without_timestamp(stamp), "");
            line[20..].to_vec()
        })
        .collect()
}

/// The bytes of a file name.
fn bytes(path: &Path) -> &[u8] {
    path.as_os_str().as_bytes()
}

/// Runs `thumbnail ARGS` with `input` on standard input, and standard
/// output and error both into one file, as `2>&1` does; returns the exit
/// code and what the file holds, to show the order of events.
fn run_merged(args: &[&str], input: &[u8]) -> (i32, String) {
    let mut both = tempfile::tempfile().unwrap();
    let mut child = Command::new(THUMBNAIL)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(both.try_clone().unwrap())
        .stderr(both.try_clone().unwrap())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    thread::spawn(move || drop(stdin.write_all(&input)));
    let status = within_patience(move || child.wait().unwrap());
    let mut text = String::new();
    std::io::Seek::rewind(&mut both).unwrap();
    both.read_to_string(&mut text).unwrap();
    (status.code().unwrap(), text)
}

/// main.go's last lines, `if err := input.Err(); err != nil { log.Fatal(err) }`:
/// a line longer than Go's 64 KiB ends the input with `bufio.Scanner: token
/// too long` and exit status 1, once the names before it are done; the
/// names after it are never read. Every variant does the same: variant 1
/// (the default) in `same_job`'s test, the others here.
#[test]
fn a_line_too_long_ends_the_input_after_the_names_before_it_in_every_variant() {
    same_job::thumbnail_a_line_too_long_ends_the_input(THUMBNAIL);
    for variant in ["2", "3", "4", "5", "6"] {
        let dir = tempfile::tempdir().unwrap();
        let (files, thumbs) = photos(dir.path(), 2);
        let input = [
            lines(&files[..1]).as_bytes(),
            &[b'x'; 70_000],
            b"\n",
            lines(&files[1..]).as_bytes(),
        ]
        .concat();
        let (code, out, err) = run(&["--variant", variant], &input);
        let log = log_bytes(&err);
        assert_eq!(code, 1, "variant {variant}");
        assert_eq!(
            log.last().map(|line| String::from_utf8_lossy(line)),
            Some("bufio.Scanner: token too long".into()),
            "variant {variant}"
        );
        assert_eq!(log.len(), if variant == "2" { 2 } else { 1 });
        assert!(!thumbs[1].exists(), "variant {variant} read on");
        if variant == "2" {
            continue; // it ends its threads as it returns
        }
        assert!(thumbs[0].exists(), "variant {variant}");
        let want = match variant {
            "5" => lines(&thumbs[..1]),
            "6" => format!("{}\n", fs::metadata(&thumbs[0]).unwrap().len()),
            _ => String::new(),
        };
        assert_eq!(String::from_utf8(out).unwrap(), want, "variant {variant}");
    }
}

/// In Go's order: the thumbnail's name first, then the log line.
#[test]
fn the_input_error_comes_after_what_was_printed_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let (files, thumbs) = photos(dir.path(), 1);
    let input = [lines(&files).as_bytes(), &[b'x'; 70_000], b"\n"].concat();
    for variant in ["1", "5"] {
        let (code, text) = run_merged(&["--variant", variant], &input);
        assert_eq!(code, 1);
        let (first, rest) = text.split_once('\n').unwrap();
        assert_eq!(first, thumbs[0].to_str().unwrap(), "variant {variant}");
        assert_eq!(go_log_message(rest), "bufio.Scanner: token too long");
    }
}

/// `thumbnail < /tmp`: reading fails, and Go says so, naming the file:
/// variant 1 (the default) in `same_job`'s test, the others here.
#[test]
fn a_directory_on_standard_input_is_a_read_error() {
    same_job::thumbnail_a_directory_on_standard_input_is_a_read_error(THUMBNAIL);
    let dir = tempfile::tempdir().unwrap();
    for variant in ["2", "3", "4", "5", "6"] {
        let output = Command::new(THUMBNAIL)
            .args(["--variant", variant])
            .stdin(File::open(dir.path()).unwrap())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "variant {variant}");
        let err = String::from_utf8(output.stderr).unwrap();
        let fatal = err.lines().last().unwrap_or_default().to_string() + "\n";
        assert_eq!(go_log_message(&fatal), "read /dev/stdin: is a directory");
        let out = if variant == "6" { "0\n" } else { "" };
        assert_eq!(String::from_utf8(output.stdout).unwrap(), out);
    }
}

/// A file name is bytes, as Go's strings are: `caf\xe9.jpg` (Latin-1) gets
/// `caf\xe9.thumb.jpg` beside it, printed as those bytes, and a name in a
/// log line is its bytes too.
#[test]
fn names_that_are_not_utf8_keep_their_bytes() {
    for variant in ["1", "2", "3", "4", "5", "6"] {
        let dir = tempfile::tempdir().unwrap();
        let photo = jpeg(dir.path(), OsStr::from_bytes(b"caf\xe9.jpg"), 64, 48);
        let thumb = dir.path().join(OsStr::from_bytes(b"caf\xe9.thumb.jpg"));
        let missing = dir.path().join(OsStr::from_bytes(b"gone\xff.jpg"));
        let mut input = [bytes(&photo), b"\n"].concat();
        let goes_on = matches!(variant, "1" | "6"); // a failed file is logged
        if goes_on {
            input.extend([bytes(&missing), b"\n"].concat());
        }
        let (code, out, err) = run(&["--variant", variant], &input);
        assert_eq!(code, 0, "variant {variant}");
        if variant == "2" {
            continue; // it ends its threads as it returns
        }
        assert!(thumb.exists(), "variant {variant}");
        let want = match variant {
            "1" | "5" => [bytes(&thumb), b"\n"].concat(),
            "6" => format!("{}\n", fs::metadata(&thumb).unwrap().len()).into_bytes(),
            _ => Vec::new(),
        };
        assert_eq!(out, want, "variant {variant}");
        if goes_on {
            let gone = [b"open ", bytes(&missing), b": no such file or directory"].concat();
            assert_eq!(log_bytes(&err), vec![gone], "variant {variant}");
        }
    }
}

/// Go decodes a JPEG of any size. Ours take up to 65535 a side, JPEG's own
/// limit, and refuse only more than 16384×16384 pixels in all, before
/// decoding, with one line in Go's manner.
#[test]
fn photos_wider_or_taller_than_16384_are_made_and_only_too_many_pixels_refused() {
    let dir = tempfile::tempdir().unwrap();
    let wide = grey_jpeg(dir.path(), "pano.jpg", 20000, 300);
    let tall = jpeg(dir.path(), "tall.jpg", 16, 20000);
    // Their headers claim the size; refused, they are never decoded.
    let huge = jpeg_claiming(dir.path(), "huge.jpg", 65535, 65535);
    let over = jpeg_claiming(dir.path(), "over.jpg", 16385, 16384);
    let huge_png = png_claiming(dir.path(), "huge.png", 40000, 40000);
    let before = snapshot(dir.path());
    let input = [&wide, &huge, &tall, &over, &huge_png].map(|f| f.to_path_buf());
    let (code, out, log) = thumbnail(&[], &lines(&input));
    assert_eq!(code, 0);
    assert_eq!(out, lines(&[thumb(&wide), thumb(&tall)]));
    assert_eq!(dimensions(thumb(&wide)), (128, 1));
    assert_eq!(dimensions(thumb(&tall)), (1, 128));
    let too_large = |f: &Path, to: PathBuf, size: &str| {
        let (f, to) = (f.display(), to.display());
        format!("scaling {f} to {to}: image too large: {size} pixels, more than 16384×16384")
    };
    let png_thumb = dir.path().join("huge.thumb.png");
    assert_eq!(
        log,
        vec![
            too_large(&huge, thumb(&huge), "65535×65535"),
            too_large(&over, thumb(&over), "16385×16384"),
            too_large(&huge_png, png_thumb, "40000×40000"),
        ]
    );
    assert_eq!(snapshot(dir.path()).len(), before.len() + 2); // no file left behind
}

/// Variants 4 and 5 stop at their first error; an input error after it is
/// logged too, and the exit status is 1.
#[test]
fn the_first_error_and_then_the_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let (missing, message) = bad_inputs(dir.path()).swap_remove(0);
    let input = [lines(&[missing]).as_bytes(), &[b'x'; 70_000], b"\n"].concat();
    for variant in ["4", "5"] {
        let (code, out, err) = run(&["--variant", variant], &input);
        assert_eq!((code, out), (1, Vec::new()), "variant {variant}");
        let too_long = b"bufio.Scanner: token too long".to_vec();
        assert_eq!(
            log_bytes(&err),
            vec![message.clone().into_bytes(), too_long]
        );
    }
}
