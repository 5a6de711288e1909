//! How fast the thumbnails are made: `cargo run --release -p thumbnail
//! --example bench [-- N]` makes N (default 40) photo-like 1600×1200 JPEGs
//! in a temporary directory and times, per image:
//!
//! - decoding alone: zune-jpeg at full size, as we do, and jpeg-decoder
//!   straight at 1/8 size (DCT scaling), which we tried and do not use;
//! - `make_thumbnails` (sequential), then `make_thumbnails5` and
//!   `make_thumbnails6` with one job per CPU, and as a control the
//!   sequential loop run on one part of the list per CPU at once;
//! - ImageMagick's `mogrify -sample 128x128`, if `/usr/bin/mogrify` exists.
//!
//! Every case runs once per round, for 5 rounds, and its best round counts;
//! the machine may be busy with other work, which this evens out a little.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::bounded;

use image::codecs::jpeg::JpegEncoder;
use image::{ImageBuffer, Rgb};
use thumbnail::Options;
use zune_jpeg::zune_core::bytestream::ZCursor;

/// How many times each case runs.
const ROUNDS: usize = 5;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(40);
    let cpus = thread::available_parallelism().map_or(1, |n| n.get());
    let jobs = thumbnail::default_jobs();
    println!("{cpus} CPUs; per image, best of {ROUNDS} rounds; CPU = user + system time");
    // Light grain is a smooth photo; heavy grain, a noisy one (high ISO).
    for (kind, grain) in [("smooth", 3), ("grainy", 10)] {
        let dir = tempfile::tempdir().expect("tempdir");
        let names = make_photos(dir.path(), n, grain);
        let bytes: u64 = names
            .iter()
            .map(|f| fs::metadata(f).map_or(0, |m| m.len()))
            .sum();
        println!(
            "\n{n} {kind} JPEGs of 1600×1200, {} KB each on average",
            bytes / n as u64 / 1000
        );
        run_all(dir.path(), &names, cpus, jobs);
    }
}

/// One way of making the thumbnails, timed.
struct Case<'a> {
    what: String,
    run: Box<dyn FnMut() + 'a>,
    best: Option<(Duration, Duration)>,
}

fn case<'a>(what: &str, run: impl FnMut() + 'a) -> Case<'a> {
    let what = what.to_string();
    let run = Box::new(run);
    Case {
        what,
        run,
        best: None,
    }
}

fn run_all(dir: &Path, names: &[String], cpus: usize, jobs: usize) {
    let n = names.len();
    let data: Vec<Vec<u8>> = names.iter().map(|f| fs::read(f).expect("read")).collect();
    let options = Options::new(jobs);
    let magick_out = dir.join("magick");
    fs::create_dir_all(&magick_out).expect("mkdir");
    let magick = |threads: Option<&'static str>| {
        let out = magick_out.to_string_lossy().into_owned();
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

    let mut cases = vec![
        // Decoding alone, from memory: what we use, and DCT scaling.
        case("decode only: zune-jpeg, full size (ours)", || {
            for jpeg in &data {
                let mut decoder = zune_jpeg::JpegDecoder::new(ZCursor::new(jpeg));
                decoder.decode().expect("zune-jpeg");
            }
        }),
        case("decode only: jpeg-decoder at 1/8 (DCT scaling)", || {
            for jpeg in &data {
                let mut decoder = jpeg_decoder::Decoder::new(&jpeg[..]);
                decoder.scale(128, 96).expect("scale");
                decoder.decode().expect("jpeg-decoder");
            }
        }),
        case("make_thumbnails (sequential)", || {
            thumbnail::make_thumbnails(names, &Options::new(1));
        }),
        // The control: the list cut in `cpus` parts, one thread each, no
        // channel and no token. What the machine gives two threads at best.
        case(
            &format!("control: make_thumbnails × {cpus} threads"),
            || {
                thread::scope(|s| {
                    for part in names.chunks(n.div_ceil(cpus)) {
                        s.spawn(|| thumbnail::make_thumbnails(part, &Options::new(1)));
                    }
                });
            },
        ),
        case(&format!("make_thumbnails5, jobs {jobs}"), || {
            thumbnail::make_thumbnails5(names, &options).expect("make_thumbnails5");
        }),
        case(&format!("make_thumbnails6, jobs {jobs}"), || {
            let (send, receive) = bounded(0);
            let names = names.to_vec();
            thread::spawn(move || {
                for f in names {
                    let _ = send.send(f);
                }
            });
            thumbnail::make_thumbnails6(receive, &options);
        }),
    ];
    if Path::new("/usr/bin/mogrify").exists() {
        cases.push(case("ImageMagick mogrify -sample 128x128", magick(None)));
        cases.push(case("  the same, MAGICK_THREAD_LIMIT=1", magick(Some("1"))));
    }

    // Round after round, every case once, so that a busy moment on the
    // machine falls on all of them alike; the best round of each counts.
    for _ in 0..ROUNDS {
        for case in &mut cases {
            let (start, cpu) = (Instant::now(), cpu_time());
            (case.run)();
            let took = (start.elapsed() / n as u32, (cpu_time() - cpu) / n as u32);
            case.best = Some(case.best.map_or(took, |best| best.min(took)));
        }
    }
    let sequential = cases[2].best.unwrap_or_default();
    for case in &cases {
        let (wall, cpu) = case.best.unwrap_or_default();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        print!(
            "{:50} {:6.2} ms  (CPU {:5.2} ms)",
            case.what,
            ms(wall),
            ms(cpu)
        );
        if case.what.contains("make_thumbnails") {
            print!("  {:.2}×", sequential.0.as_secs_f64() / wall.as_secs_f64());
        }
        println!();
    }
    if !Path::new("/usr/bin/mogrify").exists() {
        println!("(no /usr/bin/mogrify: ImageMagick not measured)");
    }
}

/// Writes `n` photo-like JPEGs (smooth colour plus `grain`, quality 90)
/// and returns their names.
fn make_photos(dir: &Path, n: usize, grain: u64) -> Vec<String> {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    (0..n)
        .map(|i| {
            let photo = ImageBuffer::from_fn(1600, 1200, |x, y| {
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

/// CPU time used by this process so far (Linux: /proc/self/stat, in ticks
/// of 10 ms), including its finished children's.
fn cpu_time() -> Duration {
    let stat = fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After "pid (name) ": state, then numbers; utime, stime, cutime and
    // cstime are the 14th to 17th fields of the line.
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let ticks: u64 = fields
        .get(11..15)
        .map_or(0, |t| t.iter().filter_map(|f| f.parse::<u64>().ok()).sum());
    Duration::from_millis(ticks * 10)
}
