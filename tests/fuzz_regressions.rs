//! The invariants the fuzz targets check (`support/invariants.rs`), run on stable in every
//! test run: on each event fixture, each hostile event, and each input a fuzzer found
//! (`tests/fuzz-regressions/{event,event_fields,body,presign,cloudfront,images}/`, one input
//! per file, as libFuzzer wrote it); the events of the event targets in every profile; the
//! image target's seeds (`fuzz/seeds/images/`).

use std::path::Path;

use presigner_test_support::invariants::{
    check_body, check_cloudfront, check_event, check_event_as, check_event_fields, check_granted,
    check_presign, fields_event, Profile,
};

fn inputs(dir: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    presigner_test_support::corpus::files(&dir)
        .unwrap_or_else(|| panic!("{}: cannot be read", dir.display()))
}

#[test]
fn event_fixtures_and_hostile_events_keep_the_invariants() {
    let fixtures = inputs("tests/events");
    assert!(fixtures.len() >= 7);
    for (_, data) in fixtures {
        // Every profile: the length of the input picks the app.
        let mut data = data.clone();
        for _ in Profile::ALL {
            check_event(&data);
            data.push(b' ');
        }
    }
    for case in presigner_test_support::hostile::events() {
        for pad in 0..Profile::ALL.len() {
            check_event(format!("{}{}", case.event, " ".repeat(pad)).as_bytes());
        }
    }
}

#[test]
fn what_the_fuzzers_found_stays_fixed() {
    for (target, check) in [
        ("event", check_event as fn(&[u8])),
        ("event_fields", check_event_fields),
        ("body", check_body),
        ("presign", check_presign),
        ("cloudfront", check_cloudfront),
    ] {
        let found = inputs(&format!("tests/fuzz-regressions/{target}"));
        assert!(!found.is_empty(), "{target}: no inputs");
        for (name, data) in found {
            eprintln!("{target}/{name}");
            check(&data);
            // An event found under one profile (the input's length picks it, and the number
            // of profiles grows) is kept in every one.
            let event = match target {
                "event" => Some(data),
                "event_fields" => fields_event(&data),
                _ => None,
            };
            for profile in event.as_ref().map_or(&[][..], |_| &Profile::ALL[..]) {
                check_event_as(event.as_deref().unwrap_or_default(), *profile);
            }
        }
    }
}

#[test]
fn the_image_seeds_and_finds_keep_the_image_invariants() {
    let seeds = inputs("fuzz/seeds/images");
    assert!(seeds.len() >= 8, "fuzz/seeds/images: {} seeds", seeds.len());
    for (name, data) in seeds
        .into_iter()
        .chain(inputs("tests/fuzz-regressions/images"))
    {
        eprintln!("images/{name}");
        presigner_test_support::images::check_image(&data);
    }
}

fn ask(
    profile: Profile,
    file: &str,
    route: &str,
    body: serde_json::Value,
) -> (serde_json::Value, presigner::api::Reply) {
    let now = presigner_sigv4::SigningTime::from_unix_seconds(1_795_608_000).unwrap();
    let json = presigner_test_support::events::event_json(file, |e| {
        e["path"] = serde_json::json!(format!("/api/{route}"));
        e["resource"] = e["path"].clone();
        e["body"] = serde_json::json!(body.to_string());
    });
    let event = serde_json::from_str(&json.to_string()).unwrap();
    let (response_event, mut reply) = presigner::lambda::handle_event(
        presigner_test_support::invariants::app(profile),
        &event,
        now,
    );
    reply.response.body = response_event.body().map(str::to_owned);
    assert_eq!(reply.response.status, 200, "{:?}", reply.response.body);
    (json, reply)
}

/// Whether the oracle refuses the answer `reply` to `json` as from `profile`.
fn refused(json: &serde_json::Value, reply: &presigner::api::Reply, profile: Profile) -> bool {
    std::panic::catch_unwind(|| check_granted(json, true, profile, &reply.response, reply.route))
        .is_err()
}

/// `reply` with its single download URL replaced by `edit(url)`.
fn with_url(
    reply: &presigner::api::Reply,
    edit: impl FnOnce(&str) -> String,
) -> presigner::api::Reply {
    let mut reply = presigner::api::Reply {
        response: reply.response.clone(),
        route: reply.route,
        caller: reply.caller.clone(),
        internal_error: None,
    };
    let mut body: serde_json::Value =
        serde_json::from_str(reply.response.body.as_deref().unwrap()).unwrap();
    body["presignedUrl"] = edit(body["presignedUrl"].as_str().unwrap()).into();
    reply.response.body = Some(body.to_string());
    reply
}

#[test]
fn the_cloudfront_invariants_can_fail() {
    use presigner_cloudfront::{base64 as cf64, KeyPairId, Policy, PrivateKey, Signer};
    use presigner_test_support::app::SUB;
    use presigner_test_support::edge::test_private_key;

    const ORIGIN: &str = "https://d111111abcdef8.cloudfront.net";
    let cognito = "rest-v1-cognito.json";
    // A signed-in caller reads bob's image through CloudFront; as an owner deployment's it
    // would be a leak, as an S3 deployment's it is on the wrong host.
    let bob = serde_json::json!({"images": [{"userId": "bob", "tweetId": "t"}]});
    let (json, reply) = ask(Profile::SignedInCloudFront, cognito, "download_urls", bob);
    assert!(!refused(&json, &reply, Profile::SignedInCloudFront));
    assert!(
        refused(&json, &reply, Profile::OwnerCloudFront),
        "bob's image under owner"
    );
    assert!(
        refused(&json, &reply, Profile::SignedIn),
        "a CloudFront URL from S3"
    );

    // The caller's own image under owner: granted for the caller's folder only.
    let own = serde_json::json!({"tweetId": "t"});
    let (json, reply) = ask(Profile::OwnerCloudFront, cognito, "download_url", own);
    assert!(!refused(&json, &reply, Profile::OwnerCloudFront));
    let url = serde_json::from_str::<serde_json::Value>(reply.response.body.as_deref().unwrap())
        .unwrap()["presignedUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        url.starts_with(&format!("{ORIGIN}/images/{SUB}/t.png?Policy=")),
        "{url}"
    );
    assert!(
        refused(&json, &reply, Profile::SignedInCloudFront),
        "a folder grant where images/* is given"
    );
    // The same image under a grant for every image, validly signed: too wide for owner.
    let wide = with_url(&reply, |url| {
        let signer = Signer::new(
            KeyPairId::new("K2JCJMDEHXQW5F").unwrap(),
            PrivateKey::from_pem(&test_private_key()).unwrap(),
        );
        let policy = Policy {
            resource: &format!("{ORIGIN}/images/*"),
            date_less_than: 1_795_608_000 + 5400,
            date_greater_than: None,
        };
        format!(
            "{}?{}",
            url.split_once('?').unwrap().0,
            signer.grant(&policy).query()
        )
    });
    assert!(!refused(&json, &wide, Profile::SignedInCloudFront));
    assert!(
        refused(&json, &wide, Profile::OwnerCloudFront),
        "a too wide grant"
    );
    // Tampered: one character of the signature, the policy's end, another folder in the path.
    let signature = with_url(&reply, |url| {
        let at = url.find("&Signature=").unwrap() + 20;
        let c = if &url[at..at + 1] == "A" { "B" } else { "A" };
        format!("{}{c}{}", &url[..at], &url[at + 1..])
    });
    assert!(
        refused(&json, &signature, Profile::OwnerCloudFront),
        "a tampered signature"
    );
    let longer = with_url(&reply, |url| {
        let (head, rest) = url.split_once("?Policy=").unwrap();
        let (policy, tail) = rest.split_once('&').unwrap();
        let text = String::from_utf8(cf64::decode(policy).unwrap()).unwrap();
        let text = text.replace(":1795613400}", ":1795699999}");
        format!("{head}?Policy={}&{tail}", cf64::encode(text.as_bytes()))
    });
    assert!(
        refused(&json, &longer, Profile::OwnerCloudFront),
        "a lengthened policy"
    );
    let moved = with_url(&reply, |url| url.replace(SUB, "bob"));
    assert!(
        refused(&json, &moved, Profile::OwnerCloudFront),
        "another folder"
    );
}

#[test]
fn the_invariants_can_fail() {
    let ask = |profile, route: &str, body| ask(profile, "rest-v1.json", route, body);
    // An anonymous caller's URL from the trusting app, checked as if from the default one,
    // breaks "the body never decides who the caller is".
    let (json, reply) = ask(
        Profile::Original,
        "upload_url",
        serde_json::json!({"userId": "u", "tweetId": "t"}),
    );
    check_granted(&json, true, Profile::Original, &reply.response, reply.route);
    let caught = std::panic::catch_unwind(|| {
        check_granted(&json, true, Profile::SignedIn, &reply.response, reply.route)
    });
    assert!(
        caught.is_err(),
        "the identity oracle accepted an anonymous caller"
    );
    // A public timeline's batch, checked as if from an owner-only deployment.
    let batch = serde_json::json!({"images": [{"userId": "bob", "tweetId": "t"}]});
    let (json, reply) = ask(Profile::Anyone, "download_urls", batch);
    check_granted(&json, true, Profile::Anyone, &reply.response, reply.route);
    let caught = std::panic::catch_unwind(|| {
        check_granted(&json, true, Profile::Owner, &reply.response, reply.route)
    });
    assert!(
        caught.is_err(),
        "the oracle let an owner deployment read bob's image"
    );
    // The pipeline's answers pass as its own, and fail as the original's (another key, no
    // forced type, status URLs); a thumbnail asked for and a display URL answered fails.
    let cognito = "rest-v1-cognito.json";
    for profile in [Profile::Pipeline, Profile::PipelineOwnerCloudFront] {
        for (route, body) in [
            (
                "upload_url",
                serde_json::json!({"tweetId": "t", "contentType": "image/png", "contentLength": 9}),
            ),
            (
                "upload_form",
                serde_json::json!({"tweetId": "t", "contentType": "image/png"}),
            ),
            (
                "download_url",
                serde_json::json!({"tweetId": "t", "size": "thumb"}),
            ),
            (
                "download_urls",
                serde_json::json!({"images": [{"tweetId": "t"}], "size": "thumb"}),
            ),
        ] {
            let (json, reply) = self::ask(profile, cognito, route, body);
            assert!(!refused(&json, &reply, profile), "{profile:?} {route}");
            let original = if profile.cloudfront() {
                Profile::OwnerCloudFront
            } else {
                Profile::SignedIn
            };
            assert!(
                refused(&json, &reply, original),
                "{profile:?} {route} as {original:?}"
            );
        }
        let (json, reply) = self::ask(
            profile,
            cognito,
            "download_url",
            serde_json::json!({"tweetId": "t", "size": "thumb"}),
        );
        let display = with_url(&reply, |url| url.replace("/thumb?", "/display?"));
        assert!(
            refused(&json, &display, profile),
            "{profile:?}: display for thumb"
        );
    }
}
