//! The many-connection load clients: one thread, one `mio` poll, thousands
//! of non-blocking sockets. A thread per client would cost the client as
//! much memory and scheduling as the server it measures.

use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};

/// How the clients of a clock burst fared.
#[derive(Debug, Default)]
pub struct Burst {
    /// Lines each client received, sorted.
    pub lines: Vec<u32>,
    /// Clients that got their ticks: from the moment they were connected,
    /// one at once and one a second, give or take one.
    pub served: usize,
    /// The longest a client waited to be connected.
    pub slowest_connect: Duration,
    /// Lines that were not `HH:MM:SS`.
    pub bad_lines: u64,
    /// Clients whose connection failed (refused, reset).
    pub errors: usize,
}

impl Burst {
    /// The fewest and the most lines a client received.
    pub fn min_max(&self) -> (u32, u32) {
        let min = self.lines.first().copied().unwrap_or(0);
        let max = self.lines.last().copied().unwrap_or(0);
        (min, max)
    }
}

/// One clock client: how many complete lines it read, and the length of
/// the line it is in.
struct Reader {
    stream: TcpStream,
    connected: Option<Duration>,
    lines: u32,
    column: u32,
    bad_lines: u64,
    failed: bool,
    done: bool,
}

/// `clients` connections to a clock server, opened in the same instant; each
/// reads until `read_for` after the last was opened. Before the connections
/// close, `before_close` runs (to sample the server's memory while it
/// serves them all).
pub fn clock_burst<T>(
    addr: SocketAddr,
    clients: usize,
    read_for: Duration,
    before_close: impl FnOnce() -> T,
) -> io::Result<(Burst, T)> {
    let mut poll = Poll::new()?;
    let mut events = Events::with_capacity(4096);
    let start = Instant::now();
    let mut readers = Vec::with_capacity(clients);
    for i in 0..clients {
        let mut stream = TcpStream::connect(addr)?;
        poll.registry().register(
            &mut stream,
            Token(i),
            Interest::READABLE | Interest::WRITABLE,
        )?;
        readers.push(Reader {
            stream,
            connected: None,
            lines: 0,
            column: 0,
            bad_lines: 0,
            failed: false,
            done: false,
        });
    }
    // `read_for` from the last connect: connecting 20,000 clients alone can
    // take longer than that.
    let deadline = Instant::now() + read_for;
    let window = deadline.duration_since(start);
    let mut buf = [0; 4096];
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        poll.poll(&mut events, Some(left))?;
        for event in &events {
            let reader = &mut readers[event.token().0];
            if reader.connected.is_none() && !event.is_error() {
                reader.connected = Some(start.elapsed());
            }
            // Edge-triggered: read until the socket would block.
            while !reader.done {
                match reader.stream.read(&mut buf) {
                    Ok(0) => reader.done = true,
                    Ok(n) => {
                        for &byte in &buf[..n] {
                            if byte == b'\n' {
                                // "15:04:05\n": eight characters, then the newline.
                                if reader.column != 8 {
                                    reader.bad_lines += 1;
                                }
                                reader.lines += 1;
                                reader.column = 0;
                            } else {
                                reader.column += 1;
                            }
                        }
                    }
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => break,
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => {
                        reader.failed = true;
                        reader.done = true;
                    }
                }
            }
        }
    }
    let sample = before_close();
    let mut burst = Burst::default();
    for reader in &readers {
        if let Some(at) = reader.connected {
            burst.slowest_connect = burst.slowest_connect.max(at);
            let whole_seconds = window.saturating_sub(at).as_secs() as u32;
            if reader.lines >= whole_seconds.max(1) && !reader.failed {
                burst.served += 1;
            }
        }
        burst.lines.push(reader.lines);
        burst.bad_lines += reader.bad_lines;
        burst.errors += usize::from(reader.failed);
    }
    burst.lines.sort_unstable();
    Ok((burst, sample))
}

/// How the clients of a reverb load fared.
#[derive(Debug, Default)]
pub struct Shouts {
    /// Clients started.
    pub clients: usize,
    /// Clients that got every echo, whole and in order.
    pub correct: usize,
    /// Lines received, all clients together.
    pub lines: usize,
    /// From the first connect to the last line of the last correct client,
    /// if every client was correct.
    pub wall: Option<Duration>,
    /// The latest time at which a client got its first `shouts` lines back: when the last echo thread had written its first line.
    pub last_first_echoes: Duration,
    /// What went wrong first, if anything.
    pub first_problem: Option<String>,
}

/// One reverb client.
struct Shouter {
    stream: TcpStream,
    to_send: Vec<u8>,
    sent: usize,
    received: Vec<u8>,
    first_echoes: Option<Duration>,
    finished: Option<Duration>,
    problem: Option<String>,
}

/// The `n`th shout of client `c`: mixed case, so that the three echoes
/// (upper, as is, lower) all differ.
pub fn shout(c: usize, n: usize) -> String {
    format!("Hello c{c} n{n}")
}

/// `clients` connections to a reverb server, each sending `shouts` lines in
/// one write at once and reading until every echo is back (`3 * shouts`
/// lines) or `patience` runs out. The connections stay open until then:
/// reverb2 cuts pending echoes off when its client's input ends.
pub fn reverb_load(
    addr: SocketAddr,
    clients: usize,
    shouts: usize,
    patience: Duration,
) -> io::Result<Shouts> {
    let mut poll = Poll::new()?;
    let mut events = Events::with_capacity(4096);
    let start = Instant::now();
    let mut shouters = Vec::with_capacity(clients);
    for c in 0..clients {
        let mut stream = TcpStream::connect(addr)?;
        poll.registry().register(
            &mut stream,
            Token(c),
            Interest::READABLE | Interest::WRITABLE,
        )?;
        let to_send: String = (0..shouts).map(|n| shout(c, n) + "\n").collect();
        shouters.push(Shouter {
            stream,
            to_send: to_send.into_bytes(),
            sent: 0,
            received: Vec::new(),
            first_echoes: None,
            finished: None,
            problem: None,
        });
    }
    let want_lines = 3 * shouts;
    let mut open = clients;
    let deadline = start + patience;
    let mut buf = [0; 4096];
    while open > 0 {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            break;
        };
        poll.poll(&mut events, Some(left))?;
        for event in &events {
            let s = &mut shouters[event.token().0];
            if s.finished.is_some() || s.problem.is_some() {
                continue;
            }
            while s.sent < s.to_send.len() {
                match s.stream.write(&s.to_send[s.sent..]) {
                    Ok(n) => s.sent += n,
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => break,
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                    Err(err) => {
                        s.problem = Some(format!("send: {err}"));
                        break;
                    }
                }
            }
            let mut eof = false;
            while s.problem.is_none() && !eof {
                match s.stream.read(&mut buf) {
                    Ok(0) => eof = true,
                    Ok(n) => s.received.extend_from_slice(&buf[..n]),
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => break,
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                    Err(err) => s.problem = Some(format!("receive: {err}")),
                }
            }
            let lines = s.received.iter().filter(|&&b| b == b'\n').count();
            if lines >= shouts && s.first_echoes.is_none() {
                s.first_echoes = Some(start.elapsed());
            }
            if lines >= want_lines && s.problem.is_none() {
                s.finished = Some(start.elapsed());
            } else if eof {
                s.problem = Some("the server closed the connection early".to_string());
            }
            if s.finished.is_some() || s.problem.is_some() {
                open -= 1;
                // Done with it: close it now, as a client would.
                let _ = poll.registry().deregister(&mut s.stream);
                let _ = s.stream.shutdown(std::net::Shutdown::Both);
            }
        }
    }
    let mut result = Shouts {
        clients,
        ..Shouts::default()
    };
    let mut last = Duration::ZERO;
    for (c, s) in shouters.iter().enumerate() {
        result.lines += s.received.iter().filter(|&&b| b == b'\n').count();
        result.last_first_echoes = result
            .last_first_echoes
            .max(s.first_echoes.unwrap_or_default());
        let problem = match (&s.problem, s.finished) {
            (Some(problem), _) => Some(problem.clone()),
            (None, None) => Some("not every echo came back in time".to_string()),
            (None, Some(at)) => {
                last = last.max(at);
                check_echoes(c, shouts, &s.received).err()
            }
        };
        match problem {
            None => result.correct += 1,
            Some(problem) => {
                result
                    .first_problem
                    .get_or_insert(format!("client {c}: {problem}"));
            }
        }
    }
    if result.correct == clients {
        result.wall = Some(last);
    }
    Ok(result)
}

/// Checks that `received` holds exactly the echoes of client `c`'s shouts,
/// `\t SHOUT`, `\t Shout`, `\t shout` for each (Go's `fmt.Fprintln(c, "\t",
/// s)` puts a space between its operands), each shout's three in that order,
/// and nothing else.
pub fn check_echoes(c: usize, shouts: usize, received: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(received).map_err(|_| "not UTF-8".to_string())?;
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() != 3 * shouts {
        return Err(format!("{} lines, not {}", lines.len(), 3 * shouts));
    }
    // Each echo line names its shout and stage: (shout, 0 loud, 1 as is, 2 quiet).
    let mut forms = std::collections::HashMap::with_capacity(3 * shouts);
    for n in 0..shouts {
        let s = shout(c, n);
        for (stage, form) in [s.to_uppercase(), s.clone(), s.to_lowercase()]
            .into_iter()
            .enumerate()
        {
            forms.insert(format!("\t {form}"), (n, stage));
        }
    }
    let mut seen = vec![0; shouts];
    for line in &lines {
        match forms.get(*line) {
            Some(&(n, stage)) if seen[n] == stage => seen[n] += 1,
            Some(&(n, _)) => return Err(format!("echoes of shout {n} out of order: {line:?}")),
            None => return Err(format!("unexpected line {line:?}")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interleaved_echoes_in_order_are_correct() {
        let got = "\t HELLO C7 N0\n\t HELLO C7 N1\n\t Hello c7 n0\n\t Hello c7 n1\n\t hello c7 n1\n\t hello c7 n0\n";
        assert_eq!(check_echoes(7, 2, got.as_bytes()), Ok(()));
    }

    #[test]
    fn echoes_out_of_order_or_garbled_are_caught() {
        let swapped = "\t Hello c1 n0\n\t HELLO C1 N0\n\t hello c1 n0\n";
        assert!(check_echoes(1, 1, swapped.as_bytes()).is_err());
        let mixed = "\t HELLO C1\t N0\n\n\t Hello c1 n0\n";
        assert!(check_echoes(1, 1, mixed.as_bytes()).is_err());
        let short = "\t HELLO C1 N0\n";
        assert!(check_echoes(1, 1, short.as_bytes()).is_err());
    }

    #[test]
    fn a_burst_reads_a_tiny_clock() {
        // A stand-in clock server: two lines to each client, then close.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            for conn in listener.incoming().take(3) {
                let _ = conn.unwrap().write_all(b"14:02:54\n14:02:55\n");
            }
        });
        let (burst, sample) = clock_burst(addr, 3, Duration::from_millis(500), || 42).unwrap();
        server.join().unwrap();
        assert_eq!(sample, 42);
        assert_eq!(burst.served, 3);
        assert_eq!(burst.min_max(), (2, 2));
        assert_eq!(burst.bad_lines, 0);
    }
}

/// How the clients of a clock crowd fared.
#[derive(Debug, Default)]
pub struct Crowd {
    /// Clients that got `lines` good lines.
    pub served: usize,
    /// Clients whose connection failed, or that got a bad line.
    pub failed: usize,
    /// When the last client was served.
    pub last_served: Duration,
}

/// `clients` connections to a clock server, opened in the same instant; each
/// leaves once it has read `lines` lines, so that clients the server could
/// not take at once (more than its thread budget) are served as others go.
/// Gives up after `patience`.
pub fn clock_crowd(
    addr: SocketAddr,
    clients: usize,
    lines: u32,
    patience: Duration,
) -> io::Result<Crowd> {
    let mut poll = Poll::new()?;
    let mut events = Events::with_capacity(4096);
    let start = Instant::now();
    let mut readers = Vec::with_capacity(clients);
    for i in 0..clients {
        let mut stream = TcpStream::connect(addr)?;
        poll.registry()
            .register(&mut stream, Token(i), Interest::READABLE)?;
        readers.push((stream, 0u32, 0u32, false)); // stream, lines, column, done
    }
    let mut crowd = Crowd::default();
    let mut open = clients;
    let deadline = start + patience;
    let mut buf = [0; 4096];
    while open > 0 {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            break;
        };
        poll.poll(&mut events, Some(left))?;
        for event in &events {
            let (stream, got, column, done) = &mut readers[event.token().0];
            while !*done {
                match stream.read(&mut buf) {
                    Ok(0) => {
                        crowd.failed += 1;
                        *done = true;
                    }
                    Ok(n) => {
                        for &byte in &buf[..n] {
                            if byte != b'\n' {
                                *column += 1;
                                continue;
                            }
                            if *column != 8 && !*done {
                                crowd.failed += 1;
                                *done = true;
                            }
                            *got += 1;
                            *column = 0;
                        }
                        if *got >= lines && !*done {
                            crowd.served += 1;
                            crowd.last_served = start.elapsed();
                            *done = true;
                        }
                    }
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => break,
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => {
                        crowd.failed += 1;
                        *done = true;
                    }
                }
                if *done {
                    open -= 1;
                    let _ = poll.registry().deregister(stream);
                    let _ = stream.shutdown(std::net::Shutdown::Both);
                }
            }
        }
    }
    Ok(crowd)
}
