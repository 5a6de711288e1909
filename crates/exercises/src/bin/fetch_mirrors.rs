//! Exercise 8.11: following the approach of `mirroredQuery` (section
//! 8.4.4), fetch a URL from several mirrors at once, print the first
//! response to arrive, and cancel the requests to the others.
//!
//! As in `mirroredQuery`, a thread per mirror sends on a channel buffered
//! to the number of mirrors, so the slower ones never block and none
//! leaks. What is new: the first *good* response wins (a mirror that fails
//! answers fastest of all, with nothing to print; if all fail, each error
//! is logged and the status is 1), and the others are cancelled: each
//! mirror has its own ureq `Agent`, which main shuts down. Main then takes
//! the losers' answers, which come at once, so no thread is left behind.
//!
//! ```text
//! $ cargo run -p exercises --bin fetch_mirrors -- \
//!       https://asia.example.org/doc.html https://europe.example.org/doc.html
//! ```
//!
//! | Go                                           | Rust                                        |
//! |----------------------------------------------|---------------------------------------------|
//! | `responses := make(chan string, 3)`          | `bounded(mirrors.len())`                     |
//! | `return <-responses // the quickest`         | the first `Ok` received                      |
//! | `req.Cancel = done`; `close(done)`           | `agent.shutdown()` for every other mirror    |
//! | `http.Get`, `io.ReadAll(resp.Body)`          | `links::fetch(&agent, url)`                  |

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use crossbeam_channel::bounded;

fn main() -> ExitCode {
    let args = command_line();
    match mirrored_query(&args.mirrors, args.fetch.timeout) {
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

/// Fetches the same document from several mirrors at once, prints the
/// first good response and cancels the other requests (exercise 8.11 of
/// gopl.io/ch8, after mirroredQuery in section 8.4.4).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The document's URL on each mirror
    #[arg(required = true)]
    mirrors: Vec<String>,

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
