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
use std::time::Duration;

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
    let tokens = bounded::<()>(args.concurrency);
    let (worklist_tx, worklist) = bounded::<Vec<String>>(0);
    let mut n = 0; // number of pending sends to worklist

    // Start with the command-line arguments.
    n += 1;
    let tx = worklist_tx.clone();
    common::go(move || {
        let _ = tx.send(args.urls);
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
    /// Where to start, such as https://gopl.io/
    #[arg(required = true)]
    urls: Vec<String>,

    /// The most fetches at once, 1 to 1000 (the book's 20 tokens)
    #[arg(long, default_value_t = 20,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1000))]
    concurrency: usize,

    /// How long one fetch may take, at most a year (e.g. 500ms, 10s); 0s
    /// for no limit, as Go's http.Get (Client.Timeout 0 means none)
    #[arg(long, default_value = "30s", value_parser = flags::duration)]
    timeout: Duration,

    #[command(flatten)]
    threads: flags::MaxThreads,
}

/// Parses the command line, and sets up what its flags say.
fn command_line() -> Args {
    common::raise_open_file_limit(); // as every Go program does at start
    let args = Args::parse();
    common::threads::set_budget(args.threads.budget());
    links::set_timeout(args.timeout);
    args
}
