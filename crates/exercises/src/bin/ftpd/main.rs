//! Exercise 8.2: a concurrent File Transfer Protocol (FTP) server that
//! interprets commands from each client such as `cd`, `ls`, `get` and
//! `close`, for the standard `ftp` command, curl, lftp and Python's ftplib.
//!
//! clock2's shape: `serve` accepts, and `go handle_conn(conn)` gives each
//! control connection its own thread, which reads one command line at a
//! time and answers it. All of a session's state (login, directory, type,
//! pending data connection, REST offset) is that thread's (`session.rs`);
//! transfers run on it too, so a session is one thread. The root's safety
//! is in `paths.rs`, data connections in `data.rs`, listings in `list.rs`.
//!
//! ```text
//! $ cargo run -p exercises --bin ftpd -- --root /srv/ftp      # terminal 1
//! $ ftp -p localhost 2121                                      # terminal 2
//! Name (localhost:me): anonymous
//! ftp> ls
//! ftp> get README.md
//! ftp> close
//! ```
//!
//! | Go                                        | Rust                                          |
//! |-------------------------------------------|-----------------------------------------------|
//! | `bufio.NewReader(c)` + a `LimitReader`    | `BufReader` + `take(MAX_LINE + 1)`: a bounded line |
//! | `c.SetReadDeadline(time.Now().Add(idle))` | `set_read_timeout(Some(idle))`, once          |
//! | `io.Copy(dataConn, file)` (sendfile)      | `rustix::fs::sendfile`, in chunks (`data.rs`) |
//! | `os.OpenRoot(dir)`, `root.Open(name)` (Go 1.24) | `Root::open`: canonicalize, then `openat2(RESOLVE_BENEATH)` (`paths.rs`) |

mod data;
mod list;
mod paths;
mod session;

use std::io::{self, BufRead, BufReader, Read};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;

use crate::paths::Root;
use crate::session::{Config, Flow, Session};

/// A concurrent FTP server (RFC 959, 2428, 3659) for a directory tree,
/// read-only unless --write: gopl.io/ch8 exercise 8.2.
///
/// Anonymous login (USER anonymous or ftp, any password); --user adds one
/// account. Nothing outside --root is ever read, listed or written.
#[derive(Parser)]
#[command(name = "ftpd", version)]
struct Args {
    /// Where to listen for control connections, as HOST:PORT
    #[arg(long, default_value = "localhost:2121")]
    addr: String,

    /// The directory clients see as /
    #[arg(long, value_name = "DIR", default_value = ".", value_parser = parse_root)]
    root: Root,

    /// How long a client may stay silent (control or data connection)
    /// before it is disconnected, e.g. 5m, 30s
    #[arg(long, default_value = "5m", value_parser = flags::positive_duration)]
    idle: Duration,

    /// Allow uploads, deletions, new directories and renames: for everyone,
    /// or with --user only for that user
    #[arg(long)]
    write: bool,

    /// An account besides anonymous, as NAME:PASSWORD (which `ps` shows to
    /// local users; FTP itself sends it in the clear)
    #[arg(long, value_name = "NAME:PASSWORD", value_parser = parse_user)]
    user: Option<(String, String)>,

    #[command(flatten)]
    threads: flags::MaxThreads,
}

/// The longest command line read: a path of 4,000 bytes and a verb.
const MAX_LINE: usize = 4096;

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    common::threads::set_budget(args.threads.server_budget());
    let listener = common::listen(&args.addr).unwrap_or_else(|err| common::log_fatal!("{err}"));
    let config = Config {
        root: args.root,
        idle: args.idle,
        write: args.write,
        user: args.user,
    };
    let access = if config.write {
        "read-write"
    } else {
        "read-only"
    };
    if let Ok(addr) = listener.local_addr() {
        let root = config.root.dir().display();
        common::log_print!("serving {root} on {addr}, {access}");
    }
    serve(listener, Arc::new(config));
}

/// clock2's `serve`, for this `handle_conn`.
fn serve(listener: TcpListener, config: Arc<Config>) {
    loop {
        let conn = match common::accept(&listener) {
            Ok(conn) => conn,
            Err(err) => {
                common::log_print!("{err}"); // e.g., connection aborted
                continue;
            }
        };
        let config = Arc::clone(&config);
        common::go(move || handle_conn(conn, config)); // handle connections concurrently
    }
}

/// Serves one control connection: a command line at a time, until QUIT,
/// the client's end, a silence of `--idle`, or a line too long.
fn handle_conn(conn: TcpStream, config: Arc<Config>) {
    let idle = config.idle;
    let Ok(mut session) = Session::new(&conn, config) else {
        return; // the client has gone already
    };
    let _ = conn.set_read_timeout(Some(idle));
    // Replies go out at once: Nagle would hold `226` back for the client's
    // delayed ACK of `150`, some 40 ms a transfer.
    let _ = conn.set_nodelay(true);
    let mut input = BufReader::new(conn);
    session.reply(220, "ftpd (gopl.io exercise 8.2) ready.");
    let mut line = Vec::new();
    loop {
        line.clear();
        // Never more than MAX_LINE + 1 bytes of a line in memory.
        let read = input
            .by_ref()
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line);
        match read {
            Ok(0) => return, // the client has gone
            Ok(_) if line.len() > MAX_LINE => {
                session.reply(500, "Command line too long.");
                return hang_up(input.into_inner());
            }
            Ok(_) => {
                let command = line.strip_suffix(b"\n").unwrap_or(&line);
                let command = command.strip_suffix(b"\r").unwrap_or(command);
                if session.command(command) == Flow::Quit {
                    return;
                }
            }
            Err(err) if is_timeout(&err) => {
                session.reply(421, "Timeout: closing control connection.");
                return;
            }
            Err(_) => return, // e.g., reset by the client
        }
    }
}

/// Closes `conn` after a last reply while the client may still be sending:
/// reads and drops a bounded amount first, so the close is no reset that
/// would lose the reply on its way.
fn hang_up(mut conn: TcpStream) {
    let _ = conn.shutdown(Shutdown::Write);
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut buf = [0; 4096];
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        let _ = conn.set_read_timeout(Some(left.max(Duration::from_millis(1))));
        if !matches!(conn.read(&mut buf), Ok(n) if n > 0) {
            break;
        }
    }
}

/// Whether a read failed because the socket's timeout passed.
fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// Parses `--root`: a directory that exists.
fn parse_root(text: &str) -> Result<Root, String> {
    Root::new(&PathBuf::from(text)).map_err(|err| common::go_error(&err))
}

/// Parses `--user NAME:PASSWORD`.
fn parse_user(text: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((name, password)) if !name.is_empty() && !password.is_empty() => {
            Ok((name.to_string(), password.to_string()))
        }
        _ => Err("expected NAME:PASSWORD, both non-empty".to_string()),
    }
}
