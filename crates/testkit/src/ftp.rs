//! What the tests of exercise 8.2's FTP server (`ftpd`) share: the server
//! on a temporary root, Python's `ftplib` as the independent client, and a
//! bare control connection for what no client library would send.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use crate::{PATIENCE, Server};

/// What every `ftplib` script starts with: `HOST`, `PORT`, `ROOT`, and
/// - `login(user, passwd)`: a logged-in `ftplib.FTP`, passive by default;
/// - `refused(code, fn, *args)`: asserts that `fn(*args)` fails with a
///   reply starting with `code`, and returns the reply;
/// - `get(f, name)`: the bytes of a binary RETR;
/// - `put(f, name, data)`: a binary STOR of `data`.
pub const PRELUDE: &str = r#"
import ftplib, io, os, socket, sys, threading, time
HOST, PORT, ROOT = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def login(user='anonymous', passwd='guest@example.com', passive=True):
    f = ftplib.FTP(encoding='utf-8')
    f.connect(HOST, PORT, timeout=30)
    f.login(user, passwd)
    f.set_pasv(passive)
    return f
def refused(code, fn, *args):
    try:
        fn(*args)
    except ftplib.all_errors as e:
        assert str(e).startswith(code), (code, str(e))
        return str(e)
    raise AssertionError('expected a ' + code + ' reply')
def get(f, name):
    out = io.BytesIO()
    f.retrbinary('RETR ' + name, out.write)
    return out.getvalue()
def put(f, name, data):
    f.storbinary('STOR ' + name, io.BytesIO(data))
"#;

/// `ftpd` on a free loopback port, serving a temporary directory.
#[derive(Debug)]
pub struct Ftpd {
    /// The server; killed when dropped.
    pub server: Server,
    /// The directory it serves as `/`; removed when dropped.
    pub root: tempfile::TempDir,
    log: mpsc::Receiver<String>,
}

impl Ftpd {
    /// Starts `exe --root ROOT ARGS...` on a new temporary root, filled by
    /// `fill` before the server starts.
    pub fn start(exe: &str, args: &[&str], fill: impl FnOnce(&Path)) -> Ftpd {
        let root = tempfile::tempdir().expect("a temporary root");
        fill(root.path());
        let dir = root
            .path()
            .to_str()
            .expect("a UTF-8 temporary path")
            .to_string();
        let mut all = vec!["--root", &dir];
        all.extend_from_slice(args);
        let mut server = Server::start(exe, &all);
        let log = server.program.stderr_lines(); // drained, so the pipe never fills
        Ftpd { server, root, log }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        let port = self.server.addr.rsplit(':').next().expect("HOST:PORT");
        port.parse().expect("a port")
    }

    /// Runs [`PRELUDE`] and `script` in `python3`, with the server's host,
    /// port and root; returns what it printed. Panics, with its stderr, if
    /// it fails or takes longer than [`PATIENCE`].
    pub fn python(&self, script: &str) -> String {
        let program = format!("{PRELUDE}\n{script}");
        let port = self.port().to_string();
        let root = self.root.path().to_str().expect("UTF-8").to_string();
        let mut child = crate::Program::start_with_stdout(
            "python3",
            &["-c", &program, "127.0.0.1", &port, &root],
            std::process::Stdio::piped(),
        );
        child.end_input();
        let (status, out, err) = child.finish();
        assert!(status.success(), "python3 failed ({status}):\n{err}");
        String::from_utf8(out).expect("UTF-8 output")
    }

    /// The server's log lines so far.
    pub fn log(&self) -> Vec<String> {
        self.log.try_iter().collect()
    }

    /// The server's next log line, waiting up to [`PATIENCE`].
    pub fn next_log_line(&self) -> String {
        self.log.recv_timeout(PATIENCE).expect("a log line in time")
    }

    /// A bare control connection, its greeting read.
    pub fn control(&self) -> Control {
        let mut control = Control::connect(&self.server.addr);
        let (code, _) = control.reply();
        assert_eq!(code, 220);
        control
    }
}

/// Whether `python3` is there (the tests' independent client).
pub fn have_python() -> bool {
    Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}

/// A control connection, spoken by hand.
#[derive(Debug)]
pub struct Control {
    /// The connection, for writing.
    pub stream: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Control {
    /// Connects to `addr`; reads time out after [`PATIENCE`].
    pub fn connect(addr: &str) -> Control {
        let stream = TcpStream::connect(addr).unwrap_or_else(|err| panic!("connect {addr}: {err}"));
        stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
        let reader = BufReader::new(stream.try_clone().expect("try_clone"));
        Control { stream, reader }
    }

    /// Sends `line` and CRLF.
    pub fn send(&mut self, line: &str) {
        self.stream
            .write_all(format!("{line}\r\n").as_bytes())
            .expect("send a command");
    }

    /// The next reply: its code and its last line's text; code 0 at the
    /// end of the connection. A multi-line reply is read to its end.
    pub fn reply(&mut self) -> (u16, String) {
        let mut line = String::new();
        if self.reader.read_line(&mut line).unwrap_or(0) == 0 {
            return (0, String::new());
        }
        let code: u16 = line.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
        if line.as_bytes().get(3) == Some(&b'-') {
            let end = format!("{code} ");
            while !line.starts_with(&end) {
                line.clear();
                if self.reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
            }
        }
        let text = line.get(4..).unwrap_or("").trim_end().to_string();
        (code, text)
    }

    /// Sends `line` and returns the reply's code and text.
    pub fn ask(&mut self, line: &str) -> (u16, String) {
        self.send(line);
        self.reply()
    }

    /// Logs in anonymously.
    pub fn login(&mut self) {
        assert_eq!(self.ask("USER anonymous").0, 331);
        assert_eq!(self.ask("PASS guest").0, 230);
    }

    /// Whether the server has closed the connection, within `timeout`.
    pub fn closed_within(&mut self, timeout: Duration) -> bool {
        self.stream
            .set_read_timeout(Some(timeout))
            .expect("timeout");
        let mut rest = Vec::new();
        let closed = loop {
            let mut buf = [0; 4096];
            match std::io::Read::read(&mut self.reader, &mut buf) {
                Ok(0) => break true,
                Ok(n) => rest.extend_from_slice(&buf[..n]),
                Err(err) => break err.kind() == std::io::ErrorKind::ConnectionReset,
            }
        };
        self.stream
            .set_read_timeout(Some(PATIENCE))
            .expect("timeout");
        closed
    }
}
