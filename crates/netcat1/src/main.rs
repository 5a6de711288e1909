//! `gopl.io/ch8/netcat1`: not written yet.

fn main() {}
