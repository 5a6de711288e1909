//! Go's `bufio.Scanner` with its default split function, `ScanLines`.

use std::io::{self, BufRead, BufReader, Read};

/// Go's `bufio.MaxScanTokenSize`: the longest line a default `Scanner`
/// accepts, counting its newline.
pub const MAX_SCAN_TOKEN_SIZE: usize = 64 * 1024;

/// The lines of a reader, split exactly as Go's `bufio.Scanner` splits them:
///
/// - on `\n`, with one trailing `\r` dropped from each line;
/// - a last line without a newline still counts, an empty one does not;
/// - a line longer than [`MAX_SCAN_TOKEN_SIZE`] (newline included) ends the
///   scan, as Go's `bufio.ErrTooLong` does, so memory stays bounded whatever
///   the other side sends;
/// - a read error ends the scan too, after the part of a line read before it.
///
/// Lines are bytes, not `String`s: Go's strings may hold any bytes.
///
/// `for line in Scanner::new(r)` is Go's `for input.Scan() { input.Text() }`.
/// Where Go then checks `input.Err()`, iterate by reference and ask
/// [`Scanner::err`]:
///
/// ```
/// let mut input = common::Scanner::new(&b"a\nb\n"[..]);
/// for line in &mut input {
///     println!("{}", String::from_utf8_lossy(&line));
/// }
/// if let Some(err) = input.err() {
///     common::log_fatal!("{}", common::go_error(err));
/// }
/// ```
#[derive(Debug)]
pub struct Scanner<R> {
    reader: BufReader<R>,
    done: bool,
    err: Option<io::Error>,
}

impl<R: Read> Scanner<R> {
    /// Go's `bufio.NewScanner(r)`.
    pub fn new(reader: R) -> Self {
        Scanner {
            reader: BufReader::new(reader),
            done: false,
            err: None,
        }
    }

    /// Go's `input.Err()`: why the scan ended, or `None` at end of input.
    ///
    /// A line too long is an error of kind `InvalidData` worded as Go's
    /// `bufio.ErrTooLong`, `bufio.Scanner: token too long`; a read error is
    /// the reader's own (Go's `os.Stdin` adds `read /dev/stdin: `, which a
    /// reader that wants it adds itself).
    pub fn err(&self) -> Option<&io::Error> {
        self.err.as_ref()
    }
}

/// Go's `bufio.ErrTooLong`.
fn too_long() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "bufio.Scanner: token too long")
}

impl<R: Read> Iterator for Scanner<R> {
    type Item = Vec<u8>;

    fn next(&mut self) -> Option<Vec<u8>> {
        if self.done {
            return None;
        }
        let mut line = Vec::new();
        let limit = MAX_SCAN_TOKEN_SIZE as u64;
        // A read error ends the scan as end of input does, and is kept for
        // err(): Go hands out what it had read before either.
        let read = self
            .reader
            .by_ref()
            .take(limit)
            .read_until(b'\n', &mut line);
        if line.ends_with(b"\n") {
            line.pop();
        } else {
            // End of input, a read error, or a line too long: this is the
            // last call that may return anything.
            self.done = true;
            if line.len() == MAX_SCAN_TOKEN_SIZE {
                self.err = Some(too_long());
                return None;
            }
            self.err = read.err();
            if line.is_empty() {
                return None;
            }
        }
        if line.ends_with(b"\r") {
            line.pop();
        }
        Some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8]) -> Vec<Vec<u8>> {
        Scanner::new(input).collect()
    }

    #[test]
    fn splits_like_go() {
        assert_eq!(lines(b""), Vec::<Vec<u8>>::new());
        assert_eq!(lines(b"a\nb\n"), vec![b"a".to_vec(), b"b".to_vec()]);
        assert_eq!(lines(b"a\r\nb"), vec![b"a".to_vec(), b"b".to_vec()]);
        assert_eq!(lines(b"\n\n"), vec![Vec::new(), Vec::new()]);
        assert_eq!(lines(b"a\r\r\n"), vec![b"a\r".to_vec()]);
        assert_eq!(lines(b"no newline\r"), vec![b"no newline".to_vec()]);
    }

    #[test]
    fn the_longest_line_fits_and_one_more_byte_ends_the_scan() {
        let longest = vec![b'x'; MAX_SCAN_TOKEN_SIZE - 1];
        let input = [longest.clone(), b"\nnext\n".to_vec()].concat();
        assert_eq!(lines(&input), vec![longest.clone(), b"next".to_vec()]);

        let too_long = vec![b'x'; MAX_SCAN_TOKEN_SIZE];
        let input = [too_long, b"\nnext\n".to_vec()].concat();
        assert_eq!(lines(&input), Vec::<Vec<u8>>::new());

        // Without a newline at end of input the same limits hold.
        assert_eq!(lines(&longest), vec![longest.clone()]);
        assert_eq!(
            lines(&vec![b'x'; MAX_SCAN_TOKEN_SIZE]),
            Vec::<Vec<u8>>::new()
        );
    }

    #[test]
    fn err_is_none_at_end_of_input() {
        let mut input = Scanner::new(&b"a\nb"[..]);
        assert_eq!((&mut input).count(), 2);
        assert!(input.err().is_none());
    }

    #[test]
    fn err_says_token_too_long_as_go_does() {
        let input = [
            b"first\n".to_vec(),
            vec![b'x'; 70_000],
            b"\nlast\n".to_vec(),
        ]
        .concat();
        let mut input = Scanner::new(&input[..]);
        assert_eq!((&mut input).collect::<Vec<_>>(), vec![b"first".to_vec()]);
        let err = input.err().expect("an error");
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert_eq!(crate::go_error(err), "bufio.Scanner: token too long");
        assert!(input.next().is_none(), "the scan stays ended");
    }

    /// Gives `data`, then fails.
    struct Failing(&'static [u8]);

    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Err(io::Error::from_raw_os_error(5)); // EIO
            }
            let n = self.0.len().min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn err_is_the_read_error_after_what_was_read_before_it() {
        let mut input = Scanner::new(Failing(b"a\npart"));
        let lines: Vec<_> = (&mut input).collect();
        assert_eq!(lines, vec![b"a".to_vec(), b"part".to_vec()]);
        let err = input.err().expect("an error");
        assert_eq!(crate::go_error(err), "input/output error");

        // A directory as standard input: `thumbnail < /tmp`.
        let mut input = Scanner::new(std::fs::File::open("/").unwrap());
        assert!(input.next().is_none());
        assert_eq!(crate::go_error(input.err().unwrap()), "is a directory");
    }
}
