//! `gopl.io/ch8/pipeline1`: not written yet.

fn main() {}
