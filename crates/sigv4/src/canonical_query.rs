//! The canonical query string: the caller's parameters, encoded and sorted, merged with the
//! `X-Amz-*` ones the signer writes.

use std::ops::Range;

use crate::buffers::push_decimal;
use crate::canonical_headers::CanonicalHeaders;
use crate::uri_encode::encode_component_into;
use crate::ALGORITHM;

/// Query parameters, each name and value encoded once into one shared buffer, sorted by
/// encoded name and then value, as the canonical query string wants. Empty, it allocates
/// nothing.
struct CanonicalQuery {
    buf: String,
    params: Vec<(Range<usize>, Range<usize>)>,
}

impl CanonicalQuery {
    fn with_capacity(params: usize) -> Self {
        CanonicalQuery {
            buf: String::with_capacity(params * 32),
            params: Vec::with_capacity(params),
        }
    }

    /// Adds a decoded `name=value`; both are encoded here.
    fn push(&mut self, name: &str, value: &str) {
        let start = self.buf.len();
        encode_component_into(&mut self.buf, name);
        let mid = self.buf.len();
        encode_component_into(&mut self.buf, value);
        self.params.push((start..mid, mid..self.buf.len()));
    }

    /// Puts the parameters in canonical order.
    fn sort(&mut self) {
        let buf = &self.buf;
        self.params.sort_unstable_by(|a, b| {
            (&buf[a.0.clone()], &buf[a.1.clone()]).cmp(&(&buf[b.0.clone()], &buf[b.1.clone()]))
        });
    }

    fn len(&self) -> usize {
        self.params.len()
    }

    /// The encoded name of parameter `i`.
    fn name(&self, i: usize) -> &str {
        &self.buf[self.params[i].0.clone()]
    }

    /// Appends `name=value` of parameter `i` to `out`.
    fn write(&self, i: usize, out: &mut String) {
        let (name, value) = &self.params[i];
        out.push_str(&self.buf[name.clone()]);
        out.push('=');
        out.push_str(&self.buf[value.clone()]);
    }
}

/// The query parameters the signer writes, in canonical (byte) order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AmzParam {
    Algorithm,
    Credential,
    Date,
    Expires,
    SecurityToken,
    SignedHeaders,
}

impl AmzParam {
    const ALL: [AmzParam; 6] = [
        AmzParam::Algorithm,
        AmzParam::Credential,
        AmzParam::Date,
        AmzParam::Expires,
        AmzParam::SecurityToken,
        AmzParam::SignedHeaders,
    ];

    fn name(self) -> &'static str {
        match self {
            AmzParam::Algorithm => "X-Amz-Algorithm",
            AmzParam::Credential => "X-Amz-Credential",
            AmzParam::Date => "X-Amz-Date",
            AmzParam::Expires => "X-Amz-Expires",
            AmzParam::SecurityToken => "X-Amz-Security-Token",
            AmzParam::SignedHeaders => "X-Amz-SignedHeaders",
        }
    }
}

/// Whether `name` is a parameter the signer writes itself, or the signature it appends
/// (compared without case, as a server might).
pub(crate) fn is_reserved(name: &str) -> bool {
    AmzParam::ALL
        .iter()
        .map(|p| p.name())
        .chain(["X-Amz-Signature"])
        .any(|reserved| reserved.eq_ignore_ascii_case(name))
}

/// The values of the `X-Amz-*` parameters, already encoded where they need it.
pub(crate) struct AmzValues<'a> {
    /// `X-Amz-Credential`: `{key id}%2F`, the date, `%2F{region}%2F{service}%2Faws4_request`.
    pub(crate) credential: [&'a str; 3],
    pub(crate) amz_date: &'a str,
    pub(crate) expires_in: u32,
    /// The encoded session token, when it is signed.
    pub(crate) signed_token: Option<&'a str>,
    pub(crate) headers: &'a CanonicalHeaders<'a>,
}

/// Appends the canonical query string to `out`. Nothing needs sorting but the caller's
/// parameters: the `X-Amz-*` names are in order already and can never equal a caller's (the
/// signer refuses that first, with [`is_reserved`]).
pub(crate) fn write_canonical_query(out: &mut String, extra: &[(&str, &str)], amz: &AmzValues) {
    let mut sorted = CanonicalQuery::with_capacity(extra.len());
    for (name, value) in extra {
        sorted.push(name, value);
    }
    sorted.sort();
    let start = out.len();
    let mut next_extra = 0;
    for param in AmzParam::ALL {
        if param == AmzParam::SecurityToken && amz.signed_token.is_none() {
            continue;
        }
        while next_extra < sorted.len() && sorted.name(next_extra) < param.name() {
            if out.len() > start {
                out.push('&');
            }
            sorted.write(next_extra, out);
            next_extra += 1;
        }
        if out.len() > start {
            out.push('&');
        }
        out.push_str(param.name());
        out.push('=');
        match param {
            AmzParam::Algorithm => out.push_str(ALGORITHM),
            AmzParam::Credential => amz.credential.iter().for_each(|part| out.push_str(part)),
            AmzParam::Date => out.push_str(amz.amz_date),
            AmzParam::Expires => push_decimal(out, u64::from(amz.expires_in)),
            AmzParam::SecurityToken => out.push_str(amz.signed_token.unwrap_or_default()),
            AmzParam::SignedHeaders => {
                amz.headers
                    .write_signed_names(out, "%3B", encode_component_into)
            }
        }
    }
    while next_extra < sorted.len() {
        out.push('&');
        sorted.write(next_extra, out);
        next_extra += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caller_parameters_merge_in_byte_order() {
        let headers = CanonicalHeaders::new("h", &[]);
        let amz = AmzValues {
            credential: ["AKID%2F", "20130524", "%2Fus-east-1%2Fs3%2Faws4_request"],
            amz_date: "20130524T000000Z",
            expires_in: 60,
            signed_token: Some("t%2Bk"),
            headers: &headers,
        };
        let mut out = String::new();
        write_canonical_query(
            &mut out,
            &[("z", "1"), ("A b", "c/d"), ("X-Amz-E", "")],
            &amz,
        );
        assert_eq!(
            out,
            "A%20b=c%2Fd&X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential=AKID%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
             &X-Amz-Date=20130524T000000Z&X-Amz-E=&X-Amz-Expires=60\
             &X-Amz-Security-Token=t%2Bk&X-Amz-SignedHeaders=host&z=1"
        );
    }

    #[test]
    fn reserved_names_are_refused_in_any_case() {
        assert!(is_reserved("x-amz-signature"));
        assert!(is_reserved("X-AMZ-CREDENTIAL"));
        assert!(!is_reserved("X-Amz-Meta"));
    }
}
