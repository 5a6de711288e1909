//! `gopl.io/ch5/links`: Package links provides a link-extraction function.
//!
//! The crawlers of 8.6 (`crawl1`, `crawl2`, `crawl3`) and the exercises
//! 8.6 and 8.10 call [`extract`] on every page they visit.
//!
//! | Go                                        | Rust                                              |
//! |-------------------------------------------|---------------------------------------------------|
//! | `http.Get(url)` (follows 10 redirects)    | a [`ureq::Agent`], `agent.get(url).call()`, the redirects followed here, as Go's client does (at most 10) |
//! | `resp.StatusCode != http.StatusOK`        | `resp.status() != StatusCode::OK` (ureq 3 would make non-2xx an `Err`: the agent is built with `http_status_as_error(false)`) |
//! | `resp.Status` (`404 Not Found`)           | the code and its standard reason: ureq keeps no reason phrase |
//! | `html.Parse(resp.Body)`                   | `scraper::Html::parse_document` (html5ever, the WHATWG parser, as Go's), each byte of the page kept |
//! | `forEachNode(doc, visitNode, nil)`, `n.Data == "a"` | `doc.select(&Selector::parse("a"))`         |
//! | `resp.Request.URL.Parse(a.Val)`           | `base.join(href)`, Go's `net/url` in a few Rust lines (module `gourl`) |
//! | `link.String()`                           | `link.to_bytes()`                                 |
//! | `fmt.Errorf("getting %s: %s", ...)`       | [`Error`], whose text is Go's                     |
//!
//! Where Rust differs:
//! - Every request has a timeout ([`DEFAULT_TIMEOUT`], or [`set_timeout`];
//!   zero is none, as in Go), so one server that never answers cannot hold
//!   a crawler thread for ever. Go's `http.Get` has none.
//! - html5ever drops the second of two attributes of one name, as the
//!   WHATWG standard says; Go's parser keeps both, so
//!   `<a href="one.html" href="two.html">` gives `two.html` in Go alone.
//! - A byte of 0x80 and above, raw in a query (`?q=\xe9`), is `%E9` here:
//!   Go prints and sends it raw, and Rust text is UTF-8. A raw space in a
//!   query is printed as Go does, and sent as `%20` (the `http` crate
//!   takes no raw space in a request line).
//! - The status line is `404 Not Found` where a server said `404 File not
//!   found`: ureq does not keep the server's reason phrase.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use scraper::{Html, Selector};
use ureq::Agent;
use ureq::http::{Response, StatusCode};

mod gourl;

/// How long one request may take, connection to last byte, unless
/// [`set_timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The agent [`extract`] uses: Go's `http.DefaultClient`.
static AGENT: OnceLock<Agent> = OnceLock::new();

/// Sets the timeout of every request [`extract`] makes; zero means none,
/// as Go's `Client.Timeout` of 0 does. Call it once, at the start of
/// `main`; later calls, and calls after the first [`extract`], change
/// nothing.
pub fn set_timeout(timeout: Duration) {
    let _ = AGENT.set(agent(timeout));
}

/// An agent as [`extract`] uses one: it gives back every status and every
/// redirect as a response ([`extract`] follows redirects itself, as Go's
/// client does), and gives each request `timeout` in all, redirects and
/// body included (zero: no limit, as Go's `Client.Timeout` of 0).
/// [`Agent::shutdown`] on it (or a clone) cancels its requests in flight,
/// as Go's `http.Request.Cancel` does (exercise 8.10).
pub fn agent(timeout: Duration) -> Agent {
    Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global((!timeout.is_zero()).then_some(timeout))
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
    let mut got = get(agent, url)?;
    if got.resp.status() != StatusCode::OK {
        return Err(Error(format!(
            "getting {url}: {}",
            status(got.resp.status())
        )));
    }

    // Go's html.Parse reads the whole body, and fails only if reading does.
    let body = got
        .read_body()
        .map_err(|err| Error(format!("parsing {url} as HTML: {err}")))?;
    // Links are resolved against the URL of the final response, after
    // redirects, as Go's resp.Request.URL is.
    Ok(links_in(&got.url, &body))
}

/// The links of the HTML document `body`, resolved against `base` as Go's
/// `resp.Request.URL.Parse` does (`base` is a URL such as
/// `http://host/dir/page.html`; if it does not parse, no link does).
///
/// The bytes of an href are kept as written, whatever the page's
/// encoding: a Latin-1 `caf\xe9.html` is `caf%E9.html`, as in Go, whose
/// HTML parser keeps bytes.
pub fn links(base: &str, body: &[u8]) -> Vec<String> {
    match gourl::parse(base.as_bytes()) {
        Ok(base) => links_in(&base, body),
        Err(_) => Vec::new(),
    }
}

fn links_in(base: &gourl::Url, body: &[u8]) -> Vec<String> {
    let doc = Html::parse_document(&to_text(body));
    let mut links = Vec::new();
    for a in doc.select(anchors()) {
        for (key, val) in a.value().attrs() {
            if key != "href" {
                continue;
            }
            let Ok(link) = base.join(&to_bytes(val)) else {
                continue; // ignore bad URLs
            };
            links.push(to_string(&link.to_bytes()));
        }
    }
    links
}

/// The body of `url`, if its status is 200 OK: Go's `http.Get` then
/// `io.ReadAll(resp.Body)`, with the same errors as [`extract`] (exercise
/// 8.11 fetches from mirrors with it).
pub fn fetch(agent: &Agent, url: &str) -> Result<Vec<u8>, Error> {
    let mut got = get(agent, url)?;
    if got.resp.status() != StatusCode::OK {
        return Err(Error(format!(
            "getting {url}: {}",
            status(got.resp.status())
        )));
    }
    got.read_body()
        .map_err(|err| Error(format!("reading {url}: {err}")))
}

/// A response, the URL it answers after redirects, and when the time
/// given to the whole request runs out.
struct Got {
    resp: Response<ureq::Body>,
    url: gourl::Url,
    deadline: Option<Instant>,
}

impl Got {
    /// The whole body, or why reading it failed, in Go's words.
    fn read_body(&mut self) -> Result<Vec<u8>, String> {
        self.resp
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_to_vec()
            .map_err(|err| match err {
                ureq::Error::Timeout(_) => {
                    "context deadline exceeded (Client.Timeout or context cancellation while reading body)".into()
                }
                ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
                    "unexpected EOF".into()
                }
                ureq::Error::Protocol(_) if self.deadline.is_some_and(|d| Instant::now() >= d) => {
                    "context deadline exceeded (Client.Timeout or context cancellation while reading body)".into()
                }
                ureq::Error::Protocol(_) => "unexpected EOF".into(),
                err => go_words(&err, &host_port(&self.url).unwrap_or_default()),
            })
    }
}

/// Go's `http.Get(url)`: `url` parsed as Go parses it, fetched, and its
/// redirects followed (at most 10, as Go's client), with Go's errors:
/// `Get "URL": REASON`.
fn get(agent: &Agent, url: &str) -> Result<Got, Error> {
    let mut at = gourl::parse(url.as_bytes())
        .map_err(|err| Error(format!("parse {}: {err}", gourl::quote(url.as_bytes()))))?;
    let deadline = agent.config().timeouts().global.map(|t| Instant::now() + t);
    let mut requests = 0;
    loop {
        let fail = |at: &gourl::Url, why: String| {
            Error(format!("Get {}: {why}", gourl::quote(&at.redacted())))
        };
        if at.scheme != "http" && at.scheme != "https" {
            return Err(fail(
                &at,
                format!("unsupported protocol scheme {:?}", at.scheme),
            ));
        }
        if at.host.is_empty() {
            return Err(fail(&at, "http: no Host in request URL".into()));
        }
        let addr = host_port(&at)
            .map_err(|port| fail(&at, format!("dial tcp: address {port}: invalid port")))?;
        let mut request = agent.get(wire(&at, &addr)).config();
        if let Some(deadline) = deadline {
            // Go's Client.Timeout covers the redirects: what is left of it.
            let left = deadline.saturating_duration_since(Instant::now());
            request = request.timeout_global(Some(left.max(Duration::from_millis(1))));
        }
        let resp = request
            .build()
            .call()
            .map_err(|err| fail(&at, go_words(&err, &addr)))?;
        requests += 1;
        let location = resp.headers().get("location").map(|l| l.as_bytes());
        let redirect = matches!(resp.status().as_u16(), 301 | 302 | 303 | 307 | 308);
        let Some(location) = location.filter(|l| redirect && !l.is_empty()) else {
            return Ok(Got {
                resp,
                url: at,
                deadline,
            });
        };
        let next = at.join(location).map_err(|err| {
            let loc = gourl::quote(location);
            fail(&at, format!("failed to parse Location header {loc}: {err}"))
        })?;
        if requests >= MAX_REDIRECTS {
            // Go names the Location, as written, in this one error.
            let loc = gourl::quote(location);
            return Err(Error(format!("Get {loc}: stopped after 10 redirects")));
        }
        at = next;
    }
}

/// Go's client follows at most 10 redirects.
const MAX_REDIRECTS: usize = 10;

/// `HOST:PORT` as Go dials it: the URL's host and port, or the scheme's
/// port; `Err` with the port if it is no port number (such as 99999).
fn host_port(url: &gourl::Url) -> Result<String, String> {
    // Go's url.Hostname and url.Port.
    let host = String::from_utf8_lossy(&url.host);
    let (mut name, mut port) = (&*host, "");
    if let Some(colon) = host.rfind(':')
        && host[colon + 1..].bytes().all(|b| b.is_ascii_digit())
    {
        (name, port) = (&host[..colon], &host[colon + 1..]);
    }
    let name = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    let port: u16 = match port {
        "" if url.scheme == "https" => 443,
        "" => 80,
        port => port.parse().map_err(|_| port.to_string())?,
    };
    Ok(match name.contains(':') {
        true => format!("[{name}]:{port}"),
        false => format!("{name}:{port}"),
    })
}

/// The URL as it goes to ureq: Go's request line, with the bytes the
/// `http` crate refuses in a URI (a raw space or byte of 0x80 and above,
/// which Go sends as they are in a query) written as `%XX`.
fn wire(url: &gourl::Url, addr: &str) -> String {
    let mut text = format!("{}://{addr}", url.scheme);
    for &b in &url.request_uri() {
        if b.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(&b) {
            text.push(b as char);
        } else {
            text.push_str(&format!("%{b:02X}"));
        }
    }
    text
}

/// The page as text for the HTML parser, each byte kept: a byte that is
/// not UTF-8 becomes a character of a private-use block, U+10FE80 to
/// U+10FEFF, that [`to_bytes`] makes the byte again.
fn to_text(body: &[u8]) -> String {
    let mut text = String::with_capacity(body.len());
    for chunk in body.utf8_chunks() {
        text.push_str(chunk.valid());
        for &b in chunk.invalid() {
            text.extend(char::from_u32(RAW_BYTES + u32::from(b)));
        }
    }
    text
}

/// The bytes of an href as the page had them: the reverse of [`to_text`].
fn to_bytes(text: &str) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(text.len());
    for c in text.chars() {
        match u32::from(c).checked_sub(RAW_BYTES) {
            Some(b @ 0x80..=0xff) => bytes.push(b as u8),
            _ => bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    bytes
}

/// U+10FE00: plus a byte of 0x80 and above, where [`to_text`] puts it.
const RAW_BYTES: u32 = 0x10_FE00;

/// A URL as Go's `String()` writes it, as Rust text: where that is not
/// UTF-8 (a raw byte of 0x80 and above in a query or opaque part), the byte
/// is written `%XX`.
fn to_string(url: &[u8]) -> String {
    let mut text = String::with_capacity(url.len());
    for chunk in url.utf8_chunks() {
        text.push_str(chunk.valid());
        for b in chunk.invalid() {
            text.push_str(&format!("%{b:02X}"));
        }
    }
    text
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

/// A ureq error, before the response's headers have all come, in the
/// words Go's `net/http` uses for the same failure; `host` is `NAME:PORT`.
fn go_words(err: &ureq::Error, host: &str) -> String {
    // rustls's words for a plain HTTP answer where a TLS record should be
    // (ureq passes them on as an I/O error).
    if err
        .to_string()
        .ends_with("message of type InvalidContentType")
    {
        return "http: server gave HTTP response to HTTPS client".into();
    }
    match err {
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => {
                format!("dial tcp {host}: connect: connection refused")
            }
            _ if io.raw_os_error() == Some(EMFILE) => {
                format!("dial tcp {host}: socket: too many open files")
            }
            // std's words for a failed getaddrinfo.
            _ if io.to_string().starts_with("failed to lookup address") => no_such_host(host),
            std::io::ErrorKind::UnexpectedEof => "EOF".into(),
            _ => common::go_error(io),
        },
        ureq::Error::Timeout(_) => {
            "context deadline exceeded (Client.Timeout exceeded while awaiting headers)".into()
        }
        ureq::Error::HostNotFound => no_such_host(host),
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
