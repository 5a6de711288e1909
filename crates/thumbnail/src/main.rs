//! `gopl.io/ch8/thumbnail/main.go`: the `thumbnail` command, which makes a
//! thumbnail of each image file named on standard input. The package is in
//! `lib.rs`, the book's six loops in `variants.rs`; `--variant` picks one.
//!
//! ```text
//! $ find ~/Pictures -name '*.jpg' | cargo run --release -p thumbnail
//! $ find ~/Pictures -name '*.jpg' | cargo run --release -p thumbnail -- --variant 5
//! ```
//!
//! | Go                            | here                                          |
//! |-------------------------------|-----------------------------------------------|
//! | `os.Stdin`                    | `Stdin`: read errors say `read /dev/stdin: ...` as Go's do |
//! | `input.Text()`                | the line's bytes as a `PathBuf`: a name need not be UTF-8 |
//! | `for input.Scan()`, then `input.Err()` | `for name in &mut input`, then `input.err()` |
//! | `fmt.Println(thumb)`          | `progress.println`, the name's bytes as they are |
//!
//! Not in Go: `--variant`, `--jobs` (`jobs.rs`) and a progress bar on a
//! terminal (`progress.rs`), both wrapped around `thumbnail::image_file`
//! before a variant gets it. Every variant makes the thumbnails of the names
//! read before an input error, then reports it as main.go does (exit 1).

mod progress;

use std::ffi::OsString;
use std::io::{self, Read};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;

use clap::Parser;
use common::{Scanner, go_error, log_fatal};
use crossbeam_channel::{Receiver, bounded};
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
pixel, no input file is ever overwritten, and an image of more than 16384×16384 pixels in all is \
refused. As in Go, an input line over 64 KiB or a read error ends the input: logged, exit status \
1, once the names before it are done."
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
            let (filenames, input_err) = names();
            let total = thumbnail::make_thumbnails6(filenames, image_file);
            progress.finish();
            progress.println(total.to_string().as_bytes());
            if let Ok(Some(err)) = input_err.recv() {
                log_fatal!("{err}");
            }
        }
        variant => {
            let mut input = Scanner::new(Stdin::new());
            let filenames: Vec<PathBuf> = (&mut input).map(path).collect();
            progress.set_length(filenames.len());
            let ok = run(variant, &filenames, image_file, progress);
            if let Some(err) = input.err() {
                log_fatal!("{}", go_error(err));
            }
            if !ok {
                std::process::exit(1);
            }
        }
    }
}

/// The book's main.go: a thumbnail for each name read, its name printed,
/// one after another (makeThumbnails, printing as it goes).
fn main_go(image_file: ImageFile, progress: &Progress) {
    let mut input = Scanner::new(Stdin::new());
    for name in &mut input {
        match image_file(&path(name)) {
            Ok(thumb) => progress.println(thumb.as_os_str().as_bytes()),
            Err(err) => progress.log(&err),
        }
    }
    progress.finish();
    if let Some(err) = input.err() {
        log_fatal!("{}", go_error(err));
    }
}

/// Variants 2 to 5, which take the whole list of names at once. False if
/// variant 4 or 5 failed (its error is logged): Go's log.Fatal, once the
/// caller has reported any input error too.
fn run(variant: u8, filenames: &[PathBuf], image_file: ImageFile, progress: &Progress) -> bool {
    let result = match variant {
        2 => {
            thumbnail::make_thumbnails2(filenames, image_file);
            progress.finish();
            common::log_print!(
                "makeThumbnails2 returned before its threads were done; \
                 the program ends now, and ends them (NOTE: incorrect!)"
            );
            return true;
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
        Ok(thumbfiles) => {
            for thumb in thumbfiles {
                progress.println(thumb.as_os_str().as_bytes());
            }
            true
        }
        Err(err) => {
            progress.log(&err);
            false
        }
    }
}

/// Variant 6's names: sent on a channel as they are read from standard
/// input. The second channel then gives the input error, if any, once the
/// first is closed.
fn names() -> (Receiver<PathBuf>, Receiver<Option<String>>) {
    let (names_send, names) = bounded(0);
    let (err_send, input_err) = bounded(1);
    common::go(move || {
        let mut input = Scanner::new(Stdin::new());
        for name in &mut input {
            if names_send.send(path(name)).is_err() {
                break;
            }
        }
        let _ = err_send.send(input.err().map(go_error));
        // Dropping names_send closes the channel: end of input.
    });
    (names, input_err)
}

/// A line read as a file name: its bytes, as Go's string holds them.
fn path(name: Vec<u8>) -> PathBuf {
    PathBuf::from(OsString::from_vec(name))
}

/// Go's `os.Stdin`: standard input, whose read errors name it as Go's do,
/// `read /dev/stdin: is a directory`.
struct Stdin(io::StdinLock<'static>);

impl Stdin {
    fn new() -> Self {
        Stdin(io::stdin().lock())
    }
}

impl Read for Stdin {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(|err| {
            let words = format!("read /dev/stdin: {}", go_error(&err));
            io::Error::new(err.kind(), words)
        })
    }
}
