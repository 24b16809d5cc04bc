//! The invariants the fuzz targets check (`support/invariants.rs`), run on stable in every
//! test run: on each event fixture, each hostile event, and each input a fuzzer found
//! (`tests/fuzz-regressions/{event,body,presign}/`, one input per file, as libFuzzer wrote it).

use std::path::Path;

use presigner_test_support::invariants::{
    check_body, check_event, check_event_fields, check_presign,
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
        // Both apps: the default one, and (odd length) the original's contract.
        check_event(&data);
        let mut odd = data.clone();
        odd.push(b' ');
        check_event(&odd);
    }
    for case in presigner_test_support::hostile::events() {
        check_event(case.event.as_bytes());
        check_event(format!("{} ", case.event).as_bytes());
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
    // A 200 for an anonymous caller from the default app breaks "the body never decides".
    let anonymous = presigner_test_support::events::event_json("rest-v1.json", |_| {}).to_string();
    let result = std::panic::catch_unwind(|| {
        let event = serde_json::from_str(&anonymous).unwrap();
        let json = serde_json::from_str(&anonymous).unwrap();
        // Ask the trusting app but check as if it were the default one.
        let (_, reply) = presigner::lambda::handle_event(
            presigner_test_support::invariants::app(true),
            &event,
            presigner_sigv4::SigningTime::from_unix_seconds(1_795_608_000).unwrap(),
        );
        assert_eq!(reply.response.status, 200);
        presigner_test_support::invariants::allowed_users(&json, true, false)
    });
    assert!(
        result.is_err(),
        "the identity oracle accepted an anonymous caller"
    );
}
