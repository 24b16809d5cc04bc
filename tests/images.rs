//! presigner-images on images the tests make: every supported kind and variant of it, every
//! metadata block, all eight orientations, the ICC profile, and every hostile class (bombs,
//! truncation, mismatched types, trailing bytes). Each variant is checked by
//! `support::images::check_variants`.

use presigner_images::{
    process, DeclaredType, IccOutcome, ImageKind, Processed, Refusal, Settings,
};
use presigner_test_support::images::*;

fn run(kind: ImageKind, bytes: &[u8]) -> Result<Processed, Refusal> {
    process(bytes, DeclaredType::from(kind), &Settings::default())
}

fn ok(kind: ImageKind, bytes: &[u8], icc: Option<&[u8]>) -> Processed {
    let processed = run(kind, bytes).unwrap_or_else(|r| panic!("refused: {r}"));
    check_variants(&processed, &Settings::default(), icc);
    processed
}

fn refused(kind: ImageKind, bytes: &[u8]) -> Refusal {
    let refusal = run(kind, bytes).expect_err("refused");
    check_refusal(&refusal);
    refusal
}

/// The RGBA pixel at (x, y) of a decoded variant.
fn pixel(v: &presigner_images::Variant, x: u32, y: u32) -> [u8; 4] {
    let (w, _, data, _) = decode_variant(v.kind, &v.bytes);
    let at = ((y * w + x) * 4) as usize;
    data[at..at + 4].try_into().unwrap()
}

fn near(a: [u8; 4], b: [u8; 4]) -> bool {
    a.iter().zip(b).all(|(&x, y)| x.abs_diff(y) <= 40)
}

/// Where the stored pixel (x, y) of a `w`x`h` image goes when shown under orientation `o`
/// (the EXIF definitions, written as source to destination, unlike the code under test).
fn shown_at(o: u16, x: u32, y: u32, w: u32, h: u32) -> (u32, u32) {
    match o {
        1 => (x, y),
        2 => (w - 1 - x, y),
        3 => (w - 1 - x, h - 1 - y),
        4 => (x, h - 1 - y),
        5 => (y, x),
        6 => (h - 1 - y, x),
        7 => (h - 1 - y, w - 1 - x),
        _ => (y, w - 1 - x),
    }
}

/// The stored pixels that show as `quadrants(w, h)` under orientation `o`.
fn stored_for(o: u16, w: u32, h: u32) -> (u32, u32, Vec<u8>) {
    let (sw, sh) = if o >= 5 { (h, w) } else { (w, h) };
    let upright = quadrants(w, h);
    let pixels = rgb(sw, sh, |x, y| {
        let (ux, uy) = shown_at(o, x, y, sw, sh);
        upright(ux, uy)
    });
    (sw, sh, pixels)
}

fn assert_upright(p: &Processed) {
    for v in &p.variants {
        let (w, h) = (v.width, v.height);
        assert!(w > h, "landscape: {v:?}");
        let at = |fx: u32, fy: u32| pixel(v, w * fx / 4, h * fy / 4);
        assert!(
            near(at(1, 1), [255, 0, 0, 255]),
            "top-left red in {v:?}: {:?}",
            at(1, 1)
        );
        assert!(near(at(3, 1), [0, 255, 0, 255]), "top-right green in {v:?}");
        assert!(
            near(at(1, 3), [0, 0, 255, 255]),
            "bottom-left blue in {v:?}"
        );
        assert!(
            near(at(3, 3), [255, 255, 255, 255]),
            "bottom-right white in {v:?}"
        );
    }
}

#[test]
fn jpeg_exif_with_gps_in_all_eight_orientations_is_oriented_and_stripped() {
    for o in 1..=8u16 {
        let (sw, sh, pixels) = stored_for(o, 640, 480);
        let bytes = with_segments(&jpeg(sw, sh, &pixels, false), &[(0xE1, exif_app1(o))]);
        let p = ok(ImageKind::Jpeg, &bytes, None);
        assert_eq!((p.width, p.height), (640, 480), "orientation {o}");
        assert_eq!(
            (p.removed.exif, p.removed.gps, p.removed.orientation),
            (1, true, o as u8)
        );
        assert_eq!((p.variants[0].width, p.variants[0].height), (400, 300));
        assert_eq!((p.variants[1].width, p.variants[1].height), (640, 480));
        assert_upright(&p);
    }
}

#[test]
fn big_jpeg_is_decoded_scaled_and_sized() {
    let (w, h) = (4800, 3200);
    let bytes = jpeg(w, h, &rgb(w, h, quadrants(w, h)), false);
    let p = ok(ImageKind::Jpeg, &bytes, None);
    assert_eq!((p.variants[1].width, p.variants[1].height), (2048, 1365));
    assert_eq!((p.variants[0].width, p.variants[0].height), (400, 267));
    assert_upright(&p);
}

#[test]
fn png_exif_and_webp_exif_orientation_is_applied() {
    let (sw, sh, pixels) = stored_for(6, 64, 48);
    let png = png_by_hand(
        sw,
        sh,
        8,
        2,
        false,
        &[png_chunk(b"eXIf", &exif_tiff(6))],
        |x, y| {
            let at = ((y * sw + x) * 3) as usize;
            pixels[at..at + 3].to_vec()
        },
    );
    let p = ok(ImageKind::Png, &png, None);
    assert_eq!(
        (p.width, p.height, p.removed.exif, p.removed.gps),
        (64, 48, 1, true)
    );
    assert_upright(&p);

    let rgba_pixels: Vec<u8> = pixels
        .chunks(3)
        .flat_map(|c| [c[0], c[1], c[2], 255])
        .collect();
    let webp = webp_rgba(sw, sh, &rgba_pixels, Some(exif_tiff(6)), None);
    let p = ok(ImageKind::WebP, &webp, None);
    assert_eq!(
        (p.width, p.height, p.removed.exif, p.removed.gps),
        (64, 48, 1, true)
    );
    assert_upright(&p);
}

#[test]
fn every_jpeg_metadata_block_is_removed_and_counted() {
    let (w, h) = (300, 200);
    let base = jpeg(w, h, &rgb(w, h, quadrants(w, h)), false);
    let mut iptc = b"Photoshop 3.0\08BIM".to_vec();
    iptc.extend(b"SECRET-TEXT");
    let bytes = with_segments(
        &base,
        &[
            (0xE1, exif_app1(1)),
            (0xE1, xmp_app1()),
            (0xED, iptc),
            (0xFE, b"SECRET-COMMENT".to_vec()),
            (0xEB, b"SECRET-TEXT maker block".to_vec()),
        ],
    );
    let p = ok(ImageKind::Jpeg, &bytes, None);
    let r = p.removed;
    assert_eq!(
        (r.exif, r.gps, r.xmp, r.iptc, r.comments),
        (1, true, 1, 1, 1)
    );
    // The encoder's JFIF APP0 of the input, and the maker block.
    assert_eq!(r.other, 2);
}

#[test]
fn the_rgb_icc_profile_is_kept_byte_for_byte_and_others_dropped() {
    let (w, h) = (300, 200);
    let profile = icc_profile(b"RGB ");
    let base = jpeg(w, h, &rgb(w, h, quadrants(w, h)), false);
    let p = ok(
        ImageKind::Jpeg,
        &with_segments(&base, &[(0xE2, icc_app2(&profile))]),
        Some(&profile),
    );
    assert_eq!(p.icc, IccOutcome::Kept);

    let transparent = rgba(w, h, |x, _| [10, 20, 30, if x < 10 { 0 } else { 255 }]);
    let p = ok(
        ImageKind::WebP,
        &webp_rgba(w, h, &transparent, None, Some(profile.clone())),
        Some(&profile),
    );
    assert_eq!(
        (p.icc, p.variants[1].kind),
        (IccOutcome::Kept, ImageKind::Png)
    );

    let cmyk = icc_profile(b"CMYK");
    let p = ok(
        ImageKind::Jpeg,
        &with_segments(&base, &[(0xE2, icc_app2(&cmyk))]),
        None,
    );
    assert_eq!(p.icc, IccOutcome::Dropped);
    let mut broken = profile.clone();
    broken[36] = b'x';
    let p = ok(
        ImageKind::Jpeg,
        &with_segments(&base, &[(0xE2, icc_app2(&broken))]),
        None,
    );
    assert_eq!(p.icc, IccOutcome::Dropped);
    let p = ok(ImageKind::Jpeg, &base, None);
    assert_eq!(p.icc, IccOutcome::Absent);
}

#[test]
fn progressive_and_cmyk_jpegs_decode() {
    let (w, h) = (640, 480);
    let p = ok(
        ImageKind::Jpeg,
        &jpeg(w, h, &rgb(w, h, quadrants(w, h)), true),
        None,
    );
    assert_upright(&p);
    // Pure magenta+yellow ink: red.
    let inks: Vec<u8> = (0..w * h).flat_map(|_| [0, 255, 255, 0]).collect();
    let p = ok(ImageKind::Jpeg, &cmyk_jpeg(w, h, &inks), None);
    let red = pixel(&p.variants[0], 10, 10);
    assert!(near(red, [255, 0, 0, 255]), "CMYK red came out {red:?}");
}

#[test]
fn png_16_bit_palette_grey_and_interlaced_decode() {
    let (w, h) = (70, 50);
    let quad = quadrants(w, h);
    for interlaced in [false, true] {
        // 16-bit RGB.
        let png = png_by_hand(w, h, 16, 2, interlaced, &[], |x, y| {
            quad(x, y).iter().flat_map(|&c| [c, c]).collect()
        });
        assert_upright(&ok(ImageKind::Png, &png, None));
        // Palette with the four colours.
        let plte = png_chunk(b"PLTE", &[255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
        let png = png_by_hand(w, h, 8, 3, interlaced, &[plte], |x, y| {
            vec![match quad(x, y) {
                [255, 0, 0] => 0,
                [0, 255, 0] => 1,
                [0, 0, 255] => 2,
                _ => 3,
            }]
        });
        assert_upright(&ok(ImageKind::Png, &png, None));
        // 8-bit grey with text chunks.
        let text = [
            png_chunk(b"tEXt", b"Comment\0SECRET-TEXT"),
            png_chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0SECRET-XMP"),
            png_chunk(b"tIME", &[7, 234, 1, 1, 0, 0, 0]),
        ];
        let png = png_by_hand(w, h, 8, 0, interlaced, &text, |x, _| vec![(x * 3) as u8]);
        let p = ok(ImageKind::Png, &png, None);
        assert_eq!((p.removed.text, p.removed.xmp, p.removed.other), (1, 1, 1));
    }
}

#[test]
fn transparency_gives_png_and_opaque_alpha_gives_jpeg() {
    let (w, h) = (800, 600);
    // A transparent left half.
    let pixels = rgba(w, h, |x, _| {
        if x < w / 2 {
            [0, 0, 0, 0]
        } else {
            [200, 30, 30, 255]
        }
    });
    for bytes in [
        (ImageKind::Png, png_rgba(w, h, &pixels)),
        (ImageKind::WebP, webp_rgba(w, h, &pixels, None, None)),
    ] {
        let p = ok(bytes.0, &bytes.1, None);
        for v in &p.variants {
            assert_eq!(v.kind, ImageKind::Png);
            assert_eq!(pixel(v, 2, 2)[3], 0, "left stays transparent");
            assert!(
                near(pixel(v, v.width - 3, 2), [200, 30, 30, 255]),
                "right keeps its colour (no dark fringe from premultiplying)"
            );
        }
    }
    let opaque = rgba(w, h, |_, _| [1, 2, 3, 255]);
    let p = ok(ImageKind::Png, &png_rgba(w, h, &opaque), None);
    assert!(p.variants.iter().all(|v| v.kind == ImageKind::Jpeg));
}

#[test]
fn animated_gif_becomes_a_still_of_its_first_frame() {
    let gif = animated_gif(500, 300, &[[250, 10, 10], [10, 250, 10], [10, 10, 250]]);
    let p = ok(ImageKind::Gif, &gif, None);
    assert_eq!((p.removed.frames, p.removed.comments), (2, 1));
    for v in &p.variants {
        assert_eq!(v.kind, ImageKind::Jpeg);
        assert!(near(pixel(v, 5, 5), [250, 10, 10, 255]));
    }
}

#[test]
fn bombs_are_refused_from_the_header() {
    // A 50,000 x 50,000 PNG: its side, then (under a larger side limit) its pixels.
    let ihdr_bomb = png_by_hand(50_000, 1, 8, 0, false, &[], |_, _| vec![0]);
    let mut bomb = ihdr_bomb.clone();
    bomb[20..24].copy_from_slice(&50_000u32.to_be_bytes());
    let ihdr_crc = crc32(&[&bomb[12..29]]);
    bomb[29..33].copy_from_slice(&ihdr_crc.to_be_bytes());
    assert!(matches!(
        refused(ImageKind::Png, &bomb),
        Refusal::BadSide {
            width: 50_000,
            height: 50_000,
            ..
        }
    ));
    let mut roomy = Settings::default();
    roomy.limits.max_side = 65_535;
    assert!(matches!(
        process(&bomb, DeclaredType::from(ImageKind::Png), &roomy),
        Err(Refusal::TooManyPixels {
            pixels: 2_500_000_000,
            ..
        })
    ));
    // 20,000 one-pixel frames, and 900 frames of 4000 x 4000 (each within the still limit).
    assert!(matches!(
        refused(ImageKind::Gif, &gif_frames(1, 1, 20_000, 1, 1)),
        Refusal::TooManyFrames { frames: 1001, .. }
    ));
    assert!(matches!(
        refused(ImageKind::Gif, &gif_frames(4000, 4000, 900, 4000, 4000)),
        Refusal::AnimationTooLarge { .. }
    ));
    // A JPEG claiming 60,000 x 60,000.
    let mut jpeg_bomb = jpeg(8, 8, &rgb(8, 8, |_, _| [0, 0, 0]), false);
    let sof = jpeg_bomb
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .unwrap();
    jpeg_bomb[sof + 5..sof + 9].copy_from_slice(&[0xEA, 0x60, 0xEA, 0x60]);
    assert!(matches!(
        refused(ImageKind::Jpeg, &jpeg_bomb),
        Refusal::BadSide { .. }
    ));
    // A scan bomb: 200 empty scans.
    let base = jpeg(8, 8, &rgb(8, 8, |_, _| [0, 0, 0]), false);
    let sos = base.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    let sos_len = usize::from(u16::from_be_bytes([base[sos + 2], base[sos + 3]]));
    let mut scans = base[..sos].to_vec();
    for _ in 0..200 {
        scans.extend(&base[sos..sos + 2 + sos_len]);
        scans.push(0);
    }
    scans.extend([0xFF, 0xD9]);
    assert!(matches!(
        refused(ImageKind::Jpeg, &scans),
        Refusal::TooManyScans { scans: 101, .. }
    ));
    // A WebP canvas of 16384 x 16384 (VP8X).
    let small = webp_rgba(4, 4, &[0; 64], None, Some(icc_profile(b"RGB ")));
    let mut webp = small.clone();
    let vp8x = webp.windows(4).position(|w| w == b"VP8X").unwrap();
    webp[vp8x + 12..vp8x + 18].copy_from_slice(&[0xFF, 0x3F, 0, 0xFF, 0x3F, 0]);
    assert!(matches!(
        refused(ImageKind::WebP, &webp),
        Refusal::TooManyPixels { .. }
    ));
    // Bytes over the limit, refused before the magic bytes are read.
    let mut tight = Settings::default();
    tight.limits.max_bytes = 10;
    assert!(matches!(
        process(&base, DeclaredType::from(ImageKind::Jpeg), &tight),
        Err(Refusal::TooManyBytes { .. })
    ));
}

#[test]
fn truncated_files_are_refused() {
    let (w, h) = (300, 200);
    let quad = quadrants(w, h);
    let files = [
        (ImageKind::Jpeg, jpeg(w, h, &rgb(w, h, &quad), false)),
        (ImageKind::Jpeg, jpeg(w, h, &rgb(w, h, &quad), true)),
        (
            ImageKind::Png,
            png_rgba(
                w,
                h,
                &rgba(w, h, |x, y| {
                    let [r, g, b] = quad(x, y);
                    [r, g, b, 128]
                }),
            ),
        ),
        (
            ImageKind::Gif,
            animated_gif(300, 200, &[[1, 2, 3], [4, 5, 6]]),
        ),
        (
            ImageKind::WebP,
            webp_rgba(
                w,
                h,
                &rgba(w, h, |x, y| {
                    let [r, g, b] = quad(x, y);
                    [r, g, b, 128]
                }),
                None,
                None,
            ),
        ),
    ];
    for (kind, bytes) in files {
        ok(kind, &bytes, None);
        for cut in [
            bytes.len() - 1,
            bytes.len() - 2,
            bytes.len() * 2 / 3,
            bytes.len() / 2,
            40,
            12,
            3,
        ] {
            let refusal = refused(kind, &bytes[..cut]);
            assert!(
                matches!(
                    refusal,
                    Refusal::Truncated { .. }
                        | Refusal::Undecodable { .. }
                        | Refusal::Malformed { .. }
                        | Refusal::NotAnImage
                ),
                "{kind} cut at {cut}: {refusal}"
            );
        }
    }
}

#[test]
fn jpeg_with_html_appended_is_cleaned() {
    let (w, h) = (300, 200);
    let mut bytes = jpeg(w, h, &rgb(w, h, quadrants(w, h)), false);
    let html = b"<html><script>alert(1)</script></html>";
    bytes.extend(html);
    let p = ok(ImageKind::Jpeg, &bytes, None);
    assert_eq!(p.removed.trailing_bytes, html.len() as u64);
}

#[test]
fn wrong_type_zero_bytes_and_not_images_are_refused() {
    let png = png_rgba(2, 2, &[0; 16]);
    assert_eq!(
        refused(ImageKind::Jpeg, &png),
        Refusal::TypeMismatch {
            declared: ImageKind::Jpeg,
            found: ImageKind::Png
        }
    );
    assert_eq!(refused(ImageKind::Png, b""), Refusal::Empty);
    assert_eq!(
        refused(ImageKind::Png, b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        Refusal::NotAnImage
    );
    assert_eq!(
        DeclaredType::from_media_type("image/svg+xml"),
        Err(Refusal::UnsupportedDeclaredType)
    );
    assert_eq!(
        DeclaredType::from_media_type("Image/JPEG; charset=x").map(DeclaredType::kind),
        Ok(ImageKind::Jpeg)
    );
}

#[test]
fn debug_and_messages_never_print_image_bytes() {
    let (w, h) = (64, 64);
    let bytes = with_segments(
        &jpeg(w, h, &rgb(w, h, quadrants(w, h)), false),
        &[(0xFE, b"SECRET-COMMENT".to_vec())],
    );
    let p = ok(ImageKind::Jpeg, &bytes, None);
    let debug = format!("{p:?}");
    assert!(debug.len() < 1000 && !debug.contains("255, 216"), "{debug}");
    let mut cut = bytes.clone();
    cut.truncate(bytes.len() - 10);
    let refusal = refused(ImageKind::Jpeg, &cut);
    assert!(!format!("{refusal:?}{refusal}").contains("SECRET"));
}
