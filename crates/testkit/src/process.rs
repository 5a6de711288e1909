//! A program under test: started with pipes, read line by line, killed
//! when dropped; and how many threads a process runs.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::PATIENCE;

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

    /// Hands the program's standard error (its log) to a thread that reads
    /// it line by line, so that the pipe never fills; each line (newline
    /// included) comes out of the receiver, which ends at end of file.
    pub fn stderr_lines(&mut self) -> mpsc::Receiver<String> {
        let stderr = self.child.stderr.take().expect("stderr is still ours");
        let mut stderr = BufReader::new(stderr);
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut line = String::new();
            while stderr.read_line(&mut line).is_ok_and(|n| n > 0) {
                if tx.send(std::mem::take(&mut line)).is_err() {
                    break;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_of_counts_this_process_and_nothing_for_a_process_gone() {
        assert!(threads_of(std::process::id()) >= 1);
        // Above Linux's largest pid (2^22): no such process.
        assert_eq!(threads_of(u32::MAX), 0);
    }

    #[test]
    fn a_program_reads_what_it_was_given_line_by_line() {
        let mut program = Program::start("cat", &[]);
        let lines = program.stdout_lines();
        program.type_in(b"one\ntwo\n");
        assert_eq!(next_line(&lines), b"one\n");
        assert_eq!(next_line(&lines), b"two\n");
        program.end_input();
        let (status, _, err) = program.finish();
        assert!(status.success(), "{err}");
        assert!(lines.recv().is_err(), "no more lines after the end");
    }

    #[test]
    fn stderr_lines_come_one_at_a_time() {
        let mut program = Program::start("sh", &["-c", "echo one >&2; echo two >&2"]);
        let log = program.stderr_lines();
        let lines: Vec<String> = log.iter().collect();
        assert_eq!(lines, ["one\n", "two\n"]);
    }
}
