//! `mirroredQuery` from section 8.4.4, "Buffered Channels", of *The Go
//! Programming Language*: ask three mirrors at once and take the quickest
//! answer from a channel of capacity 3.
//!
//! ```text
//! $ cargo run --example mirrored_query
//! ```
//!
//! The Go it mirrors (`request` is not shown in the book; ours sleeps a
//! random 10 to 500 ms and answers):
//!
//! ```go
//! func mirroredQuery() string {
//!     responses := make(chan string, 3)
//!     go func() { responses <- request("asia.gopl.io") }()
//!     go func() { responses <- request("europe.gopl.io") }()
//!     go func() { responses <- request("americas.gopl.io") }()
//!     return <-responses // return the quickest response
//! }
//! ```
//!
//! With an unbuffered channel, the book says, "the two slower goroutines
//! would have gotten stuck trying to send their responses on a channel from
//! which no goroutine will ever receive": a goroutine leak. In Rust the
//! `Receiver` is dropped when `mirrored_query` returns, and a send with no
//! `Receiver` left returns `Err(SendError)` at once (waking a sender already
//! blocked), whatever the capacity, so the slower threads end either way.
//! (With capacity 3, Go's slower sends succeed into the buffer, which the
//! garbage collector frees later; Rust's fail, unless they beat the drop.)
//! To show it, `mirrored_query` also returns the threads' handles (Go has no
//! handle on a goroutine), and `main` joins them and prints what each send
//! returned.
//!
//! | Go                                 | Rust                                  |
//! |------------------------------------|---------------------------------------|
//! | `make(chan string, 3)`             | `bounded::<String>(3)`                |
//! | several goroutines send on one channel | `responses_tx.clone()` for each thread |
//! | send with no receiver left: blocks forever (unbuffered) | `send` returns `Err(SendError(value))` |

use std::error::Error;
use std::hash::{BuildHasher, RandomState};
use std::io::Write;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crossbeam_channel::{RecvError, SendError, bounded};

/// The three mirrors, in the book's order.
pub const MIRRORS: [&str; 3] = ["asia.gopl.io", "europe.gopl.io", "americas.gopl.io"];

/// What one mirror's thread ends with: its hostname and what its send
/// returned.
pub type Sent = (&'static str, Result<(), SendError<String>>);

/// Go's `mirroredQuery` with the channel's capacity and the mirrors'
/// latencies as parameters. Also returns the threads' handles, so that the
/// caller can see how each thread ended.
pub fn mirrored_query(
    capacity: usize,
    latencies: [Duration; 3],
) -> (Result<String, RecvError>, Vec<JoinHandle<Sent>>) {
    let (responses_tx, responses) = bounded::<String>(capacity);
    let mut threads = Vec::new();
    for (hostname, latency) in MIRRORS.into_iter().zip(latencies) {
        let responses_tx = responses_tx.clone();
        // go func() { responses <- request(hostname) }()
        threads.push(thread::spawn(move || {
            (hostname, responses_tx.send(request(hostname, latency)))
        }));
    }
    (responses.recv(), threads) // return the quickest response
    // `responses`, the only Receiver, is dropped here.
}

/// A simulated mirror: answers after `latency`.
pub fn request(hostname: &str, latency: Duration) -> String {
    thread::sleep(latency);
    format!("{hostname} answered in {latency:?}")
}

/// A random latency from 10 to 500 ms. std's `RandomState` is seeded at
/// random, so a hash of nothing is a random number, without the rand crate.
fn random_latency() -> Duration {
    let random = RandomState::new().hash_one(());
    Duration::from_millis(10 + random % 491)
}

/// Runs `mirrored_query` with the given capacity, joins every thread, and
/// prints the quickest response and how each thread ended on `out`.
pub fn run(
    out: &mut dyn Write,
    capacity: usize,
    latencies: [Duration; 3],
) -> Result<(), Box<dyn Error>> {
    let (quickest, threads) = mirrored_query(capacity, latencies);
    let quickest = quickest?;
    writeln!(out, "bounded({capacity}): quickest response: {quickest}")?;
    for (thread, latency) in threads.into_iter().zip(latencies) {
        // If a thread were stuck in its send, as a goroutine would be on an
        // unbuffered channel in Go, this join would wait forever.
        let (hostname, sent) = thread.join().map_err(|_| "a mirror panicked")?;
        let what = match sent {
            Ok(()) if quickest.starts_with(hostname) => "Ok(()), the response received",
            Ok(()) => "Ok(()), into the buffer before the receiver was dropped",
            Err(_) => "Err(SendError), the receiver was already dropped",
        };
        writeln!(
            out,
            "  {hostname} ({latency:?}): send returned {what}; thread ended"
        )?;
    }
    Ok(())
}

fn main() {
    let latencies = [random_latency(), random_latency(), random_latency()];
    let mut out = common::stdout();
    let result = run(&mut out, 3, latencies).and_then(|()| {
        writeln!(
            out,
            "\nWith Go's unbuffered make(chan string), the two slower goroutines would block\n\
             forever in their send: a goroutine leak. Rust's send fails once the receiver is\n\
             dropped, so the threads end there too:"
        )?;
        run(&mut out, 0, latencies)
    });
    if let Err(err) = result {
        eprintln!("mirrored_query: {err}");
        std::process::exit(1);
    }
}
