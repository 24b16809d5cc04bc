//! What differs between S3 and the other services, as data.

/// How the canonical URI is encoded from the URL's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UriEncoding {
    /// The path is signed as it appears in the URL (S3).
    Once,
    /// The URL's path is percent-encoded once more (every other service).
    Twice,
}

/// Whether the path is normalised before it is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathNormalization {
    /// The path is signed as given (S3: `a//b/../c` is a key of its own).
    AsGiven,
    /// `.` and `..` segments are removed and repeated `/` collapsed first (every other service).
    RemoveDotSegments,
}

/// Where the session token goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionTokenPlacement {
    /// `X-Amz-Security-Token` is part of the canonical query and so of the signature (S3).
    Signed,
    /// It is appended to the URL after signing (a few services, e.g. IoT; `omit_session_token`
    /// in AWS's suite).
    AppendedAfterSigning,
}

/// The per-service rules of canonicalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Single (S3) or double URI encoding of the path.
    pub uri_encoding: UriEncoding,
    /// Whether dot segments and repeated `/` are removed before encoding (never for S3).
    pub path_normalization: PathNormalization,
    /// Whether the session token is signed.
    pub session_token: SessionTokenPlacement,
}

impl Settings {
    /// S3: path signed as given, never normalised, token signed.
    pub const S3: Settings = Settings {
        uri_encoding: UriEncoding::Once,
        path_normalization: PathNormalization::AsGiven,
        session_token: SessionTokenPlacement::Signed,
    };
    /// Every other service: path normalised and encoded twice, token signed.
    pub const GENERIC: Settings = Settings {
        uri_encoding: UriEncoding::Twice,
        path_normalization: PathNormalization::RemoveDotSegments,
        session_token: SessionTokenPlacement::Signed,
    };
}

/// Whether a [`Signer`](crate::Signer) keeps the signing key of the day it last signed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyReuse {
    /// Derive the key once per day, region and service, and reuse it (the default).
    #[default]
    SameDay,
    /// Derive the key afresh for every signature: four more HMACs each time. For measuring
    /// what the reuse saves, or for a signer that must hold no derived key between calls.
    Never,
}
