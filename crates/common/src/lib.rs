//! What several programs of `gopl.io/ch8` share.
//!
//! | Go                                   | here                                  |
//! |--------------------------------------|---------------------------------------|
//! | `mustCopy(dst, src)`                 | [`must_copy`]                         |
//! | `log.Print`, `log.Println`           | [`log_print!`]                        |
//! | `log.Fatal`                          | [`log_fatal!`] (exit status 1)        |
//! | `net.Listen("tcp", addr)`            | [`listen`]                            |
//! | `net.Dial("tcp", addr)`              | [`dial`]                              |
//! | `bufio.NewScanner(r)` + `Scan()`     | [`Scanner`], an iterator over lines   |
//! | `strings.ToUpper`, `strings.ToLower` | [`to_upper`], [`to_lower`]            |
//! | `os.Stdout`                          | [`stdout`], [`stdout_for_lines`]      |

mod log;
mod net;
mod scan;
mod strings;
#[cfg(feature = "testing")]
pub mod testing;

use std::io::{self, BufWriter, IsTerminal, LineWriter, Read, Write};

pub use crate::log::go_error;
pub use crate::net::{accept_failed, dial, listen, spawn_failed};
pub use crate::scan::{MAX_SCAN_TOKEN_SIZE, Scanner};
pub use crate::strings::{to_lower, to_upper};

#[doc(hidden)]
pub use crate::log::write_line as __write_log_line;

/// Copies `src` to `dst` until end of file, like Go's `io.Copy`, and exits
/// the program with a log line if that fails.
///
/// The arguments are in Go's order: destination first.
pub fn must_copy(mut dst: impl Write, mut src: impl Read) {
    if let Err(err) = io::copy(&mut src, &mut dst) {
        log_fatal!("{}", go_error(&err));
    }
}

/// Standard output as Go's `os.Stdout` behaves: unbuffered, every write goes
/// straight out, and a closed pipe ends the program quietly.
///
/// Go dies silently of SIGPIPE when the reader of its stdout goes away
/// (`pipeline1 | head`). Rust ignores SIGPIPE, so the write fails with
/// `BrokenPipe` instead, and `println!` would panic; we exit with status 0,
/// without a word, as ripgrep and fd do.
pub fn stdout() -> Stdout {
    Stdout(io::stdout())
}

/// Standard output for a program that prints many short lines.
///
/// On a terminal each line goes out at once, as with Go's `fmt.Println`;
/// into a pipe or a file lines are gathered in a `BufWriter`, since a system
/// call per line would be the slowest stage of a pipeline. A closed pipe
/// ends the program quietly, as with [`stdout`].
pub fn stdout_for_lines() -> Box<dyn Write> {
    if io::stdout().is_terminal() {
        Box::new(LineWriter::new(stdout()))
    } else {
        Box::new(BufWriter::new(stdout()))
    }
}

/// Ends the program with one Go-style log line if a write to standard
/// output failed (a full disk, say), where Go's `fmt.Println` would ignore
/// the error and carry on.
pub fn must_write(written: io::Result<()>) {
    if let Err(err) = written {
        log_fatal!("write /dev/stdout: {}", go_error(&err));
    }
}

/// The writer returned by [`stdout`].
#[derive(Debug)]
pub struct Stdout(io::Stdout);

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut out = self.0.lock();
        let n = quiet_on_broken_pipe(out.write(buf))?;
        quiet_on_broken_pipe(out.flush())?;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        quiet_on_broken_pipe(self.0.flush())
    }
}

/// Ends the program quietly (status 0) if `result` is a broken pipe on
/// standard output, the way Go's programs die of SIGPIPE; passes anything
/// else through.
pub fn quiet_on_broken_pipe<T>(result: io::Result<T>) -> io::Result<T> {
    match result {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => other,
    }
}
