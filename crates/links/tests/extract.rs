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

/// The site of the Go transcripts: Go's `net/url` keeps the spaces of
/// `" c.txt "`, escaped, where the WHATWG standard would strip them.
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
    // As Go: /%20c.txt%20.
    let got = links::extract(&site.url("/b.html")).unwrap();
    assert_eq!(got, [site.url("/%20c.txt%20")]);
}

/// A page of one link per href, each written as it is.
fn hrefs(hrefs: &[&str]) -> Page {
    let links = hrefs.iter().map(|href| Link {
        href: href.to_string(),
        target: None,
    });
    Page::Html(links.collect())
}

/// Every href below, and what Go's crawl2 printed for it on the same page
/// (`{base}` is `http://127.0.0.1:PORT`), in document order; the last
/// four Go refuses, and so do we.
#[test]
fn urls_as_gos_net_url_resolves_and_writes_them() {
    let cases = [
        ("back\\slash", "{base}/back%5Cslash"),
        ("pipe|x", "{base}/pipe%7Cx"),
        ("?q=a b", "{base}/w.html?q=a b"),
        (" c.txt ", "{base}/%20c.txt%20"),
        ("a{b}c^d`e.html", "{base}/a%7Bb%7Dc%5Ed%60e.html"),
        ("#fr ag|x", "{base}/w.html#fr%20ag%7Cx"),
        ("{base}", "{base}"),
        ("{base}#top", "{base}#top"),
        ("http://127.0.0.1:99999/", "http://127.0.0.1:99999/"),
        (
            "http://127.0.0.1:0080/zero.html",
            "http://127.0.0.1:0080/zero.html",
        ),
        ("//host.invalid:80/p", "http://host.invalid:80/p"),
        ("/a/./b/../c.html", "{base}/a/c.html"),
        ("q.html?a=%41&amp;b=\u{e9}", "{base}/q.html?a=%41&b=\u{e9}"),
        ("na&iuml;ve.html", "{base}/na%C3%AFve.html"),
    ];
    let refused = ["%zz.html", "x&#9;y.html", "http://[::1", "http://a b/"];
    let all: Vec<&str> = cases.iter().map(|c| c.0).chain(refused).collect();
    let site = Site::serve(vec![("/w.html".into(), hrefs(&all))], Duration::ZERO);
    let got = links::extract(&site.url("/w.html")).unwrap();
    let want: Vec<String> = cases
        .iter()
        .map(|c| c.1.replace("{base}", &site.url("")))
        .collect();
    assert_eq!(got, want);
}

/// A Latin-1 page: the byte \xe9 is kept, and written %E9 as Go does; a
/// UTF-8 é, or the entity &eacute;, is %C3%A9.
#[test]
fn non_utf8_bytes_are_kept_and_escaped_as_in_go() {
    let page = b"<a href=\"caf\xe9.html\">caf\xe9</a><a href=\"caf\xc3\xa9.html\">x</a>\
                 <a href=\"caf&eacute;.html\">x</a><a href=\"#fr\xe9\">x</a>";
    let site = Site::serve(
        vec![("/latin1.html".into(), Page::Bytes(page.to_vec()))],
        Duration::ZERO,
    );
    let got = links::extract(&site.url("/latin1.html")).unwrap();
    let want = [
        "/caf%E9.html",
        "/caf%C3%A9.html",
        "/caf%C3%A9.html",
        "/latin1.html#fr%E9",
    ];
    assert_eq!(got, want.map(|p| site.url(p)));
}

/// Each error as Go's crawl2 logged it against the same pages (a slow body
/// as Go's client words a Client.Timeout while reading one).
#[test]
fn errors_in_gos_words() {
    let site = Site::serve(
        vec![
            ("/loop.html".into(), Page::Redirect("/loop.html".into())),
            ("/trunc.html".into(), Page::Truncated("<a href=x>".into())),
            ("/stall.html".into(), Page::Stalled("<a href=x>".into())),
        ],
        Duration::ZERO,
    );
    let agent = links::agent(Duration::from_millis(800));
    let err = |url: &str| links::extract_with(&agent, url).unwrap_err().to_string();
    assert_eq!(
        err(&site.url("/loop.html")),
        r#"Get "/loop.html": stopped after 10 redirects"#
    );
    assert_eq!(site.requests(), 10, "Go makes 10 requests");
    let url = site.url("/trunc.html");
    assert_eq!(err(&url), format!("parsing {url} as HTML: unexpected EOF"));
    let url = site.url("/stall.html");
    assert_eq!(
        err(&url),
        format!(
            "parsing {url} as HTML: context deadline exceeded \
             (Client.Timeout or context cancellation while reading body)"
        )
    );
    assert_eq!(
        err("notaurl"),
        r#"Get "notaurl": unsupported protocol scheme """#
    );
    assert_eq!(
        err("http://[::1"),
        r#"parse "http://[::1": missing ']' in host"#
    );
    let url = site.url("/x").replace("http:", "https:");
    assert_eq!(
        err(&url),
        format!("Get \"{url}\": http: server gave HTTP response to HTTPS client")
    );
    assert_eq!(
        err("http://127.0.0.1:99999/"),
        r#"Get "http://127.0.0.1:99999/": dial tcp: address 99999: invalid port"#
    );
}

/// A timeout of zero is none, as Go's `Client.Timeout` of 0.
#[test]
fn a_zero_timeout_is_none() {
    let page = Page::Late(Duration::from_millis(300), vec![]);
    let site = Site::serve(vec![("/late.html".into(), page)], Duration::ZERO);
    let agent = links::agent(Duration::ZERO);
    assert_eq!(
        links::extract_with(&agent, &site.url("/late.html")),
        Ok(vec![])
    );
}

/// [`links::links`]: the links of a page already fetched.
#[test]
fn links_of_a_body() {
    let got = links::links("http://h/d/p.html", b"<a href=\"q.html#x\">");
    assert_eq!(got, ["http://h/d/q.html#x"]);
}
