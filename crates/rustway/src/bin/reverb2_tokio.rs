//! `reverb2_tokio`: reverb2 (`gopl.io/ch8/reverb2`) the Rust way.
//!
//! Replaces `crates/reverb2`. The one idea that changed: each shout's echo
//! is a tokio task, and its `time.Sleep` a timer, not a sleeping thread; so
//! there is no thread ceiling and no `--max-threads`: a flood of 100,000
//! shouts from one client is 100,000 timers, all echoed in full.
//!
//! ```text
//! $ cargo run -p rustway --bin reverb2_tokio   # terminal 1
//! $ cargo run -p netcat2                       # terminal 2: shout, hear the echoes overlap
//! ```
//!
//! | thread version                          | the Rust way                           |
//! |-----------------------------------------|----------------------------------------|
//! | `common::go(move \|\| echo(&c, ...))`   | `tokio::spawn(echo(c, ...))`          |
//! | `Arc<Mutex<TcpStream>>`, `thread::sleep` | `Arc<tokio::sync::Mutex<..>>`, `sleep(..).await` |
//! | `input.shutdown(Both)` ends pending echoes | taking the write half out of the mutex |

use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use common::{to_lower, to_upper};
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::sync::Mutex;
use tokio::time::sleep;

/// An echo server whose echoes of successive shouts overlap, each a tokio
/// task: gopl.io/ch8/reverb2 the Rust way. Connect with netcat2.
#[derive(Parser)]
#[command(name = "reverb2_tokio", version)]
struct Args {
    /// Where to listen, as HOST:PORT
    #[arg(long, default_value = "localhost:8000")]
    addr: String,

    /// The pause between an echo's three lines (e.g. 1s, 500ms)
    #[arg(long, default_value = "1s", value_parser = flags::duration)]
    delay: Duration,
}

/// The connection as the echoes share it: `None` once the client's input
/// has ended and the server has closed it.
type Conn = Arc<Mutex<Option<OwnedWriteHalf>>>;

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    rustway::runtime().block_on(async {
        let listener = rustway::listen(&args.addr);
        loop {
            match rustway::accept(&listener).await {
                Ok(conn) => drop(tokio::spawn(handle_conn(conn, args.delay))),
                Err(err) => common::log_print!("{err}"), // e.g., connection aborted
            }
        }
    });
}

async fn echo(c: Conn, shout: Vec<u8>, delay: Duration) {
    fprintln_tab(&c, &to_upper(&shout)).await;
    sleep(delay).await;
    fprintln_tab(&c, &shout).await;
    sleep(delay).await;
    fprintln_tab(&c, &to_lower(&shout)).await;
}

async fn handle_conn(conn: TcpStream, delay: Duration) {
    let (input, output) = conn.into_split();
    let c: Conn = Arc::new(Mutex::new(Some(output)));
    let mut input = rustway::Lines::new(BufReader::new(input));
    while let Some(shout) = input.next_line().await {
        tokio::spawn(echo(Arc::clone(&c), shout, delay));
    }
    // NOTE: ignoring potential errors from input.Err()
    // c.Close(): the echoes still due find it closed. forget(), not drop:
    // dropping a write half sends a FIN first, where unread input means a reset.
    if let Some(output) = c.lock().await.take() {
        output.forget();
    }
}

/// Go's `fmt.Fprintln(c, "\t", s)`: one line, written whole while the
/// connection is held, so the lines of concurrent echoes never mix.
async fn fprintln_tab(c: &Conn, s: &[u8]) {
    let line = [b"\t ", s, b"\n"].concat();
    if let Some(c) = c.lock().await.as_mut() {
        let _ = c.write_all(&line).await;
    }
}
