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
//! | `time.Now()` (in `time.Local`)      | [`now`]                               |
//! | `os.Stdout`                          | [`stdout`], [`stdout_for_lines`]      |
//! | `go f()`, within the thread budget   | [`go`], [`go_or_run`], [`try_go`], [`Backlog`] ([`threads`]) |
//! | Go's start-up `RLIMIT_NOFILE` raise  | [`raise_open_file_limit`]             |
//! | `ioutil.ReadDir`, `os.Open` + `Readdir`, `filepath.Join` | [`readdir`]       |

mod log;
mod net;
pub mod readdir;
mod scan;
mod strings;
#[cfg(feature = "testing")]
pub mod testing;
pub mod threads;
mod time;

use std::io::{self, BufWriter, IsTerminal, LineWriter, Read, Write};

pub use crate::log::go_error;
pub use crate::net::{accept_failed, dial, listen};
pub use crate::scan::{MAX_SCAN_TOKEN_SIZE, Scanner};
pub use crate::strings::{to_lower, to_upper};
pub use crate::threads::{
    Backlog, MaxThreads, Token, Tokens, go, go_or_run, raise_open_file_limit, try_go,
};
pub use crate::time::now;

#[doc(hidden)]
pub use crate::log::write_line as __write_log_line;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_sizes() {
        assert_eq!(parse_stack_size("65536"), Ok(65536));
        assert_eq!(parse_stack_size("64KiB"), Ok(65536));
        assert_eq!(parse_stack_size("64K"), Ok(65536));
        assert_eq!(parse_stack_size("2MiB"), Ok(2 << 20));
        assert!(parse_stack_size("8KiB").unwrap_err().contains("too small"));
        assert!(parse_stack_size("64kb").is_err());
        assert!(parse_stack_size("lots").is_err());
        assert!(parse_stack_size("99999999999999999999M").is_err());
    }
}

/// Copies `src` to `dst` until end of file, like Go's `io.Copy`, and exits
/// the program with a log line if that fails.
///
/// The arguments are in Go's order: destination first.
pub fn must_copy(mut dst: impl Write, mut src: impl Read) {
    if let Err(err) = io::copy(&mut src, &mut dst) {
        log_fatal!("{}", go_error(&err));
    }
}

/// The smallest thread stack [`parse_stack_size`] accepts: Linux's
/// `PTHREAD_STACK_MIN` is 16 KiB.
pub const MIN_STACK_SIZE: usize = 16 * 1024;

/// Parses a `--stack-size` flag: a number of bytes, or of `KiB` or `MiB`
/// (`K` and `M` mean the same), such as `65536`, `64KiB` or `1M`.
pub fn parse_stack_size(text: &str) -> Result<usize, String> {
    let digits = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = match &text[digits.len()..] {
        "" | "B" => 1,
        "K" | "KiB" => 1024,
        "M" | "MiB" => 1024 * 1024,
        other => return Err(format!("unknown unit {other:?}: use KiB or MiB")),
    };
    let size = digits
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .ok_or_else(|| format!("{text:?} is not a size such as 64KiB"))?;
    if size < MIN_STACK_SIZE {
        return Err(format!(
            "{text} is too small: a thread needs at least 16KiB"
        ));
    }
    Ok(size)
}

/// Parses a `--tick`: a duration such as `1s` or `200ms` (humantime),
/// greater than zero. (Go's `time.Tick` returns nil for a period of zero or
/// less, and receiving from nil blocks forever: the runtime would report a
/// deadlock.)
pub fn parse_tick(text: &str) -> Result<std::time::Duration, String> {
    let tick = humantime::parse_duration(text).map_err(|err| err.to_string())?;
    if tick.is_zero() {
        return Err("the tick must be longer than zero".to_string());
    }
    Ok(tick)
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
