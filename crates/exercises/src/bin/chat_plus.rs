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
//! A solution to exercises of gopl.io/ch8, next to the program it changes,
//! `gopl.io/ch8/chat` (`crates/chat`). Each change is marked in the code by
//! its exercise number.
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
//! What changed from chat, in ideas:
//!
//! - 8.12: only the broadcaster knows who is there, so it is the one that
//!   tells: entering carries the client's name with its channel, and the
//!   broadcaster sends the newcomer the names in the set before adding it.
//! - 8.13: a socket read timeout of `--idle` ends the handler's scan like
//!   end of input; the client is told why and leaves as any other. (Go
//!   would reset a timer per line; a thread per client for a `select`
//!   would make three threads a client where two do.)
//! - 8.14: the first line a client sends is its name, asked for at once.
//! - 8.15: the broadcaster never waits. Each outgoing channel is buffered
//!   (`--buffer` messages) and the broadcaster uses `try_send`: a client
//!   whose buffer is full has fallen behind, and is dropped with a log line
//!   on the server (its socket is shut down, so its handler announces
//!   `NAME has left` as for anyone who leaves) rather than waited for.
//!   Because the writer now sends last words (8.13), the writer, not the
//!   handler, closes the connection once its channel is drained.
//!
//! | Go                                        | Rust                                        |
//! |-------------------------------------------|---------------------------------------------|
//! | `make(chan string, n)` (8.15)             | `bounded(n)`                                |
//! | `select { case cli <- msg: default: ... }` (8.15) | `cli.ch.try_send(msg)`, `Err(Full)` drops it |
//! | `conn.SetReadDeadline` per line (8.13)    | `set_read_timeout(idle)` once               |
//! | `type client struct { name string; ch chan<- string }` | `struct Client { name, ch, conn }` |

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use clap::Parser;
use common::{Scanner, go_error, log_fatal, log_print};
use crossbeam_channel::{Receiver, Sender, TrySendError, bounded, select};

/// Exercises 8.12-8.15: chat that names its clients, tells a newcomer who
/// is there, disconnects the idle and drops the slow.
///
/// A solution to exercises 8.12 to 8.15 of gopl.io/ch8, changes to chat
/// (gopl.io/ch8/chat). The server asks each client for its name first
/// (8.14), then tells it who is already there (8.12); it disconnects a
/// client that has sent nothing for the idle time (8.13); and a client that
/// does not read what it is sent is dropped once --buffer messages wait for
/// it, so that it cannot stall the others (8.15). Each client takes two
/// threads.
#[derive(Parser)]
#[command(name = "chat_plus", version)]
struct Args {
    /// Where to listen, as HOST:PORT
    #[arg(long, default_value = "localhost:8000")]
    addr: String,

    /// How long a client may send nothing before it is disconnected
    /// (e.g. 5m, 30s)
    #[arg(long, default_value = "5m", value_parser = humantime::parse_duration)]
    idle: Duration,

    /// How many messages may wait for a client before it is dropped as too
    /// slow
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    buffer: u32,

    #[command(flatten)]
    threads: common::MaxThreads,
}

/// A line of chat, any bytes, shared by every client's channel.
type Message = Arc<[u8]>;

/// A client in the broadcaster's set.
struct Client {
    /// Its name (8.14), for the newcomers' list (8.12).
    name: String,
    /// Its outgoing message channel, buffered (8.15).
    ch: Sender<Message>,
    /// Its connection, for the broadcaster to cut if it falls behind (8.15).
    conn: TcpStream,
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
    serve(listener, args.idle, args.buffer as usize);
}

/// Starts the broadcaster, then accepts connections forever, each with its
/// handler and its writer.
fn serve(listener: TcpListener, idle: Duration, buffer: usize) {
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
    // One thread for the life of the server, outside the budget.
    thread::Builder::new()
        .spawn(move || broadcaster(entering_rx, leaving_rx, messages_rx))
        .unwrap_or_else(|err| log_fatal!("{}", go_error(&err)));
    loop {
        let (conn, who) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(err) => {
                common::accept_failed(&listener, &err);
                continue;
            }
        };
        // The writer's and the broadcaster's handles on the socket; failing
        // that (out of descriptors), the connection is dropped and closed.
        let (out, cut) = match (conn.try_clone(), conn.try_clone()) {
            (Ok(out), Ok(cut)) => (out, cut),
            (Err(err), _) | (_, Err(err)) => {
                log_print!("{}", go_error(&err));
                continue;
            }
        };
        // 8.13: a client that sends nothing, or reads nothing, for `idle`
        // is disconnected: its reads and writes fail after that long.
        if conn.set_read_timeout(Some(idle)).is_err() || out.set_write_timeout(Some(idle)).is_err()
        {
            continue;
        }
        let (ch, ch_rx) = bounded(buffer); // 8.15: outgoing client messages, buffered
        // As in chat: two threads of the budget per client, both started
        // here, where waiting for a thread cannot deadlock.
        common::go(move || client_writer(out, ch_rx));
        let chat = chat.clone();
        common::go(move || handle_conn(conn, who, ch, cut, chat, idle));
    }
}

/// Owns the set of clients. It never waits for one (8.15).
fn broadcaster(
    entering: Receiver<Client>,
    leaving: Receiver<Sender<Message>>,
    messages: Receiver<Message>,
) {
    let mut clients: Vec<Client> = Vec::new(); // all connected clients
    loop {
        select! {
            recv(messages) -> msg => {
                let Ok(msg) = msg else { return };
                clients.retain(|cli| deliver(cli, Arc::clone(&msg)));
            }
            recv(entering) -> cli => {
                let Ok(cli) = cli else { return };
                // 8.12: tell the newcomer who is already here.
                let names: Vec<&str> = clients.iter().map(|c| c.name.as_str()).collect();
                let here = if names.is_empty() {
                    "nobody else".to_string()
                } else {
                    names.join(", ")
                };
                if deliver(&cli, text(&[b"Here now: ", here.as_bytes()])) {
                    clients.push(cli);
                }
            }
            recv(leaving) -> ch => {
                let Ok(ch) = ch else { return };
                clients.retain(|c| !c.ch.same_channel(&ch));
            }
        }
    }
}

/// 8.15: sends `msg` to `cli` without waiting. A client whose buffer is
/// full has fallen behind: it is cut off, and `false` says to drop it.
fn deliver(cli: &Client, msg: Message) -> bool {
    match cli.ch.try_send(msg) {
        Ok(()) => true,
        Err(TrySendError::Full(_)) => {
            log_print!("dropping {}: too slow to read", cli.name);
            // Its handler then sees the end of its input and says goodbye
            // for it; its writer's writes fail.
            let _ = cli.conn.shutdown(Shutdown::Both);
            false
        }
        Err(TrySendError::Disconnected(_)) => false, // its writer has given up
    }
}

/// One client's side of the chat: asks its name, greets and announces it,
/// enters it in the set, relays its lines, and at the end of its input, or
/// after `idle` without any, takes it out.
fn handle_conn(
    conn: TcpStream,
    who: SocketAddr,
    ch: Sender<Message>,
    cut: TcpStream,
    chat: Channels,
    idle: Duration,
) {
    // 8.14: the first line is the client's name; none, its address.
    // (Sends to its own writer wait for it, as in chat, at most `idle`.)
    let _ = ch.send(text(&[b"What is your name?"]));
    let mut watched = Watched {
        conn: &conn,
        timed_out: false,
    };
    let mut input = Scanner::new(&mut watched);
    let who = match input.next() {
        Some(name) if !name.is_empty() => String::from_utf8_lossy(&name).into_owned(),
        Some(_) => who.to_string(),
        None => return, // gone (or idle) before giving a name
    };
    let _ = ch.send(text(&[b"You are ", who.as_bytes()]));
    let _ = chat.messages.send(text(&[who.as_bytes(), b" has arrived"]));
    let _ = chat.entering.send(Client {
        name: who.clone(),
        ch: ch.clone(),
        conn: cut,
    });

    for line in input {
        let _ = chat.messages.send(text(&[who.as_bytes(), b": ", &line]));
    }

    let _ = chat.leaving.send(ch.clone());
    // 8.13: tell an idle client why it is cut off: the last line its
    // writer sends, now that it is out of the set, before it closes.
    if watched.timed_out {
        let idle = humantime::format_duration(idle);
        let goodbye = format!("You said nothing for {idle}: goodbye");
        let _ = ch.send(text(&[goodbye.as_bytes()]));
    }
    let _ = chat.messages.send(text(&[who.as_bytes(), b" has left"]));
    // Dropping `conn` closes nothing while the writer holds the socket: the
    // writer closes it once it has sent everything.
}

/// Writes each message of `ch` to `conn` as a line, until `ch` is closed or
/// a write fails (the client is gone, cut, or reads nothing for `idle`);
/// then closes the connection.
fn client_writer(mut conn: TcpStream, ch: Receiver<Message>) {
    for msg in ch {
        if conn.write_all(&[&msg[..], b"\n"].concat()).is_err() {
            break; // the broadcaster sees the channel gone, and drops the client
        }
    }
    let _ = conn.shutdown(Shutdown::Both);
}

/// The connection as the scanner reads it, noting whether a read timed out
/// (8.13): Go's `input.Err()` would say so; our `Scanner` stops quietly.
struct Watched<'a> {
    conn: &'a TcpStream,
    timed_out: bool,
}

impl Read for Watched<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let result = self.conn.read(buf);
        if let Err(err) = &result {
            // A read timeout is EAGAIN on Linux.
            self.timed_out |= matches!(
                err.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            );
        }
        result
    }
}

/// Go's `a + b + ...` on strings: the parts, joined into one message.
fn text(parts: &[&[u8]]) -> Message {
    parts.concat().into()
}
