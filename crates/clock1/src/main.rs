//! The command line of `clock1`; the book's listing is in `lib.rs`.
//!
//! ```text
//! $ cargo run -p clock1             # terminal 1
//! $ nc localhost 8000               # terminal 2 (or: cargo run -p netcat1)
//! ```

use clap::Parser;

/// A TCP server that writes the time once a second, to one client at a time.
///
/// clock1 is the book's sequential clock server (gopl.io/ch8/clock1). It
/// writes the local time, HH:MM:SS, to a client at once and then every second
/// until the client goes. It handles one connection at a time: a second
/// client is accepted by the system but hears nothing until the first leaves.
/// Compare clock2, which adds one `go` (here one thread::spawn).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Where to listen, as HOST:PORT
    #[arg(long, default_value = "localhost:8000")]
    addr: String,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    let listener = common::listen(&args.addr).unwrap_or_else(|err| common::log_fatal!("{err}"));
    clock1::serve(listener);
}
