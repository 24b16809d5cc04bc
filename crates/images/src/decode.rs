//! Step 4, strict decode: the kind's decoder, told a memory ceiling of its own, runs to the
//! end of the image (every frame of a GIF, the first of an animated WebP, a PNG's chunks to
//! IEND), and any error,
//! truncation included, refuses the image. Out come 8-bit RGB or RGBA pixels and the ICC
//! profile; nothing else of the input.

use std::io::Cursor;

use crate::pixels::{widen_in_place, Layout, Pixels};
use crate::{ImageKind, Refusal};

/// What any decoder may allocate for itself, as a second line behind the header limits
/// (which admit at most 33 Mpx of RGBA, 133 MB, for the kinds decoded at full size).
const DECODER_BUDGET: usize = 160 * 1024 * 1024;

/// Decoded pixels (a JPEG's possibly at 1/2, 1/4 or 1/8 of its size) and the ICC profile the
/// file carried.
pub(crate) struct Decoded {
    pub pixels: Pixels,
    pub icc: Option<Vec<u8>>,
}

impl Decoded {
    fn new(
        width: u32,
        height: u32,
        layout: Layout,
        data: Vec<u8>,
        icc: Option<Vec<u8>>,
    ) -> Decoded {
        Decoded {
            pixels: Pixels {
                width,
                height,
                layout,
                data,
            },
            icc,
        }
    }
}

/// Decodes `bytes` (already sniffed and walked). A JPEG is decoded at the smallest DCT scale
/// that is still at least `at_least` (width, height, in stored orientation).
pub(crate) fn decode(
    kind: ImageKind,
    bytes: &[u8],
    at_least: (u32, u32),
) -> Result<Decoded, Refusal> {
    match kind {
        ImageKind::Jpeg => jpeg(bytes, at_least),
        ImageKind::Png => png(bytes),
        ImageKind::Gif => gif(bytes),
        ImageKind::WebP => webp(bytes),
    }
}

fn undecodable(kind: ImageKind, reason: &'static str) -> Refusal {
    Refusal::Undecodable { kind, reason }
}

fn io_refusal(kind: ImageKind, error: &std::io::Error) -> Refusal {
    if error.kind() == std::io::ErrorKind::UnexpectedEof {
        Refusal::Truncated { kind }
    } else {
        undecodable(kind, "an I/O error while reading")
    }
}

fn jpeg(bytes: &[u8], at_least: (u32, u32)) -> Result<Decoded, Refusal> {
    const KIND: ImageKind = ImageKind::Jpeg;
    let refusal = |error: jpeg_decoder::Error| match error {
        jpeg_decoder::Error::Io(e) => io_refusal(KIND, &e),
        jpeg_decoder::Error::Unsupported(_) => Refusal::Unsupported {
            kind: KIND,
            feature: "a coding feature jpeg-decoder does not support",
        },
        _ => undecodable(KIND, "corrupt data"),
    };
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.set_max_decoding_buffer_size(DECODER_BUDGET);
    decoder.read_info().map_err(refusal)?;
    let clamp = |side: u32| u16::try_from(side.max(1)).unwrap_or(u16::MAX);
    decoder
        .scale(clamp(at_least.0), clamp(at_least.1))
        .map_err(refusal)?;
    let mut data = decoder.decode().map_err(refusal)?;
    let info = decoder.info().ok_or(undecodable(KIND, "no frame"))?;
    let icc = decoder.icc_profile();
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    let count = width as usize * height as usize;
    use jpeg_decoder::PixelFormat;
    match info.pixel_format {
        PixelFormat::RGB24 => {}
        PixelFormat::L8 => {
            data.resize(count * 3, 0);
            widen_in_place(&mut data, count, 1, 3);
        }
        PixelFormat::L16 => {
            // Big-endian 16-bit grey: keep the high byte.
            for i in 0..count {
                data[i] = data[i * 2];
            }
            data.resize(count * 3, 0);
            widen_in_place(&mut data, count, 1, 3);
        }
        PixelFormat::CMYK32 => {
            // jpeg-decoder hands back ink amounts (Adobe's inversion already undone); a
            // naive conversion, as browsers do without a CMYK profile.
            for i in 0..count {
                let p = &data[i * 4..i * 4 + 4];
                let k = 255 - u32::from(p[3]);
                let rgb = [p[0], p[1], p[2]].map(|ink| ((255 - u32::from(ink)) * k / 255) as u8);
                data[i * 3..i * 3 + 3].copy_from_slice(&rgb);
            }
            data.truncate(count * 3);
        }
    }
    if data.len() != count * 3 {
        return Err(undecodable(KIND, "fewer pixels than its frame header says"));
    }
    Ok(Decoded::new(width, height, Layout::Rgb, data, icc))
}

fn png(bytes: &[u8]) -> Result<Decoded, Refusal> {
    const KIND: ImageKind = ImageKind::Png;
    let refusal = |error: png::DecodingError| match error {
        png::DecodingError::IoError(e) => io_refusal(KIND, &e),
        png::DecodingError::LimitsExceeded => undecodable(KIND, "over the decoder's memory budget"),
        _ => undecodable(KIND, "corrupt data"),
    };
    let mut decoder = png::Decoder::new_with_limits(
        Cursor::new(bytes),
        png::Limits {
            bytes: DECODER_BUDGET,
        },
    );
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    decoder.set_ignore_text_chunk(true);
    let mut reader = decoder.read_info().map_err(refusal)?;
    let (color, _) = reader.output_color_type();
    let (from, layout) = match color {
        png::ColorType::Grayscale => (1, Layout::Rgb),
        png::ColorType::GrayscaleAlpha => (2, Layout::Rgba),
        png::ColorType::Rgb => (3, Layout::Rgb),
        png::ColorType::Rgba => (4, Layout::Rgba),
        png::ColorType::Indexed => return Err(undecodable(KIND, "a palette left unexpanded")),
    };
    let size = reader
        .output_buffer_size()
        .ok_or(undecodable(KIND, "too large"))?;
    let info = reader.info();
    let (width, height) = (info.width, info.height);
    let count = width as usize * height as usize;
    // One buffer at the final size: decoded into its start, widened in place.
    let mut data = vec![0u8; count * layout.channels()];
    if size > data.len() {
        return Err(undecodable(KIND, "an output larger than its header says"));
    }
    reader.next_frame(&mut data[..size]).map_err(refusal)?;
    let icc = reader.info().icc_profile.as_ref().map(|p| p.to_vec());
    reader.finish().map_err(refusal)?;
    widen_in_place(&mut data, count, from, layout.channels());
    Ok(Decoded::new(width, height, layout, data, icc))
}

fn gif(bytes: &[u8]) -> Result<Decoded, Refusal> {
    const KIND: ImageKind = ImageKind::Gif;
    let refusal = |error: gif::DecodingError| match error {
        gif::DecodingError::Io(e) => io_refusal(KIND, &e),
        gif::DecodingError::MemoryLimit => undecodable(KIND, "over the decoder's memory budget"),
        _ => undecodable(KIND, "corrupt data"),
    };
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::Indexed);
    options.set_memory_limit(gif::MemoryLimit::Bytes(
        std::num::NonZeroU64::new(DECODER_BUDGET as u64).expect("not zero"),
    ));
    let mut decoder = options.read_info(Cursor::new(bytes)).map_err(refusal)?;
    let (width, height) = (u32::from(decoder.width()), u32::from(decoder.height()));
    let global = decoder.global_palette().map(<[u8]>::to_vec);
    // The still: the first frame drawn on a transparent canvas the size of the screen.
    let mut data = vec![0u8; width as usize * height as usize * 4];
    let frame = decoder
        .read_next_frame()
        .map_err(refusal)?
        .ok_or(undecodable(KIND, "no frame"))?;
    let palette = frame
        .palette
        .as_deref()
        .or(global.as_deref())
        .ok_or(undecodable(KIND, "a frame without a colour table"))?;
    for y in 0..usize::from(frame.height) {
        let canvas_y = usize::from(frame.top) + y;
        if canvas_y >= height as usize {
            break;
        }
        for x in 0..usize::from(frame.width) {
            let canvas_x = usize::from(frame.left) + x;
            if canvas_x >= width as usize {
                break;
            }
            let Some(&index) = frame.buffer.get(y * usize::from(frame.width) + x) else {
                return Err(undecodable(KIND, "a frame with fewer pixels than its size"));
            };
            if Some(index) == frame.transparent {
                continue;
            }
            let at = usize::from(index) * 3;
            let Some(rgb) = palette.get(at..at + 3) else {
                continue;
            };
            let out = (canvas_y * width as usize + canvas_x) * 4;
            data[out..out + 3].copy_from_slice(rgb);
            data[out + 3] = 255;
        }
    }
    // The other frames are decoded (into the decoder's one reused buffer) only to prove the
    // file decodes to its end.
    while decoder.read_next_frame().map_err(refusal)?.is_some() {}
    Ok(Decoded::new(width, height, Layout::Rgba, data, None))
}

fn webp(bytes: &[u8]) -> Result<Decoded, Refusal> {
    const KIND: ImageKind = ImageKind::WebP;
    let refusal = |error: image_webp::DecodingError| match error {
        image_webp::DecodingError::IoError(e) => io_refusal(KIND, &e),
        image_webp::DecodingError::MemoryLimitExceeded => {
            undecodable(KIND, "over the decoder's memory budget")
        }
        _ => undecodable(KIND, "corrupt data"),
    };
    let mut decoder = image_webp::WebPDecoder::new(Cursor::new(bytes)).map_err(refusal)?;
    decoder.set_memory_limit(DECODER_BUDGET);
    let (width, height) = decoder.dimensions();
    let layout = if decoder.has_alpha() {
        Layout::Rgba
    } else {
        Layout::Rgb
    };
    let size = decoder
        .output_buffer_size()
        .ok_or(undecodable(KIND, "too large"))?;
    let mut data = vec![0u8; size];
    // An animation's first frame only (composed on the canvas): the still is all the core
    // keeps, and each further frame would cost a canvas and a frame buffer more (a 4096x4096
    // animation peaked at 302 MiB decoding them all). The header walk has read every frame's
    // chunk structure to the end of the file.
    decoder.read_image(&mut data).map_err(refusal)?;
    let icc = decoder.icc_profile().map_err(refusal)?;
    Ok(Decoded::new(width, height, layout, data, icc))
}
