//! `gopl.io/ch8/countdown3`: Countdown implements the countdown for a rocket
//! launch; pressing return aborts it at any second.
//!
//! ```text
//! $ cargo run -p countdown3
//! Commencing countdown.  Press return to abort.
//! 10
//! 9
//! 8
//!                                       # return pressed
//! Launch aborted!
//! $ cargo run -p countdown3 < /dev/null  # prints 10, then aborts at once
//! ```
//!
//! | Go                                   | Rust                                        |
//! |--------------------------------------|---------------------------------------------|
//! | `abort := make(chan struct{})`       | `let (abort_tx, abort) = bounded::<()>(0)`  |
//! | `go func() { ... }()`, the reader    | `thread::spawn(move \|\| { ... })`           |
//! | `tick := time.Tick(1 * time.Second)` | `let tick = tick(args.tick)` (crossbeam)    |
//! | `select { case <-tick: ... case <-abort: ... }` | `select! { recv(tick) -> _ => .., recv(abort) -> _ => .. }` |
//!
//! `10` comes first because each turn of the loop prints before it selects,
//! and a tick channel first delivers one period after it is made.
//!
//! The book's NOTE below is about Go: `time.Tick` starts a ticker that no
//! one can stop, so when main returns early from the loop "the ticker
//! goroutine" keeps ticking into a channel nobody reads (harmless here, as
//! the program ends, but a leak in a function called again and again; the
//! text's cure is `time.NewTicker` and `defer ticker.Stop()`, and Go 1.23
//! lets the garbage collector reclaim an unreferenced ticker). crossbeam's
//! `tick` has nothing to stop: it is a channel without a thread or timer
//! behind it, which works out on each receive whether the next tick is due
//! (and sleeps until it is). When the `Receiver` is dropped, at the
//! `return`, the ticker is gone: nothing leaks. `Threads:` in
//! `/proc/PID/status` stays at 2, main and the stdin reader.
//!
//! One small difference: in a `select!`, crossbeam's tick schedules the next
//! tick one period after the select took this one, where Go's ticker keeps
//! a fixed grid; a late wake-up (microseconds on an idle machine) delays the
//! later numbers by as much.

// NOTE: the ticker goroutine never terminates if the launch is aborted.
// This is a "goroutine leak".

use std::io::{self, Read, Write};
use std::thread;
use std::time::Duration;

use clap::Parser;
use crossbeam_channel::{bounded, select, tick};

/// Counts down from 10, one number a second, then prints "Lift off!",
/// unless return is pressed (the book's gopl.io/ch8/countdown3).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The number to count down from
    #[arg(long, default_value_t = 10)]
    from: u32,

    /// The time between two numbers (e.g. 1s, 200ms)
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
        // Go's does (it ignores what Read returns).
        let _ = io::stdin().lock().read(&mut [0; 1]);
        let _ = abort_tx.send(()); // fails only once main has gone
    });

    common::must_write(writeln!(
        out,
        "Commencing countdown.  Press return to abort."
    ));
    let tick = tick(args.tick);
    let mut countdown = args.from;
    while countdown > 0 {
        common::must_write(writeln!(out, "{countdown}"));
        select! {
            recv(tick) -> _ => {
                // Do nothing.
            }
            recv(abort) -> _ => {
                common::must_write(writeln!(out, "Launch aborted!"));
                return; // drops `tick`: no ticker is left behind
            }
        }
        countdown -= 1;
    }
    launch(&mut out);
}

fn launch(out: &mut impl Write) {
    common::must_write(writeln!(out, "Lift off!"));
}
