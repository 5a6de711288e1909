//! clock2 out of file descriptors: it logs Go's accept error, backs off
//! instead of spinning, stays up, and serves new clients once the old ones
//! have gone.
//!
//! The server runs under `ulimit -n 16`: standard streams, the listener and
//! a dozen connections. The kernel still completes every connection a
//! client asks for (the listen backlog), so extra clients wait there while
//! `accept` fails with EMFILE.
//!
//! By default clock2's thread budget stays below the open-file limit, so it
//! never reaches EMFILE at all: the second test; and clients who hung up
//! while they waited cost nothing once threads come free: the third. The
//! first sets a budget above the limit with `--max-threads` to reach the
//! accept failure.

use std::thread;
use std::time::{Duration, Instant};

use testkit::cli::go_log_message;
use testkit::clock::assert_clock_line;
use testkit::{Client, PATIENCE, Server};

const CLOCK2: &str = env!("CARGO_BIN_EXE_clock2");

/// The descriptors clock2 may have open.
const FILES: usize = 16;

#[test]
fn out_of_descriptors_it_logs_backs_off_and_recovers() {
    let limit = format!("ulimit -n {FILES}");
    let Server { mut program, addr } =
        Server::start_after(&limit, CLOCK2, &["--max-threads", "1000"]);
    let server = &mut program;
    let pid = server.child.id();
    let log = server.stderr_lines();

    // Twice as many clients as the server has descriptors.
    let mut clients: Vec<Client> = (0..2 * FILES).map(|_| Client::connect(&addr)).collect();

    // Go's wording: `accept tcp 127.0.0.1:PORT: accept4: too many open files`.
    let wanted = format!("accept tcp {addr}: accept4: too many open files");
    let first = log
        .recv_timeout(PATIENCE)
        .expect("no accept error was logged");
    assert_eq!(go_log_message(&first), wanted);

    // It backs off: out of descriptors, its CPU time stays well below the
    // time that passes. (Go's loop retries at once, at 80% of a core.)
    let (cpu, wall) = cpu_time_over(pid, Duration::from_secs(2));
    assert!(
        cpu < wall / 2,
        "clock2 spins while out of descriptors: {cpu:?} of CPU in {wall:?}"
    );
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "clock2 exited while out of descriptors"
    );
    // The clients it did accept are served all the while.
    assert_clock_line(&clients[0].read_line());

    // Recovery: the clients leave; the server's writes to them fail, which
    // frees their descriptors, and a newcomer gets the time.
    clients.clear();
    let mut newcomer = Client::connect(&addr);
    assert_clock_line(&newcomer.read_line());
    assert!(server.child.try_wait().unwrap().is_none(), "clock2 exited");

    // Nothing but accept errors was logged: no panic, no other failure.
    server.child.kill().unwrap();
    for line in log.iter() {
        assert_eq!(go_log_message(&line), wanted);
    }
}

#[test]
fn by_default_the_budget_keeps_it_within_its_descriptors() {
    const FILES: usize = 40; // a budget of 40 - 40/8 = 35 clients at once
    const BUDGET: usize = 35;
    let limit = format!("ulimit -n {FILES}");
    let Server { mut program, addr } = Server::start_after(&limit, CLOCK2, &[]);
    let server = &mut program;
    let log = server.stderr_lines();

    // Twice as many clients as the budget: the first ones get the time,
    // the others wait in the listen backlog, and one line says why.
    let mut clients: Vec<Client> = (0..2 * BUDGET).map(|_| Client::connect(&addr)).collect();
    let first = log.recv_timeout(PATIENCE).expect("no budget line");
    assert_eq!(
        go_log_message(&first),
        format!(
            "thread budget of {BUDGET} reached: new work waits for a thread to finish \
             (--max-threads sets the budget)"
        )
    );
    let mut waiting = clients.split_off(BUDGET - 1);
    for client in &mut clients {
        assert_clock_line(&client.read_line());
    }
    // As the served clients leave, the waiting ones are served in turn.
    clients.clear();
    for mut client in waiting.drain(..) {
        assert_clock_line(&client.read_line());
    }
    // Nothing else was logged: no accept error, no failed thread.
    server.child.kill().unwrap();
    assert_eq!(log.iter().count(), 0);
}

#[test]
fn a_crowd_that_has_gone_does_not_keep_a_newcomer_waiting() {
    const FILES: usize = 40; // a budget of 35 clients at once
    const SERVED: usize = 35;
    let limit = format!("ulimit -n {FILES}");
    let server = Server::start_after(&limit, CLOCK2, &[]);

    // A crowd of 350: 35 are served, 315 wait in the listen backlog.
    let mut crowd: Vec<Client> = (0..350).map(|_| server.connect()).collect();
    for client in &mut crowd[..SERVED - 1] {
        assert_clock_line(&client.read_line());
    }
    // They all leave. The 35 handlers notice at their next writes; the 315
    // who hung up while they waited are passed over, not served a second
    // each (nine seconds in all), so a newcomer hears the time at once.
    crowd.clear();
    let start = Instant::now();
    let mut newcomer = server.connect();
    let first = newcomer.read_line();
    let waited = start.elapsed();
    assert_clock_line(&first);
    assert!(
        waited < Duration::from_secs(5),
        "the newcomer waited {waited:?} for its first tick"
    );
}

/// The CPU time (user + system) process `pid` uses over `span`, and the
/// wall time that took.
fn cpu_time_over(pid: u32, span: Duration) -> (Duration, Duration) {
    let start = Instant::now();
    let before = cpu_time(pid);
    thread::sleep(span);
    (cpu_time(pid) - before, start.elapsed())
}

/// User plus system time of process `pid`, from `/proc/PID/stat`.
fn cpu_time(pid: u32) -> Duration {
    // Linux reports these in USER_HZ, which is 100 on every architecture.
    const TICKS_PER_SECOND: u64 = 100;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("read /proc/PID/stat");
    // After "PID (COMM) ", utime and stime are the 12th and 13th fields.
    let after_name = &stat[stat.rfind(')').expect("comm in stat") + 2..];
    let fields: Vec<u64> = after_name
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    let ticks = fields[11] + fields[12];
    Duration::from_millis(ticks * 1000 / TICKS_PER_SECOND)
}

#[test]
fn it_raises_its_soft_open_file_limit_to_the_hard_limit_as_go_does() {
    // A desktop's default: a soft limit of 1024 under a higher hard limit.
    let server = Server::start_after("ulimit -Sn 1024 && ulimit -Hn 4096", CLOCK2, &[]);
    let pid = server.program.child.id();
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let open_files = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))
        .expect("Max open files in /proc/PID/limits");
    let fields: Vec<&str> = open_files.split_whitespace().collect();
    assert_eq!(fields[3..5], ["4096", "4096"], "{open_files}");
}
