//! Fuzz target `anybytes`: see `anybytes::anybytes` for the input layout and the property.
#![no_main]

#[path = "../src/anybytes.rs"]
mod anybytes;

libfuzzer_sys::fuzz_target!(|data: &[u8]| anybytes::anybytes(data));
