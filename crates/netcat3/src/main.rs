//! The command line of `netcat3`; the listing is in `lib.rs`.

use clap::Parser;

/// A TCP client that sends what you type and prints what comes back; at the
/// end of input (^D) it closes the connection, and exits once its reader
/// has logged `done`: gopl.io/ch8/netcat3. Try it with reverb2.
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
