//! `gopl.io/ch8/netcat2`: Netcat2 is a simple read/write TCP client.
//!
//! Start an echo server in one terminal and shout at it from another:
//!
//! ```text
//! $ cargo run -p reverb1
//! $ cargo run -p netcat2
//! Hello?
//!          HELLO?
//!          Hello?
//!          hello?
//! ^D
//! ```
//!
//! At the end of input (`^D`) the program stops at once, even if the other
//! thread still has echoes to print; netcat3 waits for it.
//!
//! | Go                                | Rust                                    |
//! |-----------------------------------|-----------------------------------------|
//! | `conn`, shared by two goroutines  | `Arc<TcpStream>`, shared by two threads |
//! | `go mustCopy(os.Stdout, conn)`    | `thread::spawn(move \|\| must_copy(stdout, &*conn))` |
//! | `mustCopy(conn, os.Stdin)`        | `must_copy(&*conn, stdin)`              |
//! | `main` returns, other goroutines die | `main` returns, other threads die    |

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::thread;

use common::must_copy;

/// The book's `main` after `net.Dial`: print what the server sends on a
/// background thread while this one sends `stdin` to the server.
pub fn run(conn: TcpStream, stdin: impl Read, stdout: impl Write + Send + 'static) {
    let conn = Arc::new(conn);
    let background = Arc::clone(&conn);
    thread::Builder::new()
        .spawn(move || must_copy(stdout, &*background))
        .unwrap_or_else(|err| common::log_fatal!("{}", common::go_error(&err)));
    must_copy(&*conn, stdin);
}
