//! `gopl.io/ch8/spinner`: not written yet.

fn main() {}
