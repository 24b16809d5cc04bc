//! Step 7, `encode`: a variant's file, made from pixels and (when kept) the ICC profile, and
//! nothing else: JPEG for opaque pixels, PNG for pixels that use transparency.

use crate::pixels::{Layout, Pixels};
use crate::ImageKind;

/// Encodes `pixels`; `icc` is embedded when given. Returns the kind and the bytes.
pub(crate) fn encode(
    pixels: &Pixels,
    icc: Option<&[u8]>,
    jpeg_quality: u8,
) -> (ImageKind, Vec<u8>) {
    match pixels.layout {
        Layout::Rgb => (ImageKind::Jpeg, jpeg(pixels, icc, jpeg_quality)),
        Layout::Rgba => (ImageKind::Png, png(pixels, icc)),
    }
}

/// Baseline JPEG, 4:2:0, optimized Huffman tables (as sharp's defaults: quality 80, 4:2:0).
fn jpeg(pixels: &Pixels, icc: Option<&[u8]>, quality: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(pixels.data.len() / 8);
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality.clamp(1, 100));
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    encoder.set_optimized_huffman_tables(true);
    if let Some(icc) = icc {
        encoder
            .add_icc_profile(icc)
            .expect("a profile under the limit fits in APP2 chunks");
    }
    // Variants are at most the display bound, far below JPEG's 65,535-pixel sides.
    encoder
        .encode(
            &pixels.data,
            pixels.width as u16,
            pixels.height as u16,
            jpeg_encoder::ColorType::Rgb,
        )
        .expect("an in-memory JPEG of a valid size");
    out
}

/// 8-bit RGBA PNG, adaptive filters, with the ICC profile in iCCP.
fn png(pixels: &Pixels, icc: Option<&[u8]>) -> Vec<u8> {
    let mut out = Vec::with_capacity(pixels.data.len() / 2);
    let mut info = png::Info::with_size(pixels.width, pixels.height);
    info.color_type = png::ColorType::Rgba;
    info.bit_depth = png::BitDepth::Eight;
    info.icc_profile = icc.map(|p| std::borrow::Cow::Owned(p.to_vec()));
    let mut encoder = png::Encoder::with_info(&mut out, info).expect("a valid PNG header");
    encoder.set_compression(png::Compression::Balanced);
    let mut writer = encoder.write_header().expect("an in-memory PNG");
    writer
        .write_image_data(&pixels.data)
        .expect("the buffer matches its size");
    writer.finish().expect("an in-memory PNG");
    out
}
