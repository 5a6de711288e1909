//! Drives the real `pipeline1` binary: its first lines, and how it ends when
//! the reader of its output goes away, as in `pipeline1 | head -n 5`.

use testkit::cli::{assert_full_disk_fails, assert_help_and_version};

const EXE: &str = env!("CARGO_BIN_EXE_pipeline1");

#[test]
fn squares_then_a_quiet_exit_when_the_reader_goes() {
    testkit::same_job::pipeline1_squares_then_a_quiet_exit_when_the_reader_goes(EXE);
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
