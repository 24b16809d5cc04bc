//! Where download URLs point: S3, or a CloudFront distribution with its signing key.

use super::{problem, ConfigError};

/// Where download URLs point.
#[derive(Debug, Clone)]
pub enum Downloads {
    /// S3 presigned GET URLs (the default).
    S3,
    /// CloudFront signed URLs, for a distribution in front of the bucket.
    #[cfg(feature = "cloudfront")]
    CloudFront(CloudFront),
}

/// A CloudFront distribution and the key its key group trusts. `Debug` shows no key.
#[cfg(feature = "cloudfront")]
#[derive(Debug, Clone)]
pub struct CloudFront {
    /// `https://{CLOUDFRONT_DOMAIN}` (or the `http://` loopback origin of a local edge).
    pub origin: String,
    /// The key pair ID and private key.
    pub signer: std::sync::Arc<presigner_cloudfront::Signer>,
}

#[cfg(feature = "cloudfront")]
impl CloudFront {
    /// Reads the three settings: all or none, each checked; errors name the variable and
    /// never show the key.
    pub(super) fn from_settings(
        domain: Option<String>,
        key_pair_id: Option<String>,
        private_key: Option<String>,
    ) -> Result<Option<Self>, ConfigError> {
        let (domain, key_pair_id, private_key) = match (domain, key_pair_id, private_key) {
            (None, None, None) => return Ok(None),
            (Some(d), Some(k), Some(p)) => (d, k, p),
            (d, k, _) => {
                let missing = if d.is_none() {
                    "CLOUDFRONT_DOMAIN"
                } else if k.is_none() {
                    "CLOUDFRONT_KEY_PAIR_ID"
                } else {
                    "CLOUDFRONT_PRIVATE_KEY"
                };
                return Err(problem(
                    missing,
                    "is not set: CloudFront downloads need CLOUDFRONT_DOMAIN, CLOUDFRONT_KEY_PAIR_ID and CLOUDFRONT_PRIVATE_KEY together (or none of them, for S3 URLs)",
                ));
            }
        };
        let origin =
            cloudfront_origin(domain.trim()).map_err(|e| problem("CLOUDFRONT_DOMAIN", e))?;
        let key_pair_id = presigner_cloudfront::KeyPairId::new(key_pair_id.trim())
            .map_err(|e| problem("CLOUDFRONT_KEY_PAIR_ID", e))?;
        let key = presigner_cloudfront::PrivateKey::from_pem(&private_key)
            .map_err(|e| problem("CLOUDFRONT_PRIVATE_KEY", e))?;
        Ok(Some(CloudFront {
            origin,
            signer: std::sync::Arc::new(presigner_cloudfront::Signer::new(key_pair_id, key)),
        }))
    }
}

/// A build without the `cloudfront` feature refuses the settings rather than ignore them.
#[cfg(not(feature = "cloudfront"))]
pub(super) fn no_cloudfront(
    domain: Option<String>,
    key_pair_id: Option<String>,
    private_key: Option<String>,
) -> Result<(), ConfigError> {
    let set = [
        ("CLOUDFRONT_DOMAIN", domain.is_some()),
        ("CLOUDFRONT_KEY_PAIR_ID", key_pair_id.is_some()),
        ("CLOUDFRONT_PRIVATE_KEY", private_key.is_some()),
    ];
    match set.iter().find(|(_, is_set)| *is_set) {
        Some((name, _)) => Err(problem(
            name,
            "is set, but this bootstrap was built without the cloudfront feature",
        )),
        None => Ok(()),
    }
}

/// `d111111abcdef8.cloudfront.net` (or `https://` before it, or an alternate domain) as
/// `https://d111111abcdef8.cloudfront.net`; `http://` only for a loopback local edge.
#[cfg(feature = "cloudfront")]
fn cloudfront_origin(value: &str) -> Result<String, String> {
    let (scheme, host) = if let Some(h) = value.strip_prefix("https://") {
        ("https", h)
    } else if let Some(h) = value.strip_prefix("http://") {
        ("http", h)
    } else {
        ("https", value)
    };
    let host = host.strip_suffix('/').unwrap_or(host);
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    };
    let name_ok = !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    let port_ok = port.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u16>().is_ok_and(|n| n > 0)
    });
    // The value is never echoed: a key pasted into the wrong variable would reach the log.
    if !name_ok || !port_ok {
        return Err("is not a domain name: give the distribution's domain, such as d111111abcdef8.cloudfront.net (the value is not shown)".to_owned());
    }
    let loopback = matches!(name, "127.0.0.1" | "localhost");
    if scheme == "http" && !loopback {
        return Err(
            "must be an https domain: http:// is only for a local edge on 127.0.0.1 or localhost"
                .to_owned(),
        );
    }
    // CloudFront answers on 443 only, and a signed resource with a port would never match
    // the URL a browser sends (it drops :443).
    if scheme == "https" && port.is_some() {
        return Err("takes no port: CloudFront serves https on 443 (a port is only for a local edge over http://)".to_owned());
    }
    Ok(format!("{scheme}://{}", host.to_ascii_lowercase()))
}
