//! Policy statements, written byte for byte as AWS's own signers write them (botocore's
//! `CloudFrontSigner.build_policy`, which `aws cloudfront sign` uses): compact JSON, `Resource`
//! then `Condition`, `DateLessThan` first, the resource escaped as Python's `json.dumps` does.

use std::fmt::Write;

/// What a signed URL grants: `resource` (a URL, `*` matching any run of characters and `?`
/// any one) until `date_less_than` (Unix seconds), optionally not before `date_greater_than`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy<'a> {
    /// The URL or URL pattern the policy covers.
    pub resource: &'a str,
    /// `AWS:EpochTime` after which CloudFront refuses the URL.
    pub date_less_than: u64,
    /// `AWS:EpochTime` before which CloudFront refuses the URL.
    pub date_greater_than: Option<u64>,
}

impl Policy<'_> {
    /// Whether the canned form can carry this policy (as `aws cloudfront sign` decides): the
    /// resource is `url` itself with no `*`, and there is an end only. A canned URL carries
    /// `Expires` instead of the policy.
    pub fn is_canned_for(&self, url: &str) -> bool {
        self.date_greater_than.is_none() && self.resource == url && !self.resource.contains('*')
    }

    /// The policy statement, compact JSON, as CloudFront hashes and signs it.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(96 + self.resource.len());
        out.push_str(r#"{"Statement":[{"Resource":""#);
        escape_into(&mut out, self.resource);
        let _ = write!(
            out,
            r#"","Condition":{{"DateLessThan":{{"AWS:EpochTime":{}}}"#,
            self.date_less_than
        );
        if let Some(start) = self.date_greater_than {
            let _ = write!(out, r#","DateGreaterThan":{{"AWS:EpochTime":{start}}}"#);
        }
        out.push_str("}}]}");
        out
    }
}

/// JSON string contents as Python's `json.dumps` (with its default `ensure_ascii`) writes
/// them: `"` and `\` escaped, control characters as `\n`-style or `\u00XX`, everything outside
/// ASCII as `\uXXXX` (UTF-16, surrogate pairs past U+FFFF).
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statement_is_compact_and_ordered() {
        let p = Policy {
            resource: "https://d111111abcdef8.cloudfront.net/images/*",
            date_less_than: 1_767_290_400,
            date_greater_than: None,
        };
        assert_eq!(
            p.to_json(),
            r#"{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/images/*","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400}}}]}"#
        );
        assert!(!p.is_canned_for(p.resource));
        let start = Policy {
            date_greater_than: Some(1),
            ..p.clone()
        };
        assert!(start.to_json().ends_with(
            r#"{"AWS:EpochTime":1767290400},"DateGreaterThan":{"AWS:EpochTime":1}}}]}"#
        ));
    }

    #[test]
    fn escapes_follow_python() {
        let mut out = String::new();
        escape_into(&mut out, "a\"\\\u{1}\u{7f}é😀/");
        assert_eq!(out, r#"a\"\\\u0001\u007f\u00e9\ud83d\ude00/"#);
    }
}
