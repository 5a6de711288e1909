//! Exercise 8.10: input on standard input cancels the crawl: the requests
//! in flight stop at once (not at their timeout), the program exits with
//! status 0, and no thread of the crawl is left when main returns (counted
//! from outside, in `/proc`).

use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use testkit::site::{Link, Page, Site};
use testkit::{PATIENCE, Program, threads_of};

const CRAWL_CANCEL: &str = env!("CARGO_BIN_EXE_crawl_cancel");

/// `/` links to `hanging` pages that never answer, to a few that do, and
/// to `more` URLs elsewhere.
fn site_with(hanging: usize, more: &[String]) -> Site {
    let mut index = Vec::new();
    let mut pages = Vec::new();
    for i in 0..hanging {
        let path = format!("/hang/{i}.html");
        index.push(Link {
            href: path.clone(),
            target: Some(path.clone()),
        });
        pages.push((path, Page::Hang));
    }
    for i in 0..5 {
        let path = format!("/page/{i}.html");
        index.push(Link {
            href: path.clone(),
            target: Some(path.clone()),
        });
        pages.push((path, Page::Html(vec![])));
    }
    for url in more {
        index.push(Link {
            href: url.clone(),
            target: Some(url.clone()),
        });
    }
    pages.push(("/".into(), Page::Html(index)));
    Site::serve(pages, Duration::ZERO)
}

/// `/` links to 30 pages that never answer, and to a few that do.
fn site() -> Site {
    site_with(30, &[])
}

/// Waits, up to [`PATIENCE`], until `done` holds.
fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn input_cancels_requests_in_flight_and_it_exits_at_once() {
    let site = site();
    let start = site.url("/");
    // Without cancellation, a hanging request would last a minute.
    let mut program = Program::start(CRAWL_CANCEL, &["--timeout", "60s", &start]);
    // Wait until 20 requests are in flight, all hanging (plus `/` and
    // any of the five that answer).
    wait_until("21 requests", || site.requests() >= 21);
    thread::sleep(Duration::from_millis(200));
    let cancelled_at = Instant::now();
    program.type_in(b"\n");
    let (status, _, err) = program.finish();
    let took = cancelled_at.elapsed();
    assert!(status.success(), "{status}: {err}");
    assert!(took < Duration::from_secs(10), "took {took:?} to stop");
    assert_eq!(err, "", "the cancelled requests are no errors");
}

/// The book's check that cancellation leaves no goroutine but main, made
/// from outside: a connect in progress is the one thing a cancel cannot
/// cut short (it ends at `--timeout`), so main must wait for that crawl,
/// and meanwhile every other thread of the crawl is gone.
#[test]
fn after_cancel_main_waits_for_every_crawl_and_no_other_thread_is_left() {
    // A port whose accept queue is full: a connect to it waits out its timeout.
    let (hole, hole_addr) = testkit::refusing_addr();
    hole.listen(0).unwrap();
    let hole_addr_parsed = hole_addr.parse().unwrap();
    let mut queued = Vec::new();
    while let Ok(conn) = TcpStream::connect_timeout(&hole_addr_parsed, Duration::from_secs(1)) {
        queued.push(conn);
        assert!(queued.len() < 100, "the accept queue never fills");
    }
    let site = site_with(5, &[format!("http://{hole_addr}/")]);
    let start = site.url("/");
    let mut program = Program::start(CRAWL_CANCEL, &["--timeout", "15s", &start]);
    let pid = program.child.id();
    wait_until("the five hanging requests and the connect", || {
        site.requests() >= 6 && connecting_to(&hole_addr)
    });
    let before = threads_of(pid);
    assert!(
        before >= 8,
        "{before} threads: main, the stdin reader, a crawl per link"
    );
    program.type_in(b"\n");
    // main, and the crawl still connecting; not the stdin reader, not the
    // crawls whose requests were cancelled.
    wait_until("the cancelled crawls end", || threads_of(pid) <= 2);
    assert!(
        program.child.try_wait().unwrap().is_none(),
        "it exited first: main did not wait for the crawl still connecting, \
         or the cancelled crawls had not ended before"
    );
    let (status, _, err) = program.finish();
    assert!(status.success(), "{status}: {err}");
    assert_eq!(err, "", "the cancelled requests are no errors");
}

/// Whether a socket of this machine is connecting to `addr`
/// (`127.0.0.1:PORT`), its SYN unanswered: `SYN_SENT` in /proc/net/tcp.
fn connecting_to(addr: &str) -> bool {
    let port: u16 = addr.rsplit(':').next().unwrap().parse().unwrap();
    let remote = format!("0100007F:{port:04X}");
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    table.lines().skip(1).any(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        fields.get(2) == Some(&remote.as_str()) && fields.get(3) == Some(&"02")
    })
}

#[test]
fn standard_input_at_end_of_file_cancels_at_once() {
    let site = site();
    let start = site.url("/");
    let mut program = Program::start(CRAWL_CANCEL, &["--timeout", "60s", &start]);
    program.end_input();
    let (status, out, err) = program.finish();
    assert!(status.success(), "{status}: {err}");
    assert!(out.len() < 2000, "{}", String::from_utf8_lossy(&out));
}

#[test]
fn without_input_it_crawls_to_the_end_even_on_a_tiny_thread_budget() {
    let site = Site::generated(50, Duration::ZERO, false);
    let start = site.url("/");
    for max in [None, Some("1"), Some("2")] {
        let mut args = vec![start.as_str()];
        if let Some(max) = max {
            args.extend(["--max-threads", max]);
        }
        let (status, out, err) = Program::start(CRAWL_CANCEL, &args).finish();
        assert!(status.success(), "{status}: {err}");
        let out = String::from_utf8(out).unwrap();
        let printed: std::collections::BTreeSet<String> = out.lines().map(String::from).collect();
        assert_eq!(printed.len(), out.lines().count(), "a URL printed twice");
        assert_eq!(printed, site.reachable(None), "--max-threads {max:?}");
    }
}

/// `--timeout 0s` is no limit, as Go's `Client.Timeout` of 0: the late
/// page's link is followed.
#[test]
fn a_zero_timeout_is_none() {
    let site = Site::late_chain(Duration::from_millis(300));
    let start = site.url("/");
    let (status, out, err) = Program::start(CRAWL_CANCEL, &["--timeout", "0s", &start]).finish();
    assert!(status.success(), "{status}: {err}");
    assert_eq!(err, "");
    let printed: std::collections::BTreeSet<String> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(printed, site.reachable(None));
}
