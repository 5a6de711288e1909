//! Exercise 8.6: add depth-limiting to the concurrent crawler: with
//! `--depth 3`, only URLs reachable by at most three links from the start
//! are fetched.
//!
//! A solution to an exercise of gopl.io/ch8, grown from
//! `gopl.io/ch8/crawl2` (`crates/crawl2`): the same semaphore of 20 tokens,
//! the same counter `n`, so it ends when the crawl is done.
//!
//! ```text
//! $ cargo run -p exercises --bin crawl_depth -- --depth 1 https://gopl.io/
//! ```
//!
//! What is new, in ideas: each list on the worklist says how far from the
//! start its links are, so main knows the depth of every link it sees. The
//! start URLs are at depth 0; the links found on a page at depth d are at
//! depth d + 1, and a link deeper than `--depth` is not followed.
//!
//! Concurrency makes "reachable by at most N links" subtle: pages come
//! back in any order, so a page may first be reached by a long path, its
//! links judged too deep, and a shorter path turn up later. The usual
//! answer (mark it seen at the first depth) then misses pages within
//! reach. Here `seen` keeps the smallest depth each page was fetched at;
//! a page reached again by a shorter path is fetched again, so that its
//! links get their due depth, but it is printed only once.
//!
//! | Go (a solution)                                   | Rust                                      |
//! |---------------------------------------------------|-------------------------------------------|
//! | `flag.Int("depth", 3, ...)`                        | clap, `--depth N`                          |
//! | `type work struct { depth int; links []string }`  | `struct Work { depth, links }`              |
//! | `worklist := make(chan work)`                      | `bounded::<Work>(0)`                        |
//! | `seen := make(map[string]int)`                     | `HashMap<String, usize>`: the smallest depth fetched at |
//! | `go func() { worklist <- work{d + 1, crawl(link)} }()` | `backlog.go(move \|\| ...)`; `backlog.recv(&worklist)` is `<-worklist` (as in crawl2) |

use std::collections::HashMap;
use std::io::Write;
use std::time::Duration;

use clap::Parser;
use common::threads::Tokens;
use crossbeam_channel::bounded;

/// Crawls the web from the given URLs, following links at most --depth
/// deep (exercise 8.6 of gopl.io/ch8, grown from gopl.io/ch8/crawl2).
///
/// It prints each URL it fetches, once, logs each error, and exits when
/// everything within reach has been crawled.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Where to start, such as https://gopl.io/
    #[arg(required = true)]
    urls: Vec<String>,

    /// How many links deep to go: 0 fetches the start URLs alone
    #[arg(long, default_value_t = 3)]
    depth: usize,

    /// The most fetches in flight at once (the book's 20 tokens)
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    concurrency: u32,

    /// How long one fetch may take before it fails (e.g. 500ms, 10s)
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
    timeout: Duration,

    #[command(flatten)]
    threads: common::MaxThreads,
}

/// Links found together, all at `depth` links from the start.
struct Work {
    depth: usize,
    links: Vec<String>,
}

/// Fetches `url` and returns its links; prints `url` unless it was
/// printed before (a refetch for a shorter path).
fn crawl(url: &str, print: bool, tokens: &Tokens) -> Vec<String> {
    if print {
        common::must_write(common::stdout().write_all(format!("{url}\n").as_bytes()));
    }
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
    let tokens = Tokens::new(args.concurrency as usize);

    let (worklist_tx, worklist) = bounded::<Work>(0);
    let mut n = 0; // number of pending sends to worklist

    // Start with the command-line arguments, at depth 0.
    n += 1;
    let tx = worklist_tx.clone();
    let urls = args.urls;
    common::go(move || {
        let _ = tx.send(Work {
            depth: 0,
            links: urls,
        });
    });

    // Links waiting for a thread: as in crawl2, main must never wait for
    // one (common::go), since the threads may all wait for main.
    let mut backlog = common::Backlog::new();

    let mut seen: HashMap<String, usize> = HashMap::new();
    while n > 0 {
        // Main holds a sender: the worklist cannot be closed.
        let Some(Work { depth, links }) = backlog.recv(&worklist) else {
            break;
        };
        n -= 1;
        if depth > args.depth {
            continue; // too deep to follow
        }
        for link in links {
            let before = seen.get(&link).copied();
            if before.is_none_or(|d| depth < d) {
                seen.insert(link.clone(), depth);
                n += 1;
                let (tx, tokens, print) = (worklist_tx.clone(), tokens.clone(), before.is_none());
                backlog.go(move || {
                    let links = crawl(&link, print, &tokens);
                    let _ = tx.send(Work {
                        depth: depth + 1,
                        links,
                    });
                });
            }
        }
    }
}
