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
//! The renderers, the book's loop and the parallel one, are in
//! [`exercises::mandelbrot`] (`crates/exercises/src/mandelbrot.rs`): read
//! that file beside the book's listing. It is a library module so that the
//! bench times the very functions this program runs. This file is the
//! command line: it picks a renderer, encodes the PNG and writes it.
//!
//! Where it differs from the original beyond the exercise: Go's
//! `png.Encode(os.Stdout, img)` ignores errors (the book's NOTE); here a
//! failed write is one log line and exit status 1, a closed pipe ends it
//! quietly, and `-o FILE` writes a temporary file beside FILE and renames it
//! into place ([`save`]), so FILE is never left half written.
//!
//! | Go                                    | Rust                                      |
//! |---------------------------------------|-------------------------------------------|
//! | `png.Encode(os.Stdout, img)`          | `PngEncoder` into memory, then one write  |

use std::io::{self, Write};
use std::path::PathBuf;
use std::thread;

use clap::Parser;
use exercises::mandelbrot::{SIZE, render_parallel, render_sequential, save};
use image::codecs::png::PngEncoder;

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
