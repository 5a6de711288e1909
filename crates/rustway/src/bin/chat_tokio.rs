//! `chat_tokio`: chat (`gopl.io/ch8/chat`) the Rust way.
//!
//! Replaces `crates/chat`. The one idea that changed: the broadcaster is a
//! `tokio::sync::broadcast` channel, one ring of messages that every
//! client's task reads at its own pace, and each client is one task that
//! waits on its connection and on the ring at once (`select!`), where the
//! book has a broadcaster goroutine, two goroutines per client and an
//! unbuffered channel to each.
//!
//! A slow client no longer stalls the rest (exercise 8.15's rule): the
//! sender never waits for a receiver; a client that falls a whole ring
//! behind misses the messages it fell behind by (`Lagged`) and goes on.
//!
//! Beside tokio's own `examples/chat.rs`: that one keeps a map of clients
//! behind a mutex and an unbounded mpsc channel per client, so a client
//! that never reads grows the server's memory without bound; here the ring
//! is the only buffer, and it is bounded.
//!
//! ```text
//! $ cargo run -p rustway --bin chat_tokio   # terminal 1
//! $ cargo run -p netcat3                    # terminals 2, 3, ...
//! ```
//!
//! | thread version                             | the Rust way                      |
//! |--------------------------------------------|-----------------------------------|
//! | `broadcaster` thread, `entering`, `leaving` | `broadcast::channel(RING)`, `subscribe()`, drop |
//! | `messages <- msg`, then a send per client  | `chat.send(msg)`: once, into the ring |
//! | `handle_conn` and `client_writer` threads  | one task: `select!` on a line and a message |

use std::sync::Arc;

use clap::Parser;
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::broadcast::{self, Sender, error::RecvError};

/// How many messages a client may fall behind before it misses some.
const RING: usize = 4096;

/// A chat server: each line a client sends goes to every client: gopl.io/ch8/chat
/// the Rust way, a tokio task per client. Connect with netcat3.
#[derive(Parser)]
#[command(name = "chat_tokio", version)]
struct Args {
    /// Where to listen, as HOST:PORT
    #[arg(long, default_value = "localhost:8000")]
    addr: String,
}

/// A message, shared by every client's task that writes it.
type Message = Arc<[u8]>;

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    rustway::runtime().block_on(async {
        let listener = rustway::listen(&args.addr);
        let (chat, _) = broadcast::channel::<Message>(RING); // all incoming client messages
        loop {
            match rustway::accept(&listener).await {
                Ok(conn) => drop(tokio::spawn(handle_conn(conn, chat.clone()))),
                Err(err) => common::log_print!("{err}"), // e.g., connection aborted
            }
        }
    });
}

async fn handle_conn(mut conn: TcpStream, chat: Sender<Message>) {
    let Ok(who) = conn.peer_addr() else { return }; // it has gone already
    let who = who.to_string();
    let (input, mut output) = conn.split();
    let _ = chat.send(text(&[who.as_bytes(), b" has arrived"]));
    let mut messages = chat.subscribe(); // entering: after its own arrival
    // Greeted once it is in the set, so a client that has read its greeting
    // hears everything after it (in Go, entering comes just after).
    let greeting = format!("You are {who}\n");
    let _ = output.write_all(greeting.as_bytes()).await;
    // Go's Scanner starts with 4 KiB: so many idle clients stay small.
    let mut input = rustway::Lines::new(BufReader::with_capacity(4096, input));
    loop {
        tokio::select! {
            line = input.next_line() => match line {
                Some(line) => drop(chat.send(text(&[who.as_bytes(), b": ", &line]))),
                None => break,
            },
            msg = messages.recv() => match msg {
                // NOTE: ignoring network errors
                Ok(msg) => drop(output.write_all(&[&msg[..], b"\n"].concat()).await),
                // Too slow: it misses what it fell behind by, and no one waits.
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break,
            },
        }
    }
    drop(messages); // leaving
    let _ = chat.send(text(&[who.as_bytes(), b" has left"]));
    // conn is dropped here: Go's conn.Close(), a reset if a line was left unread.
}

fn text(parts: &[&[u8]]) -> Message {
    parts.concat().into()
}
