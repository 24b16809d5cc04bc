//! Download URLs through CloudFront: one signed policy (a grant) covers many images, so a
//! batch costs at most one ECDSA signature per cache window.
//!
//! The grant's resource is a wildcard: `{origin}/images/*` where any caller may read any
//! image (`signed-in`, `anyone`, the open contract), `{origin}/images/{caller}/*` under
//! `owner`. Its `DateLessThan` is the end of the window's lifetime, the same instant S3 URLs
//! would end. With RFC 6979 nonces the grant is the same bytes in every sandbox that signs
//! it in that window, so URLs are byte-identical across sandboxes and browsers keep them.
//!
//! What a wildcard grant gives away: whoever holds one URL can read any image the grant
//! covers until it ends, not just that image (docs/api.md). That is what the access mode
//! already lets the caller read, but a URL passed on carries it to someone else.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use presigner_cloudfront::Policy;
use presigner_sigv4::uri_encode::encode_path_into;

use super::{ApiError, DownloadTerms};
use crate::config::CloudFront;

/// The most grants kept per window: one per caller under `owner`, one otherwise.
const GRANTS_KEPT: usize = 4096;

/// Signs CloudFront download URLs, keeping this window's grants.
pub(super) struct EdgeDownloads {
    origin: String,
    signer: std::sync::Arc<presigner_cloudfront::Signer>,
    grants: Mutex<Grants>,
}

/// This window's grants: the one for every image, and those for one folder each.
#[derive(Default)]
struct Grants {
    signed_at: i64,
    all_images: Option<Arc<str>>,
    by_folder: HashMap<String, Arc<str>>,
}

impl Grants {
    fn get(&self, scope: Scope) -> Option<&Arc<str>> {
        match scope {
            Scope::AllImages => self.all_images.as_ref(),
            Scope::Folder(folder) => self.by_folder.get(folder),
        }
    }

    fn keep(&mut self, scope: Scope, query: Arc<str>) {
        match scope {
            Scope::AllImages => self.all_images = Some(query),
            Scope::Folder(folder) => {
                self.by_folder.insert(folder.to_owned(), query);
            }
        }
    }
}

impl fmt::Debug for EdgeDownloads {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EdgeDownloads")
            .field("origin", &self.origin)
            .field("signer", &self.signer)
            .finish_non_exhaustive()
    }
}

/// Which images one grant covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope<'a> {
    /// Every image.
    AllImages,
    /// The images in this user's folder.
    Folder(&'a str),
}

impl EdgeDownloads {
    pub(super) fn new(cloudfront: CloudFront) -> Self {
        EdgeDownloads {
            origin: cloudfront.origin,
            signer: cloudfront.signer,
            grants: Mutex::new(Grants::default()),
        }
    }

    /// The policy's resource for `scope`: the folder percent-encoded as in the URL, so no
    /// character of a user id can stand as a wildcard (`*` and `?` are encoded).
    fn resource(&self, scope: Scope) -> String {
        let mut resource = String::with_capacity(self.origin.len() + 80);
        resource.push_str(&self.origin);
        resource.push_str("/images/");
        if let Scope::Folder(folder) = scope {
            encode_path_into(&mut resource, folder);
            resource.push('/');
        }
        resource.push('*');
        resource
    }

    /// Appends the signed URL for the object `key` under `scope` on `terms`: the window's
    /// grant for the scope (signed now if this process has none yet), after the key's path.
    pub(super) fn append_url(
        &self,
        key: &str,
        scope: Scope,
        terms: &DownloadTerms,
        out: &mut String,
    ) -> Result<(), ApiError> {
        let query = self.grant(scope, terms)?;
        out.push_str(&self.origin);
        out.push('/');
        encode_path_into(out, key);
        out.push('?');
        out.push_str(&query);
        Ok(())
    }

    /// The query of the window's grant for `scope`.
    fn grant(&self, scope: Scope, terms: &DownloadTerms) -> Result<Arc<str>, ApiError> {
        let signed_at = terms.signed_at.unix_seconds();
        let mut grants = self
            .grants
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if grants.signed_at != signed_at || grants.by_folder.len() >= GRANTS_KEPT {
            grants.all_images = None;
            grants.by_folder.clear();
            grants.signed_at = signed_at;
        }
        if let Some(query) = grants.get(scope) {
            return Ok(query.clone());
        }
        let resource = self.resource(scope);
        if resource[..resource.len() - 1].contains(['*', '?']) {
            return Err(ApiError::Internal(
                "a CloudFront resource holds a wildcard character".to_owned(),
            ));
        }
        let policy = Policy {
            resource: &resource,
            date_less_than: (signed_at + i64::from(terms.lifetime.secs())) as u64,
            date_greater_than: None,
        };
        let query: Arc<str> = self.signer.grant(&policy).query().into();
        grants.keep(scope, query.clone());
        Ok(query)
    }
}
