//! `gopl.io/ch8/crawl1`: Crawl1 crawls web links starting with the
//! command-line arguments.
//!
//! This version quickly exhausts available file descriptors
//! due to excessive concurrent calls to links.Extract.
//!
//! Also, it never terminates because the worklist is never closed.
//!
//! It shows the book's first, broken try: a thread per unseen link, each
//! sending the links of its page back to `main` on an unbuffered worklist.
//! crawl2 fixes both faults. Stop it with ^C.
//!
//! ```text
//! $ cargo run -p crawl1 -- https://gopl.io/
//! $ sh -c 'ulimit -n 20; exec target/debug/crawl1 http://localhost:8000/'   # too many open files
//! ```
//!
//! | Go                                       | Rust                                              |
//! |------------------------------------------|---------------------------------------------------|
//! | `worklist := make(chan []string)`        | `let (worklist_tx, worklist) = bounded::<Vec<String>>(0)` |
//! | `for list := range worklist`             | `for list in &worklist`: never ends, as `main` holds `worklist_tx` |
//! | `if !seen[link] { seen[link] = true`     | `if seen.insert(link.clone())`                    |
//! | `go func(link string) { worklist <- crawl(link) }(link)` | `common::go_queued(move \|\| ...)`, moving `link` and a clone of `worklist_tx` in |
//! | `links.Extract(url)`; `log.Print(err)`   | `links::extract(url)`; `common::log_print!("{err}")` |

use std::collections::HashSet;

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
    let (worklist_tx, worklist) = bounded::<Vec<String>>(0);

    // Start with the command-line arguments.
    let tx = worklist_tx.clone();
    common::go(move || {
        let _ = tx.send(args.urls);
    });

    // Crawl the web concurrently.
    let mut seen = HashSet::new();
    for list in &worklist {
        for link in list {
            if seen.insert(link.clone()) {
                let tx = worklist_tx.clone();
                // Never waits for a thread, since they may all be waiting for main.
                common::go_queued(move || {
                    let _ = tx.send(crawl(&link));
                });
            }
        }
    }
}

/// Crawls the web from the given URLs with a thread per link, unbounded:
/// the book's broken first crawler (gopl.io/ch8/crawl1), which runs out of
/// file descriptors and never stops (^C stops it).
///
/// It prints each URL it crawls and logs each error on standard error.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Where to start, such as https://gopl.io/
    #[arg(required = true)]
    urls: Vec<String>,

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
