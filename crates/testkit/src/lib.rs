//! What the tests of the `gopl.io/ch8` programs share; a dev-dependency
//! only.
//!
//! The machine these tests run on is small and busy, so every wait here is
//! generous: a slow machine makes a test slow, never wrong.
//!
//! | module        | what it holds                                                  |
//! |---------------|----------------------------------------------------------------|
//! | the root      | [`PATIENCE`], [`within_patience`], and the re-exports below    |
//! | [`process`]   | [`Program`], a program under test; [`next_line`]; [`threads_of`] |
//! | [`net`]       | [`free_addr`], [`refusing_addr`], [`serve_in_process`], [`Server`], [`Client`]; the listen and dial failures of servers and clients |
//! | [`cli`]       | [`go_log_message`](cli::go_log_message); `--help`, `--version`, a full disk |
//! | [`clock`]     | the clock line of clock1, clock2 and netcat1                   |
//! | [`countdown`] | what countdown1 to countdown3 share                            |
//! | [`pipeline`]  | what pipeline2 and pipeline3 share                             |
//! | [`reverb`]    | the echoes of a shout, for reverb_idle and reverb_wait         |
//! | [`reset`]     | a server that resets each client after a line, for netcat2     |
//! | [`site`]      | [`Site`](site::Site), a web site on a loopback port, for links and the crawlers |
//! | [`mirror_site`] | [`MirrorSite`](mirror_site::MirrorSite), any content on any loopback address, for exercise 8.7 |
//! | [`tree`]      | [`Tree`](tree::Tree), generated directory trees, and what du1 to du4 (and exercise 8.9) share |
//! | [`photos`]    | JPEG and PNG files made on the spot, for thumbnail            |
//! | [`same_job`]  | thread versions' tests as functions of the binary, for crates/rustway too |

pub mod cli;
pub mod clock;
pub mod countdown;
pub mod ftp;
mod http;
pub mod mirror_site;
pub mod net;
pub mod photos;
pub mod pipeline;
pub mod process;
pub mod reset;
pub mod reverb;
pub mod same_job;
pub mod site;
pub mod tree;

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

pub use crate::net::{Client, Server, free_addr, refusing_addr, serve_in_process};
pub use crate::process::{Program, next_line, threads_of};

/// How long a test waits for anything before it gives up.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// Runs `f` in a thread and returns its result, failing the test if it
/// takes longer than [`PATIENCE`] rather than hanging.
pub fn within_patience<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::sync_channel(1);
    thread::spawn(move || tx.send(f()));
    rx.recv_timeout(PATIENCE)
        .expect("did not finish in time: a thread is stuck")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_patience_gives_back_the_result() {
        assert_eq!(within_patience(|| 6 * 7), 42);
    }

    #[test]
    #[should_panic(expected = "did not finish")]
    fn a_panic_in_the_thread_fails_the_caller_at_once() {
        // The panic drops the sender: the wait ends there, not at PATIENCE.
        let _: u8 = within_patience(|| panic!("the thread's own failure"));
    }
}
