//! The command line of `chat`; the book's listing is in `lib.rs`.
//!
//! ```text
//! $ cargo run -p chat               # terminal 1
//! $ cargo run -p netcat3            # terminals 2, 3, ... (or: nc localhost 8000)
//! ```

use clap::Parser;

/// A chat server: every line a client sends goes to every client.
///
/// chat is the book's chat server (gopl.io/ch8/chat). A newcomer is told
/// its own address (`You are 127.0.0.1:PORT`) and announced to the others
/// (`ADDR has arrived`); each line it sends reaches every client, itself
/// included, as `ADDR: LINE`; when its input ends, the others hear
/// `ADDR has left`. As in the book, a client that stops reading stalls the
/// whole chat (exercise 8.15 mends that). Each client takes two threads.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Where to listen, as HOST:PORT
    #[arg(long, default_value = "localhost:8000")]
    addr: String,

    #[command(flatten)]
    threads: common::MaxThreads,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    common::threads::set_budget(args.threads.server_budget());
    let listener = common::listen(&args.addr).unwrap_or_else(|err| common::log_fatal!("{err}"));
    chat::serve(listener);
}
