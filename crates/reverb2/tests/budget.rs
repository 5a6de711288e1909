//! reverb2 within a tiny thread budget (`--max-threads 8`): a thread per
//! client and per shout, as the book has it, but never more threads than
//! the budget, every shout of every client still echoed, and a client that
//! never reads holds no more than its share: the others are still heard.
//!
//! Without the budget, one client sending 40 KB of shouts at once makes
//! 20,000 threads and std aborts the process; here the budget is small so
//! that the test stays quick, and the thread count shows it holds.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use testkit::{PATIENCE, Server};

const REVERB2: &str = env!("CARGO_BIN_EXE_reverb2");

const BUDGET: usize = 8;
/// Threads not started through the budget: `main`, which accepts; and,
/// on a busy machine, one or two that have given their place back and are
/// still on their way out when Linux counts them.
const OVERHEAD: usize = 1 + 2;

/// Sends `shouts` lines on a connection of its own while reading the
/// echoes, and returns how many times each echo line came back.
fn shout(addr: &str, shouts: Vec<String>) -> HashMap<String, usize> {
    let stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let expected = shouts.len() * 3;
    let mut writer = stream.try_clone().unwrap();
    // A writer of its own, so that neither side's buffers fill up.
    let sending = thread::spawn(move || {
        for shout in shouts {
            writer.write_all(format!("{shout}\n").as_bytes()).unwrap();
        }
    });
    let mut echoes = HashMap::new();
    let mut reader = BufReader::new(stream);
    for _ in 0..expected {
        let mut line = String::new();
        let n = reader.read_line(&mut line).expect("an echo in time");
        assert!(n > 0, "connection closed after {} echoes", echoes.len());
        *echoes.entry(line).or_insert(0) += 1;
    }
    sending.join().unwrap();
    let _ = reader.get_ref().shutdown(Shutdown::Both);
    echoes
}

/// The shouts `{tag}{i}` for `i < n`; `tag` mixes cases, so that the
/// three echoes of a shout differ.
fn shouts(tag: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{tag}{i}")).collect()
}

/// Asserts that every shout of `shouts` came back loud, as is and quiet,
/// once each.
fn assert_all_echoed(echoes: &HashMap<String, usize>, shouts: &[String]) {
    for shout in shouts {
        for echo in [shout.to_uppercase(), shout.clone(), shout.to_lowercase()] {
            let line = format!("\t {echo}\n");
            assert_eq!(echoes.get(&line), Some(&1), "{line:?}");
        }
    }
}

/// Samples the server's thread count until `stop`, keeping the largest.
fn watch_threads(server: &Server, stop: Arc<AtomicBool>) -> Arc<AtomicUsize> {
    let most = Arc::new(AtomicUsize::new(0));
    let pid = server.program.child.id();
    let seen = most.clone();
    thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            seen.fetch_max(testkit::threads_of(pid), Ordering::Relaxed);
            thread::sleep(Duration::from_millis(1));
        }
    });
    most
}

#[test]
fn many_clients_and_shouts_within_eight_threads_are_all_echoed() {
    let server = Server::start(
        REVERB2,
        &["--delay", "5ms", "--max-threads", &BUDGET.to_string()],
    );
    let stop = Arc::new(AtomicBool::new(false));
    let most = watch_threads(&server, stop.clone());

    // 24 clients of 50 shouts each: three times the budget in clients
    // alone, and 1,200 echo threads wanted.
    let clients: Vec<_> = (0..24)
        .map(|c| {
            let addr = server.addr.clone();
            thread::spawn(move || {
                let sent = shouts(&format!("Client{c}s"), 50);
                let echoes = shout(&addr, sent.clone());
                assert_all_echoed(&echoes, &sent);
            })
        })
        .collect();
    for client in clients {
        client.join().expect("every client's every shout echoed");
    }
    stop.store(true, Ordering::Relaxed);
    let most = most.load(Ordering::Relaxed);
    assert!(
        most <= BUDGET + OVERHEAD,
        "{most} threads, budget {BUDGET} + {OVERHEAD}"
    );
}

#[test]
fn a_client_is_answered_while_another_floods() {
    let server = Server::start(
        REVERB2,
        &["--delay", "1ms", "--max-threads", &BUDGET.to_string()],
    );
    let flood = {
        let addr = server.addr.clone();
        thread::spawn(move || shout(&addr, shouts("Flood", 3000)))
    };
    thread::sleep(Duration::from_millis(100)); // the flood is under way
    let echoes = shout(&server.addr, vec!["Hello?".to_string()]);
    assert_eq!(echoes.get("\t HELLO?\n"), Some(&1));
    assert_eq!(echoes.get("\t hello?\n"), Some(&1));
    let flooded = flood.join().expect("the flood is echoed");
    assert_all_echoed(&flooded, &shouts("Flood", 3000));
    // The budget's one log line (the flood reaching its share), and nothing
    // else: no failed thread.
    let mut program = server.program;
    program.child.kill().unwrap();
    let (_, _, log) = program.finish();
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(log.contains("share of the thread budget of 8"), "{log}");
}

/// A hog: a client with a small receive buffer that floods the server with
/// 16,000 long shouts and never reads an echo. Returns its connection,
/// which stays open until the test ends, and how many lines it has sent:
/// that stops growing once the server has stopped reading it.
fn hog(addr: &str) -> (TcpStream, Arc<AtomicUsize>) {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
    socket.set_recv_buffer_size(4096).expect("SO_RCVBUF");
    let sa: std::net::SocketAddr = addr.parse().expect("an address");
    socket.connect(&sa.into()).expect("connect");
    let stream = TcpStream::from(socket);
    let mut writer = stream.try_clone().unwrap();
    let sent = Arc::new(AtomicUsize::new(0));
    let counted = sent.clone();
    thread::spawn(move || {
        let line = [vec![b'h'; 1000], b"\n".to_vec()].concat();
        for _ in 0..16_000 {
            if writer.write_all(&line).is_err() {
                return; // the server is gone: the test is over
            }
            counted.fetch_add(1, Ordering::Relaxed);
        }
    });
    (stream, sent)
}

#[test]
fn a_client_that_never_reads_does_not_starve_the_others() {
    let server = Server::start(
        REVERB2,
        &["--delay", "1ms", "--max-threads", &BUDGET.to_string()],
    );
    let stop = Arc::new(AtomicBool::new(false));
    let most = watch_threads(&server, stop.clone());
    let (_hog, sent) = hog(&server.addr);
    // The hog's echoes fill its socket, and then they and its handler
    // block writing to it: wait until the server stops reading it.
    let deadline = Instant::now() + PATIENCE;
    let mut last = (0, Instant::now());
    while last.0 == 0 || last.1.elapsed() < Duration::from_secs(1) {
        assert!(
            Instant::now() < deadline,
            "the server never stopped reading the hog"
        );
        let now = sent.load(Ordering::Relaxed);
        if now != last.0 {
            last = (now, Instant::now());
        }
        thread::sleep(Duration::from_millis(10));
    }
    assert!(last.0 < 16_000, "the hog was read to the end");

    // Another client is still heard: its handler and its echo get threads.
    let mut client = server.connect();
    client.stream.write_all(b"Hello?\n").unwrap();
    for echo in ["\t HELLO?\n", "\t Hello?\n", "\t hello?\n"] {
        let line = client.read_line_within(Duration::from_secs(20));
        let line = line.expect("an echo within 20 s, the hog notwithstanding");
        assert_eq!(String::from_utf8_lossy(&line), echo);
    }
    stop.store(true, Ordering::Relaxed);
    let most = most.load(Ordering::Relaxed);
    assert!(
        most <= BUDGET + OVERHEAD,
        "{most} threads, budget {BUDGET} + {OVERHEAD}"
    );
}
