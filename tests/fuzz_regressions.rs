//! The invariants the fuzz targets check (`support/invariants.rs`), run on stable in every
//! test run: on each event fixture, each hostile event, and each input a fuzzer found
//! (`tests/fuzz-regressions/{event,body,presign}/`, one input per file, as libFuzzer wrote it).

use std::path::Path;

use presigner_test_support::invariants::{
    check_body, check_event, check_event_fields, check_granted, check_presign, Profile,
};

fn inputs(dir: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .filter(|(name, _)| !name.starts_with('.'))
        .collect();
    files.sort();
    files
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
    ] {
        for (name, data) in inputs(&format!("tests/fuzz-regressions/{target}")) {
            eprintln!("{target}/{name}");
            check(&data);
        }
    }
}

#[test]
fn the_invariants_can_fail() {
    let now = presigner_sigv4::SigningTime::from_unix_seconds(1_795_608_000).unwrap();
    let ask = |profile, route: &str, body: serde_json::Value| {
        let json = presigner_test_support::events::event_json("rest-v1.json", |e| {
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
    };
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
}
