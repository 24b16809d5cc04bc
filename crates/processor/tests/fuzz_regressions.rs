//! The `processor` fuzz target's property (fuzz/src/processor.rs, shared by source), on stable
//! in every test run: on each event fixture (`tests/events/`, the target's seeds), on the key
//! seeds (`fuzz/seeds/processor/`), on hand-made hostile keys, and on every input the fuzzer
//! found (`tests/fuzz-regressions/processor/` at the workspace root, one input per file).

#[path = "../../../fuzz/src/processor.rs"]
mod property;

use std::path::Path;

/// The files of `dir`, none when it does not exist.
fn inputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    presigner_test_support::corpus::files(dir).unwrap_or_default()
}

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn the_event_fixtures_keep_the_property() {
    let fixtures = inputs(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/events"));
    assert!(fixtures.len() >= 2);
    for (name, data) in fixtures {
        eprintln!("{name}");
        let mut input = vec![0];
        input.extend(&data);
        property::check_processor_input(&input);
        // The fixtures' keys parse: the property saw an upload, not only skips.
        let event: serde_json::Value = serde_json::from_slice(&data).unwrap();
        let objects = presigner_processor::event::objects_created(&event);
        let key = &objects[0]
            .as_ref()
            .expect("the fixture names an object")
            .key;
        assert!(
            presigner_processor::key::UploadKey::parse(key).is_ok(),
            "{name}"
        );
    }
}

#[test]
fn the_seeds_and_finds_keep_the_property() {
    let seeds = inputs(&root().join("fuzz/seeds/processor"));
    assert!(seeds.len() >= 3);
    let finds = inputs(&root().join("tests/fuzz-regressions/processor"));
    for (name, data) in seeds.into_iter().chain(finds) {
        eprintln!("{name}");
        property::check_processor_input(&data);
    }
}

#[test]
fn hostile_keys_keep_the_property() {
    for key in [
        "",
        "uploads/",
        "uploads//",
        "uploads/a/b/c",
        "uploads/./t",
        "uploads/a/..",
        "uploads/a/%2E%2E",
        "uploads/a~2F/t",
        "uploads/~2E/t",
        "uploads/a b/t",
        "uploads/a+b/t",
        "uploads/a/t?x=1",
        "uploads/a/t#x",
        "uploads/a/t\u{0}",
        "uploads/a/t\n",
        "uploads/a/ツイート",
        "uploads/auth0~7C5f7c/ツイート",
        "uploads/auth0~7c5f7c/t",
        "images/a/t",
        "UPLOADS/a/t",
        "\u{FEFF}uploads/a/t",
    ] {
        property::check_key(key);
        property::check_key_in_events(key);
    }
    property::check_key_in_events(&format!("uploads/a/{}", "t".repeat(1100)));
}
