//! `gopl.io/ch8/pipeline2`: the pipeline of pipeline1, but the counter stops
//! after 100 numbers and closes its channel, and the close flows down the
//! pipeline until the printer's loop ends and the program exits.
//!
//! ```text
//! $ cargo run -p pipeline2
//! ```
//!
//! | Go                          | Rust                                          |
//! |-----------------------------|-----------------------------------------------|
//! | `close(naturals)`           | `drop(naturals_tx)`: dropping the last `Sender` closes the channel |
//! | `for x := range naturals`   | `for x in naturals`: ends once the channel is closed and drained |
//! | `x, ok := <-naturals`       | `naturals.recv()`: `Ok(x)`, or `Err(RecvError)` once closed and drained |
//!
//! A closure that owns a `Sender` drops it when it returns, so the explicit
//! `drop`s below only show where Go calls `close`.

use std::io::Write;
use std::thread;

use clap::Parser;
use crossbeam_channel::bounded;

/// Prints the squares of 0 to 99 through a three-stage pipeline, then exits
/// (the book's gopl.io/ch8/pipeline2).
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
        for x in 0..100 {
            if naturals_tx.send(x).is_err() {
                break; // only if the squarer were gone
            }
        }
        drop(naturals_tx); // close(naturals)
    });

    // Squarer
    thread::spawn(move || {
        for x in naturals {
            if squares_tx.send(x * x).is_err() {
                break; // only if the printer were gone
            }
        }
        drop(squares_tx); // close(squares)
    });

    // Printer (in main thread)
    let mut out = common::stdout_for_lines();
    for x in squares {
        common::must_write(writeln!(out, "{x}"));
    }
    common::must_write(out.flush());
}
