//! What du1 to du4 take from Go's library: `ioutil.ReadDir`, `os.Open` and
//! `(*os.File).Readdir` for directories, `filepath.Join`, and the
//! `*os.PathError` that their messages come from. du2 to du4 and exercise
//! 8.9 use it as `du1::readdir`, as the Go programs import the same packages.
//!
//! | Go                                   | here                                   |
//! |--------------------------------------|----------------------------------------|
//! | `os.FileInfo` from `lstat`            | [`FileInfo`]: `name()`, `is_dir()`, `size()` |
//! | `ioutil.ReadDir(dir)`                 | [`read_dir`]: all entries, or an error and none |
//! | `f, err := os.Open(dir)`              | [`open`]                               |
//! | `entries, err := f.Readdir(0)`        | [`Dir::readdir`]: the entries read, and an error if one stopped it |
//! | `filepath.Join(dir, name)`            | [`join`]                               |
//! | `err.Error()` of an `*os.PathError`    | `open DIR: permission denied`, by [`PathError::print`] |

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

/// What Go's `os.FileInfo` tells of a directory entry, from `lstat`: a
/// symbolic link is described as itself, never followed.
#[derive(Debug)]
pub struct FileInfo {
    name: OsString,
    metadata: fs::Metadata,
}

impl FileInfo {
    /// The entry's name within its directory.
    pub fn name(&self) -> &OsStr {
        &self.name
    }

    /// Whether the entry is a directory (a link to one is not).
    pub fn is_dir(&self) -> bool {
        self.metadata.is_dir()
    }

    /// Its apparent size in bytes: a file's length, a link's own length.
    pub fn size(&self) -> u64 {
        self.metadata.len()
    }
}

/// Go's `ioutil.ReadDir(dir)`: every entry of `dir`, or the first error and
/// no entries at all.
pub fn read_dir(dir: &Path) -> Result<Vec<FileInfo>, PathError> {
    match open(dir)?.readdir() {
        (entries, None) => Ok(entries),
        (_, Some(err)) => Err(err),
    }
}

/// An open directory, as Go's `*os.File` from `os.Open(dir)`.
#[derive(Debug)]
pub struct Dir {
    path: PathBuf,
    entries: fs::ReadDir,
}

/// Go's `os.Open(dir)`, for a directory.
pub fn open(dir: &Path) -> Result<Dir, PathError> {
    match fs::read_dir(dir) {
        Ok(entries) => Ok(Dir {
            path: dir.to_path_buf(),
            entries,
        }),
        Err(err) => {
            // Go opens a file that is no directory, and fails only to read it.
            let not_a_dir = err.kind() == io::ErrorKind::NotADirectory && fs::metadata(dir).is_ok();
            let op = if not_a_dir { "readdirent" } else { "open" };
            Err(PathError::new(op, dir, err))
        }
    }
}

impl Dir {
    /// Go's `f.Readdir(0)`: the entries, each with its `lstat` metadata; if
    /// an error stops the reading, the entries read so far and the error.
    pub fn readdir(self) -> (Vec<FileInfo>, Option<PathError>) {
        let mut infos = Vec::new();
        for entry in self.entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => return (infos, Some(PathError::new("readdirent", &self.path, err))),
            };
            // Go's `lstat(f.name + "/" + name)`: by path, not by the open
            // directory (`entry.metadata()`), so that an entry whose path is
            // longer than PATH_MAX fails here, as in Go.
            let name = entry.file_name();
            let mut path = self.path.clone().into_os_string();
            path.push("/");
            path.push(&name);
            let path = PathBuf::from(path);
            match fs::symlink_metadata(&path) {
                Ok(metadata) => infos.push(FileInfo { name, metadata }),
                // Gone since the directory was read: Go skips it too.
                Err(err) if err.kind() == io::ErrorKind::NotFound => {}
                Err(err) => return (infos, Some(PathError::new("lstat", &path, err))),
            }
        }
        (infos, None)
    }
}

/// Go's `filepath.Join(dir, name)`, which cleans the path: the default root
/// `.` gives `sub`, not `./sub`, as Go's messages show it. (Go also removes
/// `..` with the name before it; a root with `..` in it keeps them here.)
pub fn join(dir: &Path, name: &OsStr) -> PathBuf {
    dir.join(name)
        .components()
        .filter(|part| *part != Component::CurDir)
        .collect()
}

/// Go's `*os.PathError`: what failed, on which path, and why.
#[derive(Debug)]
pub struct PathError {
    op: &'static str,
    path: PathBuf,
    err: io::Error,
}

impl PathError {
    fn new(op: &'static str, path: &Path, err: io::Error) -> PathError {
        let path = path.to_path_buf();
        PathError { op, path, err }
    }

    /// `fmt.Fprintf(os.Stderr, "PROGRAM: %v\n", err)`: `du: open /x:
    /// permission denied`, in one write, the path's bytes as they are (Go
    /// prints them so, even if they are not UTF-8).
    pub fn print(&self, program: &str) {
        let line = [
            program.as_bytes(),
            b": ",
            self.op.as_bytes(),
            b" ",
            self.path.as_os_str().as_bytes(),
            b": ",
            common::go_error(&self.err).as_bytes(),
            b"\n",
        ]
        .concat();
        // Nothing sensible is left to do if standard error itself fails.
        let _ = io::stderr().write_all(&line);
    }
}
