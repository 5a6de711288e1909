//! The `select` and cancellation walk-throughs in `examples/` (sections 8.7
//! and 8.9), checked in process as tests/channels_examples.rs checks the
//! others: each example file is compiled here as a module (`#[path]`) and
//! its `run` writes to a `Vec<u8>`.

use std::collections::HashSet;
use std::error::Error;
use std::io::Write;
use std::thread;
use std::time::Duration;

use testkit::within_patience;

// The examples' `main`s are not called here.
#[allow(dead_code)]
#[path = "../examples/cancel_broadcast.rs"]
mod cancel_broadcast;
#[allow(dead_code)]
#[path = "../examples/nil_channel.rs"]
mod nil_channel;
#[allow(dead_code)]
#[path = "../examples/select_buffer.rs"]
mod select_buffer;
#[allow(dead_code)]
#[path = "../examples/select_default.rs"]
mod select_default;

/// What `run` writes on `out`, as text.
fn output(run: impl FnOnce(&mut dyn Write) -> Result<(), Box<dyn Error>>) -> String {
    let mut out = Vec::new();
    run(&mut out).expect("run");
    String::from_utf8(out).expect("UTF-8")
}

#[test]
fn a_buffer_of_one_prints_the_even_numbers_every_time() {
    for _ in 0..100 {
        let text = within_patience(|| output(|out| select_buffer::run(out, 1)));
        assert_eq!(text, "0\n2\n4\n6\n8\n");
    }
}

#[test]
fn a_larger_buffer_makes_the_choice_random() {
    // crossbeam's random choice is a generator seeded alike in every new
    // thread, so the runs must share a thread to differ (Go's differ
    // between processes too).
    let runs = within_patience(|| {
        (0..200)
            .map(|_| select_buffer::select_loop(10).expect("loop"))
            .collect::<Vec<_>>()
    });
    for received in &runs {
        // A channel is a queue: whatever was received came out in the order
        // sent, each value once.
        assert!(
            received.windows(2).all(|w| w[0] < w[1]),
            "out of order: {received:?}"
        );
        assert!(received.iter().all(|x| (0..10).contains(x)));
    }
    // A select that always chose the same case would give one output; a
    // random one gives many.
    let outputs: HashSet<_> = runs.into_iter().collect();
    assert!(outputs.len() > 10, "only {outputs:?}");
}

#[test]
fn the_random_choice_repeats_in_a_new_thread() {
    // What differs from Go: the first run of a thread is the same in every
    // thread, and so in every process.
    let first = || within_patience(|| select_buffer::select_loop(10).expect("loop"));
    assert_eq!(first(), first());
}

#[test]
fn an_unbuffered_channel_would_deadlock_and_is_refused() {
    let err = select_buffer::select_loop(0).expect_err("capacity 0");
    assert!(err.to_string().contains("deadlock"), "{err}");
}

#[test]
fn select_with_default_polls_without_blocking() {
    let text = within_patience(|| output(select_default::run));
    assert_eq!(
        text,
        "poll, nothing sent yet: aborted = false\n\
         poll, after a send: aborted = true\n\
         poll again, the value taken: aborted = false\n\
         poll, after close: aborted = true\n\
         and again: aborted = true\n\
         offer 1 to a buffer of one: sent = true\n\
         offer 2, the buffer full: sent = false\n\
         received 1\n\
         offer 3 to an unbuffered channel nobody waits on: sent = false\n"
    );
}

#[test]
fn an_offer_reaches_a_receiver_that_is_waiting() {
    // An unbuffered channel is ready for a send while a receiver waits.
    let (tx, rx) = crossbeam_channel::bounded::<i32>(0);
    let receiver = thread::spawn(move || rx.recv());
    let sent = within_patience(move || {
        // The receiver may not be waiting yet: offer until it is.
        while !select_default::offer(&tx, 7) {
            thread::sleep(Duration::from_millis(1));
        }
        true
    });
    assert!(sent);
    assert_eq!(receiver.join().expect("join"), Ok(7));
}

#[test]
fn a_never_channel_disables_a_closed_case() {
    let text = within_patience(|| output(nil_channel::run));
    assert_eq!(
        text,
        "from a: [1, 2, 3]\n\
         from b: [10, 20]\n\
         7 selects: 5 values and 2 closes, each close seen once, its case then disabled\n\
         without never(), a closed channel wins every select: 100 of 100\n"
    );
}

#[test]
fn merge_ends_when_both_are_closed_whatever_the_order() {
    for (a, b) in [
        (vec![], vec![1]),
        (vec![], vec![]),
        ((0..50).collect(), vec![7]),
    ] {
        let want = (a.clone(), b.clone());
        let merged = within_patience(move || {
            let (a_tx, a_rx) = crossbeam_channel::bounded(0);
            let (b_tx, b_rx) = crossbeam_channel::bounded(0);
            thread::spawn(move || a.into_iter().try_for_each(|x| a_tx.send(x)));
            thread::spawn(move || b.into_iter().try_for_each(|x| b_tx.send(x)));
            nil_channel::merge(a_rx, b_rx)
        });
        assert_eq!((merged.from_a.clone(), merged.from_b.clone()), want);
        assert_eq!(merged.selects, want.0.len() + want.1.len() + 2);
    }
}

#[test]
fn a_send_wakes_one_waiter_and_a_close_wakes_them_all() {
    let text = within_patience(|| output(|out| cancel_broadcast::run(out, 5)));
    assert_eq!(
        text,
        "5 threads wait on done\n\
         done <- struct{}{} woke 1; 4 still waiting\n\
         cancelled() before close: false\n\
         close(done) woke 4\n\
         cancelled() after close: true\n"
    );
    let seen = within_patience(|| cancel_broadcast::broadcast(50).expect("broadcast"));
    assert_eq!(seen.by_send, 1);
    assert_eq!(seen.still_waiting, 49);
    assert_eq!(seen.by_close, 49);
    assert_eq!(seen.cancelled, (false, true));
}

#[test]
fn with_no_waiter_the_send_would_deadlock_and_is_refused() {
    let err = cancel_broadcast::broadcast(0).expect_err("no waiter");
    assert!(err.to_string().contains("deadlock"), "{err}");
}
