//! The canonical URI: the path as SigV4 signs it.

use crate::uri_encode::encode_path_into;
use crate::{PathNormalization, UriEncoding};

/// Emits the canonical URI of `path` (the path as it appears in the URL) through `put`.
///
/// [`PathNormalization::RemoveDotSegments`] removes `.` and `..` segments and collapses
/// repeated `/` first (generic AWS services; S3 never does). [`UriEncoding::Twice`] then
/// encodes the path once more, as generic services expect; [`UriEncoding::Once`] (S3) takes it
/// as it is.
pub(crate) fn write_canonical_uri(
    out: &mut String,
    path: &str,
    normalization: PathNormalization,
    encoding: UriEncoding,
) {
    let normalized;
    let path = if normalization == PathNormalization::RemoveDotSegments {
        normalized = normalize_path(path);
        normalized.as_str()
    } else {
        path
    };
    match (path.is_empty(), encoding) {
        (true, _) => out.push('/'),
        (false, UriEncoding::Once) => out.push_str(path),
        (false, UriEncoding::Twice) => encode_path_into(out, path),
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
    fn s3_signs_the_path_as_given_and_others_encode_it_again() {
        let uri = |normalization, encoding| {
            let mut out = String::new();
            write_canonical_uri(&mut out, "/a%20b/./c", normalization, encoding);
            out
        };
        assert_eq!(
            uri(PathNormalization::AsGiven, UriEncoding::Once),
            "/a%20b/./c"
        );
        assert_eq!(
            uri(PathNormalization::RemoveDotSegments, UriEncoding::Twice),
            "/a%2520b/c"
        );
        let mut empty = String::new();
        write_canonical_uri(
            &mut empty,
            "",
            PathNormalization::AsGiven,
            UriEncoding::Once,
        );
        assert_eq!(empty, "/");
    }
}
