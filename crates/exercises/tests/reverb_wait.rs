//! Exercise 8.4, reverb_wait: it waits for a connection's echoes before it
//! closes the write half, so with the client of 8.3 every echo of several
//! overlapping shouts arrives after the input has ended.

use std::io::Write;
use std::net::Shutdown;
use std::thread;
use std::time::{Duration, Instant};

use testkit::cli::go_log_message;
use testkit::net::assert_listen_failures;
use testkit::reverb::echoes_of;
use testkit::{PATIENCE, Program, Server, next_line, threads_of};

const REVERB_WAIT: &str = env!("CARGO_BIN_EXE_reverb_wait");
const NETCAT_HALF: &str = env!("CARGO_BIN_EXE_netcat_half");

#[test]
fn with_netcat_half_every_echo_of_overlapping_shouts_arrives() {
    let server = Server::start(REVERB_WAIT, &["--delay", "500ms"]);
    let mut netcat = Program::start(NETCAT_HALF, &["--addr", &server.addr]);
    let lines = netcat.stdout_lines();
    netcat.type_in(b"One\nTwo\nThree\n");
    netcat.end_input(); // before any echo has faded
    let heard: Vec<Vec<u8>> = (0..9).map(|_| next_line(&lines)).collect();
    for shout in ["One", "Two", "Three"] {
        for echo in echoes_of(shout) {
            assert!(heard.contains(&echo), "{echo:?} missing from {heard:?}");
        }
    }
    // The shouts overlap: the second is heard before the first has faded.
    let at = |line: &[u8]| heard.iter().position(|l| l == line).unwrap();
    assert!(at(b"\t TWO\n") < at(b"\t one\n"), "no overlap: {heard:?}");
    // Then the server closes the connection, and netcat_half ends.
    let (status, _, err) = netcat.finish();
    assert!(status.success(), "stderr: {err}");
    assert_eq!(go_log_message(&err), "done");
}

#[test]
fn the_end_of_input_waits_for_the_last_echo() {
    // reverb2 would close at once, after the loud echo only.
    let server = Server::start(REVERB_WAIT, &["--delay", "1s"]);
    let mut client = server.connect();
    client.stream.write_all(b"Hello?\n").unwrap();
    client.stream.shutdown(Shutdown::Write).unwrap();
    assert_eq!(client.read_to_end(), echoes_of("Hello?").concat());
}

#[test]
fn at_a_budget_of_two_threads_every_client_is_served() {
    let server = Server::start(REVERB_WAIT, &["--delay", "50ms", "--max-threads", "2"]);
    let pid = server.program.child.id();
    // Six clients, all connected at once, three shouts each: at most two
    // are served at a time, the others wait in the listen backlog.
    let clients: Vec<_> = (0..6)
        .map(|i| {
            let mut client = server.connect();
            thread::spawn(move || {
                let shouts: Vec<String> = (0..3).map(|j| format!("Client{i}Shout{j}")).collect();
                for shout in &shouts {
                    client
                        .stream
                        .write_all(format!("{shout}\n").as_bytes())
                        .unwrap();
                }
                client.stream.shutdown(Shutdown::Write).unwrap();
                let heard = client.read_to_end();
                let mut lines: Vec<&[u8]> = heard.split_inclusive(|&b| b == b'\n').collect();
                let mut expected: Vec<Vec<u8>> = shouts.iter().flat_map(|s| echoes_of(s)).collect();
                lines.sort();
                expected.sort();
                assert_eq!(lines, expected, "client {i}");
            })
        })
        .collect();
    // Meanwhile the server never runs more than its budget of threads, and
    // the main thread's accept loop.
    let deadline = Instant::now() + PATIENCE;
    while !clients.iter().all(|c| c.is_finished()) {
        assert!(
            Instant::now() < deadline,
            "the clients were not served in time"
        );
        let threads = threads_of(pid);
        // The budget, the accept loop, and two threads that have given
        // their places back but not quite ended.
        assert!(threads <= 2 + 1 + 2, "{threads} threads");
        thread::sleep(Duration::from_millis(20));
    }
    for client in clients {
        client.join().expect("a client was not served in full");
    }
}

#[test]
fn a_listen_failure_is_one_log_line_and_exit_status_1() {
    assert_listen_failures(REVERB_WAIT);
}

#[test]
fn help_names_the_exercise_and_the_listing() {
    let (status, out, _) = Program::start(REVERB_WAIT, &["--help"]).finish();
    let help = String::from_utf8(out).unwrap();
    assert!(status.success());
    assert!(
        help.contains("exercise 8.4") && help.contains("gopl.io/ch8/reverb2"),
        "{help}"
    );
    assert!(help.contains("--max-threads"), "{help}");
    let (_, out, _) = Program::start(REVERB_WAIT, &["--version"]).finish();
    assert!(out.starts_with(b"reverb_wait "));
}

#[test]
fn a_delay_past_a_year_is_a_usage_error() {
    // An address that cannot be listened on: accepted, the flag would end
    // in a listen failure (status 1), not a usage error (2).
    let args = ["--addr", "no-port-here", "--delay", "400y"];
    let (status, _, err) = Program::start(REVERB_WAIT, &args).finish();
    assert_eq!(status.code(), Some(2), "{err}");
}
