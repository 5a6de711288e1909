//! Exercise 8.5's renderers: `gopl.io/ch3/mandelbrot` (section 3.3) made
//! parallel. The command line, which picks a renderer and writes the PNG,
//! is `src/bin/mandelbrot.rs`; the renderers are this library module so
//! that `bench mandelbrot` times the very functions the program runs.
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
//! Last, [`save`] is how `-o FILE` writes the PNG, all or nothing (the
//! bench writes its plot with it too).
//!
//! | Go                                    | Rust                                      |
//! |---------------------------------------|-------------------------------------------|
//! | `complex128`, `cmplx.Abs`             | [`Complex`], a pair of `f64` (std has no complex type), `f64::hypot` as Go's `math.Hypot` |
//! | `image.NewRGBA`, `img.Set(px, py, c)` | `RgbImage::new`, `put_pixel` (Go encodes an opaque RGBA image as 8-bit RGB, as we do) |
//! | `color.Gray{255 - contrast*n}`        | `255u8.wrapping_sub(CONTRAST.wrapping_mul(n))`: `uint8` arithmetic wraps in Go |
//! | rows over a channel to N goroutines   | `bounded::<(u32, &mut [u8])>(0)` and N scoped threads |
//! | `sync.WaitGroup` for the workers      | `thread::scope`                           |

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::ops::{Add, Mul};
use std::path::Path;
use std::process;
use std::thread;

use crossbeam_channel::bounded;
use image::{Rgb, RgbImage};

const XMIN: f64 = -2.0;
const YMIN: f64 = -2.0;
const XMAX: f64 = 2.0;
const YMAX: f64 = 2.0;
/// The book's width and height.
pub const SIZE: u32 = 1024;

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
