//! `gopl.io/ch8/du4`: du3, plus cancellation. A byte on standard input (or
//! its end) closes the `done` channel; every walker polls it and gives up,
//! a walker waiting for the semaphore gives up too, and `main` drains the
//! sizes channel, so that every walker can finish, and exits without totals.
//!
//! ```text
//! $ cargo run --release -p du4 -- -v $HOME /usr /bin /etc
//! 36754 files  9.1 GB
//! 62112 files  12.0 GB
//! ⏎                                (return cancels: no totals)
//! ```
//!
//! | Go                                                | Rust                                       |
//! |---------------------------------------------------|--------------------------------------------|
//! | `var done = make(chan struct{})`                  | `bounded::<()>(0)`, its `Receiver` handed to every walker |
//! | `close(done)`                                     | `drop(done_tx)`: every `recv(done)` is ready from then on |
//! | `select { case <-done: return true; default: return false }` | `select! { recv(done) -> _ => true, default => false }` |
//! | `os.Stdin.Read(make([]byte, 1))`                  | `io::stdin().read(&mut [0; 1])`            |
//! | `for range fileSizes { }`                         | `for _ in file_sizes.iter() { }`           |
//! | `var sema = make(chan struct{}, 20)`              | `static SEMA: LazyLock<(Sender<()>, Receiver<()>)>`: `bounded(20)` |
//! | `select { case sema <- struct{}{}: case <-done: return nil }` | `select! { send(SEMA.0, ()) -> _ => {}, recv(done) -> _ => return ... }` |
//! | `defer func() { <-sema }()`                       | a [`Release`] guard that receives a token back when dropped |
//! | `var n sync.WaitGroup`, `n.Add(1)`, `defer n.Done()` | `WaitGroup`, `n.clone()`, `walk_dir` owns its `n` |
//! | `f, err := os.Open(dir)`, `f.Readdir(0)`          | [`readdir::open`], [`readdir::Dir::readdir`]: entries so far and an error |
//! | `fmt.Fprintf(os.Stderr, "du: %v\n", err)`         | `err.print("du")`: `du: open DIR: permission denied` |
//!
//! Where Rust differs: `done` is handed to each walker, not a global, since
//! its only `Sender` must belong to the thread that closes it. Subdirectory
//! walkers start through the thread budget (`--max-threads`), as in du3.
//! Once cancelled, Go's walkers still start a goroutine for each
//! subdirectory left in their loop, which returns at once: that costs Go
//! about a microsecond each, but a thread costs 25 µs or more, and tens of
//! thousands of them made du4 take seconds to exit. So `walk_dir` polls
//! `done` again before each entry, and the roots' walkers are started only
//! until cancelled: du4 then exits within a fraction of a second. They stop
//! so soon that `fileSizes` may be closed before `main` sees `done`; `main`
//! checks `done` before it prints the totals, so that a cancelled walk never
//! prints them (`0 files  0.0 GB` came out one time in two with input at end
//! of file, without that check).
//! Go's du4 takes no flags and always prints the totals every 500 ms; here
//! `-v` asks for them, as in du2 and du3.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::thread;
use std::time::Duration;

use clap::Parser;
use common::readdir::{self, FileInfo};
use crossbeam_channel::{Receiver, Sender, bounded, never, select, tick};
use crossbeam_utils::sync::WaitGroup;

/// Counts the files under each directory and adds up their sizes, walking
/// every directory in a thread of its own, until a key is pressed.
///
/// du4 is the book's gopl.io/ch8/du4: du3 (each directory walked in
/// parallel, at most 20 directory reads at once), plus cancellation: a byte
/// on standard input (return), or its end, stops the walk at once, and du4
/// exits without printing the totals. -v prints the running totals every
/// 500 ms. Every entry that is not a directory counts as a file, by its
/// apparent size; a symbolic link counts by its own size and is never
/// followed. A directory that cannot be read is reported on standard error
/// (`du: open DIR: permission denied`) and skipped.
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

    /// For the tests: once cancelled, print on standard error how many
    /// threads the process has left
    #[arg(long, hide = true)]
    debug_threads: bool,
}

/// cancelled polls done: closed means cancelled.
fn cancelled(done: &Receiver<()>) -> bool {
    select! {
        recv(done) -> _ => true,
        default => false,
    }
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    // More walkers than a few more than the 20 reads they share would only
    // wait, at a cost: 16,000 threads took 4.6 times as long as 16 (README).
    common::threads::set_budget(args.threads.budget_at_most(32));
    // Determine the initial directories.
    let mut roots = args.roots;
    if roots.is_empty() {
        roots = vec![PathBuf::from(".")];
    }

    // Cancel traversal when input is detected.
    let (done_tx, done) = bounded::<()>(0);
    // One thread: no need of the thread budget.
    thread::spawn(move || {
        let _ = io::stdin().read(&mut [0; 1]); // read a single byte
        drop(done_tx); // close(done)
    });

    // Traverse each root of the file tree in parallel.
    let (file_sizes_tx, file_sizes) = bounded::<u64>(0);
    let n = WaitGroup::new();
    let walkers_done = done.clone();
    // One thread, however many roots: it starts the roots' walkers, which
    // may wait for a free thread while main receives, then closes fileSizes.
    thread::spawn(move || {
        for root in roots {
            if cancelled(&walkers_done) {
                break; // Not in Go's listing, as in walk_dir
            }
            let (n, file_sizes, done) = (n.clone(), file_sizes_tx.clone(), walkers_done.clone());
            common::go(move || walk_dir(&root, n, file_sizes, done)); // n.Add(1)
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
            recv(done) -> _ => {
                // Drain fileSizes to allow existing goroutines to finish.
                for _ in file_sizes.iter() {
                    // Do nothing.
                }
                if args.debug_threads {
                    debug::print_threads_left();
                }
                return;
            },
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
    // Not in Go's listing: once cancelled, the walkers stop so soon that
    // fileSizes may be closed by the time main looks, and `select!`, like
    // Go's `select`, picks at random between two ready cases. A walk that
    // was cancelled prints no totals, whichever case won.
    if cancelled(&done) {
        if args.debug_threads {
            debug::print_threads_left();
        }
        return;
    }
    print_disk_usage(nfiles, nbytes); // final totals
}

fn print_disk_usage(nfiles: u64, nbytes: u64) {
    let gb = nbytes as f64 / 1e9;
    common::must_write(writeln!(common::stdout(), "{nfiles} files  {gb:.1} GB"));
}

/// walk_dir recursively walks the file tree rooted at dir
/// and sends the size of each found file on file_sizes.
///
/// It owns `n` and drops it as it returns (`defer n.Done()`).
fn walk_dir(dir: &Path, n: WaitGroup, file_sizes: Sender<u64>, done: Receiver<()>) {
    if cancelled(&done) {
        return;
    }
    for entry in dirents(dir, &done) {
        // Not in Go's listing: poll done again, so that a cancelled walk
        // starts no more threads (see the top of this file).
        if cancelled(&done) {
            return;
        }
        if entry.is_dir() {
            let (n, file_sizes, done) = (n.clone(), file_sizes.clone(), done.clone()); // n.Add(1)
            let subdir = readdir::join(dir, entry.name());
            common::go_or_run(move || walk_dir(&subdir, n, file_sizes, done));
        } else {
            // Fails only if main has gone, and main drains until the close.
            let _ = file_sizes.send(entry.size());
        }
    }
}

/// sema: a concurrency-limiting counting semaphore.
static SEMA: LazyLock<(Sender<()>, Receiver<()>)> = LazyLock::new(|| bounded(20));

/// Gives a token back to sema when dropped: `defer func() { <-sema }()`.
struct Release;

impl Drop for Release {
    fn drop(&mut self) {
        let _ = SEMA.1.recv(); // release token
    }
}

/// dirents returns the entries of directory dir.
fn dirents(dir: &Path, done: &Receiver<()>) -> Vec<FileInfo> {
    select! {
        send(SEMA.0, ()) -> _ => {}, // acquire token
        recv(done) -> _ => return Vec::new(), // cancelled
    }
    let _release = Release;

    // ...read directory...
    let f = match readdir::open(dir) {
        Ok(f) => f,
        Err(err) => {
            err.print("du"); // fmt.Fprintf(os.Stderr, "du: %v\n", err)
            return Vec::new();
        }
    };
    let (entries, err) = f.readdir(); // read all entries
    if let Some(err) = err {
        err.print("du");
        // Don't return: Readdir may return partial results.
    }
    entries
}

/// Not in the book: `--debug-threads`, for the tests. The book checks that
/// cancellation stops every goroutine by panicking instead of returning and
/// reading the runtime's dump; a test here reads the thread count instead.
mod debug {
    use std::io::Write;
    use std::thread;
    use std::time::{Duration, Instant};

    /// The `Threads:` line of `/proc/self/status`.
    fn threads() -> Option<usize> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|line| line.starts_with("Threads:"))?;
        line["Threads:".len()..].trim().parse().ok()
    }

    /// `threads left: N` on standard error, once the threads that are
    /// ending have ended (a walker that has dropped its `Sender` may still
    /// be on its way out), or after a second.
    pub fn print_threads_left() {
        let deadline = Instant::now() + Duration::from_secs(1);
        let mut left = threads();
        while left != Some(1) && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(10));
            left = threads();
        }
        let left = left.map_or("unknown".to_string(), |n| n.to_string());
        let _ = writeln!(std::io::stderr(), "threads left: {left}");
    }
}
