//! `gopl.io/ch8/clock1`: Clock1 is a TCP server that periodically writes the
//! time.
//!
//! A sequential server: it handles one connection at a time, so a second
//! client is accepted by the system but hears nothing until the first leaves.
//!
//! ```text
//! $ cargo run -p clock1        # terminal 1
//! $ nc localhost 8000          # terminal 2 (or: cargo run -p netcat1)
//! 13:58:54
//! 13:58:55
//! ```
//!
//! | Go                                    | Rust                                      |
//! |---------------------------------------|-------------------------------------------|
//! | `net.Listen("tcp", "localhost:8000")` | `common::listen(&args.addr)` (`main.rs`)  |
//! | `listener.Accept()`                   | `common::accept(&listener)`               |
//! | `log.Print(err)`                      | `common::log_print!("{err}")`             |
//! | `defer c.Close()`                     | `c` is dropped when `handle_conn` returns |
//! | `io.WriteString(c, s)`                | `c.write_all(s.as_bytes())`               |
//! | `time.Now().Format("15:04:05\n")`     | `common::now().strftime("%H:%M:%S\n")`    |

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

/// The book's `main`, from `net.Listen` on (which is in `main.rs`).
pub fn serve(listener: TcpListener) {
    loop {
        let conn = match common::accept(&listener) {
            Ok(conn) => conn,
            Err(err) => {
                common::log_print!("{err}"); // e.g., connection aborted
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
