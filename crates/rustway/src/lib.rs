//! The same jobs the Rust way: what the binaries of this crate share.
//!
//! Each binary in `src/bin/` is the job of a thread version of the port
//! (clock2, reverb2, pipeline1, du1, thumbnail, crawl2, chat), written as a
//! Rust engineer would for production: tokio tasks where the book starts a
//! goroutine per client, rayon where it loops in parallel. The command
//! line, the output bytes and the log lines are the thread version's.

use std::io;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};

/// How long a server waits after a failed accept, as `common::accept` does:
/// out of descriptors, Go's loop would log 600,000 lines a second.
const BACK_OFF: Duration = Duration::from_millis(50);

/// Go's `net.Listen("tcp", addr)` for tokio: `common::listen`, so the
/// address, the backlog and the error text are the thread version's.
/// Logs the error and exits with status 1, as `log.Fatal` does.
///
/// Call it inside the runtime.
pub fn listen(addr: &str) -> TcpListener {
    let listener = common::listen(addr).unwrap_or_else(|err| common::log_fatal!("{err}"));
    listener
        .set_nonblocking(true)
        .and_then(|()| TcpListener::from_std(listener))
        .unwrap_or_else(|err| common::log_fatal!("{}", common::go_error(&err)))
}

/// Go's `listener.Accept()` with its error text,
/// `accept tcp 127.0.0.1:8000: accept4: too many open files`, after a
/// moment's pause so that a server out of descriptors does not spin.
pub async fn accept(listener: &TcpListener) -> io::Result<TcpStream> {
    match listener.accept().await {
        Ok((conn, _)) => Ok(conn),
        Err(err) => {
            tokio::time::sleep(BACK_OFF).await;
            let what = match listener.local_addr() {
                Ok(sa) => format!("accept tcp {sa}: accept4"),
                Err(_) => "accept tcp: accept4".to_string(),
            };
            Err(io::Error::new(
                err.kind(),
                format!("{what}: {}", common::go_error(&err)),
            ))
        }
    }
}

/// A runtime of one worker thread per CPU: tasks, not threads, per client.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|err| common::log_fatal!("{}", common::go_error(&err)))
}

/// Go's `bufio.Scanner` over an async reader, split as `common::Scanner`
/// splits: on `\n`, one trailing `\r` dropped, a line longer than
/// `common::MAX_SCAN_TOKEN_SIZE` or a read error ends the scan.
///
/// [`Lines::next_line`] is cancel safe: in a `tokio::select!` whose other
/// branch wins, the part of a line read so far is kept for the next call.
#[derive(Debug)]
pub struct Lines<R> {
    reader: R,
    line: Vec<u8>,
    done: bool,
}

impl<R: tokio::io::AsyncBufRead + Unpin> Lines<R> {
    /// Go's `bufio.NewScanner(r)`.
    pub fn new(reader: R) -> Self {
        Lines {
            reader,
            line: Vec::new(),
            done: false,
        }
    }

    /// Go's `input.Scan()` and `input.Text()`: the next line, if any.
    pub async fn next_line(&mut self) -> Option<Vec<u8>> {
        use tokio::io::{AsyncBufReadExt, AsyncReadExt};
        if self.done {
            return None;
        }
        let limit = (common::MAX_SCAN_TOKEN_SIZE - self.line.len()) as u64;
        let _ = (&mut self.reader)
            .take(limit)
            .read_until(b'\n', &mut self.line)
            .await;
        let mut line = std::mem::take(&mut self.line);
        if line.ends_with(b"\n") {
            line.pop();
        } else {
            self.done = true;
            if line.len() == common::MAX_SCAN_TOKEN_SIZE || line.is_empty() {
                return None;
            }
        }
        if line.ends_with(b"\r") {
            line.pop();
        }
        Some(line)
    }
}
