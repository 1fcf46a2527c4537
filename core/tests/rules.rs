//! Every capability rule and every bitmap-mapping bound, each with QEMU's message and the
//! byte offset reported: at the item of the capability the rule belongs to, or at the
//! first key of `block-bitmap-mapping`. The bounds were answered by QEMU 10.2.2's own
//! `migrate_params_check`; the capability rules follow master's `migrate_caps_check`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use migcfg_core::error::ERROR_MAX;
use migcfg_core::{Flags, Params, Status};

const CAPS: Flags = Flags {
    help: false,
    capabilities: true,
    reject_unstable: false,
};

/// Accepted, or the message and the offset.
type Answer = Result<(), (String, usize)>;

/// The answer for `text` parsed into a fresh table.
fn answer(text: &str) -> Answer {
    let mut p = Params::new();
    match p.parse_with(text.as_bytes(), CAPS) {
        Ok(Status::Ok) => Ok(()),
        Ok(s) => panic!("{text}: status {s:?}"),
        Err(e) => Err((e.to_string(), e.offset)),
    }
}

fn err(msg: &str, at: usize) -> Answer {
    Err((msg.to_string(), at))
}

/// The rule's message, reported at the value of capability `cap` in `text`.
fn at_cap(text: &str, msg: &str, cap: &str) -> Answer {
    let key = format!("{cap}=");
    let at = text.find(&key).unwrap() + key.len();
    err(msg, at)
}

const ZERO_COPY: &str = "Zero copy only available for non-compressed non-TLS multifd migration";

#[test]
fn capability_rules() {
    // (input, None if accepted, or the message and the capability it is reported at)
    let cases: &[(&str, Option<(&str, &str)>)] = &[
        (
            "x-colo=on",
            Some((
                "Capability 'x-colo' requires capability 'return-path'",
                "x-colo",
            )),
        ),
        ("return-path=on,x-colo=on", None),
        (
            "x-ignore-shared=on,postcopy-ram=on",
            Some((
                "Postcopy is not compatible with ignore-shared",
                "postcopy-ram",
            )),
        ),
        ("postcopy-ram=on", None),
        (
            "xbzrle=on,background-snapshot=on",
            Some((
                "Background-snapshot is not compatible with xbzrle",
                "background-snapshot",
            )),
        ),
        (
            // The first incompatible one in QEMU's list, not in the input.
            "background-snapshot=on,zero-copy-send=on,return-path=on",
            Some((
                "Background-snapshot is not compatible with return-path",
                "background-snapshot",
            )),
        ),
        ("background-snapshot=on", None),
        ("zero-copy-send=on", Some((ZERO_COPY, "zero-copy-send"))),
        ("multifd=on,zero-copy-send=on", None),
        (
            "multifd=on,zero-copy-send=on,xbzrle=on",
            Some((ZERO_COPY, "zero-copy-send")),
        ),
        (
            "multifd=on,zero-copy-send=on,multifd-compression=zlib",
            Some((ZERO_COPY, "zero-copy-send")),
        ),
        (
            "multifd=on,zero-copy-send=on,tls-creds=t",
            Some((ZERO_COPY, "zero-copy-send")),
        ),
        ("multifd=on,zero-copy-send=on,tls-creds=", None),
        (
            "postcopy-preempt=on",
            Some(("Postcopy preempt requires postcopy-ram", "postcopy-preempt")),
        ),
        ("postcopy-ram=on,postcopy-preempt=on", None),
        (
            "switchover-ack=on",
            Some((
                "Capability 'switchover-ack' requires capability 'return-path'",
                "switchover-ack",
            )),
        ),
        ("return-path=on,switchover-ack=on", None),
        (
            "auto-converge=on,dirty-limit=on",
            Some((
                "dirty-limit conflicts with auto-converge either of then available currently",
                "dirty-limit",
            )),
        ),
        ("dirty-limit=on", None),
        (
            "xbzrle=on,multifd=on",
            Some(("Multifd is not compatible with xbzrle", "multifd")),
        ),
        (
            "xbzrle=on,mapped-ram=on",
            Some((
                "Mapped-ram migration is incompatible with xbzrle",
                "mapped-ram",
            )),
        ),
        ("mapped-ram=on", None),
        (
            "postcopy-ram=on,mapped-ram=on,multifd=on",
            Some((
                "Multifd is not supported with fast snapshot load",
                "multifd",
            )),
        ),
        (
            "postcopy-ram=on,mapped-ram=on,postcopy-preempt=on",
            Some((
                "Postcopy Preempt is incompatible with fast snapshot load",
                "postcopy-preempt",
            )),
        ),
        ("postcopy-ram=on,mapped-ram=on", None),
        // The mapped-ram rule of migrate_params_check reads the values from before the
        // update, and a fresh table has neither compression nor TLS.
        ("mapped-ram=on,multifd-compression=zlib", None),
    ];
    for (text, want) in cases {
        let want = match want {
            None => Ok(()),
            Some((msg, cap)) => at_cap(text, msg, cap),
        };
        assert_eq!(answer(text), want, "{text}");
    }
}

/// The capability rules of `migrate_params_check` run right after the bitmap mapping, so
/// they come before the rules of the three parameters checked after it.
#[test]
fn capability_rules_of_the_parameter_check_come_before_the_last_three_parameters() {
    let late = "Parameter 'vcpu-dirty-limit' must be greater than 1 MB/s";
    for text in [
        "multifd=on,zero-copy-send=on,tls-creds=t,vcpu-dirty-limit=0",
        "multifd=on,zero-copy-send=on,multifd-compression=zlib,vcpu-dirty-limit=0",
        "multifd=on,zero-copy-send=on,mapped-ram=on,multifd-compression=zlib,vcpu-dirty-limit=0",
        "zero-copy-send=on,mapped-ram=on,multifd-compression=zlib,vcpu-dirty-limit=0",
    ] {
        assert_eq!(
            answer(text),
            at_cap(text, ZERO_COPY, "zero-copy-send"),
            "{text}"
        );
    }
    let text = "multifd=on,zero-copy-send=on,vcpu-dirty-limit=0";
    assert_eq!(answer(text), err(late, text.len() - 1));

    // The mapped-ram rule reads the table's values from before the update.
    let mapped = "Mapped-ram only available for non-compressed non-TLS multifd migration";
    let mut p = Params::new();
    p.parse_with(b"multifd-compression=zlib", CAPS).unwrap();
    let text = "mapped-ram=on,multifd-compression=none,vcpu-dirty-limit=0";
    let e = p.parse_with(text.as_bytes(), CAPS).unwrap_err();
    assert_eq!(
        (e.to_string(), e.offset),
        (mapped.to_string(), "mapped-ram=".len())
    );
    // ... and applies to mapped-ram alone: zero copy with the same table passes it.
    let text = "multifd=on,zero-copy-send=on,multifd-compression=none";
    assert_eq!(p.parse_with(text.as_bytes(), CAPS).unwrap(), Status::Ok);
}

/// A one-node mapping with the given node name and alias and bitmaps (name, alias).
fn bbm(node: &str, alias: &str, bitmaps: &[(&str, &str)]) -> String {
    let mut s =
        format!("block-bitmap-mapping.0.node-name={node},block-bitmap-mapping.0.alias={alias}");
    // `bitmaps` is mandatory.
    let bitmaps = if bitmaps.is_empty() {
        &[("b", "b")]
    } else {
        bitmaps
    };
    for (i, (n, a)) in bitmaps.iter().enumerate() {
        s += &format!(
            ",block-bitmap-mapping.0.bitmaps.{i}.name={n},block-bitmap-mapping.0.bitmaps.{i}.alias={a}"
        );
    }
    s
}

/// QEMU's bitmap-mapping message, cut as every message longer than fits is cut.
fn bbm_err(what: &str) -> Answer {
    let mut msg = format!("Invalid mapping given for block-bitmap-mapping: {what}");
    if msg.len() >= ERROR_MAX {
        msg.truncate(ERROR_MAX - 4);
        msg += "...";
    }
    err(&msg, 0)
}

#[test]
fn bitmap_mapping_bounds() {
    let n31 = "n".repeat(31);
    let n32 = "n".repeat(32);
    let a255 = "a".repeat(255);
    let a256 = "a".repeat(256);
    let b1023 = "b".repeat(1023);
    let b1024 = "b".repeat(1024);
    let cases: Vec<(String, Answer)> = vec![
        (bbm(&n31, "a", &[("b", "b")]), Ok(())),
        (
            bbm(&n32, "a", &[("b", "b")]),
            bbm_err(&format!("The node name '{n32}' is longer than 31 bytes")),
        ),
        (bbm("n", &a255, &[]), Ok(())),
        (
            bbm("n", &a256, &[]),
            bbm_err(&format!("The node alias '{a256}' is longer than 255 bytes")),
        ),
        (bbm("n", "a", &[(&b1023, "x")]), Ok(())),
        (
            bbm("n", "a", &[(&b1024, "x")]),
            bbm_err(&format!(
                "The bitmap name '{b1024}' is longer than 1023 bytes"
            )),
        ),
        (bbm("n", "a", &[("b", &a255)]), Ok(())),
        (
            bbm("n", "a", &[("b", &a256)]),
            bbm_err(&format!(
                "The bitmap alias '{a256}' is longer than 255 bytes"
            )),
        ),
        // A node alias starts with a letter and goes on with letters, digits, `-`, `.`
        // and `_`; bitmap aliases are not held to that.
        (bbm("n", "a-b.c_d9", &[]), Ok(())),
        (bbm("n", "A", &[]), Ok(())),
        (
            bbm("n", "1a", &[]),
            bbm_err("The node alias '1a' is not well-formed"),
        ),
        (
            bbm("n", "_a", &[]),
            bbm_err("The node alias '_a' is not well-formed"),
        ),
        (
            bbm("n", "a+b", &[]),
            bbm_err("The node alias 'a+b' is not well-formed"),
        ),
        (
            bbm("n", "", &[]),
            bbm_err("The node alias '' is not well-formed"),
        ),
        (bbm("n", "a", &[("b", "1x+")]), Ok(())),
    ];
    for (text, want) in &cases {
        assert_eq!(&answer(text), want, "{text}");
    }
}
