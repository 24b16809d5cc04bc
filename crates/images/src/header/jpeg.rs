//! JPEG: the marker segments from SOI to EOI, and the entropy-coded data of each scan skipped
//! by looking for the next marker.

use super::{be16, Header};
use crate::{ImageKind, Limits, Refusal};

const KIND: ImageKind = ImageKind::Jpeg;

fn malformed(reason: &'static str) -> Refusal {
    super::malformed(KIND, reason)
}

fn unsupported(feature: &'static str) -> Refusal {
    Refusal::Unsupported {
        kind: KIND,
        feature,
    }
}

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<Header, Refusal> {
    let truncated = Refusal::Truncated { kind: KIND };
    let mut header = Header::new();
    let mut frame_seen = false;
    let mut scans = 0u32;
    let mut pos = 2; // after SOI
    loop {
        // A marker: 0xFF, any fill bytes 0xFF, then the code.
        if *bytes.get(pos).ok_or(truncated.clone())? != 0xFF {
            return Err(malformed("expected a marker"));
        }
        while bytes.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let marker = *bytes.get(pos + 1).ok_or(truncated.clone())?;
        match marker {
            0xD9 => {
                if !frame_seen || scans == 0 {
                    return Err(malformed("the image ends before its frame and scans"));
                }
                header.removed.trailing_bytes = (bytes.len() - (pos + 2)) as u64;
                return Ok(header);
            }
            0xD8 => return Err(malformed("a second start of image")),
            0x01 | 0xD0..=0xD7 => {
                pos += 2;
                continue;
            }
            0x00 => return Err(malformed("a stuffed byte outside a scan")),
            _ => {}
        }
        let length = usize::from(be16(bytes, pos + 2).ok_or(truncated.clone())?);
        if length < 2 {
            return Err(malformed("a segment shorter than its length field"));
        }
        let end = pos + 2 + length;
        let payload = bytes.get(pos + 4..end).ok_or(truncated.clone())?;
        match marker {
            // Start of frame. C4 (DHT), C8 (reserved) and CC (DAC) share the range.
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                if frame_seen {
                    return Err(malformed("a second frame header"));
                }
                frame_seen = true;
                match marker {
                    0xC0..=0xC2 => {}
                    0xC3 | 0xC7 | 0xCB | 0xCF => return Err(unsupported("lossless JPEG")),
                    0xC9..=0xCB | 0xCD..=0xCF => return Err(unsupported("arithmetic coding")),
                    _ => return Err(unsupported("hierarchical JPEG")),
                }
                if payload.len() < 6 {
                    return Err(malformed("a short frame header"));
                }
                if payload[0] != 8 {
                    return Err(unsupported("a sample precision other than 8 bits"));
                }
                header.height = u32::from(be16(payload, 1).unwrap_or(0));
                header.width = u32::from(be16(payload, 3).unwrap_or(0));
                if header.height == 0 {
                    return Err(unsupported("a height defined later (DNL)"));
                }
                header.frame_pixels = u64::from(header.width) * u64::from(header.height);
                if marker == 0xC2 {
                    header.coefficient_bytes = crate::entropy::coefficient_bytes(payload)?;
                }
            }
            0xE1 if payload.starts_with(b"Exif\0") => header.exif(payload),
            0xE1 if payload.starts_with(b"http://ns.adobe.com/") => header.removed.xmp += 1,
            0xE2 if payload.starts_with(b"ICC_PROFILE\0") => {} // kept, read by the decoder
            0xED => header.removed.iptc += 1,
            0xFE => header.removed.comments += 1,
            0xE0..=0xEF => header.removed.other += 1,
            0xDA => {
                if !frame_seen {
                    return Err(malformed("a scan before the frame header"));
                }
                scans += 1;
                if scans > limits.max_jpeg_scans {
                    return Err(Refusal::TooManyScans {
                        scans,
                        limit: limits.max_jpeg_scans,
                    });
                }
                pos = skip_entropy_coded(bytes, end).ok_or(truncated.clone())?;
                continue;
            }
            _ => {}
        }
        pos = end;
    }
}

/// The position of the first marker after a scan's entropy-coded data starting at `from`:
/// an 0xFF followed by neither a stuffed 0x00 nor a restart marker (nor a fill byte).
pub(crate) fn skip_entropy_coded(bytes: &[u8], from: usize) -> Option<usize> {
    let mut pos = from;
    loop {
        let at = pos + memchr_ff(bytes.get(pos..)?)?;
        match *bytes.get(at + 1)? {
            0x00 | 0xD0..=0xD7 | 0xFF => pos = at + 1,
            _ => return Some(at),
        }
    }
}

fn memchr_ff(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0xFF)
}
