//! Step 5, `orient`: the EXIF orientation applied to the pixels. It is applied to each
//! variant after resizing, not to the source: scaling commutes with flips and quarter turns,
//! so the result is the same and the full-size image is never copied.

use crate::pixels::Pixels;

/// Whether orientation `o` (1 to 8) swaps width and height (5 to 8 turn by a quarter).
pub(crate) fn transposes(o: u8) -> bool {
    (5..=8).contains(&o)
}

/// `pixels` as displayed under EXIF orientation `o`.
pub(crate) fn apply(pixels: Pixels, o: u8) -> Pixels {
    if !(2..=8).contains(&o) {
        return pixels;
    }
    let (w, h) = (pixels.width as usize, pixels.height as usize);
    let c = pixels.layout.channels();
    let (out_w, out_h) = if transposes(o) { (h, w) } else { (w, h) };
    let mut out = vec![0u8; pixels.data.len()];
    for y in 0..out_h {
        for x in 0..out_w {
            // Which stored pixel shows at (x, y).
            let (sx, sy) = match o {
                2 => (w - 1 - x, y),
                3 => (w - 1 - x, h - 1 - y),
                4 => (x, h - 1 - y),
                5 => (y, x),
                6 => (y, h - 1 - x),
                7 => (w - 1 - y, h - 1 - x),
                _ => (w - 1 - y, x), // 8
            };
            let from = (sy * w + sx) * c;
            let to = (y * out_w + x) * c;
            out[to..to + c].copy_from_slice(&pixels.data[from..from + c]);
        }
    }
    Pixels {
        width: out_w as u32,
        height: out_h as u32,
        layout: pixels.layout,
        data: out,
    }
}
