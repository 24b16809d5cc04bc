//! CloudFront's base64: standard base64 with `+`, `=` and `/` written as `-`, `_` and `~`, so a
//! policy and a signature stand in a query string without percent-encoding.

use base64::Engine;

/// Appends `bytes` to `out` in CloudFront's base64.
pub fn encode_into(out: &mut String, bytes: &[u8]) {
    let standard = base64::engine::general_purpose::STANDARD.encode(bytes);
    out.extend(standard.chars().map(|c| match c {
        '+' => '-',
        '=' => '_',
        '/' => '~',
        c => c,
    }));
}

/// `bytes` in CloudFront's base64.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    encode_into(&mut out, bytes);
    out
}

/// Reads CloudFront's base64 back; `None` for any character outside its alphabet
/// (including the standard `+`, `=` and `/`).
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let standard = text
        .chars()
        .map(|c| match c {
            '-' => Some('+'),
            '_' => Some('='),
            '~' => Some('/'),
            '+' | '=' | '/' => None,
            c => Some(c),
        })
        .collect::<Option<String>>()?;
    base64::engine::general_purpose::STANDARD
        .decode(standard)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_characters_are_swapped_both_ways() {
        // 0xfb 0xff is "+/8=" in standard base64.
        assert_eq!(encode(&[0xfb, 0xff]), "-~8_");
        assert_eq!(decode("-~8_").unwrap(), [0xfb, 0xff]);
        assert_eq!(decode("+/8="), None);
    }
}
