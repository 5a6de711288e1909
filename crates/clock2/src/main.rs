//! The command line of `clock2`; the listing is in `lib.rs`.

use clap::Parser;

/// A TCP server that writes the time (HH:MM:SS) once a second, to every
/// client at once: gopl.io/ch8/clock2. Connect with `nc localhost 8000`.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Where to listen, as HOST:PORT
    #[arg(long, default_value = "localhost:8000")]
    addr: String,

    /// Stack size of each client's thread, from 16KiB to 64MiB (e.g. 64KiB,
    /// 2MiB). A goroutine's stack starts at 2 KiB and grows; a thread's is
    /// fixed, and a small one keeps 10,000 clients' page tables small
    #[arg(long, default_value = "64KiB", value_parser = parse_stack_size)]
    stack_size: usize,

    #[command(flatten)]
    threads: flags::MaxThreads,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    let budget = args.threads.server_budget();
    common::threads::set_budget(budget.with_stack_size(args.stack_size));
    let listener = common::listen(&args.addr).unwrap_or_else(|err| common::log_fatal!("{err}"));
    clock2::serve(listener);
}

/// The smallest thread stack `--stack-size` takes: Linux's
/// `PTHREAD_STACK_MIN` is 16 KiB.
const MIN_STACK_SIZE: usize = 16 << 10;

/// The largest: 32 times Rust's default, and far more than a handler needs.
const MAX_STACK_SIZE: usize = 64 << 20;

/// Parses a `--stack-size` flag: a number of bytes, or of `KiB` or `MiB`
/// (`K` and `M` mean the same), such as `65536`, `64KiB` or `1M`.
fn parse_stack_size(text: &str) -> Result<usize, String> {
    let digits = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = match &text[digits.len()..] {
        "" | "B" => 1,
        "K" | "KiB" => 1 << 10,
        "M" | "MiB" => 1 << 20,
        other => return Err(format!("unknown unit {other:?}: use KiB or MiB")),
    };
    let size = digits
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .ok_or_else(|| format!("{text:?} is not a size such as 64KiB"))?;
    match size {
        ..MIN_STACK_SIZE => Err(format!(
            "{text} is too small: a thread needs at least 16KiB"
        )),
        size if size > MAX_STACK_SIZE => Err(format!("{text} is too large: at most 64MiB")),
        size => Ok(size),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_sizes() {
        assert_eq!(parse_stack_size("65536"), Ok(65536));
        assert_eq!(parse_stack_size("64KiB"), Ok(65536));
        assert_eq!(parse_stack_size("64K"), Ok(65536));
        assert_eq!(parse_stack_size("2MiB"), Ok(2 << 20));
        assert_eq!(parse_stack_size("64MiB"), Ok(64 << 20));
        assert!(parse_stack_size("8KiB").unwrap_err().contains("too small"));
        assert!(parse_stack_size("65MiB").unwrap_err().contains("too large"));
        assert!(parse_stack_size("64kb").is_err());
        assert!(parse_stack_size("lots").is_err());
        assert!(parse_stack_size("99999999999999999999M").is_err());
    }
}
