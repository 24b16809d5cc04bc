//! Percent-encoding as SigV4 defines it ("UriEncode" in the AWS documentation).
//!
//! Every byte outside the unreserved set `A-Z a-z 0-9 - . _ ~` becomes `%XX` with uppercase hex.
//! This is stricter than RFC 3986 path encoding (`+`, `=`, `@`, `!` are all encoded), and it is
//! what both the canonical request and the URL must carry, byte for byte.

/// Appends `input` to `out` with every byte but `A-Za-z0-9-._~` encoded: query names and
/// values, and single path segments.
///
/// ```
/// let mut s = String::new();
/// presigner_sigv4::uri_encode::encode_component_into(&mut s, "a b/c+d");
/// assert_eq!(s, "a%20b%2Fc%2Bd");
/// ```
pub fn encode_component_into(out: &mut String, input: &str) {
    encode_runs(out, input, false);
}

/// As [`encode_component_into`], but `/` is kept: object keys and paths.
///
/// ```
/// let mut s = String::new();
/// presigner_sigv4::uri_encode::encode_path_into(&mut s, "photos/a b+c.png");
/// assert_eq!(s, "photos/a%20b%2Bc.png");
/// ```
pub fn encode_path_into(out: &mut String, input: &str) {
    encode_runs(out, input, true);
}

/// `A-Za-z0-9-._~`: the bytes SigV4 never encodes.
const fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Per byte: kept as it is in a query name or value ([`unreserved`]).
const KEEP: [bool; 256] = keep_table(false);
/// Per byte: kept as it is in a path (`/` too).
const KEEP_IN_PATH: [bool; 256] = keep_table(true);

const fn keep_table(slash: bool) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = unreserved(b as u8) || (slash && b == b'/' as usize);
        b += 1;
    }
    table
}

fn encode_runs(out: &mut String, input: &str, keep_slash: bool) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let keep = if keep_slash { &KEEP_IN_PATH } else { &KEEP };
    let bytes = input.as_bytes();
    // Most keys and values need no encoding at all: find that out with comparisons the
    // compiler vectorises, and copy them whole.
    let encode_any = bytes.iter().fold(false, |any, &b| {
        let kept = b.is_ascii_alphanumeric()
            | (b == b'-')
            | (b == b'.')
            | (b == b'_')
            | (b == b'~')
            | (keep_slash & (b == b'/'));
        any | !kept
    });
    if !encode_any {
        out.push_str(input);
        return;
    }
    let mut run = 0;
    while let Some(offset) = bytes[run..].iter().position(|&b| !keep[usize::from(b)]) {
        let i = run + offset;
        // A run of kept bytes starts after an encoded byte and holds only ASCII, so a
        // non-empty run lies between characters. An empty one may sit inside a multi-byte
        // character, where even an empty slice would panic: skip it.
        if run < i {
            out.push_str(&input[run..i]);
        }
        let b = bytes[i];
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
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

    // The reference: the sets as the percent-encoding crate applies them.
    const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    const PATH: &AsciiSet = &COMPONENT.remove(b'/');

    fn encode(input: &str, set: &'static AsciiSet) -> String {
        percent_encoding::utf8_percent_encode(input, set).to_string()
    }

    fn fast(input: &str, keep_slash: bool) -> String {
        let mut out = String::new();
        encode_runs(&mut out, input, keep_slash);
        out
    }

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
        assert_eq!(fast("AZaz09-._~", false), "AZaz09-._~");
        assert_eq!(fast("a/b", false), "a%2Fb");
        assert_eq!(fast("a/b", true), "a/b");
        assert_eq!(fast(" +=&@%", true), "%20%2B%3D%26%40%25");
        assert_eq!(fast("ሴ", true), "%E1%88%B4");
    }
}
