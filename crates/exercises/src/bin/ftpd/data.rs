//! Data connections: passive (PASV, EPSV) and active (PORT, EPRT), each
//! only ever with the client's own address; and the transfers over them,
//! in binary or ASCII.

use std::fs::File;
use std::io::{self, BufWriter, ErrorKind, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use socket2::{Domain, SockRef, Socket, Type};

/// How the next transfer gets its data connection.
#[derive(Debug)]
pub enum Data {
    /// PASV or EPSV: the client connects to this listener.
    Passive(TcpListener),
    /// PORT or EPRT: the server connects to this address.
    Active(SocketAddr),
}

/// A listener for a passive data connection, on the address the client
/// reached the server at, on a port the system picks.
pub fn listen(local: IpAddr) -> io::Result<TcpListener> {
    TcpListener::bind(SocketAddr::new(local, 0))
}

impl Data {
    /// The data connection with the client at `peer`, within `patience`.
    ///
    /// Passive: a connection from any other address is closed at once, and
    /// the wait goes on (no stolen data). Active: the server connects from
    /// `local`, and only to `peer`, which PORT and EPRT have checked.
    pub fn open(self, peer: IpAddr, local: IpAddr, patience: Duration) -> io::Result<TcpStream> {
        let conn = match self {
            Data::Passive(listener) => accept_from(&listener, peer, patience)?,
            Data::Active(addr) => {
                let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
                socket.bind(&SocketAddr::new(local, 0).into())?;
                socket.connect_timeout(&addr.into(), patience)?;
                socket.into()
            }
        };
        conn.set_read_timeout(Some(patience))?;
        conn.set_write_timeout(Some(patience))?;
        Ok(conn)
    }
}

/// The first connection to `listener` from `peer`, within `patience`.
fn accept_from(listener: &TcpListener, peer: IpAddr, patience: Duration) -> io::Result<TcpStream> {
    let deadline = Instant::now() + patience;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(ErrorKind::TimedOut, "no data connection"));
        }
        // On Linux, SO_RCVTIMEO bounds accept(2) too.
        SockRef::from(listener).set_read_timeout(Some(left))?;
        match listener.accept() {
            Ok((conn, from)) if from.ip().to_canonical() == peer.to_canonical() => return Ok(conn),
            Ok((_thief, from)) => {
                common::log_print!("refused a data connection from {from} for client {peer}");
            }
            Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(err) => return Err(err),
        }
    }
}

/// The text of PASV's 227 reply for `addr`.
pub fn pasv_reply(addr: SocketAddr) -> Option<String> {
    let IpAddr::V4(ip) = addr.ip() else {
        return None;
    };
    let [a, b, c, d] = ip.octets();
    let (p1, p2) = (addr.port() >> 8, addr.port() & 0xff);
    Some(format!(
        "Entering Passive Mode ({a},{b},{c},{d},{p1},{p2})."
    ))
}

/// PORT's argument `h1,h2,h3,h4,p1,p2`.
pub fn parse_port(arg: &str) -> Option<SocketAddr> {
    let numbers: Vec<u8> = arg
        .split(',')
        .map(|n| n.trim().parse().ok())
        .collect::<Option<_>>()?;
    let [a, b, c, d, p1, p2] = numbers[..] else {
        return None;
    };
    let port = u16::from(p1) << 8 | u16::from(p2);
    Some(SocketAddr::new(Ipv4Addr::new(a, b, c, d).into(), port))
}

/// EPRT's argument `|1|132.235.1.2|6275|` or `|2|::1|5282|` (RFC 2428):
/// the address, or `Err(true)` for a network protocol other than 1 and 2.
pub fn parse_eprt(arg: &str) -> Result<SocketAddr, bool> {
    let delimiter = arg.chars().next().ok_or(false)?;
    let fields: Vec<&str> = arg.split(delimiter).collect();
    let ["", proto, ip, port, ""] = fields[..] else {
        return Err(false);
    };
    let ip: IpAddr = match proto {
        "1" => ip.parse::<Ipv4Addr>().map_err(|_| false)?.into(),
        "2" => ip.parse::<std::net::Ipv6Addr>().map_err(|_| false)?.into(),
        _ => return Err(true),
    };
    Ok(SocketAddr::new(ip, port.parse().map_err(|_| false)?))
}

/// How far a transfer got.
#[derive(Debug, PartialEq)]
pub enum Sent {
    /// To the end.
    Done,
    /// Stopped by the client's ABOR.
    Aborted,
}

/// How much goes through between two looks for an ABOR.
const CHUNK: u64 = 8 << 20;

/// Sends `file` from `offset` on to `conn`: in binary with sendfile(2), the
/// kernel copying from the page cache to the socket; in ASCII, each LF as
/// CRLF. Between chunks, `aborted` says whether the client has asked to stop.
///
/// std's `io::copy` would read and write here: it no longer uses sendfile
/// from a file to a socket, where a later change to the file could still
/// reach the socket after the copy has returned.
pub fn send(
    file: &mut File,
    offset: u64,
    conn: &mut TcpStream,
    ascii: bool,
    mut aborted: impl FnMut() -> bool,
) -> io::Result<Sent> {
    if ascii {
        let mut out = BufWriter::with_capacity(64 << 10, &mut *conn);
        let mut buf = vec![0; 64 << 10];
        let mut last = 0;
        let mut since_look = 0;
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            let mut start = 0;
            for (i, &b) in buf[..n].iter().enumerate() {
                if b == b'\n' && last != b'\r' {
                    out.write_all(&buf[start..i])?;
                    out.write_all(b"\r")?;
                    start = i;
                }
                last = b;
            }
            out.write_all(&buf[start..n])?;
            since_look += n as u64;
            if since_look >= CHUNK {
                since_look = 0;
                if aborted() {
                    return Ok(Sent::Aborted);
                }
            }
        }
        out.flush()?;
        return Ok(Sent::Done);
    }
    let mut offset = offset;
    let mut since_look = 0;
    loop {
        let n = match rustix::fs::sendfile(&*conn, &*file, Some(&mut offset), CHUNK as usize) {
            Ok(0) => return Ok(Sent::Done), // the end of the file
            Ok(n) => n as u64,
            Err(rustix::io::Errno::INTR) => continue,
            Err(err) => return Err(err.into()),
        };
        since_look += n;
        if since_look >= CHUNK {
            since_look = 0;
            if aborted() {
                return Ok(Sent::Aborted);
            }
        }
    }
}

/// Receives the upload on `conn` into `out` until the client closes it: in
/// ASCII, CRLF becomes LF. An error (a reset) is an error: the caller
/// keeps nothing.
pub fn receive(
    conn: &mut TcpStream,
    out: &mut impl Write,
    ascii: bool,
    mut aborted: impl FnMut() -> bool,
) -> io::Result<Sent> {
    let mut out = BufWriter::with_capacity(64 << 10, out);
    let mut buf = vec![0; 64 << 10];
    let mut cr = false; // a CR was last, not yet written
    let mut since_look = 0;
    loop {
        let n = conn.read(&mut buf)?;
        if n == 0 {
            break;
        }
        if ascii {
            for &b in &buf[..n] {
                if cr && b != b'\n' {
                    out.write_all(b"\r")?;
                }
                cr = b == b'\r';
                if !cr {
                    out.write_all(&[b])?;
                }
            }
        } else {
            out.write_all(&buf[..n])?;
        }
        since_look += n as u64;
        if since_look >= CHUNK {
            since_look = 0;
            if aborted() {
                return Ok(Sent::Aborted);
            }
        }
    }
    if cr {
        out.write_all(b"\r")?;
    }
    out.flush()?;
    Ok(Sent::Done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_and_eprt_arguments() {
        let sa = |s: &str| s.parse::<SocketAddr>().unwrap();
        assert_eq!(parse_port("127,0,0,1,4,1"), Some(sa("127.0.0.1:1025")));
        assert_eq!(parse_port("127,0,0,1,4"), None);
        assert_eq!(parse_port("127,0,0,1,4,256"), None);
        assert_eq!(parse_eprt("|1|127.0.0.2|6275|"), Ok(sa("127.0.0.2:6275")));
        assert_eq!(parse_eprt("|2|::1|5282|"), Ok(sa("[::1]:5282")));
        assert_eq!(parse_eprt("|3|x|1|"), Err(true));
        assert_eq!(parse_eprt("|1|::1|1|"), Err(false));
        assert_eq!(parse_eprt(""), Err(false));
        let reply = pasv_reply(sa("127.0.0.1:1025")).unwrap();
        assert_eq!(reply, "Entering Passive Mode (127,0,0,1,4,1).");
    }
}
