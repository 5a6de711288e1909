//! Go's `bufio.Scanner` with its default split function, `ScanLines`.

use std::io::{BufRead, BufReader, Read};

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
/// - a read error ends the scan too (the book ignores `input.Err()`).
///
/// Lines are bytes, not `String`s: Go's strings may hold any bytes.
///
/// `for line in Scanner::new(r)` is Go's `for input.Scan() { input.Text() }`.
#[derive(Debug)]
pub struct Scanner<R> {
    reader: BufReader<R>,
    done: bool,
}

impl<R: Read> Scanner<R> {
    /// Go's `bufio.NewScanner(r)`.
    pub fn new(reader: R) -> Self {
        Scanner {
            reader: BufReader::new(reader),
            done: false,
        }
    }
}

impl<R: Read> Iterator for Scanner<R> {
    type Item = Vec<u8>;

    fn next(&mut self) -> Option<Vec<u8>> {
        if self.done {
            return None;
        }
        let mut line = Vec::new();
        let limit = MAX_SCAN_TOKEN_SIZE as u64;
        // A read error ends the scan as end of input does: Go hands out
        // what it had read before either.
        let _ = self
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
            let too_long = line.len() == MAX_SCAN_TOKEN_SIZE;
            if too_long || line.is_empty() {
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
}
