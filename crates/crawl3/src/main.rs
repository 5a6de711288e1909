//! `gopl.io/ch8/crawl3`: Crawl3 crawls web links starting with the
//! command-line arguments.
//!
//! This version uses bounded parallelism.
//! For simplicity, it does not address the termination problem.
//!
//! It shows another way to bound the fetches: 20 long-lived crawler
//! threads take links from `unseen_links`, and `main` alone owns `seen`.
//! A crawler sends what it found from a fresh thread, so that it never
//! waits for `main` while `main` waits to hand it a link (a deadlock).
//!
//! ```text
//! $ cargo run -p crawl3 -- https://gopl.io/      # ^C to stop it
//! ```
//!
//! | Go                                          | Rust                                         |
//! |---------------------------------------------|----------------------------------------------|
//! | `unseenLinks := make(chan string)`          | `bounded::<String>(0)`, a clone of the `Receiver` per crawler |
//! | `for i := 0; i < 20; i++ { go func() {...}() }` | `for _ in 0..20` (`--concurrency`) `thread::spawn` |
//! | `for link := range unseenLinks`             | `for link in unseen_links`                   |
//! | `go func() { worklist <- foundLinks }()`    | `common::go_queued(move \|\| ...)`           |

use std::collections::HashSet;
use std::thread;

use clap::Parser;
use crossbeam_channel::bounded;

fn crawl(url: &str) -> Vec<String> {
    common::println(url);
    links::extract(url).unwrap_or_else(|err| {
        common::log_print!("{err}");
        Vec::new()
    })
}

fn main() {
    let args = command_line();
    let (worklist_tx, worklist) = bounded::<Vec<String>>(0); // lists of URLs, may have duplicates
    let (unseen_links_tx, unseen_links) = bounded::<String>(0); // de-duplicated URLs

    // Add command-line arguments to worklist.
    let tx = worklist_tx.clone();
    common::go(move || {
        let _ = tx.send(args.crawl.urls);
    });

    // Create 20 crawler threads to fetch each unseen link.
    for _ in 0..args.crawl.concurrency {
        let (unseen_links, worklist) = (unseen_links.clone(), worklist_tx.clone());
        // A fixed number, each for ever: outside the thread budget.
        thread::spawn(move || {
            for link in unseen_links {
                let found_links = crawl(&link);
                let worklist = worklist.clone();
                // Never waits for a thread either: main may be waiting for us.
                common::go_queued(move || {
                    let _ = worklist.send(found_links);
                });
            }
        });
    }

    // The main thread de-duplicates worklist items
    // and sends the unseen ones to the crawlers.
    let mut seen = HashSet::new();
    for list in &worklist {
        for link in list {
            if seen.insert(link.clone()) {
                let _ = unseen_links_tx.send(link);
            }
        }
    }
}

/// Crawls the web from the given URLs with 20 crawler threads (see
/// --concurrency), and never stops (^C stops it): gopl.io/ch8/crawl3.
///
/// It prints each URL it crawls and logs each error on standard error.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    crawl: flags::Crawl,

    #[command(flatten)]
    fetch: flags::Fetch,

    #[command(flatten)]
    threads: flags::MaxThreads,
}

/// Parses the command line, and sets up what its flags say.
fn command_line() -> Args {
    common::raise_open_file_limit(); // as every Go program does at start
    let args = Args::parse();
    common::threads::set_budget(args.threads.budget());
    links::set_timeout(args.fetch.timeout);
    args
}
