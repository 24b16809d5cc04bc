//! The `presigner-images` command as a user runs it (docs/images.md): the variants written,
//! one JSON line each; a refused image, a wrong type, a missing file or a bad argument is one
//! line on stderr and exit status 2.

use std::process::{Command, Output};

use presigner_test_support::images::{exif_app1, jpeg, quadrants, rgb, with_segments};

fn run(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(presigner_test_support::binaries::binary(
        "presigner-images",
        "presigner-images",
    ))
    .current_dir(dir)
    .args(args)
    .output()
    .expect("the command runs")
}

fn one_line_refusal(out: &Output, expected: &str) {
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(expected), "{stderr}");
}

#[test]
fn process_writes_the_variants_and_describes_them() {
    let dir = tempfile::tempdir().unwrap();
    let (w, h) = (3000, 2000);
    let photo = with_segments(
        &jpeg(h, w, &rgb(h, w, quadrants(h, w)), false),
        &[(0xE1, exif_app1(6))],
    );
    std::fs::write(dir.path().join("photo.jpg"), &photo).unwrap();
    // As docs/images.md shows it.
    let out = run(dir.path(), &["process", "photo.jpg", "--out", "variants"]);
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    for (line, (name, width, height)) in lines
        .iter()
        .zip([("thumb", 400, 267), ("display", 2048, 1365)])
    {
        assert_eq!(line["variant"], name);
        assert_eq!(
            (line["width"].as_u64(), line["height"].as_u64()),
            (Some(width), Some(height))
        );
        assert_eq!(line["type"], "image/jpeg");
        assert_eq!(line["removed"]["exif"], 1);
        assert_eq!(line["removed"]["gps"], true);
        assert_eq!(line["removed"]["orientation"], 6);
        let file = dir.path().join(line["file"].as_str().unwrap());
        assert_eq!(
            std::fs::metadata(&file).unwrap().len(),
            line["bytes"].as_u64().unwrap()
        );
    }
    assert!(dir.path().join("variants/photo.thumb.jpg").exists());
    assert!(dir.path().join("variants/photo.display.jpg").exists());
}

#[test]
fn refusals_and_mistakes_are_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.png"), b"").unwrap();
    std::fs::write(dir.path().join("page.jpg"), b"<html>hello</html>").unwrap();
    let jpeg_bytes = jpeg(8, 8, &rgb(8, 8, |_, _| [1, 2, 3]), false);
    std::fs::write(dir.path().join("photo.png"), &jpeg_bytes).unwrap();
    std::fs::write(dir.path().join("photo.bin"), &jpeg_bytes).unwrap();
    one_line_refusal(
        &run(dir.path(), &["process", "empty.png", "--out", "o"]),
        "refused (empty)",
    );
    one_line_refusal(
        &run(dir.path(), &["process", "page.jpg", "--out", "o"]),
        "refused (not_an_image)",
    );
    one_line_refusal(
        &run(dir.path(), &["process", "photo.png", "--out", "o"]),
        "refused (type_mismatch)",
    );
    one_line_refusal(
        &run(dir.path(), &["process", "photo.bin", "--out", "o"]),
        "give --type",
    );
    one_line_refusal(
        &run(
            dir.path(),
            &[
                "process",
                "photo.bin",
                "--type",
                "image/svg+xml",
                "--out",
                "o",
            ],
        ),
        "unsupported_declared_type",
    );
    one_line_refusal(
        &run(dir.path(), &["process", "missing.jpg", "--out", "o"]),
        "missing.jpg",
    );
    one_line_refusal(
        &run(
            dir.path(),
            &["process", "photo.bin", "--type", "image/jpeg"],
        ),
        "--out DIR is missing",
    );
    one_line_refusal(
        &run(
            dir.path(),
            &["process", "photo.bin", "--quality", "0", "--out", "o"],
        ),
        "--quality",
    );
    one_line_refusal(&run(dir.path(), &["frobnicate"]), "unknown command");
    assert!(
        !dir.path().join("o").exists(),
        "nothing written for a refusal"
    );
    let ok = run(
        dir.path(),
        &["process", "photo.bin", "--type", "image/jpeg", "--out", "o"],
    );
    assert!(ok.status.success(), "{ok:?}");
}
