//! AWS's worked example of a presigned URL (Amazon S3 API Reference, "Authenticating Requests:
//! Using Query Parameters (AWS Signature Version 4)", "An Example"): every step's published
//! value, for the unit tests of each step. `vectors/s3-docs.json` holds the same facts for the
//! workspace's vector suite.

pub(crate) const ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
pub(crate) const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
pub(crate) const AMZ_DATE: &str = "20130524T000000Z";
pub(crate) const REGION: &str = "us-east-1";
pub(crate) const HOST: &str = "examplebucket.s3.amazonaws.com";
pub(crate) const PATH: &str = "/test.txt";
pub(crate) const EXPIRES_IN: u32 = 86400;
pub(crate) const CANONICAL_QUERY: &str = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host";
pub(crate) const CANONICAL_REQUEST: &str = "GET\n/test.txt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\nhost:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD";
pub(crate) const CREDENTIAL_SCOPE: &str = "20130524/us-east-1/s3/aws4_request";
pub(crate) const STRING_TO_SIGN: &str = "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04";
pub(crate) const SIGNING_KEY: &str =
    "dbb893acc010964918f1fd433add87c70e8b0db6be30c1fbeafefa5ec6ba8378";
pub(crate) const SIGNATURE: &str =
    "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

pub(crate) fn credentials() -> crate::Credentials {
    crate::Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, None).unwrap()
}

pub(crate) fn time() -> crate::SigningTime {
    crate::SigningTime::parse_amz_date(AMZ_DATE).unwrap()
}
