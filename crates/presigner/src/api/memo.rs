//! Download URLs this process has already signed in the current cache window, by object key.
//!
//! Within a window every download URL for a key is the same bytes (same start, lifetime,
//! credentials and parameters), so a URL signed once can be handed out again instead of
//! signed again: a warm process answering many timelines that show the same images skips
//! the SHA-256 over each canonical request (about 1.6 KB with Lambda's session token). The
//! memo holds one window's URLs, at most [`MEMO_ENTRIES`], and starts afresh when the window
//! moves on or it is full, so it never hands out a URL from another window and never grows
//! past a few MB. Access is checked before a key is looked up.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

/// The most URLs kept: about 2 KB each with Lambda's session token (some 8 MB), up to about
/// 3.5 KB for the longest ids (some 16 MB).
pub const MEMO_ENTRIES: usize = 4096;

/// One window's signed download URLs, by key. `Debug` shows only how many: a URL is a bearer
/// credential until it expires.
pub(super) struct UrlMemo {
    inner: Mutex<Window>,
}

#[derive(Default)]
struct Window {
    signed_at: i64,
    urls: HashMap<Box<str>, Box<str>>,
}

impl UrlMemo {
    pub(super) fn new() -> Self {
        UrlMemo {
            inner: Mutex::new(Window::default()),
        }
    }

    /// Appends to `out` the URL for `key` in the window starting at `signed_at` (Unix
    /// seconds): the one kept, or what `sign` appends, which is then kept.
    pub(super) fn append<E>(
        &self,
        key: &str,
        signed_at: i64,
        out: &mut String,
        sign: impl FnOnce(&mut String) -> Result<(), E>,
    ) -> Result<(), E> {
        {
            let window = self.lock();
            if window.signed_at == signed_at {
                if let Some(url) = window.urls.get(key) {
                    out.push_str(url);
                    return Ok(());
                }
            }
        }
        let start = out.len();
        sign(out)?;
        let mut window = self.lock();
        if window.signed_at != signed_at || window.urls.len() >= MEMO_ENTRIES {
            window.urls.clear();
            window.signed_at = signed_at;
        }
        window.urls.insert(key.into(), out[start..].into());
        Ok(())
    }

    /// How many URLs are kept.
    pub(super) fn len(&self) -> usize {
        self.lock().urls.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Window> {
        // A panic while holding the lock cannot leave a wrong URL behind (an entry is
        // inserted whole), so a poisoned memo is still good.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl fmt::Debug for UrlMemo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UrlMemo")
            .field("urls", &format_args!("<{} kept, redacted>", self.len()))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn ask(memo: &UrlMemo, key: &str, at: i64, signed: &Cell<u32>) -> String {
        let mut out = String::from("[");
        memo.append(key, at, &mut out, |out| {
            signed.set(signed.get() + 1);
            out.push_str(&format!("url-of-{key}-at-{at}-#{}", signed.get()));
            Ok::<(), ()>(())
        })
        .unwrap();
        out
    }

    #[test]
    fn a_key_is_signed_once_per_window() {
        let (memo, signed) = (UrlMemo::new(), Cell::new(0));
        let first = ask(&memo, "images/a/1.png", 3600, &signed);
        assert_eq!(first, "[url-of-images/a/1.png-at-3600-#1");
        assert_eq!(ask(&memo, "images/a/1.png", 3600, &signed), first);
        assert_eq!(signed.get(), 1);
        ask(&memo, "images/b/1.png", 3600, &signed);
        assert_eq!((signed.get(), memo.len()), (2, 2));
        // The next window: signed afresh, and the old window's URLs are gone.
        let next = ask(&memo, "images/a/1.png", 7200, &signed);
        assert_eq!(next, "[url-of-images/a/1.png-at-7200-#3");
        assert_eq!(memo.len(), 1);
        // Asked for an earlier window again (a clock step back): never the later URL.
        assert_eq!(
            ask(&memo, "images/a/1.png", 3600, &signed),
            "[url-of-images/a/1.png-at-3600-#4"
        );
    }

    #[test]
    fn a_failed_signature_keeps_nothing_and_the_memo_stays_bounded() {
        let memo = UrlMemo::new();
        let mut out = String::new();
        let failed = memo.append("k", 0, &mut out, |_| Err("no"));
        assert_eq!((failed, memo.len()), (Err("no"), 0));
        let signed = Cell::new(0);
        for i in 0..MEMO_ENTRIES + 10 {
            ask(&memo, &format!("images/u/{i}.png"), 0, &signed);
            assert!(memo.len() <= MEMO_ENTRIES);
        }
        assert_eq!(memo.len(), 10);
    }

    #[test]
    fn debug_shows_no_url() {
        let (memo, signed) = (UrlMemo::new(), Cell::new(0));
        ask(&memo, "images/a/1.png", 0, &signed);
        let shown = format!("{memo:?}");
        assert!(
            !shown.contains("url-of") && shown.contains("1 kept"),
            "{shown}"
        );
    }
}
