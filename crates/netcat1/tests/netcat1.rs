//! netcat1 against a real clock2 server: it prints what the server sends.

use std::io::Write;

use testkit::clock::assert_clock_line;
use testkit::net::assert_dial_failure;
use testkit::{Program, next_line, serve_in_process};

const NETCAT1: &str = env!("CARGO_BIN_EXE_netcat1");

/// Starts clock2's server code on a free port, returns its address.
fn clock2() -> String {
    serve_in_process(clock2::serve)
}

#[test]
fn prints_the_time_from_clock2() {
    let mut netcat = Program::start(NETCAT1, &["--addr", &clock2()]);
    let lines = netcat.stdout_lines();
    assert_clock_line(&next_line(&lines));
    assert_clock_line(&next_line(&lines));
}

#[test]
fn copies_every_byte_until_the_server_closes() {
    let addr = serve_in_process(|listener| {
        let (mut conn, _) = listener.accept().unwrap();
        conn.write_all(b"no newline at the end \xff").unwrap();
    });
    let (status, out, err) = Program::start(NETCAT1, &["--addr", &addr]).finish();
    assert!(status.success(), "stderr: {err}");
    assert_eq!(out, b"no newline at the end \xff");
    assert_eq!(err, "");
}

#[test]
fn a_reader_that_goes_away_ends_it_quietly() {
    let mut netcat = Program::start(NETCAT1, &["--addr", &clock2()]);
    let lines = netcat.stdout_lines();
    assert_clock_line(&next_line(&lines));
    // Close the pipe, as `netcat1 | head -n 1` does; the next write fails.
    drop(lines);
    let (status, _, err) = netcat.finish();
    assert_eq!(status.code(), Some(0));
    assert_eq!(err, "", "no panic, no 'Broken pipe'");
}

#[test]
fn a_dial_failure_is_one_log_line_and_exit_status_1() {
    assert_dial_failure(NETCAT1);
}

#[test]
fn help_and_version() {
    testkit::cli::assert_help_and_version(NETCAT1, "netcat1");
}
