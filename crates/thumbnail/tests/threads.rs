//! How many threads the variants use, counted by Linux in
//! `/proc/self/status`. One test alone in its own program, so that no other
//! test's threads are counted.

mod fixtures;

use std::fs;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use fixtures::jpeg;
use thumbnail::Options;

const PATIENCE: Duration = Duration::from_secs(60);

/// The number of threads in this process.
fn threads() -> usize {
    let status = fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Threads:")).unwrap();
    line["Threads:".len()..].trim().parse().unwrap()
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
fn jobs_bound_the_threads_and_none_is_left_behind() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<String> = (0..24)
        .map(|i| jpeg(dir.path(), &format!("p{i}.jpg"), 256, 192))
        .collect();
    let baseline = threads();
    let jobs = 2;

    // At most `jobs` threads at work, plus the loop's thread in variant 3;
    // the operating system may still count a few that have given their
    // token back and are on their way out. Unbounded, it would be 24.
    let bound = baseline + 2 * jobs + 2;
    let most = most_threads_during(|| thumbnail::make_thumbnails3(&files, &Options::new(jobs)));
    assert!(
        most <= bound,
        "variant 3: {most} threads, baseline {baseline}"
    );
    assert!(most > baseline, "variant 3 started no thread?");
    let most = most_threads_during(|| {
        thumbnail::make_thumbnails5(&files, &Options::new(jobs)).unwrap();
    });
    assert!(
        most <= bound,
        "variant 5: {most} threads, baseline {baseline}"
    );

    // Variant 4 returns at the first error. In Go, the goroutines still
    // sending then block for ever (a leak); here the sends fail and every
    // thread ends, once the files left have been done all the same.
    let mut files: Vec<String> = (0..12)
        .map(|i| jpeg(dir.path(), &format!("q{i}.jpg"), 256, 192))
        .collect();
    let thumbs: Vec<String> = files
        .iter()
        .map(|f| f.replace(".jpg", ".thumb.jpg"))
        .collect();
    files.insert(0, fixtures::write(dir.path(), "empty.jpg", b""));
    let err = thumbnail::make_thumbnails4(&files, &Options::new(jobs)).unwrap_err();
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
