//! The channel walk-throughs in `examples/`, checked in process.
//!
//! Each example keeps its logic in `pub fn run(out: &mut dyn Write, ..)`,
//! and `main` only passes it standard output. This test compiles each example
//! file as a module (`#[path]`) and calls `run` on a `Vec<u8>`, so the code
//! checked is the example's own, without running `cargo` from a test.

use std::error::Error;
use std::io::Write;
use std::time::Duration;

use testkit::within_patience;

// The examples' `main`s are not called here.
#[allow(dead_code)]
#[path = "../examples/buffered_channel.rs"]
mod buffered_channel;
#[allow(dead_code)]
#[path = "../examples/closed_channel.rs"]
mod closed_channel;
#[allow(dead_code)]
#[path = "../examples/mirrored_query.rs"]
mod mirrored_query;
#[allow(dead_code)]
#[path = "../examples/unbuffered.rs"]
mod unbuffered;

/// The signature of the examples' `run`s (mirrored_query's takes more).
type Run = fn(&mut dyn Write) -> Result<(), Box<dyn Error>>;

fn output(run: Run) -> String {
    let mut out = Vec::new();
    run(&mut out).expect("run");
    String::from_utf8(out).expect("UTF-8")
}

#[test]
fn buffered_channel_prints_the_books_values() {
    assert_eq!(output(buffered_channel::run), "A\n3\n2\nB\nC\n");
}

#[test]
fn closed_channel_shows_values_then_errors_then_the_end_of_range() {
    assert_eq!(
        output(closed_channel::run),
        "after close, the values sent come first, then errors:\n\
         ch.recv() = Ok(1)\n\
         ch.recv() = Ok(2)\n\
         ch.recv() = Err(RecvError)\n\
         ch.recv() = Err(RecvError)\n\
         Go's zero value, x := <-ch: x = 0\n\
         Go's x, ok := <-ch: x = 0, ok = false\n\
         for x in ch, Go's range:\n\
         1\n\
         2\n\
         the loop ended: the channel is closed and drained\n"
    );
}

#[test]
fn unbuffered_hand_offs_see_the_writes_before_them() {
    let text = within_patience(|| output(unbuffered::run));
    assert_eq!(
        text,
        "background: x = 42, then done <- struct{}{}; main, after <-done, reads x = 42\n\
         main: y = 7, then <-done; background, once its send returned, reads y = 7\n\
         1000 more hand-offs: 0 stale reads\n"
    );
}

/// Runs `mirrored_query` and joins its threads (within PATIENCE); returns
/// the quickest response and each thread's hostname and send result.
fn query(capacity: usize, millis: [u64; 3]) -> (String, Vec<(&'static str, bool)>) {
    within_patience(move || {
        let (quickest, threads) =
            mirrored_query::mirrored_query(capacity, millis.map(Duration::from_millis));
        let sent = threads
            .into_iter()
            .map(|thread| {
                let (hostname, sent) = thread.join().expect("join");
                (hostname, sent.is_ok())
            })
            .collect();
        (quickest.expect("a response"), sent)
    })
}

#[test]
fn unbuffered_mirrors_do_not_leak_their_threads() {
    // Equal latencies too: whoever wins, the others' sends must fail, not
    // block, once the receiver is gone.
    for millis in [[10, 300, 600], [0, 0, 0], [400, 200, 0]] {
        let (quickest, sent) = query(0, millis);
        // Only the send that met the one receive succeeded.
        let ok: Vec<_> = sent.iter().filter(|(_, ok)| *ok).collect();
        assert_eq!(ok.len(), 1, "{millis:?}: {sent:?}");
        assert!(quickest.starts_with(ok[0].0), "{quickest} vs {sent:?}");
        assert_eq!(sent.len(), 3);
    }
}

#[test]
fn buffered_mirrors_all_end_and_the_quickest_is_one_of_them() {
    for millis in [[10, 300, 600], [0, 0, 0]] {
        let (quickest, sent) = query(3, millis);
        let hostnames: Vec<_> = sent.iter().map(|(hostname, _)| *hostname).collect();
        assert_eq!(hostnames, mirrored_query::MIRRORS);
        let winner = sent
            .iter()
            .find(|(hostname, _)| quickest.starts_with(hostname))
            .expect("the quickest is a mirror");
        assert!(winner.1, "the winner's send succeeded: {sent:?}");
    }
}

#[test]
fn mirrored_query_prints_the_quickest_and_how_each_thread_ended() {
    let text = within_patience(|| {
        let mut out = Vec::new();
        let latencies = [10, 300, 600].map(Duration::from_millis);
        mirrored_query::run(&mut out, 0, latencies).expect("run");
        String::from_utf8(out).expect("UTF-8")
    });
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(
        lines[0].starts_with("bounded(0): quickest response: "),
        "{text}"
    );
    for (line, hostname) in lines[1..].iter().zip(mirrored_query::MIRRORS) {
        assert!(line.starts_with(&format!("  {hostname} (")), "{text}");
        assert!(line.contains("): send returned "), "{text}");
        assert!(line.ends_with("; thread ended"), "{text}");
    }
    assert_eq!(
        text.matches("Ok(()), the response received").count(),
        1,
        "{text}"
    );
    assert_eq!(text.matches("Err(SendError)").count(), 2, "{text}");
}
