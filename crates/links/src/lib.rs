//! `gopl.io/ch5/links`: Package links provides a link-extraction function.
//!
//! The crawlers of 8.6 (`crawl1`, `crawl2`, `crawl3`) and the exercises
//! 8.6 and 8.10 call [`extract`] on every page they visit.
//!
//! | Go                                        | Rust                                              |
//! |-------------------------------------------|---------------------------------------------------|
//! | `http.Get(url)` (follows 10 redirects)    | a [`ureq::Agent`] (follows 10 redirects too), `agent.get(url).call()` |
//! | `resp.StatusCode != http.StatusOK`        | `resp.status() != StatusCode::OK` (ureq 3 would make non-2xx an `Err`: the agent is built with `http_status_as_error(false)`) |
//! | `resp.Status` (`404 Not Found`)           | the code and its standard reason: ureq keeps no reason phrase |
//! | `html.Parse(resp.Body)`                   | `scraper::Html::parse_document` (html5ever, the WHATWG parser, as Go's) |
//! | `forEachNode(doc, visitNode, nil)`, `n.Data == "a"` | `doc.select(&Selector::parse("a"))`         |
//! | `resp.Request.URL.Parse(a.Val)`           | `base.join(href)` with the `url` crate, `base` being the final URL after redirects (`ResponseExt::get_uri`) |
//! | `link.String()`                           | `link.to_string()`                                |
//! | `fmt.Errorf("getting %s: %s", ...)`       | [`Error`], whose text is Go's                     |
//!
//! Where Rust differs:
//! - Every request has a timeout ([`DEFAULT_TIMEOUT`], or [`set_timeout`]),
//!   so one server that never answers cannot hold a crawler thread for
//!   ever. Go's `http.Get` has none.
//! - The `url` crate parses URLs as the WHATWG URL standard (and browsers)
//!   do, Go's `net/url` as RFC 3986 does. They differ at the edges: an href
//!   of `" c.txt "` is `c.txt` here (the standard strips leading and
//!   trailing spaces), and `%20c.txt%20` in Go. We follow the crate.
//! - The status line is `404 Not Found` where a server said `404 File not
//!   found`: ureq does not keep the server's reason phrase.

use std::sync::OnceLock;
use std::time::Duration;

use scraper::{Html, Selector};
use ureq::http::StatusCode;
use ureq::{Agent, ResponseExt};
use url::Url;

/// How long one request may take, connection to last byte, unless
/// [`set_timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The agent [`extract`] uses: Go's `http.DefaultClient`.
static AGENT: OnceLock<Agent> = OnceLock::new();

/// Sets the timeout of every request [`extract`] makes. Call it once, at
/// the start of `main`; later calls, and calls after the first [`extract`],
/// change nothing.
pub fn set_timeout(timeout: Duration) {
    let _ = AGENT.set(agent(timeout));
}

/// An agent as [`extract`] uses one: it follows redirects, gives back every
/// status as a response (Go's client does), and gives each request
/// `timeout` in all. [`Agent::shutdown`] on it (or a clone) cancels its
/// requests in flight, as Go's `http.Request.Cancel` does (exercise 8.10).
pub fn agent(timeout: Duration) -> Agent {
    Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .build()
        .into()
}

/// Extract makes an HTTP GET request to the specified URL, parses
/// the response as HTML, and returns the links in the HTML document.
pub fn extract(url: &str) -> Result<Vec<String>, Error> {
    extract_with(AGENT.get_or_init(|| agent(DEFAULT_TIMEOUT)), url)
}

/// [`extract`] with a given agent, for a caller who must cancel requests.
pub fn extract_with(agent: &Agent, url: &str) -> Result<Vec<String>, Error> {
    let mut resp = get(agent, url)?;
    if resp.status() != StatusCode::OK {
        return Err(Error(format!("getting {url}: {}", status(resp.status()))));
    }

    // Go's html.Parse reads the whole body, and fails only if reading does.
    let body = resp
        .body_mut()
        .with_config()
        .read_to_vec()
        .map_err(|err| Error(format!("parsing {url} as HTML: {}", go_words(&err, url))))?;
    let doc = Html::parse_document(&String::from_utf8_lossy(&body));

    // Links are resolved against the URL of the final response, after
    // redirects, as Go's resp.Request.URL is.
    let Ok(base) = Url::parse(&resp.get_uri().to_string()) else {
        return Err(Error(format!(
            "parsing {url}: bad final URL {}",
            resp.get_uri()
        )));
    };
    let mut links = Vec::new();
    for a in doc.select(anchors()) {
        for (key, val) in a.value().attrs() {
            if key != "href" {
                continue;
            }
            let Ok(link) = base.join(val) else {
                continue; // ignore bad URLs
            };
            links.push(link.to_string());
        }
    }
    Ok(links)
}

/// The body of `url`, if its status is 200 OK: Go's `http.Get` then
/// `io.ReadAll(resp.Body)`, with the same errors as [`extract`] (exercise
/// 8.11 fetches from mirrors with it).
pub fn fetch(agent: &Agent, url: &str) -> Result<Vec<u8>, Error> {
    let mut resp = get(agent, url)?;
    if resp.status() != StatusCode::OK {
        return Err(Error(format!("getting {url}: {}", status(resp.status()))));
    }
    resp.body_mut()
        .with_config()
        .read_to_vec()
        .map_err(|err| Error(format!("reading {url}: {}", go_words(&err, url))))
}

/// Go's `http.Get(url)`, with Go's errors: `Get "URL": REASON`.
fn get(agent: &Agent, url: &str) -> Result<ureq::http::Response<ureq::Body>, Error> {
    let parsed = Url::parse(url).map_err(|err| Error(format!("parse {url:?}: {err}")))?;
    let scheme = parsed.scheme();
    if scheme != "http" && scheme != "https" {
        return Err(Error(format!(
            "Get {url:?}: unsupported protocol scheme {scheme:?}"
        )));
    }
    agent
        .get(url)
        .call()
        .map_err(|err| Error(format!("Get {url:?}: {}", go_words(&err, url))))
}

/// The `<a>` elements of a document.
fn anchors() -> &'static Selector {
    static ANCHORS: OnceLock<Selector> = OnceLock::new();
    // "a" is a valid selector: parsing it cannot fail.
    ANCHORS.get_or_init(|| Selector::parse("a").expect("the selector \"a\""))
}

/// Go's `resp.Status`: `404 Not Found`.
fn status(code: StatusCode) -> String {
    match code.canonical_reason() {
        Some(reason) => format!("{} {reason}", code.as_str()),
        None => code.as_str().to_string(),
    }
}

/// A ureq error in the words Go's `net/http` uses for the same failure.
fn go_words(err: &ureq::Error, url: &str) -> String {
    let host = Url::parse(url)
        .ok()
        .and_then(|u| Some(format!("{}:{}", u.host_str()?, u.port_or_known_default()?)))
        .unwrap_or_default();
    match err {
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => {
                format!("dial tcp {host}: connect: connection refused")
            }
            _ if io.raw_os_error() == Some(EMFILE) => {
                format!("dial tcp {host}: socket: too many open files")
            }
            // std's words for a failed getaddrinfo.
            _ if io.to_string().starts_with("failed to lookup address") => no_such_host(&host),
            _ => common::go_error(io),
        },
        ureq::Error::Timeout(_) => {
            "context deadline exceeded (Client.Timeout exceeded while awaiting headers)".into()
        }
        ureq::Error::HostNotFound => no_such_host(&host),
        ureq::Error::TooManyRedirects => "stopped after 10 redirects".into(),
        other => other.to_string(),
    }
}

/// Go's words for a name that does not resolve; `host` is `NAME:PORT`.
fn no_such_host(host: &str) -> String {
    let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    format!("dial tcp: lookup {name}: no such host")
}

/// Linux's "too many open files".
const EMFILE: i32 = 24;

/// Why [`extract`] failed, worded as Go's error would be:
/// `getting http://host/missing.html: 404 Not Found`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}
