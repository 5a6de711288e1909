//! `gopl.io/ch8/pipeline3`: pipeline2 split into `counter`, `squarer` and
//! `printer`, whose parameter types say which way each channel may be used.
//!
//! ```text
//! $ cargo run -p pipeline3
//! ```
//!
//! | Go                          | Rust                                          |
//! |-----------------------------|-----------------------------------------------|
//! | `chan<- int` (send-only)    | `Sender<i64>`: has `send`, no `recv`          |
//! | `<-chan int` (receive-only) | `Receiver<i64>`: has `recv`, no `send`        |
//! | `close(out)`                | `drop(out)`: only the sending side can close  |
//! | `counter(naturals)` converts `chan int` to `chan<- int` | `bounded(0)` hands out the two ends apart from the start |
//!
//! A misuse is a compile-time error in both languages: `input.send(1)` in
//! `squarer` fails with "no method named `send` found for struct
//! `crossbeam_channel::Receiver<T>`".

use std::io::Write;
use std::thread;

use clap::Parser;
use crossbeam_channel::{Receiver, Sender, bounded};

/// Prints the squares of 0 to 99 through a pipeline of three functions
/// (the book's gopl.io/ch8/pipeline3).
#[derive(Parser)]
#[command(version)]
struct Args {}

fn counter(out: Sender<i64>) {
    for x in 0..100 {
        if out.send(x).is_err() {
            break; // only if the squarer were gone
        }
    }
    drop(out); // close(out): dropping the last Sender closes the channel
}

fn squarer(out: Sender<i64>, input: Receiver<i64>) {
    // `in` is a keyword in Rust, so Go's `in` is `input` here.
    for v in input {
        if out.send(v * v).is_err() {
            break; // only if the printer were gone
        }
    }
    drop(out); // close(out)
    // `input` has no close: dropping a Receiver never closes its channel, it
    // only makes later sends fail, and the counter has sent its last anyway.
}

fn printer(input: Receiver<i64>) {
    let mut out = common::stdout_for_lines();
    for v in input {
        common::must_write(writeln!(out, "{v}"));
    }
    common::must_write(out.flush());
}

fn main() {
    common::raise_open_file_limit();
    Args::parse();
    let (naturals_tx, naturals) = bounded::<i64>(0);
    let (squares_tx, squares) = bounded::<i64>(0);

    thread::spawn(move || counter(naturals_tx));
    thread::spawn(move || squarer(squares_tx, naturals));
    printer(squares);
}
