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
//! broadcaster knows who is there, so it tells the newcomer (8.12). An idle
//! client's reads time out, which ends its input; it is told why (8.13).
//! The broadcaster never waits: a client whose buffer is full has fallen
//! behind and is cut off (8.15). Since the writer sends the last words, it,
//! not the handler, closes the connection.
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
//! | `type client struct { name string; ch chan<- string }` | `struct Client { name, ch, conn }` |
//! | `make(chan string, n)` (8.15)                     | `bounded(n)`                          |
//! | `select { case cli <- msg: default: ... }` (8.15) | `cli.ch.try_send(msg)`, `Err(Full)`   |
//! | `conn.SetReadDeadline` per line (8.13)            | `set_read_timeout(idle)` once         |
//! | `conn`, shared with the broadcaster (8.15)        | `Arc<TcpStream>`                      |

use std::io::Write;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use common::{Scanner, go_error, log_fatal, log_print};
use crossbeam_channel::{Receiver, Sender, TrySendError, bounded, select};

/// chat that asks each client its name, tells it who is there, and
/// disconnects the idle and the slow.
///
/// A solution to exercises 8.12 to 8.15 of gopl.io/ch8, changes to
/// gopl.io/ch8/chat. Each client takes two threads.
#[derive(Parser)]
#[command(name = "chat_plus", version)]
struct Args {
    /// Where to listen, as HOST:PORT
    #[arg(long, default_value = "localhost:8000")]
    addr: String,

    /// How long a client may send, or read, nothing before it is
    /// disconnected (e.g. 5m, 30s)
    #[arg(long, default_value = "5m", value_parser = flags::positive_duration)]
    idle: Duration,

    /// How many messages may wait for a client before it is dropped as too
    /// slow, 1 to 1000 (each client's buffer is allocated in full)
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=1000))]
    buffer: u32,

    #[command(flatten)]
    threads: flags::MaxThreads,
}

/// A line of chat, any bytes, shared by every client's channel.
type Message = Arc<[u8]>;

/// A client in the broadcaster's set.
struct Client {
    name: String,         // 8.14, for the newcomers' list (8.12)
    ch: Sender<Message>,  // buffered (8.15)
    conn: Arc<TcpStream>, // 8.15: to cut if it falls behind
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
    thread::Builder::new()
        .spawn(move || broadcaster(entering_rx, leaving_rx, messages_rx))
        .unwrap_or_else(|err| log_fatal!("{}", go_error(&err)));
    loop {
        let conn = match common::accept(&listener) {
            Ok(conn) => conn,
            Err(err) => {
                log_print!("{err}");
                continue;
            }
        };
        // 8.13: reads and writes fail after `idle` without a byte. (Only a
        // zero `idle` would fail here, and --idle refuses it.)
        let _ = conn.set_read_timeout(Some(idle));
        let _ = conn.set_write_timeout(Some(idle));
        let conn = Arc::new(conn);
        let (ch, ch_rx) = bounded(buffer); // 8.15: outgoing client messages, buffered
        let out = Arc::clone(&conn);
        common::go(move || client_writer(&out, ch_rx));
        let chat = chat.clone();
        common::go(move || handle_conn(conn, ch, chat, idle));
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
                let mut here = names.join(", ");
                if here.is_empty() {
                    here = "nobody else".to_string();
                }
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

/// 8.15: sends `msg` to `cli` without waiting; `false` if it is to be
/// dropped: its buffer is full, and it is cut off, or its writer has gone.
fn deliver(cli: &Client, msg: Message) -> bool {
    match cli.ch.try_send(msg) {
        Ok(()) => true,
        Err(TrySendError::Full(_)) => {
            log_print!("dropping {}: too slow to read", cli.name);
            // Its handler then sees the end of its input and says goodbye.
            let _ = cli.conn.shutdown(Shutdown::Both);
            false
        }
        Err(TrySendError::Disconnected(_)) => false,
    }
}

/// One client's side of the chat: asks its name, greets and announces it,
/// enters it in the set, relays its lines, and at the end of its input, or
/// after `idle` without any, takes it out.
fn handle_conn(conn: Arc<TcpStream>, ch: Sender<Message>, chat: Channels, idle: Duration) {
    let Ok(who) = conn.peer_addr() else { return }; // the client has gone already
    // 8.14: the first line is the client's name; an empty one, its address.
    let _ = ch.send(text(&[b"What is your name?"]));
    let mut input = Scanner::new(&*conn);
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
        conn: Arc::clone(&conn),
    });

    let mut last = Instant::now(); // 8.13
    for line in input {
        last = Instant::now();
        let _ = chat.messages.send(text(&[who.as_bytes(), b": ", &line]));
    }
    // NOTE: ignoring potential errors from input.Err()

    let _ = chat.leaving.send(ch.clone());
    // 8.13: a read that timed out ended the input: say why, as the last line.
    if last.elapsed() >= idle {
        let goodbye = format!(
            "You said nothing for {}: goodbye",
            humantime::format_duration(idle)
        );
        let _ = ch.send(goodbye.into_bytes().into());
    }
    let _ = chat.messages.send(text(&[who.as_bytes(), b" has left"]));
}

/// Writes each message of `ch` to `conn` as a line, until `ch` is closed or
/// a write fails; then closes the connection.
fn client_writer(mut conn: &TcpStream, ch: Receiver<Message>) {
    for msg in ch {
        if conn.write_all(&[&msg[..], b"\n"].concat()).is_err() {
            break; // the broadcaster sees the channel gone, and drops the client
        }
    }
    let _ = conn.shutdown(Shutdown::Both);
}

/// Go's `a + b + ...` on strings: the parts, joined into one message.
fn text(parts: &[&[u8]]) -> Message {
    parts.concat().into()
}
