//! du4 as the book's text and the Go transcripts describe it.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use testkit::tree::{
    ROOTS, assert_counts_trees, assert_missing_root, assert_skips_unreadable, assert_verbose_ticks,
    deep_and_wide_tree, files_in, run, wide_tree,
};
use testkit::{PATIENCE, Program, next_line, threads_of};

const DU4: &str = env!("CARGO_BIN_EXE_du4");

#[test]
fn totals_equal_the_trees_own_count_and_links_are_not_followed() {
    assert_counts_trees(DU4);
}

#[test]
fn unreadable_directories_are_reported_and_skipped() {
    assert_skips_unreadable(DU4, "du");
}

#[test]
fn a_missing_root_is_reported_in_gos_words() {
    assert_missing_root(DU4, "du");
}

#[test]
fn v_prints_the_totals_twice_a_second_and_only_with_v() {
    assert_verbose_ticks(DU4, &["--max-threads", "64"]);
}

#[test]
fn help_version_and_bad_flags() {
    testkit::cli::assert_help_and_version(DU4, "du4");
}

/// The transcript: with standard input at end of file, du4 cancels at once
/// and prints nothing, exit status 0. (The tree is big enough that the walk
/// cannot end before the end of input is read.)
#[test]
fn end_of_input_cancels_at_once_and_prints_nothing() {
    let tree = wide_tree(200, 5);
    let output = Command::new(DU4)
        .arg(tree.arg())
        .stdin(Stdio::null())
        .output()
        .expect("run du4");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

/// Return pressed in the middle of a long walk (after three progress
/// lines, 1.5 s in): du4 exits at once, without totals. Its main drains
/// the sizes until every walker has dropped its `Sender`, that is, has
/// returned, so a prompt exit shows that every walker gave up (the book
/// reads a goroutine dump for that; the test watches from outside). With
/// walkers that ignore `done`, or poll it only as Go's do, du4 took 6 to
/// 13 s to exit here.
#[test]
fn return_cancels_a_long_walk_promptly_and_every_walker_gives_up() {
    let tree = wide_tree(1, 2000);
    let root = tree.arg();
    let mut args = vec!["-v", "--max-threads", "1000"];
    args.extend(vec![root.as_str(); ROOTS]);
    let mut program = Program::start(DU4, &args);
    let lines = program.stdout_lines();
    for _ in 0..3 {
        let progress = String::from_utf8(next_line(&lines)).expect("UTF-8");
        assert!(
            files_in(&progress) < tree.files * ROOTS as u64,
            "{progress}"
        );
    }
    // main, the reader of standard input, the starter of the roots' walkers,
    // and walkers.
    let threads = threads_of(program.child.id());
    assert!(threads > 3, "{threads} threads: no walker to cancel");

    program.type_in(b"\n");
    let cancelled = Instant::now();
    while program.child.try_wait().expect("try_wait").is_none() {
        assert!(cancelled.elapsed() < PATIENCE, "du4 did not exit");
        std::thread::sleep(Duration::from_millis(10));
    }
    let took = cancelled.elapsed();
    let (status, _, err) = program.finish();
    assert_eq!(status.code(), Some(0));
    // Nothing on standard error (common's budget may have said it was reached).
    let errors = err
        .lines()
        .filter(|line| !line.contains("thread budget of"));
    assert_eq!(errors.count(), 0, "{err}");
    // No totals after the cancellation: at most progress lines, fewer
    // files than the whole walk has.
    for line in lines.try_iter() {
        let line = String::from_utf8(line).expect("UTF-8");
        assert!(files_in(&line) < tree.files * ROOTS as u64, "{line}");
    }
    // The whole walk takes many seconds here; a cancelled one ends within
    // a fraction of one (a busy machine gets a second).
    assert!(
        took < Duration::from_secs(2),
        "exited {took:?} after return, from {threads} threads"
    );
    eprintln!("du4 exited {took:?} after return, from {threads} threads");
}

/// With a budget of 2 threads and input held open, every directory is
/// walked, nothing deadlocks and the totals are right.
#[test]
fn a_budget_of_2_threads_walks_everything() {
    let tree = deep_and_wide_tree(300, 300, 3);
    let root = tree.arg();
    let (status, out, err) = run(DU4, &["--max-threads", "2", &root, &root]);
    assert_eq!((status, out), (Some(0), tree.totals(2)));
    assert!(err.contains("thread budget of 2 reached"), "{err}");
}

#[test]
fn a_tree_deeper_than_path_max_is_read_as_go_reads_it() {
    testkit::tree::assert_deeper_than_path_max(DU4, "du", false);
}
