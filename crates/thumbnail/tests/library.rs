//! The package (`image`, `image_file`, ...) and the book's six variants.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::bounded;
use image::{GenericImageView, ImageFormat};
use testkit::photos::{bad_inputs, dimensions, jpeg, names, photos, picture, png, snapshot};
use thumbnail::{Error, jobs, thumbnail_size};

/// How long [`wait_for`] waits, twice `testkit::PATIENCE`: the thumbnail
/// it waits for is of a 1600×1200 picture, seconds of work in a debug build
/// (6 s alone on a busy machine of two cores), while the other tests of
/// this file scale their pictures alongside.
const BIG_PICTURE_PATIENCE: Duration = Duration::from_secs(60);

#[test]
fn thumbnails_fit_the_box_and_keep_the_aspect() {
    let dir = tempfile::tempdir().unwrap();
    for (w, h, want) in [
        (1600, 1200, (128, 96)), // landscape
        (900, 1600, (72, 128)),  // portrait
        (4000, 10, (128, 1)),    // Go's would be 128×0
    ] {
        let f = jpeg(dir.path(), format!("{w}x{h}.jpg"), w, h);
        let thumb = thumbnail::image_file(&f).unwrap();
        assert_eq!(dimensions(&thumb), want, "{w}×{h}");
    }
}

#[test]
fn the_size_rule_is_gos_with_a_floor_of_one_pixel() {
    assert_eq!(thumbnail_size(1600, 1200), (128, 96));
    assert_eq!(thumbnail_size(900, 1600), (72, 128));
    assert_eq!(thumbnail_size(128, 128), (128, 128));
    assert_eq!(thumbnail_size(10, 10), (128, 128)); // small ones grow, as in Go
    assert_eq!(thumbnail_size(300, 200), (128, 85)); // int() truncates
    assert_eq!(thumbnail_size(4000, 10), (128, 1));
    assert_eq!(thumbnail_size(10, 4000), (1, 128));
}

#[test]
fn image_samples_like_the_books_crude_loop() {
    let src = picture(300, 200);
    let dst = thumbnail::image(&src);
    assert_eq!(dst.dimensions(), (128, 85));
    // Worked out by hand: xscale = 300/128 = 2.34375, yscale = 200/85.
    assert_eq!(dst.get_pixel(0, 0), src.get_pixel(0, 0));
    assert_eq!(dst.get_pixel(1, 1), src.get_pixel(2, 2));
    assert_eq!(dst.get_pixel(127, 84), src.get_pixel(297, 197));
    assert_eq!(dst.get_pixel(64, 40), src.get_pixel(150, 94));
    // And every pixel: (x, y) comes from (int(x·xscale), int(y·yscale)).
    let (xscale, yscale) = (300.0 / 128.0, 200.0 / 85.0);
    for (x, y, pixel) in dst.enumerate_pixels() {
        let (sx, sy) = ((x as f64 * xscale) as u32, (y as f64 * yscale) as u32);
        assert_eq!(pixel, src.get_pixel(sx, sy), "({x}, {y})");
    }
    // Grey images keep their pixel type; an empty one gives an empty one.
    let grey = image::GrayImage::from_fn(50, 100, |x, y| image::Luma([(x + y) as u8]));
    let dst = thumbnail::image(&grey);
    assert_eq!(dst.dimensions(), (64, 128));
    assert_eq!(dst.get_pixel(63, 127), grey.get_pixel(49, 99));
    assert_eq!(
        thumbnail::image(&image::RgbImage::new(0, 0)).dimensions(),
        (0, 0)
    );
}

#[test]
fn names_keep_the_extension_and_its_case() {
    let dir = tempfile::tempdir().unwrap();
    let f = jpeg(dir.path(), "x.JPEG", 64, 48);
    let thumb = thumbnail::image_file(&f).unwrap();
    assert_eq!(thumb, dir.path().join("x.thumb.JPEG"));
    assert_eq!(image::open(&thumb).unwrap().dimensions(), (128, 96));

    // A thumbnail of a thumbnail is one more, not the same file.
    let again = thumbnail::image_file(&thumb).unwrap();
    assert_eq!(again, dir.path().join("x.thumb.thumb.JPEG"));

    // No extension at all: Go's filepath.Ext is "".
    let bare = jpeg(dir.path(), "bare", 64, 48);
    assert_eq!(
        thumbnail::image_file(&bare).unwrap(),
        dir.path().join("bare.thumb")
    );
}

#[test]
fn the_output_is_valid_for_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let jpg = thumbnail::image_file(&jpeg(dir.path(), "a.jpg", 256, 192)).unwrap();
    let pngs = [
        thumbnail::image_file(&png(dir.path(), "b.png", 256, 192)).unwrap(),
        // A JPEG named .png still gets a real PNG, unlike Go's.
        thumbnail::image_file(&jpeg(dir.path(), "c.PNG", 256, 192)).unwrap(),
    ];
    let format = |f: &Path| image::guess_format(&fs::read(f).unwrap()).unwrap();
    assert_eq!(format(&jpg), ImageFormat::Jpeg);
    for f in pngs {
        assert_eq!(format(&f), ImageFormat::Png, "{}", f.display());
        assert_eq!(dimensions(&f), (128, 96));
    }
    // PNG in, JPEG out when the name says .jpg.
    let src = png(dir.path(), "d.jpg", 256, 192);
    assert_eq!(
        format(&thumbnail::image_file(&src).unwrap()),
        ImageFormat::Jpeg
    );
}

#[test]
fn image_stream_writes_a_jpeg() {
    let dir = tempfile::tempdir().unwrap();
    let f = jpeg(dir.path(), "a.jpg", 200, 400);
    let mut out = Vec::new();
    thumbnail::image_stream(&mut out, fs::File::open(f).unwrap()).unwrap();
    let img = image::load_from_memory_with_format(&out, ImageFormat::Jpeg).unwrap();
    assert_eq!(img.dimensions(), (64, 128));
    let err = thumbnail::image_stream(Vec::new(), &b"GIF89a"[..]).unwrap_err();
    assert_eq!(err.to_string(), "image: unknown format");
}

/// Decoded photos go into buffers kept from earlier images, larger or
/// smaller: every thumbnail must still be its own photo's, pixel for pixel
/// (a PNG thumbnail, lossless), as from a fresh decode by `image`.
#[test]
fn kept_pixel_buffers_give_each_photo_its_own_thumbnail() {
    let dir = tempfile::tempdir().unwrap();
    for (i, (w, h)) in [(640, 480), (300, 200), (360, 640), (640, 480), (64, 48)]
        .into_iter()
        .enumerate()
    {
        let f = jpeg(dir.path(), format!("p{i}.jpg"), w, h);
        let out = dir.path().join(format!("p{i}.thumb.png"));
        thumbnail::image_file2(&out, &f).unwrap();
        let want = thumbnail::image(&image::open(&f).unwrap().to_rgb8());
        let got = image::open(&out).unwrap().to_rgb8();
        assert_eq!(got.dimensions(), want.dimensions(), "{w}×{h}");
        assert!(got == want, "{w}×{h}: not the photo's own thumbnail");
    }
}

#[test]
fn bad_inputs_leave_nothing_behind_and_inputs_are_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let good = jpeg(dir.path(), "good.jpg", 256, 192);
    let bad = bad_inputs(dir.path());
    let before = snapshot(dir.path());
    for (f, message) in &bad {
        let err = thumbnail::image_file(f).unwrap_err();
        assert_eq!(err.to_string(), *message);
    }
    // Nothing new: no thumbnail, no temporary file; nothing changed.
    assert_eq!(snapshot(dir.path()), before);

    thumbnail::image_file(&good).unwrap();
    let after = snapshot(dir.path());
    assert_eq!(after.len(), before.len() + 1);
    for (name, contents) in &before {
        assert_eq!(after.get(name), Some(contents), "{name} changed");
    }
}

#[test]
fn an_input_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let f = jpeg(dir.path(), "a.jpg", 256, 192);
    let err = thumbnail::image_file2(&f, &f).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "scaling {} to {0}: the output would overwrite the input",
            f.display()
        )
    );
    // a.thumb.jpg is a link to a.jpg: writing it would replace the input.
    let link = dir.path().join("a.thumb.jpg");
    std::os::unix::fs::symlink(&f, &link).unwrap();
    let before = snapshot(dir.path());
    assert!(thumbnail::image_file(&f).is_err());
    assert_eq!(snapshot(dir.path()), before);
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn thumbnails_can_be_read_by_everyone_as_gos_are() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let thumb = thumbnail::image_file(&jpeg(dir.path(), "a.jpg", 64, 64)).unwrap();
    let mode = fs::metadata(thumb).unwrap().permissions().mode();
    assert_eq!(mode & 0o444, 0o444, "mode {mode:o}");
}

fn all_exist(files: &[PathBuf]) -> bool {
    files.iter().all(|f| fs::metadata(f).is_ok())
}

/// Waits until `files` all exist.
fn wait_for(files: &[PathBuf]) {
    let deadline = Instant::now() + BIG_PICTURE_PATIENCE;
    while !all_exist(files) {
        assert!(Instant::now() < deadline, "the thumbnails never came");
        thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn variant1_makes_them_all_and_goes_on_after_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (mut files, thumbs) = photos(dir.path(), 3);
    files.insert(1, bad_inputs(dir.path())[1].0.clone());
    thumbnail::make_thumbnails(&files, &thumbnail::image_file);
    assert!(all_exist(&thumbs));
}

#[test]
fn variant2_returns_before_the_work_is_done() {
    let dir = tempfile::tempdir().unwrap();
    // One large picture: seconds of work in a debug build.
    let files = vec![jpeg(dir.path(), "big.jpg", 1600, 1200)];
    let thumbs = vec![dir.path().join("big.thumb.jpg")];
    thumbnail::make_thumbnails2(&files, &thumbnail::image_file);
    assert!(
        !all_exist(&thumbs),
        "make_thumbnails2 waited for its thread"
    );
    // Its thread goes on after the return, and gets there in the end.
    wait_for(&thumbs);
}

#[test]
fn variant3_waits_for_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let (files, thumbs) = photos(dir.path(), 6);
    thumbnail::make_thumbnails3(&files, &thumbnail::image_file);
    assert!(all_exist(&thumbs));
}

#[test]
fn variant4_returns_the_first_error() {
    let dir = tempfile::tempdir().unwrap();
    let (mut files, thumbs) = photos(dir.path(), 4);
    assert!(thumbnail::make_thumbnails4(&files, &thumbnail::image_file).is_ok());
    assert!(all_exist(&thumbs));

    let (empty, message) = bad_inputs(dir.path()).swap_remove(1);
    files.insert(2, empty);
    let err = thumbnail::make_thumbnails4(&files, &thumbnail::image_file).unwrap_err();
    assert_eq!(err.to_string(), message);
}

#[test]
fn variant5_returns_every_name_or_the_first_error() {
    let dir = tempfile::tempdir().unwrap();
    let (mut files, thumbs) = photos(dir.path(), 5);
    let got = thumbnail::make_thumbnails5(&files, &thumbnail::image_file).unwrap();
    assert_eq!(
        got.into_iter().collect::<BTreeSet<_>>(),
        thumbs.into_iter().collect::<BTreeSet<_>>()
    );

    let (missing, message) = bad_inputs(dir.path()).swap_remove(0);
    files.push(missing);
    let err = thumbnail::make_thumbnails5(&files, &thumbnail::image_file).unwrap_err();
    assert_eq!(err.to_string(), message);

    assert_eq!(
        thumbnail::make_thumbnails5(&[], &thumbnail::image_file).unwrap(),
        Vec::<PathBuf>::new()
    );
}

#[test]
fn variant6_totals_the_bytes_written() {
    let dir = tempfile::tempdir().unwrap();
    let (mut files, thumbs) = photos(dir.path(), 5);
    files.extend(bad_inputs(dir.path()).into_iter().map(|(f, _)| f));
    let (send, filenames) = bounded(0);
    thread::spawn(move || {
        for f in files {
            send.send(f).unwrap();
        }
    });
    let total = thumbnail::make_thumbnails6(filenames, &thumbnail::image_file);
    let sizes: u64 = thumbs.iter().map(|f| fs::metadata(f).unwrap().len()).sum();
    assert_eq!(total, sizes);
    assert!(total > 0);
    // Only the thumbnails are new.
    assert_eq!(
        names(dir.path())
            .iter()
            .filter(|f| f.contains(".thumb"))
            .count(),
        5
    );
}

static AT_ONCE: AtomicUsize = AtomicUsize::new(0);
static MOST_AT_ONCE: AtomicUsize = AtomicUsize::new(0);

/// `thumbnail::image_file`, counting how many calls run at once; each
/// lingers a little, so that calls in parallel overlap.
fn counted_image_file(f: &Path) -> Result<PathBuf, Error> {
    let now = AT_ONCE.fetch_add(1, Ordering::SeqCst) + 1;
    MOST_AT_ONCE.fetch_max(now, Ordering::SeqCst);
    thread::sleep(Duration::from_millis(20));
    let thumb = thumbnail::image_file(f);
    AT_ONCE.fetch_sub(1, Ordering::SeqCst);
    thumb
}

#[test]
fn jobs_bound_the_images_made_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (files, thumbs) = photos(dir.path(), 12);
    let got = thumbnail::make_thumbnails5(&files, jobs::at_most(2, &counted_image_file)).unwrap();
    assert_eq!(got.len(), 12);
    assert!(all_exist(&thumbs));
    let most = MOST_AT_ONCE.load(Ordering::SeqCst);
    assert!(most <= 2, "{most} images at once with 2 jobs");
    assert!(most >= 1);
}
