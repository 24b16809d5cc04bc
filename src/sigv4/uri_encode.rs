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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreserved_bytes_pass_through_and_the_rest_is_uppercase_hex() {
        assert_eq!(encode("AZaz09-._~", COMPONENT), "AZaz09-._~");
        assert_eq!(encode("a/b", COMPONENT), "a%2Fb");
        assert_eq!(encode("a/b", PATH), "a/b");
        assert_eq!(encode(" +=&@%", PATH), "%20%2B%3D%26%40%25");
        assert_eq!(encode("ሴ", PATH), "%E1%88%B4");
    }
}
