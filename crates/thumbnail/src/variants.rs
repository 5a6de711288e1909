//! `gopl.io/ch8/thumbnail/thumbnail_test.go`, §8.5 "Looping in Parallel":
//! "some common concurrency patterns for executing all the iterations of a
//! loop in parallel", in the book's order.
//!
//! A sequential loop (`make_thumbnails`); `go` alone, which returns too soon
//! (2); waiting on a channel, one event per file (3); the first error, and
//! the goroutine leak that Rust avoids (4); a channel with room for every
//! result (5); a `WaitGroup` and a closer, for names that stream in (6).
//! Run them with `thumbnail --variant N` (see main.rs).
//!
//! Each takes the book's `thumbnail.ImageFile` as `image_file`, so that the
//! command can count progress and apply `--jobs` around it (main.rs); tests
//! pass `&thumbnail::image_file`.
//!
//! | Go                                    | here                                          |
//! |---------------------------------------|-----------------------------------------------|
//! | `go func(f string) { ... }(f)` where the caller receives only after the loop (3, 4, 6) | `go_queued(move \|\| ...)`: at the thread budget the work waits its turn, since a loop that waited for a thread would wait for threads that wait on it |
//! | `item{thumbfile, err}`                | `Result<PathBuf, Error>`                      |
//! | `errors := make(chan error)`, `err != nil` | `bounded::<Option<Error>>(0)`, `Some(err)`  |
//! | `var wg sync.WaitGroup`; `wg.Add(1)`; `defer wg.Done()`; `wg.Wait()` | `WaitGroup::new()`; `wg.clone()`; the clone dropped as the worker ends; `wg.wait()` |
//! | `return err // NOTE: incorrect: goroutine leak!` | no leak: the return drops the receiver, and every later send fails at once |

use std::fs;
use std::path::{Path, PathBuf};

use common::{go, go_queued};
use crossbeam_channel::{Receiver, bounded};
use crossbeam_utils::sync::WaitGroup;

use crate::{Error, log_error};

/// The book's `thumbnail.ImageFile`, as the variants call it: `&image_file`,
/// or the command's wrapper around it.
pub type ImageFile = &'static (dyn Fn(&Path) -> Result<PathBuf, Error> + Sync);

/// makeThumbnails makes thumbnails of the specified files.
pub fn make_thumbnails(filenames: &[PathBuf], image_file: ImageFile) {
    for f in filenames {
        if let Err(err) = image_file(f) {
            log_error(&err); // log.Print(err)
        }
    }
}

/// NOTE: incorrect!
pub fn make_thumbnails2(filenames: &[PathBuf], image_file: ImageFile) {
    for f in filenames {
        let f = f.clone(); // each thread gets its own copy
        go(move || {
            let _ = image_file(&f); // NOTE: ignoring errors
        });
    }
}

/// makeThumbnails3 makes thumbnails of the specified files in parallel.
pub fn make_thumbnails3(filenames: &[PathBuf], image_file: ImageFile) {
    let (ch_send, ch) = bounded::<()>(0);
    for f in filenames {
        let (f, ch_send) = (f.clone(), ch_send.clone());
        go_queued(move || {
            let _ = image_file(&f); // NOTE: ignoring errors
            let _ = ch_send.send(());
        });
    }

    // Wait for goroutines to complete.
    for _ in filenames {
        let _ = ch.recv();
    }
}

/// makeThumbnails4 makes thumbnails for the specified files in parallel.
/// It returns an error if any step failed.
pub fn make_thumbnails4(filenames: &[PathBuf], image_file: ImageFile) -> Result<(), Error> {
    let (errors_send, errors) = bounded::<Option<Error>>(0); // Go's error: nil or not

    for f in filenames {
        let (f, errors_send) = (f.clone(), errors_send.clone());
        go_queued(move || {
            let err = image_file(&f).err();
            let _ = errors_send.send(err); // fails, not blocks, once we have returned: no leak
        });
    }

    for _ in filenames {
        if let Ok(Some(err)) = errors.recv() {
            return Err(err); // NOTE: incorrect: goroutine leak!
        }
    }

    Ok(())
}

/// makeThumbnails5 makes thumbnails for the specified files in parallel.
/// It returns the generated file names in an arbitrary order,
/// or an error if any step failed.
pub fn make_thumbnails5(
    filenames: &[PathBuf],
    image_file: ImageFile,
) -> Result<Vec<PathBuf>, Error> {
    let (ch_send, ch) = bounded::<Result<PathBuf, Error>>(filenames.len());
    for f in filenames {
        let (f, ch_send) = (f.clone(), ch_send.clone());
        go(move || {
            let it = image_file(&f);
            let _ = ch_send.send(it);
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
pub fn make_thumbnails6(filenames: Receiver<PathBuf>, image_file: ImageFile) -> u64 {
    let (sizes_send, sizes) = bounded::<u64>(0);
    let wg = WaitGroup::new(); // number of working goroutines
    for f in filenames {
        let working = wg.clone(); // wg.Add(1)
        let sizes_send = sizes_send.clone();
        // worker
        go_queued(move || {
            let _done = working; // defer wg.Done()
            let thumb = match image_file(&f) {
                Ok(thumb) => thumb,
                Err(err) => {
                    log_error(&err); // log.Print(err)
                    return;
                }
            };
            let size = fs::metadata(&thumb).map_or(0, |info| info.len()); // OK to ignore error
            let _ = sizes_send.send(size);
        });
    }

    // closer
    go_queued(move || {
        wg.wait();
        drop(sizes_send); // close(sizes)
    });

    let mut total = 0;
    for size in sizes {
        total += size;
    }
    total
}
