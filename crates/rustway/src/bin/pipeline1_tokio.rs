//! `pipeline1_tokio`: pipeline1 (`gopl.io/ch8/pipeline1`) the Rust way.
//!
//! Replaces `crates/pipeline1`. The one idea that changed: the counter, the
//! squarer and the printer are three tasks on one thread (a current-thread
//! runtime), so a hand-off over an unbuffered channel is a task switch in
//! the same thread, as between goroutines, not a futex wake of another
//! thread and a trip through the kernel's scheduler.
//!
//! tokio's own `mpsc` has no capacity 0; flume's `bounded(0)` is Go's
//! unbuffered channel, a rendezvous, and can be awaited.
//!
//! ```text
//! $ cargo run -p rustway --bin pipeline1_tokio | head -n 5
//! ```
//!
//! | thread version                  | the Rust way                              |
//! |---------------------------------|-------------------------------------------|
//! | `crossbeam_channel::bounded(0)` | `flume::bounded(0)`                       |
//! | `thread::spawn(move \|\| ...)`  | `tokio::spawn(async move { ... })`        |
//! | `tx.send(x)`, `rx.recv()`       | `tx.send_async(x).await`, `rx.recv_async().await` |

use std::io::Write;

use clap::Parser;

/// Prints the squares 0, 1, 4, 9, ... forever through a three-stage pipeline
/// of tasks: gopl.io/ch8/pipeline1 the Rust way.
#[derive(Parser)]
#[command(name = "pipeline1_tokio", version)]
struct Args {}

fn main() {
    common::raise_open_file_limit();
    Args::parse();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap_or_else(|err| common::log_fatal!("{}", common::go_error(&err)));
    runtime.block_on(async {
        let (naturals_tx, naturals) = flume::bounded::<i64>(0);
        let (squares_tx, squares) = flume::bounded::<i64>(0);

        // Counter
        tokio::spawn(async move {
            let mut x: i64 = 0;
            while naturals_tx.send_async(x).await.is_ok() {
                x = x.wrapping_add(1);
            }
        });

        // Squarer
        tokio::spawn(async move {
            while let Ok(x) = naturals.recv_async().await {
                if squares_tx.send_async(x.wrapping_mul(x)).await.is_err() {
                    break;
                }
            }
        });

        // Printer (in the main task)
        let mut out = common::stdout_for_lines();
        while let Ok(x) = squares.recv_async().await {
            common::must_write(writeln!(out, "{x}"));
        }
    });
}
