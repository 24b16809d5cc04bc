//! See tests/support/images.rs, `check_image`: (declared type, bytes) through the image core.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| presigner_fuzz::images::check_image(data));
