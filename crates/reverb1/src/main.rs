//! `gopl.io/ch8/reverb1`: not written yet.

fn main() {}
