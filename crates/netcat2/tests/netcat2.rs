//! netcat2 against a real reverb1 server.

use std::io::Write;
use std::time::Duration;

use testkit::cli::go_log_message;
use testkit::net::{assert_dial_failure, resetting_server};
use testkit::reset::resetting_after_a_line;
use testkit::{PATIENCE, Program, next_line, serve_in_process};

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

/// Go: `readfrom tcp L->R: read /dev/stdin: is a directory`; Go copies
/// into a connection with its `ReadFrom`, whose error names it in front.
#[test]
fn an_input_that_cannot_be_read_is_go_s_log_line() {
    let (addr, name) = resetting_server(b"");
    let script = "exec \"$0\" --addr \"$1\" < /tmp";
    let (status, _, err) = Program::start("sh", &["-c", script, NETCAT2, &addr]).finish();
    let name = name.recv_timeout(PATIENCE).expect("the server's client");
    assert_eq!(status.code(), Some(1), "stderr: {err}");
    assert_eq!(
        go_log_message(&err),
        format!("readfrom {name}: read /dev/stdin: is a directory")
    );
}

/// A line over 64 KiB ends reverb1's scan, and its close with the rest
/// unread resets the connection: netcat2 exits as Go's does, with
/// `read tcp L->R: read: connection reset by peer` (or, if its own write
/// notices first, Go's `readfrom tcp L->R: write tcp L->R: write: ...`).
#[test]
fn a_reset_by_the_server_is_go_s_log_line() {
    let server = reverb1(Duration::from_millis(50));
    let mut netcat = Program::start(NETCAT2, &["--addr", &server]);
    let lines = netcat.stdout_lines();
    netcat.type_in(b"hi\n");
    assert_eq!(next_line(&lines), b"\t HI\n");
    let stdin = netcat.child.stdin.as_mut().expect("stdin");
    // netcat2 may be gone before it has read it all.
    let _ = stdin.write_all(&[vec![b'x'; 100_000], b"\n".to_vec()].concat());
    let (status, _, err) = netcat.finish();
    assert_eq!(status.code(), Some(1), "stderr: {err}");
    let message = go_log_message(&err);
    // `tcp 127.0.0.1:PORT->SERVER`, the client's port first.
    let addrs = message.split_whitespace().nth(2).unwrap_or_default();
    let (local, remote) = addrs
        .trim_end_matches(':')
        .split_once("->")
        .unwrap_or_default();
    assert!(
        local.starts_with("127.0.0.1:") && remote == server,
        "{message}"
    );
    let name = format!("tcp {local}->{remote}");
    let read = format!("read {name}: read: connection reset by peer");
    let write_reset = format!("readfrom {name}: write {name}: write: connection reset by peer");
    let write_pipe = format!("readfrom {name}: write {name}: write: broken pipe");
    assert!(
        [read, write_reset, write_pipe].contains(&message.to_string()),
        "{message}"
    );
}

/// A reset that comes just before the end of input ends netcat2 with Go's
/// log line, `read tcp L->R: read: connection reset by peer`, and exit
/// status 1, every time: not with a quiet 0 from `main` returning at the
/// end of input while the background copy is still logging the reset. (Go's
/// exit wins that race almost always; ours waits for it.)
#[test]
fn a_reset_just_before_the_end_of_input_is_exit_status_1_every_time() {
    let (server, resets) = resetting_after_a_line(b"hello\n");
    let line = [vec![b'x'; 100_000], b"\n".to_vec()].concat();
    for _ in 0..20 {
        let mut netcat = Program::start(NETCAT2, &["--addr", &server]);
        let lines = netcat.stdout_lines();
        // The background copy is under way, its connection named.
        assert_eq!(next_line(&lines), b"hello\n");
        netcat.type_in(&line);
        // The server has read the whole line, then reset the connection.
        let name = resets.recv_timeout(PATIENCE).expect("the reset");
        netcat.end_input();
        let (status, _, err) = netcat.finish();
        assert_eq!(status.code(), Some(1), "stderr: {err:?}");
        let read = format!("read {name}: read: connection reset by peer");
        assert_eq!(go_log_message(&err), read);
    }
}

#[test]
fn a_dial_failure_is_one_log_line_and_exit_status_1() {
    assert_dial_failure(NETCAT2);
}

#[test]
fn help_and_version() {
    testkit::cli::assert_help_and_version(NETCAT2, "netcat2");
}
