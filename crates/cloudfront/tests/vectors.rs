//! The signer against vectors/cloudfront (policies and URLs by botocore, signatures by Python
//! `cryptography`, scripts/cloudfront_vectors.py) and every signature against `ring`.

mod common;

use common::{public_point, read, ring_verifies, signer};

use base64::Engine;
use presigner_cloudfront::{base64 as cf64, Error, KeyPairId, Policy, PrivateKey, Signer};
use serde_json::Value;

fn cases() -> Vec<Value> {
    let doc: Value = serde_json::from_str(&read("urls.json")).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn policy(case: &Value) -> Policy<'_> {
    Policy {
        resource: case["resource"].as_str().unwrap(),
        date_less_than: case["date_less_than"].as_u64().unwrap(),
        date_greater_than: case["date_greater_than"].as_u64(),
    }
}

#[test]
fn urls_match_botocore_and_cryptography_byte_for_byte_with_both_key_formats() {
    let cases = cases();
    assert!(cases.len() >= 7);
    for pem in ["test-key-sec1.pem", "test-key-pkcs8.pem"] {
        let signer = signer(pem);
        for case in &cases {
            let name = case["name"].as_str().unwrap();
            let p = policy(case);
            assert_eq!(
                p.to_json(),
                case["policy"].as_str().unwrap(),
                "{name}: policy"
            );
            assert_eq!(
                p.is_canned_for(case["url"].as_str().unwrap()),
                case["canned"] == true,
                "{name}"
            );
            let signature = signer.sign(p.to_json().as_bytes());
            assert_eq!(
                hex::encode(&signature),
                case["signature_der_hex"].as_str().unwrap(),
                "{name}: signature"
            );
            let url = signer.sign_url(case["url"].as_str().unwrap(), &p).unwrap();
            assert_eq!(
                url,
                case["signed_url"].as_str().unwrap(),
                "{name}: URL ({pem})"
            );
        }
    }
}

#[test]
fn every_signed_url_verifies_with_ring_and_a_changed_policy_does_not() {
    let signer = signer("test-key-sec1.pem");
    for case in cases() {
        let url = signer
            .sign_url(case["url"].as_str().unwrap(), &policy(&case))
            .unwrap();
        let query = url.rsplit_once('?').map_or("", |(_, q)| q);
        let param = |name: &str| {
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
        };
        let signature = cf64::decode(param("Signature").unwrap()).unwrap();
        let signed = match param("Policy") {
            Some(p) => cf64::decode(p).unwrap(),
            None => policy(&case).to_json().into_bytes(),
        };
        assert!(ring_verifies(&signed, &signature), "{}", case["name"]);
        let mut tampered = signed.clone();
        let last = tampered.len() - 10;
        tampered[last] ^= 1;
        assert!(!ring_verifies(&tampered, &signature));
        assert_eq!(param("Hash-Algorithm"), Some("SHA256"));
        assert_eq!(param("Key-Pair-Id"), Some("K2JCJMDEHXQW5F"));
        for name in ["Policy", "Signature"] {
            let value = param(name).unwrap_or_default();
            assert!(!value.contains(['+', '/', '=', '%']), "{name}={value}");
        }
    }
}

#[test]
fn rfc_6979_signatures_of_its_test_key_are_reproduced() {
    let doc: Value = serde_json::from_str(&read("urls.json")).unwrap();
    let signer = signer("test-key-pkcs8.pem");
    for message in ["sample", "test"] {
        let expected = doc["rfc6979"][message].as_str().unwrap();
        assert_eq!(
            hex::encode(signer.sign(message.as_bytes())),
            expected,
            "{message}"
        );
    }
    // RFC 6979 A.2.5 prints r and s; they stand in the DER as the two INTEGERs.
    let sample = doc["rfc6979"]["sample"].as_str().unwrap();
    assert!(sample.contains("efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"));
    assert!(sample.contains("f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"));
}

#[test]
fn keys_cloudfront_cannot_use_are_refused_each_with_its_reason() {
    let refused = |name: &str| PrivateKey::from_pem(&read(&format!("refused/{name}"))).unwrap_err();
    assert_eq!(refused("rsa-traditional.pem"), Error::KeyIsRsa);
    assert_eq!(refused("rsa-pkcs8.pem"), Error::KeyIsRsa);
    assert_eq!(refused("p384-sec1.pem"), Error::KeyWrongCurve);
    assert_eq!(refused("p384-pkcs8.pem"), Error::KeyWrongCurve);
    assert_eq!(refused("secp256k1-sec1.pem"), Error::KeyWrongCurve);
    assert_eq!(refused("ed25519.pem"), Error::KeyWrongCurve);
    assert_eq!(refused("encrypted-pkcs8.pem"), Error::KeyEncrypted);
    assert_eq!(refused("public.pem"), Error::KeyIsPublic);
    for not_pem in [
        "",
        "hello",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n",
        "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----",
    ] {
        assert!(PrivateKey::from_pem(not_pem).is_err(), "{not_pem:?}");
    }
    let pkcs8 = read("test-key-pkcs8.pem");
    let garbled = pkcs8.replacen("MIG", "MIH", 1);
    assert!(PrivateKey::from_pem(&garbled).is_err());
    let twice = format!("{pkcs8}{pkcs8}");
    assert!(matches!(
        PrivateKey::from_pem(&twice),
        Err(Error::KeyMalformed(_))
    ));
    for error in [
        Error::KeyIsRsa,
        Error::KeyWrongCurve,
        Error::KeyEncrypted,
        Error::KeyNotPem,
    ] {
        assert!(!error.to_string().contains("MIG"), "{error}");
    }
}

#[test]
fn a_pem_folded_into_one_line_reads_the_same_and_debug_shows_no_key() {
    let pem = read("test-key-sec1.pem");
    let folded = pem.replace('\n', "\\n");
    let a = Signer::new(
        KeyPairId::new("K1").unwrap(),
        PrivateKey::from_pem(&pem).unwrap(),
    );
    let b = Signer::new(
        KeyPairId::new("K1").unwrap(),
        PrivateKey::from_pem(&folded).unwrap(),
    );
    assert_eq!(a.sign(b"x"), b.sign(b"x"));
    let shown = format!("{a:?}");
    assert!(
        shown.contains("redacted") && !shown.contains("c9af"),
        "{shown}"
    );
    let policy = Policy {
        resource: "https://d/images/*",
        date_less_than: 1,
        date_greater_than: None,
    };
    assert_eq!(format!("{:?}", a.grant(&policy)), "Grant(<redacted>)");
}

#[test]
fn key_pair_ids_and_urls_are_checked() {
    for bad in ["", "k2jc", "K2 JC", "K2JC&x=1", &"K".repeat(65)] {
        assert_eq!(KeyPairId::new(bad), Err(Error::InvalidKeyPairId), "{bad:?}");
    }
    let signer = signer("test-key-sec1.pem");
    let p = Policy {
        resource: "https://d/*",
        date_less_than: 1,
        date_greater_than: None,
    };
    for bad in [
        "ftp://d/a",
        "https://",
        "https:///a",
        "https://d/a#frag",
        "https://d/a b",
        "https://d/ツ",
        "https://d/a?Signature=x",
        "https://d/a?x=1&Key-Pair-Id=K",
        "https://d/a\"b.png",
        "https://d/a{b}.png",
        "https://d/a|b.png",
    ] {
        assert!(
            matches!(signer.sign_url(bad, &p), Err(Error::InvalidUrl(_))),
            "{bad}"
        );
    }
}

/// A SEC1 `ECPrivateKey` PEM built by hand: `scalar`, the P-256 OID, and `public` if given.
fn sec1_pem(scalar: &[u8], public: Option<&[u8]>, extra: &[u8]) -> String {
    let mut body = vec![0x02, 0x01, 0x01, 0x04, scalar.len() as u8];
    body.extend_from_slice(scalar);
    body.extend_from_slice(&[
        0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
    ]);
    if let Some(point) = public {
        body.extend_from_slice(&[
            0xa1,
            point.len() as u8 + 3,
            0x03,
            point.len() as u8 + 1,
            0x00,
        ]);
        body.extend_from_slice(point);
    }
    body.extend_from_slice(extra);
    let mut der = vec![0x30, body.len() as u8];
    der.extend(body);
    let text = base64::engine::general_purpose::STANDARD.encode(der);
    format!("-----BEGIN EC PRIVATE KEY-----\n{text}\n-----END EC PRIVATE KEY-----\n")
}

#[test]
fn a_key_file_whose_parts_disagree_is_refused_at_load() {
    let doc: Value = serde_json::from_str(&read("urls.json")).unwrap();
    let scalar = hex::decode(doc["rfc6979"]["private_key_hex"].as_str().unwrap()).unwrap();
    let point = public_point();
    // Built by hand, the file loads and signs as the vectors' key does.
    let good = PrivateKey::from_pem(&sec1_pem(&scalar, Some(&point), &[])).unwrap();
    let reference = signer("test-key-sec1.pem");
    assert_eq!(
        Signer::new(KeyPairId::new("K2JCJMDEHXQW5F").unwrap(), good).sign(b"x"),
        reference.sign(b"x")
    );
    // Another public key beside the scalar, an element after the public key, a stray byte.
    let mut other = point.clone();
    other[40] ^= 1;
    for bad in [
        sec1_pem(&scalar, Some(&other), &[]),
        sec1_pem(&scalar, Some(&point), &[0x04, 0x00]),
        sec1_pem(&scalar, Some(&point[..64]), &[]),
    ] {
        assert!(
            matches!(PrivateKey::from_pem(&bad), Err(Error::KeyMalformed(_))),
            "{bad}"
        );
    }
    // EC PARAMETERS for another curve (secp384r1) in front of a P-256 key.
    let p384 = "-----BEGIN EC PARAMETERS-----\nBgUrgQQAIg==\n-----END EC PARAMETERS-----\n";
    let mixed = format!("{p384}{}", sec1_pem(&scalar, None, &[]));
    assert_eq!(
        PrivateKey::from_pem(&mixed).unwrap_err(),
        Error::KeyWrongCurve
    );
}

#[test]
fn a_scalar_that_lost_its_leading_zero_byte_still_loads() {
    let mut scalar = [0u8; 32];
    for (i, b) in scalar.iter_mut().enumerate().skip(1) {
        *b = i as u8;
    }
    let padded = PrivateKey::from_pem(&sec1_pem(&scalar, None, &[])).unwrap();
    let short = PrivateKey::from_pem(&sec1_pem(&scalar[1..], None, &[])).unwrap();
    let sign = |k| Signer::new(KeyPairId::new("K1").unwrap(), k).sign(b"m");
    assert_eq!(sign(padded), sign(short));
    assert_eq!(
        PrivateKey::from_pem(&sec1_pem(&[1u8; 33], None, &[])).unwrap_err(),
        Error::KeyWrongCurve
    );
}
