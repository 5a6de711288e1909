//! How fast chat fans out, and how much memory it takes:
//!
//! ```text
//! $ cargo build --release -p chat
//! $ cargo run --release -p chat --example chat_bench [-- ROUNDS]
//! ```
//!
//! Two loads, each against the release `chat` beside this example and
//! against a reference server, alternately, ROUNDS times (default 3),
//! medians reported:
//!
//! - fan-out: 200 clients each send 20 lines, so each client receives
//!   4,000 lines and the server delivers 800,000;
//! - idle: 2,000 clients that only listen, plus 10 that each send 20 lines
//!   (402,000 deliveries).
//!
//! The time is from the first line sent to the last line received by the
//! last client; all clients have entered before it starts. The memory is
//! the server's peak resident set (`VmHWM` of `/proc/PID/status`).
//!
//! The reference is the same chat protocol served by one thread over mio
//! (epoll), with a growing output buffer per client instead of two threads
//! and two rendezvous channels: what the work costs with no thread
//! hand-offs. It runs as this same executable, `bench --reference ADDR`.
//!
//! The clients are one mio event loop in this process, so they cost the
//! server no threads and are the same for both servers.

use std::collections::HashMap;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use mio::net::{TcpListener as MioListener, TcpStream};
use mio::{Events, Interest, Poll, Token};

/// How long any phase may take before the bench gives up.
const PATIENCE: Duration = Duration::from_secs(300);

/// Lines each talker sends.
const LINES: usize = 20;

fn main() {
    common::raise_open_file_limit();
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--reference") {
        reference_server(&args[2]);
        return;
    }
    let rounds: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(3);
    let chat = chat_binary();
    let me = std::env::current_exe().expect("current_exe");
    println!("load average at start: {}", load_average());
    for (name, listeners, talkers) in [("fan-out", 0, 200), ("idle", 2000, 10)] {
        let mut results: HashMap<&str, Vec<(Duration, u64, u64)>> = HashMap::new();
        for round in 0..rounds {
            for (server, exe, extra) in [
                ("chat", &chat, None),
                ("reference", &me, Some("--reference")),
            ] {
                let result = run(exe, extra, listeners, talkers);
                println!(
                    "{name} round {round} {server:>9}: {:>7.2} s, VmHWM {:>7} kB, {} threads",
                    result.0.as_secs_f64(),
                    result.1,
                    result.2
                );
                results.entry(server).or_default().push(result);
            }
        }
        let median = |server: &str| {
            let mut times: Vec<Duration> = results[server].iter().map(|r| r.0).collect();
            let mut peaks: Vec<u64> = results[server].iter().map(|r| r.1).collect();
            times.sort();
            peaks.sort();
            (times[times.len() / 2], peaks[peaks.len() / 2])
        };
        let (chat_time, chat_peak) = median("chat");
        let (ref_time, ref_peak) = median("reference");
        println!(
            "{name}: chat {:.2} s, {} MB; reference {:.2} s, {} MB; ratio {:.1}x time, {:.1}x memory",
            chat_time.as_secs_f64(),
            chat_peak / 1000,
            ref_time.as_secs_f64(),
            ref_peak / 1000,
            chat_time.as_secs_f64() / ref_time.as_secs_f64(),
            chat_peak as f64 / ref_peak as f64
        );
    }
    println!("load average at end: {}", load_average());
}

/// The release `chat` beside this example (`target/release/chat`).
fn chat_binary() -> PathBuf {
    let me = std::env::current_exe().expect("current_exe");
    let chat = me
        .parent()
        .and_then(|examples| examples.parent())
        .map(|release| release.join("chat"))
        .expect("target directory");
    assert!(
        chat.exists(),
        "{} is missing: run `cargo build --release -p chat` first",
        chat.display()
    );
    chat
}

/// Starts a server, runs one load against it, and returns the time, the
/// server's peak resident set in kB, and its thread count at the end.
fn run(
    exe: &PathBuf,
    extra: Option<&str>,
    listeners: usize,
    talkers: usize,
) -> (Duration, u64, u64) {
    let addr = free_addr();
    let mut command = Command::new(exe);
    match extra {
        Some(flag) => command.args([flag, &addr]),
        None => command.args(["--addr", &addr]),
    };
    let mut server = Server(command.stdout(Stdio::null()).spawn().expect("start server"));
    wait_for(&addr);
    let (elapsed, status) = load(&addr, listeners, talkers, server.0.id());
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    let result = (elapsed, field("VmHWM:"), field("Threads:"));
    let _ = server.0.kill();
    let _ = server.0.wait();
    result
}

/// A child process, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_addr() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("local_addr").to_string()
}

fn wait_for(addr: &str) {
    let deadline = Instant::now() + PATIENCE;
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(Instant::now() < deadline, "server did not listen");
        thread::sleep(Duration::from_millis(20));
    }
}

/// One client of the load: its connection, what it has received.
struct Client {
    stream: TcpStream,
    partial: Vec<u8>,
    greeted: bool,
    pinged: bool,
    talk: usize,
}

/// Connects `listeners + talkers` clients, makes sure all have entered
/// the chat, then has each talker send its lines and waits until every
/// client has received all of them. Returns the time of that last part,
/// and server `pid`'s `/proc/PID/status` then, while all are connected.
fn load(addr: &str, listeners: usize, talkers: usize, pid: u32) -> (Duration, String) {
    let mut poll = Poll::new().expect("poll");
    let mut clients: Vec<Client> = Vec::new();
    let sa: SocketAddr = addr.parse().expect("address");
    for i in 0..listeners + talkers {
        let std_stream = std::net::TcpStream::connect(sa).expect("connect");
        std_stream.set_nonblocking(true).expect("nonblocking");
        let mut stream = TcpStream::from_std(std_stream);
        poll.registry()
            .register(&mut stream, Token(i), Interest::READABLE)
            .expect("register");
        clients.push(Client {
            stream,
            partial: Vec::new(),
            greeted: false,
            pinged: false,
            talk: 0,
        });
        // Keep the accept queue short and the client's buffers drained.
        if i % 100 == 99 {
            pump(&mut poll, &mut clients, |_| false, Duration::from_millis(1));
        }
    }
    pump(
        &mut poll,
        &mut clients,
        |cs| cs.iter().all(|c| c.greeted),
        PATIENCE,
    );
    // A client has entered once it hears any message: ping until all have.
    let pinger = clients.len() - 1;
    while !clients.iter().all(|c| c.pinged) {
        send(&mut clients[pinger].stream, b"ping\n");
        pump(
            &mut poll,
            &mut clients,
            |cs| cs.iter().all(|c| c.pinged),
            Duration::from_millis(200),
        );
    }

    let start = Instant::now();
    let want = talkers * LINES;
    let first_talker = listeners;
    for n in 0..LINES {
        for client in &mut clients[first_talker..] {
            send(&mut client.stream, format!("talk {n}\n").as_bytes());
        }
    }
    pump(
        &mut poll,
        &mut clients,
        |cs| cs.iter().all(|c| c.talk == want),
        PATIENCE,
    );
    let elapsed = start.elapsed();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("server status");
    (elapsed, status)
}

/// Writes a short line on a nonblocking socket.
fn send(stream: &mut TcpStream, mut line: &[u8]) {
    while !line.is_empty() {
        match stream.write(line) {
            Ok(n) => line = &line[n..],
            Err(err) if err.kind() == ErrorKind::WouldBlock => {
                thread::sleep(Duration::from_millis(1))
            }
            Err(err) => panic!("write: {err}"),
        }
    }
}

/// Reads whatever comes, line by line, until `done` or `timeout`.
fn pump(
    poll: &mut Poll,
    clients: &mut [Client],
    done: impl Fn(&[Client]) -> bool,
    timeout: Duration,
) {
    let mut events = Events::with_capacity(1024);
    let deadline = Instant::now() + timeout;
    let mut buf = vec![0; 64 * 1024];
    while !done(clients) {
        let now = Instant::now();
        if now >= deadline {
            assert!(timeout < PATIENCE, "the load did not finish in time");
            return;
        }
        poll.poll(&mut events, Some(deadline - now)).expect("poll");
        for event in &events {
            let client = &mut clients[event.token().0];
            loop {
                match client.stream.read(&mut buf) {
                    Ok(0) => panic!("the server hung up"),
                    Ok(n) => client.partial.extend_from_slice(&buf[..n]),
                    Err(err) if err.kind() == ErrorKind::WouldBlock => break,
                    Err(err) => panic!("read: {err}"),
                }
            }
            let mut start = 0;
            while let Some(end) = client.partial[start..].iter().position(|&b| b == b'\n') {
                let line = &client.partial[start..start + end];
                if line.starts_with(b"You are ") {
                    client.greeted = true;
                } else if line.ends_with(b": ping") {
                    client.pinged = true;
                } else if line.windows(7).any(|w| w == b": talk ") {
                    client.talk += 1;
                }
                start += end + 1;
            }
            client.partial.drain(..start);
        }
    }
}

/// The reference: chat's protocol on one thread, over mio. Each client's
/// output waits in a buffer of its own until its socket can take it.
fn reference_server(addr: &str) {
    struct Peer {
        stream: TcpStream,
        who: String,
        input: Vec<u8>,
        output: Vec<u8>,
    }
    const LISTENER: Token = Token(usize::MAX);
    let mut listener = MioListener::bind(addr.parse().expect("address")).expect("bind");
    let mut poll = Poll::new().expect("poll");
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)
        .expect("register");
    let mut peers: HashMap<usize, Peer> = HashMap::new();
    let mut next = 0;
    let mut events = Events::with_capacity(1024);
    let mut buf = vec![0; 64 * 1024];
    loop {
        poll.poll(&mut events, None).expect("poll");
        let mut messages: Vec<Vec<u8>> = Vec::new();
        let mut gone: Vec<usize> = Vec::new();
        for event in &events {
            if event.token() == LISTENER {
                while let Ok((mut stream, who)) = listener.accept() {
                    let token = Token(next);
                    next += 1;
                    poll.registry()
                        .register(&mut stream, token, Interest::READABLE | Interest::WRITABLE)
                        .expect("register");
                    let who = who.to_string();
                    messages.push(format!("{who} has arrived\n").into_bytes());
                    let output = format!("You are {who}\n").into_bytes();
                    peers.insert(
                        token.0,
                        Peer {
                            stream,
                            who,
                            input: Vec::new(),
                            output,
                        },
                    );
                }
                continue;
            }
            let id = event.token().0;
            let Some(peer) = peers.get_mut(&id) else {
                continue;
            };
            if event.is_readable() {
                loop {
                    match peer.stream.read(&mut buf) {
                        Ok(0) => {
                            gone.push(id);
                            break;
                        }
                        Ok(n) => peer.input.extend_from_slice(&buf[..n]),
                        Err(err) if err.kind() == ErrorKind::WouldBlock => break,
                        Err(_) => {
                            gone.push(id);
                            break;
                        }
                    }
                }
                while let Some(end) = peer.input.iter().position(|&b| b == b'\n') {
                    let line: Vec<u8> = peer.input.drain(..=end).collect();
                    let text = line.strip_suffix(b"\n").unwrap_or(&line);
                    let text = text.strip_suffix(b"\r").unwrap_or(text);
                    messages.push([peer.who.as_bytes(), b": ", text, b"\n"].concat());
                }
            }
        }
        for id in gone {
            if let Some(peer) = peers.remove(&id) {
                messages.push(format!("{} has left\n", peer.who).into_bytes());
            }
        }
        for message in &messages {
            for peer in peers.values_mut() {
                // The newcomer's own arrival is not sent to it.
                if !message.starts_with(peer.who.as_bytes())
                    || !message.ends_with(b" has arrived\n")
                {
                    peer.output.extend_from_slice(message);
                }
            }
        }
        for peer in peers.values_mut() {
            if let Err(err) = flush(&mut peer.stream, &mut peer.output) {
                if err.kind() != ErrorKind::WouldBlock {
                    peer.output.clear();
                }
            }
        }
    }
}

/// Writes as much of `output` as the socket takes now.
fn flush(mut stream: impl Write, output: &mut Vec<u8>) -> io::Result<()> {
    let mut written = 0;
    let result = loop {
        if written == output.len() {
            break Ok(());
        }
        match stream.write(&output[written..]) {
            Ok(n) => written += n,
            Err(err) => break Err(err),
        }
    };
    output.drain(..written);
    result
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}
