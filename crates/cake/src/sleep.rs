//! How the cooks sleep through their work (not in Go, which has only its
//! own `time.Sleep`): by default as Go 1.19's runtime sleeps, so that the
//! times compare with Go's.

use std::thread;
use std::time::{Duration, Instant};

/// How a cook sleeps through its work.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Sleep {
    /// As Go 1.19's time.Sleep does on Linux: to the next whole millisecond
    /// or so
    #[default]
    Go,
    /// As std::thread::sleep does: as close to the time as the OS manages
    Exact,
}

/// Sleeps for `d` the way Go 1.19's `time.Sleep` does on Linux.
///
/// An idle Go runtime waits for its next timer in `epoll_wait`, whose
/// timeout is in whole milliseconds: the runtime rounds the time left down,
/// but to at least 1 ms (`runtime/netpoll_epoll.go`), and waits again if it
/// woke early. So a 10.4 ms sleep is a wait of 10 ms and then one of 1 ms.
/// Go 1.16 brought this (golang/go#44343); `std::thread::sleep` sleeps to
/// within some 0.1 ms instead.
pub(crate) fn go_sleep(d: Duration) {
    let Some(deadline) = Instant::now().checked_add(d) else {
        return thread::sleep(d); // centuries: no need to be exact
    };
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        thread::sleep(Duration::from_millis((left.as_millis() as u64).max(1)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_go_sleep_never_ends_early() {
        // 1.5 ms is a wait of 1 ms, then one of at least 1 ms more, unless
        // a busy machine oversleeps the first; never less than 1.5 ms.
        let start = Instant::now();
        go_sleep(Duration::from_micros(1500));
        assert!(start.elapsed() >= Duration::from_micros(1500));
    }
}
