//! The private key: a P-256 key read from PEM (PKCS#8 `PRIVATE KEY` or SEC1 `EC PRIVATE KEY`,
//! as `openssl ecparam -genkey` writes it, `EC PARAMETERS` block and all), checked once.

use std::fmt;

use base64::Engine;
use p256::ecdsa::SigningKey;
use zeroize::Zeroizing;

use crate::der::{self, Reader};
use crate::Error;

/// `id-ecPublicKey`, 1.2.840.10045.2.1.
const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
/// `prime256v1` (P-256, secp256r1), 1.2.840.10045.3.1.7.
const PRIME256V1: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
/// `rsaEncryption`, 1.2.840.113549.1.1.1.
const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// A P-256 private key. `Debug` never shows it; its bytes are wiped when it is dropped.
pub struct PrivateKey {
    pub(crate) signing: SigningKey,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateKey(P-256, <redacted>)")
    }
}

impl PrivateKey {
    /// Reads a PEM private key: PKCS#8 (`-----BEGIN PRIVATE KEY-----`) or SEC1
    /// (`-----BEGIN EC PRIVATE KEY-----`, an `EC PARAMETERS` block before it is skipped). A
    /// value with no line breaks but literal `\n` sequences (a PEM pasted into one line) is
    /// read as if they were line breaks. Errors say what is wrong, never what the key holds.
    pub fn from_pem(pem: &str) -> Result<Self, Error> {
        let unfolded;
        let pem = if !pem.contains('\n') && pem.contains("\\n") {
            unfolded = Zeroizing::new(pem.replace("\\n", "\n"));
            unfolded.as_str()
        } else {
            pem
        };
        let mut found = None;
        for block in blocks(pem)? {
            match block.label {
                // `openssl ecparam -genkey` writes the curve's OID first: it must be P-256's.
                "EC PARAMETERS" => {
                    let der = base64::engine::general_purpose::STANDARD
                        .decode(block.body.as_bytes())
                        .map_err(|_| Error::KeyNotPem)?;
                    let mut parameters = Reader::new(&der);
                    if parameters.expect(der::OID) != Some(PRIME256V1) || !parameters.is_empty() {
                        return Err(Error::KeyWrongCurve);
                    }
                }
                "PRIVATE KEY" | "EC PRIVATE KEY" if found.is_none() => found = Some(block),
                "PRIVATE KEY" | "EC PRIVATE KEY" => {
                    return Err(Error::KeyMalformed("more than one private key"))
                }
                "RSA PRIVATE KEY" => return Err(Error::KeyIsRsa),
                "ENCRYPTED PRIVATE KEY" => return Err(Error::KeyEncrypted),
                "PUBLIC KEY" | "EC PUBLIC KEY" | "RSA PUBLIC KEY" | "CERTIFICATE" => {
                    return Err(Error::KeyIsPublic)
                }
                _ => return Err(Error::KeyNotPem),
            }
        }
        let block = found.ok_or(Error::KeyNotPem)?;
        if block.encrypted {
            return Err(Error::KeyEncrypted);
        }
        let der = Zeroizing::new(
            base64::engine::general_purpose::STANDARD
                .decode(block.body.as_bytes())
                .map_err(|_| Error::KeyNotPem)?,
        );
        let parts = match block.label {
            "PRIVATE KEY" => pkcs8_key(&der)?,
            _ => sec1_key(&der, true)?,
        };
        // Some encoders drop a leading zero byte of the scalar: right-align it.
        let mut bytes = Zeroizing::new([0u8; 32]);
        bytes[32 - parts.scalar.len()..].copy_from_slice(parts.scalar);
        let signing = SigningKey::from_bytes(bytes.as_ref().into())
            .map_err(|_| Error::KeyMalformed("the private scalar is not a valid P-256 key"))?;
        // A public key stored beside the scalar must be the scalar's: a file damaged or put
        // together from two keys is refused here, not by CloudFront on every request.
        if let Some(public) = parts.public {
            let derived = signing.verifying_key().to_encoded_point(false);
            if public != derived.as_bytes()
                && public != signing.verifying_key().to_encoded_point(true).as_bytes()
            {
                return Err(Error::KeyMalformed(
                    "the public key in the file is not the private key's",
                ));
            }
        }
        Ok(PrivateKey { signing })
    }
}

struct Block<'a> {
    label: &'a str,
    /// The base64 lines joined.
    body: Zeroizing<String>,
    /// A legacy `Proc-Type: 4,ENCRYPTED` header.
    encrypted: bool,
}

/// The PEM blocks of `pem`, in order.
fn blocks(pem: &str) -> Result<Vec<Block<'_>>, Error> {
    let mut out = Vec::new();
    let mut lines = pem.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        let label = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
            .ok_or(Error::KeyNotPem)?;
        let mut body = Zeroizing::new(String::new());
        let mut encrypted = false;
        let end = format!("-----END {label}-----");
        loop {
            let line = lines.next().ok_or(Error::KeyNotPem)?;
            if line == end {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                encrypted |= name.trim() == "Proc-Type" && value.contains("ENCRYPTED");
                continue;
            }
            body.push_str(line);
        }
        out.push(Block {
            label,
            body,
            encrypted,
        });
    }
    Ok(out)
}

/// What a key file holds: the private scalar (big-endian, at most 32 bytes) and, if stored,
/// the public point (SEC1 encoding).
struct KeyParts<'a> {
    scalar: &'a [u8],
    public: Option<&'a [u8]>,
}

/// PKCS#8 `PrivateKeyInfo` (or v2 `OneAsymmetricKey`): version, algorithm (EC on P-256, no
/// other parameter), the SEC1 key, then only `[0]` attributes and `[1]` a public key.
fn pkcs8_key(der: &[u8]) -> Result<KeyParts<'_>, Error> {
    const BAD: Error = Error::KeyMalformed("not a PKCS#8 private key");
    let mut outer = Reader::new(der);
    let mut info = Reader::new(outer.expect(der::SEQUENCE).ok_or(BAD)?);
    if !outer.is_empty() {
        return Err(BAD);
    }
    match info.expect(der::INTEGER).ok_or(BAD)? {
        [0] | [1] => {}
        _ => return Err(BAD),
    }
    let mut algorithm = Reader::new(info.expect(der::SEQUENCE).ok_or(BAD)?);
    match algorithm.expect(der::OID).ok_or(BAD)? {
        EC_PUBLIC_KEY => {}
        RSA_ENCRYPTION => return Err(Error::KeyIsRsa),
        _ => return Err(Error::KeyWrongCurve),
    }
    if algorithm.expect(der::OID) != Some(PRIME256V1) || !algorithm.is_empty() {
        return Err(Error::KeyWrongCurve);
    }
    let mut parts = sec1_key(info.expect(der::OCTET_STRING).ok_or(BAD)?, false)?;
    let mut last = 0;
    while !info.is_empty() {
        // Anything after the key must read as an element: garbage there is damage too.
        let element = info.next().ok_or(BAD)?;
        match element.tag {
            der::CONTEXT_0 if last < 1 => last = 1,
            // `[1] IMPLICIT BIT STRING`: an unused-bits byte, then the point.
            0x81 if last < 2 => {
                last = 2;
                let point = element.contents.strip_prefix(&[0]).ok_or(BAD)?;
                if parts.public.is_some_and(|p| p != point) {
                    return Err(BAD);
                }
                parts.public = Some(point);
            }
            _ => return Err(BAD),
        }
    }
    Ok(parts)
}

/// SEC1 `ECPrivateKey`: version 1, the scalar, then optionally `[0]` the curve (which must be
/// P-256; required when the key stands alone) and `[1]` the public key, in that order.
fn sec1_key(der: &[u8], standalone: bool) -> Result<KeyParts<'_>, Error> {
    const BAD: Error = Error::KeyMalformed("not an EC private key");
    let mut outer = Reader::new(der);
    let mut key = Reader::new(outer.expect(der::SEQUENCE).ok_or(BAD)?);
    if !outer.is_empty() || key.expect(der::INTEGER) != Some(&[1][..]) {
        return Err(BAD);
    }
    let scalar = key.expect(der::OCTET_STRING).ok_or(BAD)?;
    let (mut curve_named, mut public, mut last) = (false, None, 0);
    while !key.is_empty() {
        let element = key.next().ok_or(BAD)?;
        match element.tag {
            der::CONTEXT_0 if last < 1 => {
                last = 1;
                let mut parameters = Reader::new(element.contents);
                if parameters.expect(der::OID) != Some(PRIME256V1) || !parameters.is_empty() {
                    return Err(Error::KeyWrongCurve);
                }
                curve_named = true;
            }
            der::CONTEXT_1 if last < 2 => {
                last = 2;
                let mut inner = Reader::new(element.contents);
                let bits = inner.expect(der::BIT_STRING).ok_or(BAD)?;
                if !inner.is_empty() {
                    return Err(BAD);
                }
                public = Some(bits.strip_prefix(&[0]).ok_or(BAD)?);
            }
            _ => return Err(BAD),
        }
    }
    if standalone && !curve_named {
        return Err(Error::KeyWrongCurve);
    }
    // P-256 scalars are 32 bytes; a shorter one lost leading zeros, a longer one is another
    // curve's.
    if scalar.is_empty() || scalar.len() > 32 {
        return Err(Error::KeyWrongCurve);
    }
    Ok(KeyParts { scalar, public })
}
