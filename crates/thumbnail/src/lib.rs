//! `gopl.io/ch8/thumbnail`: "The thumbnail package produces thumbnail-size
//! images from larger images" (§8.5).
//!
//! [`image()`] is the book's crude scaling, pixel for pixel; [`image_stream`],
//! [`image_file2`] and [`image_file`] wrap it around a reader, a file and a
//! file name. The book's six loops over many files are in `variants.rs`.
//! Run the command with `find ~/Pictures -name '*.jpg' | cargo run --release
//! -p thumbnail -- --variant 5`.
//!
//! | Go                                  | here                                      |
//! |-------------------------------------|-------------------------------------------|
//! | `image.Image`, `image.NewRGBA`      | [`image::GenericImageView`], `ImageBuffer` |
//! | `image.Decode`, `jpeg.Encode`       | zune-jpeg and `JpegEncoder` (`codec.rs`)  |
//! | `os.Create(outfile)`                | a temporary file, renamed when complete   |
//! | a file name, `string`               | `&Path` and `PathBuf`: any bytes, as Go's strings hold |
//! | `error` values, `fmt.Errorf`        | [`Error`], worded as Go words them (`error.rs`) |
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

mod codec;
mod error;
pub mod jobs;
mod variants;

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use image::{GenericImageView, ImageBuffer, ImageFormat, Pixel};

pub use crate::codec::MAX_PIXELS;
use crate::codec::{encode, output_format, thumbnail_of};
pub use crate::error::{Error, log_error};
pub use crate::jobs::default_jobs;
pub use crate::variants::{
    ImageFile, make_thumbnails, make_thumbnails2, make_thumbnails3, make_thumbnails4,
    make_thumbnails5, make_thumbnails6,
};

/// The side of the square box every thumbnail fits in.
pub const BOX: u32 = 128;

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
    let dst = thumbnail_of(&data)?; // image.Decode, then Image
    encode(w, dst, format)
}

/// Go's `ImageFile2`: reads an image from `infile` and writes a
/// thumbnail-size version of it to `outfile`.
///
/// Unlike Go, it leaves no `outfile` behind if anything fails (the thumbnail
/// goes to a temporary file in the same directory, renamed to `outfile` only
/// once complete), and it never replaces `infile`.
pub fn image_file2(outfile: &Path, infile: &Path) -> Result<(), Error> {
    let input = File::open(infile).map_err(|source| Error::Open {
        path: infile.to_path_buf(),
        source,
    })?;
    let scaling = |source| Error::Scaling {
        infile: infile.to_path_buf(),
        outfile: outfile.to_path_buf(),
        source: Box::new(source),
    };
    if same_file(outfile, infile) {
        return Err(scaling(Error::WouldOverwriteInput));
    }
    let creating = |source| Error::Open {
        path: outfile.to_path_buf(),
        source,
    };
    let dir = match outfile.parent() {
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
fn same_file(a: &Path, b: &Path) -> bool {
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

/// Go's `filepath.Ext`: the suffix from the final dot of the last element
/// of `path`, or "" if it has no dot. Bytes, as Go's strings: a name need
/// not be UTF-8.
fn ext(path: &Path) -> &[u8] {
    let path = path.as_os_str().as_bytes();
    let name = path
        .iter()
        .rposition(|&b| b == b'/')
        .map_or(0, |slash| slash + 1);
    match path[name..].iter().rposition(|&b| b == b'.') {
        Some(dot) => &path[name + dot..],
        None => b"",
    }
}

/// Go's `ImageFile`: reads an image from `infile` and writes a
/// thumbnail-size version of it in the same directory. It returns the
/// generated file name, e.g. `"foo.thumb.jpg"`.
pub fn image_file(infile: &Path) -> Result<PathBuf, Error> {
    let ext = ext(infile); // e.g., ".jpg", ".JPEG"
    let infile_bytes = infile.as_os_str().as_bytes();
    let outfile = [
        &infile_bytes[..infile_bytes.len() - ext.len()],
        b".thumb",
        ext,
    ]
    .concat();
    let outfile = PathBuf::from(OsString::from_vec(outfile));
    image_file2(&outfile, infile)?;
    Ok(outfile)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ext_is_go_filepath_ext() {
        let ext = |path: &str| ext(Path::new(path)).to_vec();
        assert_eq!(ext("/x/foo.jpg"), b".jpg");
        assert_eq!(ext("x.tar.JPEG"), b".JPEG");
        assert_eq!(ext("/x.d/foo"), b"");
        assert_eq!(ext(".bashrc"), b".bashrc");
        assert_eq!(ext(""), b"");
        let latin1 = OsString::from_vec(b"caf\xe9.j\xfeg".to_vec());
        assert_eq!(super::ext(Path::new(&latin1)), b".j\xfeg");
    }
}
