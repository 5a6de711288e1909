//! `gopl.io/ch8/chat`: Chat is a server that lets clients chat with each
//! other.
//!
//! The `broadcaster` alone owns the set of clients; the other threads talk
//! to it over three unbuffered channels. Each client has two threads:
//! `handle_conn` reads its lines, `client_writer` writes what it is sent.
//! As in the book, a client that stops reading stalls everyone (README.md).
//!
//! ```text
//! $ cargo run -p chat          # terminal 1
//! $ cargo run -p netcat3       # terminals 2, 3, ... (or: nc localhost 8000)
//! You are 127.0.0.1:64208
//! 127.0.0.1:64211 has arrived
//! ```
//!
//! | Go                                  | Rust                                          |
//! |-------------------------------------|-----------------------------------------------|
//! | `type client chan<- string`         | `type Client = Sender<Message>`               |
//! | `string`, immutable and shared      | `type Message = Arc<[u8]>`                    |
//! | package-level `entering`, ...       | `Channels`, a copy for each handler           |
//! | `clients := make(map[client]bool)`  | `Vec<Client>`: a `Sender` is not `Hash`       |
//! | `delete(clients, cli); close(cli)`  | `retain` by `same_channel`: the last `Sender` dropped closes it |
//! | `go broadcaster()`                  | `thread::Builder::new().spawn(..)`, outside the budget |
//! | `go clientWriter(conn, ch)` in `handleConn` | `common::go(..)` in the accept loop (see `serve`) |
//! | `conn.RemoteAddr().String()`        | `conn.peer_addr()` (an `Err` once the client has gone), `.to_string()` |
//! | `conn.Close()`                      | `common::close(conn)`: the writer's handle would keep it open |

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;

use common::{Scanner, go_error, log_fatal, log_print};
use crossbeam_channel::{Receiver, Sender, bounded, select};

/// A line of chat as a Go `string` holds it: any bytes, shared by every
/// client's channel without a copy.
pub type Message = Arc<[u8]>;

/// An outgoing message channel (Go: `type client chan<- string`).
pub type Client = Sender<Message>;

/// The sending ends of the broadcaster's channels, Go's package variables.
#[derive(Debug, Clone)]
pub struct Channels {
    /// `entering = make(chan client)`
    pub entering: Sender<Client>,
    /// `leaving = make(chan client)`
    pub leaving: Sender<Client>,
    /// `messages = make(chan string)`: all incoming client messages
    pub messages: Sender<Message>,
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
                clients.retain(|c| !c.same_channel(&cli)); // and `cli` is dropped: close(cli)
            }
        }
    }
}

/// One client's side of the chat; `ch` is its outgoing channel, whose
/// writer `serve` has started.
pub fn handle_conn(conn: &TcpStream, ch: Client, chat: Channels) {
    let Ok(who) = conn.peer_addr() else { return }; // it has gone already
    let who = who.to_string();
    // The broadcaster outlives every handler: these sends cannot fail.
    let _ = ch.send(text(&[b"You are ", who.as_bytes()]));
    let _ = chat.messages.send(text(&[who.as_bytes(), b" has arrived"]));
    let _ = chat.entering.send(ch.clone());

    for line in Scanner::new(conn) {
        let _ = chat.messages.send(text(&[who.as_bytes(), b": ", &line]));
    }
    // NOTE: ignoring potential errors from input.Err()

    let _ = chat.leaving.send(ch);
    let _ = chat.messages.send(text(&[who.as_bytes(), b" has left"]));
    common::close(conn); // the writer holds the socket too: see `common::close`
}

/// Writes each message of `ch` to `conn` as a line, until `ch` is closed.
pub fn client_writer(mut conn: &TcpStream, ch: Receiver<Message>) {
    for msg in ch {
        let _ = conn.write_all(&[&msg[..], b"\n"].concat()); // NOTE: ignoring network errors
    }
}

/// The book's `main`, from `net.Listen` on (which is in `main.rs`).
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
    thread::Builder::new() // for the life of the server, outside the budget
        .spawn(move || broadcaster(entering_rx, leaving_rx, messages_rx))
        .unwrap_or_else(|err| log_fatal!("{}", go_error(&err)));
    loop {
        let conn = match common::accept(&listener) {
            Ok(conn) => conn,
            Err(err) => {
                log_print!("{err}"); // e.g., connection aborted
                continue;
            }
        };
        let conn = Arc::new(conn); // shared by the client's two threads
        let out = Arc::clone(&conn);
        let (ch, ch_rx) = bounded(0); // outgoing client messages
        // Both threads start here: a handler on a thread of the budget
        // could not wait for its writer's, nor run the writer in place.
        common::go(move || client_writer(&out, ch_rx));
        let chat = chat.clone();
        common::go(move || handle_conn(&conn, ch, chat));
    }
}

/// Go's `a + b + ...` on strings: the parts, joined into one message.
fn text(parts: &[&[u8]]) -> Message {
    parts.concat().into()
}
