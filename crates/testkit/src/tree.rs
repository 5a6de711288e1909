//! Generated trees, and the checks that the tests of du1 to du4 and of
//! exercise 8.9 (`du_roots`) share.
//!
//! Every tree knows its own totals: the files and bytes it made, counted as
//! it made them, independently of the programs under test.

use std::fs::{self, File};
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::PATIENCE;
use crate::process::{Program, next_line};

/// A generated directory tree, removed when dropped.
pub struct Tree {
    dir: TempDir,
    /// Entries that are not directories: what du counts as files.
    pub files: u64,
    /// Their apparent sizes, added up.
    pub bytes: u64,
    /// Files inside the directories made unreadable.
    pub locked_files: u64,
    /// Their apparent sizes, added up.
    pub locked_bytes: u64,
    locked: Vec<PathBuf>,
}

impl Tree {
    /// An empty tree, readable by every user (a tempdir is not).
    pub fn new() -> Tree {
        let dir = tempfile::tempdir().expect("tempdir");
        set_mode(dir.path(), 0o755);
        Tree {
            dir,
            files: 0,
            bytes: 0,
            locked_files: 0,
            locked_bytes: 0,
            locked: Vec::new(),
        }
    }

    /// Its root directory.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The root as a program argument.
    pub fn arg(&self) -> String {
        self.root()
            .to_str()
            .expect("a UTF-8 temporary path")
            .to_string()
    }

    /// A directory (and its parents) under the root.
    pub fn dir(&mut self, path: &str) -> PathBuf {
        let full = self.root().join(path);
        fs::create_dir_all(&full).expect("mkdir");
        full
    }

    /// A file of `size` bytes at `path`. Sparse: a 1 GB file takes no room,
    /// and du counts its apparent size, as Go's `FileInfo.Size` gives it.
    pub fn file(&mut self, path: &str, size: u64) {
        let file = File::create(self.root().join(path)).expect("create");
        file.set_len(size).expect("set_len");
        self.files += 1;
        self.bytes += size;
    }

    /// A symbolic link at `path` to `target`, which du counts as a file of
    /// the link's own size (the length of `target`), never followed.
    pub fn link(&mut self, path: &str, target: &str) {
        symlink(target, self.root().join(path)).expect("symlink");
        self.files += 1;
        self.bytes += target.len() as u64;
    }

    /// Makes directory `path` unreadable; what it holds is counted apart
    /// (call it once the directory is filled).
    pub fn lock(&mut self, path: &str) {
        let full = self.root().join(path);
        let (files, bytes) = count(&full);
        self.files -= files;
        self.bytes -= bytes;
        self.locked_files += files;
        self.locked_bytes += bytes;
        set_mode(&full, 0o000);
        self.locked.push(full);
    }

    /// The line du prints for this tree's totals, read `times` times.
    pub fn totals(&self, times: u64) -> String {
        totals_line(self.files * times, self.bytes * times)
    }
}

impl Default for Tree {
    fn default() -> Tree {
        Tree::new()
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        for dir in &self.locked {
            set_mode(dir, 0o755); // so that the tempdir can be removed
        }
    }
}

fn set_mode(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Non-directories and their sizes under `dir`, as lstat sees them.
fn count(dir: &Path) -> (u64, u64) {
    let (mut files, mut bytes) = (0, 0);
    for entry in fs::read_dir(dir).expect("read_dir") {
        let entry = entry.expect("entry");
        let meta = entry.metadata().expect("lstat");
        if meta.is_dir() {
            let (f, b) = count(&entry.path());
            files += f;
            bytes += b;
        } else {
            files += 1;
            bytes += meta.len();
        }
    }
    (files, bytes)
}

/// `%d files  %.1f GB\n`, as the Go programs print it.
pub fn totals_line(files: u64, bytes: u64) -> String {
    format!("{files} files  {:.1} GB\n", bytes as f64 / 1e9)
}

/// The transcript's tree: a 1,000,000-byte file, a 2,500,000-byte file, an
/// empty file and a dangling symbolic link. Go prints `4 files  0.0 GB`.
pub fn transcript_tree() -> Tree {
    let mut tree = Tree::new();
    tree.file("one", 1_000_000);
    tree.file("two", 2_500_000);
    tree.file("empty", 0);
    tree.link("dangling", "nowhere");
    tree
}

/// Nested directories, empty and sparse files, and symbolic links that must
/// not be followed: dangling, to a 1 GB file, to a directory, and a loop.
/// Its totals, 1.4 GB, change by 0.1 GB or more if any big file is missed
/// or counted twice, or if the link to a big file is followed.
pub fn mixed_tree() -> Tree {
    let mut tree = Tree::new();
    tree.dir("a/b/c/d");
    tree.dir("empty-dir");
    tree.dir("e");
    tree.file("big", 1_000_000_000);
    tree.file("a/medium", 300_000_000);
    tree.file("a/b/c/d/small", 100_000_000);
    tree.file("a/b/hello", 6);
    tree.file("a/b/c/empty", 0);
    tree.file("e/empty", 0);
    tree.link("dangling", "no/such/file");
    tree.link("a/to-big", "../big");
    tree.link("a/b/to-a", "..");
    tree.link("e/loop", ".");
    tree
}

/// `mixed_tree`, plus two directories nobody but root may read, each
/// holding files: `locked` at the root and `a/b/locked`.
pub fn tree_with_locked_dirs() -> Tree {
    let mut tree = mixed_tree();
    tree.dir("locked/inner");
    tree.file("locked/inner/lost", 200_000_000);
    tree.file("locked/lost", 5);
    tree.dir("a/b/locked");
    tree.file("a/b/locked/lost", 7);
    tree.lock("locked");
    tree.lock("a/b/locked");
    tree
}

/// `dirs` directories side by side, each holding `files` small files.
pub fn wide_tree(dirs: usize, files: usize) -> Tree {
    let mut tree = Tree::new();
    for d in 0..dirs {
        tree.dir(&format!("d{d}"));
        for f in 0..files {
            tree.file(&format!("d{d}/f{f}"), (d + f) as u64);
        }
    }
    tree
}

/// A chain `depth` directories deep, one file in each, beside `wide_tree`.
pub fn deep_and_wide_tree(depth: usize, dirs: usize, files: usize) -> Tree {
    let mut tree = wide_tree(dirs, files);
    let mut path = String::from("deep");
    for level in 0..depth {
        tree.dir(&path);
        tree.file(&format!("{path}/f"), level as u64);
        path.push_str("/x");
    }
    tree
}

/// The longest path a system call takes on Linux, in bytes (PATH_MAX is
/// 4,096 with the closing NUL).
const LONGEST_PATH: usize = 4095;

/// A tree deeper than a path can say: a chain of directories, a file in
/// each, down to `bottom`, whose path is 4,000 bytes long; in `bottom`, a
/// directory whose path is too long for `lstat` (`file name too long`),
/// holding a file. `bottom` holds a file too if `file_at_the_bottom`. The
/// tree counts what Go counts: not `bottom`'s entries, which Go's `Readdir`
/// gives up on at the too-long one. Returns the tree and that path.
pub fn deeper_than_path_max(file_at_the_bottom: bool) -> (Tree, String) {
    let mut tree = Tree::new();
    tree.file("f", 0);
    let mut bottom = String::new(); // under the root
    let mut level = 1;
    loop {
        let len = tree.arg().len() + bottom.len();
        let name = if len + 101 <= 3900 { 100 } else { 3999 - len };
        bottom = format!("{bottom}/{}", "d".repeat(name));
        if len + 1 + name == 4000 {
            break;
        }
        tree.dir(&bottom[1..]);
        tree.file(&format!("{}/f", &bottom[1..]), level);
        level += 1;
    }
    let bottom = tree.dir(&bottom[1..]);
    if file_at_the_bottom {
        File::create(bottom.join("f")).expect("create"); // not counted
    }
    // Made from within `bottom`: a path relative to it is short enough.
    let name = "t".repeat(200);
    let made = Command::new("sh")
        .args(["-c", &format!("mkdir {name} && : > {name}/f")])
        .current_dir(&bottom)
        .status()
        .expect("sh");
    assert!(made.success());
    let too_long = format!("{}/{name}", bottom.to_str().expect("UTF-8"));
    assert!(too_long.len() > LONGEST_PATH);
    (tree, too_long)
}

/// Runs `exe` with `args` to the end, in `dir`, standard input held open
/// (du4 would take its end for a cancellation).
pub fn run_in(dir: &Path, exe: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let child = Command::new(exe)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the program");
    let (status, out, err) = Program { child }.finish();
    (status.code(), String::from_utf8(out).expect("UTF-8"), err)
}

/// Runs `exe` with `args` to the end, standard input held open.
pub fn run(exe: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let (status, out, err) = Program::start(exe, args).finish();
    (status.code(), String::from_utf8(out).expect("UTF-8"), err)
}

/// Whether this process may read whatever it likes (it is root).
fn privileged() -> bool {
    fs::metadata("/proc/self").is_ok_and(|meta| meta.uid() == 0)
}

/// Runs `exe` with `args` in `dir` as an unprivileged user: as we are, if
/// we are not root; as `nobody` through `setpriv` if we are. `None`, with a
/// message, if that cannot be done.
pub fn run_unprivileged_in(dir: &Path, exe: &str, args: &[&str]) -> Option<Output> {
    let mut command = if privileged() {
        let mut command = Command::new("setpriv");
        command.args(["--reuid=65534", "--regid=65534", "--clear-groups", exe]);
        command
    } else {
        Command::new(exe)
    };
    // Standard input held open: du4 would take its end for a cancellation.
    command
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = match command.spawn() {
        Ok(child) => child,
        Err(err) => {
            eprintln!("skipped: cannot run as an unprivileged user (setpriv: {err})");
            return None;
        }
    };
    let (status, stdout, stderr) = Program { child }.finish();
    let output = Output {
        status,
        stdout,
        stderr: stderr.into_bytes(),
    };
    let err = String::from_utf8_lossy(&output.stderr);
    if err.starts_with("setpriv:") {
        eprintln!(
            "skipped: cannot run as an unprivileged user ({})",
            err.trim()
        );
        return None;
    }
    Some(output)
}

/// The claims every du makes about a tree it may read: the transcript's
/// line, totals equal to the tree's own count, links never followed.
pub fn assert_counts_trees(exe: &str) {
    let tree = transcript_tree();
    let (status, out, err) = run(exe, &[&tree.arg()]);
    assert_eq!(
        (status, out.as_str(), err.as_str()),
        (Some(0), "4 files  0.0 GB\n", "")
    );

    let tree = mixed_tree();
    assert_eq!(tree.totals(1), "10 files  1.4 GB\n");
    let (status, out, err) = run(exe, &[&tree.arg()]);
    assert_eq!((status, out, err), (Some(0), tree.totals(1), String::new()));

    // Two roots, and the same root twice, add up.
    let other = transcript_tree();
    let (status, out, _) = run(exe, &[&tree.arg(), &other.arg(), &tree.arg()]);
    let want = totals_line(2 * tree.files + 4, 2 * tree.bytes + 3_500_007);
    assert_eq!((status, out), (Some(0), want));

    // The default root is `.`.
    let (status, out, _) = run_in(tree.root(), exe, &[]);
    assert_eq!((status, out), (Some(0), tree.totals(1)));
}

/// An unreadable directory is reported on standard error, in Go's words and
/// with `prefix`, and skipped; the rest is counted. Run as an unprivileged
/// user from the tree's root with the default root `.`, so that the paths
/// read as Go's `filepath.Join` makes them (`locked`, not `./locked`).
pub fn assert_skips_unreadable(exe: &str, prefix: &str) {
    let tree = tree_with_locked_dirs();
    let Some(output) = run_unprivileged_in(tree.root(), exe, &[]) else {
        return;
    };
    let err = String::from_utf8_lossy(&output.stderr);
    let mut lines: Vec<&str> = err.lines().collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            format!("{prefix}: open a/b/locked: permission denied"),
            format!("{prefix}: open locked: permission denied"),
        ]
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout), tree.totals(1));
    assert_eq!(output.status.code(), Some(0));
    // Root reads them all.
    if privileged() {
        let (_, out, err) = run(exe, &[&tree.arg()]);
        let all = totals_line(
            tree.files + tree.locked_files,
            tree.bytes + tree.locked_bytes,
        );
        assert_eq!((out, err), (all, String::new()));
    }
}

/// A missing root: `PREFIX: open /nonexistent: no such file or directory`,
/// then `0 files  0.0 GB`, exit status 0; the same for an empty root
/// (`open : no such file or directory`); a file as a root, as Go's
/// `Readdir` fails on it.
pub fn assert_missing_root(exe: &str, prefix: &str) {
    let (status, out, err) = run(exe, &["/nonexistent"]);
    assert_eq!(status, Some(0));
    assert_eq!(out, "0 files  0.0 GB\n");
    assert_eq!(
        err,
        format!("{prefix}: open /nonexistent: no such file or directory\n")
    );
    // An empty root is one Go cannot open either, not a usage error.
    let (status, out, err) = run(exe, &[""]);
    assert_eq!(
        (status, out.as_str()),
        (Some(0), "0 files  0.0 GB\n"),
        "{err}"
    );
    assert_eq!(err, format!("{prefix}: open : no such file or directory\n"));

    let tree = transcript_tree();
    let file = tree.root().join("one");
    let (status, out, err) = run(exe, &[file.to_str().expect("UTF-8")]);
    assert_eq!((status, out.as_str()), (Some(0), "0 files  0.0 GB\n"));
    assert_eq!(
        err,
        format!("{prefix}: readdirent {}: not a directory\n", file.display())
    );
}

/// A tree deeper than PATH_MAX is read as Go reads it: the `lstat` of the
/// entry whose path is too long fails, in Go's words, and no entry of its
/// directory is counted. du1 to du3 take `file_at_the_bottom`: on an error
/// their `ioutil.ReadDir` gives none of the directory's entries. du4's
/// `Readdir` keeps those read before the error, in the file system's
/// order: it takes a bottom with no file, so that its count does not
/// depend on that order.
pub fn assert_deeper_than_path_max(exe: &str, prefix: &str, file_at_the_bottom: bool) {
    let (tree, too_long) = deeper_than_path_max(file_at_the_bottom);
    let (status, out, err) = run(exe, &[&tree.arg()]);
    assert_eq!(status, Some(0), "{err}");
    assert_eq!(
        err,
        format!("{prefix}: lstat {too_long}: file name too long\n")
    );
    assert_eq!(out, tree.totals(1));
}

/// How many times a long walk walks its tree.
pub const ROOTS: usize = 1000;

/// `-v` prints the totals so far every 500 ms on a long walk, and nothing
/// is printed without it. The walk (`ROOTS` times a tree of 2,000 files)
/// is far longer than the test watches; the program is then stopped.
pub fn assert_verbose_ticks(exe: &str, extra: &[&str]) {
    let tree = wide_tree(20, 100);
    let root = tree.arg();
    let roots = vec![root.as_str(); ROOTS];

    let mut args = vec!["-v"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&roots);
    let mut program = Program::start(exe, &args);
    let lines = program.stdout_lines();
    let mut seen = Vec::new();
    for _ in 0..3 {
        let line = next_line(&lines);
        seen.push((Instant::now(), String::from_utf8(line).expect("UTF-8")));
    }
    let counts: Vec<u64> = seen.iter().map(|(_, line)| files_in(line)).collect();
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert!(
        counts[2] < tree.files * ROOTS as u64,
        "the walk ended too soon: {seen:?}"
    );
    // About twice a second: two gaps of 500 ms, give or take a busy machine.
    let two_gaps = seen[2].0 - seen[0].0;
    assert!(two_gaps > Duration::from_millis(600), "{seen:?}");
    drop(program);

    // Without -v, nothing for two seconds of the same walk.
    let (mut args, started) = (extra.to_vec(), Instant::now());
    args.extend_from_slice(&roots);
    let mut program = Program::start(exe, &args);
    let lines = program.stdout_lines();
    let quiet = lines.recv_timeout(Duration::from_secs(2));
    assert!(quiet.is_err(), "printed {quiet:?} without -v");
    assert!(started.elapsed() < PATIENCE);

    // And with -v, a short walk prints only its final totals.
    let small = transcript_tree();
    let mut args = vec!["-v"];
    args.extend_from_slice(extra);
    let small_root = small.arg();
    args.push(&small_root);
    let (status, out, _) = run(exe, &args);
    assert_eq!((status, out.as_str()), (Some(0), "4 files  0.0 GB\n"));
}

/// The number of files in a totals line.
pub fn files_in(line: &str) -> u64 {
    let (files, _) = line
        .split_once(" files  ")
        .unwrap_or_else(|| panic!("not a totals line: {line:?}"));
    files.parse().expect("a number of files")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_counts_what_it_makes() {
        let tree = transcript_tree();
        assert_eq!((tree.files, tree.bytes), (4, 3_500_007));
        assert_eq!(tree.totals(1), "4 files  0.0 GB\n");
        assert_eq!(files_in(&tree.totals(3)), 12);
        assert_eq!(count(tree.root()), (4, 3_500_007));
    }

    #[test]
    fn a_tree_deeper_than_path_max_counts_what_is_above_its_bottom() {
        for file_at_the_bottom in [false, true] {
            let (tree, too_long) = deeper_than_path_max(file_at_the_bottom);
            let levels = (4000 - tree.arg().len()) / 101;
            assert!(tree.files >= 30 && tree.files as usize <= levels + 2);
            assert!(too_long.len() > LONGEST_PATH);
            let root = tree.root().to_path_buf();
            drop(tree);
            assert!(!root.exists(), "a deep tree is removed too");
        }
    }

    #[test]
    fn the_mixed_tree_is_1_4_gb() {
        assert_eq!(mixed_tree().totals(1), "10 files  1.4 GB\n");
    }
}
