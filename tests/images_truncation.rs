//! A file cut short and then closed again (a forged ending: a JPEG's end-of-image marker, a PNG's
//! IDAT with a fresh CRC and IEND, a GIF's block terminator and trailer, a WebP's chunk sizes
//! rewritten) must be refused like a plainly truncated one, not decoded with its missing part
//! filled in grey or black. The class is "the coded data does not cover the whole image", so
//! each kind is cut at many points, and a JPEG also at scan boundaries, at restart markers,
//! with a middle scan cut short and the later scans kept, and with extra end markers.

use presigner_images::{process, DeclaredType, ImageKind, Processed, Refusal, Settings};
use presigner_test_support::images::*;

fn run(kind: ImageKind, bytes: &[u8]) -> Result<Processed, Refusal> {
    process(bytes, DeclaredType::from(kind), &Settings::default())
}

fn assert_accepted(kind: ImageKind, bytes: &[u8]) {
    let processed = run(kind, bytes).unwrap_or_else(|r| panic!("{kind} refused: {r}"));
    check_variants(&processed, &Settings::default(), None);
}

fn assert_refused(kind: ImageKind, bytes: &[u8], what: &str) {
    match run(kind, bytes) {
        Ok(_) => panic!("{kind} {what}: accepted"),
        Err(refusal) => {
            check_refusal(&refusal);
            assert!(
                matches!(
                    refusal,
                    Refusal::Truncated { .. }
                        | Refusal::Undecodable { .. }
                        | Refusal::Malformed { .. }
                ),
                "{kind} {what}: {refusal}"
            );
        }
    }
}

/// A picture with detail everywhere, so every block carries coefficients.
fn busy(w: u32, h: u32) -> Vec<u8> {
    rgb(w, h, |x, y| {
        [
            (x * 7 + y * 3) as u8,
            (x ^ y).wrapping_mul(13) as u8,
            ((x * y) >> 3) as u8,
        ]
    })
}

/// Each scan of a JPEG: (where its SOS segment starts, where its entropy-coded data starts,
/// where that data ends, at the next marker that is not a restart marker).
fn jpeg_scans(bytes: &[u8]) -> Vec<(usize, usize, usize)> {
    let mut scans = Vec::new();
    let mut pos = 2;
    while pos + 4 <= bytes.len() {
        assert_eq!(bytes[pos], 0xFF);
        let marker = bytes[pos + 1];
        if marker == 0xD9 {
            break;
        }
        let length = usize::from(u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]));
        let mut end = pos + 2 + length;
        if marker == 0xDA {
            let data = end;
            while !(bytes[end] == 0xFF
                && bytes[end + 1] != 0
                && !(0xD0..=0xD7).contains(&bytes[end + 1]))
            {
                end += 1;
            }
            scans.push((pos, data, end));
        }
        pos = end;
    }
    scans
}

/// `bytes` up to `cut`, then an end-of-image marker.
fn closed_at(bytes: &[u8], cut: usize) -> Vec<u8> {
    let mut forged = bytes[..cut].to_vec();
    forged.extend([0xFF, 0xD9]);
    forged
}

fn cut_points(start: usize, end: usize) -> Vec<usize> {
    let len = end - start;
    let mut cuts: Vec<usize> = [1, 10, 25, 50, 75, 90, 99]
        .iter()
        .map(|percent| start + len * percent / 100)
        .collect();
    cuts.extend([
        start,
        start + 1,
        end.saturating_sub(8),
        end.saturating_sub(2),
    ]);
    cuts.sort_unstable();
    cuts.dedup();
    cuts.retain(|&cut| cut >= start && cut < end);
    cuts
}

fn jpeg_with(w: u32, h: u32, progressive: bool, restart_interval: u16) -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = jpeg_encoder::Encoder::new(&mut out, 90);
    e.set_progressive(progressive);
    if restart_interval > 0 {
        e.set_restart_interval(restart_interval);
    }
    e.encode(
        &busy(w, h),
        w as u16,
        h as u16,
        jpeg_encoder::ColorType::Rgb,
    )
    .unwrap();
    out
}

#[test]
fn a_jpeg_cut_inside_any_scan_and_closed_with_eoi_is_refused() {
    for (progressive, restart) in [(false, 0), (true, 0), (false, 3), (true, 2)] {
        let bytes = jpeg_with(203, 157, progressive, restart);
        assert_accepted(ImageKind::Jpeg, &bytes);
        let scans = jpeg_scans(&bytes);
        assert!(scans.len() >= if progressive { 5 } else { 1 });
        for (i, &(_, start, end)) in scans.iter().enumerate() {
            for cut in cut_points(start, end) {
                let what = format!(
                    "(progressive {progressive}, restart {restart}) cut in scan {i} at {cut} of {start}..{end}, EOI"
                );
                assert_refused(ImageKind::Jpeg, &closed_at(&bytes, cut), &what);
            }
        }
    }
}

#[test]
fn a_jpeg_cut_at_a_restart_marker_and_closed_is_refused() {
    let bytes = jpeg_with(203, 157, false, 2);
    let (_, start, end) = jpeg_scans(&bytes)[0];
    let restarts: Vec<usize> = (start..end - 1)
        .filter(|&i| bytes[i] == 0xFF && (0xD0..=0xD7).contains(&bytes[i + 1]))
        .collect();
    assert!(restarts.len() > 10, "{} restart markers", restarts.len());
    for &at in restarts.iter().step_by(restarts.len() / 7) {
        // Before the marker, and after it (a restart marker then the end).
        assert_refused(ImageKind::Jpeg, &closed_at(&bytes, at), "cut before an RST");
        assert_refused(
            ImageKind::Jpeg,
            &closed_at(&bytes, at + 2),
            "cut after an RST",
        );
    }
    // One whole restart interval (its data and its marker) taken out of the middle.
    let (a, b) = (
        restarts[restarts.len() / 2],
        restarts[restarts.len() / 2 + 1],
    );
    let mut holed = bytes[..a].to_vec();
    holed.extend(&bytes[b..]);
    assert_refused(ImageKind::Jpeg, &holed, "a restart interval removed");
}

#[test]
fn a_progressive_jpeg_missing_scans_or_with_a_short_middle_scan_is_refused() {
    let bytes = jpeg_with(203, 157, true, 0);
    let scans = jpeg_scans(&bytes);
    // Every scan complete, but the later ones missing: the image's coefficients are not all
    // there (a low-resolution or colourless picture).
    for (i, &(sos, _, _)) in scans.iter().enumerate().skip(1) {
        assert_refused(
            ImageKind::Jpeg,
            &closed_at(&bytes, sos),
            &format!("ends before scan {i}"),
        );
    }
    // A middle scan cut short, every later scan kept.
    for (i, &(_, start, end)) in scans.iter().enumerate() {
        for cut in [start + (end - start) / 2, end - 3] {
            let mut forged = bytes[..cut].to_vec();
            forged.extend(&bytes[end..]);
            assert_refused(
                ImageKind::Jpeg,
                &forged,
                &format!("scan {i} cut at {cut}, later scans kept"),
            );
        }
    }
    // A scan left out of the middle.
    for i in 1..scans.len() - 1 {
        let mut forged = bytes[..scans[i].0].to_vec();
        forged.extend(&bytes[scans[i + 1].0..]);
        assert_refused(ImageKind::Jpeg, &forged, &format!("scan {i} left out"));
    }
}

#[test]
fn a_jpeg_with_more_end_markers_is_read_to_its_first() {
    let bytes = jpeg_with(203, 157, false, 0);
    // A whole image and a second EOI (trailing bytes): accepted, the extra bytes dropped.
    let mut doubled = bytes.clone();
    doubled.extend([0xFF, 0xD9]);
    let p = run(ImageKind::Jpeg, &doubled).expect("a whole image with one more EOI");
    assert_eq!(p.removed.trailing_bytes, 2);
    // A cut image, an EOI, then the rest of the image: refused at the first EOI.
    let (_, start, end) = jpeg_scans(&bytes)[0];
    let cut = start + (end - start) / 2;
    let mut forged = closed_at(&bytes, cut);
    forged.extend(&bytes[cut..]);
    assert_refused(ImageKind::Jpeg, &forged, "an EOI in the middle of the scan");
}

#[test]
fn whole_jpegs_of_every_shape_are_accepted() {
    // Sizes that are not multiples of the MCU, one-pixel sides, restart intervals that do
    // not divide the MCU count; CMYK and grey through their own encoders.
    for (w, h) in [
        (1, 1),
        (17, 9),
        (8, 8),
        (16, 16),
        (203, 1),
        (1, 157),
        (257, 130),
    ] {
        for (progressive, restart) in [(false, 0), (true, 0), (false, 1), (false, 7), (true, 5)] {
            assert_accepted(ImageKind::Jpeg, &jpeg_with(w, h, progressive, restart));
        }
    }
    let (w, h) = (77, 45);
    let inks = rgba(w, h, |x, y| [x as u8, y as u8, (x + y) as u8, 20]);
    assert_accepted(ImageKind::Jpeg, &cmyk_jpeg(w, h, &inks));
    for progressive in [false, true] {
        let mut out = Vec::new();
        let mut e = jpeg_encoder::Encoder::new(&mut out, 75);
        e.set_progressive(progressive);
        let grey: Vec<u8> = (0..w * h).map(|i| (i * 5) as u8).collect();
        e.encode(&grey, w as u16, h as u16, jpeg_encoder::ColorType::Luma)
            .unwrap();
        assert_accepted(ImageKind::Jpeg, &out);
    }
}

/// A PNG's chunks: (type, data).
fn png_chunks(bytes: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    let mut chunks = Vec::new();
    let mut pos = 8;
    while pos < bytes.len() {
        let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
        let kind: [u8; 4] = bytes[pos + 4..pos + 8].try_into().unwrap();
        chunks.push((kind, bytes[pos + 8..pos + 8 + len].to_vec()));
        pos += 12 + len;
    }
    chunks
}

#[test]
fn a_png_whose_image_data_ends_early_is_refused() {
    let (w, h) = (203, 157);
    let pixels = rgba(w, h, |x, y| {
        [(x * 7) as u8, (y * 5) as u8, (x ^ y) as u8, 200]
    });
    let bytes = png_rgba(w, h, &pixels);
    assert_accepted(ImageKind::Png, &bytes);
    let chunks = png_chunks(&bytes);
    let idat: Vec<u8> = chunks
        .iter()
        .filter(|(k, _)| k == b"IDAT")
        .flat_map(|(_, d)| d.clone())
        .collect();
    let ihdr = &chunks[0].1;
    let rebuilt = |data: &[u8]| {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(png_chunk(b"IHDR", ihdr));
        png.extend(png_chunk(b"IDAT", data));
        png.extend(png_chunk(b"IEND", &[]));
        png
    };
    assert_accepted(ImageKind::Png, &rebuilt(&idat));
    // The compressed stream cut, its chunk closed with a right CRC, then IEND. (Only the
    // deflate data: without its last 4 bytes, the zlib checksum, every pixel is still there,
    // and the png crate does not check it.)
    for cut in cut_points(0, idat.len() - 4) {
        assert_refused(
            ImageKind::Png,
            &rebuilt(&idat[..cut]),
            &format!("IDAT cut at {cut} of {}", idat.len()),
        );
    }
    // A whole zlib stream that holds only some of the rows (and, interlaced, some passes).
    for interlaced in [false, true] {
        let whole = png_by_hand(40, 30, 8, 2, interlaced, &[], |x, y| {
            vec![x as u8, y as u8, 7]
        });
        assert_accepted(ImageKind::Png, &whole);
        let raw_rows = 30 * (1 + 40 * 3);
        for rows in [0, 1, raw_rows / 2, raw_rows - 1] {
            let raw = vec![0u8; rows];
            let chunks = png_chunks(&whole);
            let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
            png.extend(png_chunk(b"IHDR", &chunks[0].1));
            png.extend(png_chunk(b"IDAT", &zlib_stored(&raw)));
            png.extend(png_chunk(b"IEND", &[]));
            assert_refused(
                ImageKind::Png,
                &png,
                &format!("a whole zlib stream of {rows} bytes, interlaced {interlaced}"),
            );
        }
    }
}

/// A GIF's first image's LZW data (its minimum code size, the data of its sub-blocks) and
/// where that data starts (at the code size) and ends (after the block terminator).
fn gif_first_image(bytes: &[u8]) -> (usize, u8, Vec<u8>, usize) {
    let mut pos = 13;
    if bytes[10] & 0x80 != 0 {
        pos += 3 << ((bytes[10] & 7) + 1);
    }
    loop {
        match bytes[pos] {
            0x21 => {
                pos += 2;
                while bytes[pos] != 0 {
                    pos += 1 + usize::from(bytes[pos]);
                }
                pos += 1;
            }
            0x2C => {
                let flags = bytes[pos + 9];
                pos += 10;
                if flags & 0x80 != 0 {
                    pos += 3 << ((flags & 7) + 1);
                }
                let start = pos;
                let min_code = bytes[pos];
                pos += 1;
                let mut data = Vec::new();
                while bytes[pos] != 0 {
                    let n = usize::from(bytes[pos]);
                    data.extend(&bytes[pos + 1..pos + 1 + n]);
                    pos += 1 + n;
                }
                return (start, min_code, data, pos + 1);
            }
            other => panic!("GIF block {other:#x}"),
        }
    }
}

#[test]
fn a_gif_whose_frame_data_ends_early_is_refused() {
    let (w, h) = (203u16, 157u16);
    let palette: Vec<u8> = (0..=255u8).flat_map(|i| [i, 255 - i, i / 2]).collect();
    let mut bytes = Vec::new();
    {
        let mut e = gif::Encoder::new(&mut bytes, w, h, &palette).unwrap();
        let pixels: Vec<u8> = (0..u32::from(w) * u32::from(h))
            .map(|i| ((i * 31) ^ (i / 7)) as u8)
            .collect();
        e.write_frame(&gif::Frame::from_palette_pixels(
            w,
            h,
            pixels,
            palette.clone(),
            None,
        ))
        .unwrap();
    }
    assert_accepted(ImageKind::Gif, &bytes);
    let (start, min_code, data, end) = gif_first_image(&bytes);
    let rebuilt = |lzw: &[u8], after: &[u8]| {
        let mut out = bytes[..start].to_vec();
        out.push(min_code);
        for block in lzw.chunks(255) {
            out.push(block.len() as u8);
            out.extend(block);
        }
        out.push(0);
        out.extend(after);
        out
    };
    assert_accepted(ImageKind::Gif, &rebuilt(&data, &bytes[end..]));
    for cut in cut_points(0, data.len()) {
        assert_refused(
            ImageKind::Gif,
            &rebuilt(&data[..cut], &[0x3B]),
            &format!("LZW data cut at {cut} of {}, then the trailer", data.len()),
        );
    }
    // An LZW stream that ends properly (clear, one pixel, end) in a frame of many pixels.
    assert_refused(
        ImageKind::Gif,
        &gif_frames(64, 64, 1, 64, 64),
        "one pixel of data for 4096",
    );
}

#[test]
fn a_lossless_webp_cut_with_its_sizes_rewritten_is_refused() {
    let (w, h) = (203, 157);
    let pixels = rgba(w, h, |x, y| {
        [(x * 7) as u8, (y * 5) as u8, (x ^ y) as u8, 200]
    });
    let bytes = webp_rgba(w, h, &pixels, None, None);
    assert_accepted(ImageKind::WebP, &bytes);
    assert_eq!(&bytes[12..16], b"VP8L");
    let data = &bytes[20..];
    for cut in cut_points(5, data.len()) {
        let mut forged = b"RIFF".to_vec();
        let chunk_len = cut + (cut & 1);
        forged.extend(((4 + 8 + chunk_len) as u32).to_le_bytes());
        forged.extend(b"WEBPVP8L");
        forged.extend((cut as u32).to_le_bytes());
        forged.extend(&data[..cut]);
        if cut & 1 == 1 {
            forged.push(0);
        }
        assert_refused(
            ImageKind::WebP,
            &forged,
            &format!("VP8L cut at {cut} of {}", data.len()),
        );
    }
}
