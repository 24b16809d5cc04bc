//! See fuzz/src/processor.rs: the upload processor's event reading and key parsing.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| presigner_fuzz::processor::check_processor_input(data));
