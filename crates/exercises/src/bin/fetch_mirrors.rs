//! Exercise 8.11: following the approach of `mirroredQuery` (section
//! 8.4.4), fetch a URL from several mirrors at once, print the first
//! response to arrive, and cancel the requests to the others.
//!
//! A solution to an exercise of gopl.io/ch8.
//!
//! ```text
//! $ cargo run -p exercises --bin fetch_mirrors -- \
//!       https://asia.example.org/doc.html https://europe.example.org/doc.html
//! ```
//!
//! What is new, in ideas:
//! - As in `mirroredQuery`, one thread per mirror sends its response on a
//!   channel buffered to the number of mirrors, and main takes the first:
//!   the slower ones never block on their send, so none leaks.
//! - The slower requests are also cancelled, not left to run to their
//!   end: each mirror has its own ureq `Agent`, and main shuts down the
//!   agents of the losers (Go would close a `done` channel given as each
//!   request's `Cancel`). A request blocked on a slow server then fails at
//!   once.
//! - Main then waits for the losers' answers, which come at once: so the
//!   program ends with no request and no thread left behind.
//! - The first *good* response wins: a mirror that fails (refused, 404)
//!   answers fastest of all, but with nothing to print. If every mirror
//!   fails, each error is logged and the status is 1. (`mirroredQuery`
//!   returns whatever comes first.)
//!
//! | Go                                           | Rust                                        |
//! |----------------------------------------------|---------------------------------------------|
//! | `responses := make(chan string, 3)`          | `bounded(mirrors.len())`                     |
//! | `go func() { responses <- request(host) }()` | `common::go(move \|\| ...)`, one per mirror  |
//! | `return <-responses // the quickest`         | the first `Ok` received                      |
//! | `req.Cancel = done`; `close(done)`           | `agent.shutdown()` for every other mirror    |
//! | `http.Get`, `io.ReadAll(resp.Body)`          | `links::fetch(&agent, url)`                  |

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use crossbeam_channel::bounded;

/// Fetches the same document from several mirrors at once, prints the
/// first good response and cancels the other requests (exercise 8.11 of
/// gopl.io/ch8, after mirroredQuery in section 8.4.4).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The document's URL on each mirror
    #[arg(required = true)]
    mirrors: Vec<String>,

    /// How long one fetch may take before it fails (e.g. 500ms, 10s)
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
    timeout: Duration,

    #[command(flatten)]
    threads: common::MaxThreads,
}

fn main() -> ExitCode {
    common::raise_open_file_limit();
    let args = Args::parse();
    common::threads::set_budget(args.threads.budget());
    match mirrored_query(&args.mirrors, args.timeout) {
        Ok(body) => {
            common::must_write(common::stdout().write_all(&body));
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for err in errors {
                common::log_print!("{err}");
            }
            ExitCode::FAILURE
        }
    }
}

/// The first good response of the `mirrors`, the others cancelled; or
/// every mirror's error.
fn mirrored_query(mirrors: &[String], timeout: Duration) -> Result<Vec<u8>, Vec<links::Error>> {
    let agents: Vec<ureq::Agent> = mirrors.iter().map(|_| links::agent(timeout)).collect();
    let (responses_tx, responses) = bounded(mirrors.len());
    for (i, (url, agent)) in mirrors.iter().zip(&agents).enumerate() {
        let (tx, url, agent) = (responses_tx.clone(), url.clone(), agent.clone());
        // A thread that holds a token only sends on a channel with room.
        common::go(move || {
            let _ = tx.send((i, links::fetch(&agent, &url)));
        });
    }
    drop(responses_tx);

    let mut errors = Vec::new();
    let mut first = None;
    // Every thread sends once: this ends when all have.
    for (i, response) in &responses {
        match response {
            Ok(body) if first.is_none() => {
                // Cancel the others: their requests fail at once.
                for (j, agent) in agents.iter().enumerate() {
                    if j != i {
                        agent.clone().shutdown();
                    }
                }
                first = Some(body);
            }
            Ok(_) => {} // a loser that finished in the same instant
            Err(err) => errors.push(err),
        }
    }
    first.ok_or(errors)
}
