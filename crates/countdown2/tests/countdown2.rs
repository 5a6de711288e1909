//! countdown2 as its user sees it: the launch after the wait, or an abort
//! as soon as a byte (or the end) of standard input comes.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use testkit::cli::{assert_full_disk_fails, assert_help_and_version};
use testkit::countdown::{assert_bad_tick_is_a_usage_error, assert_closed_stdout_ends_it_quietly};
use testkit::{Program, next_line};

const EXE: &str = env!("CARGO_BIN_EXE_countdown2");

const FIRST: &str = "Commencing countdown.  Press return to abort.\n";

/// The default wait, ten ticks of a second.
const LAUNCH: Duration = Duration::from_secs(10);

#[test]
fn at_end_of_input_it_aborts_at_once() {
    let start = Instant::now();
    let output = Command::new(EXE)
        .stdin(Stdio::null())
        .output()
        .expect("run countdown2");
    let took = start.elapsed();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("{FIRST}Launch aborted!\n")
    );
    assert!(output.stderr.is_empty());
    assert!(took < LAUNCH, "it waited for the launch: {took:?}");
}

#[test]
fn with_nothing_typed_it_launches_after_the_wait() {
    // Program holds standard input open and types nothing.
    let start = Instant::now();
    let (status, out, err) = Program::start(EXE, &["--tick", "20ms"]).finish();
    let took = start.elapsed();
    assert!(status.success(), "{err}");
    assert_eq!(String::from_utf8_lossy(&out), format!("{FIRST}Lift off!\n"));
    assert!(
        took >= Duration::from_millis(200),
        "launched early: {took:?}"
    );
}

#[test]
fn pressing_return_aborts_at_once() {
    let start = Instant::now();
    let mut program = Program::start(EXE, &[]);
    let lines = program.stdout_lines();
    assert_eq!(String::from_utf8_lossy(&next_line(&lines)), FIRST);
    program.type_in(b"\n");
    assert_eq!(next_line(&lines), b"Launch aborted!\n");
    let (status, _, err) = program.finish();
    assert!(status.success(), "{err}");
    assert!(lines.recv().is_err(), "more output after the abort");
    assert!(start.elapsed() < LAUNCH, "it waited for the launch");
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
    assert_help_and_version(EXE, "countdown2");
}
