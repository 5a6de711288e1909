//! Exercise 8.6: with `--depth N`, crawl_depth fetches exactly the URLs
//! reachable by at most N links from the start, each printed once.

use std::collections::BTreeSet;
use std::time::Duration;

use testkit::Program;
use testkit::site::{Link, Page, Site};

const CRAWL_DEPTH: &str = env!("CARGO_BIN_EXE_crawl_depth");

/// Runs crawl_depth to the end; returns what it printed, each URL once.
fn crawl(site: &Site, depth: usize) -> BTreeSet<String> {
    crawl_with(site, depth, &[])
}

fn crawl_with(site: &Site, depth: usize, more: &[&str]) -> BTreeSet<String> {
    let depth = depth.to_string();
    let start = site.url("/");
    let mut args = vec!["--depth", &depth, &start];
    args.extend_from_slice(more);
    let (status, out, err) = Program::start(CRAWL_DEPTH, &args).finish();
    assert!(status.success(), "{status}: {err}");
    let mut urls = BTreeSet::new();
    for line in String::from_utf8(out).unwrap().lines() {
        assert!(urls.insert(line.to_string()), "printed twice: {line}");
    }
    urls
}

#[test]
fn fetches_exactly_what_is_within_n_links() {
    let site = Site::generated(200, Duration::ZERO, false);
    assert_eq!(crawl(&site, 0), BTreeSet::from([site.url("/")]));
    for depth in 1..=4 {
        let want = site.reachable(Some(depth));
        assert_eq!(crawl(&site, depth), want, "--depth {depth}");
        assert!(want.len() < site.reachable(None).len());
    }
}

#[test]
fn a_tiny_thread_budget_still_crawls_everything_within_reach() {
    let site = Site::generated(100, Duration::ZERO, false);
    for max in ["1", "2"] {
        let got = crawl_with(&site, 3, &["--max-threads", max]);
        assert_eq!(got, site.reachable(Some(3)), "--max-threads {max}");
    }
}

/// x.html is three links away by a fast path and two by a slow one: the
/// fast path reaches it first, yet its link to y.html is within three.
#[test]
fn a_shorter_path_found_later_still_counts() {
    let html = |hrefs: &[&str]| {
        let links = hrefs.iter().map(|href| Link {
            href: href.to_string(),
            target: Some(format!("/{href}")),
        });
        links.collect::<Vec<_>>()
    };
    let site = Site::serve(
        vec![
            ("/".into(), Page::Html(html(&["a.html", "late.html"]))),
            ("/a.html".into(), Page::Html(html(&["b.html"]))),
            ("/b.html".into(), Page::Html(html(&["x.html"]))),
            (
                "/late.html".into(),
                Page::Late(Duration::from_millis(800), html(&["x.html"])),
            ),
            ("/x.html".into(), Page::Html(html(&["y.html"]))),
            ("/y.html".into(), Page::Html(html(&["z.html"]))),
            ("/z.html".into(), Page::Html(vec![])),
        ],
        Duration::ZERO,
    );
    let want = site.reachable(Some(3));
    assert!(want.contains(&site.url("/y.html")));
    assert!(!want.contains(&site.url("/z.html")));
    assert_eq!(crawl(&site, 3), want);
}

/// No depth a user can type makes it run away: past 1000 is a usage error.
#[test]
fn a_depth_out_of_range_is_a_usage_error() {
    let (_refusing, addr) = testkit::refusing_addr();
    let url = format!("http://{addr}/");
    for bad in ["1001", "-1", "99999999999999999999"] {
        let (status, out, err) = Program::start(CRAWL_DEPTH, &["--depth", bad, &url]).finish();
        assert_eq!(status.code(), Some(2), "--depth {bad}: {err}");
        assert!(out.is_empty() && !err.contains("panicked"), "{err}");
    }
}

#[test]
fn help_and_version() {
    let (status, out, _) = Program::start(CRAWL_DEPTH, &["--help"]).finish();
    assert!(status.success());
    let help = String::from_utf8(out).unwrap();
    assert!(help.contains("8.6") && help.contains("--depth"), "{help}");
}

/// `--timeout 0s` is no limit, as Go's `Client.Timeout` of 0: the late
/// page's link is followed.
#[test]
fn a_zero_timeout_is_none() {
    let site = Site::late_chain(Duration::from_millis(300));
    let urls = crawl_with(&site, 3, &["--timeout", "0s"]);
    assert_eq!(urls, site.reachable(None));
    assert!(urls.contains(&site.url("/end.html")));
}
