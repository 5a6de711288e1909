//! Exercise 8.4: make reverb2 count each connection's active echo
//! goroutines with a `sync.WaitGroup` and, once its input has ended and the
//! count falls to zero, close the write half of the connection.
//!
//! reverb2 (`crates/reverb2`) closed the connection at the end of input,
//! cutting off the echoes still pending; this waits for them, then closes
//! only the write half. Only `handle_conn` changes; `echo` is reverb2's.
//!
//! ```text
//! $ cargo run -p exercises --bin reverb_wait      # terminal 1
//! $ cargo run -p exercises --bin netcat_half      # terminal 2: the client of 8.3
//! One
//! Two
//! ^D
//!          ONE
//!          TWO
//!          One
//!          Two
//!          one
//!          two
//! 2026/11/28 14:03:01 done
//! ```
//!
//! | Go                              | Rust                                          |
//! |---------------------------------|-----------------------------------------------|
//! | `var wg sync.WaitGroup`         | `let wg = WaitGroup::new()` (crossbeam-utils) |
//! | `wg.Add(1)`                     | `wg.clone()`, moved into the echo's thread    |
//! | `defer wg.Done()`               | `drop(wg)` once the echo is done              |
//! | `wg.Wait()`                     | `wg.wait()`                                   |
//! | `c.(*net.TCPConn).CloseWrite()` | `input.shutdown(Shutdown::Write)`             |

use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Parser;
use common::Scanner;
use crossbeam_utils::sync::WaitGroup;
use reverb2::echo;

/// reverb2 that sends every echo before it closes the write half.
///
/// A solution to exercise 8.4 of gopl.io/ch8, a change to gopl.io/ch8/reverb2.
/// Try it with the client of exercise 8.3, netcat_half.
#[derive(Parser)]
#[command(name = "reverb_wait", version)]
struct Args {
    /// Where to listen, as HOST:PORT
    #[arg(long, default_value = "localhost:8000")]
    addr: String,

    /// How long each echo waits before the next, quieter one (e.g. 250ms, 2s)
    #[arg(long, default_value = "1s", value_parser = flags::duration)]
    delay: Duration,

    #[command(flatten)]
    threads: flags::MaxThreads,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    common::threads::set_budget(args.threads.server_budget());
    let listener = common::listen(&args.addr).unwrap_or_else(|err| common::log_fatal!("{err}"));
    serve(listener, args.delay);
}

/// reverb2's `serve`, for this `handle_conn`.
fn serve(listener: TcpListener, delay: Duration) {
    loop {
        let conn = match common::accept(&listener) {
            Ok(conn) => conn,
            Err(err) => {
                common::log_print!("{err}"); // e.g., connection aborted
                continue;
            }
        };
        common::go(move || handle_conn(conn, delay));
    }
}

/// Echoes each line from `input`, each shout on a thread of its own; at the
/// end of input, waits for the echoes, then closes the write half.
fn handle_conn(input: TcpStream, delay: Duration) {
    let Ok(c) = input.try_clone() else { return };
    let c = Arc::new(Mutex::new(c));
    let wg = WaitGroup::new(); // 8.4
    for shout in Scanner::new(&input) {
        let (c, wg) = (Arc::clone(&c), wg.clone()); // 8.4: wg.Add(1)
        common::go(move || {
            echo(&c, &shout, delay);
            drop(wg); // 8.4: wg.Done()
        });
    }
    // NOTE: ignoring potential errors from input.Err()

    wg.wait(); // 8.4
    let _ = input.shutdown(Shutdown::Write); // 8.4: CloseWrite
}
