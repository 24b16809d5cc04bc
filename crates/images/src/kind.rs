//! Step 1, `sniff`: which supported kind the bytes are (their magic bytes), compared with the
//! type the uploader declared.

use crate::Refusal;

/// A supported image kind: the four the upload URL accepts today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageKind {
    /// PNG (including 16-bit, palette and interlaced; an APNG is read as its default image).
    Png,
    /// JPEG (baseline, progressive; greyscale, YCbCr, CMYK and YCCK).
    Jpeg,
    /// GIF (87a and 89a; an animation becomes a still of its first frame).
    Gif,
    /// WebP (lossy, lossless, with alpha; an animation becomes a still of its first frame).
    WebP,
}

impl ImageKind {
    /// The media type, as an upload declares it and as a variant is served.
    pub fn media_type(self) -> &'static str {
        match self {
            ImageKind::Png => "image/png",
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Gif => "image/gif",
            ImageKind::WebP => "image/webp",
        }
    }

    /// The kind whose magic bytes start `bytes`, if any.
    pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ImageKind::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ImageKind::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(ImageKind::Gif)
        } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
            Some(ImageKind::WebP)
        } else {
            None
        }
    }
}

impl std::fmt::Display for ImageKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ImageKind::Png => "PNG",
            ImageKind::Jpeg => "JPEG",
            ImageKind::Gif => "GIF",
            ImageKind::WebP => "WebP",
        })
    }
}

/// The type an upload declared (its `Content-Type`), checked to be one of the supported kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeclaredType(ImageKind);

impl DeclaredType {
    /// Reads a media type such as `image/jpeg` (case-insensitive, parameters after `;` ignored;
    /// `image/jpg` is accepted as the common misspelling of `image/jpeg`).
    pub fn from_media_type(media_type: &str) -> Result<DeclaredType, Refusal> {
        let essence = media_type.split(';').next().unwrap_or("").trim();
        let kind = match essence.to_ascii_lowercase().as_str() {
            "image/png" => ImageKind::Png,
            "image/jpeg" | "image/jpg" => ImageKind::Jpeg,
            "image/gif" => ImageKind::Gif,
            "image/webp" => ImageKind::WebP,
            _ => return Err(Refusal::UnsupportedDeclaredType),
        };
        Ok(DeclaredType(kind))
    }

    /// The kind this type names.
    pub fn kind(self) -> ImageKind {
        self.0
    }
}

impl From<ImageKind> for DeclaredType {
    fn from(kind: ImageKind) -> Self {
        DeclaredType(kind)
    }
}

/// The kind of `bytes`, which must be the declared one.
pub(crate) fn sniff(bytes: &[u8], declared: DeclaredType) -> Result<ImageKind, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    let found = ImageKind::sniff(bytes).ok_or(Refusal::NotAnImage)?;
    if found != declared.kind() {
        return Err(Refusal::TypeMismatch {
            declared: declared.kind(),
            found,
        });
    }
    Ok(found)
}
