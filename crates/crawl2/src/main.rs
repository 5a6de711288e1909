//! `gopl.io/ch8/crawl2`: Crawl2 crawls web links starting with the
//! command-line arguments.
//!
//! This version uses a buffered channel as a counting semaphore
//! to limit the number of concurrent calls to links.Extract.
//!
//! It fixes both faults of crawl1: at most 20 fetches run at once, and the
//! counter `n` of pending sends to the worklist ends the crawl when
//! everything reachable has been crawled.
//!
//! ```text
//! $ cargo run -p crawl2 -- https://gopl.io/
//! ```
//!
//! | Go                                     | Rust                                                 |
//! |----------------------------------------|------------------------------------------------------|
//! | `var tokens = make(chan struct{}, 20)` | `let tokens = bounded::<()>(20)` (`--concurrency`): both ends, a clone per thread |
//! | `tokens <- struct{}{}` ... `<-tokens`  | `tokens.0.send(())` ... `tokens.1.recv()`            |
//! | `var n int`; `n++`                     | `let mut n = 0`; `n += 1`                            |
//! | `for ; n > 0; n-- { list := <-worklist` | `while n > 0 { worklist.recv()` ... `n -= 1 }`      |

use std::collections::HashSet;

use clap::Parser;
use crossbeam_channel::{Receiver, Sender, bounded};

// tokens comes from main, where --concurrency sets its size.
fn crawl(url: &str, tokens: &(Sender<()>, Receiver<()>)) -> Vec<String> {
    common::println(url);
    let _ = tokens.0.send(()); // acquire a token
    let list = links::extract(url);
    let _ = tokens.1.recv(); // release the token

    list.unwrap_or_else(|err| {
        common::log_print!("{err}");
        Vec::new()
    })
}

fn main() {
    let args = command_line();
    // tokens is a counting semaphore used to
    // enforce a limit of 20 concurrent requests.
    let tokens = bounded::<()>(args.crawl.concurrency);
    let (worklist_tx, worklist) = bounded::<Vec<String>>(0);
    let mut n = 0; // number of pending sends to worklist

    // Start with the command-line arguments.
    n += 1;
    let tx = worklist_tx.clone();
    common::go(move || {
        let _ = tx.send(args.crawl.urls);
    });

    // Crawl the web concurrently.
    let mut seen = HashSet::new();
    while n > 0 {
        let Ok(list) = worklist.recv() else { break }; // never: main holds a Sender
        for link in list {
            if seen.insert(link.clone()) {
                n += 1;
                let (tx, tokens) = (worklist_tx.clone(), tokens.clone());
                // Never waits for a thread, since they may all be waiting for main.
                common::go_queued(move || {
                    let _ = tx.send(crawl(&link, &tokens));
                });
            }
        }
        n -= 1;
    }
}

/// Crawls the web from the given URLs, at most 20 fetches at a time, and
/// exits when everything reachable has been crawled (gopl.io/ch8/crawl2).
///
/// It prints each URL it crawls, once, and logs each error (a bad status,
/// a refused connection...) on standard error.
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
