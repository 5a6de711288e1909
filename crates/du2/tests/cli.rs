//! du2 as the book's text and the Go transcripts describe it.

use testkit::tree::{
    assert_counts_trees, assert_missing_root, assert_skips_unreadable, assert_verbose_ticks,
};

const DU2: &str = env!("CARGO_BIN_EXE_du2");

#[test]
fn totals_equal_the_trees_own_count_and_links_are_not_followed() {
    assert_counts_trees(DU2);
}

#[test]
fn unreadable_directories_are_reported_and_skipped() {
    assert_skips_unreadable(DU2, "du");
}

#[test]
fn a_missing_root_is_reported_in_gos_words() {
    assert_missing_root(DU2, "du");
}

#[test]
fn v_prints_the_totals_twice_a_second_and_only_with_v() {
    assert_verbose_ticks(DU2, &[]);
}

#[test]
fn help_version_and_bad_flags() {
    testkit::cli::assert_help_and_version(DU2, "du2");
}

#[test]
fn a_tree_deeper_than_path_max_is_read_as_go_reads_it() {
    testkit::tree::assert_deeper_than_path_max(DU2, "du", true);
}
