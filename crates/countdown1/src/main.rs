//! `gopl.io/ch8/countdown1`: Countdown implements the countdown for a rocket
//! launch.
//!
//! ```text
//! $ cargo run -p countdown1
//! Commencing countdown.
//! 10
//! 9
//! ...
//! 1
//! Lift off!
//! $ cargo run -p countdown1 -- --from 3 --tick 200ms   # for the impatient
//! ```
//!
//! | Go                                   | Rust                                        |
//! |--------------------------------------|---------------------------------------------|
//! | `tick := time.Tick(1 * time.Second)` | `let tick = tick(args.tick)` (crossbeam)    |
//! | `<-tick`                             | `tick.recv()`                               |
//! | `for countdown := 10; countdown > 0; countdown--` | the same `while` loop          |
//! | `fmt.Println(countdown)`             | `must_write(writeln!(out, ..))` on `common::stdout()`, unbuffered as Go's `os.Stdout` |
//!
//! crossbeam's `tick`, like Go's `time.Tick`, first delivers one period
//! after it is made, so `10` comes at once and `Lift off!` ten seconds later.

use std::io::Write;
use std::time::Duration;

use clap::Parser;
use crossbeam_channel::tick;

/// Counts down from 10 to 1, one number a second, then prints "Lift off!"
/// (the book's gopl.io/ch8/countdown1).
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
    common::must_write(writeln!(out, "Commencing countdown."));
    let tick = tick(args.tick);
    let mut countdown = args.from;
    while countdown > 0 {
        common::must_write(writeln!(out, "{countdown}"));
        let _ = tick.recv(); // a tick channel is never closed
        countdown -= 1;
    }
    launch(&mut out);
}

fn launch(out: &mut impl Write) {
    common::must_write(writeln!(out, "Lift off!"));
}
