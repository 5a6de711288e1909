//! A web site on a loopback port for the tests and benchmarks of `links`
//! and the crawlers (crawl1 to crawl3, exercises 8.6, 8.10 and 8.11).
//!
//! [`Site::generated`] makes a site of any size with cycles, fragments,
//! relative, root-relative and absolute links, a 404, a redirect, a plain
//! text file, an unparsable href, a `mailto:` link and, if asked, a page
//! that never answers. [`Page`] has more for [`Site::serve`]: a page of raw
//! bytes (Latin-1), a truncated or stalled body, and a TLS hello gets a
//! plain HTTP answer. [`Site::reachable`] says in advance which URLs a
//! crawl from `/` prints, from the site's own description of its links: no
//! HTML parser or crawler is involved. The server counts the requests it
//! is answering at once, so a test sees a crawler's concurrency from the
//! outside.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use crate::http::{HttpServer, Then, response};

/// One link of a page: what its `href` says, and the absolute URL a
/// browser (and Go's `resp.Request.URL.Parse`) makes of it, as a path on
/// the site such as `/page/3.html#end`, or a whole URL such as
/// `mailto:x@y.z`; `None` for an href that is no URL at all.
#[derive(Debug, Clone)]
pub struct Link {
    /// The attribute as written; `{base}` stands for `http://127.0.0.1:PORT`.
    pub href: String,
    /// What it resolves to.
    pub target: Option<String>,
}

fn link(href: &str, target: &str) -> Link {
    Link {
        href: href.to_string(),
        target: Some(target.to_string()),
    }
}

/// What the server sends for a path. Paths not in the site get a 404.
#[derive(Debug, Clone)]
pub enum Page {
    /// An HTML page with these links (in `<a href>` elements).
    Html(Vec<Link>),
    /// The same, answered this much later than the others.
    Late(Duration, Vec<Link>),
    /// A `text/plain` file.
    Text(String),
    /// A `302 Found` to this path.
    Redirect(String),
    /// No answer at all, until the site is dropped.
    Hang,
    /// An HTML page of these bytes as they are, in any encoding.
    Bytes(Vec<u8>),
    /// Headers that promise a longer body than the server sends, this
    /// much of it, before it closes the connection.
    Truncated(String),
    /// The headers and this much of the body, then nothing more until the
    /// site is dropped.
    Stalled(String),
}

/// A site served on a free loopback port until dropped.
#[derive(Debug)]
pub struct Site {
    pages: Arc<HashMap<String, Page>>,
    server: HttpServer,
}

impl Site {
    /// Serves `pages` (path → page), each answer after `delay`.
    pub fn serve(pages: Vec<(String, Page)>, delay: Duration) -> Site {
        let pages: Arc<HashMap<_, _>> = Arc::new(pages.into_iter().collect());
        let server = HttpServer::serve("127.0.0.1", |base| {
            let (pages, base) = (pages.clone(), base.to_string());
            move |target: &str| {
                thread::sleep(delay);
                let path = target.split('?').next().unwrap_or("/");
                answer(pages.get(path), &base)
            }
        });
        Site { pages, server }
    }

    /// A generated site of `n` pages (`/page/0.html` to `/page/{n-1}.html`),
    /// each answered after `delay`, plus the odd pages listed in the module
    /// doc; `/hang.html`, linked from `/`, never answers if `hang` is set.
    ///
    /// Page `i` links to pages `4i+1` to `4i+4` (a tree, relative, root-
    /// relative and absolute in turn), to itself with a fragment (`#end`),
    /// and back to `/` (a cycle).
    pub fn generated(n: usize, delay: Duration, hang: bool) -> Site {
        let mut index = vec![
            link("page/0.html", "/page/0.html"),
            link("#top", "/#top"),
            link("/page/0.html", "/page/0.html"),
            link("missing.html", "/missing.html"),
            link("redirect.html", "/redirect.html"),
            link("notes.txt", "/notes.txt"),
            link("mailto:x@y.z", "mailto:x@y.z"),
            Link {
                href: "http://[::1".into(),
                target: None,
            },
        ];
        if hang {
            index.push(link("hang.html", "/hang.html"));
        }
        let mut pages = vec![
            ("/".to_string(), Page::Html(index)),
            (
                "/redirect.html".into(),
                Page::Redirect("/deep/landing.html".into()),
            ),
            // Relative to the final URL after the redirect: /deep/next.html.
            (
                "/deep/landing.html".into(),
                Page::Html(vec![link("next.html", "/deep/next.html")]),
            ),
            ("/deep/next.html".into(), Page::Html(vec![link("../", "/")])),
            (
                "/notes.txt".into(),
                Page::Text("Plain text: nothing to follow here.\n".into()),
            ),
        ];
        if hang {
            pages.push(("/hang.html".into(), Page::Hang));
        }
        for i in 0..n {
            let mut links = vec![
                link(&format!("{i}.html#end"), &format!("/page/{i}.html#end")),
                link("../", "/"),
            ];
            for child in (4 * i + 1..=4 * i + 4).filter(|&c| c < n) {
                let target = format!("/page/{child}.html");
                let href = match child % 3 {
                    0 => format!("{child}.html"),
                    1 => target.clone(),
                    _ => format!("{{base}}{target}"),
                };
                links.push(link(&href, &target));
            }
            pages.push((format!("/page/{i}.html"), Page::Html(links)));
        }
        Site::serve(pages, delay)
    }

    /// Three pages in a row, `/` to `/late.html` to `/end.html`, the second
    /// answered `delay` late: `/end.html` is printed only if a crawler
    /// waited for it (a `--timeout 0s`, no limit, among others).
    pub fn late_chain(delay: Duration) -> Site {
        Site::serve(
            vec![
                (
                    "/".into(),
                    Page::Html(vec![link("late.html", "/late.html")]),
                ),
                (
                    "/late.html".into(),
                    Page::Late(delay, vec![link("end.html", "/end.html")]),
                ),
                ("/end.html".into(), Page::Html(vec![])),
            ],
            Duration::ZERO,
        )
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    /// Every URL that a crawl from `/` prints, each once, if it follows
    /// links at most `max_hops` deep (`None`: all the way).
    pub fn reachable(&self, max_hops: Option<usize>) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::from([("/".to_string(), 0)]);
        seen.insert(self.url("/"));
        while let Some((target, hops)) = queue.pop_front() {
            if max_hops.is_some_and(|max| hops >= max) {
                continue;
            }
            for next in self.links_of(&target) {
                let url = if next.starts_with('/') {
                    self.url(&next)
                } else {
                    next.clone()
                };
                if seen.insert(url) {
                    queue.push_back((next, hops + 1));
                }
            }
        }
        seen
    }

    /// The targets of the links of the page at `target`, after redirects.
    fn links_of(&self, target: &str) -> Vec<String> {
        let path = target.split(['#', '?']).next().unwrap_or(target);
        match self.pages.get(path) {
            Some(Page::Html(links) | Page::Late(_, links)) => {
                links.iter().filter_map(|l| l.target.clone()).collect()
            }
            Some(Page::Redirect(to)) => self.links_of(to),
            _ => Vec::new(),
        }
    }

    /// The most requests the server was answering at once so far.
    ///
    /// A request counts from its arrival until the server starts sending
    /// the answer, a time in which the client is surely waiting: so this
    /// is never more than the client's own count of requests in flight.
    pub fn max_in_flight(&self) -> usize {
        self.server.max_in_flight()
    }

    /// How many requests have arrived so far.
    pub fn requests(&self) -> usize {
        self.server.requests()
    }
}

/// The whole response with `page` (`None`: a 404), and what the connection
/// does next; `base` is the site's `http://127.0.0.1:PORT`.
fn answer(page: Option<&Page>, base: &str) -> (Vec<u8>, Then) {
    use Then::{Close, KeepAlive, Stall};
    if let Some(Page::Late(delay, _)) = page {
        thread::sleep(*delay);
    }
    let html = "Content-Type: text/html\r\n";
    let longer = |part: &str| format!("{html}Content-Length: {}\r\n", part.len() + 1000);
    match page {
        Some(Page::Html(links) | Page::Late(_, links)) => {
            let mut text = String::from("<!DOCTYPE html>\n<html><body id=\"top\">\n");
            for link in links {
                let href = link.href.replace("{base}", base).replace('"', "&quot;");
                text.push_str(&format!("<p><a href=\"{href}\">a link</a></p>\n"));
            }
            text.push_str("<p id=\"end\">The end.</p></body></html>\n");
            let headers = "Content-Type: text/html; charset=utf-8\r\n";
            (response("200 OK", headers, text.as_bytes()), KeepAlive)
        }
        Some(Page::Text(text)) => {
            let headers = "Content-Type: text/plain; charset=utf-8\r\n";
            (response("200 OK", headers, text.as_bytes()), KeepAlive)
        }
        Some(Page::Bytes(bytes)) => (response("200 OK", html, bytes), KeepAlive),
        Some(Page::Truncated(part)) => (response("200 OK", &longer(part), part.as_bytes()), Close),
        Some(Page::Stalled(part)) => (response("200 OK", &longer(part), part.as_bytes()), Stall),
        Some(Page::Redirect(to)) => {
            let headers = format!("Location: {to}\r\n");
            (response("302 Found", &headers, b""), KeepAlive)
        }
        // No answer at all. Not counted in flight: the client may give up
        // on it at any time.
        Some(Page::Hang) => (Vec::new(), Stall),
        None => (
            response("404 Not Found", "", b"404 page not found\n"),
            KeepAlive,
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpStream;

    use super::*;

    /// The whole response to `GET path`, the connection closed after it.
    fn get(site: &Site, path: &str) -> String {
        let mut conn = TcpStream::connect(site.server.addr).expect("connect");
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        conn.write_all(request.as_bytes()).expect("write");
        let mut response = String::new();
        conn.read_to_string(&mut response).expect("read");
        response
    }

    #[test]
    fn pages_text_redirects_and_404s() {
        let site = Site::generated(3, Duration::ZERO, false);
        let page = get(&site, "/page/0.html");
        assert!(page.starts_with("HTTP/1.1 200 OK\r\n"), "{page}");
        assert!(page.contains(&format!("href=\"{}/page/2.html\"", site.url(""))));
        assert!(get(&site, "/notes.txt").ends_with("nothing to follow here.\n"));
        assert!(get(&site, "/redirect.html").contains("Location: /deep/landing.html\r\n"));
        assert!(get(&site, "/nowhere.html").starts_with("HTTP/1.1 404 Not Found\r\n"));
        assert_eq!(site.requests(), 4);
        assert_eq!(site.max_in_flight(), 1);
    }

    #[test]
    fn reachable_follows_the_sites_own_links() {
        let site = Site::generated(3, Duration::ZERO, false);
        let near = site.reachable(Some(1));
        assert!(near.contains(&site.url("/page/0.html")));
        assert!(!near.contains(&site.url("/page/1.html")), "two hops away");
        let all = site.reachable(None);
        for page in ["/page/1.html", "/page/2.html#end", "/deep/next.html"] {
            assert!(all.contains(&site.url(page)), "{page}");
        }
        assert!(all.contains("mailto:x@y.z"));
        assert!(
            !all.contains(&site.url("/hang.html")),
            "no hanging page asked"
        );
    }
}
