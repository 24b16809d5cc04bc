//! The canonical headers and the signed header names: lowercase names, sorted, values trimmed.

use std::borrow::Cow;

use crate::buffers::StackFirstList;
use crate::Error;

/// Headers a presigned URL signs: `host` and a few more. Kept on the stack up to this many.
const ON_STACK: usize = 8;

/// A request's headers as SigV4 signs them: names lowercased, sorted by name (stably, so
/// repeated names keep their order of arrival).
pub(crate) struct CanonicalHeaders<'a> {
    sorted: StackFirstList<(Cow<'a, str>, &'a str), ON_STACK>,
}

impl<'a> CanonicalHeaders<'a> {
    /// `host` first, then `headers`, sorted.
    pub(crate) fn new(host: &'a str, headers: &'a [(&'a str, &'a str)]) -> Self {
        let all = std::iter::once(("host", host)).chain(headers.iter().copied());
        Self::sorted(headers.len() + 1, all)
    }

    /// Every header given, `host` among them, sorted.
    pub(crate) fn from_pairs(headers: &'a [(&'a str, &'a str)]) -> Self {
        Self::sorted(headers.len(), headers.iter().copied())
    }

    fn sorted(len: usize, headers: impl Iterator<Item = (&'a str, &'a str)>) -> Self {
        let lowercased = headers.map(|(name, value)| {
            let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(name.to_ascii_lowercase())
            } else {
                Cow::Borrowed(name)
            };
            (name, value)
        });
        let mut sorted = StackFirstList::collect(len, lowercased);
        sorted.as_mut_slice().sort_by(|a, b| a.0.cmp(&b.0));
        CanonicalHeaders { sorted }
    }

    fn entries(&self) -> &[(Cow<'a, str>, &'a str)] {
        self.sorted.as_slice()
    }

    /// Each distinct name once, in order: what `X-Amz-SignedHeaders` lists.
    pub(crate) fn signed_names(&self) -> impl Iterator<Item = &str> + '_ {
        let entries = self.entries();
        entries
            .iter()
            .enumerate()
            .filter(move |(i, (name, _))| *i == 0 || entries[i - 1].0 != *name)
            .map(|(_, (name, _))| name.as_ref())
    }

    /// The signed names joined with `separator`, each written by `put_name`.
    pub(crate) fn write_signed_names(
        &self,
        out: &mut String,
        separator: &str,
        put_name: impl Fn(&mut String, &str),
    ) {
        for (i, name) in self.signed_names().enumerate() {
            if i > 0 {
                out.push_str(separator);
            }
            put_name(out, name);
        }
    }

    /// An upper bound of the bytes [`CanonicalHeaders::write`] and the signed names take.
    pub(crate) fn written_len(&self) -> usize {
        self.entries()
            .iter()
            .map(|(n, v)| 2 * n.len() + v.len() + 3)
            .sum()
    }

    /// `name:value` lines, a repeated name's values joined by `,`, each line ending in `\n`.
    pub(crate) fn write(&self, out: &mut String) {
        let entries = self.entries();
        for (i, (name, value)) in entries.iter().enumerate() {
            if i > 0 && entries[i - 1].0 == *name {
                out.push(',');
            } else {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(name);
                out.push(':');
            }
            write_value_words(out, value);
        }
        out.push('\n');
    }
}

/// A header name SigV4 can sign: an HTTP token (RFC 9110 `tchar`), compared in lowercase.
pub(crate) fn check_header_name(name: &str) -> Result<(), Error> {
    let is_tchar = |b: u8| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'..=b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            )
    };
    if name.is_empty() || !name.bytes().all(is_tchar) {
        return Err(Error::InvalidHeaderName {
            name: name.to_owned(),
        });
    }
    if name.eq_ignore_ascii_case("host") {
        return Err(Error::HostHeaderGiven);
    }
    Ok(())
}

/// Checks that `value` can be sent as the value of header `name` and signed: visible ASCII,
/// spaces and tabs.
pub fn check_header_value(name: &str, value: &str) -> Result<(), Error> {
    if value
        .bytes()
        .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
    {
        Ok(())
    } else {
        Err(Error::InvalidHeaderValue {
            name: name.to_owned(),
        })
    }
}

/// Appends the value trimmed, with every run of spaces and tabs inside folded to one space.
fn write_value_words(out: &mut String, value: &str) {
    // Most values (types, lengths, checksums) hold no space or tab: written as they are.
    if !value.bytes().any(|b| b == b' ' || b == b'\t') {
        out.push_str(value);
        return;
    }
    let mut first = true;
    for word in value.split([' ', '\t']).filter(|w| !w.is_empty()) {
        if !first {
            out.push(' ');
        }
        out.push_str(word);
        first = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(headers: &CanonicalHeaders) -> (String, String) {
        let mut lines = String::new();
        headers.write(&mut lines);
        let mut names = String::new();
        headers.write_signed_names(&mut names, ";", |out, n| out.push_str(n));
        (lines, names)
    }

    #[test]
    fn names_are_lowercased_sorted_and_repeats_joined() {
        let extra = [("X-B", " two  words "), ("x-a", "1"), ("X-A", "2")];
        let (lines, names) = written(&CanonicalHeaders::new("example.com", &extra));
        assert_eq!(lines, "host:example.com\nx-a:1,2\nx-b:two words\n");
        assert_eq!(names, "host;x-a;x-b");
    }

    #[test]
    fn many_headers_sort_like_few() {
        let owned: Vec<String> = (0..12).rev().map(|i| format!("X-Meta-{i:02}")).collect();
        let extra: Vec<(&str, &str)> = owned.iter().map(|n| (n.as_str(), "v")).collect();
        let (_, many) = written(&CanonicalHeaders::new("h", &extra));
        let expected: Vec<String> = std::iter::once("host".to_owned())
            .chain((0..12).map(|i| format!("x-meta-{i:02}")))
            .collect();
        assert_eq!(many, expected.join(";"));
        let (_, few) = written(&CanonicalHeaders::new("h", &extra[..3]));
        assert_eq!(few, "host;x-meta-09;x-meta-10;x-meta-11");
    }

    #[test]
    fn header_checks_refuse_what_cannot_be_sent() {
        assert!(check_header_name("content-type").is_ok());
        assert_eq!(
            check_header_name(""),
            Err(Error::InvalidHeaderName {
                name: String::new()
            })
        );
        assert!(check_header_name("bad name").is_err());
        assert!(check_header_name("bad:name").is_err());
        assert_eq!(check_header_name("Host"), Err(Error::HostHeaderGiven));
        assert!(check_header_value("x", "image/png").is_ok());
        assert!(check_header_value("x", "a\r\nb").is_err());
        assert!(check_header_value("x", "caf\u{e9}").is_err());
    }
}
