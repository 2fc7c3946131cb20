//! Small JPEG thumbnails of evidence images, decoded under limits so that a
//! hostile file (a few bytes declaring a 100,000 × 100,000 image, a
//! decompression bomb) is refused rather than allowed to exhaust memory.

use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use std::io::{BufRead, Seek};

/// The longest side of a thumbnail, in pixels.
pub const SIDE: u32 = 320;
/// The largest width or height decoded: beyond a 100-megapixel camera's.
pub const MAX_DIMENSION: u32 = 16_384;
/// The most memory one decoding may allocate.
pub const MAX_ALLOC: u64 = 256 << 20;
const QUALITY: u8 = 80;

#[derive(Debug, thiserror::Error)]
pub enum ThumbnailError {
    #[error("the file is not an image this server makes thumbnails of (JPEG or PNG)")]
    NotSupported,
    #[error("the image is beyond what this server decodes for a thumbnail: {0}")]
    TooLarge(String),
    #[error("the image cannot be decoded: {0}")]
    Malformed(String),
}

#[derive(Clone, Debug)]
pub struct Thumbnail {
    /// A baseline JPEG.
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_ALLOC);
    limits
}

fn decode_error(e: image::ImageError) -> ThumbnailError {
    match e {
        image::ImageError::Limits(l) => ThumbnailError::TooLarge(l.to_string()),
        image::ImageError::Unsupported(_) => ThumbnailError::NotSupported,
        other => ThumbnailError::Malformed(other.to_string()),
    }
}

/// A thumbnail of the image `reader` holds, turned upright as its EXIF
/// orientation says, at most [`SIDE`] pixels on its longer side.
pub fn thumbnail(reader: impl BufRead + Seek) -> Result<Thumbnail, ThumbnailError> {
    let mut reader = ImageReader::new(reader)
        .with_guessed_format()
        .map_err(|e| ThumbnailError::Malformed(e.to_string()))?;
    if reader.format().is_none() {
        return Err(ThumbnailError::NotSupported);
    }
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let orientation = decoder.orientation().map_err(decode_error)?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    picture.apply_orientation(orientation);
    // Never enlarged: a small picture is its own thumbnail.
    let small = if picture.width() > SIDE || picture.height() > SIDE {
        picture.thumbnail(SIDE, SIDE)
    } else {
        picture
    };
    let small = DynamicImage::ImageRgb8(small.to_rgb8());
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, QUALITY)
        .encode_image(&small)
        .map_err(|e| ThumbnailError::Malformed(e.to_string()))?;
    Ok(Thumbnail {
        jpeg,
        width: small.width(),
        height: small.height(),
    })
}
