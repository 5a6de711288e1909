//! clock2 as its clients see it: every client gets the time at once.

use testkit::clock::assert_clock_line;
use testkit::net::assert_listen_failures;
use testkit::{Program, Server};

const CLOCK2: &str = env!("CARGO_BIN_EXE_clock2");

#[test]
fn serves_many_clients_at_once() {
    testkit::same_job::clock2_serves_many_clients_at_once(CLOCK2);
}

#[test]
fn a_client_that_leaves_ends_only_its_own_handler_quietly() {
    testkit::same_job::clock2_a_client_that_leaves_ends_only_its_own_handler(CLOCK2);
}

#[test]
fn a_listen_failure_is_one_log_line_and_exit_status_1() {
    assert_listen_failures(CLOCK2);
}

#[test]
fn help_and_version() {
    testkit::cli::assert_help_and_version(CLOCK2, "clock2");
}

#[test]
fn serves_with_the_smallest_thread_stack() {
    // Even a debug build's handler fits in 16 KiB: the time zone is looked
    // up once, on the main thread, not in each handler.
    let server = Server::start(CLOCK2, &["--stack-size", "16KiB"]);
    let mut client = server.connect();
    assert_clock_line(&client.read_line());
}

#[test]
fn a_stack_too_small_is_a_usage_error() {
    let (status, _, err) = Program::start(CLOCK2, &["--stack-size", "4KiB"]).finish();
    assert_eq!(status.code(), Some(2), "{err}");
    assert!(err.contains("too small"), "{err}");
}

#[test]
fn more_threads_than_the_system_allows_is_a_usage_error() {
    let args = ["--addr", "127.0.0.1:0", "--max-threads", "4294967295"];
    let (status, _, err) = Program::start(CLOCK2, &args).finish();
    assert_eq!(status.code(), Some(2), "{err}");
    let first = err.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("error: ") && first.contains("at most"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}
