//! chat as its clients see it, over real loopback sockets: who hears what,
//! in which order, and what one client that stops reading does to all.
//! (The tests chat_tokio shares, and `Chatter`, live in `testkit::same_job`.)

use std::io::Write;
use std::net::Shutdown;
use std::thread;
use std::time::{Duration, Instant};

use testkit::cli::{assert_help_and_version, go_log_message};
use testkit::net::{assert_a_long_line_resets, assert_listen_failures};
use testkit::same_job::{self, Chatter, SILENCE};
use testkit::{Client, PATIENCE, Program, Server, threads_of};

const CHAT: &str = env!("CARGO_BIN_EXE_chat");

#[test]
fn the_go_transcript_of_two_clients() {
    same_job::chat_the_go_transcript_of_two_clients(CHAT);
}

#[test]
fn three_clients_hear_arrivals_messages_and_departures_in_order() {
    same_job::chat_three_clients_hear_arrivals_messages_and_departures_in_order(CHAT);
}

#[test]
fn a_client_that_resets_its_connection_has_left() {
    same_job::chat_a_client_that_resets_its_connection_has_left(CHAT);
}

/// The book's weakness, shown: one client that never reads fills its
/// socket; its writer blocks, the broadcaster blocks on the writer, and
/// then nobody hears anything, not even a newcomer's arrival. As soon as
/// it reads again, everything that waited flows. Exercise 8.15 is the cure
/// (the exercises crate's chat_plus; its tests run this same scenario).
#[test]
fn a_client_that_never_reads_stalls_everyone() {
    let server = Server::start(CHAT, &[]);
    let mut sleeper = Chatter::join(&server);
    sleeper.says("I will not read from now on");
    let mut talker = Chatter::join(&server);
    let talker_who = talker.who.clone();
    talker.says("hello");

    // Far more than the sockets between the server and the sleeper hold
    // (a few MB on Linux loopback): 600 lines of 32 KB, about 19 MB.
    const LINES: usize = 600;
    let body = "y".repeat(32 * 1024);
    let mut writer = talker.client.stream.try_clone().unwrap();
    let to_send = format!("{body}\n");
    thread::spawn(move || {
        for _ in 0..LINES {
            // Blocks once the server stops reading; fails when it dies.
            if writer.write_all(to_send.as_bytes()).is_err() {
                return;
            }
        }
    });
    // The talker hears its own lines until the sleeper's socket is full.
    let want = format!("{talker_who}: {body}\n");
    let mut heard = 0;
    while heard < LINES {
        match talker.client.read_line_within(SILENCE) {
            Ok(line) => {
                assert!(line == want.as_bytes(), "{}", short(&line));
                heard += 1;
            }
            Err(_) => break, // silence: stalled
        }
    }
    assert!(
        heard < LINES,
        "no stall: the talker heard all {LINES} lines"
    );

    // A newcomer is greeted by its own writer, but nobody hears it arrive,
    // and it hears nothing more: the broadcaster is stuck.
    let mut newcomer = Chatter::join(&server);
    let newcomer_who = newcomer.who.clone();
    newcomer.sends(b"is anybody there?\n");
    newcomer.hears_nothing();

    // The sleeper wakes up and reads: everything that waited flows again,
    // the newcomer's arrival and line somewhere among the talker's lines.
    // (The newcomer must read too, or it would be the next sleeper.)
    let mut sleeper_reader = sleeper.client;
    thread::spawn(move || {
        while sleeper_reader
            .read_line_within(PATIENCE)
            .is_ok_and(|l| !l.is_empty())
        {}
    });
    let question = format!("{newcomer_who}: is anybody there?\n");
    let mut newcomer_reader = newcomer.client;
    let newcomer_heard = question.clone();
    let (heard_itself, newcomer_done) = crossbeam_channel::bounded(1);
    thread::spawn(move || {
        while let Ok(line) = newcomer_reader.read_line_within(PATIENCE) {
            if line == newcomer_heard.as_bytes() {
                let _ = heard_itself.send(());
            }
            if line.is_empty() {
                break;
            }
        }
    });
    let arrival = format!("{newcomer_who} has arrived\n");
    let (mut arrived, mut asked) = (false, false);
    let deadline = Instant::now() + PATIENCE;
    while heard < LINES || !asked {
        assert!(Instant::now() < deadline, "the chat did not resume");
        let line = talker.client.read_line();
        if line == arrival.as_bytes() {
            arrived = true;
        } else if line == question.as_bytes() {
            assert!(arrived, "the newcomer spoke before it arrived");
            asked = true;
        } else {
            assert!(line == want.as_bytes(), "{}", short(&line));
            heard += 1;
        }
    }
    assert!(
        newcomer_done.recv_timeout(PATIENCE).is_ok(),
        "the newcomer heard itself"
    );
}

/// A line cut short for an assertion message.
fn short(line: &[u8]) -> String {
    let text = String::from_utf8_lossy(line);
    format!("unexpected line of {} bytes: {:.60}", line.len(), text)
}

/// With a budget of 4 threads (two clients at a time), 12 clients who come
/// at once are all served in turn; the server never runs more threads than
/// the budget plus main and the broadcaster, and logs no failure but the
/// budget's own notice.
#[test]
fn a_small_thread_budget_serves_everyone_in_turn() {
    const CLIENTS: usize = 12;
    let mut server = Server::start(CHAT, &["--max-threads", "4"]);
    let pid = server.program.child.id();
    let addr = server.addr.clone();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let addr = addr.clone();
            thread::spawn(move || {
                let mut client = Client::connect(&addr);
                let who = client.stream.local_addr().unwrap().to_string();
                assert_eq!(client.read_line(), format!("You are {who}\n").as_bytes());
                let line = format!("{who}: hello from {i}\n");
                client
                    .stream
                    .write_all(format!("hello from {i}\n").as_bytes())
                    .unwrap();
                // Others' arrivals and lines may come first.
                loop {
                    let got = client.read_line();
                    assert!(!got.is_empty(), "the server hung up on {who}");
                    if got == line.as_bytes() {
                        break;
                    }
                }
                client.stream.shutdown(Shutdown::Write).unwrap();
                client.read_to_end();
            })
        })
        .collect();
    let mut most = 0;
    while clients.iter().any(|c| !c.is_finished()) {
        most = most.max(threads_of(pid));
        thread::sleep(Duration::from_millis(5));
    }
    for client in clients {
        client.join().expect("every client is served");
    }
    // main and the broadcaster, and a leaving client's two threads, which
    // give their places back a moment before the system sees them end.
    assert!(most <= 4 + 2 + 2, "{most} threads for a budget of 4");

    server.program.child.kill().unwrap();
    let (_, _, log) = server.program.finish();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 1, "{log}");
    assert_eq!(
        go_log_message(&format!("{}\n", lines[0])),
        "thread budget of 4 reached: new work waits for a thread to finish \
         (--max-threads sets the budget)"
    );
}

/// One thread cannot serve a client that needs two: a clear error at
/// start rather than a server that hangs.
#[test]
fn one_thread_is_refused_at_start() {
    let (status, _, err) =
        Program::start(CHAT, &["--addr", "127.0.0.1:0", "--max-threads", "1"]).finish();
    assert_eq!(status.code(), Some(1));
    assert_eq!(
        go_log_message(&err),
        "chat needs at least 2 threads (--max-threads): each client has two"
    );
}

/// The interop with the book's client, netcat3, run in-process, and with
/// the system's `nc` if there is one.
#[test]
fn netcat3_chats() {
    use std::io::pipe;
    use std::sync::mpsc;

    let addr = testkit::serve_in_process(chat::serve);
    // Each netcat3 prints through a channel: its "terminal".
    struct Screen(mpsc::Sender<Vec<u8>>);
    impl common::Named for Screen {
        fn go_name(&self) -> common::GoName {
            common::GoName::File("/dev/stdout".into())
        }
    }
    impl Write for Screen {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let _ = self.0.send(buf.to_vec());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let start = |addr: &str| {
        let conn = common::dial(addr).unwrap();
        let who = conn.local_addr().unwrap().to_string();
        let (stdin, keyboard) = pipe().unwrap();
        let (tx, screen) = mpsc::channel();
        let run = thread::spawn(move || netcat3::run(conn, stdin, Screen(tx)));
        (who, keyboard, screen, run)
    };
    let read_screen = |screen: &mpsc::Receiver<Vec<u8>>, lines: usize| {
        let mut text = Vec::new();
        while text.iter().filter(|&&b| b == b'\n').count() < lines {
            text.extend(screen.recv_timeout(PATIENCE).expect("output in time"));
        }
        String::from_utf8(text).unwrap()
    };

    let (a, mut a_keys, a_screen, _) = start(&addr);
    assert_eq!(read_screen(&a_screen, 1), format!("You are {a}\n"));
    a_keys.write_all(b"a here\n").unwrap();
    assert_eq!(read_screen(&a_screen, 1), format!("{a}: a here\n"));
    let (b, mut b_keys, b_screen, b_run) = start(&addr);
    assert_eq!(read_screen(&b_screen, 1), format!("You are {b}\n"));
    b_keys.write_all(b"hello a\n").unwrap();
    assert_eq!(read_screen(&b_screen, 1), format!("{b}: hello a\n"));
    drop(b_keys); // ^D: netcat3 closes, and returns
    b_run.join().unwrap();
    assert_eq!(
        read_screen(&a_screen, 3),
        format!("{b} has arrived\n{b}: hello a\n{b} has left\n")
    );

    // The system's netcat, where installed (it may not be on CI): the
    // OpenBSD one, whose -N closes its side at the end of its input.
    let usage = std::process::Command::new("nc").arg("-h").output();
    if !usage.is_ok_and(|out| String::from_utf8_lossy(&out.stderr).contains("-N")) {
        eprintln!("no OpenBSD nc here: skipped");
        return;
    }
    let Ok(mut nc) = std::process::Command::new("nc")
        .args(["-N"])
        .args(addr.split(':'))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
    else {
        eprintln!("no nc here: skipped");
        return;
    };
    let mut nc_in = nc.stdin.take().unwrap();
    let mut nc_out = std::io::BufReader::new(nc.stdout.take().unwrap());
    let mut nc_line = || {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut nc_out, &mut line).unwrap();
        line
    };
    let greeting = nc_line();
    let nc_who = greeting
        .strip_prefix("You are ")
        .unwrap()
        .trim_end()
        .to_string();
    nc_in.write_all(b"from nc\n").unwrap();
    assert_eq!(nc_line(), format!("{nc_who}: from nc\n"));
    drop(nc_in); // nc -N then shuts down its side
    assert_eq!(nc_line(), "", "nc hears nothing after leaving");
    assert!(nc.wait().unwrap().success());
    assert_eq!(
        read_screen(&a_screen, 3),
        format!("{nc_who} has arrived\n{nc_who}: from nc\n{nc_who} has left\n")
    );
}

/// Go's scan ends at a line over 64 KiB, and its `Close` with the rest of
/// the line unread resets the connection; Go's netcat2 then exits with
/// `read: connection reset by peer`, where a FIN would end it quietly.
#[test]
fn a_line_over_64_kib_resets_the_connection() {
    let server = Server::start(CHAT, &[]);
    assert_a_long_line_resets(&server.addr);
}

#[test]
fn a_listen_failure_is_one_log_line_and_exit_status_1() {
    assert_listen_failures(CHAT);
}

#[test]
fn help_and_version() {
    assert_help_and_version(CHAT, "chat");
}
