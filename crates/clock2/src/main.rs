//! The command line of `clock2`; the book's listing is in `lib.rs`.
//!
//! ```text
//! $ cargo run -p clock2             # terminal 1
//! $ nc localhost 8000               # terminal 2 (or: cargo run -p netcat1)
//! ```

use clap::Parser;

/// A TCP server that writes the time once a second, to every client at once.
///
/// clock2 is the book's concurrent clock server (gopl.io/ch8/clock2). It
/// writes the local time, HH:MM:SS, to each client at once and then every
/// second until the client goes. Where clock1 calls handle_conn itself,
/// clock2 starts a thread for it, as Go's `go handleConn(c)` starts a
/// goroutine, so every client gets the time at once.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Where to listen, as HOST:PORT
    #[arg(long, default_value = "localhost:8000")]
    addr: String,

    /// Stack size of each connection's thread (e.g. 64KiB, 2MiB). A
    /// goroutine starts with 8 KiB and grows; a thread's stack is fixed.
    /// Smaller stacks do not save resident memory (the OS only maps the
    /// pages a thread touches) but do save page tables: 64KiB takes 1.7 MB
    /// of them for 10,000 clients where Rust's default 2MiB takes 41 MB.
    #[arg(long, default_value = "64KiB", value_parser = common::parse_stack_size)]
    stack_size: usize,

    #[command(flatten)]
    threads: common::MaxThreads,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    // A small stack keeps 10,000 idle threads' page tables small.
    let budget = args
        .threads
        .server_budget()
        .with_stack_size(args.stack_size);
    common::threads::set_budget(budget);
    let listener = common::listen(&args.addr).unwrap_or_else(|err| common::log_fatal!("{err}"));
    clock2::serve(listener);
}
