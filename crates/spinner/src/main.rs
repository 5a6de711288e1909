//! `gopl.io/ch8/spinner`: a spinner runs in its own thread while the main
//! thread computes `fib(45)` the slow way.
//!
//! ```text
//! $ cargo run --release -p spinner
//! $ cargo run --release -p spinner -- --n 40 --delay 50ms
//! ```
//!
//! | Go                                 | Rust                                       |
//! |------------------------------------|--------------------------------------------|
//! | `go spinner(100 * time.Millisecond)` | `thread::spawn(move \|\| spinner(delay))` |
//! | `time.Sleep(delay)`                | `thread::sleep(delay)`                     |
//! | `fmt.Printf("\r%c", r)`            | one `write_all` + `flush` on locked stdout |
//! | `int`                              | `i64`                                      |
//! | `main` returns, goroutines die     | `process::exit` while holding stdout       |

use std::io::{self, Write};
use std::process;
use std::thread;
use std::time::Duration;

use clap::Parser;

/// Shows a spinner while computing a Fibonacci number the slow way
/// (the book's gopl.io/ch8/spinner).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Which Fibonacci number to compute, at most 92 (the last that fits
    /// in an i64)
    #[arg(long, default_value_t = 45, allow_negative_numbers = true,
          value_parser = clap::value_parser!(i64).range(..=92))]
    n: i64,

    /// Time between two frames of the spinner (e.g. 100ms, 1.5s), more than 0
    #[arg(long, default_value = "100ms", value_parser = flags::positive_duration)]
    delay: Duration,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    let delay = args.delay;
    thread::spawn(move || spinner(delay));
    let n = args.n;
    let fib_n = fib(n); // slow

    // Go ends the spinner by returning from main, which kills every
    // goroutine. Here the spinner writes each frame while holding the stdout
    // lock, so we take the lock, write our line, and exit still holding it:
    // a frame is either wholly before our line or never written at all.
    let mut out = io::stdout().lock();
    let line = format!("\rFibonacci({n}) = {fib_n}\n");
    let written = out.write_all(line.as_bytes()).and_then(|()| out.flush());
    if let Err(err) = common::quiet_on_broken_pipe(written) {
        common::log_fatal!("write /dev/stdout: {}", common::go_error(&err));
    }
    process::exit(0);
}

fn spinner(delay: Duration) {
    loop {
        for r in r"-\|/".chars() {
            let frame = format!("\r{r}");
            let mut out = io::stdout().lock();
            // One write of both bytes, flushed at once, as Go's unbuffered
            // os.Stdout does. Like the book, ignore any error but a closed
            // pipe, which ends the program quietly as SIGPIPE ends Go's.
            let _ = common::quiet_on_broken_pipe(
                out.write_all(frame.as_bytes()).and_then(|()| out.flush()),
            );
            drop(out); // let main print while we sleep
            thread::sleep(delay);
        }
    }
}

fn fib(x: i64) -> i64 {
    if x < 2 {
        return x;
    }
    fib(x - 1) + fib(x - 2)
}
