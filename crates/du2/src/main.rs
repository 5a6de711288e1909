//! `gopl.io/ch8/du2`: the du2 variant uses select and a time.Ticker to
//! print the totals periodically if -v is set.
//!
//! `main`'s loop `select`s on the file sizes and a ticker; without `-v` the
//! ticker is Go's nil channel, one that never delivers.
//!
//! ```text
//! $ cargo run --release -p du2 -- -v $HOME /usr /bin /etc
//! 28608 files  8.3 GB
//! 54147 files  10.3 GB
//! ...
//! 213201 files  62.7 GB
//! ```
//!
//! | Go                                         | Rust                                          |
//! |--------------------------------------------|-----------------------------------------------|
//! | `var verbose = flag.Bool("v", false, ...)` | `-v` (or `--verbose`) in [`Args`]             |
//! | `var tick <-chan time.Time` (nil)          | `never()`: a channel that never delivers      |
//! | `tick = time.Tick(500 * time.Millisecond)` | `tick(Duration::from_millis(500))`            |
//! | `select { case size, ok := <-fileSizes: ... case <-tick: ... }` | `select! { recv(file_sizes) -> size => ..., recv(tick) -> _ => ... }` |
//! | `if !ok { break loop }`                    | `Err(_) => break`: `recv` fails once the channel is closed and drained |

use std::io::Write;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::Duration;

use clap::Parser;
use crossbeam_channel::{Sender, bounded, never, select, tick};
use du1::readdir::{self, FileInfo};

/// gopl.io/ch8/du2: prints how many files the directory trees hold and
/// their total size, as `213201 files  62.7 GB`.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Show verbose progress messages: the totals so far, every 500 ms
    #[arg(short = 'v', long = "verbose")]
    verbose: bool,

    /// The directories to walk [default: .]
    #[arg(value_parser = flags::any_path())]
    roots: Vec<PathBuf>,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    // Determine the initial directories.
    let mut roots = args.roots;
    if roots.is_empty() {
        roots = vec![PathBuf::from(".")];
    }

    // Traverse the file tree.
    let (file_sizes_tx, file_sizes) = bounded::<u64>(0);
    // One thread, however big the tree: no need of the thread budget.
    thread::spawn(move || {
        for root in &roots {
            walk_dir(root, &file_sizes_tx);
        }
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
fn walk_dir(dir: &Path, file_sizes: &Sender<u64>) {
    for entry in dirents(dir) {
        if entry.is_dir() {
            let subdir = readdir::join(dir, entry.name());
            walk_dir(&subdir, file_sizes);
        } else {
            // Fails only if main has gone, and main waits for the close.
            let _ = file_sizes.send(entry.size());
        }
    }
}

/// dirents returns the entries of directory dir.
fn dirents(dir: &Path) -> Vec<FileInfo> {
    match readdir::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            err.print("du"); // fmt.Fprintf(os.Stderr, "du: %v\n", err)
            Vec::new()
        }
    }
}
