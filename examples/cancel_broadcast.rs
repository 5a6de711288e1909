//! Cancellation by broadcast, from section 8.9, "Cancellation", of *The Go
//! Programming Language*: a send on a channel reaches one receiver; closing
//! it reaches every receiver, now and later. So to tell many goroutines to
//! stop, close a `done` channel they all watch.
//!
//! ```text
//! $ cargo run --example cancel_broadcast
//! ```
//!
//! The Go it mirrors (du4's `done` and `cancelled`):
//!
//! ```go
//! var done = make(chan struct{})
//!
//! func cancelled() bool {
//!     select {
//!     case <-done:
//!         return true
//!     default:
//!         return false
//!     }
//! }
//!
//! // Cancel traversal when input is detected.
//! go func() {
//!     os.Stdin.Read(make([]byte, 1)) // read a single byte
//!     close(done)
//! }()
//! ```
//!
//! Here five waiters block on `done`; one send wakes exactly one of them,
//! and dropping the last `Sender`, Rust's `close`, wakes all the others.
//!
//! | Go                                  | Rust                                      |
//! |-------------------------------------|-------------------------------------------|
//! | `done := make(chan struct{})`       | `let (done_tx, done) = bounded::<()>(0)`; clone `done` per thread |
//! | `<-done` in each goroutine          | `done.recv()`: `Err(RecvError)` once closed |
//! | `done <- struct{}{}`: one receiver  | `done_tx.send(())`: one receiver          |
//! | `close(done)`: every receiver       | `drop(done_tx)`, the last `Sender`: every receiver |
//! | `cancelled()`                       | [`cancelled`], a `select!` with `default` |

use std::error::Error;
use std::io::Write;
use std::thread;
use std::time::Duration;

use crossbeam_channel::{Receiver, bounded, select};

/// Whether `done` is closed (or, which this program never does, has a
/// value waiting), without blocking: the book's `cancelled`.
pub fn cancelled(done: &Receiver<()>) -> bool {
    select! {
        recv(done) -> _ => true,
        default => false,
    }
}

/// How each waiter woke: with a value sent, or because `done` was closed.
#[derive(Debug, PartialEq)]
pub enum Woke {
    /// `done.recv()` returned `Ok(())`: a send reached this waiter.
    BySend,
    /// `done.recv()` returned `Err(RecvError)`: `done` was closed.
    ByClose,
}

/// What [`broadcast`] saw.
#[derive(Debug, PartialEq)]
pub struct Seen {
    /// How many waiters one send woke.
    pub by_send: usize,
    /// How many were still waiting a while after the send.
    pub still_waiting: usize,
    /// How many the close woke.
    pub by_close: usize,
    /// `cancelled()` before and after the close.
    pub cancelled: (bool, bool),
}

/// Starts `waiters` threads blocked on `done`, sends once, then closes
/// `done`, counting who wakes at each step. Every thread is joined.
pub fn broadcast(waiters: usize) -> Result<Seen, Box<dyn Error>> {
    if waiters == 0 {
        return Err("nobody would receive the send: a deadlock".into());
    }
    let (done_tx, done) = bounded::<()>(0);
    let (woke_tx, woke) = bounded::<Woke>(waiters);
    let mut threads = Vec::new();
    for _ in 0..waiters {
        let (done, woke_tx) = (done.clone(), woke_tx.clone());
        // `waiters` threads, a fixed number: bounded.
        threads.push(thread::spawn(move || {
            let how = match done.recv() {
                Ok(()) => Woke::BySend,
                Err(_) => Woke::ByClose,
            };
            let _ = woke_tx.send(how);
        }));
    }
    drop(woke_tx);

    // One send: it returns once a waiter has taken the value, and no
    // other waiter can get anything from it: they stay blocked.
    done_tx.send(())?;
    let first = woke.recv()?;
    thread::sleep(Duration::from_millis(100)); // time for others to wake, if they could
    let also_woke = woke.try_iter().count(); // 0
    let by_send = usize::from(first == Woke::BySend) + also_woke;
    let still_waiting = waiters - 1 - also_woke;

    let before = cancelled(&done);
    drop(done_tx); // close(done): the last Sender is gone
    let mut by_close = 0;
    for how in woke.iter() {
        if how == Woke::ByClose {
            by_close += 1;
        }
    }
    let after = cancelled(&done);
    for thread in threads {
        thread.join().map_err(|_| "a waiter panicked")?;
    }
    Ok(Seen {
        by_send,
        still_waiting,
        by_close,
        cancelled: (before, after),
    })
}

/// Runs [`broadcast`] with `waiters` waiters and tells on `out` what
/// happened.
pub fn run(out: &mut dyn Write, waiters: usize) -> Result<(), Box<dyn Error>> {
    let seen = broadcast(waiters)?;
    writeln!(out, "{waiters} threads wait on done")?;
    writeln!(
        out,
        "done <- struct{{}}{{}} woke {}; {} still waiting",
        seen.by_send, seen.still_waiting
    )?;
    writeln!(out, "cancelled() before close: {}", seen.cancelled.0)?;
    writeln!(out, "close(done) woke {}", seen.by_close)?;
    writeln!(out, "cancelled() after close: {}", seen.cancelled.1)?;
    Ok(())
}

fn main() {
    if let Err(err) = run(&mut common::stdout(), 5) {
        eprintln!("cancel_broadcast: {err}");
        std::process::exit(1);
    }
}
