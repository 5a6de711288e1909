//! `bench ftp`: exercise 8.2's FTP server against vsftpd, on the same
//! machine in the same run.
//!
//! Each round starts each server afresh (vsftpd from a config file of its
//! own, anonymous, read-only, on a free loopback port, its `anon_root` the
//! same temporary directory as ftpd's `--root`), in turns, and measures:
//!
//! - one RETR of a 1 GiB file: MB/s from RETR to the 226 (the file is
//!   pseudo-random bytes written to disk, not sparse, and read from the
//!   page cache by both);
//! - 100 clients each downloading a 5 MiB file at once: the wall time
//!   until the last has it, every byte checked;
//! - 300 clients connecting and logging in at once: the wall time until
//!   the last has its 230;
//! - memory with 300 logged-in idle sessions: the proportional set size
//!   (PSS, `/proc/PID/smaps_rollup`) of the server's processes summed,
//!   since vsftpd runs two processes a session and their shared pages
//!   must not be counted twice.
//!
//! Medians of the rounds, and ftpd's ratio to vsftpd. The goal: at least
//! vsftpd's throughput, at most 1.5× its wall times.

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use clap::Args;

use crate::procs::{self, Bins, Guard};
use crate::stats::{Turns, alternate, median, ratio, spread};

/// What `bench ftp` takes.
#[derive(Args, Debug, Clone)]
pub struct FtpArgs {
    /// Rounds, ftpd and vsftpd in turns; the medians count
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    pub rounds: u32,

    /// Size of the big file, MiB
    #[arg(long, default_value_t = 1024)]
    pub big_mib: u64,

    /// Clients downloading the 5 MiB file at once, 1 to 5000 (a thread each)
    #[arg(long, default_value_t = 100,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=5000))]
    pub downloads: usize,

    /// Clients logging in at once, and idle sessions for the memory figure,
    /// 1 to 5000 (a thread each)
    #[arg(long, default_value_t = 300,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=5000))]
    pub logins: usize,

    /// The vsftpd executable
    #[arg(long, default_value = "/usr/sbin/vsftpd")]
    pub vsftpd: PathBuf,
}

/// How long any one step may take.
const PATIENCE: Duration = Duration::from_secs(120);

/// How long a client waits for the greeting before it connects again.
const GREETING: Duration = Duration::from_secs(5);

/// How many clients connected again for want of a greeting, this round.
static RECONNECTS: AtomicUsize = AtomicUsize::new(0);

/// Whether a read failed for its timeout.
fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// The size of the file of the concurrent downloads.
const FIVE_MIB: usize = 5 << 20;

/// One server's figures of one round.
#[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd)]
struct Figures {
    mb_per_s: f64,
    downloads: Duration,
    logins: Duration,
    idle_pss_kib: u64,
    reconnects: usize,
}

/// Runs the rounds and prints the table.
pub fn run(bins: &Bins, args: &FtpArgs) -> Result<(), String> {
    procs::ensure_open_files(2 * (args.logins.max(args.downloads) as u64) + 200)?;
    let ftpd = bins.path("ftpd")?;
    if !args.vsftpd.is_file() {
        return Err(format!(
            "{} is missing: install it (apt-get install vsftpd) or pass --vsftpd",
            args.vsftpd.display()
        ));
    }
    let scratch = tempfile::tempdir().map_err(|err| format!("temporary directory: {err}"))?;
    let root = scratch.path().join("root");
    fs::create_dir(&root).map_err(|err| err.to_string())?;
    println!(
        "writing the files ({} MiB of pseudo-random bytes)…",
        args.big_mib
    );
    write_random(&root.join("big.bin"), args.big_mib << 20, 1).map_err(|err| err.to_string())?;
    write_random(&root.join("five.bin"), FIVE_MIB as u64, 2).map_err(|err| err.to_string())?;
    let five = Arc::new(fs::read(root.join("five.bin")).map_err(|err| err.to_string())?);
    // vsftpd refuses an anon_root that anonymous could write to.
    let _ = Command::new("chmod").arg("755").arg(&root).status();
    let _ = Command::new("chmod")
        .arg("755")
        .arg(scratch.path())
        .status();
    println!("load average at start: {}", procs::load_average());
    let names = ["ftpd", "vsftpd"];
    let results = alternate(args.rounds as usize, 2, Turns::Reversed, |case, round| {
        let server = match case {
            0 => start_ftpd(&ftpd, &root, scratch.path())?,
            _ => start_vsftpd(&args.vsftpd, &root, scratch.path(), round)?,
        };
        let figures = measure(&server, args, &five, args.big_mib << 20)
            .map_err(|err| format!("{}: {err}", names[case]))?;
        println!(
            "round {} {:7}: {:7.0} MB/s, {} downloads {:.2} s, {} logins {:.3} s, {} idle {:.1} MiB, {} reconnects",
            round + 1,
            names[case],
            figures.mb_per_s,
            args.downloads,
            figures.downloads.as_secs_f64(),
            args.logins,
            figures.logins.as_secs_f64(),
            args.logins,
            figures.idle_pss_kib as f64 / 1024.0,
            figures.reconnects
        );
        Ok::<_, String>(figures)
    })?;
    print_table(&results, args);
    Ok(())
}

/// A server under test: its process and where it listens.
struct Running {
    guard: Guard,
    addr: SocketAddr,
}

fn start_ftpd(exe: &Path, root: &Path, scratch: &Path) -> Result<Running, String> {
    let args = ["--root".to_string(), root.display().to_string()];
    let server = procs::Server::start(exe, &args, scratch)?;
    Ok(Running {
        addr: server.addr,
        guard: server.guard,
    })
}

fn start_vsftpd(exe: &Path, root: &Path, scratch: &Path, round: usize) -> Result<Running, String> {
    let addr = free_loopback_addr()?;
    let config = scratch.join(format!("vsftpd-{round}.conf"));
    let text = format!(
        "listen=YES\nlisten_address=127.0.0.1\nlisten_port={}\nbackground=NO\n\
         anonymous_enable=YES\nanon_root={}\nlocal_enable=NO\n\
         write_enable=NO\nmax_clients=0\nmax_per_ip=0\nxferlog_enable=NO\n\
         connect_from_port_20=NO\nseccomp_sandbox=NO\nisolate=NO\nisolate_network=NO\n\
         use_sendfile=YES\nidle_session_timeout=300\n",
        addr.port(),
        root.display()
    );
    fs::write(&config, text).map_err(|err| err.to_string())?;
    let log =
        File::create(scratch.join(format!("vsftpd-{round}.log"))).map_err(|e| e.to_string())?;
    let child = Command::new(exe)
        .arg(&config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|err| format!("start {}: {err}", exe.display()))?;
    let mut guard = Guard(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(mut c) = Session::connect(addr) {
            c.quit();
            break;
        }
        if let Ok(Some(status)) = guard.0.try_wait() {
            let log = fs::read_to_string(scratch.join(format!("vsftpd-{round}.log")));
            return Err(format!(
                "vsftpd exited ({status}): {}",
                log.unwrap_or_default()
            ));
        }
        if Instant::now() > deadline {
            return Err(format!("vsftpd did not listen on {addr}"));
        }
        thread::sleep(Duration::from_millis(20));
    }
    Ok(Running { guard, addr })
}

/// A loopback address whose port was free a moment ago.
fn free_loopback_addr() -> Result<SocketAddr, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener.local_addr().map_err(|e| e.to_string())
}

/// The four figures of one server.
fn measure(
    server: &Running,
    args: &FtpArgs,
    five: &Arc<Vec<u8>>,
    big: u64,
) -> Result<Figures, String> {
    let addr = server.addr;
    RECONNECTS.store(0, Ordering::Relaxed);
    // One big RETR.
    let mut session = Session::login(addr).map_err(|e| format!("login: {e}"))?;
    let start = Instant::now();
    let got = session
        .retr("big.bin", |_| {})
        .map_err(|e| format!("RETR big.bin: {e}"))?;
    let secs = start.elapsed().as_secs_f64();
    session.quit();
    if got != big {
        return Err(format!("big.bin: {got} bytes of {big}"));
    }
    let mb_per_s = big as f64 / 1e6 / secs;
    // Concurrent downloads, each checked.
    let start = Instant::now();
    let downloads: Vec<_> = (0..args.downloads)
        .map(|_| {
            let five = Arc::clone(five);
            thread::spawn(move || -> Result<(), String> {
                let mut session = Session::login(addr).map_err(|e| format!("login: {e}"))?;
                let mut at = 0;
                let mut same = true;
                let got = session
                    .retr("five.bin", |chunk| {
                        same &= five.get(at..at + chunk.len()) == Some(chunk);
                        at += chunk.len();
                    })
                    .map_err(|e| format!("RETR five.bin: {e}"))?;
                session.quit();
                match same && got == five.len() as u64 {
                    true => Ok(()),
                    false => Err("five.bin came back different".to_string()),
                }
            })
        })
        .collect();
    for download in downloads {
        download.join().map_err(|_| "a client panicked")??;
    }
    let downloads = start.elapsed();
    // Logins at once; the sessions are then kept, idle, for the memory.
    let start = Instant::now();
    let logins: Vec<_> = (0..args.logins)
        .map(|_| thread::spawn(move || Session::login(addr).map_err(|e| format!("login: {e}"))))
        .collect();
    let mut idle = Vec::new();
    for login in logins {
        idle.push(login.join().map_err(|_| "a client panicked")??);
    }
    let logins = start.elapsed();
    thread::sleep(Duration::from_millis(500));
    let idle_pss_kib = tree_pss_kib(server.guard.pid());
    for mut session in idle {
        session.quit();
    }
    Ok(Figures {
        mb_per_s,
        downloads,
        logins,
        idle_pss_kib,
        reconnects: RECONNECTS.load(Ordering::Relaxed),
    })
}

/// A client session, spoken by hand: what both servers answer alike.
struct Session {
    ctrl: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Session {
    /// Connects and reads the greeting. A client with no greeting within
    /// [`GREETING`] connects again, as a user would, and is counted in
    /// [`RECONNECTS`]: vsftpd listens with a backlog of 32, and of 300
    /// clients at once, the kernel drops some handshakes past it.
    fn connect(addr: SocketAddr) -> io::Result<Session> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let ctrl = TcpStream::connect_timeout(&addr, PATIENCE)?;
            ctrl.set_read_timeout(Some(GREETING))?;
            let reader = BufReader::new(ctrl.try_clone()?);
            let mut session = Session { ctrl, reader };
            match session.expect(220) {
                Ok(_) => {
                    session.ctrl.set_read_timeout(Some(PATIENCE))?;
                    return Ok(session);
                }
                Err(err) if is_timeout(&err) && Instant::now() < deadline => {
                    RECONNECTS.fetch_add(1, Ordering::Relaxed);
                }
                Err(err) => return Err(err),
            }
        }
    }

    fn login(addr: SocketAddr) -> io::Result<Session> {
        let mut session = Session::connect(addr)?;
        session.ask("USER anonymous", 331)?;
        session.ask("PASS bench@", 230)?;
        session.ask("TYPE I", 200)?;
        Ok(session)
    }

    /// The reply's code and text, multi-line replies read to their end.
    fn reply(&mut self) -> io::Result<(u16, String)> {
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed",
            ));
        }
        let code = line.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
        if line.as_bytes().get(3) == Some(&b'-') {
            let end = format!("{code} ");
            while !line.starts_with(&end) {
                line.clear();
                if self.reader.read_line(&mut line)? == 0 {
                    break;
                }
            }
        }
        Ok((code, line.trim_end().to_string()))
    }

    fn expect(&mut self, code: u16) -> io::Result<String> {
        let (got, text) = self.reply()?;
        if got != code {
            return Err(io::Error::other(format!("expected {code}, got {text:?}")));
        }
        Ok(text)
    }

    fn ask(&mut self, command: &str, code: u16) -> io::Result<String> {
        self.ctrl.write_all(format!("{command}\r\n").as_bytes())?;
        self.expect(code)
    }

    /// RETRs `name` over EPSV, giving each chunk to `chunk`; the byte count.
    fn retr(&mut self, name: &str, mut chunk: impl FnMut(&[u8])) -> io::Result<u64> {
        let text = self.ask("EPSV", 229)?;
        let port = text
            .rsplit("|||")
            .next()
            .and_then(|rest| rest.split('|').next())
            .and_then(|port| port.parse::<u16>().ok())
            .ok_or_else(|| io::Error::other(format!("EPSV reply {text:?}")))?;
        let addr = SocketAddr::new(self.ctrl.peer_addr()?.ip(), port);
        let mut data = TcpStream::connect_timeout(&addr, PATIENCE)?;
        data.set_read_timeout(Some(PATIENCE))?;
        self.ask(&format!("RETR {name}"), 150)?;
        let mut buf = vec![0; 256 << 10];
        let mut total = 0;
        loop {
            let n = data.read(&mut buf)?;
            if n == 0 {
                break;
            }
            chunk(&buf[..n]);
            total += n as u64;
        }
        self.expect(226)?;
        Ok(total)
    }

    fn quit(&mut self) {
        let _ = self.ctrl.write_all(b"QUIT\r\n");
        let _ = self.reply();
    }
}

/// The PSS of process `pid` and all its descendants, KiB.
fn tree_pss_kib(pid: u32) -> u64 {
    let mut pids = vec![pid];
    let mut i = 0;
    while i < pids.len() {
        let parent = pids[i];
        if let Ok(entries) = fs::read_dir("/proc") {
            for entry in entries.flatten() {
                let Some(child) = entry
                    .file_name()
                    .to_str()
                    .and_then(|n| n.parse::<u32>().ok())
                else {
                    continue;
                };
                let stat = fs::read_to_string(format!("/proc/{child}/stat")).unwrap_or_default();
                let ppid = stat
                    .rsplit_once(')')
                    .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                    .and_then(|p| p.parse::<u32>().ok());
                if ppid == Some(parent) && !pids.contains(&child) {
                    pids.push(child);
                }
            }
        }
        i += 1;
    }
    pids.iter().map(|&pid| pss_kib(pid)).sum()
}

/// `Pss:` of `/proc/PID/smaps_rollup`, KiB.
fn pss_kib(pid: u32) -> u64 {
    let text = fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    text.lines()
        .find_map(|line| line.strip_prefix("Pss:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Writes `len` pseudo-random bytes (xorshift, seeded) to `path`: real
/// data on disk, not a sparse file, so reading it costs what a file costs.
fn write_random(path: &Path, len: u64, seed: u64) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut x = 0x9e37_79b9_7f4a_7c15_u64 ^ seed;
    let mut block = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        for word in block.chunks_exact_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            word.copy_from_slice(&x.to_le_bytes());
        }
        let n = left.min(block.len() as u64) as usize;
        out.write_all(&block[..n])?;
        left -= n as u64;
    }
    out.flush()
}

/// The medians, their spread, and the ratios.
fn print_table(results: &[Vec<Figures>], args: &FtpArgs) {
    let [ours, theirs] = [&results[0], &results[1]];
    let durations = |runs: &[Figures], f: fn(&Figures) -> Duration| -> Vec<Duration> {
        runs.iter().map(f).collect()
    };
    let numbers =
        |runs: &[Figures], f: fn(&Figures) -> f64| -> Vec<f64> { runs.iter().map(f).collect() };
    let range = |values: &[f64]| {
        let least = values.iter().copied().fold(f64::INFINITY, f64::min);
        let most = values.iter().copied().fold(0.0, f64::max);
        (median(values), least, most)
    };
    println!();
    println!("| measure | ftpd | vsftpd | ftpd / vsftpd | goal |");
    println!("|---|---|---|---|---|");
    let (a, a_lo, a_hi) = range(&numbers(ours, |f| f.mb_per_s));
    let (b, b_lo, b_hi) = range(&numbers(theirs, |f| f.mb_per_s));
    println!(
        "| one {} MiB RETR | {a:.0} MB/s ({a_lo:.0}–{a_hi:.0}) | {b:.0} MB/s ({b_lo:.0}–{b_hi:.0}) | {:.2} | ≥ 1 |",
        args.big_mib,
        a / b
    );
    type Pick = fn(&Figures) -> Duration;
    let rows: [(String, Pick); 2] = [
        (
            format!("{} × 5 MiB downloads at once", args.downloads),
            |f| f.downloads,
        ),
        (format!("{} logins at once", args.logins), |f| f.logins),
    ];
    for (name, pick) in rows {
        let (a, b) = (durations(ours, pick), durations(theirs, pick));
        println!(
            "| {name} | {} | {} | {:.2} | ≤ 1.5 |",
            spread(&a),
            spread(&b),
            ratio(median(&a), median(&b))
        );
    }
    let (a, a_lo, a_hi) = range(&numbers(ours, |f| f.idle_pss_kib as f64 / 1024.0));
    let (b, b_lo, b_hi) = range(&numbers(theirs, |f| f.idle_pss_kib as f64 / 1024.0));
    println!(
        "| memory (PSS) with {} idle sessions | {a:.1} MiB ({a_lo:.1}–{a_hi:.1}) | {b:.1} MiB ({b_lo:.1}–{b_hi:.1}) | {:.2} | for information |",
        args.logins,
        a / b
    );
    let reconnects = |runs: &[Figures]| {
        runs.iter()
            .map(|f| f.reconnects.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "\nclients that connected again after {} s without a greeting, round by round: ftpd {}; vsftpd {}",
        GREETING.as_secs(),
        reconnects(ours),
        reconnects(theirs)
    );
    println!(
        "\n{} rounds, medians (least–most); load average at the end: {}",
        ours.len(),
        procs::load_average()
    );
}
