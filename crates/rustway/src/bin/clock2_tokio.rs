//! `clock2_tokio`: clock2 (`gopl.io/ch8/clock2`) the Rust way.
//!
//! Replaces `crates/clock2`. The one idea that changed: a client is a tokio
//! task, a few hundred bytes on the heap, not an OS thread with a stack and
//! page tables of its own; so there is no thread budget and no
//! `--max-threads` or `--stack-size`: 50,000 clients are 50,000 tasks on
//! one worker thread per CPU.
//!
//! ```text
//! $ cargo run -p rustway --bin clock2_tokio   # terminal 1
//! $ nc localhost 8000                         # terminals 2, 3, ...
//! ```
//!
//! | thread version                     | the Rust way                          |
//! |------------------------------------|---------------------------------------|
//! | `common::go(move \|\| handle_conn(c))` | `tokio::spawn(handle_conn(c))`     |
//! | `thread::sleep(1 s)`               | `interval.tick().await`               |

use std::time::Duration;

use clap::Parser;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::time::{MissedTickBehavior, interval};

/// A TCP server that writes the time (HH:MM:SS) once a second, to every
/// client at once: gopl.io/ch8/clock2 the Rust way, a tokio task per client.
#[derive(Parser)]
#[command(name = "clock2_tokio", version)]
struct Args {
    /// Where to listen, as HOST:PORT
    #[arg(long, default_value = "localhost:8000")]
    addr: String,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    rustway::runtime().block_on(async {
        let listener = rustway::listen(&args.addr);
        loop {
            match rustway::accept(&listener).await {
                Ok(conn) => drop(tokio::spawn(handle_conn(conn))),
                Err(err) => common::log_print!("{err}"), // e.g., connection aborted
            }
        }
    });
}

/// Writes the time to `c` once a second until a write fails.
async fn handle_conn(mut c: TcpStream) {
    let mut ticks = interval(Duration::from_secs(1));
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let now = common::now().strftime("%H:%M:%S\n").to_string();
        if c.write_all(now.as_bytes()).await.is_err() {
            return; // e.g., client disconnected
        }
    }
}
