//! What the core makes of an image, as data: the limits checked before decoding, the two
//! variants' bounds and the JPEG quality. `Settings::default()` is what the pipeline uses;
//! docs/images.md says why each number is what it is.

/// Everything `process` is told; no environment, no clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Checked from the header before any pixel is decoded.
    pub limits: Limits,
    /// The timeline thumbnail's bounds.
    pub thumb: VariantSize,
    /// The display variant's bounds (what a click or a wide screen shows).
    pub display: VariantSize,
    /// JPEG quality of the opaque variants, 1 to 100 (sharp's default is 80).
    pub jpeg_quality: u8,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            limits: Limits::default(),
            thumb: VariantSize {
                max_width: 400,
                max_height: 800,
            },
            display: VariantSize {
                max_width: 2048,
                max_height: 2048,
            },
            jpeg_quality: 80,
        }
    }
}

/// A variant's bounding box: the image is scaled down, aspect kept, until it fits; never up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VariantSize {
    /// Widest the variant may be, in pixels (at least 1).
    pub max_width: u32,
    /// Tallest the variant may be, in pixels (at least 1).
    pub max_height: u32,
}

/// Limits read from the header, before anything is allocated from its numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of the upload.
    pub max_bytes: u64,
    /// Longest side, in pixels.
    pub max_side: u32,
    /// Pixels of a JPEG. JPEGs are decoded already scaled down in the DCT (1/2, 1/4, 1/8), so
    /// a phone's 48 or 50 Mpx photo fits the memory budget.
    pub max_pixels_jpeg: u64,
    /// Bytes of DCT coefficients a progressive JPEG makes its decoder hold for the whole image
    /// until its last scan (2 bytes for each of 64 per 8x8 block of every component; DCT
    /// scaling does not shrink them). Keeps the core under its 256 MiB peak: a baseline JPEG
    /// holds none and is bounded by `max_pixels_jpeg` alone.
    pub max_progressive_jpeg_bytes: u64,
    /// Pixels of a PNG, WebP or GIF, decoded at full size as 8-bit RGBA.
    pub max_pixels: u64,
    /// Frames of a GIF or animated WebP.
    pub max_frames: u32,
    /// Pixels of all the frames of an animation together (each frame's area, summed).
    pub max_animation_pixels: u64,
    /// Pixels of an animation's canvas (an animated WebP's frames are composed on it).
    pub max_animation_canvas: u64,
    /// Scans of a JPEG (a progressive JPEG has about 10; each is a pass over the image).
    pub max_jpeg_scans: u32,
    /// Bytes of the ICC profile (Display P3's is 536, a large print profile a few hundred KiB).
    pub max_icc_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 25 * 1024 * 1024,
            max_side: 16_384,
            max_pixels_jpeg: 52_000_000,
            max_progressive_jpeg_bytes: 160 * 1024 * 1024,
            max_pixels: 33_177_600,
            max_frames: 1_000,
            max_animation_pixels: 100_000_000,
            max_animation_canvas: 16_777_216,
            max_jpeg_scans: 100,
            max_icc_bytes: 1024 * 1024,
        }
    }
}
