//! What went wrong with one file, in the words of Go's `thumbnail`
//! package and of the errors it passes on (`open /x.jpg: no such file or
//! directory`, `image: unknown format`).

use std::fmt;
use std::io;

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
        path: String,
        /// Why the operating system said no.
        source: io::Error,
    },
    /// Go's `ImageFile2` wrapping: `scaling IN to OUT: REASON`.
    Scaling {
        /// The input file.
        infile: String,
        /// The output file, which was not written.
        outfile: String,
        /// Why.
        source: Box<Error>,
    },
    /// The output would replace the input (not in Go, which overwrites it).
    WouldOverwriteInput,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::UnknownFormat => write!(f, "image: unknown format"),
            Error::Codec(words) => write!(f, "{words}"),
            Error::Io(err) => write!(f, "{}", go_words(err)),
            Error::Open { path, source } => write!(f, "open {path}: {}", go_words(source)),
            Error::Scaling {
                infile,
                outfile,
                source,
            } => write!(f, "scaling {infile} to {outfile}: {source}"),
            Error::WouldOverwriteInput => write!(f, "the output would overwrite the input"),
        }
    }
}

impl std::error::Error for Error {}

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
