//! How fast the thumbnails are made, and how much of the machine the book's
//! parallel loops get:
//!
//! ```text
//! cargo build --release -p thumbnail --bins --examples
//! target/release/examples/bench [N [ROUNDS [PROGRAM]]]  # default 48 photos, 5 rounds
//! target/release/examples/bench photos DIR N   # only make the photos
//! ```
//!
//! It makes N photo-like JPEGs (1600×1200 and 900×1600, smooth and grainy)
//! in a temporary directory, and a copy of them, then runs the `thumbnail`
//! program built beside it, as a user would, on the list of names:
//!
//! - `thumbnail` (the sequential loop of main.go);
//! - the reference: two sequential `thumbnail` processes at once, each on
//!   its own copy of the photos. Two independent processes share nothing
//!   but the machine: their speed-up is what the machine gives;
//! - `--variant 5` and `--variant 6`, with the default `--jobs` and with
//!   one job per CPU;
//! - ImageMagick's `mogrify -sample 128x128`, if `/usr/bin/mogrify` exists.
//!
//! Every case runs once per round, in turn, the order reversed every other
//! round, so that a busy moment falls on all cases alike; the median round
//! of each counts. A run during which other processes used more than 5%
//! of the CPUs is done again (up to 5 times, the least disturbed counts),
//! and the table says how much of the CPUs others took. Each variant's speed-up over the sequential loop is then
//! given as a fraction of the reference's speed-up (twice the work in its
//! time).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use image::codecs::jpeg::JpegEncoder;
use image::{ImageBuffer, Rgb};

/// How many times each case runs, unless told.
const ROUNDS: usize = 5;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("photos") {
        let (Some(dir), Some(n)) = (args.get(1), args.get(2).and_then(|n| n.parse().ok())) else {
            eprintln!("usage: bench photos DIR N");
            std::process::exit(2);
        };
        fs::create_dir_all(dir).expect("mkdir");
        for name in make_photos(Path::new(dir), n) {
            println!("{name}");
        }
        return;
    }
    let n: usize = args.first().and_then(|n| n.parse().ok()).unwrap_or(48);
    let rounds: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(ROUNDS);
    let program = args.get(2).map_or_else(thumbnail_program, PathBuf::from);
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());

    let dir = tempfile::tempdir().expect("tempdir");
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    let magick_out = dir.path().join("magick");
    for d in [&one, &two, &magick_out] {
        fs::create_dir_all(d).expect("mkdir");
    }
    let names = make_photos(&one, n);
    let copies: Vec<String> = names.iter().map(|f| f.replace("/one/", "/two/")).collect();
    for (f, copy) in names.iter().zip(&copies) {
        fs::copy(f, copy).expect("copy");
    }
    let bytes: u64 = names
        .iter()
        .map(|f| fs::metadata(f).map_or(0, |m| m.len()))
        .sum();
    let list = names.join("\n") + "\n";
    let copy_list = copies.join("\n") + "\n";

    let thumbnail = |flags: &[&str], list: &str| -> Child {
        let mut child = Command::new(&program)
            .args(flags)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("run thumbnail");
        let mut stdin = child.stdin.take().expect("stdin");
        std::io::Write::write_all(&mut stdin, list.as_bytes()).expect("write names");
        child
    };
    let wait = |child: Child| {
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success(), "thumbnail failed");
    };
    let magick = |threads: Option<&'static str>| {
        let (out, names) = (magick_out.to_string_lossy().into_owned(), &names);
        move || {
            let mut command = Command::new("/usr/bin/mogrify");
            command
                .args(["-path", &out, "-sample", "128x128"])
                .args(names);
            if let Some(threads) = threads {
                command.env("MAGICK_THREAD_LIMIT", threads);
            }
            assert!(command.status().expect("run mogrify").success());
        }
    };
    let variant = |flags: Vec<String>| {
        let list = &list;
        move || {
            let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
            wait(thumbnail(&flags, list));
        }
    };
    let jobs = thumbnail::default_jobs().to_string();
    let one_per_cpu = cpus.to_string();
    let flags =
        |v: &str, jobs: &str| vec!["--variant".into(), v.into(), "--jobs".into(), jobs.into()];

    let mut cases: Vec<Case> = vec![
        case("sequential: thumbnail", 1, variant(Vec::new())),
        case("reference: 2 sequential processes at once", 2, || {
            let (a, b) = (thumbnail(&[], &list), thumbnail(&[], &copy_list));
            wait(a);
            wait(b);
        }),
        case(
            &format!("--variant 5 (default --jobs {jobs})"),
            1,
            variant(flags("5", &jobs)),
        ),
        case(
            &format!("--variant 6 (default --jobs {jobs})"),
            1,
            variant(flags("6", &jobs)),
        ),
        case(
            &format!("--variant 5 --jobs {cpus}"),
            1,
            variant(flags("5", &one_per_cpu)),
        ),
        case(
            &format!("--variant 6 --jobs {cpus}"),
            1,
            variant(flags("6", &one_per_cpu)),
        ),
    ];
    if Path::new("/usr/bin/mogrify").exists() {
        cases.push(case("ImageMagick mogrify -sample 128x128", 1, magick(None)));
        cases.push(case(
            "  the same, MAGICK_THREAD_LIMIT=1",
            1,
            magick(Some("1")),
        ));
    }

    println!(
        "{n} JPEGs (1600×1200 and 900×1600), {} KB each on average; {cpus} CPUs; \
         load average before: {}",
        bytes / n as u64 / 1000,
        load_average()
    );
    for round in 0..rounds {
        let order: Vec<usize> = match round % 2 {
            0 => (0..cases.len()).collect(),
            _ => (0..cases.len()).rev().collect(),
        };
        for i in order {
            let case = &mut cases[i];
            let mut best: Option<Round> = None;
            for _ in 0..5 {
                let round = measure(&mut case.run, cpus);
                if best.is_none_or(|best| round.others < best.others) {
                    best = Some(round);
                }
                if round.others < 0.05 {
                    break;
                }
            }
            case.rounds.extend(best);
        }
    }
    println!("load average after: {}\n", load_average());
    report(&cases, n);
}

/// One way of making the thumbnails, and its measured rounds.
struct Case<'a> {
    what: String,
    /// How many times it does the work: 2 for the reference.
    times: u32,
    run: Box<dyn FnMut() + 'a>,
    rounds: Vec<Round>,
}

fn case<'a>(what: &str, times: u32, run: impl FnMut() + 'a) -> Case<'a> {
    Case {
        what: what.to_string(),
        times,
        run: Box::new(run),
        rounds: Vec::new(),
    }
}

/// What one run took.
#[derive(Clone, Copy)]
struct Round {
    wall: Duration,
    cpu: Duration,
    faults: u64,
    /// The share of the CPUs that other processes used meanwhile.
    others: f64,
}

/// Runs `run` once and measures it.
fn measure(run: &mut Box<dyn FnMut() + '_>, cpus: usize) -> Round {
    let (start, before, busy) = (Instant::now(), children_usage(), busy_time());
    run();
    let wall = start.elapsed();
    let (after, busy) = (children_usage(), busy_time() - busy);
    let cpu = after.cpu - before.cpu;
    Round {
        wall,
        cpu,
        faults: after.faults - before.faults,
        others: busy.saturating_sub(cpu).as_secs_f64() / (wall.as_secs_f64() * cpus as f64),
    }
}

/// The median of `values`.
fn median<T: PartialOrd + Copy>(mut values: Vec<T>) -> T {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    values[values.len() / 2]
}

fn report(cases: &[Case], n: usize) {
    // Per image of the work done, round by round.
    let per_image = |case: &Case, what: fn(&Round) -> f64| -> Vec<f64> {
        let images = f64::from(n as u32 * case.times);
        case.rounds.iter().map(|r| what(r) / images).collect()
    };
    let wall = |r: &Round| r.wall.as_secs_f64() * 1000.0;
    // A ratio of two cases' times, round by round (each round runs every
    // case once, close together), then the median.
    let ratio = |a: &Case, b: &Case| {
        let (a, b) = (per_image(a, wall), per_image(b, wall));
        median(a.iter().zip(&b).map(|(a, b)| a / b).collect())
    };
    let (sequential, reference) = (&cases[0], &cases[1]);
    println!(
        "{:44} {:>8} {:>7} {:>7} {:>7} {:>9} {:>13}",
        "per image, median of rounds",
        "wall ms",
        "CPU ms",
        "faults",
        "others",
        "speed-up",
        "of reference"
    );
    for case in cases {
        print!(
            "{:44} {:8.2} {:7.2} {:7.0} {:6.0}%",
            case.what,
            median(per_image(case, wall)),
            median(per_image(case, |r| r.cpu.as_secs_f64() * 1000.0)),
            median(per_image(case, |r| r.faults as f64)),
            median(case.rounds.iter().map(|r| r.others * 100.0).collect()),
        );
        if !case.what.contains("mogrify") && !case.what.contains("same") {
            print!(
                " {:8.2}× {:13.2}",
                ratio(sequential, case),
                ratio(reference, case)
            );
        }
        println!();
    }
    println!(
        "\nCPU = user + system time of the processes (10 ms ticks); faults = minor page \
         faults;\nothers = the share of the CPUs that other processes used meanwhile;\n\
         speed-up = the sequential time per image over this case's, and of reference = \
         the reference's\ntime per image over this case's, both round by round, then the median."
    );
}

/// User + system time and minor page faults of this process's children
/// that have ended (Linux: /proc/self/stat).
struct Usage {
    cpu: Duration,
    faults: u64,
}

fn children_usage() -> Usage {
    let stat = fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After "pid (name) ": state is field 3; cminflt is field 11, cutime and
    // cstime (in ticks of 10 ms) fields 16 and 17.
    let fields: Vec<u64> = stat
        .rsplit(')')
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    let field = |i: usize| fields.get(i - 3).copied().unwrap_or(0);
    Usage {
        cpu: Duration::from_millis((field(16) + field(17)) * 10),
        faults: field(11),
    }
}

/// The time all CPUs together spent busy since boot, by anyone (Linux:
/// the first line of /proc/stat, in ticks of 10 ms: user, nice, system,
/// then idle and iowait, which are not busy, then irq, softirq and steal).
fn busy_time() -> Duration {
    let stat = fs::read_to_string("/proc/stat").unwrap_or_default();
    let ticks: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .map(|t| t.parse().unwrap_or(0))
        .collect();
    let busy: u64 = [0, 1, 2, 5, 6, 7]
        .iter()
        .filter_map(|&i| ticks.get(i))
        .sum();
    Duration::from_millis(busy * 10)
}

/// `/proc/loadavg`'s three averages.
fn load_average() -> String {
    let text = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `thumbnail` program built beside this example
/// (`target/release/thumbnail` for `target/release/examples/bench`).
fn thumbnail_program() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let program = exe
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("thumbnail"))
        .unwrap_or_default();
    if !program.exists() {
        eprintln!(
            "no {}: build it first with cargo build --release -p thumbnail --bins --examples",
            program.display()
        );
        std::process::exit(1);
    }
    program
}

/// Writes `n` photo-like JPEGs (smooth colour plus grain, quality 90) and
/// returns their names: in turn a landscape 1600×1200 and a portrait
/// 900×1600, smooth then grainy (noise as at high ISO).
fn make_photos(dir: &Path, n: usize) -> Vec<String> {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    (0..n)
        .map(|i| {
            let (width, height) = if i % 2 == 0 {
                (1600, 1200)
            } else {
                (900, 1600)
            };
            let grain = if i % 4 < 2 { 3 } else { 10 };
            let photo = ImageBuffer::from_fn(width, height, |x, y| {
                // xorshift: cheap grain, so the JPEG has a photo's entropy.
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let grain = (seed % grain) as u32;
                let wave = ((x as f32 / 37.0).sin() * 40.0 + (y as f32 / 23.0).cos() * 40.0) as u32;
                Rgb([
                    ((x / 7 + grain + wave + i as u32 * 9) % 256) as u8,
                    ((y / 5 + grain * 2) % 256) as u8,
                    (((x + y) / 11 + grain + wave / 2) % 256) as u8,
                ])
            });
            let name = dir.join(format!("photo{i}.jpg"));
            let mut out = Vec::new();
            JpegEncoder::new_with_quality(&mut out, 90)
                .encode_image(&photo)
                .expect("encode");
            fs::write(&name, out).expect("write");
            name.to_string_lossy().into_owned()
        })
        .collect()
}
