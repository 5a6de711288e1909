//! `bench rustway`: the same jobs three ways: Go's originals (`--go-bin`),
//! the thread port, and the Rust-way binaries of `crates/rustway` (tokio,
//! rayon), in the same rounds, in turns; medians, and the Rust way's ratio
//! to Go (or to the issue's reference where Go has no such program).
//!
//! Go's servers listen on localhost:8000 only, so each Go server run holds
//! `flock /tmp/go8000.lock` while it lasts, and they run one at a time.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use clap::ValueEnum;

use crate::load;
use crate::procs::{self, Bins, Guard, Server};
use crate::report::mb;
use crate::stats::median;

/// The jobs, in the issue's order.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
pub enum Job {
    /// clock2: peak memory with 10,000 clients
    Clock2,
    /// reverb2: wall time of 1,000 clients × 10 shouts
    Reverb2,
    /// pipeline1: 100,000 squares through head
    Pipeline1,
    /// du1: 120,000 files, warm cache
    Du,
    /// thumbnail: 96 photos, against two sequential processes at once
    Thumbnail,
    /// crawl2: a generated site, 50 ms pages against the 20-way ideal, and instant pages
    Crawl2,
    /// chat: fan-out of 200 clients × 20 lines (800,000 deliveries)
    Chat,
    /// chat: memory while it holds `--idle-clients` clients (only when
    /// asked for: Go's takes a minute a round at 6,000 clients, some 13 at
    /// 19,900)
    ChatIdle,
}

/// The options of `bench rustway`.
#[derive(clap::Args, Debug)]
pub struct RustwayArgs {
    /// Where Go's originals are built (../shared/reference/build-go-originals DIR);
    /// without it, the Go column is left out
    #[arg(long, value_name = "DIR")]
    pub go_bin: Option<PathBuf>,

    /// Rounds of each job; the figures are their medians
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,

    /// Only these jobs, comma-separated (default: all but chat-idle)
    #[arg(long, value_enum, value_delimiter = ',')]
    pub only: Vec<Job>,

    /// clock2: clients that connect in the same instant
    #[arg(long, default_value_t = 10_000)]
    pub clients: usize,

    /// chat-idle: clients that connect and stay (at most `ulimit -n` less
    /// a few dozen)
    #[arg(long, default_value_t = 19_900)]
    pub idle_clients: usize,

    /// Instead of the table: clock2's peak memory against clients (1,000 up
    /// to 50,000 or what `ulimit -n` allows), each point the median of
    /// `--rounds` runs, drawn as an SVG here
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
}

/// One job's row: each column's figure, the Rust way's ratio and the goal.
struct Row {
    job: String,
    go: String,
    threads: String,
    rustway: String,
    ratio: String,
    goal: String,
    met: Option<bool>,
}

/// The three columns: Go's original, the thread port, the Rust way.
const GO: usize = 0;
const THREADS: usize = 1;
const RUSTWAY: usize = 2;
/// A reference outside the three, where a job has one (GNU du).
const REFERENCE: usize = 3;

/// Runs the jobs asked for and prints the table.
pub fn run(bins: &Bins, args: &RustwayArgs) -> Result<(), String> {
    if let Some(svg) = &args.plot {
        return plot_clock2(bins, args, svg);
    }
    let jobs = if args.only.is_empty() {
        let all = Job::value_variants().iter();
        all.copied().filter(|&job| job != Job::ChatIdle).collect()
    } else {
        args.only.clone()
    };
    println!(
        "load average before: {}; {} CPUs; {} rounds{}",
        procs::load_average(),
        procs::cpus(),
        args.rounds,
        if args.go_bin.is_some() {
            ""
        } else {
            "; no --go-bin: no Go column"
        }
    );
    let mut rows = Vec::new();
    for job in jobs {
        let row = match job {
            Job::Clock2 => clock2(bins, args),
            Job::Reverb2 => reverb2(bins, args).and_then(|row| {
                rows.push(row);
                flood(bins, args)
            }),
            Job::Pipeline1 => pipeline1(bins, args),
            Job::Du => du(bins, args),
            Job::Thumbnail => thumbnail(bins, args),
            Job::Chat => chat(bins, args).and_then(|row| {
                rows.push(row);
                chat_crowd(bins, args)
            }),
            Job::ChatIdle => chat_idle(bins, args),
            Job::Crawl2 => crawl2(bins, args, Duration::from_millis(50)).and_then(|row| {
                rows.push(row);
                crawl2(bins, args, Duration::ZERO)
            }),
        };
        let row = row.unwrap_or_else(|err| Row {
            job: format!("{job:?}"),
            go: String::new(),
            threads: String::new(),
            rustway: format!("failed: {err}"),
            ratio: String::new(),
            goal: String::new(),
            met: None,
        });
        eprintln!(
            "{}: {} | {} | {}",
            row.job, row.go, row.threads, row.rustway
        );
        rows.push(row);
    }
    println!("\n| job | Go 1.19 | thread port | Rust way | Rust way ratio | goal | met |");
    println!("|---|---|---|---|---|---|---|");
    for r in &rows {
        let met = match r.met {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {met} |",
            r.job, r.go, r.threads, r.rustway, r.ratio, r.goal
        );
    }
    println!("\nload average after: {}", procs::load_average());
    Ok(())
}

/// The cases of a job this run has: Go's only with `--go-bin`.
fn cases(args: &RustwayArgs) -> Vec<usize> {
    let mut cases = vec![THREADS, RUSTWAY];
    if args.go_bin.is_some() {
        cases.insert(0, GO);
    }
    cases
}

/// The cases without the thread port's, for a job it cannot do at all.
fn without_threads(args: &RustwayArgs) -> Vec<usize> {
    cases(args)
        .into_iter()
        .filter(|&case| case != THREADS)
        .collect()
}

/// A server under load: Go's on localhost:8000 under the lock, or ours on a
/// free port.
struct Running {
    keep: Keep,
    pid: u32,
    addr: std::net::SocketAddr,
}

/// What ends a server when the run is over.
enum Keep {
    /// `flock` and, as its child, Go's server: both are killed.
    Go(Guard),
    /// Ours, killed by its guard.
    Ours(#[allow(dead_code)] Server),
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Keep::Go(flock) = &mut self.keep {
            // Go's server first: killing flock alone would leave it on
            // port 8000, holding the lock.
            let _ = Command::new("kill").arg(self.pid.to_string()).status();
            let _ = flock.wait_within(Duration::from_secs(10));
        }
    }
}

/// Starts Go's server `name` from `go_bin` under `flock /tmp/go8000.lock`,
/// and waits until it listens on 127.0.0.1:8000.
fn start_go_server(go_bin: &Path, name: &str, args: &[&str]) -> Result<Running, String> {
    let exe = go_bin.join(name);
    let child = Command::new("flock")
        .arg("/tmp/go8000.lock")
        .arg(&exe)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|err| format!("start flock {}: {err}", exe.display()))?;
    let guard = Guard(child);
    let flock = guard.pid();
    // flock waits for the lock, then runs the server as its child.
    let deadline = Instant::now() + Duration::from_secs(600);
    let pid = loop {
        let children = format!("/proc/{flock}/task/{flock}/children");
        let text = std::fs::read_to_string(children).unwrap_or_default();
        if let Some(pid) = text.split_whitespace().next().and_then(|p| p.parse().ok()) {
            break pid;
        }
        if Instant::now() > deadline {
            return Err(format!("Go's {name}: no lock on /tmp/go8000.lock in 600 s"));
        }
        thread::sleep(Duration::from_millis(20));
    };
    let addr: std::net::SocketAddr = "127.0.0.1:8000".parse().expect("an address");
    let listen_deadline = Instant::now() + Duration::from_secs(10);
    while !listens_on_8000(pid) {
        if Instant::now() > listen_deadline {
            return Err(format!("Go's {name} did not listen on localhost:8000"));
        }
        thread::sleep(Duration::from_millis(10));
    }
    Ok(Running {
        keep: Keep::Go(guard),
        pid,
        addr,
    })
}

/// Whether process `pid` has a socket open and something listens on port
/// 8000 (`/proc/net/tcp`).
fn listens_on_8000(pid: u32) -> bool {
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    let listening = table.lines().any(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        fields.get(1) == Some(&"0100007F:1F40") && fields.get(3) == Some(&"0A")
    });
    listening && std::fs::read_dir(format!("/proc/{pid}/fd")).is_ok_and(|fds| fds.count() > 3)
}

/// Starts the server of `case`: Go's `name`, the thread port's `name`, or
/// the Rust way's `name_tokio`.
fn start_server(
    bins: &Bins,
    args: &RustwayArgs,
    case: usize,
    name: &str,
    extra: &[String],
    scratch: &Path,
) -> Result<Running, String> {
    if case == GO {
        let go_bin = args.go_bin.as_deref().ok_or("no --go-bin")?;
        return start_go_server(go_bin, name, &[]);
    }
    let exe = match case {
        THREADS => bins.path(name)?,
        _ => bins.path(&format!("{name}_tokio"))?,
    };
    let server = Server::start(&exe, extra, scratch)?;
    let pid = server.guard.pid();
    let addr = server.addr;
    Ok(Running {
        keep: Keep::Ours(server),
        pid,
        addr,
    })
}

/// clock2: peak memory (VmHWM) of the server while `--clients` clients that
/// connected in the same instant read its ticks for 6 s.
fn clock2(bins: &Bins, args: &RustwayArgs) -> Result<Row, String> {
    let clients = args.clients;
    procs::ensure_open_files(clients as u64 + 100)?;
    let scratch = tempfile::tempdir().map_err(|err| err.to_string())?;
    let runs = in_turns(args, &cases(args), |case| {
        let (burst, status) = clock2_burst(bins, args, case, clients, scratch.path())?;
        let status = status.ok_or("clock2 died")?;
        Ok((status.hwm_kib, burst.served))
    })?;
    let (peaks, served) = unzip(runs);
    let column = |case: usize| {
        if peaks[case].is_empty() {
            return String::new();
        }
        format!(
            "{} peak, {}/{clients} served",
            mb(median(&peaks[case])),
            median(&served[case])
        )
    };
    let all_served = served[RUSTWAY].iter().all(|&n| n == clients);
    let (ratio, met) = if peaks[GO].is_empty() {
        (String::new(), None)
    } else {
        let r = median(&peaks[RUSTWAY]) as f64 / median(&peaks[GO]) as f64;
        (format!("{r:.2}× Go"), Some(all_served && r <= 0.5))
    };
    Ok(Row {
        job: format!("clock2, {clients} clients, peak RSS"),
        go: column(GO),
        threads: column(THREADS),
        rustway: column(RUSTWAY),
        ratio,
        goal: "all served, ≤ 0.5× Go".to_string(),
        met,
    })
}

/// `clients` clients that connect to case's clock2 in the same instant and
/// read its ticks for 6 s; how they fared, and the server's status before
/// they leave (`None` if it died).
fn clock2_burst(
    bins: &Bins,
    args: &RustwayArgs,
    case: usize,
    clients: usize,
    scratch: &Path,
) -> Result<(load::Burst, Option<procs::Status>), String> {
    let server = start_server(bins, args, case, "clock2", &[], scratch)?;
    let pid = server.pid;
    let (burst, status) = load::clock_burst(server.addr, clients, Duration::from_secs(6), || {
        procs::status(pid).ok()
    })
    .map_err(|err| format!("load client: {err}"))?;
    Ok((burst, status))
}

/// reverb2: wall time until every echo is back, for 1,000 clients that each
/// send 10 shouts at once (`--delay 1s`, the floor is 2 s).
fn reverb2(bins: &Bins, args: &RustwayArgs) -> Result<Row, String> {
    const CLIENTS: usize = 1000;
    const SHOUTS: usize = 10;
    procs::ensure_open_files(CLIENTS as u64 + 100)?;
    let scratch = tempfile::tempdir().map_err(|err| err.to_string())?;
    let runs = in_turns(args, &cases(args), |case| {
        let server = start_server(bins, args, case, "reverb2", &[], scratch.path())?;
        let result = load::reverb_load(server.addr, CLIENTS, SHOUTS, Duration::from_secs(60))
            .map_err(|err| format!("load client: {err}"))?;
        Ok((
            result.wall.unwrap_or(Duration::from_secs(60)),
            result.correct,
        ))
    })?;
    let (walls, correct) = unzip(runs);
    let column = |case: usize| {
        if walls[case].is_empty() {
            return String::new();
        }
        format!(
            "{:.2} s, {}/{CLIENTS} correct",
            median(&walls[case]).as_secs_f64(),
            median(&correct[case])
        )
    };
    let all_correct = correct[RUSTWAY].iter().all(|&n| n == CLIENTS);
    let (ratio, met) = match walls[GO].is_empty() {
        true => (String::new(), None),
        false => {
            let r = median(&walls[RUSTWAY]).as_secs_f64() / median(&walls[GO]).as_secs_f64();
            (format!("{r:.2}× Go"), Some(all_correct && r <= 1.0))
        }
    };
    Ok(Row {
        job: format!("reverb2, {CLIENTS} clients × {SHOUTS} shouts, wall"),
        go: column(GO),
        threads: column(THREADS),
        rustway: column(RUSTWAY),
        ratio,
        goal: "all correct, ≤ Go".to_string(),
        met,
    })
}

/// reverb2 flooded: one client sends 100,000 shouts at once (`--delay
/// 1s`); the wall time until every echo is back, and whether the server is
/// still up. The thread port is left out: its budget takes the flood in
/// rounds (`bench flood`).
fn flood(bins: &Bins, args: &RustwayArgs) -> Result<Row, String> {
    const SHOUTS: usize = 100_000;
    let scratch = tempfile::tempdir().map_err(|err| err.to_string())?;
    let runs = in_turns(args, &without_threads(args), |case| {
        let server = start_server(bins, args, case, "reverb2", &[], scratch.path())?;
        let result = load::reverb_load(server.addr, 1, SHOUTS, Duration::from_secs(60))
            .map_err(|err| format!("load client: {err}"))?;
        let up = procs::status(server.pid).is_ok_and(|s| s.hwm_kib > 0);
        Ok((
            result.wall.unwrap_or(Duration::from_secs(60)),
            result.correct == 1 && up,
        ))
    })?;
    let (walls, full) = unzip(runs);
    let column = |case: usize| {
        if walls[case].is_empty() {
            return String::new();
        }
        let full = full[case].iter().filter(|&&f| f).count();
        format!(
            "{:.2} s, fully echoed and up {full}/{} runs",
            median(&walls[case]).as_secs_f64(),
            walls[case].len()
        )
    };
    let met = full[RUSTWAY].iter().all(|&f| f);
    Ok(Row {
        job: format!("reverb2, one client's flood of {SHOUTS} shouts"),
        go: column(GO),
        threads: "(in rounds of its thread budget: `bench flood`)".to_string(),
        rustway: column(RUSTWAY),
        ratio: String::new(),
        goal: "fully echoed, server up".to_string(),
        met: Some(met),
    })
}

/// The program of `case`: Go's `name`, the thread port's `name`, or the
/// Rust way's `name` + `suffix` (`_tokio`, `_rayon`).
fn program(
    bins: &Bins,
    args: &RustwayArgs,
    case: usize,
    name: &str,
    suffix: &str,
) -> Result<PathBuf, String> {
    match case {
        GO => {
            let go_bin = args.go_bin.as_deref().ok_or("no --go-bin")?;
            let exe = go_bin.join(name);
            match exe.is_file() {
                true => Ok(exe),
                false => Err(format!("{} is missing", exe.display())),
            }
        }
        THREADS => bins.path(name),
        _ => bins.path(&format!("{name}{suffix}")),
    }
}

/// Runs `run` for each of `cases`, `--rounds` times, in turns (the order
/// reversed every other round); what each run gave, by case.
fn in_turns<T>(
    args: &RustwayArgs,
    cases: &[usize],
    mut run: impl FnMut(usize) -> Result<T, String>,
) -> Result<[Vec<T>; 4], String> {
    let mut results: [Vec<T>; 4] = Default::default();
    for round in 0..args.rounds {
        let mut order = cases.to_vec();
        if round % 2 == 1 {
            order.reverse();
        }
        for case in order {
            results[case].push(run(case)?);
        }
    }
    Ok(results)
}

/// The first and second of each case's pairs, apart.
fn unzip<A, B>(runs: [Vec<(A, B)>; 4]) -> ([Vec<A>; 4], [Vec<B>; 4]) {
    let mut firsts: [Vec<A>; 4] = Default::default();
    let mut seconds: [Vec<B>; 4] = Default::default();
    for (case, runs) in runs.into_iter().enumerate() {
        (firsts[case], seconds[case]) = runs.into_iter().unzip();
    }
    (firsts, seconds)
}

/// The median of `times` in seconds, with the spread, or nothing.
fn seconds(times: &[Duration]) -> String {
    if times.is_empty() {
        return String::new();
    }
    crate::stats::spread(times)
}

/// pipeline1: `EXE | head -n 100000`, until head has its lines and the
/// pipeline has ended.
fn pipeline1(bins: &Bins, args: &RustwayArgs) -> Result<Row, String> {
    let times = in_turns(args, &cases(args), |case| {
        let exe = program(bins, args, case, "pipeline1", "_tokio")?;
        let script = "\"$0\" | head -n 100000 > /dev/null";
        let (wall, _) = procs::run_timed(Command::new("sh").arg("-c").arg(script).arg(&exe))?;
        Ok(wall)
    })?;
    let (ratio, met) = versus_go(&times, 1.0);
    Ok(Row {
        job: "pipeline1, 100,000 squares through head".to_string(),
        go: seconds(&times[GO]),
        threads: seconds(&times[THREADS]),
        rustway: seconds(&times[RUSTWAY]),
        ratio,
        goal: "≤ Go".to_string(),
        met,
    })
}

/// The Rust way's median time over Go's, and whether it is at most `goal`.
fn versus_go(times: &[Vec<Duration>; 4], goal: f64) -> (String, Option<bool>) {
    if times[GO].is_empty() || times[RUSTWAY].is_empty() {
        return (String::new(), None);
    }
    let r = crate::stats::ratio(median(&times[RUSTWAY]), median(&times[GO]));
    (format!("{r:.2}× Go"), Some(r <= goal))
}

/// du: the wall time of `EXE ROOT` on a tree of 120,000 empty files in
/// 12,120 directories, warm cache, against GNU `du -s` in the same rounds.
fn du(bins: &Bins, args: &RustwayArgs) -> Result<Row, String> {
    const FILES: u64 = 120_000;
    let scratch = tempfile::tempdir().map_err(|err| err.to_string())?;
    let root = scratch.path().join("tree");
    for top in 0..120 {
        for sub in 0..100 {
            let dir = root.join(format!("t{top}/s{sub}"));
            std::fs::create_dir_all(&dir).map_err(|err| format!("mkdir: {err}"))?;
            for f in 0..10 {
                std::fs::File::create(dir.join(format!("f{f}")))
                    .map_err(|err| format!("create: {err}"))?;
            }
        }
    }
    let want = format!("{FILES} files  0.0 GB\n");
    let mut all = cases(args);
    all.push(REFERENCE);
    // One walk first, so that every case finds the cache warm.
    procs::run_timed(Command::new("du").arg("-s").arg(&root))?;
    let times = in_turns(args, &all, |case| {
        if case == REFERENCE {
            let mut du = Command::new("du");
            du.args(["-s", "--apparent-size"]).arg(&root);
            return procs::run_timed(&mut du).map(|(wall, _)| wall);
        }
        let exe = program(bins, args, case, "du1", "")?;
        let exe = match case {
            RUSTWAY => bins.path("du_rayon")?,
            _ => exe,
        };
        let (wall, out) = procs::run_timed(Command::new(&exe).arg(&root))?;
        match String::from_utf8_lossy(&out) == want {
            true => Ok(wall),
            false => Err(format!(
                "{} printed {:?}",
                exe.display(),
                String::from_utf8_lossy(&out)
            )),
        }
    })?;
    let r = crate::stats::ratio(median(&times[RUSTWAY]), median(&times[REFERENCE]));
    Ok(Row {
        job: format!("du1, {FILES} files, warm cache"),
        go: seconds(&times[GO]),
        threads: seconds(&times[THREADS]),
        rustway: seconds(&times[RUSTWAY]),
        ratio: format!(
            "{r:.2}× GNU du ({}); {}",
            seconds(&times[REFERENCE]),
            versus_go(&times, f64::INFINITY).0
        ),
        goal: "same output, ≤ 0.7× GNU du".to_string(),
        met: Some(r <= 0.7),
    })
}

/// thumbnail: the wall time of 96 photos of 1600×1200, against what two
/// sequential processes at once get (each on its own copy): the thread
/// port's sequential loop (`--variant 1`) and its parallel one
/// (`--variant 5`), and the Rust way. Go has no `thumbnail` command of its
/// own (the book's is a package and a small main.go).
fn thumbnail(bins: &Bins, args: &RustwayArgs) -> Result<Row, String> {
    const PHOTOS: usize = 96;
    let scratch = tempfile::tempdir().map_err(|err| err.to_string())?;
    let mut lists = Vec::new();
    for copy in 0..2 {
        let dir = scratch.path().join(format!("copy{copy}"));
        std::fs::create_dir_all(&dir).map_err(|err| err.to_string())?;
        let names: String = (0..PHOTOS)
            .map(|i| testkit::photos::jpeg(&dir, format!("p{i}.jpg"), 1600, 1200))
            .map(|path| format!("{}\n", path.display()))
            .collect();
        let list = scratch.path().join(format!("list{copy}"));
        std::fs::write(&list, names).map_err(|err| err.to_string())?;
        lists.push(list);
    }
    // Every photo must get its thumbnail: one name printed a photo.
    let made_all = |command: &mut Command| -> Result<(), String> {
        let out = command.output().map_err(|err| err.to_string())?;
        let made = out.stdout.iter().filter(|&&b| b == b'\n').count();
        match out.status.success() && made == PHOTOS {
            true => Ok(()),
            false => Err(format!("{command:?}: {} ({made} made)", out.status)),
        }
    };
    let thumbnail = bins.path("thumbnail")?;
    let rayon = bins.path("thumbnail_rayon")?;
    let run = |exe: &Path, extra: &[&str], list: &Path| -> Result<Command, String> {
        let input = std::fs::File::open(list).map_err(|err| err.to_string())?;
        let mut command = Command::new(exe);
        command.args(extra).stdin(input).stderr(Stdio::null());
        Ok(command)
    };
    // Cases: 0 one sequential process, 1 two at once, 2 variant 5, 3 rayon.
    let mut times: [Vec<Duration>; 4] = Default::default();
    for round in 0..args.rounds {
        let mut order = vec![0, 1, 2, 3];
        if round % 2 == 1 {
            order.reverse();
        }
        for case in order {
            let start = Instant::now();
            match case {
                0 => made_all(&mut run(&thumbnail, &[], &lists[0])?)?,
                1 => {
                    let mut a = run(&thumbnail, &[], &lists[0])?;
                    let mut b = run(&thumbnail, &[], &lists[1])?;
                    let other = thread::spawn(move || made_all(&mut b));
                    made_all(&mut a)?;
                    other.join().map_err(|_| "a thread panicked")??;
                }
                2 => drop(made_all(&mut run(
                    &thumbnail,
                    &["--variant", "5"],
                    &lists[0],
                )?)?),
                _ => made_all(&mut run(&rayon, &[], &lists[0])?)?,
            }
            times[case].push(start.elapsed());
        }
    }
    let secs = |case: usize| median(&times[case]).as_secs_f64();
    // The reference's speed-up: two photos' worth of work in the time of two
    // at once; each case's speed-up over the sequential loop, as a fraction.
    let reference = 2.0 * secs(0) / secs(1);
    let fraction = |case: usize| (secs(0) / secs(case)) / reference;
    Ok(Row {
        job: format!("thumbnail, {PHOTOS} photos 1600×1200"),
        go: "(a package: no command)".to_string(),
        threads: format!(
            "--variant 5: {}, {:.2} of the reference",
            seconds(&times[2]),
            fraction(2)
        ),
        rustway: format!(
            "{}, {:.2} of the reference",
            seconds(&times[3]),
            fraction(3)
        ),
        ratio: format!(
            "reference: {reference:.2}× (sequential {}, two at once {})",
            seconds(&times[0]),
            seconds(&times[1])
        ),
        goal: "≥ 0.97 of two sequential processes at once".to_string(),
        met: Some(fraction(3) >= 0.97),
    })
}

/// crawl2: the wall time of a whole crawl of a generated site from `/`,
/// every page answered after `delay`. With a delay, against the ideal of
/// 20 fetches always in flight (requests × delay / 20), and beside what 20
/// threads fetching the same URLs, known in advance, reach on this machine
/// (the server's and HTTP's own cost a request); without, against Go.
fn crawl2(bins: &Bins, args: &RustwayArgs, delay: Duration) -> Result<Row, String> {
    let pages = 2500;
    let site = testkit::site::Site::generated(pages, delay, false);
    let urls = site.reachable(None);
    let want = urls.len();
    let start_url = site.url("/");
    let mut requests = 0;
    let mut all = cases(args);
    if !delay.is_zero() {
        all.push(REFERENCE);
    }
    let times = in_turns(args, &all, |case| {
        if case == REFERENCE {
            return Ok(crate::crawl::reference(&urls, 20));
        }
        let exe = program(bins, args, case, "crawl2", "_tokio")?;
        let before = site.requests();
        let (wall, out) = procs::run_timed(Command::new(&exe).arg(&start_url))?;
        requests = site.requests() - before;
        let printed = out.iter().filter(|&&b| b == b'\n').count();
        match printed == want {
            true => Ok(wall),
            false => Err(format!(
                "{} printed {printed} of {want} URLs",
                exe.display()
            )),
        }
    })?;
    if delay.is_zero() {
        let (ratio, met) = versus_go(&times, 1.0);
        return Ok(Row {
            job: format!("crawl2, {want} URLs, instant pages"),
            go: seconds(&times[GO]),
            threads: seconds(&times[THREADS]),
            rustway: seconds(&times[RUSTWAY]),
            ratio,
            goal: "≤ Go".to_string(),
            met,
        });
    }
    let ideal = delay * requests as u32 / 20;
    let of_ideal = |case: usize| -> String {
        if times[case].is_empty() {
            return String::new();
        }
        let f = ideal.as_secs_f64() / median(&times[case]).as_secs_f64();
        format!("{}, {:.1}% of ideal", seconds(&times[case]), 100.0 * f)
    };
    let fraction = ideal.as_secs_f64() / median(&times[RUSTWAY]).as_secs_f64();
    let of_known = median(&times[REFERENCE]).as_secs_f64() / median(&times[RUSTWAY]).as_secs_f64();
    Ok(Row {
        job: format!("crawl2, {want} URLs, {delay:?} pages"),
        go: of_ideal(GO),
        threads: of_ideal(THREADS),
        rustway: of_ideal(RUSTWAY),
        ratio: format!(
            "ideal {:.2} s ({requests} requests / 20 × {delay:?}); 20 threads with the URLs known: {}; \
             the Rust way reaches {:.1}% of them",
            ideal.as_secs_f64(),
            of_ideal(REFERENCE),
            100.0 * of_known
        ),
        goal: "≥ 98% of the 20-way ideal".to_string(),
        met: Some(fraction >= 0.98),
    })
}

/// chat: 200 clients each send 20 lines, so the server delivers 800,000;
/// the time from the first line sent to the last received, once every
/// client has entered, and the server's peak memory.
fn chat(bins: &Bins, args: &RustwayArgs) -> Result<Row, String> {
    const CLIENTS: usize = 200;
    const LINES: usize = crate::chat::LINES;
    procs::ensure_open_files(CLIENTS as u64 + 100)?;
    let scratch = tempfile::tempdir().map_err(|err| err.to_string())?;
    let runs = in_turns(args, &cases(args), |case| {
        let server = start_server(bins, args, case, "chat", &[], scratch.path())?;
        // `bench chat`'s fan-out load: every client talks.
        let (time, status) = crate::chat::load(server.addr, 0, CLIENTS, server.pid)?;
        Ok((time, status.hwm_kib))
    })?;
    let (times, peaks) = unzip(runs);
    let column = |case: usize| match times[case].is_empty() {
        true => String::new(),
        false => format!(
            "{}, {} peak",
            seconds(&times[case]),
            mb(median(&peaks[case]))
        ),
    };
    let (ratio, met) = versus_go(&times, 1.0);
    Ok(Row {
        job: format!("chat fan-out, {CLIENTS} clients × {LINES} lines"),
        go: column(GO),
        threads: column(THREADS),
        rustway: column(RUSTWAY),
        ratio,
        goal: "faster than Go".to_string(),
        met,
    })
}

/// chat after a crowd: 3,000 clients connect and leave at once; the time
/// from the first connect until a newcomer, connected after them all, hears
/// its own line back.
fn chat_crowd(bins: &Bins, args: &RustwayArgs) -> Result<Row, String> {
    use std::io::{BufRead, BufReader, Write};
    const CROWD: usize = 3000;
    procs::ensure_open_files(CROWD as u64 + 100)?;
    let scratch = tempfile::tempdir().map_err(|err| err.to_string())?;
    let times = in_turns(args, &cases(args), |case| {
        let server = start_server(bins, args, case, "chat", &[], scratch.path())?;
        let fail = |err: std::io::Error| format!("chat crowd: {err}");
        let start = Instant::now();
        let crowd: Vec<_> = (0..CROWD)
            .map(|_| std::net::TcpStream::connect(server.addr))
            .collect::<Result<_, _>>()
            .map_err(fail)?;
        drop(crowd);
        let mut newcomer = std::net::TcpStream::connect(server.addr).map_err(fail)?;
        newcomer
            .set_read_timeout(Some(Duration::from_secs(120)))
            .map_err(fail)?;
        newcomer.write_all(b"anyone?\n").map_err(fail)?;
        let mut lines = BufReader::new(newcomer);
        let mut line = String::new();
        while !line.ends_with(": anyone?\n") {
            line.clear();
            if lines.read_line(&mut line).map_err(fail)? == 0 {
                return Err("chat crowd: the server hung up".to_string());
            }
        }
        Ok(start.elapsed())
    })?;
    let (ratio, met) = versus_go(&times, 0.5);
    Ok(Row {
        job: format!("chat, {CROWD} clients arrive and leave: a newcomer answered"),
        go: seconds(&times[GO]),
        threads: seconds(&times[THREADS]),
        rustway: seconds(&times[RUSTWAY]),
        ratio,
        goal: "≤ 0.5× Go".to_string(),
        met,
    })
}

/// How long chat may take to hold its idle clients. Go's takes about a
/// minute for 6,000 here, so some 13 for 19,900 (n²/2 = 198 million
/// arrival lines through one broadcaster goroutine).
const HOLD: Duration = Duration::from_secs(20 * 60);

/// chat holding idle clients: `--idle-clients` connect one after another,
/// each hearing every later arrival (n²/2 lines in all), until the
/// arrivals die down and one line reaches them all; the server's resident memory then, and the time from
/// the first connect. The thread port is left out: two threads a client,
/// it holds only half its thread budget at once, and the rest wait.
fn chat_idle(bins: &Bins, args: &RustwayArgs) -> Result<Row, String> {
    let clients = args.idle_clients;
    procs::ensure_open_files(clients as u64 + 50)?;
    let scratch = tempfile::tempdir().map_err(|err| err.to_string())?;
    let runs = in_turns(args, &without_threads(args), |case| {
        let server = start_server(bins, args, case, "chat", &[], scratch.path())?;
        let (time, status) = crate::chat::hold(server.addr, clients, server.pid, HOLD)?;
        Ok((time, status.rss_kib))
    })?;
    let (times, rss) = unzip(runs);
    let column = |case: usize| match rss[case].is_empty() {
        true => String::new(),
        false => format!(
            "{} resident (spread {}–{}), all in after {}",
            mb(median(&rss[case])),
            mb(*rss[case].iter().min().unwrap_or(&0)),
            mb(*rss[case].iter().max().unwrap_or(&0)),
            seconds(&times[case])
        ),
    };
    let (ratio, met) = match rss[GO].is_empty() {
        true => (String::new(), None),
        false => {
            let r = median(&rss[RUSTWAY]) as f64 / median(&rss[GO]) as f64;
            (format!("{r:.2}× Go's memory"), Some(r <= 1.0))
        }
    };
    Ok(Row {
        job: format!("chat holding {clients} idle clients"),
        go: column(GO),
        threads: "(2 threads a client: half its budget at once)".to_string(),
        rustway: column(RUSTWAY),
        ratio,
        goal: "no more memory than Go".to_string(),
        met,
    })
}

/// The client counts of the clock2 plot.
const PLOT_CLIENTS: [usize; 8] = [1000, 2000, 5000, 10_000, 15_000, 20_000, 30_000, 50_000];

/// clock2's peak memory against clients, for each column, the median of
/// `--rounds` runs per count, up to the most `ulimit -n` allows (less 100);
/// a column's line ends where it no longer serves every client.
fn plot_clock2(bins: &Bins, args: &RustwayArgs, svg: &Path) -> Result<(), String> {
    let room = (open_files_soft_limit() as usize).saturating_sub(100);
    let mut counts: Vec<usize> = PLOT_CLIENTS.into_iter().filter(|&n| n <= room).collect();
    if counts
        .last()
        .is_some_and(|&last| last < room && room < PLOT_CLIENTS[7])
    {
        counts.push(room); // past the thread ceiling, as far as this machine goes
    }
    let most = *counts
        .last()
        .ok_or("ulimit -n is too low for 1,000 clients")?;
    procs::ensure_open_files(most as u64 + 100)?;
    let scratch = tempfile::tempdir().map_err(|err| err.to_string())?;
    let mut lines: [Vec<(usize, f64)>; 3] = Default::default();
    for case in cases(args) {
        'counts: for &clients in &counts {
            let (mut peaks, mut served) = (Vec::new(), Vec::new());
            for _ in 0..args.rounds {
                let (burst, status) = clock2_burst(bins, args, case, clients, scratch.path())?;
                let Some(status) = status else { break 'counts };
                println!(
                    "case {case}: {clients} clients, {} served, {} peak",
                    burst.served,
                    mb(status.hwm_kib)
                );
                peaks.push(status.hwm_kib);
                served.push(burst.served);
            }
            // The ceiling: the line ends where the median run left some out
            // (one run's client a tick short on a busy machine does not).
            if median(&served) < clients {
                break;
            }
            lines[case].push((clients, median(&peaks) as f64 * 1024.0 / 1e6));
        }
    }
    let doc = draw(&lines, &counts, args.rounds);
    svg::save(svg, &doc).map_err(|err| format!("{}: {err}", svg.display()))?;
    println!("drawn: {}", svg.display());
    Ok(())
}

/// This process's soft open-file limit (`ulimit -n`).
fn open_files_soft_limit() -> u64 {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    limits
        .lines()
        .find(|line| line.starts_with("Max open files"))
        .and_then(|line| line.split_whitespace().nth(3))
        .and_then(|soft| soft.parse().ok())
        .unwrap_or(1024)
}

/// The plot: megabytes against clients, a line per column.
fn draw(lines: &[Vec<(usize, f64)>; 3], counts: &[usize], rounds: usize) -> svg::Document {
    use svg::node::element::{Circle, Line, Polyline, Text};
    let most = counts.last().copied().unwrap_or(1);
    const LEFT: f64 = 60.0;
    const TOP: f64 = 64.0;
    const WIDTH: f64 = 560.0;
    const HEIGHT: f64 = 300.0;
    let top = lines
        .iter()
        .flatten()
        .map(|&(_, mb)| mb)
        .fold(10.0, f64::max);
    let top = (top / 20.0).ceil() * 20.0;
    let x = |n: usize| LEFT + n as f64 / most as f64 * WIDTH;
    let y = |mb: f64| TOP + HEIGHT - mb / top * HEIGHT;
    let text = |x: f64, y: f64, s: &str| Text::new(s).set("x", x).set("y", y);
    let line = |x1: f64, y1: f64, x2: f64, y2: f64, colour: &str| {
        Line::new()
            .set("x1", x1)
            .set("y1", y1)
            .set("x2", x2)
            .set("y2", y2)
            .set("stroke", colour)
    };
    let bottom = TOP + HEIGHT;
    let mut doc = svg::Document::new()
        .set("viewBox", (0.0, 0.0, LEFT + WIDTH + 150.0, bottom + 50.0))
        .set("font-family", "sans-serif")
        .set("font-size", 12)
        .add(text(10.0, 20.0, "clock2: peak resident memory against idle clients").set("font-size", 14))
        .add(text(10.0, 36.0, &format!("each client reads a tick a second for 6 s; median of {rounds} runs; {} CPUs; a line ends where not every client is served", procs::cpus())).set("fill", "#555"))
        .add(line(LEFT, bottom, LEFT + WIDTH, bottom, "black"))
        .add(line(LEFT, TOP, LEFT, bottom, "black"))
        .add(text(LEFT + WIDTH / 2.0, bottom + 36.0, "clients").set("text-anchor", "middle"))
        .add(text(10.0, TOP - 8.0, "MB"));
    for i in 0..=4 {
        let mb = top * i as f64 / 4.0;
        doc = doc
            .add(line(LEFT, y(mb), LEFT + WIDTH, y(mb), "#ddd"))
            .add(text(LEFT - 6.0, y(mb) + 4.0, &format!("{mb:.0}")).set("text-anchor", "end"));
    }
    for &n in counts.iter().filter(|&&n| n >= 5000) {
        let label = format!("{:.1}k", n as f64 / 1000.0).replace(".0k", "k");
        doc = doc.add(text(x(n), bottom + 16.0, &label).set("text-anchor", "middle"));
    }
    let names = ["Go 1.19", "threads (clock2)", "tokio (clock2_tokio)"];
    let colours = ["#2ca02c", "#d62728", "#1f77b4"];
    for case in [GO, THREADS, RUSTWAY] {
        let points: Vec<String> = lines[case]
            .iter()
            .map(|&(n, mb)| format!("{:.1},{:.1}", x(n), y(mb)))
            .collect();
        if points.is_empty() {
            continue;
        }
        doc = doc.add(
            Polyline::new()
                .set("points", points.join(" "))
                .set("fill", "none")
                .set("stroke", colours[case])
                .set("stroke-width", 2),
        );
        for &(n, mb) in &lines[case] {
            let dot = Circle::new().set("cx", x(n)).set("cy", y(mb)).set("r", 3);
            doc = doc.add(dot.set("fill", colours[case]));
        }
        if let Some(&(n, mb)) = lines[case].last().filter(|&&(n, _)| n < most) {
            let end = text(x(n) + 6.0, y(mb) - 6.0, "not all served past here");
            doc = doc.add(end.set("fill", colours[case]));
        }
        let ly = TOP + 20.0 * case as f64;
        doc = doc
            .add(
                line(
                    LEFT + WIDTH + 10.0,
                    ly,
                    LEFT + WIDTH + 30.0,
                    ly,
                    colours[case],
                )
                .set("stroke-width", 2),
            )
            .add(text(LEFT + WIDTH + 34.0, ly + 4.0, names[case]));
    }
    doc
}
