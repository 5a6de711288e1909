//! `gopl.io/ch8/clock2`: not written yet.

fn main() {}
