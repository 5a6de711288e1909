//! A web site on a loopback port for the crawlers' tests and benchmarks
//! (the `testing` feature).
//!
//! [`Site::generated`] makes a site of any size with cycles, fragments,
//! relative, root-relative and absolute links, a 404, a redirect, a plain
//! text file, an unparsable href, a `mailto:` link and, if asked, a page
//! that never answers. [`Site::reachable`] says in advance which URLs a
//! crawl from `/` prints, from the site's own description of its links: no
//! HTML parser or crawler is involved. The server counts the requests it
//! is answering at once, so a test sees a crawler's concurrency from the
//! outside.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

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
    /// A `text/plain` file.
    Text(String),
    /// A `302 Found` to this path.
    Redirect(String),
    /// No answer at all, until the site is dropped.
    Hang,
}

/// What the server has seen.
#[derive(Debug, Default)]
struct Stats {
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    requests: AtomicUsize,
}

/// A site served on a free loopback port until dropped.
#[derive(Debug)]
pub struct Site {
    base: String,
    pages: Arc<HashMap<String, Page>>,
    stats: Arc<Stats>,
    stopped: Arc<AtomicBool>,
}

impl Site {
    /// Serves `pages` (path → page), each answer after `delay`.
    pub fn serve(pages: Vec<(String, Page)>, delay: Duration) -> Site {
        let server = tiny_http::Server::http("127.0.0.1:0").expect("listen on a free port");
        let base = format!("http://{}", server.server_addr());
        let pages: Arc<HashMap<String, Page>> = Arc::new(pages.into_iter().collect());
        let stats = Arc::new(Stats::default());
        let stopped = Arc::new(AtomicBool::new(false));
        let site = Site {
            base: base.clone(),
            pages: pages.clone(),
            stats: stats.clone(),
            stopped: stopped.clone(),
        };
        thread::spawn(move || {
            while !stopped.load(Ordering::SeqCst) {
                let Ok(Some(request)) = server.recv_timeout(Duration::from_millis(50)) else {
                    continue;
                };
                let (pages, stats, stopped) = (pages.clone(), stats.clone(), stopped.clone());
                let base = base.clone();
                // One thread per request: a test site, bounded by the
                // crawler under test.
                thread::spawn(move || answer(request, &base, &pages, &stats, &stopped, delay));
            }
        });
        site
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
            ("/redirect.html".into(), Page::Redirect("/deep/landing.html".into())),
            // Relative to the final URL after the redirect: /deep/next.html.
            (
                "/deep/landing.html".into(),
                Page::Html(vec![link("next.html", "/deep/next.html")]),
            ),
            (
                "/deep/next.html".into(),
                Page::Html(vec![link("../", "/")]),
            ),
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

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
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
            Some(Page::Html(links)) => links.iter().filter_map(|l| l.target.clone()).collect(),
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
        self.stats.max_in_flight.load(Ordering::SeqCst)
    }

    /// How many requests have arrived so far.
    pub fn requests(&self) -> usize {
        self.stats.requests.load(Ordering::SeqCst)
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::SeqCst);
    }
}

/// Answers one request after `delay`.
fn answer(
    request: tiny_http::Request,
    base: &str,
    pages: &HashMap<String, Page>,
    stats: &Stats,
    stopped: &AtomicBool,
    delay: Duration,
) {
    stats.requests.fetch_add(1, Ordering::SeqCst);
    let now = stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    stats.max_in_flight.fetch_max(now, Ordering::SeqCst);
    thread::sleep(delay);
    let path = request.url().split('?').next().unwrap_or("/").to_string();
    let header = |name: &str, value: &str| {
        tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
    };
    let response = match pages.get(&path) {
        Some(Page::Html(links)) => {
            let mut html = String::from("<!DOCTYPE html>\n<html><body id=\"top\">\n");
            for link in links {
                let href = link.href.replace("{base}", base).replace('"', "&quot;");
                html.push_str(&format!("<p><a href=\"{href}\">a link</a></p>\n"));
            }
            html.push_str("<p id=\"end\">The end.</p></body></html>\n");
            tiny_http::Response::from_string(html)
                .with_header(header("Content-Type", "text/html; charset=utf-8"))
        }
        Some(Page::Text(text)) => tiny_http::Response::from_string(text.clone())
            .with_header(header("Content-Type", "text/plain; charset=utf-8")),
        Some(Page::Redirect(to)) => tiny_http::Response::from_string("")
            .with_status_code(302)
            .with_header(header("Location", to)),
        Some(Page::Hang) => {
            // Not counted: the client may give up on it at any time.
            stats.in_flight.fetch_sub(1, Ordering::SeqCst);
            while !stopped.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_millis(20));
            }
            return; // dropping the request closes the connection
        }
        None => tiny_http::Response::from_string("404 page not found\n").with_status_code(404),
    };
    stats.in_flight.fetch_sub(1, Ordering::SeqCst);
    let _ = request.respond(response);
}
