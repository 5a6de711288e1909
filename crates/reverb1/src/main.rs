//! The command line of `reverb1`; the book's listing is in `lib.rs`.
//!
//! ```text
//! $ cargo run -p reverb1            # terminal 1
//! $ cargo run -p netcat2            # terminal 2 (or: nc localhost 8000), then type
//! ```

use std::time::Duration;

use clap::Parser;

/// An echo server: each line comes back loud, then moderate, then quiet.
///
/// reverb1 is the book's first echo server (gopl.io/ch8/reverb1). For each
/// line it receives it sends back the line in upper case, then after the
/// delay as it came, then after another delay in lower case, each indented
/// by a tab. Within one connection it echoes one shout at a time, so a
/// second shout is not heard until the first has faded. Compare reverb2.
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
    reverb1::serve(listener, args.delay);
}
