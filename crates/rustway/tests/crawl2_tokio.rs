//! crawl2_tokio: crawl2's own behaviour tests, and what threads could not
//! do: 1,000 fetches in flight at once, each a task, in a few threads.

use std::time::Duration;

use testkit::site::Site;
use testkit::{Program, same_job};

const EXE: &str = env!("CARGO_BIN_EXE_crawl2_tokio");

#[test]
fn prints_each_reachable_url_once_and_exits_0() {
    same_job::crawl2_prints_each_reachable_url_once_and_exits_0(EXE);
}

#[test]
fn never_more_than_20_fetches_in_flight() {
    same_job::crawl2_never_more_than_20_fetches_in_flight(EXE);
}

#[test]
fn a_page_that_never_answers_times_out_and_the_crawl_ends() {
    same_job::crawl2_a_page_that_never_answers_times_out(EXE);
}

#[test]
fn not_a_url_is_gos_unsupported_protocol_scheme() {
    same_job::crawl2_not_a_url_is_gos_unsupported_protocol_scheme(EXE);
}

#[test]
fn a_refused_connection_in_gos_words() {
    same_job::crawl2_a_refused_connection_in_gos_words(EXE);
}

#[test]
fn help_and_version() {
    testkit::cli::assert_help_and_version_of(EXE, "crawl2", "crawl2_tokio");
}

#[test]
fn a_thousand_slow_fetches_at_once_in_a_few_threads() {
    // 300 pages of 200 ms, --concurrency 1000: every fetch that can be in
    // flight is, and the server sees hundreds at once; threads stay few.
    let site = Site::generated(300, Duration::from_millis(200), false);
    let start = site.url("/");
    let mut program = Program::start(EXE, &[&start, "--concurrency", "1000"]);
    let pid = program.child.id();
    let mut most_threads = 0;
    while program.child.try_wait().unwrap().is_none() {
        most_threads = most_threads.max(testkit::threads_of(pid));
        std::thread::sleep(Duration::from_millis(20));
    }
    let (status, out, err) = program.finish();
    assert!(status.success(), "{err}");
    let printed = String::from_utf8(out).unwrap().lines().count();
    assert_eq!(printed, site.reachable(None).len());
    let most = site.max_in_flight();
    assert!(most > 100, "only {most} requests at once");
    assert!(most_threads <= 8, "{most_threads} threads");
}
