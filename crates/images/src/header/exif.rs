//! The two things read from an EXIF block before it is dropped: the orientation (applied to
//! the pixels) and whether it holds a GPS position (reported). A TIFF structure: byte order,
//! IFD0's entries; every offset bounds-checked, nothing allocated.

/// What IFD0 says. Anything malformed reads as orientation 1 and no GPS: the block is dropped
/// either way, so a broken one only loses its orientation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ExifFacts {
    pub orientation: u8,
    pub gps: bool,
}

const ORIENTATION: u16 = 0x0112;
const GPS_INFO: u16 = 0x8825;

/// Reads a TIFF block (`II*\0` or `MM\0*`), with or without the `Exif\0\0` prefix.
pub(crate) fn read(block: &[u8]) -> ExifFacts {
    let tiff = block.strip_prefix(b"Exif\0\0").unwrap_or(block);
    read_tiff(tiff).unwrap_or(ExifFacts {
        orientation: 1,
        gps: false,
    })
}

fn read_tiff(tiff: &[u8]) -> Option<ExifFacts> {
    let big_endian = match tiff.get(..4)? {
        b"II*\0" => false,
        b"MM\0*" => true,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = tiff.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let ifd0 = usize::try_from(u32_at(4)?).ok()?;
    let entries = u16_at(ifd0)?;
    let mut facts = ExifFacts {
        orientation: 1,
        gps: false,
    };
    for i in 0..usize::from(entries) {
        let entry = ifd0.checked_add(2 + 12 * i)?;
        let Some(tag) = u16_at(entry) else { break };
        match tag {
            ORIENTATION => {
                // SHORT, count 1: the value sits in the first two bytes of the value field.
                let kind = u16_at(entry + 2)?;
                let value = u16_at(entry + 8)?;
                if kind == 3 && (1..=8).contains(&value) {
                    facts.orientation = value as u8;
                }
            }
            GPS_INFO => facts.gps = true,
            _ => {}
        }
    }
    Some(facts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiff(big_endian: bool, entries: &[(u16, u16, u32, u32)]) -> Vec<u8> {
        let mut t = Vec::new();
        let w16 = |t: &mut Vec<u8>, v: u16| {
            t.extend(if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            })
        };
        let w32 = |t: &mut Vec<u8>, v: u32| {
            t.extend(if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            })
        };
        t.extend(if big_endian { b"MM\0*" } else { b"II*\0" });
        w32(&mut t, 8);
        w16(&mut t, entries.len() as u16);
        for &(tag, kind, count, value) in entries {
            w16(&mut t, tag);
            w16(&mut t, kind);
            w32(&mut t, count);
            if kind == 3 {
                w16(&mut t, value as u16);
                w16(&mut t, 0);
            } else {
                w32(&mut t, value);
            }
        }
        w32(&mut t, 0);
        t
    }

    #[test]
    fn reads_orientation_and_gps_in_both_byte_orders() {
        for big_endian in [false, true] {
            let block = tiff(big_endian, &[(0x0112, 3, 1, 6), (0x8825, 4, 1, 100)]);
            assert_eq!(
                read(&block),
                ExifFacts {
                    orientation: 6,
                    gps: true
                }
            );
            let mut prefixed = b"Exif\0\0".to_vec();
            prefixed.extend(&block);
            assert_eq!(
                read(&prefixed),
                ExifFacts {
                    orientation: 6,
                    gps: true
                }
            );
        }
    }

    #[test]
    fn out_of_range_or_broken_reads_as_upright() {
        let upright = ExifFacts {
            orientation: 1,
            gps: false,
        };
        assert_eq!(read(&tiff(false, &[(0x0112, 3, 1, 9)])), upright);
        assert_eq!(read(&tiff(false, &[(0x0112, 4, 1, 6)])), upright);
        assert_eq!(read(b"II*\0\xff\xff\xff\xff"), upright);
        assert_eq!(read(b""), upright);
        // An entry count past the end: the entries that are there still count.
        let mut t = tiff(false, &[(0x0112, 3, 1, 3)]);
        t[8] = 0xff;
        assert_eq!(read(&t).orientation, 3);
    }
}
