//! Exercise 8.8: using a select statement, add a timeout to the echo server
//! of 8.3 so that it disconnects any client that shouts nothing for 10
//! seconds.
//!
//! A solution to an exercise of gopl.io/ch8, next to the program it
//! changes, `gopl.io/ch8/reverb2` (`crates/reverb2`).
//!
//! ```text
//! $ cargo run -p exercises --bin reverb_idle      # terminal 1
//! $ cargo run -p netcat3                          # terminal 2
//! Hello?
//!          HELLO?
//!          Hello?
//!          hello?
//!                         (ten seconds of silence)
//! 2026/11/28 14:03:12 done
//! ```
//!
//! (netcat3 logs `done` when the server hangs up, and exits at the end of
//! its own input.)
//!
//! What changed from reverb2, in ideas: reverb2's handler read the shouts
//! itself, so it could wait for nothing else; this one reads them on a
//! thread of its own that sends each shout on a channel, and the handler
//! `select`s between the next shout and a timer started afresh for each
//! wait. Whichever comes first wins: a shout is echoed; the timer closes the
//! connection, which also ends the reading thread.
//!
//! | Go                                       | Rust                                      |
//! |------------------------------------------|-------------------------------------------|
//! | `shouts := make(chan string)`            | `let (shouts_tx, shouts) = bounded(0)`    |
//! | `go func() { for input.Scan() { shouts <- input.Text() } }()` | `common::try_go(...)` (thread budget) |
//! | `select { case s, ok := <-shouts: ...`   | `select! { recv(shouts) -> shout => ...`  |
//! | `case <-time.After(10 * time.Second):`   | `recv(after(timeout)) -> _ => ...`        |
//! | `go echo(c, shout, delay)`               | `common::go_or_run(...)` (thread budget)  |
//! | `c.Close()`                              | `input.shutdown(Shutdown::Both)`          |
//!
//! Where Rust differs: a goroutine is always to be had, a thread is not. At
//! the thread budget the shouts cannot be read on a thread of their own;
//! then the handler reads them itself, and the socket's own read timeout
//! (`set_read_timeout`) stands in for the `select`: the same ten seconds,
//! without a second thread.

use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Parser;
use common::Scanner;
use crossbeam_channel::{after, bounded, select};
use reverb2::echo; // reverb2's own: loud, as it came, quiet

/// Exercise 8.8: reverb2 that disconnects a client silent for 10 seconds.
///
/// A solution to exercise 8.8 of gopl.io/ch8, a change to reverb2
/// (gopl.io/ch8/reverb2). Each line comes back loud, then as it came, then
/// quiet, the echoes of successive shouts overlapping. A client that shouts
/// nothing for the timeout is disconnected: the handler selects between the
/// next shout and a timer.
#[derive(Parser)]
#[command(name = "reverb_idle", version)]
struct Args {
    /// Where to listen, as HOST:PORT
    #[arg(long, default_value = "localhost:8000")]
    addr: String,

    /// How long each echo waits before the next, quieter one (e.g. 250ms, 2s)
    #[arg(long, default_value = "1s", value_parser = humantime::parse_duration)]
    delay: Duration,

    /// How long a client may shout nothing before it is disconnected
    /// (e.g. 10s, 500ms)
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    timeout: Duration,

    #[command(flatten)]
    threads: common::MaxThreads,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    common::threads::set_budget(args.threads.server_budget());
    let listener = common::listen(&args.addr).unwrap_or_else(|err| common::log_fatal!("{err}"));
    serve(listener, args.delay, args.timeout);
}

/// The book's `main` after `net.Listen`: accept connections forever and
/// handle each on a thread of its own.
fn serve(listener: TcpListener, delay: Duration, timeout: Duration) {
    for conn in listener.incoming() {
        let conn = match conn {
            Ok(conn) => conn,
            Err(err) => {
                common::accept_failed(&listener, &err); // e.g., connection aborted
                continue;
            }
        };
        // At the thread budget this waits; new clients wait in the backlog.
        common::go(move || handle_conn(conn, delay, timeout));
    }
}

/// Echoes each line from `input`, each shout on a thread of its own, until
/// the input ends or nothing is shouted for `timeout`.
fn handle_conn(input: TcpStream, delay: Duration, timeout: Duration) {
    // The echo threads write through their own handle on the socket.
    // (A failed clone is out of descriptors: give up.)
    let Ok(c) = input.try_clone() else { return };
    let c = Arc::new(Mutex::new(c));
    let Ok(reader) = input.try_clone() else {
        return;
    };

    let (shouts_tx, shouts) = bounded(0);
    let scan = move || {
        for shout in Scanner::new(&reader) {
            if shouts_tx.send(shout).is_err() {
                return; // the handler has hung up
            }
        }
        // NOTE: ignoring potential errors from input.Err()
    }; // dropping shouts_tx closes the channel: the input has ended
    match common::try_go(scan) {
        Ok(()) => loop {
            select! {
                recv(shouts) -> shout => match shout {
                    Ok(shout) => {
                        let c = Arc::clone(&c);
                        common::go_or_run(move || echo(&c, &shout, delay));
                    }
                    Err(_) => break, // the input has ended
                },
                recv(after(timeout)) -> _ => break, // silent too long: disconnect
            }
        },
        // At the thread budget: read here, and let the socket time out.
        Err(_) => {
            if input.set_read_timeout(Some(timeout)).is_ok() {
                for shout in Scanner::new(&input) {
                    let c = Arc::clone(&c);
                    common::go_or_run(move || echo(&c, &shout, delay));
                }
            }
        }
    }

    // As in reverb2, echoes still pending are cut off. Shutting the socket
    // down also ends the reading thread, and dropping `shouts` frees it if it
    // was waiting to send.
    let _ = input.shutdown(Shutdown::Both);
}
