//! `bench du`: how fast du3 walks a big tree, against du1 and GNU tools in
//! the same run.
//!
//! It makes a tree of 101,000 entries in a temporary directory (100
//! directories of 100 directories of 10 files: 100,000 files in 10,101
//! directories) and removes it afterwards. Each command runs once to warm
//! the cache, then once per round, in an order that turns round by round,
//! for ROUNDS rounds (default 7); the median wall time counts, and the
//! median CPU time (user + system, as GNU time's `/usr/bin/time` reports
//! it). du1 and du3 must find every file.
//!
//! - `du1`: one walker thread, the book's du1;
//! - `du3`: a thread per directory, through the thread budget (default:
//!   what the system allows), and with `--max-threads 4`, `16` and the system's ceiling;
//! - `du -s --apparent-size`: GNU du, one thread (fts);
//! - `find -printf '%s\n'`: GNU find, one thread, lstat of every entry;
//! - a control, in this process: du1's walk and `lstat`s in one thread,
//!   with no channel at all, to show what the hand-offs cost.

use std::fs::{self, File};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clap::Args;

use crate::procs::{self, Bins};
use crate::stats::{Turns, least_most, median, order, ratio};

/// What `bench du` takes.
#[derive(Args, Debug, Clone)]
pub struct DuArgs {
    /// Rounds of the commands, each round in a turned order; the medians count
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..))]
    pub rounds: u32,
}

/// Directories at the top, directories in each, and files in each of those.
const TOP: usize = 100;
const SUB: usize = 100;
const FILES: usize = 10;

/// Makes the tree, runs every command on it, and prints the table.
pub fn run(bins: &Bins, args: &DuArgs) -> Result<(), String> {
    let rounds = args.rounds as usize;
    let du1 = bins.path("du1")?.to_string_lossy().into_owned();
    let du3 = bins.path("du3")?.to_string_lossy().into_owned();
    let dir = tempfile::tempdir().map_err(|err| format!("temporary directory: {err}"))?;
    let started = Instant::now();
    make_tree(dir.path())?;
    let root = dir.path().to_str().ok_or("not a UTF-8 path")?.to_string();
    let files = TOP * SUB * FILES;
    let dirs = 1 + TOP + TOP * SUB;
    println!(
        "{files} files in {dirs} directories, made in {:.1} s; {} CPUs; load average {}",
        started.elapsed().as_secs_f64(),
        procs::cpus(),
        procs::load_average()
    );

    let ceiling = common::threads::SystemLimits::read()
        .budget(false)
        .to_string();
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("du1", args_of(&du1, &[&root])),
        ("du3 (default: 32 threads)", args_of(&du3, &[&root])),
        (
            "du3 --max-threads 4",
            args_of(&du3, &["--max-threads", "4", &root]),
        ),
        (
            "du3 --max-threads 16",
            args_of(&du3, &["--max-threads", "16", &root]),
        ),
        (
            "du3 --max-threads N (the system's ceiling)",
            args_of(&du3, &["--max-threads", &ceiling, &root]),
        ),
        (
            "du -s --apparent-size",
            args_of("du", &["-s", "--apparent-size", &root]),
        ),
        (
            "find -printf '%s\\n'",
            args_of("find", &[&root, "-printf", "%s\\n"]),
        ),
    ];
    let (du1_case, gnu_du_case) = (0, 5);

    // Warm the cache, and check that every program sees every file.
    for (name, command) in &cases {
        let (_, out, _) = time(command)?;
        if name.starts_with("du3") || *name == "du1" {
            let want = format!("{files} files  0.0 GB\n");
            if out != want {
                return Err(format!("{name} printed {out:?}, not {want:?}"));
            }
        }
    }

    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); cases.len()];
    let mut cpu: Vec<Vec<Duration>> = vec![Vec::new(); cases.len()];
    let mut control = Vec::new();
    for round in 0..rounds {
        for i in order(Turns::Rotated, round, cases.len()) {
            let (wall, _, used) = time(&cases[i].1)?;
            times[i].push(wall);
            cpu[i].push(used);
        }
        let started = Instant::now();
        let (nfiles, _) = walk(dir.path()).map_err(|err| format!("control walk: {err}"))?;
        control.push(started.elapsed());
        if nfiles != files as u64 {
            return Err(format!(
                "the control walk found {nfiles} files, not {files}"
            ));
        }
    }

    let medians: Vec<Duration> = times.iter().map(|t| median(t)).collect();
    let cpu: Vec<Duration> = cpu.iter().map(|t| median(t)).collect();
    let (du1, gnu_du) = (medians[du1_case], medians[gnu_du_case]);
    println!(
        "\nmedian of {rounds} rounds, alternating, warm cache; load average now {}",
        procs::load_average()
    );
    println!(
        "| command | wall: median | least–most | CPU: median | wall vs GNU du | wall vs du1 |"
    );
    println!("|---|---|---|---|---|---|");
    for (i, (name, _)) in cases.iter().enumerate() {
        let ((least, most), median) = (least_most(&times[i]), medians[i]);
        println!(
            "| `{name}` | {:.3} s | {:.3}–{:.3} s | {:.2} s | {:.2}× | {:.2}× |",
            median.as_secs_f64(),
            least.as_secs_f64(),
            most.as_secs_f64(),
            cpu[i].as_secs_f64(),
            ratio(median, gnu_du),
            ratio(median, du1),
        );
    }
    let control = median(&control);
    println!(
        "| control: one thread, no channel (in process) | {:.3} s | | | {:.2}× | {:.2}× |",
        control.as_secs_f64(),
        ratio(control, gnu_du),
        ratio(control, du1),
    );
    Ok(())
}

/// du1's walk without its channel: files and bytes under `dir`, by lstat.
fn walk(dir: &Path) -> std::io::Result<(u64, u64)> {
    let (mut nfiles, mut nbytes) = (0, 0);
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        if meta.is_dir() {
            let (f, b) = walk(&entry.path())?;
            nfiles += f;
            nbytes += b;
        } else {
            nfiles += 1;
            nbytes += meta.len();
        }
    }
    Ok((nfiles, nbytes))
}

/// `program` and then `rest`, as one command line.
fn args_of(program: &str, rest: &[&str]) -> Vec<String> {
    std::iter::once(program)
        .chain(rest.iter().copied())
        .map(String::from)
        .collect()
}

/// Makes the tree of [`TOP`] × [`SUB`] directories of [`FILES`] empty files.
fn make_tree(root: &Path) -> Result<(), String> {
    for top in 0..TOP {
        for sub in 0..SUB {
            let dir = root.join(format!("t{top}/s{sub}"));
            fs::create_dir_all(&dir).map_err(|err| format!("mkdir {}: {err}", dir.display()))?;
            for f in 0..FILES {
                let file = dir.join(format!("f{f}"));
                File::create(&file).map_err(|err| format!("create {}: {err}", file.display()))?;
            }
        }
    }
    Ok(())
}

/// Runs `command` under GNU time with its output piped; returns the wall
/// time, standard output, and the CPU time used (user + system).
fn time(command: &[String]) -> Result<(Duration, String, Duration), String> {
    let started = Instant::now();
    let output = Command::new("/usr/bin/time")
        .args(["-f", "%U %S"])
        .args(command)
        .stdin(Stdio::piped())
        .output()
        .map_err(|err| format!("run /usr/bin/time (GNU time): {err}"))?;
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        let said: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        return Err(format!(
            "{command:?} failed ({}): {}",
            output.status,
            said.join(" / ")
        ));
    }
    let used: f64 = stderr
        .lines()
        .last()
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|seconds| seconds.parse::<f64>().ok())
        .sum();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    Ok((took, stdout, Duration::from_secs_f64(used)))
}
