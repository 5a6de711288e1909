//! `gopl.io/ch8/crawl2`: Crawl2 crawls web links starting with the
//! command-line arguments.
//!
//! This version uses a buffered channel as a counting semaphore
//! to limit the number of concurrent calls to links.Extract.
//!
//! ```text
//! $ cargo run -p crawl2 -- https://gopl.io/
//! https://gopl.io/
//! https://golang.org/help/
//! ...
//! ```
//!
//! It prints every URL it crawls, once, logs the errors on standard error,
//! and exits when everything reachable has been crawled (it may take a
//! while on the real web).
//!
//! | Go                                          | Rust                                            |
//! |---------------------------------------------|-------------------------------------------------|
//! | `var tokens = make(chan struct{}, 20)`      | `common::threads::Tokens::new(20)` (`--concurrency`) |
//! | `tokens <- struct{}{}` ... `<-tokens`       | `let token = tokens.acquire();` ... `drop(token)` |
//! | `worklist := make(chan []string)`           | `bounded::<Vec<String>>(0)`                      |
//! | `var n int`; `n++`; `for ; n > 0; n--`      | the same counter, `n += 1`, `while n > 0`        |
//! | `seen := make(map[string]bool)`             | `HashSet<String>`; `seen.insert(link)` is `!seen[link]` and `seen[link] = true` at once |
//! | `go func(link string) { worklist <- crawl(link) }(link)` | `backlog.go(move \|\| ...)`: a thread of the budget, or kept until one is free |
//! | `list := <-worklist`                        | `backlog.recv(&worklist)`, which meanwhile starts the kept links |
//! | `links.Extract(url)`                        | `links::extract(&url)` (ureq, scraper, url)      |
//! | `log.Print(err)`                            | `common::log_print!("{err}")`                    |
//!
//! Where Rust differs: every request has a timeout (`--timeout`), and a
//! thread is not a goroutine, so the threads per link are bounded by
//! `--max-threads` (see `main`).

use std::collections::HashSet;
use std::io::Write;
use std::time::Duration;

use clap::Parser;
use common::threads::Tokens;
use crossbeam_channel::bounded;

/// Crawls the web from the given URLs, at most 20 fetches at a time, and
/// stops when everything reachable has been crawled.
///
/// crawl2 is the book's gopl.io/ch8/crawl2. It prints each URL it crawls
/// and logs each error (a bad status, a refused connection...) on standard
/// error.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Where to start, such as https://gopl.io/
    #[arg(required = true)]
    urls: Vec<String>,

    /// The most fetches in flight at once (the book's 20 tokens)
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    concurrency: u32,

    /// How long one fetch may take before it fails (e.g. 500ms, 10s)
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
    timeout: Duration,

    #[command(flatten)]
    threads: common::MaxThreads,
}

fn crawl(url: &str, tokens: &Tokens) -> Vec<String> {
    println(url);
    let token = tokens.acquire(); // acquire a token
    let list = links::extract(url);
    drop(token); // release the token

    list.unwrap_or_else(|err| {
        common::log_print!("{err}");
        Vec::new()
    })
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    common::threads::set_budget(args.threads.budget());
    links::set_timeout(args.timeout);
    // tokens is a counting semaphore used to
    // enforce a limit of 20 concurrent requests.
    let tokens = Tokens::new(args.concurrency as usize);

    let (worklist_tx, worklist) = bounded::<Vec<String>>(0);
    let mut n = 0; // number of pending sends to worklist

    // Start with the command-line arguments.
    n += 1;
    let tx = worklist_tx.clone();
    let urls = args.urls;
    common::go(move || {
        let _ = tx.send(urls);
    });

    // Links waiting for a thread: main must never wait for one (common::go),
    // since every thread may be blocked sending to it (see common::Backlog).
    let mut backlog = common::Backlog::new();

    // Crawl the web concurrently.
    let mut seen: HashSet<String> = HashSet::new();
    while n > 0 {
        // Main holds a sender: the worklist is never closed.
        let Some(list) = backlog.recv(&worklist) else {
            break;
        };
        n -= 1;
        for link in list {
            if seen.insert(link.clone()) {
                n += 1;
                let (tx, tokens) = (worklist_tx.clone(), tokens.clone());
                backlog.go(move || {
                    let _ = tx.send(crawl(&link, &tokens));
                });
            }
        }
    }
}

/// Prints `url` and a newline in one write, so that the lines of several
/// threads never mix (Go's `fmt.Println`).
fn println(url: &str) {
    common::must_write(common::stdout().write_all(format!("{url}\n").as_bytes()));
}
