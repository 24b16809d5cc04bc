//! The upload's key, `uploads/{folder}/{tweetId}`, as a checked type, and the keys the
//! pipeline derives from it. The rules are the presigner's own ([`presigner::api::ids`]): a
//! folder is a user's key form (one to one, so it decodes back to the user), a `tweetId` is
//! letters, digits, `-`, `_` and `.`. A key that breaks them was not signed by the presigner
//! and is ignored.

use presigner::api::ids::{write_folder, TweetId, UserId};
use sha2::Digest;

/// The private prefix uploads are signed for; no download URL can name a key under it.
pub const UPLOAD_PREFIX: &str = "uploads/";
/// The public prefix of what the pipeline publishes.
pub const IMAGE_PREFIX: &str = "images/";
/// The status object's name beside the variants.
pub const STATUS_NAME: &str = "status.json";

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

    /// The upload's own key.
    pub fn upload_key(&self) -> String {
        format!("{UPLOAD_PREFIX}{}/{}", self.folder, self.tweet_id)
    }

    /// Where the published objects live: `images/{folder}/{tweetId}/`.
    pub fn image_dir(&self) -> String {
        format!("{IMAGE_PREFIX}{}/{}/", self.folder, self.tweet_id)
    }

    /// `images/{folder}/{tweetId}/{name}`.
    pub fn image_key(&self, name: &str) -> String {
        format!("{}{name}", self.image_dir())
    }

    /// `images/{folder}/{tweetId}/status.json`.
    pub fn status_key(&self) -> String {
        self.image_key(STATUS_NAME)
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
        assert_eq!(key.image_key("thumb"), "images/auth0~7C5f7c/ツイート/thumb");
        assert_eq!(key.status_key(), "images/auth0~7C5f7c/ツイート/status.json");
        // The presigner's reference for the subject `auth0|5f7c`.
        let digest = sha2::Sha256::digest(b"auth0|5f7c");
        assert_eq!(
            key.caller_ref(),
            format!("sha256:{}", hex::encode(&digest[..8]))
        );
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
