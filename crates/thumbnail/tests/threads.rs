//! How many threads the variants use, counted by Linux in
//! `/proc/self/status`. One test alone in its own program, so that no other
//! test's threads are counted.

use std::fs;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use testkit::photos::{jpeg, thumb};
use testkit::{PATIENCE, threads_of, within_patience};

/// The number of threads in this process.
fn threads() -> usize {
    threads_of(std::process::id())
}

/// The most threads seen at once while `f` runs.
fn most_threads_during(f: impl FnOnce()) -> usize {
    let stop = Arc::new(AtomicBool::new(false));
    let most = Arc::new(AtomicUsize::new(0));
    let watcher = {
        let (stop, most) = (stop.clone(), most.clone());
        thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                most.fetch_max(threads(), Ordering::Relaxed);
                thread::sleep(Duration::from_micros(200));
            }
        })
    };
    f();
    stop.store(true, Ordering::Relaxed);
    watcher.join().unwrap();
    most.load(Ordering::Relaxed) - 1 // not the watcher
}

#[test]
fn at_the_thread_budget_the_work_waits_its_turn_and_no_thread_is_left_behind() {
    // 24 files and room for 3 threads: were the loops of variants 3, 4 and
    // 6 to wait for a thread, they would wait for ever, since every thread
    // waits for the loop's caller to receive what it sends.
    common::threads::set_budget(common::threads::Budget::new(3));
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = (0..24)
        .map(|i| jpeg(dir.path(), format!("p{i}.jpg"), 256, 192))
        .collect();
    let baseline = threads();
    // The budget's 3, the thread that runs the variant (and variant 6's
    // feeder), and a few that have given their place back and are on their
    // way out. Unbounded: 24.
    let bound = baseline + 2 + 3 + 3;

    let names = files.clone();
    let most = most_threads_during(|| {
        within_patience(move || thumbnail::make_thumbnails3(&names, &thumbnail::image_file))
    });
    assert!(
        most <= bound,
        "variant 3: {most} threads, baseline {baseline}"
    );
    assert!(most > baseline, "variant 3 started no thread?");
    let names = files.clone();
    let most = most_threads_during(|| {
        within_patience(move || {
            thumbnail::make_thumbnails5(&names, &thumbnail::image_file).unwrap();
        })
    });
    assert!(
        most <= bound,
        "variant 5: {most} threads, baseline {baseline}"
    );
    let names = files.clone();
    let most = most_threads_during(|| {
        within_patience(move || {
            let (send, filenames) = crossbeam_channel::bounded(0);
            thread::spawn(move || names.into_iter().for_each(|f| send.send(f).unwrap()));
            assert!(thumbnail::make_thumbnails6(filenames, &thumbnail::image_file) > 0);
        })
    });
    assert!(
        most <= bound,
        "variant 6: {most} threads, baseline {baseline}"
    );

    // Variant 4 returns at the first error. In Go, the goroutines still
    // sending then block for ever (a leak); here the sends fail and every
    // thread ends, once the files left have been done all the same.
    let mut files: Vec<PathBuf> = (0..12)
        .map(|i| jpeg(dir.path(), format!("q{i}.jpg"), 256, 192))
        .collect();
    let thumbs: Vec<PathBuf> = files.iter().map(|f| thumb(f)).collect();
    files.insert(0, testkit::photos::write(dir.path(), "empty.jpg", b""));
    let err = within_patience(move || thumbnail::make_thumbnails4(&files, &thumbnail::image_file))
        .unwrap_err();
    assert!(err.to_string().ends_with("image: unknown format"), "{err}");
    let deadline = Instant::now() + PATIENCE;
    while threads() > baseline || !thumbs.iter().all(|f| fs::metadata(f).is_ok()) {
        assert!(
            Instant::now() < deadline,
            "{} threads left behind by make_thumbnails4",
            threads() - baseline
        );
        thread::sleep(Duration::from_millis(10));
    }
}
