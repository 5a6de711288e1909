//! The six benchmarks of Go's `cake_test.go`, with the figures the book's
//! source gives in its comments and those `go test -bench=.` gave (Go 1.19)
//! on this machine, and the shop they start from.

use std::time::Duration;

use crate::{Shop, Sleep};

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

/// One of the benchmarks.
#[derive(Clone, Copy, Debug)]
pub struct Scenario {
    /// The benchmark's name, less Go's `Benchmark` prefix
    pub name: &'static str,
    /// What it shows, in one short line
    pub shows: &'static str,
    /// Milliseconds per run in the comments of the book's `cake_test.go`
    pub book_ms: f64,
    /// Milliseconds per run that Go 1.19 took on this machine
    pub go_ms: f64,
    /// How this scenario changes the default shop
    pub change: fn(Shop) -> Shop,
}

/// The six scenarios, in the order of `cake_test.go`.
pub const SCENARIOS: [Scenario; 6] = [
    Scenario {
        name: "Baseline",
        shows: "one cook per step, 10 ms each, no buffers",
        book_ms: 224.0,
        go_ms: 224.0,
        change: baseline,
    },
    Scenario {
        name: "Buffers",
        shows: "buffers alone change nothing",
        book_ms: 224.0,
        go_ms: 224.0,
        change: buffers,
    },
    Scenario {
        name: "Variable",
        shows: "variability costs time",
        book_ms: 259.0,
        go_ms: 266.0,
        change: variable,
    },
    Scenario {
        name: "VariableBuffers",
        shows: "buffers win some of it back",
        book_ms: 244.0,
        go_ms: 251.0,
        change: variable_buffers,
    },
    Scenario {
        name: "SlowIcing",
        shows: "a slow middle stage adds to the critical path",
        book_ms: 1032.0,
        go_ms: 1030.0,
        change: slow_icing,
    },
    Scenario {
        name: "SlowIcingManyIcers",
        shows: "more icers cut it back (Amdahl's law)",
        book_ms: 288.0,
        go_ms: 267.0,
        change: slow_icing_many_icers,
    },
];

// Baseline: one baker, one icer, one inscriber.
// Each step takes exactly 10ms.  No buffers.
fn baseline(shop: Shop) -> Shop {
    shop
}

// Adding buffers has no effect.
fn buffers(mut shop: Shop) -> Shop {
    shop.bake_buf = 10;
    shop.ice_buf = 10;
    shop
}

// Adding variability to rate of each step
// increases total time due to channel delays.
fn variable(mut shop: Shop) -> Shop {
    shop.bake_stddev = shop.bake_time / 4;
    shop.ice_stddev = shop.ice_time / 4;
    shop.inscribe_stddev = shop.inscribe_time / 4;
    shop
}

// Adding channel buffers reduces
// delays resulting from variability.
fn variable_buffers(shop: Shop) -> Shop {
    buffers(variable(shop))
}

// Making the middle stage slower
// adds directly to the critical path.
fn slow_icing(mut shop: Shop) -> Shop {
    // Go: cakeshop.IceTime = 50 * time.Millisecond, five times the default;
    // we say "five times" so that --ice-time scales this scenario too.
    shop.ice_time = shop.ice_time.saturating_mul(5);
    shop
}

// Adding more icing cooks reduces the cost of icing
// to its sequential component, following Amdahl's Law.
fn slow_icing_many_icers(shop: Shop) -> Shop {
    let mut shop = slow_icing(shop);
    shop.num_icers = 5;
    shop
}
