//! Exercise 8.10: input on standard input cancels the crawl: the requests
//! in flight stop at once (not at their timeout), the program exits with
//! status 0, and no thread of the crawl is left when main returns.

use std::thread;
use std::time::{Duration, Instant};

use common::testing::{PATIENCE, Program, go_log_message};
use links::testing::{Link, Page, Site};

const CRAWL_CANCEL: &str = env!("CARGO_BIN_EXE_crawl_cancel");

/// `/` links to 30 pages that never answer, and to a few that do.
fn site() -> Site {
    let mut index = Vec::new();
    let mut pages = Vec::new();
    for i in 0..30 {
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
    pages.push(("/".into(), Page::Html(index)));
    Site::serve(pages, Duration::ZERO)
}

#[test]
fn input_cancels_requests_in_flight_and_it_exits_at_once_with_no_thread_left() {
    let site = site();
    let start = site.url("/");
    // Without cancellation, a hanging request would last a minute.
    let args = ["--timeout", "60s", "--report-threads", &start];
    let mut program = Program::start(CRAWL_CANCEL, &args);
    // Wait until 20 requests are in flight, all hanging (plus `/` and
    // any of the five that answer).
    let deadline = Instant::now() + PATIENCE;
    while site.requests() < 21 {
        assert!(Instant::now() < deadline, "{} requests", site.requests());
        thread::sleep(Duration::from_millis(20));
    }
    thread::sleep(Duration::from_millis(200));
    let cancelled_at = Instant::now();
    program.type_in(b"\n");
    let (status, _, err) = program.finish();
    let took = cancelled_at.elapsed();
    assert!(status.success(), "{status}: {err}");
    assert!(took < Duration::from_secs(10), "took {took:?} to stop");
    // The cancelled requests are not errors; the book's panic trick,
    // as a log line: nothing but main is left.
    let messages: Vec<&str> = err.split_inclusive('\n').map(go_log_message).collect();
    assert_eq!(messages, ["threads left besides main: 0"]);
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
