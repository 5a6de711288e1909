//! `gopl.io/ch8/thumbnail`: not written yet.

fn main() {}
