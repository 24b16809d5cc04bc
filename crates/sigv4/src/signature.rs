//! Step 4: the signature.

use hmac::Mac;

use crate::buffers::Hex64;
use crate::SigningKey;

/// The HMAC of `pieces`, in order, under `key`, hex.
pub(crate) fn sign_pieces(key: &SigningKey, pieces: &[&str]) -> Hex64 {
    let mut mac = key.keyed_mac();
    for piece in pieces {
        mac.update(piece.as_bytes());
    }
    Hex64::of(&mac.finalize().into_bytes())
}

/// Step 4 of SigV4: the HMAC-SHA256 of the string to sign under the signing key, lowercase
/// hex: the value of `X-Amz-Signature`.
///
/// ```
/// use presigner_sigv4::{signature, signing_key, Credentials, SigningTime};
/// let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
/// let time = SigningTime::parse_amz_date("20130524T000000Z")?;
/// let key = signing_key(&credentials, time, "us-east-1", "s3");
/// let string_to_sign = "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04";
/// assert_eq!(signature(&key, string_to_sign), "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
/// # Ok::<(), presigner_sigv4::Error>(())
/// ```
pub fn signature(key: &SigningKey, string_to_sign: &str) -> String {
    sign_pieces(key, &[string_to_sign]).as_str().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws_example as aws;
    use crate::signing_key;

    #[test]
    fn aws_example() {
        let key = signing_key(&aws::credentials(), aws::time(), aws::REGION, "s3");
        assert_eq!(key.to_hex(), aws::SIGNING_KEY);
        assert_eq!(signature(&key, aws::STRING_TO_SIGN), aws::SIGNATURE);
    }
}
