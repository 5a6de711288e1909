//! `gopl.io/ch8/pipeline2`: not written yet.

fn main() {}
