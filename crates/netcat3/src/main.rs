//! The command line of `netcat3`; the book's listing is in `lib.rs`.
//!
//! ```text
//! $ cargo run -p reverb2            # terminal 1
//! $ cargo run -p netcat3            # terminal 2
//! ```

use clap::Parser;

/// A TCP client that waits for its background thread before exiting.
///
/// netcat3 is the book's client with a done channel (gopl.io/ch8/netcat3).
/// Like netcat2 it sends standard input to the server while a background
/// thread prints what comes back. At the end of input it closes the
/// connection; the background thread then logs `done` and signals the main
/// thread over an unbuffered channel, and only then does the program exit.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The server to connect to, as HOST:PORT
    #[arg(long, default_value = "localhost:8000")]
    addr: String,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    let conn = common::dial(&args.addr).unwrap_or_else(|err| common::log_fatal!("{err}"));
    netcat3::run(conn, std::io::stdin(), common::stdout());
}
