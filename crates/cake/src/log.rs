//! The shop's log (not in Go): what every cook did to which cake, and when.
//!
//! Each cook carries a `Cook`: who it is, the cake in hand and its own
//! random numbers, seeded `seed + run * cooks + cook`, so that `--seed`
//! replays the same durations whichever thread runs first (with several
//! icers, which of them takes which cake is still the scheduler's choice).
//! It notes each step in the run's log, under one lock, so the
//! log's order is the order things happened in, and prints Go's verbose
//! line for the step from there. The log gives the ideal its durations, the
//! timeline its bars and the tests the order of events.

use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;

use crate::sleep::{Sleep, go_sleep};
use crate::{Cake, Shop, ideal};

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

/// The log of one run, which every cook writes to.
pub(crate) struct Log<'a> {
    shop: &'a Shop,
    /// Run `r`'s cook `t` (baker 0, icers 1..=n, inscriber n + 1) draws
    /// its durations from `seed + r * cooks + t`.
    seed: u64,
    start: Instant,
    say: &'a Say<'a>,
    events: Mutex<Vec<Event>>,
}

impl<'a> Log<'a> {
    /// The log of run `run` (from 0) of `shop`, seeded from `seed`.
    pub(crate) fn new(shop: &'a Shop, seed: u64, run: usize, say: &'a Say<'a>) -> Log<'a> {
        let cooks = shop.num_icers as u64 + 2;
        Log {
            shop,
            seed: seed.wrapping_add((run as u64).wrapping_mul(cooks)),
            start: Instant::now(),
            say,
            events: Mutex::new(Vec::new()),
        }
    }

    /// What cook `who` carries through this run.
    pub(crate) fn cook(&self, who: Who) -> Cook<'_> {
        let t = match who {
            Who::Baker => 0,
            Who::Icer(i) => i as u64,
            Who::Inscriber => self.shop.num_icers as u64 + 1,
        };
        Cook {
            who,
            cake: 0,
            rng: StdRng::seed_from_u64(self.seed.wrapping_add(t)),
            log: self,
        }
    }

    /// The run, once every cook is done.
    pub(crate) fn into_run(self) -> Run {
        let elapsed = self.start.elapsed();
        let events = self
            .events
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let durations = ideal::Durations::drawn(self.shop.cakes, &events);
        Run {
            elapsed,
            events,
            durations,
        }
    }
}

/// What each cook carries: who it is, the cake in hand, its own random
/// numbers, and the log.
pub(crate) struct Cook<'a> {
    who: Who,
    cake: Cake,
    rng: StdRng,
    log: &'a Log<'a>,
}

impl Cook<'_> {
    /// Which cook this is.
    pub(crate) fn who(&self) -> Who {
        self.who
    }

    /// Takes up cake `c`: noted, and Go's verbose line ("baking 3") said.
    pub(crate) fn began(&mut self, c: Cake) {
        self.cake = c;
        self.note(Step::Began);
    }

    /// The cake in hand went on down the line.
    pub(crate) fn handed_on(&self) {
        self.note(Step::HandedOn);
    }

    /// Go's `rand.NormFloat64()`, from this cook's own generator.
    pub(crate) fn norm_float64(&mut self) -> f64 {
        self.rng.sample(StandardNormal)
    }

    /// Go's `time.Sleep(delay)`, as the shop sleeps (see [`Sleep`]); noted
    /// as the work on the cake in hand ("finished 3" for the inscriber).
    pub(crate) fn sleep(&self, delay: Duration) {
        match self.log.shop.sleep {
            Sleep::Go => go_sleep(delay),
            Sleep::Exact => thread::sleep(delay),
        }
        self.note(Step::Worked(delay));
    }

    /// Notes that this cook did `step` with the cake in hand, and says Go's
    /// line for it when the shop is verbose, both under the log's lock.
    fn note(&self, step: Step) {
        let log = self.log;
        let mut events = log.events.lock().unwrap_or_else(PoisonError::into_inner);
        let event = Event {
            at: log.start.elapsed(),
            who: self.who,
            step,
            cake: self.cake,
        };
        if let Some(line) = event.line().filter(|_| log.shop.verbose) {
            (log.say)(&line);
        }
        events.push(event);
    }
}
