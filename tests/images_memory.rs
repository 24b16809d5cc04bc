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
    const RGB: ColorType = ColorType::Rgb;
    const CMYK: ColorType = ColorType::Cmyk;
    // 8320x6250 is 52 Mpx, the pixel limit: 1040x782 blocks of each of 3 or 4 components, or
    // for 4:2:2 520x782 MCUs of 16x8 of 4 blocks; 6400x4376 is one block row past the largest
    // 4:4:4 the budget admits (6400x4368).
    for (what, sampling, color, width, height, coefficients) in [
        ("52 Mpx 4:4:4", P444, RGB, 8320, 6250, 1040 * 782 * 3 * 128),
        ("52 Mpx CMYK", P444, CMYK, 8320, 6250, 1040 * 782 * 4 * 128),
        ("28 Mpx 4:4:4", P444, RGB, 6400, 4376, 800 * 547 * 3 * 128),
        ("52 Mpx 4:2:2", P422, RGB, 8320, 6250, 520 * 782 * 4 * 128),
    ] {
        let bytes = claiming(jpeg(sampling, true, color), width, height);
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
    const RGB: ColorType = ColorType::Rgb;
    const CMYK: ColorType = ColorType::Cmyk;
    for (what, sampling, progressive, color, width, height) in [
        ("48 Mpx baseline 4:2:0", P420, false, RGB, 8000, 6000),
        ("50 Mpx baseline 4:2:0", P420, false, RGB, 8160, 6120),
        ("50 Mpx baseline 4:4:4", P444, false, RGB, 8192, 6144),
        ("52 Mpx baseline CMYK", P444, false, CMYK, 8320, 6250),
        ("12 Mpx progressive 4:2:0", P420, true, RGB, 4032, 3024),
        ("12 Mpx progressive 4:4:4", P444, true, RGB, 4032, 3024),
        ("48 Mpx progressive 4:2:0", P420, true, RGB, 8000, 6000),
        ("52 Mpx progressive 4:2:0", P420, true, RGB, 8320, 6250),
        (
            "52 Mpx progressive 4:2:0, the widest",
            P420,
            true,
            RGB,
            16383,
            3174,
        ),
        (
            "28 Mpx progressive 4:4:4, the largest",
            P444,
            true,
            RGB,
            6400,
            4368,
        ),
        (
            "21 Mpx progressive CMYK, the largest",
            P444,
            true,
            CMYK,
            5600,
            3744,
        ),
    ] {
        let bytes = claiming(jpeg(sampling, progressive, color), width, height);
        // Past every limit: only the entropy walk refuses it, for scans that cover 64x64.
        assert_eq!(
            refusal(&bytes),
            Refusal::Truncated {
                kind: ImageKind::Jpeg
            },
            "{what} ({width}x{height})"
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
