//! `crawl2_tokio`: crawl2 (`gopl.io/ch8/crawl2`) the Rust way.
//!
//! Replaces `crates/crawl2`. The one idea that changed: each link is a tokio
//! task in a `JoinSet` awaiting an async HTTP request (reqwest), and the
//! book's 20 tokens are a `tokio::sync::Semaphore`; a page that waits on
//! the network waits as a task, not as a blocked thread. The worklist is
//! the `JoinSet` itself: `join_next` gives each task's links, and the
//! crawl ends when no task is left, which is the book's `n`.
//!
//! ```text
//! $ cargo run --release -p rustway --bin crawl2_tokio -- http://gopl.io/
//! ```
//!
//! | thread version                           | the Rust way                        |
//! |------------------------------------------|-------------------------------------|
//! | `tokens := make(chan struct{}, 20)`      | `Semaphore::new(20)`, `acquire().await` |
//! | `go func() { worklist <- crawl(link) }()`, `n++` | `tasks.spawn(crawl(link))`  |
//! | `for ; n > 0; n-- { list := <-worklist }` | `while let Some(list) = tasks.join_next().await` |
//! | `links::extract` (ureq, blocking)        | `reqwest` then `links::links`       |

use std::collections::HashSet;
use std::error::Error as _;
use std::sync::Arc;

use clap::Parser;
use reqwest::{Client, StatusCode, Url, redirect};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Crawls the web from the given URLs, at most 20 fetches at a time, and
/// exits when everything reachable has been crawled: gopl.io/ch8/crawl2 the
/// Rust way, a tokio task per link.
#[derive(Parser)]
#[command(name = "crawl2_tokio", version)]
struct Args {
    #[command(flatten)]
    crawl: flags::Crawl,

    #[command(flatten)]
    fetch: flags::Fetch,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    // ring as rustls's crypto: reqwest is built without one of its own.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut client = Client::builder().redirect(redirect::Policy::limited(10));
    if !args.fetch.timeout.is_zero() {
        client = client.timeout(args.fetch.timeout);
    }
    let client = client
        .build()
        .unwrap_or_else(|err| common::log_fatal!("{err}"));
    rustway::runtime().block_on(crawl_all(client, args.crawl.urls, args.crawl.concurrency));
}

/// The book's `main` from the worklist on.
async fn crawl_all(client: Client, urls: Vec<String>, concurrency: usize) {
    // tokens is a counting semaphore used to
    // enforce a limit of 20 concurrent requests.
    let tokens = Arc::new(Semaphore::new(concurrency));
    let mut tasks = JoinSet::new();
    let mut seen = HashSet::new();
    // Start with the command-line arguments.
    let mut list = urls;
    loop {
        for link in list {
            if seen.insert(link.clone()) {
                tasks.spawn(crawl(client.clone(), link, Arc::clone(&tokens)));
            }
        }
        // Crawl the web concurrently; the crawl ends when no task is left.
        match tasks.join_next().await {
            Some(result) => list = result.unwrap_or_default(),
            None => break,
        }
    }
}

async fn crawl(client: Client, url: String, tokens: Arc<Semaphore>) -> Vec<String> {
    common::println(&url);
    let list = {
        let _token = tokens.acquire().await; // acquire a token, released when dropped
        extract(&client, &url).await
    };
    list.unwrap_or_else(|err| {
        common::log_print!("{err}");
        Vec::new()
    })
}

/// `links.Extract`: GET `url`, and the links of the page, with Go's errors.
async fn extract(client: &Client, url: &str) -> Result<Vec<String>, String> {
    let get = |why: String| format!("Get {url:?}: {why}");
    let parsed = match Url::parse(url) {
        Ok(parsed) => parsed,
        Err(_) => return Err(get(format!("unsupported protocol scheme {:?}", ""))),
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(get(format!(
            "unsupported protocol scheme {:?}",
            parsed.scheme()
        )));
    }
    let resp = client
        .get(parsed)
        .send()
        .await
        .map_err(|err| get(words(&err)))?;
    if resp.status() != StatusCode::OK {
        return Err(format!("getting {url}: {}", status(resp.status())));
    }
    let base = resp.url().to_string();
    let body = resp
        .bytes()
        .await
        .map_err(|_| format!("parsing {url} as HTML: unexpected EOF"))?;
    Ok(links::links(&base, &body))
}

/// Go's `resp.Status`: `404 Not Found`.
fn status(code: StatusCode) -> String {
    format!(
        "{} {}",
        code.as_u16(),
        code.canonical_reason().unwrap_or("")
    )
}

/// Why a request failed, in Go's words where Go has some.
fn words(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        return "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
            .to_string();
    }
    let mut source = err.source();
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            let addr = err
                .url()
                .and_then(|u| Some(format!("{}:{}", u.host_str()?, u.port_or_known_default()?)))
                .unwrap_or_default();
            return format!("dial tcp {addr}: connect: {}", common::go_error(io));
        }
        source = cause.source();
    }
    err.to_string()
}
