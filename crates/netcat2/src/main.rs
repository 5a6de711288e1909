//! The command line of `netcat2`; the listing is in `lib.rs`.

use clap::Parser;

/// A TCP client that sends what you type and prints what comes back; it
/// exits at the end of input (^D): gopl.io/ch8/netcat2. Try it with reverb1.
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
