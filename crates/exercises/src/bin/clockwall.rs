//! Exercise 8.1: run several clock2 servers, each in a time zone of its own
//! (`TZ=Asia/Tokyo`), and write `clockwall`, a client of several clock
//! servers at once that shows their times side by side as a table, like a
//! wall of clocks in an office.
//!
//! clock2 (`crates/clock2`) needs no change: it tells the time of its `TZ`.
//! clockwall grows from netcat1 (`crates/netcat1`), which copied one clock
//! to the screen: here a thread per clock sends each line it reads on one
//! channel, and main keeps each clock's latest reading and `select`s between
//! the readings and a ticker, until the last thread's end closes the channel.
//!
//! ```text
//! $ target/debug/clockwall NewYork=localhost:8010 Tokyo=localhost:8020 London=localhost:8030
//! NewYork   Tokyo     London
//! 09:14:02  23:14:02  14:14:02
//! ```
//!
//! (The crate's README starts the three clock2 servers in three zones.)
//!
//! | Go                                           | Rust                                         |
//! |----------------------------------------------|----------------------------------------------|
//! | `strings.Cut(arg, "=")`                      | `split_once('=')`, in clap's `parse_clock`   |
//! | `readings := make(chan reading)`             | `let (readings_tx, readings) = bounded(0)`   |
//! | `go watch(i, addr, readings)`                | `common::go(...)`, a thread per clock        |
//! | `bufio.NewReader(conn).ReadString('\n')`     | `read_until(b'\n', ...)`, at most 256 bytes  |
//! | `close(readings)` when all have ended        | the last `Sender` is dropped                 |
//! | `select { case r, ok := <-readings: ...`     | `select! { recv(readings) -> r => ...`       |
//! | `case <-tick:` (`time.Tick(interval)`)       | `recv(ticker) -> _ =>` (`tick(interval)`)    |
//! | `fmt.Printf("\r%s\x1b[K", row)`              | the same bytes, through `common::stdout()`   |
//! | `runewidth.StringWidth(name)` (go-runewidth) | `name.width()` (unicode-width): screen cells |
//! | `term.GetSize(int(os.Stdout.Fd()))` (x/term) | `terminal_size_of(io::stdout())`             |

use std::io::{self, BufRead, BufReader, IsTerminal, Read, Write};
use std::time::Duration;

use clap::Parser;
use common::{go_error, log_fatal, log_print, must_write};
use crossbeam_channel::{Sender, bounded, select, tick};
use terminal_size::{Width, terminal_size_of};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// A wall of clocks: the times of several clock servers side by side.
///
/// A solution to exercise 8.1 of gopl.io/ch8, a client of several clock2
/// servers (gopl.io/ch8/clock2) at once, each perhaps in a time zone of its
/// own (TZ=Asia/Tokyo clock2 --addr localhost:8020). It prints a header of
/// the clocks' names, then their times: on a terminal one row, redrawn in
/// place as the clocks tick (cut to the terminal's width); into a pipe or a
/// file, a row at each interval.
/// A clock that goes away shows as `gone` while the others go on; when every
/// clock has gone, clockwall logs why and exits with status 1.
#[derive(Parser)]
#[command(name = "clockwall", version)]
struct Args {
    /// The clocks, left to right, as NAME=HOST:PORT (e.g. Tokyo=localhost:8020)
    #[arg(required = true, value_name = "NAME=HOST:PORT", value_parser = parse_clock)]
    clocks: Vec<(String, String)>,

    /// How often a row is printed when the output is not a terminal
    /// (e.g. 1s, 500ms); a terminal's row is redrawn at every tick of any clock
    #[arg(long, default_value = "1s", value_parser = flags::positive_duration)]
    interval: Duration,

    #[command(flatten)]
    threads: flags::MaxThreads,
}

/// What the wall shows for a clock.
#[derive(Clone)]
enum Reading {
    Waiting,      // nothing heard yet
    Time(String), // the last line the clock sent
    Gone(String), // the clock has gone, and why
}

/// The widest line a clock may send; the rest of a longer line is dropped.
const LONGEST_LINE: u64 = 256;

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    common::threads::set_budget(args.threads.budget());
    let budget = common::threads::budget().max();
    if args.clocks.len() > budget {
        // Each clock's thread runs as long as its clock: `go` would wait for ever.
        log_fatal!(
            "{} clocks, but a thread budget of {budget} (--max-threads)",
            args.clocks.len()
        );
    }

    let (readings_tx, readings) = bounded(0);
    for (i, (_, addr)) in args.clocks.iter().enumerate() {
        let (addr, readings_tx) = (addr.clone(), readings_tx.clone());
        common::go(move || watch(i, &addr, &readings_tx));
    }
    drop(readings_tx); // the channel closes when the last watcher ends

    let names: Vec<String> = args.clocks.into_iter().map(|(name, _)| name).collect();
    let mut wall = Wall {
        readings: vec![Reading::Waiting; names.len()],
        names,
        terminal: io::stdout().is_terminal(),
        out: common::stdout(),
    };
    let header = wall.row(|i| wall.names[i].clone());
    let header = wall.fit(&header);
    must_write(writeln!(wall.out, "{header}"));
    let ticker = tick(args.interval);
    loop {
        select! {
            recv(readings) -> reading => {
                let Ok((i, reading)) = reading else { break }; // every clock has gone
                wall.readings[i] = reading;
                if wall.terminal {
                    wall.show();
                }
            }
            recv(ticker) -> _ => if !wall.terminal {
                wall.show();
            },
        }
    }
    wall.show(); // the last row
    if wall.terminal {
        must_write(writeln!(wall.out));
    }
    for (name, reading) in wall.names.iter().zip(&wall.readings) {
        if let Reading::Gone(why) = reading {
            log_print!("{name}: {why}");
        }
    }
    log_fatal!("every clock has gone");
}

/// Parses a clock argument, `NAME=HOST:PORT`, into its name and address.
fn parse_clock(arg: &str) -> Result<(String, String), String> {
    match arg.split_once('=') {
        Some((name, addr)) if !name.is_empty() && !addr.is_empty() => {
            Ok((name.to_string(), addr.to_string()))
        }
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
            let _ = conn.skip_until(b'\n'); // too long: skip to the end of the line
        }
        // Control characters (a stray escape sequence) would upset the table.
        let line = String::from_utf8_lossy(&line);
        let time = line.chars().filter(|c| !c.is_control()).collect();
        if readings.send((i, Reading::Time(time))).is_err() {
            return String::new(); // the wall has gone
        }
    }
}

/// The wall of clocks on standard output.
struct Wall {
    names: Vec<String>,
    readings: Vec<Reading>,
    terminal: bool, // a terminal's row is redrawn in place; a pipe gets a row per tick
    out: common::Stdout,
}

impl Wall {
    /// Shows the row of times. On a terminal: back to the start of the
    /// line, the row, then erase what is left of an older, longer row.
    fn show(&mut self) {
        let times = self.row(|i| match &self.readings[i] {
            Reading::Waiting => "--:--:--".to_string(),
            Reading::Time(time) => time.clone(),
            Reading::Gone(_) => "gone".to_string(),
        });
        if self.terminal {
            let times = self.fit(&times);
            must_write(write!(self.out, "\r{times}\x1b[K"));
        } else {
            must_write(writeln!(self.out, "{times}"));
        }
    }

    /// A row of the table: `cell(i)` in column `i`, each column as wide as
    /// its name or a time, two spaces apart. Widths count screen cells, not
    /// chars: `東京` takes four.
    fn row(&self, cell: impl Fn(usize) -> String) -> String {
        let cells: Vec<String> = (0..self.names.len())
            .map(|i| {
                let width = self.names[i].width().max("00:00:00".len());
                let cell = cell(i);
                let padding = " ".repeat(width.saturating_sub(cell.width()));
                cell + &padding
            })
            .collect();
        cells.join("  ").trim_end().to_string()
    }

    /// On a terminal, `row` cut to fit one line of it, so that `\r` goes
    /// back to the start of the row rather than of its last wrapped part.
    fn fit<'a>(&self, row: &'a str) -> &'a str {
        if !self.terminal {
            return row;
        }
        match terminal_size_of(io::stdout()) {
            // The last column stays empty: a character there leaves some
            // terminals' cursor on the next line.
            Some((Width(width), _)) => cut(row, usize::from(width) - 1),
            None => row, // a terminal that does not say its size
        }
    }
}

/// The longest start of `row` that takes at most `cells` screen cells.
fn cut(row: &str, cells: usize) -> &str {
    let mut taken = 0;
    for (i, c) in row.char_indices() {
        taken += c.width().unwrap_or(0);
        if taken > cells {
            return row[..i].trim_end();
        }
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wall(names: &[&str]) -> Wall {
        Wall {
            names: names.iter().map(|name| name.to_string()).collect(),
            readings: vec![Reading::Waiting; names.len()],
            terminal: false,
            out: common::stdout(),
        }
    }

    #[test]
    fn columns_count_screen_cells() {
        // 東京 takes four cells, two chars; 東京都庁前 ten cells, five chars.
        let wall = wall(&["東京", "東京都庁前", "B"]);
        let header = wall.row(|i| wall.names[i].clone());
        let times = wall.row(|_| "12:34:56".to_string());
        assert_eq!(header, "東京      東京都庁前  B");
        assert_eq!(times, "12:34:56  12:34:56    12:34:56");
    }

    #[test]
    fn a_row_is_cut_to_whole_cells() {
        assert_eq!(cut("01:00:00  02:00:00", 12), "01:00:00  02");
        assert_eq!(cut("01:00:00  02:00:00", 9), "01:00:00");
        assert_eq!(cut("01:00:00  02:00:00", 18), "01:00:00  02:00:00");
        assert_eq!(cut("01:00:00  02:00:00", 100), "01:00:00  02:00:00");
        // A wide character that would take the last cell and one past it
        // is left out whole.
        assert_eq!(cut("ab東京", 5), "ab東");
        assert_eq!(cut("ab東京", 3), "ab");
        assert_eq!(cut("東京", 0), "");
    }
}
