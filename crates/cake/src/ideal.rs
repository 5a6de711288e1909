//! The ideal: how long the same shop would take if handing a cake on cost
//! nothing and every cook woke exactly on time.
//!
//! It replays the model in virtual time, with the durations a real run drew:
//! the baker, the icers and the inscriber, channels of the same capacities,
//! a send on a full channel blocks, and a send on an unbuffered channel waits
//! for a receiver. The gap between a run's wall-clock time and its ideal is
//! what the threads, the channels and the sleeps cost.

use std::collections::VecDeque;
use std::time::Duration;

use crate::{Cake, Event, Shop, Step, Who};

/// How long each step took for each cake, indexed by cake.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Durations {
    /// Baking time of each cake
    pub bake: Vec<Duration>,
    /// Icing time of each cake
    pub ice: Vec<Duration>,
    /// Inscribing time of each cake
    pub inscribe: Vec<Duration>,
}

impl Durations {
    /// Every step of every cake takes exactly its mean time.
    pub fn exact(shop: &Shop) -> Durations {
        Durations {
            bake: vec![shop.bake_time; shop.cakes],
            ice: vec![shop.ice_time; shop.cakes],
            inscribe: vec![shop.inscribe_time; shop.cakes],
        }
    }

    /// The durations the cooks drew, as noted in a run's log.
    pub fn drawn(cakes: usize, events: &[Event]) -> Durations {
        let mut d = Durations {
            bake: vec![Duration::ZERO; cakes],
            ice: vec![Duration::ZERO; cakes],
            inscribe: vec![Duration::ZERO; cakes],
        };
        for e in events {
            if let Step::Worked(took) = e.step {
                let stage = match e.who {
                    Who::Baker => &mut d.bake,
                    Who::Icer(_) => &mut d.ice,
                    Who::Inscriber => &mut d.inscribe,
                };
                stage[e.cake] = took;
            }
        }
        d
    }
}

/// The time from the start until the last cake is finished, in virtual
/// time, if every step of cake `c` takes `work.bake[c]`, `work.ice[c]` and
/// `work.inscribe[c]`. `None` if the shop can never finish (no icers).
pub fn makespan(shop: &Shop, work: &Durations) -> Option<Duration> {
    Kitchen::new(shop, work).run()
}

/// Where a cook is in its loop.
#[derive(Clone, Copy, Debug, PartialEq)]
enum State {
    /// Waiting for a cake, since then
    Taking(Duration),
    /// Working on a cake until then
    Working(Cake, Duration),
    /// Waiting, since then, to hand a cake on
    Handing(Cake, Duration),
    /// Gone home
    Gone,
}

/// A channel: its capacity (0 = unbuffered) and the cakes in its buffer.
struct Channel {
    cap: usize,
    buf: VecDeque<Cake>,
    closed: bool,
}

const BAKED: usize = 0;
const ICED: usize = 1;

/// The shop in virtual time. Cook 0 is the baker, cooks 1..=n the icers,
/// and the last one the inscriber.
struct Kitchen<'a> {
    work: &'a Durations,
    cakes: usize,
    now: Duration,
    cooks: Vec<State>,
    channels: [Channel; 2],
    finished: usize,
}

impl<'a> Kitchen<'a> {
    fn new(shop: &Shop, work: &'a Durations) -> Kitchen<'a> {
        let channel = |cap| Channel {
            cap,
            buf: VecDeque::new(),
            closed: false,
        };
        let mut kitchen = Kitchen {
            work,
            cakes: shop.cakes,
            now: Duration::ZERO,
            cooks: vec![State::Taking(Duration::ZERO); shop.num_icers + 2],
            channels: [channel(shop.bake_buf), channel(shop.ice_buf)],
            finished: 0,
        };
        kitchen.next_for_baker(0);
        kitchen
    }

    fn inscriber(&self) -> usize {
        self.cooks.len() - 1
    }

    /// The channel cook `i` takes cakes from, if any.
    fn takes_from(&self, i: usize) -> Option<usize> {
        match i {
            0 => None,
            i if i == self.inscriber() => Some(ICED),
            _ => Some(BAKED),
        }
    }

    /// The channel cook `i` hands cakes on to, if any.
    fn hands_to(&self, i: usize) -> Option<usize> {
        match i {
            0 => Some(BAKED),
            i if i == self.inscriber() => None,
            _ => Some(ICED),
        }
    }

    fn run(mut self) -> Option<Duration> {
        loop {
            while self.hand_over() {}
            if self.finished == self.cakes {
                return Some(self.now);
            }
            // Move on to the next moment a cook finishes its work.
            let until = |state: &State| match *state {
                State::Working(_, until) => Some(until),
                _ => None,
            };
            self.now = self.cooks.iter().filter_map(until).min()?; // None: stuck
            for i in 0..self.cooks.len() {
                if let State::Working(c, until) = self.cooks[i] {
                    if until == self.now {
                        self.worked(i, c);
                    }
                }
            }
        }
    }

    /// Makes one hand-over that can happen now, if there is one.
    fn hand_over(&mut self) -> bool {
        for ch in [BAKED, ICED] {
            // Go's channels, like crossbeam's, serve blocked senders and
            // waiting receivers first come, first served.
            let taker = self.longest_waiting(ch, |s| match s {
                State::Taking(since) => Some((since, 0)),
                _ => None,
            });
            let hander = self.longest_waiting(ch, |s| match s {
                State::Handing(c, since) => Some((since, c)),
                _ => None,
            });
            let channel = &mut self.channels[ch];
            if let (Some((r, _)), Some(&c)) = (taker, channel.buf.front()) {
                channel.buf.pop_front();
                self.start(r, c);
            } else if let Some((s, c)) = hander.filter(|_| channel.buf.len() < channel.cap) {
                channel.buf.push_back(c); // room in the buffer
                self.handed_on(s, c);
            } else if let (Some((r, _)), Some((s, c))) = (taker, hander) {
                self.start(r, c); // unbuffered: a rendezvous
                self.handed_on(s, c);
            } else if let Some((r, _)) = taker.filter(|_| channel.closed) {
                self.cooks[r] = State::Gone; // `for c in baked` ends
            } else {
                continue;
            }
            return true;
        }
        false
    }

    /// Which cook has waited longest on channel `ch` in the way `waiting`
    /// tells, with what it holds.
    fn longest_waiting(
        &self,
        ch: usize,
        waiting: impl Fn(State) -> Option<(Duration, Cake)>,
    ) -> Option<(usize, Cake)> {
        (0..self.cooks.len())
            .filter_map(|i| {
                let (since, c) = waiting(self.cooks[i])?;
                let on_ch = match self.cooks[i] {
                    State::Taking(_) => self.takes_from(i),
                    _ => self.hands_to(i),
                };
                (on_ch == Some(ch)).then_some((since, i, c))
            })
            .min()
            .map(|(_, i, c)| (i, c))
    }

    /// Cook `i` takes up cake `c` now.
    fn start(&mut self, i: usize, c: Cake) {
        let took = match i {
            0 => self.work.bake[c],
            i if i == self.inscriber() => self.work.inscribe[c],
            _ => self.work.ice[c],
        };
        self.cooks[i] = State::Working(c, self.now.saturating_add(took));
    }

    /// Cook `i` is done working on cake `c`.
    fn worked(&mut self, i: usize, c: Cake) {
        if i == self.inscriber() {
            self.finished += 1;
            self.cooks[i] = State::Taking(self.now);
        } else {
            self.cooks[i] = State::Handing(c, self.now);
        }
    }

    /// Cook `i` handed cake `c` on.
    fn handed_on(&mut self, i: usize, c: Cake) {
        if i == 0 {
            self.next_for_baker(c + 1);
        } else {
            self.cooks[i] = State::Taking(self.now);
        }
    }

    /// The baker starts cake `c`, or closes `baked` and goes home.
    fn next_for_baker(&mut self, c: Cake) {
        if c < self.cakes {
            self.start(0, c);
        } else {
            self.cooks[0] = State::Gone;
            self.channels[BAKED].closed = true;
        }
    }
}
