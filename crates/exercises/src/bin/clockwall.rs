//! Exercise 8.1: run several clock2 servers, each in a time zone of its own
//! (`TZ=Asia/Tokyo`), and write `clockwall`, a client of several clock
//! servers at once that shows their times side by side as a table, like a
//! wall of clocks in an office.
//!
//! A solution to an exercise of gopl.io/ch8, next to the program it reads,
//! `gopl.io/ch8/clock2` (`crates/clock2`), and the client it grows from,
//! `gopl.io/ch8/netcat1` (`crates/netcat1`).
//!
//! clock2 needs no change: it already takes `--addr`, and it tells the time
//! in the zone of its `TZ` (`common::now` asks the system's zone, which
//! reads `TZ`, as Go's `time.Local` does).
//!
//! ```text
//! $ cargo build -p clock2 -p exercises
//! $ TZ=America/New_York target/debug/clock2 --addr localhost:8010 &
//! $ TZ=Asia/Tokyo       target/debug/clock2 --addr localhost:8020 &
//! $ TZ=Europe/London    target/debug/clock2 --addr localhost:8030 &
//! $ target/debug/clockwall NewYork=localhost:8010 Tokyo=localhost:8020 London=localhost:8030
//! NewYork   Tokyo     London
//! 09:14:02  23:14:02  14:14:02
//! ```
//!
//! On a terminal the second line is redrawn in place as the clocks tick;
//! into a pipe or a file, a row is printed once a second (`--interval`). A
//! clock that goes away shows as `gone`, and the others keep ticking; when
//! every clock has gone, clockwall says why and exits with status 1.
//!
//! What is new, in ideas: netcat1 copied one connection to the screen; this
//! reads several at once, a thread per clock, and each thread sends what
//! its clock says on one channel. The main thread keeps the latest reading
//! of each clock, and `select`s between the readings and a ticker. When the
//! last clock's thread ends, the channel is closed, and so the loop ends.
//!
//! | Go                                       | Rust                                      |
//! |------------------------------------------|-------------------------------------------|
//! | `os.Args[1:]`, `strings.Cut(arg, "=")`   | clap, `parse_clock` with `split_once('=')` |
//! | `readings := make(chan reading)`         | `let (readings_tx, readings) = bounded(0)` |
//! | `go watch(i, addr, readings)`            | `common::go(...)`, a thread per clock     |
//! | `bufio.NewReader(conn).ReadString('\n')` | `read_until(b'\n', ...)`, at most 256 bytes |
//! | `close(readings)` when all have ended    | the last `Sender` is dropped              |
//! | `select { case r, ok := <-readings: ...` | `select! { recv(readings) -> r => ...`    |
//! | `case <-tick:` (`time.Tick(time.Second)`) | `recv(ticker) -> _ =>` (`tick(interval)`) |
//! | `fmt.Printf("\r%s\x1b[K", row)`          | the same bytes, through `common::stdout()` |

use std::io::{self, BufRead, BufReader, IsTerminal, Read, Write};
use std::time::Duration;

use clap::Parser;
use common::{go_error, log_print, must_write};
use crossbeam_channel::{Sender, bounded, select, tick};

/// Exercise 8.1: a wall of clocks, the times of several clock servers side
/// by side.
///
/// A solution to exercise 8.1 of gopl.io/ch8, a client of several clock2
/// servers (gopl.io/ch8/clock2) at once, each perhaps in a time zone of its
/// own (TZ=Asia/Tokyo clock2 --addr localhost:8020). It prints a header of
/// the clocks' names, then their times: on a terminal one row, redrawn in
/// place as the clocks tick; into a pipe or a file, a row at each interval.
/// A clock that goes away shows as `gone` while the others go on; when every
/// clock has gone, clockwall logs why and exits with status 1.
#[derive(Parser)]
#[command(name = "clockwall", version)]
struct Args {
    /// The clocks, left to right, as NAME=HOST:PORT (e.g. Tokyo=localhost:8020)
    #[arg(required = true, value_name = "NAME=HOST:PORT", value_parser = parse_clock)]
    clocks: Vec<Clock>,

    /// How often a row is printed when the output is not a terminal
    /// (e.g. 1s, 500ms); a terminal's row is redrawn at every tick of any clock
    #[arg(long, default_value = "1s", value_parser = humantime::parse_duration)]
    interval: Duration,

    #[command(flatten)]
    threads: common::MaxThreads,
}

/// A clock on the wall: its name and where its server listens.
#[derive(Debug, Clone)]
struct Clock {
    name: String,
    addr: String,
}

/// What the wall shows for a clock.
#[derive(Debug, Clone)]
enum Reading {
    /// Nothing heard yet.
    Waiting,
    /// The last line the clock sent.
    Time(String),
    /// The clock has gone, and why.
    Gone(String),
}

/// The widest line a clock may send; the rest of a longer line is dropped.
const LONGEST_LINE: u64 = 256;

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    common::threads::set_budget(args.threads.budget());
    let budget = common::threads::budget().max();
    if args.clocks.len() > budget {
        // Every clock's thread runs as long as its clock: at the budget,
        // `go` would wait for ever.
        common::log_fatal!(
            "{} clocks, but a thread budget of {budget} (--max-threads)",
            args.clocks.len()
        );
    }

    let (readings_tx, readings) = bounded(0);
    for (i, clock) in args.clocks.iter().enumerate() {
        let addr = clock.addr.clone();
        let readings_tx = readings_tx.clone();
        common::go(move || watch(i, &addr, &readings_tx));
    }
    drop(readings_tx); // the channel closes when the last watcher ends

    let mut wall = Wall::new(&args.clocks, io::stdout().is_terminal());
    let ticker = tick(args.interval);
    wall.print_header();
    loop {
        select! {
            recv(readings) -> reading => match reading {
                Ok((i, reading)) => wall.set(i, reading),
                Err(_) => break, // every clock has gone
            },
            recv(ticker) -> _ => wall.tick(),
        }
    }
    wall.finish();
}

/// Parses a clock argument, `NAME=HOST:PORT`.
fn parse_clock(arg: &str) -> Result<Clock, String> {
    match arg.split_once('=') {
        Some((name, addr)) if !name.is_empty() && !addr.is_empty() => Ok(Clock {
            name: name.to_string(),
            addr: addr.to_string(),
        }),
        _ => Err("expected NAME=HOST:PORT, such as Tokyo=localhost:8020".to_string()),
    }
}

/// Reads clock `i` at `addr` and sends each line it says on `readings`,
/// then, once, why it has gone.
fn watch(i: usize, addr: &str, readings: &Sender<(usize, Reading)>) {
    let why = match common::dial(addr) {
        Ok(conn) => read_times(i, conn, readings),
        Err(err) => err.to_string(),
    };
    let _ = readings.send((i, Reading::Gone(why)));
}

/// Sends each line of `conn` on `readings` until the clock stops; returns
/// why it stopped.
fn read_times(i: usize, conn: impl Read, readings: &Sender<(usize, Reading)>) -> String {
    let mut conn = BufReader::new(conn);
    loop {
        let mut line = Vec::new();
        match conn
            .by_ref()
            .take(LONGEST_LINE)
            .read_until(b'\n', &mut line)
        {
            Ok(0) => return "the clock closed the connection".to_string(),
            Ok(_) => {}
            Err(err) => return go_error(&err),
        }
        if !line.ends_with(b"\n") {
            // Too long: skip to the end of the line.
            let _ = conn.skip_until(b'\n');
        }
        // Control characters (a stray escape sequence) would upset the table.
        let time: String = String::from_utf8_lossy(&line)
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        if readings.send((i, Reading::Time(time))).is_err() {
            return String::new(); // the wall has gone
        }
    }
}

/// The wall of clocks on standard output.
struct Wall {
    names: Vec<String>,
    readings: Vec<Reading>,
    /// On a terminal the row is redrawn in place; elsewhere a row is printed
    /// at each tick.
    terminal: bool,
    out: common::Stdout,
}

impl Wall {
    fn new(clocks: &[Clock], terminal: bool) -> Wall {
        Wall {
            names: clocks.iter().map(|clock| clock.name.clone()).collect(),
            readings: vec![Reading::Waiting; clocks.len()],
            terminal,
            out: common::stdout(),
        }
    }

    /// The names of the clocks, a line of their own.
    fn print_header(&mut self) {
        let header = self.row(|i| self.names[i].clone());
        must_write(writeln!(self.out, "{header}"));
    }

    /// Clock `i` says `reading`; a terminal shows it at once.
    fn set(&mut self, i: usize, reading: Reading) {
        self.readings[i] = reading;
        if self.terminal {
            self.redraw();
        }
    }

    /// The interval has passed: a pipe gets a row.
    fn tick(&mut self) {
        if !self.terminal {
            let row = self.times();
            must_write(writeln!(self.out, "{row}"));
        }
    }

    /// Redraws the row of times in place: back to the start of the line,
    /// the row, then erase what is left of an older, longer row.
    fn redraw(&mut self) {
        let row = self.times();
        must_write(write!(self.out, "\r{row}\x1b[K"));
    }

    /// Every clock has gone: shows the last row, says why, exits.
    fn finish(mut self) -> ! {
        let row = self.times();
        if self.terminal {
            must_write(writeln!(self.out, "\r{row}\x1b[K"));
        } else {
            must_write(writeln!(self.out, "{row}"));
        }
        for (name, reading) in self.names.iter().zip(&self.readings) {
            if let Reading::Gone(why) = reading {
                log_print!("{name}: {why}");
            }
        }
        common::log_fatal!("every clock has gone");
    }

    /// The row of times, in columns under the names.
    fn times(&self) -> String {
        self.row(|i| match &self.readings[i] {
            Reading::Waiting => "--:--:--".to_string(),
            Reading::Time(time) => time.clone(),
            Reading::Gone(_) => "gone".to_string(),
        })
    }

    /// A row of the table: `cell(i)` in column `i`, each column as wide as
    /// its name or a time, two spaces apart.
    fn row(&self, cell: impl Fn(usize) -> String) -> String {
        let cells: Vec<String> = (0..self.names.len())
            .map(|i| {
                let width = self.names[i].chars().count().max("00:00:00".len());
                format!("{:width$}", cell(i))
            })
            .collect();
        cells.join("  ").trim_end().to_string()
    }
}
