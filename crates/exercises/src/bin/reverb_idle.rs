//! Exercise 8.8: using a select statement, add a timeout to the echo server
//! of 8.3 so that it disconnects any client that shouts nothing for 10
//! seconds.
//!
//! A thread reads the shouts and tells the handler of each; the handler
//! `select`s between that news and a timer started afresh for each wait, and
//! the timer closes the connection. Only reverb2's `handle_conn` changes
//! (`crates/reverb2`); `echo` and `close` are reverb2's.
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
//! | Go                                      | Rust                                        |
//! |-----------------------------------------|---------------------------------------------|
//! | `shouts := make(chan string)`           | `let (heard_tx, heard) = bounded(1)`: news of a shout |
//! | `select { case _, ok := <-shouts: ...`  | `select! { recv(heard) -> news => ...`      |
//! | `case <-time.After(10 * time.Second):`  | `recv(after(timeout)) -> _ =>`              |

use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Parser;
use common::Scanner;
use crossbeam_channel::{after, bounded, select};
use reverb2::{Conn, close, echo};

/// reverb2 that disconnects a client that shouts nothing for the timeout.
///
/// A solution to exercise 8.8 of gopl.io/ch8, a change to gopl.io/ch8/reverb2.
#[derive(Parser)]
#[command(name = "reverb_idle", version)]
struct Args {
    /// Where to listen, as HOST:PORT
    #[arg(long, default_value = "localhost:8000")]
    addr: String,

    /// How long each echo waits before the next, quieter one (e.g. 250ms, 2s)
    #[arg(long, default_value = "1s", value_parser = flags::duration)]
    delay: Duration,

    /// How long a client may shout nothing before it is disconnected
    /// (e.g. 10s, 500ms)
    #[arg(long, default_value = "10s", value_parser = flags::positive_duration)]
    timeout: Duration,

    #[command(flatten)]
    threads: flags::MaxThreads,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    common::threads::set_budget(args.threads.server_budget());
    let listener = common::listen(&args.addr).unwrap_or_else(|err| common::log_fatal!("{err}"));
    serve(listener, args.delay, args.timeout);
}

/// reverb2's `serve`, for this `handle_conn`.
fn serve(listener: TcpListener, delay: Duration, timeout: Duration) {
    loop {
        let conn = match common::accept(&listener) {
            Ok(conn) => conn,
            Err(err) => {
                common::log_print!("{err}"); // e.g., connection aborted
                continue;
            }
        };
        common::go(move || handle_conn(conn, delay, timeout));
    }
}

/// Echoes each line from `input`, each shout on a thread of its own, until
/// the input ends or nothing is shouted for `timeout`.
fn handle_conn(input: TcpStream, delay: Duration, timeout: Duration) {
    let (Ok(c), Ok(reader)) = (input.try_clone(), input.try_clone()) else {
        return;
    };
    let c = Arc::new(Mutex::new(Conn(Some(c))));
    // 8.8: the socket's own timer, for when no thread is free and the reader runs here.
    let _ = input.set_read_timeout(Some(timeout));
    let (heard_tx, heard) = bounded(1); // 8.8
    let echoes = Arc::clone(&c);
    common::go(move || {
        for shout in Scanner::new(&reader) {
            let _ = heard_tx.try_send(()); // full: the handler has the news already
            // 8.8: echoes start here, not in the handler: at the budget an echo
            // runs in place, and the timer must not wait behind a blocked one.
            let c = Arc::clone(&echoes);
            common::go(move || echo(&c, &shout, delay));
        }
        // NOTE: ignoring potential errors from input.Err()
    });
    loop {
        select! {
            recv(heard) -> news => if news.is_err() { break }, // the input has ended
            recv(after(timeout)) -> _ => break, // 8.8: silent too long
        }
    }
    close(input, &c); // this also ends the reader, and an echo blocked writing
}
