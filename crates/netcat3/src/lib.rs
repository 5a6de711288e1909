//! `gopl.io/ch8/netcat3`: Netcat is a simple read/write client for TCP
//! servers.
//!
//! netcat2 that waits for its background thread: at the end of input `main`
//! closes the connection, which ends the background copy; that thread logs
//! `done` and signals `main` on an unbuffered channel. So `done` always
//! comes before the exit.
//!
//! ```text
//! $ cargo run -p reverb2       # terminal 1
//! $ cargo run -p netcat3       # terminal 2
//! Hello?
//!          HELLO?
//! ^D
//! 2026/11/28 14:03:01 done
//! ```
//!
//! | Go                                 | Rust                                  |
//! |------------------------------------|---------------------------------------|
//! | `done := make(chan struct{})`      | `let (done_tx, done_rx) = bounded(0)` |
//! | `go func() { ... }()`              | `common::go(move \|\| { ... })`       |
//! | `io.Copy(os.Stdout, conn)`         | `io::copy(&mut &*background, &mut stdout)` |
//! | `done <- struct{}{}`               | `done_tx.send(())`                    |
//! | `<-done`                           | `done_rx.recv()`                      |

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;

use common::{Named, log_print, must_copy};
use crossbeam_channel::bounded;

/// The book's `main`, from `net.Dial` on (which is in `main.rs`).
pub fn run(conn: TcpStream, stdin: impl Read + Named, mut stdout: impl Write + Send + 'static) {
    let conn = Arc::new(conn);
    let background = Arc::clone(&conn);
    let (done_tx, done_rx) = bounded(0);
    common::go(move || {
        let _ = io::copy(&mut &*background, &mut stdout); // NOTE: ignoring errors
        log_print!("done");
        let _ = done_tx.send(()); // signal the main goroutine
    });
    must_copy(&*conn, stdin);
    // The other thread holds the connection too: dropping ours would not
    // close it.
    let _ = conn.shutdown(Shutdown::Both);
    let _ = done_rx.recv(); // wait for background goroutine to finish
}
