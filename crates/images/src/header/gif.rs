//! GIF: the logical screen, then a walk over the blocks that counts the frames and sums their
//! areas by skipping each frame's LZW sub-blocks, never decoding them.

use super::{le16, Header};
use crate::{ImageKind, Limits, Refusal};

const KIND: ImageKind = ImageKind::Gif;

fn malformed(reason: &'static str) -> Refusal {
    super::malformed(KIND, reason)
}

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<Header, Refusal> {
    let truncated = Refusal::Truncated { kind: KIND };
    let mut header = Header::new();
    header.width = u32::from(le16(bytes, 6).ok_or(truncated.clone())?);
    header.height = u32::from(le16(bytes, 8).ok_or(truncated.clone())?);
    let packed = *bytes.get(10).ok_or(truncated.clone())?;
    let mut pos = 13 + color_table_len(packed);
    let mut frames = 0u32;
    loop {
        let block = *bytes.get(pos).ok_or(truncated.clone())?;
        match block {
            0x2C => {
                let descriptor = bytes.get(pos + 1..pos + 10).ok_or(truncated.clone())?;
                let width = u64::from(le16(descriptor, 4).unwrap_or(0));
                let height = u64::from(le16(descriptor, 6).unwrap_or(0));
                if width * height > limits.max_pixels {
                    return Err(Refusal::TooManyPixels {
                        pixels: width * height,
                        limit: limits.max_pixels,
                    });
                }
                frames += 1;
                header.frame(frames, width * height, limits)?;
                pos += 10 + color_table_len(descriptor[8]);
                pos += 1; // LZW minimum code size
                if pos > bytes.len() {
                    return Err(truncated);
                }
                pos = skip_sub_blocks(bytes, pos).ok_or(truncated.clone())?;
            }
            0x21 => {
                let label = *bytes.get(pos + 1).ok_or(truncated.clone())?;
                let first = pos + 2;
                match label {
                    0xFE => header.removed.comments += 1,
                    0x01 => header.removed.text += 1,
                    0xF9 => {}
                    0xFF => {
                        let id_len = usize::from(*bytes.get(first).ok_or(truncated.clone())?);
                        let id = bytes
                            .get(first + 1..first + 1 + id_len)
                            .ok_or(truncated.clone())?;
                        if id == b"XMP DataXMP" {
                            header.removed.xmp += 1;
                        } else if id != b"NETSCAPE2.0" && id != b"ANIMEXTS1.0" {
                            header.removed.other += 1;
                        }
                    }
                    _ => header.removed.other += 1,
                }
                pos = skip_sub_blocks(bytes, first).ok_or(truncated.clone())?;
            }
            0x3B => {
                if frames == 0 {
                    return Err(malformed("no image in the file"));
                }
                header.frames = frames;
                header.removed.frames = frames - 1;
                header.removed.trailing_bytes = (bytes.len() - (pos + 1)) as u64;
                return Ok(header);
            }
            _ => return Err(malformed("an unknown block")),
        }
    }
}

/// Bytes of the colour table a packed field announces.
fn color_table_len(packed: u8) -> usize {
    if packed & 0x80 != 0 {
        3 << ((packed & 0x07) + 1)
    } else {
        0
    }
}

/// The position after a chain of sub-blocks (each a length byte and that many bytes, ended by
/// a zero length) that starts at `pos`.
fn skip_sub_blocks(bytes: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        let length = usize::from(*bytes.get(pos)?);
        pos += 1;
        if length == 0 {
            return Some(pos);
        }
        pos += length;
        if pos > bytes.len() {
            return None;
        }
    }
}
