//! How fast crawl2 and crawl3 crawl, against the site's own server.
//!
//! ```text
//! cargo build --release -p crawl2 -p crawl3
//! cargo run --release -p crawl2 --example crawl_bench [-- PAGES [ROUNDS]]
//! ```
//!
//! It serves a generated site (`links::testing::Site`) of about PAGES
//! (default 5,000) URLs on a loopback port, and times, for each case, the
//! whole crawl from `/`: crawl2 until it exits, crawl3 (which never exits)
//! until it has printed every reachable URL, then it is killed. Peak RSS
//! is the process's `VmHWM`, read from /proc while it runs.
//!
//! The reference is the server itself: 20 threads of this process fetch
//! the same URLs, known in advance, with `links::extract` and no crawler
//! around it. With a server that answers at once it shows what the
//! crawler's own bookkeeping and threads cost; with pages that take 50 ms
//! each, what 20 fetches at once can reach: 20 pages per 50 ms at best, a
//! sequential crawl 1 (measured too, on 100 URLs).
//!
//! The cases alternate, ROUNDS (default 3) times, and the median counts.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use links::testing::Site;

fn main() {
    let mut args = std::env::args().skip(1);
    let pages: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let dir = binaries();
    for delay in [Duration::ZERO, Duration::from_millis(50)] {
        // Each generated page is two URLs (with and without #end).
        let site = Site::generated(pages / 2, delay, false);
        let want = site.reachable(None);
        println!(
            "\n{} URLs, each page answered after {delay:?}; median of {rounds} rounds",
            want.len()
        );
        let mut results: Vec<(&str, Vec<(Duration, u64)>)> = vec![
            ("reference (20 threads, URLs known)", vec![]),
            ("crawl2", vec![]),
            ("crawl3", vec![]),
        ];
        for _ in 0..rounds {
            results[0].1.push((reference(&want, 20), 0));
            results[1]
                .1
                .push(run(&dir.join("crawl2"), &site, &want, false));
            results[2]
                .1
                .push(run(&dir.join("crawl3"), &site, &want, true));
        }
        let reference_rate = rate(want.len(), median(&results[0].1).0);
        if !delay.is_zero() {
            // A sequential crawl, on the first 100 URLs only (5,000 would
            // take minutes), scaled to the whole site.
            let some: BTreeSet<String> = want.iter().take(100).cloned().collect();
            let time = reference(&some, 1).mul_f64(want.len() as f64 / some.len() as f64);
            results.push(("sequential (1 thread, 100 URLs, scaled)", vec![(time, 0)]));
        }
        for (what, runs) in &results {
            let (time, rss) = median(runs);
            let per_second = rate(want.len(), time);
            let per_50ms = per_second * 0.05;
            let rss = if rss > 0 {
                format!("{:>6} KiB", rss)
            } else {
                "     -    ".to_string()
            };
            println!(
                "  {what:<40} {:>7.2} s {per_second:>8.0} pages/s {per_50ms:>6.1} per 50 ms  {:>5.2}x reference  peak RSS {rss}",
                time.as_secs_f64(),
                per_second / reference_rate,
            );
        }
    }
    println!("\n(the machine may be busy with other builds: figures move with the load)");
}

/// Where the release binaries are: beside this example's directory.
fn binaries() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let dir = exe
        .parent()
        .and_then(|examples| examples.parent())
        .expect("target/release")
        .to_path_buf();
    for name in ["crawl2", "crawl3"] {
        assert!(
            dir.join(name).exists(),
            "no {name} in {}: cargo build --release -p crawl2 -p crawl3",
            dir.display()
        );
    }
    dir
}

/// Crawls `site` with the program at `exe` until it has printed every URL
/// of `want` (and, unless `kill`, exited); returns the time and peak RSS.
fn run(exe: &PathBuf, site: &Site, want: &BTreeSet<String>, kill: bool) -> (Duration, u64) {
    let start = Instant::now();
    let mut child = Command::new(exe)
        .arg(site.url("/"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the crawler");
    let pid = child.id();
    let peak = Arc::new(Mutex::new(0u64));
    let watching = Arc::new(Mutex::new(true));
    let watcher = {
        let (peak, watching) = (peak.clone(), watching.clone());
        thread::spawn(move || {
            while *watching.lock().unwrap() {
                if let Some(kib) = vm_hwm(pid) {
                    *peak.lock().unwrap() = kib;
                }
                thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut seen = 0;
    for line in stdout.lines() {
        let line = line.expect("read a line");
        assert!(want.contains(&line), "not reachable: {line}");
        seen += 1;
        if seen == want.len() {
            break;
        }
    }
    assert_eq!(seen, want.len(), "{} stopped early", exe.display());
    let time = if kill {
        let time = start.elapsed();
        *watching.lock().unwrap() = false;
        watcher.join().expect("watcher");
        child.kill().expect("kill");
        child.wait().expect("wait");
        time
    } else {
        let status = child.wait().expect("wait");
        assert!(status.success());
        let time = start.elapsed();
        *watching.lock().unwrap() = false;
        watcher.join().expect("watcher");
        time
    };
    let peak = *peak.lock().unwrap();
    (time, peak)
}

/// `VmHWM` of process `pid`, in KiB: its peak resident set so far.
fn vm_hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Fetches every URL of `want` with `links::extract` on `threads` threads,
/// each taking the next URL from a shared list; returns the time.
fn reference(want: &BTreeSet<String>, threads: usize) -> Duration {
    let urls: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(want.iter().cloned().collect()));
    let start = Instant::now();
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let urls = urls.clone();
            thread::spawn(move || {
                loop {
                    let Some(url) = urls.lock().unwrap().pop() else {
                        return;
                    };
                    let _ = links::extract(&url);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("worker");
    }
    start.elapsed()
}

fn rate(pages: usize, time: Duration) -> f64 {
    pages as f64 / time.as_secs_f64()
}

/// The run of median time.
fn median(runs: &[(Duration, u64)]) -> (Duration, u64) {
    let mut sorted = runs.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}
