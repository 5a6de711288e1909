//! Exercise 8.1, clockwall: several clocks side by side, a row per tick
//! into a pipe, one row redrawn in place on a terminal; a clock that goes
//! away shows as `gone` and the others go on. And clock2 tells the time of
//! its `TZ`, so a wall of clock2 servers shows three time zones.
//!
//! Most tests read small fake clock servers, which send a made-up time that
//! the test can recognize. The time-zone test runs the real clock2, three
//! times with three `TZ`s: a time zone belongs to a process, so it must be
//! clock2's own binary. Cargo gives a test only the paths of its own crate's
//! binaries, and a test must not build another crate; so it uses the clock2
//! that `cargo test --workspace` (CI) builds next to clockwall, and says it
//! skipped if there is none (`cargo test -p exercises` alone).

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use testkit::cli::go_log_message;
use testkit::{PATIENCE, Program, free_addr, next_line};

const CLOCKWALL: &str = env!("CARGO_BIN_EXE_clockwall");

/// A fake clock server on a free loopback port, for one client: it sends
/// `HH:00:SS` with the seconds counting up, every 50 ms, until the returned
/// `Sender` is dropped; then it closes the connection.
fn fake_clock(hour: u32) -> (String, Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let (stop_tx, stop) = mpsc::channel::<()>();
    thread::spawn(move || {
        let Ok((mut conn, _)) = listener.accept() else {
            return;
        };
        for second in 0..10_000 {
            let time = format!("{hour:02}:00:{:02}\n", second % 60);
            if std::io::Write::write_all(&mut conn, time.as_bytes()).is_err() {
                return;
            }
            if stop.recv_timeout(Duration::from_millis(50)) != Err(RecvTimeoutError::Timeout) {
                return; // the test has dropped the clock
            }
        }
    });
    (addr, stop_tx)
}

/// Starts clockwall on `clocks` (`NAME=ADDR`), its output into a pipe, a
/// row every `interval`.
fn clockwall(interval: &str, clocks: &[String]) -> Program {
    let mut args = vec!["--interval", interval];
    args.extend(clocks.iter().map(String::as_str));
    Program::start(CLOCKWALL, &args)
}

/// Reads rows until one whose cells pass `wanted`; returns that row, as
/// printed. At most 500 rows.
fn row_where(lines: &Receiver<Vec<u8>>, wanted: impl Fn(&[&str]) -> bool) -> String {
    for _ in 0..500 {
        let row = String::from_utf8(next_line(lines)).unwrap();
        let cells: Vec<&str> = row.split_whitespace().collect();
        if wanted(&cells) {
            return row;
        }
    }
    panic!("no such row in 500");
}

#[test]
fn into_a_pipe_the_clocks_stand_side_by_side_a_row_per_tick() {
    let (la, _la) = fake_clock(1);
    let (tokyo, _tokyo) = fake_clock(2);
    let clocks = [format!("Los_Angeles={la}"), format!("Tokyo={tokyo}")];
    let mut wall = clockwall("100ms", &clocks);
    let lines = wall.stdout_lines();

    // A header of names, then rows of times in columns under them.
    let header = String::from_utf8(next_line(&lines)).unwrap();
    assert_eq!(header, "Los_Angeles  Tokyo\n");
    let row = row_where(&lines, |cells| {
        cells.len() == 2 && cells[0].starts_with("01:00:") && cells[1].starts_with("02:00:")
    });
    assert_eq!(row.find("02:00:"), header.find("Tokyo"), "{row:?}");
    assert_eq!(row.len(), header.len() + 3, "{row:?}");

    // One row per tick, not one per reading: the clocks send forty readings
    // a second between them, the rows come ten a second.
    let start = Instant::now();
    for _ in 0..10 {
        let row = next_line(&lines);
        assert!(row.starts_with(b"01:00:"), "{row:?}");
    }
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(800), "ten rows in {took:?}");
}

#[test]
fn a_clock_that_goes_away_shows_as_gone_and_the_others_go_on() {
    let (here, _here) = fake_clock(1);
    let (there, there_clock) = fake_clock(2);
    let clocks = [format!("Here={here}"), format!("There={there}")];
    let mut wall = clockwall("50ms", &clocks);
    let lines = wall.stdout_lines();
    row_where(&lines, |cells| {
        cells.len() == 2 && cells[1].starts_with("02:")
    });

    drop(there_clock);
    let row = row_where(&lines, |cells| cells.len() == 2 && cells[1] == "gone");
    let then = row.split_whitespace().next().unwrap().to_string();
    assert!(then.starts_with("01:"), "{row:?}");
    // The other clock still ticks on the wall, and clockwall goes on.
    row_where(&lines, |cells| {
        cells.len() == 2 && cells[0].starts_with("01:") && cells[0] != then && cells[1] == "gone"
    });
    assert!(wall.child.try_wait().unwrap().is_none(), "clockwall ended");
}

#[test]
fn when_every_clock_has_gone_it_says_why_and_exits_1() {
    let (here, here_clock) = fake_clock(1);
    let nowhere = free_addr();
    let clocks = [format!("Here={here}"), format!("Nowhere={nowhere}")];
    let mut wall = clockwall("50ms", &clocks);
    let lines = wall.stdout_lines();
    row_where(&lines, |cells| {
        cells.len() == 2 && cells[0].starts_with("01:") && cells[1] == "gone"
    });

    drop(here_clock);
    let (status, _, err) = wall.finish();
    assert_eq!(status.code(), Some(1), "{err}");
    let last_row = lines.try_iter().last().unwrap();
    assert_eq!(last_row, b"gone      gone\n");
    let messages: Vec<&str> = err.split_inclusive('\n').map(go_log_message).collect();
    assert_eq!(
        messages,
        [
            "Here: the clock closed the connection".to_string(),
            format!("Nowhere: dial tcp {nowhere}: connect: connection refused"),
            "every clock has gone".to_string(),
        ]
    );
}

#[test]
fn on_a_terminal_one_row_is_redrawn_in_place() {
    let (a, a_clock) = fake_clock(1);
    let (b, b_clock) = fake_clock(2);
    // `script` (util-linux) runs clockwall on a pseudo-terminal of its own,
    // wide enough for the row (it takes the size of the test's terminal, if any).
    let command = format!("stty rows 24 cols 80 && exec '{CLOCKWALL}' A={a} B={b}");
    let mut script = Program::start("script", &["-q", "-e", "-c", &command, "/dev/null"]);
    let screen = read_in_background(script.child.stdout.take().unwrap());

    // Let the clocks tick a while on the wall, then take them away.
    let mut shown = Vec::new();
    let deadline = Instant::now() + PATIENCE;
    while count(&shown, b"\x1b[K") < 5 {
        assert!(Instant::now() < deadline, "no redraws: {shown:?}");
        if let Ok(bytes) = screen.recv_timeout(Duration::from_millis(100)) {
            shown.extend(bytes);
        }
    }
    drop((a_clock, b_clock));
    let (status, _, _) = script.finish();
    assert_eq!(status.code(), Some(1));
    shown.extend(screen.iter().flatten());
    let shown = String::from_utf8(shown).unwrap();

    // The header, then one line: each redraw goes back to its start (\r),
    // writes the row and erases what is left of the old one (ESC [K).
    let (header, rest) = shown.split_once("\r\n").unwrap();
    assert_eq!(header, "A         B");
    let (row_line, _logs) = rest.split_once("\r\n").unwrap();
    let redraws: Vec<&str> = row_line.split('\r').filter(|r| !r.is_empty()).collect();
    assert!(redraws.len() >= 5, "{row_line:?}");
    for redraw in &redraws[..redraws.len() - 1] {
        let row = redraw.strip_suffix("\x1b[K").unwrap();
        assert_eq!(row.get(8..10), Some("  "), "not two columns: {redraw:?}");
    }
    assert_eq!(redraws.last().unwrap(), &"gone      gone\x1b[K");
}

#[test]
fn on_a_narrow_terminal_the_row_is_cut_to_fit_and_still_redrawn_in_place() {
    let (a, a_clock) = fake_clock(1);
    let (b, b_clock) = fake_clock(2);
    let (c, c_clock) = fake_clock(3);
    // A row of three clocks takes 28 cells, the header 21; the terminal has
    // 21 columns.
    // (Its bytes are the same however wide the terminal is: only the row's
    // length shows whether a redraw would wrap, and so scroll.)
    let command = format!("stty rows 24 cols 21 && exec '{CLOCKWALL}' 東京={a} B={b} C={c}");
    let mut script = Program::start("script", &["-q", "-e", "-c", &command, "/dev/null"]);
    let screen = read_in_background(script.child.stdout.take().unwrap());
    let mut shown = Vec::new();
    let deadline = Instant::now() + PATIENCE;
    while count(&shown, b"\x1b[K") < 5 {
        assert!(Instant::now() < deadline, "no redraws: {shown:?}");
        if let Ok(bytes) = screen.recv_timeout(Duration::from_millis(100)) {
            shown.extend(bytes);
        }
    }
    drop((a_clock, b_clock, c_clock));
    let (status, _, _) = script.finish();
    assert_eq!(status.code(), Some(1));
    shown.extend(screen.iter().flatten());
    let shown = String::from_utf8(shown).unwrap();

    // At most 20 cells, the last column left empty; 東京 takes four.
    let (header, rest) = shown.split_once("\r\n").unwrap();
    assert_eq!(header, "東京      B");
    let (row_line, _logs) = rest.split_once("\r\n").unwrap();
    let redraws: Vec<&str> = row_line.split('\r').filter(|r| !r.is_empty()).collect();
    assert!(redraws.len() >= 5, "{row_line:?}");
    let rows: Vec<&str> = redraws[..redraws.len() - 1]
        .iter()
        .map(|redraw| redraw.strip_suffix("\x1b[K").unwrap())
        .collect();
    for row in &rows {
        assert!(row.len() <= 20 && row.get(8..10) == Some("  "), "{row:?}");
    }
    assert!(
        rows.iter()
            .any(|row| row.starts_with("01:00:") && row.get(10..13) == Some("02:")),
        "{rows:?}"
    );
    assert_eq!(redraws.last().unwrap(), &"gone      gone\x1b[K");
}

#[test]
fn a_name_of_wide_characters_does_not_shift_the_later_columns() {
    let (tokyo, _tokyo) = fake_clock(1);
    let (b, _b) = fake_clock(2);
    // 東京都庁前: five chars, ten screen cells.
    let clocks = [format!("東京都庁前={tokyo}"), format!("B={b}")];
    let mut wall = clockwall("50ms", &clocks);
    let lines = wall.stdout_lines();
    let header = String::from_utf8(next_line(&lines)).unwrap();
    assert_eq!(header, "東京都庁前  B\n");
    let row = row_where(&lines, |cells| {
        cells.len() == 2 && cells[1].starts_with("02:")
    });
    // Under B, in cells: 10 of the name and two spaces.
    assert_eq!(row.find("02:00:"), Some(12), "{row:?}");
}

/// What `from` says, a chunk at a time, read on a thread of its own.
fn read_in_background(mut from: impl Read + Send + 'static) -> Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut buf = [0; 4096];
        while let Ok(n @ 1..) = from.read(&mut buf) {
            if tx.send(buf[..n].to_vec()).is_err() {
                return;
            }
        }
    });
    rx
}

/// How many times `needle` occurs in `haystack`.
fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| w == &needle)
        .count()
}

#[test]
fn a_wall_of_clock2_servers_shows_their_time_zones() {
    let clock2 = Path::new(CLOCKWALL).with_file_name("clock2");
    if !clock2.exists() {
        eprintln!(
            "skipped: {} is not built; `cargo test --workspace` builds it",
            clock2.display()
        );
        return;
    }
    // Zones without summer time, so that their offsets are fixed.
    let zones = [
        ("UTC", "UTC", 0),
        ("Kolkata", "Asia/Kolkata", 5 * 3600 + 30 * 60),
        ("Tokyo", "Asia/Tokyo", 9 * 3600),
    ];
    let mut servers = Vec::new();
    let mut clocks = Vec::new();
    for (name, tz, _) in zones {
        let addr = free_addr();
        let child = Command::new(&clock2)
            .args(["--addr", &addr])
            .env("TZ", tz)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        servers.push(Program { child }); // killed when dropped
        wait_until_listening(&addr);
        clocks.push(format!("{name}={addr}"));
    }

    let mut wall = clockwall("100ms", &clocks);
    let lines = wall.stdout_lines();
    assert_eq!(next_line(&lines), b"UTC       Kolkata   Tokyo\n");
    let row = row_where(&lines, |cells| {
        cells.len() == 3 && cells.iter().all(|cell| seconds_of_day(cell).is_some())
    });
    let times: Vec<i64> = row.split_whitespace().filter_map(seconds_of_day).collect();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    // The clocks are read a moment apart; the row was printed a moment ago.
    assert!(apart(times[0], now) <= 10, "UTC {row:?}");
    for (time, (_, tz, offset)) in times.iter().zip(zones) {
        assert!(apart(*time, times[0] + offset) <= 3, "{tz}: {row:?}");
    }
}

/// `HH:MM:SS` as seconds since midnight.
fn seconds_of_day(time: &str) -> Option<i64> {
    let parts: Vec<i64> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    match parts[..] {
        [h, m, s] if time.len() == 8 => Some(h * 3600 + m * 60 + s),
        _ => None,
    }
}

/// How many seconds apart two times of day are, around midnight too.
fn apart(a: i64, b: i64) -> i64 {
    let d = (a - b).rem_euclid(86_400);
    d.min(86_400 - d)
}

/// Waits until something accepts connections at `addr`.
fn wait_until_listening(addr: &str) {
    let deadline = Instant::now() + PATIENCE;
    while TcpStream::connect(addr).is_err() {
        assert!(Instant::now() < deadline, "clock2 did not listen at {addr}");
        thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn more_clocks_than_the_thread_budget_is_one_clear_error() {
    let (status, out, err) =
        Program::start(CLOCKWALL, &["--max-threads", "1", "A=a:1", "B=b:2"]).finish();
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(out.is_empty());
    assert_eq!(
        go_log_message(&err),
        "2 clocks, but a thread budget of 1 (--max-threads)"
    );
}

#[test]
fn a_clock_that_is_not_name_equals_address_is_a_usage_error() {
    for args in [&[][..], &["Tokyo"], &["=localhost:8020"], &["Tokyo="]] {
        let (status, _, err) = Program::start(CLOCKWALL, args).finish();
        assert_eq!(status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("NAME=HOST:PORT"), "{err}");
    }
}

#[test]
fn help_names_the_exercise_and_the_listing() {
    let (status, out, _) = Program::start(CLOCKWALL, &["--help"]).finish();
    let help = String::from_utf8(out).unwrap();
    assert!(status.success());
    assert!(
        help.contains("exercise 8.1") && help.contains("gopl.io/ch8/clock2"),
        "{help}"
    );
    let (_, out, _) = Program::start(CLOCKWALL, &["--version"]).finish();
    assert!(out.starts_with(b"clockwall "));
}

#[test]
fn a_zero_interval_is_a_usage_error() {
    // Accepted, it would print rows as fast as it could.
    let (status, out, err) =
        Program::start(CLOCKWALL, &["--interval", "0s", "A=127.0.0.1:1"]).finish();
    assert_eq!(status.code(), Some(2), "{err}");
    assert!(out.is_empty());
    // Clap's usage error: one line that says why, then where to read more.
    assert_eq!(
        err.lines().next(),
        Some("error: invalid value '0s' for '--interval <INTERVAL>': must be longer than zero")
    );
}
