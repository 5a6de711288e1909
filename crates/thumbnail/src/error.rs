//! What went wrong with one file, in the words of Go's `thumbnail`
//! package and of the errors it passes on (`open /x.jpg: no such file or
//! directory`, `image: unknown format`).

use std::fmt;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// What went wrong with one file, worded as Go's `thumbnail` package words it.
#[derive(Debug)]
pub enum Error {
    /// The input is no image we can decode: Go's `image.ErrFormat`.
    UnknownFormat,
    /// The decoder or encoder gave up, in its own words
    /// (`invalid JPEG format: ...`).
    Codec(String),
    /// Reading the input or writing the output failed.
    Io(io::Error),
    /// Opening the input or creating the output failed:
    /// `open /nonexistent.jpg: no such file or directory`.
    Open {
        /// The file we meant to open or create.
        path: PathBuf,
        /// Why the operating system said no.
        source: io::Error,
    },
    /// Go's `ImageFile2` wrapping: `scaling IN to OUT: REASON`.
    Scaling {
        /// The input file.
        infile: PathBuf,
        /// The output file, which was not written.
        outfile: PathBuf,
        /// Why.
        source: Box<Error>,
    },
    /// The output would replace the input (not in Go, which overwrites it).
    WouldOverwriteInput,
    /// The image has more pixels than we decode, `codec::MAX_PIXELS` (Go
    /// has no limit).
    TooLarge {
        /// Its width, as its header says.
        width: u32,
        /// Its height.
        height: u32,
    },
}

impl Error {
    /// The message as Go's `log.Print(err)` prints it, file names as their
    /// bytes: a name need not be UTF-8, and Go prints it unchanged.
    pub fn to_bytes(&self) -> Vec<u8> {
        let name = |path: &Path| path.as_os_str().as_bytes().to_vec();
        match self {
            Error::UnknownFormat => b"image: unknown format".to_vec(),
            Error::Codec(words) => words.as_bytes().to_vec(),
            Error::Io(err) => go_words(err).into_bytes(),
            Error::Open { path, source } => [
                b"open ",
                &name(path)[..],
                b": ",
                go_words(source).as_bytes(),
            ]
            .concat(),
            Error::Scaling {
                infile,
                outfile,
                source,
            } => [
                b"scaling ",
                &name(infile)[..],
                b" to ",
                &name(outfile),
                b": ",
                &source.to_bytes(),
            ]
            .concat(),
            Error::WouldOverwriteInput => b"the output would overwrite the input".to_vec(),
            Error::TooLarge { width, height } => {
                format!("image too large: {width}×{height} pixels, more than 16384×16384")
                    .into_bytes()
            }
        }
    }
}

/// [`Error::to_bytes`], with any bytes of a name that are not UTF-8 shown
/// as U+FFFD.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.to_bytes()))
    }
}

impl std::error::Error for Error {}

/// Go's `log.Print(err)`: one log line on standard error, in one write, with
/// the file names as their bytes (`common::log_print!` takes a `str`).
pub fn log_error(err: &Error) {
    let now = common::now().strftime("%Y/%m/%d %H:%M:%S").to_string();
    let line = [now.as_bytes(), b" ", &err.to_bytes(), b"\n"].concat();
    // Nothing sensible is left to do if standard error itself fails.
    let _ = io::stderr().lock().write_all(&line);
}

impl From<io::Error> for Error {
    fn from(err: io::Error) -> Self {
        Error::Io(err)
    }
}

impl From<image::ImageError> for Error {
    fn from(err: image::ImageError) -> Self {
        match err {
            image::ImageError::IoError(err) => Error::Io(err),
            other => Error::Codec(other.to_string()),
        }
    }
}

/// An I/O error in Go's words: `no such file or directory`, `unexpected EOF`.
///
/// Errors that come through `tempfile` carry no OS error number and end in
/// ` at path "/x/.tmpAb12"`; Go would name the file we meant, which the
/// caller does, so the temporary name goes.
fn go_words(err: &io::Error) -> String {
    if err.kind() == io::ErrorKind::UnexpectedEof {
        return "unexpected EOF".to_string(); // Go's io.ErrUnexpectedEOF
    }
    if err.raw_os_error().is_some() {
        return common::go_error(err);
    }
    let text = err.to_string();
    let text = text.split(" at path ").next().unwrap_or(&text);
    let text = text.split(" (os error ").next().unwrap_or(text);
    common::go_error(&io::Error::other(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tempfile_errors_lose_the_temporary_name() {
        let err = io::Error::new(
            io::ErrorKind::PermissionDenied,
            "Permission denied (os error 13) at path \"/x/.tmpAb12\"",
        );
        assert_eq!(go_words(&err), "permission denied");
    }
}
