//! Exercise 8.8, reverb_idle: a client that shouts nothing for the timeout
//! is disconnected; one that keeps shouting is not.

use std::io::Write;
use std::net::Shutdown;
use std::thread;
use std::time::{Duration, Instant};

use testkit::net::assert_listen_failures;
use testkit::reverb::{assert_a_long_line_cuts_off_the_echoes, echoes_of};
use testkit::{PATIENCE, Program, Server, threads_of};

const REVERB_IDLE: &str = env!("CARGO_BIN_EXE_reverb_idle");

/// Connects to `server`, says nothing, and returns how long it took the
/// server to hang up.
fn silence_until_hung_up(server: &Server) -> Duration {
    let mut client = server.connect();
    let start = Instant::now();
    assert_eq!(client.read_to_end(), b"", "nothing to echo");
    start.elapsed()
}

#[test]
fn a_silent_client_is_disconnected_after_the_timeout() {
    let server = Server::start(REVERB_IDLE, &["--timeout", "1s"]);
    let waited = silence_until_hung_up(&server);
    assert!(waited >= Duration::from_secs(1), "hung up after {waited:?}");
}

#[test]
fn each_shout_starts_the_timeout_afresh() {
    let server = Server::start(REVERB_IDLE, &["--timeout", "2s", "--delay", "10ms"]);
    let mut client = server.connect();
    // Eight shouts half a second apart: four seconds in all, twice the
    // timeout, but never two seconds of silence.
    let mut last_shout = Instant::now();
    for i in 0..8 {
        thread::sleep(Duration::from_millis(500));
        let shout = format!("Shout{i}");
        let line = format!("{shout}\n");
        last_shout = Instant::now();
        client.stream.write_all(line.as_bytes()).unwrap();
        for echo in echoes_of(&shout) {
            assert_eq!(client.read_line(), echo, "still connected at {i}");
        }
    }
    // Then silence, and the server hangs up, the timeout after the last
    // shout.
    assert_eq!(client.read_to_end(), b"");
    let silence = last_shout.elapsed();
    assert!(
        silence >= Duration::from_secs(2),
        "hung up after {silence:?}"
    );
}

#[test]
fn the_end_of_input_still_closes_the_connection_at_once() {
    // As in reverb2: the timeout is long, the end of input ends it now.
    let server = Server::start(REVERB_IDLE, &["--timeout", "1h"]);
    let mut client = server.connect();
    client.stream.shutdown(Shutdown::Write).unwrap();
    assert_eq!(client.read_to_end(), b"");
}

/// As in reverb2: the reader's scan ends at a line over 64 KiB, and the
/// handler's `Close`, with the rest of the line unread, resets the
/// connection at once; the echoes still sleeping write nothing more.
#[test]
fn a_long_line_resets_the_connection_and_cuts_off_the_echoes() {
    let server = Server::start(REVERB_IDLE, &["--delay", "2s", "--timeout", "1h"]);
    assert_a_long_line_cuts_off_the_echoes(&server.addr);
}

#[test]
fn at_a_budget_of_one_or_two_threads_every_client_is_served() {
    // With one thread, each handler has no thread for its reader: it reads
    // the shouts itself, and the socket's timeout stands in for the select.
    for budget in ["1", "2"] {
        let server = Server::start(
            REVERB_IDLE,
            &[
                "--max-threads",
                budget,
                "--delay",
                "20ms",
                "--timeout",
                "5s",
            ],
        );
        let clients: Vec<_> = (0..5)
            .map(|i| {
                let mut client = server.connect();
                thread::spawn(move || {
                    for j in 0..2 {
                        let shout = format!("Client{i}Shout{j}");
                        let line = format!("{shout}\n");
                        client.stream.write_all(line.as_bytes()).unwrap();
                        for echo in echoes_of(&shout) {
                            assert_eq!(client.read_line(), echo, "client {i}");
                        }
                    }
                    client.stream.shutdown(Shutdown::Write).unwrap();
                    assert_eq!(client.read_to_end(), b"");
                })
            })
            .collect();
        // Meanwhile the server never runs more than its budget of threads,
        // and the main thread's accept loop.
        let pid = server.program.child.id();
        // The budget, the accept loop, and two threads that have given
        // their places back but not quite ended.
        let most = budget.parse::<usize>().unwrap() + 1 + 2;
        let deadline = Instant::now() + PATIENCE;
        while !clients.iter().all(|c| c.is_finished()) {
            assert!(
                Instant::now() < deadline,
                "the clients were not served in time"
            );
            let threads = threads_of(pid);
            assert!(threads <= most, "{threads} threads at a budget of {budget}");
            thread::sleep(Duration::from_millis(20));
        }
        for client in clients {
            client.join().expect("a client was not served in full");
        }
    }
}

#[test]
fn at_a_budget_of_one_thread_a_silent_client_is_still_disconnected() {
    let server = Server::start(REVERB_IDLE, &["--max-threads", "1", "--timeout", "1s"]);
    let waited = silence_until_hung_up(&server);
    assert!(
        waited >= Duration::from_millis(900),
        "hung up after {waited:?}"
    );
    assert!(waited < PATIENCE);
}

/// At a budget of three threads the handler and the reader have one each,
/// and the reader runs each echo in place. When the timer fires during one
/// (at 4 s, between the echoes at 0, 3 and 6 s), the connection still ends
/// then, as Go's `Close` ends it, and the echo writes nothing more; not once
/// the reader's own read has timed out (at 10 s).
#[test]
fn at_a_budget_of_three_threads_the_timeout_ends_an_echo_in_place() {
    let server = Server::start(
        REVERB_IDLE,
        &["--max-threads", "3", "--delay", "3s", "--timeout", "4s"],
    );
    let mut client = server.connect();
    let start = Instant::now();
    client.stream.write_all(b"Hello\n").unwrap();
    let heard = client.read_to_end();
    let waited = start.elapsed();
    assert_eq!(heard, b"\t HELLO\n\t Hello\n");
    assert!(waited < Duration::from_secs(7), "hung up after {waited:?}");
}

#[test]
fn a_listen_failure_is_one_log_line_and_exit_status_1() {
    assert_listen_failures(REVERB_IDLE);
}

#[test]
fn help_names_the_exercise_and_the_listing() {
    let (status, out, _) = Program::start(REVERB_IDLE, &["--help"]).finish();
    let help = String::from_utf8(out).unwrap();
    assert!(status.success());
    assert!(
        help.contains("exercise 8.8") && help.contains("gopl.io/ch8/reverb2"),
        "{help}"
    );
    assert!(
        help.contains("--timeout") && help.contains("[default: 10s]"),
        "{help}"
    );
    let (_, out, _) = Program::start(REVERB_IDLE, &["--version"]).finish();
    assert!(out.starts_with(b"reverb_idle "));
}

#[test]
fn a_zero_timeout_or_a_delay_past_a_year_is_a_usage_error() {
    // An address that cannot be listened on: accepted, a flag would end in
    // a listen failure (status 1), not a usage error (2).
    for bad in [["--timeout", "0s"], ["--delay", "400y"]] {
        let args = [&["--addr", "no-port-here"][..], &bad].concat();
        let (status, _, err) = Program::start(REVERB_IDLE, &args).finish();
        assert_eq!(status.code(), Some(2), "{bad:?}: {err}");
        let why = err.lines().next().unwrap_or_default();
        assert!(why.starts_with("error: invalid value"), "{err}");
    }
    let args = ["--addr", "no-port-here", "--timeout", "0s"];
    let (_, _, err) = Program::start(REVERB_IDLE, &args).finish();
    assert_eq!(
        err.lines().next(),
        Some("error: invalid value '0s' for '--timeout <TIMEOUT>': must be longer than zero")
    );
}
