//! Exercise 8.10: make the concurrent crawler cancellable: when input is
//! detected, close a `done` channel, and cancel the HTTP requests in
//! flight (Go: `http.Request.Cancel`).
//!
//! A solution to an exercise of gopl.io/ch8, grown from
//! `gopl.io/ch8/crawl2` (`crates/crawl2`) with the cancellation of
//! `gopl.io/ch8/du4` (`crates/du4`).
//!
//! ```text
//! $ cargo run -p exercises --bin crawl_cancel -- https://gopl.io/
//! https://gopl.io/
//! ...                 (press return: it stops at once)
//! ```
//!
//! With standard input at end of file (`< /dev/null`) it cancels at once,
//! as du4 does.
//!
//! What is new, in ideas:
//! - `done` is closed to broadcast cancellation, as in du4: a thread reads
//!   one byte of standard input, then drops the only sender of `done`, so
//!   that every receive on it succeeds at once, for ever.
//! - Cancelling a request is closing its connection. In Go each request
//!   carries `Cancel: done`; ureq's blocking calls take no such channel,
//!   but every crawl uses clones of one `Agent`, and `Agent::shutdown`
//!   closes all of its connections: a request blocked reading a slow
//!   server fails at once, and new ones fail without connecting. So the
//!   reader of standard input, after closing `done`, shuts the agent down.
//!   (A connect or name lookup in progress is not interrupted: those end
//!   within `--timeout`.)
//! - A crawl waiting for a token gives up on `done` (`select` over the
//!   semaphore and `done`, as du4's `dirents`), and one not yet started
//!   does nothing.
//! - Main, on `done`, drops the links not yet started and drains the
//!   worklist until every crawl thread has sent its list (`n` reaches 0),
//!   as du4 drains `fileSizes`: so when it returns, no thread of the crawl
//!   is left, and it returns promptly because nothing in flight waits out
//!   a timeout. Main checks `done` after each list rather than in a
//!   `select` beside the worklist, since `Backlog::recv` (which starts the
//!   links kept for a thread) receives from one channel; it hears of `done`
//!   at once even so, because every crawl in flight then ends and sends.
//!
//! | Go                                        | Rust                                           |
//! |-------------------------------------------|------------------------------------------------|
//! | `done := make(chan struct{})`             | `bounded::<()>(0)`; the reader holds the only sender |
//! | `os.Stdin.Read(...)`; `close(done)`       | `stdin().read(...)`; `drop(done_tx)`           |
//! | `req.Cancel = done`; `http.DefaultClient.Do(req)` | `links::extract_with(&agent, url)`; `agent.shutdown()` after `close(done)` |
//! | `select { case <-done: return true; default: return false }` | `cancelled(&done)`: `done.try_recv()` is `Disconnected` |
//! | `select { case tokens <- struct{}{}: case <-done: return nil }` | `select! { send(tokens, ()) -> _ => {}, recv(done) -> _ => return }` |
//! | `for { select { case <-done: for range worklist {}; return ... } }` | after each list, `if cancelled(&done)`: drain `n` lists, then return |
//! | `go func(link string) { worklist <- crawl(link) }(link)` | `backlog.go(move \|\| ...)`; `backlog.recv(&worklist)` is `<-worklist` (as in crawl2) |

use std::collections::HashSet;
use std::io::{Read, Write};
use std::time::Duration;

use clap::Parser;
use crossbeam_channel::{Receiver, Sender, bounded, select};
use ureq::Agent;

/// Crawls the web from the given URLs, at most 20 fetches at a time, until
/// everything reachable is crawled or input arrives on standard input
/// (exercise 8.10 of gopl.io/ch8, grown from gopl.io/ch8/crawl2 and du4).
///
/// On input it stops at once: requests in flight are cancelled, no new
/// page is fetched, and it exits with status 0.
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

    /// On cancellation, log how many threads are left besides main when it
    /// returns (the book's debugging trick, for the tests)
    #[arg(long, hide = true)]
    report_threads: bool,
}

/// What every crawl thread shares.
#[derive(Clone)]
struct Crawler {
    agent: Agent,
    tokens: Sender<()>,
    tokens_back: Receiver<()>,
    done: Receiver<()>,
}

/// Whether `done` is closed.
fn cancelled(done: &Receiver<()>) -> bool {
    done.try_recv().is_err_and(|err| err.is_disconnected())
}

fn crawl(url: &str, c: &Crawler) -> Vec<String> {
    if cancelled(&c.done) {
        return Vec::new();
    }
    common::must_write(common::stdout().write_all(format!("{url}\n").as_bytes()));
    select! {
        send(c.tokens, ()) -> _ => {} // acquire a token
        recv(c.done) -> _ => return Vec::new(), // cancelled
    }
    let list = links::extract_with(&c.agent, url);
    let _ = c.tokens_back.recv(); // release the token

    match list {
        Ok(list) => list,
        // A request cut short by the cancellation is no error to report.
        Err(_) if cancelled(&c.done) => Vec::new(),
        Err(err) => {
            common::log_print!("{err}");
            Vec::new()
        }
    }
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    common::threads::set_budget(args.threads.budget());

    let agent = links::agent(args.timeout);
    let (done_tx, done) = bounded::<()>(0);
    let (tokens, tokens_back) = bounded::<()>(args.concurrency as usize);
    let crawler = Crawler {
        agent: agent.clone(),
        tokens,
        tokens_back,
        done: done.clone(),
    };

    // Cancel the traversal when input is detected. One thread, outside
    // the budget.
    std::thread::spawn(move || {
        let _ = std::io::stdin().read(&mut [0]);
        drop(done_tx); // close(done)
        agent.shutdown(); // cancel the requests in flight
    });

    let (worklist_tx, worklist) = bounded::<Vec<String>>(0);
    let mut n = 0; // number of pending sends to worklist

    // Start with the command-line arguments.
    n += 1;
    let tx = worklist_tx.clone();
    let urls = args.urls;
    common::go(move || {
        let _ = tx.send(urls);
    });

    // Links waiting for a thread: as in crawl2, main must never wait for
    // one (common::go), since the threads may all wait for main.
    let mut backlog = common::Backlog::new();

    let mut seen: HashSet<String> = HashSet::new();
    while n > 0 {
        // Main holds a sender: the worklist cannot be closed.
        let Some(list) = backlog.recv(&worklist) else {
            return;
        };
        n -= 1;
        if cancelled(&done) {
            // Cancelled: forget the links not started, and let every
            // crawl in flight finish, which it does at once.
            n -= backlog.len();
            for _ in 0..n {
                let _ = worklist.recv();
            }
            if args.report_threads {
                common::log_print!("threads left besides main: {}", threads_left());
            }
            return;
        }
        for link in list {
            if seen.insert(link.clone()) {
                n += 1;
                let (tx, c) = (worklist_tx.clone(), crawler.clone());
                backlog.go(move || {
                    let _ = tx.send(crawl(&link, &c));
                });
            }
        }
    }
}

/// How many threads this process has besides the main one, once those
/// that are ending have ended (waiting up to a second for them).
fn threads_left() -> usize {
    let mut count = 0;
    for _ in 0..50 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        count = status
            .lines()
            .find_map(|line| line.strip_prefix("Threads:"))
            .and_then(|n| n.trim().parse::<usize>().ok())
            .unwrap_or(1);
        if count <= 1 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    count.saturating_sub(1)
}
