//! `bench chat`: how fast chat fans out, and how much memory it takes.
//!
//! Two loads, each against the release `chat` and against a reference
//! server, in turns, ROUNDS times (default 3), medians reported:
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
//! hand-offs. It runs as this same executable, `bench chat-reference
//! --addr ADDR`.
//!
//! The clients are one mio event loop in this process, so they cost the
//! server no threads and are the same for both servers.

use std::collections::HashMap;
use std::io::{self, ErrorKind, Read, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use clap::Args;
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};

use crate::procs::{self, Bins, Server};
use crate::stats::{Turns, alternate, median};

/// What `bench chat` takes.
#[derive(Args, Debug, Clone)]
pub struct ChatArgs {
    /// Rounds of each load, chat and the reference in turns; the medians count
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    pub rounds: u32,
}

/// How long any phase may take before the bench gives up.
const PATIENCE: Duration = Duration::from_secs(300);

/// Lines each talker sends.
pub(crate) const LINES: usize = 20;

/// The loads: their name, clients that only listen, clients that talk.
const LOADS: [(&str, usize, usize); 2] = [("fan-out", 0, 200), ("idle", 2000, 10)];

/// One server's run of one load: the time, its peak resident set in kB,
/// and its thread count at the end.
type Outcome = (Duration, u64, u64);

/// Runs both loads against chat and the reference, and prints the runs
/// and their medians.
pub fn run(bins: &Bins, args: &ChatArgs) -> Result<(), String> {
    let most = LOADS.iter().map(|(_, l, t)| l + t).max().unwrap_or(0);
    procs::ensure_open_files(most as u64 + 100)?;
    let chat = bins.path("chat")?;
    let me = std::env::current_exe().map_err(|err| format!("where is this executable? {err}"))?;
    let scratch = tempfile::tempdir().map_err(|err| format!("temporary directory: {err}"))?;
    let servers: [(&str, &Path, &[&str]); 2] = [
        ("chat", &chat, &[]),
        ("reference", &me, &["chat-reference"]),
    ];
    println!("load average at start: {}", procs::load_average());
    for (name, listeners, talkers) in LOADS {
        let results = alternate(
            args.rounds as usize,
            servers.len(),
            Turns::Same,
            |case, round| -> Result<Outcome, String> {
                let (server, exe, leading) = servers[case];
                let result = run_once(exe, leading, listeners, talkers, scratch.path())
                    .map_err(|err| format!("{name}, {server}: {err}"))?;
                println!(
                    "{name} round {round} {server:>9}: {:>7.2} s, VmHWM {:>7} kB, {} threads",
                    result.0.as_secs_f64(),
                    result.1,
                    result.2
                );
                Ok(result)
            },
        )?;
        let medians = |runs: &[Outcome]| {
            let times: Vec<Duration> = runs.iter().map(|r| r.0).collect();
            let peaks: Vec<u64> = runs.iter().map(|r| r.1).collect();
            (median(&times), median(&peaks))
        };
        let (chat_time, chat_peak) = medians(&results[0]);
        let (ref_time, ref_peak) = medians(&results[1]);
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
    println!("load average at end: {}", procs::load_average());
    Ok(())
}

/// Starts a server, runs one load against it, and returns the time, the
/// server's peak resident set in kB, and its thread count at the end.
fn run_once(
    exe: &Path,
    leading: &[&str],
    listeners: usize,
    talkers: usize,
    scratch: &Path,
) -> Result<Outcome, String> {
    let server = Server::start_as(exe, leading, &[], scratch)?;
    let (elapsed, status) = load(server.addr, listeners, talkers, server.guard.pid())
        .map_err(|err| format!("{err}; the server said: {}", server.stderr_tail()))?;
    Ok((elapsed, status.hwm_kib, status.threads))
}

/// One client of the load: its connection, what it has received.
struct Client {
    stream: TcpStream,
    partial: Vec<u8>,
    lines: u64,
    greeted: bool,
    pinged: bool,
    talk: usize,
}

/// Connects `listeners + talkers` clients, makes sure all have entered
/// the chat, then has each talker send its lines and waits until every
/// client has received all of them. Returns the time of that last part,
/// and what `/proc/PID/status` says of server `pid` then, while all are
/// connected.
pub(crate) fn load(
    addr: SocketAddr,
    listeners: usize,
    talkers: usize,
    pid: u32,
) -> Result<(Duration, procs::Status), String> {
    let (mut poll, mut clients) = connect(addr, listeners + talkers)?;
    enter(
        &mut poll,
        &mut clients,
        PATIENCE,
        Duration::from_millis(200),
    )?;

    let start = Instant::now();
    let want = talkers * LINES;
    let first_talker = listeners;
    for n in 0..LINES {
        for client in &mut clients[first_talker..] {
            send(&mut client.stream, format!("talk {n}\n").as_bytes())?;
        }
    }
    let heard_all = |cs: &[Client]| cs.iter().all(|c| c.talk == want);
    if !pump(&mut poll, &mut clients, heard_all, PATIENCE)? {
        return Err(format!("the load did not finish within {PATIENCE:?}"));
    }
    let elapsed = start.elapsed();
    let status = procs::status(pid).map_err(|err| format!("the server's status: {err}"))?;
    Ok((elapsed, status))
}

/// Connects `clients` clients that only listen and waits until the
/// arrivals have died down (nothing heard for 3 s, or `patience` spent)
/// and all have entered; returns the time from the first connect,
/// and what `/proc/PID/status` says of server `pid` then.
pub(crate) fn hold(
    addr: SocketAddr,
    clients: usize,
    pid: u32,
    patience: Duration,
) -> Result<(Duration, procs::Status), String> {
    let start = Instant::now();
    let (mut poll, mut clients) = connect(addr, clients)?;
    let heard = |cs: &[Client]| cs.iter().map(|c| c.lines).sum::<u64>();
    loop {
        let before = heard(&clients);
        pump(&mut poll, &mut clients, |_| false, Duration::from_secs(3))?;
        if heard(&clients) == before {
            break;
        }
        if start.elapsed() > patience {
            return Err(format!("arrivals still coming after {patience:?}"));
        }
    }
    // Only now, and seldom again: a ping waits behind the arrivals, and
    // each costs the server a line to every client.
    enter(&mut poll, &mut clients, patience, Duration::from_secs(10))?;
    let elapsed = start.elapsed();
    let status = procs::status(pid).map_err(|err| format!("the server's status: {err}"))?;
    Ok((elapsed, status))
}

/// Connects `n` clients, one after another, each registered with the poll.
fn connect(addr: SocketAddr, n: usize) -> Result<(Poll, Vec<Client>), String> {
    let mut poll = Poll::new().map_err(|err| format!("poll: {err}"))?;
    let mut clients: Vec<Client> = Vec::new();
    for i in 0..n {
        let connect = || -> io::Result<TcpStream> {
            let std_stream = std::net::TcpStream::connect(addr)?;
            std_stream.set_nonblocking(true)?;
            let mut stream = TcpStream::from_std(std_stream);
            poll.registry()
                .register(&mut stream, Token(i), Interest::READABLE)?;
            Ok(stream)
        };
        let stream = connect().map_err(|err| format!("client {i}: connect: {err}"))?;
        clients.push(Client {
            stream,
            partial: Vec::new(),
            lines: 0,
            greeted: false,
            pinged: false,
            talk: 0,
        });
        // Keep the accept queue short and the client's buffers drained.
        if i % 100 == 99 {
            pump(&mut poll, &mut clients, |_| false, Duration::from_millis(1))?;
        }
    }
    Ok((poll, clients))
}

/// Waits until every client is greeted, then has the last one ping, again
/// every `again`, until all have heard it: a client has entered once it
/// hears any message.
fn enter(
    poll: &mut Poll,
    clients: &mut [Client],
    patience: Duration,
    again: Duration,
) -> Result<(), String> {
    let greeted = |cs: &[Client]| cs.iter().all(|c| c.greeted);
    if !pump(poll, clients, greeted, patience)? {
        return Err(format!("not every client was greeted within {patience:?}"));
    }
    let pinger = clients.len() - 1;
    let deadline = Instant::now() + patience;
    while !clients.iter().all(|c| c.pinged) {
        if Instant::now() > deadline {
            return Err(format!("not every client entered within {patience:?}"));
        }
        send(&mut clients[pinger].stream, b"ping\n")?;
        let pinged = |cs: &[Client]| cs.iter().all(|c| c.pinged);
        pump(poll, clients, pinged, again)?;
    }
    Ok(())
}

/// Writes a short line on a nonblocking socket.
fn send(stream: &mut TcpStream, mut line: &[u8]) -> Result<(), String> {
    while !line.is_empty() {
        match stream.write(line) {
            Ok(n) => line = &line[n..],
            Err(err) if err.kind() == ErrorKind::WouldBlock => {
                thread::sleep(Duration::from_millis(1))
            }
            Err(err) => return Err(format!("write: {err}")),
        }
    }
    Ok(())
}

/// Reads whatever comes, line by line, until `done` or `timeout`; whether
/// `done` came true.
fn pump(
    poll: &mut Poll,
    clients: &mut [Client],
    done: impl Fn(&[Client]) -> bool,
    timeout: Duration,
) -> Result<bool, String> {
    let mut events = Events::with_capacity(1024);
    let deadline = Instant::now() + timeout;
    let mut buf = vec![0; 64 * 1024];
    while !done(clients) {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            return Ok(false);
        };
        poll.poll(&mut events, Some(left))
            .map_err(|err| format!("poll: {err}"))?;
        for event in &events {
            let client = &mut clients[event.token().0];
            loop {
                match client.stream.read(&mut buf) {
                    Ok(0) => return Err("the server hung up".to_string()),
                    Ok(n) => client.partial.extend_from_slice(&buf[..n]),
                    Err(err) if err.kind() == ErrorKind::WouldBlock => break,
                    Err(err) => return Err(format!("read: {err}")),
                }
            }
            let mut start = 0;
            while let Some(end) = client.partial[start..].iter().position(|&b| b == b'\n') {
                let line = &client.partial[start..start + end];
                client.lines += 1;
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
    Ok(true)
}

/// The reference: chat's protocol on one thread, over mio. Each client's
/// output waits in a buffer of its own until its socket can take it.
/// Serves until killed.
pub fn reference_server(addr: SocketAddr) -> io::Result<()> {
    struct Peer {
        stream: TcpStream,
        who: String,
        input: Vec<u8>,
        output: Vec<u8>,
    }
    const LISTENER: Token = Token(usize::MAX);
    let mut listener = TcpListener::bind(addr)?;
    let mut poll = Poll::new()?;
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let mut peers: HashMap<usize, Peer> = HashMap::new();
    let mut next = 0;
    let mut events = Events::with_capacity(1024);
    let mut buf = vec![0; 64 * 1024];
    loop {
        poll.poll(&mut events, None)?;
        let mut messages: Vec<Vec<u8>> = Vec::new();
        let mut gone: Vec<usize> = Vec::new();
        for event in &events {
            if event.token() == LISTENER {
                while let Ok((mut stream, who)) = listener.accept() {
                    let token = Token(next);
                    next += 1;
                    poll.registry().register(
                        &mut stream,
                        token,
                        Interest::READABLE | Interest::WRITABLE,
                    )?;
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
