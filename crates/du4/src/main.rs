//! `gopl.io/ch8/du4`: the du4 variant includes cancellation: it terminates
//! quickly when the user hits return.
//!
//! du3, plus a `done` channel that a byte on standard input (or its end)
//! closes: every walker polls it and gives up, a walker waiting for the
//! semaphore gives up too, and `main` drains the sizes and exits without
//! totals.
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
//! | `var done = make(chan struct{})`                  | `bounded::<()>(0)`, its `Receiver` handed to every walker: its only `Sender` must belong to the thread that closes it |
//! | `close(done)`                                     | `drop(done_tx)`: every `recv(done)` is ready from then on |
//! | `select { case <-done: return true; default: return false }` | `select! { recv(done) -> _ => true, default => false }` |
//! | `os.Stdin.Read(make([]byte, 1))`                  | `io::stdin().read(&mut [0; 1])`            |
//! | `for range fileSizes { }`                         | `for _ in file_sizes.iter() { }`           |
//! | `select { case sema <- struct{}{}: case <-done: return nil }` | `select! { send(SEMA.0, ()) -> _ => {}, recv(done) -> _ => return Vec::new() }` |
//! | `f, err := os.Open(dir)`, `f.Readdir(0)`          | [`readdir::open`], [`Dir::readdir`](readdir::Dir::readdir): the entries read, and an error |
//!
//! Not in Go's listing (why: "Differences from Go" in `crates/du3/README.md`):
//! the walkers poll `done` before each entry, since a thread costs far more
//! than a goroutine, and `main` checks `done` before the totals. Go's du4
//! has no `-v`: it always prints the totals so far.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::thread;
use std::time::Duration;

use clap::Parser;
use crossbeam_channel::{Receiver, Sender, bounded, never, select, tick};
use crossbeam_utils::sync::WaitGroup;
use du1::readdir::{self, FileInfo};

/// gopl.io/ch8/du4: prints how many files the directory trees hold and
/// their total size, as `213201 files  62.7 GB`, walking the directories
/// in parallel. Press return to cancel: du4 then exits without the totals.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Show verbose progress messages: the totals so far, every 500 ms
    #[arg(short = 'v', long = "verbose")]
    verbose: bool,

    /// The directories to walk [default: .]
    #[arg(value_parser = flags::any_path())]
    roots: Vec<PathBuf>,

    #[command(flatten)]
    threads: flags::MaxThreads,
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
    // By default at most 32 threads: more would only wait for the 20 reads.
    common::threads::set_budget(args.threads.budget_at_most(32));
    // Determine the initial directories.
    let mut roots = args.roots;
    if roots.is_empty() {
        roots = vec![PathBuf::from(".")];
    }

    // Cancel traversal when input is detected.
    let (done_tx, done) = bounded::<()>(0);
    thread::spawn(move || {
        let _ = io::stdin().read(&mut [0; 1]); // read a single byte
        drop(done_tx); // close(done)
    });

    // Traverse each root of the file tree in parallel.
    let (file_sizes_tx, file_sizes) = bounded::<u64>(0);
    let n = WaitGroup::new();
    let walkers_done = done.clone();
    // Not in main: `go` may wait for a free thread while main must receive.
    thread::spawn(move || {
        for root in roots {
            if cancelled(&walkers_done) {
                break; // Not in Go's listing, as in walk_dir
            }
            let (n, file_sizes, done) = (n.clone(), file_sizes_tx.clone(), walkers_done.clone()); // n.Add(1)
            common::go(move || walk_dir(&root, n, file_sizes, done));
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
    // Not in Go's listing: the walkers may close fileSizes as soon as done
    // is closed, and select! picks either ready case: no totals if cancelled.
    if cancelled(&done) {
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
fn walk_dir(dir: &Path, n: WaitGroup, file_sizes: Sender<u64>, done: Receiver<()>) {
    if cancelled(&done) {
        return;
    }
    for entry in dirents(dir, &done) {
        if cancelled(&done) {
            return; // Not in Go's listing: start no more threads once cancelled
        }
        if entry.is_dir() {
            let (n, file_sizes, done) = (n.clone(), file_sizes.clone(), done.clone()); // n.Add(1)
            let subdir = readdir::join(dir, entry.name());
            common::go(move || walk_dir(&subdir, n, file_sizes, done));
        } else {
            // Fails only if main has gone, and main drains until the close.
            let _ = file_sizes.send(entry.size());
        }
    }
}

/// sema: a concurrency-limiting counting semaphore.
static SEMA: LazyLock<(Sender<()>, Receiver<()>)> = LazyLock::new(|| bounded(20));

/// Rust has no `defer`: dropping a `Release` gives a token back to sema.
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
    let _release = Release; // released as dirents returns

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
