//! Exercise 8.11: fetch_mirrors prints the first response of several
//! mirrors and cancels the requests to the others, so it ends at once even
//! when the others would never answer.

use std::time::{Duration, Instant};

use testkit::cli::go_log_message;
use testkit::site::{Page, Site};
use testkit::{Program, free_addr};

const FETCH_MIRRORS: &str = env!("CARGO_BIN_EXE_fetch_mirrors");

/// A mirror serving `/doc.txt` (saying `text`) after `delay`, or never.
fn mirror(text: &str, delay: Option<Duration>) -> Site {
    let page = match delay {
        Some(_) => Page::Text(text.to_string()),
        None => Page::Hang,
    };
    Site::serve(vec![("/doc.txt".into(), page)], delay.unwrap_or_default())
}

fn fetch(mirrors: &[&Site], timeout: &str) -> (std::process::ExitStatus, String, String) {
    let urls: Vec<String> = mirrors.iter().map(|m| m.url("/doc.txt")).collect();
    let mut args: Vec<&str> = vec!["--timeout", timeout];
    args.extend(urls.iter().map(String::as_str));
    let (status, out, err) = Program::start(FETCH_MIRRORS, &args).finish();
    (status, String::from_utf8(out).unwrap(), err)
}

#[test]
fn prints_the_first_response_and_cancels_the_others() {
    let (a, b, c) = (
        mirror("from a\n", None),
        mirror("from b\n", Some(Duration::from_millis(100))),
        mirror("from c\n", None),
    );
    let start = Instant::now();
    // Uncancelled, a and c would hold the program for a minute.
    let (status, out, err) = fetch(&[&a, &b, &c], "60s");
    assert!(status.success(), "{status}: {err}");
    assert_eq!(out, "from b\n");
    assert_eq!(err, "");
    let took = start.elapsed();
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn the_quickest_wins_wherever_it_is_listed() {
    let quick = mirror("quick\n", Some(Duration::ZERO));
    let slow = mirror("slow\n", Some(Duration::from_millis(1500)));
    assert_eq!(fetch(&[&quick, &slow], "30s").1, "quick\n");
    assert_eq!(fetch(&[&slow, &quick], "30s").1, "quick\n");
}

#[test]
fn a_failing_mirror_does_not_win() {
    let empty = Site::serve(vec![], Duration::ZERO); // 404 at once
    let good = mirror("good\n", Some(Duration::from_millis(300)));
    let (status, out, err) = fetch(&[&empty, &good], "30s");
    assert!(status.success(), "{err}");
    assert_eq!(out, "good\n");
}

#[test]
fn if_every_mirror_fails_each_error_is_logged_and_the_status_is_1() {
    let empty = Site::serve(vec![], Duration::ZERO);
    let dead = free_addr();
    let dead_url = format!("http://{dead}/doc.txt");
    let args = ["--timeout", "30s", &empty.url("/doc.txt"), &dead_url];
    let (status, out, err) = Program::start(FETCH_MIRRORS, &args).finish();
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(out.is_empty());
    let mut messages: Vec<&str> = err.split_inclusive('\n').map(go_log_message).collect();
    messages.sort();
    assert_eq!(
        messages,
        [
            format!("Get \"{dead_url}\": dial tcp {dead}: connect: connection refused"),
            format!("getting {}: 404 Not Found", empty.url("/doc.txt")),
        ]
    );
}

#[test]
fn a_thread_budget_of_one_still_fetches() {
    let a = mirror("a\n", Some(Duration::ZERO));
    let b = mirror("b\n", Some(Duration::ZERO));
    let urls = [a.url("/doc.txt"), b.url("/doc.txt")];
    let args = ["--max-threads", "1", &urls[0], &urls[1]];
    let (status, out, err) = Program::start(FETCH_MIRRORS, &args).finish();
    assert!(status.success(), "{err}");
    assert!(out == b"a\n" || out == b"b\n", "{out:?}");
}

/// `--timeout 0s` is no limit, as Go's `Client.Timeout` of 0.
#[test]
fn a_zero_timeout_is_none() {
    let late = mirror("late\n", Some(Duration::from_millis(300)));
    let (status, out, err) = fetch(&[&late], "0s");
    assert!(status.success(), "{status}: {err}");
    assert_eq!(out, "late\n");
}
