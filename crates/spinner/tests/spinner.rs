//! Drives the real `spinner` binary with a small `--n` and a short `--delay`.

use std::io::Read;
use std::process::Command;

use testkit::Program;

const EXE: &str = env!("CARGO_BIN_EXE_spinner");
const FRAMES: [&[u8]; 4] = [b"\r-", b"\r\\", b"\r|", b"\r/"];

/// Splits `bytes` into frames, asserting that they come in cycle order from
/// `-`, and returns how many there were and what follows the last one.
fn frames(bytes: &[u8]) -> (usize, &[u8]) {
    let mut rest = bytes;
    let mut count = 0;
    while rest.len() >= 2 && FRAMES.contains(&&rest[..2]) {
        assert_eq!(
            &rest[..2],
            FRAMES[count % 4],
            "frame {count} out of order in {bytes:?}"
        );
        rest = &rest[2..];
        count += 1;
    }
    (count, rest)
}

#[test]
fn frames_in_order_then_the_result_line() {
    let output = Command::new(EXE)
        .args(["--n", "30", "--delay", "1ms"])
        .output()
        .expect("run spinner");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    // However many frames there were, nothing may follow the result line.
    let (_, rest) = frames(&output.stdout);
    assert_eq!(
        String::from_utf8_lossy(rest),
        "\rFibonacci(30) = 832040\n",
        "whole output: {:?}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn small_n_is_the_book_recursion() {
    for (n, want) in [(0, "0"), (1, "1"), (2, "1"), (10, "55"), (-3, "-3")] {
        let output = Command::new(EXE)
            .args(["--n", &n.to_string(), "--delay", "1s"])
            .output()
            .expect("run spinner");
        assert!(output.status.success(), "{output:?}");
        let (_, rest) = frames(&output.stdout);
        assert_eq!(
            String::from_utf8_lossy(rest),
            format!("\rFibonacci({n}) = {want}\n")
        );
    }
}

#[test]
fn the_spinner_cycles_and_a_closed_pipe_ends_it_quietly() {
    // fib(90) would take centuries: the spinner spins until we stop reading.
    let mut program = Program::start(EXE, &["--n", "90", "--delay", "1ms"]);
    let mut stdout = program.child.stdout.take().expect("stdout");
    let mut seen = Vec::new();
    let mut buf = [0; 64];
    // Three full cycles, then some.
    while seen.len() < 2 * 13 {
        let n = stdout.read(&mut buf).expect("read");
        assert!(n > 0, "spinner stopped early: {seen:?}");
        seen.extend_from_slice(&buf[..n]);
    }
    let (count, rest) = frames(&seen);
    assert!(count >= 13, "{seen:?}");
    assert!(rest.len() < 2, "not a frame: {rest:?}");

    drop(stdout);
    let (status, _, stderr) = program.finish();
    assert!(status.success(), "{status:?}");
    assert_eq!(stderr, "");
}

#[test]
fn a_bad_delay_is_one_clear_error() {
    let output = Command::new(EXE)
        .args(["--delay", "soon"])
        .output()
        .expect("run spinner");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("invalid value 'soon' for '--delay <DELAY>'"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn a_zero_delay_is_a_usage_error() {
    // Accepted, the spinner would redraw as fast as it could.
    let output = Command::new(EXE)
        .args(["--delay", "0s"])
        .output()
        .expect("run spinner");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.lines().next(),
        Some("error: invalid value '0s' for '--delay <DELAY>': must be longer than zero")
    );
}

#[test]
fn help_and_version() {
    testkit::cli::assert_help_and_version(EXE, "spinner");
}
