//! `links::extract` against a local site: what Go's `links.Extract` returns
//! and the errors it words.

use std::time::{Duration, Instant};

use testkit::site::{Link, Page, Site};

fn site() -> Site {
    Site::generated(20, Duration::ZERO, true)
}

#[test]
fn every_href_of_every_a_resolved_duplicates_and_fragments_kept() {
    let site = site();
    let got = links::extract(&site.url("/")).unwrap();
    // In document order; the unparsable "http://[::1" is skipped.
    let want = [
        "/page/0.html",
        "/#top",
        "/page/0.html",
        "/missing.html",
        "/redirect.html",
        "/notes.txt",
    ]
    .iter()
    .map(|path| site.url(path))
    .chain(["mailto:x@y.z".to_string(), site.url("/hang.html")])
    .collect::<Vec<_>>();
    assert_eq!(got, want);
}

#[test]
fn relative_root_relative_and_absolute_links() {
    let site = site();
    let got = links::extract(&site.url("/page/1.html")).unwrap();
    let want: Vec<String> = [
        "/page/1.html#end",
        "/",
        "/page/5.html",
        "/page/6.html",
        "/page/7.html",
        "/page/8.html",
    ]
    .iter()
    .map(|path| site.url(path))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn links_resolve_against_the_url_after_redirects() {
    let site = site();
    let got = links::extract(&site.url("/redirect.html")).unwrap();
    assert_eq!(got, [site.url("/deep/next.html")]);
}

#[test]
fn a_status_other_than_200_is_an_error_in_gos_words() {
    let site = site();
    let url = site.url("/missing.html");
    let err = links::extract(&url).unwrap_err();
    assert_eq!(err.to_string(), format!("getting {url}: 404 Not Found"));
}

#[test]
fn a_text_file_parses_as_html_without_links() {
    let site = site();
    assert_eq!(
        links::extract(&site.url("/notes.txt")).unwrap(),
        Vec::<String>::new()
    );
}

#[test]
fn other_schemes_and_dead_servers_fail_as_in_go() {
    let err = links::extract("mailto:x@y.z").unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"Get "mailto:x@y.z": unsupported protocol scheme "mailto""#
    );
    let addr = testkit::free_addr();
    let url = format!("http://{addr}/");
    let err = links::extract(&url).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("Get \"{url}\": dial tcp {addr}: connect: connection refused")
    );
}

#[test]
fn a_page_that_never_answers_times_out() {
    let site = site();
    let agent = links::agent(Duration::from_millis(500));
    let start = Instant::now();
    let url = site.url("/hang.html");
    let err = links::extract_with(&agent, &url).unwrap_err();
    assert!(start.elapsed() < testkit::PATIENCE);
    assert_eq!(
        err.to_string(),
        format!(
            "Get \"{url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
        )
    );
}

#[test]
fn shutting_the_agent_down_cancels_a_request_in_flight() {
    let site = site();
    let agent = links::agent(testkit::PATIENCE * 2);
    let url = site.url("/hang.html");
    let request = {
        let agent = agent.clone();
        std::thread::spawn(move || links::extract_with(&agent, &url))
    };
    std::thread::sleep(Duration::from_millis(300));
    let start = Instant::now();
    agent.shutdown();
    assert!(request.join().unwrap().is_err());
    assert!(start.elapsed() < Duration::from_secs(5));
}

/// The site of the Go transcripts: where the `url` crate (WHATWG) and Go's
/// `net/url` differ, on `" c.txt "`.
#[test]
fn the_go_transcript_site() {
    let html = |hrefs: &[&str]| {
        Page::Html(
            hrefs
                .iter()
                .map(|href| Link {
                    href: href.to_string(),
                    target: None,
                })
                .collect(),
        )
    };
    let site = Site::serve(
        vec![
            (
                "/".into(),
                html(&["a.html", "/b.html", "missing.html", "#top", "mailto:x@y.z"]),
            ),
            ("/b.html".into(), html(&[" c.txt "])),
            (
                "/a.html".into(),
                html(&["index.html", "b.html?x=1&amp;y=2"]),
            ),
        ],
        Duration::ZERO,
    );
    let got = links::extract(&site.url("/")).unwrap();
    let want: Vec<String> = ["/a.html", "/b.html", "/missing.html", "/#top"]
        .iter()
        .map(|p| site.url(p))
        .chain(["mailto:x@y.z".into()])
        .collect();
    assert_eq!(got, want);
    // Go: b.html?x=1&y=2 as well, the entity decoded.
    let got = links::extract(&site.url("/a.html")).unwrap();
    assert_eq!(got, [site.url("/index.html"), site.url("/b.html?x=1&y=2")]);
    // Go: /%20c.txt%20; the WHATWG parser strips the spaces.
    let got = links::extract(&site.url("/b.html")).unwrap();
    assert_eq!(got, [site.url("/c.txt")]);
}
