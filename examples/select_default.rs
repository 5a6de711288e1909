//! Non-blocking communication from section 8.7, "Multiplexing with
//! `select`", of *The Go Programming Language*: a `select` with a `default`
//! case tries a send or a receive and, if the channel is not ready, does
//! something else at once. Doing it again and again is *polling* a channel.
//!
//! ```text
//! $ cargo run --example select_default
//! ```
//!
//! The Go it mirrors:
//!
//! ```go
//! select {
//! case <-abort:
//!     fmt.Printf("Launch aborted!\n")
//!     return
//! default:
//!     // do nothing
//! }
//! ```
//!
//! | Go                                    | Rust                                      |
//! |---------------------------------------|-------------------------------------------|
//! | `select { case <-abort: ..; default: }` | `select! { recv(abort) -> _ => .., default => .. }` |
//! | `select { case ch <- x: ..; default: }` | `select! { send(ch_tx, x) -> _ => .., default => .. }` |
//! | a one-case `select` with `default`    | also `abort.try_recv()`, `ch_tx.try_send(x)` |

use std::error::Error;
use std::io::Write;

use crossbeam_channel::{Receiver, Sender, bounded, select};

/// The book's poll: whether `abort` has something for us now, without
/// waiting. A closed channel is always ready, as in Go.
pub fn aborted(abort: &Receiver<()>) -> bool {
    select! {
        recv(abort) -> _ => true,
        default => false, // do nothing
    }
}

/// A non-blocking send: whether `x` went into `ch_tx` (into the buffer, or
/// to a receiver waiting at that moment) rather than waiting for room.
pub fn offer(ch_tx: &Sender<i32>, x: i32) -> bool {
    select! {
        send(ch_tx, x) -> sent => sent.is_ok(),
        default => false,
    }
}

/// Polls and offers, step by step, and tells on `out` what each returned.
pub fn run(out: &mut dyn Write) -> Result<(), Box<dyn Error>> {
    let (abort_tx, abort) = bounded::<()>(1);
    writeln!(out, "poll, nothing sent yet: aborted = {}", aborted(&abort))?;
    abort_tx.send(())?;
    writeln!(out, "poll, after a send: aborted = {}", aborted(&abort))?;
    writeln!(
        out,
        "poll again, the value taken: aborted = {}",
        aborted(&abort)
    )?;
    drop(abort_tx); // close(abort)
    writeln!(out, "poll, after close: aborted = {}", aborted(&abort))?;
    writeln!(out, "and again: aborted = {}", aborted(&abort))?;

    let (ch_tx, ch) = bounded::<i32>(1);
    writeln!(
        out,
        "offer 1 to a buffer of one: sent = {}",
        offer(&ch_tx, 1)
    )?;
    writeln!(out, "offer 2, the buffer full: sent = {}", offer(&ch_tx, 2))?;
    writeln!(out, "received {}", ch.recv()?)?;
    let (unbuffered_tx, _unbuffered) = bounded::<i32>(0);
    writeln!(
        out,
        "offer 3 to an unbuffered channel nobody waits on: sent = {}",
        offer(&unbuffered_tx, 3)
    )?;
    Ok(())
}

fn main() {
    if let Err(err) = run(&mut common::stdout()) {
        eprintln!("select_default: {err}");
        std::process::exit(1);
    }
}
