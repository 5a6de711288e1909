//! A server that resets each client once a whole line has come, and says
//! when: for what a client does when a reset comes just before its end of
//! input.

use std::io::{BufRead, BufReader, Write};
use std::sync::mpsc;
use std::time::Duration;

use crate::net::serve_in_process;

/// A server in process that, for each client in turn, sends `greeting`,
/// reads one line (of any length: the client has then sent all of it), and
/// resets the connection (RST). Returns its address, and a channel that
/// gives, as soon as each reset is sent, the connection's name as Go's
/// errors show it from the client's side, `tcp 127.0.0.1:39750->127.0.0.1:8000`.
pub fn resetting_after_a_line(greeting: &'static [u8]) -> (String, mpsc::Receiver<String>) {
    let (tx, rx) = mpsc::channel();
    let addr = serve_in_process(move |listener| {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let (Ok(client), Ok(server)) = (conn.peer_addr(), conn.local_addr()) else {
                continue;
            };
            let _ = conn.write_all(greeting);
            // The whole line: the client's copy of it is over, whatever its length.
            let _ = BufReader::new(&conn).read_until(b'\n', &mut Vec::new());
            // Closed with a linger of zero: a reset, not a FIN.
            socket2::SockRef::from(&conn)
                .set_linger(Some(Duration::ZERO))
                .expect("SO_LINGER");
            drop(conn);
            if tx.send(format!("tcp {client}->{server}")).is_err() {
                return;
            }
        }
    });
    (addr, rx)
}
