//! The command-line flags several programs share, each with a range that
//! no typed value can leave: `--max-threads`, durations and ticks; the
//! crawlers' start URLs, `--concurrency` and `--timeout`; and paths, which
//! may be empty.
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

/// The start URLs and `--concurrency` of the crawlers that bound their
/// fetches: crawl2, crawl3, and those grown from them (`#[command(flatten)]`,
/// beside [`Fetch`]). crawl2 holds that many tokens, crawl3 runs that many
/// crawler threads, each fetching one page at a time: either way, that many
/// fetches at once.
#[derive(Debug, Clone, clap::Args)]
pub struct Crawl {
    /// Where to start, such as https://gopl.io/
    #[allow(rustdoc::bare_urls)] // --help shows it as it is written
    #[arg(required = true)]
    pub urls: Vec<String>,

    /// The most fetches at once, 1 to 1000 (the book's 20)
    #[arg(long, default_value_t = 20,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1000))]
    pub concurrency: usize,
}

/// The `--timeout` flag, for every program that fetches web pages: the
/// crawlers and fetch_mirrors (`#[command(flatten)]`).
#[derive(Debug, Clone, clap::Args)]
pub struct Fetch {
    /// How long one fetch may take, at most a year (e.g. 500ms, 10s); 0s
    /// for no limit, as Go's http.Get (Client.Timeout 0 means none)
    #[arg(long, default_value = "30s", value_parser = duration)]
    pub timeout: Duration,
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

    /// A crawler's command line, as crawl2's: its URLs, then the flags.
    #[derive(clap::Parser)]
    struct Crawler {
        #[command(flatten)]
        crawl: Crawl,
        #[command(flatten)]
        fetch: Fetch,
    }

    fn crawler(args: &[&str]) -> Result<Crawler, String> {
        use clap::Parser;
        let args = ["crawl"].iter().chain(args);
        Crawler::try_parse_from(args).map_err(|err| err.to_string())
    }

    #[test]
    fn crawl_flags_have_defaults_and_ranges() {
        let c = crawler(&["https://gopl.io/"]).unwrap();
        assert_eq!(c.crawl.urls, ["https://gopl.io/"]);
        assert_eq!(c.crawl.concurrency, 20);
        assert_eq!(c.fetch.timeout, Duration::from_secs(30));

        let c = crawler(&["a", "b", "--concurrency", "1000", "--timeout", "0s"]).unwrap();
        assert_eq!(c.crawl.urls, ["a", "b"]);
        assert_eq!(c.crawl.concurrency, 1000);
        assert_eq!(c.fetch.timeout, Duration::ZERO); // no limit

        let err = |args: &[&str]| crawler(args).err().unwrap_or_default();
        assert!(err(&[]).contains("<URLS>..."), "{}", err(&[]));
        for (bad, why) in [
            ("0", "0 is not in 1..=1000"),
            ("1001", "1001 is not in 1..=1000"),
            ("x", "invalid digit found in string"),
        ] {
            let err = err(&["u", "--concurrency", bad]);
            let want = format!("invalid value '{bad}' for '--concurrency <CONCURRENCY>': {why}");
            assert!(err.contains(&want), "{err}");
        }
        for (bad, why) in [
            ("soon", "expected number at 0"),
            ("400y", "longer than a year"),
        ] {
            let err = err(&["u", "--timeout", bad]);
            let want = format!("invalid value '{bad}' for '--timeout <TIMEOUT>': {why}");
            assert!(err.contains(&want), "{err}");
        }
    }

    #[test]
    fn crawl_help_says_each_rule_once() {
        let help = crawler(&["--help"]).err().unwrap_or_default();
        for line in [
            "--concurrency <CONCURRENCY>",
            "The most fetches at once, 1 to 1000 (the book's 20)",
            "[default: 20]",
            "--timeout <TIMEOUT>",
            "0s for no limit, as Go's http.Get",
            "[default: 30s]",
        ] {
            assert_eq!(help.matches(line).count(), 1, "{line:?} in {help}");
        }
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
