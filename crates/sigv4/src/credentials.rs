//! Credentials, checked when made.

use std::fmt;

use crate::Error;

/// An access key id, its secret and, for temporary credentials, the session token.
///
/// `Debug` shows the key id (it appears in every URL anyway) and hides the rest.
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
}

impl Credentials {
    /// Checks that each part is present; a session token, if given, must not be empty.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Result<Self, Error> {
        let access_key_id = access_key_id.into();
        let secret_access_key = secret_access_key.into();
        if access_key_id.is_empty() {
            return Err(Error::EmptyAccessKeyId);
        }
        let id_char = |b: u8| b.is_ascii_alphanumeric() || b"-_.".contains(&b);
        if !access_key_id.bytes().all(id_char) {
            return Err(Error::InvalidAccessKeyId);
        }
        if secret_access_key.is_empty() {
            return Err(Error::EmptySecretAccessKey);
        }
        if session_token.as_deref() == Some("") {
            return Err(Error::EmptySessionToken);
        }
        Ok(Credentials {
            access_key_id,
            secret_access_key,
            session_token,
        })
    }

    /// The access key id, as it appears in `X-Amz-Credential`.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The session token of temporary credentials, if any.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    pub(crate) fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_refuse_empty_parts_and_hide_secrets() {
        assert_eq!(
            Credentials::new("", "s", None).unwrap_err(),
            Error::EmptyAccessKeyId
        );
        assert_eq!(
            Credentials::new("A", "", None).unwrap_err(),
            Error::EmptySecretAccessKey
        );
        assert_eq!(
            Credentials::new("A", "s", Some(String::new())).unwrap_err(),
            Error::EmptySessionToken
        );
        assert_eq!(
            Credentials::new("A/B", "s", None).unwrap_err(),
            Error::InvalidAccessKeyId
        );
        let c = Credentials::new("AKID", "topsecret", Some("tokenvalue".into())).unwrap();
        let shown = format!("{c:?}");
        assert!(shown.contains("AKID"));
        assert!(
            !shown.contains("topsecret") && !shown.contains("tokenvalue"),
            "{shown}"
        );
    }
}
