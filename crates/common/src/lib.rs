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
//! | `fmt.Println(s)` from many threads   | [`println`], one write a line         |
//! | `listener.Accept()`                  | [`accept`], within the thread budget  |
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
pub use crate::net::{accept, dial, listen};
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
/// The arguments are in Go's order: destination first.
pub fn must_copy(mut dst: impl Write, mut src: impl Read) {
    if let Err(err) = io::copy(&mut src, &mut dst) {
        log_fatal!("{}", go_error(&err));
    }
}
