//! `gopl.io/ch8/du1`: the du1 command computes the disk usage of the files
//! in a directory.
//!
//! One background thread walks the trees and sends the size of each file on
//! an unbuffered channel; `main` adds them up and prints the totals once.
//!
//! ```text
//! $ cargo run --release -p du1 -- $HOME /usr /bin /etc
//! 213201 files  62.7 GB
//! ```
//!
//! | Go                                         | Rust                                          |
//! |--------------------------------------------|-----------------------------------------------|
//! | `fileSizes := make(chan int64)`            | `bounded::<u64>(0)` (a size is never negative) |
//! | `go func() { ...; close(fileSizes) }()`    | `thread::spawn(move \|\| { ...; drop(file_sizes_tx) })` |
//! | `for size := range fileSizes`              | `for size in file_sizes`                      |
//! | `ioutil.ReadDir(dir)`, `[]os.FileInfo`     | [`readdir::read_dir`], `Vec<FileInfo>` (from `lstat`: no link followed) |
//! | `filepath.Join(dir, entry.Name())`         | [`readdir::join`]                             |
//! | `fmt.Fprintf(os.Stderr, "du1: %v\n", err)` | `err.print("du1")`: `du1: open DIR: permission denied` |
//! | `fmt.Printf` to `os.Stdout`                | `writeln!` to [`common::stdout`]              |

use std::io::Write;
use std::path::{Path, PathBuf};
use std::thread;

use clap::Parser;
use crossbeam_channel::{Sender, bounded};
use du1::readdir::{self, FileInfo};

/// gopl.io/ch8/du1: prints how many files the directory trees hold and
/// their total size, as `213201 files  62.7 GB`.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The directories to walk [default: .]
    #[arg(value_parser = flags::any_path())]
    roots: Vec<PathBuf>,
}

fn main() {
    common::raise_open_file_limit();
    // Determine the initial directories.
    let mut roots = Args::parse().roots;
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

    // Print the results.
    let (mut nfiles, mut nbytes) = (0, 0);
    for size in file_sizes {
        nfiles += 1;
        nbytes += size;
    }
    print_disk_usage(nfiles, nbytes);
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
            err.print("du1"); // fmt.Fprintf(os.Stderr, "du1: %v\n", err)
            Vec::new()
        }
    }
}
