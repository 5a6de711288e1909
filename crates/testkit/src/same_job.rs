//! The behaviour tests of the thread versions, as functions of the binary
//! under test, so that each runs against the thread version and against its
//! Rust-way twin in `crates/rustway` (clock2_tokio, reverb2_tokio, ...):
//! the same transcripts, the same errors, the same claims.

use crate::Server;
use crate::clock::assert_clock_line;
use crate::process::Program;

/// clock2: every client hears the time while all of them are connected.
pub fn clock2_serves_many_clients_at_once(exe: &str) {
    let server = Server::start(exe, &[]);
    let mut clients: Vec<_> = (0..5).map(|_| server.connect()).collect();
    for client in &mut clients {
        assert_clock_line(&client.read_line());
    }
    for client in &mut clients {
        assert_clock_line(&client.read_line());
    }
}

/// clock2: a client that leaves ends only its own handler, quietly.
pub fn clock2_a_client_that_leaves_ends_only_its_own_handler(exe: &str) {
    let mut server = Server::start(exe, &[]);
    let mut staying = server.connect();
    let mut leaving = server.connect();
    assert_clock_line(&staying.read_line());
    assert_clock_line(&leaving.read_line());
    drop(leaving);
    // The other client keeps getting the time, well past the moment the
    // server's next write to the one that left failed.
    for _ in 0..3 {
        assert_clock_line(&staying.read_line());
    }
    assert!(
        server.program.child.try_wait().unwrap().is_none(),
        "{exe} exited"
    );
    server.program.child.kill().unwrap();
    let (_, _, err) = server.program.finish();
    assert_eq!(err, "", "a departing client is not an error");
}

/// reverb2: the echoes of two shouts overlap.
pub fn reverb2_the_echoes_of_two_shouts_overlap(exe: &str) {
    use std::io::Write;
    let server = Server::start(exe, &["--delay", "1s"]);
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

/// reverb2: the end of input cuts off pending echoes.
pub fn reverb2_the_end_of_input_cuts_off_pending_echoes(exe: &str) {
    use std::io::Write;
    let server = Server::start(exe, &["--delay", "2s"]);
    let mut client = server.connect();
    client.stream.write_all(b"Hello?\n").unwrap();
    client.stream.shutdown(std::net::Shutdown::Write).unwrap();
    // The server closes the connection at once; the quiet echo, due after
    // four seconds, never comes.
    let reply = client.read_to_end();
    assert!(b"\t HELLO?\n".starts_with(&reply), "{reply:?}");
}

/// reverb2: each echo line arrives whole, though many race for the
/// connection.
pub fn reverb2_each_echo_line_arrives_whole(exe: &str) {
    use std::io::Write;
    let server = Server::start(exe, &["--delay", "10ms"]);
    let mut client = server.connect();
    // Many long shouts at once: their echoes race for the connection.
    let shouts: Vec<String> = (0..40)
        .map(|i| format!("{i}:{}", "Ab".repeat(2000)))
        .collect();
    let mut expected = std::collections::HashSet::new();
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

/// pipeline1: the squares in order, then a quiet exit (status 0, nothing on
/// stderr) when the reader of its output goes, as `head` does.
pub fn pipeline1_squares_then_a_quiet_exit_when_the_reader_goes(exe: &str) {
    use std::io::{BufRead, BufReader};
    let mut program = Program::start(exe, &[]);
    let mut lines = BufReader::new(program.child.stdout.take().expect("stdout"));
    for x in 0..2000_i64 {
        let mut line = String::new();
        lines.read_line(&mut line).expect("read a line");
        assert_eq!(line, format!("{}\n", x * x));
    }
    // The reader goes: the program must end promptly (within PATIENCE),
    // with status 0 and nothing on stderr.
    drop(lines);
    let (status, _, stderr) = program.finish();
    assert!(status.success(), "{status:?}");
    assert_eq!(stderr, "");
}

/// Runs `exe ARGS` with `input` on standard input; returns the exit code,
/// standard output, and the Go log messages of standard error.
fn run_with_input(exe: &str, args: &[&str], input: &[u8]) -> (i32, Vec<u8>, Vec<String>) {
    use std::io::Write;
    let mut program = Program::start(exe, args);
    let mut stdin = program.child.stdin.take().unwrap();
    let input = input.to_vec();
    // The program may stop reading before the end (a line too long).
    let writer = std::thread::spawn(move || drop(stdin.write_all(&input)));
    let (status, out, err) = program.finish();
    writer.join().unwrap();
    let log = err
        .split_inclusive('\n')
        .map(|line| crate::cli::go_log_message(line).to_string())
        .collect();
    (status.code().unwrap_or(-1), out, log)
}

fn name_lines(names: &[std::path::PathBuf]) -> String {
    names.iter().map(|f| format!("{}\n", f.display())).collect()
}

/// thumbnail (main.go, the default variant): each thumbnail's name in the
/// input's order, each failure logged in Go's words, and nothing else
/// changed.
pub fn thumbnail_prints_each_name_logs_each_failure_and_goes_on(exe: &str) {
    use crate::photos::{bad_inputs, photos, snapshot};
    let dir = tempfile::tempdir().unwrap();
    let (files, thumbs) = photos(dir.path(), 4);
    let bad = bad_inputs(dir.path());
    let mut input = vec![files[0].clone(), files[1].clone()];
    input.extend(bad.iter().map(|(f, _)| f.clone()));
    input.extend(files[2..].iter().cloned());
    let before = snapshot(dir.path());

    let (code, out, log) = run_with_input(exe, &[], name_lines(&input).as_bytes());
    assert_eq!(code, 0);
    // In order: one file after another.
    assert_eq!(String::from_utf8(out).unwrap(), name_lines(&thumbs));
    let messages: Vec<String> = bad.into_iter().map(|(_, m)| m).collect();
    assert_eq!(log, messages);
    // The thumbnails are all that is new; the inputs are as they were.
    let after = snapshot(dir.path());
    assert_eq!(after.len(), before.len() + thumbs.len());
    for (name, contents) in &before {
        assert_eq!(after.get(name), Some(contents), "{name} changed");
    }
}

/// thumbnail: a line longer than Go's 64 KiB ends the input with
/// `bufio.Scanner: token too long` and exit status 1, once the names
/// before it are done; the names after it are never read. (crates/thumbnail
/// runs it for `--variant 1`, the default, and checks the other variants.)
pub fn thumbnail_a_line_too_long_ends_the_input(exe: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (files, thumbs) = crate::photos::photos(dir.path(), 2);
    let input = [
        name_lines(&files[..1]).as_bytes(),
        &[b'x'; 70_000],
        b"\n",
        name_lines(&files[1..]).as_bytes(),
    ]
    .concat();
    let (code, out, log) = run_with_input(exe, &[], &input);
    assert_eq!(code, 1);
    assert_eq!(log, ["bufio.Scanner: token too long"]);
    assert!(thumbs[0].exists() && !thumbs[1].exists(), "it read on");
    assert_eq!(String::from_utf8(out).unwrap(), name_lines(&thumbs[..1]));
}

/// thumbnail: `thumbnail < /tmp` fails to read, and says so as Go does, in
/// one log line and nothing else. (crates/thumbnail checks the other
/// variants.)
pub fn thumbnail_a_directory_on_standard_input_is_a_read_error(exe: &str) {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(exe)
        .stdin(std::fs::File::open(dir.path()).unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        crate::cli::go_log_message(&err),
        "read /dev/stdin: is a directory"
    );
    assert!(output.stdout.is_empty());
}

/// Runs crawler `exe` from the site's `/` to the end, with `args` after the
/// URL; asserts exit status 0; returns the URLs it printed (checked to be
/// each printed once) and the messages it logged (each checked to be one Go
/// `log` line).
pub fn crawl(
    exe: &str,
    site: &crate::site::Site,
    args: &[&str],
) -> (std::collections::BTreeSet<String>, Vec<String>) {
    let start = site.url("/");
    let mut all = vec![start.as_str()];
    all.extend_from_slice(args);
    let (status, out, err) = Program::start(exe, &all).finish();
    assert!(status.success(), "{status}: {err}");
    let out = String::from_utf8(out).unwrap();
    let mut urls = std::collections::BTreeSet::new();
    for line in out.lines() {
        assert!(urls.insert(line.to_string()), "printed twice: {line}");
    }
    let messages = err
        .split_inclusive('\n')
        .map(|line| crate::cli::go_log_message(line).to_string())
        .collect();
    (urls, messages)
}

/// crawl2: each reachable URL printed once, Go's errors logged, exit 0.
pub fn crawl2_prints_each_reachable_url_once_and_exits_0(exe: &str) {
    let site = crate::site::Site::generated(300, std::time::Duration::ZERO, false);
    let (urls, mut messages) = crawl(exe, &site, &[]);
    assert_eq!(urls, site.reachable(None));
    assert!(urls.len() > 600, "{}", urls.len());
    messages.sort();
    assert_eq!(
        messages,
        [
            r#"Get "mailto:x@y.z": unsupported protocol scheme "mailto""#.to_string(),
            format!("getting {}: 404 Not Found", site.url("/missing.html")),
        ]
    );
}

/// crawl2: never more than 20 fetches (or `--concurrency`) in flight.
pub fn crawl2_never_more_than_20_fetches_in_flight(exe: &str) {
    use std::time::Duration;
    let site = crate::site::Site::generated(300, Duration::from_millis(20), false);
    let (urls, _) = crawl(exe, &site, &[]);
    assert_eq!(urls, site.reachable(None));
    let most = site.max_in_flight();
    assert!((2..=20).contains(&most), "{most} requests at once");
    let site = crate::site::Site::generated(100, Duration::from_millis(20), false);
    let (urls, _) = crawl(exe, &site, &["--concurrency", "3"]);
    assert_eq!(urls, site.reachable(None));
    let most = site.max_in_flight();
    assert!((2..=3).contains(&most), "{most} requests at once");
}

/// crawl2: a page that never answers times out in Go's words, and the
/// crawl ends.
pub fn crawl2_a_page_that_never_answers_times_out(exe: &str) {
    let site = crate::site::Site::generated(50, std::time::Duration::ZERO, true);
    let (urls, messages) = crawl(exe, &site, &["--timeout", "1s"]);
    assert_eq!(urls, site.reachable(None));
    let hang = format!(
        "Get \"{}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
        site.url("/hang.html")
    );
    assert!(messages.contains(&hang), "{messages:?}");
}

/// crawl2: not a URL is Go's `unsupported protocol scheme ""`.
pub fn crawl2_not_a_url_is_gos_unsupported_protocol_scheme(exe: &str) {
    let (status, out, err) = Program::start(exe, &["notaurl"]).finish();
    assert!(status.success(), "{status}");
    assert_eq!(String::from_utf8(out).unwrap(), "notaurl\n");
    assert_eq!(
        crate::cli::go_log_message(&err),
        "Get \"notaurl\": unsupported protocol scheme \"\""
    );
}

/// crawl2: a refused connection is Go's `dial tcp ADDR: connect: connection
/// refused`.
pub fn crawl2_a_refused_connection_in_gos_words(exe: &str) {
    let (_held, addr) = crate::refusing_addr();
    let url = format!("http://{addr}/");
    let (status, out, err) = Program::start(exe, &[&url]).finish();
    assert!(status.success(), "{status}");
    assert_eq!(String::from_utf8(out).unwrap(), format!("{url}\n"));
    assert_eq!(
        crate::cli::go_log_message(&err),
        format!("Get \"{url}\": dial tcp {addr}: connect: connection refused")
    );
}

/// How long a silence must last before a chat test calls it a stall.
pub const SILENCE: std::time::Duration = std::time::Duration::from_secs(3);

/// A chat client: a connection, and the address the server calls it by.
#[derive(Debug)]
pub struct Chatter {
    /// The connection.
    pub client: crate::Client,
    /// `127.0.0.1:PORT`, as the server names this client.
    pub who: String,
}

impl Chatter {
    /// Connects and checks the greeting, `You are ADDR`.
    pub fn join(server: &Server) -> Chatter {
        let client = server.connect();
        let who = client.stream.local_addr().unwrap().to_string();
        let mut chatter = Chatter { client, who };
        chatter.hears(&format!("You are {}", chatter.who));
        chatter
    }

    /// Asserts that the next line this client receives is `line`.
    pub fn hears(&mut self, line: &str) {
        let got = self.client.read_line();
        assert_eq!(
            String::from_utf8_lossy(&got),
            format!("{line}\n"),
            "what {} heard",
            self.who
        );
    }

    /// Sends `bytes` as they are.
    pub fn sends(&mut self, bytes: &[u8]) {
        use std::io::Write;
        self.client.stream.write_all(bytes).unwrap();
    }

    /// Says `line` and hears it back, which proves this client is in the
    /// set (the broadcaster sends a message to its sender too).
    pub fn says(&mut self, line: &str) {
        self.sends(format!("{line}\n").as_bytes());
        self.hears(&format!("{}: {line}", self.who));
    }

    /// Asserts that nothing comes within [`SILENCE`].
    pub fn hears_nothing(&mut self) {
        let got = self.client.read_line_within(SILENCE);
        assert!(got.is_err(), "{} heard {got:?}", self.who);
    }
}

/// chat: the transcript of Go's server: A connects, then B; A says `hi
/// from a`, B says `hello a` and leaves. A's screen, byte for byte.
pub fn chat_the_go_transcript_of_two_clients(exe: &str) {
    let server = Server::start(exe, &[]);
    let mut a = Chatter::join(&server);
    // chat's handler enters A in the set just after greeting it: two channel
    // sends. Give it a moment, as the person at terminal 2 would, so that A
    // hears B arrive. (chat_tokio greets A once it is in the set.)
    std::thread::sleep(std::time::Duration::from_millis(300));
    let mut b = Chatter::join(&server);
    let (a_who, b_who) = (a.who.clone(), b.who.clone());
    a.hears(&format!("{b_who} has arrived"));
    a.sends(b"hi from a\n");
    a.hears(&format!("{a_who}: hi from a"));
    b.hears(&format!("{a_who}: hi from a"));
    b.sends(b"hello a\n");
    b.hears(&format!("{b_who}: hello a"));
    b.client.stream.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(b.client.read_to_end(), b"", "B hears nothing after leaving");
    a.hears(&format!("{b_who}: hello a"));
    a.hears(&format!("{b_who} has left"));
    a.hears_nothing();
}

/// chat: three clients; each hears every message (its own too), the
/// arrivals after its own and the departures, in order; a newcomer never
/// hears its own arrival; a trailing `\r` is dropped; an over-long line ends
/// its sender's session, as Go's bufio.Scanner stops at 64 KiB.
pub fn chat_three_clients_hear_arrivals_messages_and_departures_in_order(exe: &str) {
    let server = Server::start(exe, &[]);
    let mut a = Chatter::join(&server);
    a.says("a here");

    let mut b = Chatter::join(&server);
    let b_who = b.who.clone();
    a.hears(&format!("{b_who} has arrived"));
    b.sends(b"b here\r\n");
    a.hears(&format!("{b_who}: b here"));
    b.hears(&format!("{b_who}: b here"));

    let mut c = Chatter::join(&server);
    let c_who = c.who.clone();
    a.hears(&format!("{c_who} has arrived"));
    b.hears(&format!("{c_who} has arrived"));
    c.says("c here");
    a.hears(&format!("{c_who}: c here"));
    b.hears(&format!("{c_who}: c here"));

    // A says goodbye and leaves; B and C hear it go.
    let a_who = a.who.clone();
    a.says("bye");
    a.client.stream.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(a.client.read_to_end(), b"");
    for other in [&mut b, &mut c] {
        other.hears(&format!("{a_who}: bye"));
        other.hears(&format!("{a_who} has left"));
    }
    // C sends a line of 64 KiB: its scanner stops, and C is gone.
    let mut long = vec![b'x'; common::MAX_SCAN_TOKEN_SIZE];
    long.push(b'\n');
    c.sends(&long);
    b.hears(&format!("{c_who} has left"));

    // B is alone now, and still chatting.
    b.says("anyone?");
    b.hears_nothing();
}

/// chat: a client that vanishes with a reset (SO_LINGER 0, as a crashed
/// machine or a killed process behind a firewall would) is announced as
/// gone, and the others carry on.
pub fn chat_a_client_that_resets_its_connection_has_left(exe: &str) {
    let server = Server::start(exe, &[]);
    let mut a = Chatter::join(&server);
    a.says("a here");
    let mut b = Chatter::join(&server);
    let b_who = b.who.clone();
    a.hears(&format!("{b_who} has arrived"));
    b.says("b here");
    a.hears(&format!("{b_who}: b here"));
    let c = Chatter::join(&server);
    let c_who = c.who.clone();
    a.hears(&format!("{c_who} has arrived"));
    b.hears(&format!("{c_who} has arrived"));
    let socket = socket2::SockRef::from(&c.client.stream);
    socket.set_linger(Some(std::time::Duration::ZERO)).unwrap();
    drop(c); // closes with RST, not FIN
    a.hears(&format!("{c_who} has left"));
    b.hears(&format!("{c_who} has left"));
    b.sends(b"still here\n");
    a.hears(&format!("{b_who}: still here"));
    b.hears(&format!("{b_who}: still here"));
}
