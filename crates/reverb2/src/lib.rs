//! `gopl.io/ch8/reverb2`: Reverb2 is a TCP server that simulates an echo.
//!
//! reverb1 with one change, `go echo(...)`: the echoes of successive shouts
//! overlap. The book warns that this needs the connection to be safe for
//! concurrent use; Go's `net.Conn` locks each `Write`, and here that lock is
//! a visible `Mutex`, so two echoes' lines never mix.
//!
//! ```text
//! $ cargo run -p reverb2       # terminal 1
//! $ cargo run -p netcat3       # terminal 2 (or: nc localhost 8000)
//! Is there anybody there?
//!          IS THERE ANYBODY THERE?
//! Yooo-hooo!
//!          Is there anybody there?
//!          YOOO-HOOO!
//! ```
//!
//! | Go                                | Rust                                                  |
//! |-----------------------------------|-------------------------------------------------------|
//! | `go echo(c, input.Text(), delay)` | `common::go(move \|\| echo(&c, &shout, delay))`         |
//! | `c`, used by many goroutines      | `Arc<Mutex<Conn>>`, the echoes' handle on the socket  |
//! | `c.Close()`                       | `close(input, &c)`: takes theirs, then drops `input`  |

use std::io::{self, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError, TryLockError};
use std::thread;
use std::time::Duration;

use common::{Scanner, to_lower, to_upper};

/// Echoes `shout` to `c` loud, then moderate, then quiet, `delay` apart.
pub fn echo(c: &Mutex<impl Write>, shout: &[u8], delay: Duration) {
    fprintln_tab(c, &to_upper(shout));
    thread::sleep(delay);
    fprintln_tab(c, shout);
    thread::sleep(delay);
    fprintln_tab(c, &to_lower(shout));
}

/// Echoes each line from `input`, each shout on a thread of its own.
pub fn handle_conn(input: TcpStream, delay: Duration) {
    // The echoes write through a handle of their own; failing that (out of
    // descriptors), give up the client.
    let Ok(c) = input.try_clone() else { return };
    let c = Arc::new(Mutex::new(Conn(Some(c))));
    for shout in Scanner::new(&input) {
        let c = Arc::clone(&c);
        common::go(move || echo(&c, &shout, delay));
    }
    // NOTE: ignoring potential errors from input.Err()
    close(input, &c);
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

/// The echoes' handle on the connection. [`close`] takes it from them, and
/// their writes fail from then on, as they do on a Go `net.Conn` after `Close`.
pub struct Conn(pub Option<TcpStream>);

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.0 {
            Some(conn) => conn.write(buf),
            None => Err(io::Error::new(
                io::ErrorKind::NotConnected,
                "use of closed network connection",
            )),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Go's `c.Close()`: the connection ends with a FIN, or with a reset if the
/// client sent more than was read (a line over 64 KiB), as on Go's close(2);
/// and the echoes' later writes fail.
pub fn close(input: TcpStream, c: &Mutex<Conn>) {
    common::close(&input); // a FIN now; or the reset, when the last handle goes
    let mut echoes = match c.try_lock() {
        Ok(echoes) => echoes,
        // An echo is writing, perhaps blocked on a client that does not read.
        // Go's `Close` would wake it; only a shutdown does here, and it sends
        // a FIN even where close(2) would reset.
        Err(TryLockError::WouldBlock) => {
            let _ = input.shutdown(Shutdown::Both);
            c.lock().unwrap_or_else(PoisonError::into_inner)
        }
        Err(TryLockError::Poisoned(echoes)) => echoes.into_inner(),
    };
    echoes.0 = None; // their writes fail from now on
    drop(input); // with the last handle, the kernel closes the socket
}

/// Go's `fmt.Fprintln(c, "\t", s)`, one whole line written under the lock.
/// Errors are ignored, as in Go.
fn fprintln_tab(c: &Mutex<impl Write>, s: &[u8]) {
    let line = [b"\t ", s, b"\n"].concat();
    let mut c = c.lock().unwrap_or_else(PoisonError::into_inner);
    let _ = c.write_all(&line);
}
