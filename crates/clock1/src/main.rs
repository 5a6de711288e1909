//! `gopl.io/ch8/clock1`: not written yet.

fn main() {}
