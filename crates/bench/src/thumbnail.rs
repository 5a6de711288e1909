//! `bench thumbnail`: how fast the thumbnails are made, and how much of the
//! machine the book's parallel loops get.
//!
//! It makes N photo-like JPEGs (1600×1200 and 900×1600, smooth and grainy)
//! in a temporary directory, and a copy of them, then runs the `thumbnail`
//! program, as a user would, on the list of names:
//!
//! - `thumbnail` (the sequential loop of main.go);
//! - the reference: two sequential `thumbnail` processes at once, each on
//!   its own copy of the photos. Two independent processes share nothing
//!   but the machine: their speed-up is what the machine gives;
//! - `--variant 5` and `--variant 6`, with the default `--jobs` (not
//!   passed: the program's own, twice the CPUs) and with one job per CPU;
//! - ImageMagick's `mogrify -sample 128x128`, if `/usr/bin/mogrify` exists.
//!
//! Every case runs once per round, in turn, the order reversed every other
//! round, so that a busy moment falls on all cases alike; the median round
//! of each counts. A run during which other processes used more than 5%
//! of the CPUs is done again (up to 5 times, the least disturbed counts),
//! and the table says how much of the CPUs others took. Each variant's
//! speed-up over the sequential loop is then given as a fraction of the
//! reference's speed-up (twice the work in its time).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clap::Args;
use image::codecs::jpeg::JpegEncoder;
use image::{ImageBuffer, Rgb};

use crate::procs::{self, Bins};
use crate::stats::{Turns, median, order};

/// What `bench thumbnail` takes.
#[derive(Args, Debug, Clone)]
pub struct ThumbnailArgs {
    /// Photos to make and to thumbnail
    #[arg(long, default_value_t = 48, value_parser = clap::value_parser!(u32).range(1..))]
    pub photos: u32,

    /// Rounds of the cases, the order reversed every other round; the
    /// median round counts
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub rounds: u32,

    /// The thumbnail program to measure (default: the release build), e.g.
    /// a build of an older commit
    #[arg(long, value_name = "PATH")]
    pub program: Option<PathBuf>,

    /// Only make the photos, in DIR, print their names and stop
    #[arg(long, value_name = "DIR")]
    pub make_photos: Option<PathBuf>,
}

/// ImageMagick, the outside reference, when installed.
const MOGRIFY: &str = "/usr/bin/mogrify";

/// Makes the photos, measures every case and prints the table.
pub fn run(bins: &Bins, args: &ThumbnailArgs) -> Result<(), String> {
    let n = args.photos as usize;
    if let Some(dir) = &args.make_photos {
        fs::create_dir_all(dir).map_err(|err| format!("mkdir {}: {err}", dir.display()))?;
        for name in make_photos(dir, n)? {
            println!("{name}");
        }
        return Ok(());
    }
    let program = match &args.program {
        Some(program) => program.clone(),
        None => bins.path("thumbnail")?,
    };
    let cpus = procs::cpus();

    let dir = tempfile::tempdir().map_err(|err| format!("temporary directory: {err}"))?;
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    let magick_out = dir.path().join("magick");
    for d in [&one, &two, &magick_out] {
        fs::create_dir_all(d).map_err(|err| format!("mkdir {}: {err}", d.display()))?;
    }
    let names = make_photos(&one, n)?;
    let copies: Vec<String> = names.iter().map(|f| f.replace("/one/", "/two/")).collect();
    for (f, copy) in names.iter().zip(&copies) {
        fs::copy(f, copy).map_err(|err| format!("copy {f}: {err}"))?;
    }
    let bytes: u64 = names
        .iter()
        .map(|f| fs::metadata(f).map_or(0, |m| m.len()))
        .sum();
    let list = names.join("\n") + "\n";
    let copy_list = copies.join("\n") + "\n";

    let thumbnail = |flags: &[&str], list: &str| -> Result<Child, String> {
        let mut child = Command::new(&program)
            .args(flags)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .map_err(|err| format!("run {}: {err}", program.display()))?;
        let mut stdin = child.stdin.take().ok_or("no stdin")?;
        stdin
            .write_all(list.as_bytes())
            .map_err(|err| format!("write the names: {err}"))?;
        Ok(child)
    };
    let wait = |child: Child| -> Result<(), String> {
        let out = child.wait_with_output().map_err(|err| err.to_string())?;
        if !out.status.success() {
            return Err(format!("thumbnail failed: {}", out.status));
        }
        Ok(())
    };
    let magick = |threads: Option<&'static str>| {
        let (out, names) = (magick_out.to_string_lossy().into_owned(), &names);
        move || -> Result<(), String> {
            let mut command = Command::new(MOGRIFY);
            command
                .args(["-path", &out, "-sample", "128x128"])
                .args(names);
            if let Some(threads) = threads {
                command.env("MAGICK_THREAD_LIMIT", threads);
            }
            match command.status() {
                Ok(status) if status.success() => Ok(()),
                Ok(status) => Err(format!("mogrify failed: {status}")),
                Err(err) => Err(format!("run mogrify: {err}")),
            }
        }
    };
    let variant = |flags: Vec<String>| {
        let list = &list;
        move || {
            let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
            wait(thumbnail(&flags, list)?)
        }
    };
    // thumbnail's own default, left to it: "twice the number of CPUs".
    let jobs = 2 * cpus;
    let one_per_cpu = cpus.to_string();
    let flags = |v: &str, jobs: Option<&str>| -> Vec<String> {
        let jobs = jobs.map(|jobs| ["--jobs".to_string(), jobs.to_string()]);
        ["--variant".to_string(), v.to_string()]
            .into_iter()
            .chain(jobs.into_iter().flatten())
            .collect()
    };

    let mut cases: Vec<Case> = vec![
        case("sequential: thumbnail", 1, variant(Vec::new())),
        case("reference: 2 sequential processes at once", 2, || {
            let (a, b) = (thumbnail(&[], &list)?, thumbnail(&[], &copy_list)?);
            let (a, b) = (wait(a), wait(b));
            a.and(b)
        }),
        case(
            &format!("--variant 5 (default --jobs {jobs})"),
            1,
            variant(flags("5", None)),
        ),
        case(
            &format!("--variant 6 (default --jobs {jobs})"),
            1,
            variant(flags("6", None)),
        ),
        case(
            &format!("--variant 5 --jobs {cpus}"),
            1,
            variant(flags("5", Some(&one_per_cpu))),
        ),
        case(
            &format!("--variant 6 --jobs {cpus}"),
            1,
            variant(flags("6", Some(&one_per_cpu))),
        ),
    ];
    if Path::new(MOGRIFY).exists() {
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
        procs::load_average()
    );
    for round in 0..args.rounds as usize {
        for i in order(Turns::Reversed, round, cases.len()) {
            let case = &mut cases[i];
            let mut best: Option<Round> = None;
            for _ in 0..5 {
                let round = measure(&mut case.run, cpus)?;
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
    println!("load average after: {}\n", procs::load_average());
    report(&cases, n);
    Ok(())
}

/// A way of making the thumbnails, once.
type Runner<'a> = Box<dyn FnMut() -> Result<(), String> + 'a>;

/// One way of making the thumbnails, and its measured rounds.
struct Case<'a> {
    what: String,
    /// How many times it does the work: 2 for the reference.
    times: u32,
    run: Runner<'a>,
    rounds: Vec<Round>,
}

fn case<'a>(what: &str, times: u32, run: impl FnMut() -> Result<(), String> + 'a) -> Case<'a> {
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
fn measure(run: &mut Runner<'_>, cpus: usize) -> Result<Round, String> {
    let (start, before, busy) = (Instant::now(), procs::children_usage(), procs::busy_time());
    run()?;
    let wall = start.elapsed();
    let (after, busy) = (procs::children_usage(), procs::busy_time() - busy);
    let cpu = after.cpu - before.cpu;
    Ok(Round {
        wall,
        cpu,
        faults: after.faults - before.faults,
        others: busy.saturating_sub(cpu).as_secs_f64() / (wall.as_secs_f64() * cpus as f64),
    })
}

/// Prints the table: per image, the median of the rounds.
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
        let ratios: Vec<f64> = a.iter().zip(&b).map(|(a, b)| a / b).collect();
        median(&ratios)
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
        let others: Vec<f64> = case.rounds.iter().map(|r| r.others * 100.0).collect();
        print!(
            "{:44} {:8.2} {:7.2} {:7.0} {:6.0}%",
            case.what,
            median(&per_image(case, wall)),
            median(&per_image(case, |r| r.cpu.as_secs_f64() * 1000.0)),
            median(&per_image(case, |r| r.faults as f64)),
            median(&others),
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

/// Writes `n` photo-like JPEGs (smooth colour plus grain, quality 90) and
/// returns their names: in turn a landscape 1600×1200 and a portrait
/// 900×1600, smooth then grainy (noise as at high ISO).
fn make_photos(dir: &Path, n: usize) -> Result<Vec<String>, String> {
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
                .map_err(|err| format!("encode: {err}"))?;
            fs::write(&name, out).map_err(|err| format!("write {}: {err}", name.display()))?;
            Ok(name.to_string_lossy().into_owned())
        })
        .collect()
}
