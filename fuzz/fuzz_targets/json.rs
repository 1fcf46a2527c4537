//! Fuzz target `json`: see `props::json` for the input layout and the properties.
#![no_main]

#[path = "../src/props.rs"]
mod props;

libfuzzer_sys::fuzz_target!(|data: &[u8]| props::json(data));
