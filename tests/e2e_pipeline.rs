//! End to end with the pipeline, as the dev server runs it: the API's handler (the pipeline on,
//! its default) signs, the local S3 stores and sends each upload's event to the processor's
//! handler, and readers only ever get the processor's variants.
//!
//! alice posts a 12 Mpx phone-like JPEG whose EXIF holds a GPS position; bob's timeline (one
//! `download_urls` call, `size: thumb`) gets a thumbnail of at most a thirtieth of her bytes;
//! no byte of the GPS data is anywhere under `images/`, nothing is left under `uploads/`.
//! carol's decompression bomb (a 50,000 x 50,000 PNG header) never appears: its status says
//! refused, with the image core's reason, and no variant exists.

use std::time::{Duration, Instant};

use presigner::api::App;
use presigner::config::Config;
use presigner::lambda::clock_now;
use presigner_local as local;
use presigner_test_support::app::call_at;
use presigner_test_support::events::rest_post;
use presigner_test_support::http::{exchange, string_pairs};
use presigner_test_support::images::{crc32, decode_variant, jpeg, png_by_hand, with_segments};
use presigner_test_support::s3::LocalS3;
use serde_json::{json, Value};

/// The local S3 with the dev server's notification configuration, and the API's handler
/// configured as the dev server configures it (the body names the user, as the original's).
fn dev_server() -> (LocalS3, App) {
    let s3 =
        LocalS3::start_with(|port| Some(local::pipeline::processor_notifications(port).unwrap()));
    let mut env = local::lambda_env(s3.port);
    env.push(("TRUST_BODY_USER_ID", "true".to_owned()));
    let config =
        Config::from_lookup(|n| env.iter().find(|(k, _)| *k == n).map(|(_, v)| v.clone())).unwrap();
    (s3, App::new(config).unwrap())
}

fn ask(app: &App, route: &str, body: Value) -> Value {
    let answer = call_at(app, rest_post(route, &body), clock_now());
    assert_eq!(answer.status, 200, "{route}: {:?}", answer.body);
    answer.json()
}

/// Uploads `bytes` as `user`'s `tweet` through an upload URL, as the page does; returns the
/// answer's status URL.
fn upload(app: &App, user: &str, tweet: &str, content_type: &str, bytes: &[u8]) -> String {
    let answer = ask(
        app,
        "upload_url",
        json!({"userId": user, "tweetId": tweet, "contentType": content_type, "contentLength": bytes.len()}),
    );
    let url = answer["presignedUrl"].as_str().unwrap();
    assert!(
        url.contains("/uploads/"),
        "signed for the private prefix: {url}"
    );
    // The headers the answer says to send (the signed type and length, If-None-Match).
    let required = string_pairs(&answer["headers"]);
    let required: Vec<(&str, &str)> = required
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (status, _, body) = exchange("PUT", url, &required, bytes);
    assert_eq!(status, 200, "PUT: {}", String::from_utf8_lossy(&body));
    answer["statusUrl"].as_str().unwrap().to_owned()
}

/// Polls a status URL as the client's `waitForImage` does (404 until decided), giving up
/// after a minute; returns the decision.
fn wait_for(status_url: &str) -> Value {
    let give_up = Instant::now() + Duration::from_secs(60);
    let mut pause = Duration::from_millis(100);
    loop {
        let (status, _, body) = exchange("GET", status_url, &[], b"");
        match status {
            200 => return serde_json::from_slice(&body).expect("a JSON status"),
            404 => {}
            other => panic!(
                "status URL answered {other}: {}",
                String::from_utf8_lossy(&body)
            ),
        }
        assert!(Instant::now() < give_up, "no decision in a minute");
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_secs(1));
    }
}

/// The GPS position in alice's photo, as its EXIF stores it: latitude 48° 51' 29.88" N,
/// longitude 2° 17' 40.20" E, as unsigned rationals (little-endian). Each block is long
/// and odd enough that finding it anywhere means the GPS data leaked.
fn gps_blocks() -> [Vec<u8>; 2] {
    let rationals = |parts: [(u32, u32); 3]| -> Vec<u8> {
        parts
            .iter()
            .flat_map(|(n, d)| n.to_le_bytes().into_iter().chain(d.to_le_bytes()))
            .collect()
    };
    [
        rationals([(48, 1), (51, 1), (2988, 100)]),
        rationals([(2, 1), (17, 1), (4020, 100)]),
    ]
}

/// An EXIF APP1 payload as a phone writes one: IFD0 with Make and the GPSInfo pointer, and a
/// GPS IFD with both references and both positions.
fn exif_with_gps() -> Vec<u8> {
    let [latitude, longitude] = gps_blocks();
    let make = b"PhoneMaker\0";
    // Layout: header (8), IFD0 (2 + 2*12 + 4 = 30), GPS IFD (2 + 4*12 + 4 = 54), then data.
    let ifd0_at = 8u32;
    let gps_at = ifd0_at + 30;
    let data_at = gps_at + 54;
    let make_at = data_at;
    let lat_at = make_at + make.len() as u32;
    let lon_at = lat_at + 24;
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        t.extend(tag.to_le_bytes());
        t.extend(kind.to_le_bytes());
        t.extend(count.to_le_bytes());
        t.extend(value);
    };
    let mut t = b"II*\0".to_vec();
    t.extend(ifd0_at.to_le_bytes());
    t.extend(2u16.to_le_bytes());
    entry(&mut t, 0x010F, 2, make.len() as u32, make_at.to_le_bytes());
    entry(&mut t, 0x8825, 4, 1, gps_at.to_le_bytes());
    t.extend(0u32.to_le_bytes());
    t.extend(4u16.to_le_bytes());
    entry(&mut t, 0x0001, 2, 2, *b"N\0\0\0");
    entry(&mut t, 0x0002, 5, 3, lat_at.to_le_bytes());
    entry(&mut t, 0x0003, 2, 2, *b"E\0\0\0");
    entry(&mut t, 0x0004, 5, 3, lon_at.to_le_bytes());
    t.extend(0u32.to_le_bytes());
    assert_eq!(t.len() as u32, data_at);
    t.extend(make);
    t.extend(&latitude);
    t.extend(&longitude);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(t);
    app1
}

/// A 12 Mpx (4000 x 3000) photo as a phone takes one: smooth light with sensor noise, at
/// quality 90, with the EXIF above.
fn phone_photo() -> Vec<u8> {
    let (w, h) = (4000u32, 3000u32);
    let mut state = 0x2545_f491_u32;
    let mut pixels = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            for (c, base) in [(x * 200 / w), (y * 180 / h), ((x + y) * 120 / (w + h))]
                .into_iter()
                .enumerate()
            {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                let noise = (state % 25) as u8;
                pixels.push((base as u8).saturating_add(noise + 20 * c as u8));
            }
        }
    }
    with_segments(&jpeg(w, h, &pixels, false), &[(0xE1, exif_with_gps())])
}

/// A 50,000 x 50,000 PNG: a few hundred bytes that would decode to 10 GB.
fn png_bomb() -> Vec<u8> {
    let mut bomb = png_by_hand(50_000, 1, 8, 0, false, &[], |_, _| vec![0]);
    bomb[20..24].copy_from_slice(&50_000u32.to_be_bytes());
    let crc = crc32(&[&bomb[12..29]]);
    bomb[29..33].copy_from_slice(&crc.to_be_bytes());
    bomb
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn alices_photo_reaches_bobs_timeline_as_a_small_clean_thumbnail_and_carols_bomb_never_appears() {
    let (s3, app) = dev_server();
    let photo = phone_photo();
    assert!(
        photo.len() > 2_000_000 && photo.len() < 10 << 20,
        "a phone photo's size: {}",
        photo.len()
    );
    for block in gps_blocks() {
        assert!(contains(&photo, &block), "the GPS data is in the upload");
    }

    let alice = upload(&app, "alice", "paris-1", "image/jpeg", &photo);
    let carol = upload(&app, "carol", "bomb-1", "image/png", &png_bomb());

    let ready = wait_for(&alice);
    assert_eq!(ready["state"], "ready", "{ready}");
    assert_eq!(ready["variants"]["display"]["width"], 2048);
    let refused = wait_for(&carol);
    assert_eq!(refused["state"], "refused", "{refused}");
    assert_eq!(refused["reason"], "bad_side", "{refused}");

    // bob's timeline: one call for the thumbnails.
    let timeline = ask(
        &app,
        "download_urls",
        json!({"userId": "bob", "size": "thumb", "images": [
            {"userId": "alice", "tweetId": "paris-1"},
            {"userId": "carol", "tweetId": "bomb-1"},
        ]}),
    );
    let urls = timeline["presignedUrls"].as_array().unwrap();
    let (status, headers, thumb) = exchange("GET", urls[0].as_str().unwrap(), &[], b"");
    assert_eq!(status, 200);
    assert!(headers.contains(&("content-type".into(), "image/jpeg".into())));
    assert!(
        thumb.len() * 30 <= photo.len(),
        "the thumbnail is {} bytes, the photo {}",
        thumb.len(),
        photo.len()
    );
    let (w, h, _, _) = decode_variant(presigner_images::ImageKind::Jpeg, &thumb);
    assert_eq!((w, h), (400, 300));
    assert_eq!(ready["variants"]["thumb"]["bytes"], thumb.len());
    // carol's image never appears: no variant to download.
    let (status, _, _) = exchange("GET", urls[1].as_str().unwrap(), &[], b"");
    assert_eq!(status, 404);

    let published = s3.objects_under("images");
    for file in &published {
        let bytes = std::fs::read(file).unwrap();
        for block in gps_blocks() {
            assert!(!contains(&bytes, &block), "GPS data in {}", file.display());
        }
        assert!(
            !contains(&bytes, b"PhoneMaker"),
            "EXIF in {}",
            file.display()
        );
    }
    assert_eq!(
        published.len(),
        4,
        "alice's display, thumb, status; carol's status: {published:?}"
    );
    let left = s3.uploads_left();
    assert!(left.is_empty(), "left under uploads/: {left:?}");
}
