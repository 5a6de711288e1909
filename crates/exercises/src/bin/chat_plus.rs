//! Exercises 8.12 to 8.15, all four in one chat server:
//!
//! - 8.12: make the broadcaster announce the current set of clients to each
//!   new arrival;
//! - 8.13: make the chat server disconnect idle clients, such as those that
//!   have sent no messages in the last five minutes (`--idle`);
//! - 8.14: change the network protocol so that each client provides its
//!   name on entering, instead of the server using its network address;
//! - 8.15: failure of any client program to read data in a timely manner
//!   ultimately causes all clients to get stuck. Modify the broadcaster to
//!   skip a message rather than wait if a client writer is not ready to
//!   accept it. Or add buffering to each client's outgoing message channel
//!   so that most messages are not dropped; the broadcaster should use a
//!   non-blocking send to this channel.
//!
//! Each change to chat (`crates/chat`) is marked with its number. Only the
//! broadcaster knows who is there, so it tells the newcomer (8.12). A
//! client has `--idle` for each line, as Go's `SetReadDeadline` before
//! each read of a line gives it; a line cut short there is no message, and
//! the client is told why it goes (8.13). A name with `": "` could pass its
//! lines off as another's, and control characters could rewrite a
//! terminal's line: such a name is refused with the reason, and the
//! question asked again (8.14).
//!
//! 8.15: the broadcaster never waits. What a client's full channel cannot
//! take waits in the broadcaster's queue for it, which it moves on as the
//! channel takes more (looking again every millisecond), so a burst (a
//! paste) drops no one who reads, and one who leaves still gets all that
//! was sent before. Only a client that has stopped reading is dropped: its
//! channel has taken nothing for `--slow` while more waits, or 16 MiB wait.
//! It is told why once it reads again (its connection closes then, or after
//! `--idle`), and the others hear it leave. Since the writer sends the last
//! words, it, not the handler, closes the connection.
//!
//! ```text
//! $ cargo run -p exercises --bin chat_plus        # terminal 1
//! $ cargo run -p netcat3                          # terminal 2 (or: nc localhost 8000)
//! What is your name?
//! alice
//! You are alice
//! Here now: nobody else
//! bob has arrived
//! bob: hi alice
//! ```
//!
//! | Go                                                | Rust                                  |
//! |---------------------------------------------------|---------------------------------------|
//! | `type client struct { name string; ch chan<- string }` | `struct Client { name, ch, .. }` |
//! | `make(chan string, n)` (8.15)                     | `bounded(n)`                          |
//! | `select { case cli <- msg: default: ... }` (8.15) | `cli.ch.try_send(msg)`, `Err(Full)`   |
//! | `conn.SetReadDeadline(time.Now().Add(idle))` per line (8.13) | `Deadline`, which sets each read's timeout to the time left |
//! | `conn`, shared with the broadcaster (8.15)        | `Arc<TcpStream>`                      |
//! | `time.After(d)` in a `select`, or `nil` to never fire | `after(d)`, or `never()`          |

use std::cell::Cell;
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use common::{Scanner, go_error, log_fatal, log_print};
use crossbeam_channel::{Receiver, Sender, TrySendError, after, bounded, never, select};

/// chat that asks each client its name, tells it who is there, and
/// disconnects the idle and those that stop reading.
///
/// A solution to exercises 8.12 to 8.15 of gopl.io/ch8, changes to
/// gopl.io/ch8/chat. Each client takes two threads. A name may not contain
/// ": " or control characters (the server asks again); an empty one is the
/// client's address.
#[derive(Parser)]
#[command(name = "chat_plus", version)]
struct Args {
    /// Where to listen, as HOST:PORT
    #[arg(long, default_value = "localhost:8000")]
    addr: String,

    /// How long a client may go without sending a whole line, or without
    /// reading, before it is disconnected (e.g. 5m, 30s)
    #[arg(long, default_value = "5m", value_parser = flags::positive_duration)]
    idle: Duration,

    /// How long a client may read nothing while messages wait for it before
    /// it is dropped as too slow (also dropped: one 16 MiB behind)
    #[arg(long, default_value = "30s", value_parser = flags::positive_duration)]
    slow: Duration,

    /// How many messages each client's channel holds, 1 to 1000 (allocated
    /// in full); more wait in the broadcaster
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=1000))]
    buffer: u32,

    #[command(flatten)]
    threads: flags::MaxThreads,
}

/// 8.15: how much may wait for a client beyond its channel before it is
/// dropped, however it reads: a bound on the memory it costs.
const MAX_WAITING: usize = 16 << 20;

/// 8.15: while messages wait for a client, how often the broadcaster tries
/// again to move them into its channel: a client that is behind gets up to
/// `--buffer` messages a millisecond (100,000 lines a second by default).
const CATCH_UP: Duration = Duration::from_millis(1);

/// What a client that stopped reading hears last (8.15).
const TOO_SLOW: &[u8] = b"You are too slow to read: goodbye\n";

/// A line of chat, any bytes, shared by every client's channel.
type Message = Arc<[u8]>;

/// A client in the broadcaster's set.
struct Client {
    name: String,        // 8.14, for the newcomers' list (8.12)
    ch: Sender<Message>, // buffered (8.15)
    // 8.15: what its channel has not taken yet, oldest first, its size in
    // bytes, and when its channel last took a message.
    waiting: VecDeque<Message>,
    waiting_bytes: usize,
    last_taken: Instant,
    conn: Arc<TcpStream>, // 8.15: to cut it off
    cut: Arc<AtomicBool>, // 8.15: tells its writer it was cut off
}

/// The broadcaster's channels.
#[derive(Clone)]
struct Channels {
    entering: Sender<Client>,
    leaving: Sender<Sender<Message>>,
    messages: Sender<Message>,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    common::threads::set_budget(args.threads.server_budget());
    let listener = common::listen(&args.addr).unwrap_or_else(|err| log_fatal!("{err}"));
    serve(listener, args.idle, args.slow, args.buffer as usize);
}

/// Starts the broadcaster, then accepts connections forever, each with its
/// handler and its writer.
fn serve(listener: TcpListener, idle: Duration, slow: Duration, buffer: usize) {
    if common::threads::budget().max() < 2 {
        log_fatal!("chat_plus needs at least 2 threads (--max-threads): each client has two");
    }
    let (entering, entering_rx) = bounded(0);
    let (leaving, leaving_rx) = bounded(0);
    let (messages, messages_rx) = bounded(0); // all incoming client messages
    let chat = Channels {
        entering,
        leaving,
        messages,
    };
    thread::Builder::new()
        .spawn(move || broadcaster(entering_rx, leaving_rx, messages_rx, slow))
        .unwrap_or_else(|err| log_fatal!("{}", go_error(&err)));
    loop {
        let conn = match common::accept(&listener) {
            Ok(conn) => conn,
            Err(err) => {
                log_print!("{err}");
                continue;
            }
        };
        // A write fails after `idle` without a byte taken (8.13). (Only a
        // zero `idle` would fail here, and --idle refuses it.)
        let _ = conn.set_write_timeout(Some(idle));
        let conn = Arc::new(conn);
        let (ch, ch_rx) = bounded(buffer); // 8.15: outgoing client messages, buffered
        let cut = Arc::new(AtomicBool::new(false));
        let (out, cut_out) = (Arc::clone(&conn), Arc::clone(&cut));
        common::go(move || client_writer(&out, ch_rx, &cut_out));
        let chat = chat.clone();
        common::go(move || handle_conn(conn, ch, cut, chat, idle));
    }
}

/// Owns the set of clients. It never waits for one (8.15).
fn broadcaster(
    entering: Receiver<Client>,
    leaving: Receiver<Sender<Message>>,
    messages: Receiver<Message>,
    slow: Duration,
) {
    let mut clients: Vec<Client> = Vec::new(); // all connected clients
    // 8.15: clients who left while messages still waited for them; they get
    // those, as those already in their channels, and no more.
    let mut leavers: Vec<Client> = Vec::new();
    loop {
        let behind = clients
            .iter()
            .chain(&leavers)
            .any(|c| !c.waiting.is_empty());
        let catch_up = if behind { after(CATCH_UP) } else { never() };
        select! {
            recv(messages) -> msg => {
                let Ok(msg) = msg else { return };
                for cli in &mut clients {
                    cli.queue(Arc::clone(&msg));
                }
            }
            recv(entering) -> cli => {
                let Ok(mut cli) = cli else { return };
                // 8.12: tell the newcomer who is already here.
                let names: Vec<&str> = clients.iter().map(|c| c.name.as_str()).collect();
                let mut here = names.join(", ");
                if here.is_empty() {
                    here = "nobody else".to_string();
                }
                cli.queue(text(&[b"Here now: ", here.as_bytes()]));
                clients.push(cli);
            }
            recv(leaving) -> ch => {
                let Ok(ch) = ch else { return };
                if let Some(i) = clients.iter().position(|c| c.ch.same_channel(&ch)) {
                    let cli = clients.remove(i);
                    if !cli.waiting.is_empty() {
                        leavers.push(cli);
                    }
                }
            }
            recv(catch_up) -> _ => {}
        }
        clients.retain_mut(|cli| cli.catch_up(slow));
        leavers.retain_mut(|cli| cli.catch_up(slow) && !cli.waiting.is_empty());
    }
}

impl Client {
    fn new(name: String, ch: Sender<Message>, conn: Arc<TcpStream>, cut: Arc<AtomicBool>) -> Self {
        Client {
            name,
            ch,
            waiting: VecDeque::new(),
            waiting_bytes: 0,
            last_taken: Instant::now(),
            conn,
            cut,
        }
    }

    /// 8.15: puts `msg` in line for the client's channel.
    fn queue(&mut self, msg: Message) {
        self.waiting_bytes += msg.len();
        self.waiting.push_back(msg);
    }

    /// 8.15: moves what waits into the client's channel without waiting, as
    /// far as the channel has room; `false` if the client is to be dropped:
    /// its writer has gone, or it has stopped reading and is cut off.
    fn catch_up(&mut self, slow: Duration) -> bool {
        while let Some(msg) = self.waiting.front() {
            let len = msg.len();
            match self.ch.try_send(Arc::clone(msg)) {
                Ok(()) => {
                    self.waiting.pop_front();
                    self.waiting_bytes -= len;
                    self.last_taken = Instant::now();
                }
                Err(TrySendError::Full(_)) => break,
                Err(TrySendError::Disconnected(_)) => return false,
            }
        }
        let stopped = !self.waiting.is_empty() && self.last_taken.elapsed() > slow;
        if stopped || self.waiting_bytes > MAX_WAITING {
            log_print!("dropping {}: too slow to read", self.name);
            // Its writer says why instead of what is left; its handler sees
            // the end of its input, and says it has left.
            self.cut.store(true, Ordering::Relaxed);
            let _ = self.conn.shutdown(Shutdown::Read);
            return false;
        }
        true
    }
}

/// One client's side of the chat: asks its name, greets and announces it,
/// enters it in the set, relays its lines, and at the end of its input, or
/// after `idle` without a line, takes it out.
fn handle_conn(
    conn: Arc<TcpStream>,
    ch: Sender<Message>,
    cut: Arc<AtomicBool>,
    chat: Channels,
    idle: Duration,
) {
    let Ok(addr) = conn.peer_addr() else { return }; // the client has gone already
    let deadline = Deadline::new(&conn, idle); // 8.13
    let mut input = Scanner::new(&deadline);
    // 8.14: the first line is the client's name; asked again until it is one.
    let who = loop {
        let _ = ch.send(text(&[b"What is your name?"]));
        let Some(line) = input.next().filter(|_| !deadline.missed()) else {
            // Gone, or idle, before giving a name.
            if deadline.missed() {
                let _ = ch.send(idle_goodbye(idle));
            }
            return;
        };
        deadline.renew();
        match name(&line, addr) {
            Ok(name) => break name,
            Err(why) => {
                let _ = ch.send(text(&[why.as_bytes()]));
            }
        }
    };
    let _ = ch.send(text(&[b"You are ", who.as_bytes()]));
    let _ = chat.messages.send(text(&[who.as_bytes(), b" has arrived"]));
    let _ = chat
        .entering
        .send(Client::new(who.clone(), ch.clone(), Arc::clone(&conn), cut));

    for line in &mut input {
        if deadline.missed() {
            break; // 8.13: cut short at the deadline, it is no message
        }
        deadline.renew();
        let _ = chat.messages.send(text(&[who.as_bytes(), b": ", &line]));
    }
    // NOTE: ignoring potential errors from input.Err()

    let _ = chat.leaving.send(ch.clone());
    if deadline.missed() {
        let _ = ch.send(idle_goodbye(idle)); // 8.13: say why, as the last line
    }
    let _ = chat.messages.send(text(&[who.as_bytes(), b" has left"]));
}

/// 8.14: the name a client gives in `line`, or why it cannot have it. An
/// empty name is the client's address, as in chat.
fn name(line: &[u8], addr: SocketAddr) -> Result<String, &'static str> {
    let name = String::from_utf8_lossy(line);
    if name.is_empty() {
        Ok(addr.to_string())
    } else if name.contains(": ") {
        Err("A name cannot contain \": \"") // "mallory: bob" would speak for bob
    } else if name.chars().any(char::is_control) {
        Err("A name cannot contain control characters") // "\r" rewrites a line
    } else {
        Ok(name.into_owned())
    }
}

/// 8.13: what a client idle for `idle` hears last.
fn idle_goodbye(idle: Duration) -> Message {
    let goodbye = format!(
        "You said nothing for {}: goodbye",
        humantime::format_duration(idle)
    );
    goodbye.into_bytes().into()
}

/// 8.13: Go's `conn.SetReadDeadline`, for reading `conn` a line at a time:
/// each read waits only for the time left before the deadline, which
/// `renew` moves to `idle` from now. A read past it fails, and `missed`
/// says so.
struct Deadline<'a> {
    conn: &'a TcpStream,
    idle: Duration,
    at: Cell<Instant>,
    missed: Cell<bool>,
}

impl<'a> Deadline<'a> {
    fn new(conn: &'a TcpStream, idle: Duration) -> Self {
        Deadline {
            conn,
            idle,
            at: Cell::new(Instant::now() + idle),
            missed: Cell::new(false),
        }
    }

    fn renew(&self) {
        self.at.set(Instant::now() + self.idle);
    }

    fn missed(&self) -> bool {
        self.missed.get()
    }
}

impl Read for &Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.at.get().saturating_duration_since(Instant::now());
        let read = if left.is_zero() {
            Err(io::ErrorKind::TimedOut.into())
        } else {
            let mut conn = self.conn;
            conn.set_read_timeout(Some(left))
                .and_then(|()| conn.read(buf))
        };
        if let Err(err) = &read {
            let timed_out = matches!(
                err.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            );
            self.missed.set(timed_out);
        }
        read
    }
}

/// Writes each message of `ch` to `conn` as a line, until `ch` is closed or
/// a write fails; then closes the connection. If the broadcaster has cut
/// the client off (8.15), it skips what is left and says why.
fn client_writer(mut conn: &TcpStream, ch: Receiver<Message>, cut: &AtomicBool) {
    let mut failed = false;
    for msg in ch {
        if cut.load(Ordering::Relaxed) {
            break;
        }
        if conn.write_all(&[&msg[..], b"\n"].concat()).is_err() {
            failed = true; // the broadcaster sees the channel gone, and drops the client
            break;
        }
    }
    if cut.load(Ordering::Relaxed) && !failed {
        let _ = conn.write_all(TOO_SLOW);
    }
    let _ = conn.shutdown(Shutdown::Both);
}

/// Go's `a + b + ...` on strings: the parts, joined into one message.
fn text(parts: &[&[u8]]) -> Message {
    parts.concat().into()
}
