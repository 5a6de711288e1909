//! What one item costs in a three-stage pipeline (counter → squarer → sink,
//! three OS threads), by kind of channel between the stages.
//!
//! With `bounded(0)`, as with Go's unbuffered channel, every send waits for
//! its receiver: each item is two hand-offs between threads, and a hand-off
//! between OS threads is a futex wake and a context switch. Buffers let the
//! stages run ahead of each other and batch those wake-ups.

use std::hint::black_box;
use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::bounded;

/// Items passed and the time they took.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    /// Items that reached the sink.
    pub items: u64,
    /// From the first send to the last receive.
    pub elapsed: Duration,
}

impl Run {
    /// Time per item.
    pub fn per_item(&self) -> Duration {
        self.elapsed / u32::try_from(self.items.max(1)).unwrap_or(u32::MAX)
    }
}

/// How often the counter looks at the clock.
const CHECK_EVERY: u64 = 1024;

/// Counter → squarer → sink over `crossbeam_channel::bounded(capacity)`:
/// `items` values, or fewer if `budget` runs out first.
pub fn crossbeam_pipeline(capacity: usize, items: u64, budget: Duration) -> Run {
    let (naturals_tx, naturals) = bounded::<u64>(capacity);
    let (squares_tx, squares) = bounded::<u64>(capacity);
    let start = Instant::now();
    let counter = thread::spawn(move || {
        for x in 0..items {
            if x % CHECK_EVERY == 0 && start.elapsed() > budget {
                break;
            }
            if naturals_tx.send(x).is_err() {
                break;
            }
        }
    });
    let squarer = thread::spawn(move || {
        for x in naturals {
            if squares_tx.send(x.wrapping_mul(x)).is_err() {
                break;
            }
        }
    });
    let mut count = 0;
    for square in squares {
        black_box(square);
        count += 1;
    }
    let elapsed = start.elapsed();
    let _ = counter.join();
    let _ = squarer.join();
    Run {
        items: count,
        elapsed,
    }
}

/// An unbuffered channel made of a mutex and a condition variable: the
/// plain OS hand-off, with no spinning, as the C reference does it.
struct Rendezvous {
    slot: Mutex<Slot>,
    changed: Condvar,
}

#[derive(Default)]
struct Slot {
    value: Option<u64>,
    closed: bool,
}

impl Rendezvous {
    fn new() -> Rendezvous {
        Rendezvous {
            slot: Mutex::new(Slot::default()),
            changed: Condvar::new(),
        }
    }

    /// Returns once the receiver has taken `value`.
    fn send(&self, value: u64) {
        let slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        let mut slot = self
            .changed
            .wait_while(slot, |s| s.value.is_some())
            .unwrap_or_else(|p| p.into_inner());
        slot.value = Some(value);
        self.changed.notify_all();
        drop(
            self.changed
                .wait_while(slot, |s| s.value.is_some())
                .unwrap_or_else(|p| p.into_inner()),
        );
    }

    fn close(&self) {
        self.slot.lock().unwrap_or_else(|p| p.into_inner()).closed = true;
        self.changed.notify_all();
    }

    /// The next value; `None` once closed and drained.
    fn recv(&self) -> Option<u64> {
        let slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        let mut slot = self
            .changed
            .wait_while(slot, |s| s.value.is_none() && !s.closed)
            .unwrap_or_else(|p| p.into_inner());
        let value = slot.value.take();
        if value.is_some() {
            self.changed.notify_all();
        }
        value
    }
}

/// Counter → squarer → sink over [`Rendezvous`] channels (Mutex + Condvar).
pub fn condvar_pipeline(items: u64, budget: Duration) -> Run {
    let naturals = Rendezvous::new();
    let squares = Rendezvous::new();
    let start = Instant::now();
    let mut count = 0;
    thread::scope(|scope| {
        scope.spawn(|| {
            for x in 0..items {
                if x % CHECK_EVERY == 0 && start.elapsed() > budget {
                    break;
                }
                naturals.send(x);
            }
            naturals.close();
        });
        scope.spawn(|| {
            while let Some(x) = naturals.recv() {
                squares.send(x.wrapping_mul(x));
            }
            squares.close();
        });
        while let Some(square) = squares.recv() {
            black_box(square);
            count += 1;
        }
    });
    Run {
        items: count,
        elapsed: start.elapsed(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_reaches_the_sink() {
        let budget = Duration::from_secs(60);
        for capacity in [0, 1, 16] {
            assert_eq!(crossbeam_pipeline(capacity, 1000, budget).items, 1000);
        }
        assert_eq!(condvar_pipeline(1000, budget).items, 1000);
    }

    #[test]
    fn the_budget_stops_a_long_run() {
        let run = crossbeam_pipeline(0, u64::MAX, Duration::from_millis(50));
        assert!(run.items < u64::MAX && run.items >= CHECK_EVERY);
    }
}
