//! WebP: the RIFF container's chunks: VP8 (lossy), VP8L (lossless) or VP8X (extended) for the
//! size, then ANMF frames, ICCP, EXIF and XMP.

use super::{le16, le24, le32, Header};
use crate::{ImageKind, Limits, Refusal};

const KIND: ImageKind = ImageKind::WebP;

fn malformed(reason: &'static str) -> Refusal {
    super::malformed(KIND, reason)
}

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<Header, Refusal> {
    let truncated = Refusal::Truncated { kind: KIND };
    let mut header = Header::new();
    let riff_size = le32(bytes, 4).ok_or(truncated.clone())? as usize;
    let riff_end = riff_size.checked_add(8).ok_or(truncated.clone())?;
    if riff_end > bytes.len() {
        return Err(truncated);
    }
    if riff_size % 2 == 1 {
        return Err(malformed("an odd RIFF size"));
    }
    header.removed.trailing_bytes = (bytes.len() - riff_end) as u64;
    let mut pos = 12;
    let mut first = true;
    let mut frames = 0u32;
    let mut animated = false;
    while pos < riff_end {
        let fourcc: [u8; 4] = bytes
            .get(pos..pos + 4)
            .ok_or(truncated.clone())?
            .try_into()
            .expect("four bytes");
        let size = le32(bytes, pos + 4).ok_or(truncated.clone())? as usize;
        let data_end = (pos + 8).checked_add(size).ok_or(truncated.clone())?;
        if data_end > riff_end {
            return Err(truncated);
        }
        let data = &bytes[pos + 8..data_end];
        match &fourcc {
            b"VP8 " if first => {
                // Frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height.
                if data.get(3..6) != Some(&[0x9d, 0x01, 0x2a][..]) {
                    return Err(malformed("a VP8 frame without its start code"));
                }
                header.width = u32::from(le16(data, 6).unwrap_or(0) & 0x3fff);
                header.height = u32::from(le16(data, 8).unwrap_or(0) & 0x3fff);
            }
            b"VP8L" if first => {
                if data.first() != Some(&0x2f) {
                    return Err(malformed("a VP8L bitstream without its signature"));
                }
                let bits = le32(data, 1).ok_or(truncated.clone())?;
                header.width = (bits & 0x3fff) + 1;
                header.height = ((bits >> 14) & 0x3fff) + 1;
            }
            b"VP8X" if first => {
                animated = data.first().is_some_and(|flags| flags & 0x02 != 0);
                header.width = le24(data, 4).ok_or(truncated.clone())? + 1;
                header.height = le24(data, 7).ok_or(truncated.clone())? + 1;
            }
            _ if first => return Err(malformed("the first chunk is not VP8, VP8L or VP8X")),
            b"ANMF" => {
                let width = u64::from(le24(data, 6).ok_or(truncated.clone())?) + 1;
                let height = u64::from(le24(data, 9).ok_or(truncated.clone())?) + 1;
                frames += 1;
                header.frame(frames, width * height, limits)?;
            }
            b"ICCP" | b"ANIM" | b"ALPH" | b"VP8 " | b"VP8L" => {}
            b"EXIF" => header.exif(data),
            b"XMP " => header.removed.xmp += 1,
            _ => header.removed.other += 1,
        }
        first = false;
        pos = data_end + (size & 1);
    }
    if first {
        return Err(malformed("no image chunk"));
    }
    if animated {
        if frames == 0 {
            return Err(malformed("an animation without frames"));
        }
        header.frames = frames;
        header.removed.frames = frames - 1;
    } else {
        header.frame_pixels = u64::from(header.width) * u64::from(header.height);
    }
    Ok(header)
}
