//! How fast the thumbnails are made: `cargo run --release -p thumbnail
//! --example bench [-- N]` makes N (default 40) photo-like 1600×1200 JPEGs
//! in a temporary directory and times, per image:
//!
//! - the book's algorithm taken literally: a full-size decode, then the crude
//!   sampling (`thumbnail::image`);
//! - `make_thumbnails` (sequential), then `make_thumbnails5` and
//!   `make_thumbnails6` with one job per CPU;
//! - ImageMagick's `mogrify -sample 128x128`, if `/usr/bin/mogrify` exists.
//!
//! Each is run three times and the best run counts.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::bounded;
use image::codecs::jpeg::JpegEncoder;
use image::{ImageBuffer, Rgb};
use thumbnail::Options;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(40);
    let jobs = thread::available_parallelism().map_or(1, |n| n.get());
    let dir = tempfile::tempdir().expect("tempdir");
    let names = make_photos(dir.path(), n);
    let bytes: u64 = names
        .iter()
        .map(|f| fs::metadata(f).map_or(0, |m| m.len()))
        .sum();
    println!(
        "{n} JPEGs of 1600×1200, {} KB each on average; {jobs} CPUs",
        bytes / n as u64 / 1000
    );

    let literal = best_of_3(n, || {
        for f in &names {
            let src = image::open(f).expect("decode");
            let dst = thumbnail::image(&src.to_rgb8());
            let mut out = Vec::new();
            JpegEncoder::new_with_quality(&mut out, 75)
                .encode_image(&dst)
                .expect("encode");
            fs::write(format!("{f}.literal.jpg"), out).expect("write");
        }
    });
    report(
        "literal: full decode (zune-jpeg) + crude sampling",
        literal,
        None,
    );

    let sequential = best_of_3(n, || thumbnail::make_thumbnails(&names, &Options::new(1)));
    report("make_thumbnails (sequential)", sequential, None);

    let options = Options::new(jobs);
    let five = best_of_3(n, || {
        thumbnail::make_thumbnails5(&names, &options).expect("make_thumbnails5");
    });
    report("make_thumbnails5", five, Some(sequential));

    let six = best_of_3(n, || {
        let (send, receive) = bounded(0);
        let names = names.clone();
        thread::spawn(move || {
            for f in names {
                let _ = send.send(f);
            }
        });
        thumbnail::make_thumbnails6(receive, &options);
    });
    report("make_thumbnails6", six, Some(sequential));

    if Path::new("/usr/bin/mogrify").exists() {
        let magick = best_of_3(n, || {
            let status = Command::new("/usr/bin/mogrify")
                .args(["-path", &dir.path().join("magick").to_string_lossy()])
                .args(["-sample", "128x128"])
                .args(&names)
                .status()
                .expect("run mogrify");
            assert!(status.success());
        });
        report("ImageMagick mogrify -sample 128x128", magick, None);
    } else {
        println!("(no /usr/bin/mogrify: ImageMagick not measured)");
    }
}

/// Writes `n` photo-like JPEGs (smooth colour plus grain, quality 90) and
/// returns their names.
fn make_photos(dir: &Path, n: usize) -> Vec<String> {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    (0..n)
        .map(|i| {
            let photo = ImageBuffer::from_fn(1600, 1200, |x, y| {
                // xorshift: cheap grain, so the JPEG has a photo's entropy.
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let grain = (seed % 10) as u32;
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

/// The best of three runs of `f`, per image.
fn best_of_3(n: usize, mut f: impl FnMut()) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed() / n as u32
        })
        .min()
        .unwrap_or_default()
}

fn report(what: &str, per_image: Duration, sequential: Option<Duration>) {
    let ms = per_image.as_secs_f64() * 1000.0;
    match sequential {
        Some(seq) => println!(
            "{what:52} {ms:6.2} ms/image  {:.2}× sequential throughput",
            seq.as_secs_f64() / per_image.as_secs_f64()
        ),
        None => println!("{what:52} {ms:6.2} ms/image"),
    }
}
