//! `gopl.io/ch8/clock2`: Clock2 is a concurrent TCP server that periodically
//! writes the time.
//!
//! Run it in one terminal and connect from as many others as you like:
//!
//! ```text
//! $ cargo run -p clock2
//! $ nc localhost 8000          # or: cargo run -p netcat1
//! 14:02:54
//! 14:02:55
//! ^C
//! ```
//!
//! The only change from clock1 is in `serve`: `go handleConn(conn)`.
//!
//! | Go                                      | Rust                                   |
//! |-----------------------------------------|----------------------------------------|
//! | `net.Listen("tcp", "localhost:8000")`   | `common::listen` (in `main.rs`)        |
//! | `for { conn, err := listener.Accept()`  | `for conn in listener.incoming()`      |
//! | `log.Print(err)`                        | `common::accept_failed` (logs, backs off) |
//! | `go handleConn(conn)`                   | `common::go(move \|\| handle_conn(conn))`, within the thread budget |
//! | `defer c.Close()`                       | `c` is dropped when `handle_conn` ends |
//! | `time.Now().Format("15:04:05\n")`       | `common::now().strftime("%H:%M:%S\n")` |

//!
//! Threads are not goroutines: a process gets about 16,000 of them, so
//! `common::go` waits while the thread budget (`--max-threads`) is spent,
//! and new clients wait in the listen backlog until a client leaves.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

/// The book's `main` after `net.Listen`: accept connections forever and
/// handle each on a thread of its own.
pub fn serve(listener: TcpListener) {
    common::now(); // look up the time zone here, not on a handler's small stack
    for conn in listener.incoming() {
        let conn = match conn {
            Ok(conn) => conn,
            Err(err) => {
                common::accept_failed(&listener, &err); // e.g., connection aborted
                continue;
            }
        };
        common::go(move || handle_conn(conn)); // handle connections concurrently
    }
}

/// Writes the time to `c` once a second until a write fails.
pub fn handle_conn(mut c: TcpStream) {
    loop {
        let now = common::now().strftime("%H:%M:%S\n").to_string();
        if c.write_all(now.as_bytes()).is_err() {
            return; // e.g., client disconnected
        }
        thread::sleep(Duration::from_secs(1));
    }
}
