//! `bench crawl`: how fast crawl2 and crawl3 crawl, against the site's own
//! server.
//!
//! It serves a generated site (`testkit::site::Site`) of about PAGES
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
//! The cases take turns, ROUNDS (default 3) times, and the median counts.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use clap::Args;
use testkit::site::Site;

use crate::procs::{self, Bins, Guard, PATIENCE};
use crate::stats::{Turns, alternate, median};

/// What `bench crawl` takes.
#[derive(Args, Debug, Clone)]
pub struct CrawlArgs {
    /// About how many URLs the generated site has
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u64).range(2..))]
    pub pages: u64,

    /// Rounds of the cases, in turns; the medians count
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    pub rounds: u32,
}

/// A run: its time and the crawler's peak RSS in KiB (0 if not measured).
type Outcome = (Duration, u64);

/// Crawls the site with each case, with pages answered at once and after
/// 50 ms, and prints a table for each.
pub fn run(bins: &Bins, args: &CrawlArgs) -> Result<(), String> {
    let rounds = args.rounds as usize;
    let crawl2 = bins.path("crawl2")?;
    let crawl3 = bins.path("crawl3")?;
    for delay in [Duration::ZERO, Duration::from_millis(50)] {
        // Each generated page is two URLs (with and without #end).
        let site = Site::generated(args.pages as usize / 2, delay, false);
        let want = site.reachable(None);
        println!(
            "\n{} URLs, each page answered after {delay:?}; median of {rounds} rounds",
            want.len()
        );
        let names = ["reference (20 threads, URLs known)", "crawl2", "crawl3"];
        let runs = alternate(rounds, names.len(), Turns::Same, |case, _| match case {
            0 => Ok((reference(&want, 20), 0)),
            1 => crawl(&crawl2, &site, &want, false),
            _ => crawl(&crawl3, &site, &want, true),
        })?;
        let mut results: Vec<(&str, Vec<Outcome>)> = names.into_iter().zip(runs).collect();
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
                format!("{rss:>6} KiB")
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
    Ok(())
}

/// Crawls `site` with the program at `exe` until it has printed every URL
/// of `want` (and, unless `kill`, exited); returns the time and peak RSS.
fn crawl(exe: &Path, site: &Site, want: &BTreeSet<String>, kill: bool) -> Result<Outcome, String> {
    let start = Instant::now();
    let mut guard = Guard(
        Command::new(exe)
            .arg(site.url("/"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|err| format!("start {}: {err}", exe.display()))?,
    );
    let pid = guard.pid();
    let peak = Arc::new(AtomicU64::new(0));
    let watching = Arc::new(AtomicBool::new(true));
    // It samples the peak, and kills a crawler still running after
    // PATIENCE, so that reading its output below ends.
    let watcher = {
        let (peak, watching) = (peak.clone(), watching.clone());
        thread::spawn(move || {
            while watching.load(Ordering::SeqCst) {
                if let Some(kib) = procs::peak_kib(pid) {
                    peak.fetch_max(kib, Ordering::SeqCst);
                }
                if start.elapsed() > PATIENCE {
                    let _ = Command::new("kill")
                        .args(["-KILL", &pid.to_string()])
                        .status();
                    return;
                }
                thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let stop_watching = || {
        watching.store(false, Ordering::SeqCst);
    };
    let stdout = BufReader::new(guard.0.stdout.take().ok_or("no stdout")?);
    let mut seen = 0;
    for line in stdout.lines() {
        let line = line.map_err(|err| format!("read a line: {err}"))?;
        if !want.contains(&line) {
            stop_watching();
            return Err(format!("{} printed {line}, not reachable", exe.display()));
        }
        seen += 1;
        if seen == want.len() {
            break;
        }
    }
    if seen != want.len() {
        stop_watching();
        return Err(format!(
            "{} stopped after {seen} of {} URLs (or took longer than {PATIENCE:?})",
            exe.display(),
            want.len()
        ));
    }
    let time = if kill {
        let time = start.elapsed();
        stop_watching();
        let _ = watcher.join();
        time
    } else {
        let status = guard.0.wait().map_err(|err| err.to_string())?;
        let time = start.elapsed();
        stop_watching();
        let _ = watcher.join();
        if !status.success() {
            return Err(format!("{} failed: {status}", exe.display()));
        }
        time
    };
    // The guard kills crawl3 here.
    Ok((time, peak.load(Ordering::SeqCst)))
}

/// Fetches every URL of `want` with `links::extract` on `threads` threads,
/// each taking the next URL from a shared list; returns the time.
pub(crate) fn reference(want: &BTreeSet<String>, threads: usize) -> Duration {
    let urls: Mutex<Vec<String>> = Mutex::new(want.iter().cloned().collect());
    let start = Instant::now();
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let next = urls.lock().unwrap_or_else(|p| p.into_inner()).pop();
                    let Some(url) = next else {
                        return;
                    };
                    let _ = links::extract(&url);
                }
            });
        }
    });
    start.elapsed()
}

/// Pages a second.
fn rate(pages: usize, time: Duration) -> f64 {
    pages as f64 / time.as_secs_f64()
}
