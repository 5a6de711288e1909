//! reverb1 as a client sees it: three echoes a shout, one shout at a time,
//! byte for byte what Go's reverb1 sends.

use std::io::{ErrorKind, Write};
use std::net::Shutdown;

use common::MAX_SCAN_TOKEN_SIZE;
use testkit::net::{assert_a_long_line_resets, assert_listen_failures};
use testkit::{PATIENCE, Server};

const REVERB1: &str = env!("CARGO_BIN_EXE_reverb1");

/// What reverb1 sends back for `input`, all of it, once the input has ended.
fn reply(input: &[u8]) -> Vec<u8> {
    let server = Server::start(REVERB1, &["--delay", "10ms"]);
    let mut client = server.connect();
    client.stream.write_all(input).unwrap();
    client.stream.shutdown(Shutdown::Write).unwrap();
    client.read_to_end()
}

#[test]
fn echoes_loud_then_as_it_came_then_quiet() {
    assert_eq!(reply(b"Hello?\n"), b"\t HELLO?\n\t Hello?\n\t hello?\n");
}

#[test]
fn golden_bytes_for_awkward_lines() {
    // CRLF, an empty line, non-ASCII, invalid UTF-8, and a last line with
    // no newline: the transcripts of Go's reverb1 on this machine.
    let input = b"hi\r\n\nGr\xc3\xbc\xc3\x9fe \xce\xa3 \xff\xe2\x82 x\nlast";
    let expected: &[u8] = b"\t HI\n\t hi\n\t hi\n\
        \t \n\t \n\t \n\
        \t GR\xc3\x9c\xc3\x9fE \xce\xa3 \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd X\n\
        \t Gr\xc3\xbc\xc3\x9fe \xce\xa3 \xff\xe2\x82 x\n\
        \t gr\xc3\xbc\xc3\x9fe \xcf\x83 \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd x\n\
        \t LAST\n\t last\n\t last\n";
    assert_eq!(reply(input), expected);
}

#[test]
fn one_shout_at_a_time() {
    let echoes = reply(b"One\nTwo\n");
    assert_eq!(echoes, b"\t ONE\n\t One\n\t one\n\t TWO\n\t Two\n\t two\n");
}

#[test]
fn the_longest_line_go_accepts_is_echoed() {
    let shout = vec![b'a'; MAX_SCAN_TOKEN_SIZE - 1];
    let input = [&shout[..], b"\n"].concat();
    let expected = [
        &b"\t "[..],
        &shout.to_ascii_uppercase(),
        b"\n\t ",
        &shout,
        b"\n\t ",
        &shout,
        b"\n",
    ]
    .concat();
    assert!(reply(&input) == expected, "the longest line was not echoed");
}

#[test]
fn a_line_too_long_for_go_ends_the_connection_unechoed() {
    let server = Server::start(REVERB1, &["--delay", "10ms"]);
    let mut client = server.connect();
    let input = [vec![b'a'; MAX_SCAN_TOKEN_SIZE], b"\nnext\n".to_vec()].concat();
    // The server may close before it has read all we send; keep the
    // connection open so that what it does comes from the line itself.
    let _ = client.stream.write_all(&input);
    // It closes the connection with nothing echoed: an end of file, or a
    // reset where our bytes were still unread, as with Go's server.
    match client.read_line_within(PATIENCE) {
        Ok(line) => assert_eq!(line, b""),
        Err(err) => assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}"),
    }
}

/// Go's scan ends at a line over 64 KiB, and its `Close` with the rest of
/// the line unread resets the connection; Go's netcat2 then exits with
/// `read: connection reset by peer`, where a FIN would end it quietly.
#[test]
fn a_line_over_64_kib_resets_the_connection() {
    let server = Server::start(REVERB1, &[]);
    assert_a_long_line_resets(&server.addr);
}

#[test]
fn a_listen_failure_is_one_log_line_and_exit_status_1() {
    assert_listen_failures(REVERB1);
}

#[test]
fn help_and_version() {
    testkit::cli::assert_help_and_version(REVERB1, "reverb1");
}

#[test]
fn more_clients_than_the_thread_budget_are_all_served_in_turn() {
    let server = Server::start(REVERB1, &["--delay", "10ms", "--max-threads", "2"]);
    // Six clients shout at once; two are served at a time, the others wait
    // in the listen backlog, and every one gets its echoes.
    let mut clients: Vec<_> = (0..6).map(|_| server.connect()).collect();
    for (i, client) in clients.iter_mut().enumerate() {
        client
            .stream
            .write_all(format!("Hi{i}\n").as_bytes())
            .unwrap();
        client.stream.shutdown(Shutdown::Write).unwrap();
    }
    for (i, client) in clients.iter_mut().enumerate() {
        let want = format!("\t HI{i}\n\t Hi{i}\n\t hi{i}\n");
        assert_eq!(String::from_utf8_lossy(&client.read_to_end()), want);
    }
    assert!(server.threads() <= 2 + 1, "threads: {}", server.threads());
}
