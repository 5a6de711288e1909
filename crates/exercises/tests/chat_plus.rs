//! Exercises 8.12 to 8.15 as clients see them, one test per exercise,
//! over real loopback sockets.

use std::io::Write;
use std::net::Shutdown;
use std::thread;
use std::time::{Duration, Instant};

use testkit::cli::go_log_message;
use testkit::{Client, PATIENCE, Program, Server};

const CHAT_PLUS: &str = env!("CARGO_BIN_EXE_chat_plus");

/// A named chat client.
struct Chatter {
    client: Client,
    name: String,
}

impl Chatter {
    /// Connects, answers the question for a name (8.14), and checks the
    /// greeting and the list of who is here (8.12).
    fn join(server: &Server, name: &str, here: &str) -> Chatter {
        let client = server.connect();
        let mut chatter = Chatter {
            client,
            name: name.to_string(),
        };
        chatter.hears("What is your name?");
        chatter.sends(&format!("{name}\n"));
        chatter.hears(&format!("You are {name}"));
        chatter.hears(&format!("Here now: {here}"));
        chatter
    }

    fn hears(&mut self, line: &str) {
        let got = self.client.read_line();
        assert!(
            got == format!("{line}\n").as_bytes(),
            "{} heard {} instead of {line:?}",
            self.name,
            short(&got)
        );
    }

    fn sends(&mut self, text: &str) {
        self.client.stream.write_all(text.as_bytes()).unwrap();
    }

    fn says(&mut self, line: &str) {
        self.sends(&format!("{line}\n"));
        self.hears(&format!("{}: {line}", self.name));
    }
}

/// 8.14: each client gives its name first, and is known by it; a client
/// that gives an empty name is known by its address, as in chat.
#[test]
fn ex8_14_clients_are_known_by_the_name_they_give() {
    let server = Server::start(CHAT_PLUS, &[]);
    let mut alice = Chatter::join(&server, "alice", "nobody else");
    alice.says("hi, I am alice");

    let mut nameless = server.connect();
    let addr = nameless.stream.local_addr().unwrap().to_string();
    assert_eq!(nameless.read_line(), b"What is your name?\n");
    nameless.stream.write_all(b"\r\n").unwrap();
    assert_eq!(nameless.read_line(), format!("You are {addr}\n").as_bytes());
    alice.hears(&format!("{addr} has arrived"));

    let mut bob = Chatter::join(&server, "bob", &format!("alice, {addr}"));
    alice.hears("bob has arrived");
    bob.says("hello alice");
    alice.hears("bob: hello alice");
}

/// 8.12: a newcomer is told who is already here, in order of arrival, and
/// those who left are no longer listed.
#[test]
fn ex8_12_a_newcomer_hears_who_is_here() {
    let server = Server::start(CHAT_PLUS, &[]);
    let mut alice = Chatter::join(&server, "alice", "nobody else");
    let bob = Chatter::join(&server, "bob", "alice");
    alice.hears("bob has arrived");
    let _carol = Chatter::join(&server, "carol", "alice, bob");
    alice.hears("carol has arrived");
    bob.client.stream.shutdown(Shutdown::Write).unwrap();
    alice.hears("bob has left");
    let _dave = Chatter::join(&server, "dave", "alice, carol");
}

/// 8.13: a client that sends nothing for `--idle` is told so and
/// disconnected, and the others hear it leave; a client that keeps
/// talking stays.
#[test]
fn ex8_13_an_idle_client_is_disconnected() {
    let idle = Duration::from_secs(2);
    let server = Server::start(CHAT_PLUS, &["--idle", "2s"]);
    let started = Instant::now();
    let mut sleepy = Chatter::join(&server, "sleepy", "nobody else");
    let mut chatty = Chatter::join(&server, "chatty", "sleepy");
    sleepy.hears("chatty has arrived");

    // chatty speaks every quarter second, well within the idle time, until
    // it hears sleepy go.
    let mut said = 0;
    let mut left = false;
    while !left {
        assert!(started.elapsed() < PATIENCE, "sleepy never left");
        said += 1;
        chatty.sends(&format!("line {said}\n"));
        let echo = format!("chatty: line {said}\n");
        loop {
            let line = chatty.client.read_line();
            if line == b"sleepy has left\n" {
                left = true;
            } else {
                assert!(line == echo.as_bytes(), "{}", short(&line));
                break;
            }
        }
        thread::sleep(Duration::from_millis(250));
    }
    assert!(started.elapsed() >= idle, "sleepy left too soon");
    // chatty, never idle that long, is still here.
    chatty.says("still here");

    // sleepy heard chatty's lines, then why it was cut off, then the end.
    for n in 1..=said {
        let line = sleepy.client.read_line();
        if line.starts_with(b"You said nothing") {
            assert_eq!(line, b"You said nothing for 2s: goodbye\n");
            assert_eq!(sleepy.client.read_to_end(), b"");
            return;
        }
        assert_eq!(line, format!("chatty: line {n}\n").as_bytes());
    }
    panic!("sleepy was not told why it was disconnected");
}

/// 8.15: the scenario of chat's stall test (one client never reads while
/// another sends 600 lines of 32 KB). There the whole chat stalls; here the
/// sleeper is dropped once its buffer is full, with a log line on the
/// server, and the others keep chatting: the talker hears every line, and
/// a newcomer arrives and talks.
#[test]
fn ex8_15_a_client_that_never_reads_is_dropped_and_the_others_keep_chatting() {
    let mut server = Server::start(CHAT_PLUS, &[]);
    let log = server.program.stderr_lines();
    let mut sleeper = Chatter::join(&server, "sleeper", "nobody else");
    sleeper.says("I will not read from now on");
    let mut talker = Chatter::join(&server, "talker", "sleeper");

    const LINES: usize = 600;
    let body = "y".repeat(32 * 1024);
    let to_send = format!("{body}\n");
    // The talker waits for each line to come back before it sends the
    // next, so that only the sleeper falls behind, however slowly this
    // test runs on a busy machine; the sleeper's departure comes somewhere
    // among the lines.
    let want = format!("talker: {body}\n");
    let mut sleeper_left = false;
    let deadline = Instant::now() + PATIENCE;
    for _ in 0..LINES {
        assert!(Instant::now() < deadline, "the chat stalled");
        talker.client.stream.write_all(to_send.as_bytes()).unwrap();
        let mut line = talker.client.read_line();
        if line == b"sleeper has left\n" {
            sleeper_left = true;
            line = talker.client.read_line();
        }
        assert!(line == want.as_bytes(), "{}", short(&line));
    }
    if !sleeper_left {
        talker.hears("sleeper has left");
    }
    let message = log.recv_timeout(PATIENCE).expect("a log line");
    assert_eq!(
        go_log_message(&message),
        "dropping sleeper: too slow to read"
    );

    // A newcomer finds only the talker, and they chat.
    let mut newcomer = Chatter::join(&server, "newcomer", "talker");
    talker.hears("newcomer has arrived");
    newcomer.says("is anybody there?");
    talker.hears("newcomer: is anybody there?");
    talker.says("yes");
    newcomer.hears("talker: yes");
    drop(sleeper);
}

/// As chat: with a budget of 4 threads (two clients at a time), 8 clients
/// who come at once are all served in turn, and nothing is logged but the
/// budget's notice.
#[test]
fn a_small_thread_budget_serves_everyone_in_turn() {
    let mut server = Server::start(CHAT_PLUS, &["--max-threads", "4"]);
    let addr = server.addr.clone();
    let clients: Vec<_> = (0..8)
        .map(|i| {
            let addr = addr.clone();
            thread::spawn(move || {
                let mut client = Client::connect(&addr);
                assert_eq!(client.read_line(), b"What is your name?\n");
                client
                    .stream
                    .write_all(format!("c{i}\nhi\n").as_bytes())
                    .unwrap();
                let echo = format!("c{i}: hi\n");
                loop {
                    let line = client.read_line();
                    assert!(!line.is_empty(), "c{i} was hung up on");
                    if line == echo.as_bytes() {
                        break;
                    }
                }
                client.stream.shutdown(Shutdown::Write).unwrap();
                client.read_to_end();
            })
        })
        .collect();
    for client in clients {
        client.join().expect("every client is served");
    }
    server.program.child.kill().unwrap();
    let (_, _, log) = server.program.finish();
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(log.contains("thread budget of 4 reached"), "{log}");
}

#[test]
fn help_names_the_exercises_and_bad_flags_are_usage_errors() {
    let (status, out, _) = Program::start(CHAT_PLUS, &["--help"]).finish();
    let help = String::from_utf8(out).unwrap();
    assert!(status.success());
    assert!(
        help.contains("8.12 to 8.15") && help.contains("gopl.io/ch8/chat"),
        "{help}"
    );
    let (status, _, err) = Program::start(CHAT_PLUS, &["--idle", "soon"]).finish();
    assert_eq!(status.code(), Some(2), "{err}");
    let (status, _, err) = Program::start(CHAT_PLUS, &["--buffer", "0"]).finish();
    assert_eq!(status.code(), Some(2), "{err}");
    testkit::net::assert_listen_failures(CHAT_PLUS);
}

/// A line cut short for an assertion message.
fn short(line: &[u8]) -> String {
    format!(
        "{} bytes: {:.60?}",
        line.len(),
        String::from_utf8_lossy(line)
    )
}

#[test]
fn a_buffer_past_1000_or_a_zero_idle_time_is_a_usage_error() {
    // `--buffer 4294967295` once aborted at the first client, allocating
    // every slot of its channel. An address that cannot be listened on:
    // accepted, a flag would end in a listen failure (status 1).
    for bad in [
        ["--buffer", "1001"],
        ["--buffer", "4294967295"],
        ["--idle", "0s"],
    ] {
        let args = [&["--addr", "no-port-here"][..], &bad].concat();
        let (status, _, err) = Program::start(CHAT_PLUS, &args).finish();
        assert_eq!(status.code(), Some(2), "{bad:?}: {err}");
    }
    let (_, out, _) = Program::start(CHAT_PLUS, &["--help"]).finish();
    assert!(String::from_utf8_lossy(&out).contains("1 to 1000"));
}
