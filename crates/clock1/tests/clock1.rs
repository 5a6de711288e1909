//! clock1 as a client sees it: the time at once and every second, one
//! client at a time.

use std::time::Duration;

use testkit::Server;
use testkit::clock::assert_clock_line;
use testkit::net::assert_listen_failures;

const CLOCK1: &str = env!("CARGO_BIN_EXE_clock1");

#[test]
fn writes_the_time_at_once_and_then_every_second() {
    let server = Server::start(CLOCK1, &[]);
    let mut client = server.connect();
    assert_clock_line(&client.read_line());
    assert_clock_line(&client.read_line());
}

#[test]
fn serves_one_client_at_a_time() {
    let server = Server::start(CLOCK1, &[]);
    let mut first = server.connect();
    assert_clock_line(&first.read_line());

    // The second client is accepted by the system, but the server is busy
    // with the first and writes nothing to it.
    let mut second = server.connect();
    let heard = second.read_line_within(Duration::from_secs(3));
    assert!(heard.is_err(), "the second client heard {heard:?}");

    // Once the first client leaves, clock1 notices at its next write and
    // goes on to the second.
    drop(first);
    assert_clock_line(&second.read_line());
}

#[test]
fn a_client_that_leaves_ends_only_its_own_handler_quietly() {
    let mut server = Server::start(CLOCK1, &[]);
    let mut first = server.connect();
    assert_clock_line(&first.read_line());
    drop(first);
    let mut second = server.connect();
    assert_clock_line(&second.read_line());
    assert!(
        server.program.child.try_wait().unwrap().is_none(),
        "clock1 exited"
    );
    // Nothing was logged: the departure is not an error.
    drop(second);
    server.program.child.kill().unwrap();
    let (_, _, err) = server.program.finish();
    assert_eq!(err, "");
}

#[test]
fn a_listen_failure_is_one_log_line_and_exit_status_1() {
    assert_listen_failures(CLOCK1);
}

#[test]
fn help_and_version() {
    testkit::cli::assert_help_and_version(CLOCK1, "clock1");
}
