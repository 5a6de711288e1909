//! `bench`: measured performance and scale of the chapter 8 ports, each
//! beside a reference measured on the same machine in the same run.
//!
//! ```text
//! $ cargo build --release --workspace && cargo run --release -p bench
//! $ cargo run --release -p bench -- --only clock2,pipeline1
//! ```
//!
//! | target    | ours                                   | reference, same run                    |
//! |-----------|----------------------------------------|----------------------------------------|
//! | clock2    | peak RSS, 10,000 clients for 6 s       | 10,000 idle C pthreads (`c/threads_idle.c`) |
//! | reverb2   | wall time, 1,000 clients × 10 shouts   | the two 1 s sleeps of an echo          |
//! | spinner   | wall time of fib(45), spinner running  | `gcc -O2` fib(45) (`c/fib.c`)          |
//! | pipeline1 | first 100,000 lines, like `\| head`    | C mutex+condvar rendezvous (`c/rendezvous.c`) |
//! | channels  | per item, crossbeam bounded(0/1/16/1024) | Mutex+Condvar hand-off, Rust and C   |
//! | flood     | reverb2: one client, 30,000 shouts at once, past the thread ceiling | the echoes' sleeps, in rounds of the thread budget |
//! | crowd     | clock2: 18,000 clients at once, past the thread ceiling | two ticks, in rounds of the thread budget |
//!
//! The programs are the release builds next to this executable; the C
//! references are compiled with `gcc -O2` into a temporary directory. Go is
//! not installed here: its figures are quoted, as measured on this machine
//! kind with Go 1.19. See PERFORMANCE.md at the root of the repository.

mod channels;
mod load;
mod procs;
mod report;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};

use crate::procs::{Bins, Guard, Server, compile_c};
use crate::report::{Row, mb, secs};

const FIB_C: &str = include_str!("../c/fib.c");
const THREADS_IDLE_C: &str = include_str!("../c/threads_idle.c");
const RENDEZVOUS_C: &str = include_str!("../c/rendezvous.c");

/// Measures the chapter 8 ports against C references, run for run.
#[derive(Parser, Debug)]
#[command(
    version,
    about,
    long_about = "Measures the Rust ports of gopl.io/ch8 on this machine, each beside a \
reference measured in the same run: clock2 under a burst of 10,000 clients (memory against \
10,000 idle C threads), reverb2 under 1,000 shouting clients (wall time), spinner (against \
fib(45) in C), pipeline1 (against the same pipeline in C with mutex+condvar channels), and \
the cost of one item through unbuffered and buffered channels. It prints a Markdown table; \
Go's figures are quoted. Build the programs first: `cargo build --release --workspace`. \
The exit status is 1 if a target is missed."
)]
struct Args {
    /// Only these targets, comma-separated (default: all)
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Target>,

    /// Where the release binaries are (default: beside this executable)
    #[arg(long)]
    bin_dir: Option<PathBuf>,

    /// clock2: clients that connect in the same instant
    #[arg(long, default_value_t = 10_000)]
    clients: usize,

    /// clock2: how long each client reads
    #[arg(long, default_value = "6s", value_parser = humantime::parse_duration)]
    read_for: Duration,

    /// reverb2: clients
    #[arg(long, default_value_t = 1_000)]
    reverb_clients: usize,

    /// reverb2: shouts each client sends at once
    #[arg(long, default_value_t = 10)]
    shouts: usize,

    /// pipeline1: lines to read, as `| head -n LINES`
    #[arg(long, default_value_t = 100_000)]
    lines: u64,

    /// channels: items through each pipeline
    #[arg(long, default_value_t = 100_000)]
    items: u64,

    /// spinner, pipeline1: runs of ours and of C, taken in turns; their
    /// medians are compared (a hand-off's cost swings with where the
    /// scheduler puts the threads)
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=20))]
    repeat: u32,

    /// flood: shouts one client sends reverb2 at once
    #[arg(long, default_value_t = 30_000)]
    flood_shouts: usize,

    /// flood: reverb2's --delay, long enough that the echoes of every shout
    /// would be alive at once without the thread budget
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    flood_delay: Duration,

    /// crowd: clients that connect to clock2 at once, each leaving after two ticks
    #[arg(long, default_value_t = 18_000)]
    crowd: usize,

    /// An extra argument for clock2 (repeat for more), e.g. --clock2-arg=--stack-size=64KiB
    #[arg(long, allow_hyphen_values = true)]
    clock2_arg: Vec<String>,

    /// An extra argument for reverb2 (repeat for more)
    #[arg(long, allow_hyphen_values = true)]
    reverb2_arg: Vec<String>,
}

/// What can be measured.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
enum Target {
    Clock2,
    Reverb2,
    Spinner,
    Pipeline1,
    Channels,
    Flood,
    Crowd,
}

/// The longest any single program may run before it is killed.
const PATIENCE: Duration = Duration::from_secs(120);

fn main() {
    let args = Args::parse();
    match run(&args) {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(err) => {
            eprintln!("bench: {err}");
            std::process::exit(2);
        }
    }
}

/// Runs the chosen targets and prints the tables; `Ok(false)` if one missed.
fn run(args: &Args) -> Result<bool, String> {
    let targets = if args.only.is_empty() {
        vec![
            Target::Clock2,
            Target::Reverb2,
            Target::Spinner,
            Target::Pipeline1,
            Target::Channels,
            Target::Flood,
            Target::Crowd,
        ]
    } else {
        args.only.clone()
    };
    if [Target::Clock2, Target::Reverb2, Target::Crowd]
        .iter()
        .any(|t| targets.contains(t))
    {
        let clients = args.clients.max(args.reverb_clients).max(args.crowd) as u64;
        procs::ensure_open_files(clients + 100)?;
    }
    let bins = Bins::new(args.bin_dir.clone())?;
    let scratch = tempfile::tempdir().map_err(|err| format!("temporary directory: {err}"))?;
    let cpus = thread::available_parallelism().map_or(0, |n| n.get());
    eprintln!(
        "bench: {cpus} CPUs, load average {} at the start",
        procs::load_average()
    );
    let mut rows = Vec::new();
    let mut hand_offs = None;
    for target in targets {
        eprintln!("bench: measuring {target:?}...");
        match target {
            Target::Clock2 => rows.push(clock2(args, &bins, scratch.path())),
            Target::Reverb2 => rows.push(reverb2(args, &bins, scratch.path())),
            Target::Spinner => rows.push(spinner(args, &bins, scratch.path())),
            Target::Pipeline1 => rows.extend(pipeline1(args, &bins, scratch.path())),
            Target::Channels => hand_offs = Some(channels(args, scratch.path())),
            Target::Flood => rows.push(flood(args, &bins, scratch.path())),
            Target::Crowd => rows.push(crowd(args, &bins, scratch.path())),
        }
    }
    eprintln!("bench: load average {} at the end", procs::load_average());
    if !rows.is_empty() {
        println!("{}", report::render(&rows));
    }
    if let Some(table) = hand_offs {
        println!("{table}");
    }
    Ok(rows.iter().all(|row| row.pass != Some(false)))
}

/// clock2 under a burst: peak memory against 10,000 idle C threads.
fn clock2(args: &Args, bins: &Bins, scratch: &Path) -> Row {
    let target = format!("clock2, {} clients × {:?}", args.clients, args.read_for);
    let goal = "all served, ≤ 1.20× floor";
    let go = "58 MB (0.69×), all served";
    let attempt = || -> Result<Row, String> {
        let exe = bins.path("clock2")?;
        let idle = compile_c(scratch, "threads_idle", THREADS_IDLE_C)?;
        let floor = threads_idle(&idle, args.clients)?;
        let server = Server::start(&exe, &args.clock2_arg, scratch)?;
        let pid = server.guard.pid();
        let (burst, status) = load::clock_burst(server.addr, args.clients, args.read_for, || {
            procs::status(pid)
        })
        .map_err(|err| format!("load client: {err}"))?;
        let status = status.map_err(|_| format!("clock2 died: {}", server.stderr_tail()))?;
        let served = burst.served;
        let (least, most) = burst.min_max();
        let ratio = status.hwm_kib as f64 / floor.hwm_kib as f64;
        let all_served = served == args.clients && burst.bad_lines == 0;
        Ok(Row {
            target: target.clone(),
            ours: format!(
                "{} peak; {served}/{} served ({least}–{most} ticks, slowest connect \
                 {:.1} s); {} threads; page tables {}",
                mb(status.hwm_kib),
                args.clients,
                burst.slowest_connect.as_secs_f64(),
                status.threads,
                mb(status.pte_kib),
            ),
            reference: format!(
                "{}: {} idle C threads; page tables {}",
                mb(floor.hwm_kib),
                args.clients,
                mb(floor.pte_kib)
            ),
            ratio: Some(ratio),
            goal: goal.to_string(),
            pass: Some(all_served && ratio <= 1.2),
            go: go.to_string(),
        })
    };
    attempt().unwrap_or_else(|err| Row::failed(&target, goal, go, &err))
}

/// Runs the C floor program and returns what it reports of its memory.
fn threads_idle(exe: &Path, threads: usize) -> Result<procs::Status, String> {
    let (_, out) = run_timed(Command::new(exe).arg(threads.to_string()))?;
    let text = String::from_utf8_lossy(&out);
    parse_threads_idle(&text).ok_or_else(|| format!("threads_idle printed {text:?}"))
}

/// Reads `threads N rss_kib R hwm_kib H pte_kib P`.
fn parse_threads_idle(text: &str) -> Option<procs::Status> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let field = |name: &str| -> Option<u64> {
        let i = words.iter().position(|&w| w == name)?;
        words.get(i + 1)?.parse().ok()
    };
    Some(procs::Status {
        threads: field("threads")?,
        hwm_kib: field("hwm_kib")?,
        pte_kib: field("pte_kib")?,
    })
}

/// reverb2 under load: wall time until every echo is back.
fn reverb2(args: &Args, bins: &Bins, scratch: &Path) -> Row {
    let target = format!(
        "reverb2, {} clients × {} shouts",
        args.reverb_clients, args.shouts
    );
    let goal = "all correct, ≤ 2.6 s";
    let go = "2.3 s, all correct";
    let attempt = || -> Result<Row, String> {
        let exe = bins.path("reverb2")?;
        let server = Server::start(&exe, &args.reverb2_arg, scratch)?;
        let pid = server.guard.pid();
        let result = load::reverb_load(
            server.addr,
            args.reverb_clients,
            args.shouts,
            Duration::from_secs(30),
        )
        .map_err(|err| format!("load client: {err}"))?;
        let peak = procs::status(pid).map(|s| s.hwm_kib).unwrap_or(0);
        let want = 3 * args.shouts * args.reverb_clients;
        let mut ours = match result.wall {
            Some(wall) => format!("{}; {}/{want} lines", secs(wall), result.lines),
            None => format!("{}/{want} lines", result.lines),
        };
        ours += &format!(
            "; {}/{} clients correct; every shout's first echo by {:.2} s; {} peak",
            result.correct,
            result.clients,
            result.last_first_echoes.as_secs_f64(),
            mb(peak)
        );
        if let Some(problem) = &result.first_problem {
            ours += &format!("; first problem: {problem}");
        }
        // An echo's own sleeps: 1 s before the second line, 1 s before the third.
        let floor = 2.0;
        let wall = result.wall.map(|w| w.as_secs_f64());
        Ok(Row {
            target: target.clone(),
            ours,
            reference: "2.00 s: the echo's two 1 s sleeps".to_string(),
            ratio: wall.map(|w| w / floor),
            goal: goal.to_string(),
            pass: Some(wall.is_some_and(|w| w <= 2.6)),
            go: go.to_string(),
        })
    };
    attempt().unwrap_or_else(|err| Row::failed(&target, goal, go, &err))
}

/// The thread budget a server logged it had reached, if it did.
fn budget_reached(server: &Server) -> Option<usize> {
    let log = std::fs::read_to_string(server.stderr_path()).ok()?;
    let (_, after) = log.split_once("thread budget of ")?;
    after.split_whitespace().next()?.parse().ok()
}

/// The server's log lines other than the budget's, for a row's problems.
fn other_log_lines(server: &Server) -> usize {
    let log = std::fs::read_to_string(server.stderr_path()).unwrap_or_default();
    log.lines()
        .filter(|line| !line.contains("thread budget of "))
        .count()
}

/// reverb2 flooded past the thread ceiling: one client sends 30,000 shouts
/// at once, which would be 30,000 echo threads. Before the thread budget,
/// std aborted the process near 16,400 threads.
fn flood(args: &Args, bins: &Bins, scratch: &Path) -> Row {
    let target = format!(
        "reverb2 flood, 1 client × {} shouts, --delay {}",
        args.flood_shouts,
        humantime::format_duration(args.flood_delay)
    );
    let goal = "up, every echo back";
    let go = "all 60,000 lines for 20,000 shouts, 64 MB";
    let attempt = || -> Result<Row, String> {
        let exe = bins.path("reverb2")?;
        let delay = format!("--delay={}", humantime::format_duration(args.flood_delay));
        let server_args: Vec<String> = [delay]
            .into_iter()
            .chain(args.reverb2_arg.clone())
            .collect();
        let server = Server::start(&exe, &server_args, scratch)?;
        let pid = server.guard.pid();
        let result = load::reverb_load(server.addr, 1, args.flood_shouts, 3 * PATIENCE)
            .map_err(|err| format!("load client: {err}"))?;
        let status =
            procs::status(pid).map_err(|_| format!("reverb2 died: {}", server.stderr_tail()))?;
        let budget = budget_reached(&server);
        let want = 3 * args.flood_shouts;
        let mut ours = format!(
            "{}/{want} lines{}; {} peak; {} threads after; budget {}",
            result.lines,
            result
                .wall
                .map(|w| format!(" in {}", secs(w)))
                .unwrap_or_default(),
            mb(status.hwm_kib),
            status.threads,
            budget.map_or("not reached".to_string(), |b| b.to_string()),
        );
        if let Some(problem) = &result.first_problem {
            ours += &format!("; first problem: {problem}");
        }
        let others = other_log_lines(&server);
        if others > 0 {
            ours += &format!("; {others} other log lines: {}", server.stderr_tail());
        }
        // Each echo sleeps twice; the handler holds one thread of the
        // budget, the echoes share the rest, round after round.
        let echo = 2.0 * args.flood_delay.as_secs_f64();
        let rounds = budget.map_or(1, |b| {
            args.flood_shouts.div_ceil(b.saturating_sub(1).max(1))
        });
        let floor = echo * rounds as f64;
        let wall = result.wall.map(|w| w.as_secs_f64());
        Ok(Row {
            target: target.clone(),
            ours,
            reference: format!("{floor:.2} s: an echo's sleeps × {rounds} rounds of the budget"),
            ratio: wall.map(|w| w / floor),
            goal: goal.to_string(),
            pass: Some(result.correct == 1 && others == 0),
            go: go.to_string(),
        })
    };
    attempt().unwrap_or_else(|err| Row::failed(&target, goal, go, &err))
}

/// clock2 with a crowd past the thread ceiling: 18,000 clients at once, each
/// leaving after two ticks. Before the thread budget, std aborted the
/// process near 16,400 threads.
fn crowd(args: &Args, bins: &Bins, scratch: &Path) -> Row {
    let target = format!("clock2 crowd, {} clients, 2 ticks each", args.crowd);
    let goal = "up, every client served";
    let go = "all served, 105 MB";
    let attempt = || -> Result<Row, String> {
        let exe = bins.path("clock2")?;
        let server = Server::start(&exe, &args.clock2_arg, scratch)?;
        let pid = server.guard.pid();
        let crowd = load::clock_crowd(server.addr, args.crowd, 2, PATIENCE)
            .map_err(|err| format!("load client: {err}"))?;
        let status =
            procs::status(pid).map_err(|_| format!("clock2 died: {}", server.stderr_tail()))?;
        let budget = budget_reached(&server);
        let mut ours = format!(
            "{}/{} served, the last at {}; {} failed; {} peak; budget {}",
            crowd.served,
            args.crowd,
            secs(crowd.last_served),
            crowd.failed,
            mb(status.hwm_kib),
            budget.map_or("not reached".to_string(), |b| b.to_string()),
        );
        let others = other_log_lines(&server);
        if others > 0 {
            ours += &format!("; {others} other log lines: {}", server.stderr_tail());
        }
        // A client stays for its first line and one tick: about 1 s, round
        // after round of the budget.
        let floor = budget.map_or(1.0, |b| args.crowd.div_ceil(b) as f64);
        Ok(Row {
            target: target.clone(),
            ours,
            reference: format!("{floor:.2} s: one tick, in rounds of the budget"),
            ratio: Some(crowd.last_served.as_secs_f64() / floor),
            goal: goal.to_string(),
            pass: Some(crowd.served == args.crowd && others == 0),
            go: go.to_string(),
        })
    };
    attempt().unwrap_or_else(|err| Row::failed(&target, goal, go, &err))
}

/// spinner: fib(45) with the spinner thread running, against C.
fn spinner(args: &Args, bins: &Bins, scratch: &Path) -> Row {
    let target = "spinner, fib(45)".to_string();
    let goal = "≤ 2.3× C";
    let go = "4.2 s (3.5×)";
    let attempt = || -> Result<Row, String> {
        let exe = bins.path("spinner")?;
        let fib = compile_c(scratch, "fib", FIB_C)?;
        let (mut c_times, mut times, mut bytes) = (Vec::new(), Vec::new(), 0);
        for _ in 0..args.repeat {
            let (c_time, c_out) = run_timed(&mut Command::new(&fib))?;
            if c_out != b"Fibonacci(45) = 1134903170\n" {
                let c_out = String::from_utf8_lossy(&c_out);
                return Err(format!("fib.c printed {c_out:?}"));
            }
            let (ours, out) = run_timed(&mut Command::new(&exe))?;
            if !out.ends_with(b"\rFibonacci(45) = 1134903170\n") || !out.starts_with(b"\r") {
                let tail = String::from_utf8_lossy(&out[out.len().saturating_sub(40)..]);
                return Err(format!("spinner printed …{tail:?}"));
            }
            c_times.push(c_time);
            times.push(ours);
            bytes = out.len();
        }
        let ratio = median(&times).as_secs_f64() / median(&c_times).as_secs_f64();
        Ok(Row {
            target: target.clone(),
            ours: format!("{}, {bytes} bytes out", spread(&times)),
            reference: format!("{}: gcc -O2 fib.c", spread(&c_times)),
            ratio: Some(ratio),
            goal: goal.to_string(),
            pass: Some(ratio <= 2.3),
            go: go.to_string(),
        })
    };
    attempt().unwrap_or_else(|err| Row::failed(&target, goal, go, &err))
}

/// The median of `times`.
fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

/// `1.23 s` for one run; `1.23 s (1.20–1.31, 3 runs)` for several: the
/// median, then the least and the most.
fn spread(times: &[Duration]) -> String {
    let least = times.iter().min().copied().unwrap_or_default();
    let most = times.iter().max().copied().unwrap_or_default();
    if times.len() > 1 {
        format!(
            "{} ({:.2}–{:.2}, {} runs)",
            secs(median(times)),
            least.as_secs_f64(),
            most.as_secs_f64(),
            times.len()
        )
    } else {
        secs(median(times))
    }
}

/// Starts `command` with its stdout a pipe, no stdin, and stderr shared;
/// the guard kills it when dropped.
fn spawn_piped(command: &mut Command) -> Result<Guard, String> {
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|err| format!("start {command:?}: {err}"))?;
    Ok(Guard(child))
}

/// Runs a program to its end, its stdout captured, within [`PATIENCE`];
/// returns how long it ran and what it printed.
fn run_timed(command: &mut Command) -> Result<(Duration, Vec<u8>), String> {
    let start = Instant::now();
    let mut guard = spawn_piped(command)?;
    let mut stdout = guard.0.stdout.take().ok_or("no stdout")?;
    let reader = thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.read_to_end(&mut out);
        out
    });
    let status = guard
        .wait_within(PATIENCE)
        .map_err(|err| err.to_string())?
        .ok_or_else(|| format!("{command:?} took longer than {PATIENCE:?}"))?;
    let elapsed = start.elapsed();
    let out = reader.join().map_err(|_| "reader thread panicked")?;
    if !status.success() {
        return Err(format!("{command:?} failed: {status}"));
    }
    Ok((elapsed, out))
}

/// pipeline1 | head -n 100000, against the same pipeline in C: as the
/// scheduler places the threads, and then all on one CPU, if `taskset` is
/// there (for information: a hand-off on one CPU is a plain context
/// switch, across CPUs it is a wake-up by interrupt, dearer in a VM).
fn pipeline1(args: &Args, bins: &Bins, scratch: &Path) -> Vec<Row> {
    let target = format!("pipeline1 | head -n {}", args.lines);
    let goal = "≤ 1.20× C";
    let go = "0.13 s (0.11×)";
    let compare = |pinned: bool| -> Result<Row, String> {
        let exe = bins.path("pipeline1")?;
        let c = compile_c(scratch, "rendezvous", RENDEZVOUS_C)?;
        let command = |program: &Path| {
            if pinned {
                let mut command = Command::new("taskset");
                command.args(["-c", "0"]).arg(program);
                command
            } else {
                Command::new(program)
            }
        };
        let (mut c_times, mut times) = (Vec::new(), Vec::new());
        for _ in 0..args.repeat {
            c_times.push(first_squares(&mut command(&c), args.lines)?);
            times.push(first_squares(&mut command(&exe), args.lines)?);
        }
        let ratio = median(&times).as_secs_f64() / median(&c_times).as_secs_f64();
        Ok(Row {
            target: if pinned {
                format!("{target}, all on one CPU")
            } else {
                target.clone()
            },
            ours: spread(&times),
            reference: format!("{}: C, mutex+condvar channels", spread(&c_times)),
            ratio: Some(ratio),
            goal: if pinned { "(for information)" } else { goal }.to_string(),
            pass: (!pinned).then_some(ratio <= 1.2),
            go: if pinned { "" } else { go }.to_string(),
        })
    };
    let mut rows = vec![compare(false).unwrap_or_else(|err| Row::failed(&target, goal, go, &err))];
    if Command::new("taskset").arg("--version").output().is_ok() {
        if let Ok(row) = compare(true) {
            rows.push(row);
        }
    }
    rows
}

/// How long `command` takes to print the squares of 0..lines, one a line,
/// as `| head -n LINES` would read them; then its stdout is closed, which
/// ends it.
fn first_squares(command: &mut Command, lines: u64) -> Result<Duration, String> {
    let start = Instant::now();
    let mut guard = spawn_piped(command)?;
    let stdout = guard.0.stdout.take().ok_or("no stdout")?;
    let (done_tx, done) = crossbeam_channel::bounded(1);
    thread::spawn(move || {
        let mut input = BufReader::new(stdout);
        let mut line = String::new();
        let mut result = Ok(());
        for x in 0..lines {
            line.clear();
            match input.read_line(&mut line) {
                Ok(0) | Err(_) => result = Err(format!("output ended after {x} lines")),
                Ok(_) if line.trim_end().parse::<u64>() != Ok(x * x) => {
                    result = Err(format!("line {}: {line:?}, not {}", x + 1, x * x));
                }
                Ok(_) => continue,
            }
            break;
        }
        let _ = done_tx.send((result, start.elapsed()));
        // `input` is dropped here: the pipe closes, as when head exits.
    });
    let (result, elapsed) = done
        .recv_timeout(PATIENCE)
        .map_err(|_| format!("{command:?}: {lines} lines took longer than {PATIENCE:?}"))?;
    result.map_err(|err| format!("{command:?}: {err}"))?;
    // It should now end of SIGPIPE or a quiet exit; the guard kills it if not.
    let _ = guard.wait_within(Duration::from_secs(5));
    Ok(elapsed)
}

/// The cost of one item through a three-stage pipeline, by channel kind.
fn channels(args: &Args, scratch: &Path) -> String {
    let items = args.items;
    let budget = Duration::from_secs(5);
    let c = compile_c(scratch, "rendezvous", RENDEZVOUS_C);
    let labels = [
        "crossbeam bounded(0)",
        "crossbeam bounded(1)",
        "crossbeam bounded(16)",
        "crossbeam bounded(1024)",
        "Rust Mutex+Condvar rendezvous",
        "C mutex+condvar rendezvous (`rendezvous.c`)",
    ];
    let run = |variant: usize| -> Result<channels::Run, String> {
        match variant {
            0..=3 => Ok(channels::crossbeam_pipeline(
                [0, 1, 16, 1024][variant],
                items,
                budget,
            )),
            4 => Ok(channels::condvar_pipeline(items, budget)),
            _ => {
                let c = c.as_ref().map_err(Clone::clone)?;
                let (elapsed, _) = run_timed(Command::new(c).arg(items.to_string()))?;
                Ok(channels::Run { items, elapsed })
            }
        }
    };
    // Each variant once per round, so that noise from elsewhere is spread.
    let mut per_item = vec![Vec::new(); labels.len()];
    let mut counts = vec![0; labels.len()];
    let mut errors = vec![None; labels.len()];
    for _ in 0..args.repeat {
        for (variant, times) in per_item.iter_mut().enumerate() {
            match run(variant) {
                Ok(run) => {
                    times.push(run.per_item());
                    counts[variant] = run.items;
                }
                Err(err) => errors[variant] = Some(err),
            }
        }
    }
    let mut lines = vec![
        "| counter → squarer → sink, 3 OS threads | items | per item: median (least–most) | vs bounded(0) |".to_string(),
        "| --- | --- | --- | --- |".to_string(),
    ];
    let unbuffered = median(&per_item[0]).as_secs_f64();
    for (variant, label) in labels.iter().enumerate() {
        let times = &per_item[variant];
        if let Some(err) = &errors[variant] {
            lines.push(format!("| {label} | | error: {err} | |"));
            continue;
        }
        let micros = |d: Option<&Duration>| d.map_or(0.0, |d| d.as_secs_f64() * 1e6);
        lines.push(format!(
            "| {label} | {} | {} ({:.2}–{:.2}) | {} |",
            counts[variant],
            secs(median(times)),
            micros(times.iter().min()),
            micros(times.iter().max()),
            report::times(median(times).as_secs_f64() / unbuffered)
        ));
    }
    lines.push(format!(
        "| Go unbuffered channels (quoted: pipeline1, 0.13 s for {} lines) | | {} | |",
        args.lines,
        secs(Duration::from_secs_f64(0.13 / args.lines as f64))
    ));
    lines.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_comma_separated() {
        let args = Args::try_parse_from(["bench", "--only", "clock2,pipeline1"]).unwrap();
        assert_eq!(args.only, [Target::Clock2, Target::Pipeline1]);
        let args = Args::try_parse_from(["bench", "--clock2-arg=--stack-size=64KiB"]).unwrap();
        assert_eq!(args.clock2_arg, ["--stack-size=64KiB"]);
        assert!(Args::try_parse_from(["bench", "--only", "nope"]).is_err());
    }

    #[test]
    fn the_c_floor_report_is_read() {
        let status =
            parse_threads_idle("threads 10000 rss_kib 84228 hwm_kib 84164 pte_kib 40100\n");
        let status = status.unwrap();
        assert_eq!(
            (status.threads, status.hwm_kib, status.pte_kib),
            (10000, 84164, 40100)
        );
        assert!(parse_threads_idle("threads 10000").is_none());
    }

    #[test]
    fn runs_are_summed_up_by_their_median() {
        let ms = Duration::from_millis;
        let runs = [ms(1310), ms(1200), ms(1230)];
        assert_eq!(spread(&runs), "1.23 s (1.20–1.31, 3 runs)");
        assert_eq!(spread(&[ms(1200)]), "1.20 s");
    }

    #[test]
    fn a_missing_binary_says_how_to_build_it() {
        let bins = Bins::new(Some(PathBuf::from("/nonexistent"))).unwrap();
        let err = bins.path("clock2").unwrap_err();
        assert!(err.contains("cargo build --release --workspace"), "{err}");
    }
}
