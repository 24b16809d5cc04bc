//! Who is asking ([`Caller`]), and which user the API keys images on for them.

use super::body::Id;
use super::{ApiError, App};
use crate::config::AnonymousCallers;

/// Who is asking, as the front door established it. Never taken from the body or a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// No authorizer ran: the request carries no authorizer context at all.
    Anonymous,
    /// An authorizer vouched for this subject: the `sub` claim of a JWT or Cognito user pool
    /// authorizer, or a Lambda authorizer's principal.
    Subject(String),
    /// An authorizer ran but gave no subject to key on (IAM authorization, a Lambda
    /// authorizer without a principal, claims without `sub`); the text names it.
    NoSubject(&'static str),
}

impl App {
    /// The user the authorizer vouches for; `None` when no authorizer ran and the body's
    /// `userId` is trusted (`TRUST_BODY_USER_ID`). Checked before the body, so an
    /// unidentified caller learns nothing from body checks.
    pub(super) fn authorized_user(&self, caller: &Caller) -> Result<Option<Id>, ApiError> {
        match caller {
            Caller::Subject(subject) => Id::new("userId", subject)
                .map(Some)
                .map_err(|_| ApiError::UnusableIdentity),
            Caller::NoSubject(which) => Err(ApiError::NoSubject(which)),
            Caller::Anonymous if self.anonymous_callers == AnonymousCallers::TrustBodyUserId => {
                Ok(None)
            }
            Caller::Anonymous => Err(ApiError::Unauthenticated),
        }
    }
}
