//! Where an image's objects live in the bucket, from its checked ids: the one place the key
//! layout is written, shared by the presigner (which signs for the keys) and the processor
//! (which reads the upload and writes the variants), so both name the same objects.
//!
//! - the original contract (`IMAGE_PIPELINE=off`): `images/{folder}/{tweetId}.png`, uploaded
//!   and read as it is;
//! - the pipeline (`IMAGE_PIPELINE=on`): the upload at `uploads/{folder}/{tweetId}`, a private
//!   prefix no download URL names, and what the processor publishes under
//!   `images/{folder}/{tweetId}/`: `display`, `thumb` and `status.json`.
//!
//! The folder is the user's key form ([`ids::write_folder`]); a `tweetId` is written as it is
//! (its allow-list keeps `/` and everything else a key would need escaped out).

use super::ids;
use super::ApiError;

/// The private prefix uploads are signed for under the pipeline; no download URL names it.
pub const UPLOAD_PREFIX: &str = "uploads/";
/// The public prefix: every download URL names a key under it.
pub const IMAGE_PREFIX: &str = "images/";
/// The status object's name beside the variants: `images/{folder}/{tweetId}/status.json`.
pub const STATUS_NAME: &str = "status.json";

/// A variant the pipeline publishes, as a download's `size` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Size {
    /// `display`: the image as a click or a wide screen shows it (the default).
    #[default]
    Display,
    /// `thumb`: the timeline thumbnail.
    Thumb,
}

impl Size {
    /// Both, as a download's `size` names them.
    pub const ALL: [Size; 2] = [Size::Display, Size::Thumb];

    /// `display` or `thumb`: the value of `size` and the variant's name in its key.
    pub fn as_str(self) -> &'static str {
        match self {
            Size::Display => "display",
            Size::Thumb => "thumb",
        }
    }

    /// The size a body's `size` names; anything else is refused, naming the two.
    pub fn parse(value: &str) -> Result<Size, ApiError> {
        Size::ALL
            .into_iter()
            .find(|s| s.as_str() == value)
            .ok_or(ApiError::InvalidSize)
    }
}

/// Which of an image's objects a key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Object {
    /// `images/{folder}/{tweetId}.png`: the original contract's one object.
    Original,
    /// `uploads/{folder}/{tweetId}`: the upload, which the processor reads and deletes.
    Upload,
    /// `images/{folder}/{tweetId}/{size}`: a published variant.
    Variant(Size),
    /// `images/{folder}/{tweetId}/status.json`: whether the image is ready or was refused.
    Status,
}

/// Appends the key of `object` for the user `user` (written as its folder, the key form) and
/// the checked `tweetId` `tweet`.
pub fn write_key(out: &mut String, object: Object, user: &str, tweet: &str) {
    out.push_str(match object {
        Object::Upload => UPLOAD_PREFIX,
        _ => IMAGE_PREFIX,
    });
    ids::write_folder(out, user);
    out.push('/');
    out.push_str(tweet);
    match object {
        Object::Original => out.push_str(".png"),
        Object::Upload => {}
        Object::Variant(size) => {
            out.push('/');
            out.push_str(size.as_str());
        }
        Object::Status => {
            out.push('/');
            out.push_str(STATUS_NAME);
        }
    }
}

/// [`write_key`] into a new string.
pub fn key(object: Object, user: &str, tweet: &str) -> String {
    let mut out = String::with_capacity(32 + 3 * user.len() + tweet.len());
    write_key(&mut out, object, user, tweet);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_object_has_its_key() {
        let user = "auth0|5f7c";
        for (object, expected) in [
            (Object::Original, "images/auth0~7C5f7c/ツイート.png"),
            (Object::Upload, "uploads/auth0~7C5f7c/ツイート"),
            (
                Object::Variant(Size::Display),
                "images/auth0~7C5f7c/ツイート/display",
            ),
            (
                Object::Variant(Size::Thumb),
                "images/auth0~7C5f7c/ツイート/thumb",
            ),
            (Object::Status, "images/auth0~7C5f7c/ツイート/status.json"),
        ] {
            assert_eq!(key(object, user, "ツイート"), expected, "{object:?}");
        }
    }

    #[test]
    fn sizes_are_display_or_thumb() {
        assert_eq!(Size::default(), Size::Display);
        assert_eq!(Size::parse("thumb"), Ok(Size::Thumb));
        assert_eq!(Size::parse("display"), Ok(Size::Display));
        for bad in ["", "Thumb", "original", "status.json", "thumb ", "../x"] {
            assert_eq!(Size::parse(bad), Err(ApiError::InvalidSize), "{bad:?}");
        }
    }
}
