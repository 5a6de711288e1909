//! Exercise 8.9: write a version of du that computes and periodically
//! displays separate totals for each of the root directories.
//!
//! A change to du3 (`gopl.io/ch8/du3`, `crates/du3`): each size goes on the
//! channel with the index of its root, which every walker passes on to the
//! walkers it starts, and `main` keeps a total per root. It always shows
//! its progress, every `--interval`, as the exercise asks.
//!
//! ```text
//! $ cargo run --release -p exercises --bin du_roots -- $HOME /usr /etc
//! /root: 20114 files  9.3 GB
//! /usr: 48215 files  2.9 GB
//! /etc: 1203 files  0.0 GB
//! ...                               (every 500 ms, a line per root)
//! /root: 41520 files  22.1 GB
//! /usr: 117369 files  5.9 GB
//! /etc: 1650 files  0.0 GB
//! ```
//!
//! | Go                                            | Rust                                      |
//! |-----------------------------------------------|-------------------------------------------|
//! | `type fileSize struct { root int; size int64 }` | [`FileSize`]                            |
//! | `fileSizes := make(chan fileSize)`            | `bounded::<FileSize>(0)`                  |
//! | `nfiles, nbytes := make([]int64, len(roots)), ...` | `totals: Vec<Total>`, one per root    |
//! | `go walkDir(subdir, root, n, fileSizes)`      | `common::go(move \|\| walk_dir(&subdir, root, n, file_sizes))` |
//! | `tick := time.Tick(500 * time.Millisecond)`   | `tick(args.interval)`                     |

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::thread;
use std::time::Duration;

use clap::Parser;
use crossbeam_channel::{Receiver, Sender, bounded, select, tick};
use crossbeam_utils::sync::WaitGroup;
use du1::readdir::{self, FileInfo};

/// Exercise 8.9 of gopl.io/ch8, a change to gopl.io/ch8/du3: prints how
/// many files each directory tree holds and their total size, as `ROOT: N
/// files  X GB`, every --interval and at the end.
#[derive(Parser)]
#[command(name = "du_roots", version)]
struct Args {
    /// The directories to walk [default: .]
    #[arg(value_parser = flags::any_path())]
    roots: Vec<PathBuf>,

    /// How often to show the totals so far (e.g. 500ms, 2s)
    #[arg(long, default_value = "500ms", value_parser = flags::positive_duration)]
    interval: Duration,

    #[command(flatten)]
    threads: flags::MaxThreads,
}

/// A file's size, and the index of the root it was found under.
struct FileSize {
    root: usize,
    size: u64,
}

/// The running totals of one root.
#[derive(Clone, Copy, Default)]
struct Total {
    nfiles: u64,
    nbytes: u64,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    common::threads::set_budget(args.threads.budget());
    // Determine the initial directories.
    let mut roots = args.roots;
    if roots.is_empty() {
        roots = vec![PathBuf::from(".")];
    }

    // Traverse each root of the file tree in parallel.
    let (file_sizes_tx, file_sizes) = bounded::<FileSize>(0);
    let n = WaitGroup::new();
    let walker_roots = roots.clone();
    // Not in main: `go` may wait for a free thread while main must receive.
    thread::spawn(move || {
        for (root, dir) in walker_roots.into_iter().enumerate() {
            let (n, file_sizes) = (n.clone(), file_sizes_tx.clone()); // n.Add(1)
            common::go(move || walk_dir(&dir, root, n, file_sizes));
        }
        n.wait();
        drop(file_sizes_tx); // close(fileSizes)
    });

    // Print the results periodically.
    let tick = tick(args.interval);
    let mut totals = vec![Total::default(); roots.len()];
    loop {
        select! {
            recv(file_sizes) -> file => match file {
                Ok(FileSize { root, size }) => {
                    totals[root].nfiles += 1;
                    totals[root].nbytes += size;
                }
                Err(_) => break, // fileSizes was closed
            },
            recv(tick) -> _ => print_disk_usage(&roots, &totals),
        }
    }
    print_disk_usage(&roots, &totals); // final totals
}

/// A line per root, `ROOT: N files  X GB`, in one write.
fn print_disk_usage(roots: &[PathBuf], totals: &[Total]) {
    let mut lines = String::new();
    for (root, total) in roots.iter().zip(totals) {
        let gb = total.nbytes as f64 / 1e9;
        let nfiles = total.nfiles;
        lines += &format!("{}: {nfiles} files  {gb:.1} GB\n", root.display());
    }
    common::must_write(common::stdout().write_all(lines.as_bytes()));
}

/// walk_dir recursively walks the file tree rooted at dir and sends the
/// size of each found file on file_sizes, marked with its root's index.
fn walk_dir(dir: &Path, root: usize, n: WaitGroup, file_sizes: Sender<FileSize>) {
    for entry in dirents(dir) {
        if entry.is_dir() {
            let (n, file_sizes) = (n.clone(), file_sizes.clone()); // n.Add(1)
            let subdir = readdir::join(dir, entry.name());
            common::go(move || walk_dir(&subdir, root, n, file_sizes));
        } else {
            let size = entry.size();
            // Fails only if main has gone, and main waits for the close.
            let _ = file_sizes.send(FileSize { root, size });
        }
    }
}

/// sema is a counting semaphore for limiting concurrency in dirents.
static SEMA: LazyLock<(Sender<()>, Receiver<()>)> = LazyLock::new(|| bounded(20));

/// Rust has no `defer`: dropping a `Release` gives a token back to sema.
struct Release;

impl Drop for Release {
    fn drop(&mut self) {
        let _ = SEMA.1.recv(); // release token
    }
}

/// dirents returns the entries of directory dir.
fn dirents(dir: &Path) -> Vec<FileInfo> {
    let _ = SEMA.0.send(()); // acquire token
    let _release = Release; // released as dirents returns

    match readdir::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            err.print("du"); // fmt.Fprintf(os.Stderr, "du: %v\n", err)
            Vec::new()
        }
    }
}
