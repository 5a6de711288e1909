//! The FTP root: every path a client names is mapped onto it, and nothing
//! outside it is ever read, listed or written.
//!
//! Two steps, each enough against some escapes and together against all:
//!
//! 1. Lexically, [`virtual_path`] turns the client's path into components
//!    under the root: `.` is dropped, `..` goes up but never above the
//!    root, an absolute path starts at the root. Only `/` separates; a
//!    backslash is an ordinary character of a name, as it is on Linux, so
//!    `..\..\etc` is one (absent) name in the current directory.
//! 2. On disk, [`Root::existing`] canonicalizes the result (resolving every
//!    symlink) and refuses it unless it is still under the canonical root;
//!    [`Root::entry`], for what is to be created, removed or renamed,
//!    canonicalizes only the parent and keeps the last name as it is, so a
//!    symlink is replaced or removed itself, never followed.
//!
//! What this leaves open: a local user (not an FTP client, who cannot make
//! symlinks) who swaps a directory for a symlink between the check and the
//! open. `openat2(RESOLVE_BENEATH)` would close that; std has no call for it.

use std::ffi::OsStr;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

/// The canonical directory that clients see as `/`.
#[derive(Debug, Clone)]
pub struct Root {
    dir: PathBuf,
}

impl Root {
    /// The root at `dir`, which must be a directory.
    pub fn new(dir: &Path) -> io::Result<Root> {
        let dir = dir.canonicalize()?;
        if !dir.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                "not a directory",
            ));
        }
        Ok(Root { dir })
    }

    /// The directory itself.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where `virt` (from [`virtual_path`]) is on disk, every symlink
    /// resolved, provided it exists and is under the root.
    pub fn existing(&self, virt: &Path) -> io::Result<PathBuf> {
        let real = self.dir.join(virt).canonicalize()?;
        if real.starts_with(&self.dir) {
            Ok(real)
        } else {
            Err(outside())
        }
    }

    /// Where the entry `virt` is on disk, for creating, removing or renaming
    /// it: its directory resolved and under the root, its own name kept (not
    /// followed if it is a symlink). The root itself is no entry.
    pub fn entry(&self, virt: &Path) -> io::Result<PathBuf> {
        let (Some(parent), Some(name)) = (virt.parent(), virt.file_name()) else {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "the root directory itself",
            ));
        };
        let parent = self.existing(parent)?;
        if !parent.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                "not a directory",
            ));
        }
        Ok(parent.join(name))
    }

    /// Whether `real` (a path on disk, perhaps a symlink) leads to something
    /// under the root: what a listing shows.
    pub fn holds(&self, real: &Path) -> bool {
        real.canonicalize()
            .is_ok_and(|path| path.starts_with(&self.dir))
    }
}

/// The error for a path that resolves outside the root.
fn outside() -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, "outside the FTP root")
}

/// The client's path `arg`, as components under the root, seen from the
/// virtual directory `cwd` (itself from this function): lexical only.
pub fn virtual_path(cwd: &Path, arg: &[u8]) -> PathBuf {
    let mut path = if arg.starts_with(b"/") {
        PathBuf::new()
    } else {
        cwd.to_path_buf()
    };
    for name in arg.split(|&b| b == b'/') {
        match name {
            b"" | b"." => {}
            b".." => {
                path.pop(); // at the root, `..` is the root
            }
            name => path.push(OsStr::from_bytes(name)),
        }
    }
    path
}

/// How the client sees `virt`: `/`, `/pub`, `/pub/a b.txt`.
pub fn display(virt: &Path) -> Vec<u8> {
    let mut shown = Vec::new();
    for component in virt.components() {
        if let Component::Normal(name) = component {
            shown.push(b'/');
            shown.extend_from_slice(name.as_bytes());
        }
    }
    if shown.is_empty() {
        shown.push(b'/');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn virt(cwd: &str, arg: &str) -> String {
        let path = virtual_path(Path::new(cwd), arg.as_bytes());
        String::from_utf8(display(&path)).unwrap()
    }

    #[test]
    fn paths_are_mapped_under_the_root_lexically() {
        assert_eq!(virt("", "a/b"), "/a/b");
        assert_eq!(virt("pub", "a"), "/pub/a");
        assert_eq!(virt("pub", "/a"), "/a");
        assert_eq!(virt("pub", ".."), "/");
        assert_eq!(virt("pub", "../../../etc/passwd"), "/etc/passwd");
        assert_eq!(virt("", "/../.././etc//passwd"), "/etc/passwd");
        assert_eq!(virt("a/b", "./../c"), "/a/c");
        // A backslash is part of a name.
        assert_eq!(virt("", "..\\..\\etc"), "/..\\..\\etc");
        assert_eq!(virt("", ""), "/");
    }
}
