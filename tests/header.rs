//! The committed header is exactly what cbindgen generates, and its parameter enum names
//! every schema parameter under its id.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use migcfg_core::schema::PARAMS;

const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/migcfg.h"));
const COMMITTED: &str = include_str!("../include/migcfg.h");

#[test]
fn committed_header_is_current() {
    assert!(
        GENERATED == COMMITTED,
        "include/migcfg.h is stale: copy {}/migcfg.h over it",
        env!("OUT_DIR")
    );
}

#[test]
fn param_enum_matches_schema() {
    let mut seen = 0;
    for line in COMMITTED.lines() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix("MIGCFG_PARAM_") else {
            continue;
        };
        let (name, value) = rest.trim_end_matches(',').split_once(" = ").unwrap();
        let id: usize = value.parse().unwrap();
        if name == "_COUNT" {
            assert_eq!(id, PARAMS.len());
            continue;
        }
        assert_eq!(
            name,
            PARAMS[id].name.to_uppercase().replace('-', "_"),
            "id {id}"
        );
        seen += 1;
    }
    assert_eq!(seen, PARAMS.len());
}

#[test]
fn header_has_no_opaque_fallbacks() {
    // cbindgen silently turns a struct opaque when it cannot size an array.
    for ty in [
        "MigcfgParams",
        "MigcfgError",
        "MigcfgBitmapNode",
        "MigcfgBitmapAlias",
    ] {
        assert!(
            COMMITTED.contains(&format!("typedef struct {ty} {{")),
            "{ty} is not a complete type"
        );
    }
}
