//! crawl2 against a local site: it prints each reachable URL once, keeps
//! at most 20 fetches in flight, and exits 0 when done. (The tests
//! crawl2_tokio shares live in `testkit::same_job`.)

use std::collections::BTreeSet;
use std::time::Duration;

use testkit::site::{Link, Page, Site};
use testkit::{Program, same_job};

const CRAWL2: &str = env!("CARGO_BIN_EXE_crawl2");

/// Runs crawl2 from the site's `/` to the end: `same_job::crawl`.
fn crawl(site: &Site, args: &[&str]) -> (BTreeSet<String>, Vec<String>) {
    same_job::crawl(CRAWL2, site, args)
}

#[test]
fn prints_each_reachable_url_once_and_exits_0() {
    same_job::crawl2_prints_each_reachable_url_once_and_exits_0(CRAWL2);
}

#[test]
fn never_more_than_20_fetches_in_flight() {
    same_job::crawl2_never_more_than_20_fetches_in_flight(CRAWL2);
}

#[test]
fn a_page_that_never_answers_times_out_and_the_crawl_ends() {
    same_job::crawl2_a_page_that_never_answers_times_out(CRAWL2);
}

#[test]
fn a_tiny_thread_budget_still_crawls_everything() {
    let site = Site::generated(100, Duration::ZERO, false);
    for max in ["1", "2"] {
        let (urls, _) = crawl(&site, &["--max-threads", max]);
        assert_eq!(urls, site.reachable(None), "--max-threads {max}");
    }
}

/// The site of the Go transcripts: Go's crawl2 prints these ten URLs.
#[test]
fn the_go_transcript_site() {
    let html = |hrefs: &[&str]| {
        let links = hrefs.iter().map(|href| Link {
            href: href.to_string(),
            target: None,
        });
        Page::Html(links.collect())
    };
    let index = html(&["a.html", "/b.html", "missing.html", "#top", "mailto:x@y.z"]);
    let site = Site::serve(
        vec![
            ("/".into(), index.clone()),
            ("/index.html".into(), index),
            (
                "/a.html".into(),
                html(&["index.html", "b.html?x=1&amp;y=2"]),
            ),
            ("/b.html".into(), html(&[" c.txt "])),
            ("/c.txt".into(), Page::Text("c\n".into())),
        ],
        Duration::ZERO,
    );
    let (urls, mut messages) = crawl(&site, &[]);
    let want: BTreeSet<String> = [
        "/",
        "/a.html",
        "/b.html",
        "/missing.html",
        "/#top",
        "/b.html?x=1&y=2",
        "/index.html",
        "/%20c.txt%20",
        "/index.html#top",
    ]
    .iter()
    .map(|path| site.url(path))
    .chain(["mailto:x@y.z".to_string()])
    .collect();
    assert_eq!(urls, want);
    messages.sort();
    assert_eq!(
        messages,
        [
            r#"Get "mailto:x@y.z": unsupported protocol scheme "mailto""#.to_string(),
            format!("getting {}: 404 Not Found", site.url("/%20c.txt%20")),
            format!("getting {}: 404 Not Found", site.url("/missing.html")),
        ]
    );
}

/// A page of one link per href, each written as it is.
fn hrefs(hrefs: &[&str]) -> Page {
    let links = hrefs.iter().map(|href| Link {
        href: href.to_string(),
        target: None,
    });
    Page::Html(links.collect())
}

/// What Go's crawl2 printed and logged on the same site: a Latin-1 href
/// fetched as `/caf%E9.html`; `http://HOST:PORT` and its `#top` apart from
/// `/`; port 99999 printed, then refused; Go's escaping; Go's errors.
#[test]
fn the_urls_and_errors_of_go() {
    let latin1 = b"<a href=\"caf\xe9.html\">caf\xe9</a>".to_vec();
    let index = hrefs(&[
        "latin1.html",
        "{base}",
        "{base}#top",
        "http://127.0.0.1:99999/",
        "back\\slash",
        "pipe|x",
        "?q=a b",
        "loop.html",
        "trunc.html",
    ]);
    let site = Site::serve(
        vec![
            ("/".into(), index),
            ("/latin1.html".into(), Page::Bytes(latin1)),
            ("/caf%E9.html".into(), hrefs(&[])),
            ("/back%5Cslash".into(), hrefs(&[])),
            ("/pipe%7Cx".into(), hrefs(&[])),
            ("/loop.html".into(), Page::Redirect("/loop.html".into())),
            ("/trunc.html".into(), Page::Truncated("<a href=x>".into())),
        ],
        Duration::ZERO,
    );
    let (urls, mut messages) = crawl(&site, &[]);
    let base = site.url("");
    let want: BTreeSet<String> = [
        "{base}/",
        "{base}/latin1.html",
        "{base}/caf%E9.html",
        "{base}",
        "{base}#top",
        "http://127.0.0.1:99999/",
        "{base}/back%5Cslash",
        "{base}/pipe%7Cx",
        "{base}/?q=a b",
        "{base}?q=a b", // from the page at {base}, as Go resolves it
        "{base}/loop.html",
        "{base}/trunc.html",
    ]
    .iter()
    .map(|url| url.replace("{base}", &base))
    .collect();
    assert_eq!(urls, want);
    messages.sort();
    assert_eq!(
        messages,
        [
            r#"Get "/loop.html": stopped after 10 redirects"#.to_string(),
            r#"Get "http://127.0.0.1:99999/": dial tcp: address 99999: invalid port"#.into(),
            format!("parsing {base}/trunc.html as HTML: unexpected EOF"),
        ]
    );
}

#[test]
fn not_a_url_is_gos_unsupported_protocol_scheme() {
    same_job::crawl2_not_a_url_is_gos_unsupported_protocol_scheme(CRAWL2);
}

#[test]
fn a_refused_connection_in_gos_words() {
    same_job::crawl2_a_refused_connection_in_gos_words(CRAWL2);
}

/// `--timeout 0s` is no limit, as Go's `Client.Timeout` of 0.
#[test]
fn a_zero_timeout_is_none() {
    let site = Site::late_chain(Duration::from_millis(300));
    let (urls, messages) = crawl(&site, &["--timeout", "0s"]);
    assert_eq!(urls, site.reachable(None));
    assert!(urls.contains(&site.url("/end.html")));
    assert_eq!(messages, Vec::<String>::new());
}

/// No value a user can type aborts or hangs it: out of range is a usage error.
#[test]
fn flags_out_of_range_are_usage_errors() {
    let (_refusing, addr) = testkit::refusing_addr();
    let url = format!("http://{addr}/");
    for bad in [
        ["--concurrency", "0"],
        ["--concurrency", "1001"],
        ["--timeout", "1x"],
        ["--timeout", "2y"],
    ] {
        let (status, out, err) = Program::start(CRAWL2, &[bad[0], bad[1], &url]).finish();
        assert_eq!(status.code(), Some(2), "{bad:?}: {err}");
        assert!(out.is_empty(), "{bad:?}");
        assert!(
            err.contains("invalid value") && !err.contains("panicked"),
            "{err}"
        );
    }
}

#[test]
fn help_and_version() {
    testkit::cli::assert_help_and_version(CRAWL2, "crawl2");
}
