//! An independent SigV4 presigned-URL verifier, written from the AWS documentation with plain
//! HMAC/SHA-256: what S3 does with a URL. Shared by the property tests and the fuzz targets.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// A header value as SigV4 canonicalises it: trimmed, inner runs of spaces and tabs as one.
fn fold_spaces(value: &str) -> String {
    value
        .split([' ', '\t'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
    m.update(data.as_bytes());
    m.finalize().into_bytes().to_vec()
}

/// The signature (hex) of `string_to_sign` under the key SigV4 derives from `secret` and the
/// scope of `credential` (`AKID/YYYYMMDD/region/service/aws4_request`).
pub fn signature(secret: &str, credential: &str, string_to_sign: &str) -> String {
    let mut key = format!("AWS4{secret}").into_bytes();
    for part in credential.split('/').skip(1) {
        key = hmac(&key, part);
    }
    hex::encode(hmac(&key, string_to_sign))
}

/// `host[:port]` of a URL, as the `host` header carries it.
fn authority(url: &url::Url) -> String {
    match url.port() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap()),
        None => url.host_str().unwrap().to_owned(),
    }
}

/// What S3 does with a presigned URL: rebuild the canonical request from the URL and the
/// headers the client sends, and compare signatures (panics if they differ). Returns the
/// decoded object key. `endpoint` is the S3 endpoint the URL was made for: the URL must be on
/// it (path style) or on the bucket's subdomain of it (virtual-hosted), and which of the two
/// decides where the key starts; a host that merely begins with the bucket's name does not.
pub fn verify(
    url: &str,
    secret: &str,
    method: &str,
    headers: &[(&str, &str)],
    bucket: &str,
    endpoint: &str,
) -> String {
    let parsed = url::Url::parse(url).expect("the URL parses");
    let host = authority(&parsed);
    let endpoint_host = authority(&url::Url::parse(endpoint).expect("the endpoint parses"));
    let raw_query = parsed.query().expect("a query");
    let mut params: Vec<(String, String)> = raw_query
        .split('&')
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap();
            (n.to_owned(), v.to_owned())
        })
        .collect();
    let sig_at = params
        .iter()
        .position(|(n, _)| n == "X-Amz-Signature")
        .expect("signature");
    let (_, url_signature) = params.remove(sig_at);
    params.sort();
    let get = |name: &str| {
        let v = &params.iter().find(|(n, _)| n == name).unwrap().1;
        percent_encoding::percent_decode_str(v)
            .decode_utf8()
            .unwrap()
            .into_owned()
    };
    let credential = get("X-Amz-Credential");
    let scope: Vec<&str> = credential.split('/').collect();
    let signed_headers = get("X-Amz-SignedHeaders");
    let mut all_headers: Vec<(String, String)> = vec![("host".into(), host.clone())];
    all_headers.extend(
        headers
            .iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), fold_spaces(v))),
    );
    all_headers.sort();
    assert_eq!(
        signed_headers,
        all_headers
            .iter()
            .map(|h| h.0.as_str())
            .collect::<Vec<_>>()
            .join(";")
    );
    let canonical_headers: String = all_headers
        .iter()
        .map(|(n, v)| format!("{n}:{v}\n"))
        .collect();
    // The raw path: WHATWG parsers (the url crate, browsers) would resolve `./` and `../`,
    // which S3 signs as given.
    let after_scheme = url.split_once("://").unwrap().1;
    let path = &after_scheme[after_scheme.find('/').unwrap()..after_scheme.find('?').unwrap()];
    let creq = format!(
        "{method}\n{path}\n{}\n{canonical_headers}\n{signed_headers}\nUNSIGNED-PAYLOAD",
        params
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    );
    let sts = format!(
        "AWS4-HMAC-SHA256\n{}\n{}\n{}",
        get("X-Amz-Date"),
        scope[1..].join("/"),
        hex::encode(Sha256::digest(creq.as_bytes()))
    );
    assert_eq!(
        signature(secret, &credential, &sts),
        url_signature,
        "signature recomputes"
    );

    let key_path = if host == format!("{bucket}.{endpoint_host}") {
        &path[1..]
    } else {
        assert_eq!(host, endpoint_host, "the URL is on the endpoint");
        path.strip_prefix(&format!("/{bucket}/"))
            .expect("path-style prefix")
    };
    percent_encoding::percent_decode_str(key_path)
        .decode_utf8()
        .expect("UTF-8 key")
        .into_owned()
}
