//! du3 as the book's text and the Go transcripts describe it.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use testkit::tree::{
    assert_counts_trees, assert_missing_root, assert_skips_unreadable, assert_verbose_ticks,
    deep_and_wide_tree, wide_tree,
};
use testkit::{PATIENCE, Program, threads_of};

const DU3: &str = env!("CARGO_BIN_EXE_du3");

#[test]
fn totals_equal_the_trees_own_count_and_links_are_not_followed() {
    assert_counts_trees(DU3);
}

#[test]
fn unreadable_directories_are_reported_and_skipped() {
    assert_skips_unreadable(DU3, "du");
}

#[test]
fn a_missing_root_is_reported_in_gos_words() {
    assert_missing_root(DU3, "du");
}

#[test]
fn v_prints_the_totals_twice_a_second_and_only_with_v() {
    assert_verbose_ticks(DU3, &["--max-threads", "64"]);
}

#[test]
fn help_version_and_bad_flags() {
    testkit::cli::assert_help_and_version(DU3, "du3");
}

/// At most 20 directory reads at once, the book's semaphore, watched from
/// outside. du3 runs under `strace`, which makes every `getdents64` 5 ms
/// slower, as on a slow disk: without the semaphore, 83 to 89 reads overlap
/// on this tree (seen with 2,000 tokens). A read going on is a directory
/// of the tree that du3 holds open, so the test counts those in
/// `/proc/PID/fd` all through the walk. A budget of 1,000 threads, above
/// du3's default of 32, so that the semaphore alone bounds the reads.
#[test]
fn never_more_than_20_directory_reads_at_once() {
    if !strace_runs() {
        eprintln!("skipped: strace cannot run here, to slow the reads down");
        return;
    }
    let tree = wide_tree(200, 2);
    let root = tree.arg();
    let slow_reads = ["-e", "inject=getdents64:delay_exit=5000"];
    let strace = ["-f", "-qq", "-o", "/dev/null", "--seccomp-bpf"];
    let mut args = [&strace[..], &["-e", "trace=getdents64"], &slow_reads].concat();
    args.extend([DU3, "--max-threads", "1000", &root, &root]);
    let mut program = Program::start("strace", &args);
    let inside = tree.root().canonicalize().expect("the tree's real path");
    let (mut du3, mut most, started) = (None, 0, Instant::now());
    while program.child.try_wait().expect("try_wait").is_none() {
        assert!(started.elapsed() < PATIENCE, "du3 did not finish");
        match du3 {
            None => du3 = child_running(program.child.id(), DU3),
            Some(pid) => most = most.max(directories_open(pid, &inside)),
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let (status, out, err) = program.finish();
    assert_eq!(status.code(), Some(0), "{err}");
    assert_eq!(String::from_utf8_lossy(&out), tree.totals(2));
    eprintln!("at most {most} directory reads at once");
    assert!((2..=20).contains(&most), "{most} directory reads at once");
}

/// Whether `strace` is there and may trace a program.
fn strace_runs() -> bool {
    Command::new("strace")
        .args(["-qq", "-o", "/dev/null", "true"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// The child of process `parent` that runs program `exe`, if it runs yet.
fn child_running(parent: u32, exe: &str) -> Option<u32> {
    let exe = fs::canonicalize(exe).ok()?;
    let children = fs::read_to_string(format!("/proc/{parent}/task/{parent}/children")).ok()?;
    children
        .split_whitespace()
        .filter_map(|pid| pid.parse().ok())
        .find(|pid| fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|path| path == exe))
}

/// How many of the files that process `pid` holds open are directories
/// under `inside`.
fn directories_open(pid: u32, inside: &Path) -> usize {
    let Ok(fds) = fs::read_dir(format!("/proc/{pid}/fd")) else {
        return 0; // gone
    };
    fds.flatten()
        .filter(|fd| fs::read_link(fd.path()).is_ok_and(|file| file.starts_with(inside)))
        .count()
}

/// With a budget of 2 threads, every directory is still walked (those that
/// find no free thread are walked in place), nothing deadlocks, and the
/// process never has more than main, the thread that starts the roots and
/// closes the channel, and 2 walkers (watched from outside, every 2 ms;
/// with `thread::spawn` in place of `common::go`, 72 were seen).
#[test]
fn a_budget_of_2_threads_walks_everything() {
    let tree = deep_and_wide_tree(300, 300, 3);
    let root = tree.arg();
    let program = Program::start(DU3, &["--max-threads", "2", &root, &root]);
    let pid = program.child.id();
    let mut most = 0;
    while !program_exited(pid) {
        most = most.max(threads_of(pid));
        std::thread::sleep(Duration::from_millis(2));
    }
    let (status, out, err) = program.finish();
    assert_eq!(status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out), tree.totals(2));
    // 4, and one more for a walker that has given its thread back but has
    // not quite ended (4 in every run seen).
    assert!(most <= 5, "{most} threads");
    // common's budget says once that it was reached.
    assert!(err.contains("thread budget of 2 reached"), "{err}");
}

/// Whether process `pid` has exited (a zombie awaiting `wait`).
fn program_exited(pid: u32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rsplit(')')
        .next()
        .is_none_or(|rest| rest.trim_start().starts_with('Z'))
}

#[test]
fn a_tree_deeper_than_path_max_is_read_as_go_reads_it() {
    testkit::tree::assert_deeper_than_path_max(DU3, "du", true);
}
