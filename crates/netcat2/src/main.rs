//! `gopl.io/ch8/netcat2`: not written yet.

fn main() {}
