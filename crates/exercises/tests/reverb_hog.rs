//! Exercises 8.4 and 8.8, reverb_wait and reverb_idle, against a hog: a
//! client that floods the server with shouts and never reads their echoes.
//! It slows only itself: another client still hears its echoes. And
//! reverb_idle disconnects it once it has been silent for the timeout,
//! though an echo to it is blocked then.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use socket2::{Domain, Socket, Type};
use testkit::reverb::echoes_of;
use testkit::{PATIENCE, Server};

const REVERB_WAIT: &str = env!("CARGO_BIN_EXE_reverb_wait");
const REVERB_IDLE: &str = env!("CARGO_BIN_EXE_reverb_idle");

/// How many lines the hog sends, 1,000 bytes each: far more than the
/// sockets between it and the server hold.
const HOG_LINES: usize = 16_000;

/// A client with a small receive buffer that sends [`HOG_LINES`] shouts and
/// never reads; then it keeps its connection open, silent.
struct Hog {
    /// Kept open, unread, while the hog lives.
    _conn: TcpStream,
    /// How many lines it has sent so far.
    sent: Arc<AtomicUsize>,
    /// The number of lines sent, once a write has failed: the server has
    /// dropped the hog.
    dropped: mpsc::Receiver<usize>,
}

impl Hog {
    fn start(addr: &str) -> Hog {
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
        // Small buffers: the echoes soon fill its own, and its count of
        // lines sent follows what the server reads.
        socket.set_recv_buffer_size(4096).expect("SO_RCVBUF");
        socket.set_send_buffer_size(4096).expect("SO_SNDBUF");
        let addr: SocketAddr = addr.parse().expect("an address");
        socket.connect(&addr.into()).expect("connect");
        let conn: TcpStream = socket.into();
        let mut writer = conn.try_clone().expect("try_clone");
        // Bounded, should the server never drop the hog.
        writer
            .set_write_timeout(Some(2 * PATIENCE))
            .expect("SO_SNDTIMEO");
        let sent = Arc::new(AtomicUsize::new(0));
        let (dropped_tx, dropped) = mpsc::channel();
        let counter = Arc::clone(&sent);
        thread::spawn(move || {
            let line = format!("{}\n", "h".repeat(999));
            for n in 0..HOG_LINES {
                if writer.write_all(line.as_bytes()).is_err() {
                    let _ = dropped_tx.send(n);
                    return;
                }
                counter.store(n + 1, Ordering::SeqCst);
            }
        });
        Hog {
            _conn: conn,
            sent,
            dropped,
        }
    }

    /// Waits until the hog is stuck on `server`: for two seconds neither has
    /// the server taken another of its lines nor has the number of the
    /// server's threads changed, so the echoes to the hog are blocked.
    fn wait_until_stuck(&self, server: &Server) {
        let deadline = Instant::now() + PATIENCE;
        let state = || (self.sent.load(Ordering::SeqCst), server.threads());
        let (mut last, mut since) = (state(), Instant::now());
        while since.elapsed() < Duration::from_secs(2) {
            assert!(Instant::now() < deadline, "the hog never got stuck");
            thread::sleep(Duration::from_millis(50));
            let now = state();
            assert!(now.0 < HOG_LINES, "the server took every line of the hog");
            if now != last {
                (last, since) = (now, Instant::now());
            }
        }
    }
}

/// With a hog stuck on `server`, another client shouts twice and hears
/// every echo.
fn another_client_is_served(server: &Server) {
    let hog = Hog::start(&server.addr);
    hog.wait_until_stuck(server);
    let mut client = server.connect(); // reads give up after PATIENCE
    for shout in ["Anybody?", "Hello!"] {
        client
            .stream
            .write_all(format!("{shout}\n").as_bytes())
            .unwrap();
        for echo in echoes_of(shout) {
            assert_eq!(client.read_line(), echo);
        }
    }
    assert!(
        hog.dropped.try_recv().is_err(),
        "the hog should still be connected"
    );
}

#[test]
fn reverb_wait_serves_others_while_a_hog_never_reads() {
    let server = Server::start(REVERB_WAIT, &["--max-threads", "8", "--delay", "1ms"]);
    another_client_is_served(&server);
}

#[test]
fn reverb_idle_serves_others_while_a_hog_never_reads() {
    let server = Server::start(
        REVERB_IDLE,
        &["--max-threads", "8", "--delay", "1ms", "--timeout", "1h"],
    );
    another_client_is_served(&server);
}

#[test]
fn reverb_idle_disconnects_a_hog_silent_for_the_timeout() {
    // Silent from the server's side: it sends nothing more the server can
    // read, since the server's echo to it is blocked.
    let server = Server::start(
        REVERB_IDLE,
        &["--max-threads", "8", "--delay", "1ms", "--timeout", "2s"],
    );
    let hog = Hog::start(&server.addr);
    let sent = hog
        .dropped
        .recv_timeout(PATIENCE)
        .expect("the hog was never disconnected");
    assert!(sent < HOG_LINES, "the hog was never stuck");
    // And every thread that served it has ended: only the accept loop is left.
    let deadline = Instant::now() + PATIENCE;
    while server.threads() > 1 {
        assert!(Instant::now() < deadline, "{} threads", server.threads());
        thread::sleep(Duration::from_millis(20));
    }
}
