//! Exercise 8.3: netcat3 closes the whole connection when standard input
//! ends, so the last echoes from reverb1 are lost; close only the write half
//! (Go's `CloseWrite`), and keep printing the echoes until the server closes.
//!
//! netcat3 (`crates/netcat3`) with one change, marked in `run`: at the end
//! of input it closes only the write half, so the background thread still
//! prints every echo until the server closes. (reverb2 closes at the end of
//! input itself; exercise 8.4, `reverb_wait`, fixes that side.)
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
//! | Go                                 | Rust                             |
//! |------------------------------------|----------------------------------|
//! | `conn.(*net.TCPConn).CloseWrite()` | `conn.shutdown(Shutdown::Write)` |

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::thread;

use clap::Parser;
use common::{Named, log_print, must_copy};
use crossbeam_channel::bounded;

/// netcat3 that closes only its write half at the end of input, so that
/// every echo still arrives; it logs `done` and exits when the server closes.
///
/// A solution to exercise 8.3 of gopl.io/ch8, a change to gopl.io/ch8/netcat3.
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
fn run(conn: TcpStream, stdin: impl Read + Named, mut stdout: impl Write + Send + 'static) {
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
    let _ = conn.shutdown(Shutdown::Write); // 8.3: CloseWrite, not Close
    let _ = done_rx.recv(); // wait for background goroutine to finish
}
