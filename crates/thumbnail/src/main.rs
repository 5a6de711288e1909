//! `gopl.io/ch8/thumbnail/main.go`: the `thumbnail` command; the package
//! and the book's six loops are in `lib.rs` and `variants.rs`.
//!
//! ```text
//! $ find ~/Pictures -name '*.jpg' | cargo run --release -p thumbnail
//! $ find ~/Pictures -name '*.jpg' | cargo run --release -p thumbnail -- --variant 5
//! ```
//!
//! Go → Rust: `bufio.NewScanner(os.Stdin)` → [`common::Scanner`];
//! `fmt.Println` → `writeln!` to [`common::stdout`]; `log.Print` →
//! [`common::log_print!`]. Not in Go: `--variant`, `--jobs` and a progress
//! bar on a terminal.

use std::io::{self, IsTerminal, Write};
use std::num::NonZeroUsize;
use std::thread;
use std::time::Duration;

use clap::Parser;
use common::{Scanner, log_print};
use crossbeam_channel::bounded;
use indicatif::{ProgressBar, ProgressStyle};
use thumbnail::{
    Options, image_file, make_thumbnails2, make_thumbnails3, make_thumbnails4, make_thumbnails5,
    make_thumbnails6,
};

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

    /// Variants 3 to 6: at most this many files at once [default: twice the number of CPUs]
    #[arg(long)]
    jobs: Option<NonZeroUsize>,

    #[command(flatten)]
    threads: common::MaxThreads,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    common::threads::set_budget(args.threads.budget());
    let jobs = args
        .jobs
        .map_or_else(thumbnail::default_jobs, NonZeroUsize::get);
    let mut options = Options::new(jobs);
    let streaming = matches!(args.variant, 1 | 6);
    if io::stderr().is_terminal() {
        options.progress = progress_bar(streaming);
    }

    match args.variant {
        1 => main_go(&options),
        6 => {
            let total = variant6(&options);
            options.progress.finish_and_clear();
            println_out(&options.progress, &total.to_string());
        }
        variant => {
            let filenames = read_names(&options.progress);
            options.progress.set_length(filenames.len() as u64);
            run(variant, &filenames, &options);
        }
    }
}

/// The book's main.go: a thumbnail for each name read, its name printed,
/// one after another (makeThumbnails, printing as it goes).
fn main_go(options: &Options) {
    for name in Scanner::new(io::stdin().lock()) {
        let Some(name) = utf8(name, &options.progress) else {
            continue;
        };
        match image_file(&name) {
            Ok(thumb) => println_out(&options.progress, &thumb),
            Err(err) => options.progress.suspend(|| log_print!("{err}")),
        }
        options.progress.inc(1);
    }
    options.progress.finish_and_clear();
}

/// Variants 2 to 5, which take the whole list of names at once.
fn run(variant: u8, filenames: &[String], options: &Options) {
    match variant {
        2 => {
            make_thumbnails2(filenames);
            options.progress.finish_and_clear();
            log_print!(
                "makeThumbnails2 returned before its threads were done; \
                 the program ends now, and ends them (NOTE: incorrect!)"
            );
        }
        3 => {
            make_thumbnails3(filenames, options);
            options.progress.finish_and_clear();
        }
        4 => {
            let result = make_thumbnails4(filenames, options);
            options.progress.finish_and_clear();
            if let Err(err) = result {
                common::log_fatal!("{err}");
            }
        }
        _ => match make_thumbnails5(filenames, options) {
            Ok(thumbfiles) => {
                options.progress.finish_and_clear();
                for thumb in thumbfiles {
                    println_out(&options.progress, &thumb);
                }
            }
            Err(err) => {
                options.progress.finish_and_clear();
                common::log_fatal!("{err}");
            }
        },
    }
}

/// Variant 6: the names go from standard input to makeThumbnails6 through
/// a channel, as they are read.
fn variant6(options: &Options) -> u64 {
    let (names_send, names) = bounded(0);
    let progress = options.progress.clone();
    thread::spawn(move || {
        for name in Scanner::new(io::stdin().lock()) {
            if let Some(name) = utf8(name, &progress) {
                if names_send.send(name).is_err() {
                    break;
                }
            }
        }
        // Dropping names_send closes the channel: end of input.
    });
    make_thumbnails6(names, options)
}

/// All the names on standard input.
fn read_names(progress: &ProgressBar) -> Vec<String> {
    Scanner::new(io::stdin().lock())
        .filter_map(|name| utf8(name, progress))
        .collect()
}

/// A name read as a `String`, or a log line if it is not UTF-8: Go's strings
/// hold any bytes, the library's names are Rust strings.
fn utf8(name: Vec<u8>, progress: &ProgressBar) -> Option<String> {
    String::from_utf8(name)
        .map_err(|err| {
            let name = String::from_utf8_lossy(err.as_bytes()).into_owned();
            progress.suspend(|| log_print!("open {name}: file name is not UTF-8"));
        })
        .ok()
}

/// Go's `fmt.Println(line)`, with the progress bar out of the way; ends the
/// program quietly if standard output is a closed pipe.
fn println_out(progress: &ProgressBar, line: &str) {
    progress.suspend(|| common::must_write(writeln!(common::stdout(), "{line}")));
}

/// A bar of files done out of all when the number is known, else a
/// spinner counting files done; drawn on standard error.
fn progress_bar(streaming: bool) -> ProgressBar {
    if streaming {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {pos} files  {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(100));
        bar
    } else {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} files  {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    }
}
