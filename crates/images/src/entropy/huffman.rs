//! The two tools the entropy walk needs: a bit reader over a scan's entropy-coded data that
//! knows exactly how many real bits are left before the next marker, and canonical Huffman
//! tables (a 9-bit lookup, then the longer codes length by length).

use crate::{ImageKind, Refusal};

const KIND: ImageKind = ImageKind::Jpeg;

/// Entropy-coded data read bit by bit. Stuffed bytes (`FF 00`) are data and fill bytes
/// (`FF FF`) are skipped; at any other `FF xx` the data ends: reading past it is an error,
/// never a bit made up (which is what a decoder that fills a cut image with grey does).
pub(super) struct Bits<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Real bits, most significant first; the rest are zeros.
    acc: u64,
    count: u32,
    /// The marker code the data stopped at (`pos` is at its `FF`), or `None` while there is
    /// more data. The end of the file counts as a marker that is no restart marker.
    marker: Option<u8>,
}

/// The end of the file, as a "marker" that is no marker.
const END_OF_FILE: u8 = 0x00;

impl<'a> Bits<'a> {
    /// Reads the entropy-coded data starting at `pos`.
    pub(super) fn new(bytes: &'a [u8], pos: usize) -> Bits<'a> {
        Bits {
            bytes,
            pos,
            acc: 0,
            count: 0,
            marker: None,
        }
    }

    fn fill(&mut self) {
        while self.count <= 56 && self.marker.is_none() {
            let Some(&byte) = self.bytes.get(self.pos) else {
                self.marker = Some(END_OF_FILE);
                return;
            };
            if byte == 0xFF {
                match self.bytes.get(self.pos + 1) {
                    Some(0x00) => self.pos += 1,
                    Some(0xFF) => {
                        self.pos += 1;
                        continue;
                    }
                    Some(&code) => {
                        self.marker = Some(code);
                        return;
                    }
                    None => {
                        self.marker = Some(END_OF_FILE);
                        return;
                    }
                }
            }
            self.pos += 1;
            self.acc |= u64::from(byte) << (56 - self.count);
            self.count += 8;
        }
    }

    /// The next 16 bits, real ones first, zeros after the data's end.
    fn peek16(&mut self) -> u32 {
        if self.count < 16 {
            self.fill();
        }
        (self.acc >> 48) as u32
    }

    fn consume(&mut self, n: u32) -> Result<(), Refusal> {
        if n > self.count {
            return Err(Refusal::Truncated { kind: KIND });
        }
        self.acc = self.acc.checked_shl(n).unwrap_or(0);
        self.count -= n;
        Ok(())
    }

    /// Reads `n` (at most 16) bits.
    pub(super) fn read(&mut self, n: u32) -> Result<u32, Refusal> {
        if n == 0 {
            return Ok(0);
        }
        let value = self.peek16() >> (16 - n);
        self.consume(n)?;
        Ok(value)
    }

    /// Decodes one symbol of `table`.
    pub(super) fn symbol(&mut self, table: &Table) -> Result<u8, Refusal> {
        let peek = self.peek16();
        let (length, symbol) = table.decode(peek)?;
        self.consume(length)?;
        Ok(symbol)
    }

    /// At a restart interval's end: the rest of the byte is padding, and the next marker must
    /// be restart marker `number` (0 to 7), which is then passed. Data before the marker is
    /// skipped (a decoder resynchronises the same way); another marker means the data ended.
    pub(super) fn restart(&mut self, number: u8) -> Result<(), Refusal> {
        self.acc = 0;
        self.count = 0;
        while self.marker.is_none() {
            self.fill();
            self.acc = 0;
            self.count = 0;
        }
        match self.marker {
            Some(code) if code == 0xD0 + number => {
                self.pos += 2;
                self.marker = None;
                Ok(())
            }
            Some(0xD0..=0xD7) => Err(Refusal::Malformed {
                kind: KIND,
                reason: "restart markers out of order",
            }),
            _ => Err(Refusal::Truncated { kind: KIND }),
        }
    }
}

/// A canonical Huffman table (DHT): codes of up to 9 bits in one lookup, longer ones by length.
pub(super) struct Table {
    /// Indexed by the next 9 bits: (code length, symbol), or length 0 for a longer code.
    fast: Box<[(u8, u8); 512]>,
    /// For each length 1..=16: the largest code of that length, plus one (0 if none), and the
    /// index in `symbols` of its first code, less that code.
    max_code: [u32; 17],
    offset: [i32; 17],
    symbols: Vec<u8>,
}

impl Table {
    /// Builds a table from a DHT's 16 counts and its symbols (`symbols.len()` is their sum).
    pub(super) fn new(counts: &[u8; 16], symbols: &[u8]) -> Result<Table, Refusal> {
        let bad = Refusal::Malformed {
            kind: KIND,
            reason: "a Huffman table with more codes than its lengths allow",
        };
        let mut table = Table {
            fast: Box::new([(0, 0); 512]),
            max_code: [0; 17],
            offset: [0; 17],
            symbols: symbols.to_vec(),
        };
        let mut code = 0u32;
        let mut index = 0usize;
        for length in 1..=16u32 {
            let count = u32::from(counts[length as usize - 1]);
            table.offset[length as usize] = index as i32 - code as i32;
            for _ in 0..count {
                if code >= 1 << length {
                    return Err(bad);
                }
                if length <= 9 {
                    let shift = 9 - length;
                    let first = (code << shift) as usize;
                    for entry in &mut table.fast[first..first + (1 << shift)] {
                        *entry = (length as u8, symbols[index]);
                    }
                }
                code += 1;
                index += 1;
            }
            table.max_code[length as usize] = if count > 0 { code } else { 0 };
            code <<= 1;
        }
        Ok(table)
    }

    /// (length, symbol) of the code at the top of `peek` (16 bits).
    fn decode(&self, peek: u32) -> Result<(u32, u8), Refusal> {
        let (length, symbol) = self.fast[(peek >> 7) as usize];
        if length > 0 {
            return Ok((u32::from(length), symbol));
        }
        for length in 10..=16u32 {
            let code = peek >> (16 - length);
            if code < self.max_code[length as usize] {
                let at = self.offset[length as usize] + code as i32;
                if let Some(&symbol) = usize::try_from(at).ok().and_then(|at| self.symbols.get(at))
                {
                    return Ok((length, symbol));
                }
            }
        }
        Err(Refusal::Undecodable {
            kind: KIND,
            reason: "a code that is in no Huffman table",
        })
    }

    /// The tables of the JPEG standard (K.3), which Motion JPEG frames leave out:
    /// (class 0 DC or 1 AC, index 0 or 1).
    pub(super) fn standard(class: u8, index: u8) -> Option<Table> {
        let (counts, symbols): (&[u8; 16], &[u8]) = match (class, index) {
            (0, 0) => (
                &[0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
                &DC_SYMBOLS,
            ),
            (0, 1) => (
                &[0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
                &DC_SYMBOLS,
            ),
            (1, 0) => (&AC_LUMA_COUNTS, &AC_LUMA),
            (1, 1) => (&AC_CHROMA_COUNTS, &AC_CHROMA),
            _ => return None,
        };
        Table::new(counts, symbols).ok()
    }
}

const DC_SYMBOLS: [u8; 12] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

const AC_LUMA_COUNTS: [u8; 16] = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D];
const AC_LUMA: [u8; 162] = [
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
    0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0,
    0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28,
    0x29, 0x2A, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
    0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
    0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
    0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7,
    0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5,
    0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2,
    0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8,
    0xF9, 0xFA,
];

const AC_CHROMA_COUNTS: [u8; 16] = [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77];
const AC_CHROMA: [u8; 162] = [
    0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
    0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xA1, 0xB1, 0xC1, 0x09, 0x23, 0x33, 0x52, 0xF0,
    0x15, 0x62, 0x72, 0xD1, 0x0A, 0x16, 0x24, 0x34, 0xE1, 0x25, 0xF1, 0x17, 0x18, 0x19, 0x1A, 0x26,
    0x27, 0x28, 0x29, 0x2A, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
    0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
    0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
    0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5,
    0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3,
    0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA,
    0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8,
    0xF9, 0xFA,
];
