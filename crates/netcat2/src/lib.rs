//! `gopl.io/ch8/netcat2`: Netcat is a simple read/write client for TCP
//! servers.
//!
//! Two threads: one copies the server's output to standard output while
//! `main` sends standard input to the server. At the end of input (`^D`)
//! `main` returns and the program ends at once, even if echoes are still
//! on their way; netcat3 waits for them.
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
//! | `go mustCopy(os.Stdout, conn)`   | `common::go(move \|\| must_copy(stdout, &*background))` |
//! | `mustCopy(conn, os.Stdin)`       | `must_copy(&*conn, stdin)`                    |

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;

use common::{Named, must_copy};

/// The book's `main`, from `net.Dial` on (which is in `main.rs`).
pub fn run(conn: TcpStream, stdin: impl Read + Named, stdout: impl Write + Named + Send + 'static) {
    let conn = Arc::new(conn);
    let background = Arc::clone(&conn);
    common::go(move || must_copy(stdout, &*background));
    must_copy(&*conn, stdin);
}
