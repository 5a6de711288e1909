//! Exercise 8.5: take a CPU-bound sequential program, such as the
//! Mandelbrot program of section 3.3 (`gopl.io/ch3/mandelbrot`), run its
//! main loop in parallel using channels for communication, and measure how
//! much faster it runs on a multiprocessor; what is the best number of
//! goroutines?
//!
//! ```text
//! $ cargo run --release -p exercises --bin mandelbrot > mandelbrot.png
//! $ cargo run --release -p exercises --bin mandelbrot -- --workers 4 -o out.png
//! $ cargo run --release -p bench -- mandelbrot                 # the speed-up
//! ```
//!
//! The original, from memory of the book: a 1024×1024 image of the square
//! from −2−2i to +2+2i; each pixel's point z is iterated `v = v*v + z` from
//! 0, at most 200 times, and the pixel is `color.Gray{255 - contrast*n}`
//! (contrast 15) for the first n at which |v| > 2, or black if there is
//! none. Its `main` walks the rows in order and writes the PNG to standard
//! output.
//!
//! The solution, [`render_parallel`]: main sends each row of the image over
//! an unbuffered channel to N workers (`--workers`, a fixed count given on
//! the command line: N threads, bounded); each worker computes the pixels of
//! the rows it receives until the channel is closed. A row is a `&mut [u8]`
//! slice of the image, so the workers write straight into it, no two into
//! the same row, with no lock and no copy, which the borrow checker
//! verifies; `thread::scope` waits for every worker before the image is
//! encoded. Rows are dealt out as workers become free, so a row deep in the
//! black set (200 iterations a pixel) does not hold up the others. The
//! book's sequential loop is kept as [`render_sequential`]
//! (`--sequential`), and the two images are the same byte for byte.
//!
//! Where it differs from the original beyond the exercise: Go's
//! `png.Encode(os.Stdout, img)` ignores errors (the book's NOTE); here a
//! failed write is one log line and exit status 1, a closed pipe ends it
//! quietly, and `-o FILE` writes a temporary file beside FILE and renames it
//! into place, so FILE is never left half written.
//!
//! | Go                                    | Rust                                      |
//! |---------------------------------------|-------------------------------------------|
//! | `complex128`, `cmplx.Abs`             | [`Complex`], a pair of `f64` (std has no complex type), `f64::hypot` as Go's `math.Hypot` |
//! | `image.NewRGBA`, `img.Set(px, py, c)` | `RgbImage::new`, `put_pixel` (Go encodes an opaque RGBA image as 8-bit RGB, as we do) |
//! | `color.Gray{255 - contrast*n}`        | `255u8.wrapping_sub(CONTRAST.wrapping_mul(n))`: `uint8` arithmetic wraps in Go |
//! | `png.Encode(os.Stdout, img)`          | `PngEncoder` into memory, then one write  |
//! | rows over a channel to N goroutines   | `bounded::<(u32, &mut [u8])>(0)` and N scoped threads |
//! | `sync.WaitGroup` for the workers      | `thread::scope`                           |

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::ops::{Add, Mul};
use std::path::{Path, PathBuf};
use std::process;
use std::thread;

use clap::Parser;
use crossbeam_channel::bounded;
use image::codecs::png::PngEncoder;
use image::{Rgb, RgbImage};

const XMIN: f64 = -2.0;
const YMIN: f64 = -2.0;
const XMAX: f64 = 2.0;
const YMAX: f64 = 2.0;
/// The book's width and height.
const SIZE: u32 = 1024;

/// Emits a PNG image of the Mandelbrot fractal, computed by N worker
/// threads.
///
/// Exercise 8.5 of the book's chapter 8 (gopl.io/ch8, exercise 8.5): the
/// Mandelbrot program of gopl.io/ch3/mandelbrot with its main loop run in
/// parallel. Main sends the image's rows over a channel to --workers
/// threads, which compute them. The PNG goes to standard output, or to FILE
/// with -o.
#[derive(Parser)]
#[command(name = "mandelbrot", version)]
struct Args {
    /// How many worker threads compute rows (1 to 1024); by default twice
    /// the CPUs, which measured faster than one per CPU on a busy machine
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    workers: Option<u32>,

    /// Use the book's sequential loop instead, without threads
    #[arg(long, conflicts_with = "workers")]
    sequential: bool,

    /// Write the PNG to FILE, all or nothing, instead of standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Width and height of the image in pixels
    #[arg(long, default_value_t = SIZE, value_parser = clap::value_parser!(u32).range(1..=16384))]
    size: u32,
}

fn main() {
    common::raise_open_file_limit();
    let args = Args::parse();
    let img = if args.sequential {
        render_sequential(args.size)
    } else {
        let cpus = thread::available_parallelism().map_or(1, |n| n.get());
        let workers = args.workers.map_or((2 * cpus).min(1024), |n| n as usize);
        render_parallel(args.size, workers)
    };
    let mut png = Vec::new();
    if let Err(err) = img.write_with_encoder(PngEncoder::new(&mut png)) {
        common::log_fatal!("png: {err}");
    }
    match &args.output {
        None => {
            let mut out = io::stdout().lock();
            let written = out.write_all(&png).and_then(|()| out.flush());
            common::must_write(common::quiet_on_broken_pipe(written));
        }
        Some(path) => {
            if let Err(err) = save(path, &png) {
                common::log_fatal!("write {}: {}", path.display(), common::go_error(&err));
            }
        }
    }
}

/// The book's main loop: every pixel, row after row, in one thread.
pub fn render_sequential(size: u32) -> RgbImage {
    let (width, height) = (size, size);
    let mut img = RgbImage::new(width, height);
    for py in 0..height {
        let y = f64::from(py) / f64::from(height) * (YMAX - YMIN) + YMIN;
        for px in 0..width {
            let x = f64::from(px) / f64::from(width) * (XMAX - XMIN) + XMIN;
            let z = Complex { re: x, im: y };
            // Image point (px, py) represents complex value z.
            img.put_pixel(px, py, mandelbrot(z));
        }
    }
    img
}

/// The exercise: the same image, its rows sent over a channel to `workers`
/// threads (at least one).
pub fn render_parallel(size: u32, workers: usize) -> RgbImage {
    let mut img = RgbImage::new(size, size);
    let row_bytes = size as usize * 3;
    let (rows_tx, rows) = bounded::<(u32, &mut [u8])>(0);
    thread::scope(|s| {
        // `workers` threads, a fixed count (at most 1024 from the command
        // line): bounded, so plain scoped spawns.
        for _ in 0..workers.max(1) {
            let rows = rows.clone();
            s.spawn(move || {
                for (py, row) in rows {
                    render_row(size, py, row);
                }
            });
        }
        drop(rows); // the workers hold the only receivers now
        for (py, row) in (0..size).zip(img.chunks_exact_mut(row_bytes)) {
            if rows_tx.send((py, row)).is_err() {
                break; // every worker is gone, which only a panic does
            }
        }
        drop(rows_tx); // close(rows): each worker's loop ends
    }); // waits for every worker (and passes on a worker's panic)
    img
}

/// Computes row `py` of the image into `row`, 3 bytes (RGB) a pixel.
fn render_row(size: u32, py: u32, row: &mut [u8]) {
    let (width, height) = (size, size);
    let y = f64::from(py) / f64::from(height) * (YMAX - YMIN) + YMIN;
    for (px, pixel) in (0..width).zip(row.chunks_exact_mut(3)) {
        let x = f64::from(px) / f64::from(width) * (XMAX - XMIN) + XMIN;
        let z = Complex { re: x, im: y };
        pixel.copy_from_slice(&mandelbrot(z).0);
    }
}

/// The book's `mandelbrot`: the shade of gray of point `z`.
fn mandelbrot(z: Complex) -> Rgb<u8> {
    const ITERATIONS: u8 = 200;
    const CONTRAST: u8 = 15;

    let mut v = Complex { re: 0.0, im: 0.0 };
    for n in 0..ITERATIONS {
        v = v * v + z;
        if v.abs() > 2.0 {
            let gray = 255u8.wrapping_sub(CONTRAST.wrapping_mul(n));
            return Rgb([gray, gray, gray]);
        }
    }
    Rgb([0, 0, 0]) // color.Black
}

/// Go's `complex128`, with the two operations `mandelbrot` uses.
#[derive(Clone, Copy, Debug)]
pub struct Complex {
    re: f64,
    im: f64,
}

impl Complex {
    /// Go's `cmplx.Abs`, which is `math.Hypot(real, imag)`.
    fn abs(self) -> f64 {
        self.re.hypot(self.im)
    }
}

impl Mul for Complex {
    type Output = Complex;
    fn mul(self, w: Complex) -> Complex {
        Complex {
            re: self.re * w.re - self.im * w.im,
            im: self.re * w.im + self.im * w.re,
        }
    }
}

impl Add for Complex {
    type Output = Complex;
    fn add(self, w: Complex) -> Complex {
        Complex {
            re: self.re + w.re,
            im: self.im + w.im,
        }
    }
}

/// Writes `bytes` to `path`, all or nothing: into a new file beside it,
/// which then takes the place of `path`; an error leaves no file behind.
pub fn save(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let Some(name) = path.file_name() else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a file name",
        ));
    };
    let tmp = path.with_file_name(format!(".{}.{}.tmp", name.display(), process::id()));
    let mut file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| fs::rename(&tmp, path));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}
