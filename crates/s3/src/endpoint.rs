//! Where S3 answers, and where the bucket goes in a URL.

use std::fmt;

use presigner_sigv4 as sigv4;

use crate::Error;

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Plain HTTP (local servers).
    Http,
    /// TLS.
    Https,
}

impl Scheme {
    /// `http://` or `https://`: how a URL with this scheme starts.
    pub fn prefix(self) -> &'static str {
        match self {
            Scheme::Http => "http://",
            Scheme::Https => "https://",
        }
    }
}

/// Where S3 answers: scheme, host and port, with no path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    scheme: Scheme,
    host: String,
    port: Option<u16>,
}

impl Endpoint {
    /// The regional endpoint `https://s3.{region}.amazonaws.com` (never the global one, whose
    /// redirects for new buckets break browsers' CORS preflight).
    pub fn regional(region: &str) -> Result<Self, Error> {
        sigv4::check_region(region)?;
        Endpoint::parse(&format!("https://s3.{region}.amazonaws.com"))
    }

    /// Parses `http[s]://host[:port][/]`; a default port (80, 443) is dropped.
    pub fn parse(url: &str) -> Result<Self, Error> {
        let (scheme, rest) = if let Some(rest) = url.strip_prefix("https://") {
            (Scheme::Https, rest)
        } else if let Some(rest) = url.strip_prefix("http://") {
            (Scheme::Http, rest)
        } else {
            return Err(Error::InvalidEndpoint {
                reason: "it must start with http:// or https://",
            });
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.contains(['/', '?', '#']) {
            return Err(Error::InvalidEndpoint {
                reason: "it must have no path, query or fragment",
            });
        }
        if authority.contains('@') {
            return Err(Error::InvalidEndpoint {
                reason: "it must not carry a user name or password",
            });
        }
        let (host, port) = match authority.rfind(':') {
            Some(i) if !authority[i..].contains(']') => {
                let port = authority[i + 1..]
                    .parse::<u16>()
                    .ok()
                    .filter(|p| *p != 0)
                    .ok_or(Error::InvalidEndpoint {
                        reason: "the port must be a number from 1 to 65535",
                    })?;
                (&authority[..i], Some(port))
            }
            _ => (authority, None),
        };
        let name_ok = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        let ipv6_ok = host.len() > 2
            && host.starts_with('[')
            && host.ends_with(']')
            && host[1..host.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
        if !name_ok && !ipv6_ok {
            return Err(Error::InvalidEndpoint {
                reason: "the host must be a DNS name or an IP address",
            });
        }
        let default_port = match scheme {
            Scheme::Http => 80,
            Scheme::Https => 443,
        };
        Ok(Endpoint {
            scheme,
            host: host.to_ascii_lowercase(),
            port: port.filter(|p| *p != default_port),
        })
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The host, without port.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port, when it is not the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    pub(crate) fn is_ip_literal(&self) -> bool {
        self.host.starts_with('[') || self.host.parse::<std::net::Ipv4Addr>().is_ok()
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.scheme.prefix(), self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        Ok(())
    }
}

/// How a [`Presigner`](crate::Presigner) places buckets in URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AddressingStyle {
    /// Virtual-hosted (`bucket.host`) wherever that works; path style where it cannot: a
    /// bucket with dots over https (the certificate would not match), or an IP endpoint.
    #[default]
    Auto,
    /// Every bucket in the path (`host/bucket/key`): for S3-compatible servers that serve
    /// no bucket subdomains.
    Path,
}

/// Where the bucket name goes in one URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addressing {
    /// `https://bucket.endpoint/key`.
    VirtualHosted,
    /// `https://endpoint/bucket/key`.
    Path,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_parse_and_drop_default_ports() {
        let e = Endpoint::parse("http://127.0.0.1:9000/").unwrap();
        assert_eq!((e.host(), e.port()), ("127.0.0.1", Some(9000)));
        assert_eq!(e.to_string(), "http://127.0.0.1:9000");
        let e = Endpoint::parse("https://S3.Example.com:443").unwrap();
        assert_eq!((e.host(), e.port()), ("s3.example.com", None));
        assert_eq!(
            Endpoint::parse("http://[::1]:9000").unwrap().port(),
            Some(9000)
        );
        for bad in [
            "s3.amazonaws.com",
            "ftp://x",
            "https://",
            "https://h/path",
            "https://u:p@h",
            "https://h:0",
            "https://h:99999",
            "https://h?x",
            "https://h_x",
        ] {
            assert!(
                matches!(Endpoint::parse(bad), Err(Error::InvalidEndpoint { .. })),
                "{bad}"
            );
        }
        assert_eq!(
            Endpoint::regional("ap-northeast-1").unwrap().to_string(),
            "https://s3.ap-northeast-1.amazonaws.com"
        );
    }
}
