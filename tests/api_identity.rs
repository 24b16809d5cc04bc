//! Who the user is: the authorizer's subject and nothing else, for every authorizer shape
//! of every front door; 401 and 403 where there is none.

use presigner_s3::Method;
use presigner_test_support::app::{
    app, assert_error, assert_url, call, call_with, expected_url, original, PNG_5120, SUB,
};
use presigner_test_support::events::{event, with_body};
use serde_json::{json, Value};

#[test]
fn by_default_an_anonymous_caller_is_401_whatever_the_body_says() {
    for file in ["rest-v1.json", "http-v2.json", "function-url.json"] {
        let a = call(event(file, |_| {}));
        assert_error(&a, 401, "sign in first");
        // Even a malformed body: the caller learns nothing before it is identified.
        let a = call(event(file, with_body("{not json")));
        assert_error(&a, 401, "sign in first");
    }
    // Preflights are answered for anyone.
    let a = call(event("rest-v1.json", |e| {
        e["httpMethod"] = json!("OPTIONS")
    }));
    assert_eq!(a.status, 204);
}

#[test]
fn the_key_is_the_authorizers_subject_never_the_email_or_the_body() {
    let up = r#"{"tweetId":"t1","contentType":"image/png","contentLength":5120}"#;
    let expected = expected_url(Method::Put, &format!("images/{SUB}/t1.png"), &PNG_5120, &[]);
    // REST + Cognito user pool (an ID token: email present), HTTP API + JWT (an access token:
    // no email), REST behind a custom domain, HTTP API on $default: one user, one folder.
    for file in [
        "rest-v1-cognito.json",
        "http-v2-jwt.json",
        "rest-v1-custom-domain.json",
        "http-v2-default-stage.json",
    ] {
        for app in [app(), original()] {
            let a = call_with(&app, event(file, with_body(up)));
            assert_eq!(a.status, 200, "{file}: {:?}", a.body);
            let url = a.json()["presignedUrl"].as_str().unwrap().to_owned();
            // The open contract keeps the original's 1800 s; the rest is the same URL.
            let url = url.replace("X-Amz-Expires=1800", "X-Amz-Expires=300");
            if url != expected {
                assert_eq!(
                    url.split("&X-Amz-Signature").next(),
                    expected.split("&X-Amz-Signature").next(),
                    "{file}"
                );
            }
        }
    }
    // The same sub in the body is fine; another user's id, even the user's own email, is not.
    let same =
        json!({"userId": SUB, "tweetId": "t1", "contentType": "image/png", "contentLength": 5120});
    let a = call(event("rest-v1-cognito.json", with_body(&same.to_string())));
    assert_eq!(a.json()["presignedUrl"], json!(expected));
    for claimed in ["victim", "alice@example.com"] {
        let body = json!({"userId": claimed, "tweetId": "t1", "contentType": "image/png", "contentLength": 5120});
        for app in [app(), original()] {
            let a = call_with(
                &app,
                event("rest-v1-cognito.json", with_body(&body.to_string())),
            );
            assert_error(&a, 403, "does not match the signed-in user");
        }
    }
    // A changed (unverified) or empty email claim changes nothing.
    for email in ["victim@example.com", ""] {
        let a = call(event("rest-v1-cognito.json", |e| {
            e["requestContext"]["authorizer"]["claims"]["email"] = json!(email);
            with_body(up)(e);
        }));
        assert_eq!(a.json()["presignedUrl"], json!(expected), "{email:?}");
    }
}

/// Every authorizer shape that carries no usable subject is 403, and the body never decides,
/// even with `TRUST_BODY_USER_ID` on.
#[test]
fn an_authorizer_without_a_subject_is_403_and_never_falls_back_to_the_body() {
    type Edit = Box<dyn Fn(&mut Value)>;
    let victim = r#"{"userId":"victim","tweetId":"t","contentType":"image/png","contentLength":5}"#;
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "rest-v1-cognito.json",
            Box::new(|e| e["requestContext"]["authorizer"]["claims"]["email"] = json!("")),
            "does not match the signed-in user",
        ),
        (
            "rest-v1-cognito.json",
            Box::new(|e| {
                let claims = e["requestContext"]["authorizer"]["claims"]
                    .as_object_mut()
                    .unwrap();
                claims.remove("sub");
            }),
            "without a sub claim",
        ),
        (
            "rest-v1-cognito.json",
            Box::new(|e| e["requestContext"]["authorizer"]["claims"]["sub"] = json!("")),
            "without a sub claim",
        ),
        (
            "rest-v1-cognito.json",
            Box::new(|e| e["requestContext"]["authorizer"]["claims"]["sub"] = json!(42)),
            "without a sub claim",
        ),
        (
            "rest-v1-cognito.json",
            Box::new(|e| e["requestContext"]["authorizer"]["claims"] = json!({})),
            "without a sub claim",
        ),
        (
            "rest-v1.json",
            Box::new(|e| {
                e["requestContext"]["authorizer"] =
                    json!({"integrationLatency": 12, "role": "admin"})
            }),
            "an authorizer this API does not know",
        ),
        (
            "rest-v1.json",
            Box::new(|e| e["requestContext"]["authorizer"] = json!({"principalId": ""})),
            "without a principalId",
        ),
        (
            "rest-v1.json",
            Box::new(|e| {
                let id = &mut e["requestContext"]["identity"];
                id["accessKey"] = json!("ASIAEXAMPLE");
                id["userArn"] = json!("arn:aws:sts::123456789012:assumed-role/r/s");
                id["caller"] = json!("AROAEXAMPLE:s");
            }),
            "IAM authorization",
        ),
        (
            "http-v2.json",
            Box::new(
                |e| e["requestContext"]["authorizer"] = json!({"iam": {"accessKey": "ASIA", "accountId": "1", "callerId": "AROA:s", "userArn": "arn:aws:sts::1:assumed-role/r/s", "userId": "AROA:s"}}),
            ),
            "IAM authorization",
        ),
        (
            "http-v2.json",
            Box::new(|e| e["requestContext"]["authorizer"] = json!({"lambda": {"role": "admin"}})),
            "without a sub in its context",
        ),
        (
            "http-v2.json",
            Box::new(|e| {
                e["requestContext"]["authorizer"] =
                    json!({"jwt": {"claims": {"email": "victim"}, "scopes": null}})
            }),
            "without a sub claim",
        ),
        (
            "http-v2.json",
            Box::new(|e| e["requestContext"]["authorizer"] = json!({})),
            "an authorizer this API does not know",
        ),
        (
            "function-url.json",
            Box::new(|e| {
                e["requestContext"]["authorizer"] = json!({"iam": {"accessKey": "AKIA", "accountId": "1", "callerId": "AIDA", "userArn": "arn:aws:iam::1:user/u", "userId": "AIDA"}});
                e["isBase64Encoded"] = json!(false);
            }),
            "IAM authorization",
        ),
    ];
    for (i, (file, edit, says)) in cases.iter().enumerate() {
        for app in [app(), original()] {
            let a = call_with(
                &app,
                event(file, |e| {
                    edit(e);
                    with_body(victim)(e);
                }),
            );
            assert_eq!(a.status, 403, "case {i}");
            assert_error(&a, 403, says);
        }
    }
}

#[test]
fn lambda_authorizers_key_on_their_principal() {
    let up = r#"{"tweetId":"t","contentType":"image/png","contentLength":5}"#;
    let a = call(event("rest-v1.json", |e| {
        e["requestContext"]["authorizer"] =
            json!({"principalId": "user-123", "integrationLatency": 3});
        with_body(up)(e);
    }));
    assert_url(
        &a,
        "/images/user-123/t.png",
        "content-length;content-type;host;if-none-match",
    );
    let a = call(event("http-v2.json", |e| {
        e["requestContext"]["authorizer"] = json!({"lambda": {"sub": "user-456", "plan": "pro"}});
        with_body(up)(e);
    }));
    assert_url(
        &a,
        "/images/user-456/t.png",
        "content-length;content-type;host;if-none-match",
    );
    // Any subject has a folder: its key form, one segment whatever it holds.
    let a = call(event("rest-v1.json", |e| {
        e["requestContext"]["authorizer"] = json!({"principalId": "auth0|a/b"});
        with_body(up)(e);
    }));
    assert_url(
        &a,
        "/images/auth0~7Ca~2Fb/t.png",
        "content-length;content-type;host;if-none-match",
    );
    // One too long to name a folder is refused, not cut.
    let long = "u".repeat(129);
    let a = call(event("rest-v1.json", |e| {
        e["requestContext"]["authorizer"] = json!({"principalId": long});
        with_body(up)(e);
    }));
    assert_error(&a, 403, "must be 1 to 128 bytes to name a folder");
}

/// Payload 1.0's types read `"authorizer": {}` as no authorizer; the raw event is read too,
/// so an authorizer context that is there but empty is an authorizer without a subject.
#[test]
fn an_empty_authorizer_context_is_still_an_authorizer() {
    for app in [app(), original()] {
        let a = call_with(
            &app,
            event("rest-v1.json", |e| {
                e["requestContext"]["authorizer"] = json!({})
            }),
        );
        assert_error(&a, 403, "an authorizer this API does not know");
    }
    // null is no authorizer at all.
    let a = call_with(
        &original(),
        event("rest-v1.json", |e| {
            e["requestContext"]["authorizer"] = Value::Null
        }),
    );
    assert_eq!(a.status, 200);
}

/// An HTTP API route with payload format 1.0 and no authorizer: API Gateway writes
/// `"authorizer": {"claims": null, "scopes": null}` (its own sample event). A context whose
/// values are all null is no authorizer: the open contract answers it, the default 401s it.
#[test]
fn a_payload_1_context_of_nulls_is_no_authorizer() {
    for context in [
        json!({"claims": null, "scopes": null}),
        json!({"claims": null}),
    ] {
        let ask = |app: &presigner::api::App| {
            let context = context.clone();
            call_with(
                app,
                event("rest-v1.json", move |e| {
                    e["version"] = json!("1.0");
                    e["requestContext"]["authorizer"] = context;
                }),
            )
        };
        assert_eq!(ask(&original()).status, 200, "{context}");
        assert_error(&ask(&app()), 401, "");
    }
    // One value is enough to be an authorizer.
    let a = call_with(
        &original(),
        event("rest-v1.json", |e| {
            e["requestContext"]["authorizer"] = json!({"claims": null, "scopes": ["read"]})
        }),
    );
    assert_eq!(a.status, 403);
}

/// Real providers' subjects, as the JWT authorizer passes them: each user's uploads go to
/// its own folder (the key form), and another user naming that folder's owner is refused.
#[test]
fn real_subjects_upload_into_their_own_folder() {
    let up = r#"{"tweetId":"t","contentType":"image/png","contentLength":5}"#;
    for (sub, folder) in [
        (
            "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
            "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
        ),
        (
            "auth0|5f7c8ec7c33c6c004bbafe82",
            "auth0~7C5f7c8ec7c33c6c004bbafe82",
        ),
        (
            "google-oauth2|103547991597142817347",
            "google-oauth2~7C103547991597142817347",
        ),
        ("00u1ab2cd3EFGHIJ4k5l", "00u1ab2cd3EFGHIJ4k5l"),
        ("user@example.com", "user%40example.com"),
    ] {
        let as_sub = |body: String| {
            move |e: &mut Value| {
                e["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = json!(sub);
                with_body(&body)(e);
            }
        };
        let a = call(event("http-v2-jwt.json", as_sub(up.to_owned())));
        assert_url(
            &a,
            &format!("/images/{folder}/t.png"),
            "content-length;content-type;host;if-none-match",
        );
        // Naming oneself by the subject is allowed; by the folder form, it is someone else.
        let named = |user: &str| {
            format!(
                r#"{{"userId":"{user}","tweetId":"t","contentType":"image/png","contentLength":5}}"#
            )
        };
        let a = call(event("http-v2-jwt.json", as_sub(named(sub))));
        assert_eq!(a.status, 200, "{sub}: {:?}", a.body);
        if folder.contains('~') {
            let a = call(event("http-v2-jwt.json", as_sub(named(folder))));
            assert_error(&a, 403, "userId does not match the signed-in user");
        }
    }
}
