//! PNG: IHDR, then every chunk's type and length up to IEND (CRCs are the decoder's job).

use super::{be32, Header};
use crate::{ImageKind, Refusal};

const KIND: ImageKind = ImageKind::Png;

fn malformed(reason: &'static str) -> Refusal {
    super::malformed(KIND, reason)
}

pub(super) fn read(bytes: &[u8]) -> Result<Header, Refusal> {
    let truncated = Refusal::Truncated { kind: KIND };
    let mut header = Header::new();
    let mut pos = 8; // after the signature
    let mut first = true;
    loop {
        let length = be32(bytes, pos).ok_or(truncated.clone())? as usize;
        let kind: [u8; 4] = bytes
            .get(pos + 4..pos + 8)
            .ok_or(truncated.clone())?
            .try_into()
            .expect("four bytes");
        let data_end = (pos + 8).checked_add(length).ok_or(truncated.clone())?;
        let data = bytes.get(pos + 8..data_end).ok_or(truncated.clone())?;
        let end = data_end + 4; // the CRC
        if end > bytes.len() {
            return Err(truncated);
        }
        if first != (&kind == b"IHDR") {
            return Err(malformed("IHDR is not the first chunk"));
        }
        first = false;
        match &kind {
            b"IHDR" => {
                if data.len() != 13 {
                    return Err(malformed("IHDR is not 13 bytes"));
                }
                header.width = be32(data, 0).unwrap_or(0);
                header.height = be32(data, 4).unwrap_or(0);
                header.frame_pixels = u64::from(header.width) * u64::from(header.height);
            }
            b"IEND" => {
                header.removed.trailing_bytes = (bytes.len() - end) as u64;
                return Ok(header);
            }
            // The pixels, and the colour profile (kept; the decoder inflates it).
            b"IDAT" | b"PLTE" | b"tRNS" | b"iCCP" => {}
            // APNG: the default image is kept, the animation's other frames are not.
            b"acTL" => {
                let frames = be32(data, 0).unwrap_or(1);
                header.removed.frames = frames.saturating_sub(1);
            }
            b"fcTL" | b"fdAT" => {}
            b"eXIf" => header.exif(data),
            b"iTXt" if data.starts_with(b"XML:com.adobe.xmp\0") => header.removed.xmp += 1,
            b"tEXt" | b"zTXt" | b"iTXt" => header.removed.text += 1,
            _ if kind[0].is_ascii_uppercase() => {
                return Err(malformed("an unknown critical chunk"));
            }
            _ => header.removed.other += 1,
        }
        pos = end;
    }
}
