//! The command line of `netcat1`; the book's listing is in `lib.rs`.
//!
//! ```text
//! $ cargo run -p clock2             # terminal 1
//! $ cargo run -p netcat1            # terminal 2
//! ```

use clap::Parser;

/// A read-only TCP client: prints what the server sends.
///
/// netcat1 is the book's first client (gopl.io/ch8/netcat1). It connects to
/// the server and copies everything it sends to standard output until the
/// server closes the connection. Try it against clock1 and clock2.
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
    netcat1::run(conn, common::stdout());
}
