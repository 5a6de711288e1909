//! clock2_tokio: clock2's own behaviour tests, and what threads could not
//! do: 20,000 idle clients at once, served by a handful of threads in a
//! few tens of megabytes.

use std::net::TcpStream;
use std::time::Instant;

use testkit::clock::assert_clock_line;
use testkit::net::assert_listen_failures;
use testkit::{Client, PATIENCE, Server, same_job};

const EXE: &str = env!("CARGO_BIN_EXE_clock2_tokio");

#[test]
fn serves_many_clients_at_once() {
    same_job::clock2_serves_many_clients_at_once(EXE);
}

#[test]
fn a_client_that_leaves_ends_only_its_own_handler_quietly() {
    same_job::clock2_a_client_that_leaves_ends_only_its_own_handler(EXE);
}

#[test]
fn a_listen_failure_is_one_log_line_and_exit_status_1() {
    assert_listen_failures(EXE);
}

#[test]
fn help_and_version() {
    testkit::cli::assert_help_and_version_of(EXE, "clock2", "clock2_tokio");
}

/// Past the thread version's ceiling (about 16,000 threads on a common
/// Linux, 35 under `ulimit -n 40`): 20,000 clients at once.
const CLIENTS: usize = 20_000;

#[test]
fn twenty_thousand_idle_clients_in_a_few_threads_and_little_memory() {
    let clients = raise_open_file_limit(2 * CLIENTS + 100);
    let server = Server::start(EXE, &[]);
    let start = Instant::now();
    let mut conns: Vec<TcpStream> = (0..clients)
        .map(|i| connect_from(i, &server.addr))
        .collect();
    eprintln!("connected in {:?}", start.elapsed());
    // Every one of them hears the time: read a line from each, the last one
    // connected first.
    for conn in conns.iter_mut().rev() {
        conn.set_read_timeout(Some(PATIENCE)).unwrap();
        assert_clock_line(&first_line(conn));
        assert!(start.elapsed() < 3 * PATIENCE, "too slow");
    }
    let pid = server.program.child.id();
    let threads = server.threads();
    let rss_mib = vm_kib(pid, "VmRSS:") / 1024;
    // A task is a few hundred bytes: the thread version needs about 100 MB
    // for 10,000 clients, Go 56 MB. A debug build, so the bound is loose.
    assert!(rss_mib < 60, "{clients} clients take {rss_mib} MiB");
    assert!(threads <= 2 + 2 * cpus(), "{threads} threads");
    // A newcomer is still served at once.
    let mut newcomer = Client::connect(&server.addr);
    assert_clock_line(&newcomer.read_line());
    eprintln!("{clients} clients: {rss_mib} MiB, {threads} threads");
}

/// Raises this process's open-file limit to at least `wanted` where it can
/// (root may raise the hard limit too), and returns how many clients fit.
fn raise_open_file_limit(wanted: usize) -> usize {
    use rlimit::Resource;
    let (soft, hard) = Resource::NOFILE.get().expect("getrlimit");
    let wanted = wanted as u64;
    if soft < wanted
        && Resource::NOFILE
            .set(wanted.max(soft), wanted.max(hard))
            .is_err()
    {
        Resource::NOFILE.set(hard, hard).expect("setrlimit");
    }
    let (soft, _) = Resource::NOFILE.get().expect("getrlimit");
    // Each client is one descriptor here; the server, a child, inherits the
    // limit for its own end.
    let fit = (soft as usize).saturating_sub(100).min(CLIENTS);
    assert!(
        fit >= CLIENTS / 2,
        "an open-file limit of {soft} is too low"
    );
    fit
}

/// Connects client `i` to `addr` from one of four loopback addresses,
/// 127.0.0.2 to 127.0.0.5: past some 15,000 connections from one address
/// Linux's search for a free ephemeral port slows to milliseconds a
/// connect.
fn connect_from(i: usize, addr: &str) -> TcpStream {
    use socket2::{Domain, Socket, Type};
    let from: std::net::SocketAddr = format!("127.0.0.{}:0", 2 + i % 4).parse().unwrap();
    let to: std::net::SocketAddr = addr.parse().unwrap();
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
    socket.bind(&from.into()).expect("bind");
    socket.connect(&to.into()).expect("connect");
    socket.into()
}

fn first_line(conn: &mut TcpStream) -> Vec<u8> {
    use std::io::Read;
    let mut line = Vec::new();
    let mut byte = [0];
    while line.last() != Some(&b'\n') {
        conn.read_exact(&mut byte).expect("read a tick");
        line.push(byte[0]);
    }
    line
}

/// A `Vm...:` figure of `/proc/PID/status`, in KiB.
fn vm_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
