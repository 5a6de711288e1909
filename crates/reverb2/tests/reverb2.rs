//! reverb2 as a client sees it: the echoes of successive shouts overlap.
//! (The tests reverb2_tokio shares live in `testkit::same_job`.)

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use socket2::{Domain, Socket, Type};
use testkit::net::{assert_a_long_line_resets, assert_listen_failures};
use testkit::reverb::assert_a_long_line_cuts_off_the_echoes;
use testkit::{PATIENCE, Server, same_job};

const REVERB2: &str = env!("CARGO_BIN_EXE_reverb2");

#[test]
fn the_echoes_of_two_shouts_overlap() {
    same_job::reverb2_the_echoes_of_two_shouts_overlap(REVERB2);
}

#[test]
fn the_end_of_input_cuts_off_pending_echoes() {
    same_job::reverb2_the_end_of_input_cuts_off_pending_echoes(REVERB2);
}

#[test]
fn each_echo_line_arrives_whole() {
    same_job::reverb2_each_echo_line_arrives_whole(REVERB2);
}

/// Go's scan ends at a line over 64 KiB, and its `Close` with the rest of
/// the line unread resets the connection; Go's netcat2 then exits with
/// `read: connection reset by peer`, where a FIN would end it quietly.
#[test]
fn a_line_over_64_kib_resets_the_connection() {
    let server = Server::start(REVERB2, &[]);
    assert_a_long_line_resets(&server.addr);
}

/// And the echoes still sleeping write nothing more: Go's netcat2 prints
/// `\t HI`, then the reset, and not `\t hi` twice before it.
#[test]
fn a_long_line_cuts_off_the_echoes_under_way() {
    let server = Server::start(REVERB2, &["--delay", "2s"]);
    assert_a_long_line_cuts_off_the_echoes(&server.addr);
}

/// A client that never reads: it sends twenty shouts whose echoes, 3.6 MB,
/// are far more than the sockets between it and `server` hold.
fn hog(server: &Server) -> TcpStream {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
    socket.set_recv_buffer_size(4096).expect("SO_RCVBUF");
    let addr: SocketAddr = server.addr.parse().expect("an address");
    socket.connect(&addr.into()).expect("connect");
    let mut hog = TcpStream::from(socket);
    hog.set_read_timeout(Some(PATIENCE)).unwrap();
    let shout = [vec![b'h'; 60_000], b"\n".to_vec()].concat();
    for _ in 0..20 {
        hog.write_all(&shout).unwrap();
    }
    // With a delay of 1 ms the echoes would be done by now: they are blocked.
    thread::sleep(Duration::from_secs(1));
    assert!(server.threads() > 1, "the echoes were not blocked");
    hog
}

/// Waits until only the accept loop is left: the server has let the client go.
fn assert_let_go(server: &Server) {
    let deadline = Instant::now() + PATIENCE;
    while server.threads() > 1 {
        assert!(Instant::now() < deadline, "{} threads", server.threads());
        thread::sleep(Duration::from_millis(20));
    }
}

/// A client that never reads, then ends its input: Go's `Close` wakes the
/// echo blocked writing to it, and the server lets the client go; it reads
/// what was sent, then the end (as from Go's: 2,400,120 bytes here).
#[test]
fn a_client_that_never_reads_is_let_go_at_the_end_of_its_input() {
    let server = Server::start(REVERB2, &["--delay", "1ms"]);
    let mut hog = hog(&server);
    hog.shutdown(Shutdown::Write).unwrap();
    assert_let_go(&server);
    let mut heard = Vec::new();
    hog.read_to_end(&mut heard).expect("the end, not a reset");
}

/// A client that never reads, then sends a line over 64 KiB: the server lets
/// it go, and it reads a reset, as from Go's.
#[test]
fn a_client_that_never_reads_is_let_go_at_a_long_line() {
    let server = Server::start(REVERB2, &["--delay", "1ms"]);
    let mut hog = hog(&server);
    let _ = hog.write_all(&[vec![b'x'; 100_000], b"\n".to_vec()].concat());
    assert_let_go(&server);
    let err = hog.read_to_end(&mut Vec::new()).expect_err("a reset");
    assert_eq!(err.kind(), io::ErrorKind::ConnectionReset, "{err}");
}

#[test]
fn a_listen_failure_is_one_log_line_and_exit_status_1() {
    assert_listen_failures(REVERB2);
}

#[test]
fn help_and_version() {
    testkit::cli::assert_help_and_version(REVERB2, "reverb2");
}
