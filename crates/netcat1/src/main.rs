//! The command line of `netcat1`; the listing is in `lib.rs`.

use clap::Parser;

/// A read-only TCP client: prints what the server sends, until it closes
/// the connection: gopl.io/ch8/netcat1. Try it with clock1 or clock2.
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
