//! `gopl.io/ch8/cake`: a simulation of a concurrent cake shop with numerous
//! parameters, to see how channel buffers and extra workers change the time
//! an assembly line takes.
//!
//! ```text
//! $ cargo run --release -p cake -- --book              # the six benchmarks
//! $ cargo run --release -p cake -- --verbose --cakes 3 --runs 1
//! $ cargo run --release -p cake -- --bake-stddev 2.5ms --timeline run.svg
//! ```
//!
//! | Go                             | Rust                                                  |
//! |--------------------------------|-------------------------------------------------------|
//! | `type cake int`                | `type Cake = usize`                                   |
//! | `make(chan cake, s.BakeBuf)`   | `crossbeam_channel::bounded(self.bake_buf)`           |
//! | `baked <- c`                   | `baked.send(c)`                                       |
//! | `close(baked)`                 | `drop(baked)`, the baker's only `Sender`              |
//! | `for c := range baked`         | `for c in baked`                                      |
//! | `c := <-iced`                  | `iced.recv()`                                         |
//! | `go s.baker(baked)`            | `thread::Builder::new().spawn_scoped(..)`             |
//! | `rand.NormFloat64()`           | `rng.sample(StandardNormal)`, one RNG per cook        |
//! | `time.Sleep(delay)`            | `go_sleep(delay)`: on Go 1.19's millisecond ticks     |
//! | `fmt.Println("baking", c)`     | `me.note(Step::Began, c)`: logged, printed if verbose |
//!
//! Rust differs in four small ways, each for a reason given where it
//! happens: every cook gets its own random number generator (so `--seed`
//! replays the same durations whatever the scheduler does); every cook notes
//! what it does in a shared log (for the ideal time, the timeline picture and
//! the tests); `work` waits for all of a run's threads before the next run
//! (scoped threads; they have all finished by then anyway); and the cooks
//! sleep as Go 1.19's runtime does, unless told to sleep exactly.

use std::io;
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, bounded};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;

pub mod book;
pub mod ideal;
pub mod timeline;

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
            me.note(Step::Began, c); // Go: if s.Verbose { fmt.Println("baking", c) }
            let took = work(self.bake_time, self.bake_stddev, &mut me);
            me.note(Step::Worked(took), c);
            if baked.send(c).is_err() {
                return; // no icer at all: Go's baker would block here forever
            }
            me.note(Step::HandedOn, c);
        }
        drop(baked); // close(baked): this was the only Sender
    }

    fn icer(&self, iced: Sender<Cake>, baked: Receiver<Cake>, mut me: Cook<'_>) {
        for c in baked {
            me.note(Step::Began, c); // Go: if s.Verbose { fmt.Println("icing", c) }
            let took = work(self.ice_time, self.ice_stddev, &mut me);
            me.note(Step::Worked(took), c);
            if iced.send(c).is_err() {
                return; // the inscriber is gone, which only a panic could do
            }
            me.note(Step::HandedOn, c);
        }
    }

    fn inscriber(&self, iced: Receiver<Cake>, mut me: Cook<'_>) {
        for _ in 0..self.cakes {
            let Ok(c) = iced.recv() else {
                return; // no icer at all: Go's inscriber would block here forever
            };
            me.note(Step::Began, c); // Go: if s.Verbose { fmt.Println("inscribing", c) }
            let took = work(self.inscribe_time, self.inscribe_stddev, &mut me);
            me.note(Step::Worked(took), c); // Go: if s.Verbose { fmt.Println("finished", c) }
        }
    }

    /// Runs the simulation `runs` times (Go's `Work`).
    ///
    /// Go's `Work(runs)` prints to stdout and uses the global random source;
    /// here `seed` fixes every duration (run `r`'s cook `t` draws from
    /// `seed + r * cooks + t`) and `say` receives each verbose line. Each
    /// [`Run`] tells how long it took and what every cook did when.
    pub fn work(&self, runs: usize, seed: u64, say: &Say<'_>) -> io::Result<Vec<Run>> {
        let cooks = self.num_icers as u64 + 2; // baker, icers, inscriber
        let mut done = Vec::new();
        for run in 0..runs as u64 {
            let seed = seed.wrapping_add(run.wrapping_mul(cooks));
            let log = Log::new(self.verbose, say);
            let (baked_in, baked_out) = bounded(self.bake_buf);
            let (iced_in, iced_out) = bounded(self.ice_buf);
            // Scoped threads may borrow `self` and the log; the scope waits
            // for the icers, which end as soon as `baked` is closed and empty.
            thread::scope(|s| -> io::Result<()> {
                let me = log.cook(Who::Baker, seed, self.sleep);
                spawn(s, "baker", move || self.baker(baked_in, me))?;
                for i in 1..=self.num_icers {
                    let (iced, baked) = (iced_in.clone(), baked_out.clone());
                    let me = log.cook(Who::Icer(i), seed.wrapping_add(i as u64), self.sleep);
                    spawn(s, &format!("icer {i}"), move || self.icer(iced, baked, me))?;
                }
                drop((iced_in, baked_out)); // only the cooks hold channel ends now
                let me = log.cook(Who::Inscriber, seed.wrapping_add(cooks - 1), self.sleep);
                self.inscriber(iced_out, me);
                Ok(())
            })?;
            done.push(log.into_run(self.cakes));
        }
        Ok(done)
    }
}

// work blocks the calling thread for a period of time that is normally
// distributed around d with a standard deviation of stddev.
//
// `me` brings the cook's own random numbers and way to sleep; `work` returns
// the delay it chose. Go's `time.Duration(f)` and Rust's `as u64` both
// truncate; `as u64` also saturates, so a negative delay becomes zero, as
// `time.Sleep` treats one.
fn work(d: Duration, stddev: Duration, me: &mut Cook<'_>) -> Duration {
    let z: f64 = me.rng.sample(StandardNormal);
    let delay = Duration::from_nanos((d.as_nanos() as f64 + z * stddev.as_nanos() as f64) as u64);
    match me.sleep {
        Sleep::Go => go_sleep(delay),
        Sleep::Exact => thread::sleep(delay),
    }
    delay
}

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
fn go_sleep(d: Duration) {
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

impl Default for Shop {
    /// The shop of the Go benchmarks (`defaults` in `cake_test.go`): 20
    /// cakes, 10 ms for every step, one icer, no buffers, no variability.
    fn default() -> Shop {
        let step = Duration::from_millis(10);
        Shop {
            verbose: false,
            cakes: 20,
            bake_time: step,
            bake_stddev: Duration::ZERO,
            bake_buf: 0,
            num_icers: 1,
            ice_time: step,
            ice_stddev: Duration::ZERO,
            ice_buf: 0,
            inscribe_time: step,
            inscribe_stddev: Duration::ZERO,
            sleep: Sleep::Go,
        }
    }
}

fn spawn<'scope>(
    s: &'scope thread::Scope<'scope, '_>,
    name: &str,
    f: impl FnOnce() + Send + 'scope,
) -> io::Result<()> {
    thread::Builder::new()
        .name(name.to_string())
        .spawn_scoped(s, f)?;
    Ok(())
}

/// Where the verbose lines go: stdout in the program, a `Vec` in the tests.
pub type Say<'a> = dyn Fn(&str) + Sync + 'a;

/// One of the shop's cooks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Who {
    /// The one baker
    Baker,
    /// An icer, numbered from 1
    Icer(usize),
    /// The inscriber (the thread that called `work`)
    Inscriber,
}

/// What a cook did with a cake.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Took up the cake and began to work on it ("baking 3")
    Began,
    /// Finished its work on the cake, which took this long ("finished 3"
    /// for the inscriber)
    Worked(Duration),
    /// Handed the cake on: the send on the channel completed
    HandedOn,
}

/// One entry of a run's log: `at` this time since the run began, `who` did
/// `step` with `cake`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    /// When, since the run began
    pub at: Duration,
    /// Which cook
    pub who: Who,
    /// What it did
    pub step: Step,
    /// To which cake
    pub cake: Cake,
}

impl Event {
    /// The line Go's shop prints for this event when verbose, if any.
    pub fn line(&self) -> Option<String> {
        let verb = match (self.who, self.step) {
            (Who::Baker, Step::Began) => "baking",
            (Who::Icer(_), Step::Began) => "icing",
            (Who::Inscriber, Step::Began) => "inscribing",
            (Who::Inscriber, Step::Worked(_)) => "finished",
            _ => return None,
        };
        Some(format!("{verb} {}", self.cake))
    }
}

/// What one run of the shop did.
#[derive(Clone, Debug)]
pub struct Run {
    /// Wall-clock time from making the channels to the last cake finished
    pub elapsed: Duration,
    /// Everything every cook did, in the order it happened
    pub events: Vec<Event>,
    /// How long each step took for each cake: the durations the cooks drew
    pub durations: ideal::Durations,
}

impl Run {
    /// The verbose lines of this run, in order, whether printed or not.
    pub fn lines(&self) -> Vec<String> {
        self.events.iter().filter_map(Event::line).collect()
    }
}

/// The shop's log, which every cook writes to.
struct Log<'a> {
    start: Instant,
    verbose: bool,
    say: &'a Say<'a>,
    events: Mutex<Vec<Event>>,
}

impl<'a> Log<'a> {
    fn new(verbose: bool, say: &'a Say<'a>) -> Log<'a> {
        let events = Mutex::new(Vec::new());
        Log {
            start: Instant::now(),
            verbose,
            say,
            events,
        }
    }

    fn cook(&self, who: Who, seed: u64, sleep: Sleep) -> Cook<'_> {
        let rng = StdRng::seed_from_u64(seed);
        Cook {
            who,
            rng,
            sleep,
            log: self,
        }
    }

    fn into_run(self, cakes: usize) -> Run {
        let elapsed = self.start.elapsed();
        let events = self
            .events
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let durations = ideal::Durations::drawn(cakes, &events);
        Run {
            elapsed,
            events,
            durations,
        }
    }
}

/// What each cook carries: who it is, its own random numbers, how it
/// sleeps, and the log.
struct Cook<'a> {
    who: Who,
    rng: StdRng,
    sleep: Sleep,
    log: &'a Log<'a>,
}

impl Cook<'_> {
    /// Notes in the log that this cook did `step` with cake `c`, and says
    /// Go's line for it when the shop is verbose. The lock makes the log's
    /// order the order in which things happened, and the printed order too.
    fn note(&self, step: Step, c: Cake) {
        let log = self.log;
        let mut events = log.events.lock().unwrap_or_else(PoisonError::into_inner);
        let event = Event {
            at: log.start.elapsed(),
            who: self.who,
            step,
            cake: c,
        };
        if let Some(line) = event.line().filter(|_| log.verbose) {
            (log.say)(&line);
        }
        events.push(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_go_sleep_ends_on_a_whole_millisecond_or_later() {
        // 1.5 ms is a wait of 1 ms, then one of at least 1 ms more.
        let start = Instant::now();
        go_sleep(Duration::from_micros(1500));
        assert!(start.elapsed() >= Duration::from_millis(2));
    }
}
