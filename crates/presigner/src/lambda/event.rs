//! The invocation as the runtime deserialises it: the raw event's shape read first (how many
//! header fields, whether an authorizer context is there), then lambda_http's event types.

use std::fmt;

use lambda_http::request::LambdaRequest;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

/// More header fields than any front door sends (API Gateway allows 10 KB of headers); far
/// below the 24,576 names at which `http::HeaderMap` panics.
pub const MAX_HEADER_FIELDS: usize = 10_000;

/// The one message of an invocation that is not an event this function answers: fixed, so
/// no part of the event (a header value, a token) is echoed into the runtime's error report.
const NOT_AN_EVENT: &str = "not an API Gateway (REST or HTTP API) or function URL event";

/// One invocation, as the runtime deserialises it.
// One per invocation, moved once, never stored in bulk: boxing the large variant would only
// add an allocation to every request.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Event {
    /// An API Gateway or function URL event.
    Request {
        /// The event, in lambda_http's types.
        request: LambdaRequest,
        /// Whether `requestContext.authorizer` is in the event, not `null`, and not an object
        /// whose values are all `null` (payload 1.0 reads `{}` and absent alike; an HTTP API
        /// payload 1.0 event with no authorizer carries `{"claims": null, "scopes": null}`).
        has_authorizer: bool,
    },
    /// An event whose `headers` or `multiValueHeaders` hold more than
    /// [`MAX_HEADER_FIELDS`] fields: answered 431 without being read further.
    TooManyHeaderFields {
        /// Payload 2.0 (it has `requestContext.http`).
        v2: bool,
    },
}

impl<'de> Deserialize<'de> for Event {
    /// Reads the event's JSON text where it lies (the runtime deserialises from a slice): its
    /// shape first, then, by that shape, REST (payload 1.0) or HTTP API / function URL
    /// (payload 2.0) types directly, rather than lambda_http's untagged enum, which copies
    /// the text again and tries payload 1.0 on every payload 2.0 event first.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <&'de RawValue>::deserialize(deserializer)?;
        let text = raw.get();
        let shape: Shape =
            serde_json::from_str(text).map_err(|_| de::Error::custom(NOT_AN_EVENT))?;
        let v2 = shape.request_context.http;
        if shape.headers > MAX_HEADER_FIELDS || shape.multi_value_headers > MAX_HEADER_FIELDS {
            return Ok(Event::TooManyHeaderFields { v2 });
        }
        let not_an_event = |_| de::Error::custom(NOT_AN_EVENT);
        let request = if v2 {
            LambdaRequest::ApiGatewayV2(serde_json::from_str(text).map_err(not_an_event)?)
        } else {
            LambdaRequest::ApiGatewayV1(serde_json::from_str(text).map_err(not_an_event)?)
        };
        Ok(Event::Request {
            request,
            has_authorizer: shape.request_context.authorizer,
        })
    }
}

/// What the raw event says before it is read into lambda_http's types.
#[derive(Deserialize)]
struct Shape {
    #[serde(default, deserialize_with = "count_fields")]
    headers: usize,
    #[serde(
        default,
        rename = "multiValueHeaders",
        deserialize_with = "count_fields"
    )]
    multi_value_headers: usize,
    #[serde(default, rename = "requestContext")]
    request_context: ShapeContext,
}

#[derive(Deserialize, Default)]
struct ShapeContext {
    #[serde(default, deserialize_with = "authorizer_present")]
    authorizer: bool,
    #[serde(default, deserialize_with = "present")]
    http: bool,
}

/// Present and not `null`.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<IgnoredAny>::deserialize(d)?.is_some())
}

/// An authorizer context: present, not `null`, and not a non-empty object whose values are
/// all `null` (what API Gateway writes for an HTTP API payload 1.0 route with no authorizer).
fn authorizer_present<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct Context;
    impl<'de> Visitor<'de> for Context {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an authorizer context")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
            let (mut fields, mut values) = (0usize, 0usize);
            while let Some((IgnoredAny, value)) =
                map.next_entry::<IgnoredAny, Option<IgnoredAny>>()?
            {
                fields += 1;
                values += usize::from(value.is_some());
            }
            Ok(fields == 0 || values > 0)
        }
        fn visit_unit<E>(self) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_none<E>(self) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<bool, D2::Error> {
            d.deserialize_any(self)
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(true)
        }
        fn visit_str<E>(self, _: &str) -> Result<bool, E> {
            Ok(true)
        }
        fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
            Ok(true)
        }
        fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
            Ok(true)
        }
        fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
            Ok(true)
        }
        fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
            Ok(true)
        }
    }
    d.deserialize_any(Context)
}

/// The fields of a header map: one per name, one per value of a multi-value list; anything
/// else counts as none (lambda_http's types judge it).
fn count_fields<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    struct Fields;
    impl<'de> Visitor<'de> for Fields {
        type Value = usize;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a header map")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
            let mut n = 0usize;
            while let Some((IgnoredAny, values)) = map.next_entry::<IgnoredAny, Values>()? {
                n = n.saturating_add(values.0.max(1));
            }
            Ok(n)
        }
        fn visit_unit<E>(self) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_none<E>(self) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<usize, D2::Error> {
            d.deserialize_any(self)
        }
        fn visit_str<E>(self, _: &str) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_bool<E>(self, _: bool) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_u64<E>(self, _: u64) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_i64<E>(self, _: i64) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_f64<E>(self, _: f64) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(0)
        }
    }
    d.deserialize_option(Fields)
}

/// How many values a header map entry holds: the length of a list, else one.
struct Values(usize);

impl<'de> Deserialize<'de> for Values {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Count;
        impl<'de> Visitor<'de> for Count {
            type Value = usize;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a header value or a list of them")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
                let mut n = 0usize;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    n = n.saturating_add(1);
                }
                Ok(n)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(1)
            }
            fn visit_str<E>(self, _: &str) -> Result<usize, E> {
                Ok(1)
            }
            fn visit_bool<E>(self, _: bool) -> Result<usize, E> {
                Ok(1)
            }
            fn visit_u64<E>(self, _: u64) -> Result<usize, E> {
                Ok(1)
            }
            fn visit_i64<E>(self, _: i64) -> Result<usize, E> {
                Ok(1)
            }
            fn visit_f64<E>(self, _: f64) -> Result<usize, E> {
                Ok(1)
            }
            fn visit_unit<E>(self) -> Result<usize, E> {
                Ok(1)
            }
        }
        d.deserialize_any(Count).map(Values)
    }
}
