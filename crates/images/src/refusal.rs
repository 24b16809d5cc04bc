//! Why an image is refused: a typed reason a log can carry. No variant holds any of the
//! image's bytes, so neither `Display` nor `Debug` can print them.

use crate::ImageKind;

/// Why an upload does not become variants. `code()` is a stable name for logs and metrics,
/// `Display` a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// No bytes at all.
    Empty,
    /// The declared media type is not one of image/png, image/jpeg, image/gif, image/webp.
    UnsupportedDeclaredType,
    /// The bytes start with no supported kind's magic bytes.
    NotAnImage,
    /// The bytes are a supported kind, but not the declared one.
    TypeMismatch {
        /// What the upload said it was.
        declared: ImageKind,
        /// What its magic bytes say it is.
        found: ImageKind,
    },
    /// More bytes than `Limits::max_bytes`.
    TooManyBytes {
        /// The upload's length.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// A side longer than `Limits::max_side`, or zero.
    BadSide {
        /// Width from the header.
        width: u32,
        /// Height from the header.
        height: u32,
        /// The limit.
        limit: u32,
    },
    /// More pixels than the kind's limit (`Limits::max_pixels_jpeg` or `max_pixels`).
    TooManyPixels {
        /// Width times height from the header.
        pixels: u64,
        /// The limit.
        limit: u64,
    },
    /// A progressive JPEG whose DCT coefficients (held for the whole image until its last
    /// scan) take more bytes than `Limits::max_progressive_jpeg_bytes`. The same picture saved
    /// as a baseline JPEG is decoded a few rows at a time.
    ProgressiveTooLarge {
        /// Bytes of coefficients, from the frame header's sides and sampling factors.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// An animation with more frames than `Limits::max_frames`.
    TooManyFrames {
        /// Frames counted so far (the count stops at the limit).
        frames: u64,
        /// The limit.
        limit: u32,
    },
    /// An animation whose frames add up to more pixels than `Limits::max_animation_pixels`,
    /// or whose canvas is larger than `Limits::max_animation_canvas`.
    AnimationTooLarge {
        /// Pixels counted so far.
        pixels: u64,
        /// The limit.
        limit: u64,
    },
    /// A JPEG with more scans than `Limits::max_jpeg_scans` (each progressive scan is a pass
    /// over the whole image: a scan bomb).
    TooManyScans {
        /// Scans counted so far.
        scans: u32,
        /// The limit.
        limit: u32,
    },
    /// An ICC profile larger than `Limits::max_icc_bytes`.
    IccTooLarge {
        /// The profile's length.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// The container's structure is broken: what the header walk found wrong.
    Malformed {
        /// The kind being read.
        kind: ImageKind,
        /// What was wrong, in the format's words.
        reason: &'static str,
    },
    /// The file ends before the image does.
    Truncated {
        /// The kind being read.
        kind: ImageKind,
    },
    /// The header passed, but the decoder refused the image data.
    Undecodable {
        /// The kind being decoded.
        kind: ImageKind,
        /// The decoder's class of error (never its message, which may quote the data).
        reason: &'static str,
    },
    /// A feature of the format this core does not decode (e.g. 12-bit or lossless JPEG).
    Unsupported {
        /// The kind being read.
        kind: ImageKind,
        /// The feature.
        feature: &'static str,
    },
}

impl Refusal {
    /// A stable snake_case name for logs and metrics.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Empty => "empty",
            Refusal::UnsupportedDeclaredType => "unsupported_declared_type",
            Refusal::NotAnImage => "not_an_image",
            Refusal::TypeMismatch { .. } => "type_mismatch",
            Refusal::TooManyBytes { .. } => "too_many_bytes",
            Refusal::BadSide { .. } => "bad_side",
            Refusal::TooManyPixels { .. } => "too_many_pixels",
            Refusal::ProgressiveTooLarge { .. } => "progressive_too_large",
            Refusal::TooManyFrames { .. } => "too_many_frames",
            Refusal::AnimationTooLarge { .. } => "animation_too_large",
            Refusal::TooManyScans { .. } => "too_many_scans",
            Refusal::IccTooLarge { .. } => "icc_too_large",
            Refusal::Malformed { .. } => "malformed",
            Refusal::Truncated { .. } => "truncated",
            Refusal::Undecodable { .. } => "undecodable",
            Refusal::Unsupported { .. } => "unsupported",
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Empty => write!(f, "the upload is empty"),
            Refusal::UnsupportedDeclaredType => write!(
                f,
                "the declared type is not image/png, image/jpeg, image/gif or image/webp"
            ),
            Refusal::NotAnImage => write!(f, "the bytes are not a PNG, JPEG, GIF or WebP image"),
            Refusal::TypeMismatch { declared, found } => write!(
                f,
                "declared {} but the bytes are a {found} image",
                declared.media_type()
            ),
            Refusal::TooManyBytes { bytes, limit } => {
                write!(f, "{bytes} bytes is over the limit of {limit}")
            }
            Refusal::BadSide {
                width,
                height,
                limit,
            } => write!(
                f,
                "{width}x{height}: each side must be between 1 and {limit} pixels"
            ),
            Refusal::TooManyPixels { pixels, limit } => {
                write!(f, "{pixels} pixels is over the limit of {limit}")
            }
            Refusal::ProgressiveTooLarge { bytes, limit } => write!(
                f,
                "this progressive JPEG needs {} MiB to decode, over the limit of {} MiB: \
                 save it as a baseline (not progressive) JPEG, or with fewer pixels",
                bytes.div_ceil(1 << 20),
                limit >> 20
            ),
            Refusal::TooManyFrames { frames, limit } => {
                write!(f, "{frames} frames or more is over the limit of {limit}")
            }
            Refusal::AnimationTooLarge { pixels, limit } => write!(
                f,
                "the animation's frames hold {pixels} pixels or more, over the limit of {limit}"
            ),
            Refusal::TooManyScans { scans, limit } => {
                write!(
                    f,
                    "the JPEG has {scans} scans or more, over the limit of {limit}"
                )
            }
            Refusal::IccTooLarge { bytes, limit } => {
                write!(
                    f,
                    "the ICC profile's {bytes} bytes are over the limit of {limit}"
                )
            }
            Refusal::Malformed { kind, reason } => write!(f, "malformed {kind}: {reason}"),
            Refusal::Truncated { kind } => write!(f, "the {kind} file ends before its image does"),
            Refusal::Undecodable { kind, reason } => {
                write!(f, "the {kind} image does not decode: {reason}")
            }
            Refusal::Unsupported { kind, feature } => write!(f, "unsupported {kind}: {feature}"),
        }
    }
}

impl std::error::Error for Refusal {}
