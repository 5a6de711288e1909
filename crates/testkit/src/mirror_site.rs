//! A web site of any content on a loopback address of one's choice, for
//! the tests and benchmark of exercise 8.7's mirror.
//!
//! Unlike [`site`](crate::site), whose pages are links only, it serves
//! bodies as given (HTML with images, stylesheets and scripts, files with
//! odd names), keys them by the whole request target as the client sent
//! it, query included, and listens on any loopback address: a second site
//! on 127.0.0.2 sees whether a mirror of 127.0.0.1 asks it anything. It
//! counts requests, and the most it is answering at once.
//! [`generated`] is a site of `n` pages, each with an image, a stylesheet
//! and a script, for the benchmark.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use crate::http::{HttpServer, Then, response};

/// What the server answers to a request target.
#[derive(Debug, Clone)]
pub enum Answer {
    /// `200 OK` with this content type and body.
    Body(&'static str, Vec<u8>),
    /// `302 Found` to this location.
    Redirect(String),
    /// No answer at all, until the site is dropped.
    Hang,
}

/// An HTML page (`text/html; charset=utf-8`) with this text.
pub fn html(text: &str) -> Answer {
    Answer::Body("text/html; charset=utf-8", text.as_bytes().to_vec())
}

/// A site served until dropped.
#[derive(Debug)]
pub struct MirrorSite {
    server: HttpServer,
    targets: Arc<Mutex<Vec<String>>>,
}

impl MirrorSite {
    /// Serves on a free port of `ip` (such as `127.0.0.2`) what `pages`
    /// makes of the site's base URL (`http://IP:PORT`): request target →
    /// answer, where the target `*` answers every target not listed (else
    /// a 404). Each answer comes after `delay`.
    pub fn serve(
        ip: &str,
        delay: Duration,
        pages: impl FnOnce(&str) -> Vec<(String, Answer)>,
    ) -> MirrorSite {
        let targets = Arc::new(Mutex::new(Vec::new()));
        let asked = targets.clone();
        let server = HttpServer::serve(ip, |base| {
            let pages: HashMap<_, _> = pages(base).into_iter().collect();
            move |target: &str| {
                lock(&asked).push(target.to_string());
                thread::sleep(delay);
                match pages.get(target).or_else(|| pages.get("*")) {
                    Some(Answer::Body(kind, body)) => {
                        let headers = format!("Content-Type: {kind}\r\n");
                        (response("200 OK", &headers, body), Then::KeepAlive)
                    }
                    Some(Answer::Redirect(to)) => {
                        let headers = format!("Location: {to}\r\n");
                        (response("302 Found", &headers, b""), Then::KeepAlive)
                    }
                    Some(Answer::Hang) => (Vec::new(), Then::Stall),
                    None => {
                        let headers = "Content-Type: text/plain\r\n";
                        let body = b"404 page not found\n";
                        (response("404 Not Found", headers, body), Then::KeepAlive)
                    }
                }
            }
        });
        MirrorSite { server, targets }
    }

    /// The base URL followed by `path`.
    pub fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    /// How many requests have arrived so far.
    pub fn requests(&self) -> usize {
        self.server.requests()
    }

    /// The request targets asked so far, in order of arrival.
    pub fn targets(&self) -> Vec<String> {
        lock(&self.targets).clone()
    }

    /// The most requests the server was answering at once so far (from a
    /// request's arrival until its answer starts, while the client surely
    /// waits).
    pub fn max_in_flight(&self) -> usize {
        self.server.max_in_flight()
    }
}

/// The targets asked, even if a thread panicked holding them.
fn lock(targets: &Mutex<Vec<String>>) -> std::sync::MutexGuard<'_, Vec<String>> {
    targets.lock().unwrap_or_else(|p| p.into_inner())
}

/// A site of `n` pages, for the benchmark: `/` links to `/page/0.html`;
/// page `i` to pages `4i+1` to `4i+4` (where they exist), to `/` and to
/// itself with a fragment, and uses `/img/{i % 10}.png`, `/style.css` and
/// `/app.js`. Every URL a mirror saves: `/`, the pages, 10 images, 2 files.
pub fn generated(n: usize) -> Vec<(String, Answer)> {
    let mut pages = vec![
        (
            "/".to_string(),
            html("<!DOCTYPE html>\n<html><body><a href=\"page/0.html\">start</a></body></html>\n"),
        ),
        (
            "/style.css".into(),
            Answer::Body("text/css", b"body { margin: 2em; }\n".to_vec()),
        ),
        (
            "/app.js".into(),
            Answer::Body("text/javascript", b"console.log(1);\n".to_vec()),
        ),
    ];
    for i in 0..10 {
        pages.push((
            format!("/img/{i}.png"),
            Answer::Body("image/png", vec![i as u8; 100]),
        ));
    }
    for i in 0..n {
        let mut text = format!(
            "<!DOCTYPE html>\n<html><head><link rel=\"stylesheet\" href=\"/style.css\">\
             <script src=\"../app.js\"></script></head>\n<body id=\"top\">\
             <img src=\"../img/{}.png\">\n<a href=\"#top\">top</a> <a href=\"../\">home</a> \
             <a href=\"{i}.html#end\">end</a>\n",
            i % 10
        );
        for child in (4 * i + 1..=4 * i + 4).filter(|&c| c < n) {
            text.push_str(&format!(
                "<p><a href=\"{child}.html\">page {child}</a></p>\n"
            ));
        }
        text.push_str("<p id=\"end\">The end.</p></body></html>\n");
        pages.push((format!("/page/{i}.html"), html(&text)));
    }
    pages
}
