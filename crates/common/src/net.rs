//! Go's `net.Listen` and `net.Dial` for TCP, with Go's error messages.

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::thread;
use std::time::Duration;

use socket2::{Domain, Socket, Type};

use crate::log::go_error;

/// How long a server waits after a failed accept before it tries again: long enough not to spin at full CPU while the process is out
/// of descriptors or threads, short enough to recover at once.
const BACK_OFF: Duration = Duration::from_millis(50);

/// Go's `net.Listen("tcp", addr)`.
///
/// - `localhost:8000` listens on the first IPv4 address of the name, as Go
///   does; `:8000` on every IPv4 address.
/// - The listen backlog is the system's `somaxconn`, as Go's; Rust's std asks
///   for 128, and a burst of thousands of clients would overflow it.
/// - The error reads like Go's:
///   `listen tcp 127.0.0.1:8000: bind: address already in use`.
pub fn listen(addr: &str) -> io::Result<TcpListener> {
    let sa = resolve(addr).map_err(|err| context(err, &format!("listen tcp {addr}")))?;
    let fail = |call: &str, err: io::Error| context(err, &format!("listen tcp {sa}: {call}"));
    let socket = Socket::new(Domain::for_address(sa), Type::STREAM, None)
        .map_err(|err| fail("socket", err))?;
    // Go sets SO_REUSEADDR, so a restarted server can bind at once.
    socket
        .set_reuse_address(true)
        .map_err(|err| fail("setsockopt", err))?;
    socket.bind(&sa.into()).map_err(|err| fail("bind", err))?;
    socket
        .listen(somaxconn())
        .map_err(|err| fail("listen", err))?;
    Ok(socket.into())
}

/// Go's `net.Dial("tcp", addr)`.
///
/// Tries each address of the name, IPv4 first as Go does; if none answers,
/// the error is the first one, worded as Go's:
/// `dial tcp 127.0.0.1:8000: connect: connection refused`.
pub fn dial(addr: &str) -> io::Result<TcpStream> {
    let mut addrs = resolve_all(addr).map_err(|err| context(err, &format!("dial tcp {addr}")))?;
    addrs.sort_by_key(|sa| !sa.is_ipv4());
    let mut first_error = None;
    for sa in addrs {
        match TcpStream::connect(sa) {
            Ok(conn) => return Ok(conn),
            Err(err) => {
                first_error.get_or_insert_with(|| context(err, &format!("dial tcp {sa}: connect")));
            }
        }
    }
    Err(first_error.unwrap_or_else(|| io::Error::other(format!("dial tcp {addr}: no address"))))
}

/// Go's `listener.Accept()`, within the thread budget: waits until the
/// budget has room for the client's thread, then takes the next client, so
/// that while the budget is spent new clients wait in the listen backlog.
///
/// - A client that waited there and hung up meanwhile is passed over, so
///   that a crowd that gave up costs nothing once threads come free.
/// - The error reads like Go's,
///   `accept tcp 127.0.0.1:8000: accept4: too many open files`, and comes
///   after a moment's pause: Go's accept loop retries at once, and out of
///   descriptors logs some 600,000 lines a second. Backing off, as Go's own
///   `net/http` does, keeps the server quiet until descriptors come back.
pub fn accept(listener: &TcpListener) -> io::Result<TcpStream> {
    let waited = crate::threads::budget().wait_for_room();
    loop {
        match listener.accept() {
            Ok((conn, _)) if waited && hung_up(&conn) => continue,
            Ok((conn, _)) => return Ok(conn),
            Err(err) => {
                thread::sleep(BACK_OFF);
                let what = match listener.local_addr() {
                    Ok(sa) => format!("accept tcp {sa}: accept4"),
                    Err(_) => "accept tcp: accept4".to_string(),
                };
                return Err(context(err, &what));
            }
        }
    }
}

/// Whether the client at the other end of `conn` has closed it without a
/// word (or reset it): it sent nothing before its end of input.
fn hung_up(conn: &TcpStream) -> bool {
    if conn.set_nonblocking(true).is_err() {
        return false;
    }
    let peeked = conn.peek(&mut [0; 1]);
    let _ = conn.set_nonblocking(false);
    match peeked {
        Ok(n) => n == 0,
        Err(err) => err.kind() != io::ErrorKind::WouldBlock,
    }
}

/// The address to listen on: the first IPv4 address of the name, else the
/// first address.
fn resolve(addr: &str) -> io::Result<SocketAddr> {
    let addrs = resolve_all(addr)?;
    let first_ipv4 = addrs.iter().find(|sa| sa.is_ipv4());
    first_ipv4
        .or(addrs.first())
        .copied()
        .ok_or_else(|| io::Error::other("no address"))
}

/// Every address of `host:port`; an empty host (`:8000`) means every IPv4
/// address, as a listen address, and this machine, as a dial address.
fn resolve_all(addr: &str) -> io::Result<Vec<SocketAddr>> {
    let addr = match addr.strip_prefix(':') {
        Some(port) => format!("0.0.0.0:{port}"),
        None => addr.to_string(),
    };
    Ok(addr.to_socket_addrs()?.collect())
}

/// The system's largest listen backlog, read as Go reads it.
fn somaxconn() -> i32 {
    std::fs::read_to_string("/proc/sys/net/core/somaxconn")
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(4096)
}

/// `err` with Go-style context in front: `what: error`.
fn context(err: io::Error, what: &str) -> io::Error {
    io::Error::new(err.kind(), format!("{what}: {}", go_error(&err)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_on_a_taken_port_fails_like_go() {
        let first = listen("127.0.0.1:0").unwrap();
        let sa = first.local_addr().unwrap();
        let err = listen(&sa.to_string()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("listen tcp {sa}: bind: address already in use")
        );
    }

    #[test]
    fn dial_to_a_closed_port_fails_like_go() {
        let sa = listen("127.0.0.1:0").unwrap().local_addr().unwrap();
        // The listener is dropped: nobody listens there any more.
        let err = dial(&sa.to_string()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("dial tcp {sa}: connect: connection refused")
        );
    }

    #[test]
    fn listen_uses_the_first_ipv4_address_of_localhost() {
        let listener = listen("localhost:0").unwrap();
        assert!(listener.local_addr().unwrap().is_ipv4());
    }

    #[test]
    fn accept_passes_over_a_waiting_client_that_hung_up_only_at_the_budget() {
        let listener = listen("127.0.0.1:0").unwrap();
        let sa = listener.local_addr().unwrap();
        let gone = TcpStream::connect(sa).unwrap();
        drop(gone);
        thread::sleep(Duration::from_millis(100));
        // With room in the budget, even a client that hung up is served.
        let conn = accept(&listener).unwrap();
        assert!(hung_up(&conn));
        let mut live = TcpStream::connect(sa).unwrap();
        std::io::Write::write_all(&mut live, b"hi").unwrap();
        thread::sleep(Duration::from_millis(100));
        assert!(!hung_up(&accept(&listener).unwrap()));
    }

    #[test]
    fn a_bad_address_is_a_clear_error() {
        let err = listen("no-port-here").unwrap_err();
        assert!(
            err.to_string().starts_with("listen tcp no-port-here: "),
            "{err}"
        );
    }
}
