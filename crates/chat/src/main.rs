//! The command line of `chat`; the listing is in `lib.rs`.

use clap::Parser;

/// A chat server: every line a client sends goes to every client, itself
/// included: gopl.io/ch8/chat. Each client takes two threads. Connect with
/// netcat3 or `nc localhost 8000`.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Where to listen, as HOST:PORT
    #[arg(long, default_value = "localhost:8000")]
    addr: String,

    #[command(flatten)]
    threads: flags::MaxThreads,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    common::threads::set_budget(args.threads.server_budget());
    let listener = common::listen(&args.addr).unwrap_or_else(|err| common::log_fatal!("{err}"));
    chat::serve(listener);
}
