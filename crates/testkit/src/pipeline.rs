//! What the tests of pipeline2 and pipeline3 share.

use crate::process::Program;

/// Asserts that `exe` prints what Go's pipeline2 prints: the squares of 0 to
/// 99, one a line (454 bytes, MD5 91e8d9f69b92d348aaaa54ca449c74e0 in the
/// Go transcripts), and nothing on standard error.
pub fn assert_prints_100_squares(exe: &str) {
    let (status, out, err) = Program::start(exe, &[]).finish();
    assert!(status.success(), "{err}");
    assert_eq!(err, "");
    let want: String = (0..100).map(|x| format!("{}\n", x * x)).collect();
    assert_eq!(String::from_utf8_lossy(&out), want);
    assert_eq!(out.len(), 454);
}
