//! Canonical request pieces: URI, query string, headers.

use std::ops::Range;

use super::uri_encode::{encode_component_into, PATH};
use super::{Error, UriEncoding};

/// Emits the canonical URI of `path` (the path as it appears in the URL) through `put`.
///
/// `normalize` removes `.` and `..` segments and collapses repeated `/` first (generic AWS
/// services; S3 never does). [`UriEncoding::Twice`] then encodes the path once more, as generic
/// services expect; [`UriEncoding::Once`] (S3) takes it as it is.
pub fn canonical_uri(
    path: &str,
    normalize: bool,
    encoding: UriEncoding,
    put: &mut impl FnMut(&str),
) {
    let normalized;
    let path = if normalize {
        normalized = normalize_path(path);
        normalized.as_str()
    } else {
        path
    };
    match (path.is_empty(), encoding) {
        (true, _) => put("/"),
        (false, UriEncoding::Once) => put(path),
        (false, UriEncoding::Twice) => {
            for chunk in percent_encoding::utf8_percent_encode(path, PATH) {
                put(chunk);
            }
        }
    }
}

/// RFC 3986 dot-segment removal plus collapsing of empty segments; keeps a trailing `/`.
fn normalize_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    let mut out = String::with_capacity(path.len());
    for s in &segments {
        out.push('/');
        out.push_str(s);
    }
    if trailing || segments.is_empty() {
        out.push('/');
    }
    out
}

/// Query parameters, each name and value encoded once into one shared buffer, sorted by
/// encoded name and then value, as the canonical query string wants. Empty, it allocates
/// nothing.
pub struct CanonicalQuery {
    buf: String,
    params: Vec<(Range<usize>, Range<usize>)>,
}

impl CanonicalQuery {
    pub fn with_capacity(params: usize) -> Self {
        CanonicalQuery {
            buf: String::with_capacity(params * 32),
            params: Vec::with_capacity(params),
        }
    }

    /// Adds a decoded `name=value`; both are encoded here.
    pub fn push(&mut self, name: &str, value: &str) {
        let start = self.buf.len();
        encode_component_into(&mut self.buf, name);
        let mid = self.buf.len();
        encode_component_into(&mut self.buf, value);
        self.params.push((start..mid, mid..self.buf.len()));
    }

    /// Puts the parameters in canonical order.
    pub fn sort(&mut self) {
        let buf = &self.buf;
        self.params.sort_unstable_by(|a, b| {
            (&buf[a.0.clone()], &buf[a.1.clone()]).cmp(&(&buf[b.0.clone()], &buf[b.1.clone()]))
        });
    }

    pub fn len(&self) -> usize {
        self.params.len()
    }

    /// The encoded name of parameter `i`.
    pub fn name(&self, i: usize) -> &str {
        &self.buf[self.params[i].0.clone()]
    }

    /// Appends `name=value` of parameter `i` to `out`.
    pub fn write(&self, i: usize, out: &mut String) {
        let (name, value) = &self.params[i];
        out.push_str(&self.buf[name.clone()]);
        out.push('=');
        out.push_str(&self.buf[value.clone()]);
    }
}

/// A header name SigV4 can sign: an HTTP token (RFC 9110 `tchar`), compared in lowercase.
pub fn check_header_name(name: &str) -> Result<(), Error> {
    let is_tchar = |b: u8| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'..=b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            )
    };
    if name.is_empty() || !name.bytes().all(is_tchar) {
        return Err(Error::InvalidHeaderName(name.to_owned()));
    }
    if name.eq_ignore_ascii_case("host") {
        return Err(Error::HostHeaderGiven);
    }
    Ok(())
}

/// A header value SigV4 can sign and an HTTP client can send: visible ASCII, spaces and tabs.
pub fn check_header_value(name: &str, value: &str) -> Result<(), Error> {
    if value
        .bytes()
        .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
    {
        Ok(())
    } else {
        Err(Error::InvalidHeaderValue(name.to_owned()))
    }
}

/// Emits the value trimmed, with every run of spaces and tabs inside folded to one space.
pub fn header_value_words(value: &str, put: &mut impl FnMut(&str)) {
    // Most values (types, lengths, checksums) hold no space or tab: emitted as they are.
    if !value.bytes().any(|b| b == b' ' || b == b'\t') {
        put(value);
        return;
    }
    let mut first = true;
    for word in value.split([' ', '\t']).filter(|w| !w.is_empty()) {
        if !first {
            put(" ");
        }
        put(word);
        first = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_removes_dot_segments_and_repeated_slashes() {
        for (input, expected) in [
            ("/", "/"),
            ("", "/"),
            ("//", "/"),
            ("/example/..", "/"),
            ("/example1/example2/../..", "/"),
            ("/./", "/"),
            ("/./example", "/example"),
            ("//example//", "/example/"),
            ("/a/b/../c/./d", "/a/c/d"),
            ("/a/b/.", "/a/b/"),
        ] {
            assert_eq!(normalize_path(input), expected, "{input}");
        }
    }

    #[test]
    fn header_values_are_trimmed_and_folded() {
        let mut s = String::new();
        header_value_words("  \"a   b \t c\"  ", &mut |w| s.push_str(w));
        assert_eq!(s, "\"a b c\"");
    }

    #[test]
    fn header_checks_refuse_what_cannot_be_sent() {
        assert!(check_header_name("content-type").is_ok());
        assert_eq!(
            check_header_name(""),
            Err(Error::InvalidHeaderName(String::new()))
        );
        assert!(check_header_name("bad name").is_err());
        assert!(check_header_name("bad:name").is_err());
        assert_eq!(check_header_name("Host"), Err(Error::HostHeaderGiven));
        assert!(check_header_value("x", "image/png").is_ok());
        assert!(check_header_value("x", "a\r\nb").is_err());
        assert!(check_header_value("x", "caf\u{e9}").is_err());
    }
}
