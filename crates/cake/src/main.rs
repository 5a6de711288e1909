//! `cake`: runs the cake shop of `gopl.io/ch8/cake` (see the library's docs)
//! and compares each run with its ideal time; `--book` runs the six Go
//! benchmarks of `cake_test.go`.
//!
//! ```text
//! $ cargo run --release -p cake -- --book
//! $ cargo run --release -p cake -- --book --json
//! $ cargo run --release -p cake -- --cakes 3 --runs 1 --verbose
//! $ cargo run --release -p cake -- --bake-stddev 2.5ms --ice-stddev 2.5ms --timeline run.svg
//! ```
//!
//! Go's package has no `main`; its `go test -bench=.` is our `--book`.

use std::io::Write;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::process;
use std::time::Duration;

use cake::book::SCENARIOS;
use cake::{Run, Shop, Sleep, ideal, timeline};
use clap::builder::RangedU64ValueParser;
use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};
use serde::Serialize;

const ABOUT: &str = "\
Simulates a cake shop's assembly line: a baker, icers and an inscriber, \
threads passing cakes along channels (gopl.io/ch8/cake). Each step takes a \
normally distributed time. For every run it prints the time taken beside \
the ideal: the same run in virtual time, where handing a cake on costs \
nothing. --book runs the six benchmarks of the book's cake_test.go, which \
show that buffers alone change nothing, that variability costs time and \
buffers win some of it back, and that a slow middle stage adds to the \
critical path until more cooks share it (Amdahl's law). With --book, the \
shop's flags set the defaults the six scenarios start from.";

/// The cake shop of gopl.io/ch8/cake, timed against its ideal.
#[derive(Parser)]
#[command(version, about, long_about = ABOUT)]
struct Args {
    /// Number of cakes to bake, 0 to 100,000
    #[arg(long, default_value_t = 20, value_parser = count(0..=100_000))]
    cakes: usize,

    /// Time to bake one cake (e.g. 10ms, 1.5s), at most 1h
    #[arg(long, default_value = "10ms", value_parser = step_time)]
    bake_time: Duration,

    /// Standard deviation of baking time, at most 1h
    #[arg(long, default_value = "0s", value_parser = step_time)]
    bake_stddev: Duration,

    /// Buffer slots between baking and icing, 0 (unbuffered) to 100,000
    #[arg(long, default_value_t = 0, value_parser = count(0..=100_000))]
    bake_buf: usize,

    /// Number of cooks doing icing, 1 to 1,000 (0 only with --cakes 0)
    #[arg(long, default_value_t = 1, value_parser = count(0..=1000))]
    icers: usize,

    /// Time to ice one cake, at most 1h
    #[arg(long, default_value = "10ms", value_parser = step_time)]
    ice_time: Duration,

    /// Standard deviation of icing time, at most 1h
    #[arg(long, default_value = "0s", value_parser = step_time)]
    ice_stddev: Duration,

    /// Buffer slots between icing and inscribing, 0 (unbuffered) to 100,000
    #[arg(long, default_value_t = 0, value_parser = count(0..=100_000))]
    ice_buf: usize,

    /// Time to inscribe one cake, at most 1h
    #[arg(long, default_value = "10ms", value_parser = step_time)]
    inscribe_time: Duration,

    /// Standard deviation of inscribing time, at most 1h
    #[arg(long, default_value = "0s", value_parser = step_time)]
    inscribe_stddev: Duration,

    /// How many times to run the shop, 1 to 10,000 [default: 1, or 10 for each scenario with --book]
    #[arg(long, value_parser = count(1..=10_000))]
    runs: Option<usize>,

    /// How the cooks sleep: "go" rounds up to Go 1.19's millisecond timer
    /// ticks on Linux, "exact" is std::thread::sleep
    #[arg(long, value_enum, default_value_t = Sleep::Go)]
    sleep: Sleep,

    /// Print what each cook does, as Go's Shop does when Verbose
    #[arg(long)]
    verbose: bool,

    /// Seed for the random durations, to replay a run [default: a random one, printed]
    #[arg(long)]
    seed: Option<u64>,

    /// Run the six benchmarks of the book's cake_test.go and print a table
    #[arg(long)]
    book: bool,

    /// With --book: print the table as JSON
    #[arg(long, requires = "book")]
    json: bool,

    /// Draw the first run as an SVG picture, a row per cook
    #[arg(long, value_name = "FILE.svg", conflicts_with = "book")]
    timeline: Option<PathBuf>,
}

fn count(range: RangeInclusive<u64>) -> RangedU64ValueParser<usize> {
    RangedU64ValueParser::new().range(range)
}

/// A step's mean time or standard deviation: at most an hour.
fn step_time(arg: &str) -> Result<Duration, String> {
    let d = flags::duration(arg)?;
    if d > Duration::from_secs(3600) {
        return Err("a step takes at most 1h".to_string());
    }
    Ok(d)
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    let shop = Shop {
        verbose: args.verbose,
        cakes: args.cakes,
        bake_time: args.bake_time,
        bake_stddev: args.bake_stddev,
        bake_buf: args.bake_buf,
        num_icers: args.icers,
        ice_time: args.ice_time,
        ice_stddev: args.ice_stddev,
        ice_buf: args.ice_buf,
        inscribe_time: args.inscribe_time,
        inscribe_stddev: args.inscribe_stddev,
        sleep: args.sleep,
    };
    if shop.num_icers == 0 && shop.cakes > 0 {
        let why = "--icers 0: with no icer nobody takes the first cake and the shop \
                   never finishes (Go: \"all goroutines are asleep - deadlock!\")";
        Args::command()
            .error(ErrorKind::ValueValidation, why)
            .exit();
    }
    let seed = args.seed.unwrap_or_else(|| rand::random_range(0..100_000));
    let done = if args.book {
        book(&args, shop, seed)
    } else {
        run(&args, &shop, seed)
    };
    if let Err(err) = done {
        eprintln!("cake: {err}");
        process::exit(1);
    }
}

/// Runs the configured shop, prints each run's time beside its ideal, and
/// draws the first run if asked.
fn run(args: &Args, shop: &Shop, seed: u64) -> Result<(), String> {
    let runs = work(shop, args.runs.unwrap_or(1), seed)?;
    let mut ideals = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        let ideal = ideal_of(shop, run)?;
        ideals.push(ideal);
        say(&format!(
            "run {}: {} (ideal {})",
            i + 1,
            ms(run.elapsed),
            ms(ideal)
        ))?;
    }
    let measured = mean(runs.iter().map(|run| run.elapsed));
    let ideal = mean(ideals.into_iter());
    // An ideal of 0.0 ms (no cakes, or steps of no time) has no percentage
    // that means anything: the cost is then said in ms.
    let cost = if ideal < 0.05 {
        format!("{:+.1} ms", measured - ideal)
    } else {
        format!("{:+.1}%", (measured - ideal) / ideal * 100.0)
    };
    let runs_done = match runs.len() {
        1 => "1 run".to_string(),
        n => format!("{n} runs"),
    };
    say(&format!(
        "{runs_done}: {measured:.1} ms per run, ideal {ideal:.1} ms ({cost}), seed {seed}"
    ))?;
    if let (Some(path), Some(first)) = (&args.timeline, runs.first()) {
        let title = format!(
            "{} cakes, {} icer{}, buffers {}/{}, stddev {}/{}/{}: {} (ideal {}), seed {seed}",
            shop.cakes,
            shop.num_icers,
            if shop.num_icers == 1 { "" } else { "s" },
            shop.bake_buf,
            shop.ice_buf,
            ms(shop.bake_stddev),
            ms(shop.ice_stddev),
            ms(shop.inscribe_stddev),
            ms(first.elapsed),
            ms(ideal_of(shop, first)?),
        );
        timeline::save(path, &timeline::draw(shop, first, &title))
            .map_err(|err| format!("--timeline {}: {}", path.display(), common::go_error(&err)))?;
    }
    Ok(())
}

/// One row of the `--book` table, as `--json` prints it.
#[derive(Serialize)]
struct Row {
    scenario: &'static str,
    ms_per_run: f64,
    ideal_ms: f64,
    book_ms: f64,
}

/// Runs the six scenarios of `cake_test.go` and prints the table.
///
/// Every scenario uses the same seed, so Variable and VariableBuffers draw
/// the very same durations: only the buffers differ.
fn book(args: &Args, defaults: Shop, seed: u64) -> Result<(), String> {
    let runs = args.runs.unwrap_or(10);
    if !args.json {
        say(&format!(
            "{runs} runs of each scenario, seed {seed}; times in ms per run"
        ))?;
        say(&format!(
            "{:<19} {:<46} {:>8} {:>7} {:>6} {:>7}",
            "scenario", "what it shows", "measured", "ideal", "book", "Go 1.19"
        ))?;
    }
    let mut rows = Vec::new();
    for scenario in SCENARIOS {
        let shop = (scenario.change)(defaults.clone());
        let done = work(&shop, runs, seed)?;
        let ideals = done.iter().map(|run| ideal_of(&shop, run));
        let row = Row {
            scenario: scenario.name,
            ms_per_run: round(mean(done.iter().map(|run| run.elapsed))),
            ideal_ms: round(mean(ideals.collect::<Result<Vec<_>, _>>()?.into_iter())),
            book_ms: scenario.book_ms,
        };
        if !args.json {
            say(&format!(
                "{:<19} {:<46} {:>8.1} {:>7.1} {:>6} {:>7}",
                row.scenario,
                scenario.shows,
                row.ms_per_run,
                row.ideal_ms,
                row.book_ms,
                scenario.go_ms
            ))?;
        }
        rows.push(row);
    }
    if args.json {
        let json = serde_json::to_string_pretty(&rows).map_err(|err| err.to_string())?;
        say(&json)?;
    }
    Ok(())
}

/// Runs `shop` `runs` times, its verbose lines going to stdout.
fn work(shop: &Shop, runs: usize, seed: u64) -> Result<Vec<Run>, String> {
    let print = |line: &str| {
        // Like Go's fmt.Println, a verbose line ignores write errors (but a
        // closed pipe ends the program quietly).
        let _ = common::stdout().write_all(format!("{line}\n").as_bytes());
    };
    shop.work(runs, seed, &print)
        .map_err(|err| format!("cannot start a cook's thread: {err}"))
}

fn ideal_of(shop: &Shop, run: &Run) -> Result<Duration, String> {
    ideal::makespan(shop, &run.durations).ok_or_else(|| "the shop can never finish".to_string())
}

/// Prints one line on stdout.
fn say(line: &str) -> Result<(), String> {
    common::stdout()
        .write_all(format!("{line}\n").as_bytes())
        .map_err(|err| format!("write stdout: {}", common::go_error(&err)))
}

/// The mean of some durations, in milliseconds.
fn mean(durations: impl Iterator<Item = Duration>) -> f64 {
    let (mut sum, mut n) = (0.0, 0);
    for d in durations {
        sum += d.as_secs_f64() * 1e3;
        n += 1;
    }
    sum / f64::from(n.max(1))
}

fn round(ms: f64) -> f64 {
    (ms * 100.0).round() / 100.0
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}
