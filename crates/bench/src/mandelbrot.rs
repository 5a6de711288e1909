//! `bench mandelbrot`: exercise 8.5's question, measured: how much faster
//! is the parallel Mandelbrot, and what is the best number of workers?
//!
//! It times the book's sequential loop (the reference) and the parallel
//! one with 1, 2, 4, ... 64 workers, rendering the book's 1024×1024 image
//! in memory (the PNG encoding after it is the same sequential work for
//! all, timed apart). Every round runs every case once, in turn, forward in
//! one round and backward in the next, so that a busy spell on the machine
//! falls on all of them alike; each case's median over ROUNDS (default 9)
//! rounds counts. It prints a table and draws the speed-up against the
//! number of workers in `crates/exercises/docs/mandelbrot-speedup.svg`
//! (or `--svg`).
//!
//! The renderers are the program's own functions, from the exercises'
//! library (`exercises::mandelbrot`, which the binary runs too).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use exercises::mandelbrot::{self, SIZE};
use image::codecs::png::PngEncoder;
use svg::Document;
use svg::node::element::{Circle, Line, Polyline, Rectangle, Text};

use crate::procs;
use crate::stats::{Turns, alternate, median, ratio};

/// What `bench mandelbrot` takes.
#[derive(Args, Debug, Clone)]
pub struct MandelbrotArgs {
    /// Rounds of the cases, forward and backward in turn; the medians count
    #[arg(long, default_value_t = 9, value_parser = clap::value_parser!(u32).range(1..))]
    pub rounds: u32,

    /// Where to draw the plot (default: the one in
    /// crates/exercises/docs/mandelbrot-speedup.svg)
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
}

/// The numbers of workers measured.
const WORKERS: [usize; 7] = [1, 2, 4, 8, 16, 32, 64];

/// The plot exercise 8.5's docs show.
fn docs_svg() -> PathBuf {
    let bench = Path::new(env!("CARGO_MANIFEST_DIR"));
    bench
        .parent()
        .unwrap_or(bench)
        .join("exercises/docs/mandelbrot-speedup.svg")
}

/// Renders with each case, prints the table and draws the plot.
pub fn run(args: &MandelbrotArgs) -> Result<(), String> {
    let rounds = args.rounds as usize;
    let cpus = procs::cpus();
    let load = procs::load_average();
    let load = load.split_whitespace().next().unwrap_or("?").to_string();

    // Case 0 is the sequential loop; case i > 0 is WORKERS[i - 1] workers.
    let runs = alternate(rounds, WORKERS.len() + 1, Turns::Reversed, |case, _| {
        let (start, cpu) = (Instant::now(), procs::cpu_time());
        let img = match case {
            0 => mandelbrot::render_sequential(SIZE),
            i => mandelbrot::render_parallel(SIZE, WORKERS[i - 1]),
        };
        let took = (start.elapsed(), procs::cpu_time().saturating_sub(cpu));
        drop(img);
        Ok::<_, String>(took)
    })?;
    let medians: Vec<Duration> = runs
        .iter()
        .map(|r| median(&r.iter().map(|t| t.0).collect::<Vec<_>>()))
        .collect();
    let cpu: Vec<Duration> = runs
        .iter()
        .map(|r| median(&r.iter().map(|t| t.1).collect::<Vec<_>>()))
        .collect();

    let img = mandelbrot::render_sequential(SIZE);
    let mut encodes = Vec::new();
    for _ in 0..rounds {
        let start = Instant::now();
        let mut png = Vec::new();
        img.write_with_encoder(PngEncoder::new(&mut png))
            .map_err(|err| format!("encode: {err}"))?;
        encodes.push(start.elapsed());
    }
    let encode = median(&encodes);

    let sequential = medians[0];
    println!(
        "mandelbrot {SIZE}×{SIZE}, {cpus} CPUs, load average {load} at the start; \
         median of {rounds} alternating rounds"
    );
    println!(
        "| workers | render (wall) | CPU (user + system) | speed-up over the sequential loop |"
    );
    println!("|---|---|---|---|");
    println!(
        "| sequential (book) | {} | {} | 1.00 |",
        ms(sequential),
        ms(cpu[0])
    );
    let mut points = Vec::new();
    for (i, &workers) in WORKERS.iter().enumerate() {
        let speedup = ratio(sequential, medians[i + 1]);
        points.push((workers, speedup));
        println!(
            "| {workers} | {} | {} | {speedup:.2} |",
            ms(medians[i + 1]),
            ms(cpu[i + 1])
        );
    }
    println!("PNG encoding after any of them: {}", ms(encode));

    let title =
        format!("Exercise 8.5: mandelbrot {SIZE}×{SIZE}, speed-up over the sequential loop");
    let subtitle = format!(
        "{cpus} CPUs, load average {load} at the start; median of {rounds} alternating rounds"
    );
    let path = args.svg.clone().unwrap_or_else(docs_svg);
    let drawing = plot(&points, cpus, (&title, &subtitle)).to_string();
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .and_then(|()| mandelbrot::save(&path, drawing.as_bytes()))
        .map_err(|err| format!("write {}: {err}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}

/// `d` in whole milliseconds.
fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1e3)
}

const LEFT: f64 = 60.0;
const TOP: f64 = 56.0;
const WIDTH: f64 = 520.0;
const HEIGHT: f64 = 260.0;

/// Speed-up against workers, on a log₂ scale, with the ideal `min(n, cpus)`
/// dashed beneath.
fn plot(points: &[(usize, f64)], cpus: usize, title: (&str, &str)) -> Document {
    let most = WORKERS[WORKERS.len() - 1] as f64;
    let top = points
        .iter()
        .map(|&(_, s)| s)
        .fold(cpus as f64, f64::max)
        .ceil();
    let x = |workers: f64| round(LEFT + workers.log2() / most.log2() * WIDTH);
    let y = |speedup: f64| round(TOP + HEIGHT - speedup / top * HEIGHT);
    let mut doc = Document::new()
        .set("width", LEFT + WIDTH + 40.0)
        .set("height", TOP + HEIGHT + 60.0)
        .set(
            "viewBox",
            (0.0, 0.0, LEFT + WIDTH + 40.0, TOP + HEIGHT + 60.0),
        )
        .set("font-family", "sans-serif")
        .set("font-size", 12)
        .add(
            Rectangle::new()
                .set("width", "100%")
                .set("height", "100%")
                .set("fill", "white"),
        )
        .add(text(10.0, 20.0, title.0).set("font-size", 14))
        .add(text(10.0, 36.0, title.1).set("fill", "#555"));

    // Axes, ticks and grid.
    let bottom = TOP + HEIGHT;
    doc = doc
        .add(line(LEFT, bottom, LEFT + WIDTH, bottom, "black"))
        .add(line(LEFT, TOP, LEFT, bottom, "black"));
    for &workers in &WORKERS {
        let tx = x(workers as f64);
        doc = doc
            .add(line(tx, bottom, tx, bottom + 5.0, "black"))
            .add(text(tx, bottom + 18.0, &workers.to_string()).set("text-anchor", "middle"));
    }
    for s in 0..=top as usize {
        let ty = y(s as f64);
        doc = doc
            .add(line(LEFT - 5.0, ty, LEFT + WIDTH, ty, "#ddd"))
            .add(text(LEFT - 8.0, ty + 4.0, &s.to_string()).set("text-anchor", "end"));
    }
    doc = doc
        .add(
            text(LEFT + WIDTH / 2.0, bottom + 36.0, "workers (log scale)")
                .set("text-anchor", "middle"),
        )
        .add(
            text(16.0, TOP + HEIGHT / 2.0, "speed-up")
                .set("text-anchor", "middle")
                .set(
                    "transform",
                    format!("rotate(-90 16 {})", TOP + HEIGHT / 2.0),
                ),
        );

    // The ideal: one CPU's worth of speed per worker, up to the CPUs.
    let ideal: Vec<String> = WORKERS
        .iter()
        .map(|&w| format!("{},{}", x(w as f64), y(w.min(cpus) as f64)))
        .collect();
    doc = doc.add(
        Polyline::new()
            .set("points", ideal.join(" "))
            .set("fill", "none")
            .set("stroke", "#999")
            .set("stroke-dasharray", "6 4"),
    );

    // The measurements.
    let measured: Vec<String> = points
        .iter()
        .map(|&(w, s)| format!("{},{}", x(w as f64), y(s)))
        .collect();
    doc = doc.add(
        Polyline::new()
            .set("points", measured.join(" "))
            .set("fill", "none")
            .set("stroke", "#1f77b4")
            .set("stroke-width", 2),
    );
    for &(w, s) in points {
        doc = doc
            .add(
                Circle::new()
                    .set("cx", x(w as f64))
                    .set("cy", y(s))
                    .set("r", 3.5)
                    .set("fill", "#1f77b4"),
            )
            .add(text(x(w as f64), y(s) - 8.0, &format!("{s:.2}")).set("text-anchor", "middle"));
    }

    // The legend.
    let ly = bottom + 52.0;
    doc.add(line(LEFT, ly - 4.0, LEFT + 24.0, ly - 4.0, "#1f77b4").set("stroke-width", 2))
        .add(text(LEFT + 30.0, ly, "measured"))
        .add(
            line(LEFT + 120.0, ly - 4.0, LEFT + 144.0, ly - 4.0, "#999")
                .set("stroke-dasharray", "6 4"),
        )
        .add(text(
            LEFT + 150.0,
            ly,
            &format!("ideal: min(workers, {cpus} CPUs)"),
        ))
}

/// `v` to a tenth, for a tidy SVG.
fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn text(x: f64, y: f64, content: &str) -> Text {
    Text::new(content).set("x", x).set("y", y)
}

fn line(x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str) -> Line {
    Line::new()
        .set("x1", x1)
        .set("y1", y1)
        .set("x2", x2)
        .set("y2", y2)
        .set("stroke", stroke)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plot_goes_beside_the_exercise_s_docs() {
        assert!(docs_svg().ends_with("crates/exercises/docs/mandelbrot-speedup.svg"));
        let svg = plot(&[(1, 1.0), (2, 1.9)], 2, ("t", "s")).to_string();
        assert!(svg.contains("ideal: min(workers, 2 CPUs)"), "{svg}");
    }
}
