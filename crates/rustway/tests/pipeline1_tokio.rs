//! pipeline1_tokio: pipeline1's own behaviour tests, and what threads could
//! not do: the three stages hand off on one OS thread.

use std::io::{BufRead, BufReader};

use testkit::cli::assert_full_disk_fails;
use testkit::{Program, same_job, threads_of};

const EXE: &str = env!("CARGO_BIN_EXE_pipeline1_tokio");

#[test]
fn squares_then_a_quiet_exit_when_the_reader_goes() {
    same_job::pipeline1_squares_then_a_quiet_exit_when_the_reader_goes(EXE);
}

#[test]
fn a_full_disk_is_one_line_and_exit_1() {
    assert_full_disk_fails(EXE);
}

#[test]
fn help_and_version() {
    testkit::cli::assert_help_and_version_of(EXE, "pipeline1", "pipeline1_tokio");
}

#[test]
fn three_stages_on_one_thread() {
    let mut program = Program::start(EXE, &[]);
    let pid = program.child.id();
    let mut lines = BufReader::new(program.child.stdout.take().expect("stdout"));
    for x in 0..100_000_i64 {
        let mut line = String::new();
        lines.read_line(&mut line).expect("read a line");
        assert_eq!(line, format!("{}\n", x * x));
        if x % 10_000 == 0 {
            // The counter, the squarer and the printer: three tasks, one
            // thread. The thread version runs three.
            assert_eq!(threads_of(pid), 1);
        }
    }
}
