//! Exercise 8.5, the parallel Mandelbrot: the same image as the book's
//! sequential loop, whatever the number of workers; a PNG of the right
//! size; output errors reported, never a broken file.

use std::fs;
use std::process::{Command, Output};

use testkit::Program;
use testkit::cli::go_log_message;

const EXE: &str = env!("CARGO_BIN_EXE_mandelbrot");

fn run(args: &[&str]) -> Output {
    let output = Command::new(EXE)
        .args(args)
        .output()
        .expect("run mandelbrot");
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stderr.is_empty());
    output
}

#[test]
fn the_parallel_image_equals_the_sequential_one_byte_for_byte() {
    // An odd size, so that rows do not divide evenly among the workers;
    // and more workers than rows.
    let sequential = run(&["--sequential", "--size", "203"]).stdout;
    for workers in ["1", "2", "3", "7", "64", "1024"] {
        let parallel = run(&["--workers", workers, "--size", "203"]).stdout;
        assert!(
            parallel == sequential,
            "{workers} workers drew another picture"
        );
    }
}

#[test]
fn the_default_is_the_books_1024_by_1024_png() {
    let png = run(&[]).stdout;
    let img = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
        .expect("a PNG")
        .into_rgb8();
    assert_eq!(img.dimensions(), (1024, 1024));
    // Top left is -2-2i, outside at once: n = 0, white. The centre is 0,
    // inside the set: black.
    assert_eq!(img.get_pixel(0, 0).0, [255, 255, 255]);
    assert_eq!(img.get_pixel(512, 512).0, [0, 0, 0]);
    // uint8 arithmetic wraps as in Go: every gray is 255 - 15n mod 256
    // for some n < 200, or black.
    let grays: std::collections::HashSet<u8> = (0..200u8)
        .map(|n| 255u8.wrapping_sub(15u8.wrapping_mul(n)))
        .chain([0])
        .collect();
    for pixel in img.pixels() {
        let [r, g, b] = pixel.0;
        assert!(r == g && g == b && grays.contains(&r), "{pixel:?}");
    }
}

#[test]
fn output_to_a_file_is_the_same_png_and_replaces_the_file_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("mandelbrot.png");
    fs::write(&path, "an older, longer file that must not show through").expect("write");
    let to_stdout = run(&["--size", "64"]).stdout;
    let path_arg = path.to_str().expect("UTF-8 path");
    run(&["--size", "64", "-o", path_arg]);
    assert!(fs::read(&path).expect("read") == to_stdout);
    // Nothing else is left in the directory: the temporary file was renamed.
    let names: Vec<_> = fs::read_dir(dir.path())
        .expect("read_dir")
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    assert_eq!(names, ["mandelbrot.png"]);
}

#[test]
fn output_to_a_missing_directory_is_one_log_line_and_no_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("missing").join("out.png");
    let path_arg = path.to_str().expect("UTF-8 path");
    let (status, out, err) = Program::start(EXE, &["--size", "16", "-o", path_arg]).finish();
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(out.is_empty());
    assert_eq!(
        go_log_message(&err),
        format!("write {path_arg}: no such file or directory")
    );
    assert!(!path.exists());
}

#[test]
fn a_full_disk_is_one_log_line_and_exit_status_1() {
    let full = fs::File::create("/dev/full").expect("open /dev/full");
    let (status, _, err) = Program::start_with_stdout(EXE, &["--size", "64"], full).finish();
    assert_eq!(status.code(), Some(1), "{err}");
    assert_eq!(
        go_log_message(&err),
        "write /dev/stdout: no space left on device"
    );
}

#[test]
fn a_closed_stdout_ends_it_quietly() {
    let mut program = Program::start(EXE, &["--size", "300"]);
    drop(program.child.stdout.take());
    let (status, _, err) = program.finish();
    assert!(status.success(), "{status:?}: {err}");
    assert_eq!(err, "");
}

#[test]
fn bad_flags_are_usage_errors() {
    for args in [
        &["--workers", "0"][..],
        &["--workers", "1025"],
        &["--workers", "two"],
        &["--size", "0"],
        &["--sequential", "--workers", "2"],
    ] {
        let (status, out, err) = Program::start(EXE, args).finish();
        assert_eq!(status.code(), Some(2), "{args:?}: {err}");
        assert!(out.is_empty());
        assert!(err.contains("error:") && !err.contains("panicked"), "{err}");
    }
}

#[test]
fn help_and_version() {
    let help = String::from_utf8(run(&["--help"]).stdout).expect("text");
    assert!(help.contains("Usage:"), "{help}");
    assert!(help.contains("Exercise 8.5"), "{help}");
    assert!(help.contains("gopl.io/ch3/mandelbrot"), "{help}");
    let version = String::from_utf8(run(&["--version"]).stdout).expect("text");
    assert!(version.starts_with("mandelbrot "), "{version}");
}
