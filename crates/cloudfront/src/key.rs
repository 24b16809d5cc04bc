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
                "EC PARAMETERS" => continue,
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
        let (scalar, public) = match block.label {
            "PRIVATE KEY" => pkcs8_scalar(&der)?,
            _ => sec1_scalar(&der, true)?,
        };
        let mut bytes = Zeroizing::new([0u8; 32]);
        bytes.copy_from_slice(scalar);
        let signing = SigningKey::from_bytes(bytes.as_ref().into())
            .map_err(|_| Error::KeyMalformed("the private scalar is not a valid P-256 key"))?;
        // A damaged scalar is still a valid key, just not the one CloudFront holds: every URL
        // would be refused at the edge. The public key the file carries tells.
        if let Some(public) = public {
            let derived = signing.verifying_key();
            if public != derived.to_encoded_point(false).as_bytes()
                && public != derived.to_encoded_point(true).as_bytes()
            {
                return Err(Error::KeyMalformed(
                    "its public key does not match its private key (the file is damaged)",
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

/// The private scalar and, when the key carries it, the public point (SEC1 encoded).
type Scalar<'a> = (&'a [u8], Option<&'a [u8]>);

/// PKCS#8 `PrivateKeyInfo`: version, algorithm (must be EC on P-256), the SEC1 key.
fn pkcs8_scalar(der: &[u8]) -> Result<Scalar<'_>, Error> {
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
    if algorithm.expect(der::OID) != Some(PRIME256V1) {
        return Err(Error::KeyWrongCurve);
    }
    sec1_scalar(info.expect(der::OCTET_STRING).ok_or(BAD)?, false)
}

/// SEC1 `ECPrivateKey`: version 1, the scalar, then optionally `[0]` the curve (which must be
/// P-256; required when the key stands alone) and `[1]` the public key.
fn sec1_scalar(der: &[u8], standalone: bool) -> Result<Scalar<'_>, Error> {
    const BAD: Error = Error::KeyMalformed("not an EC private key");
    let mut outer = Reader::new(der);
    let mut key = Reader::new(outer.expect(der::SEQUENCE).ok_or(BAD)?);
    if !outer.is_empty() || key.expect(der::INTEGER) != Some(&[1][..]) {
        return Err(BAD);
    }
    let scalar = key.expect(der::OCTET_STRING).ok_or(BAD)?;
    let mut curve_named = false;
    let mut public = None;
    while !key.is_empty() {
        // Anything after the scalar must read as an element: garbage there is damage too.
        let element = key.next().ok_or(BAD)?;
        match element.tag {
            der::CONTEXT_0 => {
                let mut parameters = Reader::new(element.contents);
                if parameters.expect(der::OID) != Some(PRIME256V1) || !parameters.is_empty() {
                    return Err(Error::KeyWrongCurve);
                }
                curve_named = true;
            }
            der::CONTEXT_1 => {
                let mut bits = Reader::new(element.contents);
                // A BIT STRING of whole bytes: the unused-bit count 0, then the point.
                match bits.expect(der::BIT_STRING) {
                    Some([0, point @ ..]) if bits.is_empty() => public = Some(point),
                    _ => return Err(BAD),
                }
            }
            _ => return Err(BAD),
        }
    }
    if standalone && !curve_named {
        return Err(Error::KeyWrongCurve);
    }
    if scalar.len() != 32 {
        return Err(Error::KeyWrongCurve);
    }
    Ok((scalar, public))
}
