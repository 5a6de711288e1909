//! Go's `log` package, as the book's programs use it: a line on standard
//! error that starts with the local date and time, `2026/11/28 14:02:54 `.
//!
//! Go's `log` has no levels and is never filtered, so a logging facade with
//! environment filters would change what the programs print; two macros are all it
//! takes.

use std::io::{self, Write};

/// Writes `message` as one Go-style log line on standard error.
///
/// The whole line goes out in one write, so lines from several threads never
/// mix, as with Go's `log`.
#[doc(hidden)]
pub fn write_line(message: std::fmt::Arguments<'_>) {
    let now = crate::now().strftime("%Y/%m/%d %H:%M:%S");
    let mut line = format!("{now} {message}");
    // Like Go's log.Print, add a newline unless there is one already.
    if !line.ends_with('\n') {
        line.push('\n');
    }
    // Nothing sensible is left to do if standard error itself fails.
    let _ = io::stderr().lock().write_all(line.as_bytes());
}

/// Go's `log.Print` and `log.Println`: one line on standard error, headed by
/// the local date and time.
///
/// ```
/// common::log_print!("done"); // 2026/11/28 14:02:54 done
/// ```
#[macro_export]
macro_rules! log_print {
    ($($arg:tt)*) => {
        $crate::__write_log_line(::std::format_args!($($arg)*))
    };
}

/// Go's `log.Fatal`: [`log_print!`] the message, then exit with status 1.
#[macro_export]
macro_rules! log_fatal {
    ($($arg:tt)*) => {{
        $crate::log_print!($($arg)*);
        ::std::process::exit(1)
    }};
}

/// An I/O error as Go words it: `connection refused`, not
/// `Connection refused (os error 111)`.
///
/// Go's messages for system errors are the C library's, starting in lower
/// case; Rust's add the error number.
pub fn go_error(err: &io::Error) -> String {
    let text = err.to_string();
    let text = match err.raw_os_error() {
        Some(code) => text
            .strip_suffix(&format!(" (os error {code})"))
            .unwrap_or(&text)
            .to_string(),
        None => text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_error_drops_the_number_and_the_capital() {
        let err = io::Error::from_raw_os_error(111);
        assert_eq!(go_error(&err), "connection refused");
        let err = io::Error::from_raw_os_error(98);
        assert_eq!(go_error(&err), "address already in use");
        let err = io::Error::other("Plain words");
        assert_eq!(go_error(&err), "plain words");
    }
}
