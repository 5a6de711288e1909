//! What several programs of `gopl.io/ch8` share.
//!
//! | Go                                   | here                                  |
//! |--------------------------------------|---------------------------------------|
//! | `mustCopy(dst, src)`                 | [`must_copy`]; its error names each end as Go's does ([`Named`]) |
//! | `log.Print`, `log.Println`           | [`log_print!`]                        |
//! | `log.Fatal`                          | [`log_fatal!`] (exit status 1)        |
//! | `net.Listen("tcp", addr)`            | [`listen`]                            |
//! | `net.Dial("tcp", addr)`              | [`dial`]                              |
//! | `bufio.NewScanner(r)` + `Scan()`     | [`Scanner`], an iterator over lines   |
//! | `strings.ToUpper`, `strings.ToLower` | [`to_upper`], [`to_lower`]            |
//! | `time.Now()` (in `time.Local`)      | [`now`]                               |
//! | `os.Stdout`                          | [`stdout`], [`stdout_for_lines`]      |
//! | `fmt.Println(s)` from many threads   | [`println`], one write a line         |
//! | `listener.Accept()`                  | [`accept`], within the thread budget  |
//! | `conn.Close()` where threads share `conn` | [`close`]: a reset if data is left unread, as Go's |
//! | `go f()`, within the thread budget   | [`go`]; [`go_queued`] for the crawlers ([`threads`]) |
//! | Go's start-up `RLIMIT_NOFILE` raise  | [`raise_open_file_limit`]             |

mod log;
mod net;
mod scan;
mod stdout;
mod strings;
pub mod threads;
mod time;

use std::io::{self, Read, Write};

pub use crate::log::go_error;
pub use crate::net::{accept, close, dial, listen};
pub use crate::scan::{MAX_SCAN_TOKEN_SIZE, Scanner};
pub use crate::stdout::{
    Stdout, must_write, println, quiet_on_broken_pipe, stdout, stdout_for_lines,
};
pub use crate::strings::{to_lower, to_upper};
pub use crate::threads::{go, go_queued, raise_open_file_limit};
pub use crate::time::now;

#[doc(hidden)]
pub use crate::log::write_line as __write_log_line;

/// Copies `src` to `dst` until end of file, like Go's `io.Copy`, and exits
/// the program with a log line if that fails.
///
/// The arguments are in Go's order: destination first. The log line is
/// Go's, naming the end that failed as Go's errors do ([`Named`]):
///
/// - `read tcp 127.0.0.1:39750->127.0.0.1:8000: read: connection reset by peer`
/// - `write /dev/stdout: no space left on device`
/// - into a connection, Go's `TCPConn.ReadFrom` names it again in front:
///   `readfrom tcp 127.0.0.1:39750->127.0.0.1:8000: read /dev/stdin: is a directory`
pub fn must_copy(mut dst: impl Write + Named, mut src: impl Read + Named) {
    // Named before the copy, as Go names a connection when it dials: once
    // the connection is reset, the other side's address is gone.
    let (to, from) = (dst.go_name(), src.go_name());
    let failed = match copy(&mut dst, &mut src) {
        Ok(()) => return,
        Err(Failed::Read(err)) => from.error("read", &err),
        Err(Failed::Write(err)) => to.error("write", &err),
    };
    match to {
        GoName::Conn(name) => log_fatal!("readfrom {name}: {failed}"),
        GoName::File(_) => log_fatal!("{failed}"),
    }
}

/// Which side of a copy failed.
enum Failed {
    Read(io::Error),
    Write(io::Error),
}

/// Go's `io.Copy` loop, with its 32 KiB buffer.
fn copy(dst: &mut impl Write, src: &mut impl Read) -> Result<(), Failed> {
    let mut buf = vec![0; 32 * 1024];
    loop {
        let n = match src.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(Failed::Read(err)),
        };
        dst.write_all(&buf[..n]).map_err(Failed::Write)?;
    }
}

/// A reader or writer as Go's error messages name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoName {
    /// An `os.File`, by its path: `/dev/stdin`.
    File(String),
    /// A `net.Conn`: `tcp 127.0.0.1:39750->127.0.0.1:8000`.
    Conn(String),
}

impl GoName {
    /// A failed `op` (`read`, `write`) as Go words it: `read /dev/stdin: is
    /// a directory` for a file, `write tcp L->R: write: broken pipe` for a
    /// connection, whose error names the system call too.
    fn error(&self, op: &str, err: &io::Error) -> String {
        match self {
            GoName::File(path) => format!("{op} {path}: {}", go_error(err)),
            GoName::Conn(name) => format!("{op} {name}: {op}: {}", go_error(err)),
        }
    }
}

/// What Go's errors call a reader or writer, for [`must_copy`]'s log line.
pub trait Named {
    /// Its name: `GoName::File("/dev/stdout")`, say.
    fn go_name(&self) -> GoName;
}

impl<T: Named + ?Sized> Named for &T {
    fn go_name(&self) -> GoName {
        (**self).go_name()
    }
}

impl<T: Named + ?Sized> Named for &mut T {
    fn go_name(&self) -> GoName {
        (**self).go_name()
    }
}

impl Named for std::net::TcpStream {
    fn go_name(&self) -> GoName {
        GoName::Conn(crate::net::go_name_of(self))
    }
}

impl Named for io::Stdin {
    fn go_name(&self) -> GoName {
        GoName::File("/dev/stdin".into())
    }
}

impl Named for io::Stdout {
    fn go_name(&self) -> GoName {
        GoName::File("/dev/stdout".into())
    }
}

impl Named for Stdout {
    fn go_name(&self) -> GoName {
        GoName::File("/dev/stdout".into())
    }
}

/// The ends of a pipe, as Go's `os.Pipe` names them.
impl Named for io::PipeReader {
    fn go_name(&self) -> GoName {
        GoName::File("|0".into())
    }
}

impl Named for io::PipeWriter {
    fn go_name(&self) -> GoName {
        GoName::File("|1".into())
    }
}
