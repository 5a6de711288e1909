//! `gopl.io/ch8/netcat1`: Netcat1 is a read-only TCP client.
//!
//! Start a clock server in one terminal and read it from another:
//!
//! ```text
//! $ cargo run -p clock2
//! $ cargo run -p netcat1
//! 14:02:54
//! 14:02:55
//! ^C
//! ```
//!
//! | Go                                | Rust                                   |
//! |-----------------------------------|----------------------------------------|
//! | `net.Dial("tcp", "localhost:8000")` | `common::dial` (in `main.rs`)        |
//! | `defer conn.Close()`              | `conn` is dropped when `run` ends      |
//! | `mustCopy(os.Stdout, conn)`       | `must_copy(stdout, &conn)`             |

use std::io::Write;
use std::net::TcpStream;

use common::must_copy;

/// The book's `main` after `net.Dial`: copy the connection to `stdout`
/// until end of file.
pub fn run(conn: TcpStream, stdout: impl Write) {
    must_copy(stdout, &conn);
}
