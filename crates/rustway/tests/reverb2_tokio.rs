//! reverb2_tokio: reverb2's own behaviour tests, and what threads could not
//! do: one client's flood of 20,000 shouts at once (the thread version's
//! ceiling is about 16,000 threads), every echo back, in a few threads.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::thread;

use testkit::net::assert_listen_failures;
use testkit::{PATIENCE, Server, same_job};

const EXE: &str = env!("CARGO_BIN_EXE_reverb2_tokio");

#[test]
fn the_echoes_of_two_shouts_overlap() {
    same_job::reverb2_the_echoes_of_two_shouts_overlap(EXE);
}

#[test]
fn the_end_of_input_cuts_off_pending_echoes() {
    same_job::reverb2_the_end_of_input_cuts_off_pending_echoes(EXE);
}

#[test]
fn each_echo_line_arrives_whole() {
    same_job::reverb2_each_echo_line_arrives_whole(EXE);
}

/// Go's scan ends at a line over 64 KiB, and its `Close` with the rest of
/// the line unread resets the connection (reverb2's test of the same name).
#[test]
fn a_line_over_64_kib_resets_the_connection() {
    let server = Server::start(EXE, &[]);
    testkit::net::assert_a_long_line_resets(&server.addr);
}

/// And the echoes still sleeping write nothing more (reverb2's test).
#[test]
fn a_long_line_cuts_off_the_echoes_under_way() {
    let server = Server::start(EXE, &["--delay", "2s"]);
    testkit::reverb::assert_a_long_line_cuts_off_the_echoes(&server.addr);
}

#[test]
fn a_listen_failure_is_one_log_line_and_exit_status_1() {
    assert_listen_failures(EXE);
}

#[test]
fn help_and_version() {
    testkit::cli::assert_help_and_version_of(EXE, "reverb2", "reverb2_tokio");
}

/// Past the thread version's ceiling: 20,000 echoes pending at once.
const SHOUTS: usize = 20_000;

#[test]
fn a_flood_of_twenty_thousand_shouts_is_echoed_in_full() {
    let server = Server::start(EXE, &["--delay", "1s"]);
    let stream = TcpStream::connect(&server.addr).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut writer = stream.try_clone().unwrap();
    // A writer of its own, so that neither side's buffers fill up.
    let sending = thread::spawn(move || {
        let flood: String = (0..SHOUTS).map(|i| format!("Shout{i}\n")).collect();
        writer.write_all(flood.as_bytes()).unwrap();
    });
    let mut heard: HashMap<String, usize> = HashMap::new();
    let mut lines = BufReader::new(stream);
    let mut max_threads = 0;
    for n in 0..3 * SHOUTS {
        let mut line = String::new();
        lines.read_line(&mut line).expect("an echo within PATIENCE");
        *heard.entry(line).or_default() += 1;
        if n % 1000 == 0 {
            max_threads = max_threads.max(server.threads());
        }
    }
    sending.join().unwrap();
    for i in [0, SHOUTS / 2, SHOUTS - 1] {
        for echo in testkit::reverb::echoes_of(&format!("Shout{i}")) {
            let echo = String::from_utf8(echo).unwrap();
            assert_eq!(heard.get(&echo), Some(&1), "{echo:?}");
        }
    }
    assert_eq!(heard.len(), 3 * SHOUTS, "some echo came twice or mixed");
    // Two workers, and tokio's blocking pool is never used: a handful.
    assert!(max_threads <= 8, "{max_threads} threads");
    let mut server = server;
    assert!(
        server.program.child.try_wait().unwrap().is_none(),
        "it died"
    );
}
