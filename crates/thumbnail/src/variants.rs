//! The book's loops over many files, from `gopl.io/ch8/thumbnail/thumbnail_test.go`,
//! in the book's order.
//!
//! | Go                                    | here                                          |
//! |---------------------------------------|-----------------------------------------------|
//! | `go func(f string) { ... }(f)`        | `go(move \|\| { ... })`, `f` moved in         |
//! | `make(chan struct{})`                 | `bounded::<()>(0)`                            |
//! | `make(chan item, len(filenames))`     | `bounded::<Result<String, Error>>(len)`       |
//! | `var wg sync.WaitGroup`, `wg.Add(1)`  | `WaitGroup::new()`, `wg.clone()`              |
//! | `defer wg.Done()`, `wg.Wait()`        | the clone dropped as the thread ends, `wait()` |
//! | `close(sizes)`                        | dropping the last `Sender`                    |
//! | `make(chan struct{}, 20)` (crawl2)    | `common::Tokens`: at most `jobs` files in flight |
//!
//! Go's loop-variable trap (all goroutines seeing the last `f`) cannot
//! happen here: each `move` closure owns its own `f`.
//!
//! Not in the book: variants 3 to 6 start at most [`Options::jobs`] threads
//! at a time, so 10,000 file names do not make 10,000 threads (Go's
//! goroutines are cheap; threads are not, and 10,000 images decoding at once
//! would not fit in memory either). Where the book's function collects
//! results only after its loop has started every goroutine (variants 3, 4
//! and 6, whose channel is unbuffered), that loop runs in a thread of its
//! own, so collecting goes on while threads are started; otherwise the loop
//! would wait for a token that only a collected thread gives back. (That
//! one thread is started with `thread::spawn`, which panics if the system
//! cannot give a process even one more thread.)
//!
//! Every worker starts through `go`, `common::go_or_run`: within the
//! program's thread budget (`--max-threads`), and in place when no thread
//! can be had, so even variant 2 cannot start more threads than the system
//! gives: no file is lost and no count comes out wrong.

use std::fs;
use std::thread;

use common::go_or_run as go;
use common::{Tokens, log_print};
use crossbeam_channel::{Receiver, bounded};
use crossbeam_utils::sync::WaitGroup;
use indicatif::ProgressBar;

use crate::{Error, image_file};

/// How the variants run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Variants 3 to 6 work on at most this many files at once, each in a
    /// thread of its own; 0 counts as 1.
    pub jobs: usize,
    /// Advanced by one as each file is done. Log lines are written around it.
    pub progress: ProgressBar,
}

/// How many files variants 3 to 6 work on at once by default: two per CPU.
///
/// With a fresh, short-lived thread per file, one per CPU leaves CPUs idle:
/// the OS does not always start the next thread on the CPU that just freed
/// up. A spare per CPU keeps both busy here (measured with 2 CPUs and
/// `examples/bench.rs`: 0.79–0.88 of what two separate processes get with
/// 2 jobs, 0.91–0.97 with 4; see the README).
pub fn default_jobs() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get() * 2)
}

impl Options {
    /// `jobs` files at a time, and no progress bar.
    pub fn new(jobs: usize) -> Self {
        Options {
            jobs,
            progress: ProgressBar::hidden(),
        }
    }

    /// Go's `log.Println(err)`, with the progress bar out of the way.
    fn log_println(&self, err: &Error) {
        self.progress.suspend(|| log_print!("{err}"));
    }
}

/// makeThumbnails makes thumbnails of the specified files.
pub fn make_thumbnails(filenames: &[String], options: &Options) {
    for f in filenames {
        if let Err(err) = image_file(f) {
            options.log_println(&err);
        }
        options.progress.inc(1);
    }
}

/// NOTE: incorrect!
///
/// It starts a thread for each file and returns at once, without waiting
/// for any of them: it "runs too fast", even for a single file. A program
/// that returns from `main` right after calling it ends its threads with
/// it, and most thumbnails are never made. Not bounded by
/// [`Options::jobs`]: as in the book, one thread per file, all at once.
pub fn make_thumbnails2(filenames: &[String]) {
    for f in filenames {
        let f = f.clone();
        go(move || {
            let _ = image_file(&f); // NOTE: ignoring errors
        });
    }
}

/// makeThumbnails3 makes thumbnails of the specified files in parallel.
pub fn make_thumbnails3(filenames: &[String], options: &Options) {
    let (ch_send, ch) = bounded::<()>(0);
    let tokens = Tokens::new(options.jobs);
    let (names, options) = (filenames.to_vec(), options.clone());
    // The loop runs in a thread of its own: see the module's documentation.
    thread::spawn(move || {
        for f in names {
            let token = tokens.acquire();
            let (ch_send, options) = (ch_send.clone(), options.clone());
            go(move || {
                let _ = image_file(&f); // NOTE: ignoring errors
                options.progress.inc(1);
                let _ = ch_send.send(());
                drop(token);
            });
        }
    });

    // Wait for goroutines to complete.
    for _ in filenames {
        let _ = ch.recv();
    }
}

/// makeThumbnails4 makes thumbnails for the specified files in parallel.
/// It returns an error if any step failed.
///
/// In Go, the goroutines still running when it returns the first error
/// block for ever on `errors <- err`, as nobody receives any more: a
/// goroutine leak. In Rust, returning drops the receiver, and a send on a
/// channel without receivers fails at once instead of blocking: every
/// thread ends. The work on the files still in flight, and on those the
/// loop has yet to start, is done all the same and thrown away.
pub fn make_thumbnails4(filenames: &[String], options: &Options) -> Result<(), Error> {
    let (errors_send, errors) = bounded::<Result<(), Error>>(0);
    let tokens = Tokens::new(options.jobs);
    let (names, options) = (filenames.to_vec(), options.clone());
    // The loop runs in a thread of its own: see the module's documentation.
    thread::spawn(move || {
        for f in names {
            let token = tokens.acquire();
            let (errors_send, options) = (errors_send.clone(), options.clone());
            go(move || {
                let err = image_file(&f).map(drop);
                options.progress.inc(1);
                // Fails, rather than blocks, once make_thumbnails4 returned.
                let _ = errors_send.send(err);
                drop(token);
            });
        }
    });

    for _ in filenames {
        if let Ok(Err(err)) = errors.recv() {
            return Err(err); // NOTE: incorrect: goroutine leak!
        }
    }

    Ok(())
}

/// makeThumbnails5 makes thumbnails for the specified files in parallel.
/// It returns the generated file names in an arbitrary order,
/// or an error if any step failed.
///
/// Go's `item` struct, a file name and an error, is Rust's `Result`. The
/// channel has room for every result, so no thread ever waits to send, and
/// no thread is left behind when it returns early. For the same reason the
/// loop may wait for tokens itself.
pub fn make_thumbnails5(filenames: &[String], options: &Options) -> Result<Vec<String>, Error> {
    let (ch_send, ch) = bounded::<Result<String, Error>>(filenames.len());
    let tokens = Tokens::new(options.jobs);
    for f in filenames {
        let token = tokens.acquire();
        let (f, ch_send, options) = (f.clone(), ch_send.clone(), options.clone());
        go(move || {
            let it = image_file(&f);
            options.progress.inc(1);
            let _ = ch_send.send(it);
            drop(token);
        });
    }

    let mut thumbfiles = Vec::new();
    for _ in filenames {
        match ch.recv() {
            Ok(Ok(thumbfile)) => thumbfiles.push(thumbfile),
            Ok(Err(err)) => return Err(err),
            Err(_) => break, // cannot happen: we hold a sender
        }
    }

    Ok(thumbfiles)
}

/// makeThumbnails6 makes thumbnails for each file received from the channel.
/// It returns the number of bytes occupied by the files it creates.
pub fn make_thumbnails6(filenames: Receiver<String>, options: &Options) -> u64 {
    let (sizes_send, sizes) = bounded::<u64>(0);
    let tokens = Tokens::new(options.jobs);
    let options = options.clone();
    // The loop runs in a thread of its own: see the module's documentation.
    thread::spawn(move || {
        let wg = WaitGroup::new(); // number of working goroutines
        for f in filenames {
            let token = tokens.acquire();
            let working = wg.clone(); // wg.Add(1)
            let (sizes_send, options) = (sizes_send.clone(), options.clone());
            // worker
            go(move || {
                let _done = working; // defer wg.Done()
                let _token = token; // given back as this thread ends
                let result = image_file(&f);
                options.progress.inc(1);
                let thumb = match result {
                    Ok(thumb) => thumb,
                    Err(err) => {
                        options.log_println(&err);
                        return;
                    }
                };
                let size = fs::metadata(&thumb).map_or(0, |info| info.len()); // OK to ignore error
                let _ = sizes_send.send(size);
            });
        }

        // closer: this thread, its loop done, plays the book's closer goroutine.
        wg.wait();
        drop(sizes_send); // close(sizes)
    });

    let mut total = 0;
    for size in sizes {
        total += size;
    }
    total
}
