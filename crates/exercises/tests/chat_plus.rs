//! Exercises 8.12 to 8.15 as clients see them, one test per exercise,
//! over real loopback sockets.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use socket2::{Domain, Socket, Type};
use testkit::cli::go_log_message;
use testkit::{Client, PATIENCE, Program, Server};

const CHAT_PLUS: &str = env!("CARGO_BIN_EXE_chat_plus");

/// The flags of the paste test: channels of 10 messages, which a paste
/// fills at once (dropping readers before the fix, in every run), and a
/// client dropped 4 s after its channel last took a message (a reader, on
/// a busy machine, is never stalled that long).
const PASTE_ARGS: &[&str] = &["--buffer", "10", "--slow", "4s"];

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
/// another sends lines of 32 KB). There the whole chat stalls; here the
/// sleeper is dropped once 16 MiB wait for it beyond its channel (with
/// `--slow 10m`, nothing else could drop it), with a log line on the
/// server, and the others keep chatting: the talker hears every line, and
/// a newcomer arrives and talks.
#[test]
fn ex8_15_a_client_that_never_reads_is_dropped_and_the_others_keep_chatting() {
    let mut server = Server::start(CHAT_PLUS, &["--slow", "10m"]);
    let log = server.program.stderr_lines();
    let mut sleeper = Chatter::join(&server, "sleeper", "nobody else");
    sleeper.says("I will not read from now on");
    let mut talker = Chatter::join(&server, "talker", "sleeper");

    // 32 MB: more than the kernel (some 3 MB), the channel (3.2 MB) and
    // the broadcaster's 16 MiB hold for the sleeper.
    const LINES: usize = 1000;
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
        if sleeper_left {
            break;
        }
    }
    assert!(sleeper_left, "the sleeper was not dropped");
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
    // What a name may not contain, and what happens then (8.14).
    assert!(
        help.contains(
            "A name may not contain \": \" or control characters (the server asks again)"
        ),
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
    let text = String::from_utf8_lossy(line);
    let start: String = text.chars().take(60).collect();
    format!("{} bytes: {start:?}", line.len())
}

#[test]
fn a_buffer_past_1000_or_a_zero_idle_or_slow_time_is_a_usage_error() {
    // `--buffer 4294967295` once aborted at the first client, allocating
    // every slot of its channel. An address that cannot be listened on:
    // accepted, a flag would end in a listen failure (status 1).
    for bad in [
        ["--buffer", "1001"],
        ["--buffer", "4294967295"],
        ["--idle", "0s"],
        ["--slow", "0s"],
    ] {
        let args = [&["--addr", "no-port-here"][..], &bad].concat();
        let (status, _, err) = Program::start(CHAT_PLUS, &args).finish();
        assert_eq!(status.code(), Some(2), "{bad:?}: {err}");
    }
    let (_, out, _) = Program::start(CHAT_PLUS, &["--help"]).finish();
    assert!(String::from_utf8_lossy(&out).contains("1 to 1000"));
}

/// 8.15: how long each line of the paste is. The kernel holds some 3 MB
/// for a client that never reads (the server's send buffer grows to 4 MB);
/// 400 lines of this are 13 MB, so the mute falls far behind, yet no
/// reader can be as far behind as the broadcaster's limit of 16 MiB.
const PASTE_LINE: usize = 32 * 1024;
const PASTE_LINES: usize = 400;

/// The `n`th line of the paste, without its newline.
fn paste_line(n: usize) -> String {
    format!("{n:03} {}", "x".repeat(PASTE_LINE))
}

/// A client with a small receive buffer that joins the chat and then reads
/// nothing, until `read_the_rest`.
struct Mute {
    reader: BufReader<TcpStream>,
    _stream: TcpStream,
}

impl Mute {
    fn join(server: &Server, name: &str, here: &str) -> Mute {
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
        socket.set_recv_buffer_size(4096).expect("SO_RCVBUF");
        let addr: SocketAddr = server.addr.parse().expect("an address");
        socket.connect(&addr.into()).expect("connect");
        let mut stream: TcpStream = socket.into();
        stream
            .set_read_timeout(Some(PATIENCE))
            .expect("SO_RCVTIMEO");
        let mut reader = BufReader::new(stream.try_clone().expect("try_clone"));
        let mut line = String::new();
        let mut hear = |want: &str| {
            line.clear();
            reader.read_line(&mut line).expect("a line");
            assert_eq!(line, format!("{want}\n"));
        };
        hear("What is your name?");
        stream.write_all(format!("{name}\n").as_bytes()).unwrap();
        hear(&format!("You are {name}"));
        hear(&format!("Here now: {here}"));
        Mute {
            reader,
            _stream: stream,
        }
    }

    /// Everything until the server closes the connection, as lines.
    fn read_the_rest(mut self) -> Vec<Vec<u8>> {
        let mut all = Vec::new();
        self.reader.read_to_end(&mut all).expect("read to end");
        all.split_inclusive(|&b| b == b'\n')
            .map(<[u8]>::to_vec)
            .collect()
    }
}

impl Chatter {
    /// Hears the whole paste, in order, and returns the other lines it
    /// heard meanwhile; fails if it is cut off.
    fn hears_the_paste(&mut self) -> Vec<String> {
        let mut others = Vec::new();
        let mut n = 1;
        while n <= PASTE_LINES {
            let line = self.client.read_line();
            assert!(
                !line.is_empty() && !line.starts_with(b"You "),
                "{} was cut off after {} lines of the paste: {}",
                self.name,
                n - 1,
                short(&line)
            );
            if line.starts_with(b"alice: ") {
                let want = format!("alice: {}\n", paste_line(n));
                assert!(
                    line == want.as_bytes(),
                    "{} heard {}",
                    self.name,
                    short(&line)
                );
                n += 1;
            } else {
                others.push(String::from_utf8_lossy(&line).into_owned());
            }
        }
        others
    }
}

/// 8.15: alice pastes 400 long lines at once, faster than any writer
/// thread sends them on, and leaves. alice and bob, who read as they come,
/// hear every line and are never dropped, however full their channels get
/// (the issue: a burst that filled one channel dropped prompt readers).
/// Only the mute, whose channel has taken nothing for `--slow`, is
/// dropped; the server logs it, the others hear it leave, and when the
/// mute reads again it finds what it had been sent, then why it was cut
/// off, then the end.
#[test]
fn ex8_15_a_burst_drops_only_the_client_that_stopped_reading() {
    let mut server = Server::start(CHAT_PLUS, PASTE_ARGS);
    let log = server.program.stderr_lines();
    let mute = Mute::join(&server, "mute", "nobody else");
    let mut bob = Chatter::join(&server, "bob", "mute");
    let alice = Chatter::join(&server, "alice", "mute, bob");
    bob.hears("alice has arrived");

    // alice pastes, then ends her input, as `seq 1 400 | netcat3` does.
    let paste: String = (1..=PASTE_LINES).map(|n| paste_line(n) + "\n").collect();
    let mut pasting = alice.client.stream.try_clone().unwrap();
    let paster = thread::spawn(move || {
        pasting.write_all(paste.as_bytes()).unwrap();
        pasting.shutdown(Shutdown::Write).unwrap();
    });
    let readers = [alice, bob].map(|mut reader| {
        thread::spawn(move || {
            let others = reader.hears_the_paste();
            (reader, others)
        })
    });
    paster.join().expect("the paste is sent");
    let [alice, bob] = readers.map(|reader| reader.join().expect("a reader hears the paste"));

    // alice, gone, heard no reason (and the mute leave, if it went first).
    let (mut alice, others) = alice;
    assert!(
        others.iter().all(|line| line == "mute has left\n"),
        "{others:?}"
    );
    assert_eq!(alice.client.read_to_end(), b"");

    let message = log.recv_timeout(PATIENCE).expect("a log line");
    assert_eq!(go_log_message(&message), "dropping mute: too slow to read");

    // bob heard (or will hear) both leave, and is still in the chat.
    let (mut bob, mut others) = bob;
    while others.len() < 2 {
        others.push(String::from_utf8_lossy(&bob.client.read_line()).into_owned());
    }
    others.sort();
    assert_eq!(others, ["alice has left\n", "mute has left\n"]);
    bob.says("still here");

    // The mute got a part of the paste, in order, then the reason.
    let lines = mute.read_the_rest();
    let (last, heard) = lines.split_last().expect("lines");
    assert_eq!(
        String::from_utf8_lossy(last),
        "You are too slow to read: goodbye\n"
    );
    assert_eq!(heard[0], b"bob has arrived\n");
    assert_eq!(heard[1], b"alice has arrived\n");
    let pasted = &heard[2..];
    assert!(pasted.len() < PASTE_LINES, "{} lines", pasted.len());
    for (n, line) in (1..).zip(pasted) {
        let want = format!("alice: {}\n", paste_line(n));
        assert!(line == want.as_bytes(), "the mute heard {}", short(line));
    }

    // Nobody else was dropped.
    server.program.child.kill().unwrap();
    let rest: Vec<String> = log.iter().collect();
    assert!(rest.is_empty(), "{rest:?}");
}

/// 8.13: the idle time counts from the last whole line, not the last
/// byte: a client that dribbles a byte every 50 ms, for longer than the
/// test waits, and never ends a line is told it said nothing, and
/// disconnected, at the idle limit; the bytes it sent are no message (it
/// would hear its own).
#[test]
fn ex8_13_a_client_that_never_finishes_a_line_is_idle() {
    let server = Server::start(CHAT_PLUS, &["--idle", "2s"]);
    let started = Instant::now();
    let mut drip = Chatter::join(&server, "drip", "nobody else");

    let stop = Arc::new(AtomicBool::new(false));
    let mut dripping = drip.client.stream.try_clone().unwrap();
    let stopped = Arc::clone(&stop);
    let dribbler = thread::spawn(move || {
        let deadline = Instant::now() + 2 * PATIENCE;
        while !stopped.load(Ordering::SeqCst) && Instant::now() < deadline {
            if dripping.write_all(b"a").is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
    });
    drip.hears("You said nothing for 2s: goodbye");
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "drip left too soon"
    );
    // Then the end (or a reset, should a dribbled byte come after the close).
    let end = drip.client.read_line_within(PATIENCE);
    assert!(end.as_deref().map_or(true, <[u8]>::is_empty), "{end:?}");
    stop.store(true, Ordering::SeqCst);
    dribbler.join().unwrap();
}

/// 8.13 and 8.14: a line that the idle limit cuts short is neither a
/// name nor a message; the client hears only why it goes.
#[test]
fn ex8_13_a_line_cut_short_by_the_idle_limit_is_no_name_and_no_message() {
    let server = Server::start(CHAT_PLUS, &["--idle", "1s"]);

    let mut half = server.connect();
    assert_eq!(half.read_line(), b"What is your name?\n");
    half.stream.write_all(b"mallo").unwrap();
    assert_eq!(half.read_line(), b"You said nothing for 1s: goodbye\n");
    assert_eq!(half.read_to_end(), b"");

    let mut typist = Chatter::join(&server, "typist", "nobody else");
    typist.sends("unfinis");
    typist.hears("You said nothing for 1s: goodbye");
    assert_eq!(typist.client.read_to_end(), b"");
}

/// 8.14: a name with ": " in it could pass its lines off as another's
/// ("mallory: fake" saying "hi" is read as mallory saying "fake: hi"), and
/// one with control characters could rewrite the line on a terminal: both
/// are refused with the reason, and the question is asked again. The
/// others hear only the name finally given.
#[test]
fn ex8_14_a_name_with_a_colon_and_space_or_a_control_character_is_refused() {
    let server = Server::start(CHAT_PLUS, &[]);
    let mut watcher = Chatter::join(&server, "watcher", "nobody else");
    let mut mallory = Chatter {
        client: server.connect(),
        name: "mallory".to_string(),
    };
    mallory.hears("What is your name?");
    mallory.sends("mallory: fake\n");
    mallory.hears("A name cannot contain \": \"");
    mallory.hears("What is your name?");
    mallory.sends("bob\rmallory\n");
    mallory.hears("A name cannot contain control characters");
    mallory.hears("What is your name?");
    mallory.sends("mallory:fine\n");
    mallory.hears("You are mallory:fine");
    mallory.hears("Here now: watcher");
    watcher.hears("mallory:fine has arrived");
    mallory.name = "mallory:fine".to_string();
    mallory.says("fake: bob has left");
    watcher.hears("mallory:fine: fake: bob has left");
}
