//! `gopl.io/ch8/reverb2`: not written yet.

fn main() {}
