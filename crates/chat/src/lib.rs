//! `gopl.io/ch8/chat`: Chat is a server that lets clients chat with each
//! other.
//!
//! Run it in one terminal and connect from several others:
//!
//! ```text
//! $ cargo run -p chat                 # terminal 1
//! $ cargo run -p netcat3              # terminal 2 (or: nc localhost 8000)
//! You are 127.0.0.1:64208
//! 127.0.0.1:64211 has arrived
//! Hi!
//! 127.0.0.1:64208: Hi!
//! 127.0.0.1:64211: Hi yourself.
//! ^D
//! 2026/11/28 14:03:01 done
//! $ cargo run -p netcat3              # terminal 3, after terminal 2
//! You are 127.0.0.1:64211
//! 127.0.0.1:64208: Hi!
//! Hi yourself.
//! 127.0.0.1:64211: Hi yourself.
//! 127.0.0.1:64208 has left
//! ```
//!
//! The `broadcaster` alone owns the set of clients; every other thread
//! talks to it through three channels. Each client has two threads:
//! `handle_conn` reads its lines, `client_writer` writes what the
//! broadcaster sends it.
//!
//! | Go                                        | Rust                                        |
//! |-------------------------------------------|---------------------------------------------|
//! | `type client chan<- string`               | `type Client = Sender<Message>`             |
//! | `string` (immutable, shared)              | `type Message = Arc<[u8]>` (any bytes, shared) |
//! | `entering = make(chan client)`            | `bounded(0)`, and so `leaving`, `messages`  |
//! | package-level `entering`, ...             | `Channels`, a copy for each handler         |
//! | `clients := make(map[client]bool)`        | `Vec<Client>`: a `Sender` is not `Hash`     |
//! | `select { case msg := <-messages: ... }`  | `select! { recv(messages) -> msg => ... }`  |
//! | `delete(clients, cli); close(cli)`        | `retain` by `same_channel`; the last `Sender` dropped closes it |
//! | `go broadcaster()`                        | `thread::Builder::new().spawn(...)` (one thread) |
//! | `go handleConn(conn)`, `go clientWriter`  | `common::go`, both from the accept loop (see `serve`) |
//! | `conn.RemoteAddr().String()`              | the address `accept` returns, `to_string()` |
//! | `bufio.NewScanner(conn)`, `input.Text()`  | `common::Scanner::new(&conn)`, its `Vec<u8>` lines |
//! | `for msg := range ch`                     | `for msg in ch`                             |
//! | `fmt.Fprintln(conn, msg)`                 | one `write_all` of `msg + "\n"`             |
//! | `conn.Close()`                            | `conn.shutdown(Shutdown::Both)` (the writer holds a clone) |
//!
//! The book's weakness, kept here as the listing has it: every channel is
//! unbuffered, so the broadcaster hands each message to each client's
//! writer in turn and waits for it. A client that stops reading fills its
//! socket, its writer blocks in `write`, the broadcaster blocks on that
//! writer, and then every handler blocks on `messages`: the whole chat
//! stalls (tests/chat.rs shows it). Exercise 8.15 (`chat_plus` in the
//! exercises crate) is the cure.

use std::io::Write;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;

use common::{Scanner, go_error, log_fatal, log_print};
use crossbeam_channel::{Receiver, Sender, bounded, select};

/// A line of chat as a Go `string` holds it: any bytes, immutable, and
/// shared by every client's channel without a copy.
pub type Message = Arc<[u8]>;

/// An outgoing message channel (Go: `type client chan<- string`).
pub type Client = Sender<Message>;

/// The broadcaster's channels, which Go keeps in package-level variables;
/// each handler gets a copy of the sending ends.
#[derive(Debug, Clone)]
pub struct Channels {
    /// `entering = make(chan client)`
    pub entering: Sender<Client>,
    /// `leaving = make(chan client)`
    pub leaving: Sender<Client>,
    /// `messages = make(chan string)`: all incoming client messages
    pub messages: Sender<Message>,
}

/// The book's `main` after `net.Listen`: start the broadcaster, then accept
/// connections forever, each with its handler and its writer.
pub fn serve(listener: TcpListener) {
    if common::threads::budget().max() < 2 {
        log_fatal!("chat needs at least 2 threads (--max-threads): each client has two");
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
                common::accept_failed(&listener, &err); // e.g., connection aborted
                continue;
            }
        };
        // The writer's own handle on the socket; failing that (out of
        // descriptors), the connection is dropped, which closes it.
        let out = match conn.try_clone() {
            Ok(out) => out,
            Err(err) => {
                log_print!("{}", go_error(&err));
                continue;
            }
        };
        let (ch, ch_rx) = bounded(0); // outgoing client messages
        // Each client takes two threads of the budget, and only a thread
        // that holds none may wait for one; so this loop, rather than
        // handle_conn as in Go, starts both, the writer first. Only the
        // newest writer can wait for its handler's thread, every other
        // thread ends when its client leaves: nothing deadlocks (given 2
        // threads or more), and newcomers wait in the listen backlog.
        common::go(move || client_writer(out, ch_rx));
        let chat = chat.clone();
        common::go(move || handle_conn(conn, who, ch, chat));
    }
}

/// Owns the set of clients: adds those entering, removes those leaving,
/// and sends every message to all of them, one after another.
pub fn broadcaster(
    entering: Receiver<Client>,
    leaving: Receiver<Client>,
    messages: Receiver<Message>,
) {
    let mut clients: Vec<Client> = Vec::new(); // all connected clients
    loop {
        select! {
            recv(messages) -> msg => {
                let Ok(msg) = msg else { return }; // no handler and no server left
                // Broadcast incoming message to all
                // clients' outgoing message channels.
                for cli in &clients {
                    let _ = cli.send(Arc::clone(&msg)); // fails only if its writer died
                }
            }
            recv(entering) -> cli => {
                let Ok(cli) = cli else { return };
                clients.push(cli);
            }
            recv(leaving) -> cli => {
                let Ok(cli) = cli else { return };
                // Dropping the set's copy and `cli`, the last senders,
                // closes the channel: Go's close(cli).
                clients.retain(|c| !c.same_channel(&cli));
            }
        }
    }
}

/// One client's side of the chat: greets it, announces it, enters it in
/// the set, relays its lines, and at the end of its input takes it out.
///
/// `ch` is its outgoing channel, whose writer `serve` has started.
pub fn handle_conn(conn: TcpStream, who: SocketAddr, ch: Client, chat: Channels) {
    // The broadcaster outlives every handler, so these sends cannot fail.
    let who = who.to_string();
    let _ = ch.send(text(&[b"You are ", who.as_bytes()]));
    let _ = chat.messages.send(text(&[who.as_bytes(), b" has arrived"]));
    let _ = chat.entering.send(ch.clone());

    for line in Scanner::new(&conn) {
        let _ = chat.messages.send(text(&[who.as_bytes(), b": ", &line]));
    }
    // NOTE: ignoring potential errors from input.Err()

    let _ = chat.leaving.send(ch);
    let _ = chat.messages.send(text(&[who.as_bytes(), b" has left"]));
    // Go's conn.Close(). The writer holds the socket too, so dropping ours
    // would not close it: shut it down.
    let _ = conn.shutdown(Shutdown::Both);
}

/// Writes each message of `ch` to `conn` as a line, until `ch` is closed.
pub fn client_writer(mut conn: TcpStream, ch: Receiver<Message>) {
    for msg in ch {
        let _ = conn.write_all(&[&msg[..], b"\n"].concat()); // NOTE: ignoring network errors
    }
}

/// Go's `a + b + ...` on strings: the parts, joined into one message.
fn text(parts: &[&[u8]]) -> Message {
    parts.concat().into()
}
