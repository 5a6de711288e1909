//! netcat2 against a real reverb1 server.

use std::time::Duration;

use testkit::net::assert_dial_failure;
use testkit::{Program, next_line, serve_in_process};

const NETCAT2: &str = env!("CARGO_BIN_EXE_netcat2");

/// Starts reverb1's server code on a free port, returns its address.
fn reverb1(delay: Duration) -> String {
    serve_in_process(move |listener| reverb1::serve(listener, delay))
}

#[test]
fn sends_what_is_typed_and_prints_the_echoes() {
    let mut netcat = Program::start(NETCAT2, &["--addr", &reverb1(Duration::from_millis(50))]);
    let lines = netcat.stdout_lines();
    netcat.type_in(b"Hello?\n");
    assert_eq!(next_line(&lines), b"\t HELLO?\n");
    assert_eq!(next_line(&lines), b"\t Hello?\n");
    assert_eq!(next_line(&lines), b"\t hello?\n");
}

#[test]
fn exits_at_the_end_of_input_without_waiting_for_the_echoes() {
    let mut netcat = Program::start(NETCAT2, &["--addr", &reverb1(Duration::from_secs(60))]);
    let lines = netcat.stdout_lines();
    netcat.type_in(b"Hello?\n");
    assert_eq!(next_line(&lines), b"\t HELLO?\n");
    netcat.end_input();
    // The other two echoes are a minute away; netcat2 does not wait.
    let (status, _, err) = netcat.finish();
    assert!(status.success(), "stderr: {err}");
    assert_eq!(err, "");
}

#[test]
fn a_dial_failure_is_one_log_line_and_exit_status_1() {
    assert_dial_failure(NETCAT2);
}

#[test]
fn help_and_version() {
    testkit::cli::assert_help_and_version(NETCAT2, "netcat2");
}
