//! reverb2 within a tiny thread budget (`--max-threads 8`): a thread per
//! client and per shout, as the book has it, but never more threads than
//! the budget, and every shout of every client still echoed.
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
use std::time::Duration;

use common::testing::{PATIENCE, Server};

const REVERB2: &str = env!("CARGO_BIN_EXE_reverb2");

const BUDGET: usize = 8;
/// Threads not started through the budget: `main`, the accept loop; and,
/// on a busy machine, one or two that have given their token back and are
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
            seen.fetch_max(common::testing::threads_of(pid), Ordering::Relaxed);
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
    // The budget's one log line, and nothing else: no failed thread.
    let mut program = server.program;
    program.child.kill().unwrap();
    let (_, _, log) = program.finish();
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(log.contains("thread budget of 8 reached"), "{log}");
}
