//! Disabling a case of a `select`, from section 8.7, "Multiplexing with
//! `select`", of *The Go Programming Language*: "Sends and receives on a
//! nil channel block forever, a case in a select statement whose channel is
//! nil is never selected. This lets us use nil values to enable or disable
//! cases." crossbeam's nil channel is `never()`, a `Receiver` that never
//! delivers.
//!
//! ```text
//! $ cargo run --example nil_channel
//! ```
//!
//! The Go idiom it mirrors: merge two channels until both are closed,
//! switching off each one's case once it is closed (a closed channel would
//! otherwise be ready, with a zero value, every time round):
//!
//! ```go
//! for a != nil || b != nil {
//!     select {
//!     case x, ok := <-a:
//!         if !ok { a = nil; continue } // disable this case
//!         fmt.Println("a", x)
//!     case x, ok := <-b:
//!         if !ok { b = nil; continue }
//!         fmt.Println("b", x)
//!     }
//! }
//! ```
//!
//! du2 does the same with its tick: `var tick <-chan time.Time; if
//! *verbose { tick = time.Tick(..) }`, in Rust `let tick = if verbose {
//! tick(..) } else { never() }`.
//!
//! | Go                                   | Rust                                      |
//! |--------------------------------------|-------------------------------------------|
//! | `var ch <-chan int` (nil)            | `let ch: Receiver<i32> = never()`         |
//! | `ch = nil`, disabling its case       | `ch = never()`                            |
//! | `<-ch` on nil: blocks forever        | `never::<i32>().recv()`: the same         |
//! | `select {}`: waits forever           | `select! {}` does not compile; `never::<()>().recv()` |
//! | a nil channel in a send case         | no `Sender` flavor of `never`: build the `Select` by hand, or keep the `Sender` in an `Option` |

use std::error::Error;
use std::io::Write;
use std::thread;

use crossbeam_channel::{Receiver, bounded, never, select};

/// What [`merge`] received from each channel, and how many times it
/// selected.
#[derive(Debug, Default, PartialEq)]
pub struct Merged {
    /// The values from `a`, in order.
    pub from_a: Vec<i32>,
    /// The values from `b`, in order.
    pub from_b: Vec<i32>,
    /// How many `select`s it took: one per value and one per close.
    pub selects: usize,
}

/// Receives from `a` and `b` until both are closed, disabling each case
/// with `never()` once its channel is closed.
pub fn merge(mut a: Receiver<i32>, mut b: Receiver<i32>) -> Merged {
    let mut merged = Merged::default();
    let (mut a_open, mut b_open) = (true, true);
    while a_open || b_open {
        merged.selects += 1;
        select! {
            recv(a) -> x => match x {
                Ok(x) => merged.from_a.push(x),
                Err(_) => a_open = false, // closed
            },
            recv(b) -> x => match x {
                Ok(x) => merged.from_b.push(x),
                Err(_) => b_open = false,
            },
        }
        // Go's `a = nil`, done here: `select!` borrows `a` and `b` until
        // the end of the arm that ran.
        if !a_open {
            a = never();
        }
        if !b_open {
            b = never();
        }
    }
    merged
}

/// How many of `selects` turns picked the closed `a` when nothing
/// disables it, while `b` stays open and silent.
pub fn closed_without_never(selects: usize) -> usize {
    let (a_tx, a) = bounded::<i32>(0);
    let (_b_tx, b) = bounded::<i32>(0); // open, nobody sends
    drop(a_tx); // close(a)
    let mut picked_a = 0;
    for _ in 0..selects {
        select! {
            recv(a) -> _ => picked_a += 1, // ready at once, every time
            recv(b) -> _ => {}
        }
    }
    picked_a
}

/// Sends `values` on a new channel from a thread of its own, then closes
/// it; returns the receiving end.
fn producer(values: Vec<i32>) -> Receiver<i32> {
    let (tx, rx) = bounded(0);
    // One of two threads per run: bounded.
    thread::spawn(move || {
        for x in values {
            if tx.send(x).is_err() {
                return;
            }
        }
    }); // `tx` dropped: close
    rx
}

/// Merges two producers' values and tells on `out` what came from each.
pub fn run(out: &mut dyn Write) -> Result<(), Box<dyn Error>> {
    let merged = merge(producer(vec![1, 2, 3]), producer(vec![10, 20]));
    writeln!(out, "from a: {:?}", merged.from_a)?;
    writeln!(out, "from b: {:?}", merged.from_b)?;
    writeln!(
        out,
        "{} selects: 5 values and 2 closes, each close seen once, its case then disabled",
        merged.selects
    )?;
    writeln!(
        out,
        "without never(), a closed channel wins every select: {} of 100",
        closed_without_never(100)
    )?;
    Ok(())
}

fn main() {
    if let Err(err) = run(&mut common::stdout()) {
        eprintln!("nil_channel: {err}");
        std::process::exit(1);
    }
}
