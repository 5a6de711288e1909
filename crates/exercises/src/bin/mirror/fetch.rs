//! One GET, with Go's words for what fails (as `links` has them).
//!
//! `links::agent` follows redirects itself; the mirror follows them here,
//! so that a redirect to another host is never followed: not one request
//! leaves the site.

use std::time::Duration;

use ureq::Agent;
use ureq::http::StatusCode;
use url::Url;

/// The most redirects followed, as Go's client and `links` do.
const MAX_REDIRECTS: usize = 10;

/// A page fetched: the URL it came from after redirects, whether it is
/// HTML, and its body.
pub struct Page {
    pub final_url: Url,
    pub html: bool,
    pub body: Vec<u8>,
}

/// An agent as `links::agent` makes one (every status a response, `timeout`
/// for each request in all), that leaves redirects to [`get`] and keeps a
/// connection for each of the `concurrency` fetches at once.
pub fn agent(timeout: Duration, concurrency: usize) -> Agent {
    Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .max_redirects(0)
        .max_idle_connections_per_host(concurrency)
        .max_idle_connections(concurrency)
        .build()
        .into()
}

/// Go's `http.Get(url)` then `io.ReadAll(resp.Body)`, following redirects
/// only within `url`'s scheme, host and port.
pub fn get(agent: &Agent, url: &Url) -> Result<Page, String> {
    let mut at = url.clone();
    for _ in 0..=MAX_REDIRECTS {
        let mut resp = agent
            .get(at.as_str())
            .call()
            .map_err(|err| format!("Get {:?}: {}", url.as_str(), go_words(&err, &at)))?;
        let location = resp.headers().get("location");
        if let (true, Some(location)) = (resp.status().is_redirection(), location) {
            let location = String::from_utf8_lossy(location.as_bytes()).into_owned();
            let next = at.join(&location).map_err(|err| {
                format!("Get {:?}: bad redirect {location:?}: {err}", url.as_str())
            })?;
            if next.origin() != url.origin() {
                return Err(format!(
                    "Get {:?}: redirect to another site not followed: {next}",
                    url.as_str()
                ));
            }
            at = next;
            continue;
        }
        if resp.status() != StatusCode::OK {
            return Err(format!("getting {url}: {}", status(resp.status())));
        }
        let html = resp
            .body()
            .mime_type()
            .is_some_and(|mime| mime == "text/html" || mime == "application/xhtml+xml");
        let body = resp
            .body_mut()
            .with_config()
            .read_to_vec()
            .map_err(|err| format!("reading {url}: {}", go_words(&err, &at)))?;
        return Ok(Page {
            final_url: at,
            html,
            body,
        });
    }
    Err(format!(
        "Get {:?}: stopped after 10 redirects",
        url.as_str()
    ))
}

/// Go's `resp.Status`: `404 Not Found`.
fn status(code: StatusCode) -> String {
    match code.canonical_reason() {
        Some(reason) => format!("{} {reason}", code.as_str()),
        None => code.as_str().to_string(),
    }
}

/// A ureq error in the words Go's `net/http` uses for the commonest ones.
fn go_words(err: &ureq::Error, url: &Url) -> String {
    let host = format!(
        "{}:{}",
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or_default()
    );
    match err {
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            format!("dial tcp {host}: connect: connection refused")
        }
        ureq::Error::Io(io) => common::go_error(io),
        ureq::Error::Timeout(_) => {
            "context deadline exceeded (Client.Timeout exceeded while awaiting headers)".into()
        }
        ureq::Error::HostNotFound => format!(
            "dial tcp: lookup {}: no such host",
            url.host_str().unwrap_or_default()
        ),
        other => other.to_string(),
    }
}
