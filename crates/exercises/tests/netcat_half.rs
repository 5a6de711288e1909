//! Exercise 8.3, netcat_half, against the real reverb1: every echo arrives
//! after standard input has ended, where netcat3 would lose them.

use std::time::Duration;

use testkit::cli::go_log_message;
use testkit::net::assert_dial_failure;
use testkit::{Program, next_line, serve_in_process};

const NETCAT_HALF: &str = env!("CARGO_BIN_EXE_netcat_half");

/// Starts reverb1's server code on a free port, returns its address.
fn reverb1(delay: Duration) -> String {
    serve_in_process(move |listener| reverb1::serve(listener, delay))
}

#[test]
fn every_echo_of_reverb1_arrives_after_input_has_ended() {
    let addr = reverb1(Duration::from_millis(300));
    let mut netcat = Program::start(NETCAT_HALF, &["--addr", &addr]);
    let lines = netcat.stdout_lines();
    netcat.type_in(b"One\nTwo\n");
    // The end of input at once: reverb1 has not even finished the first
    // shout, and has not yet begun the second.
    netcat.end_input();
    let echoes: Vec<Vec<u8>> = (0..6).map(|_| next_line(&lines)).collect();
    let expected =
        ["ONE", "One", "one", "TWO", "Two", "two"].map(|e| format!("\t {e}\n").into_bytes());
    assert_eq!(echoes, expected);
    // Then the server closes, and netcat_half logs `done` and exits.
    let (status, _, err) = netcat.finish();
    assert!(status.success(), "stderr: {err}");
    assert_eq!(go_log_message(&err), "done");
}

#[test]
fn empty_input_ends_quietly_with_done() {
    let addr = reverb1(Duration::from_millis(10));
    let mut netcat = Program::start(NETCAT_HALF, &["--addr", &addr]);
    netcat.end_input();
    let (status, out, err) = netcat.finish();
    assert!(status.success(), "stderr: {err}");
    assert_eq!(out, b"");
    assert_eq!(go_log_message(&err), "done");
}

#[test]
fn a_dial_failure_is_one_log_line_and_exit_status_1() {
    assert_dial_failure(NETCAT_HALF);
}

#[test]
fn help_names_the_exercise_and_the_listing() {
    let (status, out, _) = Program::start(NETCAT_HALF, &["--help"]).finish();
    let help = String::from_utf8(out).unwrap();
    assert!(status.success());
    assert!(
        help.contains("exercise 8.3") && help.contains("gopl.io/ch8/netcat3"),
        "{help}"
    );
    let (_, out, _) = Program::start(NETCAT_HALF, &["--version"]).finish();
    assert!(out.starts_with(b"netcat_half "));
}
