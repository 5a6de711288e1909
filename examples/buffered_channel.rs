//! The capacity-3 channel walk-through of section 8.4.4, "Buffered
//! Channels", of *The Go Programming Language*: three sends fill the buffer,
//! one receive makes room, `cap` and `len` tell the capacity and the count.
//!
//! ```text
//! $ cargo run --example buffered_channel
//! A
//! 3
//! 2
//! B
//! C
//! ```
//!
//! The Go snippets it mirrors, run in one goroutine as the book shows them:
//!
//! ```go
//! ch = make(chan string, 3)
//! ch <- "A"
//! ch <- "B"
//! ch <- "C"
//! fmt.Println(<-ch)    // "A"
//! fmt.Println(cap(ch)) // "3"
//! fmt.Println(len(ch)) // "2"
//! fmt.Println(<-ch)    // "B"
//! fmt.Println(<-ch)    // "C"
//! ```
//!
//! | Go             | Rust                                                  |
//! |----------------|-------------------------------------------------------|
//! | `make(chan string, 3)` | `bounded::<&str>(3)`                          |
//! | `cap(ch)`      | `ch.capacity()`: `Some(3)`; `None` only for unbounded |
//! | `len(ch)`      | `ch.len()` (either end has both)                      |

use std::error::Error;
use std::io::Write;

use crossbeam_channel::bounded;

/// The walk-through, printing to `out` what the book's `fmt.Println`s print.
pub fn run(out: &mut dyn Write) -> Result<(), Box<dyn Error>> {
    let (ch_tx, ch) = bounded::<&str>(3);

    // Up to three sends go into the buffer without blocking.
    ch_tx.send("A")?;
    ch_tx.send("B")?;
    ch_tx.send("C")?;
    // The channel is full now: a fourth `send` would block (`try_send` would
    // return `Err(Full)`) until another thread received.

    writeln!(out, "{}", ch.recv()?)?; // "A"
    let cap = ch
        .capacity()
        .ok_or("an unbounded channel has no capacity")?;
    writeln!(out, "{cap}")?; // "3"
    writeln!(out, "{}", ch.len())?; // "2": stale as soon as it is read, if other threads use ch

    writeln!(out, "{}", ch.recv()?)?; // "B"
    writeln!(out, "{}", ch.recv()?)?; // "C"
    // Empty again: a fourth `recv` would block, as `ch_tx` is still alive.
    // In real programs another thread receives; a channel used as a queue
    // within one thread risks blocking that thread forever.
    Ok(())
}

fn main() {
    if let Err(err) = run(&mut common::stdout()) {
        eprintln!("buffered_channel: {err}");
        std::process::exit(1);
    }
}
