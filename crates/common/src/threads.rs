//! The thread budget: Go's `go` statement, within what the system can give.
//!
//! Goroutines are cheap and threads are not. A Rust process gets about
//! 16,000 threads here: each takes four memory mappings (its stack and
//! guard page, std's signal stack and its guard page), Linux allows 65,530
//! per process (`vm.max_map_count`), and past that std aborts the whole
//! process from inside the new thread, where no `Result` can catch it.
//!
//! So the listings start every thread per client, line, file, directory or
//! link with [`go`], which counts them against one budget:
//!
//! - Called from a thread that holds none of the budget (`main`, an accept
//!   loop), `go` waits while the budget is spent. Servers wait in
//!   [`accept`](crate::accept) instead, before they take the next client.
//! - Called from a thread the budget started (an echo from a connection's
//!   handler, a subdirectory's walk), `go` never waits: at the budget it
//!   runs `f` right there. So the budget cannot deadlock.
//! - In a server the budget is fair: the threads that a client's handler
//!   starts, and theirs, never number more than the threads still free, so
//!   one client that stops reading slows only itself.
//! - [`go_queued`] never waits and never runs `f` in place: at the budget it
//!   keeps `f` until a thread ends. A loop whose threads wait for it to
//!   receive needs it: the crawlers' `main`, thumbnail's loops.
//!
//! A thread that panics gives its place back as it unwinds.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread;
use std::time::Duration;

/// How long a thread that waits for the system waits after it refused a
/// thread: long enough not to spin, short enough to recover at once.
const BACK_OFF: Duration = Duration::from_millis(50);

type Job = Box<dyn FnOnce() + Send>;

/// How many threads a program may run at once, and how it runs them.
#[derive(Debug)]
pub struct Budget {
    max: usize,
    stack_size: Option<usize>,
    fair: bool,
    state: Mutex<State>,
    freed: Condvar,
    /// Whether reaching the budget has been logged (once); see [`Budget::quiet`].
    reported: AtomicBool,
    /// Whether a client's reaching its share has been logged (once).
    share_reported: AtomicBool,
}

#[derive(Default)]
struct State {
    running: usize,
    queued: VecDeque<Job>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("running", &self.running)
            .field("queued", &self.queued.len())
            .finish()
    }
}

/// The threads that one piece of work started from outside the budget (a
/// client's handler, say) runs, with all they started in turn.
#[derive(Debug, Default)]
struct Group {
    running: AtomicUsize,
}

thread_local! {
    /// Whether the budget started this thread.
    static ON_BUDGET: Cell<bool> = const { Cell::new(false) };
    /// Whether it has a group in `GROUP` (which, having a destructor, costs
    /// an allocation per thread the first time it is touched).
    static IN_GROUP: Cell<bool> = const { Cell::new(false) };
    /// Its group, made when it first starts a thread (most never do, and
    /// so cost nothing more than a thread).
    static GROUP: RefCell<Option<Arc<Group>>> = const { RefCell::new(None) };
}

/// The group of this thread, if the budget started it.
fn current_group() -> Option<Arc<Group>> {
    if !ON_BUDGET.get() {
        return None;
    }
    IN_GROUP.set(true);
    let group = GROUP.with_borrow_mut(|group| {
        let group = group.get_or_insert_with(|| {
            Arc::new(Group {
                running: AtomicUsize::new(1), // this thread
            })
        });
        Arc::clone(group)
    });
    Some(group)
}

impl Budget {
    /// A budget of `max` threads (at least 1), each with std's default stack.
    pub fn new(max: usize) -> Budget {
        Budget {
            max: max.max(1),
            stack_size: None,
            fair: false,
            state: Mutex::default(),
            freed: Condvar::new(),
            reported: AtomicBool::new(false),
            share_reported: AtomicBool::new(false),
        }
    }

    /// The same budget, each thread with a stack of `bytes`.
    pub fn with_stack_size(mut self, bytes: usize) -> Budget {
        self.stack_size = Some(bytes);
        self
    }

    /// The same budget, fair among clients: what a handler's threads start
    /// gets a thread of its own only while the handler's group runs fewer
    /// threads than are still free; beyond that it runs in place.
    pub fn fair(mut self) -> Budget {
        self.fair = true;
        self
    }

    /// The same budget, never logged when reached: for a budget that a
    /// program chose as part of its design, not the system's ceiling.
    pub fn quiet(self) -> Budget {
        self.reported.store(true, Ordering::Relaxed);
        self.share_reported.store(true, Ordering::Relaxed);
        self
    }

    /// The most threads started through this budget that run at once.
    pub fn max(&self) -> usize {
        self.max
    }

    /// How many of them run now.
    pub fn running(&self) -> usize {
        self.lock().running
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Go's `go f()`; see the [module](self) for what it does at the budget.
    pub fn go<F: FnOnce() + Send + 'static>(&'static self, f: F) {
        match current_group() {
            Some(group) => self.go_from(group, f),
            None => self.go_waiting(f),
        }
    }

    /// `go` from a thread the budget started: a thread if one is free (and
    /// the group is within its share), else `f` runs here.
    fn go_from<F: FnOnce() + Send + 'static>(&'static self, group: Arc<Group>, f: F) {
        let mut state = self.lock();
        let free = self.max - state.running;
        let within_share = !self.fair || group.running.load(Ordering::Relaxed) < free;
        if free == 0 || !within_share {
            drop(state);
            if free == 0 {
                self.report("work runs in place until a thread is free");
            } else {
                self.report_share();
            }
            return f();
        }
        state.running += 1;
        drop(state);
        if let Err(f) = self.start(Some(group), f) {
            f(); // the system refused a thread: run it here
        }
    }

    /// `go` from a thread outside the budget: waits for a thread.
    fn go_waiting<F: FnOnce() + Send + 'static>(&'static self, mut f: F) {
        loop {
            let mut state = self.wait(self.lock());
            state.running += 1;
            drop(state);
            match self.start(None, f) {
                Ok(()) => return,
                Err(back) => {
                    f = back;
                    thread::sleep(BACK_OFF);
                }
            }
        }
    }

    /// Waits until fewer than `max` threads run, logging once if it must.
    fn wait<'a>(&self, mut state: MutexGuard<'a, State>) -> MutexGuard<'a, State> {
        if state.running >= self.max {
            self.report("new work waits for a thread to finish");
        }
        while state.running >= self.max {
            state = self
                .freed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        state
    }

    /// Waits until a thread can be had (for an accept loop, before it takes
    /// the next client); returns whether it had to wait.
    pub fn wait_for_room(&self) -> bool {
        let state = self.lock();
        let full = state.running >= self.max;
        drop(self.wait(state));
        full
    }

    /// Go's `go f()` for a loop that must never wait and must never run `f`
    /// itself: at the budget, `f` waits in a queue, in order, until a
    /// thread ends.
    pub fn go_queued<F: FnOnce() + Send + 'static>(&'static self, f: F) {
        let mut state = self.lock();
        if state.running == self.max || !state.queued.is_empty() {
            state.queued.push_back(Box::new(f));
            drop(state);
            self.report("new work waits for a thread to finish");
            return;
        }
        state.running += 1;
        drop(state);
        if let Err(f) = self.start(None, f) {
            self.lock().queued.push_front(Box::new(f));
        }
    }

    /// Starts `f` on a new thread of `group`, the budget's count already
    /// taken for it; if the system refuses the thread, gives the count back
    /// and returns `f`, logging why.
    fn start<F: FnOnce() + Send + 'static>(
        &'static self,
        group: Option<Arc<Group>>,
        f: F,
    ) -> Result<(), F> {
        // The new thread takes `f` from here, so that we still hold it if
        // the thread cannot start.
        let slot = Arc::new(Mutex::new(Some(f)));
        let theirs = Arc::clone(&slot);
        if let Some(group) = &group {
            group.running.fetch_add(1, Ordering::Relaxed);
        }
        let ours = group.clone();
        let mut builder = thread::Builder::new();
        if let Some(bytes) = self.stack_size {
            builder = builder.stack_size(bytes);
        }
        let started = builder.spawn(move || {
            let f = theirs.lock().unwrap_or_else(PoisonError::into_inner).take();
            drop(theirs);
            ON_BUDGET.set(true);
            if ours.is_some() {
                IN_GROUP.set(true);
                GROUP.set(ours);
            }
            let _running = Running(self);
            if let Some(f) = f {
                f();
            }
        });
        match started {
            Ok(_) => Ok(()),
            Err(err) => {
                crate::log_print!("starting a thread: {}", crate::go_error(&err));
                if let Some(group) = &group {
                    group.running.fetch_sub(1, Ordering::Relaxed);
                }
                self.lock().running -= 1;
                self.freed.notify_one();
                let f = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
                Err(f.expect("a thread that never started leaves f"))
            }
        }
    }

    /// Gives a thread's place back as it ends, or hands it to queued work.
    fn finished(&'static self) {
        if let Some(group) = IN_GROUP.get().then(|| GROUP.take()).flatten() {
            group.running.fetch_sub(1, Ordering::Relaxed);
        }
        let mut state = self.lock();
        if let Some(job) = state.queued.pop_front() {
            drop(state);
            if let Err(job) = self.start(None, job) {
                self.lock().queued.push_front(job); // the next thread to end tries again
            }
            return;
        }
        state.running -= 1;
        drop(state);
        self.freed.notify_one();
    }

    /// Logs, once in the life of the budget, that a client has reached its
    /// share of it.
    fn report_share(&self) {
        if !self.share_reported.swap(true, Ordering::Relaxed) {
            crate::log_print!(
                "a client holds its share of the thread budget of {}: its work runs in its own thread",
                self.max
            );
        }
    }

    /// Logs, once in the life of the budget, that it has been reached.
    fn report(&self, what_happens: &str) {
        if !self.reported.swap(true, Ordering::Relaxed) {
            crate::log_print!(
                "thread budget of {} reached: {what_happens} (--max-threads sets the budget)",
                self.max
            );
        }
    }
}

/// Held by a thread of the budget while it runs.
struct Running(&'static Budget);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.finished();
    }
}

static BUDGET: OnceLock<Budget> = OnceLock::new();

/// Makes `budget` the program's budget. Call it once, at the start of
/// `main`; later calls (and calls after the first `go`) change nothing.
pub fn set_budget(budget: Budget) {
    let _ = BUDGET.set(budget);
}

/// The program's budget: the one given to [`set_budget`], else what the
/// system allows.
pub fn budget() -> &'static Budget {
    BUDGET.get_or_init(|| Budget::new(SystemLimits::read().budget(false)))
}

/// Go's `go f()`: runs `f` on a thread of its own, within the program's
/// thread budget (see the [module](self)).
pub fn go<F: FnOnce() + Send + 'static>(f: F) {
    budget().go(f);
}

/// Go's `go f()` for a loop that must neither wait for a thread nor run `f`
/// itself, since its threads wait for it to receive (the crawlers' `main`,
/// thumbnail's loops): at the budget, `f` is kept in order until a thread
/// ends.
pub fn go_queued<F: FnOnce() + Send + 'static>(f: F) {
    budget().go_queued(f);
}

/// What the system allows, as read at start. `None` is "no limit".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SystemLimits {
    /// `vm.max_map_count`: memory mappings a process may have.
    pub max_map_count: Option<u64>,
    /// Mappings the process has already (lines of `/proc/self/maps`).
    pub maps_in_use: u64,
    /// `kernel.threads-max`: threads on the whole system.
    pub threads_max: Option<u64>,
    /// `kernel.pid_max`: every thread takes a process ID.
    pub pid_max: Option<u64>,
    /// `ulimit -u` (`RLIMIT_NPROC`): processes and threads of this user.
    pub nproc: Option<u64>,
    /// `ulimit -n` (`RLIMIT_NOFILE`): open files of this process.
    pub open_files: Option<u64>,
}

/// Memory mappings per thread: its stack and guard page, and std's signal
/// stack and its guard page.
pub const MAPPINGS_PER_THREAD: u64 = 4;

/// Mappings left for the process's own use: its libraries, malloc's arenas,
/// large allocations.
pub const SPARE_MAPPINGS: u64 = 4096;

/// File descriptors a server keeps for itself (its listener, standard
/// streams, files it opens): this many, or an eighth of a smaller limit.
pub const SPARE_FILES: u64 = 32;

impl SystemLimits {
    /// Reads the limits of this process from `/proc` and `getrlimit`.
    pub fn read() -> SystemLimits {
        let sysctl = |name: &str| -> Option<u64> {
            let text = std::fs::read_to_string(format!("/proc/sys/{name}")).ok()?;
            text.trim().parse().ok()
        };
        let soft = |resource: rlimit::Resource| -> Option<u64> {
            let (soft, _) = resource.get().ok()?;
            (soft != rlimit::INFINITY).then_some(soft)
        };
        let maps_in_use = std::fs::read_to_string("/proc/self/maps")
            .map(|maps| maps.lines().count() as u64)
            .unwrap_or(0);
        SystemLimits {
            max_map_count: sysctl("vm/max_map_count"),
            maps_in_use,
            threads_max: sysctl("kernel/threads-max"),
            pid_max: sysctl("kernel/pid_max"),
            nproc: soft(rlimit::Resource::NPROC),
            open_files: soft(rlimit::Resource::NOFILE),
        }
    }

    /// How many threads a program may start at once: the smallest of
    /// - the mappings left, less [`SPARE_MAPPINGS`], over [`MAPPINGS_PER_THREAD`];
    /// - half of each limit shared with the rest of the system or user
    ///   (`threads-max`, `pid_max`, `ulimit -u`);
    /// - for a server, the open-file limit less [`SPARE_FILES`] (or an
    ///   eighth of it, if less), since each client's thread holds its
    ///   connection open;
    ///
    /// and at least 1.
    pub fn budget(&self, server: bool) -> usize {
        let mappings = self
            .max_map_count
            .map(|max| max.saturating_sub(self.maps_in_use + SPARE_MAPPINGS) / MAPPINGS_PER_THREAD);
        let shared = [self.threads_max, self.pid_max, self.nproc].map(|limit| limit.map(|n| n / 2));
        let files = if server {
            self.open_files
                .map(|n| n.saturating_sub(SPARE_FILES.min(n / 8)))
        } else {
            None
        };
        let smallest = [mappings, files]
            .into_iter()
            .chain(shared)
            .flatten()
            .min()
            .unwrap_or(u64::MAX);
        usize::try_from(smallest).unwrap_or(usize::MAX).max(1)
    }
}

/// Raises the soft open-file limit to the hard limit, as every Go program
/// (since 1.19) does at start, so that a server is not stopped near 1,000
/// clients by a desktop's default `ulimit -n 1024`. Failure changes nothing.
pub fn raise_open_file_limit() {
    let _ = rlimit::increase_nofile_limit(u64::MAX);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossbeam_channel::bounded;
    use std::time::Instant;

    /// This machine kind's values: vm.max_map_count 65530, root.
    fn typical() -> SystemLimits {
        SystemLimits {
            max_map_count: Some(65_530),
            maps_in_use: 60,
            threads_max: Some(192_000),
            pid_max: Some(4_194_304),
            nproc: Some(96_000),
            open_files: Some(1_048_576),
        }
    }

    #[test]
    fn the_mappings_set_the_budget_on_a_common_linux() {
        assert_eq!(typical().budget(false), (65_530 - 60 - 4096) / 4);
        assert_eq!(typical().budget(true), 15_343);
    }

    #[test]
    fn shared_limits_count_half() {
        let limits = SystemLimits {
            nproc: Some(4096),
            ..typical()
        };
        assert_eq!(limits.budget(false), 2048);
        let limits = SystemLimits {
            pid_max: Some(32_768),
            ..typical()
        };
        assert_eq!(limits.budget(false), 15_343);
        let limits = SystemLimits {
            threads_max: Some(10_000),
            ..typical()
        };
        assert_eq!(limits.budget(false), 5_000);
    }

    #[test]
    fn open_files_bound_servers_only() {
        let limits = SystemLimits {
            open_files: Some(1024),
            ..typical()
        };
        assert_eq!(limits.budget(true), 1024 - 32);
        assert_eq!(limits.budget(false), 15_343);
        let limits = SystemLimits {
            open_files: Some(40),
            ..typical()
        };
        assert_eq!(limits.budget(true), 35, "an eighth kept of a small limit");
    }

    #[test]
    fn a_raised_map_count_raises_the_budget() {
        let limits = SystemLimits {
            max_map_count: Some(262_144),
            ..typical()
        };
        // Then half of `ulimit -u` (96,000) is the smallest.
        assert_eq!(limits.budget(false), 48_000);
        let limits = SystemLimits {
            nproc: None,
            ..limits
        };
        assert_eq!(limits.budget(false), (262_144 - 60 - 4096) / 4);
    }

    #[test]
    fn no_limits_known_and_limits_used_up() {
        assert_eq!(SystemLimits::default().budget(true), usize::MAX);
        let limits = SystemLimits {
            maps_in_use: 70_000,
            ..typical()
        };
        assert_eq!(limits.budget(false), 1);
        let limits = SystemLimits {
            open_files: Some(1),
            ..typical()
        };
        assert_eq!(limits.budget(true), 1);
    }

    #[test]
    fn this_machine_gives_a_budget() {
        let n = SystemLimits::read().budget(true);
        assert!(n > 100, "{n}");
    }

    fn leak(budget: Budget) -> &'static Budget {
        Box::leak(Box::new(budget))
    }

    /// Counts how many jobs ran, and the most at once.
    #[derive(Default)]
    struct Meter {
        now: AtomicUsize,
        most: AtomicUsize,
        done: AtomicUsize,
    }

    impl Meter {
        fn job(&self) {
            let running = self.now.fetch_add(1, Ordering::SeqCst) + 1;
            self.most.fetch_max(running, Ordering::SeqCst);
            thread::sleep(Duration::from_millis(2));
            self.now.fetch_sub(1, Ordering::SeqCst);
            self.done.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Runs `n` jobs through `go` from this thread (outside the budget),
    /// each starting `nested` more through `go` from inside, and waits for
    /// all; returns the meter.
    fn run_jobs(budget: &'static Budget, n: usize, nested: usize) -> Arc<Meter> {
        let meter = Arc::new(Meter::default());
        let (finished_tx, finished_rx) = bounded::<()>(0);
        for _ in 0..n {
            let meter = Arc::clone(&meter);
            let finished = finished_tx.clone();
            budget.go(move || {
                for _ in 0..nested {
                    let (meter, finished) = (Arc::clone(&meter), finished.clone());
                    budget.go(move || {
                        meter.job();
                        drop(finished);
                    });
                }
                meter.job();
                drop(finished);
            });
        }
        drop(finished_tx);
        let _ = finished_rx.recv(); // every clone dropped: all done
        meter
    }

    #[test]
    fn go_never_runs_more_than_the_budget_and_drops_nothing() {
        let meter = run_jobs(leak(Budget::new(3)), 60, 0);
        assert_eq!(meter.done.load(Ordering::SeqCst), 60);
        let most = meter.most.load(Ordering::SeqCst);
        assert!(most <= 3, "{most} threads ran at once");
    }

    #[test]
    fn nested_go_at_the_budget_runs_in_place_without_deadlock() {
        let budget = leak(Budget::new(2));
        let meter = run_jobs(budget, 40, 3);
        assert_eq!(meter.done.load(Ordering::SeqCst), 160);
        let most = meter.most.load(Ordering::SeqCst);
        assert!(most <= 2, "{most} threads ran at once");
        wait_until(|| budget.running() == 0);
    }

    /// Waits (boundedly) until `done` holds.
    fn wait_until(done: impl Fn() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done() {
            assert!(Instant::now() < deadline, "timed out");
            thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn a_hog_takes_no_more_than_the_threads_still_free() {
        let budget = leak(Budget::new(10).fair());
        // A hog: a handler that starts twenty threads that block forever.
        let (_release, blocked) = bounded::<()>(0);
        let (started_tx, started) = bounded::<()>(100);
        budget.go(move || {
            for _ in 0..20 {
                let (blocked, started_tx) = (blocked.clone(), started_tx.clone());
                budget.go(move || {
                    let _ = started_tx.try_send(());
                    let _ = blocked.recv();
                });
                // In place at its share, the hog itself blocks here.
            }
        });
        wait_until(|| started.try_recv().is_ok());
        thread::sleep(Duration::from_millis(50));
        let hogged = budget.running();
        assert!(hogged <= 6, "the hog holds {hogged} of 10");
        // Another client still gets its handler and a thread for its work.
        let (tx, rx) = bounded::<&str>(1);
        budget.go(move || {
            let handler = thread::current().id();
            budget.go(move || {
                let own = thread::current().id() != handler;
                let _ = tx.send(if own { "a thread" } else { "in place" });
            });
        });
        assert_eq!(rx.recv_timeout(Duration::from_secs(30)), Ok("a thread"));
    }

    #[test]
    fn queued_work_starts_as_threads_end_while_the_loop_receives() {
        // A loop that waited for a thread here would deadlock, since every
        // thread blocks on a channel only it reads.
        let budget = leak(Budget::new(2));
        let (tx, rx) = bounded::<usize>(0);
        for i in 0..10 {
            let tx = tx.clone();
            budget.go_queued(move || {
                let _ = tx.send(i);
            });
        }
        drop(tx);
        assert!(budget.lock().queued.len() >= 8, "10 sends, 2 threads");
        let mut got: Vec<usize> = rx.iter().collect();
        got.sort_unstable();
        assert_eq!(got, (0..10).collect::<Vec<_>>());
        wait_until(|| budget.running() == 0);
    }

    #[test]
    fn a_panicking_thread_gives_its_place_back() {
        let budget = leak(Budget::new(1));
        budget.go(|| panic!("on purpose"));
        let (tx, rx) = bounded::<()>(1);
        budget.go(move || {
            let _ = tx.send(());
        });
        assert!(rx.recv_timeout(Duration::from_secs(30)).is_ok());
    }
}
