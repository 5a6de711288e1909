//! Drives the real `pipeline2` binary: the 100 squares, byte for byte.

use std::process::{Command, Stdio};

const EXE: &str = env!("CARGO_BIN_EXE_pipeline2");

#[test]
fn prints_the_squares_of_0_to_99_then_exits() {
    let output = Command::new(EXE).output().expect("run pipeline2");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    let want: String = (0..100).map(|x| format!("{}\n", x * x)).collect();
    assert_eq!(String::from_utf8_lossy(&output.stdout), want);
    // What Go prints, as recorded in shared/reference/go-transcripts.md
    // (MD5 91e8d9f69b92d348aaaa54ca449c74e0): 100 lines, 0 to 9801.
    assert_eq!(output.stdout.len(), 454);
    assert!(output.stdout.ends_with(b"\n9604\n9801\n"));
}

#[test]
fn a_full_disk_is_one_line_and_exit_1() {
    let output = Command::new(EXE)
        .stdout(Stdio::from(
            std::fs::File::create("/dev/full").expect("/dev/full"),
        ))
        .output()
        .expect("run pipeline2");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.ends_with(" write /dev/stdout: no space left on device\n"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
