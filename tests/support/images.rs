//! Images the tests make (with the codecs' own encoders, and by hand where an encoder cannot:
//! EXIF, XMP, ICC segments, interlaced and 16-bit PNGs, bombs), and the properties every
//! variant `presigner_images::process` makes must have. tests/images.rs and the `images` fuzz
//! target use them.

use presigner_images::{
    process, DeclaredType, IccOutcome, ImageKind, Processed, Refusal, Settings, VariantName,
};

/// Bytes no variant may contain: EXIF and XMP headers, and the markers the tests hide in
/// metadata (a GPS-like description, a comment, an XMP payload, PNG text, HTML after the end).
pub const FORBIDDEN: &[&[u8]] = &[
    b"Exif\0",
    b"http://ns.adobe.com",
    b"SECRET-GPS-48.8584N",
    b"SECRET-COMMENT",
    b"SECRET-XMP",
    b"SECRET-TEXT",
    b"<html>",
];

/// `w`x`h` RGB pixels from `f(x, y)`.
pub fn rgb(w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
    (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .flat_map(|(x, y)| f(x, y))
        .collect()
}

/// `w`x`h` RGBA pixels from `f(x, y)`.
pub fn rgba(w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 4]) -> Vec<u8> {
    (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .flat_map(|(x, y)| f(x, y))
        .collect()
}

/// Four quadrants: red top-left, green top-right, blue bottom-left, white bottom-right.
pub fn quadrants(w: u32, h: u32) -> impl Fn(u32, u32) -> [u8; 3] {
    move |x, y| match (x < w / 2, y < h / 2) {
        (true, true) => [255, 0, 0],
        (false, true) => [0, 255, 0],
        (true, false) => [0, 0, 255],
        (false, false) => [255, 255, 255],
    }
}

/// A baseline (or progressive) 4:2:0 JPEG of RGB pixels.
pub fn jpeg(w: u32, h: u32, pixels: &[u8], progressive: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = jpeg_encoder::Encoder::new(&mut out, 90);
    e.set_progressive(progressive);
    e.encode(pixels, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}

/// A CMYK JPEG (Adobe APP14), from CMYK ink amounts.
pub fn cmyk_jpeg(w: u32, h: u32, inks: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let e = jpeg_encoder::Encoder::new(&mut out, 90);
    e.encode(inks, w as u16, h as u16, jpeg_encoder::ColorType::Cmyk)
        .unwrap();
    out
}

/// `jpeg` with `segments` (marker, payload) inserted right after SOI.
pub fn with_segments(jpeg: &[u8], segments: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    for (marker, payload) in segments {
        out.extend([0xFF, *marker]);
        out.extend(((payload.len() + 2) as u16).to_be_bytes());
        out.extend(payload);
    }
    out.extend(&jpeg[2..]);
    out
}

/// A little-endian TIFF block: IFD0 with the orientation, an ImageDescription holding the
/// GPS-like secret, and a GPSInfo directory with a latitude reference.
pub fn exif_tiff(orientation: u16) -> Vec<u8> {
    let text = b"SECRET-GPS-48.8584N\0";
    let mut t = b"II*\0".to_vec();
    t.extend(8u32.to_le_bytes());
    let ifd0_len = 2 + 3 * 12 + 4;
    let text_at = 8 + ifd0_len;
    let gps_at = text_at + text.len();
    t.extend(3u16.to_le_bytes());
    // ImageDescription, ASCII.
    t.extend(0x010Eu16.to_le_bytes());
    t.extend(2u16.to_le_bytes());
    t.extend((text.len() as u32).to_le_bytes());
    t.extend((text_at as u32).to_le_bytes());
    // Orientation, SHORT.
    t.extend(0x0112u16.to_le_bytes());
    t.extend(3u16.to_le_bytes());
    t.extend(1u32.to_le_bytes());
    t.extend(orientation.to_le_bytes());
    t.extend(0u16.to_le_bytes());
    // GPSInfo, LONG offset.
    t.extend(0x8825u16.to_le_bytes());
    t.extend(4u16.to_le_bytes());
    t.extend(1u32.to_le_bytes());
    t.extend((gps_at as u32).to_le_bytes());
    t.extend(0u32.to_le_bytes());
    t.extend(text);
    // GPS IFD: GPSLatitudeRef "N".
    t.extend(1u16.to_le_bytes());
    t.extend(1u16.to_le_bytes());
    t.extend(2u16.to_le_bytes());
    t.extend(2u32.to_le_bytes());
    t.extend(*b"N\0\0\0");
    t.extend(0u32.to_le_bytes());
    t
}

/// JPEG APP1 payload: `Exif\0\0` and the TIFF block.
pub fn exif_app1(orientation: u16) -> Vec<u8> {
    let mut p = b"Exif\0\0".to_vec();
    p.extend(exif_tiff(orientation));
    p
}

/// JPEG APP1 payload: an XMP packet.
pub fn xmp_app1() -> Vec<u8> {
    let mut p = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    p.extend(b"<x:xmpmeta><rdf:Description>SECRET-XMP</rdf:Description></x:xmpmeta>");
    p
}

/// A minimal, well-formed ICC profile header (128 bytes, no tags) for `space` (`RGB `,
/// `CMYK`, `GRAY`), with a recognisable description in the reserved bytes.
pub fn icc_profile(space: &[u8; 4]) -> Vec<u8> {
    let mut p = vec![0u8; 132];
    p[0..4].copy_from_slice(&132u32.to_be_bytes());
    p[12..16].copy_from_slice(b"mntr");
    p[16..20].copy_from_slice(space);
    p[20..24].copy_from_slice(b"XYZ ");
    p[36..40].copy_from_slice(b"acsp");
    p[100..116].copy_from_slice(b"TEST-ICC-PROFILE");
    p
}

/// JPEG APP2 payload: a one-chunk ICC profile.
pub fn icc_app2(profile: &[u8]) -> Vec<u8> {
    let mut p = b"ICC_PROFILE\0\x01\x01".to_vec();
    p.extend(profile);
    p
}

/// The CRC-32 of PNG chunks (ISO 3309), bit by bit: independent of the codecs under test.
pub fn crc32(parts: &[&[u8]]) -> u32 {
    let mut crc = !0u32;
    for part in parts {
        for &b in *part {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
    }
    !crc
}

/// A PNG chunk.
pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend(kind);
    c.extend(data);
    c.extend(crc32(&[kind, data]).to_be_bytes());
    c
}

/// zlib of `data` in stored (uncompressed) deflate blocks: a valid stream with no compressor.
pub fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = if data.is_empty() {
        vec![&[][..]]
    } else {
        data.chunks(65_535).collect()
    };
    for (i, block) in blocks.iter().enumerate() {
        z.push(u8::from(i + 1 == blocks.len()));
        z.extend((block.len() as u16).to_le_bytes());
        z.extend((!(block.len() as u16)).to_le_bytes());
        z.extend(*block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    z.extend(((b << 16) | a).to_be_bytes());
    z
}

/// A PNG made by hand: IHDR for `w`x`h` of `color_type` at `depth` bits, `interlaced` (Adam7)
/// or not, from `sample(x, y)` giving each pixel's bytes, with `extra` chunks before IDAT.
pub fn png_by_hand(
    w: u32,
    h: u32,
    depth: u8,
    color_type: u8,
    interlaced: bool,
    extra: &[Vec<u8>],
    sample: impl Fn(u32, u32) -> Vec<u8>,
) -> Vec<u8> {
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([depth, color_type, 0, 0, u8::from(interlaced)]);
    // (x0, y0, dx, dy) of each Adam7 pass, or one pass over every pixel.
    let passes: &[(u32, u32, u32, u32)] = if interlaced {
        &[
            (0, 0, 8, 8),
            (4, 0, 8, 8),
            (0, 4, 4, 8),
            (2, 0, 4, 4),
            (0, 2, 2, 4),
            (1, 0, 2, 2),
            (0, 1, 1, 2),
        ]
    } else {
        &[(0, 0, 1, 1)]
    };
    let mut raw = Vec::new();
    for &(x0, y0, dx, dy) in passes {
        if x0 >= w || y0 >= h {
            continue;
        }
        for y in (y0..h).step_by(dy as usize) {
            raw.push(0); // filter: none
            for x in (x0..w).step_by(dx as usize) {
                raw.extend(sample(x, y));
            }
        }
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(png_chunk(b"IHDR", &ihdr));
    for chunk in extra {
        png.extend(chunk);
    }
    png.extend(png_chunk(b"IDAT", &zlib_stored(&raw)));
    png.extend(png_chunk(b"IEND", &[]));
    png
}

/// An 8-bit RGBA PNG from the png crate.
pub fn png_rgba(w: u32, h: u32, pixels: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = png::Encoder::new(&mut out, w, h);
    e.set_color(png::ColorType::Rgba);
    e.set_depth(png::BitDepth::Eight);
    let mut writer = e.write_header().unwrap();
    writer.write_image_data(pixels).unwrap();
    writer.finish().unwrap();
    out
}

/// A lossless WebP (image-webp's encoder), RGBA.
pub fn webp_rgba(
    w: u32,
    h: u32,
    pixels: &[u8],
    exif: Option<Vec<u8>>,
    icc: Option<Vec<u8>>,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = image_webp::WebPEncoder::new(&mut out);
    if let Some(exif) = exif {
        e.set_exif_metadata(exif);
    }
    if let Some(icc) = icc {
        e.set_icc_profile(icc);
    }
    e.encode(pixels, w, h, image_webp::ColorType::Rgba8)
        .unwrap();
    out
}

/// A GIF of `frames`, each a full-screen frame of one palette colour, with a comment.
pub fn animated_gif(w: u16, h: u16, colors: &[[u8; 3]]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let palette: Vec<u8> = colors.iter().flatten().copied().collect();
        let mut e = gif::Encoder::new(&mut out, w, h, &palette).unwrap();
        e.set_repeat(gif::Repeat::Infinite).unwrap();
        for i in 0..colors.len() {
            let mut frame = gif::Frame::from_palette_pixels(
                w,
                h,
                vec![i as u8; usize::from(w) * usize::from(h)],
                palette.clone(),
                None,
            );
            frame.delay = 10;
            e.write_frame(&frame).unwrap();
        }
    }
    // A comment extension before the trailer.
    let trailer = out.pop();
    assert_eq!(trailer, Some(0x3B));
    out.extend([0x21, 0xFE, 14]);
    out.extend(b"SECRET-COMMENT");
    out.extend([0, 0x3B]);
    out
}

/// A GIF by hand: a `w`x`h` screen and `frames` descriptors of `fw`x`fh`, each with a
/// one-pixel LZW stream; the frames' areas need not match their data (a bomb's shape).
pub fn gif_frames(w: u16, h: u16, frames: u32, fw: u16, fh: u16) -> Vec<u8> {
    let mut g = b"GIF89a".to_vec();
    g.extend(w.to_le_bytes());
    g.extend(h.to_le_bytes());
    g.extend([0x80, 0, 0]); // a 2-colour global table
    g.extend([0, 0, 0, 255, 255, 255]);
    for _ in 0..frames {
        g.push(0x2C);
        g.extend([0, 0, 0, 0]);
        g.extend(fw.to_le_bytes());
        g.extend(fh.to_le_bytes());
        g.push(0);
        g.extend([2, 2, 0x44, 0x01, 0]); // min code size 2; clear, 0, end
    }
    g.push(0x3B);
    g
}

/// Decodes a variant with the decoders the tests trust: (width, height, RGBA pixels, ICC).
pub fn decode_variant(kind: ImageKind, bytes: &[u8]) -> (u32, u32, Vec<u8>, Option<Vec<u8>>) {
    match kind {
        ImageKind::Jpeg => {
            let mut d = jpeg_decoder::Decoder::new(bytes);
            let data = d.decode().expect("a variant JPEG decodes");
            let info = d.info().unwrap();
            assert_eq!(info.pixel_format, jpeg_decoder::PixelFormat::RGB24);
            let rgba = data
                .chunks_exact(3)
                .flat_map(|p| [p[0], p[1], p[2], 255])
                .collect();
            (
                u32::from(info.width),
                u32::from(info.height),
                rgba,
                d.icc_profile(),
            )
        }
        ImageKind::Png => {
            let mut d = png::Decoder::new(std::io::Cursor::new(bytes))
                .read_info()
                .expect("a variant PNG reads");
            let mut data = vec![0; d.output_buffer_size().unwrap()];
            let info = d.next_frame(&mut data).expect("a variant PNG decodes");
            assert_eq!(
                (info.color_type, info.bit_depth),
                (png::ColorType::Rgba, png::BitDepth::Eight)
            );
            let icc = d.info().icc_profile.as_ref().map(|p| p.to_vec());
            (info.width, info.height, data, icc)
        }
        other => panic!("a variant is JPEG or PNG, not {other}"),
    }
}

/// The blocks of a variant: a JPEG's markers (APPn with the start of their payload) or a
/// PNG's chunk types, and the bytes after its end.
pub fn blocks(kind: ImageKind, bytes: &[u8]) -> (Vec<String>, usize) {
    let mut names = Vec::new();
    match kind {
        ImageKind::Jpeg => {
            let mut pos = 2;
            loop {
                assert_eq!(bytes[pos], 0xFF, "a marker at {pos}");
                let marker = bytes[pos + 1];
                if marker == 0xD9 {
                    return (names, bytes.len() - pos - 2);
                }
                let len = usize::from(u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]));
                let payload = &bytes[pos + 4..pos + 2 + len];
                let id: String = payload
                    .iter()
                    .take(11)
                    .map(|&b| if b.is_ascii_graphic() { b as char } else { '.' })
                    .collect();
                names.push(format!(
                    "{marker:02X}{}",
                    if (0xE0..=0xEF).contains(&marker) || marker == 0xFE {
                        format!(":{id}")
                    } else {
                        String::new()
                    }
                ));
                pos += 2 + len;
                if marker == 0xDA {
                    // Skip the entropy-coded data to the next marker.
                    while !(bytes[pos] == 0xFF
                        && bytes[pos + 1] != 0
                        && !(0xD0..=0xD7).contains(&bytes[pos + 1]))
                    {
                        pos += 1;
                    }
                }
            }
        }
        ImageKind::Png => {
            let mut pos = 8;
            loop {
                let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
                let kind = String::from_utf8_lossy(&bytes[pos + 4..pos + 8]).into_owned();
                pos += 12 + len;
                let end = kind == "IEND";
                names.push(kind);
                if end {
                    return (names, bytes.len() - pos);
                }
            }
        }
        other => panic!("a variant is JPEG or PNG, not {other}"),
    }
}

/// The properties of every variant: two, thumbnail then display; each decodes to its stated
/// size, within its bound and the source's size; both JPEG or both PNG, a PNG at the source's
/// size with real transparency; made of the encoder's blocks only (JFIF, the ICC profile, tables, frame,
/// scan / IHDR, iCCP, IDAT, IEND), nothing after its end, no forbidden bytes; the ICC profile
/// in it exactly when `icc` says kept.
pub fn check_variants(processed: &Processed, settings: &Settings, icc: Option<&[u8]>) {
    assert_eq!(processed.variants.len(), 2);
    assert_eq!(processed.variants[0].name, VariantName::Thumb);
    assert_eq!(processed.variants[1].name, VariantName::Display);
    for (variant, bound) in processed
        .variants
        .iter()
        .zip([settings.thumb, settings.display])
    {
        let (w, h, pixels, found_icc) = decode_variant(variant.kind, &variant.bytes);
        assert_eq!((w, h), (variant.width, variant.height), "{variant:?}");
        assert!(
            w >= 1 && h >= 1 && w <= bound.max_width && h <= bound.max_height,
            "{variant:?}"
        );
        assert!(
            w <= processed.width && h <= processed.height,
            "never upscaled: {variant:?}"
        );
        // The longer side is at its bound, or the image is smaller than the bound.
        assert!(
            w == bound.max_width
                || h == bound.max_height
                || (w, h) == (processed.width, processed.height),
            "{variant:?} of {}x{}",
            processed.width,
            processed.height
        );
        // The format is decided once, from the source's pixels: a few transparent pixels may
        // average away in a thumbnail (a fuzz find, tests/fuzz-regressions/images/), but a
        // PNG at the source's own size shows the transparency that made it one.
        assert_eq!(
            variant.kind, processed.variants[0].kind,
            "one format for both variants"
        );
        if variant.kind == ImageKind::Png && (w, h) == (processed.width, processed.height) {
            assert!(
                pixels.chunks_exact(4).any(|p| p[3] != 255),
                "a PNG variant uses its alpha: {variant:?}"
            );
        }
        let (names, trailing) = blocks(variant.kind, &variant.bytes);
        assert_eq!(trailing, 0, "bytes after the end of {variant:?}");
        for name in &names {
            let allowed = match variant.kind {
                ImageKind::Jpeg => {
                    name.starts_with("E0:JFIF")
                        || name.starts_with("E2:ICC_PROFILE")
                        || ["DB", "C0", "C4", "DA", "DD"].contains(&name.as_str())
                }
                _ => ["IHDR", "iCCP", "IDAT", "IEND"].contains(&name.as_str()),
            };
            assert!(allowed, "block {name} in {variant:?}");
        }
        // (A kept profile is the uploader's own bytes and may hold anything; the blocks above
        // already confine it to APP2 / iCCP.)
        for needle in FORBIDDEN.iter().filter(|_| icc.is_none()) {
            assert!(
                !variant.bytes.windows(needle.len()).any(|w| w == *needle),
                "{:?} in {variant:?}",
                String::from_utf8_lossy(needle)
            );
        }
        match processed.icc {
            IccOutcome::Kept => assert_eq!(
                found_icc.as_deref(),
                icc,
                "the ICC profile kept byte for byte"
            ),
            IccOutcome::Absent | IccOutcome::Dropped => assert_eq!(found_icc, None),
        }
    }
}

/// The settings the fuzz target runs with: the defaults scaled down (pixel limits of 256x256,
/// variants of 32x64 and 128x128), so that an input costs a millisecond, not a second, and the
/// fuzzer explores the code rather than waits on big decodes. Every path still runs: the
/// limit checks are the same code at any number, and images larger than a bound are resized.
pub fn fuzz_settings() -> Settings {
    let mut s = Settings::default();
    s.limits.max_pixels = 1 << 16;
    s.limits.max_pixels_jpeg = 1 << 17;
    s.limits.max_progressive_jpeg_bytes = 1 << 19;
    s.limits.max_animation_canvas = 1 << 16;
    s.limits.max_animation_pixels = 1 << 18;
    s.limits.max_frames = 64;
    s.thumb = presigner_images::VariantSize {
        max_width: 32,
        max_height: 64,
    };
    s.display = presigner_images::VariantSize {
        max_width: 128,
        max_height: 128,
    };
    s
}

/// The fuzz target's property, for any input: the first byte picks the declared type, the rest
/// are the upload. `process` returns (never panics); a refusal has a code and a message that
/// quotes no bytes of the input; variants keep every property of `check_variants`, and the ICC
/// profile is kept only when it is the input's, byte for byte.
pub fn check_image(data: &[u8]) {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let declared = DeclaredType::from(
        [
            ImageKind::Png,
            ImageKind::Jpeg,
            ImageKind::Gif,
            ImageKind::WebP,
        ][usize::from(selector % 4)],
    );
    let settings = fuzz_settings();
    match process(bytes, declared, &settings) {
        Ok(processed) => {
            // The kept profile, whatever it is, must be bytes of the input.
            let kept = match processed.icc {
                IccOutcome::Kept => {
                    let v = &processed.variants[1];
                    let icc = decode_variant(v.kind, &v.bytes)
                        .3
                        .expect("a kept profile is embedded");
                    if declared.kind() != ImageKind::Png {
                        assert!(
                            bytes
                                .windows(icc.len().min(64))
                                .any(|w| w == &icc[..icc.len().min(64)]),
                            "the profile comes from the input"
                        );
                    }
                    Some(icc)
                }
                _ => None,
            };
            check_variants(&processed, &settings, kept.as_deref());
        }
        Err(refusal) => check_refusal(&refusal),
    }
}

/// A refusal has a code and a one-line message.
pub fn check_refusal(refusal: &Refusal) {
    assert!(!refusal.code().is_empty());
    let message = refusal.to_string();
    assert!(
        !message.is_empty() && !message.contains('\n'),
        "{message:?}"
    );
}
