//! The FTP root: every path a client names is mapped onto it, and nothing
//! outside it is ever read, listed or written.
//!
//! Three steps, each enough against some escapes and together against all:
//!
//! 1. Lexically, [`virtual_path`] turns the client's path into components
//!    under the root: `.` is dropped, `..` goes up but never above the
//!    root, an absolute path starts at the root. Only `/` separates; a
//!    backslash is an ordinary character of a name, as it is on Linux, so
//!    `..\..\etc` is one (absent) name in the current directory.
//! 2. On disk, [`Root::open`] canonicalizes the result (resolving every
//!    symlink, so that one leading elsewhere in the root, even by an
//!    absolute path, still works) and refuses it unless it is still under
//!    the canonical root.
//! 3. It then opens what it found relative to a descriptor of the root,
//!    with openat2(2)'s `RESOLVE_BENEATH`: should a local user (not an FTP
//!    client, who cannot make symlinks) swap a directory on the way for a
//!    symlink after step 2 looked, the kernel refuses to leave the root.
//!
//! What is to be created, removed or renamed is an [`Entry`]: its directory,
//! opened so, and its own name, which the `*at` system calls (`mkdirat`,
//! `unlinkat`, `renameat`, `openat`) take as it is, so a symlink there is
//! replaced or removed itself, never followed. Linux 5.6 or newer.

use std::ffi::{OsStr, OsString};
use std::fs::{File, Metadata};
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rustix::fs::{AtFlags, CWD, Mode, OFlags, ResolveFlags};
use rustix::fs::{mkdirat, openat, openat2, renameat, statat, unlinkat};
use rustix::io::Errno;

/// The canonical directory that clients see as `/`, and a descriptor of it.
#[derive(Debug, Clone)]
pub struct Root {
    dir: PathBuf,
    fd: Arc<OwnedFd>,
}

impl Root {
    /// The root at `dir`, which must be a directory. A kernel without
    /// openat2 is an error here, at start-up.
    pub fn new(dir: &Path) -> io::Result<Root> {
        let dir = dir.canonicalize()?;
        let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let fd = openat2(CWD, &dir, flags, Mode::empty(), ResolveFlags::empty())?;
        Ok(Root {
            dir,
            fd: Arc::new(fd),
        })
    }

    /// The directory itself.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `virt` (from [`virtual_path`]) opened with `flags`, every symlink
    /// followed, provided it exists and is under the root.
    fn resolve(&self, virt: &Path, flags: OFlags) -> io::Result<OwnedFd> {
        let real = self.dir.join(virt).canonicalize()?;
        let Ok(beneath) = real.strip_prefix(&self.dir) else {
            return Err(outside());
        };
        let beneath = match beneath.as_os_str().is_empty() {
            true => Path::new("."), // the root itself
            false => beneath,
        };
        // openat2, not open: a directory swapped for a symlink since canonicalize cannot lead out.
        let how = ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS;
        let flags = flags | OFlags::CLOEXEC;
        match openat2(&self.fd, beneath, flags, Mode::empty(), how) {
            Err(Errno::XDEV) => Err(outside()),
            opened => Ok(opened?),
        }
    }

    /// The file or directory `virt`, opened for reading. A FIFO opens at
    /// once (`O_NONBLOCK`), to be refused as no regular file.
    pub fn open(&self, virt: &Path) -> io::Result<File> {
        let fd = self.resolve(virt, OFlags::RDONLY | OFlags::NONBLOCK)?;
        Ok(File::from(fd))
    }

    /// What `virt` leads to: its type, size, time and mode.
    pub fn metadata(&self, virt: &Path) -> io::Result<Metadata> {
        File::from(self.resolve(virt, OFlags::PATH)?).metadata()
    }

    /// The entry `virt`, for creating, removing or renaming it: its
    /// directory resolved and under the root, its own name kept (not
    /// followed if it is a symlink). The root itself is no entry.
    pub fn entry(&self, virt: &Path) -> io::Result<Entry> {
        let (Some(parent), Some(name)) = (virt.parent(), virt.file_name()) else {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "the root directory itself",
            ));
        };
        let dir = self.resolve(parent, OFlags::PATH | OFlags::DIRECTORY)?;
        Ok(Entry {
            dir,
            name: name.to_owned(),
        })
    }
}

/// The error for a path that resolves outside the root.
fn outside() -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, "outside the FTP root")
}

/// A name in a directory under the root, for the `*at` system calls.
#[derive(Debug)]
pub struct Entry {
    dir: OwnedFd,
    name: OsString,
}

impl Entry {
    /// Whether there is something by this name (a symlink, wherever it leads).
    pub fn exists(&self) -> bool {
        statat(&self.dir, &self.name, AtFlags::SYMLINK_NOFOLLOW).is_ok()
    }

    /// MKD.
    pub fn create_dir(&self) -> io::Result<()> {
        Ok(mkdirat(&self.dir, &self.name, Mode::from(0o777))?)
    }

    /// RMD.
    pub fn remove_dir(&self) -> io::Result<()> {
        Ok(unlinkat(&self.dir, &self.name, AtFlags::REMOVEDIR)?)
    }

    /// DELE: a file, or a symlink itself; a directory is an error.
    pub fn remove_file(&self) -> io::Result<()> {
        Ok(unlinkat(&self.dir, &self.name, AtFlags::empty())?)
    }

    /// RNFR and RNTO.
    pub fn rename_to(&self, to: &Entry) -> io::Result<()> {
        Ok(renameat(&self.dir, &self.name, &to.dir, &to.name)?)
    }

    /// A new, empty file beside the entry, `.ftpd-PID-N.part`, for an upload.
    pub fn temp(self) -> io::Result<Temp> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::CLOEXEC;
        loop {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let name = format!(".ftpd-{}-{n}.part", std::process::id());
            match openat(&self.dir, &name, flags, Mode::from(0o644)) {
                Ok(fd) => {
                    return Ok(Temp {
                        file: fd.into(),
                        name: name.into(),
                        entry: self,
                        kept: false,
                    });
                }
                Err(Errno::EXIST) => continue, // taken: the next number
                Err(err) => return Err(err.into()),
            }
        }
    }
}

/// An upload on its way: a temporary file beside its entry, renamed over
/// it by [`Temp::keep`], and removed if dropped before.
#[derive(Debug)]
pub struct Temp {
    /// The file, to write to.
    pub file: File,
    name: OsString,
    entry: Entry,
    kept: bool,
}

impl Temp {
    /// Renames the file over the entry's name: the upload is complete.
    pub fn keep(mut self) -> io::Result<()> {
        let dir = &self.entry.dir;
        renameat(dir, &self.name, dir, &self.entry.name)?;
        self.kept = true;
        Ok(())
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.kept {
            let _ = unlinkat(&self.entry.dir, &self.name, AtFlags::empty());
        }
    }
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
