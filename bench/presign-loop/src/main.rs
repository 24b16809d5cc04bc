//! Presigns one PUT URL N times (the signing bench's inputs, key cached), for counting
//! instructions where timings are too noisy to compare two builds:
//!
//! ```sh
//! cargo build --release -p bench-presign-loop
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/presign_loop 20001
//! ```
//!
//! The difference between N = 20001 and N = 1, over 20000, is the instructions per URL.

use std::hint::black_box;

use presigner_s3::{
    AddressingStyle, Bucket, Endpoint, Expiry, Method, ObjectKey, ObjectRequest, Presigner,
};
use presigner_sigv4::{Credentials, SigningTime};

fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1);
    let credentials = Credentials::new(
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        Some(
            "IQoJb3JpZ2luX2VjEJr//////////wEaDmFwLW5vcnRoZWFzdC0xIkcwRQIhAEXAMPLE+token=="
                .to_owned(),
        ),
    )
    .expect("valid credentials");
    let region = "ap-northeast-1";
    let presigner = Presigner::new(
        credentials,
        region,
        Endpoint::regional(region).expect("a regional endpoint"),
        AddressingStyle::Auto,
    )
    .expect("a presigner");
    let bucket = Bucket::new("presigner-bench-bucket").expect("a bucket");
    let key = ObjectKey::new("images/test@mail.com/test_id.png").expect("a key");
    let request = ObjectRequest::new(
        Method::Put,
        &bucket,
        &key,
        Expiry::from_secs(1800).expect("an expiry"),
    );
    let time = SigningTime::from_unix_seconds(1_795_608_000).expect("a time");
    let mut total = 0usize;
    for _ in 0..n {
        total += black_box(presigner.presign(black_box(&request), time))
            .expect("signs")
            .len();
    }
    println!("{total}");
}
