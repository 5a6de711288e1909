//! Exercise 8.7: a concurrent program that creates a local mirror of a web
//! site, fetching each reachable page and writing it to a directory on the
//! local disk, with its links altered to refer to the mirrored pages.
//!
//! Grown from `gopl.io/ch8/crawl2` (the same 20 tokens, the same counter
//! `n`, a thread per link). Only URLs of the start URL's scheme, host and
//! port are fetched: the pages, and the images, stylesheets and scripts
//! they use, as `wget --mirror --page-requisites` does. Once the crawl is
//! over, main knows what was saved, and each saved page's links become
//! relative links to the saved files (see `files` for the names, `html`
//! for the rewriting), so the copy browses offline from `file://`.
//!
//! ```text
//! $ cargo run -p exercises --bin mirror -- http://127.0.0.1:8080/
//! $ cargo run -p exercises --bin mirror -- --out copy https://gopl.io/
//! ```
//!
//! | Go (a solution)                                    | Rust                                |
//! |----------------------------------------------------|-------------------------------------|
//! | `worklist := make(chan []string)`                  | `bounded::<Crawled>(0)`: the links and what was saved |
//! | `if u.Host != origHost { continue }`               | `if link.origin() != domain { continue }` |
//! | `os.MkdirAll`, `os.Create`, `io.Copy`              | `files::save`: checked names, a temporary file, then `rename` |
//! | `html.Parse`, then `html.Render` of the changed tree | `lol_html`: only the changed attributes differ, byte for byte |

mod fetch;
mod files;
mod html;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use crossbeam_channel::{Receiver, Sender, bounded};
use url::Url;

use crate::files::Saved;

/// What crawling one URL gives back to main: the links of the page, and
/// where it was saved (`None`: not saved, or the start of the crawl).
struct Crawled {
    url: Option<Url>,
    saved: Option<Saved>,
    links: Vec<Url>,
}

/// What every crawling thread needs, shared.
struct Mirror {
    agent: ureq::Agent,
    out: PathBuf,
}

// Unlike crawl2's, it prints a URL once it is saved, not before it is fetched.
fn crawl(url: Url, tokens: &(Sender<()>, Receiver<()>), mirror: &Mirror) -> Crawled {
    let _ = tokens.0.send(()); // acquire a token
    let page = fetch::get(&mirror.agent, &url);
    let _ = tokens.1.recv(); // release the token

    let saved = page.and_then(|page| {
        let path = files::local_path(&url, page.html);
        files::write(&mirror.out, &path, &page.body)
            .map_err(|err| format!("saving {url}: {}", common::go_error(&err)))?;
        common::println(url.as_str());
        let links = match page.html {
            true => html::links(&page.body, &page.final_url),
            false => Vec::new(),
        };
        let (base, html) = (page.final_url, page.html);
        Ok((Saved { path, base, html }, links))
    });
    match saved {
        Ok((saved, links)) => Crawled {
            url: Some(url),
            saved: Some(saved),
            links,
        },
        Err(err) => {
            common::log_print!("{err}");
            Crawled {
                url: Some(url),
                saved: None,
                links: Vec::new(),
            }
        }
    }
}

fn main() {
    let args = command_line();
    let start = args.url;
    let domain = start.origin(); // scheme, host and port
    let out = args.out.unwrap_or_else(|| files::default_out(&start));
    let mirror = Arc::new(Mirror {
        agent: fetch::agent(args.timeout, args.concurrency),
        out,
    });
    // tokens is a counting semaphore used to
    // enforce a limit of 20 concurrent requests.
    let tokens = bounded::<()>(args.concurrency);
    let (worklist_tx, worklist) = bounded::<Crawled>(0);
    let mut n = 0; // number of pending sends to worklist

    // Start with the command-line argument.
    n += 1;
    let tx = worklist_tx.clone();
    let links = vec![start.clone()];
    common::go(move || {
        let _ = tx.send(Crawled {
            url: None,
            saved: None,
            links,
        });
    });

    // Crawl the site concurrently.
    let mut seen = HashSet::new();
    let mut mirrored: HashMap<Url, Saved> = HashMap::new(); // what was saved, and where
    while n > 0 {
        let Ok(crawled) = worklist.recv() else { break }; // never: main holds a Sender
        if let (Some(url), Some(saved)) = (crawled.url, crawled.saved) {
            mirrored.insert(url, saved);
        }
        for link in crawled.links {
            // Only pages within the original domain, and --max-pages of them.
            if link.origin() == domain && seen.len() < args.max_pages && seen.insert(link.clone()) {
                n += 1;
                let (tx, tokens, mirror) = (worklist_tx.clone(), tokens.clone(), mirror.clone());
                // Never waits for a thread, since they may all be waiting for main.
                common::go_queued(move || {
                    let _ = tx.send(crawl(link, &tokens, &mirror));
                });
            }
        }
        n -= 1;
    }

    // Now that all is saved, point each saved page's links at the copy.
    for saved in mirrored.values() {
        if let Err(err) = html::rewrite(&mirror.out, saved, &domain, &mirrored) {
            common::log_print!("{err}");
        }
    }
    if !mirrored.contains_key(&start) {
        std::process::exit(1);
    }
}

/// Mirrors the web site at URL into a folder, at most 20 fetches at a time
/// (exercise 8.7 of gopl.io/ch8, grown from gopl.io/ch8/crawl2).
///
/// It fetches every page reachable on URL's scheme, host and port, and the
/// images, stylesheets and scripts they use, saves each in the folder, and
/// rewrites the links of the saved pages to point at the saved files, so
/// that the copy browses offline. It prints each URL it saves, logs each
/// error, and exits with status 1 if URL itself could not be saved.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The site to mirror, from this page on, such as http://127.0.0.1:8080/
    #[arg(value_parser = start_url)]
    url: Url,

    /// The folder of the copy (default: the URL's host, and :port if it has one, as wget names it)
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,

    /// The most URLs to fetch, 1 or more (default: all that are reachable)
    #[arg(long, default_value_t = usize::MAX, hide_default_value = true,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    max_pages: usize,

    /// The most fetches at once, 1 to 1000 (the book's 20 tokens)
    #[arg(long, default_value_t = 20,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1000))]
    concurrency: usize,

    /// How long one fetch may take, at most a year (e.g. 500ms, 10s)
    #[arg(long, default_value = "30s", value_parser = flags::positive_duration)]
    timeout: Duration,

    #[command(flatten)]
    threads: flags::MaxThreads,
}

/// An http or https URL, without its fragment.
fn start_url(text: &str) -> Result<Url, String> {
    let mut url = Url::parse(text).map_err(|err| format!("parse {text:?}: {err}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "unsupported protocol scheme {:?}: an http or https URL is needed",
            url.scheme()
        ));
    }
    url.set_fragment(None);
    Ok(url)
}

/// Parses the command line, and sets up what its flags say.
fn command_line() -> Args {
    common::raise_open_file_limit(); // as every Go program does at start
    let args = Args::parse();
    common::threads::set_budget(args.threads.budget());
    args
}
