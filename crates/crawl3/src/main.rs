//! `gopl.io/ch8/crawl3`: Crawl3 crawls web links starting with the
//! command-line arguments.
//!
//! This version uses bounded parallelism.
//! For simplicity, it does not address the termination problem.
//!
//! ```text
//! $ cargo run -p crawl3 -- https://gopl.io/      # ^C to stop it
//! https://gopl.io/
//! https://golang.org/help/
//! ...
//! ```
//!
//! | Go                                          | Rust                                            |
//! |---------------------------------------------|-------------------------------------------------|
//! | `worklist := make(chan []string)`           | `bounded::<Vec<String>>(0)`                      |
//! | `unseenLinks := make(chan string)`          | `bounded::<String>(0)`                           |
//! | `for i := 0; i < 20; i++ { go func() {...}() }` | 20 (`--concurrency`) `thread::spawn`: a fixed number |
//! | `for link := range unseenLinks`             | `while let Some(link) = backlog.recv(&unseen_links)`, which meanwhile starts the kept sends |
//! | `go func() { worklist <- foundLinks }()`    | `backlog.go(move \|\| ...)`: a thread of the budget, or kept until one is free |
//! | `for list := range worklist`                | `for list in &worklist` (never ends: main keeps a sender) |
//! | `seen := make(map[string]bool)`             | `HashSet<String>`, owned by main alone           |
//! | `links.Extract(url)`                        | `links::extract(&url)` (ureq, scraper, url)      |
//!
//! Where Rust differs: every request has a timeout (`--timeout`), and the
//! thread that sends each list back is started through the thread budget
//! (`--max-threads`; see `common::Backlog`).

use std::collections::HashSet;
use std::io::Write;
use std::thread;
use std::time::Duration;

use clap::Parser;
use crossbeam_channel::bounded;

/// Crawls the web from the given URLs with 20 crawler threads; it never
/// stops (^C stops it).
///
/// crawl3 is the book's gopl.io/ch8/crawl3. It prints each URL it crawls
/// and logs each error on standard error.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Where to start, such as https://gopl.io/
    #[arg(required = true)]
    urls: Vec<String>,

    /// How many crawler threads fetch at once (the book's 20; at most 1000)
    // At most 1000: each is a plain thread outside the budget, and a huge
    // number must not reach the system's thread limit.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=1000))]
    concurrency: u32,

    /// How long one fetch may take before it fails (e.g. 500ms, 10s)
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
    timeout: Duration,

    #[command(flatten)]
    threads: common::MaxThreads,
}

fn crawl(url: &str) -> Vec<String> {
    println(url);
    links::extract(url).unwrap_or_else(|err| {
        common::log_print!("{err}");
        Vec::new()
    })
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    common::threads::set_budget(args.threads.budget());
    links::set_timeout(args.timeout);

    let (worklist_tx, worklist) = bounded::<Vec<String>>(0); // lists of URLs, may have duplicates
    let (unseen_links_tx, unseen_links) = bounded::<String>(0); // de-duplicated URLs

    // Add command-line arguments to worklist.
    let tx = worklist_tx.clone();
    let urls = args.urls;
    common::go(move || {
        let _ = tx.send(urls);
    });

    // Create 20 crawler threads to fetch each unseen link
    // (a fixed number: started directly, outside the thread budget).
    for _ in 0..args.concurrency {
        let (unseen_links, worklist) = (unseen_links.clone(), worklist_tx.clone());
        thread::spawn(move || {
            // Sends waiting for a thread: a crawler must never wait for one
            // (common::go), since the budget's threads may all be blocked
            // sending to main while main is blocked handing it a link.
            let mut backlog = common::Backlog::new();
            // Main never closes unseen_links: this loop never ends.
            while let Some(link) = backlog.recv(&unseen_links) {
                let found_links = crawl(&link);
                let worklist = worklist.clone();
                backlog.go(move || {
                    let _ = worklist.send(found_links);
                });
            }
        });
    }

    // The main thread de-duplicates worklist items
    // and sends the unseen ones to the crawlers.
    let mut seen: HashSet<String> = HashSet::new();
    for list in &worklist {
        for link in list {
            if seen.insert(link.clone()) {
                // The crawlers hold the receivers: this cannot fail.
                let _ = unseen_links_tx.send(link);
            }
        }
    }
}

/// Prints `url` and a newline in one write, so that the lines of several
/// threads never mix (Go's `fmt.Println`).
fn println(url: &str) {
    common::must_write(common::stdout().write_all(format!("{url}\n").as_bytes()));
}
