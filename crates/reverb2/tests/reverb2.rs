//! reverb2 as a client sees it: the echoes of successive shouts overlap.

use std::collections::HashSet;
use std::io::Write;
use std::net::Shutdown;

use testkit::Server;
use testkit::net::assert_listen_failures;

const REVERB2: &str = env!("CARGO_BIN_EXE_reverb2");

#[test]
fn the_echoes_of_two_shouts_overlap() {
    let server = Server::start(REVERB2, &["--delay", "1s"]);
    let mut client = server.connect();
    client.stream.write_all(b"One\nTwo\n").unwrap();
    let lines: Vec<Vec<u8>> = (0..6).map(|_| client.read_line()).collect();
    let at = |line: &[u8]| lines.iter().position(|l| l == line).unwrap();
    // Both shouts are echoed in full...
    for line in ["ONE", "One", "one", "TWO", "Two", "two"] {
        assert!(
            lines.contains(&format!("\t {line}\n").into_bytes()),
            "{line}"
        );
    }
    // ...and the second is heard while the first is still fading, where
    // reverb1 would finish "one" before it started "TWO".
    assert!(at(b"\t TWO\n") < at(b"\t one\n"), "no overlap: {lines:?}");
}

#[test]
fn the_end_of_input_cuts_off_pending_echoes() {
    let server = Server::start(REVERB2, &["--delay", "2s"]);
    let mut client = server.connect();
    client.stream.write_all(b"Hello?\n").unwrap();
    client.stream.shutdown(Shutdown::Write).unwrap();
    // The server closes the connection at once; the quiet echo, due after
    // four seconds, never comes.
    let reply = client.read_to_end();
    assert!(b"\t HELLO?\n".starts_with(&reply), "{reply:?}");
}

#[test]
fn each_echo_line_arrives_whole() {
    let server = Server::start(REVERB2, &["--delay", "10ms"]);
    let mut client = server.connect();
    // Many long shouts at once: their echoes race for the connection.
    let shouts: Vec<String> = (0..40)
        .map(|i| format!("{i}:{}", "Ab".repeat(2000)))
        .collect();
    let mut expected = HashSet::new();
    for shout in &shouts {
        client
            .stream
            .write_all(format!("{shout}\n").as_bytes())
            .unwrap();
        expected.insert(format!("\t {}\n", shout.to_uppercase()));
        expected.insert(format!("\t {shout}\n"));
        expected.insert(format!("\t {}\n", shout.to_lowercase()));
    }
    for _ in 0..shouts.len() * 3 {
        let line = String::from_utf8(client.read_line()).unwrap();
        assert!(expected.contains(&line), "a mixed line: {:.60}...", line);
    }
}

#[test]
fn a_listen_failure_is_one_log_line_and_exit_status_1() {
    assert_listen_failures(REVERB2);
}

#[test]
fn help_and_version() {
    testkit::cli::assert_help_and_version(REVERB2, "reverb2");
}
