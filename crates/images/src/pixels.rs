//! Decoded pixels: 8-bit RGB or RGBA, row after row, nothing else of the input.

/// The channels of a pixel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// Red, green, blue: an opaque image.
    Rgb,
    /// Red, green, blue, alpha (straight, not premultiplied).
    Rgba,
}

impl Layout {
    pub fn channels(self) -> usize {
        match self {
            Layout::Rgb => 3,
            Layout::Rgba => 4,
        }
    }
}

/// An image's pixels.
pub(crate) struct Pixels {
    pub width: u32,
    pub height: u32,
    pub layout: Layout,
    pub data: Vec<u8>,
}

impl Pixels {
    /// An RGBA image whose every pixel is opaque becomes RGB, in place: its variants are
    /// JPEGs, not PNGs that carry an alpha channel of 255s.
    pub fn drop_opaque_alpha(&mut self) {
        if self.layout != Layout::Rgba || self.data.chunks_exact(4).any(|p| p[3] != 255) {
            return;
        }
        let pixels = self.data.len() / 4;
        for i in 0..pixels {
            self.data.copy_within(i * 4..i * 4 + 3, i * 3);
        }
        self.data.truncate(pixels * 3);
        self.layout = Layout::Rgb;
    }
}

/// Widens, in place, `count` pixels of `from` channels at the start of `data` to `to`
/// channels (grey to RGB, grey+alpha to RGBA, RGB to RGBA), working from the last pixel back
/// so nothing is overwritten before it is read. `data` must already be `count * to` long.
pub(crate) fn widen_in_place(data: &mut [u8], count: usize, from: usize, to: usize) {
    debug_assert!(data.len() >= count * to && from <= to);
    for i in (0..count).rev() {
        let src = i * from;
        let dst = i * to;
        let mut pixel = [255u8; 4];
        match from {
            1 => pixel[..3].fill(data[src]),
            2 => {
                pixel[..3].fill(data[src]);
                pixel[3] = data[src + 1];
            }
            _ => pixel[..from].copy_from_slice(&data[src..src + from]),
        }
        data[dst..dst + to].copy_from_slice(&pixel[..to]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widens_grey_and_grey_alpha_and_rgb() {
        let mut grey = vec![10, 20, 0, 0, 0, 0];
        widen_in_place(&mut grey, 2, 1, 3);
        assert_eq!(grey, [10, 10, 10, 20, 20, 20]);
        let mut grey_alpha = vec![10, 1, 20, 2, 0, 0, 0, 0];
        widen_in_place(&mut grey_alpha, 2, 2, 4);
        assert_eq!(grey_alpha, [10, 10, 10, 1, 20, 20, 20, 2]);
        let mut rgb = vec![1, 2, 3, 4, 5, 6, 0, 0];
        widen_in_place(&mut rgb, 2, 3, 4);
        assert_eq!(rgb, [1, 2, 3, 255, 4, 5, 6, 255]);
    }

    #[test]
    fn opaque_alpha_is_dropped_and_real_alpha_kept() {
        let mut opaque = Pixels {
            width: 2,
            height: 1,
            layout: Layout::Rgba,
            data: vec![1, 2, 3, 255, 4, 5, 6, 255],
        };
        opaque.drop_opaque_alpha();
        assert_eq!(
            (opaque.layout, opaque.data),
            (Layout::Rgb, vec![1, 2, 3, 4, 5, 6])
        );
        let mut clear = Pixels {
            width: 2,
            height: 1,
            layout: Layout::Rgba,
            data: vec![1, 2, 3, 255, 4, 5, 6, 0],
        };
        clear.drop_opaque_alpha();
        assert_eq!(clear.layout, Layout::Rgba);
    }
}
