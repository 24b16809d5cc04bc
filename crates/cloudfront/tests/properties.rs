//! Property tests: for arbitrary resources (any Unicode, quotes, backslashes, control
//! characters), times (0 to `u64::MAX`) and starts, the policy statement is JSON that reads
//! back to exactly what was signed, every grant verifies with `ring`, signing is deterministic
//! and tells policies apart; CloudFront's base64 round-trips any bytes; key and URL inputs
//! are refused or accepted by their rules, never with a panic.

mod common;

use common::{read, ring_verifies, signer};

use base64::Engine;
use presigner_cloudfront::{base64 as cf64, KeyPairId, Policy, PrivateKey, Signer};
use proptest::prelude::*;
use serde_json::Value;

const PEMS: [&str; 2] = ["test-key-sec1.pem", "test-key-pkcs8.pem"];

/// Whether a key read from an edited test key is still the test key (its signatures verify
/// with the test key's public half): a file that reads must never be read as another key.
fn is_the_test_key(key: PrivateKey) -> bool {
    let signer = Signer::new(KeyPairId::new("K").unwrap(), key);
    ring_verifies(b"probe", &signer.sign(b"probe"))
}

/// The value of `name` in a query string.
fn param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
}

/// Any string, or one made mostly of what JSON must escape.
fn resource() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\"\\\\/\u{0}-\u{1f}\u{7f}\u{80}-\u{9f}\u{2028}\u{2029}\u{fffd}\u{10000}-\u{10ffff}a*?]{0,24}",
        "https://d111111abcdef8\\.cloudfront\\.net/images/[ -~]{0,40}",
    ]
}

/// Any time, the ends of the range weighted in.
fn time() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0),
        Just(1),
        Just(u64::MAX),
        Just(u64::MAX - 1),
        Just(i64::MAX as u64),
        Just(1 << 53),
        any::<u64>(),
    ]
}

fn policy_parts() -> impl Strategy<Value = (String, u64, Option<u64>)> {
    (resource(), time(), proptest::option::of(time()))
}

/// The statement read back by serde_json: exactly one statement, exactly `Resource` and
/// `Condition`, the condition exactly the end and, when given, the start.
fn read_back(json: &str) -> (String, u64, Option<u64>) {
    let doc: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let top = doc.as_object().unwrap();
    assert_eq!(top.len(), 1, "{json}");
    let statements = doc["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 1, "{json}");
    let statement = statements[0].as_object().unwrap();
    assert_eq!(statement.len(), 2, "{json}");
    let condition = statement["Condition"].as_object().unwrap();
    let epoch = |name: &str| {
        condition.get(name).map(|c| {
            let c = c.as_object().unwrap();
            assert_eq!(c.len(), 1, "{json}");
            c["AWS:EpochTime"].as_u64().unwrap()
        })
    };
    let end = epoch("DateLessThan").unwrap();
    let start = epoch("DateGreaterThan");
    assert_eq!(condition.len(), 1 + usize::from(start.is_some()), "{json}");
    (
        statement["Resource"].as_str().unwrap().to_owned(),
        end,
        start,
    )
}

proptest! {
    #[test]
    fn the_statement_is_ascii_json_that_reads_back_exactly(
        (resource, end, start) in policy_parts()
    ) {
        let policy = Policy { resource: &resource, date_less_than: end, date_greater_than: start };
        let json = policy.to_json();
        // Python's json.dumps with ensure_ascii: nothing outside printable ASCII.
        prop_assert!(json.bytes().all(|b| (b' '..=b'~').contains(&b)), "{}", json);
        prop_assert_eq!(read_back(&json), (resource.clone(), end, start));
        let (head, middle) = (r#"{"Statement":[{"Resource":""#, r#"","Condition":{"DateLessThan":{"AWS:EpochTime":"#);
        prop_assert!(json.starts_with(head), "{}", json);
        prop_assert!(json.contains(middle), "{}", json);
        // Canned only for exactly its own wildcard-free resource and no start.
        prop_assert_eq!(
            policy.is_canned_for(&resource),
            start.is_none() && !resource.contains('*')
        );
    }

    #[test]
    fn cloudfront_base64_round_trips_any_bytes_in_its_own_alphabet(
        bytes in proptest::collection::vec(any::<u8>(), 0..300)
    ) {
        let text = cf64::encode(&bytes);
        prop_assert!(!text.contains(['+', '/', '=', '%']), "{}", text);
        prop_assert!(text.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_~".contains(&b)));
        prop_assert_eq!(text.len(), bytes.len().div_ceil(3) * 4);
        prop_assert_eq!(cf64::decode(&text), Some(bytes.clone()));
        let mut appended = String::from("Policy=");
        cf64::encode_into(&mut appended, &bytes);
        prop_assert_eq!(appended, format!("Policy={text}"));
        let standard = base64::engine::general_purpose::STANDARD.encode(&bytes);
        prop_assert_eq!(cf64::decode(&standard).is_some(), !standard.contains(['+', '/', '=']));
    }

    #[test]
    fn cloudfront_base64_reads_any_text_without_panicking(text in any::<String>()) {
        if let Some(bytes) = cf64::decode(&text) {
            prop_assert!(!text.contains(['+', '/', '=']));
            prop_assert_eq!(cf64::encode(&bytes), text);
        }
    }

    #[test]
    fn key_pair_ids_are_exactly_1_to_64_uppercase_letters_and_digits(
        id in prop_oneof![
            "[A-Z0-9]{1,64}",
            "[A-Z0-9]{60,70}",
            "[A-Za-z0-9 &=_-]{0,66}",
            any::<String>(),
        ]
    ) {
        let shaped = !id.is_empty()
            && id.chars().count() <= 64
            && id.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
        match KeyPairId::new(id.clone()) {
            Ok(k) => {
                prop_assert!(shaped, "accepted {:?}", id);
                prop_assert_eq!(k.as_str(), id.as_str());
            }
            Err(e) => {
                prop_assert!(!shaped, "refused {:?}", id);
                prop_assert_eq!(e, presigner_cloudfront::Error::InvalidKeyPairId);
            }
        }
    }

    #[test]
    fn any_text_as_a_key_is_refused_or_read_never_a_panic(text in any::<String>()) {
        let _ = PrivateKey::from_pem(&text);
        let _ = PrivateKey::from_pem(&format!("-----BEGIN PRIVATE KEY-----\n{text}\n-----END PRIVATE KEY-----\n"));
        let _ = PrivateKey::from_pem(&format!("-----BEGIN EC PRIVATE KEY-----\n{text}\n-----END EC PRIVATE KEY-----"));
        let _ = PrivateKey::from_pem(&text.replace('\n', "\\n"));
    }

    #[test]
    fn mutated_test_keys_are_refused_or_read_never_a_panic(
        pem in 0..PEMS.len(),
        edits in proptest::collection::vec((0..4u8, any::<usize>(), any::<u8>()), 1..4)
    ) {
        let mut bytes = read(PEMS[pem]).into_bytes();
        for (kind, at, byte) in edits {
            let at = at % (bytes.len() + 1);
            match kind {
                0 if at < bytes.len() => bytes[at] ^= byte.max(1),
                1 => bytes.truncate(at),
                2 => bytes.insert(at, byte),
                _ if at < bytes.len() => { bytes.remove(at); }
                _ => {}
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        for text in [text.to_string(), text.replace('\n', "\\n")] {
            if let Ok(key) = PrivateKey::from_pem(&text) {
                prop_assert!(is_the_test_key(key), "read as another key: {:?}", text);
            }
        }
    }

    #[test]
    fn mutated_key_bodies_are_refused_or_read_never_a_panic(
        pem in 0..PEMS.len(),
        at in any::<usize>(),
        byte in any::<u8>(),
        cut in any::<usize>(),
    ) {
        // Edits of the decoded DER, written back as base64: exercises the DER reader rather
        // than the base64 decoder.
        let pem = read(PEMS[pem]);
        let (label, body) = last_block(&pem);
        let mut der = base64::engine::general_purpose::STANDARD.decode(body).unwrap();
        let at = at % der.len();
        der[at] ^= byte.max(1);
        for der in [der.clone(), der[..cut % (der.len() + 1)].to_vec()] {
            let text = format!(
                "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
                base64::engine::general_purpose::STANDARD.encode(&der)
            );
            if let Ok(key) = PrivateKey::from_pem(&text) {
                prop_assert!(is_the_test_key(key), "read as another key: {}", text);
            }
        }
    }
}

/// Found by the properties above: a flipped bit in the private scalar left a valid P-256 key,
/// but not the test key, which from_pem read without a word (and every URL it signed would
/// have been refused by CloudFront). The public key in the file now has to match.
#[test]
fn a_damaged_scalar_is_refused_by_the_public_key_beside_it() {
    for pem in PEMS {
        let text = read(pem);
        let (label, body) = last_block(&text);
        let der = base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap();
        let (mut refused, mut read_as_itself) = (0, 0);
        for at in 0..der.len() {
            for bit in 0..8 {
                let mut damaged = der.clone();
                damaged[at] ^= 1 << bit;
                let text = format!(
                    "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
                    base64::engine::general_purpose::STANDARD.encode(&damaged)
                );
                match PrivateKey::from_pem(&text) {
                    Ok(key) => {
                        assert!(is_the_test_key(key), "{pem}: byte {at} bit {bit}");
                        read_as_itself += 1;
                    }
                    Err(_) => refused += 1,
                }
            }
        }
        // Every flip in the scalar or the point is refused; a few elsewhere (such as the
        // PKCS#8 version 0 to 1) still read, as the same key.
        assert!(refused >= 8 * (32 + 65), "{pem}: {refused} refused");
        assert!(read_as_itself < 8, "{pem}: {read_as_itself} read");
    }
    // The same key without its public half still reads: there is nothing to check it by.
    let sec1 = read(PEMS[0]);
    let (_, body) = last_block(&sec1);
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    // SEQUENCE { INTEGER 1, OCTET STRING scalar, [0] prime256v1 } without [1].
    let mut bare = vec![0x30, 3 + 34 + 12];
    bare.extend_from_slice(&der[2..2 + 3 + 34 + 12]);
    let text = format!(
        "-----BEGIN EC PRIVATE KEY-----\n{}\n-----END EC PRIVATE KEY-----\n",
        base64::engine::general_purpose::STANDARD.encode(&bare)
    );
    assert!(is_the_test_key(PrivateKey::from_pem(&text).unwrap()));
    // Found next: a character inserted in the scalar's base64 and one removed after it shift
    // the bits between, so the scalar changed and the public key's tag became garbage, which
    // the reader took for the end of the key. Anything after the scalar must now read.
    let shifted = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg/ya+p2EW6dRZrXCFX\nZ7HWk05Qw9s26JsSe4piKxIPZyGhANCAARg/tS6JVqdMclh63TGNW1owEm4kjth\n+mzmaWIuYPKftnkD/hAIuLyZpBrp6VYovGTy8bIMLX6fUXejwpTURiKZ\n-----END PRIVATE KEY-----\n";
    assert!(matches!(
        PrivateKey::from_pem(shifted),
        Err(presigner_cloudfront::Error::KeyMalformed(_))
    ));
}

/// The label and the joined base64 body of the last PEM block in `pem`.
fn last_block(pem: &str) -> (String, String) {
    let begin = pem.rfind("-----BEGIN ").unwrap();
    let block = &pem[begin..];
    let label = block["-----BEGIN ".len()..block.find("-----\n").unwrap()].to_owned();
    let body = block.lines().filter(|l| !l.starts_with("-----")).collect();
    (label, body)
}

proptest! {
    // Each case signs a few times; p256 is slow in a debug build.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_grant_verifies_with_ring_and_is_the_same_from_either_key_file(
        (resource, end, start) in policy_parts()
    ) {
        let policy = Policy { resource: &resource, date_less_than: end, date_greater_than: start };
        let grant = signer(PEMS[0]).grant(&policy);
        let query = grant.query();
        let json = cf64::decode(param(query, "Policy").unwrap()).unwrap();
        prop_assert_eq!(&json, &policy.to_json().into_bytes());
        let signature = cf64::decode(param(query, "Signature").unwrap()).unwrap();
        prop_assert!(ring_verifies(&json, &signature));
        prop_assert!(query.ends_with("&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256"));
        let names: Vec<&str> = query.split('&').map(|kv| kv.split('=').next().unwrap()).collect();
        prop_assert_eq!(names, ["Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"]);
        for name in ["Policy", "Signature"] {
            let value = param(query, name).unwrap();
            prop_assert!(!value.contains(['+', '/', '=', '%']), "{}={}", name, value);
        }
        // RFC 6979: the same policy, the same bytes, whichever file the key came from.
        prop_assert_eq!(&signer(PEMS[1]).grant(&policy), &grant);
        prop_assert_eq!(&signer(PEMS[0]).grant(&policy), &grant);
        let canned = signer(PEMS[0]).canned_grant(&policy);
        let canned_signature = cf64::decode(param(canned.query(), "Signature").unwrap()).unwrap();
        prop_assert_eq!(canned_signature, signature);
        let expires = end.to_string();
        prop_assert_eq!(param(canned.query(), "Expires"), Some(expires.as_str()));
    }

    #[test]
    fn different_policies_sign_differently_and_neither_signature_fits_the_other(
        a in policy_parts(),
        b in policy_parts(),
        nudge in 0..3u8,
    ) {
        // Half the pairs differ in one field only.
        let b = match nudge {
            0 => b,
            1 => (a.0.clone(), a.1.wrapping_add(1), a.2),
            _ => (format!("{}*", a.0), a.1, a.2),
        };
        prop_assume!(a != b);
        let signer = signer(PEMS[0]);
        let pa = Policy { resource: &a.0, date_less_than: a.1, date_greater_than: a.2 };
        let pb = Policy { resource: &b.0, date_less_than: b.1, date_greater_than: b.2 };
        prop_assert_ne!(pa.to_json(), pb.to_json());
        let (sa, sb) = (signer.sign(pa.to_json().as_bytes()), signer.sign(pb.to_json().as_bytes()));
        prop_assert_ne!(&sa, &sb);
        prop_assert_ne!(signer.grant(&pa), signer.grant(&pb));
        prop_assert!(!ring_verifies(pb.to_json().as_bytes(), &sa));
        prop_assert!(!ring_verifies(pa.to_json().as_bytes(), &sb));
    }

    #[test]
    fn sign_url_refuses_or_appends_a_grant_to_the_url_as_given(
        url in prop_oneof![
            any::<String>(),
            ("(https?://|ftp://|)", "[!-~]{0,60}").prop_map(|(s, r)| format!("{s}{r}")),
            "https://d111111abcdef8\\.cloudfront\\.net/[a-z0-9/._?&=%-]{0,40}",
            ("https?://", any::<String>()).prop_map(|(s, r)| format!("{s}{r}")),
        ],
        own_resource in any::<bool>(),
        other in resource(),
        end in time(),
        start in proptest::option::of(time()),
    ) {
        let resource = if own_resource { url.clone() } else { other };
        let policy = Policy { resource: &resource, date_less_than: end, date_greater_than: start };
        let signer = signer(PEMS[0]);
        let Ok(signed) = signer.sign_url(&url, &policy) else {
            return Ok(());
        };
        prop_assert!(signed.starts_with(&url));
        prop_assert!(signed.ends_with("&Hash-Algorithm=SHA256"), "{}", signed);
        prop_assert!(url.starts_with("https://") || url.starts_with("http://"));
        prop_assert!(!url.contains('#') && url.bytes().all(|b| b.is_ascii_graphic()));
        let rest = &signed[url.len()..];
        let separator = if url.contains('?') { '&' } else { '?' };
        prop_assert!(rest.starts_with(separator), "{}", signed);
        let query = &rest[1..];
        let signature = cf64::decode(param(query, "Signature").unwrap()).unwrap();
        prop_assert!(ring_verifies(policy.to_json().as_bytes(), &signature));
        let canned = policy.is_canned_for(&url);
        prop_assert_eq!(param(query, "Expires").is_some(), canned);
        prop_assert_eq!(param(query, "Policy").is_some(), !canned);
    }
}
