//! The happens-before guarantee of section 8.4.1, "Unbuffered Channels", of
//! *The Go Programming Language*: what a thread wrote before a send on an
//! unbuffered channel is visible to the thread that received the value, and
//! "the receipt of the value happens before the reawakening of the sending
//! goroutine".
//!
//! ```text
//! $ cargo run --example unbuffered
//! ```
//!
//! The Go it mirrors, netcat3's `done` channel with a variable added:
//!
//! ```go
//! var x int
//! done := make(chan struct{})
//! go func() {
//!     x = 42
//!     done <- struct{}{} // signal the main goroutine
//! }()
//! <-done           // wait for background goroutine to finish
//! fmt.Println(x)   // "42", guaranteed
//! ```
//!
//! Safe Rust will not let two threads share a plain `int`, so `x` and `y`
//! are atomics used with `Ordering::Relaxed`, which promises nothing about
//! when other threads see a store. All the ordering here comes from the
//! channel, as it does for Go's plain variables.
//!
//! | Go                            | Rust                                   |
//! |-------------------------------|----------------------------------------|
//! | `done := make(chan struct{})` | `let (done_tx, done) = bounded::<()>(0)` |
//! | `done <- struct{}{}`          | `done_tx.send(())`                     |
//! | `<-done`                      | `done.recv()`                          |

use std::error::Error;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::thread;

use crossbeam_channel::bounded;

/// How many more hand-offs `run` checks after the first.
const ROUNDS: usize = 1000;

/// One hand-off on an unbuffered channel: the background thread writes `x`
/// and sends; main writes `y` and receives. Returns what main read of `x`
/// after its receive and what the background thread read of `y` after its
/// send returned.
pub fn hand_off(x_value: usize, y_value: usize) -> Result<(usize, usize), Box<dyn Error>> {
    let x = Arc::new(AtomicUsize::new(0));
    let y = Arc::new(AtomicUsize::new(0));
    let (done_tx, done) = bounded::<()>(0);

    let background = {
        let (x, y) = (Arc::clone(&x), Arc::clone(&y));
        thread::spawn(move || {
            x.store(x_value, Relaxed);
            // Returns only once main has received: main's receipt happens
            // before we wake up, so main's write to y is visible to us.
            let sent = done_tx.send(());
            (sent, y.load(Relaxed))
        })
    };

    y.store(y_value, Relaxed);
    done.recv()?; // the send happened before this receive completed
    let seen_x = x.load(Relaxed);

    let (sent, seen_y) = background
        .join()
        .map_err(|_| "background thread panicked")?;
    sent?;
    Ok((seen_x, seen_y))
}

/// Runs one hand-off, explains it on `out`, then checks many more.
pub fn run(out: &mut dyn Write) -> Result<(), Box<dyn Error>> {
    let (seen_x, seen_y) = hand_off(42, 7)?;
    writeln!(
        out,
        "background: x = 42, then done <- struct{{}}{{}}; main, after <-done, reads x = {seen_x}"
    )?;
    writeln!(
        out,
        "main: y = 7, then <-done; background, once its send returned, reads y = {seen_y}"
    )?;

    let mut stale = 0;
    for round in 1..=ROUNDS {
        if hand_off(round, round + 1)? != (round, round + 1) {
            stale += 1;
        }
    }
    writeln!(out, "{ROUNDS} more hand-offs: {stale} stale reads")?;
    Ok(())
}

fn main() {
    if let Err(err) = run(&mut common::stdout()) {
        eprintln!("unbuffered: {err}");
        std::process::exit(1);
    }
}
