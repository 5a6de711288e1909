//! Go's `net.Listen` and `net.Dial` for TCP, with Go's error messages.

use std::io;
use std::mem::MaybeUninit;
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::thread;
use std::time::Duration;

use socket2::{Domain, SockRef, Socket, Type};

use crate::log::go_error;

/// How long a server waits after a failed accept before it tries again: long enough not to spin at full CPU while the process is out
/// of descriptors or threads, short enough to recover at once.
const BACK_OFF: Duration = Duration::from_millis(50);

/// Go's `net.Listen("tcp", addr)`.
///
/// - `localhost:8000` listens on the first IPv4 address of the name, as Go
///   does; `:8000` on every IPv4 address; a port may be a service name
///   (`:http`), as Go's may.
/// - The listen backlog is the system's `somaxconn`, as Go's; Rust's std asks
///   for 128, and a burst of thousands of clients would overflow it.
/// - The error reads like Go's:
///   `listen tcp 127.0.0.1:8000: bind: address already in use`,
///   `listen tcp: address localhost: missing port in address`.
pub fn listen(addr: &str) -> io::Result<TcpListener> {
    // Go takes an empty address for `:0`, a port the system picks.
    let addr = if addr.is_empty() { ":0" } else { addr };
    let (shown, addrs) = resolve(addr).map_err(|err| op_error("listen tcp", err))?;
    let first_ipv4 = addrs.iter().find(|sa| sa.is_ipv4());
    let sa = *first_ipv4.or(addrs.first()).ok_or_else(no_address)?;
    let shown = shown.unwrap_or_else(|| sa.to_string());
    let fail = |call: &str, err: io::Error| context(err, &format!("listen tcp {shown}: {call}"));
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
/// `dial tcp 127.0.0.1:8000: connect: connection refused`,
/// `dial tcp: lookup nosuchhost.invalid on 10.0.0.53:53: no such host`.
pub fn dial(addr: &str) -> io::Result<TcpStream> {
    if addr.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "dial tcp: missing address",
        ));
    }
    let (shown, mut addrs) = resolve(addr).map_err(|err| op_error("dial tcp", err))?;
    addrs.sort_by_key(|sa| !sa.is_ipv4());
    let mut first_error = None;
    for sa in addrs {
        match TcpStream::connect(sa) {
            Ok(conn) => return Ok(conn),
            Err(err) => {
                let shown = shown.clone().unwrap_or_else(|| sa.to_string());
                first_error
                    .get_or_insert_with(|| context(err, &format!("dial tcp {shown}: connect")));
            }
        }
    }
    Err(first_error.unwrap_or_else(no_address))
}

/// Go's `conn.Close()` for a connection that other threads hold too (an
/// echo, a client's writer), so that dropping one handle would not close it.
///
/// - If every byte the client sent has been read, `shutdown` ends the
///   connection at once with a FIN, and the other threads' reads and writes
///   fail, as after Go's `Close`.
/// - If the client sent more than was read (a line over 64 KiB), Go's
///   close(2) makes the kernel reset the connection, and the client reads
///   `connection reset by peer`; a FIN would tell it all went well. So the
///   socket is left as it is, and the kernel resets the connection when the
///   last handle is dropped.
pub fn close(conn: &TcpStream) {
    if !unread(conn) {
        let _ = conn.shutdown(Shutdown::Both);
    }
}

/// Whether the other side sent data that is still waiting to be read.
///
/// A peek that does not wait: setting the socket non-blocking instead would
/// make the writes of the other threads that hold it fail meanwhile.
fn unread(conn: &TcpStream) -> bool {
    let mut byte = [MaybeUninit::uninit()];
    let peeked =
        SockRef::from(conn).recv_with_flags(&mut byte, libc::MSG_PEEK | libc::MSG_DONTWAIT);
    matches!(peeked, Ok(n) if n > 0)
}

/// How Go's errors name a TCP connection, `tcp 127.0.0.1:39750->127.0.0.1:8000`:
/// its local address, then the other side's.
pub(crate) fn go_name_of(conn: &TcpStream) -> String {
    let mut name = "tcp".to_string();
    let local = conn.local_addr().ok();
    if let Some(local) = local {
        name += &format!(" {local}");
    }
    if let Ok(remote) = conn.peer_addr() {
        name += &format!("{}{remote}", if local.is_some() { "->" } else { " " });
    }
    name
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

/// Why an address is no address: Go's `net.AddrError` and `net.DNSError`.
#[derive(Debug)]
enum AddrError {
    /// `address localhost: missing port in address`
    Address(String, &'static str),
    /// `lookup nosuchhost.invalid on 10.0.0.53:53: no such host`
    Lookup(String),
}

/// The addresses of `host:port`, resolved as Go's `net` package resolves
/// them: Go's `SplitHostPort`, then the port (a number or a service name of
/// `/etc/services`), then the host (an IP address or a name). The first
/// value is the address as Go's errors show it where that differs from the
/// resolved one: `:8000` for an empty host.
///
/// An empty host means every IPv4 address as a listen address, and this
/// machine as a dial address, as in Go.
fn resolve(addr: &str) -> Result<(Option<String>, Vec<SocketAddr>), AddrError> {
    let (host, service) = split_host_port(addr)?;
    let port = lookup_port(service)?;
    if host.is_empty() {
        let every = SocketAddr::from(([0, 0, 0, 0], port));
        return Ok((Some(format!(":{port}")), vec![every]));
    }
    match (host, port).to_socket_addrs() {
        Ok(addrs) => Ok((None, addrs.collect())),
        Err(err) => Err(AddrError::Lookup(lookup_error(host, &err))),
    }
}

/// Go's `net.SplitHostPort`, with its error messages.
fn split_host_port(addr: &str) -> Result<(&str, &str), AddrError> {
    let fail = |why| Err(AddrError::Address(addr.to_string(), why));
    let Some(colon) = addr.rfind(':') else {
        return fail("missing port in address");
    };
    let (host, after_host) = if addr.starts_with('[') {
        let Some(end) = addr.find(']') else {
            return fail("missing ']' in address");
        };
        if end + 1 == addr.len() {
            return fail("missing port in address");
        }
        if end + 1 != colon {
            return fail(if addr.as_bytes()[end + 1] == b':' {
                "too many colons in address"
            } else {
                "missing port in address"
            });
        }
        (&addr[1..end], end + 1)
    } else {
        let host = &addr[..colon];
        if host.contains(':') {
            return fail("too many colons in address");
        }
        (host, 0)
    };
    let before = if addr.starts_with('[') { 1 } else { 0 };
    if addr[before..].contains('[') {
        return fail("unexpected '[' in address");
    }
    if addr[after_host..].contains(']') {
        return fail("unexpected ']' in address");
    }
    Ok((host, &addr[colon + 1..]))
}

/// Go's `LookupPort("tcp", service)`: a decimal number, or a name that Go's
/// own resolver finds in `/etc/services` (or in its few built-in names).
fn lookup_port(service: &str) -> Result<u16, AddrError> {
    let port = match parse_port(service) {
        Some(port) => port,
        None => service_port(service)
            .ok_or_else(|| AddrError::Address(format!("tcp/{service}"), "unknown port"))?,
    };
    u16::try_from(port).map_err(|_| AddrError::Address(service.to_string(), "invalid port"))
}

/// Go's `parsePort`: `""` is port 0, an optional sign, then decimal digits
/// (clamped, so that a huge number is an invalid port rather than an
/// overflow); `None` if it is a name to look up.
fn parse_port(service: &str) -> Option<i64> {
    let (negative, digits) = match service.as_bytes().first() {
        Some(b'+') => (false, &service[1..]),
        Some(b'-') => (true, &service[1..]),
        _ => (false, service),
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = digits
        .bytes()
        .try_fold(0_i64, |n, d| {
            n.checked_mul(10)?.checked_add(i64::from(d - b'0'))
        })
        .unwrap_or(i64::MAX)
        .min(1 << 30);
    Some(if negative { -n } else { n })
}

/// The TCP port of a service name, as Go's own resolver finds it: its
/// built-in names, then `/etc/services` (names and aliases, the later line
/// winning), the name matched in lower case.
fn service_port(service: &str) -> Option<i64> {
    const BUILT_IN: [(&str, i64); 13] = [
        ("ftp", 21),
        ("ftps", 990),
        ("gopher", 70),
        ("http", 80),
        ("https", 443),
        ("imap2", 143),
        ("imap3", 220),
        ("imaps", 993),
        ("pop3", 110),
        ("pop3s", 995),
        ("smtp", 25),
        ("ssh", 22),
        ("telnet", 23),
    ];
    // Go looks names up in a buffer of 25 bytes: a longer one is unknown.
    if service.len() > "mobility-header".len() + 10 {
        return None;
    }
    let wanted = service.to_ascii_lowercase();
    let services = std::fs::read_to_string("/etc/services").unwrap_or_default();
    let from_file = services.lines().filter_map(|line| {
        let line = line.split('#').next().unwrap_or_default();
        let mut fields = line.split_whitespace();
        let name = fields.next()?;
        let (port, net) = fields.next()?.split_once('/')?;
        let port: i64 = port.parse().ok().filter(|&port| port > 0)?;
        let named = std::iter::once(name).chain(fields).any(|n| n == wanted);
        (net == "tcp" && named).then_some(port)
    });
    let built_in = BUILT_IN.iter().filter(|(name, _)| *name == wanted);
    built_in.map(|&(_, port)| port).chain(from_file).last()
}

/// Go's words for a failed look-up of `host`: `lookup HOST on SERVER: no
/// such host`, where SERVER is the first name server of `/etc/resolv.conf`,
/// the one Go's own resolver asks first and names.
///
/// The C library's resolver, which Rust's std calls, says only
/// `failed to lookup address information: Name or service not known`.
fn lookup_error(host: &str, err: &io::Error) -> String {
    let text = err.to_string();
    let detail = text
        .strip_prefix("failed to lookup address information: ")
        .unwrap_or(&text);
    // glibc's EAI_NONAME and EAI_NODATA, and musl's EAI_NONAME.
    let not_found = [
        "Name or service not known",
        "No address associated with hostname",
        "Name does not resolve",
    ];
    if not_found.contains(&detail) {
        format!("lookup {host} on {}: no such host", name_server())
    } else {
        format!("lookup {host}: {}", go_error(&io::Error::other(detail)))
    }
}

/// The first name server of `/etc/resolv.conf` as Go shows it,
/// `10.0.0.53:53`, or Go's default, `127.0.0.1:53`.
fn name_server() -> String {
    let conf = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
    let first = conf.lines().find_map(|line| {
        let mut fields = line.split_whitespace();
        (fields.next()? == "nameserver").then_some(())?;
        fields.next()?.parse::<IpAddr>().ok()
    });
    SocketAddr::new(first.unwrap_or(IpAddr::from([127, 0, 0, 1])), 53).to_string()
}

/// A failed look-up, as Go's `OpError` words it: `dial tcp: ` and why.
fn op_error(op: &str, err: AddrError) -> io::Error {
    let why = match err {
        AddrError::Address(addr, why) => format!("address {addr}: {why}"),
        AddrError::Lookup(why) => why,
    };
    io::Error::new(io::ErrorKind::InvalidInput, format!("{op}: {why}"))
}

fn no_address() -> io::Error {
    io::Error::other("no address")
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
    fn a_bad_address_is_go_s_error() {
        let cases = [
            (
                "no-port-here",
                "address no-port-here: missing port in address",
            ),
            ("[::1", "address [::1: missing ']' in address"),
            ("[::1]", "address [::1]: missing port in address"),
            ("[::1]x:80", "address [::1]x:80: missing port in address"),
            (
                "[::1]:80:80",
                "address [::1]:80:80: too many colons in address",
            ),
            ("::1:80", "address ::1:80: too many colons in address"),
            ("a[b:80", "address a[b:80: unexpected '[' in address"),
            ("a]b:80", "address a]b:80: unexpected ']' in address"),
            ("localhost:99999", "address 99999: invalid port"),
            ("localhost:-1", "address -1: invalid port"),
            ("localhost:0x50", "address tcp/0x50: unknown port"),
            (
                "localhost:no-such-service",
                "address tcp/no-such-service: unknown port",
            ),
        ];
        for (addr, why) in cases {
            let err = listen(addr).unwrap_err();
            assert_eq!(err.to_string(), format!("listen tcp: {why}"));
            let err = dial(addr).unwrap_err();
            assert_eq!(err.to_string(), format!("dial tcp: {why}"));
        }
        assert_eq!(
            dial("").unwrap_err().to_string(),
            "dial tcp: missing address"
        );
    }

    #[test]
    fn ports_are_numbers_or_service_names_as_in_go() {
        assert_eq!(lookup_port("8000").unwrap(), 8000);
        assert_eq!(lookup_port("+80").unwrap(), 80);
        assert_eq!(lookup_port("080").unwrap(), 80);
        assert_eq!(lookup_port("").unwrap(), 0);
        assert_eq!(lookup_port("http").unwrap(), 80);
        assert_eq!(lookup_port("HTTPS").unwrap(), 443);
        assert_eq!(lookup_port("ssh").unwrap(), 22);
        assert!(lookup_port("99999999999999999999999").is_err());
    }

    #[test]
    fn an_empty_host_is_shown_as_go_shows_it() {
        let taken = listen("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let err = listen(&format!(":{port}")).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("listen tcp :{port}: bind: address already in use")
        );
        // Go takes an empty address for `:0`.
        assert!(listen("").is_ok());
    }

    #[test]
    fn a_host_that_does_not_exist_is_go_s_lookup_error() {
        let err = dial("nosuchhost.invalid:8000").unwrap_err().to_string();
        if err.ends_with("no such host") {
            let expected = format!(
                "dial tcp: lookup nosuchhost.invalid on {}: no such host",
                name_server()
            );
            assert_eq!(err, expected);
        } else {
            // No name server answers on this machine.
            assert!(
                err.starts_with("dial tcp: lookup nosuchhost.invalid: "),
                "{err}"
            );
        }
    }

    /// A connection that a server `close`s, and what its client reads then.
    fn client_reads_after_close(sent: &[u8], read: usize) -> io::Result<usize> {
        let listener = listen("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (mut conn, _) = listener.accept().unwrap();
        std::io::Write::write_all(&mut client, sent).unwrap();
        let mut buf = vec![0; read];
        std::io::Read::read_exact(&mut conn, &mut buf).unwrap();
        thread::sleep(Duration::from_millis(100));
        // Another thread's handle, as an echo's or a writer's.
        let other = conn.try_clone().unwrap();
        close(&conn);
        drop(conn);
        drop(other);
        client
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        std::io::Read::read(&mut client, &mut [0; 1])
    }

    #[test]
    fn close_ends_with_a_fin_when_all_was_read() {
        assert_eq!(client_reads_after_close(b"all read\n", 9).unwrap(), 0);
    }

    #[test]
    fn close_resets_when_data_is_left_unread_as_go_s() {
        let err = client_reads_after_close(b"half read\n", 4).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ConnectionReset, "{err}");
    }
}
