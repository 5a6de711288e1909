//! `gopl.io/ch8/pipeline3`: not written yet.

fn main() {}
