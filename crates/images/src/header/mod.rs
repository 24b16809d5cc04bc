//! Step 2, `header`: each kind's own small parser reads what the limits need (sides, frames,
//! the pixels of every frame, JPEG scans) and what the report needs (every metadata block,
//! trailing bytes, the EXIF orientation), walking the container without decoding a pixel or
//! allocating from a number it read. Counting stops as soon as a limit is passed, so a
//! 20,000-frame GIF is refused after its 1,001st frame descriptor.

mod exif;
mod gif;
mod jpeg;
mod png;
mod webp;

pub(crate) use jpeg::skip_entropy_coded;

use crate::{ImageKind, Limits, Refusal, Removed};

/// What the header walk found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Header {
    /// Width as stored (before orientation); an animation's canvas.
    pub width: u32,
    /// Height as stored.
    pub height: u32,
    /// Frames: 1 for a still image.
    pub frames: u32,
    /// Every frame's area, summed (the still's area for a still image).
    pub frame_pixels: u64,
    /// Bytes of DCT coefficients a decoder holds for the whole image until its last scan:
    /// a progressive JPEG's (2 bytes for each of the 64 coefficients of every 8x8 block of
    /// every component, padded to whole MCUs as jpeg-decoder allocates them); 0 otherwise.
    pub coefficient_bytes: u64,
    /// The EXIF orientation, 1 to 8.
    pub orientation: u8,
    /// The metadata blocks and trailing bytes found.
    pub removed: Removed,
}

impl Header {
    fn new() -> Header {
        Header {
            width: 0,
            height: 0,
            frames: 1,
            frame_pixels: 0,
            coefficient_bytes: 0,
            orientation: 1,
            removed: Removed::default(),
        }
    }

    /// Notes an EXIF block: counted, its orientation (the first block's) and GPS read.
    fn exif(&mut self, block: &[u8]) {
        let facts = exif::read(block);
        if self.removed.exif == 0 {
            self.orientation = facts.orientation;
        }
        self.removed.exif += 1;
        self.removed.gps |= facts.gps;
    }

    /// Counts one more frame of `pixels`, refusing past the animation limits.
    fn frame(&mut self, frames: u32, pixels: u64, limits: &Limits) -> Result<(), Refusal> {
        if frames > limits.max_frames {
            return Err(Refusal::TooManyFrames {
                frames: u64::from(frames),
                limit: limits.max_frames,
            });
        }
        self.frame_pixels = self.frame_pixels.saturating_add(pixels);
        if self.frame_pixels > limits.max_animation_pixels {
            return Err(Refusal::AnimationTooLarge {
                pixels: self.frame_pixels,
                limit: limits.max_animation_pixels,
            });
        }
        Ok(())
    }
}

/// Walks `bytes` as a `kind` file.
pub(crate) fn read(kind: ImageKind, bytes: &[u8], limits: &Limits) -> Result<Header, Refusal> {
    match kind {
        ImageKind::Png => png::read(bytes),
        ImageKind::Jpeg => jpeg::read(bytes, limits),
        ImageKind::Gif => gif::read(bytes, limits),
        ImageKind::WebP => webp::read(bytes, limits),
    }
}

/// A broken container of `kind`.
fn malformed(kind: ImageKind, reason: &'static str) -> Refusal {
    Refusal::Malformed { kind, reason }
}

/// A big-endian u16 at `at`, if the bytes are there.
fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(
        bytes.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

/// A big-endian u32 at `at`, if the bytes are there.
fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(
        bytes.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

/// A little-endian u16 at `at`, if the bytes are there.
fn le16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        bytes.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

/// A little-endian u24 at `at`, if the bytes are there.
fn le24(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(3)?)?;
    Some(u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16)
}

/// A little-endian u32 at `at`, if the bytes are there.
fn le32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        bytes.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}
