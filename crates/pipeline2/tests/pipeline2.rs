//! Drives the real `pipeline2` binary: the 100 squares, byte for byte Go's.

use testkit::cli::{assert_full_disk_fails, assert_help_and_version};
use testkit::pipeline::assert_prints_100_squares;

const EXE: &str = env!("CARGO_BIN_EXE_pipeline2");

#[test]
fn prints_the_squares_of_0_to_99_then_exits() {
    assert_prints_100_squares(EXE);
}

#[test]
fn a_full_disk_is_one_line_and_exit_1() {
    assert_full_disk_fails(EXE);
}

#[test]
fn help_and_version() {
    assert_help_and_version(EXE, "pipeline2");
}
