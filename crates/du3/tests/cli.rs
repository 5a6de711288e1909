//! du3 as the book's text and the Go transcripts describe it.

#[path = "../../du1/tests/support/mod.rs"]
mod support;

use std::time::Duration;

use common::testing::{Program, threads_of};
use support::*;

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
    common::testing::assert_help_and_version(DU3, "du3");
}

/// At most 20 directory reads at once. Counted inside the program by the
/// hidden `--debug-reads`, which also makes every read last 5 ms longer, as
/// on a slow disk: without the semaphore, over 100 of them overlap on this
/// tree (seen when the semaphore was made 2,000 tokens). A budget of 1,000
/// threads, above du3's default of 32, so that the semaphore alone bounds
/// the reads.
#[test]
fn never_more_than_20_directory_reads_at_once() {
    let tree = wide_tree(200, 2);
    let args = ["--debug-reads", "--max-threads", "1000", &tree.arg()];
    let (status, out, err) = run(DU3, &args);
    assert_eq!((status, out), (Some(0), tree.totals(1)));
    let most: usize = err
        .strip_prefix("most directory reads at once: ")
        .and_then(|n| n.trim_end().parse().ok())
        .unwrap_or_else(|| panic!("no count on stderr: {err:?}"));
    assert!((2..=20).contains(&most), "{most} reads at once");
}

/// With a budget of 2 threads, every directory is still walked (those that
/// find no free thread are walked in place), nothing deadlocks, and the
/// process never has more than main, the thread that starts the roots and
/// closes the channel, and 2 walkers (watched from outside, every 2 ms;
/// with `thread::spawn` in place of `go_or_run`, 72 were seen).
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
