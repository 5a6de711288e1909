//! countdown1 as its user sees it: the transcript of the Go original, one
//! number per tick.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use testkit::Program;
use testkit::cli::{assert_full_disk_fails, assert_help_and_version};
use testkit::countdown::{assert_bad_tick_is_a_usage_error, assert_closed_stdout_ends_it_quietly};

const EXE: &str = env!("CARGO_BIN_EXE_countdown1");

const TRANSCRIPT: &str = "Commencing countdown.\n10\n9\n8\n7\n6\n5\n4\n3\n2\n1\nLift off!\n";

#[test]
fn prints_the_go_transcript_one_number_per_tick() {
    let tick = Duration::from_millis(50);
    let start = Instant::now();
    let (status, out, err) = Program::start(EXE, &["--tick", "50ms"]).finish();
    let took = start.elapsed();
    assert!(status.success(), "{err}");
    assert_eq!(err, "");
    assert_eq!(String::from_utf8_lossy(&out), TRANSCRIPT);
    // It waits a tick after each of the ten numbers: a tick never comes
    // early, so this bound holds however busy the machine.
    assert!(took >= 10 * tick, "ten ticks took only {took:?}");
}

#[test]
fn from_sets_where_the_countdown_starts() {
    let (status, out, _) = Program::start(EXE, &["--from", "3", "--tick", "10ms"]).finish();
    assert!(status.success());
    assert_eq!(
        String::from_utf8_lossy(&out),
        "Commencing countdown.\n3\n2\n1\nLift off!\n"
    );
    let (_, out, _) = Program::start(EXE, &["--from", "0"]).finish();
    assert_eq!(
        String::from_utf8_lossy(&out),
        "Commencing countdown.\nLift off!\n"
    );
}

#[test]
fn standard_input_does_not_abort_it() {
    // countdown1 has no abort: end of input changes nothing.
    let output = Command::new(EXE)
        .args(["--from", "2", "--tick", "10ms"])
        .stdin(Stdio::null())
        .output()
        .expect("run countdown1");
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "Commencing countdown.\n2\n1\nLift off!\n"
    );
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
    assert_help_and_version(EXE, "countdown1");
}
