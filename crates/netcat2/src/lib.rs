//! `gopl.io/ch8/netcat2`: Netcat is a simple read/write client for TCP
//! servers.
//!
//! Two threads: one copies the server's output to standard output while
//! `main` sends standard input to the server. At the end of input (`^D`)
//! `main` returns and the program ends at once, even if echoes are still
//! on their way; netcat3 waits for them. Only if the server has already
//! reset the connection does `main` wait, for the background thread's log
//! line and exit status 1: Go's `log.Fatal` exits within microseconds of
//! the reset, but Rust's `exit` runs exit handlers first, long enough for
//! `main` to return and exit with 0.
//!
//! ```text
//! $ cargo run -p reverb1       # terminal 1
//! $ cargo run -p netcat2       # terminal 2
//! Hello?
//!          HELLO?
//!          Hello?
//!          hello?
//! ```
//!
//! | Go                               | Rust                                          |
//! |----------------------------------|-----------------------------------------------|
//! | `conn`, used by two goroutines   | `Arc<TcpStream>`, a clone for each thread     |
//! | `go mustCopy(os.Stdout, conn)`   | `common::go(move \|\| { ...; must_copy(stdout, &*background) })` |
//! | `mustCopy(conn, os.Stdin)`       | `must_copy(&*conn, stdin)`                    |
//! | the background `log.Fatal`, which exits before `main` returns | after a reset `main` waits: `copy_ended.recv()` |

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;

use common::{Named, must_copy};
use crossbeam_channel::bounded;

/// The book's `main`, from `net.Dial` on (which is in `main.rs`).
pub fn run(conn: TcpStream, stdin: impl Read + Named, stdout: impl Write + Named + Send + 'static) {
    let conn = Arc::new(conn);
    let background = Arc::clone(&conn);
    let (copying, copy_ended) = bounded::<()>(0);
    common::go(move || {
        let _copying = copying; // dropped when the copy returns, never when it exits the program
        must_copy(stdout, &*background);
    });
    must_copy(&*conn, stdin);
    // No peer: a reset, which the background copy is logging; its exit 1 must win, as Go's does.
    if conn.peer_addr().is_err() {
        let _ = copy_ended.recv();
    }
}
