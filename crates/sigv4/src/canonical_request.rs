//! Step 1: the canonical request.

use crate::canonical_headers::CanonicalHeaders;
use crate::canonical_uri::write_canonical_uri;
use crate::Settings;

/// The parts of a canonical request, each already in canonical form but the path.
pub(crate) struct CanonicalRequest<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) query: &'a str,
    pub(crate) headers: &'a CanonicalHeaders<'a>,
    pub(crate) payload_hash: &'a str,
    pub(crate) settings: Settings,
}

impl CanonicalRequest<'_> {
    /// Room for the whole text (the path may grow threefold when encoded again).
    pub(crate) fn capacity(&self) -> usize {
        self.method.len()
            + 3 * self.path.len()
            + self.query.len()
            + self.headers.written_len()
            + self.payload_hash.len()
            + 8
    }

    /// Appends `method \n uri \n query \n headers \n signed-names \n payload-hash` to `out`.
    pub(crate) fn write(&self, out: &mut String) {
        out.push_str(self.method);
        out.push('\n');
        write_canonical_uri(
            out,
            self.path,
            self.settings.path_normalization,
            self.settings.uri_encoding,
        );
        out.push('\n');
        out.push_str(self.query);
        out.push('\n');
        self.headers.write(out);
        out.push('\n');
        self.headers
            .write_signed_names(out, ";", |out, name| out.push_str(name));
        out.push('\n');
        out.push_str(self.payload_hash);
    }
}

/// Step 1 of SigV4: the canonical request, from the request's method, its path as the URL
/// carries it, its canonical query string, the headers to sign (`host` among them) and the
/// payload hash (`UNSIGNED-PAYLOAD` for a presigned S3 URL).
///
/// Header names are lowercased and sorted, values trimmed and inner whitespace folded, and the
/// path encoded as `settings` say; everything else is written as given. [`Signer`](crate::Signer)
/// checks its inputs and builds the canonical query itself; this is the step on its own, to
/// check against AWS's published examples.
///
/// ```
/// use presigner_sigv4::{canonical_request, Settings};
/// let query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host";
/// let text = canonical_request("GET", "/test.txt", query, &[("Host", "examplebucket.s3.amazonaws.com")], "UNSIGNED-PAYLOAD", Settings::S3);
/// assert!(text.starts_with("GET\n/test.txt\nX-Amz-Algorithm="));
/// assert!(text.ends_with("\nhost:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD"));
/// ```
pub fn canonical_request(
    method: &str,
    path: &str,
    canonical_query: &str,
    headers: &[(&str, &str)],
    payload_hash: &str,
    settings: Settings,
) -> String {
    let headers = CanonicalHeaders::from_pairs(headers);
    let request = CanonicalRequest {
        method,
        path,
        query: canonical_query,
        headers: &headers,
        payload_hash,
        settings,
    };
    let mut out = String::with_capacity(request.capacity());
    request.write(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws_example as aws;

    #[test]
    fn aws_example() {
        let text = canonical_request(
            "GET",
            aws::PATH,
            aws::CANONICAL_QUERY,
            &[("host", aws::HOST)],
            "UNSIGNED-PAYLOAD",
            Settings::S3,
        );
        assert_eq!(text, aws::CANONICAL_REQUEST);
    }

    #[test]
    fn capacity_is_enough() {
        let headers = CanonicalHeaders::new("h", &[("X-A", " a  b "), ("x-a", "c")]);
        let request = CanonicalRequest {
            method: "PUT",
            path: "/a b/%/c",
            query: "a=b",
            headers: &headers,
            payload_hash: "UNSIGNED-PAYLOAD",
            settings: Settings::GENERIC,
        };
        let mut out = String::new();
        request.write(&mut out);
        assert!(out.len() <= request.capacity(), "{out:?}");
    }
}
