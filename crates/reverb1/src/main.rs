//! The command line of `reverb1`; the listing is in `lib.rs`.

use std::time::Duration;

use clap::Parser;

/// An echo server, one shout at a time: gopl.io/ch8/reverb1. Each line
/// comes back loud, then as it came, then quiet. Try it with netcat2.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Where to listen, as HOST:PORT
    #[arg(long, default_value = "localhost:8000")]
    addr: String,

    /// How long each echo waits before the next, quieter one (e.g. 250ms, 2s)
    #[arg(long, default_value = "1s", value_parser = flags::duration)]
    delay: Duration,

    #[command(flatten)]
    threads: flags::MaxThreads,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    common::threads::set_budget(args.threads.server_budget());
    let listener = common::listen(&args.addr).unwrap_or_else(|err| common::log_fatal!("{err}"));
    reverb1::serve(listener, args.delay);
}
