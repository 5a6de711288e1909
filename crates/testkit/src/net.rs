//! Servers and clients over loopback: free ports, a server program
//! started on one, a server's own code run in process, a client that reads
//! line by line; and how servers and clients fail as Go's do.

use std::io::{self, BufRead, BufReader, Read};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::PATIENCE;
use crate::cli::go_log_message;
use crate::process::{Program, threads_of};

/// A loopback address with a port that was free a moment ago.
///
/// The operating system picks the port (we bind port 0 and let go), so
/// tests never collide with each other or with a server on port 8000.
pub fn free_addr() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local_addr").to_string()
}

/// A loopback address where a connection is refused, and the socket that
/// keeps it so: bound, never listening, and without `SO_REUSEADDR`, so no
/// other test's server can take the port meanwhile (as one could take a
/// port from [`free_addr`]).
pub fn refusing_addr() -> (socket2::Socket, String) {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
    let any_port: std::net::SocketAddr = "127.0.0.1:0".parse().expect("an address");
    socket.bind(&any_port.into()).expect("bind 127.0.0.1:0");
    let addr = socket.local_addr().expect("local_addr");
    let addr = addr.as_socket().expect("an IP address").to_string();
    (socket, addr)
}

/// Runs a server's own code (`serve`) on a thread, listening on a free
/// loopback port, and returns that address.
pub fn serve_in_process(serve: impl FnOnce(TcpListener) + Send + 'static) -> String {
    let listener = common::listen("127.0.0.1:0").expect("listen on a free port");
    let addr = listener.local_addr().expect("local_addr").to_string();
    thread::spawn(move || serve(listener));
    addr
}

/// A server program listening on a free loopback port.
#[derive(Debug)]
pub struct Server {
    /// The process, killed when the `Server` is dropped.
    pub program: Program,
    /// Where it listens, as `127.0.0.1:PORT`.
    pub addr: String,
}

impl Server {
    /// Starts `exe --addr 127.0.0.1:PORT` plus `args`, and returns once it
    /// listens.
    ///
    /// It watches the kernel's socket table rather than connecting, so a
    /// sequential server (clock1) is not kept busy by a probe, and it checks
    /// that the listening socket is the child's own: another test's server
    /// may take the port between our look and the child's bind.
    pub fn start(exe: &str, args: &[&str]) -> Server {
        Server::start_after("true", exe, args)
    }

    /// As [`Server::start`], but the server runs under `sh -c` after the
    /// shell command `setup`, such as `ulimit -n 16`.
    pub fn start_after(setup: &str, exe: &str, args: &[&str]) -> Server {
        let script = format!("{setup} && exec \"$0\" \"$@\"");
        // If another test took the port, the child exits; try another port.
        for _ in 0..5 {
            let addr = free_addr();
            let mut all_args = vec!["-c", &script, exe, "--addr", &addr];
            all_args.extend_from_slice(args);
            // `exec` keeps the process id: the child is the server itself.
            let mut program = Program::start("sh", &all_args);
            let deadline = Instant::now() + PATIENCE;
            while Instant::now() < deadline {
                if listens_on(program.child.id(), &addr) {
                    return Server { program, addr };
                }
                if program.child.try_wait().expect("try_wait").is_some() {
                    break;
                }
                thread::sleep(Duration::from_millis(20));
            }
        }
        panic!("{exe} did not start listening");
    }

    /// Connects to the server; reads time out after [`PATIENCE`].
    pub fn connect(&self) -> Client {
        Client::connect(&self.addr)
    }

    /// How many threads the server runs now (`Threads:` of
    /// `/proc/PID/status`).
    pub fn threads(&self) -> usize {
        threads_of(self.program.child.id())
    }
}

/// Whether process `pid` itself listens on `addr` (`127.0.0.1:PORT`): a
/// listening socket on that port in Linux's `/proc/net/tcp` whose inode is
/// one of the process's open files.
fn listens_on(pid: u32, addr: &str) -> bool {
    const LISTEN: &str = "0A";
    let port = addr.rsplit(':').next().and_then(|p| p.parse::<u16>().ok());
    let Some(port) = port else { return false };
    let wanted = format!("0100007F:{port:04X}");
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    let inode = table.lines().find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let listening = fields.get(1) == Some(&wanted.as_str()) && fields.get(3) == Some(&LISTEN);
        listening.then(|| fields.get(9).map(|inode| inode.to_string()))?
    });
    let Some(inode) = inode else { return false };
    let socket = format!("socket:[{inode}]");
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return false;
    };
    fds.flatten().any(|fd| {
        std::fs::read_link(fd.path()).is_ok_and(|target| target.as_os_str() == socket.as_str())
    })
}

/// A client connection that reads line by line.
#[derive(Debug)]
pub struct Client {
    /// The connection, for writing.
    pub stream: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Client {
    /// Connects to `addr`; reads time out after [`PATIENCE`].
    pub fn connect(addr: &str) -> Client {
        let stream = TcpStream::connect(addr).unwrap_or_else(|err| panic!("connect {addr}: {err}"));
        stream
            .set_read_timeout(Some(PATIENCE))
            .expect("set_read_timeout");
        let reader = BufReader::new(stream.try_clone().expect("try_clone"));
        Client { stream, reader }
    }

    /// The next line, newline included; empty at end of input; an error if
    /// nothing came within `timeout`.
    pub fn read_line_within(&mut self, timeout: Duration) -> io::Result<Vec<u8>> {
        self.stream.set_read_timeout(Some(timeout))?;
        let mut line = Vec::new();
        let result = self.reader.read_until(b'\n', &mut line);
        self.stream.set_read_timeout(Some(PATIENCE))?;
        result.map(|_| line)
    }

    /// The next line, newline included; empty at end of input. Panics if
    /// nothing comes within [`PATIENCE`].
    pub fn read_line(&mut self) -> Vec<u8> {
        self.read_line_within(PATIENCE).expect("read a line")
    }

    /// Everything until the server closes the connection.
    pub fn read_to_end(&mut self) -> Vec<u8> {
        let mut all = Vec::new();
        self.reader.read_to_end(&mut all).expect("read to end");
        all
    }
}

/// Asserts that server `exe` fails as Go's does when its port is taken: one
/// log line, `listen tcp 127.0.0.1:PORT: bind: address already in use`, and
/// exit status 1; and likewise, in Go 1.19's words, for addresses that are
/// no address.
pub fn assert_listen_failures(exe: &str) {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("local_addr");
    let port = addr.port();
    let failures = [
        (
            addr.to_string(),
            format!("listen tcp {addr}: bind: address already in use"),
        ),
        // Every address, shown as Go shows it.
        (
            format!(":{port}"),
            format!("listen tcp :{port}: bind: address already in use"),
        ),
        (
            "no-port-here".into(),
            "listen tcp: address no-port-here: missing port in address".into(),
        ),
        (
            "localhost:99999".into(),
            "listen tcp: address 99999: invalid port".into(),
        ),
        (
            "localhost:nosuchservice".into(),
            "listen tcp: address tcp/nosuchservice: unknown port".into(),
        ),
    ];
    for (addr, message) in failures {
        assert_fails_with(exe, &addr, &message);
    }
}

/// Asserts that client `exe` fails as Go's does when nobody listens: one log
/// line, `dial tcp 127.0.0.1:PORT: connect: connection refused`, and exit
/// status 1; and likewise, in Go 1.19's words, for addresses that are no
/// address, a host that does not exist, and a port given as a service name.
pub fn assert_dial_failure(exe: &str) {
    let (_held, addr) = refusing_addr();
    assert_fails_with(
        exe,
        &addr,
        &format!("dial tcp {addr}: connect: connection refused"),
    );
    let failures = [
        (
            "localhost",
            "dial tcp: address localhost: missing port in address",
        ),
        ("[::1", "dial tcp: address [::1: missing ']' in address"),
        ("localhost:99999", "dial tcp: address 99999: invalid port"),
        (
            "localhost:nosuchservice",
            "dial tcp: address tcp/nosuchservice: unknown port",
        ),
        ("", "dial tcp: missing address"),
    ];
    for (addr, message) in failures {
        assert_fails_with(exe, addr, message);
    }
    // Go's resolver names the first name server of /etc/resolv.conf. Where
    // no name server answers, a look-up fails otherwise: not checked here.
    let (status, _, err) = Program::start(exe, &["--addr", "nosuchhost.invalid:8000"]).finish();
    assert_eq!(status.code(), Some(1), "stderr: {err}");
    let message = go_log_message(&err);
    if message.ends_with("no such host") {
        let server = name_server();
        assert_eq!(
            message,
            format!("dial tcp: lookup nosuchhost.invalid on {server}: no such host")
        );
    } else {
        assert!(
            message.starts_with("dial tcp: lookup nosuchhost.invalid"),
            "{message}"
        );
        eprintln!("no name server answers here: {message}");
    }
    // `http` is port 80 in /etc/services, as for Go; where nobody listens
    // on port 80 (no web server on a test machine), Go's error says so.
    if TcpStream::connect("127.0.0.1:80").is_err() {
        let message = "dial tcp 127.0.0.1:80: connect: connection refused";
        assert_fails_with(exe, "localhost:http", message);
        assert_fails_with(exe, "localhost:HTTP", message);
    }
}

/// Asserts that `exe --addr ADDR` fails with one Go log line, `message`,
/// exit status 1 and nothing on standard output.
fn assert_fails_with(exe: &str, addr: &str, message: &str) {
    let (status, out, err) = Program::start(exe, &["--addr", addr]).finish();
    assert_eq!(status.code(), Some(1), "--addr {addr:?}: stderr: {err}");
    assert!(out.is_empty(), "--addr {addr:?}");
    assert_eq!(go_log_message(&err), message, "--addr {addr:?}");
}

/// The name server that Go's look-up errors name: the first of
/// `/etc/resolv.conf`, `10.0.0.53:53`, or Go's default `127.0.0.1:53`.
fn name_server() -> String {
    let conf = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
    let first = conf.lines().find_map(
        |line| match line.split_whitespace().collect::<Vec<_>>()[..] {
            ["nameserver", ip, ..] => ip.parse::<std::net::IpAddr>().ok(),
            _ => None,
        },
    );
    let ip = first.unwrap_or(std::net::IpAddr::from([127, 0, 0, 1]));
    std::net::SocketAddr::new(ip, 53).to_string()
}

/// A server in process that takes one client, sends it `greeting`, then
/// resets the connection (RST); returns its address, and a channel that
/// gives the connection's name as Go's errors show it from the client's
/// side, `tcp 127.0.0.1:39750->127.0.0.1:8000`.
pub fn resetting_server(greeting: &'static [u8]) -> (String, mpsc::Receiver<String>) {
    let (tx, rx) = mpsc::channel();
    let addr = serve_in_process(move |listener| {
        let (mut conn, client) = listener.accept().expect("accept");
        let server = conn.local_addr().expect("local_addr");
        let _ = tx.send(format!("tcp {client}->{server}"));
        let _ = std::io::Write::write_all(&mut conn, greeting);
        // Let the greeting arrive before the reset, which would discard it.
        thread::sleep(Duration::from_millis(200));
        socket2::SockRef::from(&conn)
            .set_linger(Some(Duration::ZERO))
            .expect("SO_LINGER");
    });
    (addr, rx)
}

/// Asserts that the server at `addr` resets the connection (RST) of a client
/// that sends a line over 64 KiB, as Go's `Close` does with the rest of the
/// line unread, rather than closing it with a FIN (an end of input that
/// would tell the client all went well). What the server sent before is
/// read and passed over.
pub fn assert_a_long_line_resets(addr: &str) {
    let mut client = Client::connect(addr);
    let line = [vec![b'x'; 100_000], b"\n".to_vec()].concat();
    // The server may reset before it has read it all: a failed write is fine.
    let _ = std::io::Write::write_all(&mut client.stream, &line);
    let mut heard = Vec::new();
    let end = client.reader.read_to_end(&mut heard);
    let err = end.expect_err("a reset, not the end of input");
    assert_eq!(err.kind(), io::ErrorKind::ConnectionReset, "{err}");
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn a_refusing_addr_refuses_while_it_is_held() {
        let (_held, addr) = refusing_addr();
        let err = TcpStream::connect(&addr).expect_err("nobody listens");
        assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
    }

    #[test]
    fn a_client_reads_a_server_in_process_line_by_line() {
        let addr = serve_in_process(|listener| {
            for conn in listener.incoming() {
                let mut conn = conn.expect("accept");
                conn.write_all(b"hello\nworld\n").expect("write");
            }
        });
        let mut client = Client::connect(&addr);
        assert_eq!(client.read_line(), b"hello\n");
        assert_eq!(client.read_to_end(), b"world\n");
    }
}
