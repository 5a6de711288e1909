//! The command-line flags several programs share, each with a range that
//! no typed value can leave: `--max-threads`, durations and ticks; and
//! paths, which may be empty.
//!
//! The listings never see these; only the programs' `main.rs` do.

use std::path::PathBuf;
use std::time::Duration;

use clap::builder::TypedValueParser;
use common::threads::{Budget, SystemLimits};

/// The longest duration any flag takes: a year. (Longer ones overflow a
/// deadline, `Instant::now() + d`, which panics.)
pub const MAX_DURATION: Duration = Duration::from_secs(365 * 24 * 3600);

/// The `--max-threads` flag, for every program that starts a thread per
/// client, line, file, directory or link (`#[command(flatten)]`).
#[derive(Debug, Clone, clap::Args)]
pub struct MaxThreads {
    /// The most threads to run at once, at most what the system allows. At
    /// the budget, servers stop accepting until a thread is free, and other
    /// work runs in place or waits its turn. Default: what the system
    /// allows (vm.max_map_count / 4, kernel.threads-max, ulimit -u, and for
    /// servers ulimit -n), about 16,000 threads on a common Linux; less
    /// where more would only wait (du3 and du4: 32, thumbnail: 1000)
    #[arg(long, value_name = "N", value_parser = parse_max_threads)]
    pub max_threads: Option<usize>,
}

impl MaxThreads {
    /// The budget this flag gives a program that is not a server.
    pub fn budget(&self) -> Budget {
        Budget::new(
            self.max_threads
                .unwrap_or_else(|| SystemLimits::read().budget(false)),
        )
    }

    /// The budget this flag gives a server, whose every client thread also
    /// holds a file descriptor; it is fair among clients.
    pub fn server_budget(&self) -> Budget {
        let max = self
            .max_threads
            .unwrap_or_else(|| SystemLimits::read().budget(true));
        Budget::new(max).fair()
    }

    /// The budget this flag gives a program for which more than `most`
    /// threads would only wait (du3's walkers share 20 directory reads):
    /// the flag's number if given, else `most` or what the system allows,
    /// if less. Reaching that default is not logged: it is the program's
    /// design, not the system's ceiling.
    pub fn budget_at_most(&self, most: usize) -> Budget {
        match self.max_threads {
            Some(_) => self.budget(),
            None => Budget::new(SystemLimits::read().budget(false).min(most)).quiet(),
        }
    }
}

/// A `--max-threads` value: from 1 to what the system allows.
fn parse_max_threads(text: &str) -> Result<usize, String> {
    let n: usize = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of threads"))?;
    let most = SystemLimits::read().budget(false);
    match n {
        0 => Err("a program needs at least 1 thread".to_string()),
        n if n > most => Err(format!("this system allows at most {most} threads")),
        n => Ok(n),
    }
}

/// A path argument that may be empty, as Go takes `du1 ""` (and then fails
/// to open it: `open : no such file or directory`); clap's own `PathBuf`
/// parser refuses an empty one as a missing value. Use it as
/// `#[arg(value_parser = flags::any_path())]`.
pub fn any_path() -> impl TypedValueParser<Value = PathBuf> {
    clap::builder::OsStringValueParser::new().map(PathBuf::from)
}

/// A duration such as `1s`, `200ms` or `0s` (humantime), at most
/// [`MAX_DURATION`].
pub fn duration(text: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(text).map_err(|err| err.to_string())?;
    if d > MAX_DURATION {
        return Err("longer than a year".to_string());
    }
    Ok(d)
}

/// A duration that must be longer than zero: a tick, an idle limit, a
/// timeout. (Go's `time.Tick` returns nil for a period of zero or less,
/// and receiving from nil blocks forever; a zero tick would spin.)
pub fn positive_duration(text: &str) -> Result<Duration, String> {
    let d = duration(text)?;
    if d.is_zero() {
        return Err("must be longer than zero".to_string());
    }
    Ok(d)
}

/// Parses a `--tick`: a [`positive_duration`].
pub fn parse_tick(text: &str) -> Result<Duration, String> {
    positive_duration(text).map_err(|err| match err.as_str() {
        "must be longer than zero" => "the tick must be longer than zero".to_string(),
        _ => err,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_have_a_range() {
        assert_eq!(duration("0s"), Ok(Duration::ZERO));
        assert_eq!(duration("200ms"), Ok(Duration::from_millis(200)));
        assert!(duration("400y").is_err());
        assert!(positive_duration("0s").is_err());
        assert_eq!(
            parse_tick("0ms").unwrap_err(),
            "the tick must be longer than zero"
        );
        assert!(parse_tick("soon").is_err());
    }

    #[test]
    fn max_threads_has_a_range() {
        assert_eq!(parse_max_threads("4"), Ok(4));
        assert!(parse_max_threads("0").is_err());
        assert!(
            parse_max_threads("4294967295")
                .unwrap_err()
                .contains("at most")
        );
        assert!(parse_max_threads("lots").is_err());
    }
}
