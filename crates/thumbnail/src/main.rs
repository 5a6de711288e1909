//! `gopl.io/ch8/thumbnail/main.go`: the `thumbnail` command, which makes a
//! thumbnail of each image file named on standard input. The package is in
//! `lib.rs`, the book's six loops in `variants.rs`; `--variant` picks one.
//!
//! ```text
//! $ find ~/Pictures -name '*.jpg' | cargo run --release -p thumbnail
//! $ find ~/Pictures -name '*.jpg' | cargo run --release -p thumbnail -- --variant 5
//! ```
//!
//! Go → Rust: `input.Text()` → the line as a `String`, logged and skipped if
//! it is not UTF-8. Not in Go: `--variant`, `--jobs` (`jobs.rs`) and a
//! progress bar on a terminal (`progress.rs`), both wrapped around
//! `thumbnail::image_file` before a variant gets it.

mod progress;

use std::io;

use clap::Parser;
use common::Scanner;
use crossbeam_channel::bounded;
use thumbnail::{ImageFile, jobs};

use crate::progress::Progress;

/// Makes thumbnails of the image files named on standard input, one a line.
#[derive(Parser)]
#[command(
    version,
    about,
    long_about = "Makes thumbnails of the image files named on standard input, one name a \
line, as the book's gopl.io/ch8/thumbnail does: foo.jpg gets foo.thumb.jpg beside it, at most \
128×128 pixels. JPEG and PNG files are read. The variants are the book's loops, from sequential \
to parallel: they show what goes wrong with `go` alone (2), how to wait for goroutines (3), how \
returning early leaks them in Go but not here (4), a buffered channel (5) and a WaitGroup (6).

What each variant prints:
  1  each thumbnail's name; a failed file is logged and the loop goes on (main.go, makeThumbnails)
  2  a log line owning up: makeThumbnails2 returns before its threads are done, and exiting ends them
  3  nothing: makeThumbnails3 waits for every file but ignores errors
  4  nothing; the first error is logged and the exit status is 1 (makeThumbnails4)
  5  every thumbnail's name, or the first error and exit status 1 (makeThumbnails5)
  6  the total number of bytes written; failed files are logged (makeThumbnails6, names streamed)

Unlike Go, a file that fails leaves no thumbnail behind, a thumbnail is never smaller than 1 \
pixel, and no input file is ever overwritten."
)]
struct Args {
    /// Which of the book's loops to use, 1 to 6 (see --help)
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=6))]
    variant: u8,

    /// Variants 3 to 6: make at most this many thumbnails at once, 1 to 256 [default: twice the number of CPUs]
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=256))]
    jobs: Option<u16>,

    #[command(flatten)]
    threads: flags::MaxThreads,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    // A thread per file, as the book has a goroutine per file, but at most
    // a thousand at once unless --max-threads says: all but --jobs only wait.
    common::threads::set_budget(args.threads.budget_at_most(1000));
    let jobs = args.jobs.map_or_else(jobs::default_jobs, usize::from);
    let progress = Progress::on_stderr(matches!(args.variant, 1 | 6));
    let image_file = match args.variant {
        1 | 2 => progress.counting(&thumbnail::image_file),
        _ => progress.counting(jobs::at_most(jobs, &thumbnail::image_file)),
    };

    match args.variant {
        1 => main_go(image_file, progress),
        6 => {
            let total = thumbnail::make_thumbnails6(names(progress), image_file);
            progress.finish();
            progress.println(&total.to_string());
        }
        variant => {
            let filenames: Vec<String> = Scanner::new(io::stdin().lock())
                .filter_map(|name| utf8(name, progress))
                .collect();
            progress.set_length(filenames.len());
            run(variant, &filenames, image_file, progress);
        }
    }
}

/// The book's main.go: a thumbnail for each name read, its name printed,
/// one after another (makeThumbnails, printing as it goes).
fn main_go(image_file: ImageFile, progress: &Progress) {
    for name in Scanner::new(io::stdin().lock()) {
        let Some(name) = utf8(name, progress) else {
            continue;
        };
        match image_file(&name) {
            Ok(thumb) => progress.println(&thumb),
            Err(err) => progress.log(&err.to_string()),
        }
    }
    progress.finish();
}

/// Variants 2 to 5, which take the whole list of names at once.
fn run(variant: u8, filenames: &[String], image_file: ImageFile, progress: &Progress) {
    let result = match variant {
        2 => {
            thumbnail::make_thumbnails2(filenames, image_file);
            progress.finish();
            return common::log_print!(
                "makeThumbnails2 returned before its threads were done; \
                 the program ends now, and ends them (NOTE: incorrect!)"
            );
        }
        3 => {
            thumbnail::make_thumbnails3(filenames, image_file);
            Ok(Vec::new())
        }
        4 => thumbnail::make_thumbnails4(filenames, image_file).map(|()| Vec::new()),
        _ => thumbnail::make_thumbnails5(filenames, image_file),
    };
    progress.finish();
    match result {
        Ok(thumbfiles) => thumbfiles.iter().for_each(|thumb| progress.println(thumb)),
        Err(err) => common::log_fatal!("{err}"),
    }
}

/// Variant 6's names: sent on a channel as they are read from standard input.
fn names(progress: &'static Progress) -> crossbeam_channel::Receiver<String> {
    let (names_send, names) = bounded(0);
    common::go(move || {
        for name in Scanner::new(io::stdin().lock()) {
            if let Some(name) = utf8(name, progress) {
                if names_send.send(name).is_err() {
                    break;
                }
            }
        }
        // Dropping names_send closes the channel: end of input.
    });
    names
}

/// A name read as a `String`, or a log line if it is not UTF-8: Go's strings
/// hold any bytes, the library's names are Rust strings.
fn utf8(name: Vec<u8>, progress: &Progress) -> Option<String> {
    String::from_utf8(name)
        .map_err(|err| {
            let name = String::from_utf8_lossy(err.as_bytes()).into_owned();
            progress.log(&format!("open {name}: file name is not UTF-8"));
        })
        .ok()
}
