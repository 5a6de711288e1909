//! Starting, timing, watching and killing the programs under test, what
//! `/proc` says about them, and building the C references.

use std::fs::File;
use std::io::{self, Read};
use std::net::{SocketAddr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Where the release binaries of the workspace are.
#[derive(Debug)]
pub struct Bins {
    dir: PathBuf,
}

impl Bins {
    /// `dir`, or else the directory of this very executable
    /// (`target/release/` when run as `cargo run --release -p bench`).
    pub fn new(dir: Option<PathBuf>) -> Result<Bins, String> {
        let dir = match dir {
            Some(dir) => dir,
            None => std::env::current_exe()
                .map_err(|err| format!("where is this executable? {err}"))?
                .parent()
                .ok_or("this executable has no directory")?
                .to_path_buf(),
        };
        Ok(Bins { dir })
    }

    /// The path of program `name`, or an error that says how to build it.
    /// The tool never runs cargo itself: a benchmark must not build.
    pub fn path(&self, name: &str) -> Result<PathBuf, String> {
        let path = self.dir.join(name);
        if path.is_file() {
            Ok(path)
        } else {
            Err(format!(
                "{} is missing: run `cargo build --release --workspace` first",
                path.display()
            ))
        }
    }
}

/// A child process that is killed and reaped when dropped, so no server
/// outlives the benchmark, whatever the way out (error, panic, early return).
///
/// On ctrl-c the terminal signals the whole process group, children too.
#[derive(Debug)]
pub struct Guard(pub Child);

impl Guard {
    /// The process id.
    pub fn pid(&self) -> u32 {
        self.0.id()
    }

    /// Waits up to `patience` for the process to end; kills it after that.
    pub fn wait_within(&mut self, patience: Duration) -> io::Result<Option<ExitStatus>> {
        let deadline = Instant::now() + patience;
        while Instant::now() < deadline {
            if let Some(status) = self.0.try_wait()? {
                return Ok(Some(status));
            }
            thread::sleep(Duration::from_millis(10));
        }
        let _ = self.0.kill();
        Ok(None)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The longest any single program may run before it is killed.
pub const PATIENCE: Duration = Duration::from_secs(120);

/// Starts `command` with its stdout a pipe, no stdin, and stderr shared;
/// the guard kills it when dropped.
pub fn spawn_piped(command: &mut Command) -> Result<Guard, String> {
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|err| format!("start {command:?}: {err}"))?;
    Ok(Guard(child))
}

/// Runs a program to its end, its stdout captured, within [`PATIENCE`];
/// returns how long it ran and what it printed.
pub fn run_timed(command: &mut Command) -> Result<(Duration, Vec<u8>), String> {
    let start = Instant::now();
    let mut guard = spawn_piped(command)?;
    let mut stdout = guard.0.stdout.take().ok_or("no stdout")?;
    let reader = thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.read_to_end(&mut out);
        out
    });
    let status = guard
        .wait_within(PATIENCE)
        .map_err(|err| err.to_string())?
        .ok_or_else(|| format!("{command:?} took longer than {PATIENCE:?}"))?;
    let elapsed = start.elapsed();
    let out = reader.join().map_err(|_| "reader thread panicked")?;
    if !status.success() {
        return Err(format!("{command:?} failed: {status}"));
    }
    Ok((elapsed, out))
}

/// A server started on a free loopback port, its stderr kept in a file.
#[derive(Debug)]
pub struct Server {
    /// The process.
    pub guard: Guard,
    /// Where it listens.
    pub addr: SocketAddr,
    stderr_path: PathBuf,
}

impl Server {
    /// Starts `exe --addr 127.0.0.1:PORT ARGS...` and waits until it listens.
    pub fn start(exe: &Path, args: &[String], scratch: &Path) -> Result<Server, String> {
        Server::start_as(exe, &[], args, scratch)
    }

    /// Starts `exe LEADING... --addr 127.0.0.1:PORT ARGS...` (LEADING: a
    /// subcommand) and waits until it listens.
    pub fn start_as(
        exe: &Path,
        leading: &[&str],
        args: &[String],
        scratch: &Path,
    ) -> Result<Server, String> {
        let addr = free_addr()?;
        let name = exe.file_name().unwrap_or_default().to_string_lossy();
        let name = leading
            .iter()
            .fold(name.into_owned(), |name, arg| name + " " + arg);
        let stderr_path =
            scratch.join(format!("{}-{}.stderr", name.replace(' ', "-"), addr.port()));
        let stderr = File::create(&stderr_path).map_err(|err| err.to_string())?;
        let child = Command::new(exe)
            .args(leading)
            .arg("--addr")
            .arg(addr.to_string())
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .map_err(|err| format!("start {}: {err}", exe.display()))?;
        let mut server = Server {
            guard: Guard(child),
            addr,
            stderr_path,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !is_listening(addr) {
            if let Ok(Some(status)) = server.guard.0.try_wait() {
                return Err(format!(
                    "{name} exited ({status}): {}",
                    server.stderr_tail()
                ));
            }
            if Instant::now() > deadline {
                return Err(format!("{name} did not listen on {addr} within 10 s"));
            }
            thread::sleep(Duration::from_millis(10));
        }
        Ok(server)
    }

    /// Where the server's stderr goes.
    pub fn stderr_path(&self) -> &Path {
        &self.stderr_path
    }

    /// The last lines the server wrote to stderr, for an error message.
    pub fn stderr_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.stderr_path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = &lines[lines.len().saturating_sub(3)..];
        if tail.is_empty() {
            "(nothing on stderr)".to_string()
        } else {
            tail.join(" / ")
        }
    }
}

/// A loopback address whose port was free a moment ago; never port 8000,
/// where a reader may be running the book's programs by hand.
fn free_addr() -> Result<SocketAddr, String> {
    for _ in 0..10 {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|err| err.to_string())?;
        let addr = listener.local_addr().map_err(|err| err.to_string())?;
        if addr.port() != 8000 {
            return Ok(addr);
        }
    }
    Err("no free port".to_string())
}

/// Whether a socket listens on `addr`, as `/proc/net/tcp` tells. Unlike a
/// probe connection, looking costs the server nothing.
fn is_listening(addr: SocketAddr) -> bool {
    let wanted = format!("0100007F:{:04X}", addr.port());
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    table.lines().any(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        fields.get(1) == Some(&wanted.as_str()) && fields.get(3) == Some(&"0A")
    })
}

/// What `/proc/PID/status` says about a process's memory and threads.
#[derive(Debug, Clone, Copy, Default)]
pub struct Status {
    /// Peak resident memory (VmHWM), KiB.
    pub hwm_kib: u64,
    /// Resident memory now (VmRSS), KiB.
    pub rss_kib: u64,
    /// Page tables (VmPTE), KiB: kernel memory that VmRSS leaves out.
    pub pte_kib: u64,
    /// Number of threads.
    pub threads: u64,
}

/// Reads `/proc/PID/status`.
pub fn status(pid: u32) -> io::Result<Status> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    Ok(parse_status(&text))
}

/// The fields of [`Status`] in the text of a `/proc/PID/status` file.
pub fn parse_status(text: &str) -> Status {
    let field = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|number| number.parse().ok())
            .unwrap_or(0)
    };
    Status {
        hwm_kib: field("VmHWM:"),
        rss_kib: field("VmRSS:"),
        pte_kib: field("VmPTE:"),
        threads: field("Threads:"),
    }
}

/// The peak resident memory (VmHWM) of process `pid` so far, in KiB;
/// `None` once it has ended (a zombie's status has no memory lines).
pub fn peak_kib(pid: u32) -> Option<u64> {
    status(pid)
        .ok()
        .map(|status| status.hwm_kib)
        .filter(|&kib| kib > 0)
}

/// The numbers of `/proc/self/stat` after the command name, which is in
/// parentheses (and may hold spaces).
fn self_stat() -> Vec<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    stat.rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .map(|field| field.parse().unwrap_or(0))
        .collect()
}

/// Field `n` (counted from 1, as `man 5 proc` does) of [`self_stat`]'s.
fn stat_field(fields: &[u64], n: usize) -> u64 {
    // The fields after the name start with field 3, the state.
    fields.get(n - 3).copied().unwrap_or(0)
}

/// `ticks` of the kernel's clock (`USER_HZ`, 100 a second).
fn ticks(ticks: u64) -> Duration {
    Duration::from_millis(ticks * 10)
}

/// The CPU time of this process so far, user and system, all threads
/// (`utime` and `stime`, in ticks of 10 ms).
pub fn cpu_time() -> Duration {
    let fields = self_stat();
    ticks(stat_field(&fields, 14) + stat_field(&fields, 15))
}

/// User + system time and minor page faults of this process's children
/// that have ended and been waited for.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChildrenUsage {
    /// `cutime` + `cstime`, in ticks of 10 ms.
    pub cpu: Duration,
    /// `cminflt`.
    pub faults: u64,
}

/// What this process's children have used so far.
pub fn children_usage() -> ChildrenUsage {
    let fields = self_stat();
    ChildrenUsage {
        cpu: ticks(stat_field(&fields, 16) + stat_field(&fields, 17)),
        faults: stat_field(&fields, 11),
    }
}

/// The time all CPUs together spent busy since boot, by anyone (the first
/// line of `/proc/stat`, in ticks of 10 ms: user, nice, system, then idle
/// and iowait, which are not busy, then irq, softirq and steal).
pub fn busy_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let counts: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .map(|t| t.parse().unwrap_or(0))
        .collect();
    let busy: u64 = [0, 1, 2, 5, 6, 7]
        .iter()
        .filter_map(|&i| counts.get(i))
        .sum();
    ticks(busy)
}

/// The number of CPUs this process may use.
pub fn cpus() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

/// Writes `source` to `dir/name.c` and compiles it with `gcc -O2 -pthread`.
pub fn compile_c(dir: &Path, name: &str, source: &str) -> Result<PathBuf, String> {
    let src = dir.join(format!("{name}.c"));
    let exe = dir.join(name);
    std::fs::write(&src, source).map_err(|err| format!("write {}: {err}", src.display()))?;
    let output = Command::new("gcc")
        .args(["-O2", "-pthread", "-o"])
        .arg(&exe)
        .arg(&src)
        .output()
        .map_err(|err| format!("gcc (needed for the C references): {err}"))?;
    if !output.status.success() {
        return Err(format!(
            "gcc {name}.c failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(exe)
}

/// The soft and hard limits on open files, from `/proc/self/limits`.
fn open_files_limit() -> Option<(u64, u64)> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = text
        .lines()
        .find(|line| line.starts_with("Max open files"))?;
    let mut numbers = line
        .split_whitespace()
        .filter_map(|word| word.parse::<u64>().ok());
    Some((numbers.next()?, numbers.next()?))
}

/// Makes sure this process (and so the servers it starts) may open `needed`
/// files: 10,000 clients take 10,000 descriptors on each side.
///
/// If the soft limit is lower but the hard limit allows it, the tool starts
/// itself again under `sh -c 'ulimit -n HARD'`: raising a limit in-process
/// takes `unsafe` libc calls, which this workspace forbids.
pub fn ensure_open_files(needed: u64) -> Result<(), String> {
    const AGAIN: &str = "BENCH_RAISED_ULIMIT";
    let Some((soft, hard)) = open_files_limit() else {
        return Ok(()); // cannot tell; a failing connect will say so
    };
    if soft >= needed {
        return Ok(());
    }
    if hard < needed || std::env::var_os(AGAIN).is_some() {
        return Err(format!(
            "{needed} open files are needed but `ulimit -n` is {soft} (hard {hard}): \
             raise it (e.g. `ulimit -n 20000`) or ask for fewer clients"
        ));
    }
    let exe = std::env::current_exe().map_err(|err| err.to_string())?;
    let err = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -n {hard} && exec \"$0\" \"$@\""))
        .arg(exe)
        .args(std::env::args_os().skip(1))
        .env(AGAIN, "1")
        .exec();
    Err(format!("could not raise the open-file limit: {err}"))
}

/// The load average, for the record: the machine is shared and noisy.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_fields_are_read_in_kib() {
        let text = "Name:\tclock2\nVmHWM:\t  101234 kB\nVmRSS:\t   99000 kB\nVmPTE:\t40000 kB\nThreads:\t10001\n";
        let status = parse_status(text);
        assert_eq!(status.hwm_kib, 101234);
        assert_eq!(status.pte_kib, 40000);
        assert_eq!(status.threads, 10001);
    }

    #[test]
    fn our_own_status_is_readable() {
        let me = status(std::process::id()).unwrap();
        assert!(me.hwm_kib > 0 && me.threads >= 1);
        assert_eq!(peak_kib(std::process::id()).map(|kib| kib > 0), Some(true));
    }

    #[test]
    fn our_own_cpu_time_grows() {
        let before = cpu_time();
        let start = std::time::Instant::now();
        let mut x = 0u64;
        while cpu_time() == before && start.elapsed() < Duration::from_secs(10) {
            x = std::hint::black_box(x.wrapping_add(1));
        }
        assert!(cpu_time() > before);
        assert!(busy_time() > Duration::ZERO);
    }
}
