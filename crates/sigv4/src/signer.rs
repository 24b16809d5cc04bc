//! The signer: one set of credentials, region and service; the four steps run in order into
//! reused buffers.

use std::fmt;

use crate::buffers::with_thread_scratch;
use crate::canonical_headers::CanonicalHeaders;
use crate::canonical_query::{write_canonical_query, AmzValues};
use crate::canonical_request::CanonicalRequest;
use crate::signature::sign_pieces;
use crate::signing_key::{SigningKey, SigningKeyCache};
use crate::uri_encode::encode_component_into;
use crate::{
    string_to_sign, Credentials, Error, KeyReuse, Presigned, QueryRequest, SessionTokenPlacement,
    Settings, SigningTime, Trace,
};

/// Checks that `region` can stand in a credential scope: letters, digits, `-` and `_`.
pub fn check_region(region: &str) -> Result<(), Error> {
    if region.is_empty() {
        Err(Error::EmptyRegion)
    } else if !scope_word(region) {
        Err(Error::InvalidRegion {
            region: region.to_owned(),
        })
    } else {
        Ok(())
    }
}

fn scope_word(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Signs query-string requests for one set of credentials, region and service, keeping the
/// signing key of the current day (unless told [`KeyReuse::Never`]).
///
/// ```
/// use presigner_sigv4::{Credentials, QueryRequest, Settings, Signer, SigningTime};
/// let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
/// let signer = Signer::new(credentials, "us-east-1", "s3", Settings::S3)?;
/// let request = QueryRequest {
///     method: "GET",
///     host: "examplebucket.s3.amazonaws.com",
///     path: "/test.txt",
///     query: &[],
///     headers: &[],
///     payload_hash: "UNSIGNED-PAYLOAD",
///     expires_in: 86400,
/// };
/// let time = SigningTime::parse_amz_date("20130524T000000Z")?;
/// let mut url = String::from("https://examplebucket.s3.amazonaws.com/test.txt?");
/// signer.presign_into(&request, time, &mut url)?;
/// assert!(url.ends_with("&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"));
/// # Ok::<(), presigner_sigv4::Error>(())
/// ```
#[derive(Debug)]
pub struct Signer {
    credentials: Credentials,
    region: String,
    service: String,
    settings: Settings,
    key_reuse: KeyReuse,
    keys: SigningKeyCache,
    /// What every URL repeats, encoded once here rather than per signature.
    encoded: Encoded,
}

/// `X-Amz-Credential` is `{key id}%2F{date}%2F{region}%2F{service}%2Faws4_request`; only the
/// date changes. The session token never does.
struct Encoded {
    credential_prefix: String,
    credential_suffix: String,
    scope_suffix: String,
    token: Option<String>,
}

impl fmt::Debug for Encoded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The token is a secret.
        f.write_str("Encoded(<redacted>)")
    }
}

fn encoded(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    encode_component_into(&mut out, s);
    out
}

impl Signer {
    /// Checks region and service; the credentials were checked when made.
    pub fn new(
        credentials: Credentials,
        region: &str,
        service: &str,
        settings: Settings,
    ) -> Result<Self, Error> {
        check_region(region)?;
        if !scope_word(service) {
            return Err(Error::InvalidService {
                service: service.to_owned(),
            });
        }
        let encoded = Encoded {
            credential_prefix: format!("{}%2F", encoded(credentials.access_key_id())),
            credential_suffix: format!(
                "%2F{}%2F{}%2Faws4_request",
                encoded(region),
                encoded(service)
            ),
            scope_suffix: format!("/{region}/{service}/aws4_request"),
            token: credentials.session_token().map(encoded),
        };
        Ok(Signer {
            credentials,
            region: region.to_owned(),
            service: service.to_owned(),
            settings,
            key_reuse: KeyReuse::default(),
            keys: SigningKeyCache::default(),
            encoded,
        })
    }

    /// This signer, keeping or not keeping the day's signing key.
    pub fn with_key_reuse(mut self, key_reuse: KeyReuse) -> Self {
        self.key_reuse = key_reuse;
        self
    }

    /// The region in the credential scope.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The credentials this signer signs with.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// `YYYYMMDD/region/service/aws4_request`.
    pub fn credential_scope(&self, time: SigningTime) -> String {
        format!("{}{}", time.date(), self.encoded.scope_suffix)
    }

    /// `{access key id}/YYYYMMDD/region/service/aws4_request`, the credential as a POST form
    /// carries it (`x-amz-credential`), not encoded.
    pub fn credential(&self, time: SigningTime) -> String {
        let id = self.credentials.access_key_id();
        let suffix = &self.encoded.scope_suffix;
        let mut out = String::with_capacity(id.len() + 9 + suffix.len());
        out.push_str(id);
        out.push('/');
        out.push_str(time.date());
        out.push_str(suffix);
        out
    }

    /// The signature of a browser-form (POST) upload: for SigV4 the string to sign is the
    /// base64-encoded policy document itself, signed with the signing key of the day in the
    /// policy's `x-amz-date`. Returns the `x-amz-signature` field, hex.
    ///
    /// ```
    /// use presigner_sigv4::{Credentials, Settings, Signer, SigningTime};
    /// let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
    /// let signer = Signer::new(credentials, "us-east-1", "s3", Settings::S3)?;
    /// let time = SigningTime::parse_amz_date("20151229T000000Z")?;
    /// let signature = signer.sign_post_policy("eyJ9", time);
    /// assert_eq!(signature.len(), 64);
    /// assert_eq!(signer.credential(time), "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request");
    /// # Ok::<(), presigner_sigv4::Error>(())
    /// ```
    pub fn sign_post_policy(&self, policy_base64: &str, time: SigningTime) -> String {
        sign_pieces(&self.signing_key(time), &[policy_base64])
            .as_str()
            .to_owned()
    }

    /// The signing key for `time`'s day: the kept one when it is that day's.
    fn signing_key(&self, time: SigningTime) -> SigningKey {
        let secret = self.credentials.secret_access_key();
        match self.key_reuse {
            KeyReuse::SameDay => self
                .keys
                .get(secret, time.date(), &self.region, &self.service),
            KeyReuse::Never => SigningKey::derive(secret, time.date(), &self.region, &self.service),
        }
    }

    /// Presigns `request` at `time`, keeping every intermediate. For the URL alone,
    /// [`Signer::presign_into`] skips building them.
    pub fn presign(&self, request: &QueryRequest, time: SigningTime) -> Result<Presigned, Error> {
        let mut query = String::with_capacity(512);
        let mut trace = Trace::default();
        self.sign(request, time, &mut query, Some(&mut trace))?;
        Ok(Presigned { query, trace })
    }

    /// Appends the signed query string of `request` to `out`: the canonical query, then the
    /// session token when it is appended after signing, then `X-Amz-Signature`. Nothing else
    /// is allocated for it but a reused buffer per thread.
    pub fn presign_into(
        &self,
        request: &QueryRequest,
        time: SigningTime,
        out: &mut String,
    ) -> Result<(), Error> {
        self.sign(request, time, out, None)
    }

    /// One code path for the vectors (with `trace`) and the Lambda (without): the canonical
    /// request is hashed once and the string to sign streamed into the pre-keyed HMAC; their
    /// text is kept only when `trace` asks for it.
    fn sign(
        &self,
        request: &QueryRequest,
        time: SigningTime,
        out: &mut String,
        mut trace: Option<&mut Trace>,
    ) -> Result<(), Error> {
        request.check()?;
        let headers = CanonicalHeaders::new(request.host, request.headers);
        let token = self.encoded.token.as_deref();
        let token_signed = self.settings.session_token == SessionTokenPlacement::Signed;

        let query_start = out.len();
        let amz = AmzValues {
            credential: [
                &self.encoded.credential_prefix,
                time.date(),
                &self.encoded.credential_suffix,
            ],
            amz_date: time.amz_date(),
            expires_in: request.expires_in,
            signed_token: token.filter(|_| token_signed),
            headers: &headers,
        };
        write_canonical_query(out, request.query, &amz);

        let canonical_request = CanonicalRequest {
            method: request.method,
            path: request.path,
            query: &out[query_start..],
            headers: &headers,
            payload_hash: request.payload_hash,
            settings: self.settings,
        };
        let hash = with_thread_scratch(canonical_request.capacity(), |text| {
            canonical_request.write(text);
            if let Some(t) = trace.as_deref_mut() {
                t.canonical_request.clone_from(text);
            }
            string_to_sign::hash(text)
        });

        let string_to_sign = string_to_sign::pieces(
            time.amz_date(),
            [time.date(), &self.encoded.scope_suffix],
            hash.as_str(),
        );
        let signature = sign_pieces(&self.signing_key(time), &string_to_sign);

        if let (Some(token), false) = (token, token_signed) {
            out.push_str("&X-Amz-Security-Token=");
            out.push_str(token);
        }
        out.push_str("&X-Amz-Signature=");
        out.push_str(signature.as_str());

        if let Some(t) = trace {
            t.string_to_sign = string_to_sign.concat();
            t.signature = signature.as_str().to_owned();
            t.signed_headers.clear();
            headers.write_signed_names(&mut t.signed_headers, ";", |o, n| o.push_str(n));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws_example as aws;
    use crate::MAX_EXPIRES_IN;

    fn signer(token: Option<&str>) -> Signer {
        let c = Credentials::new("AKIDEXAMPLE", "secret", token.map(str::to_owned)).unwrap();
        Signer::new(c, "us-east-1", "s3", Settings::S3).unwrap()
    }

    fn request<'a>() -> QueryRequest<'a> {
        QueryRequest {
            method: "GET",
            host: "example.com",
            path: "/a",
            query: &[],
            headers: &[],
            payload_hash: "UNSIGNED-PAYLOAD",
            expires_in: 60,
        }
    }

    #[test]
    fn aws_example_through_every_step() {
        let signer = Signer::new(aws::credentials(), aws::REGION, "s3", Settings::S3).unwrap();
        let request = QueryRequest {
            host: aws::HOST,
            path: aws::PATH,
            expires_in: aws::EXPIRES_IN,
            ..request()
        };
        let signed = signer.presign(&request, aws::time()).unwrap();
        assert_eq!(signed.trace.canonical_request, aws::CANONICAL_REQUEST);
        assert_eq!(signed.trace.string_to_sign, aws::STRING_TO_SIGN);
        assert_eq!(signed.trace.signature, aws::SIGNATURE);
        assert_eq!(
            signed.query,
            format!(
                "{}&X-Amz-Signature={}",
                aws::CANONICAL_QUERY,
                aws::SIGNATURE
            )
        );
        assert_eq!(signer.credential_scope(aws::time()), aws::CREDENTIAL_SCOPE);
    }

    #[test]
    fn signer_refuses_bad_scope_parts_and_hides_secrets() {
        let c = Credentials::new("A", "topsecret", Some("tokenvalue".into())).unwrap();
        assert_eq!(
            Signer::new(c.clone(), "", "s3", Settings::S3).unwrap_err(),
            Error::EmptyRegion
        );
        assert_eq!(
            Signer::new(c.clone(), "us/east", "s3", Settings::S3).unwrap_err(),
            Error::InvalidRegion {
                region: "us/east".into()
            }
        );
        assert_eq!(
            Signer::new(c.clone(), "us-east-1", "", Settings::S3).unwrap_err(),
            Error::InvalidService {
                service: String::new()
            }
        );
        let s = Signer::new(c, "us-east-1", "s3", Settings::S3).unwrap();
        let shown = format!("{s:?}");
        assert!(
            !shown.contains("topsecret") && !shown.contains("tokenvalue"),
            "{shown}"
        );
    }

    #[test]
    fn request_checks_refuse_unsignable_parts() {
        let s = signer(None);
        let t = SigningTime::from_unix_seconds(0).unwrap();
        let refused = |r: QueryRequest| s.presign(&r, t).unwrap_err();
        assert_eq!(
            refused(QueryRequest {
                method: "get",
                ..request()
            }),
            Error::InvalidMethod {
                method: "get".into()
            }
        );
        assert_eq!(
            refused(QueryRequest {
                host: "a b",
                ..request()
            }),
            Error::InvalidHost
        );
        assert_eq!(
            refused(QueryRequest {
                headers: &[("content-type", "a\nb")],
                ..request()
            }),
            Error::InvalidHeaderValue {
                name: "content-type".into()
            }
        );
        assert_eq!(
            refused(QueryRequest {
                query: &[("X-AMZ-CREDENTIAL", "x")],
                ..request()
            }),
            Error::ReservedQueryParameter {
                name: "X-AMZ-CREDENTIAL".into()
            }
        );
    }

    #[test]
    fn expiries_aws_refuses_are_refused() {
        let s = signer(None);
        let t = SigningTime::from_unix_seconds(0).unwrap();
        for expires_in in [0, MAX_EXPIRES_IN + 1, u32::MAX] {
            let r = QueryRequest {
                expires_in,
                ..request()
            };
            assert_eq!(
                s.presign(&r, t).unwrap_err(),
                Error::ExpiresInOutOfRange { expires_in }
            );
            let mut out = String::new();
            assert!(s.presign_into(&r, t, &mut out).is_err());
        }
        for expires_in in [1, MAX_EXPIRES_IN] {
            let r = QueryRequest {
                expires_in,
                ..request()
            };
            let signed = s.presign(&r, t).unwrap();
            assert!(signed
                .query
                .contains(&format!("X-Amz-Expires={expires_in}&")));
        }
    }

    #[test]
    fn kept_and_fresh_keys_sign_alike() {
        let t = SigningTime::from_unix_seconds(1_700_000_000).unwrap();
        let a = signer(Some("tok")).presign(&request(), t).unwrap();
        let fresh = signer(Some("tok")).with_key_reuse(KeyReuse::Never);
        assert_eq!(a, fresh.presign(&request(), t).unwrap());
        assert!(a.query.contains("X-Amz-Security-Token=tok&"));
        assert!(a
            .trace
            .string_to_sign
            .contains("\n20231114/us-east-1/s3/aws4_request\n"));
        assert!(!format!("{a:?}").contains(&a.trace.signature));
        let mut bare = String::new();
        signer(Some("tok"))
            .presign_into(&request(), t, &mut bare)
            .unwrap();
        assert_eq!(bare, a.query);
    }

    #[test]
    fn an_unsigned_token_goes_after_the_signature_input() {
        let c = Credentials::new("AKID", "secret", Some("t/k".into())).unwrap();
        let settings = Settings {
            session_token: SessionTokenPlacement::AppendedAfterSigning,
            ..Settings::S3
        };
        let s = Signer::new(c, "us-east-1", "s3", settings).unwrap();
        let t = SigningTime::from_unix_seconds(1_700_000_000).unwrap();
        let signed = s.presign(&request(), t).unwrap();
        assert!(!signed.trace.canonical_request.contains("Security-Token"));
        assert!(signed
            .query
            .contains("&X-Amz-Security-Token=t%2Fk&X-Amz-Signature="));
    }
}
