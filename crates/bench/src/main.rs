//! `bench`: measured performance and scale of the chapter 8 ports, each
//! beside a reference measured on the same machine in the same run. Every
//! benchmark of the workspace is a subcommand of this one binary.
//!
//! ```text
//! $ cargo build --release --workspace && cargo run --release -p bench
//! $ cargo run --release -p bench -- --only clock2,pipeline1
//! $ cargo run --release -p bench -- chat --rounds 5
//! $ cargo run --release -p bench -- help du
//! ```
//!
//! With no subcommand it measures the main table ([`table`]): clock2,
//! reverb2, spinner, pipeline1, channels, flood and crowd; each row is a
//! subcommand too. The other subcommands are one program's benchmark
//! each: [`chat`], [`crawl`], [`du`], [`thumbnail`], [`mandelbrot`].
//!
//! The programs are the release builds next to this executable (or
//! `--bin-dir`); the tool never builds them.
//!
//! | module       | what it holds                                               |
//! |--------------|-------------------------------------------------------------|
//! | [`procs`]    | finding, starting, timing and killing programs; `/proc`     |
//! | [`stats`]    | medians, alternating rounds, ratios                         |
//! | [`report`]   | the Markdown table of the main rows, and its units          |
//! | [`load`]     | the mio load clients of clock2 and reverb2                  |
//! | [`channels`] | the in-process channel pipelines of the `channels` rows     |

mod channels;
mod chat;
mod crawl;
mod du;
mod ftp;
mod load;
mod mandelbrot;
mod mirror;
mod procs;
mod report;
mod rustway;
mod stats;
mod table;
mod thumbnail;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::procs::Bins;
use crate::table::{
    BurstArgs, Clock2Server, CrowdArgs, FloodArgs, ItemsArgs, LinesArgs, RepeatArgs, Reverb2Server,
    ReverbArgs, Settings, Target,
};

/// Measures the chapter 8 ports against references run on the same machine.
#[derive(Parser, Debug)]
#[command(
    version,
    long_about = "Measures the Rust ports of gopl.io/ch8 on this machine, each beside a \
reference measured in the same run.\n\n\
With no subcommand it measures the main table: clock2 under a burst of 10,000 clients (memory \
against 10,000 idle C threads), reverb2 under 1,000 shouting clients (wall time), spinner \
(against fib(45) in C), pipeline1 (against the same pipeline in C with mutex+condvar \
channels), the cost of one item through unbuffered and buffered channels, and reverb2 and \
clock2 past the thread ceiling (flood, crowd). It prints a Markdown table; Go's figures are \
quoted. The options below are that table's; each row is also a subcommand, with its own.\n\n\
The other subcommands are the benchmarks of single programs (chat, crawl, du, thumbnail, \
mandelbrot); `bench help SUBCOMMAND` says what each measures against what.\n\n\
Build the programs first: `cargo build --release --workspace`. The exit status is 1 if a \
target of the table is missed, 2 if a benchmark could not run."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    /// Where the release binaries are (default: beside this executable)
    #[arg(long, global = true, value_name = "DIR")]
    bin_dir: Option<PathBuf>,

    /// Only these rows of the table, comma-separated (default: all)
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Target>,

    #[command(flatten)]
    settings: Settings,
}

/// The benchmarks.
#[derive(Subcommand, Debug)]
enum Command {
    /// clock2's peak memory with 10,000 clients, against 10,000 idle C threads
    #[command(
        visible_alias = "clock-memory",
        long_about = "clock2's resident memory (peak VmHWM, and page tables) while 10,000 \
clients that connected in the same instant each read its ticks for 6 s, against the C floor \
measured in the same run: 10,000 idle C threads (c/threads_idle.c, gcc -O2), printed as a \
ratio. A row of the main table; the goal is every client served and at most 1.20× the floor."
    )]
    Clock2 {
        #[command(flatten)]
        burst: BurstArgs,
        #[command(flatten)]
        server: Clock2Server,
    },

    /// reverb2's wall time for 1,000 clients × 10 shouts, against an echo's two 1 s sleeps
    #[command(
        long_about = "reverb2's wall time until every echo is back, for 1,000 clients that \
each send 10 shouts at once, against the floor of an echo's own two 1 s sleeps (2.00 s); \
every echo is checked. A row of the main table; the goal is at most 2.6 s."
    )]
    Reverb2 {
        #[command(flatten)]
        reverb: ReverbArgs,
        #[command(flatten)]
        server: Reverb2Server,
    },

    /// spinner's wall time for fib(45), against fib(45) in C
    #[command(
        long_about = "spinner's wall time for fib(45) with its spinner thread running, \
against the same fib(45) in C (c/fib.c, gcc -O2), run in turns, medians compared. A row of \
the main table; the goal is at most 2.3× C."
    )]
    Spinner {
        #[command(flatten)]
        repeat: RepeatArgs,
    },

    /// pipeline1 | head -n 100000, against the same pipeline in C
    #[command(
        long_about = "The time pipeline1 takes to print its first 100,000 squares, as \
`pipeline1 | head -n 100000` reads them, against the same pipeline in C with mutex+condvar \
channels (c/rendezvous.c), run in turns, medians compared; then both on one CPU (taskset), \
for information. A row of the main table; the goal is at most 1.20× C."
    )]
    Pipeline1 {
        #[command(flatten)]
        lines: LinesArgs,
        #[command(flatten)]
        repeat: RepeatArgs,
    },

    /// One item through crossbeam channels, against a Mutex+Condvar hand-off in Rust and C
    #[command(
        long_about = "The cost of one item through a counter → squarer → sink pipeline of 3 \
OS threads, by channel: crossbeam bounded(0), (1), (16) and (1024), against a Mutex+Condvar \
rendezvous in Rust and in C (c/rendezvous.c), each once per round; Go's unbuffered channels \
quoted. Prints its own table, for information."
    )]
    Channels {
        #[command(flatten)]
        items: ItemsArgs,
        #[command(flatten)]
        repeat: RepeatArgs,
    },

    /// reverb2 with 30,000 shouts at once, against the echoes' sleeps in rounds of the thread budget
    #[command(
        long_about = "reverb2 flooded past the thread ceiling: one client sends 30,000 shouts \
at once, with --delay 10s, which would be 30,000 echo threads. Its wall time until every echo \
is back, against the echoes' sleeps in as many rounds as the thread budget the server logs. \
A row of the main table; the goal is that it stays up and every echo comes back."
    )]
    Flood {
        #[command(flatten)]
        flood: FloodArgs,
        #[command(flatten)]
        server: Reverb2Server,
    },

    /// clock2 with 18,000 clients at once, against one tick in rounds of the thread budget
    #[command(
        long_about = "clock2 crowded past the thread ceiling: 18,000 clients connect at once \
and each leaves after two ticks. The time until the last is served, against one tick in as \
many rounds as the thread budget the server logs. A row of the main table; the goal is that \
it stays up and serves every client."
    )]
    Crowd {
        #[command(flatten)]
        crowd: CrowdArgs,
        #[command(flatten)]
        server: Clock2Server,
    },

    /// chat's fan-out time and memory, against one thread over epoll serving the same protocol
    #[command(
        long_about = "chat under two loads, fan-out (200 clients × 20 lines: 800,000 \
deliveries) and idle (2,000 listeners + 10 talkers × 20 lines: 402,000 deliveries): the time \
from the first line sent to the last received, and the server's peak memory (VmHWM) and \
threads. Against a reference server run in the same rounds, in turns: the same protocol \
served by one thread over epoll (mio) with an output buffer per client, the work without \
thread hand-offs. Medians of the rounds, and the ratios."
    )]
    Chat(chat::ChatArgs),

    /// crawl2 and crawl3 over a generated site, against 20 threads fetching the known URLs
    #[command(
        long_about = "crawl2 and crawl3 crawling a generated site of about 5,000 URLs on a \
loopback port, pages answered at once and after 50 ms: the time of the whole crawl, pages a \
second and peak RSS. Against the same server fetched by 20 threads of the bench with \
links::extract, the URLs known in advance (no crawler around the fetches), in the same \
rounds; with 50 ms pages, a sequential fetch too. Medians of the rounds."
    )]
    Crawl(crawl::CrawlArgs),

    /// du3 on 100,000 files, against du1, GNU du, GNU find and a one-thread walk
    #[command(
        long_about = "du1 and du3 (default, --max-threads 4, 16 and 16000) on a generated \
tree of 100,000 empty files in 10,101 directories, warm cache: wall and CPU time (GNU \
/usr/bin/time). Against GNU du -s --apparent-size, GNU find -printf, and a control walk in \
this process with no channel, in the same rounds, the order turned each round. Medians, and \
the ratios to GNU du and du1."
    )]
    Du(du::DuArgs),

    /// thumbnail's parallel variants, against two sequential processes at once
    #[command(
        long_about = "thumbnail's sequential loop and --variant 5 and 6 (default --jobs and \
one job per CPU) on 48 generated photo-like JPEGs: wall time, CPU and page faults per image. \
Against the speed-up the machine gives two independent sequential processes at once, each on \
its own copy, in the same rounds (and ImageMagick's mogrify, if installed). Speed-ups over \
the sequential loop and fractions of the reference's, round by round, then the median."
    )]
    Thumbnail(thumbnail::ThumbnailArgs),

    /// Exercise 8.5's parallel Mandelbrot by worker count, against the book's sequential loop
    #[command(
        long_about = "Exercise 8.5's parallel Mandelbrot rendering the book's 1024×1024 image \
in memory with 1, 2, 4 … 64 workers: wall and CPU time. Against the book's sequential loop \
in the same rounds, forward and backward in turn; the speed-up is the sequential median over \
each case's. The PNG encoding after it is timed apart. Prints a table and draws the speed-up \
in crates/exercises/docs/mandelbrot-speedup.svg (or --svg)."
    )]
    Mandelbrot(mandelbrot::MandelbrotArgs),

    /// Exercise 8.7's mirror over a site of 50 ms pages, against wget --mirror
    #[command(
        long_about = "Exercise 8.7's mirror saving a generated site of 200 pages (each with \
an image, a stylesheet and a script, every answer 50 ms late) on a loopback port, against \
`wget --mirror --convert-links --adjust-extension --page-requisites` in the same rounds, in \
turns, with crawl2's URLs a second beside them. Both must save the same files; the goal is \
the mirror at least 4x as fast as wget, medians compared (exit status 1 if missed)."
    )]
    Mirror(mirror::MirrorArgs),

    /// Exercise 8.2's FTP server, against vsftpd: one 1 GiB RETR, 100 downloads and 300 logins at once
    #[command(
        long_about = "Exercise 8.2's ftpd against vsftpd (installed, anonymous, its own config \
file, on a free loopback port, the same root), in turns, each started afresh each round: one \
RETR of a 1 GiB pseudo-random file (MB/s), 100 clients downloading a 5 MiB file at once (wall \
time, every byte checked), 300 clients connecting and logging in at once (wall time), and the \
summed PSS of the server's processes with those 300 sessions idle. Medians and ratios; the \
goal is at least vsftpd's throughput and at most 1.5x its wall times."
    )]
    Ftp(ftp::FtpArgs),

    /// The same jobs three ways: Go's originals, the thread port, and tokio/rayon against Go
    #[command(
        long_about = "The jobs of crates/rustway (clock2, reverb2, pipeline1, du, ...) run \
three ways in the same rounds, in turns: Go's originals (--go-bin DIR; each Go server under \
flock /tmp/go8000.lock), the thread port, and the Rust way (tokio, rayon). Medians, and the \
Rust way's ratio against Go or the job's reference, beside the goals of issue 21."
    )]
    Rustway(rustway::RustwayArgs),

    /// The reference server of `bench chat`: chat's protocol on one thread
    #[command(hide = true)]
    ChatReference {
        /// Where to listen
        #[arg(long)]
        addr: SocketAddr,
    },
}

fn main() {
    let cli = parse().unwrap_or_else(|err| err.exit());
    match run(cli) {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(err) => {
            eprintln!("bench: {err}");
            std::process::exit(2);
        }
    }
}

/// The command line, from the arguments of this process.
fn parse() -> Result<Cli, clap::Error> {
    parse_from(std::env::args_os())
}

/// The command line, from `args`. The table's options go with no
/// subcommand: before one, they would be silently ignored, so they are an
/// error there (each row's subcommand has its own).
fn parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let mut command = Cli::command();
    let matches = command.try_get_matches_from_mut(args)?;
    if let Some((name, _)) = matches.subcommand() {
        if let Some(arg) = table_option_given(&command, &matches) {
            let message = format!(
                "--{arg} is an option of the table, not of `bench {name}`; see `bench {name} --help`"
            );
            return Err(command.error(clap::error::ErrorKind::ArgumentConflict, message));
        }
    }
    Cli::from_arg_matches(&matches).map_err(|err| err.format(&mut command))
}

/// A top-level option of the table given on the command line, if any.
fn table_option_given(command: &clap::Command, matches: &ArgMatches) -> Option<String> {
    command
        .get_arguments()
        .filter(|arg| !arg.is_global_set())
        .map(|arg| arg.get_id().as_str())
        .find(|id| matches.value_source(id) == Some(ValueSource::CommandLine))
        .map(|id| id.replace('_', "-"))
}

/// Runs the benchmark asked for; `Ok(false)` if a target of the table missed.
fn run(cli: Cli) -> Result<bool, String> {
    let bins = Bins::new(cli.bin_dir)?;
    let one = |target: Target, settings: Settings| table::run(&bins, &[target], &settings);
    let defaults = Settings::default;
    match cli.command {
        None if cli.only.is_empty() => table::run(&bins, &Target::ALL, &cli.settings),
        None => table::run(&bins, &cli.only, &cli.settings),
        Some(Command::Clock2 { burst, server }) => one(
            Target::Clock2,
            Settings {
                burst,
                clock2: server,
                ..defaults()
            },
        ),
        Some(Command::Reverb2 { reverb, server }) => one(
            Target::Reverb2,
            Settings {
                reverb,
                reverb2: server,
                ..defaults()
            },
        ),
        Some(Command::Spinner { repeat }) => one(
            Target::Spinner,
            Settings {
                repeat,
                ..defaults()
            },
        ),
        Some(Command::Pipeline1 { lines, repeat }) => one(
            Target::Pipeline1,
            Settings {
                lines,
                repeat,
                ..defaults()
            },
        ),
        Some(Command::Channels { items, repeat }) => one(
            Target::Channels,
            Settings {
                items,
                repeat,
                ..defaults()
            },
        ),
        Some(Command::Flood { flood, server }) => one(
            Target::Flood,
            Settings {
                flood,
                reverb2: server,
                ..defaults()
            },
        ),
        Some(Command::Crowd { crowd, server }) => one(
            Target::Crowd,
            Settings {
                crowd,
                clock2: server,
                ..defaults()
            },
        ),
        Some(Command::Chat(args)) => chat::run(&bins, &args).map(|()| true),
        Some(Command::Crawl(args)) => crawl::run(&bins, &args).map(|()| true),
        Some(Command::Du(args)) => du::run(&bins, &args).map(|()| true),
        Some(Command::Thumbnail(args)) => thumbnail::run(&bins, &args).map(|()| true),
        Some(Command::Mandelbrot(args)) => mandelbrot::run(&args).map(|()| true),
        Some(Command::Mirror(args)) => mirror::run(&bins, &args),
        Some(Command::Ftp(args)) => ftp::run(&bins, &args).map(|()| true),
        Some(Command::Rustway(args)) => rustway::run(&bins, &args).map(|()| true),
        Some(Command::ChatReference { addr }) => chat::reference_server(addr)
            .map(|()| true)
            .map_err(|err| format!("chat reference on {addr}: {err}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn targets_parse_comma_separated() {
        let cli = parse_from(["bench", "--only", "clock2,pipeline1"]).unwrap();
        assert_eq!(cli.only, [Target::Clock2, Target::Pipeline1]);
        assert!(cli.command.is_none());
        let cli = parse_from(["bench", "--clock2-arg=--stack-size=64KiB"]).unwrap();
        assert_eq!(cli.settings.clock2.clock2_arg, ["--stack-size=64KiB"]);
        assert!(parse_from(["bench", "--only", "nope"]).is_err());
    }

    #[test]
    fn each_benchmark_is_a_subcommand() {
        for name in [
            "clock2",
            "clock-memory",
            "reverb2",
            "spinner",
            "pipeline1",
            "channels",
            "flood",
            "crowd",
            "chat",
            "crawl",
            "du",
            "thumbnail",
            "mandelbrot",
            "mirror",
        ] {
            let cli = parse_from(["bench", name]);
            assert!(cli.is_ok_and(|cli| cli.command.is_some()), "{name}");
        }
        let cli = parse_from(["bench", "clock-memory", "--clients", "100"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(Command::Clock2 { burst, .. }) if burst.clients == 100
        ));
        let cli = parse_from(["bench", "chat", "--rounds", "5", "--bin-dir", "/x"]);
        let cli = cli.unwrap();
        assert_eq!(cli.bin_dir, Some(PathBuf::from("/x")));
        assert!(matches!(cli.command, Some(Command::Chat(args)) if args.rounds == 5));
        // A row's option belongs to the table or to the row's subcommand.
        assert!(parse_from(["bench", "--clients", "5", "chat"]).is_err());
        assert!(parse_from(["bench", "--only", "flood", "crowd"]).is_err());
        assert!(parse_from(["bench", "chat", "--clients", "5"]).is_err());
        let cli = parse_from(["bench", "--bin-dir", "/y", "du", "--rounds", "1"]).unwrap();
        assert_eq!(cli.bin_dir, Some(PathBuf::from("/y")));
    }

    #[test]
    fn each_subcommand_says_what_it_measures_against_what() {
        let cli = Cli::command();
        for sub in cli.get_subcommands().filter(|sub| !sub.is_hide_set()) {
            let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
            assert!(about.contains("against"), "{}: {about}", sub.get_name());
            let long = sub.get_long_about().map(|a| a.to_string());
            assert!(
                long.is_some_and(|l| l.contains("gainst")),
                "{}",
                sub.get_name()
            );
        }
    }

    #[test]
    fn a_missing_binary_says_how_to_build_it() {
        let bins = Bins::new(Some(PathBuf::from("/nonexistent"))).unwrap();
        let err = bins.path("clock2").unwrap_err();
        assert!(err.contains("cargo build --release --workspace"), "{err}");
    }
}
