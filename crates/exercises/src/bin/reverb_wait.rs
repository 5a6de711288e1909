//! Exercise 8.4: make reverb2 count each connection's active echo
//! goroutines with a `sync.WaitGroup` and, once its input has ended and the
//! count falls to zero, close the write half of the connection.
//!
//! A solution to an exercise of gopl.io/ch8, next to the program it
//! changes, `gopl.io/ch8/reverb2` (`crates/reverb2`).
//!
//! With the client of exercise 8.3, every echo of several overlapping shouts
//! arrives, though standard input has ended:
//!
//! ```text
//! $ cargo run -p exercises --bin reverb_wait      # terminal 1
//! $ cargo run -p exercises --bin netcat_half      # terminal 2
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
//! What changed from reverb2, in ideas: reverb2 closed the connection as
//! soon as the client's input ended, cutting off the echoes still pending;
//! this one counts the echo threads of each connection, waits at the end of
//! input until none is left, and only then closes the write half. Like
//! every server here, it starts its threads through the thread budget.
//!
//! | Go                                     | Rust                                      |
//! |----------------------------------------|-------------------------------------------|
//! | `var wg sync.WaitGroup`                | `let wg = WaitGroup::new()` (crossbeam-utils) |
//! | `wg.Add(1)` before `go echo(...)`      | `let wg = wg.clone()`, moved into the thread |
//! | `defer wg.Done()`                      | the clone is dropped as `echo` ends       |
//! | `wg.Wait()`                            | `wg.wait()`                               |
//! | `c.(*net.TCPConn).CloseWrite()`        | `input.shutdown(Shutdown::Write)`         |
//! | `go echo(c, shout, delay)`             | `common::go_or_run(...)` (thread budget)  |
//! | `go handleConn(conn)`                  | `common::go(...)` (thread budget)         |

use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Parser;
use common::Scanner;
use crossbeam_utils::sync::WaitGroup;
use reverb2::echo; // reverb2's own: loud, as it came, quiet

/// Exercise 8.4: reverb2 that waits for its echoes before closing.
///
/// A solution to exercise 8.4 of gopl.io/ch8, a change to reverb2
/// (gopl.io/ch8/reverb2). Each line comes back loud, then as it came, then
/// quiet, each echo on a thread of its own so that the echoes of successive
/// shouts overlap. reverb2 closed the connection when the client's input
/// ended, cutting off pending echoes; this one waits until every echo has
/// been sent and then closes only the write half. Try it with the client of
/// exercise 8.3, netcat_half.
#[derive(Parser)]
#[command(name = "reverb_wait", version)]
struct Args {
    /// Where to listen, as HOST:PORT
    #[arg(long, default_value = "localhost:8000")]
    addr: String,

    /// How long each echo waits before the next, quieter one (e.g. 250ms, 2s)
    #[arg(long, default_value = "1s", value_parser = humantime::parse_duration)]
    delay: Duration,

    #[command(flatten)]
    threads: common::MaxThreads,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    common::threads::set_budget(args.threads.server_budget());
    let listener = common::listen(&args.addr).unwrap_or_else(|err| common::log_fatal!("{err}"));
    serve(listener, args.delay);
}

/// The book's `main` after `net.Listen`: accept connections forever and
/// handle each on a thread of its own.
fn serve(listener: TcpListener, delay: Duration) {
    for conn in listener.incoming() {
        let conn = match conn {
            Ok(conn) => conn,
            Err(err) => {
                common::accept_failed(&listener, &err); // e.g., connection aborted
                continue;
            }
        };
        // At the thread budget this waits; new clients wait in the backlog.
        common::go(move || handle_conn(conn, delay));
    }
}

/// Echoes each line from `input`, each shout on a thread of its own; at the
/// end of input, waits for the echoes, then closes the write half.
fn handle_conn(input: TcpStream, delay: Duration) {
    // The echo threads write through their own handle on the socket; this
    // one only reads. (A failed clone is out of descriptors: give up.)
    let Ok(c) = input.try_clone() else { return };
    let c = Arc::new(Mutex::new(c));
    let wg = WaitGroup::new();
    for shout in Scanner::new(&input) {
        let c = Arc::clone(&c);
        let wg = wg.clone(); // wg.Add(1)
        // At the thread budget the echo runs here, before the next shout is
        // read: slower, but every shout is echoed.
        common::go_or_run(move || {
            echo(&c, &shout, delay);
            drop(wg); // wg.Done()
        });
    }
    // NOTE: ignoring potential errors from input.Err()

    wg.wait(); // every echo has been written
    let _ = input.shutdown(Shutdown::Write);
}
