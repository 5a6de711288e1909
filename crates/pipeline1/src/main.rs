//! `gopl.io/ch8/pipeline1`: a counter, a squarer and a printer, three
//! threads joined by two unbuffered channels, printing squares forever.
//!
//! ```text
//! $ cargo run -p pipeline1 | head -n 5
//! ```
//!
//! | Go                         | Rust                                          |
//! |----------------------------|-----------------------------------------------|
//! | `make(chan int)`           | `bounded(0)`: a `(Sender, Receiver)` pair      |
//! | `go func() { ... }()`      | `thread::spawn(move \|\| { ... })`            |
//! | `naturals <- x`            | `naturals_tx.send(x)`                         |
//! | `x := <-naturals`          | `naturals.recv()`                             |
//! | `int`, `x * x`, `x++`      | `i64`, `wrapping_mul`, `wrapping_add` (Go's int wraps, never panics) |
//! | dies of SIGPIPE in `\| head` | exits 0 quietly on a broken pipe (Rust ignores SIGPIPE) |
//!
//! In Rust a send or receive fails only once the other end of the channel
//! has been dropped. Nothing is ever dropped here, so the loops below run
//! forever, as Go's do; they would just stop if it ever happened.

use std::io::Write;
use std::thread;

use clap::Parser;
use crossbeam_channel::bounded;

/// Prints the squares 0, 1, 4, 9, ... forever through a three-stage pipeline
/// (the book's gopl.io/ch8/pipeline1).
#[derive(Parser)]
#[command(version)]
struct Args {}

fn main() {
    common::raise_open_file_limit();
    Args::parse();
    let (naturals_tx, naturals) = bounded::<i64>(0);
    let (squares_tx, squares) = bounded::<i64>(0);

    // Counter
    thread::spawn(move || {
        let mut x: i64 = 0;
        while naturals_tx.send(x).is_ok() {
            x = x.wrapping_add(1);
        }
    });

    // Squarer
    thread::spawn(move || {
        while let Ok(x) = naturals.recv() {
            if squares_tx.send(x.wrapping_mul(x)).is_err() {
                break;
            }
        }
    });

    // Printer (in main thread)
    let mut out = common::stdout_for_lines();
    while let Ok(x) = squares.recv() {
        common::must_write(writeln!(out, "{x}"));
    }
}
