//! Who is asking ([`Caller`]), and whose folders that lets them act on ([`Access`]).

use super::ids::UserId;
use super::{ApiError, App};
use crate::config::{AnonymousCallers, DownloadAccess};

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

/// Whose folders one request may act on, settled from the caller and the settings before
/// the body is read, so an unidentified caller learns nothing from body checks.
#[derive(Debug)]
pub(super) struct Access {
    /// The caller's own folder, which a body without `userId` names; `None` when no
    /// authorizer vouched for anyone.
    own: Option<UserId>,
    /// Whether a `userId` other than the caller's is allowed.
    others: Others,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Others {
    Refused,
    Allowed,
}

impl Access {
    /// The user whose folder a body's `userId` (or its absence) names, if this access allows
    /// it.
    pub(super) fn folder(&self, claimed: Option<UserId>) -> Result<UserId, ApiError> {
        match (claimed, &self.own) {
            (Some(claimed), Some(own)) if claimed != *own && self.others == Others::Refused => {
                Err(ApiError::IdentityMismatch)
            }
            (Some(claimed), _) => Ok(claimed),
            (None, Some(own)) => Ok(own.clone()),
            (None, None) => Err(ApiError::MissingField("userId")),
        }
    }

    /// [`Access::folder`] for a `userId` already checked and kept where it lies.
    pub(super) fn folder_of<'a>(&'a self, claimed: Option<&'a str>) -> Result<&'a str, ApiError> {
        match (claimed, &self.own) {
            (Some(claimed), Some(own))
                if claimed != own.as_str() && self.others == Others::Refused =>
            {
                Err(ApiError::IdentityMismatch)
            }
            (Some(claimed), _) => Ok(claimed),
            (None, Some(own)) => Ok(own.as_str()),
            (None, None) => Err(ApiError::MissingField("userId")),
        }
    }
}

impl App {
    /// Access for uploads and forms: the caller's own folder only, or under
    /// `TRUST_BODY_USER_ID` whichever folder the body names.
    pub(super) fn write_access(&self, caller: &Caller) -> Result<Access, ApiError> {
        match caller {
            Caller::Subject(subject) => Ok(Access {
                own: Some(UserId::new("userId", subject).map_err(|_| ApiError::UnusableIdentity)?),
                others: Others::Refused,
            }),
            Caller::NoSubject(which) => Err(ApiError::NoSubject(which)),
            Caller::Anonymous if self.anonymous_callers == AnonymousCallers::TrustBodyUserId => {
                Ok(Access {
                    own: None,
                    others: Others::Allowed,
                })
            }
            Caller::Anonymous => Err(ApiError::Unauthenticated),
        }
    }

    /// Access for downloads, as `DOWNLOAD_ACCESS` says: `owner` as for uploads; `signed-in`
    /// any folder for a caller an authorizer vouched for; `anyone` any folder for any caller.
    pub(super) fn read_access(&self, caller: &Caller) -> Result<Access, ApiError> {
        let vouched = match self.download_access {
            // Public downloads: a subject that cannot be a folder is simply no own folder.
            DownloadAccess::Anyone => self.write_access(caller).unwrap_or(Access {
                own: None,
                others: Others::Allowed,
            }),
            DownloadAccess::SignedIn | DownloadAccess::Owner => self.write_access(caller)?,
        };
        Ok(match self.download_access {
            DownloadAccess::Owner => vouched,
            DownloadAccess::SignedIn | DownloadAccess::Anyone => Access {
                others: Others::Allowed,
                ..vouched
            },
        })
    }
}
