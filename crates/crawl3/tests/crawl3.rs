//! crawl3 against a local site: its 20 crawlers reach what crawl2 reaches
//! (`Site::reachable`, which crawl2's tests hold it to), each URL once,
//! never more than 20 fetches at once, and it never ends.

use std::collections::BTreeSet;
use std::thread;
use std::time::Duration;

use std::io::Read;

use testkit::site::Site;
use testkit::{PATIENCE, Program};

const CRAWL3: &str = env!("CARGO_BIN_EXE_crawl3");

/// Reads the URLs crawl3 prints until it has printed `want` (each once),
/// then checks it is still running, never done on its own, and stops it.
fn crawl_until(mut program: Program, want: &BTreeSet<String>) {
    let lines = program.stdout_lines();
    let mut urls = BTreeSet::new();
    while urls.len() < want.len() {
        let Ok(line) = lines.recv_timeout(PATIENCE) else {
            let missing: Vec<_> = want.difference(&urls).collect();
            let _ = program.child.kill();
            let mut err = String::new();
            let _ = program
                .child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err);
            panic!(
                "{} URLs not printed, such as {:?}; stderr: {err}",
                missing.len(),
                &missing[..missing.len().min(5)]
            );
        };
        let line = String::from_utf8(line).unwrap();
        let url = line.trim_end().to_string();
        assert!(want.contains(&url), "not reachable: {url}");
        assert!(urls.insert(url), "printed twice: {line}");
    }
    // Nothing more to crawl, and yet it goes on waiting: it never ends.
    thread::sleep(Duration::from_millis(500));
    assert!(lines.try_recv().is_err(), "more lines than reachable URLs");
    assert!(program.child.try_wait().unwrap().is_none(), "crawl3 ended");
}

#[test]
fn reaches_what_crawl2_reaches_once_and_never_ends() {
    let site = Site::generated(300, Duration::ZERO, true);
    // Long enough for any page on a busy machine; only /hang.html waits it out.
    let program = Program::start(CRAWL3, &[&site.url("/"), "--timeout", "5s"]);
    crawl_until(program, &site.reachable(None));
}

#[test]
fn never_more_than_20_fetches_in_flight() {
    let site = Site::generated(300, Duration::from_millis(20), false);
    let program = Program::start(CRAWL3, &[&site.url("/")]);
    crawl_until(program, &site.reachable(None));
    let most = site.max_in_flight();
    assert!((2..=20).contains(&most), "{most} requests at once");

    let site = Site::generated(100, Duration::from_millis(20), false);
    let program = Program::start(CRAWL3, &[&site.url("/"), "--concurrency", "3"]);
    crawl_until(program, &site.reachable(None));
    let most = site.max_in_flight();
    assert!((2..=3).contains(&most), "{most} requests at once");
}

#[test]
fn a_tiny_thread_budget_still_crawls_everything() {
    let site = Site::generated(100, Duration::ZERO, false);
    for max in ["1", "2"] {
        let program = Program::start(CRAWL3, &[&site.url("/"), "--max-threads", max]);
        crawl_until(program, &site.reachable(None));
    }
}

#[test]
fn help_and_version() {
    testkit::cli::assert_help_and_version(CRAWL3, "crawl3");
}

/// `--timeout 0s` is no limit, as Go's `Client.Timeout` of 0: the late
/// page's link is followed.
#[test]
fn a_zero_timeout_is_none() {
    let site = Site::late_chain(Duration::from_millis(300));
    let program = Program::start(CRAWL3, &[&site.url("/"), "--timeout", "0s"]);
    crawl_until(program, &site.reachable(None));
}
