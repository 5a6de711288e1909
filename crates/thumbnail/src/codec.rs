//! Go's `image.Decode` and `jpeg.Encode` (not in the book's listing):
//! JPEG with zune-jpeg, strict as Go's decoder, into buffers kept from one
//! image for the next; PNG with `image`; the thumbnail written as JPEG, or
//! PNG when its name says so.
//!
//! Go's decoders take any size. Ours read the size from the header first and
//! refuse only an image of more than [`MAX_PIXELS`], whatever its shape (a
//! 20000×300 panorama is fine), so that memory is bounded by pixels: 3 bytes
//! a pixel decoded for a JPEG, up to 8 for a 16-bit PNG with alpha.
//!
//! Decoding the full-size photo is nearly all the work of a thumbnail.
//! Decoding straight at 1/8 scale (DCT scaling, with `jpeg-decoder`) was
//! tried and measured: it took more CPU time per image than zune-jpeg's
//! full-size decode (the decoder inside `image`), so it is not used.

use std::io::{BufWriter, Cursor, Write};
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageBuffer, ImageEncoder, ImageFormat, ImageReader, Rgb};

use crate::{Error, ext, image};

/// Go's `jpeg.Encode(w, dst, nil)` quality, `jpeg.DefaultQuality`.
const JPEG_QUALITY: u8 = 75;

/// The most pixels an image may have, 16384×16384 (768 MiB decoded): the
/// area zune-jpeg's default limit of 16384 a side allowed, in any shape.
pub const MAX_PIXELS: u64 = 16384 * 16384;

/// Refuses a `width`×`height` image of more than [`MAX_PIXELS`], before it
/// is decoded.
fn check_size(width: u32, height: u32) -> Result<(), Error> {
    match u64::from(width) * u64::from(height) > MAX_PIXELS {
        true => Err(Error::TooLarge { width, height }),
        false => Ok(()),
    }
}

/// Decodes `data` (JPEG or PNG, told by its first bytes as Go's
/// `image.Decode` tells them) and returns its thumbnail.
pub(crate) fn thumbnail_of(data: &[u8]) -> Result<DynamicImage, Error> {
    if data.starts_with(b"\xff\xd8") {
        let (pixels, width, height) = decode_jpeg(data)?;
        let src = RgbView::from_raw(width, height, &pixels[..])
            .ok_or_else(|| Error::Codec("invalid JPEG format: short pixel data".to_string()))?;
        let thumb = image(&src).into();
        spare_pixels::give_back(pixels);
        return Ok(thumb);
    }
    if !data.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(Error::UnknownFormat);
    }
    let png = || ImageReader::with_format(Cursor::new(data), ImageFormat::Png);
    let (width, height) = png().into_dimensions()?;
    check_size(width, height)?;
    let mut reader = png();
    reader.no_limits(); // MAX_PIXELS in place of image's 512 MiB
    let src = reader.decode()?;
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

    // JPEG's own limit on a side, 65535, in place of zune-jpeg's 16384:
    // check_size bounds the area instead.
    let options = options::DecoderOptions::default()
        .set_strict_mode(true)
        .set_max_width(u16::MAX.into())
        .set_max_height(u16::MAX.into())
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
    let (width, height) = decoder.dimensions().unwrap_or_default();
    let (width, height) = (width as u32, height as u32); // JPEG sides fit in 16 bits
    check_size(width, height)?;
    let size = decoder.output_buffer_size().unwrap_or_default();
    let mut pixels = spare_pixels::take(size);
    decoder
        .decode_into(&mut pixels)
        .map_err(|err| invalid(err.to_string()))?;
    Ok((pixels, width, height))
}

/// Buffers for decoded photos, kept from one image for the next.
///
/// A decoded photo is big (5.8 MB for 1600×1200) and lives only until its
/// thumbnail is made. A fresh buffer for each image costs twice: the
/// allocator zeroes it, and the kernel hands its memory over page by page,
/// a page fault each, in every thread's malloc arena anew. Kept here, a
/// buffer is zeroed and faulted in once. There are never more than the most
/// images decoded at once (`--jobs`), and each is made as large as the
/// largest photo yet, so that a smaller photo's buffer does not have to be
/// thrown away for a larger one.
mod spare_pixels {
    use std::sync::{Mutex, PoisonError};

    struct Spare {
        buffers: Vec<Vec<u8>>,
        largest: usize,
    }

    static SPARE: Mutex<Spare> = Mutex::new(Spare {
        buffers: Vec::new(),
        largest: 0,
    });

    /// A buffer of at least `size` bytes: a spare one if one is large
    /// enough, else a new one as large as the largest photo yet (a spare one
    /// too small is then dropped: never more buffers than images in flight).
    pub(super) fn take(size: usize) -> Vec<u8> {
        let mut spare = SPARE.lock().unwrap_or_else(PoisonError::into_inner);
        spare.largest = spare.largest.max(size);
        let fits = spare.buffers.iter().position(|pixels| pixels.len() >= size);
        match fits {
            Some(i) => spare.buffers.swap_remove(i),
            None => {
                spare.buffers.pop(); // too small
                let largest = spare.largest;
                drop(spare);
                vec![0; largest]
            }
        }
    }

    /// Keeps `pixels` for the next image.
    pub(super) fn give_back(pixels: Vec<u8>) {
        let mut spare = SPARE.lock().unwrap_or_else(PoisonError::into_inner);
        spare.buffers.push(pixels);
    }
}

/// Writes `dst` to `w` in `format`: PNG, or else JPEG, as Go's `jpeg.Encode`.
pub(crate) fn encode(w: impl Write, dst: DynamicImage, format: ImageFormat) -> Result<(), Error> {
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

/// The format a thumbnail called `outfile` is written in: PNG if the name
/// says so, JPEG otherwise (as Go writes, whatever the name).
pub(crate) fn output_format(outfile: &Path) -> ImageFormat {
    match ext(outfile).eq_ignore_ascii_case(b".png") {
        true => ImageFormat::Png,
        false => ImageFormat::Jpeg,
    }
}
