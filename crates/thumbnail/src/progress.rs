//! The progress bar on a terminal (not in Go): files done out of all, or a
//! counter where names stream in (variants 1 and 6). Nothing is drawn when
//! standard error is not a terminal.

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use thumbnail::{Error, ImageFile, log_error};

/// The bar, and whether it stands aside for a log line from a variant.
pub struct Progress {
    bar: ProgressBar,
    drawn: bool,
    aside: AtomicBool,
}

impl Progress {
    /// A bar on standard error if it is a terminal: a counter if the names
    /// stream in, else a bar whose length [`Progress::set_length`] sets.
    pub fn on_stderr(streaming: bool) -> &'static Progress {
        let drawn = io::stderr().is_terminal();
        let bar = match (drawn, streaming) {
            (false, _) => ProgressBar::hidden(),
            (true, true) => {
                let bar = ProgressBar::new_spinner().with_style(style(
                    "{spinner} {pos} files  {elapsed}",
                    ProgressStyle::default_spinner,
                ));
                bar.enable_steady_tick(Duration::from_millis(100));
                bar
            }
            (true, false) => ProgressBar::new(0).with_style(style(
                "{bar:40} {pos}/{len} files  {elapsed}",
                ProgressStyle::default_bar,
            )),
        };
        let aside = AtomicBool::new(false);
        Box::leak(Box::new(Progress { bar, drawn, aside }))
    }

    /// How many files there are, when known.
    pub fn set_length(&self, files: usize) {
        self.bar.set_length(files as u64);
    }

    /// `image_file`, the bar advanced by one as each file is done.
    ///
    /// A failed file may be logged by the variant itself (6) once this
    /// returns, so the bar is cleared and stands aside until a file
    /// succeeds, rather than mix with the log line.
    pub fn counting(&'static self, image_file: ImageFile) -> ImageFile {
        Box::leak(Box::new(move |f: &Path| {
            let thumb = image_file(f);
            match (&thumb, self.drawn) {
                (Ok(_), true) if self.aside.swap(false, Ordering::SeqCst) => {
                    self.bar.set_draw_target(ProgressDrawTarget::stderr());
                }
                (Err(_), true) if !self.aside.swap(true, Ordering::SeqCst) => {
                    self.bar.set_draw_target(ProgressDrawTarget::hidden());
                    let _ = io::stderr().write_all(b"\r\x1b[2K"); // clear the line
                }
                _ => {}
            }
            self.bar.inc(1);
            thumb
        }))
    }

    /// Go's `log.Print(err)`, with the bar out of the way.
    pub fn log(&self, err: &Error) {
        self.bar.suspend(|| log_error(err));
    }

    /// Go's `fmt.Println(line)`, the line's bytes as they are, in one write,
    /// with the bar out of the way; ends the program quietly if standard
    /// output is a closed pipe.
    pub fn println(&self, line: &[u8]) {
        let line = [line, b"\n"].concat();
        self.bar
            .suspend(|| common::must_write(common::stdout().write_all(&line)));
    }

    /// Takes the bar off the screen for good.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn style(template: &str, fallback: fn() -> ProgressStyle) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| fallback())
}
