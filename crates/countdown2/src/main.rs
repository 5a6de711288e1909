//! `gopl.io/ch8/countdown2`: Countdown implements the countdown for a rocket
//! launch; pressing return aborts it.
//!
//! ```text
//! $ cargo run -p countdown2
//! Commencing countdown.  Press return to abort.
//!                                       # press return within 10 s...
//! Launch aborted!
//! $ cargo run -p countdown2 < /dev/null  # end of input aborts at once
//! $ cargo run -p countdown2 -- --tick 100ms   # the launch after 1 s
//! ```
//!
//! | Go                                        | Rust                                   |
//! |-------------------------------------------|----------------------------------------|
//! | `abort := make(chan struct{})`            | `let (abort_tx, abort) = bounded::<()>(0)` |
//! | `go func() { os.Stdin.Read(..); abort <- struct{}{} }()` | `thread::spawn(move \|\| { ..; abort_tx.send(()) })` |
//! | `select { case <-time.After(d): ... case <-abort: ... }` | `select! { recv(after(d)) -> _ => .., recv(abort) -> _ => .. }` |
//! | `time.After(10 * time.Second)`            | `after(args.tick * args.from)`: 10 × 1 s by default |
//!
//! `time.After` and crossbeam's `after` both make a channel that delivers
//! once, when the time is up; crossbeam's needs no thread to do it.

use std::io::{self, Read, Write};
use std::thread;
use std::time::Duration;

use clap::Parser;
use crossbeam_channel::{after, bounded, select};

/// Waits 10 seconds, then prints "Lift off!", unless return is pressed
/// (the book's gopl.io/ch8/countdown2).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// How many ticks to wait before the launch
    #[arg(long, default_value_t = 10)]
    from: u32,

    /// The length of one tick (e.g. 1s, 200ms); the launch waits
    /// FROM × TICK
    #[arg(long, default_value = "1s", value_parser = flags::parse_tick)]
    tick: Duration,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    let mut out = common::stdout();

    // ...create abort channel...

    let (abort_tx, abort) = bounded::<()>(0);
    // One thread, whatever happens: bounded.
    thread::spawn(move || {
        // read a single byte; at end of input or on an error, abort too, as
        // Go's does (it ignores what Read returns). Locked stdin is buffered,
        // so it may take more than one byte from a pipe; nobody reads after.
        let _ = io::stdin().lock().read(&mut [0; 1]);
        let _ = abort_tx.send(()); // fails only once main has gone
    });

    common::must_write(writeln!(
        out,
        "Commencing countdown.  Press return to abort."
    ));
    select! {
        recv(after(args.tick.saturating_mul(args.from))) -> _ => {
            // Do nothing.
        }
        recv(abort) -> _ => {
            common::must_write(writeln!(out, "Launch aborted!"));
            return;
        }
    }
    launch(&mut out);
}

fn launch(out: &mut impl Write) {
    common::must_write(writeln!(out, "Lift off!"));
}
