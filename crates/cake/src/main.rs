//! `gopl.io/ch8/cake`: not written yet.

fn main() {}
