//! Drives the real `pipeline1` binary: its first lines, and how it ends when
//! the reader of its output goes away, as in `pipeline1 | head -n 5`.

use std::io::{BufRead, BufReader};

use testkit::Program;
use testkit::cli::{assert_full_disk_fails, assert_help_and_version};

const EXE: &str = env!("CARGO_BIN_EXE_pipeline1");

#[test]
fn squares_then_a_quiet_exit_when_the_reader_goes() {
    let mut program = Program::start(EXE, &[]);
    let mut lines = BufReader::new(program.child.stdout.take().expect("stdout"));
    for x in 0..2000_i64 {
        let mut line = String::new();
        lines.read_line(&mut line).expect("read a line");
        assert_eq!(line, format!("{}\n", x * x));
    }

    // The reader goes, like `head` after its lines: pipeline1 must end
    // promptly (within PATIENCE), with status 0 and nothing on stderr.
    drop(lines);
    let (status, _, stderr) = program.finish();
    assert!(status.success(), "{status:?}");
    assert_eq!(stderr, "");
}

#[test]
fn a_full_disk_is_one_line_and_exit_1() {
    // pipeline1 never ends by itself: it must stop at the failed write.
    assert_full_disk_fails(EXE);
}

#[test]
fn help_and_version() {
    assert_help_and_version(EXE, "pipeline1");
}
