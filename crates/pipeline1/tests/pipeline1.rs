//! Drives the real `pipeline1` binary: its first lines, and how it ends when
//! the reader of its output goes away, as in `pipeline1 | head -n 5`.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use common::testing::{PATIENCE, Program};

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
    let full = std::fs::File::create("/dev/full").expect("/dev/full");
    let mut child = Command::new(EXE)
        .stdout(Stdio::from(full))
        .stderr(Stdio::piped())
        .spawn()
        .expect("run pipeline1");
    // pipeline1 never ends by itself: it must stop at the failed write.
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("pipeline1 went on writing to a full disk");
        }
        thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    let mut pipe = child.stderr.take().expect("stderr");
    pipe.read_to_string(&mut stderr).expect("read stderr");
    assert_eq!(status.code(), Some(1), "{status:?}");
    assert!(
        stderr.ends_with(" write /dev/stdout: no space left on device\n"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
