//! `gopl.io/ch8/du3`: the du3 variant traverses all directories in
//! parallel. It uses a concurrency-limiting counting semaphore to avoid
//! opening too many files at once.
//!
//! du2, but every directory is walked by a thread of its own: a `WaitGroup`
//! counts the walkers, a closer closes `fileSizes` after the last, and a
//! semaphore of 20 tokens allows at most 20 directory reads at once.
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
//! | `n.Add(1)`                                    | `n.clone()`                                |
//! | `defer n.Done()`                              | `walk_dir` owns its `n`, dropped as it returns |
//! | `go walkDir(subdir, n, fileSizes)`            | `common::go(move \|\| walk_dir(&subdir, n, file_sizes))`: at the thread budget (`--max-threads`), the walker walks `subdir` itself |
//! | `go func() { n.Wait(); close(fileSizes) }()`  | `n.wait(); drop(file_sizes_tx)`, in the thread that starts the roots' walkers |
//! | `var sema = make(chan struct{}, 20)`          | `static SEMA: LazyLock<(Sender<()>, Receiver<()>)>`, `bounded(20)` |
//! | `sema <- struct{}{}`                          | `SEMA.0.send(())`                          |
//! | `defer func() { <-sema }()`                   | `let _release = Release;`, whose `drop` receives a token |

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::thread;
use std::time::Duration;

use clap::Parser;
use crossbeam_channel::{Receiver, Sender, bounded, never, select, tick};
use crossbeam_utils::sync::WaitGroup;
use du1::readdir::{self, FileInfo};

/// gopl.io/ch8/du3: prints how many files the directory trees hold and
/// their total size, as `213201 files  62.7 GB`, walking the directories
/// in parallel.
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

    // Traverse each root of the file tree in parallel.
    let (file_sizes_tx, file_sizes) = bounded::<u64>(0);
    let n = WaitGroup::new();
    // Not in main: `go` may wait for a free thread while main must receive.
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
}

fn print_disk_usage(nfiles: u64, nbytes: u64) {
    let gb = nbytes as f64 / 1e9;
    common::must_write(writeln!(common::stdout(), "{nfiles} files  {gb:.1} GB"));
}

/// walk_dir recursively walks the file tree rooted at dir
/// and sends the size of each found file on file_sizes.
fn walk_dir(dir: &Path, n: WaitGroup, file_sizes: Sender<u64>) {
    for entry in dirents(dir) {
        if entry.is_dir() {
            let (n, file_sizes) = (n.clone(), file_sizes.clone()); // n.Add(1)
            let subdir = readdir::join(dir, entry.name());
            common::go(move || walk_dir(&subdir, n, file_sizes));
        } else {
            // Fails only if main has gone, and main waits for the close.
            let _ = file_sizes.send(entry.size());
        }
    }
} // n is dropped here: n.Done()

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
