//! Go's `os.Stdout`: unbuffered, and a closed pipe ends the program quietly.

use std::io::{self, BufWriter, IsTerminal, LineWriter, Write};

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
        crate::log_fatal!("write /dev/stdout: {}", crate::go_error(&err));
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

/// Go's `fmt.Println(line)` for one string: one write of the line and its
/// newline, so that the lines of several threads never mix; a failed write
/// ends the program as [`must_write`] does.
pub fn println(line: &str) {
    must_write(stdout().write_all(format!("{line}\n").as_bytes()));
}
