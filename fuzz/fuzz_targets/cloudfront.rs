//! See tests/support/invariants.rs, `check_cloudfront`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| presigner_fuzz::invariants::check_cloudfront(data));
