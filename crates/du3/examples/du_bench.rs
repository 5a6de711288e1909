//! How fast du3 walks a big tree, against du1 and GNU tools in the same run:
//! `cargo run --release -p du3 --example du_bench [-- ROUNDS]`.
//!
//! It builds du1 and du3 (release), makes a tree of 101,000 entries in a
//! temporary directory (100 directories of 100 directories of 10 files:
//! 100,000 files in 10,101 directories) and removes it afterwards. Each
//! command runs once to warm the cache, then once per round, in an order
//! that turns round by round, for ROUNDS rounds (default 7); the median
//! wall time counts, and the median CPU time (user + system, as GNU time's
//! `/usr/bin/time` reports it). du1 and du3 must find every file.
//!
//! - `du1`: one walker thread, the book's du1;
//! - `du3`: a thread per directory, through the thread budget (default:
//!   what the system allows), and with `--max-threads 4`, `16` and `64`;
//! - `du -s --apparent-size`: GNU du, one thread (fts);
//! - `find -printf '%s\n'`: GNU find, one thread, lstat of every entry;
//! - a control, in this process: du1's walk and `lstat`s in one thread,
//!   with no channel at all, to show what the hand-offs cost.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Directories at the top, directories in each, and files in each of those.
const TOP: usize = 100;
const SUB: usize = 100;
const FILES: usize = 10;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(7);
    let bin = build();
    let dir = tempfile::tempdir().expect("tempdir");
    let started = Instant::now();
    make_tree(dir.path());
    let root = dir.path().to_str().expect("UTF-8 path").to_string();
    let files = TOP * SUB * FILES;
    let dirs = 1 + TOP + TOP * SUB;
    println!(
        "{files} files in {dirs} directories, made in {:.1} s; {} CPUs; load average {}",
        started.elapsed().as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        load_average()
    );

    let du1 = bin.join("du1").to_string_lossy().into_owned();
    let du3 = bin.join("du3").to_string_lossy().into_owned();
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("du1", vec![du1, root.clone()]),
        ("du3 (default: 32 threads)", vec![du3.clone(), root.clone()]),
        (
            "du3 --max-threads 4",
            args(&du3, &["--max-threads", "4", &root]),
        ),
        (
            "du3 --max-threads 16",
            args(&du3, &["--max-threads", "16", &root]),
        ),
        (
            "du3 --max-threads 16000 (the system's ceiling)",
            args(&du3, &["--max-threads", "16000", &root]),
        ),
        (
            "du -s --apparent-size",
            args("du", &["-s", "--apparent-size", &root]),
        ),
        (
            "find -printf '%s\\n'",
            args("find", &[&root, "-printf", "%s\\n"]),
        ),
    ];

    // Warm the cache, and check that every program sees every file.
    for (name, command) in &cases {
        let (_, out, _) = run(command);
        if name.starts_with("du3") || *name == "du1" {
            let want = format!("{files} files  0.0 GB\n");
            assert_eq!(out, want, "{name}");
        }
    }

    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); cases.len()];
    let mut cpu: Vec<Vec<Duration>> = vec![Vec::new(); cases.len()];
    let mut control = Vec::new();
    for round in 0..rounds {
        for k in 0..cases.len() {
            let i = (k + round) % cases.len();
            let (wall, _, used) = run(&cases[i].1);
            times[i].push(wall);
            cpu[i].push(used);
        }
        let started = Instant::now();
        let (nfiles, _) = walk(dir.path());
        control.push(started.elapsed());
        assert_eq!(nfiles, files as u64);
    }

    let medians: Vec<Duration> = times.iter_mut().map(|t| median(t)).collect();
    let cpu: Vec<Duration> = cpu.iter_mut().map(|t| median(t)).collect();
    let (du1, gnu_du) = (medians[0], medians[5]);
    println!(
        "\nmedian of {rounds} rounds, alternating, warm cache; load average now {}",
        load_average()
    );
    println!(
        "| command | wall: median | least–most | CPU: median | wall vs GNU du | wall vs du1 |"
    );
    println!("|---|---|---|---|---|---|");
    for (i, (name, _)) in cases.iter().enumerate() {
        let (t, median) = (&times[i], medians[i]);
        println!(
            "| `{name}` | {:.3} s | {:.3}–{:.3} s | {:.2} s | {:.2}× | {:.2}× |",
            median.as_secs_f64(),
            t[0].as_secs_f64(),
            t[t.len() - 1].as_secs_f64(),
            cpu[i].as_secs_f64(),
            median.as_secs_f64() / gnu_du.as_secs_f64(),
            median.as_secs_f64() / du1.as_secs_f64(),
        );
    }
    let control = median(&mut control);
    println!(
        "| control: one thread, no channel (in process) | {:.3} s | | | {:.2}× | {:.2}× |",
        control.as_secs_f64(),
        control.as_secs_f64() / gnu_du.as_secs_f64(),
        control.as_secs_f64() / du1.as_secs_f64(),
    );
}

/// du1's walk without its channel: files and bytes under `dir`, by lstat.
fn walk(dir: &Path) -> (u64, u64) {
    let (mut nfiles, mut nbytes) = (0, 0);
    for entry in fs::read_dir(dir).expect("read_dir") {
        let entry = entry.expect("entry");
        let meta = entry.metadata().expect("lstat");
        if meta.is_dir() {
            let (f, b) = walk(&entry.path());
            nfiles += f;
            nbytes += b;
        } else {
            nfiles += 1;
            nbytes += meta.len();
        }
    }
    (nfiles, nbytes)
}

fn args(program: &str, rest: &[&str]) -> Vec<String> {
    std::iter::once(program)
        .chain(rest.iter().copied())
        .map(String::from)
        .collect()
}

/// Builds du1 and du3 in release mode; returns the directory they are in.
fn build() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let status = Command::new(cargo)
        .args(["build", "--release", "-p", "du1", "-p", "du3", "--bins"])
        .status()
        .expect("run cargo");
    assert!(status.success(), "cargo build failed");
    // This example is target/release/examples/du_bench.
    let exe = std::env::current_exe().expect("current_exe");
    exe.parent()
        .and_then(Path::parent)
        .expect("target/release")
        .to_path_buf()
}

fn make_tree(root: &Path) {
    for top in 0..TOP {
        for sub in 0..SUB {
            let dir = root.join(format!("t{top}/s{sub}"));
            fs::create_dir_all(&dir).expect("mkdir");
            for f in 0..FILES {
                File::create(dir.join(format!("f{f}"))).expect("create");
            }
        }
    }
}

/// Runs `command` under GNU time with its output piped; returns the wall
/// time, standard output, and the CPU time used (user + system).
fn run(command: &[String]) -> (Duration, String, Duration) {
    let started = Instant::now();
    let output = Command::new("/usr/bin/time")
        .args(["-f", "%U %S"])
        .args(command)
        .stdin(Stdio::piped())
        .output()
        .expect("run /usr/bin/time");
    let took = started.elapsed();
    assert!(output.status.success(), "{command:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let used: f64 = stderr
        .lines()
        .last()
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|seconds| seconds.parse::<f64>().ok())
        .sum();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (took, stdout, Duration::from_secs_f64(used))
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}
