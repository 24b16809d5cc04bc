//! Browser-form uploads: a `POST` of `multipart/form-data` to the bucket, allowed by a signed
//! policy document (S3's "Browser-Based Uploads Using POST", SigV4).
//!
//! The policy pins what the form may store: this bucket, this exact key, one `Content-Type`,
//! a size range, until an expiration, with these credentials. S3 checks every condition
//! against the form's fields and the file, and the signature against the policy.
//!
//! The policy text is written exactly as botocore's `generate_presigned_post` writes it (the
//! same condition order, `json.dumps`' separators and ASCII escaping, the same expiration
//! format), so the vectors compare the policy, the fields and the signature byte for byte.
//!
//! ```
//! use presigner_s3::{AddressingStyle, Bucket, Endpoint, Expiry, ObjectKey, Presigner};
//! use presigner_s3::post::PostRequest;
//! use presigner_sigv4::{Credentials, SigningTime};
//!
//! let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
//! let presigner = Presigner::new(credentials, "us-east-1", Endpoint::regional("us-east-1")?, AddressingStyle::Auto)?;
//! let (bucket, key) = (Bucket::new("examplebucket")?, ObjectKey::new("images/u/t.png")?);
//! let request = PostRequest {
//!     bucket: &bucket,
//!     key: &key,
//!     content_type: "image/png",
//!     content_length_range: (1, 10_485_760),
//!     expiry: Expiry::from_secs(1800)?,
//! };
//! let form = presigner.presign_post(&request, SigningTime::parse_amz_date("20151229T000000Z")?)?;
//! assert_eq!(form.url, "https://examplebucket.s3.us-east-1.amazonaws.com/");
//! assert!(form.policy.starts_with(r#"{"expiration": "2015-12-29T00:30:00Z", "conditions": [{"Content-Type": "image/png"}, ["content-length-range", 1, 10485760]"#));
//! assert_eq!(form.fields().nth(1), Some(("key", "images/u/t.png")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use base64::Engine;

use crate::{Addressing, Bucket, Error, Expiry, ObjectKey, Presigner};
use std::fmt::Write as _;

use presigner_sigv4::{self as sigv4, SigningTime, ALGORITHM};

/// What a form may upload: one object, of one type, within a size range, until `expiry`
/// after the signing time.
#[derive(Debug, Clone, Copy)]
pub struct PostRequest<'a> {
    /// The bucket the form posts to.
    pub bucket: &'a Bucket,
    /// The exact key the object is stored under.
    pub key: &'a ObjectKey,
    /// The `Content-Type` the form must send (and S3 stores).
    pub content_type: &'a str,
    /// The smallest and largest file, in bytes, inclusive (`content-length-range`).
    pub content_length_range: (u64, u64),
    /// How long the policy stays valid.
    pub expiry: Expiry,
}

/// A signed form: where to post it and the fields to send before the file (the `file` field
/// comes last). It owns what signing computed and borrows the rest from the request and the
/// presigner, so signing a form allocates only what it must.
///
/// `Debug` hides the fields and the policy: they hold the signature and the session token.
#[derive(Clone, PartialEq, Eq)]
pub struct PresignedPost<'a> {
    /// The bucket's URL, the form's `action`.
    pub url: String,
    /// The policy document, as signed (its base64 is the `policy` field).
    pub policy: String,
    content_type: &'a str,
    key: &'a str,
    credential: String,
    time: SigningTime,
    token: Option<&'a str>,
    policy_base64: String,
    signature: String,
}

impl PresignedPost<'_> {
    /// The form fields, in the order botocore gives them: `Content-Type`, `key`,
    /// `x-amz-algorithm`, `x-amz-credential`, `x-amz-date`, `x-amz-security-token` (with
    /// temporary credentials), `policy`, `x-amz-signature`.
    pub fn fields(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        [
            Some(("Content-Type", self.content_type)),
            Some(("key", self.key)),
            Some(("x-amz-algorithm", ALGORITHM)),
            Some(("x-amz-credential", self.credential.as_str())),
            Some(("x-amz-date", self.time.amz_date())),
            self.token.map(|t| ("x-amz-security-token", t)),
            Some(("policy", self.policy_base64.as_str())),
            Some(("x-amz-signature", self.signature.as_str())),
        ]
        .into_iter()
        .flatten()
    }
}

impl fmt::Debug for PresignedPost<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PresignedPost")
            .field("fields", &self.fields().map(|(n, _)| n).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Presigner {
    /// The signed form for `request` at `time`.
    pub fn presign_post<'a>(
        &'a self,
        request: &PostRequest<'a>,
        time: SigningTime,
    ) -> Result<PresignedPost<'a>, Error> {
        let (min, max) = request.content_length_range;
        if min > max {
            return Err(Error::InvalidLengthRange { min, max });
        }
        sigv4::check_header_value("Content-Type", request.content_type)?;
        let expiration =
            SigningTime::from_unix_seconds(time.unix_seconds() + i64::from(request.expiry.secs()))?;
        let signer = self.signer();
        let credential = signer.credential(time);
        let token = signer.credentials().session_token();

        // The escapes of a non-ASCII key take at most 6 bytes per input byte.
        let mut policy = String::with_capacity(
            320 + 2 * credential.len()
                + 6 * request.key.as_str().len()
                + request.bucket.as_str().len()
                + 2 * request.content_type.len()
                + token.map_or(0, |t| 2 * t.len() + 32),
        );
        policy.push_str("{\"expiration\": \"");
        expiration.push_rfc3339(&mut policy);
        policy.push_str("\", \"conditions\": [");
        push_eq(&mut policy, "Content-Type", request.content_type);
        policy.push_str(", [\"content-length-range\", ");
        let _ = write!(policy, "{min}, {max}], ");
        // A bucket name, a credential (key id, date, region and service are checked words) and
        // an X-Amz-Date need no escapes; the key, the type and the token may.
        for part in ["{\"bucket\": \"", request.bucket.as_str(), "\"}, "] {
            policy.push_str(part);
        }
        push_eq(&mut policy, "key", request.key.as_str());
        for part in [
            ", {\"x-amz-algorithm\": \"",
            ALGORITHM,
            "\"}, {\"x-amz-credential\": \"",
            &credential,
            "\"}, {\"x-amz-date\": \"",
            time.amz_date(),
            "\"}",
        ] {
            policy.push_str(part);
        }
        if let Some(token) = token {
            policy.push_str(", ");
            push_eq(&mut policy, "x-amz-security-token", token);
        }
        policy.push_str("]}");

        let mut policy_base64 = String::with_capacity(policy.len().div_ceil(3) * 4);
        base64::engine::general_purpose::STANDARD.encode_string(&policy, &mut policy_base64);
        let signature = signer.sign_post_policy(&policy_base64, time);
        Ok(PresignedPost {
            url: self.bucket_url(request.bucket),
            policy,
            content_type: request.content_type,
            key: request.key.as_str(),
            credential,
            time,
            token,
            policy_base64,
            signature,
        })
    }

    /// Where a form posts: `scheme://bucket.host[:port]/`, or `scheme://host[:port]/bucket`
    /// in path style.
    fn bucket_url(&self, bucket: &Bucket) -> String {
        let endpoint = self.endpoint();
        let mut url = String::with_capacity(24 + 2 * bucket.as_str().len() + endpoint.host().len());
        url.push_str(endpoint.scheme().prefix());
        let addressing = self.push_authority(&mut url, bucket);
        url.push('/');
        if addressing == Addressing::Path {
            url.push_str(bucket.as_str());
        }
        url
    }
}

/// `{"name": "value"}`, an exact-match condition.
fn push_eq(out: &mut String, name: &str, value: &str) {
    out.push('{');
    push_json_string(out, name);
    out.push_str(": ");
    push_json_string(out, value);
    out.push('}');
}

/// A JSON string as Python's `json.dumps` writes it: `"` and `\` escaped, the short escapes
/// for `\b \f \n \r \t`, every other character outside `' '..='~'` (control characters,
/// DEL, non-ASCII) as `\u` with four lowercase hex digits (beyond the BMP, a surrogate pair).
/// Runs of characters that need no escape are copied whole.
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    let mut run_start = 0;
    let mut i = 0;
    while i < s.len() {
        let b = s.as_bytes()[i];
        if (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\' {
            i += 1;
            continue;
        }
        out.push_str(&s[run_start..i]);
        let c = s[i..].chars().next().unwrap_or_default();
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str("\\u");
                    for shift in [12, 8, 4, 0] {
                        out.push(char::from(
                            b"0123456789abcdef"[usize::from(*unit >> shift & 0xf)],
                        ));
                    }
                }
            }
        }
        i += c.len_utf8();
        run_start = i;
    }
    out.push_str(&s[run_start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_escaped_as_python_does() {
        let mut s = String::new();
        push_json_string(
            &mut s,
            "a\"b\\c\n\t\u{1}\u{7f}caf\u{e9} \u{65e5}\u{1f600}/<>&'",
        );
        // What `python3 -c 'import json; print(json.dumps(...))'` prints for the same text.
        assert_eq!(
            s,
            r#""a\"b\\c\n\t\u0001\u007fcaf\u00e9 \u65e5\ud83d\ude00/<>&'""#
        );
    }

    #[test]
    fn a_reversed_range_or_an_unsendable_type_is_refused() {
        let c = presigner_sigv4::Credentials::new("AKID", "s", None).unwrap();
        let p = Presigner::new(
            c,
            "us-east-1",
            crate::Endpoint::regional("us-east-1").unwrap(),
            crate::AddressingStyle::Auto,
        )
        .unwrap();
        let (b, k) = (Bucket::new("bkt").unwrap(), ObjectKey::new("k").unwrap());
        let t = SigningTime::from_unix_seconds(0).unwrap();
        let request = PostRequest {
            bucket: &b,
            key: &k,
            content_type: "image/png",
            content_length_range: (5, 4),
            expiry: Expiry::from_secs(60).unwrap(),
        };
        assert_eq!(
            p.presign_post(&request, t),
            Err(Error::InvalidLengthRange { min: 5, max: 4 })
        );
        let request = PostRequest {
            content_type: "image/png\r\nX: y",
            content_length_range: (1, 4),
            ..request
        };
        assert!(matches!(
            p.presign_post(&request, t),
            Err(Error::Signing(sigv4::Error::InvalidHeaderValue { .. }))
        ));
    }
}
