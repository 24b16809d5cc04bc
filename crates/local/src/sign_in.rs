//! The dev server's stand-in for an authorizer: `Authorization: Bearer local:<name>`.

use presigner::api::Caller;

/// The prefix of a local sign-in: `Authorization: Bearer local:<name>`.
pub const LOCAL_BEARER: &str = "Bearer local:";

/// The most bytes a local user's name may have.
pub const MAX_NAME_BYTES: usize = 32;

/// An `Authorization` header the dev server cannot read as a local sign-in. Its message says
/// the form it wants; it never echoes the header (a real token pasted by mistake would
/// otherwise reach a log or a screen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInError {
    /// `Bearer local:` with a name that is empty, too long, or of other characters.
    BadName,
    /// Any other `Authorization` value, such as a real provider's JWT.
    NotLocal,
}

impl std::fmt::Display for SignInError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignInError::BadName => write!(
                f,
                "the local sign-in is Authorization: Bearer local:<name>, <name> 1 to {MAX_NAME_BYTES} of a-z, 0-9, - and _ (such as Bearer local:alice)"
            ),
            SignInError::NotLocal => write!(
                f,
                "the dev server accepts only Authorization: Bearer local:<name>, <name> 1 to {MAX_NAME_BYTES} of a-z, 0-9, - and _ (such as Bearer local:alice); a deployed API takes your provider's token instead"
            ),
        }
    }
}

/// The caller a local request's `Authorization` header names, as an authorizer would vouch
/// for it: none is no sign-in ([`Caller::Anonymous`]); `Bearer local:<name>`, with `<name>`
/// 1 to 32 of `a-z`, `0-9`, `-`, `_`, is the subject `<name>`; anything else is refused
/// (401 with the form wanted), never taken for no sign-in. Only this dev server accepts
/// it: the Lambda never reads an `Authorization` header, and a deployed API's authorizer
/// refuses the token.
pub fn local_caller(authorization: Option<&[u8]>) -> Result<Caller, SignInError> {
    let Some(value) = authorization else {
        return Ok(Caller::Anonymous);
    };
    let Some(name) = value.strip_prefix(LOCAL_BEARER.as_bytes()) else {
        return Err(SignInError::NotLocal);
    };
    let ok = (1..=MAX_NAME_BYTES).contains(&name.len())
        && name
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_".contains(b));
    match ok {
        true => Ok(Caller::Subject(String::from_utf8_lossy(name).into_owned())),
        false => Err(SignInError::BadName),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_local_form_signs_in_and_every_other_header_is_refused() {
        assert_eq!(local_caller(None), Ok(Caller::Anonymous));
        assert_eq!(
            local_caller(Some(b"Bearer local:alice")),
            Ok(Caller::Subject("alice".into()))
        );
        for bad in [
            &b"Bearer local:Alice"[..],
            b"Bearer local:",
            b"Bearer local:a b",
            b"Bearer local:\xff",
            &[b"Bearer local:".as_slice(), &[b'a'; 33]].concat(),
        ] {
            assert_eq!(
                local_caller(Some(bad)),
                Err(SignInError::BadName),
                "{bad:?}"
            );
        }
        for other in [
            &b"Bearer eyJhbGciOi.x.y"[..],
            b"",
            b"local:alice",
            b"bearer local:alice",
        ] {
            assert_eq!(local_caller(Some(other)), Err(SignInError::NotLocal));
        }
        assert!(SignInError::BadName
            .to_string()
            .contains("Bearer local:<name>"));
    }
}
