//! The command line of `netcat2`; the book's listing is in `lib.rs`.
//!
//! ```text
//! $ cargo run -p reverb1            # terminal 1
//! $ cargo run -p netcat2            # terminal 2
//! ```

use clap::Parser;

/// A TCP client that sends what you type and prints what comes back.
///
/// netcat2 is the book's read/write client (gopl.io/ch8/netcat2). A
/// background thread prints what the server sends while the main thread
/// sends standard input to the server. At the end of input it exits at
/// once, even if echoes are still on their way. Try it against reverb1.
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
    netcat2::run(conn, std::io::stdin(), common::stdout());
}
