//! The two ids an image's key is made of, `images/{folder}/{tweetId}.png`, as checked types.
//!
//! - A [`TweetId`] is an allow-list: Unicode letters and digits, `-`, `_` and `.`, so `ツイート`
//!   and `2026-12-03.1` work while bidi and zero-width controls, noncharacters, `${filename}`
//!   (which S3 substitutes in a POST form's key), spaces and every separator are refused.
//! - A [`UserId`] is whatever names a user: an authorizer's subject (Cognito's UUID, Auth0's
//!   `auth0|…` or `google-oauth2|…`, Okta's `00u…`, any Lambda authorizer's principal) or a
//!   body's `userId`. It is never refused for its characters; its folder is its
//!   [key form](write_folder), which is one to one, so no two users share a folder.

use super::ApiError;

/// Longest `userId` or `tweetId`, in bytes.
pub const MAX_ID_BYTES: usize = 128;

/// Per ASCII byte: 1 a byte a [`TweetId`] may hold as it is (`A-Za-z0-9-_.`), 2 one a
/// folder keeps as it is (those and `@`). Non-ASCII bytes are 0.
const CLASS: [u8; 256] = {
    let mut class = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        if (b as u8).is_ascii_alphanumeric() || b == b'-' as usize || b == b'_' as usize {
            class[b] = 3;
        }
        b += 1;
    }
    class[b'.' as usize] = 3;
    class[b'@' as usize] = 2;
    class
};
const TWEET: u8 = 1;
const KEPT: u8 = 2;

/// How a folder writes a byte it does not keep: `~` and two uppercase hex digits.
const ESCAPE: u8 = b'~';

/// A `tweetId`: 1 to 128 bytes of Unicode letters and digits (`char::is_alphanumeric`, less
/// the four Hangul fillers, which display as nothing), `-`, `_` and `.`; not `.` or `..`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TweetId(String);

impl TweetId {
    /// Checks `value`.
    pub fn new(value: &str) -> Result<Self, ApiError> {
        TweetId::check(value)?;
        Ok(TweetId(value.to_owned()))
    }

    /// What [`TweetId::new`] checks, without keeping the value (a batch keeps its ids where
    /// they lie in the body).
    pub fn check(value: &str) -> Result<(), ApiError> {
        const FIELD: &str = "tweetId";
        check_length(FIELD, value)?;
        if value == "." || value == ".." {
            return Err(ApiError::InvalidId(FIELD, "must not be '.' or '..'"));
        }
        let ascii_ok = value.bytes().fold(TWEET, |all, b| {
            all & (CLASS[usize::from(b)] | u8::from(b >= 0x80))
        });
        let ok = ascii_ok == TWEET
            && (value.is_ascii()
                || value.chars().all(|c| {
                    (c.is_alphanumeric() && !is_blank_letter(c)) || matches!(c, '-' | '_' | '.')
                }));
        if !ok {
            return Err(ApiError::InvalidId(
                FIELD,
                "may hold only letters, digits, '-', '_' and '.'",
            ));
        }
        Ok(())
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id, kept.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// A user as named by an authorizer's subject or a body's `userId`: 1 to 128 bytes of any
/// text. Its folder is [`write_folder`]'s key form, never the text itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserId(String);

impl UserId {
    /// Checks `value` (its length: any character has a key form), naming `field`.
    pub fn new(field: &'static str, value: &str) -> Result<Self, ApiError> {
        UserId::check(field, value)?;
        Ok(UserId(value.to_owned()))
    }

    /// What [`UserId::new`] checks, without keeping the value.
    pub fn check(field: &'static str, value: &str) -> Result<(), ApiError> {
        check_length(field, value)
    }

    /// The id as named.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as named, kept.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// The Hangul fillers: letters to Unicode (so `is_alphanumeric`) that display as nothing, and
/// the only default-ignorable characters that are; an id holding one would look like another.
fn is_blank_letter(c: char) -> bool {
    matches!(c, '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}')
}

fn check_length(field: &'static str, value: &str) -> Result<(), ApiError> {
    if value.is_empty() {
        return Err(ApiError::EmptyField(field));
    }
    if value.len() > MAX_ID_BYTES {
        return Err(ApiError::FieldTooLong(field));
    }
    Ok(())
}

/// Appends the folder of the user `user`, its key form: each byte of `A-Za-z0-9-_.@` as it
/// is and every other byte (`~` included) as `~` and two uppercase hex digits; a user named
/// `.` or `..` writes its dots as `~2E`. So `test@mail.com` and Cognito's UUIDs keep their
/// folder as written, `auth0|5f7c8ec7` becomes `auth0~7C5f7c8ec7`, and the map is one to one:
/// decoding every `~XX` gives the user back. A folder is at most 3 × 128 bytes and never holds
/// `/`, `\`, a control character, a space, `%`, `+`, `*`, `?`, `$` or a non-ASCII character.
pub fn write_folder(out: &mut String, user: &str) {
    let bytes = user.as_bytes();
    let dots = user == "." || user == "..";
    if !dots && bytes.iter().all(|&b| CLASS[usize::from(b)] & KEPT != 0) {
        out.push_str(user);
        return;
    }
    for &b in bytes {
        if CLASS[usize::from(b)] & KEPT != 0 && !dots {
            out.push(char::from(b));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push(char::from(ESCAPE));
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(user: &str) -> String {
        let mut out = String::new();
        write_folder(&mut out, user);
        out
    }

    /// The inverse of [`write_folder`], to prove it one to one.
    fn user_of(folder: &str) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut rest = folder.as_bytes();
        while let Some((&b, tail)) = rest.split_first() {
            if b == ESCAPE {
                let hex = std::str::from_utf8(&tail[..2]).unwrap();
                bytes.push(u8::from_str_radix(hex, 16).unwrap());
                rest = &tail[2..];
            } else {
                bytes.push(b);
                rest = tail;
            }
        }
        bytes
    }

    #[test]
    fn tweet_ids_are_letters_digits_and_three_marks() {
        for good in [
            "t",
            "tweet-1",
            "2026_12_03.1",
            "ツイート",
            "写真1",
            "ṭwīṭ",
            "١٢٣",
            "a.b",
            "...",
            ".hidden",
            &"x".repeat(128),
        ] {
            assert_eq!(TweetId::check(good), Ok(()), "{good:?}");
        }
        for bad in [
            "a b",
            "a/b",
            "a\\b",
            "${filename}",
            "a\u{200b}b",
            "a\u{200d}b",
            "a\u{202e}b",
            "a\u{2066}b",
            "a\u{feff}b",
            "a\u{fffe}b",
            "a\u{ffff}b",
            "a\u{85}b",
            "a\u{7f}b",
            "a\tb",
            "a%2Fb",
            "a+b",
            "a*b",
            "a?b",
            "a#b",
            "a~b",
            "a@b",
            "a\u{3000}b",
            "\u{3164}",
            "t\u{115F}1",
            "t\u{1160}1",
            "t\u{FFA0}1",
        ] {
            assert!(
                matches!(TweetId::check(bad), Err(ApiError::InvalidId("tweetId", _))),
                "{bad:?}"
            );
        }
        assert!(matches!(
            TweetId::check("."),
            Err(ApiError::InvalidId("tweetId", _))
        ));
        assert!(matches!(
            TweetId::check(".."),
            Err(ApiError::InvalidId("tweetId", _))
        ));
        assert_eq!(TweetId::check(""), Err(ApiError::EmptyField("tweetId")));
        assert_eq!(
            TweetId::check(&"ツ".repeat(43)),
            Err(ApiError::FieldTooLong("tweetId"))
        );
    }

    /// Real subjects: Cognito (a UUID), Auth0 (`provider|id`), Okta (`00u…`), Microsoft
    /// Entra ID (base64url), Firebase, and the original's `test@mail.com`.
    #[test]
    fn real_subjects_have_readable_folders() {
        for (user, expected) in [
            (
                "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
                "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
            ),
            (
                "auth0|5f7c8ec7c33c6c004bbafe82",
                "auth0~7C5f7c8ec7c33c6c004bbafe82",
            ),
            (
                "google-oauth2|103547991597142817347",
                "google-oauth2~7C103547991597142817347",
            ),
            ("00u1ab2cd3EFGHIJ4k5l", "00u1ab2cd3EFGHIJ4k5l"),
            (
                "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
                "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
            ),
            ("Hk3s_9-aB", "Hk3s_9-aB"),
            ("test@mail.com", "test@mail.com"),
            ("user 1", "user~201"),
            ("a/b", "a~2Fb"),
            ("~", "~7E"),
            (".", "~2E"),
            ("..", "~2E~2E"),
            ("...", "..."),
            ("ユ", "~E3~83~A6"),
        ] {
            assert_eq!(folder(user), expected, "{user:?}");
            assert_eq!(user_of(&folder(user)), user.as_bytes(), "{user:?}");
        }
    }

    #[test]
    fn folders_are_one_to_one_and_safe() {
        let users = [
            "a~2Fb",
            "a/b",
            "~",
            "~7E",
            ".",
            "~2E",
            "..",
            "%2E",
            "a b",
            "a+b",
            "a%20b",
            "A",
            "a",
            "\u{0}",
            "\u{202e}",
            "${filename}",
        ];
        let folders: Vec<String> = users.iter().map(|u| folder(u)).collect();
        for (i, f) in folders.iter().enumerate() {
            assert_eq!(user_of(f), users[i].as_bytes());
            assert!(f != "." && f != "..", "{f:?}");
            assert!(
                f.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.@~".contains(&b)),
                "{f:?}"
            );
            for (j, g) in folders.iter().enumerate() {
                assert!(
                    i == j || f != g,
                    "{:?} and {:?} share {f:?}",
                    users[i],
                    users[j]
                );
            }
        }
        assert_eq!(folder(&"\u{1}".repeat(128)).len(), 3 * MAX_ID_BYTES);
    }

    #[test]
    fn user_ids_are_checked_for_length_only() {
        assert_eq!(UserId::check("userId", "a/b\u{0}"), Ok(()));
        assert_eq!(
            UserId::check("userId", ""),
            Err(ApiError::EmptyField("userId"))
        );
        assert_eq!(
            UserId::check("userId", &"u".repeat(129)),
            Err(ApiError::FieldTooLong("userId"))
        );
        assert_eq!(
            UserId::new("userId", "auth0|x").unwrap().as_str(),
            "auth0|x"
        );
    }
}
