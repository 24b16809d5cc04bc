//! The memory budget of a progressive JPEG (`Limits::max_progressive_jpeg_bytes`), checked from
//! the frame header before any pixel is decoded: jpeg-decoder holds every DCT coefficient of a
//! progressive image (2 bytes x 64 per 8x8 block of each component) until its last scan, so a
//! 52 Mpx 4:4:4 or CMYK one peaked at 342 and 450 MiB. The costly headers are refused, the
//! phone-like ones (48-50 Mpx baseline 4:2:0, 12 Mpx progressive) admitted. The headers are
//! forged on small JPEGs the test encodes: the limits read only the frame header, so a forged
//! size the limits admit is refused afterwards by the entropy walk (`truncated`: its scans
//! cover 64x64 pixels), never by a limit.

use jpeg_encoder::{ColorType, Encoder, SamplingFactor};
use presigner_images::{process, DeclaredType, ImageKind, Refusal, Settings};
use presigner_test_support::images::{check_refusal, check_variants, quadrants, rgb};

/// A 64x64 JPEG of the given sampling, progressive or baseline, RGB or CMYK.
fn jpeg(sampling: SamplingFactor, progressive: bool, color: ColorType) -> Vec<u8> {
    let pixels = rgb(64, 64, quadrants(64, 64));
    let pixels = match color {
        ColorType::Cmyk => pixels
            .chunks(3)
            .flat_map(|p| [255 - p[0], 255 - p[1], 255 - p[2], 0])
            .collect(),
        _ => pixels,
    };
    let mut out = Vec::new();
    let mut e = Encoder::new(&mut out, 90);
    e.set_progressive(progressive);
    e.set_sampling_factor(sampling);
    e.encode(&pixels, 64, 64, color).unwrap();
    out
}

/// `jpeg` with its frame header claiming `width` x `height`.
fn claiming(mut bytes: Vec<u8>, width: u16, height: u16) -> Vec<u8> {
    let sof = bytes
        .windows(2)
        .position(|w| w == [0xFF, 0xC2] || w == [0xFF, 0xC0])
        .unwrap();
    bytes[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    bytes
}

fn run(bytes: &[u8], settings: &Settings) -> Result<presigner_images::Processed, Refusal> {
    process(bytes, DeclaredType::from(ImageKind::Jpeg), settings)
}

/// What the core says of a forged header under the default limits.
fn refusal(bytes: &[u8]) -> Refusal {
    let refusal = run(bytes, &Settings::default()).expect_err("a forged size is refused");
    check_refusal(&refusal);
    refusal
}

const P420: SamplingFactor = SamplingFactor::R_4_2_0;
const P444: SamplingFactor = SamplingFactor::R_4_4_4;
const P422: SamplingFactor = SamplingFactor::R_4_2_2;

#[test]
fn costly_progressive_headers_are_refused_before_decoding() {
    let budget = Settings::default().limits.max_progressive_jpeg_bytes;
    for (what, bytes, coefficients) in [
        // 8320x6250 (52 Mpx, the pixel limit): 1040x782 blocks of each of 3 or 4 components.
        (
            "52 Mpx progressive 4:4:4",
            claiming(jpeg(P444, true, ColorType::Rgb), 8320, 6250),
            1040 * 782 * 3 * 128,
        ),
        (
            "52 Mpx progressive CMYK",
            claiming(jpeg(P444, true, ColorType::Cmyk), 8320, 6250),
            1040 * 782 * 4 * 128,
        ),
        // One block row past the largest 4:4:4 the budget admits (6400x4368).
        (
            "6400x4376 progressive 4:4:4",
            claiming(jpeg(P444, true, ColorType::Rgb), 6400, 4376),
            800 * 547 * 3 * 128,
        ),
        // 4:2:2 at 52 Mpx: MCUs of 16x8, 520x782 of them, of 4 blocks.
        (
            "52 Mpx progressive 4:2:2",
            claiming(jpeg(P422, true, ColorType::Rgb), 8320, 6250),
            520 * 782 * 4 * 128,
        ),
    ] {
        let refusal = refusal(&bytes);
        assert_eq!(
            refusal,
            Refusal::ProgressiveTooLarge {
                bytes: coefficients,
                limit: budget
            },
            "{what}"
        );
        assert_eq!(refusal.code(), "progressive_too_large");
        let message = refusal.to_string();
        assert!(message.contains("save it as a baseline"), "{message}");
        assert!(
            message.contains(&format!("{} MiB", coefficients.div_ceil(1 << 20))),
            "{message}"
        );
    }
}

#[test]
fn phone_like_headers_pass_the_limits() {
    for (what, bytes) in [
        (
            "48 Mpx baseline 4:2:0 (8000x6000)",
            claiming(jpeg(P420, false, ColorType::Rgb), 8000, 6000),
        ),
        (
            "50 Mpx baseline 4:2:0 (8160x6120)",
            claiming(jpeg(P420, false, ColorType::Rgb), 8160, 6120),
        ),
        (
            "50 Mpx baseline 4:4:4 (8192x6144)",
            claiming(jpeg(P444, false, ColorType::Rgb), 8192, 6144),
        ),
        (
            "52 Mpx baseline CMYK (8320x6250)",
            claiming(jpeg(P444, false, ColorType::Cmyk), 8320, 6250),
        ),
        (
            "12 Mpx progressive 4:2:0 (4032x3024)",
            claiming(jpeg(P420, true, ColorType::Rgb), 4032, 3024),
        ),
        (
            "12 Mpx progressive 4:4:4 (4032x3024)",
            claiming(jpeg(P444, true, ColorType::Rgb), 4032, 3024),
        ),
        (
            "48 Mpx progressive 4:2:0 (8000x6000)",
            claiming(jpeg(P420, true, ColorType::Rgb), 8000, 6000),
        ),
        (
            "52 Mpx progressive 4:2:0 (8320x6250)",
            claiming(jpeg(P420, true, ColorType::Rgb), 8320, 6250),
        ),
        (
            "28 Mpx progressive 4:4:4 (6400x4368), the largest the budget admits",
            claiming(jpeg(P444, true, ColorType::Rgb), 6400, 4368),
        ),
        (
            "52 Mpx progressive 4:2:0 at 16383x3174 (the widest)",
            claiming(jpeg(P420, true, ColorType::Rgb), 16383, 3174),
        ),
        (
            "21 Mpx progressive CMYK (5600x3744)",
            claiming(jpeg(P444, true, ColorType::Cmyk), 5600, 3744),
        ),
    ] {
        // Past every limit: only the entropy walk refuses it, for scans that cover 64x64.
        assert_eq!(
            refusal(&bytes),
            Refusal::Truncated {
                kind: ImageKind::Jpeg
            },
            "{what}"
        );
    }
}

#[test]
fn the_budget_is_the_coefficients_exactly_on_a_real_decode() {
    // 64x64: 8x8 blocks of 3 (4:4:4), 4 (CMYK) or 1.5 (4:2:0) components.
    for (bytes, coefficients) in [
        (jpeg(P444, true, ColorType::Rgb), 8 * 8 * 3 * 128),
        (jpeg(P444, true, ColorType::Cmyk), 8 * 8 * 4 * 128),
        (jpeg(P420, true, ColorType::Rgb), (8 * 8 + 2 * 4 * 4) * 128),
    ] {
        let mut settings = Settings::default();
        settings.limits.max_progressive_jpeg_bytes = coefficients;
        let processed = run(&bytes, &settings).expect("admitted at its budget");
        check_variants(&processed, &settings, None);
        settings.limits.max_progressive_jpeg_bytes = coefficients - 1;
        assert_eq!(
            run(&bytes, &settings).unwrap_err(),
            Refusal::ProgressiveTooLarge {
                bytes: coefficients,
                limit: coefficients - 1
            }
        );
    }
    // A baseline JPEG holds no coefficients: no budget refuses it.
    let mut settings = Settings::default();
    settings.limits.max_progressive_jpeg_bytes = 0;
    let processed = run(&jpeg(P444, false, ColorType::Rgb), &settings).expect("baseline");
    check_variants(&processed, &settings, None);
}
