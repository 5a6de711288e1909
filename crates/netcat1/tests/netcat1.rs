//! netcat1 against a real clock2 server: it prints what the server sends.

use std::io::Write;

use testkit::cli::go_log_message;
use testkit::clock::assert_clock_line;
use testkit::net::{assert_dial_failure, resetting_server};
use testkit::{PATIENCE, Program, next_line, serve_in_process};

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

/// Go: `read tcp 127.0.0.1:39750->127.0.0.1:8000: read: connection reset by peer`.
#[test]
fn a_reset_is_go_s_log_line_naming_the_connection() {
    let (addr, name) = resetting_server(b"hello\n");
    let (status, out, err) = Program::start(NETCAT1, &["--addr", &addr]).finish();
    let name = name.recv_timeout(PATIENCE).expect("the server's client");
    assert_eq!(status.code(), Some(1), "stderr: {err}");
    assert_eq!(out, b"hello\n");
    assert_eq!(
        go_log_message(&err),
        format!("read {name}: read: connection reset by peer")
    );
}

/// Go: `write /dev/stdout: no space left on device`.
#[test]
fn a_full_disk_is_go_s_log_line() {
    let full = std::fs::File::create("/dev/full").expect("open /dev/full");
    let netcat = Program::start_with_stdout(NETCAT1, &["--addr", &clock2()], full);
    let (status, _, err) = netcat.finish();
    assert_eq!(status.code(), Some(1), "stderr: {err}");
    assert_eq!(
        go_log_message(&err),
        "write /dev/stdout: no space left on device"
    );
}

#[test]
fn a_dial_failure_is_one_log_line_and_exit_status_1() {
    assert_dial_failure(NETCAT1);
}

#[test]
fn help_and_version() {
    testkit::cli::assert_help_and_version(NETCAT1, "netcat1");
}
