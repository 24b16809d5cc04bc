//! Step 6, `resize`: the variants' sizes (fit in a box, aspect kept, never up) and the
//! Lanczos3 convolution that makes them. Alpha is premultiplied in place in the source and
//! divided in place in the result, so a transparent image is never copied whole.

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, MulDiv, PixelType, ResizeAlg, ResizeOptions, Resizer};

use crate::pixels::{Layout, Pixels};
use crate::VariantSize;

/// The largest size with the aspect of `width`x`height` that fits `bound` and is no larger
/// than the image itself; each side at least 1.
pub(crate) fn fit(width: u32, height: u32, bound: VariantSize) -> (u32, u32) {
    let (w, h) = (u64::from(width), u64::from(height));
    // JPEG sides stop at 65,535.
    let side = |s: u32| u64::from(s.clamp(1, 65_535));
    let (bw, bh) = (side(bound.max_width), side(bound.max_height));
    if w <= bw && h <= bh {
        return (width, height);
    }
    // Scale by the tighter of the two bounds, rounding to the nearest pixel.
    if w * bh >= h * bw {
        (bw as u32, ((h * bw + w / 2) / w).clamp(1, bh) as u32)
    } else {
        (((w * bh + h / 2) / h).clamp(1, bw) as u32, bh as u32)
    }
}

fn pixel_type(layout: Layout) -> PixelType {
    match layout {
        Layout::Rgb => PixelType::U8x3,
        Layout::Rgba => PixelType::U8x4,
    }
}

/// Which way `alpha` converts.
#[derive(Clone, Copy)]
pub(crate) enum Alpha {
    /// Straight to premultiplied: resizing works on premultiplied values so transparent
    /// pixels' colours do not bleed into their neighbours.
    Premultiply,
    /// Premultiplied back to straight, as encoders expect.
    Unpremultiply,
}

/// Converts `pixels`' alpha in place (nothing for RGB).
pub(crate) fn alpha(pixels: &mut Pixels, step: Alpha) {
    if pixels.layout != Layout::Rgba {
        return;
    }
    let mut image = Image::from_slice_u8(
        pixels.width,
        pixels.height,
        &mut pixels.data,
        PixelType::U8x4,
    )
    .expect("the buffer matches its size");
    let done = match step {
        Alpha::Premultiply => MulDiv::new().multiply_alpha_inplace(&mut image),
        Alpha::Unpremultiply => MulDiv::new().divide_alpha_inplace(&mut image),
    };
    done.expect("U8x4 has alpha");
}

/// `source` (premultiplied, if it has alpha) resized to `width`x`height`, with Lanczos3.
pub(crate) fn resize(resizer: &mut Resizer, source: &Pixels, width: u32, height: u32) -> Pixels {
    let kind = pixel_type(source.layout);
    if (width, height) == (source.width, source.height) {
        return Pixels {
            width,
            height,
            layout: source.layout,
            data: source.data.clone(),
        };
    }
    let from = ImageRef::new(source.width, source.height, &source.data, kind)
        .expect("the buffer matches its size");
    let mut to = Image::new(width, height, kind);
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
        .use_alpha(false);
    resizer
        .resize(&from, &mut to, &options)
        .expect("same pixel type, sizes at least 1");
    Pixels {
        width,
        height,
        layout: source.layout,
        data: to.into_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bound(max_width: u32, max_height: u32) -> VariantSize {
        VariantSize {
            max_width,
            max_height,
        }
    }

    #[test]
    fn fits_without_upscaling() {
        assert_eq!(fit(4000, 3000, bound(400, 800)), (400, 300));
        assert_eq!(fit(3000, 4000, bound(400, 800)), (400, 533));
        assert_eq!(fit(1000, 8000, bound(400, 800)), (100, 800));
        assert_eq!(fit(300, 200, bound(400, 800)), (300, 200));
        assert_eq!(fit(16384, 1, bound(400, 800)), (400, 1));
        assert_eq!(fit(1, 16384, bound(400, 800)), (1, 800));
        assert_eq!(fit(2048, 2048, bound(2048, 2048)), (2048, 2048));
    }
}
