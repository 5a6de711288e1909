//! `thumbnail_rayon`: thumbnail (`gopl.io/ch8/thumbnail/main.go`) the Rust
//! way.
//!
//! Replaces `crates/thumbnail`'s parallel loops. The one idea that changed:
//! `par_iter()` over the names read from standard input; rayon's pool of one
//! worker per CPU steals work from the others' queues, where the book starts
//! a goroutine (here a thread) per image and lets a channel of tokens
//! bound how many decode at once. The output is main.go's: each
//! thumbnail's name in the order of the input, each failure logged.
//!
//! ```text
//! $ find ~/Pictures -name '*.jpg' | cargo run --release -p rustway --bin thumbnail_rayon
//! ```
//!
//! | thread version                          | the Rust way                         |
//! |-----------------------------------------|--------------------------------------|
//! | `common::go(...)` per file, `--jobs` tokens | `filenames.par_iter().map(image_file)` |
//! | results over a channel, in any order    | `collect()`: in the input's order    |

use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;

use clap::Parser;
use common::{Scanner, go_error, log_fatal};
use rayon::prelude::*;

/// Makes thumbnails of the image files named on standard input, one a line,
/// in parallel with rayon: gopl.io/ch8/thumbnail the Rust way. foo.jpg gets
/// foo.thumb.jpg beside it, at most 128×128 pixels; JPEG and PNG are read.
#[derive(Parser)]
#[command(name = "thumbnail_rayon", version)]
struct Args {}

fn main() {
    common::raise_open_file_limit();
    Args::parse();
    let mut input = Scanner::new(Stdin(io::stdin().lock()));
    let filenames: Vec<PathBuf> = (&mut input)
        .map(|name| PathBuf::from(OsString::from_vec(name)))
        .collect();
    let thumbs: Vec<_> = filenames
        .par_iter()
        .map(|f| thumbnail::image_file(f))
        .collect();
    for thumb in thumbs {
        match thumb {
            Ok(thumb) => {
                let line = [thumb.as_os_str().as_bytes(), b"\n"].concat();
                common::must_write(common::stdout().write_all(&line));
            }
            Err(err) => thumbnail::log_error(&err), // log.Print(err)
        }
    }
    if let Some(err) = input.err() {
        log_fatal!("{}", go_error(err));
    }
}

/// Go's `os.Stdin`: standard input, whose read errors name it as Go's do,
/// `read /dev/stdin: is a directory`.
struct Stdin(io::StdinLock<'static>);

impl Read for Stdin {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(|err| {
            let words = format!("read /dev/stdin: {}", go_error(&err));
            io::Error::new(err.kind(), words)
        })
    }
}
