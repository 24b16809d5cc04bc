//! The terms every download URL of one request is signed on: the start of the cache window,
//! a lifetime stretched by the window, when that really ends, and the `Cache-Control` S3 is
//! told to answer with. Settled once per request, so a batch shares them.

use presigner_s3::Expiry;
use presigner_sigv4::SigningTime;

use crate::config::CacheWindow;

/// How download URLs are signed, settled once at start-up: the cache window, the lifetime
/// it stretches to and the `Cache-Control` S3 is told to answer with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadRules {
    window: CacheWindow,
    lifetime: Expiry,
    cache_control: String,
}

impl DownloadRules {
    /// The rules for `window` and `expiry`, which were checked together at start-up (at most
    /// 7 days together).
    pub fn new(window: CacheWindow, expiry: Expiry) -> Result<Self, presigner_s3::Error> {
        let lifetime = Expiry::from_secs(u64::from(window.secs()) + u64::from(expiry.secs()))?;
        Ok(DownloadRules {
            window,
            lifetime,
            cache_control: format!("private, max-age={}", expiry.secs()),
        })
    }

    /// The cache window: [`CacheWindow::OFF`] signs every URL at its own second.
    pub fn window(&self) -> CacheWindow {
        self.window
    }

    /// The terms for URLs handed out at `now`; the error is for a clock near the end of time.
    pub fn terms(&self, now: SigningTime) -> Result<DownloadTerms<'_>, String> {
        let now_secs = now.unix_seconds();
        let start = match i64::from(self.window.secs()) {
            0 => now_secs,
            w => now_secs - now_secs.rem_euclid(w),
        };
        let signed_at = SigningTime::from_unix_seconds(start).map_err(|e| e.to_string())?;
        let expires_at = SigningTime::from_unix_seconds(start + i64::from(self.lifetime.secs()))
            .map_err(|e| e.to_string())?
            .rfc3339();
        Ok(DownloadTerms {
            signed_at,
            lifetime: self.lifetime,
            expires_at,
            cache_control: &self.cache_control,
        })
    }
}

/// When and for how long one request's download URLs are signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadTerms<'a> {
    /// `X-Amz-Date`: the start of the window `now` falls in (`now` itself with no window).
    pub signed_at: SigningTime,
    /// `X-Amz-Expires`: the window plus `URL_EXPIRES_SECONDS`, so a URL handed out at the
    /// window's last second still lives `URL_EXPIRES_SECONDS` more.
    pub lifetime: Expiry,
    /// When the URLs stop working, RFC 3339 (`expiresAt`).
    pub expires_at: String,
    /// `response-cache-control`: `private, max-age=` the shortest life left of a URL signed
    /// on these terms when it is handed out, so a browser never keeps one past its end.
    pub cache_control: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> SigningTime {
        SigningTime::from_unix_seconds(secs).unwrap()
    }

    fn terms(now: i64, window: u32, expiry: u32) -> DownloadTerms<'static> {
        let expiry = Expiry::from_secs(u64::from(expiry)).unwrap();
        let rules = DownloadRules::new(CacheWindow::new(window, expiry).unwrap(), expiry).unwrap();
        let terms = Box::leak(Box::new(rules)).terms(at(now)).unwrap();
        terms
    }

    #[test]
    fn a_window_signs_at_its_start_and_lives_window_plus_expiry() {
        let start = 1_700_000_000 - 1_700_000_000 % 3600;
        for now in [start, start + 1, start + 3599] {
            let t = terms(now, 3600, 1800);
            assert_eq!(t.signed_at, at(start), "{now}");
            assert_eq!(t.lifetime.secs(), 5400);
            assert_eq!(t.expires_at, at(start + 5400).rfc3339());
            assert!(
                start + 5400 - now >= 1800,
                "at least the expiry left at hand-out"
            );
            assert_eq!(t.cache_control, "private, max-age=1800");
        }
        let next = terms(start + 3600, 3600, 1800);
        assert_eq!(next.signed_at, at(start + 3600));
        assert_ne!(next, terms(start + 3599, 3600, 1800));
    }

    #[test]
    fn no_window_signs_at_now() {
        let t = terms(1_700_000_123, 0, 1800);
        assert_eq!(t.signed_at, at(1_700_000_123));
        assert_eq!(t.lifetime.secs(), 1800);
        assert_eq!(t.expires_at, at(1_700_001_923).rfc3339());
    }

    #[test]
    fn the_seven_day_cap_holds() {
        let week = 604_800;
        let t = terms(1_700_000_000, week - 1800, 1800);
        assert_eq!(t.lifetime.secs(), week);
        let expiry = Expiry::from_secs(1800).unwrap();
        assert!(CacheWindow::new(week - 1799, expiry).is_err());
        assert_eq!(CacheWindow::default_for(expiry).secs(), 3600);
        let long = Expiry::from_secs(u64::from(week) - 60).unwrap();
        assert_eq!(CacheWindow::default_for(long).secs(), 60);
        let longest = Expiry::from_secs(u64::from(week)).unwrap();
        assert_eq!(CacheWindow::default_for(longest), CacheWindow::OFF);
    }
}
