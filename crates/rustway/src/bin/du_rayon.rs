//! `du_rayon`: du1 (`gopl.io/ch8/du1`) the Rust way.
//!
//! Replaces `crates/du1`. The one idea that changed: each directory returns
//! its own sums (files, bytes) to its parent, and rayon's work-stealing
//! pool walks the subdirectories in parallel, one worker per CPU; where du1
//! sends every file's size over an unbuffered channel, one hand-off and
//! one thread wake per file, to a `main` that adds them up.
//!
//! ```text
//! $ cargo run --release -p rustway --bin du_rayon -- $HOME /usr /bin /etc
//! 213201 files  62.7 GB
//! ```
//!
//! | thread version                          | the Rust way                         |
//! |-----------------------------------------|--------------------------------------|
//! | a walker thread, `bounded::<u64>(0)`    | `par_iter()` over roots and entries  |
//! | `file_sizes.send(size)`, `nfiles += 1`  | `Usage { files: 1, bytes: size }`, `reduce` |

use std::io::Write;
use std::ops::Add;
use std::path::{Path, PathBuf};

use clap::Parser;
use du1::readdir::{self, FileInfo};
use rayon::prelude::*;

/// Prints how many files the directory trees hold and their total size, as
/// `213201 files  62.7 GB`: gopl.io/ch8/du1 the Rust way, walked in
/// parallel with rayon.
#[derive(Parser)]
#[command(name = "du_rayon", version)]
struct Args {
    /// The directories to walk [default: .]
    #[arg(value_parser = flags::any_path())]
    roots: Vec<PathBuf>,
}

/// How many files a tree holds and their total size.
#[derive(Clone, Copy, Default)]
struct Usage {
    files: u64,
    bytes: u64,
}

impl Add for Usage {
    type Output = Usage;
    fn add(self, other: Usage) -> Usage {
        Usage {
            files: self.files + other.files,
            bytes: self.bytes + other.bytes,
        }
    }
}

fn main() {
    common::raise_open_file_limit();
    let mut roots = Args::parse().roots;
    if roots.is_empty() {
        roots = vec![PathBuf::from(".")];
    }
    let total = roots
        .par_iter()
        .map(|root| walk_dir(root))
        .reduce(Usage::default, Usage::add);
    print_disk_usage(total.files, total.bytes);
}

fn print_disk_usage(nfiles: u64, nbytes: u64) {
    let gb = nbytes as f64 / 1e9;
    common::must_write(writeln!(common::stdout(), "{nfiles} files  {gb:.1} GB"));
}

/// walk_dir recursively walks the file tree rooted at dir and returns the
/// number and total size of the files found.
fn walk_dir(dir: &Path) -> Usage {
    dirents(dir)
        .par_iter()
        .map(|entry| match entry.is_dir() {
            true => walk_dir(&readdir::join(dir, entry.name())),
            false => Usage {
                files: 1,
                bytes: entry.size(),
            },
        })
        .reduce(Usage::default, Usage::add)
}

/// dirents returns the entries of directory dir.
fn dirents(dir: &Path) -> Vec<FileInfo> {
    match readdir::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            err.print("du1"); // the thread version's words: `du1: open DIR: ...`
            Vec::new()
        }
    }
}
