//! `gopl.io/ch8/clock2`: Clock is a TCP server that periodically writes the
//! time.
//!
//! clock1 with one change: `go handle_conn(conn)`, so every client gets the
//! time at once. A thread is not a goroutine, so `go` counts it against the
//! thread budget (`--max-threads`): at the budget, `accept` waits for a
//! client to leave, and newcomers wait in the listen backlog.
//!
//! ```text
//! $ cargo run -p clock2        # terminal 1
//! $ nc localhost 8000          # terminals 2, 3, ... (or: cargo run -p netcat1)
//! ```
//!
//! | Go                    | Rust                                       |
//! |-----------------------|--------------------------------------------|
//! | `go handleConn(conn)` | `common::go(move \|\| handle_conn(conn))` |

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

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

/// The book's `main`, from `net.Listen` on (which is in `main.rs`).
pub fn serve(listener: TcpListener) {
    common::now(); // look the time zone up here, not on a handler's small stack
    loop {
        let conn = match common::accept(&listener) {
            Ok(conn) => conn,
            Err(err) => {
                common::log_print!("{err}"); // e.g., connection aborted
                continue;
            }
        };
        common::go(move || handle_conn(conn)); // handle connections concurrently
    }
}
