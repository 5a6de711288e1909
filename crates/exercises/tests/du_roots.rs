//! Exercise 8.9: separate running totals for each root.

use testkit::tree::{
    ROOTS, Tree, deeper_than_path_max, files_in, mixed_tree, run, transcript_tree, wide_tree,
};
use testkit::{Program, next_line};

const DU_ROOTS: &str = env!("CARGO_BIN_EXE_du_roots");

/// `ROOT: N files  X GB`.
fn root_line(root: &str, tree: &Tree) -> String {
    format!("{root}: {}", tree.totals(1))
}

/// The last lines of `out`, one per root.
fn last_lines(out: &str, roots: usize) -> Vec<&str> {
    let lines: Vec<&str> = out.lines().collect();
    lines[lines.len() - roots..].to_vec()
}

#[test]
fn each_root_has_its_own_right_totals() {
    let (mixed, wide) = (mixed_tree(), wide_tree(30, 10));
    let (a, b) = (mixed.arg(), wide.arg());
    for budget in ["2", "1000"] {
        let args = ["--max-threads", budget, &a, "/nonexistent", &b];
        let (status, out, err) = run(DU_ROOTS, &args);
        assert_eq!(status, Some(0));
        let want = [
            root_line(&a, &mixed),
            "/nonexistent: 0 files  0.0 GB\n".to_string(),
            root_line(&b, &wide),
        ];
        let want: Vec<&str> = want.iter().map(|line| line.trim_end()).collect();
        assert_eq!(last_lines(&out, 3), want);
        let errors: Vec<&str> = err
            .lines()
            .filter(|l| !l.contains("thread budget"))
            .collect();
        assert_eq!(errors, ["du: open /nonexistent: no such file or directory"]);
    }
}

/// As du3 (and Go), a tree deeper than PATH_MAX fails at the `lstat` of
/// the entry whose path is too long, and an empty root is one that cannot
/// be opened, not a usage error.
#[test]
fn a_tree_deeper_than_path_max_and_an_empty_root_are_read_as_go_reads_them() {
    let (tree, too_long) = deeper_than_path_max(true);
    let (status, out, err) = run(DU_ROOTS, &[&tree.arg(), ""]);
    assert_eq!(status, Some(0), "{err}");
    let want = [
        root_line(&tree.arg(), &tree),
        ": 0 files  0.0 GB\n".to_string(),
    ];
    let want: Vec<&str> = want.iter().map(|line| line.trim_end()).collect();
    assert_eq!(last_lines(&out, 2), want);
    let mut errors: Vec<&str> = err.lines().collect();
    errors.sort();
    let want = [
        format!("du: lstat {too_long}: file name too long"),
        "du: open : no such file or directory".to_string(),
    ];
    assert_eq!(errors, want);
}

/// Every interval, a line for each root, each root's counts growing, while
/// a long walk goes on (the program is stopped after three displays).
#[test]
fn totals_are_shown_periodically_for_each_root() {
    let (small, wide) = (transcript_tree(), wide_tree(20, 100));
    let (a, b) = (small.arg(), wide.arg());
    let mut args = vec!["--interval", "200ms", "--max-threads", "64", &a];
    args.extend(vec![b.as_str(); ROOTS]);
    let mut program = Program::start(DU_ROOTS, &args);
    let lines = program.stdout_lines();
    let mut last_big = 0;
    for _ in 0..3 {
        let first = String::from_utf8(next_line(&lines)).expect("UTF-8");
        assert_eq!(first, format!("{a}: 4 files  0.0 GB\n"));
        let mut block = 0;
        for _ in 0..ROOTS {
            let line = String::from_utf8(next_line(&lines)).expect("UTF-8");
            let (root, totals) = line.split_once(": ").expect("ROOT: totals");
            assert_eq!(root, b);
            block += files_in(totals);
        }
        assert!(block >= last_big, "{block} < {last_big}");
        last_big = block;
    }
    assert!(
        last_big < wide.files * ROOTS as u64,
        "the walk ended too soon"
    );
}

#[test]
fn help_names_the_exercise_and_bad_flags_are_usage_errors() {
    let (status, out, _) = run(DU_ROOTS, &["--help"]);
    assert_eq!(status, Some(0));
    assert!(
        out.contains("8.9") && out.contains("gopl.io/ch8/du3"),
        "{out}"
    );
    let (status, out, _) = run(DU_ROOTS, &["--version"]);
    assert_eq!(status, Some(0));
    assert!(out.starts_with("du_roots "), "{out}");
    let (status, _, err) = run(DU_ROOTS, &["--no-such-flag"]);
    assert_eq!(status, Some(2), "{err}");
    // An interval of zero would print without end, one of centuries would
    // overflow the ticker's clock.
    for interval in ["0s", "500y"] {
        let (status, out, err) = run(DU_ROOTS, &["--interval", interval, "/nonexistent"]);
        assert_eq!((status, out.as_str()), (Some(2), ""), "{err}");
        assert!(
            err.starts_with("error: invalid value") && !err.contains("panicked"),
            "{err}"
        );
    }
    let (_, _, err) = run(DU_ROOTS, &["--interval", "0s", "/nonexistent"]);
    assert_eq!(
        err.lines().next(),
        Some("error: invalid value '0s' for '--interval <INTERVAL>': must be longer than zero")
    );
}
