//! What `process` hands back: the variants, and what of the input they do not carry.

use crate::ImageKind;

/// An image that passed: its variants and a report of what was dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Processed {
    /// The input's kind (its magic bytes, equal to the declared type).
    pub kind: ImageKind,
    /// The input's width and height as displayed (after its orientation).
    pub width: u32,
    /// See `width`.
    pub height: u32,
    /// Thumbnail first, then display.
    pub variants: Vec<Variant>,
    /// What the input carried that no variant does.
    pub removed: Removed,
    /// Whether the input's ICC profile is embedded in every variant.
    pub icc: IccOutcome,
}

/// Which variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VariantName {
    /// The timeline thumbnail (`Settings::thumb`).
    Thumb,
    /// The display size (`Settings::display`).
    Display,
}

impl VariantName {
    /// `thumb` or `display`: the name in object keys and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            VariantName::Thumb => "thumb",
            VariantName::Display => "display",
        }
    }
}

/// One encoded variant.
#[derive(Clone, PartialEq, Eq)]
pub struct Variant {
    /// Which variant.
    pub name: VariantName,
    /// Pixels across.
    pub width: u32,
    /// Pixels down.
    pub height: u32,
    /// `Jpeg` for opaque images, `Png` for those that use transparency.
    pub kind: ImageKind,
    /// The encoded file.
    pub bytes: Vec<u8>,
}

impl Variant {
    /// The media type to serve it with.
    pub fn media_type(&self) -> &'static str {
        self.kind.media_type()
    }
}

// Debug without the bytes (which are the image): their length only.
impl std::fmt::Debug for Variant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Variant")
            .field("name", &self.name)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("kind", &self.kind)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

impl std::fmt::Debug for Processed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Processed")
            .field("kind", &self.kind)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("variants", &self.variants)
            .field("removed", &self.removed)
            .field("icc", &self.icc)
            .finish()
    }
}

/// What happened to the input's colour profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IccOutcome {
    /// The input had none: the variants are sRGB, as browsers assume.
    Absent,
    /// Embedded in every variant, byte for byte.
    Kept,
    /// Dropped: not an RGB profile (a CMYK or grey profile describes pixels the variants no
    /// longer have) or not a well-formed profile.
    Dropped,
}

/// What the input carried that no variant does. Counts are of blocks (segments, chunks,
/// extensions), not bytes, except `trailing_bytes`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Removed {
    /// EXIF blocks (JPEG APP1 `Exif`, PNG `eXIf`, WebP `EXIF`).
    pub exif: u32,
    /// Whether an EXIF block held a GPS position (a GPSInfo directory).
    pub gps: bool,
    /// The EXIF orientation that was applied to the pixels (1 to 8; 1 when none).
    pub orientation: u8,
    /// XMP packets (JPEG APP1 XMP and extended XMP, PNG iTXt `XML:com.adobe.xmp`, WebP `XMP `,
    /// GIF `XMP DataXMP`).
    pub xmp: u32,
    /// IPTC / Photoshop blocks (JPEG APP13).
    pub iptc: u32,
    /// Comments (JPEG COM, GIF comment extensions).
    pub comments: u32,
    /// Text chunks (PNG tEXt, zTXt, iTXt other than XMP; GIF plain text extensions).
    pub text: u32,
    /// Every other metadata block (other APPn segments, PNG ancillary chunks, GIF application
    /// extensions, unknown WebP chunks).
    pub other: u32,
    /// Frames of an animation not in the variants (which are a still of the first frame).
    pub frames: u32,
    /// Bytes after the image's end (after JPEG EOI, PNG IEND, GIF trailer, the RIFF chunk).
    pub trailing_bytes: u64,
}
