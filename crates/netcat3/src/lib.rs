//! `gopl.io/ch8/netcat3`: Netcat3 is a TCP client that waits for its
//! background thread before it exits.
//!
//! Start an echo server in one terminal and shout at it from another:
//!
//! ```text
//! $ cargo run -p reverb2
//! $ cargo run -p netcat3
//! Hello?
//!          HELLO?
//! ^D
//! 2026/11/28 14:03:01 done
//! ```
//!
//! When input ends, main closes the connection, which ends the background
//! copy; that thread logs `done` and signals main on an unbuffered channel,
//! and main waits for the signal. So `done` always comes before the exit.
//!
//! | Go                                | Rust                                    |
//! |-----------------------------------|-----------------------------------------|
//! | `done := make(chan struct{})`     | `let (done_tx, done_rx) = bounded(0)`   |
//! | `done <- struct{}{}`              | `done_tx.send(())`                      |
//! | `<-done`                          | `done_rx.recv()`                        |
//! | `go func() { ... }()`             | `thread::spawn(move \|\| { ... })`       |
//! | `conn.Close()`                    | `conn.shutdown(Shutdown::Both)`         |
//! | `log.Println("done")`             | `log_print!("done")`                    |

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::thread;

use common::{log_print, must_copy};
use crossbeam_channel::bounded;

/// The book's `main` after `net.Dial`.
pub fn run(conn: TcpStream, stdin: impl Read, mut stdout: impl Write + Send + 'static) {
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
    // Go's conn.Close() closes both halves. The other thread holds the
    // connection too, so dropping ours would close nothing: shut it down.
    let _ = conn.shutdown(Shutdown::Both);
    let _ = done_rx.recv(); // wait for background goroutine to finish
}
