//! The command line of `reverb2`; the book's listing is in `lib.rs`.
//!
//! ```text
//! $ cargo run -p reverb2            # terminal 1
//! $ cargo run -p netcat2            # terminal 2 (or: nc localhost 8000), then type
//! ```

use std::time::Duration;

use clap::Parser;

/// An echo server whose echoes overlap, as real echoes do.
///
/// reverb2 is the book's concurrent echo server (gopl.io/ch8/reverb2). For
/// each line it receives it sends back the line in upper case, then after
/// the delay as it came, then after another delay in lower case, each
/// indented by a tab. Each echo runs on a thread of its own, so the echoes
/// of successive shouts overlap. When the client's input ends the server
/// closes the connection, cutting off echoes still pending, as the book's
/// does.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Where to listen, as HOST:PORT
    #[arg(long, default_value = "localhost:8000")]
    addr: String,

    /// How long each echo waits before the next, quieter one (e.g. 250ms, 2s)
    #[arg(long, default_value = "1s", value_parser = humantime::parse_duration)]
    delay: Duration,

    #[command(flatten)]
    threads: common::MaxThreads,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    common::threads::set_budget(args.threads.server_budget());
    let listener = common::listen(&args.addr).unwrap_or_else(|err| common::log_fatal!("{err}"));
    reverb2::serve(listener, args.delay);
}
