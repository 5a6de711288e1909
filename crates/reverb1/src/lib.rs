//! `gopl.io/ch8/reverb1`: Reverb1 is a TCP server that simulates an echo.
//!
//! Run it in one terminal and shout at it from another:
//!
//! ```text
//! $ cargo run -p reverb1
//! $ cargo run -p netcat2       # or: nc localhost 8000
//! Hello?
//!          HELLO?
//!          Hello?
//!          hello?
//! ```
//!
//! Each connection has its own thread, but within a connection one shout is
//! echoed at a time: a second shout waits until the first has faded.
//!
//! | Go                                   | Rust                                     |
//! |--------------------------------------|------------------------------------------|
//! | `go handleConn(conn)`                | `common::go(...)`, within the thread budget |
//! | `input := bufio.NewScanner(c)`       | `common::Scanner::new(&c)`               |
//! | `for input.Scan() { input.Text() }`  | `for shout in input`                     |
//! | `fmt.Fprintln(c, "\t", x)`           | one `write_all` of `"\t " + x + "\n"`    |
//! | `strings.ToUpper`, `strings.ToLower` | `common::to_upper`, `common::to_lower`   |
//! | `c.Close()`                          | `c` is dropped when `handle_conn` ends   |
//!
//! A shout is bytes, not a `String`: a Go string may hold any bytes, and the
//! middle echo goes back exactly as it came.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use common::{Scanner, to_lower, to_upper};

/// The book's `main` after `net.Listen`: accept connections forever and
/// handle each on a thread of its own.
pub fn serve(listener: TcpListener, delay: Duration) {
    for conn in listener.incoming() {
        let conn = match conn {
            Ok(conn) => conn,
            Err(err) => {
                common::accept_failed(&listener, &err); // e.g., connection aborted
                continue;
            }
        };
        common::go(move || handle_conn(conn, delay)); // waits while the thread budget is spent
    }
}

/// Echoes `shout` to `c` loud, then moderate, then quiet, `delay` apart.
pub fn echo(mut c: &TcpStream, shout: &[u8], delay: Duration) {
    // Go's Fprintln ignores its errors here; so do we.
    let _ = c.write_all(&fprintln_tab(&to_upper(shout)));
    thread::sleep(delay);
    let _ = c.write_all(&fprintln_tab(shout));
    thread::sleep(delay);
    let _ = c.write_all(&fprintln_tab(&to_lower(shout)));
}

/// Echoes each line from `c`, one shout at a time.
pub fn handle_conn(c: TcpStream, delay: Duration) {
    let input = Scanner::new(&c);
    for shout in input {
        echo(&c, &shout, delay);
    }
    // NOTE: ignoring potential errors from input.Err()
}

/// The bytes of Go's `fmt.Fprintln(c, "\t", s)`: Println puts a space
/// between its operands and a newline at the end.
pub fn fprintln_tab(s: &[u8]) -> Vec<u8> {
    [b"\t ", s, b"\n"].concat()
}
