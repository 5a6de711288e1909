//! chat_tokio: chat's own behaviour tests, and what the book's design could
//! not do: a client that never reads stalls no one (exercise 8.15's rule),
//! and a crowd of clients costs a few threads.

use std::io::Write;
use std::thread;

use testkit::net::{assert_a_long_line_resets, assert_listen_failures};
use testkit::same_job::{self, Chatter};
use testkit::{PATIENCE, Server};

const EXE: &str = env!("CARGO_BIN_EXE_chat_tokio");

#[test]
fn the_go_transcript_of_two_clients() {
    same_job::chat_the_go_transcript_of_two_clients(EXE);
}

#[test]
fn three_clients_hear_arrivals_messages_and_departures_in_order() {
    same_job::chat_three_clients_hear_arrivals_messages_and_departures_in_order(EXE);
}

#[test]
fn a_client_that_resets_its_connection_has_left() {
    same_job::chat_a_client_that_resets_its_connection_has_left(EXE);
}

#[test]
fn a_line_over_64_kib_resets_the_connection() {
    let server = Server::start(EXE, &[]);
    assert_a_long_line_resets(&server.addr);
}

#[test]
fn a_listen_failure_is_one_log_line_and_exit_status_1() {
    assert_listen_failures(EXE);
}

#[test]
fn help_and_version() {
    testkit::cli::assert_help_and_version_of(EXE, "chat", "chat_tokio");
}

/// The scenario of chat's `a_client_that_never_reads_stalls_everyone`,
/// with the opposite outcome: the talker hears all its lines, and a
/// newcomer is heard arriving and speaking, while the sleeper sleeps.
#[test]
fn a_client_that_never_reads_stalls_no_one() {
    let server = Server::start(EXE, &[]);
    let mut sleeper = Chatter::join(&server);
    sleeper.says("I will not read from now on");
    let mut talker = Chatter::join(&server);
    let talker_who = talker.who.clone();
    talker.says("hello");

    // Far more than the sockets to the sleeper hold: 600 lines of 32 KB.
    const LINES: usize = 600;
    let body = "y".repeat(32 * 1024);
    let mut writer = talker.client.stream.try_clone().unwrap();
    let to_send = format!("{body}\n");
    let sending = thread::spawn(move || {
        for _ in 0..LINES {
            writer.write_all(to_send.as_bytes()).unwrap();
        }
    });
    let want = format!("{talker_who}: {body}\n");
    for _ in 0..LINES {
        let line = talker.client.read_line();
        assert!(
            line == want.as_bytes(),
            "{:.60}",
            String::from_utf8_lossy(&line)
        );
    }
    sending.join().unwrap();

    // A newcomer is heard arriving, and hears itself.
    let mut newcomer = Chatter::join(&server);
    let newcomer_who = newcomer.who.clone();
    talker.hears(&format!("{newcomer_who} has arrived"));
    newcomer.says("is anybody there?");
    talker.hears(&format!("{newcomer_who}: is anybody there?"));
    drop(sleeper);
}

#[test]
fn three_hundred_clients_in_a_few_threads() {
    let server = Server::start(EXE, &[]);
    let mut crowd: Vec<Chatter> = (0..300).map(|_| Chatter::join(&server)).collect();
    let mut last = Chatter::join(&server);
    last.says("hello, all");
    let hello = format!("{}: hello, all\n", last.who);
    // Everyone hears it, after the arrivals of those who came later.
    for (i, chatter) in crowd.iter_mut().enumerate() {
        let mut heard = 0;
        loop {
            let line = chatter
                .client
                .read_line_within(PATIENCE)
                .unwrap_or_else(|err| panic!("client {i} after {heard} lines: {err}"));
            heard += 1;
            if line == hello.as_bytes() {
                break;
            }
            assert!(line.ends_with(b" has arrived\n"), "{line:?}");
        }
    }
    assert!(server.threads() <= 8, "{} threads", server.threads());
}
