//! See tests/support/invariants.rs, `check_presign`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| presigner_fuzz::invariants::check_presign(data));
