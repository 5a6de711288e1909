//! crawl1 against a local site: it crawls everything reachable, never
//! stops, has no bound on fetches in flight, and under a low open-file
//! limit fails as the book says, "too many open files", without crashing.

use std::collections::BTreeSet;
use std::io::Read;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use testkit::cli::go_log_message;
use testkit::site::Site;
use testkit::{Program, next_line};

const CRAWL1: &str = env!("CARGO_BIN_EXE_crawl1");

/// Reads the URLs crawl1 prints until it has printed `want` (each once),
/// then checks it is still running, never done on its own, and stops it.
fn crawl_until(mut program: Program, want: &BTreeSet<String>) {
    let lines = program.stdout_lines();
    let mut urls = BTreeSet::new();
    while urls.len() < want.len() {
        let line = String::from_utf8(next_line(&lines)).unwrap();
        let url = line.trim_end().to_string();
        assert!(want.contains(&url), "not reachable: {url}");
        assert!(urls.insert(url), "printed twice: {line}");
    }
    // Nothing more to crawl, and yet it goes on waiting: it never ends.
    thread::sleep(Duration::from_millis(500));
    assert!(lines.try_recv().is_err(), "more lines than reachable URLs");
    assert!(program.child.try_wait().unwrap().is_none(), "crawl1 ended");
}

#[test]
fn crawls_everything_reachable_once_and_never_ends() {
    let site = Site::generated(200, Duration::ZERO, false);
    let program = Program::start(CRAWL1, &[&site.url("/")]);
    crawl_until(program, &site.reachable(None));
}

#[test]
fn a_tiny_thread_budget_still_crawls_everything() {
    let site = Site::generated(100, Duration::ZERO, false);
    for max in ["1", "2"] {
        let program = Program::start(CRAWL1, &[&site.url("/"), "--max-threads", max]);
        crawl_until(program, &site.reachable(None));
    }
}

#[test]
fn its_fetches_in_flight_are_unbounded() {
    let site = Site::generated(300, Duration::from_millis(100), false);
    let program = Program::start(CRAWL1, &[&site.url("/")]);
    crawl_until(program, &site.reachable(None));
    // crawl2 and crawl3 keep this at 20 or less.
    let most = site.max_in_flight();
    assert!(most > 20, "only {most} requests at once");
}

/// The book: "too many open files". We lower both limits, since crawl1
/// raises its soft limit to the hard one at start, as Go does.
#[test]
fn under_a_low_open_file_limit_it_logs_too_many_open_files_and_goes_on() {
    let site = Site::generated(300, Duration::from_millis(100), false);
    let script = format!("ulimit -n 20 && exec {CRAWL1} {}", site.url("/"));
    let mut child = Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reader = thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    // It never ends by itself: give it time to hit the limit, then check
    // it is still alive.
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        assert!(child.try_wait().unwrap().is_none(), "crawl1 ended");
        thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let err = reader.join().unwrap();
    assert!(!err.contains("panicked"), "{err}");
    let messages: Vec<&str> = err.split_inclusive('\n').map(go_log_message).collect();
    let too_many = messages
        .iter()
        .filter(|m| m.ends_with(": socket: too many open files"))
        .count();
    assert!(too_many > 0, "{err}");
}

#[test]
fn help_and_version() {
    testkit::cli::assert_help_and_version(CRAWL1, "crawl1");
}

/// `--timeout 0s` is no limit, as Go's `Client.Timeout` of 0: the late
/// page's link is followed.
#[test]
fn a_zero_timeout_is_none() {
    let site = Site::late_chain(Duration::from_millis(300));
    let program = Program::start(CRAWL1, &[&site.url("/"), "--timeout", "0s"]);
    crawl_until(program, &site.reachable(None));
}
