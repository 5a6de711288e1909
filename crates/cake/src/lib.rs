//! `gopl.io/ch8/cake` (§8.4.4): "Package cake provides a simulation of a
//! concurrent cake shop with numerous parameters."
//!
//! A baker, icers and an inscriber are threads that pass cakes along two
//! channels. `cake --book` runs the six benchmarks of `cake_test.go`
//! (`book.rs`): buffers alone change nothing, variability costs time and
//! buffers win some back, more icers share a slow stage. Each run is timed
//! against its ideal (`ideal.rs`); see the README.
//!
//! ```text
//! $ cargo run --release -p cake -- --book
//! $ cargo run --release -p cake -- --cakes 3 --runs 1 --verbose
//! ```
//!
//! | Go                                  | Rust                                               |
//! |-------------------------------------|----------------------------------------------------|
//! | `go s.baker(baked)`                 | `go(s, cook, ...)`: a scoped thread, which may borrow the shop; `Work` waits for them all at the end of each run |
//! | `rand.NormFloat64()`                | `me.norm_float64()`: each cook has its own `StdRng`, so `--seed` replays the same durations |
//! | `time.Sleep(delay)`                 | `me.sleep(delay)`: by default on Go 1.19's millisecond timer ticks (`sleep.rs`) |
//! | `if s.Verbose { fmt.Println("baking", c) }` | `me.began(c)`: noted in the run's log, which says the line when verbose (`log.rs`) |
//! | `s.Work(runs)`                      | `s.work(runs, seed, say)`, which returns what each run did |

use std::io;
use std::thread::{self, Scope};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, bounded};

pub mod book;
pub mod ideal;
mod log;
mod sleep;
pub mod timeline;

use crate::log::{Cook, Log};
pub use crate::log::{Event, Run, Say, Step, Who};
pub use crate::sleep::Sleep;

/// The cake shop and its parameters (Go's `cake.Shop`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shop {
    /// Print what each cook does, as it does it
    pub verbose: bool,
    /// Number of cakes to bake
    pub cakes: usize,
    /// Time to bake one cake
    pub bake_time: Duration,
    /// Standard deviation of baking time
    pub bake_stddev: Duration,
    /// Buffer slots between baking and icing
    pub bake_buf: usize,
    /// Number of cooks doing icing
    pub num_icers: usize,
    /// Time to ice one cake
    pub ice_time: Duration,
    /// Standard deviation of icing time
    pub ice_stddev: Duration,
    /// Buffer slots between icing and inscribing
    pub ice_buf: usize,
    /// Time to inscribe one cake
    pub inscribe_time: Duration,
    /// Standard deviation of inscribing time
    pub inscribe_stddev: Duration,
    /// How the cooks sleep through their work (not in Go's Shop: Go has
    /// only its own `time.Sleep`)
    pub sleep: Sleep,
}

/// A cake is known by its number (Go: `type cake int`).
pub type Cake = usize;

impl Shop {
    fn baker(&self, baked: Sender<Cake>, mut me: Cook<'_>) {
        for c in 0..self.cakes {
            me.began(c); // if s.Verbose { fmt.Println("baking", c) }
            work(self.bake_time, self.bake_stddev, &mut me);
            if baked.send(c).is_err() {
                return; // no icer at all: Go's baker would block here forever
            }
            me.handed_on();
        }
        drop(baked); // close(baked): this was the only Sender
    }

    fn icer(&self, iced: Sender<Cake>, baked: Receiver<Cake>, mut me: Cook<'_>) {
        for c in baked {
            me.began(c); // if s.Verbose { fmt.Println("icing", c) }
            work(self.ice_time, self.ice_stddev, &mut me);
            if iced.send(c).is_err() {
                return; // the inscriber is gone, which only a panic could do
            }
            me.handed_on();
        }
    }

    fn inscriber(&self, iced: Receiver<Cake>, mut me: Cook<'_>) {
        for _ in 0..self.cakes {
            let Ok(c) = iced.recv() else {
                return; // no icer at all: Go's inscriber would block here forever
            };
            me.began(c); // if s.Verbose { fmt.Println("inscribing", c) }
            work(self.inscribe_time, self.inscribe_stddev, &mut me); // and "finished"
        }
    }

    /// Work runs the simulation 'runs' times.
    ///
    /// Rust: `seed` fixes every duration, `say` receives each verbose line,
    /// and each [`Run`] tells how long it took and what every cook did when.
    pub fn work(&self, runs: usize, seed: u64, say: &Say<'_>) -> io::Result<Vec<Run>> {
        let mut done = Vec::new();
        for run in 0..runs {
            let log = Log::new(self, seed, run, say);
            let (baked_send, baked) = bounded(self.bake_buf);
            let (iced_send, iced) = bounded(self.ice_buf);
            thread::scope(|s| -> io::Result<()> {
                go(s, log.cook(Who::Baker), |me| self.baker(baked_send, me))?;
                for i in 1..=self.num_icers {
                    let (iced_send, baked) = (iced_send.clone(), baked.clone());
                    go(s, log.cook(Who::Icer(i)), |me| {
                        self.icer(iced_send, baked, me)
                    })?;
                }
                drop((iced_send, baked)); // only the cooks hold channel ends now
                self.inscriber(iced, log.cook(Who::Inscriber));
                Ok(())
            })?;
            done.push(log.into_run());
        }
        Ok(done)
    }
}

// work blocks the calling goroutine for a period of time
// that is normally distributed around d
// with a standard deviation of stddev.
//
// Rust: `as u64` truncates, as Go's `time.Duration(f)` does, and makes a
// negative delay zero, which is what `time.Sleep` makes of it.
fn work(d: Duration, stddev: Duration, me: &mut Cook<'_>) {
    let delay = d.as_nanos() as f64 + me.norm_float64() * stddev.as_nanos() as f64;
    me.sleep(Duration::from_nanos(delay as u64));
}

/// `go f(me)`, as a thread of `s` named after the cook; an error if the
/// system has no thread to give.
fn go<'scope, 'env>(
    s: &'scope Scope<'scope, 'env>,
    me: Cook<'env>,
    f: impl FnOnce(Cook<'env>) + Send + 'scope,
) -> io::Result<()> {
    let name = match me.who() {
        Who::Baker => "baker".to_string(),
        Who::Icer(i) => format!("icer {i}"),
        Who::Inscriber => "inscriber".to_string(),
    };
    thread::Builder::new()
        .name(name)
        .spawn_scoped(s, move || f(me))?;
    Ok(())
}
