//! Property tests: for random valid inputs the presigner never panics, the URL parses, its
//! signature verifies the way S3 verifies it (recomputed here from the URL alone, with plain
//! HMAC/SHA-256), and its path decodes back to the key. Random invalid inputs give errors.

use presigner_s3::{
    AddressingStyle, Bucket, Endpoint, Expiry, Method, ObjectKey, ObjectRequest, Presigner,
};
use presigner_sigv4::{Credentials, SigningTime};
use presigner_test_support::verifier::verify;
use proptest::prelude::*;

const SECRET: &str = "verifier-secret/+=";

fn bucket() -> impl Strategy<Value = Bucket> {
    "[a-z0-9][a-z0-9.-]{1,40}[a-z0-9]".prop_filter_map("valid bucket", |b| Bucket::new(b).ok())
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{1,60}",
        "[a-zA-Z0-9 +@~%=&/.?#!$'()*,;:]{1,80}",
        Just("a".repeat(1024)),
        Just("x/./y/../z//w".to_owned()),
    ]
    .prop_filter("1..=1024 bytes", |k| !k.is_empty() && k.len() <= 1024)
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::Get),
        Just(Method::Put),
        Just(Method::Head),
        Just(Method::Delete)
    ]
}

fn endpoint() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("https://s3.eu-west-1.amazonaws.com"),
        Just("http://localhost:9000"),
        Just("http://127.0.0.1:9000"),
        Just("https://s3.example.test:8443"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn valid_inputs_give_urls_that_verify_and_decode_back(
        method in method(),
        bucket in bucket(),
        key in key(),
        region in "[a-z]{2}-[a-z]{4,9}-[1-9]",
        token in proptest::option::of("[A-Za-z0-9+/=]{1,80}"),
        unix in 0i64..253_402_300_799,
        expiry in 1u64..=604_800,
        endpoint in endpoint(),
        force_path in prop_oneof![Just(AddressingStyle::Auto), Just(AddressingStyle::Path)],
        content_type in proptest::option::of("[a-z]{1,10}/[a-z0-9.+-]{1,20}"),
    ) {
        let creds = Credentials::new("AKIDPROPTEST", SECRET, token.clone()).unwrap();
        let presigner = Presigner::new(creds, &region, Endpoint::parse(endpoint).unwrap(), force_path).unwrap();
        let object_key = ObjectKey::new(key.clone()).unwrap();
        let headers: Vec<(&str, &str)> = content_type.iter().map(|t| ("content-type", t.as_str())).collect();
        let request = ObjectRequest {
            headers: &headers,
            ..ObjectRequest::new(method, &bucket, &object_key, Expiry::from_secs(expiry).unwrap())
        };
        let time = SigningTime::from_unix_seconds(unix).unwrap();
        let url = presigner.presign(&request, time).unwrap();
        let decoded = verify(&url, SECRET, method.as_str(), &headers, bucket.as_str(), endpoint);
        prop_assert_eq!(decoded, key);
        prop_assert_eq!(url.contains("X-Amz-Security-Token="), token.is_some());
        let expires_param = format!("X-Amz-Expires={expiry}&");
        prop_assert!(url.contains(&expires_param));
    }

    #[test]
    fn arbitrary_inputs_are_refused_without_panicking(
        bucket in ".{0,70}",
        key in ".{0,10}",
        endpoint in ".{0,40}",
        date in ".{0,20}",
        header_name in ".{0,12}",
        header_value in ".{0,12}",
        expiry in any::<u64>(),
    ) {
        let _ = Bucket::new(bucket.clone());
        let _ = Endpoint::parse(&endpoint);
        let _ = SigningTime::parse_amz_date(&date);
        prop_assert_eq!(Expiry::from_secs(expiry).is_ok(), (1..=604_800).contains(&expiry));
        prop_assert_eq!(ObjectKey::new(key.clone()).is_ok(), !key.is_empty());
        let creds = Credentials::new("AKID", "s", None).unwrap();
        let p = Presigner::new(creds, "us-east-1", Endpoint::parse("https://s3.us-east-1.amazonaws.com").unwrap(), AddressingStyle::Auto).unwrap();
        let b = Bucket::new("bucket").unwrap();
        let k = ObjectKey::new("k").unwrap();
        let headers = [(header_name.as_str(), header_value.as_str())];
        let request = ObjectRequest { headers: &headers, ..ObjectRequest::new(Method::Put, &b, &k, Expiry::from_secs(60).unwrap()) };
        let result = p.presign(&request, SigningTime::from_unix_seconds(0).unwrap());
        let name_ok = !header_name.is_empty()
            && !header_name.eq_ignore_ascii_case("host")
            && header_name.bytes().all(|c| c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c));
        let value_ok = header_value.bytes().all(|c| c == b'\t' || (b' '..=b'~').contains(&c));
        prop_assert_eq!(result.is_ok(), name_ok && value_ok);
    }
}
