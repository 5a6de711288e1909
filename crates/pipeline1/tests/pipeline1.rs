//! Drives the real `pipeline1` binary: its first lines, and how it ends when
//! the reader of its output goes away, as in `pipeline1 | head -n 5`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::testing::Program;

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
    let output = Command::new(EXE)
        .stdout(Stdio::from(
            std::fs::File::create("/dev/full").expect("/dev/full"),
        ))
        .output()
        .expect("run pipeline1");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.ends_with(" write /dev/stdout: no space left on device\n"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
