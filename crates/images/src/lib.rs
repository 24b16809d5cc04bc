//! The image core: bytes and a declared type in, a decision out. An upload either becomes
//! variants that hold nothing of it but pixels and its colour profile, or is refused with a
//! typed reason. Pure: no I/O, no clock, no environment.
//!
//! One step per module, in the order they run:
//!
//! 1. [`kind`](ImageKind::sniff): the magic bytes name a supported kind, the declared one;
//! 2. `header`: the kind's own small parser reads sides, frames, scans, metadata blocks and
//!    the EXIF orientation, without decoding or allocating from what it reads;
//! 3. `limits`: those numbers against [`Limits`], before any pixel is decoded;
//! 4. `entropy` (JPEG): every scan's entropy-coded data walked symbol by symbol, proving it
//!    covers every block of the image (a file cut short and closed again is refused);
//! 5. `decode`: a strict decode to the end, under a memory ceiling of the decoder's own (a
//!    JPEG already scaled down in the DCT when the variants are much smaller);
//! 6. `resize`: Lanczos3 to the display and thumbnail sizes, alpha premultiplied in place;
//! 7. `orient`: the EXIF orientation applied to each variant's pixels;
//! 8. `encode`: JPEG (opaque) or PNG (transparent), with the ICC profile when it is kept.
//!
//! ```
//! use presigner_images::{process, DeclaredType, Settings, Refusal};
//!
//! let declared = DeclaredType::from_media_type("image/png").unwrap();
//! let refusal = process(b"\xff\xd8\xff\xe0 not a png", declared, &Settings::default()).unwrap_err();
//! assert_eq!(refusal.code(), "type_mismatch");
//! assert_eq!(refusal.to_string(), "declared image/png but the bytes are a JPEG image");
//! ```

#![warn(missing_docs)]

// The README's example, compiled and run with the doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

mod decode;
mod encode;
mod entropy;
mod header;
mod icc;
mod kind;
mod limits;
mod orient;
mod pixels;
mod processed;
mod refusal;
mod resize;
mod settings;

pub use kind::{DeclaredType, ImageKind};
pub use processed::{IccOutcome, Processed, Removed, Variant, VariantName};
pub use refusal::Refusal;
pub use settings::{Limits, Settings, VariantSize};

/// Verifies `bytes` as an image of the `declared` type, within `settings.limits`, and makes
/// its variants (thumbnail, then display): oriented, stripped of every metadata block but an
/// RGB ICC profile, re-encoded.
pub fn process(
    bytes: &[u8],
    declared: DeclaredType,
    settings: &Settings,
) -> Result<Processed, Refusal> {
    let limits = &settings.limits;
    if bytes.len() as u64 > limits.max_bytes {
        return Err(Refusal::TooManyBytes {
            bytes: bytes.len() as u64,
            limit: limits.max_bytes,
        });
    }
    let kind = kind::sniff(bytes, declared)?;
    let header = header::read(kind, bytes, limits)?;
    limits::check(kind, &header, limits)?;
    if kind == ImageKind::Jpeg {
        // jpeg-decoder fills blocks it has no data for with grey: the walk proves there are none.
        entropy::verify(bytes)?;
    }

    // The sizes, decided in the displayed orientation and mapped back to the stored one.
    let orientation = header.orientation;
    let transposed = orient::transposes(orientation);
    let stored = |(w, h): (u32, u32)| if transposed { (h, w) } else { (w, h) };
    let (shown_w, shown_h) = stored((header.width, header.height));
    let display = stored(resize::fit(shown_w, shown_h, settings.display));
    let thumb = stored(resize::fit(shown_w, shown_h, settings.thumb));

    let decoded = decode::decode(kind, bytes, display)?;
    let icc = icc::keep(decoded.icc.as_deref(), limits)?;
    let icc_bytes = match icc {
        IccOutcome::Kept => decoded.icc.as_deref(),
        IccOutcome::Absent | IccOutcome::Dropped => None,
    };
    let mut source = decoded.pixels;
    source.drop_opaque_alpha();
    resize::alpha(&mut source, resize::Alpha::Premultiply);

    let mut resizer = fast_image_resize::Resizer::new();
    // The display variant from the source (or the source itself when it already fits), the
    // thumbnail from the display variant.
    let display_pixels = if (source.width, source.height) == display {
        source
    } else {
        let resized = resize::resize(&mut resizer, &source, display.0, display.1);
        drop(source);
        resized
    };
    let thumb_pixels = resize::resize(&mut resizer, &display_pixels, thumb.0, thumb.1);

    let mut variants = Vec::with_capacity(2);
    for (name, mut pixels) in [
        (VariantName::Thumb, thumb_pixels),
        (VariantName::Display, display_pixels),
    ] {
        resize::alpha(&mut pixels, resize::Alpha::Unpremultiply);
        let pixels = orient::apply(pixels, orientation);
        let (kind, bytes) = encode::encode(&pixels, icc_bytes, settings.jpeg_quality);
        variants.push(Variant {
            name,
            width: pixels.width,
            height: pixels.height,
            kind,
            bytes,
        });
    }
    let mut removed = header.removed;
    removed.orientation = orientation;
    Ok(Processed {
        kind,
        width: shown_w,
        height: shown_h,
        variants,
        removed,
        icc,
    })
}
