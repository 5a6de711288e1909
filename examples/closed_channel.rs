//! Receiving from a closed channel, from section 8.4.2, "Pipelines", of
//! *The Go Programming Language*: Go yields the values sent and then the
//! zero value forever; Rust's `recv()` yields them and then
//! `Err(RecvError)` forever, and `for x in rx` simply ends.
//!
//! ```text
//! $ cargo run --example closed_channel
//! ```
//!
//! The Go it mirrors:
//!
//! ```go
//! close(naturals)
//! // "all subsequent receive operations will proceed without blocking but
//! // will yield a zero value"
//! x, ok := <-naturals
//! if !ok {
//!     break // channel was closed and drained
//! }
//! for x := range naturals { ... }
//! ```
//!
//! | Go                        | Rust                                          |
//! |---------------------------|-----------------------------------------------|
//! | `close(ch)`               | `drop(ch_tx)`: dropping the last `Sender` closes |
//! | `x := <-ch` (closed: `0`) | `ch.recv()` (closed: `Err(RecvError)`); `unwrap_or_default()` gives Go's `0` |
//! | `x, ok := <-ch`           | `match ch.recv() { Ok(x) => .., Err(RecvError) => .. }` |
//! | `for x := range ch`       | `for x in ch`                                 |
//! | send on a closed channel panics | cannot be written: `drop` moved the `Sender` away |
//! | closing twice panics      | cannot be written: a value is dropped once     |

use std::error::Error;
use std::io::Write;

use crossbeam_channel::{RecvError, bounded};

/// Receives from a closed channel several ways, printing to `out` what each
/// returns.
pub fn run(out: &mut dyn Write) -> Result<(), Box<dyn Error>> {
    let (ch_tx, ch) = bounded::<i64>(2);
    ch_tx.send(1)?;
    ch_tx.send(2)?;
    drop(ch_tx); // close(ch)
    // `ch_tx.send(3)` here would not compile ("use of moved value"), where
    // Go's `ch <- 3` compiles and panics at run time.

    writeln!(out, "after close, the values sent come first, then errors:")?;
    for _ in 0..4 {
        writeln!(out, "ch.recv() = {:?}", ch.recv())?;
    }
    writeln!(
        out,
        "Go's zero value, x := <-ch: x = {}",
        ch.recv().unwrap_or_default()
    )?;
    let (x, ok) = match ch.recv() {
        Ok(x) => (x, true),
        Err(RecvError) => (0, false), // channel was closed and drained
    };
    writeln!(out, "Go's x, ok := <-ch: x = {x}, ok = {ok}")?;

    let (ch_tx, ch) = bounded::<i64>(2);
    ch_tx.send(1)?;
    ch_tx.send(2)?;
    drop(ch_tx); // close(ch)
    writeln!(out, "for x in ch, Go's range:")?;
    for x in ch {
        writeln!(out, "{x}")?;
    }
    writeln!(out, "the loop ended: the channel is closed and drained")?;
    Ok(())
}

fn main() {
    if let Err(err) = run(&mut common::stdout()) {
        eprintln!("closed_channel: {err}");
        std::process::exit(1);
    }
}
