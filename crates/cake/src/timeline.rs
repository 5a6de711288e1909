//! A picture of one run: a row per cook, a bar for each cake while that cook
//! works on it, and a red mark while it waits to hand the cake on.

use std::collections::HashMap;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::process;

use svg::Document;
use svg::node::element::{Line, Rectangle, Text};

use crate::{Run, Shop, Step, Who};

const LEFT: f64 = 90.0; // room for the cooks' names
const WIDTH: f64 = 900.0; // of the time axis
const ROW: f64 = 26.0;
const BAR: f64 = 18.0;
const TOP: f64 = 40.0; // room for the title
const BLOCKED: &str = "#d62728";

/// Draws `run` of `shop`, with `title` above it.
pub fn draw(shop: &Shop, run: &Run, title: &str) -> Document {
    let mut cooks = vec![Who::Baker];
    cooks.extend((1..=shop.num_icers).map(Who::Icer));
    cooks.push(Who::Inscriber);
    let row = |who: Who| cooks.iter().position(|&c| c == who).unwrap_or(0) as f64;

    // The axis ends on the first tick after the run: runs of 260 ms and
    // 290 ms get the same scale, and can be compared side by side.
    let step = tick_step(run.elapsed.as_secs_f64() * 1e3);
    let ms = (run.elapsed.as_secs_f64() * 1e3 / step).ceil().max(1.0) * step;
    let x = |at: std::time::Duration| LEFT + at.as_secs_f64() * 1e3 / ms * WIDTH;
    let height = TOP + ROW * cooks.len() as f64 + 70.0;
    let mut doc = Document::new()
        .set("width", LEFT + WIDTH + 20.0)
        .set("height", height)
        .set("viewBox", (0.0, 0.0, LEFT + WIDTH + 20.0, height))
        .set("font-family", "sans-serif")
        .set("font-size", 12)
        .add(rect(0.0, 0.0, LEFT + WIDTH + 20.0, height, "white"))
        .add(text(10.0, 22.0, title).set("font-size", 14));

    for (i, who) in cooks.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let name = match who {
            Who::Baker => "baker".to_string(),
            Who::Icer(n) => format!("icer {n}"),
            Who::Inscriber => "inscriber".to_string(),
        };
        doc = doc
            .add(rect(LEFT, y, WIDTH, BAR, "#f2f2f2"))
            .add(text(10.0, y + 13.0, &name));
    }

    // Began..Worked is a bar, Worked..HandedOn the red mark.
    let mut since = HashMap::new();
    for e in &run.events {
        let y = TOP + ROW * row(e.who);
        let from = since.insert((e.who, e.cake), e.at).unwrap_or(e.at);
        let (x0, x1) = (x(from), x(e.at));
        match e.step {
            Step::Began => {}
            Step::Worked(_) => {
                let hue = (e.cake * 47) % 360;
                doc = doc.add(
                    rect(x0, y, x1 - x0, BAR, &format!("hsl({hue}, 55%, 72%)"))
                        .set("stroke", "#555")
                        .set("stroke-width", 0.5),
                );
                if x1 - x0 >= 14.0 {
                    let label = text((x0 + x1) / 2.0, y + 13.0, &e.cake.to_string());
                    doc = doc.add(label.set("text-anchor", "middle"));
                }
            }
            Step::HandedOn => doc = doc.add(rect(x0, y + 6.0, x1 - x0, 6.0, BLOCKED)),
        }
    }

    // The time axis.
    let bottom = TOP + ROW * cooks.len() as f64;
    doc = doc.add(line(LEFT, bottom, LEFT + WIDTH, bottom));
    for k in 0..=(ms / step).round() as usize {
        let t = (k as f64 * step * 1e3).round() / 1e3; // not 0.30000000000000004
        let tx = LEFT + t / ms * WIDTH;
        doc = doc
            .add(line(tx, bottom, tx, bottom + 5.0))
            .add(text(tx, bottom + 18.0, &format!("{t}")).set("text-anchor", "middle"));
    }
    doc = doc.add(text(LEFT + WIDTH, bottom + 34.0, "ms").set("text-anchor", "end"));

    // The legend.
    let y = bottom + 46.0;
    doc.add(rect(LEFT, y, 24.0, BAR, "hsl(47, 55%, 72%)"))
        .add(text(
            LEFT + 30.0,
            y + 13.0,
            "working on a cake (its number)",
        ))
        .add(rect(LEFT + 250.0, y + 6.0, 24.0, 6.0, BLOCKED))
        .add(text(
            LEFT + 280.0,
            y + 13.0,
            "blocked: waiting to hand the cake on",
        ))
        .add(text(LEFT + 540.0, y + 13.0, "gap: waiting for a cake"))
}

/// Writes `doc` to `path`, all or nothing: into a new file beside it, which
/// then takes the place of `path`, so an error leaves no half-written picture.
pub fn save(path: &Path, doc: &Document) -> io::Result<()> {
    let Some(name) = path.file_name() else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a file name",
        ));
    };
    let tmp = path.with_file_name(format!(".{}.{}.tmp", name.display(), process::id()));
    let mut file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
    let written = file
        .write_all(doc.to_string().as_bytes())
        .and_then(|()| fs::rename(&tmp, path));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// A round step (1, 2 or 5 times a power of ten) for about ten ticks.
fn tick_step(ms: f64) -> f64 {
    let rough = (ms / 10.0).max(1e-3);
    let power = 10f64.powf(rough.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&step| step >= rough)
        .unwrap_or(10.0 * power)
}

fn rect(x: f64, y: f64, width: f64, height: f64, fill: &str) -> Rectangle {
    Rectangle::new()
        .set("x", x)
        .set("y", y)
        .set("width", width.max(0.0))
        .set("height", height)
        .set("fill", fill)
}

fn text(x: f64, y: f64, content: &str) -> Text {
    Text::new(content).set("x", x).set("y", y)
}

fn line(x1: f64, y1: f64, x2: f64, y2: f64) -> Line {
    Line::new()
        .set("x1", x1)
        .set("y1", y1)
        .set("x2", x2)
        .set("y2", y2)
        .set("stroke", "black")
}
