//! `gopl.io/ch8/crawl1`: Crawl1 crawls web links starting with the
//! command-line arguments.
//!
//! This version quickly exhausts available file descriptors
//! due to excessive concurrent calls to links.Extract.
//!
//! Also, it never terminates because the worklist is never closed.
//!
//! Both are on purpose: this is the book's broken first try, which crawl2
//! fixes. Stop it with ^C.
//!
//! ```text
//! $ cargo run -p crawl1 -- https://gopl.io/
//! https://gopl.io/
//! https://golang.org/help/
//! ...
//! 2015/07/15 18:22:12 Get ...: dial tcp: lookup blog.golang.org: no such host
//! 2015/07/15 18:22:12 Get ...: dial tcp 23.21.222.120:443: socket:
//!                                                         too many open files
//! ...
//! ```
//!
//! To see the second line fail on a small site, lower the open-file limit
//! (soft and hard, since the program raises soft to hard as Go does):
//! `sh -c 'ulimit -n 20; exec target/debug/crawl1 http://localhost:8000/'`.
//!
//! | Go                                          | Rust                                            |
//! |---------------------------------------------|-------------------------------------------------|
//! | `worklist := make(chan []string)`           | `bounded::<Vec<String>>(0)`                      |
//! | `go func() { worklist <- os.Args[1:] }()`   | `common::go(move \|\| { let _ = tx.send(urls); })` |
//! | `for list := range worklist`                | `while let Some(list) = backlog.recv(&worklist)`, which meanwhile starts the kept links (never ends: main keeps a sender) |
//! | `seen := make(map[string]bool)`             | `HashSet<String>`; `seen.insert(link)` is `!seen[link]` and `seen[link] = true` at once |
//! | `go func(link string) { worklist <- crawl(link) }(link)` | `backlog.go(move \|\| ...)`: a thread of the budget, or kept until one is free |
//! | `links.Extract(url)`                        | `links::extract(&url)` (ureq, scraper, url)      |
//! | `log.Print(err)`                            | `common::log_print!("{err}")`                    |
//!
//! Where Rust differs: every request has a timeout (`--timeout`), and a
//! thread is not a goroutine: the threads per link are bounded by
//! `--max-threads` (by default what the system allows, about 16,000), far
//! above what the open-file limit lets through, so the book's failure
//! still shows.

use std::collections::HashSet;
use std::io::Write;
use std::time::Duration;

use clap::Parser;
use crossbeam_channel::bounded;

/// Crawls the web from the given URLs with a thread per link, unbounded:
/// the book's broken first crawler, which runs out of file descriptors and
/// never stops (^C stops it).
///
/// crawl1 is the book's gopl.io/ch8/crawl1. It prints each URL it crawls
/// and logs each error on standard error.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Where to start, such as https://gopl.io/
    #[arg(required = true)]
    urls: Vec<String>,

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

    let (worklist_tx, worklist) = bounded::<Vec<String>>(0);

    // Start with the command-line arguments.
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
    // Main holds a sender: the worklist is never closed, as in Go.
    while let Some(list) = backlog.recv(&worklist) {
        for link in list {
            if seen.insert(link.clone()) {
                let tx = worklist_tx.clone();
                backlog.go(move || {
                    let _ = tx.send(crawl(&link));
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
