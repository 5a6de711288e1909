//! `gopl.io/ch8/netcat3`: not written yet.

fn main() {}
