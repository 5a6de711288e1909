//! countdown3 as its user sees it: countdown1's countdown, which a byte (or
//! the end) of standard input aborts within a tick.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use testkit::cli::{assert_full_disk_fails, assert_help_and_version};
use testkit::countdown::{assert_bad_tick_is_a_usage_error, assert_closed_stdout_ends_it_quietly};
use testkit::{Program, next_line, threads_of};

const EXE: &str = env!("CARGO_BIN_EXE_countdown3");

const FIRST: &str = "Commencing countdown.  Press return to abort.\n";

#[test]
fn at_end_of_input_it_prints_10_and_aborts_at_once() {
    let start = Instant::now();
    let output = Command::new(EXE)
        .stdin(Stdio::null())
        .output()
        .expect("run countdown3");
    let took = start.elapsed();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("{FIRST}10\nLaunch aborted!\n")
    );
    assert!(output.stderr.is_empty());
    assert!(took < Duration::from_secs(10), "it waited: {took:?}");
}

#[test]
fn with_nothing_typed_it_counts_down_and_launches() {
    let start = Instant::now();
    let (status, out, err) = Program::start(EXE, &["--tick", "20ms"]).finish();
    assert!(status.success(), "{err}");
    assert_eq!(
        String::from_utf8_lossy(&out),
        format!("{FIRST}10\n9\n8\n7\n6\n5\n4\n3\n2\n1\nLift off!\n")
    );
    assert!(start.elapsed() >= Duration::from_millis(200));
}

#[test]
fn return_after_8_aborts_within_a_tick() {
    // The transcript: return pressed after 2.5 s prints 10, 9, 8 and aborts.
    // We press it once 8 is out, and allow a busy machine a tick or two of
    // delay: it must abort long before the countdown ends.
    let tick = Duration::from_millis(300);
    let mut program = Program::start(EXE, &["--tick", "300ms"]);
    let lines = program.stdout_lines();
    let mut seen = String::new();
    for want in [FIRST, "10\n", "9\n", "8\n"] {
        let line = String::from_utf8(next_line(&lines)).expect("text");
        assert_eq!(line, want, "after {seen:?}");
        seen += &line;
    }
    let typed = Instant::now();
    program.type_in(b"\n");
    let mut after = Vec::new();
    loop {
        let line = String::from_utf8(next_line(&lines)).expect("text");
        if line == "Launch aborted!\n" {
            break;
        }
        assert!(
            after.len() < 2 && (line == "7\n" || line == "6\n"),
            "no abort, but {line:?} after {seen:?}{after:?}"
        );
        after.push(line);
    }
    let waited = typed.elapsed();
    let (status, _, err) = program.finish();
    assert!(status.success(), "{err}");
    assert!(lines.recv().is_err(), "more output after the abort");
    // The countdown had seven ticks to go; the abort came well before.
    assert!(waited < 5 * tick, "the abort took {waited:?}");
}

#[test]
fn the_ticker_has_no_thread_of_its_own() {
    // Go's time.Tick leaks its ticker; crossbeam's tick is a channel with
    // no thread behind it: the process runs main and the stdin reader only.
    let mut program = Program::start(EXE, &["--tick", "1s"]);
    let lines = program.stdout_lines();
    assert_eq!(String::from_utf8_lossy(&next_line(&lines)), FIRST);
    assert_eq!(next_line(&lines), b"10\n");
    assert_eq!(
        threads_of(program.child.id()),
        2,
        "main and the stdin reader only"
    );
    program.type_in(b"\n");
    assert_eq!(next_line(&lines), b"Launch aborted!\n");
}

#[test]
fn a_bad_tick_is_a_usage_error() {
    assert_bad_tick_is_a_usage_error(EXE);
}

#[test]
fn a_closed_stdout_ends_it_quietly() {
    assert_closed_stdout_ends_it_quietly(EXE, &["--tick", "10ms"]);
}

#[test]
fn a_full_disk_is_one_log_line_and_exit_status_1() {
    assert_full_disk_fails(EXE);
}

#[test]
fn help_and_version() {
    assert_help_and_version(EXE, "countdown3");
}
