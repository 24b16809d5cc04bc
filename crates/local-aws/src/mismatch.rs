//! Why the local S3 refused a presigned URL's signature, said as AWS says it.
//!
//! s3s answers a signature that does not match with a bare `403 SignatureDoesNotMatch`. S3
//! itself adds what it computed: the canonical request and the string to sign of the request
//! as it arrived, and the signature provided, so a developer can compare them with what was
//! signed. This layer recomputes those from the request with the project's own SigV4 steps
//! (`presigner-sigv4`) and the local S3's fixed secret, and names any header the URL signs
//! (`X-Amz-SignedHeaders`) that the request did not send, the usual mistake: an upload URL
//! signs `If-None-Match: *`, and a PUT without it is refused.

use hyper::header::HeaderMap;
use presigner_sigv4::uri_encode::encode_component_into;
use presigner_sigv4::{canonical_request, string_to_sign, Settings, SigningTime};

/// A presigned request as the local S3 received it: what its signature is computed over.
#[derive(Debug, Clone)]
pub struct Presented {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
}

/// What the local S3 says about a signature that does not match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Signed headers (lowercase names) the request did not send.
    pub missing_headers: Vec<String>,
    /// The canonical request of the request as received.
    pub canonical_request: String,
    /// The string to sign of the request as received.
    pub string_to_sign: String,
    /// `X-Amz-Signature` as sent.
    pub signature_provided: String,
    /// The access key id of `X-Amz-Credential`.
    pub access_key_id: String,
}

impl Presented {
    /// The request's parts, if it is a presigned SigV4 request (`X-Amz-Signature` in its
    /// query); `None` otherwise.
    pub fn of(method: &str, path: &str, query: Option<&str>, headers: &HeaderMap) -> Option<Self> {
        let query = query?;
        if !query
            .split('&')
            .any(|pair| pair.starts_with("X-Amz-Signature="))
        {
            return None;
        }
        Some(Presented {
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.to_owned(),
            headers: headers
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
        })
    }

    /// The query's parameters, percent-decoded.
    fn params(&self) -> Vec<(String, String)> {
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(&s.replace('+', "%2B"))
                .decode_utf8_lossy()
                .into_owned()
        };
        self.query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((n, v)) => (decode(n), decode(v)),
                None => (decode(p), String::new()),
            })
            .collect()
    }

    /// What S3 would say: the canonical request and string to sign of this request, and the
    /// signed headers it lacks.
    pub fn explain(&self) -> Mismatch {
        let params = self.params();
        let param = |name: &str| {
            params
                .iter()
                .find(|(n, _)| n == name)
                .map_or("", |(_, v)| v.as_str())
        };
        let mut canonical: Vec<(String, String)> = params
            .iter()
            .filter(|(n, _)| n != "X-Amz-Signature")
            .map(|(n, v)| {
                let (mut name, mut value) = (String::new(), String::new());
                encode_component_into(&mut name, n);
                encode_component_into(&mut value, v);
                (name, value)
            })
            .collect();
        canonical.sort();
        let canonical_query = canonical
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("&");

        let signed: Vec<String> = param("X-Amz-SignedHeaders")
            .split(';')
            .filter(|n| !n.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        let missing_headers: Vec<String> = signed
            .iter()
            .filter(|name| !self.headers.iter().any(|(n, _)| n == *name))
            .cloned()
            .collect();
        let sent: Vec<(&str, &str)> = self
            .headers
            .iter()
            .filter(|(n, _)| signed.contains(n))
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let canonical_request = canonical_request(
            &self.method,
            &self.path,
            &canonical_query,
            &sent,
            presigner_s3::UNSIGNED_PAYLOAD,
            Settings::S3,
        );
        let credential = param("X-Amz-Credential");
        let access_key_id = credential.split('/').next().unwrap_or("").to_owned();
        let scope = credential.split_once('/').map_or("", |(_, s)| s);
        let string_to_sign = match SigningTime::parse_amz_date(param("X-Amz-Date")) {
            Ok(time) => string_to_sign(time, scope, &canonical_request),
            Err(_) => String::new(),
        };
        Mismatch {
            missing_headers,
            canonical_request,
            string_to_sign,
            signature_provided: param("X-Amz-Signature").to_owned(),
            access_key_id,
        }
    }
}

impl Mismatch {
    /// The message: which signed headers were not sent, or what to compare.
    pub fn message(&self) -> String {
        let base = "The request signature we calculated does not match the signature you provided.";
        if self.missing_headers.is_empty() {
            format!(
                "{base} Send each signed header with exactly the value the API's answer lists in \"headers\", use the URL unchanged, and compare CanonicalRequest below with what was signed."
            )
        } else {
            format!(
                "{base} The URL signs {}, which the request did not send: send every header the API's answer lists in \"headers\", with the value listed (an upload URL signs If-None-Match: *).",
                self.missing_headers.join(", ")
            )
        }
    }

    /// S3's error document for it, with the fields S3 adds to `SignatureDoesNotMatch`.
    pub fn xml(&self) -> String {
        let hex = |s: &str| {
            s.bytes()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>{}</Message>{}<AWSAccessKeyId>{}</AWSAccessKeyId><StringToSign>{}</StringToSign><SignatureProvided>{}</SignatureProvided><StringToSignBytes>{}</StringToSignBytes><CanonicalRequest>{}</CanonicalRequest><CanonicalRequestBytes>{}</CanonicalRequestBytes></Error>",
            escape(&self.message()),
            self.missing_headers
                .iter()
                .map(|h| format!("<MissingSignedHeader>{}</MissingSignedHeader>", escape(h)))
                .collect::<String>(),
            escape(&self.access_key_id),
            escape(&self.string_to_sign),
            escape(&self.signature_provided),
            hex(&self.string_to_sign),
            escape(&self.canonical_request),
            hex(&self.canonical_request),
        )
    }
}

/// XML text: `&`, `<`, `>`, quotes escaped.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::{HeaderName, HeaderValue};

    /// Whatever a request holds, the explanation is made without a panic, and it says
    /// nothing of the secret.
    #[test]
    fn hostile_requests_are_explained_without_a_panic_or_the_secret() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "if-none-match",
            HeaderValue::from_bytes(b"\xff\xfe*").unwrap(),
        );
        headers.append("if-none-match", HeaderValue::from_static("*"));
        headers.insert(
            HeaderName::from_static("x-amz-meta-a"),
            HeaderValue::from_bytes(b"a\tb<>&\x80").unwrap(),
        );
        // Within hyper's URI limit (64 KiB), as a request can reach it.
        let many_signed = vec!["x-a"; 10_000].join(";");
        let huge = "a".repeat(16 << 10);
        let queries = [
            "X-Amz-Signature=".to_owned(),
            "X-Amz-Signature=%ZZ&X-Amz-Credential=%&X-Amz-Date=%FF%FE".to_owned(),
            "X-Amz-Signature=a&X-Amz-Signature=b&X-Amz-SignedHeaders=if-none-match;;host&X-Amz-SignedHeaders=x".to_owned(),
            format!("X-Amz-Signature=a&X-Amz-SignedHeaders={many_signed}"),
            format!("X-Amz-Signature=a&{huge}={huge}&X-Amz-Credential={huge}"),
            "X-Amz-Signature=a&X-Amz-Date=99999999T999999Z&X-Amz-Credential=%2F%2F%2F".to_owned(),
            "X-Amz-Signature=a&X-Amz-Date=20260101T000000Z&X-Amz-Credential=K/20260101/us-east-1/s3/aws4_request&X-Amz-SignedHeaders=host%3Bif-none-match".to_owned(),
            "&&&=&X-Amz-Signature=a+b%2B%00&\u{e9}=\u{1F600}".to_owned(),
        ];
        for query in &queries {
            for path in [
                "/",
                "/presigner-local/images/u/%FF%2F..%2F.png",
                "//a/../b",
                "",
            ] {
                let presented =
                    Presented::of("PUT", path, Some(query), &headers).expect("a presigned request");
                let mismatch = presented.explain();
                let xml = mismatch.xml();
                assert!(xml.starts_with("<?xml"));
                assert!(!xml.contains(crate::SECRET_ACCESS_KEY));
                assert!(!xml.contains("<>"), "escaped");
            }
        }
        assert!(Presented::of("PUT", "/", Some("x-amz-signature=a"), &headers).is_none());
        assert!(Presented::of("PUT", "/", None, &headers).is_none());
    }
}
