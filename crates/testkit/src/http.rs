//! The HTTP/1.1 server that [`site`](crate::site) and
//! [`mirror_site`](crate::mirror_site) share: a few lines of std, a thread
//! per connection, each kept alive for as many requests as the client
//! sends. It counts the requests, and the most it is answering at once.
//!
//! It is not tiny_http: tiny_http's thread pool can leave a new connection
//! unserved for as long as its threads wait on idle keep-alive
//! connections, which made the crawlers' tests hang now and then.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

/// What the connection does after a response.
pub enum Then {
    /// Reads the next request.
    KeepAlive,
    /// Closes (after a truncated body).
    Close,
    /// Sends nothing more until the server is dropped (after a stalled
    /// body, or no response at all).
    Stall,
}

/// What the threads of a server share.
#[derive(Debug, Default)]
struct Shared {
    stopped: AtomicBool,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    requests: AtomicUsize,
}

/// A server on a loopback port until dropped.
#[derive(Debug)]
pub struct HttpServer {
    /// The address it listens on.
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

impl HttpServer {
    /// Listens on a free port of `ip` and answers each request with what
    /// `answer` makes of its target (such as `/a.html?q=1`): the whole
    /// response, and what the connection does next. `make_answer` makes
    /// `answer` from the server's base URL, `http://IP:PORT`.
    pub fn serve<F>(ip: &str, make_answer: impl FnOnce(&str) -> F) -> HttpServer
    where
        F: Fn(&str) -> (Vec<u8>, Then) + Send + Sync + 'static,
    {
        let listener = TcpListener::bind((ip, 0)).expect("listen on a free port");
        let addr = listener.local_addr().expect("local_addr");
        let answer = Arc::new(make_answer(&format!("http://{addr}")));
        let server = HttpServer {
            addr,
            shared: Arc::default(),
        };
        let shared = server.shared.clone();
        thread::spawn(move || {
            for conn in listener.incoming() {
                if shared.stopped.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                let (shared, answer) = (shared.clone(), answer.clone());
                // A thread per connection: a test site, bounded by the
                // client under test.
                thread::spawn(move || handle_conn(conn, &shared, &*answer));
            }
        });
        server
    }

    /// `http://IP:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// How many requests have arrived so far.
    pub fn requests(&self) -> usize {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// The most requests the server was answering at once so far.
    ///
    /// A request counts from its arrival until the server starts sending
    /// the answer, a time in which the client is surely waiting: so this
    /// is never more than the client's own count of requests in flight.
    pub fn max_in_flight(&self) -> usize {
        self.shared.max_in_flight.load(Ordering::SeqCst)
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.shared.stopped.store(true, Ordering::SeqCst);
        // Wake the accept loop, so that it sees `stopped`.
        let _ = TcpStream::connect(self.addr);
    }
}

/// Answers the requests of one connection until the client closes it, or
/// sends `Connection: close`, or `answer` says otherwise.
fn handle_conn(conn: TcpStream, shared: &Shared, answer: &dyn Fn(&str) -> (Vec<u8>, Then)) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(60)));
    let Ok(mut out) = conn.try_clone() else {
        return;
    };
    let mut input = BufReader::new(conn);
    // A TLS client hello (its first byte 0x16) gets a plain HTTP answer,
    // as from any HTTP server given TLS.
    if input.fill_buf().is_ok_and(|buf| buf.first() == Some(&0x16)) {
        let _ = out.write_all(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
        return;
    }
    loop {
        // The request line, then headers up to an empty line (a GET has
        // no body).
        let mut request = String::new();
        let mut close = false;
        loop {
            let mut line = String::new();
            match input.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) if line.trim_end().is_empty() => break,
                Ok(_) if request.is_empty() => request = line,
                Ok(_) => close |= line.to_ascii_lowercase().starts_with("connection: close"),
            }
        }
        let target = request.split(' ').nth(1).unwrap_or("/");
        shared.requests.fetch_add(1, Ordering::SeqCst);
        let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
        let (response, then) = answer(target);
        shared.in_flight.fetch_sub(1, Ordering::SeqCst);
        if out.write_all(&response).is_err() {
            return;
        }
        match then {
            Then::KeepAlive if !close => {}
            Then::KeepAlive | Then::Close => return,
            Then::Stall => {
                while !shared.stopped.load(Ordering::SeqCst) {
                    thread::sleep(Duration::from_millis(20));
                }
                return;
            }
        }
    }
}

/// A whole response: the status line, `headers` (each ending in `\r\n`),
/// a `Content-Length` unless `headers` have one, and `body`.
pub fn response(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
    let length = match headers.contains("Content-Length") {
        true => String::new(),
        false => format!("Content-Length: {}\r\n", body.len()),
    };
    [
        format!("HTTP/1.1 {status}\r\n{headers}{length}\r\n").as_bytes(),
        body,
    ]
    .concat()
}
