//! The command line of `clock1`; the listing is in `lib.rs`.

use clap::Parser;

/// A TCP server that writes the time (HH:MM:SS) once a second, to one
/// client at a time: gopl.io/ch8/clock1. Connect with `nc localhost 8000`.
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
