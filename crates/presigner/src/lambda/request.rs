//! An event read as an [`ApiRequest`]: each front door's method, matched route, body and
//! caller.

use std::borrow::Cow;
use std::collections::HashMap;

use base64::Engine;
use lambda_http::aws_lambda_events::apigw::{
    ApiGatewayProxyRequest, ApiGatewayProxyRequestContext, ApiGatewayV2httpRequest,
    ApiGatewayV2httpRequestContext,
};
use lambda_http::request::LambdaRequest;
use serde_json::Value;

use crate::api::{body::MAX_BATCH_BODY_BYTES, ApiError, ApiRequest, Caller};

/// What the API needs from an event: method, matched route, body, caller. `has_authorizer`
/// says whether the raw event carries an authorizer context at all
/// ([`Event`](super::Event) knows).
pub fn api_request(event: &LambdaRequest, has_authorizer: bool) -> ApiRequest<'_> {
    match event {
        LambdaRequest::ApiGatewayV1(e) => ApiRequest {
            method: e.http_method.as_str(),
            path: rest_route(e),
            body: decode_body(e.body.as_deref(), e.is_base64_encoded),
            caller: match rest_caller(&e.request_context) {
                Caller::Anonymous if has_authorizer => {
                    Caller::NoSubject("an authorizer this API does not know")
                }
                caller => caller,
            },
        },
        LambdaRequest::ApiGatewayV2(e) => ApiRequest {
            method: e.request_context.http.method.as_str(),
            path: http_route(e),
            body: decode_body(e.body.as_deref(), e.is_base64_encoded),
            caller: http_caller(&e.request_context),
        },
        // lambda_http is built with the REST and HTTP API sources only; anything else finds
        // no route.
        #[allow(unreachable_patterns)]
        _ => ApiRequest {
            method: "",
            path: Cow::Borrowed(""),
            body: Ok(Cow::Borrowed(&[])),
            caller: Caller::Anonymous,
        },
    }
}

/// The body as bytes: base64-decoded when marked so. A body too large for the API is refused
/// before it is decoded.
fn decode_body(text: Option<&str>, base64: bool) -> Result<Cow<'_, [u8]>, ApiError> {
    let text = text.unwrap_or_default();
    if !base64 {
        return Ok(Cow::Borrowed(text.as_bytes()));
    }
    if text.len() > MAX_BATCH_BODY_BYTES.div_ceil(3) * 4 {
        return Err(ApiError::BodyTooLarge(MAX_BATCH_BODY_BYTES));
    }
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map(Cow::Owned)
        .map_err(|_| ApiError::BodyNotBase64)
}

/// The REST API's matched route: the `resource` it matched (with any `{param}` filled in from
/// `pathParameters`), so a stage or a custom domain's base path in `path` does not matter;
/// `path` only when there is no resource.
fn rest_route(e: &ApiGatewayProxyRequest) -> Cow<'_, str> {
    let path = || Cow::Borrowed(e.path.as_deref().unwrap_or_default());
    match e.resource.as_deref() {
        Some(resource) if !resource.is_empty() => {
            fill_template(resource, &e.path_parameters).unwrap_or_else(path)
        }
        _ => path(),
    }
}

/// The HTTP API's matched route: the path of its `routeKey` (`POST /api/upload_url`); for the
/// `$default` route and for function URLs, the raw path without a named stage.
fn http_route(e: &ApiGatewayV2httpRequest) -> Cow<'_, str> {
    let key = e
        .route_key
        .as_deref()
        .or(e.request_context.route_key.as_deref())
        .unwrap_or("$default");
    let raw = e.raw_path.as_deref().unwrap_or_default();
    if key != "$default" {
        let template = key.split_once(' ').map_or(key, |(_, path)| path);
        return fill_template(template, &e.path_parameters).unwrap_or(Cow::Borrowed(raw));
    }
    let stage = e.request_context.stage.as_deref().unwrap_or("$default");
    let without_stage = raw
        .strip_prefix('/')
        .and_then(|r| r.strip_prefix(stage))
        .filter(|r| r.starts_with('/') && stage != "$default");
    Cow::Borrowed(without_stage.unwrap_or(raw))
}

/// `/api/{name}` or `/{proxy+}` with each `{param}` replaced by its value; `None` if a
/// parameter has no value.
fn fill_template<'a>(template: &'a str, params: &HashMap<String, String>) -> Option<Cow<'a, str>> {
    if !template.contains('{') {
        return Some(Cow::Borrowed(template));
    }
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = open + rest[open..].find('}')?;
        let name = rest[open + 1..close].trim_end_matches('+');
        out.push_str(&rest[..open]);
        out.push_str(params.get(name)?);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Some(Cow::Owned(out))
}

/// A subject from an authorizer's value: a non-empty string, or no subject from `which`.
fn subject(value: Option<&Value>, which: &'static str) -> Caller {
    match value.and_then(Value::as_str) {
        Some(s) if !s.is_empty() => Caller::Subject(s.to_owned()),
        _ => Caller::NoSubject(which),
    }
}

/// The caller of a payload 1.0 event (REST API, or an HTTP API with payload 1.0).
///
/// Any authorizer context decides: Cognito user pool or JWT claims give their `sub`; a Lambda
/// authorizer its `principalId` (REST) or a `sub` in its context (HTTP API); anything else,
/// IAM authorization included, gives no subject. With no authorizer context the caller is
/// anonymous.
fn rest_caller(ctx: &ApiGatewayProxyRequestContext) -> Caller {
    // A null value is no value: an HTTP API payload 1.0 route with no authorizer writes
    // `{"claims": null, "scopes": null}`.
    let fields = &ctx.authorizer.fields;
    let field = |name: &str| fields.get(name).filter(|v| !v.is_null());
    if fields.values().any(|v| !v.is_null()) {
        let jwt_claims = field("jwt").and_then(|j| j.get("claims"));
        return if let Some(claims) = field("claims").or(jwt_claims) {
            subject(
                claims.get("sub"),
                "a JWT or Cognito authorizer without a sub claim",
            )
        } else if let Some(principal) = field("principalId") {
            subject(Some(principal), "a Lambda authorizer without a principalId")
        } else if let Some(context) = field("lambda") {
            subject(
                context.get("sub"),
                "a Lambda authorizer without a sub in its context",
            )
        } else {
            Caller::NoSubject("an authorizer this API does not know")
        };
    }
    let id = &ctx.identity;
    let iam = [&id.user_arn, &id.access_key, &id.caller, &id.user]
        .into_iter()
        .any(|v| v.as_deref().is_some_and(|s| !s.is_empty()));
    if iam {
        Caller::NoSubject("IAM authorization")
    } else {
        Caller::Anonymous
    }
}

/// The caller of a payload 2.0 event (HTTP API, function URL): the JWT authorizer's `sub`
/// claim, or a Lambda authorizer's `sub` in its context; IAM authorization and any other
/// authorizer give no subject. With no authorizer the caller is anonymous.
fn http_caller(ctx: &ApiGatewayV2httpRequestContext) -> Caller {
    let Some(authorizer) = &ctx.authorizer else {
        return Caller::Anonymous;
    };
    if let Some(jwt) = &authorizer.jwt {
        match jwt.claims.get("sub") {
            Some(sub) if !sub.is_empty() => Caller::Subject(sub.clone()),
            _ => Caller::NoSubject("a JWT authorizer without a sub claim"),
        }
    } else if !authorizer.fields.is_empty() {
        subject(
            authorizer.fields.get("sub"),
            "a Lambda authorizer without a sub in its context",
        )
    } else if authorizer.iam.is_some() {
        Caller::NoSubject("IAM authorization")
    } else {
        Caller::NoSubject("an authorizer this API does not know")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_from_path_parameters() {
        let params: HashMap<String, String> = [
            ("proxy".to_owned(), "api/upload_url".to_owned()),
            ("name".to_owned(), "download_url".to_owned()),
        ]
        .into();
        assert_eq!(
            fill_template("/{proxy+}", &params).as_deref(),
            Some("/api/upload_url")
        );
        assert_eq!(
            fill_template("/api/{name}", &params).as_deref(),
            Some("/api/download_url")
        );
        assert_eq!(fill_template("/api/x", &params).as_deref(), Some("/api/x"));
        assert_eq!(fill_template("/api/{missing}", &params), None);
        assert_eq!(fill_template("/api/{unclosed", &params), None);
        assert_eq!(fill_template("}{", &params), None);
    }

    #[test]
    fn base64_bodies_decode_or_are_refused_before_decoding_when_huge() {
        assert_eq!(decode_body(Some("e30="), true).unwrap().as_ref(), b"{}");
        assert_eq!(decode_body(None, true).unwrap().as_ref(), b"");
        assert_eq!(decode_body(Some("{}"), false).unwrap().as_ref(), b"{}");
        assert_eq!(
            decode_body(Some("not base64!"), true),
            Err(ApiError::BodyNotBase64)
        );
        let huge = "A".repeat(MAX_BATCH_BODY_BYTES.div_ceil(3) * 4 + 4);
        assert_eq!(
            decode_body(Some(&huge), true),
            Err(ApiError::BodyTooLarge(MAX_BATCH_BODY_BYTES))
        );
    }
}
