//! Step 3, `limits`: the header's numbers against the settings, before anything is allocated
//! from them, so they bound what the decoders will hold. (The walk itself already stopped at the frame, animation and scan limits.)

use crate::header::Header;
use crate::{ImageKind, Limits, Refusal};

pub(crate) fn check(kind: ImageKind, header: &Header, limits: &Limits) -> Result<(), Refusal> {
    let (width, height) = (header.width, header.height);
    if width == 0 || height == 0 || width > limits.max_side || height > limits.max_side {
        return Err(Refusal::BadSide {
            width,
            height,
            limit: limits.max_side,
        });
    }
    let pixels = u64::from(width) * u64::from(height);
    let limit = match kind {
        ImageKind::Jpeg => limits.max_pixels_jpeg,
        _ => limits.max_pixels,
    };
    if pixels > limit {
        return Err(Refusal::TooManyPixels { pixels, limit });
    }
    if header.coefficient_bytes > limits.max_progressive_jpeg_bytes {
        return Err(Refusal::ProgressiveTooLarge {
            bytes: header.coefficient_bytes,
            limit: limits.max_progressive_jpeg_bytes,
        });
    }
    if header.frames > 1 && pixels > limits.max_animation_canvas {
        return Err(Refusal::AnimationTooLarge {
            pixels,
            limit: limits.max_animation_canvas,
        });
    }
    Ok(())
}
