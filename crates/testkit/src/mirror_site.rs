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
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

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

/// What the server has seen.
#[derive(Debug, Default)]
struct Stats {
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    requests: AtomicUsize,
    targets: Mutex<Vec<String>>,
}

/// A site served until dropped.
#[derive(Debug)]
pub struct MirrorSite {
    addr: SocketAddr,
    base: String,
    stats: Arc<Stats>,
    stopped: Arc<AtomicBool>,
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
        let listener = TcpListener::bind((ip, 0)).expect("listen on a free port");
        let addr = listener.local_addr().expect("local_addr");
        let base = format!("http://{addr}");
        let site = MirrorSite {
            addr,
            stats: Arc::default(),
            stopped: Arc::default(),
            base,
        };
        let server = Arc::new(Server {
            pages: pages(&site.base).into_iter().collect(),
            stats: site.stats.clone(),
            stopped: site.stopped.clone(),
            delay,
        });
        thread::spawn(move || {
            for conn in listener.incoming() {
                if server.stopped.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                let server = server.clone();
                // A thread per connection: a test site, bounded by the
                // mirror under test.
                thread::spawn(move || server.handle_conn(conn));
            }
        });
        site
    }

    /// The base URL followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// How many requests have arrived so far.
    pub fn requests(&self) -> usize {
        self.stats.requests.load(Ordering::SeqCst)
    }

    /// The request targets asked so far, in order of arrival.
    pub fn targets(&self) -> Vec<String> {
        self.stats
            .targets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The most requests the server was answering at once so far (from a
    /// request's arrival until its answer starts, while the client surely
    /// waits).
    pub fn max_in_flight(&self) -> usize {
        self.stats.max_in_flight.load(Ordering::SeqCst)
    }
}

impl Drop for MirrorSite {
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr); // wakes the accept loop
    }
}

/// What the threads of the server share.
struct Server {
    pages: HashMap<String, Answer>,
    stats: Arc<Stats>,
    stopped: Arc<AtomicBool>,
    delay: Duration,
}

impl Server {
    /// Answers the requests of one connection, kept alive, until the client
    /// closes it.
    fn handle_conn(&self, conn: TcpStream) {
        let _ = conn.set_read_timeout(Some(Duration::from_secs(60)));
        let Ok(mut out) = conn.try_clone() else {
            return;
        };
        let mut input = BufReader::new(conn);
        loop {
            let mut request = String::new();
            let mut close = false;
            loop {
                let mut line = String::new();
                match input.read_line(&mut line) {
                    Ok(0) | Err(_) => return,
                    Ok(_) if line.trim_end().is_empty() => break,
                    Ok(_) if request.is_empty() => request = line,
                    Ok(_) => close |= line.to_ascii_lowercase().starts_with("connection: close"),
                }
            }
            let target = request.split(' ').nth(1).unwrap_or("/").to_string();
            let Some(response) = self.answer(&target) else {
                return;
            };
            if out.write_all(&response).is_err() || close {
                return;
            }
        }
    }

    /// The whole response to `target`, after the delay; `None` for a page
    /// that hangs, once the site is dropped.
    fn answer(&self, target: &str) -> Option<Vec<u8>> {
        let stats = &self.stats;
        stats.requests.fetch_add(1, Ordering::SeqCst);
        stats
            .targets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(target.to_string());
        let now = stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        stats.max_in_flight.fetch_max(now, Ordering::SeqCst);
        thread::sleep(self.delay);
        let page = self.pages.get(target).or_else(|| self.pages.get("*"));
        let (status, headers, body) = match page {
            Some(Answer::Body(kind, body)) => {
                ("200 OK", format!("Content-Type: {kind}\r\n"), body.clone())
            }
            Some(Answer::Redirect(to)) => ("302 Found", format!("Location: {to}\r\n"), Vec::new()),
            Some(Answer::Hang) => {
                stats.in_flight.fetch_sub(1, Ordering::SeqCst);
                while !self.stopped.load(Ordering::SeqCst) {
                    thread::sleep(Duration::from_millis(20));
                }
                return None;
            }
            None => (
                "404 Not Found",
                "Content-Type: text/plain\r\n".into(),
                b"404 page not found\n".to_vec(),
            ),
        };
        stats.in_flight.fetch_sub(1, Ordering::SeqCst);
        let head = format!(
            "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\n\r\n",
            body.len()
        );
        Some([head.into_bytes(), body].concat())
    }
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
