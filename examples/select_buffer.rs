//! The puzzle of section 8.7, "Multiplexing with `select`", of *The Go
//! Programming Language*: one goroutine sends to and receives from the same
//! channel in a `select`, and what the channel's buffer does to the output.
//!
//! ```text
//! $ cargo run --example select_buffer
//! ```
//!
//! The Go it mirrors:
//!
//! ```go
//! ch := make(chan int, 1)
//! for i := 0; i < 10; i++ {
//!     select {
//!     case x := <-ch:
//!         fmt.Println(x) // "0" "2" "4" "6" "8"
//!     case ch <- i:
//!     }
//! }
//! ```
//!
//! With a buffer of one, the channel is empty or full at every turn, so
//! only one case is ready: the send on even turns, the receive on odd ones,
//! and the output is always `0 2 4 6 8`. With a larger buffer both cases
//! are often ready at once, and then `select` picks one at random: the
//! output changes from one run of the loop to the next. Where Rust differs:
//! crossbeam draws its choices from a generator seeded alike in every
//! thread, so this program prints the same every time it is run, where
//! Go's runtime seeds at random and Go's output changes between runs of
//! the program too. The choice is fair either way. With no
//! buffer at all neither case is ever ready, as the only goroutine that
//! could meet the other end is the one waiting: Go reports a deadlock, and
//! [`select_loop`] refuses capacity 0 rather than block for ever.
//!
//! | Go                                   | Rust                                      |
//! |--------------------------------------|-------------------------------------------|
//! | `ch := make(chan int, 1)`            | `let (ch_tx, ch) = bounded::<i32>(1)`     |
//! | `select { case x := <-ch: .. case ch <- i: }` | `select! { recv(ch) -> x => .., send(ch_tx, i) -> sent => .. }` |
//! | several cases ready: one at random   | the same, from a generator seeded alike per thread |

use std::error::Error;
use std::io::Write;

use crossbeam_channel::{bounded, select};

/// The book's loop on a channel of `capacity`: returns the values received,
/// in order.
pub fn select_loop(capacity: usize) -> Result<Vec<i32>, Box<dyn Error>> {
    if capacity == 0 {
        return Err("with an unbuffered channel no case is ever ready: a deadlock".into());
    }
    let (ch_tx, ch) = bounded::<i32>(capacity);
    let mut received = Vec::new();
    for i in 0..10 {
        select! {
            recv(ch) -> x => received.push(x?),
            send(ch_tx, i) -> sent => sent?,
        }
    }
    Ok(received)
}

/// Prints what the loop on a channel of `capacity` receives, one value a
/// line, as the book's `fmt.Println(x)`.
pub fn run(out: &mut dyn Write, capacity: usize) -> Result<(), Box<dyn Error>> {
    for x in select_loop(capacity)? {
        writeln!(out, "{x}")?;
    }
    Ok(())
}

fn main() {
    let mut out = common::stdout();
    let result = (|| -> Result<(), Box<dyn Error>> {
        writeln!(out, "make(chan int, 1), as the book:")?;
        run(&mut out, 1)?;
        for capacity in [2, 10] {
            writeln!(out, "\nmake(chan int, {capacity}), five runs:")?;
            for _ in 0..5 {
                writeln!(out, "{:?}", select_loop(capacity)?)?;
            }
        }
        Ok(())
    })();
    if let Err(err) = result {
        eprintln!("select_buffer: {err}");
        std::process::exit(1);
    }
}
