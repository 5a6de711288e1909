//! `gopl.io/ch8/clock1`: Clock1 is a TCP server that periodically writes the
//! time.
//!
//! Run it in one terminal and connect from another:
//!
//! ```text
//! $ cargo run -p clock1
//! $ nc localhost 8000          # or: cargo run -p netcat1
//! 13:58:54
//! 13:58:55
//! ^C
//! ```
//!
//! It serves one client at a time: a second `nc` waits until the first ends.
//!
//! | Go                                      | Rust                                   |
//! |-----------------------------------------|----------------------------------------|
//! | `net.Listen("tcp", "localhost:8000")`   | `common::listen` (in `main.rs`)        |
//! | `for { conn, err := listener.Accept()`  | `for conn in listener.incoming()`      |
//! | `log.Print(err)`                        | `common::accept_failed` (logs, backs off) |
//! | `defer c.Close()`                       | `c` is dropped when `handle_conn` ends |
//! | `time.Now().Format("15:04:05\n")`       | `common::now().strftime("%H:%M:%S\n")` |
//! | `time.Sleep(1 * time.Second)`           | `thread::sleep(Duration::from_secs(1))` |

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

/// The book's `main` after `net.Listen`: accept connections forever and
/// handle each in turn.
pub fn serve(listener: TcpListener) {
    for conn in listener.incoming() {
        let conn = match conn {
            Ok(conn) => conn,
            Err(err) => {
                common::accept_failed(&listener, &err); // e.g., connection aborted
                continue;
            }
        };
        handle_conn(conn); // handle one connection at a time
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
