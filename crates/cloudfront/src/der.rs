//! The little DER a P-256 private key needs: tag, length, value, read strictly (definite
//! lengths in their shortest form, nothing past the end).

/// A DER element: its tag and contents.
pub(crate) struct Element<'a> {
    pub tag: u8,
    pub contents: &'a [u8],
}

/// Reads elements one after another from `input`.
pub(crate) struct Reader<'a> {
    input: &'a [u8],
}

pub(crate) const SEQUENCE: u8 = 0x30;
pub(crate) const INTEGER: u8 = 0x02;
pub(crate) const OCTET_STRING: u8 = 0x04;
pub(crate) const OID: u8 = 0x06;
pub(crate) const BIT_STRING: u8 = 0x03;
/// `[0]` and `[1]`, constructed, context-specific.
pub(crate) const CONTEXT_0: u8 = 0xa0;
pub(crate) const CONTEXT_1: u8 = 0xa1;

impl<'a> Reader<'a> {
    pub fn new(input: &'a [u8]) -> Self {
        Reader { input }
    }

    pub fn is_empty(&self) -> bool {
        self.input.is_empty()
    }

    /// The next element, or `None` when the input is malformed or exhausted.
    pub fn next(&mut self) -> Option<Element<'a>> {
        let (&tag, rest) = self.input.split_first()?;
        let (&first, rest) = rest.split_first()?;
        let (len, rest) = match first {
            0..=0x7f => (usize::from(first), rest),
            0x81 => {
                let (&n, rest) = rest.split_first()?;
                if n < 0x80 {
                    return None;
                }
                (usize::from(n), rest)
            }
            0x82 => {
                let (n, rest) = rest.split_at_checked(2)?;
                let n = usize::from(u16::from_be_bytes([n[0], n[1]]));
                if n < 0x100 {
                    return None;
                }
                (n, rest)
            }
            _ => return None,
        };
        let (contents, rest) = rest.split_at_checked(len)?;
        self.input = rest;
        Some(Element { tag, contents })
    }

    /// The next element if it has `tag`.
    pub fn expect(&mut self, tag: u8) -> Option<&'a [u8]> {
        self.next().filter(|e| e.tag == tag).map(|e| e.contents)
    }
}

/// Appends a DER INTEGER holding the unsigned big-endian `value`.
fn push_unsigned(out: &mut Vec<u8>, value: &[u8]) {
    let first = value
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(value.len() - 1);
    let value = &value[first..];
    let pad = value[0] & 0x80 != 0;
    out.push(INTEGER);
    out.push((value.len() + usize::from(pad)) as u8);
    if pad {
        out.push(0);
    }
    out.extend_from_slice(value);
}

/// An ECDSA signature `(r, s)` (32 bytes each, big-endian) as DER
/// `SEQUENCE { INTEGER r, INTEGER s }`, as CloudFront reads it.
pub(crate) fn ecdsa_signature(r: &[u8], s: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(70);
    push_unsigned(&mut body, r);
    push_unsigned(&mut body, s);
    let mut out = Vec::with_capacity(72);
    out.push(SEQUENCE);
    out.push(body.len() as u8);
    out.extend_from_slice(&body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_minimal_and_positive() {
        let mut r = [0u8; 32];
        r[31] = 1;
        let mut s = [0xffu8; 32];
        s[0] = 0x80;
        let der = ecdsa_signature(&r, &s);
        assert_eq!(&der[..5], &[0x30, 3 + 35, 0x02, 1, 1]);
        assert_eq!(&der[5..8], &[0x02, 33, 0x00]);
        assert_eq!(der.len(), 2 + 3 + 35);
    }

    #[test]
    fn lengths_are_read_strictly() {
        assert!(Reader::new(&[0x04, 0x81, 0x05, 1, 2, 3, 4, 5])
            .next()
            .is_none());
        assert!(Reader::new(&[0x04, 0x02, 1]).next().is_none());
        assert!(Reader::new(&[0x04, 0x80]).next().is_none());
        let mut long = vec![0x04, 0x81, 0x80];
        long.extend([7u8; 0x80]);
        assert_eq!(Reader::new(&long).next().unwrap().contents.len(), 0x80);
    }
}
