//! du_rayon: du1's own behaviour tests, and what du1's one walker thread
//! could not do: walk a wide tree on every CPU at once.

use testkit::tree::{self, assert_counts_trees, assert_missing_root, assert_skips_unreadable};

const EXE: &str = env!("CARGO_BIN_EXE_du_rayon");

#[test]
fn totals_equal_the_trees_own_count_and_links_are_not_followed() {
    assert_counts_trees(EXE);
}

#[test]
fn unreadable_directories_are_reported_and_skipped() {
    assert_skips_unreadable(EXE, "du1");
}

#[test]
fn a_missing_root_is_reported_in_gos_words() {
    assert_missing_root(EXE, "du1");
}

#[test]
fn help_version_and_bad_flags() {
    testkit::cli::assert_help_and_version_of(EXE, "du1", "du_rayon");
}

#[test]
fn a_tree_deeper_than_path_max_is_read_as_go_reads_it() {
    tree::assert_deeper_than_path_max(EXE, "du1", true);
}

#[test]
fn a_wide_tree_is_summed_in_parallel_to_the_same_totals() {
    // Some 250 directories of 20 files, walked 20 times over at once: the
    // per-directory sums must add up exactly, whatever the interleaving.
    let tree = tree::deep_and_wide_tree(3, 6, 20);
    let root = tree.arg();
    let roots = vec![root.as_str(); 20];
    let (status, out, err) = tree::run(EXE, &roots);
    assert_eq!((status, err.as_str()), (Some(0), ""));
    assert_eq!(out, tree.totals(20));
}
