//! `gopl.io/ch8/du3`: du2, but every directory is walked in a thread of its
//! own. A `WaitGroup` counts the walkers, and a closer closes the sizes
//! channel once the last is done; a counting semaphore of 20 tokens keeps
//! at most 20 directory reads going at once.
//!
//! ```text
//! $ cargo run --release -p du3 -- -v $HOME /usr /bin /etc
//! 36754 files  9.1 GB
//! ...
//! 213201 files  62.7 GB
//! ```
//!
//! | Go                                            | Rust                                       |
//! |-----------------------------------------------|--------------------------------------------|
//! | `var n sync.WaitGroup`                        | `crossbeam_utils::sync::WaitGroup::new()`  |
//! | `n.Add(1); go walkDir(subdir, &n, fileSizes)` | `go_or_run(move \|\| walk_dir(subdir, n.clone(), file_sizes.clone()))` |
//! | `defer n.Done()`                              | `walk_dir` owns its `n`, dropped as it returns |
//! | `go func() { n.Wait(); close(fileSizes) }()`  | `n.wait(); drop(file_sizes_tx)` in the thread that started the walkers |
//! | `var sema = make(chan struct{}, 20)`          | `static SEMA: LazyLock<Tokens>`: [`common::threads::Tokens::new(20)`](common::threads::Tokens) |
//! | `sema <- struct{}{}; defer func() { <-sema }()` | `let _token = SEMA.acquire();`, given back when dropped |
//! | `select` on `fileSizes` and `tick`            | `select!`, as in du2                        |
//! | `ioutil.ReadDir(dir)`, `[]os.FileInfo`        | [`readdir::read_dir`], `Vec<FileInfo>` (from `lstat`: no link followed) |
//! | `fmt.Fprintf(os.Stderr, "du: %v\n", err)`     | `err.print("du")`: `du: open DIR: permission denied` |
//!
//! Threads are not goroutines: a process gets about 16,000 of them, and a
//! tree has more directories than that. So a walker starts a subdirectory's
//! walker through the thread budget (`--max-threads`): `go_or_run` starts a
//! thread if one is free and otherwise walks the subdirectory itself. The
//! roots' walkers are started by a thread of their own, which then plays the
//! book's closer: `main` must already be receiving sizes while that thread
//! waits for a free thread.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::thread;
use std::time::Duration;

use clap::Parser;
use common::readdir::{self, FileInfo};
use common::threads::Tokens;
use crossbeam_channel::{Sender, bounded, never, select, tick};
use crossbeam_utils::sync::WaitGroup;

/// Counts the files under each directory and adds up their sizes, walking
/// every directory in a thread of its own.
///
/// du3 is the book's gopl.io/ch8/du3: du2 (-v prints the running totals
/// every 500 ms), but each directory is walked in parallel, at most 20
/// directory reads at once (the book's counting semaphore). Every entry that
/// is not a directory counts as a file, by its apparent size; a symbolic
/// link counts by its own size and is never followed. A directory that
/// cannot be read is reported on standard error (`du: open DIR: permission
/// denied`) and skipped.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Show verbose progress messages: the totals so far, every 500 ms
    #[arg(short = 'v', long = "verbose")]
    verbose: bool,

    /// The directories to walk [default: .]
    roots: Vec<PathBuf>,

    #[command(flatten)]
    threads: common::MaxThreads,

    /// For the tests: make each directory read last 5 ms longer, as on a
    /// slow disk, and print on standard error the most that ran at once
    #[arg(long, hide = true)]
    debug_reads: bool,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    // More walkers than a few more than the 20 reads they share would only
    // wait, at a cost: 16,000 threads took 4.6 times as long as 16 (README).
    common::threads::set_budget(args.threads.budget_at_most(32));
    debug::set(args.debug_reads);
    // Determine the initial directories.
    let mut roots = args.roots;
    if roots.is_empty() {
        roots = vec![PathBuf::from(".")];
    }

    // Traverse each root of the file tree in parallel.
    let (file_sizes_tx, file_sizes) = bounded::<u64>(0);
    let n = WaitGroup::new();
    // One thread, however many roots (see the top of this file).
    thread::spawn(move || {
        for root in roots {
            let (n, file_sizes) = (n.clone(), file_sizes_tx.clone()); // n.Add(1)
            common::go(move || walk_dir(&root, n, file_sizes));
        }
        n.wait();
        drop(file_sizes_tx); // close(fileSizes)
    });

    // Print the results periodically.
    let tick = if args.verbose {
        tick(Duration::from_millis(500))
    } else {
        never()
    };
    let (mut nfiles, mut nbytes) = (0, 0);
    loop {
        select! {
            recv(file_sizes) -> size => match size {
                Ok(size) => {
                    nfiles += 1;
                    nbytes += size;
                }
                Err(_) => break, // fileSizes was closed
            },
            recv(tick) -> _ => print_disk_usage(nfiles, nbytes),
        }
    }

    print_disk_usage(nfiles, nbytes); // final totals
    debug::print_most_reads();
}

fn print_disk_usage(nfiles: u64, nbytes: u64) {
    let gb = nbytes as f64 / 1e9;
    common::must_write(writeln!(common::stdout(), "{nfiles} files  {gb:.1} GB"));
}

/// walk_dir recursively walks the file tree rooted at dir
/// and sends the size of each found file on file_sizes.
///
/// It owns `n` and drops it as it returns (`defer n.Done()`).
fn walk_dir(dir: &Path, n: WaitGroup, file_sizes: Sender<u64>) {
    for entry in dirents(dir) {
        if entry.is_dir() {
            let (n, file_sizes) = (n.clone(), file_sizes.clone()); // n.Add(1)
            let subdir = readdir::join(dir, entry.name());
            common::go_or_run(move || walk_dir(&subdir, n, file_sizes));
        } else {
            // Fails only if main has gone, and main waits for the close.
            let _ = file_sizes.send(entry.size());
        }
    }
}

/// sema is a counting semaphore for limiting concurrency in dirents.
static SEMA: LazyLock<Tokens> = LazyLock::new(|| Tokens::new(20));

/// dirents returns the entries of directory dir.
fn dirents(dir: &Path) -> Vec<FileInfo> {
    let _token = SEMA.acquire(); // acquire token; released when dropped
    let _reading = debug::Reading::start(); // counts, for --debug-reads

    match readdir::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            err.print("du"); // fmt.Fprintf(os.Stderr, "du: %v\n", err)
            Vec::new()
        }
    }
}

/// Not in the book: `--debug-reads`, for the tests. Directory reads here
/// are too quick to overlap much; made 5 ms slower, as on a slow disk, they
/// would pile up by the hundred without the semaphore. A count kept apart
/// from the semaphore tells how many ran at once.
mod debug {
    use std::io::Write;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::thread;
    use std::time::Duration;

    static ON: AtomicBool = AtomicBool::new(false);
    static READING: AtomicUsize = AtomicUsize::new(0);
    static MOST: AtomicUsize = AtomicUsize::new(0);

    /// Turns the slow reads and their count on.
    pub fn set(on: bool) {
        ON.store(on, Ordering::SeqCst);
    }

    /// One directory read going on, from `start` until dropped.
    pub struct Reading(bool);

    impl Reading {
        pub fn start() -> Reading {
            if !ON.load(Ordering::Relaxed) {
                return Reading(false);
            }
            let now = READING.fetch_add(1, Ordering::SeqCst) + 1;
            MOST.fetch_max(now, Ordering::SeqCst);
            thread::sleep(Duration::from_millis(5));
            Reading(true)
        }
    }

    impl Drop for Reading {
        fn drop(&mut self) {
            if self.0 {
                READING.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }

    /// `most directory reads at once: N` on standard error, if turned on.
    pub fn print_most_reads() {
        if ON.load(Ordering::SeqCst) {
            let most = MOST.load(Ordering::SeqCst);
            let _ = writeln!(std::io::stderr(), "most directory reads at once: {most}");
        }
    }
}
