//! `openapi.yaml` and the handler agree both ways. Every answer every API test gets is checked
//! against the document (`call_at` runs `tests/support/openapi.rs`); here, that check is shown
//! to reject answers that differ from the document, and every route, method and status the
//! document lists is produced by a request, so it describes no answer that does not exist.

use std::collections::{BTreeMap, BTreeSet};

use presigner::lambda::Event;
use presigner_test_support::app::{app, call_with, original, pipeline, Answer};
use presigner_test_support::events::event;
use presigner_test_support::openapi::{check, check_schema, documented, Documented};
use serde_json::{json, Value};

/// Who sends a request.
#[derive(Clone, Copy)]
enum Who {
    /// A JWT authorizer vouched for the caller (subject `SUB`).
    SignedIn,
    /// An authorizer ran, but its claims have no `sub`.
    NoSubject,
    /// No authorizer.
    Nobody,
}

/// An HTTP API event: `method` on `path`, with `body`, from `who`.
fn request(method: &str, path: &str, body: &Value, who: Who) -> Event {
    let file = match who {
        Who::Nobody => "http-v2.json",
        Who::SignedIn | Who::NoSubject => "http-v2-jwt.json",
    };
    event(file, |e| {
        e["routeKey"] = json!(format!("{method} {path}"));
        e["requestContext"]["routeKey"] = json!(format!("{method} {path}"));
        e["rawPath"] = json!(path);
        e["requestContext"]["http"]["method"] = json!(method);
        e["requestContext"]["http"]["path"] = json!(path);
        e["body"] = json!(body.to_string());
        e["isBase64Encoded"] = json!(false);
        if let Who::NoSubject = who {
            e["requestContext"]["authorizer"]["jwt"]["claims"]
                .as_object_mut()
                .unwrap()
                .remove("sub");
        }
    })
}

/// A body each route answers 200 to.
fn good_body(path: &str) -> Value {
    match path {
        "/api/upload_url" => {
            json!({"tweetId": "t", "contentType": "image/png", "contentLength": 5120,
                   "contentSha256": "47DEQpj8HBSa+/TVW5WJJ7dI5J6y8Nkwk7N4AXx5H7E="})
        }
        "/api/upload_form" => json!({"tweetId": "t", "contentType": "image/jpeg"}),
        "/api/download_url" => json!({"userId": "alice", "tweetId": "t"}),
        "/api/download_urls" => {
            json!({"images": [{"userId": "alice", "tweetId": "a"}, {"tweetId": "b"}]})
        }
        other => panic!("no good body for {other}: a route was added to openapi.yaml"),
    }
}

/// The request that gets `d`'s status for `d`'s method on `d`'s path.
fn request_for(d: &Documented) -> Event {
    let method = d.method.to_ascii_uppercase();
    let path = d.path.as_str();
    match d.status {
        200 => request(&method, path, &good_body(path), Who::SignedIn),
        204 => request(&method, path, &json!(null), Who::Nobody),
        400 => request(&method, path, &json!({"tweetId": ""}), Who::SignedIn),
        401 => request(&method, path, &good_body(path), Who::Nobody),
        403 => request(&method, path, &good_body(path), Who::NoSubject),
        431 => event("http-v2-jwt.json", |e| {
            e["routeKey"] = json!(format!("{method} {path}"));
            e["headers"] =
                Value::Object((0..25_000).map(|i| (format!("h{i}"), json!("x"))).collect());
        }),
        other => panic!("no request makes {other}: add one here, or take it out of openapi.yaml"),
    }
}

/// A 500 is the function's own failure: no request makes one, so its answer is checked here
/// as the handler writes it (`ApiError::Internal`: the CORS headers and a fixed message).
fn internal_error() -> (BTreeMap<String, String>, &'static str) {
    let headers = [
        ("access-control-allow-origin", "*"),
        ("access-control-allow-methods", "OPTIONS, POST"),
        (
            "access-control-allow-headers",
            "Content-Type, Authorization",
        ),
        ("cache-control", "no-store"),
        ("content-type", "application/json"),
    ];
    (
        headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        r#"{"message":"internal error"}"#,
    )
}

#[test]
fn every_answer_the_document_lists_is_one_a_request_gets() {
    let all = documented();
    let paths: BTreeSet<&str> = all.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(
        paths,
        BTreeSet::from([
            "/api/download_url",
            "/api/download_urls",
            "/api/upload_form",
            "/api/upload_url"
        ]),
        "the routes the handler knows (crates/presigner/src/api/routes.rs)"
    );
    // With the image pipeline (the default) and without (the original's keys).
    for app in [pipeline(&[]), app()] {
        for d in &all {
            if d.status == 500 {
                let (headers, body) = internal_error();
                let route = d.path.as_str();
                let method = d.method.to_ascii_uppercase();
                check(route, &method, 500, &headers, Some(body)).unwrap();
                continue;
            }
            // call_with checks the answer against the document; here, that it is the one listed.
            let a = call_with(&app, request_for(d));
            assert_eq!(a.status, u64::from(d.status), "{d:?}: {:?}", a.body);
        }
    }
    // Every operation has its answers, and every POST the same errors.
    for path in &paths {
        let statuses = |method: &str| -> BTreeSet<u16> {
            all.iter()
                .filter(|d| d.path == *path && d.method == method)
                .map(|d| d.status)
                .collect()
        };
        assert_eq!(
            statuses("post"),
            BTreeSet::from([200, 400, 401, 403, 431, 500])
        );
        assert_eq!(statuses("options"), BTreeSet::from([204, 431]));
        let methods: BTreeSet<&str> = all
            .iter()
            .filter(|d| d.path == *path)
            .map(|d| d.method.as_str())
            .collect();
        assert_eq!(methods, BTreeSet::from(["options", "post"]));
    }
}

#[test]
fn answers_outside_the_documents_paths_are_its_named_components() {
    let app = app();
    for path in ["/api/upload_url", "/api/download_urls"] {
        for method in ["GET", "PUT", "DELETE", "PATCH", "HEAD", "post", "Options"] {
            let a = call_with(&app, request(method, path, &json!({}), Who::SignedIn));
            assert_eq!(a.status, 405, "{method} {path}");
        }
    }
    for method in ["POST", "OPTIONS", "GET"] {
        let a = call_with(
            &app,
            request(method, "/api/other", &json!({}), Who::SignedIn),
        );
        assert_eq!(a.status, 404, "{method}");
    }
    // The original's open contract: `{"presignedUrl"}` alone, as documented.
    let a = call_with(
        &original(),
        request(
            "POST",
            "/api/upload_url",
            &json!({"userId": "x", "tweetId": "t"}),
            Who::Nobody,
        ),
    );
    assert_eq!(a.status, 200);
    assert_eq!(a.json().as_object().unwrap().len(), 1, "{:?}", a.body);
}

/// A real 200 answer to an upload URL, as the handler wrote it.
fn upload_answer() -> Answer {
    let a = call_with(
        &app(),
        request(
            "POST",
            "/api/upload_url",
            &good_body("/api/upload_url"),
            Who::SignedIn,
        ),
    );
    assert_eq!(a.status, 200);
    a
}

/// The check rejects answers that differ from the document: each wrong shape below is a real
/// answer changed in one way, and fails.
#[test]
fn the_check_rejects_what_the_document_does_not_say() {
    let real = upload_answer();
    let ok =
        |route: &str,
         method: &str,
         status: u16,
         headers: &BTreeMap<String, String>,
         body: &Value| { check(route, method, status, headers, Some(&body.to_string())) };
    let body = real.json();
    ok("/api/upload_url", "POST", 200, &real.headers, &body).expect("the real answer passes");

    let mut wrong_bodies: Vec<(&str, Value)> = Vec::new();
    let mut edit = |what: &'static str, f: &dyn Fn(&mut Value)| {
        let mut b = body.clone();
        f(&mut b);
        wrong_bodies.push((what, b));
    };
    edit("no expiresAt beside headers", &|b| {
        b.as_object_mut().unwrap().remove("expiresAt");
    });
    edit("an undocumented field", &|b| b["extra"] = json!(1));
    edit("presignedUrl not a URL", &|b| {
        b["presignedUrl"] = json!("not a url")
    });
    edit("presignedUrl a number", &|b| b["presignedUrl"] = json!(7));
    edit("expiresAt not RFC 3339 UTC", &|b| {
        b["expiresAt"] = json!("2026-11-25 12:05:00")
    });
    edit("headers without If-None-Match", &|b| {
        b["headers"]
            .as_object_mut()
            .unwrap()
            .remove("If-None-Match");
    });
    edit("an undocumented header to send", &|b| {
        b["headers"]["x-amz-acl"] = json!("public-read")
    });
    edit("a content type outside the four", &|b| {
        b["headers"]["Content-Type"] = json!("text/html")
    });
    edit(
        "the batch's shape on the single route",
        &|b| *b = json!({"presignedUrls": ["https://x/"], "expiresAt": "2026-11-25T12:05:00Z"}),
    );
    for (what, b) in &wrong_bodies {
        let why = ok("/api/upload_url", "POST", 200, &real.headers, b)
            .expect_err(&format!("{what}: accepted"));
        assert!(why.contains("does not match"), "{what}: {why}");
    }

    // Headers: one missing, one changed, one undocumented.
    let mut headers = real.headers.clone();
    headers.remove("access-control-allow-origin");
    let why = ok("/api/upload_url", "POST", 200, &headers, &body).unwrap_err();
    assert!(why.contains("Access-Control-Allow-Origin"), "{why}");
    let mut headers = real.headers.clone();
    headers.insert("cache-control".into(), "max-age=60".into());
    assert!(ok("/api/upload_url", "POST", 200, &headers, &body).is_err());
    let mut headers = real.headers.clone();
    headers.insert("x-powered-by".into(), "presigner".into());
    let why = ok("/api/upload_url", "POST", 200, &headers, &body).unwrap_err();
    assert!(why.contains("x-powered-by"), "{why}");
    // A 401 must say how to sign in.
    let mut headers = real.headers.clone();
    let message = json!({"message": "sign in"});
    assert!(ok("/api/upload_url", "POST", 401, &headers, &message).is_err());
    headers.insert("www-authenticate".into(), "Bearer".into());
    ok("/api/upload_url", "POST", 401, &headers, &message).unwrap();
    headers.remove("www-authenticate");

    // Errors: a message and nothing else.
    for wrong in [
        json!({}),
        json!({"message": ""}),
        json!({"message": "m", "code": 1}),
        json!({"error": "m"}),
    ] {
        assert!(
            ok("/api/upload_url", "POST", 400, &headers, &wrong).is_err(),
            "{wrong}"
        );
    }
    ok(
        "/api/upload_url",
        "POST",
        400,
        &headers,
        &json!({"message": "m"}),
    )
    .unwrap();

    // Statuses and routes the document does not list.
    for (route, method, status) in [
        ("/api/upload_url", "POST", 404),
        ("/api/upload_url", "POST", 409),
        ("/api/upload_url", "OPTIONS", 200),
        ("/api/upload_url", "GET", 404),
        ("-", "POST", 200),
        ("-", "POST", 405),
    ] {
        let why = ok(route, method, status, &headers, &json!({"message": "m"}))
            .expect_err(&format!("{status} to {method} {route}: accepted"));
        assert!(why.contains(&status.to_string()), "{why}");
    }
    // A preflight has no body.
    headers.remove("content-type");
    assert!(check("/api/upload_url", "OPTIONS", 204, &headers, Some("{}")).is_err());
    check("/api/upload_url", "OPTIONS", 204, &headers, None).unwrap();
}

/// The pipeline's answers as the handler writes them pass, and each wrong shape of their new
/// fields fails.
#[test]
fn the_pipelines_fields_are_checked() {
    let app = pipeline(&[]);
    let post = |path: &str, body: Value| {
        let a = call_with(&app, request("POST", path, &body, Who::SignedIn));
        assert_eq!(a.status, 200, "{:?}", a.body);
        a
    };
    let one = post(
        "/api/download_url",
        json!({"userId": "alice", "tweetId": "t", "size": "thumb"}),
    );
    let many = post(
        "/api/download_urls",
        json!({"images": [{"userId": "alice", "tweetId": "a"}], "size": "thumb"}),
    );
    let form = post("/api/upload_form", good_body("/api/upload_form"));
    let upload = post("/api/upload_url", good_body("/api/upload_url"));
    let status_url = one.json()["statusUrl"].clone();
    let variant_url = one.json()["presignedUrl"].clone();
    assert!(upload.json()["statusUrl"].is_string(), "{:?}", upload.body);
    type Edit<'a> = &'a dyn Fn(&mut Value);
    let cases: [(&str, &Answer, Edit); 8] = [
        ("/api/download_url", &one, &|b| {
            b["statusUrl"] = variant_url.clone()
        }),
        ("/api/download_url", &one, &|b| b["statusUrl"] = json!(7)),
        ("/api/download_urls", &many, &|b| {
            b["statusUrls"] = json!([])
        }),
        ("/api/download_urls", &many, &|b| {
            b["statusUrls"] = json!(["x"])
        }),
        ("/api/download_urls", &many, &|b| {
            b["statusUrl"] = status_url.clone()
        }),
        ("/api/upload_url", &upload, &|b| {
            b["statusUrl"] = json!("https://x/")
        }),
        ("/api/upload_form", &form, &|b| b["statusUrl"] = json!(null)),
        ("/api/upload_form", &form, &|b| {
            b["fields"]["key"] = json!("images/a/t/display")
        }),
    ];
    for (path, real, edit) in cases {
        let mut body = real.json();
        check(path, "POST", 200, &real.headers, Some(&body.to_string()))
            .expect("the real answer passes");
        edit(&mut body);
        let why = check(path, "POST", 200, &real.headers, Some(&body.to_string()))
            .expect_err(&format!("{path}: {body} accepted"));
        assert!(why.contains("does not match"), "{why}");
    }
}

/// `ImageStatus`, the status object the processor writes: both states pass, and what the
/// document does not say fails. (The processor's real objects are checked against it in
/// crates/processor/tests.)
#[test]
fn image_status_has_two_states() {
    let variant = json!({"type": "image/jpeg", "width": 400, "height": 300, "bytes": 20_000});
    let ready = json!({"state": "ready", "variants": {"display": variant, "thumb": variant}});
    let refused = json!({"state": "refused", "reason": "type_mismatch",
                         "message": "declared image/png but the bytes are a JPEG image"});
    check_schema("ImageStatus", &ready).unwrap();
    check_schema("ImageStatus", &refused).unwrap();
    let mut wrong = Vec::new();
    let mut edit = |base: &Value, f: &dyn Fn(&mut Value)| {
        let mut v = base.clone();
        f(&mut v);
        wrong.push(v);
    };
    edit(&ready, &|v| v["state"] = json!("processing"));
    edit(&ready, &|v| {
        v["variants"].as_object_mut().unwrap().remove("thumb");
    });
    edit(&ready, &|v| {
        v["variants"]["display"]["type"] = json!("text/html")
    });
    edit(&ready, &|v| v["variants"]["thumb"]["width"] = json!(0));
    edit(&ready, &|v| v["reason"] = json!("empty"));
    edit(&refused, &|v| {
        v.as_object_mut().unwrap().remove("reason");
    });
    edit(&refused, &|v| v["reason"] = json!("Not A Code"));
    edit(&refused, &|v| v["message"] = json!(""));
    edit(&refused, &|v| v["state"] = json!("ready"));
    for v in &wrong {
        assert!(check_schema("ImageStatus", v).is_err(), "{v} accepted");
    }
}
