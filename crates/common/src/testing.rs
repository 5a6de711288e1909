//! Helpers for the tests that drive the real programs over loopback.
//!
//! Only built with the `testing` feature, which the crates' dev-dependencies
//! turn on. The machine these tests run on is small and busy, so every wait
//! here is generous: a slow machine makes a test slow, never wrong.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// How long a test waits for anything before it gives up.
pub const PATIENCE: Duration = Duration::from_secs(30);

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
    let listener = crate::listen("127.0.0.1:0").expect("listen on a free port");
    let addr = listener.local_addr().expect("local_addr").to_string();
    thread::spawn(move || serve(listener));
    addr
}

/// A program under test, killed when dropped.
#[derive(Debug)]
pub struct Program {
    /// The running process; its stdin, stdout and stderr are pipes.
    pub child: Child,
}

impl Program {
    /// Starts `exe` with `args`, every standard stream a pipe.
    pub fn start(exe: &str, args: &[&str]) -> Program {
        Program::start_with_stdout(exe, args, Stdio::piped())
    }

    /// Starts `exe` with `args`, its standard output sent to `stdout`, and
    /// its standard input and error pipes.
    pub fn start_with_stdout(exe: &str, args: &[&str], stdout: impl Into<Stdio>) -> Program {
        let child = Command::new(exe)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(stdout)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|err| panic!("start {exe}: {err}"));
        Program { child }
    }

    /// Waits for the program to exit, within [`PATIENCE`], and returns its
    /// exit status, standard output and standard error.
    pub fn finish(mut self) -> (std::process::ExitStatus, Vec<u8>, String) {
        let deadline = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "the program did not exit in time"
            );
            thread::sleep(Duration::from_millis(20));
        };
        let mut out = Vec::new();
        let mut err = String::new();
        if let Some(mut stdout) = self.child.stdout.take() {
            stdout.read_to_end(&mut out).expect("read stdout");
        }
        if let Some(mut stderr) = self.child.stderr.take() {
            stderr.read_to_string(&mut err).expect("read stderr");
        }
        (status, out, err)
    }
}

impl Program {
    /// Hands the program's standard output to a thread that reads it line
    /// by line; each line (newline included) comes out of the receiver, and
    /// the receiver ends at end of file.
    pub fn stdout_lines(&mut self) -> mpsc::Receiver<Vec<u8>> {
        let stdout = self.child.stdout.take().expect("stdout is still ours");
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut line = Vec::new();
                match reader.read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => return,
                    Ok(_) if tx.send(line).is_err() => return,
                    Ok(_) => {}
                }
            }
        });
        rx
    }

    /// Writes `bytes` to the program's standard input.
    pub fn type_in(&mut self, bytes: &[u8]) {
        let stdin = self.child.stdin.as_mut().expect("stdin is still open");
        stdin.write_all(bytes).expect("write to stdin");
    }

    /// Closes the program's standard input: end of input, as `^D` is.
    pub fn end_input(&mut self) {
        drop(self.child.stdin.take());
    }
}

/// The next line from [`Program::stdout_lines`], waiting up to
/// [`PATIENCE`]; panics if none comes.
pub fn next_line(lines: &mpsc::Receiver<Vec<u8>>) -> Vec<u8> {
    lines
        .recv_timeout(PATIENCE)
        .expect("a line within the time allowed")
}

impl Drop for Program {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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

/// How many threads process `pid` runs now, as `/proc/PID/status` tells; 0
/// once it is gone.
pub fn threads_of(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
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

/// Asserts that `line` is a clock line, `HH:MM:SS\n`.
pub fn assert_clock_line(line: &[u8]) {
    let text = String::from_utf8_lossy(line);
    let ok = line.len() == 9
        && line[8] == b'\n'
        && chrono::NaiveTime::parse_from_str(&text[..8], "%H:%M:%S").is_ok();
    assert!(ok, "not a HH:MM:SS line: {text:?}");
}

/// Asserts that `text` is exactly one Go `log` line, `2026/11/28 14:02:54
/// MESSAGE\n`, and returns MESSAGE.
pub fn go_log_message(text: &str) -> &str {
    let line = text
        .strip_suffix('\n')
        .unwrap_or_else(|| panic!("no newline at the end of {text:?}"));
    assert!(!line.contains('\n'), "more than one line: {text:?}");
    let (stamp, message) = line.split_at_checked(19).unwrap_or((line, ""));
    let stamp_ok = chrono::NaiveDateTime::parse_from_str(stamp, "%Y/%m/%d %H:%M:%S").is_ok();
    assert!(stamp_ok, "no Go log timestamp in {text:?}");
    message
        .strip_prefix(' ')
        .unwrap_or_else(|| panic!("no space after the timestamp in {text:?}"))
}

/// Asserts that server `exe` fails as Go's does when its port is taken: one
/// log line, `listen tcp 127.0.0.1:PORT: bind: address already in use`, and
/// exit status 1; and likewise for an address that is no address.
pub fn assert_listen_failures(exe: &str) {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("local_addr").to_string();
    let (status, out, err) = Program::start(exe, &["--addr", &addr]).finish();
    assert_eq!(status.code(), Some(1), "stderr: {err}");
    assert!(out.is_empty());
    assert_eq!(
        go_log_message(&err),
        format!("listen tcp {addr}: bind: address already in use")
    );

    let (status, _, err) = Program::start(exe, &["--addr", "no-port-here"]).finish();
    assert_eq!(status.code(), Some(1), "stderr: {err}");
    assert!(go_log_message(&err).starts_with("listen tcp no-port-here: "));
}

/// Asserts that client `exe` fails as Go's does when nobody listens: one log
/// line, `dial tcp 127.0.0.1:PORT: connect: connection refused`, and exit
/// status 1.
pub fn assert_dial_failure(exe: &str) {
    let (_held, addr) = refusing_addr();
    let (status, out, err) = Program::start(exe, &["--addr", &addr]).finish();
    assert_eq!(status.code(), Some(1), "stderr: {err}");
    assert!(out.is_empty());
    assert_eq!(
        go_log_message(&err),
        format!("dial tcp {addr}: connect: connection refused")
    );
}

/// Asserts that program `name` explains itself: `--help` names the book's
/// listing, `--version` prints `NAME VERSION`, and an unknown flag is a
/// usage error (exit status 2), not a panic.
pub fn assert_help_and_version(exe: &str, name: &str) {
    let (status, out, _) = Program::start(exe, &["--help"]).finish();
    let help = String::from_utf8(out).expect("help is text");
    assert!(status.success());
    assert!(help.contains("Usage:"), "{help}");
    assert!(help.contains(&format!("gopl.io/ch8/{name}")), "{help}");

    let (status, out, _) = Program::start(exe, &["--version"]).finish();
    assert!(status.success());
    let version = String::from_utf8(out).expect("version is text");
    assert!(version.starts_with(&format!("{name} ")), "{version}");

    let (status, _, err) = Program::start(exe, &["--no-such-flag"]).finish();
    assert_eq!(status.code(), Some(2), "{err}");
    assert!(
        err.contains("--no-such-flag") && !err.contains("panicked"),
        "{err}"
    );
}

/// Asserts that `exe`, writing to a full disk (`/dev/full`), stops with one
/// Go-style log line, `write /dev/stdout: no space left on device`, and
/// exit status 1, rather than going on or panicking.
pub fn assert_full_disk_fails(exe: &str) {
    let full = std::fs::File::create("/dev/full").expect("open /dev/full");
    let (status, _, err) = Program::start_with_stdout(exe, &[], full).finish();
    assert_eq!(status.code(), Some(1), "{err}");
    assert_eq!(
        go_log_message(&err),
        "write /dev/stdout: no space left on device"
    );
}

/// Asserts that `exe` prints what Go's pipeline2 prints: the squares of 0 to
/// 99, one a line (454 bytes, MD5 91e8d9f69b92d348aaaa54ca449c74e0 in the
/// Go transcripts), and nothing on standard error.
pub fn assert_prints_100_squares(exe: &str) {
    let (status, out, err) = Program::start(exe, &[]).finish();
    assert!(status.success(), "{err}");
    assert_eq!(err, "");
    let want: String = (0..100).map(|x| format!("{}\n", x * x)).collect();
    assert_eq!(String::from_utf8_lossy(&out), want);
    assert_eq!(out.len(), 454);
}

/// Asserts that `exe --tick` refuses what is not a duration, and a zero
/// tick, as usage errors (exit status 2) that say why.
pub fn assert_bad_tick_is_a_usage_error(exe: &str) {
    for (tick, why) in [("soon", "expected number"), ("0s", "longer than zero")] {
        let (status, out, err) = Program::start(exe, &["--tick", tick]).finish();
        assert_eq!(status.code(), Some(2), "{err}");
        assert!(out.is_empty());
        assert!(
            err.contains(&format!("invalid value '{tick}' for '--tick <TICK>'")),
            "{err}"
        );
        assert!(err.contains(why), "{err}");
    }
}

/// Asserts that `exe` with `args`, its standard output closed by the
/// reader, ends quietly with status 0, as Go's programs die of SIGPIPE.
pub fn assert_closed_stdout_ends_it_quietly(exe: &str, args: &[&str]) {
    let mut program = Program::start(exe, args);
    drop(program.child.stdout.take());
    let (status, _, err) = program.finish();
    assert!(status.success(), "{status:?}: {err}");
    assert_eq!(err, "");
}
