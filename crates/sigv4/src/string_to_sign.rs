//! Step 2: the string to sign.

use sha2::{Digest, Sha256};

use crate::buffers::Hex64;
use crate::{SigningTime, ALGORITHM};

/// The string to sign as the pieces it is made of, so the signer can stream them into the HMAC
/// without joining them: algorithm, `X-Amz-Date`, the credential scope (given in two pieces,
/// the date and the rest) and the hex SHA-256 of the canonical request.
pub(crate) fn pieces<'a>(
    amz_date: &'a str,
    scope: [&'a str; 2],
    canonical_request_hash: &'a str,
) -> [&'a str; 8] {
    [
        ALGORITHM,
        "\n",
        amz_date,
        "\n",
        scope[0],
        scope[1],
        "\n",
        canonical_request_hash,
    ]
}

/// The hex SHA-256 of a canonical request.
pub(crate) fn hash(canonical_request: &str) -> Hex64 {
    Hex64::of(&Sha256::digest(canonical_request.as_bytes()))
}

/// Step 2 of SigV4: `AWS4-HMAC-SHA256`, `X-Amz-Date`, the credential scope
/// (`YYYYMMDD/region/service/aws4_request`) and the hex SHA-256 of the canonical request, one
/// per line.
///
/// ```
/// use presigner_sigv4::{string_to_sign, SigningTime};
/// let time = SigningTime::parse_amz_date("20130524T000000Z")?;
/// let text = string_to_sign(time, "20130524/us-east-1/s3/aws4_request", "GET\n/\n...");
/// assert!(text.starts_with("AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"));
/// # Ok::<(), presigner_sigv4::Error>(())
/// ```
pub fn string_to_sign(
    time: SigningTime,
    credential_scope: &str,
    canonical_request: &str,
) -> String {
    let hash = hash(canonical_request);
    pieces(time.amz_date(), [credential_scope, ""], hash.as_str()).concat()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws_example as aws;

    #[test]
    fn aws_example() {
        let text = string_to_sign(aws::time(), aws::CREDENTIAL_SCOPE, aws::CANONICAL_REQUEST);
        assert_eq!(text, aws::STRING_TO_SIGN);
    }
}
