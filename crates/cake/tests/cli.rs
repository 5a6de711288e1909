//! The `cake` program: its flags, its output, its errors.

use testkit::Program;

const CAKE: &str = env!("CARGO_BIN_EXE_cake");

/// Flags for a shop that runs in a few milliseconds.
const QUICK: [&str; 8] = [
    "--cakes",
    "4",
    "--bake-time",
    "1ms",
    "--ice-time",
    "1ms",
    "--inscribe-time",
    "1ms",
];

fn cake(args: &[&str]) -> (i32, String, String) {
    let (status, out, err) = Program::start(CAKE, args).finish();
    let code = status.code().expect("cake exited, not killed");
    (code, String::from_utf8(out).unwrap(), err)
}

/// Runs a quick shop with more `args`.
fn quick(args: &[&str]) -> (i32, String, String) {
    let mut all = QUICK.to_vec();
    all.extend_from_slice(args);
    cake(&all)
}

#[test]
fn bad_values_are_usage_errors() {
    let cases: [(&[&str], &str); 9] = [
        (&["--icers", "0"], "--icers 0"),
        (&["--bake-time", "soon"], "--bake-time"),
        (&["--ice-stddev=-1ms"], "--ice-stddev"),
        (&["--inscribe-time", "2h"], "at most 1h"),
        (&["--runs", "0"], "--runs"),
        (&["--bake-buf", "99999999999999999999"], "--bake-buf"),
        (&["--cakes=-3"], "--cakes"),
        (&["--json"], "--book"),
        (&["--sleep", "fast"], "--sleep"),
    ];
    for (args, says) in cases {
        let (code, out, err) = cake(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert!(err.contains(says), "{args:?} should mention {says}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn no_icers_is_fine_when_there_are_no_cakes() {
    let (code, out, err) = cake(&["--icers", "0", "--cakes", "0"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("run 1: "), "{out}");
}

#[test]
fn a_plain_run_prints_its_time_beside_the_ideal() {
    let (code, out, err) = quick(&["--runs", "2", "--seed", "5"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    // 4 cakes of 3 steps of 1 ms: (4 + 2) × 1 ms.
    assert!(lines[0].starts_with("run 1: ") && lines[0].ends_with(" ms (ideal 6.0 ms)"));
    assert!(lines[1].starts_with("run 2: ") && lines[1].ends_with(" ms (ideal 6.0 ms)"));
    assert!(
        lines[2].starts_with("2 runs: ") && lines[2].ends_with(", seed 5"),
        "{out}"
    );
}

#[test]
fn against_a_zero_ideal_the_cost_is_in_ms_not_a_percentage() {
    // No cakes, or steps that take no time: the ideal is 0.0 ms, and any
    // percentage of it would be a meaningless huge number.
    let no_time = [
        "--bake-time",
        "0s",
        "--ice-time",
        "0s",
        "--inscribe-time",
        "0s",
    ];
    for args in [&["--cakes", "0"][..], &no_time] {
        let (code, out, err) = cake(&[args, &["--seed", "5"]].concat());
        assert_eq!(code, 0, "{err}");
        let last = out.lines().last().unwrap();
        let (before, cost) = last.split_once(" ms per run, ideal 0.0 ms (+").unwrap();
        assert_eq!(before.split_once(": ").unwrap().0, "1 run", "{out}");
        assert!(
            cost.ends_with(" ms), seed 5") && !cost.contains('%'),
            "{out}"
        );
    }
    // A nonzero ideal keeps its percentage.
    let (_, out, _) = quick(&["--seed", "5"]);
    assert!(out.lines().last().unwrap().contains("%), seed 5"), "{out}");
}

#[test]
fn both_ways_of_sleeping_work() {
    for sleep in ["go", "exact"] {
        let (code, out, err) = quick(&["--sleep", sleep]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("(ideal 6.0 ms)"), "{out}");
    }
}

#[test]
fn verbose_prints_what_each_cook_does() {
    let (code, out, err) = quick(&["--runs", "1", "--verbose"]);
    assert_eq!(code, 0, "{err}");
    for c in 0..4 {
        for step in ["baking", "icing", "inscribing", "finished"] {
            let line = format!("{step} {c}");
            assert_eq!(
                out.lines().filter(|l| *l == line).count(),
                1,
                "{line}: {out}"
            );
        }
    }
}

#[test]
fn book_json_has_the_six_scenarios() {
    let (code, out, err) = quick(&["--book", "--json", "--runs", "1"]);
    assert_eq!(code, 0, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let rows = rows.as_array().expect("an array");
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["scenario"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Baseline",
            "Buffers",
            "Variable",
            "VariableBuffers",
            "SlowIcing",
            "SlowIcingManyIcers"
        ]
    );
    for row in rows {
        let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 4, "{row}");
        for key in ["ms_per_run", "ideal_ms", "book_ms"] {
            assert!(
                row[key].as_f64().is_some_and(|ms| ms > 0.0),
                "{key} in {row}"
            );
        }
    }
    // Baseline's ideal is (4 + 2) × 1 ms; SlowIcing's 4 × 5 + 2 ms.
    assert_eq!(rows[0]["ideal_ms"], 6.0);
    assert_eq!(rows[4]["ideal_ms"], 22.0);
    assert_eq!(rows[0]["book_ms"], 224.0);
}

#[test]
fn book_prints_a_table() {
    let (code, out, err) = quick(&["--book", "--runs", "1"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2 + 6, "{out}");
    assert!(lines[1].starts_with("scenario") && lines[1].contains("Go 1.19"));
    assert!(lines[7].starts_with("SlowIcingManyIcers "), "{out}");
}

#[test]
fn timeline_draws_the_first_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.svg");
    let (code, _, err) = quick(&["--icers", "2", "--timeline", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.starts_with("<svg"), "{svg}");
    for name in ["baker", "icer 1", "icer 2", "inscriber", "blocked"] {
        assert!(svg.contains(name), "no {name} in the picture");
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "only the picture is left: {left:?}");
}

#[test]
fn an_unwritable_timeline_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no/such/dir/run.svg");
    let (code, _, err) = quick(&["--timeline", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        format!(
            "cake: --timeline {}: no such file or directory\n",
            path.display()
        )
    );
    assert!(!path.exists());
}

#[test]
fn a_failed_timeline_leaves_nothing_behind() {
    // The picture is written beside its place, then moved there; a
    // directory in the way stops the move, and the half-done file goes.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.svg");
    std::fs::create_dir(&path).unwrap();
    let (code, _, err) = quick(&["--timeline", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        format!("cake: --timeline {}: is a directory\n", path.display())
    );
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "only the directory is left: {left:?}");
}
