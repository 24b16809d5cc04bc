//! Which web pages may use the dev server from a browser: the one CORS rule of the local S3,
//! the local edge and the API.
//!
//! Any loopback origin (`http://localhost:*`, `http://127.0.0.1:*`, `http://[::1]:*`, so a
//! Vite or Next dev server on any port works), plus those given with `--cors-origin` or
//! `CORS_ALLOW_ORIGIN`. Never `*` unless asked for: the dev server signs anyone in who sends
//! `Bearer local:<name>`, so a page on another site a developer visits while it runs must
//! not be able to ask it for upload URLs, nor post a form to the local S3 (whose secret is
//! public): the API and the local S3 answer such a page 403 before anything else.

use hyper::header::{self, HeaderMap, HeaderValue};
use presigner::config::CorsOrigin;

/// The origins the dev server answers browsers from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalOrigins {
    extra: Vec<String>,
    any: AnyOrigin,
}

/// Whether every origin is allowed (`CORS_ALLOW_ORIGIN=*`, asked for on purpose).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnyOrigin {
    /// Loopback origins and the listed ones only (the default).
    Refused,
    /// Every origin: any page the developer visits can sign in as any local user.
    Allowed,
}

impl Default for LocalOrigins {
    fn default() -> Self {
        LocalOrigins::loopback()
    }
}

impl LocalOrigins {
    /// Loopback origins only.
    pub fn loopback() -> Self {
        LocalOrigins {
            extra: Vec::new(),
            any: AnyOrigin::Refused,
        }
    }

    /// Loopback origins and `origin`, checked as the Lambda checks `CORS_ALLOW_ORIGIN`
    /// (`http[s]://host[:port]`, no path; a trailing `/` is dropped); `*` allows every origin.
    pub fn with(mut self, origin: &str) -> Result<Self, String> {
        let origin = CorsOrigin::new(origin.trim_end_matches('/'))?;
        match origin.as_str() {
            "*" => self.any = AnyOrigin::Allowed,
            origin => self.extra.push(origin.to_ascii_lowercase()),
        }
        Ok(self)
    }

    /// Whether every origin is allowed.
    pub fn any(&self) -> AnyOrigin {
        self.any
    }

    /// The origins added to the loopback ones.
    pub fn extra(&self) -> &[String] {
        &self.extra
    }

    /// Whether a page served from `origin` (an `Origin` header's bytes) may call.
    pub fn allows(&self, origin: &[u8]) -> bool {
        if self.any == AnyOrigin::Allowed {
            return true;
        }
        let Ok(origin) = std::str::from_utf8(origin) else {
            return false;
        };
        is_loopback(origin) || self.extra.iter().any(|o| o.eq_ignore_ascii_case(origin))
    }

    /// What a request's `Origin` asks: no header (not a browser's cross-origin call), an
    /// allowed origin, or one refused.
    pub fn check(&self, headers: &HeaderMap) -> OriginCheck {
        match headers.get(header::ORIGIN) {
            None => OriginCheck::NoOrigin,
            Some(o) if self.allows(o.as_bytes()) => OriginCheck::Allowed(o.clone()),
            Some(o) => OriginCheck::Refused(String::from_utf8_lossy(o.as_bytes()).into_owned()),
        }
    }

    /// Sets `Access-Control-Allow-Origin` on an answer for a request with `request_headers`:
    /// the request's origin when allowed, nothing otherwise; always `Vary: Origin`, since the
    /// answer depends on it.
    pub fn apply(&self, request_headers: &HeaderMap, response_headers: &mut HeaderMap) {
        response_headers.remove(header::ACCESS_CONTROL_ALLOW_ORIGIN);
        if let OriginCheck::Allowed(origin) = self.check(request_headers) {
            response_headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        }
        response_headers.append(header::VARY, HeaderValue::from_static("Origin"));
    }
}

/// Why `who` (the dev server, the local S3) refuses a page from `origin`, and what to do: add
/// it with `--cors-origin` when that option can take it; serve the page from a loopback
/// origin when it is `null` (a file, or a sandboxed frame, which any site can make, so
/// never allowed); otherwise the form an origin has.
pub fn refusal(who: &str, origin: &str) -> String {
    let allowed = "it allows http://localhost, http://127.0.0.1 and http://[::1] on any port";
    let advice = if origin == "null" {
        "a page opened from a file (or in a sandboxed frame) has no origin it can allow: serve the page from http://localhost instead (any local web server, such as your front end's dev server)".to_owned()
    } else if LocalOrigins::loopback().with(origin).is_ok() {
        format!("start presigner-local with --cors-origin {origin} to allow this one")
    } else {
        "an origin is scheme://host[:port], as a browser sends it".to_owned()
    };
    format!("{who} does not answer pages from {origin:?}: {allowed}; {advice}")
}

/// A request's `Origin`, judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginCheck {
    /// No `Origin` header: curl, a server, a same-origin GET.
    NoOrigin,
    /// An allowed origin, to echo in `Access-Control-Allow-Origin`.
    Allowed(HeaderValue),
    /// A page the dev server does not serve (its origin, for the message).
    Refused(String),
}

/// `http://localhost[:port]`, `http://127.0.0.1[:port]` or `http://[::1][:port]`.
fn is_loopback(origin: &str) -> bool {
    let Some(rest) = origin.strip_prefix("http://") else {
        return false;
    };
    let host = match rest.strip_prefix("[::1]") {
        Some(port) => return port_ok(port),
        None => rest,
    };
    let (name, port) = match host.split_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    };
    name.eq_ignore_ascii_case("localhost") && port.is_none_or(|p| port_ok(&format!(":{p}")))
        || name == "127.0.0.1" && port.is_none_or(|p| port_ok(&format!(":{p}")))
}

/// Empty, or `:` and a port number.
fn port_ok(port: &str) -> bool {
    port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|p| (1..=5).contains(&p.len()) && p.parse::<u16>().is_ok_and(|n| n > 0))
            && port[1..].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_loopback_port_and_only_the_listed_others() {
        let o = LocalOrigins::loopback();
        for allowed in [
            "http://localhost:5173",
            "http://127.0.0.1:3000",
            "http://[::1]:8080",
            "http://localhost",
            "http://LOCALHOST:1",
        ] {
            assert!(o.allows(allowed.as_bytes()), "{allowed}");
        }
        for refused in [
            "https://evil.example",
            "http://localhost.evil.example",
            "http://127.0.0.1.evil.example:80",
            "http://127.0.0.2:3000",
            "http://localhost:99999",
            "http://localhost:+80",
            "http://localhost:",
            "https://localhost:5173",
            "null",
            "http://[::1]:80/x",
            "",
        ] {
            assert!(!o.allows(refused.as_bytes()), "{refused}");
        }
        let o = o.with("http://192.168.1.20:5173/").unwrap();
        assert!(o.allows(b"http://192.168.1.20:5173"));
        assert!(!o.allows(b"http://192.168.1.20:5174"));
        assert!(LocalOrigins::loopback().with("192.168.1.20").is_err());
        assert!(LocalOrigins::loopback().with("http://a/b").is_err());
        // An origin a browser never sends would never match: refused, naming the form it sends.
        for (never_sent, sent) in [
            ("http://192.168.1.20:80", "http://192.168.1.20"),
            ("https://App.example.com", "https://app.example.com"),
            ("https://app.example.com:443/", "https://app.example.com"),
        ] {
            let e = LocalOrigins::loopback().with(never_sent).unwrap_err();
            assert!(e.contains(sent), "{never_sent}: {e}");
        }
        assert!(LocalOrigins::loopback().with("http://a:65536").is_err());
        let any = LocalOrigins::loopback().with("*").unwrap();
        assert!(any.allows(b"https://evil.example"));
    }
}
