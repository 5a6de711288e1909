//! `gopl.io/ch8/netcat1`: Netcat1 is a read-only TCP client.
//!
//! It copies what the server sends to standard output until the server
//! closes the connection.
//!
//! ```text
//! $ cargo run -p clock2        # terminal 1
//! $ cargo run -p netcat1       # terminal 2
//! 14:02:54
//! 14:02:55
//! ```
//!
//! | Go                                  | Rust                                      |
//! |-------------------------------------|-------------------------------------------|
//! | `net.Dial("tcp", "localhost:8000")` | `common::dial(&args.addr)` (`main.rs`)    |
//! | `log.Fatal(err)`                    | `common::log_fatal!("{err}")` (`main.rs`) |
//! | `os.Stdout`                         | `common::stdout()` (`main.rs`): a closed pipe ends it quietly |
//! | `mustCopy(os.Stdout, conn)`         | `must_copy(stdout, &conn)`                |
//! | an `io.Writer` whose errors name it | `impl Write + Named`: `write /dev/stdout: ...` in the log line |

use std::io::Write;
use std::net::TcpStream;

// Go's mustCopy, shared with netcat2 and netcat3.
use common::{Named, must_copy};

/// The book's `main`, from `net.Dial` on (which is in `main.rs`).
pub fn run(conn: TcpStream, stdout: impl Write + Named) {
    must_copy(stdout, &conn);
}
