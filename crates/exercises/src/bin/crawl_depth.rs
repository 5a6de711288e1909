//! Exercise 8.6: add depth-limiting to the concurrent crawler: with
//! `--depth 3`, only URLs reachable by at most three links are fetched.
//!
//! Grown from `gopl.io/ch8/crawl2` (the same 20 tokens, the same counter
//! `n`). Each list on the worklist carries the depth of its links: the
//! start URLs are at 0, the links of a page at depth d at d + 1. Pages come
//! back in any order, so a page first reached by a long path may be reached
//! later by a shorter one: `seen` keeps the smallest depth each URL was
//! fetched at, and such a page is fetched again (printed once) so that its
//! links get their due depth.
//!
//! ```text
//! $ cargo run -p exercises --bin crawl_depth -- --depth 1 https://gopl.io/
//! ```
//!
//! | Go (a solution)                                   | Rust                               |
//! |---------------------------------------------------|------------------------------------|
//! | `type work struct { depth int; links []string }`  | `struct Work { depth, links }`     |
//! | `seen := make(map[string]int)`                    | `HashMap<String, usize>`           |
//! | `go func() { worklist <- work{d + 1, crawl(link)} }()` | `common::go_queued(move \|\| ...)`, as in crawl2 |

use std::collections::HashMap;

use clap::Parser;
use crossbeam_channel::{Receiver, Sender, bounded};

/// Links found together, all at `depth` links from the start.
struct Work {
    depth: usize,
    links: Vec<String>,
}

/// Fetches `url` and returns its links; prints `url` unless it was
/// printed before (a refetch for a shorter path).
fn crawl(url: &str, print: bool, tokens: &(Sender<()>, Receiver<()>)) -> Vec<String> {
    if print {
        common::println(url);
    }
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
    let tokens = bounded::<()>(args.crawl.concurrency); // the counting semaphore, as in crawl2
    let (worklist_tx, worklist) = bounded::<Work>(0);
    let mut n = 0; // number of pending sends to worklist

    // Start with the command-line arguments, at depth 0.
    n += 1;
    let tx = worklist_tx.clone();
    common::go(move || {
        let links = args.crawl.urls;
        let _ = tx.send(Work { depth: 0, links });
    });

    let mut seen: HashMap<String, usize> = HashMap::new(); // the smallest depth fetched at
    while n > 0 {
        let Ok(Work { depth, links }) = worklist.recv() else {
            break;
        }; // never: main holds a Sender
        n -= 1;
        if depth > args.depth {
            continue; // too deep to follow
        }
        for link in links {
            let before = seen.get(&link).copied();
            if before.is_none_or(|d| depth < d) {
                seen.insert(link.clone(), depth);
                n += 1;
                let (tx, tokens) = (worklist_tx.clone(), tokens.clone());
                // Never waits for a thread, since they may all be waiting for main.
                common::go_queued(move || {
                    let links = crawl(&link, before.is_none(), &tokens);
                    let _ = tx.send(Work {
                        depth: depth + 1,
                        links,
                    });
                });
            }
        }
    }
}

/// Crawls the web from the given URLs, following links at most --depth
/// deep (exercise 8.6 of gopl.io/ch8, grown from gopl.io/ch8/crawl2).
///
/// It prints each URL it fetches, once, logs each error, and exits when
/// everything within reach has been crawled.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// How many links deep to go, 0 to 1000: 0 fetches the start URLs alone
    #[arg(long, default_value_t = 3,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=1000))]
    depth: usize,

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
