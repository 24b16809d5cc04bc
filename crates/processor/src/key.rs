//! The upload's key, `uploads/{folder}/{tweetId}`, as a checked type, and the keys the
//! pipeline derives from it. The rules are the presigner's own ([`presigner::api::ids`]): a
//! folder is a user's key form (one to one, so it decodes back to the user), a `tweetId` is
//! letters, digits, `-`, `_` and `.`. A key that breaks them was not signed by the presigner
//! and is ignored. Every key is written by the presigner's own layout
//! ([`presigner::api::keys`]), from the user and the `tweetId`, so the objects the processor
//! writes are exactly those the presigner's download and status URLs name.

use presigner::api::ids::{write_folder, TweetId, UserId};
use presigner::api::keys::{self, Object, Size};
pub use presigner::api::keys::{IMAGE_PREFIX, STATUS_NAME, UPLOAD_PREFIX};
use presigner_images::VariantName;
use sha2::Digest;

/// An upload's key, checked: `uploads/{folder}/{tweetId}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadKey {
    folder: String,
    tweet_id: String,
    user: String,
}

/// Why a key is not an upload the pipeline handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAnUpload {
    /// The key is not under `uploads/`.
    OutsidePrefix,
    /// Under `uploads/`, but not `{folder}/{tweetId}` by the presigner's rules.
    BadIds,
}

impl NotAnUpload {
    /// A stable name for the log line.
    pub fn code(self) -> &'static str {
        match self {
            NotAnUpload::OutsidePrefix => "outside_upload_prefix",
            NotAnUpload::BadIds => "bad_upload_key",
        }
    }
}

impl UploadKey {
    /// Checks `key`.
    pub fn parse(key: &str) -> Result<Self, NotAnUpload> {
        let rest = key
            .strip_prefix(UPLOAD_PREFIX)
            .ok_or(NotAnUpload::OutsidePrefix)?;
        let (folder, tweet_id) = rest.split_once('/').ok_or(NotAnUpload::BadIds)?;
        TweetId::check(tweet_id).map_err(|_| NotAnUpload::BadIds)?;
        let user = user_of_folder(folder).ok_or(NotAnUpload::BadIds)?;
        Ok(UploadKey {
            folder: folder.to_owned(),
            tweet_id: tweet_id.to_owned(),
            user,
        })
    }

    /// The upload's own key (what [`UploadKey::parse`] read, written back by the layout).
    pub fn upload_key(&self) -> String {
        keys::key(Object::Upload, &self.user, &self.tweet_id)
    }

    /// `images/{folder}/{tweetId}/{display|thumb}`: where the variant `name` is published.
    pub fn variant_key(&self, name: VariantName) -> String {
        keys::key(Object::Variant(size_of(name)), &self.user, &self.tweet_id)
    }

    /// `images/{folder}/{tweetId}/status.json`.
    pub fn status_key(&self) -> String {
        keys::key(Object::Status, &self.user, &self.tweet_id)
    }

    /// The folder as it is in the key.
    pub fn folder(&self) -> &str {
        &self.folder
    }

    /// The `tweetId`.
    pub fn tweet_id(&self) -> &str {
        &self.tweet_id
    }

    /// The uploader as the presigner's log lines name a caller: `sha256:` and the first 16 hex
    /// digits of the SHA-256 of the user id, so an operator finds both Lambdas' lines for one
    /// account with the same hash.
    pub fn caller_ref(&self) -> String {
        let digest = sha2::Sha256::digest(self.user.as_bytes());
        format!("sha256:{}", hex::encode(&digest[..8]))
    }
}

/// The download `size` that names the image core's variant `name` (the same word: a test holds
/// them equal; the presigner does not depend on the image core).
pub fn size_of(name: VariantName) -> Size {
    match name {
        VariantName::Display => Size::Display,
        VariantName::Thumb => Size::Thumb,
    }
}

/// The user whose key form `folder` is: each `~XX` decoded. `None` unless `folder` is exactly
/// what [`write_folder`] writes for that user (so each user has one folder) and the user is a
/// valid [`UserId`] that is UTF-8 text.
fn user_of_folder(folder: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(folder.len());
    let mut rest = folder.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'~' {
            let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
            if !hex.bytes().all(|h| h.is_ascii_hexdigit()) {
                return None;
            }
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    let user = String::from_utf8(bytes).ok()?;
    UserId::check("userId", &user).ok()?;
    let mut canonical = String::with_capacity(folder.len());
    write_folder(&mut canonical, &user);
    (canonical == folder).then_some(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_are_folder_and_tweet_id() {
        let key = UploadKey::parse("uploads/auth0~7C5f7c/ツイート").unwrap();
        assert_eq!(key.folder(), "auth0~7C5f7c");
        assert_eq!(key.tweet_id(), "ツイート");
        assert_eq!(key.upload_key(), "uploads/auth0~7C5f7c/ツイート");
        assert_eq!(
            key.variant_key(VariantName::Thumb),
            "images/auth0~7C5f7c/ツイート/thumb"
        );
        assert_eq!(
            key.variant_key(VariantName::Display),
            "images/auth0~7C5f7c/ツイート/display"
        );
        assert_eq!(key.status_key(), "images/auth0~7C5f7c/ツイート/status.json");
        // The presigner's reference for the subject `auth0|5f7c`.
        let digest = sha2::Sha256::digest(b"auth0|5f7c");
        assert_eq!(
            key.caller_ref(),
            format!("sha256:{}", hex::encode(&digest[..8]))
        );
    }

    #[test]
    fn sizes_and_variant_names_are_the_same_words() {
        for name in [VariantName::Display, VariantName::Thumb] {
            assert_eq!(size_of(name).as_str(), name.as_str());
        }
    }

    #[test]
    fn other_keys_are_not_uploads() {
        for (key, why) in [
            ("images/u/t", NotAnUpload::OutsidePrefix),
            ("upload/u/t", NotAnUpload::OutsidePrefix),
            ("", NotAnUpload::OutsidePrefix),
            ("uploads/u", NotAnUpload::BadIds),
            ("uploads//t", NotAnUpload::BadIds),
            ("uploads/u/", NotAnUpload::BadIds),
            ("uploads/u/t/x", NotAnUpload::BadIds),
            ("uploads/u/..", NotAnUpload::BadIds),
            ("uploads/u/a b", NotAnUpload::BadIds),
            ("uploads/a|b/t", NotAnUpload::BadIds),
            // Not the canonical key form: `~7c` (lowercase), `~41` for a kept `A`.
            ("uploads/a~7cb/t", NotAnUpload::BadIds),
            ("uploads/~41/t", NotAnUpload::BadIds),
            ("uploads/~4/t", NotAnUpload::BadIds),
            ("uploads/~FF/t", NotAnUpload::BadIds),
            ("uploads/./t", NotAnUpload::BadIds),
        ] {
            assert_eq!(UploadKey::parse(key), Err(why), "{key:?}");
        }
        assert!(UploadKey::parse("uploads/~2E/t").is_ok());
        assert!(UploadKey::parse(&format!("uploads/{}/t", "u".repeat(129))).is_err());
    }
}
