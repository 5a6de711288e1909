//! Go's `time.Now()` in Go's `time.Local`.

use std::sync::LazyLock;

use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

/// Go's `time.Local`: the system's time zone, looked up once per process
/// and shared by every thread (chrono's `Local` keeps a copy per thread,
/// some 25 MB at 10,000 connection threads).
static LOCAL: LazyLock<TimeZone> = LazyLock::new(TimeZone::system);

/// Go's `time.Now()`: the time now, in the local time zone.
///
/// The first call looks the zone up, which in a debug build takes a deeper
/// stack than a small thread has: a server calls it once on its main
/// thread before it starts handler threads with small stacks.
pub fn now() -> Zoned {
    Timestamp::now().to_zoned(LOCAL.clone())
}
