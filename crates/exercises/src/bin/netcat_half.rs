//! Exercise 8.3: netcat3 closes the whole connection when standard input
//! ends, so the last echoes from reverb1 are lost; close only the write half
//! (Go's `CloseWrite`), and keep printing the echoes until the server closes.
//!
//! A solution to an exercise of gopl.io/ch8, next to the program it
//! changes, `gopl.io/ch8/netcat3` (`crates/netcat3`).
//!
//! ```text
//! $ cargo run -p reverb1                          # terminal 1
//! $ cargo run -p exercises --bin netcat_half      # terminal 2
//! Hello?
//! ^D
//!          HELLO?
//!          Hello?
//!          hello?
//! 2026/11/28 14:03:01 done
//! ```
//!
//! What changed from netcat3, in ideas: netcat3 closed the whole connection
//! at the end of input, cutting off the echoes still on their way; this
//! closes only the write half. The server sees the end of its input as
//! before, but the read half stays open, so the background thread prints
//! every echo until the server closes the connection, and only then logs
//! `done`. (With reverb2 the last echoes are still lost: reverb2 itself
//! closes the connection at the end of input. Exercise 8.4, `reverb_wait`,
//! fixes the server side.)
//!
//! | Go                                     | Rust                                   |
//! |----------------------------------------|----------------------------------------|
//! | `conn.(*net.TCPConn).CloseWrite()`     | `conn.shutdown(Shutdown::Write)`       |
//! | `done := make(chan struct{})`          | `let (done_tx, done_rx) = bounded(0)`  |
//! | `go func() { ... }()`                  | `thread::Builder::new().spawn(...)` (one thread) |
//! | `<-done`                               | `done_rx.recv()`                       |

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::thread;

use clap::Parser;
use common::{log_print, must_copy};
use crossbeam_channel::bounded;

/// Exercise 8.3: netcat3 that closes only its write half at end of input.
///
/// A solution to exercise 8.3 of gopl.io/ch8, a change to netcat3
/// (gopl.io/ch8/netcat3). It sends standard input to the server while a
/// background thread prints what comes back. At the end of input netcat3
/// closed the whole connection, losing the echoes still to come; this one
/// closes only the write half, so the server sees the end of input and every
/// echo still arrives. It logs `done` and exits when the server closes.
#[derive(Parser)]
#[command(name = "netcat_half", version)]
struct Args {
    /// The server to connect to, as HOST:PORT
    #[arg(long, default_value = "localhost:8000")]
    addr: String,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    let conn = common::dial(&args.addr).unwrap_or_else(|err| common::log_fatal!("{err}"));
    run(conn, io::stdin(), common::stdout());
}

/// netcat3's `main` after `net.Dial`, with `CloseWrite` for `Close`.
fn run(conn: TcpStream, stdin: impl Read, mut stdout: impl Write + Send + 'static) {
    let conn = Arc::new(conn);
    let background = Arc::clone(&conn);
    let (done_tx, done_rx) = bounded(0);
    thread::Builder::new()
        .spawn(move || {
            let _ = io::copy(&mut background.as_ref(), &mut stdout); // NOTE: ignoring errors
            log_print!("done");
            let _ = done_tx.send(()); // signal the main goroutine
        })
        .unwrap_or_else(|err| common::log_fatal!("{}", common::go_error(&err)));
    must_copy(&*conn, stdin);
    // The change: close only the write half. The server sees the end of its
    // input; the echoes it still sends keep arriving until it closes.
    let _ = conn.shutdown(Shutdown::Write);
    let _ = done_rx.recv(); // wait for background goroutine to finish
}
