//! Exercise 8.10: make the concurrent crawler cancellable: when input is
//! detected, close a `done` channel, and cancel the HTTP requests in
//! flight (Go: `http.Request.Cancel`).
//!
//! Grown from `gopl.io/ch8/crawl2`, with the cancellation of
//! `gopl.io/ch8/du4`: closing `done` (dropping its only `Sender`) tells
//! every thread at once. A crawl not yet started does nothing, one waiting
//! for a token gives up, and requests in flight fail at once, since every
//! crawl uses a clone of one ureq `Agent` and `Agent::shutdown` closes all
//! its connections (a connect in progress still ends at `--timeout`, or
//! the system's connect timeout with `--timeout 0s`).
//! `main` then drains the worklist until every crawl has sent its list, so
//! no thread of the crawl is left when it returns.
//!
//! ```text
//! $ cargo run -p exercises --bin crawl_cancel -- https://gopl.io/
//! https://gopl.io/
//! ...                 (press return: it stops at once)
//! ```
//!
//! | Go (a solution)                           | Rust                                           |
//! |-------------------------------------------|------------------------------------------------|
//! | `os.Stdin.Read(...)`; `close(done)`       | `stdin().read(...)`; `drop(done_tx)`           |
//! | `req.Cancel = done`; `http.DefaultClient.Do(req)` | `links::extract_with(&agent, url)`; `agent.shutdown()` after `close(done)` |
//! | `select { case tokens <- struct{}{}: case <-done: return nil }` | `select! { send(tokens.0, ()) -> _ => {}, recv(done) -> _ => return ... }` |
//! | `case <-done: for range worklist {}`      | `if cancelled(&done)`: receive the `n` lists still to come, return |

use std::collections::HashSet;
use std::io::Read;
use std::thread;

use clap::Parser;
use crossbeam_channel::{Receiver, Sender, bounded, select};
use ureq::Agent;

/// What every crawl thread shares.
#[derive(Clone)]
struct Crawler {
    agent: Agent,
    tokens: (Sender<()>, Receiver<()>),
    done: Receiver<()>,
}

fn cancelled(done: &Receiver<()>) -> bool {
    select! {
        recv(done) -> _ => true,
        default => false,
    }
}

fn crawl(url: &str, c: &Crawler) -> Vec<String> {
    if cancelled(&c.done) {
        return Vec::new();
    }
    common::println(url);
    select! {
        send(c.tokens.0, ()) -> _ => {} // acquire a token
        recv(c.done) -> _ => return Vec::new(), // cancelled
    }
    let list = links::extract_with(&c.agent, url);
    let _ = c.tokens.1.recv(); // release the token

    match list {
        Ok(list) => list,
        Err(_) if cancelled(&c.done) => Vec::new(), // cut short: no error
        Err(err) => {
            common::log_print!("{err}");
            Vec::new()
        }
    }
}

fn main() {
    let args = command_line();
    let agent = links::agent(args.fetch.timeout);
    let (done_tx, done) = bounded::<()>(0);
    let crawler = Crawler {
        agent: agent.clone(),
        tokens: bounded::<()>(args.crawl.concurrency), // the counting semaphore, as in crawl2
        done: done.clone(),
    };

    // Cancel the traversal when input is detected.
    // (One thread, outside the budget: it may wait for ever.)
    thread::spawn(move || {
        let _ = std::io::stdin().read(&mut [0]);
        drop(done_tx); // close(done)
        agent.shutdown(); // cancel the requests in flight
    });

    let (worklist_tx, worklist) = bounded::<Vec<String>>(0);
    let mut n = 0; // number of pending sends to worklist

    // Start with the command-line arguments.
    n += 1;
    let tx = worklist_tx.clone();
    common::go(move || {
        let _ = tx.send(args.crawl.urls);
    });

    let mut seen = HashSet::new();
    while n > 0 {
        let Ok(list) = worklist.recv() else { break }; // never: main holds a Sender
        n -= 1;
        // Checked after each list: on cancel every crawl in flight sends at once.
        if cancelled(&done) {
            for _ in 0..n {
                let _ = worklist.recv(); // drain: let every crawl end
            }
            return;
        }
        for link in list {
            if seen.insert(link.clone()) {
                n += 1;
                let (tx, c) = (worklist_tx.clone(), crawler.clone());
                // Never waits for a thread, since they may all be waiting for main.
                common::go_queued(move || {
                    let _ = tx.send(crawl(&link, &c));
                });
            }
        }
    }
}

/// Crawls the web from the given URLs, at most 20 fetches at a time, until
/// everything reachable is crawled or input arrives on standard input
/// (exercise 8.10 of gopl.io/ch8, grown from gopl.io/ch8/crawl2 and du4).
///
/// On input it stops at once: requests in flight are cancelled, no new
/// page is fetched, and it exits with status 0.
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
    args
}
