//! The thread budget: Go's `go` statement, within what the system can give.
//!
//! Goroutines are cheap and threads are not. Go starts a million goroutines
//! without a murmur; a Rust process gets about 16,000 threads here. Each
//! thread takes four memory mappings (its stack and guard page, std's signal
//! stack and its guard page) and Linux allows 65,530 per process
//! (`cat /proc/sys/vm/max_map_count`). Past that, std aborts the whole
//! process from inside the new thread, where no `Result` can catch it.
//!
//! So every program that starts a thread per client, line, file, directory
//! or link starts it through a [`Budget`]: the book's counting semaphore of
//! 8.6, a channel of [`Tokens`], one token per running thread.
//!
//! | Go                                      | here                                   |
//! |-----------------------------------------|----------------------------------------|
//! | `var tokens = make(chan struct{}, n)`   | [`Tokens::new(n)`](Tokens::new)        |
//! | `tokens <- struct{}{}` / `<-tokens`     | [`Tokens::acquire`] / dropping the [`Token`] |
//! | `go f()` in an accept loop              | [`go`]: waits while the budget is spent |
//! | `go f()` inside work that holds a thread | [`go_or_run`]: runs `f` in place while the budget is spent |
//!
//! Only a thread that holds no token may wait for one (an accept loop,
//! `main`). A thread started through the budget never waits for another:
//! it uses [`go_or_run`] or [`try_go`], so the budget cannot deadlock.

use std::io;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use crossbeam_channel::{Receiver, Sender, bounded};

/// How long [`Budget::go`] waits after the system refused a thread before
/// it tries again: long enough not to spin, short enough to recover at once.
const BACK_OFF: std::time::Duration = std::time::Duration::from_millis(50);

/// A counting semaphore, as the book writes one in 8.6
/// (`var tokens = make(chan struct{}, 20)`): a channel buffered to `n`.
/// Sending a token acquires (`tokens <- struct{}{}`), and blocks while all
/// `n` are out; receiving one releases (`<-tokens`).
#[derive(Debug, Clone)]
pub struct Tokens {
    acquire: Sender<()>,
    release: Receiver<()>,
}

impl Tokens {
    /// `make(chan struct{}, n)`: at most `n` tokens out at once (at least 1).
    pub fn new(n: usize) -> Self {
        let (acquire, release) = bounded(n.max(1));
        Tokens { acquire, release }
    }

    /// `tokens <- struct{}{}`: waits until fewer than `n` tokens are out.
    pub fn acquire(&self) -> Token {
        // Cannot fail: we hold a receiver.
        let _ = self.acquire.send(());
        Token(self.release.clone())
    }

    /// A token if one is free now, as a `select` with a `default` case.
    pub fn try_acquire(&self) -> Option<Token> {
        self.acquire
            .try_send(())
            .ok()
            .map(|()| Token(self.release.clone()))
    }

    /// How many tokens are out now (`len(tokens)`).
    pub fn in_use(&self) -> usize {
        self.acquire.len()
    }
}

/// A token taken from [`Tokens`]; dropping it gives it back (`<-tokens`).
#[derive(Debug)]
pub struct Token(Receiver<()>);

impl Drop for Token {
    fn drop(&mut self) {
        let _ = self.0.recv();
    }
}

/// How many threads a program may start at once, and the stack each gets.
#[derive(Debug)]
pub struct Budget {
    tokens: Tokens,
    max: usize,
    stack_size: Option<usize>,
    /// Whether reaching the budget is logged (once); see [`Budget::quiet`].
    reported: AtomicBool,
}

impl Budget {
    /// A budget of `max` threads (at least 1), each with std's default stack.
    pub fn new(max: usize) -> Budget {
        Budget {
            tokens: Tokens::new(max),
            max: max.max(1),
            stack_size: None,
            reported: AtomicBool::new(false),
        }
    }

    /// The same budget, each thread with a stack of `bytes`.
    pub fn with_stack_size(mut self, bytes: usize) -> Budget {
        self.stack_size = Some(bytes);
        self
    }

    /// The same budget, never logged when reached: for a budget that a
    /// program chose as part of its design, not the system's ceiling.
    pub fn quiet(self) -> Budget {
        self.reported.store(true, Ordering::Relaxed);
        self
    }

    /// The most threads started through this budget that run at once.
    pub fn max(&self) -> usize {
        self.max
    }

    /// How many of them run now.
    pub fn running(&self) -> usize {
        self.tokens.in_use()
    }

    /// Go's `go f()` for a loop that holds no thread of the budget, such as
    /// an accept loop: waits while the budget is spent, then starts `f` on a
    /// thread of its own. Meanwhile new clients wait in the listen backlog.
    ///
    /// If the system refuses a thread even so, it logs, waits a moment and
    /// tries again: `f` is never dropped.
    pub fn go<F: FnOnce() + Send + 'static>(&self, mut f: F) {
        loop {
            let token = match self.tokens.try_acquire() {
                Some(token) => token,
                None => {
                    self.report("new work waits for a thread to finish");
                    self.tokens.acquire()
                }
            };
            match self.spawn(token, f) {
                Ok(()) => return,
                Err((err, back)) => {
                    // Within the budget, the system may still refuse (memory).
                    crate::log_print!("starting a thread: {}", crate::go_error(&err));
                    thread::sleep(BACK_OFF);
                    f = back;
                }
            }
        }
    }

    /// Go's `go f()` if a thread can be had now; otherwise `f` comes back
    /// untouched, for the caller to run in place or keep for later.
    pub fn try_go<F: FnOnce() + Send + 'static>(&self, f: F) -> Result<(), F> {
        let Some(token) = self.tokens.try_acquire() else {
            self.report("work runs in place until a thread is free");
            return Err(f);
        };
        self.spawn(token, f).map_err(|(_, f)| f)
    }

    /// Go's `go f()` for work that itself holds a thread of the budget (a
    /// shout's echo, a subdirectory's walk): if no thread can be had now,
    /// runs `f` right here. Slower, but nothing is lost and nothing waits
    /// for a token it can never get.
    pub fn go_or_run<F: FnOnce() + Send + 'static>(&self, f: F) {
        if let Err(f) = self.try_go(f) {
            f();
        }
    }

    /// Starts `f` on a new thread that gives `token` back as it ends; if the
    /// system refuses the thread, gives back `f` with the error.
    fn spawn<F: FnOnce() + Send + 'static>(
        &self,
        token: Token,
        f: F,
    ) -> Result<(), (io::Error, F)> {
        // The new thread takes `f` from a channel, so that we still hold it
        // if the thread cannot start.
        let (give, take) = bounded::<F>(1);
        let mut builder = thread::Builder::new();
        if let Some(bytes) = self.stack_size {
            builder = builder.stack_size(bytes);
        }
        let started = builder.spawn(move || {
            let _token = token; // given back when this thread ends, even by a panic
            if let Ok(f) = take.recv() {
                f();
            }
        });
        match started {
            Ok(_) => {
                let _ = give.send(f);
                Ok(())
            }
            Err(err) => Err((err, f)),
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

static BUDGET: OnceLock<Budget> = OnceLock::new();

/// Makes `budget` the program's budget, used by [`go`], [`try_go`] and
/// [`go_or_run`]. Call it once, at the start of `main`; later calls (and
/// calls after the first `go`) change nothing.
pub fn set_budget(budget: Budget) {
    let _ = BUDGET.set(budget);
}

/// The program's budget: the one given to [`set_budget`], else what the
/// system allows.
pub fn budget() -> &'static Budget {
    BUDGET.get_or_init(|| Budget::new(SystemLimits::read().budget(false)))
}

/// [`Budget::go`] on the program's budget.
pub fn go<F: FnOnce() + Send + 'static>(f: F) {
    budget().go(f);
}

/// [`Budget::try_go`] on the program's budget.
pub fn try_go<F: FnOnce() + Send + 'static>(f: F) -> Result<(), F> {
    budget().try_go(f)
}

/// [`Budget::go_or_run`] on the program's budget.
pub fn go_or_run<F: FnOnce() + Send + 'static>(f: F) {
    budget().go_or_run(f);
}

/// Work that found no thread of the budget, waiting to be started by a loop
/// that must never wait for a token itself.
///
/// The crawlers' `main` receives from an unbuffered worklist that only it
/// reads, while every thread of the budget may be blocked sending to it: if
/// `main` waited for a token (`go`), nothing could move. So `main` starts
/// each link's thread with [`Backlog::go`], which keeps the work when no
/// thread can be had, and receives with [`Backlog::recv`], which starts the
/// kept work as threads come free.
pub struct Backlog {
    waiting: std::collections::VecDeque<Box<dyn FnOnce() + Send>>,
}

/// How often [`Backlog::recv`] tries again to start the work it keeps.
const RETRY: std::time::Duration = std::time::Duration::from_millis(10);

impl Backlog {
    /// An empty backlog.
    pub fn new() -> Backlog {
        Backlog {
            waiting: std::collections::VecDeque::new(),
        }
    }

    /// Go's `go f()`: on a thread of its own if the budget has one now,
    /// else kept, in order, until [`Backlog::recv`] can start it.
    pub fn go<F: FnOnce() + Send + 'static>(&mut self, f: F) {
        if !self.waiting.is_empty() {
            self.waiting.push_back(Box::new(f)); // keep the order
        } else if let Err(f) = try_go(f) {
            self.waiting.push_back(Box::new(f));
        }
    }

    /// How much work waits for a thread.
    pub fn len(&self) -> usize {
        self.waiting.len()
    }

    /// Whether no work waits for a thread.
    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }

    /// `<-ch`: the next value from `rx`, or `None` once it is closed;
    /// meanwhile, starts the work kept here as threads come free.
    pub fn recv<T>(&mut self, rx: &Receiver<T>) -> Option<T> {
        loop {
            while let Some(f) = self.waiting.pop_front() {
                if let Err(f) = try_go(f) {
                    self.waiting.push_front(Box::new(f));
                    break;
                }
            }
            if self.waiting.is_empty() {
                return rx.recv().ok();
            }
            match rx.recv_timeout(RETRY) {
                Ok(value) => return Some(value),
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => continue,
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return None,
            }
        }
    }
}

impl Default for Backlog {
    fn default() -> Self {
        Backlog::new()
    }
}

impl std::fmt::Debug for Backlog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backlog")
            .field("waiting", &self.waiting.len())
            .finish()
    }
}

/// The `--max-threads` flag, for every program that starts a thread per
/// client, line, file, directory or link (`#[command(flatten)]`).
#[derive(Debug, Clone, clap::Args)]
pub struct MaxThreads {
    /// The most threads to run at once. At the budget, servers stop
    /// accepting until a thread is free, and other work runs in place or
    /// waits its turn. Default: what the system allows
    /// (vm.max_map_count / 4, kernel.threads-max, ulimit -u, and for servers
    /// ulimit -n), about 16,000 threads on a common Linux
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_threads: Option<u32>,
}

impl MaxThreads {
    /// The budget this flag gives a program that is not a server.
    pub fn budget(&self) -> Budget {
        self.budget_for(false)
    }

    /// The budget this flag gives a server, whose every client thread also
    /// holds a file descriptor.
    pub fn server_budget(&self) -> Budget {
        self.budget_for(true)
    }

    /// The budget this flag gives a program for which more than `most`
    /// threads would only wait (du3's walkers share 20 directory reads):
    /// the flag's number if given, else `most` or what the system allows,
    /// if less. Reaching that default is not logged: it is the program's
    /// design, not the system's ceiling.
    pub fn budget_at_most(&self, most: usize) -> Budget {
        match self.max_threads {
            Some(_) => self.budget(),
            None => Budget::new(SystemLimits::read().budget(false).min(most)).quiet(),
        }
    }

    fn budget_for(&self, server: bool) -> Budget {
        match self.max_threads {
            Some(n) => Budget::new(n as usize),
            None => Budget::new(SystemLimits::read().budget(server)),
        }
    }
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

/// File descriptors a server keeps for itself: its listener, standard
/// streams, and files it opens.
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
    /// - for a server, the open-file limit less [`SPARE_FILES`], since each
    ///   client's thread holds its connection open;
    ///
    /// and at least 1.
    pub fn budget(&self, server: bool) -> usize {
        let mappings = self
            .max_map_count
            .map(|max| max.saturating_sub(self.maps_in_use + SPARE_MAPPINGS) / MAPPINGS_PER_THREAD);
        let shared = [self.threads_max, self.pid_max, self.nproc].map(|limit| limit.map(|n| n / 2));
        let files = if server {
            self.open_files.map(|n| n.saturating_sub(SPARE_FILES))
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
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

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
            open_files: Some(10),
            ..typical()
        };
        assert_eq!(limits.budget(true), 1);
    }

    #[test]
    fn a_program_may_cap_its_default_budget_but_not_the_flag() {
        let default = MaxThreads { max_threads: None };
        assert_eq!(default.budget_at_most(32).max(), 32);
        let given = MaxThreads {
            max_threads: Some(1000),
        };
        assert_eq!(given.budget_at_most(32).max(), 1000);
    }

    #[test]
    fn this_machine_gives_a_budget() {
        let n = SystemLimits::read().budget(true);
        assert!(n > 100, "{n}");
    }

    /// Runs `n` jobs through `go` (and, if `nested`, `n` more through
    /// `go_or_run` from inside them), each sleeping a moment, and returns how
    /// many ran and the most that ran at once.
    fn run_jobs(budget: &'static Budget, n: usize, nested: bool) -> (usize, usize) {
        let done = Arc::new(AtomicUsize::new(0));
        let now = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let job = {
            let (done, now, most) = (done.clone(), now.clone(), most.clone());
            move || {
                let running = now.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(running, Ordering::SeqCst);
                thread::sleep(Duration::from_millis(2));
                now.fetch_sub(1, Ordering::SeqCst);
                done.fetch_add(1, Ordering::SeqCst);
            }
        };
        let (finished_tx, finished_rx) = bounded::<()>(0);
        for _ in 0..n {
            let job = job.clone();
            let finished = finished_tx.clone();
            if nested {
                // Every job starts another from inside a thread of the budget.
                budget.go(move || {
                    let inner = job.clone();
                    let finished_inner = finished.clone();
                    budget.go_or_run(move || {
                        inner();
                        drop(finished_inner);
                    });
                    job();
                    drop(finished);
                });
            } else {
                budget.go(move || {
                    job();
                    drop(finished);
                });
            }
        }
        drop(finished_tx);
        let _ = finished_rx.recv(); // every clone dropped: all done
        (done.load(Ordering::SeqCst), most.load(Ordering::SeqCst))
    }

    #[test]
    fn go_never_runs_more_than_the_budget_and_drops_nothing() {
        let budget: &'static Budget = Box::leak(Box::new(Budget::new(3)));
        let (done, most) = run_jobs(budget, 60, false);
        assert_eq!(done, 60);
        assert!(most <= 3, "{most} threads ran at once");
    }

    #[test]
    fn nested_spawns_at_the_budget_run_in_place_without_deadlock() {
        let budget: &'static Budget = Box::leak(Box::new(Budget::new(2)));
        let (done, most) = run_jobs(budget, 40, true);
        assert_eq!(done, 80);
        assert!(most <= 2, "{most} threads ran at once");
    }

    #[test]
    fn a_backlog_starts_kept_work_while_its_loop_receives() {
        // The global budget, at 2: a loop that waited for a token here would
        // deadlock, since every thread blocks on a channel only it reads.
        set_budget(Budget::new(2));
        let (tx, rx) = bounded::<usize>(0);
        let mut backlog = Backlog::new();
        for i in 0..10 {
            let tx = tx.clone();
            backlog.go(move || {
                let _ = tx.send(i);
            });
        }
        drop(tx);
        assert!(!backlog.is_empty(), "10 sends, 2 threads: some are kept");
        let mut got: Vec<usize> = std::iter::from_fn(|| backlog.recv(&rx)).collect();
        got.sort_unstable();
        assert_eq!(got, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn try_go_gives_the_work_back_at_the_budget() {
        let budget = Budget::new(1);
        let (release, wait) = bounded::<()>(0);
        budget.go(move || {
            let _ = wait.recv();
        });
        let ran = Arc::new(AtomicBool::new(false));
        let flag = ran.clone();
        let back = budget.try_go(move || flag.store(true, Ordering::SeqCst));
        let work = back.expect_err("no thread while the only one is out");
        work();
        assert!(ran.load(Ordering::SeqCst));
        drop(release);
    }
}
