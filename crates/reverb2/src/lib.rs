//! `gopl.io/ch8/reverb2`: Reverb2 is a TCP server that simulates an echo,
//! with the echoes of successive shouts overlapping.
//!
//! Run it in one terminal and shout at it from another:
//!
//! ```text
//! $ cargo run -p reverb2
//! $ cargo run -p netcat2       # or: nc localhost 8000
//! Is there anybody there?
//!          IS THERE ANYBODY THERE?
//! Yooo-hooo!
//!          Is there anybody there?
//!          YOOO-HOOO!
//!          is there anybody there?
//!          Yooo-hooo!
//!          yooo-hooo!
//! ```
//!
//! The only change from reverb1 is in `handle_conn`: `go echo(...)`.
//!
//! | Go                                   | Rust                                     |
//! |--------------------------------------|------------------------------------------|
//! | `go handleConn(conn)`                | `common::go(...)`, within the thread budget |
//! | `go echo(c, input.Text(), delay)`    | `common::go_or_run(move \|\| echo(&c, &shout, delay))` |
//! | `net.Conn`, shared by goroutines     | `Arc<Mutex<TcpStream>>`, shared by threads |
//! | `input := bufio.NewScanner(c)`       | `common::Scanner::new(&input)`           |
//! | `fmt.Fprintln(c, "\t", x)`           | one `write_all` of `"\t " + x + "\n"`    |
//! | `strings.ToUpper`, `strings.ToLower` | `common::to_upper`, `common::to_lower`   |
//! | `c.Close()`                          | `input.shutdown(Shutdown::Both)`         |
//!
//! The book warns that this needs `net.Conn` to be safe for concurrent use.
//! Go's `net.Conn` locks each `Write` so lines never mix; Rust makes that
//! lock visible: the echo threads share the connection behind a `Mutex`.

use std::io::Write;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};
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
pub fn echo(c: &Mutex<TcpStream>, shout: &[u8], delay: Duration) {
    fprintln_tab(c, &to_upper(shout));
    thread::sleep(delay);
    fprintln_tab(c, shout);
    thread::sleep(delay);
    fprintln_tab(c, &to_lower(shout));
}

/// Echoes each line from `input`, each shout on a thread of its own.
pub fn handle_conn(input: TcpStream, delay: Duration) {
    // The echo threads write through their own handle on the socket; this
    // one only reads. (A failed clone is out of descriptors: give up.)
    let Ok(c) = input.try_clone() else { return };
    let c = Arc::new(Mutex::new(c));
    for shout in Scanner::new(&input) {
        let c = Arc::clone(&c);
        // Within the thread budget; at the budget the echo runs right here,
        // and the next shout waits in the socket until it has faded.
        common::go_or_run(move || echo(&c, &shout, delay));
    }
    // NOTE: ignoring potential errors from input.Err()

    // Go's c.Close() closes the connection though echoes are pending; they
    // then fail to write. The echo threads still hold handles, so dropping
    // ours would not close it: shut the socket down instead.
    let _ = input.shutdown(Shutdown::Both);
}

/// Go's `fmt.Fprintln(c, "\t", s)`: one whole line, `"\t " + s + "\n"`,
/// written while holding the connection's lock so lines never interleave.
/// Errors are ignored, as in Go.
fn fprintln_tab(c: &Mutex<TcpStream>, s: &[u8]) {
    let line = [b"\t ", s, b"\n"].concat();
    let mut c = c.lock().unwrap_or_else(PoisonError::into_inner);
    let _ = c.write_all(&line);
}
