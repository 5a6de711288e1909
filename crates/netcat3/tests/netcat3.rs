//! netcat3 against a real reverb2 server: it always logs `done` before it
//! exits.

use std::time::Duration;

use testkit::cli::go_log_message;
use testkit::net::{assert_dial_failure, resetting_server};
use testkit::{PATIENCE, Program, next_line, serve_in_process};

const NETCAT3: &str = env!("CARGO_BIN_EXE_netcat3");

/// Starts reverb2's server code on a free port, returns its address.
fn reverb2(delay: Duration) -> String {
    serve_in_process(move |listener| reverb2::serve(listener, delay))
}

#[test]
fn logs_done_before_it_exits() {
    let mut netcat = Program::start(NETCAT3, &["--addr", &reverb2(Duration::from_secs(60))]);
    let lines = netcat.stdout_lines();
    netcat.type_in(b"Is there anybody there?\n");
    assert_eq!(next_line(&lines), b"\t IS THERE ANYBODY THERE?\n");
    netcat.end_input();
    let (status, _, err) = netcat.finish();
    assert!(status.success(), "stderr: {err}");
    assert_eq!(go_log_message(&err), "done");
}

#[test]
fn logs_done_even_when_the_input_is_empty() {
    for _ in 0..5 {
        let mut netcat = Program::start(NETCAT3, &["--addr", &reverb2(Duration::from_secs(1))]);
        netcat.end_input();
        let (status, out, err) = netcat.finish();
        assert!(status.success(), "stderr: {err}");
        assert_eq!(out, b"");
        assert_eq!(go_log_message(&err), "done");
    }
}

/// After a reset the background copy logs `done`, and the next line typed
/// fails as in Go: `readfrom tcp L->R: write tcp L->R: write: broken pipe`.
#[test]
fn a_write_after_a_reset_is_go_s_log_line() {
    let (addr, name) = resetting_server(b"");
    let mut netcat = Program::start(NETCAT3, &["--addr", &addr]);
    let log = netcat.stderr_lines();
    let name = name.recv_timeout(PATIENCE).expect("the server's client");
    let next_log = || go_log_message(&log.recv_timeout(PATIENCE).expect("a log line")).to_string();
    assert_eq!(next_log(), "done");
    netcat.type_in(b"anybody there?\n");
    assert_eq!(
        next_log(),
        format!("readfrom {name}: write {name}: write: broken pipe")
    );
    let (status, _, _) = netcat.finish();
    assert_eq!(status.code(), Some(1));
}

#[test]
fn a_dial_failure_is_one_log_line_and_exit_status_1() {
    assert_dial_failure(NETCAT3);
}

#[test]
fn help_and_version() {
    testkit::cli::assert_help_and_version(NETCAT3, "netcat3");
}
