//! The main table: `bench` with no subcommand, or one row by name.
//!
//! | target    | ours                                   | reference, same run                    |
//! |-----------|----------------------------------------|----------------------------------------|
//! | clock2    | peak RSS, 10,000 clients for 6 s       | 10,000 idle C pthreads (`c/threads_idle.c`) |
//! | reverb2   | wall time, 1,000 clients × 10 shouts   | the two 1 s sleeps of an echo          |
//! | spinner   | wall time of fib(45), spinner running  | `gcc -O2` fib(45) (`c/fib.c`)          |
//! | pipeline1 | first 100,000 lines, like `\| head`    | C mutex+condvar rendezvous (`c/rendezvous.c`) |
//! | channels  | per item, crossbeam bounded(0/1/16/1024) | Mutex+Condvar hand-off, Rust and C   |
//! | flood     | reverb2: one client, 30,000 shouts at once, past the thread ceiling | the echoes' sleeps, in rounds of a client's share (half the thread budget) |
//! | crowd     | clock2: 18,000 clients at once, past the thread ceiling | two ticks, in rounds of the thread budget |
//!
//! The C references are compiled with `gcc -O2` into a temporary
//! directory. Go is not installed here: its figures are quoted, as measured
//! on this machine kind with Go 1.19. See PERFORMANCE.md at the root of the
//! repository.

use std::io::BufRead;
use std::io::BufReader;
use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use clap::{Args, Parser, ValueEnum};

use crate::channels;
use crate::load;
use crate::procs::{self, Bins, PATIENCE, Server, compile_c, run_timed, spawn_piped};
use crate::report::{self, Row, mb, secs};
use crate::stats::{median, ratio, spread};

const FIB_C: &str = include_str!("../c/fib.c");
const THREADS_IDLE_C: &str = include_str!("../c/threads_idle.c");
const RENDEZVOUS_C: &str = include_str!("../c/rendezvous.c");

/// The rows of the table.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
pub enum Target {
    /// clock2's peak memory under a burst of clients, against idle C threads
    Clock2,
    /// reverb2's wall time under many shouting clients, against the echo's sleeps
    Reverb2,
    /// spinner's fib(45), against fib(45) in C
    Spinner,
    /// pipeline1 | head, against the same pipeline in C
    Pipeline1,
    /// one item through crossbeam channels, against Mutex+Condvar in Rust and C
    Channels,
    /// reverb2 flooded past the thread ceiling
    Flood,
    /// clock2 crowded past the thread ceiling
    Crowd,
}

impl Target {
    /// Every row, in the order of the table.
    pub const ALL: [Target; 7] = [
        Target::Clock2,
        Target::Reverb2,
        Target::Spinner,
        Target::Pipeline1,
        Target::Channels,
        Target::Flood,
        Target::Crowd,
    ];
}

/// The clients of the `clock2` row.
#[derive(Args, Debug, Clone)]
pub struct BurstArgs {
    /// clock2: clients that connect in the same instant
    #[arg(long, default_value_t = 10_000)]
    pub clients: usize,

    /// clock2: how long each client reads
    #[arg(long, default_value = "6s", value_parser = flags::positive_duration)]
    pub read_for: Duration,
}

/// The clients of the `reverb2` row.
#[derive(Args, Debug, Clone)]
pub struct ReverbArgs {
    /// reverb2: clients
    #[arg(long, default_value_t = 1_000)]
    pub reverb_clients: usize,

    /// reverb2: shouts each client sends at once
    #[arg(long, default_value_t = 10)]
    pub shouts: usize,
}

/// The length of the `pipeline1` row's run.
#[derive(Args, Debug, Clone)]
pub struct LinesArgs {
    /// pipeline1: lines to read, as `| head -n LINES`
    #[arg(long, default_value_t = LINES)]
    pub lines: u64,
}

/// pipeline1's lines by default: Go's quoted 0.13 s is for as many.
const LINES: u64 = 100_000;

/// The length of the `channels` rows' runs.
#[derive(Args, Debug, Clone)]
pub struct ItemsArgs {
    /// channels: items through each pipeline
    #[arg(long, default_value_t = 100_000)]
    pub items: u64,
}

/// How many runs of ours and of the reference are taken.
#[derive(Args, Debug, Clone)]
pub struct RepeatArgs {
    /// spinner, pipeline1, channels: runs of ours and of C, taken in turns;
    /// their medians are compared (a hand-off's cost swings with where the
    /// scheduler puts the threads)
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub repeat: u32,
}

/// The shouts of the `flood` row.
#[derive(Args, Debug, Clone)]
pub struct FloodArgs {
    /// flood: shouts one client sends reverb2 at once
    #[arg(long, default_value_t = 30_000)]
    pub flood_shouts: usize,

    /// flood: reverb2's --delay, long enough that the echoes of every shout
    /// would be alive at once without the thread budget
    #[arg(long, default_value = "10s", value_parser = flags::duration)]
    pub flood_delay: Duration,
}

/// The clients of the `crowd` row.
#[derive(Args, Debug, Clone)]
pub struct CrowdArgs {
    /// crowd: clients that connect to clock2 at once, each leaving after two ticks
    #[arg(long, default_value_t = 18_000)]
    pub crowd: usize,
}

/// Extra arguments for the clock2 server.
#[derive(Args, Debug, Clone)]
pub struct Clock2Server {
    /// An extra argument for clock2 (repeat for more), e.g. --clock2-arg=--stack-size=64KiB
    #[arg(long, allow_hyphen_values = true)]
    pub clock2_arg: Vec<String>,
}

/// Extra arguments for the reverb2 server.
#[derive(Args, Debug, Clone)]
pub struct Reverb2Server {
    /// An extra argument for reverb2 (repeat for more)
    #[arg(long, allow_hyphen_values = true)]
    pub reverb2_arg: Vec<String>,
}

/// Everything the rows take.
#[derive(Args, Debug, Clone)]
pub struct Settings {
    #[command(flatten)]
    pub burst: BurstArgs,
    #[command(flatten)]
    pub reverb: ReverbArgs,
    #[command(flatten)]
    pub lines: LinesArgs,
    #[command(flatten)]
    pub items: ItemsArgs,
    #[command(flatten)]
    pub repeat: RepeatArgs,
    #[command(flatten)]
    pub flood: FloodArgs,
    #[command(flatten)]
    pub crowd: CrowdArgs,
    #[command(flatten)]
    pub clock2: Clock2Server,
    #[command(flatten)]
    pub reverb2: Reverb2Server,
}

impl Default for Settings {
    /// The defaults of the command line.
    fn default() -> Settings {
        #[derive(Parser)]
        struct Defaults {
            #[command(flatten)]
            settings: Settings,
        }
        Defaults::parse_from(["bench"]).settings
    }
}

/// Measures `targets` and prints their rows as a Markdown table, then the
/// channels' table if asked for; `Ok(false)` if a target missed its goal.
pub fn run(bins: &Bins, targets: &[Target], s: &Settings) -> Result<bool, String> {
    let clients = targets.iter().filter_map(|target| match target {
        Target::Clock2 => Some(s.burst.clients),
        Target::Reverb2 => Some(s.reverb.reverb_clients),
        Target::Crowd => Some(s.crowd.crowd),
        _ => None,
    });
    if let Some(most) = clients.max() {
        procs::ensure_open_files(most as u64 + 100)?;
    }
    let scratch = tempfile::tempdir().map_err(|err| format!("temporary directory: {err}"))?;
    let scratch = scratch.path();
    eprintln!(
        "bench: {} CPUs, load average {} at the start",
        procs::cpus(),
        procs::load_average()
    );
    let mut rows = Vec::new();
    let mut hand_offs = None;
    for &target in targets {
        eprintln!("bench: measuring {target:?}...");
        match target {
            Target::Clock2 => rows.push(clock2(s, bins, scratch)),
            Target::Reverb2 => rows.push(reverb2(s, bins, scratch)),
            Target::Spinner => rows.push(spinner(s, bins, scratch)),
            Target::Pipeline1 => rows.extend(pipeline1(s, bins, scratch)),
            Target::Channels => hand_offs = Some(channels(s, scratch)),
            Target::Flood => rows.push(flood(s, bins, scratch)),
            Target::Crowd => rows.push(crowd(s, bins, scratch)),
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
fn clock2(s: &Settings, bins: &Bins, scratch: &Path) -> Row {
    let BurstArgs { clients, read_for } = s.burst;
    let target = format!("clock2, {clients} clients × {read_for:?}");
    let goal = "all served, ≤ 1.20× floor";
    let go = "58 MB (0.69×), all served";
    let attempt = || -> Result<Row, String> {
        let exe = bins.path("clock2")?;
        let idle = compile_c(scratch, "threads_idle", THREADS_IDLE_C)?;
        let floor = threads_idle(&idle, clients)?;
        let server = Server::start(&exe, &s.clock2.clock2_arg, scratch)?;
        let pid = server.guard.pid();
        let (burst, status) =
            load::clock_burst(server.addr, clients, read_for, || procs::status(pid))
                .map_err(|err| format!("load client: {err}"))?;
        let status = status.map_err(|_| format!("clock2 died: {}", server.stderr_tail()))?;
        let served = burst.served;
        let (least, most) = burst.min_max();
        let ratio = status.hwm_kib as f64 / floor.hwm_kib as f64;
        let all_served = served == clients && burst.bad_lines == 0;
        Ok(Row {
            target: target.clone(),
            ours: format!(
                "{} peak; {served}/{clients} served ({least}–{most} ticks, slowest connect \
                 {:.1} s); {} threads; page tables {}",
                mb(status.hwm_kib),
                burst.slowest_connect.as_secs_f64(),
                status.threads,
                mb(status.pte_kib),
            ),
            reference: format!(
                "{}: {clients} idle C threads; page tables {}",
                mb(floor.hwm_kib),
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
        rss_kib: field("rss_kib")?,
        pte_kib: field("pte_kib")?,
    })
}

/// reverb2 under load: wall time until every echo is back.
fn reverb2(s: &Settings, bins: &Bins, scratch: &Path) -> Row {
    let ReverbArgs {
        reverb_clients,
        shouts,
    } = s.reverb;
    let target = format!("reverb2, {reverb_clients} clients × {shouts} shouts");
    let goal = "all correct, ≤ 2.6 s";
    let go = "2.3 s, all correct";
    let attempt = || -> Result<Row, String> {
        let exe = bins.path("reverb2")?;
        let server = Server::start(&exe, &s.reverb2.reverb2_arg, scratch)?;
        let pid = server.guard.pid();
        let result =
            load::reverb_load(server.addr, reverb_clients, shouts, Duration::from_secs(30))
                .map_err(|err| format!("load client: {err}"))?;
        let peak = procs::peak_kib(pid).unwrap_or(0);
        let want = 3 * shouts * reverb_clients;
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
    let number = after.split_whitespace().next()?;
    number.trim_end_matches(':').parse().ok()
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
fn flood(s: &Settings, bins: &Bins, scratch: &Path) -> Row {
    let FloodArgs {
        flood_shouts,
        flood_delay,
    } = s.flood;
    let target = format!(
        "reverb2 flood, 1 client × {flood_shouts} shouts, --delay {}",
        humantime::format_duration(flood_delay)
    );
    let goal = "up, every echo back";
    let go = "all 60,000 lines for 20,000 shouts, 64 MB";
    let attempt = || -> Result<Row, String> {
        let exe = bins.path("reverb2")?;
        let delay = format!("--delay={}", humantime::format_duration(flood_delay));
        let server_args: Vec<String> = [delay]
            .into_iter()
            .chain(s.reverb2.reverb2_arg.clone())
            .collect();
        let server = Server::start(&exe, &server_args, scratch)?;
        let pid = server.guard.pid();
        let result = load::reverb_load(server.addr, 1, flood_shouts, 3 * PATIENCE)
            .map_err(|err| format!("load client: {err}"))?;
        let status =
            procs::status(pid).map_err(|_| format!("reverb2 died: {}", server.stderr_tail()))?;
        let budget = budget_reached(&server);
        let want = 3 * flood_shouts;
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
        // Each echo sleeps twice; a lone client's handler and echoes hold
        // at most half the budget (its fair share), round after round.
        let echo = 2.0 * flood_delay.as_secs_f64();
        let share = |b: usize| (b / 2).saturating_sub(1).max(1);
        let rounds = budget.map_or(1, |b| flood_shouts.div_ceil(share(b)));
        let floor = echo * rounds as f64;
        let wall = result.wall.map(|w| w.as_secs_f64());
        Ok(Row {
            target: target.clone(),
            ours,
            reference: format!(
                "{floor:.2} s: an echo's sleeps × {rounds} rounds of a client's share (half the budget)"
            ),
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
fn crowd(s: &Settings, bins: &Bins, scratch: &Path) -> Row {
    let clients = s.crowd.crowd;
    let target = format!("clock2 crowd, {clients} clients, 2 ticks each");
    let goal = "up, every client served";
    let go = "all served, 105 MB";
    let attempt = || -> Result<Row, String> {
        let exe = bins.path("clock2")?;
        let server = Server::start(&exe, &s.clock2.clock2_arg, scratch)?;
        let pid = server.guard.pid();
        let crowd = load::clock_crowd(server.addr, clients, 2, PATIENCE)
            .map_err(|err| format!("load client: {err}"))?;
        let status =
            procs::status(pid).map_err(|_| format!("clock2 died: {}", server.stderr_tail()))?;
        let budget = budget_reached(&server);
        let mut ours = format!(
            "{}/{clients} served, the last at {}; {} failed; {} peak; budget {}",
            crowd.served,
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
        let floor = budget.map_or(1.0, |b| clients.div_ceil(b) as f64);
        Ok(Row {
            target: target.clone(),
            ours,
            reference: format!("{floor:.2} s: one tick, in rounds of the budget"),
            ratio: Some(crowd.last_served.as_secs_f64() / floor),
            goal: goal.to_string(),
            pass: Some(crowd.served == clients && others == 0),
            go: go.to_string(),
        })
    };
    attempt().unwrap_or_else(|err| Row::failed(&target, goal, go, &err))
}

/// spinner: fib(45) with the spinner thread running, against C.
fn spinner(s: &Settings, bins: &Bins, scratch: &Path) -> Row {
    let target = "spinner, fib(45)".to_string();
    let goal = "≤ 2.3× C";
    let go = "4.2 s (3.5×)";
    let attempt = || -> Result<Row, String> {
        let exe = bins.path("spinner")?;
        let fib = compile_c(scratch, "fib", FIB_C)?;
        let (mut c_times, mut times, mut bytes) = (Vec::new(), Vec::new(), 0);
        for _ in 0..s.repeat.repeat {
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
        let ratio = ratio(median(&times), median(&c_times));
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

/// pipeline1 | head -n 100000, against the same pipeline in C: as the
/// scheduler places the threads, and then all on one CPU, if `taskset` is
/// there (for information: a hand-off on one CPU is a plain context
/// switch, across CPUs it is a wake-up by interrupt, dearer in a VM).
fn pipeline1(s: &Settings, bins: &Bins, scratch: &Path) -> Vec<Row> {
    let lines = s.lines.lines;
    let target = format!("pipeline1 | head -n {lines}");
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
        for _ in 0..s.repeat.repeat {
            c_times.push(first_squares(&mut command(&c), lines)?);
            times.push(first_squares(&mut command(&exe), lines)?);
        }
        let ratio = ratio(median(&times), median(&c_times));
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
fn channels(s: &Settings, scratch: &Path) -> String {
    let items = s.items.items;
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
    for _ in 0..s.repeat.repeat {
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
    let unbuffered = median(&per_item[0]);
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
            report::times(ratio(median(times), unbuffered))
        ));
    }
    lines.push(format!(
        "| Go unbuffered channels (quoted: pipeline1, 0.13 s for {} lines) | | {} | |",
        s.lines.lines,
        secs(Duration::from_secs_f64(0.13 / s.lines.lines as f64))
    ));
    lines.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_command_line_s() {
        let s = Settings::default();
        assert_eq!(s.burst.clients, 10_000);
        assert_eq!(s.burst.read_for, Duration::from_secs(6));
        assert_eq!(s.lines.lines, 100_000);
        assert_eq!(s.crowd.crowd, 18_000);
        assert!(s.clock2.clock2_arg.is_empty());
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
}
