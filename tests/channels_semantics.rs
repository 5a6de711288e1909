//! The channel rules the book states, checked on crossbeam's channels:
//! `bounded(0)` blocks a sender until a receiver takes the value, and
//! `bounded(n)` blocks a sender only when its buffer is full.
//!
//! No assertion depends on timing: a sleep only gives a wrongly unblocked
//! sender time to show itself, so a slow machine makes these tests slower,
//! never wrong.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crossbeam_channel::{SendTimeoutError, Sender, TrySendError, bounded};

/// Time a sender gets to (wrongly) get past a send that should block.
const GRACE: Duration = Duration::from_millis(300);

/// Sends `value` on a thread of its own, which raises the flag once the
/// send has returned; gives that thread [`GRACE`] to do so before returning.
fn send_in_background(tx: Sender<i64>, value: i64) -> (Arc<AtomicBool>, JoinHandle<()>) {
    let sent = Arc::new(AtomicBool::new(false));
    let sender = {
        let sent = Arc::clone(&sent);
        thread::spawn(move || {
            tx.send(value).expect("send");
            sent.store(true, Ordering::SeqCst);
        })
    };
    thread::sleep(GRACE);
    (sent, sender)
}

#[test]
fn unbuffered_send_blocks_until_a_receiver_takes_the_value() {
    let (tx, rx) = bounded::<i64>(0);

    // With nobody receiving, a send cannot complete.
    assert_eq!(tx.try_send(1), Err(TrySendError::Full(1)));
    assert_eq!(
        tx.send_timeout(2, Duration::from_millis(50)),
        Err(SendTimeoutError::Timeout(2))
    );
    assert_eq!(rx.len(), 0, "an unbuffered channel holds nothing");

    let (sent, sender) = send_in_background(tx, 3);
    assert!(
        !sent.load(Ordering::SeqCst),
        "the send returned with no receiver"
    );

    assert_eq!(rx.recv(), Ok(3));
    sender.join().expect("join");
    assert!(sent.load(Ordering::SeqCst));
}

#[test]
fn buffered_send_blocks_only_when_the_buffer_is_full() {
    let (tx, rx) = bounded::<i64>(2);

    // Two sends fit without any receiver; the third does not.
    assert_eq!(tx.try_send(1), Ok(()));
    assert_eq!(tx.try_send(2), Ok(()));
    assert!(tx.is_full());
    assert_eq!(tx.try_send(3), Err(TrySendError::Full(3)));

    let (sent, sender) = send_in_background(tx, 3);
    assert!(
        !sent.load(Ordering::SeqCst),
        "the send returned into a full buffer"
    );

    // One receive makes room; the blocked send completes into the buffer.
    assert_eq!(rx.recv(), Ok(1));
    sender.join().expect("join");
    assert!(sent.load(Ordering::SeqCst));
    assert_eq!((rx.len(), rx.capacity()), (2, Some(2)));
    assert_eq!(rx.iter().collect::<Vec<_>>(), [2, 3]);
}

#[test]
fn a_send_with_no_receiver_left_fails_instead_of_blocking() {
    for capacity in [0, 1] {
        let (tx, rx) = bounded::<i64>(capacity);
        drop(rx);
        // In Go, an unbuffered send nobody receives blocks forever.
        assert_eq!(tx.send(1).map_err(|err| err.into_inner()), Err(1));
    }
}
