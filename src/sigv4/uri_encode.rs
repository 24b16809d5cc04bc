//! Percent-encoding as SigV4 defines it ("UriEncode" in the AWS documentation).
//!
//! Every byte outside the unreserved set `A-Z a-z 0-9 - . _ ~` becomes `%XX` with uppercase hex.
//! This is stricter than RFC 3986 path encoding (`+`, `=`, `@`, `!` are all encoded), and it is
//! what both the canonical request and the URL must carry, byte for byte.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

/// Every byte but `A-Za-z0-9-._~`: query names and values, and path segments.
pub const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// As [`COMPONENT`], but `/` is kept: object keys and paths.
pub const PATH: &AsciiSet = &COMPONENT.remove(b'/');

/// Appends `input` to `out`, encoding every byte in `set`.
///
/// ```
/// use presigner::sigv4::uri_encode::{encode_into, PATH};
/// let mut s = String::new();
/// encode_into(&mut s, "photos/a b+c.png", PATH);
/// assert_eq!(s, "photos/a%20b%2Bc.png");
/// ```
pub fn encode_into(out: &mut String, input: &str, set: &'static AsciiSet) {
    for chunk in percent_encoding::utf8_percent_encode(input, set) {
        out.push_str(chunk);
    }
}

/// Encodes `input` into a new string; see [`encode_into`].
pub fn encode(input: &str, set: &'static AsciiSet) -> String {
    let mut out = String::with_capacity(input.len());
    encode_into(&mut out, input, set);
    out
}

/// [`encode_into`] with [`COMPONENT`], table-driven: runs of unreserved bytes are copied whole.
/// The signer's hot path; a test checks it against [`encode_into`] for every byte.
pub fn encode_component_into(out: &mut String, input: &str) {
    encode_runs(out, input, false);
}

/// [`encode_into`] with [`PATH`] (`/` kept), table-driven like [`encode_component_into`].
pub fn encode_path_into(out: &mut String, input: &str) {
    encode_runs(out, input, true);
}

/// `A-Za-z0-9-._~`: the bytes SigV4 never encodes.
const fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

const KEEP: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = unreserved(b as u8);
        b += 1;
    }
    table
};

fn encode_runs(out: &mut String, input: &str, keep_slash: bool) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = input.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if KEEP[usize::from(b)] || (keep_slash && b == b'/') {
            continue;
        }
        // A run of kept bytes starts after an encoded byte and holds only ASCII, so a
        // non-empty run lies between characters. An empty one may sit inside a multi-byte
        // character, where even an empty slice would panic: skip it.
        if run < i {
            out.push_str(&input[run..i]);
        }
        out.push('%');
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
        run = i + 1;
    }
    out.push_str(&input[run..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_driven_encoders_agree_with_the_sets_for_every_byte() {
        let mut all = String::new();
        for b in 0u8..=0x7f {
            all.push(char::from(b));
        }
        all.push_str("\u{80}\u{e9}\u{7ff}\u{800}\u{1234}\u{ffff}\u{10000}\u{1f600}\u{10ffff}");
        for text in [
            all.as_str(),
            "",
            "a",
            "/",
            "%",
            "photos/a b+c.png",
            "ሴ~x//y",
        ] {
            let mut fast = String::new();
            encode_component_into(&mut fast, text);
            assert_eq!(fast, encode(text, COMPONENT), "{text:?}");
            let mut fast = String::new();
            encode_path_into(&mut fast, text);
            assert_eq!(fast, encode(text, PATH), "{text:?}");
        }
    }

    #[test]
    fn unreserved_bytes_pass_through_and_the_rest_is_uppercase_hex() {
        assert_eq!(encode("AZaz09-._~", COMPONENT), "AZaz09-._~");
        assert_eq!(encode("a/b", COMPONENT), "a%2Fb");
        assert_eq!(encode("a/b", PATH), "a/b");
        assert_eq!(encode(" +=&@%", PATH), "%20%2B%3D%26%40%25");
        assert_eq!(encode("ሴ", PATH), "%E1%88%B4");
    }
}
