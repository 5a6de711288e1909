//! `gopl.io/ch8/thumbnail`: the package that produces thumbnail-size images
//! from larger ones, and the book's six ways of looping over many files
//! ([`make_thumbnails`] to [`make_thumbnails6`], from `thumbnail_test.go`).
//!
//! Run the program with `find ~/Pictures -name '*.jpg' | cargo run --release
//! -p thumbnail -- --variant 5`; see `--help` and the README.
//!
//! | Go                                  | here                                      |
//! |-------------------------------------|-------------------------------------------|
//! | `image.Image`, `image.NewRGBA`      | [`image::GenericImageView`], `ImageBuffer` |
//! | `image.Decode`, `jpeg.Encode`       | `zune_jpeg::JpegDecoder`, `JpegEncoder`   |
//! | `os.Create(outfile)`                | a temporary file, renamed when complete   |
//! | `error` values, `fmt.Errorf`        | [`Error`], worded as Go words them        |
//!
//! Where the Go original is wrong, we do better:
//!
//! - Go creates the output before it decodes the input, so every input that
//!   fails leaves an empty `.thumb.jpg` behind. We write to a temporary file
//!   in the same directory and rename it only once it is complete: a failed
//!   input leaves no file at all.
//! - Go lets a dimension reach 0 (a 4000×10 image gives a 0×0 JPEG that no
//!   viewer opens). Ours are never below 1 pixel (4000×10 gives 128×1).
//! - Go would overwrite its input if the output name led to the same file
//!   (`a.thumb.jpg` a symbolic link to `a.jpg`, or `ImageFile2(f, f)`); we
//!   refuse. Inputs are only ever opened for reading.
//! - Go writes JPEG bytes whatever the name: `x.png` gets a JPEG called
//!   `x.thumb.png`. We decode JPEG and PNG, and write what the output name
//!   says: PNG for `.png`, JPEG otherwise.
//!
//! The scaling is the book's, literally, pixel for pixel: [`image()`]. It
//! costs next to nothing; decoding the full-size JPEG is nearly all the
//! work. A decoded photo goes into a buffer kept from an earlier one
//! (`spare_pixels`), which saves zeroing it and faulting it in afresh. Decoding straight at 1/8 scale (DCT scaling, with `jpeg-decoder`)
//! was tried and measured: it took more CPU time per image than zune-jpeg's
//! full-size decode (the decoder inside `image`), so it is not used
//! (figures in the README).

mod variants;

use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, GenericImageView, ImageBuffer, ImageEncoder, ImageFormat, Pixel, Rgb};

pub use crate::variants::{
    Options, default_jobs, make_thumbnails, make_thumbnails2, make_thumbnails3, make_thumbnails4,
    make_thumbnails5, make_thumbnails6,
};

/// The side of the square box every thumbnail fits in.
pub const BOX: u32 = 128;

/// Go's `jpeg.Encode(w, dst, nil)` quality, `jpeg.DefaultQuality`.
const JPEG_QUALITY: u8 = 75;

/// What went wrong with one file, worded as Go's `thumbnail` package words it.
#[derive(Debug)]
pub enum Error {
    /// The input is no image we can decode: Go's `image.ErrFormat`.
    UnknownFormat,
    /// The decoder or encoder gave up, in its own words
    /// (`invalid JPEG format: ...`).
    Codec(String),
    /// Reading the input or writing the output failed.
    Io(io::Error),
    /// Opening the input or creating the output failed:
    /// `open /nonexistent.jpg: no such file or directory`.
    Open {
        /// The file we meant to open or create.
        path: String,
        /// Why the operating system said no.
        source: io::Error,
    },
    /// Go's `ImageFile2` wrapping: `scaling IN to OUT: REASON`.
    Scaling {
        /// The input file.
        infile: String,
        /// The output file, which was not written.
        outfile: String,
        /// Why.
        source: Box<Error>,
    },
    /// The output would replace the input (not in Go, which overwrites it).
    WouldOverwriteInput,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::UnknownFormat => write!(f, "image: unknown format"),
            Error::Codec(words) => write!(f, "{words}"),
            Error::Io(err) => write!(f, "{}", go_words(err)),
            Error::Open { path, source } => write!(f, "open {path}: {}", go_words(source)),
            Error::Scaling {
                infile,
                outfile,
                source,
            } => write!(f, "scaling {infile} to {outfile}: {source}"),
            Error::WouldOverwriteInput => write!(f, "the output would overwrite the input"),
        }
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(err: io::Error) -> Self {
        Error::Io(err)
    }
}

impl From<image::ImageError> for Error {
    fn from(err: image::ImageError) -> Self {
        match err {
            image::ImageError::IoError(err) => Error::Io(err),
            other => Error::Codec(other.to_string()),
        }
    }
}

/// An I/O error in Go's words: `no such file or directory`, `unexpected EOF`.
///
/// Errors that come through `tempfile` carry no OS error number and end in
/// ` at path "/x/.tmpAb12"`; Go would name the file we meant, which the
/// caller does, so the temporary name goes.
fn go_words(err: &io::Error) -> String {
    if err.kind() == io::ErrorKind::UnexpectedEof {
        return "unexpected EOF".to_string(); // Go's io.ErrUnexpectedEOF
    }
    if err.raw_os_error().is_some() {
        return common::go_error(err);
    }
    let text = err.to_string();
    let text = text.split(" at path ").next().unwrap_or(&text);
    let text = text.split(" (os error ").next().unwrap_or(text);
    common::go_error(&io::Error::other(text))
}

/// The size of the thumbnail of a `width`×`height` image: it fits a 128×128
/// box and keeps the aspect ratio, as Go computes it, except that neither
/// side is ever below 1 pixel (Go's can be 0).
pub fn thumbnail_size(width: u32, height: u32) -> (u32, u32) {
    let aspect = f64::from(width) / f64::from(height);
    let (w, h) = if aspect < 1.0 {
        ((f64::from(BOX) * aspect) as u32, BOX) // portrait
    } else {
        (BOX, (f64::from(BOX) / aspect) as u32) // landscape
    };
    (w.max(1), h.max(1))
}

/// Go's `Image`: returns a thumbnail-size version of `src`.
///
/// An empty `src` (no pixels) gives an empty thumbnail: there is nothing to
/// sample.
pub fn image<I: GenericImageView>(src: &I) -> Buffer<I::Pixel> {
    // Compute thumbnail size, preserving aspect ratio.
    let (xs, ys) = src.dimensions();
    if xs == 0 || ys == 0 {
        return ImageBuffer::new(0, 0);
    }
    let (width, height) = thumbnail_size(xs, ys);
    scale(src, width, height)
}

/// An image in memory with pixels of type `P`, as [`image()`] returns.
pub type Buffer<P> = ImageBuffer<P, Vec<<P as Pixel>::Subpixel>>;

/// The book's crude scaling of `src` to `width`×`height`: each destination
/// pixel is the source pixel at the same relative place.
fn scale<I: GenericImageView>(src: &I, width: u32, height: u32) -> Buffer<I::Pixel> {
    let (xs, ys) = src.dimensions();
    let xscale = f64::from(xs) / f64::from(width);
    let yscale = f64::from(ys) / f64::from(height);

    let mut dst = ImageBuffer::new(width, height);

    // a very crude scaling algorithm
    for x in 0..width {
        for y in 0..height {
            let srcx = (f64::from(x) * xscale) as u32;
            let srcy = (f64::from(y) * yscale) as u32;
            dst.put_pixel(x, y, src.get_pixel(srcx, srcy));
        }
    }
    dst
}

/// Go's `ImageStream`: reads an image from `r` and writes a thumbnail-size
/// version of it to `w`, as JPEG.
pub fn image_stream(w: impl Write, r: impl Read) -> Result<(), Error> {
    stream(w, r, ImageFormat::Jpeg)
}

/// [`image_stream`], writing the thumbnail in `format` (JPEG or PNG).
fn stream(w: impl Write, mut r: impl Read, format: ImageFormat) -> Result<(), Error> {
    let mut data = Vec::new();
    r.read_to_end(&mut data)?;
    let dst = thumbnail_of(&data)?;
    let mut w = BufWriter::new(w);
    if format == ImageFormat::Png {
        let encoder = PngEncoder::new(&mut w);
        encoder.write_image(
            dst.as_bytes(),
            dst.width(),
            dst.height(),
            dst.color().into(),
        )?;
    } else {
        // JPEG has no alpha channel; Go drops it too.
        let dst = match dst.color().has_alpha() {
            true => DynamicImage::ImageRgb8(dst.to_rgb8()),
            false => dst,
        };
        JpegEncoder::new_with_quality(&mut w, JPEG_QUALITY).encode_image(&dst)?;
    }
    w.flush()?;
    Ok(())
}

/// Decodes `data` (JPEG or PNG, told by its first bytes as Go's
/// `image.Decode` tells them) and returns its thumbnail.
fn thumbnail_of(data: &[u8]) -> Result<DynamicImage, Error> {
    if data.starts_with(b"\xff\xd8") {
        let (pixels, width, height) = decode_jpeg(data)?;
        let src = RgbView::from_raw(width, height, &pixels[..])
            .ok_or_else(|| Error::Codec("invalid JPEG format: short pixel data".to_string()))?;
        let thumb = image(&src).into();
        spare_pixels::give_back(pixels);
        return Ok(thumb);
    }
    let src = if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        image::load_from_memory_with_format(data, ImageFormat::Png)?
    } else {
        return Err(Error::UnknownFormat);
    };
    // The book's Image, on whichever pixel type the decoder gave.
    Ok(match &src {
        DynamicImage::ImageLuma8(src) => image(src).into(),
        DynamicImage::ImageRgb8(src) => image(src).into(),
        other if other.color().has_alpha() => image(&other.to_rgba8()).into(),
        other => image(&other.to_rgb8()).into(),
    })
}

/// An RGB image in a borrowed buffer: a decoded JPEG, in [`spare_pixels`].
type RgbView<'a> = ImageBuffer<Rgb<u8>, &'a [u8]>;

/// Decodes a JPEG into RGB pixels, in a buffer kept from an earlier image
/// (it may be longer than needed), and returns them with the width and
/// height. It uses zune-jpeg (as `image` does) in strict mode: Go's decoder
/// rejects a truncated or corrupt file, and so do we, rather than fill the
/// missing part with grey.
fn decode_jpeg(data: &[u8]) -> Result<(Vec<u8>, u32, u32), Error> {
    use zune_jpeg::zune_core::{bytestream::ZCursor, colorspace::ColorSpace, options};

    let options = options::DecoderOptions::default()
        .set_strict_mode(true)
        .jpeg_set_out_colorspace(ColorSpace::RGB);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(data), options);
    let invalid = |words: String| {
        // zune-jpeg's words, as Go's decoder puts them: "invalid JPEG format: ...".
        let words = words.trim_matches('"');
        let mut chars = words.chars();
        let first = chars.next().map(|c| c.to_lowercase().collect::<String>());
        Error::Codec(format!(
            "invalid JPEG format: {}{}",
            first.unwrap_or_default(),
            chars.as_str()
        ))
    };
    decoder
        .decode_headers()
        .map_err(|err| invalid(err.to_string()))?;
    let size = decoder.output_buffer_size().unwrap_or_default();
    let mut pixels = spare_pixels::take(size);
    decoder
        .decode_into(&mut pixels)
        .map_err(|err| invalid(err.to_string()))?;
    let (width, height) = decoder.dimensions().unwrap_or_default();
    Ok((pixels, width as u32, height as u32)) // JPEG sides fit in 16 bits
}

/// Buffers for decoded photos, kept from one image for the next.
///
/// A decoded photo is big (5.8 MB for 1600×1200) and lives only until its
/// thumbnail is made. A fresh buffer for each image costs twice: the
/// allocator zeroes it (`vec![0; n]`, about 0.25 ms here, 3% of an image),
/// and in a new thread it comes from a new malloc arena, whose memory the
/// kernel hands over page by page (1,400 page faults per buffer, for each
/// arena). Kept here, a buffer is zeroed once and faulted in once. There
/// are never more than the most images decoded at once (`--jobs`).
mod spare_pixels {
    use std::sync::{Mutex, PoisonError};

    static SPARE: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

    /// A buffer of at least `size` bytes: the largest spare one if it is
    /// large enough, else a new one (the spare one is then dropped, so that
    /// there are never more buffers than images in flight).
    pub(super) fn take(size: usize) -> Vec<u8> {
        let mut spare = SPARE.lock().unwrap_or_else(PoisonError::into_inner);
        let largest = (0..spare.len()).max_by_key(|&i| spare[i].len());
        match largest.map(|i| spare.swap_remove(i)) {
            Some(pixels) if pixels.len() >= size => pixels,
            _ => vec![0; size],
        }
    }

    /// Keeps `pixels` for the next image.
    pub(super) fn give_back(pixels: Vec<u8>) {
        SPARE
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(pixels);
    }
}

/// Go's `ImageFile2`: reads an image from `infile` and writes a
/// thumbnail-size version of it to `outfile`.
///
/// Unlike Go, it leaves no `outfile` behind if anything fails (the thumbnail
/// goes to a temporary file in the same directory, renamed to `outfile` only
/// once complete), and it never replaces `infile`.
pub fn image_file2(outfile: &str, infile: &str) -> Result<(), Error> {
    let input = File::open(infile).map_err(|source| Error::Open {
        path: infile.to_string(),
        source,
    })?;
    let scaling = |source| Error::Scaling {
        infile: infile.to_string(),
        outfile: outfile.to_string(),
        source: Box::new(source),
    };
    if same_file(outfile, infile) {
        return Err(scaling(Error::WouldOverwriteInput));
    }
    let creating = |source| Error::Open {
        path: outfile.to_string(),
        source,
    };
    let dir = match Path::new(outfile).parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    // The thumbnail is made in memory first (a few kilobytes), so that the
    // temporary file lives only for as long as one write takes: if the
    // program ends meanwhile (variant 2 does), nothing is left behind.
    let mut thumb = Vec::new();
    stream(&mut thumb, input, output_format(outfile)).map_err(scaling)?;
    let mut out = tempfile::Builder::new()
        .prefix(".thumbnail.")
        .permissions(shareable())
        .tempfile_in(dir)
        .map_err(creating)?;
    out.write_all(&thumb)
        .map_err(|err| scaling(Error::Io(err)))?;
    // Dropping `out` on an error deletes the temporary file.
    out.persist(outfile).map_err(|err| creating(err.error))?;
    Ok(())
}

/// Whether `a` and `b` lead to the same file (false if either is missing).
fn same_file(a: &str, b: &str) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The permissions Go's `os.Create` gives a new file, 0666 less the umask
/// (the operating system takes the umask off), where a temporary file would
/// be for its owner only.
fn shareable() -> fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    fs::Permissions::from_mode(0o666)
}

/// The format a thumbnail called `outfile` is written in: PNG if the name
/// says so, JPEG otherwise (as Go writes, whatever the name).
fn output_format(outfile: &str) -> ImageFormat {
    match ext(outfile).to_ascii_lowercase().as_str() {
        ".png" => ImageFormat::Png,
        _ => ImageFormat::Jpeg,
    }
}

/// Go's `filepath.Ext`: the suffix from the final dot of the last element
/// of `path`, or "" if it has no dot.
fn ext(path: &str) -> &str {
    let name = path.rfind('/').map_or(0, |slash| slash + 1);
    match path[name..].rfind('.') {
        Some(dot) => &path[name + dot..],
        None => "",
    }
}

/// Go's `ImageFile`: reads an image from `infile` and writes a
/// thumbnail-size version of it in the same directory. It returns the
/// generated file name, e.g. `"foo.thumb.jpg"`.
pub fn image_file(infile: &str) -> Result<String, Error> {
    let ext = ext(infile); // e.g., ".jpg", ".JPEG"
    let outfile = format!("{}.thumb{ext}", &infile[..infile.len() - ext.len()]);
    image_file2(&outfile, infile)?;
    Ok(outfile)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ext_is_go_filepath_ext() {
        assert_eq!(ext("/x/foo.jpg"), ".jpg");
        assert_eq!(ext("x.tar.JPEG"), ".JPEG");
        assert_eq!(ext("/x.d/foo"), "");
        assert_eq!(ext(".bashrc"), ".bashrc");
        assert_eq!(ext(""), "");
    }

    #[test]
    fn tempfile_errors_lose_the_temporary_name() {
        let err = io::Error::new(
            io::ErrorKind::PermissionDenied,
            "Permission denied (os error 13) at path \"/x/.tmpAb12\"",
        );
        assert_eq!(go_words(&err), "permission denied");
    }
}
