//! The checks of a 200's URLs and forms ([`check_url`]): each verifies and names a key of the
//! shape its route and profile say (the original's `images/{folder}/{tweet}.png`, or under the
//! image pipeline the upload, a variant or the status object), in a folder the caller may use.

use base64::Engine;
use presigner::api::{Response, Route};
use presigner_sigv4::SigningTime;
use serde_json::Value;

use super::{
    allowed_users, check_tweet, folder_of, now, Profile, Who, BUCKET, CF_DOMAIN, CF_KEY_PAIR_ID,
    CF_ORIGIN, DOWNLOAD_LIFETIME, ENDPOINT, MAX_UPLOAD, ORIGIN, SECRET,
};
use crate::edge::{self, test_key_group};
use crate::verifier::verify;

/// What a key must name: the original's one object, or under the pipeline the upload, a
/// variant of a size, or the status object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape<'a> {
    /// `images/{folder}/{tweet}.png`.
    Original,
    /// `uploads/{folder}/{tweet}`.
    Upload,
    /// `images/{folder}/{tweet}/{size}`.
    Variant(&'a str),
    /// `images/{folder}/{tweet}/status.json`.
    Status,
}

/// The shape a download names for `profile`, given the body's `size` (a 200 had a valid one).
fn download_shape(profile: Profile, size: &Value) -> Shape<'_> {
    match (profile.pipeline(), size.as_str()) {
        (false, _) => {
            assert!(
                size.is_null(),
                "size {size} answered 200 with the pipeline off"
            );
            Shape::Original
        }
        (true, Some(size)) => {
            assert!(["display", "thumb"].contains(&size), "size {size:?}");
            Shape::Variant(size)
        }
        (true, None) => Shape::Variant("display"),
    }
}

/// The status URL of an answer (`statusUrl`, or one of `statusUrls`): there exactly under
/// the pipeline, a download URL of the image's status object.
fn check_status(url: Option<&Value>, allowed: &[String], tweet: Option<&str>, profile: Profile) {
    match (profile.pipeline(), url) {
        (true, Some(url)) => check_download(
            url.as_str().expect("a URL"),
            allowed,
            tweet,
            profile,
            Shape::Status,
        ),
        (false, None) => {}
        (pipeline, url) => panic!("pipeline {pipeline}, status URL {url:?}"),
    }
}

/// A 200's URLs: each verifies and decodes to a key of the shape the route and `profile` say,
/// with a folder that `profile` allows for what the body claimed.
pub(super) fn check_url(r: &Response, route: Route, profile: Profile, who: &Who, request: &Value) {
    let body: Value = serde_json::from_str(r.body.as_deref().expect("a body")).expect("JSON");
    let claimed = request["userId"].as_str();
    let tweet = request["tweetId"].as_str();
    match route {
        Route::UploadForm => {
            let allowed = allowed_users(who, profile, route, claimed);
            check_form(&body, &allowed, profile);
            check_status(body.get("statusUrl"), &allowed, tweet, profile);
        }
        Route::DownloadBatch => {
            let urls = body["presignedUrls"].as_array().expect("URLs");
            let items = request["images"].as_array().expect("a batch was asked for");
            assert_eq!(urls.len(), items.len(), "one URL per image, in order");
            assert!(body["expiresAt"].is_string());
            let shape = download_shape(profile, &request["size"]);
            let statuses = body.get("statusUrls").map(|s| s.as_array().expect("URLs"));
            if let Some(statuses) = statuses {
                assert_eq!(
                    statuses.len(),
                    items.len(),
                    "one status URL per image, in order"
                );
            }
            for (i, (url, item)) in urls.iter().zip(items).enumerate() {
                let allowed = allowed_users(who, profile, route, item["userId"].as_str());
                let tweet = item["tweetId"].as_str();
                check_download(
                    url.as_str().expect("a URL"),
                    &allowed,
                    tweet,
                    profile,
                    shape,
                );
                check_status(statuses.map(|s| &s[i]), &allowed, tweet, profile);
            }
            if profile.cloudfront() {
                check_expires_at(&body);
                // One caller, one scope: the whole batch under one grant.
                fn query(u: &Value) -> Option<&str> {
                    u.as_str()?.split_once('?').map(|q| q.1)
                }
                let all: Vec<&Value> = urls.iter().chain(statuses.into_iter().flatten()).collect();
                assert!(
                    all.iter().all(|u| query(u) == query(&urls[0])),
                    "one grant for the whole batch: {all:?}"
                );
            }
        }
        Route::Download => {
            let url = body["presignedUrl"].as_str().expect("a URL");
            assert!(body["expiresAt"].is_string());
            let allowed = allowed_users(who, profile, route, claimed);
            let shape = download_shape(profile, &request["size"]);
            check_download(url, &allowed, tweet, profile, shape);
            check_status(body.get("statusUrl"), &allowed, tweet, profile);
            if profile.cloudfront() {
                check_expires_at(&body);
            }
        }
        Route::Upload => {
            let url = body["presignedUrl"].as_str().expect("a URL");
            let prefix = if profile.pipeline() {
                "uploads"
            } else {
                "images"
            };
            assert!(url.starts_with(&format!("{ORIGIN}/{prefix}/")), "{url}");
            let headers: Vec<(String, String)> = body["headers"]
                .as_object()
                .map(|h| {
                    h.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                        .collect()
                })
                .unwrap_or_default();
            if !profile.trusted() {
                assert!(
                    url.contains(
                        "X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost%3Bif-none-match&"
                    ),
                    "{url}"
                );
            }
            // A constrained URL writes once.
            if !headers.is_empty() {
                assert!(
                    headers
                        .iter()
                        .any(|(k, v)| k == "If-None-Match" && v == "*")
                        && url.contains("if-none-match"),
                    "{url} {headers:?}"
                );
            }
            let lifetime = format!("&X-Amz-Expires={}&", profile.upload_lifetime());
            assert!(url.contains(&lifetime), "{url}");
            let headers: Vec<(&str, &str)> = headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let key = verify(url, SECRET, "PUT", &headers, BUCKET, ENDPOINT);
            let allowed = allowed_users(who, profile, route, claimed);
            let shape = if profile.pipeline() {
                Shape::Upload
            } else {
                Shape::Original
            };
            check_key(&key, &allowed, shape, tweet);
            check_status(body.get("statusUrl"), &allowed, tweet, profile);
        }
        Route::Unknown => panic!("a 200 from no route"),
    }
}

/// A download URL: cacheable, answered as a PNG with the pipeline off (as stored with it on),
/// lives the window plus the expiry from the window's start, verifies, and names an allowed
/// folder and the asked-for tweet in `shape`. Through CloudFront, [`check_cloudfront_download`].
fn check_download(
    url: &str,
    allowed: &[String],
    tweet: Option<&str>,
    profile: Profile,
    shape: Shape,
) {
    if profile.cloudfront() {
        return check_cloudfront_download(url, allowed, tweet, profile, shape);
    }
    assert!(url.starts_with(&format!("{ORIGIN}/images/")), "{url}");
    assert_eq!(
        url.contains("&response-content-type=image%2Fpng&"),
        !profile.pipeline(),
        "{url}"
    );
    assert!(
        url.contains("&response-cache-control=private%2C%20max-age%3D1800&"),
        "{url}"
    );
    assert!(url.contains("&X-Amz-Expires=5400&"), "{url}");
    let key = verify(url, SECRET, "GET", &[], BUCKET, ENDPOINT);
    check_key(&key, allowed, shape, tweet);
}

/// A CloudFront download URL: on the distribution, the object's path percent-encoded as S3
/// reads it, then only the grant's four parameters; the independent edge check accepts it at
/// `now()` and refuses it from the window's end on; its policy is custom, ends then, has no
/// start, and its resource is exactly `{origin}/images/*`, or under `owner` exactly the
/// folder of the URL's own user (who must be allowed: a subject of the caller).
fn check_cloudfront_download(
    url: &str,
    allowed: &[String],
    tweet: Option<&str>,
    profile: Profile,
    shape: Shape,
) {
    let path_and_query = url
        .strip_prefix(CF_ORIGIN)
        .filter(|rest| rest.starts_with("/images/"))
        .unwrap_or_else(|| panic!("not a CloudFront URL on {CF_DOMAIN}: {url}"));
    let (path, query) = path_and_query.split_once('?').expect("a query");
    let key = percent_encoding::percent_decode_str(&path[1..])
        .decode_utf8()
        .unwrap_or_else(|e| panic!("{e}: {url}"))
        .into_owned();
    assert_eq!(
        key.split('/').map(uri_encode).collect::<Vec<_>>().join("/"),
        path[1..],
        "the path as S3 reads it, each segment percent-encoded"
    );
    check_key(&key, allowed, shape, tweet);
    let params: Vec<(&str, &str)> = query
        .split('&')
        .map(|kv| kv.split_once('=').unwrap_or((kv, "")))
        .collect();
    let names: Vec<&str> = params.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        names,
        ["Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"],
        "{url}"
    );
    assert_eq!(params[2].1, CF_KEY_PAIR_ID);
    assert_eq!(params[3].1, "SHA256");
    let start = now().unix_seconds() as u64;
    let keys = test_key_group();
    if let Err(refusal) = edge::verify(url, &keys, start) {
        panic!("the edge refuses {url}: {refusal}");
    }
    assert_eq!(
        edge::verify(url, &keys, start + DOWNLOAD_LIFETIME),
        Err(edge::Refusal::Expired),
        "{url}"
    );
    let policy = presigner_cloudfront::base64::decode(params[0].1).expect("CloudFront base64");
    let policy: Value = serde_json::from_slice(&policy).expect("a JSON policy");
    let statement = &policy["Statement"][0];
    assert_eq!(
        policy["Statement"].as_array().map(Vec::len),
        Some(1),
        "{policy}"
    );
    assert_eq!(
        statement["Condition"]["DateLessThan"]["AWS:EpochTime"].as_u64(),
        Some(start + DOWNLOAD_LIFETIME),
        "{policy}"
    );
    assert!(
        statement["Condition"].get("DateGreaterThan").is_none(),
        "{policy}"
    );
    let folder = key.split('/').nth(1).expect("a folder");
    let resource = if profile.access() == "owner" {
        format!("{CF_ORIGIN}/images/{}/*", uri_encode(folder))
    } else {
        format!("{CF_ORIGIN}/images/*")
    };
    assert_eq!(
        statement["Resource"].as_str(),
        Some(resource.as_str()),
        "the grant for {url}"
    );
}

/// A CloudFront answer's `expiresAt`: the grant's end.
fn check_expires_at(body: &Value) {
    let end = SigningTime::from_unix_seconds(now().unix_seconds() + DOWNLOAD_LIFETIME as i64)
        .expect("a time");
    assert_eq!(body["expiresAt"].as_str(), Some(end.rfc3339().as_str()));
}

/// A path segment as SigV4 and S3 encode it: everything but `A-Za-z0-9-._~` as `%XX`.
fn uri_encode(segment: &str) -> String {
    const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(segment, UNRESERVED).to_string()
}

/// A key of `shape`: the folder of an allowed user, the tweet id allowed (and the one asked
/// for, when known).
fn check_key(key: &str, allowed: &[String], shape: Shape, asked: Option<&str>) {
    let parts: Vec<&str> = key.split('/').collect();
    let tweet = match shape {
        Shape::Original => {
            assert_eq!((parts.len(), parts[0]), (3, "images"), "{key:?}");
            parts[2].strip_suffix(".png").expect(".png")
        }
        Shape::Upload => {
            assert_eq!((parts.len(), parts[0]), (3, "uploads"), "{key:?}");
            parts[2]
        }
        Shape::Variant(_) | Shape::Status => {
            let name = match shape {
                Shape::Variant(size) => size,
                _ => "status.json",
            };
            assert_eq!(
                (parts.len(), parts[0], parts[3]),
                (4, "images", name),
                "{key:?}"
            );
            parts[2]
        }
    };
    check_tweet(tweet);
    if let Some(asked) = asked {
        assert_eq!(tweet, asked, "{key}");
    }
    assert!(
        allowed.iter().any(|a| folder_of(a) == parts[1]),
        "folder {:?} is none of {allowed:?}'s",
        parts[1]
    );
}

/// A form: the signature verifies over the policy (plain HMAC, independently of the signer);
/// the policy pins this bucket, an allowed key, one image type, 1 to the limit, until after
/// the signing time; the fields match it.
fn check_form(body: &Value, allowed: &[String], profile: Profile) {
    use crate::verifier::signature;

    assert_eq!(body["url"], format!("{ORIGIN}/"));
    let fields = body["fields"].as_object().expect("fields");
    let field = |name: &str| fields[name].as_str().expect(name).to_owned();
    let policy_base64 = field("policy");
    let credential = field("x-amz-credential");
    assert_eq!(
        signature(SECRET, &credential, &policy_base64),
        field("x-amz-signature")
    );
    let policy: Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(&policy_base64)
            .expect("base64 policy"),
    )
    .expect("a JSON policy");
    // The signing time plus the upload lifetime, to the second.
    let expires = SigningTime::from_unix_seconds(now().unix_seconds() + profile.upload_lifetime())
        .expect("a time");
    assert_eq!(
        policy["expiration"].as_str(),
        Some(expires.rfc3339().as_str())
    );
    let conditions = policy["conditions"].as_array().expect("conditions");
    let eq = |name: &str| {
        conditions
            .iter()
            .find_map(|c| c.get(name).and_then(Value::as_str))
            .unwrap_or_else(|| panic!("no {name} condition"))
            .to_owned()
    };
    assert_eq!(eq("bucket"), BUCKET);
    assert_eq!(eq("key"), field("key"));
    assert_eq!(eq("Content-Type"), field("Content-Type"));
    assert_eq!(eq("x-amz-credential"), credential);
    assert_eq!(eq("x-amz-security-token"), field("x-amz-security-token"));
    assert!(["image/png", "image/jpeg", "image/gif", "image/webp"]
        .contains(&eq("Content-Type").as_str()));
    assert!(conditions.contains(&serde_json::json!(["content-length-range", 1, MAX_UPLOAD])));
    assert!(
        !conditions
            .iter()
            .any(|c| c.get(0).and_then(Value::as_str) == Some("starts-with")),
        "no prefix conditions: the key is exact"
    );
    let shape = if profile.pipeline() {
        Shape::Upload
    } else {
        Shape::Original
    };
    check_key(&field("key"), allowed, shape, None);
}
