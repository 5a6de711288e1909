//! `--jobs`: at most N images at once, with the book's counting semaphore
//! (§8.6, crawl2's `tokens`) around `thumbnail.ImageFile`.
//!
//! Not in the book's thumbnail, whose goroutines all decode at once: 10,000
//! photos would want 10,000 decoded images in memory (6 MB each for
//! 1600×1200), on no more CPUs than the machine has. Each variant still
//! starts a thread per file; all but `--jobs` of them wait for a token.
//!
//! | Go (crawl2)                              | here                                |
//! |------------------------------------------|-------------------------------------|
//! | `var tokens = make(chan struct{}, 20)`   | `bounded::<()>(jobs)`               |
//! | `tokens <- struct{}{} // acquire a token` | `tokens.send(())`                  |
//! | `<-tokens // release the token`          | `taken.recv()`: the same channel's other end |

use std::thread;

use crossbeam_channel::bounded;

use crate::ImageFile;

/// How many images at once by default: two per CPU.
pub fn default_jobs() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get() * 2)
}

/// `image_file`, called by at most `jobs` threads at a time (0 counts as 1).
pub fn at_most(jobs: usize, image_file: ImageFile) -> ImageFile {
    let (tokens, taken) = bounded::<()>(jobs.max(1));
    Box::leak(Box::new(move |f: &std::path::Path| {
        let _ = tokens.send(()); // acquire a token
        let thumb = image_file(f);
        let _ = taken.recv(); // release the token
        thumb
    }))
}
