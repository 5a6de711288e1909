//! `gopl.io/ch8/reverb1`: Reverb1 is a TCP server that simulates an echo.
//!
//! Each line comes back loud, then as it came, then quiet. Within one
//! connection one shout is echoed at a time: a second shout waits until the
//! first has faded.
//!
//! ```text
//! $ cargo run -p reverb1       # terminal 1
//! $ cargo run -p netcat2       # terminal 2 (or: nc localhost 8000)
//! Hello?
//!          HELLO?
//!          Hello?
//!          hello?
//! ```
//!
//! | Go                                   | Rust                                   |
//! |--------------------------------------|----------------------------------------|
//! | `input := bufio.NewScanner(c)`       | `let input = Scanner::new(&c)`         |
//! | `for input.Scan() { input.Text() }`  | `for shout in input`: bytes, as a Go string may hold any |
//! | `fmt.Fprintln(c, "\t", x)`           | one `write_all` of `"\t " + x + "\n"`  |
//! | `strings.ToUpper`, `strings.ToLower` | `to_upper`, `to_lower` (`common`)      |
//! | `c.Close()`                          | `c` is dropped when `handle_conn` returns |

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use common::{Scanner, to_lower, to_upper};

/// Echoes `shout` to `c` loud, then moderate, then quiet, `delay` apart.
pub fn echo(mut c: &TcpStream, shout: &[u8], delay: Duration) {
    let _ = c.write_all(&fprintln_tab(&to_upper(shout))); // Go ignores these errors too
    thread::sleep(delay);
    let _ = c.write_all(&fprintln_tab(shout));
    thread::sleep(delay);
    let _ = c.write_all(&fprintln_tab(&to_lower(shout)));
}

/// Echoes each line from `c`, one shout at a time. (`delay` is Go's
/// `1*time.Second`, made a flag so that tests run quickly.)
pub fn handle_conn(c: TcpStream, delay: Duration) {
    let input = Scanner::new(&c);
    for shout in input {
        echo(&c, &shout, delay);
    }
    // NOTE: ignoring potential errors from input.Err()
}

/// The book's `main`, from `net.Listen` on (which is in `main.rs`).
pub fn serve(listener: TcpListener, delay: Duration) {
    loop {
        let conn = match common::accept(&listener) {
            Ok(conn) => conn,
            Err(err) => {
                common::log_print!("{err}"); // e.g., connection aborted
                continue;
            }
        };
        common::go(move || handle_conn(conn, delay));
    }
}

/// The bytes of Go's `fmt.Fprintln(c, "\t", s)`: Println puts a space
/// between its operands and a newline at the end.
fn fprintln_tab(s: &[u8]) -> Vec<u8> {
    [b"\t ", s, b"\n"].concat()
}
