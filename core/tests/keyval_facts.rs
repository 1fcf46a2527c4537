//! QEMU's keyval behaviour (grammar, nesting, lists, value rules, checks) and the table's
//! capacities, input by input: exact values, exact messages, exact offsets.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use migcfg_core::format::{self, FormatFlags, Out};
use migcfg_core::{Params, Status};

fn json_of(p: &Params) -> String {
    let mut buf = vec![0u8; 1 << 16];
    let mut out = Out::new(&mut buf);
    format::json(p, FormatFlags::default(), &mut out);
    let n = out.len();
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

/// Parse into a fresh table: `Ok(json)` or `Err((status, offset, message))`.
fn parse(text: &str) -> Result<String, (Status, usize, String)> {
    let mut p = Params::new();
    match p.parse(text.as_bytes()) {
        Ok(()) => Ok(json_of(&p)),
        Err(e) => Err((e.status(), e.offset, e.to_string())),
    }
}

fn ok(text: &str, json: &str) {
    assert_eq!(parse(text), Ok(json.to_string()), "input {text:?}");
}

fn err(text: &str, status: Status, offset: usize, msg: &str) {
    assert_eq!(
        parse(text),
        Err((status, offset, msg.to_string())),
        "input {text:?}"
    );
}

use Status::{Capacity, Check, Syntax, Unexpected, Value};

#[test]
fn grammar_basics() {
    ok("", "{}");
    err("=val", Syntax, 0, "Invalid parameter ''");
    err(".", Syntax, 0, "Invalid parameter '.'");
    err("key.", Syntax, 0, "Invalid parameter 'key.'");
    err("7up=val", Syntax, 0, "Invalid parameter '7up'");
    err("key[0]=val", Syntax, 0, "Invalid parameter 'key[0]'");
    err(",", Syntax, 0, "Invalid parameter ''");
    ok("tls-creds=y,", r#"{"tls-creds": "y"}"#);
    err(
        "multifd-channels=4,,",
        Value,
        17,
        "Parameter 'multifd-channels' expects integer",
    );
    err(
        "tls-creds=a,b",
        Syntax,
        13,
        "Expected '=' after parameter 'b'",
    );
    err(
        "multifd-channels",
        Syntax,
        16,
        "Expected '=' after parameter 'multifd-channels'",
    );
    err("a.b", Syntax, 3, "Expected '=' after parameter 'a.b'");
    err(
        "an,noaus,noaus=",
        Syntax,
        2,
        "Expected '=' after parameter 'an'",
    );
    err("no", Syntax, 2, "Expected '=' after parameter 'no'");
}

#[test]
fn commas_and_repeats() {
    ok(
        "tls-creds=1,tls-hostname=2,,x,tls-creds=3",
        r#"{"tls-creds": "3", "tls-hostname": "2,x"}"#,
    );
    ok("tls-creds=foo,tls-creds=bar", r#"{"tls-creds": "bar"}"#);
    ok("tls-creds=,,id=bar", r#"{"tls-creds": ",id=bar"}"#);
    ok("tls-creds=x,,", r#"{"tls-creds": "x,"}"#);
    ok("tls-creds=x,,,", r#"{"tls-creds": "x,"}"#);
    ok("tls-creds= a b ", r#"{"tls-creds": " a b "}"#);
    ok(
        "multifd-channels=abc,multifd-channels=4",
        r#"{"multifd-channels": 4}"#,
    );
    err(
        "multifd-channels=4,multifd-channels=abc",
        Value,
        36,
        "Parameter 'multifd-channels' expects integer",
    );
}

#[test]
fn key_lengths() {
    let k127 = "a".repeat(127);
    let k128 = "a".repeat(128);
    err(
        &format!("{k127}=1"),
        Unexpected,
        0,
        &format!("Parameter '{k127}' is unexpected"),
    );
    err(
        &format!("{k128}=1"),
        Syntax,
        0,
        &format!("Parameter '{k128}' is too long"),
    );
    err(
        &format!("{k128}.b=1"),
        Syntax,
        0,
        &format!("Parameter fragment '{k128}' is too long"),
    );
    err(
        &format!("b.{k128}=1"),
        Syntax,
        2,
        &format!("Parameter fragment '{k128}' is too long"),
    );
    err(
        &format!("{k128}!=1"),
        Syntax,
        0,
        &format!("Invalid parameter '{k128}!'"),
    );
    let z127 = "0".repeat(127);
    let z128 = "0".repeat(128);
    ok(
        &format!("cpr-exec-command.{z127}=a"),
        r#"{"cpr-exec-command": ["a"]}"#,
    );
    err(
        &format!("cpr-exec-command.{z128}=a"),
        Syntax,
        17,
        &format!("Parameter fragment '{z128}' is too long"),
    );
    err(
        &format!("b.{}=x", "1".repeat(127)),
        Syntax,
        0,
        "Parameter 'b.0' missing",
    );
}

#[test]
fn names() {
    err("___x=1", Unexpected, 0, "Parameter '___x' is unexpected");
    err("__1_x=1", Unexpected, 0, "Parameter '__1_x' is unexpected");
    err(
        "__com.redhat_foo=1",
        Unexpected,
        0,
        "Parameter '__com.redhat_foo' is unexpected",
    );
    err("__=1", Syntax, 0, "Invalid parameter '__'");
    err("__a.b_=1", Syntax, 0, "Invalid parameter '__a.b_'");
    err("_x=1", Syntax, 0, "Invalid parameter '_x'");
    err("aé=1", Syntax, 0, "Invalid parameter 'aé'");
    err(
        " multifd-channels=1",
        Syntax,
        0,
        "Invalid parameter ' multifd-channels'",
    );
    err(
        "multifd-channels =1",
        Syntax,
        0,
        "Invalid parameter 'multifd-channels '",
    );
    err(
        "multifd_channels=4",
        Unexpected,
        0,
        "Parameter 'multifd_channels' is unexpected",
    );
    err(
        "cpr-exec-command.-1=a",
        Syntax,
        0,
        "Invalid parameter 'cpr-exec-command.-1'",
    );
    err(
        "cpr-exec-command.0x=a",
        Syntax,
        0,
        "Invalid parameter 'cpr-exec-command.0x'",
    );
    err(
        "cpr-exec-command.1a=a",
        Syntax,
        0,
        "Invalid parameter 'cpr-exec-command.1a'",
    );
    err("0=1", Syntax, 0, "Invalid parameter '0'");
}

#[test]
fn nesting_conflicts() {
    // A parameter's name alone, then as a dictionary: the common `name=value` path and
    // the general one give the same answers (QEMU's).
    err(
        "multifd-channels",
        Syntax,
        16,
        "Expected '=' after parameter 'multifd-channels'",
    );
    err(
        "multifd-channels,multifd-channels=4",
        Syntax,
        16,
        "Expected '=' after parameter 'multifd-channels'",
    );
    for (text, at) in [
        ("max-bandwidth.x=1,max-bandwidth=2", 18),
        ("max-bandwidth=2,max-bandwidth.x=1", 16),
    ] {
        err(
            text,
            Syntax,
            at,
            "Parameters 'max-bandwidth.*' used inconsistently",
        );
    }
    // Index fragments under a key outside the schema.
    for (text, at) in [("foo.0.a=1,foo.0=2", 10), ("foo.0=2,foo.0.a=1", 8)] {
        err(text, Syntax, at, "Parameters 'foo.0.*' used inconsistently");
    }
    err(
        "foo.0.a=1,foo.0.a.b=2",
        Syntax,
        10,
        "Parameters 'foo.0.a.*' used inconsistently",
    );
    err(
        "cpr-exec-command.0.a=1,cpr-exec-command.0=2",
        Syntax,
        23,
        "Parameters 'cpr-exec-command.0.*' used inconsistently",
    );
    err(
        "a.b=1,a=2",
        Syntax,
        6,
        "Parameters 'a.*' used inconsistently",
    );
    err(
        "a.b=1,a.b.c=2",
        Syntax,
        6,
        "Parameters 'a.b.*' used inconsistently",
    );
    err(
        "a.b.c=1,a.b=2",
        Syntax,
        8,
        "Parameters 'a.b.*' used inconsistently",
    );
    err(
        "a.0.c=1,a.b.c=2",
        Syntax,
        0,
        "Parameters 'a.*' used inconsistently",
    );
    err(
        "announce-initial=1,announce-initial.x=2",
        Syntax,
        19,
        "Parameters 'announce-initial.*' used inconsistently",
    );
    err(
        "multifd-channels=1,multifd-channels.x",
        Syntax,
        19,
        "Parameters 'multifd-channels.*' used inconsistently",
    );
    err(
        "multifd-channels=1,multifd-channels.b!=2",
        Syntax,
        19,
        "Invalid parameter 'multifd-channels.b!'",
    );
    err("c!=3,a.b=1,a=2", Syntax, 0, "Invalid parameter 'c!'");
    err(
        "a.b=1,a=2,c!=3",
        Syntax,
        6,
        "Parameters 'a.*' used inconsistently",
    );
    err(
        "a.b.c=1,a.b.0=2",
        Syntax,
        0,
        "Parameters 'a.b.*' used inconsistently",
    );
    err(
        "multifd-channels.x=4",
        Unexpected,
        0,
        "Parameters 'multifd-channels.*' are unexpected",
    );
    err(
        "tls-creds.0=a",
        Unexpected,
        0,
        "Parameters 'tls-creds.*' are unexpected",
    );
    err(
        "tls-creds.1=a",
        Syntax,
        0,
        "Parameter 'tls-creds.0' missing",
    );
    err(
        "tls-creds.x=1",
        Unexpected,
        0,
        "Parameters 'tls-creds.*' are unexpected",
    );
    err(
        "multifd-channels.1=x",
        Syntax,
        0,
        "Parameter 'multifd-channels.0' missing",
    );
    err(
        "direct-io.0=on",
        Unexpected,
        0,
        "Parameters 'direct-io.*' are unexpected",
    );
}

#[test]
fn help() {
    for h in [
        "help",
        "?",
        "multifd-channels=4,help",
        "help,multifd-channels=x",
        "help,cpr-exec-command.1=a",
    ] {
        let r = parse(h);
        assert_eq!(
            r.map_err(|e| e.2),
            Err("Help is not available for this option".into()),
            "{h}"
        );
    }
    err("help=on", Unexpected, 0, "Parameter 'help' is unexpected");
    err("help=", Unexpected, 0, "Parameter 'help' is unexpected");
    err("?=on", Syntax, 0, "Invalid parameter '?'");
    err("HELP", Syntax, 4, "Expected '=' after parameter 'HELP'");
    err(
        "help.abc",
        Syntax,
        8,
        "Expected '=' after parameter 'help.abc'",
    );
    err("help?", Syntax, 0, "Invalid parameter 'help?'");
    err("help,,", Syntax, 5, "Invalid parameter ''");
    err("help,foo", Syntax, 8, "Expected '=' after parameter 'foo'");
}

#[test]
fn lists() {
    ok("cpr-exec-command.1=goner,cpr-exec-command.0=null,cpr-exec-command.01=eins,cpr-exec-command.2=zwei",
       r#"{"cpr-exec-command": ["null", "eins", "zwei"]}"#);
    err(
        "cpr-exec-command.1=lonely",
        Syntax,
        0,
        "Parameter 'cpr-exec-command.0' missing",
    );
    err(
        "cpr-exec-command.0=null,cpr-exec-command.2=eins,cpr-exec-command.02=zwei",
        Syntax,
        0,
        "Parameter 'cpr-exec-command.1' missing",
    );
    err(
        "cpr-exec-command.5=a",
        Syntax,
        0,
        "Parameter 'cpr-exec-command.0' missing",
    );
    err(
        "cpr-exec-command.0=a,cpr-exec-command.99999999999=b",
        Syntax,
        0,
        "Parameter 'cpr-exec-command.1' missing",
    );
    err(
        "cpr-exec-command.0=a,cpr-exec-command.x=b",
        Syntax,
        0,
        "Parameters 'cpr-exec-command.*' used inconsistently",
    );
    err(
        "cpr-exec-command.x=b,cpr-exec-command.0=a",
        Syntax,
        0,
        "Parameters 'cpr-exec-command.*' used inconsistently",
    );
    ok(
        "cpr-exec-command.0=,cpr-exec-command.1=I",
        r#"{"cpr-exec-command": ["", "I"]}"#,
    );
    err(
        "cpr-exec-command.0.0=a",
        Unexpected,
        0,
        "Parameters 'cpr-exec-command.0.*' are unexpected",
    );
    err(
        "cpr-exec-command.0.1=a",
        Syntax,
        0,
        "Parameter 'cpr-exec-command.0.0' missing",
    );
    err(
        "cpr-exec-command=",
        Value,
        17,
        "Invalid parameter type for 'cpr-exec-command', expected: array",
    );
    err(
        "cpr-exec-command.x=a",
        Value,
        0,
        "Invalid parameter type for 'cpr-exec-command', expected: array",
    );
    err("foo.1=x", Syntax, 0, "Parameter 'foo.0' missing");
    // A list error is at the list's first key, whatever keys come before it.
    err(
        "multifd-channels.x=1,cpr-exec-command.1=a",
        Syntax,
        21,
        "Parameter 'cpr-exec-command.0' missing",
    );
    err(
        "max-bandwidth.x.y=1,cpr-exec-command.2=a,cpr-exec-command.0=b",
        Syntax,
        20,
        "Parameter 'cpr-exec-command.1' missing",
    );
    // Keys in one QDict bucket (`ga` with `multifd-channels`, `ai` with `cpr-exec-command`,
    // `nm` with `block-bitmap-mapping`): QDict lists the one it met last first, so its list
    // error is QEMU's answer (asked of QEMU), whichever kind of key it is.
    for (text, at, missing) in [
        ("multifd-channels.1=a,ga.1=a", 21, "ga.0"),
        ("ga.1=a,multifd-channels.1=a", 7, "multifd-channels.0"),
        ("multifd-channels.x.1=a,ga.1=a", 23, "ga.0"),
        ("ga.1.1=a,multifd-channels.1=a", 9, "multifd-channels.0"),
        ("cpr-exec-command.1=a,ai.1=a", 21, "ai.0"),
        ("ai.1=a,cpr-exec-command.1=a", 7, "cpr-exec-command.0"),
        ("block-bitmap-mapping.x.1=a,nm.1=a", 27, "nm.0"),
        (
            "nm.1.1=a,block-bitmap-mapping.1=a",
            9,
            "block-bitmap-mapping.0",
        ),
        // Two odd keys, the later one spelled first.
        ("x.1=a,ic.1=a", 6, "ic.0"),
        ("ic.1=a,x.1=a", 7, "x.0"),
        ("foo.x.1=a,foo.ic.1=a,foo.x.1=b", 10, "foo.ic.0"),
    ] {
        err(text, Syntax, at, &format!("Parameter '{missing}' missing"));
    }
    // Hash order decides which list error comes first.
    err(
        "cpr-exec-command.1=a,block-bitmap-mapping.1.node-name=x",
        Syntax,
        21,
        "Parameter 'block-bitmap-mapping.0' missing",
    );
    err(
        "block-bitmap-mapping.0.bitmaps.1.name=x,block-bitmap-mapping.2.alias=y",
        Syntax,
        0,
        "Parameter 'block-bitmap-mapping.0.bitmaps.0' missing",
    );
}

const BBM: &str = "block-bitmap-mapping.0.node-name=a,block-bitmap-mapping.0.alias=b";
const BBM1: &str = "block-bitmap-mapping.1.node-name=c,block-bitmap-mapping.1.alias=d";

#[test]
fn bitmap_mapping_shapes() {
    err(
        "block-bitmap-mapping.0=x",
        Value,
        23,
        "Invalid parameter type for 'block-bitmap-mapping.0', expected: object",
    );
    err(
        "block-bitmap-mapping.0.0=x",
        Value,
        0,
        "Invalid parameter type for 'block-bitmap-mapping.0', expected: object",
    );
    err(
        &format!("{BBM},block-bitmap-mapping.0.bitmaps.0=x"),
        Value,
        99,
        "Invalid parameter type for 'block-bitmap-mapping.0.bitmaps.0', expected: object",
    );
    err(
        &format!("{BBM},block-bitmap-mapping.0.bitmaps="),
        Value,
        97,
        "Invalid parameter type for 'block-bitmap-mapping.0.bitmaps', expected: array",
    );
    err(
        &format!("{BBM},block-bitmap-mapping.0.bitmaps.x=1"),
        Value,
        66,
        "Invalid parameter type for 'block-bitmap-mapping.0.bitmaps', expected: array",
    );
    err(
        &format!("{BBM},block-bitmap-mapping.0.foo=1"),
        Value,
        0,
        "Parameter 'block-bitmap-mapping.0.bitmaps' is missing",
    );
    err(
        "block-bitmap-mapping.0.node-name.x=a",
        Unexpected,
        0,
        "Parameters 'block-bitmap-mapping.0.node-name.*' are unexpected",
    );
    // Each node's bitmaps are its own: node 1's index 1 does not fill node 0's list.
    err(
        &format!("{BBM},{BBM1},block-bitmap-mapping.0.bitmaps.0.name=x,block-bitmap-mapping.0.bitmaps.0.alias=y,block-bitmap-mapping.1.bitmaps.1.name=z,block-bitmap-mapping.1.bitmaps.1.alias=w"),
        Syntax,
        213,
        "Parameter 'block-bitmap-mapping.1.bitmaps.0' missing",
    );
    err(
        "block-bitmap-mapping.1.bitmaps.0.name=z,block-bitmap-mapping.0.bitmaps.1.name=x",
        Syntax,
        40,
        "Parameter 'block-bitmap-mapping.0.bitmaps.0' missing",
    );
    // Of several unexpected members, QEMU names the one its walk finishes first (offset: the
    // member's name): an earlier node before a later one, a bitmap before its node,
    // whatever the text order.
    let two = format!("{BBM},{BBM1},block-bitmap-mapping.0.bitmaps.0.name=n,block-bitmap-mapping.0.bitmaps.0.alias=m,block-bitmap-mapping.1.bitmaps.0.name=n,block-bitmap-mapping.1.bitmaps.0.alias=m");
    for (extra, at, name) in [
        ("0.foo=1,block-bitmap-mapping.1.bar=1", 317, "0.foo"),
        ("1.bar=1,block-bitmap-mapping.0.foo=1", 346, "0.foo"),
        (
            "0.bitmaps.0.foo=1,block-bitmap-mapping.0.bar=1",
            327,
            "0.bitmaps.0.foo",
        ),
        (
            "0.bar=1,block-bitmap-mapping.0.bitmaps.0.foo=1",
            356,
            "0.bitmaps.0.foo",
        ),
    ] {
        err(
            &format!("{two},block-bitmap-mapping.{extra}"),
            Unexpected,
            at,
            &format!("Parameter 'block-bitmap-mapping.{name}' is unexpected"),
        );
    }
    // A bitmap, or its transform, whose keys are list indices.
    let bm0 = format!("{BBM},block-bitmap-mapping.0.bitmaps.0.name=n");
    let tr0 = format!("{bm0},block-bitmap-mapping.0.bitmaps.0.alias=m");
    err(
        &format!("{BBM},block-bitmap-mapping.0.bitmaps.0.0=x"),
        Value,
        66,
        "Invalid parameter type for 'block-bitmap-mapping.0.bitmaps.0', expected: object",
    );
    err(
        &format!("{tr0},block-bitmap-mapping.0.bitmaps.0.transform.0=x"),
        Value,
        147,
        "Invalid parameter type for 'block-bitmap-mapping.0.bitmaps.0.transform', expected: object",
    );
    err(
        &format!("{bm0},block-bitmap-mapping.0.bitmaps.0.0=x"),
        Syntax,
        66,
        "Parameters 'block-bitmap-mapping.0.bitmaps.0.*' used inconsistently",
    );
    err(
        &format!("{tr0},block-bitmap-mapping.0.bitmaps.0.transform.persistent=on,block-bitmap-mapping.0.bitmaps.0.transform.0=x"),
        Syntax,
        147,
        "Parameters 'block-bitmap-mapping.0.bitmaps.0.transform.*' used inconsistently",
    );
    err(
        "block-bitmap-mapping.x=1",
        Value,
        0,
        "Invalid parameter type for 'block-bitmap-mapping', expected: array",
    );
    err(
        "block-bitmap-mapping.0.alias=b,block-bitmap-mapping.0.bitmaps.0.alias=m",
        Value,
        0,
        "Parameter 'block-bitmap-mapping.0.node-name' is missing",
    );
    let bm = format!(
        "{BBM},block-bitmap-mapping.0.bitmaps.0.name=n,block-bitmap-mapping.0.bitmaps.0.alias=m"
    );
    ok(
        &format!("{bm},block-bitmap-mapping.0.bitmaps.0.transform.persistent=on"),
        r#"{"block-bitmap-mapping": [{"node-name": "a", "alias": "b", "bitmaps": [{"name": "n", "alias": "m", "transform": {"persistent": true}}]}]}"#,
    );
    err(
        &format!("{bm},block-bitmap-mapping.0.bitmaps.0.transform="),
        Value,
        190,
        "Invalid parameter type for 'block-bitmap-mapping.0.bitmaps.0.transform', expected: object",
    );
    err(
        &format!("{bm},block-bitmap-mapping.0.bitmaps.0.transform.x=1"),
        Unexpected,
        190,
        "Parameter 'block-bitmap-mapping.0.bitmaps.0.transform.x' is unexpected",
    );
    err(
        &format!("{bm},block-bitmap-mapping.0.bitmaps.0.transform.persistent.x=1"),
        Unexpected,
        147,
        "Parameters 'block-bitmap-mapping.0.bitmaps.0.transform.persistent.*' are unexpected",
    );
    err(
        &format!("{bm},block-bitmap-mapping.0.bitmaps.0.transform.persistent=maybe"),
        Value,
        201,
        "Parameter 'block-bitmap-mapping.0.bitmaps.0.transform.persistent' expects 'on' or 'off'",
    );
}

#[test]
fn value_rules() {
    for (v, n) in [
        ("0x2a", 42u64),
        ("052", 42),
        (" 42", 42),
        ("+42", 42),
        ("-18446744073709551615", 1),
    ] {
        ok(
            &format!("downtime-limit={v}"),
            &format!("{{\"downtime-limit\": {n}}}"),
        );
    }
    for v in [
        "3.14",
        "08",
        "18446744073709551616",
        "-18446744073709551616",
        "42 ",
        "",
        "0x",
        "1K",
    ] {
        err(
            &format!("downtime-limit={v}"),
            Value,
            15,
            "Parameter 'downtime-limit' expects integer",
        );
    }
    ok("multifd-channels=255", r#"{"multifd-channels": 255}"#);
    ok(
        "x-checkpoint-delay=4294967295",
        r#"{"x-checkpoint-delay": 4294967295}"#,
    );
    err(
        "x-checkpoint-delay=4294967296",
        Value,
        19,
        "Parameter 'x-checkpoint-delay' expects uint32_t",
    );
    err(
        "multifd-channels=256",
        Value,
        17,
        "Parameter 'multifd-channels' expects uint8_t",
    );
    err(
        "multifd-channels=-1",
        Value,
        17,
        "Parameter 'multifd-channels' expects uint8_t",
    );
    ok(
        "multifd-channels=-18446744073709551615",
        r#"{"multifd-channels": 1}"#,
    );
    ok("multifd-channels=0377", r#"{"multifd-channels": 255}"#);
    err(
        "x-checkpoint-delay=4294967296",
        Value,
        19,
        "Parameter 'x-checkpoint-delay' expects uint32_t",
    );
    for (v, n) in [
        ("8b", 8u64),
        ("1.5k", 1536),
        ("2M", 2097152),
        ("0.1G", 107374182),
        ("16777215T", 18446742974197923840),
        ("0x1b", 27),
    ] {
        ok(
            &format!("max-bandwidth={v}"),
            &format!("{{\"max-bandwidth\": {n}}}"),
        );
    }
    for v in [
        "-1",
        "18446744073709551616",
        "16777216T",
        "0Z",
        "16Gi",
        "1.5",
        "1 K",
        "-0",
    ] {
        err(
            &format!("max-bandwidth={v}"),
            Value,
            14,
            "Parameter 'max-bandwidth' expects size",
        );
    }
    for v in ["On", "Y", "True", "1", "0", "", " on", "offer"] {
        err(
            &format!("direct-io={v}"),
            Value,
            10,
            "Parameter 'direct-io' expects 'on' or 'off'",
        );
    }
    for (v, b) in [
        ("on", true),
        ("yes", true),
        ("true", true),
        ("y", true),
        ("off", false),
        ("no", false),
        ("false", false),
        ("n", false),
    ] {
        ok(
            &format!("direct-io={v}"),
            &format!("{{\"direct-io\": {b}}}"),
        );
    }
    for v in [" normal", "normal ", "", "Normal", "cpr_exec"] {
        err(
            &format!("mode={v}"),
            Value,
            5,
            &format!("Parameter 'mode' does not accept value '{v}'"),
        );
    }
    err(
        "mode=a,,b",
        Value,
        5,
        "Parameter 'mode' does not accept value 'a,b'",
    );
    err(
        "multifd-channels=abc,announce-initial=x",
        Value,
        38,
        "Parameter 'announce-initial' expects size",
    );
    err(
        "foo=1,multifd-channels=abc",
        Value,
        23,
        "Parameter 'multifd-channels' expects integer",
    );
}

#[test]
fn checks_over_merged_values() {
    err(
        "multifd-channels=0",
        Check,
        17,
        "Option multifd-channels expects a value between 1 and 255",
    );
    err(
        "announce-step=0",
        Check,
        14,
        "Option announce-step expects a value between 0 and 10000",
    );
    err(
        "max-cpu-throttle=19",
        Check,
        17,
        "Option max-cpu-throttle expects an integer in the range of cpu-throttle-initial to 99",
    );
    ok("max-cpu-throttle=20", r#"{"max-cpu-throttle": 20}"#);
    err(
        "cpu-throttle-initial=100",
        Check,
        21,
        "Option cpu-throttle-initial expects an integer in the range of 1 to 99",
    );
    ok(
        "cpu-throttle-initial=50,max-cpu-throttle=60",
        r#"{"cpu-throttle-initial": 50, "max-cpu-throttle": 60}"#,
    );
    err(
        "downtime-limit=2000001",
        Check,
        15,
        "Option downtime-limit expects an integer in the range of 0 to (2000 * 1000) ms",
    );
    ok("downtime-limit=2000000", r#"{"downtime-limit": 2000000}"#);
    for v in ["0", "2048", "4095", "6144", "18446744073709551615"] {
        err(
            &format!("xbzrle-cache-size={v}"),
            Check,
            18,
            "Option xbzrle-cache-size expects a power of two no less than the target page size",
        );
    }
    err(
        "x-rdma-chunk-size=1024",
        Check,
        18,
        "Option x_rdma_chunk_size expects a power of 2 in the range 1MiB to 1024MiB",
    );
    ok(
        "x-rdma-chunk-size=1073741824",
        r#"{"x-rdma-chunk-size": 1073741824}"#,
    );
    err(
        "x-rdma-chunk-size=1G",
        Value,
        18,
        "Parameter 'x-rdma-chunk-size' expects integer",
    );
    err(
        "vcpu-dirty-limit=0",
        Check,
        17,
        "Parameter 'vcpu-dirty-limit' must be greater than 1 MB/s",
    );
    // First failing check in migrate_params_check order, whatever the input order.
    err(
        "multifd-channels=0,throttle-trigger-threshold=0",
        Check,
        46,
        "Option throttle-trigger-threshold expects an integer in the range of 1 to 100",
    );
}

#[test]
fn bitmap_mapping_checks() {
    let node = |n: usize, name: &str, alias: &str| {
        format!("block-bitmap-mapping.{n}.node-name={name},block-bitmap-mapping.{n}.alias={alias}")
    };
    let bm = |n: usize, b: usize, name: &str, alias: &str| {
        format!("block-bitmap-mapping.{n}.bitmaps.{b}.name={name},block-bitmap-mapping.{n}.bitmaps.{b}.alias={alias}")
    };
    let pre = "Invalid mapping given for block-bitmap-mapping: ";
    let e = |s: &str| parse(s).map_err(|e| (e.0, e.2));
    let c = |m: &str| Err((Check, format!("{pre}{m}")));
    assert_eq!(
        e(&format!(
            "{},{}",
            node(0, "drive0", "1x"),
            bm(0, 0, "b", "c")
        )),
        c("The node alias '1x' is not well-formed")
    );
    assert_eq!(
        e(&format!("{},{}", node(0, "drive0", ""), bm(0, 0, "b", "c"))),
        c("The node alias '' is not well-formed")
    );
    let long = "n".repeat(32);
    assert_eq!(
        e(&format!("{},{}", node(0, &long, "a"), bm(0, 0, "b", "c"))),
        c(&format!("The node name '{long}' is longer than 31 bytes"))
    );
    assert_eq!(
        e(&format!(
            "{},{},{},{}",
            node(0, "d", "a"),
            bm(0, 0, "b", "c"),
            node(1, "d", "a2"),
            bm(1, 0, "b", "c")
        )),
        c("The node name 'd' is mapped twice")
    );
    assert_eq!(
        e(&format!(
            "{},{},{}",
            node(0, "d", "a"),
            bm(0, 0, "b", "c"),
            bm(0, 1, "b", "c2")
        )),
        c("The bitmap 'd'/'b' is mapped twice")
    );
    assert_eq!(
        e(&format!(
            "{},{},{},{}",
            node(0, "d", "a"),
            bm(0, 0, "b", "c"),
            node(1, "d2", "a"),
            bm(1, 0, "b", "c")
        )),
        c("The node alias 'a' is used twice")
    );
    assert_eq!(
        e(&format!(
            "{},{},{}",
            node(0, "d", "a"),
            bm(0, 0, "b", "c"),
            bm(0, 1, "b2", "c")
        )),
        c("The bitmap alias 'a'/'c' is used twice")
    );
}

#[test]
fn atomic_and_merging() {
    let mut p = Params::new();
    p.parse(b"multifd-channels=4,tls-creds=abc,cpr-exec-command.0=x,cpr-exec-command.1=y")
        .unwrap();
    let before = p.clone();
    for bad in [
        "multifd-channels=0",
        "tls-creds=zzz,foo=1",
        "a.b=1,a=2",
        "help",
        "mode=bogus,tls-creds=q",
    ] {
        assert!(p.parse(bad.as_bytes()).is_err());
        assert!(p.same_as(&before), "{bad} changed the table");
        let bytes_eq = {
            let a: &Params = &p;
            let b: &Params = &before;
            a.tls_bytes() == b.tls_bytes()
        };
        assert!(bytes_eq);
    }
    // A second parse merges: what it sets replaces, the rest stays.
    p.parse(b"tls-creds=longer-than-before,tls-hostname=h")
        .unwrap();
    assert_eq!(
        json_of(&p),
        r#"{"tls-creds": "longer-than-before", "tls-hostname": "h", "multifd-channels": 4, "cpr-exec-command": ["x", "y"]}"#
    );
    p.parse(b"cpr-exec-command.0=only").unwrap();
    assert_eq!(
        json_of(&p),
        r#"{"tls-creds": "longer-than-before", "tls-hostname": "h", "multifd-channels": 4, "cpr-exec-command": ["only"]}"#
    );
    p.parse(b"tls-creds=").unwrap();
    assert_eq!(
        json_of(&p),
        r#"{"tls-creds": "", "tls-hostname": "h", "multifd-channels": 4, "cpr-exec-command": ["only"]}"#
    );
    // The merged check sees earlier values.
    p.parse(b"cpu-throttle-initial=50,max-cpu-throttle=60")
        .unwrap();
    assert!(p.parse(b"max-cpu-throttle=40").is_err());
    assert!(p.parse(b"cpu-throttle-initial=70").is_err());
}

#[test]
fn capacities() {
    let mut list = String::new();
    for i in 0..64 {
        list.push_str(&format!("cpr-exec-command.{i}=a,"));
    }
    let mut p = Params::new();
    p.parse(list.as_bytes()).unwrap();
    assert_eq!(p.exec_len(), 64);
    let over = format!("{list}cpr-exec-command.64=a");
    let e = Params::new().parse(over.as_bytes()).unwrap_err();
    assert_eq!(e.status(), Capacity);
    assert_eq!(
        e.to_string(),
        "Parameter 'cpr-exec-command' has more elements than migcfg holds (64)"
    );
    // A gap below the capacity is QEMU's error, found first.
    let gap = list.replace("cpr-exec-command.3=a,", "") + "cpr-exec-command.70=a";
    assert_eq!(
        Params::new().parse(gap.as_bytes()).unwrap_err().to_string(),
        "Parameter 'cpr-exec-command.3' missing"
    );
    // Strings share 8192 bytes.
    let big = "x".repeat(8000);
    let mut p = Params::new();
    p.parse(format!("tls-creds={big}").as_bytes()).unwrap();
    let e = p
        .parse(format!("tls-hostname={}", "y".repeat(300)).as_bytes())
        .unwrap_err();
    assert_eq!((e.status(), e.offset), (Capacity, 13));
    assert_eq!(
        e.to_string(),
        "Parameter 'tls-hostname' does not fit: the strings of a table share 8192 bytes"
    );
    // The error names the parameter whose string goes past the room, lists too.
    let y = "y".repeat(300);
    for (text, name) in [
        (format!("cpr-exec-command.0={y}"), "cpr-exec-command"),
        (
            format!("block-bitmap-mapping.0.node-name=n,block-bitmap-mapping.0.alias={},block-bitmap-mapping.0.bitmaps.0.name=b,block-bitmap-mapping.0.bitmaps.0.alias=c", &y[..200]),
            "block-bitmap-mapping",
        ),
    ] {
        let e = p.parse(text.as_bytes()).unwrap_err();
        assert_eq!(
            (e.status(), e.offset, e.to_string()),
            (
                Capacity,
                0,
                format!("Parameter '{name}' does not fit: the strings of a table share 8192 bytes")
            )
        );
    }
    // Replacing the big string frees its room.
    p.parse(format!("tls-creds=,tls-hostname={}", "y".repeat(8192)).as_bytes())
        .unwrap();
    assert_eq!(p.string(9).unwrap().len(), 8192);
}

/// Keyval items for node `i` of the bitmap mapping with bitmaps `bitmaps`.
fn bbm_node(i: usize, bitmaps: std::ops::Range<usize>) -> Vec<String> {
    let mut v = vec![
        format!("block-bitmap-mapping.{i}.node-name=n{i}"),
        format!("block-bitmap-mapping.{i}.alias=a{i}"),
    ];
    for j in bitmaps {
        v.push(format!("block-bitmap-mapping.{i}.bitmaps.{j}.name=b{j}"));
        v.push(format!("block-bitmap-mapping.{i}.bitmaps.{j}.alias=c{j}"));
    }
    v
}

fn text_at(text: &str, what: &str) -> usize {
    text.find(what).unwrap()
}

#[test]
fn bitmap_mapping_capacities() {
    const OVER: &str = "Parameter 'block-bitmap-mapping' has more nodes or bitmaps than migcfg holds (8 nodes, 32 bitmaps)";
    // 8 nodes of 4 bitmaps, or one node of 32: what the table holds.
    let full: Vec<String> = (0..8).flat_map(|i| bbm_node(i, 0..4)).collect();
    let mut p = Params::new();
    p.parse(full.join(",").as_bytes()).unwrap();
    assert_eq!((p.nodes_len(), p.node(7).unwrap().bitmaps), (8, 4));
    let one = bbm_node(0, 0..32);
    p.parse(one.join(",").as_bytes()).unwrap();
    assert_eq!((p.nodes_len(), p.node(0).unwrap().bitmaps), (1, 32));
    // One node more, whole or not (QEMU would take the first and name what the second
    // misses), or one bitmap more: the capacity error, at the first key past it.
    let at = full.join(",").len() + 1;
    for extra in [
        bbm_node(8, 0..1),
        vec!["block-bitmap-mapping.8.node-name=x".into()],
        vec!["block-bitmap-mapping.8.foo.bar=x".into()],
    ] {
        let text = [full.clone(), extra].concat().join(",");
        err(&text, Capacity, at, OVER);
    }
    // Keys below an element past the capacity still conflict as QEMU's do (QEMU's answers),
    // at the second key, in either order.
    for (x, y) in [("x=1", "x.y=2"), ("x.y=2", "x=1")] {
        let extra = [x, y].map(|k| format!("block-bitmap-mapping.8.{k}"));
        let text = [full.clone(), extra.to_vec()].concat().join(",");
        let second = at + extra[0].len() + 1;
        err(
            &text,
            Syntax,
            second,
            "Parameters 'block-bitmap-mapping.8.x.*' used inconsistently",
        );
    }
    // And so do keys past the capacity of `cpr-exec-command`.
    err(
        "cpr-exec-command.70=a,cpr-exec-command.70.b=c",
        Syntax,
        22,
        "Parameters 'cpr-exec-command.70.*' used inconsistently",
    );
    let text = [one.clone(), bbm_node(0, 32..33)[2..].to_vec()]
        .concat()
        .join(",");
    err(&text, Capacity, one.join(",").len() + 1, OVER);
    // The same in JSON: the error is at the first element past the capacity.
    let json_node = |i: usize, n: usize| {
        let bitmaps: Vec<String> = (0..n)
            .map(|j| format!(r#"{{"name": "b{j}", "alias": "c{j}"}}"#))
            .collect();
        format!(
            r#"{{"node-name": "n{i}", "alias": "a{i}", "bitmaps": [{}]}}"#,
            bitmaps.join(", ")
        )
    };
    let json =
        |nodes: Vec<String>| format!(r#"{{"block-bitmap-mapping": [{}]}}"#, nodes.join(", "));
    let eight: Vec<String> = (0..8).map(|i| json_node(i, 4)).collect();
    Params::new().parse(json(eight.clone()).as_bytes()).unwrap();
    let nine = json([eight, vec![json_node(8, 0)]].concat());
    err(
        &nine,
        Capacity,
        text_at(&nine, r#"{"node-name": "n8""#),
        OVER,
    );
    let wide = json(vec![json_node(0, 33)]);
    err(&wide, Capacity, text_at(&wide, r#"{"name": "b32""#), OVER);
    // A gap below the capacity is QEMU's error, found first.
    let mut gap = full.clone();
    gap.truncate(full.len() - 2);
    gap.extend(bbm_node(7, 4..5)[2..].iter().cloned());
    err(
        &gap.join(","),
        Syntax,
        // Where node 7's list of bitmaps is first met.
        text_at(&gap.join(","), "block-bitmap-mapping.7.bitmaps"),
        "Parameter 'block-bitmap-mapping.7.bitmaps.3' missing",
    );
}

/// Keyval items for `cpr-exec-command` elements `range`.
fn exec_items(range: std::ops::Range<usize>) -> Vec<String> {
    range
        .map(|i| format!("cpr-exec-command.{i}=a{i}"))
        .collect()
}

#[test]
fn past_a_capacity_qemus_error_only_when_qemu_meets_it_first() {
    const OVER_BBM: &str = "Parameter 'block-bitmap-mapping' has more nodes or bitmaps than migcfg holds (8 nodes, 32 bitmaps)";
    const OVER_EXEC: &str = "Parameter 'cpr-exec-command' has more elements than migcfg holds (64)";
    let ex = exec_items(0..64).join(",");
    let nodes: Vec<String> = (0..8).flat_map(|i| bbm_node(i, 0..1)).collect();
    let nodes = nodes.join(",");
    // QEMU's answers are in the comments. What QEMU meets before the first element past a
    // capacity is QEMU's error: a gap below 64, an element list converted below it, a
    // parameter visited before the list.
    err(
        &format!("{ex},cpr-exec-command.64.1=b,foo=1"),
        Syntax,
        ex.len() + 1,
        "Parameter 'cpr-exec-command.64.0' missing",
    );
    let e64: Vec<String> = (0..64).map(|i| format!("\"a{i}\"")).collect();
    let json_exec = format!(
        r#"{{"cpr-exec-command": [{}, 1], "mode": "bad"}}"#,
        e64.join(", ")
    );
    err(
        &json_exec,
        Value,
        json_exec.find(r#""bad""#).unwrap(),
        "Parameter 'mode' does not accept value 'bad'",
    );
    // Otherwise the capacity error: QEMU's own may lie past the capacity. Each of these
    // used to give an error QEMU does not give.
    // QEMU: Parameter 'cpr-exec-command.64' missing (list conversion, before the visit).
    for text in [
        format!("{ex},cpr-exec-command.65=b,mode=bad"),
        format!("announce-initial=x,{ex},cpr-exec-command.65=b"),
    ] {
        err(&text, Capacity, text.find(".65=").unwrap() - 16, OVER_EXEC);
    }
    // QEMU: Parameters 'cpr-exec-command.64.*' are unexpected.
    let text = format!("{ex},cpr-exec-command.64.x=b,foo=1");
    err(&text, Capacity, ex.len() + 1, OVER_EXEC);
    // QEMU: Invalid parameter type for 'cpr-exec-command[64]', expected: string.
    let text = format!(
        r#"{{"cpr-exec-command": [{}, 1], "foo": 1}}"#,
        e64.join(", ")
    );
    err(&text, Capacity, text.find(", 1]").unwrap() + 2, OVER_EXEC);
    // QEMU: Parameter 'block-bitmap-mapping.8.alias' is missing (the visit meets node 8
    // before `mode` and before the unexpected `foo`).
    for tail in ["foo=1", "mode=bad", "cpr-exec-command.0.x=1"] {
        let text = format!("{nodes},block-bitmap-mapping.8.node-name=n,{tail}");
        err(&text, Capacity, nodes.len() + 1, OVER_BBM);
    }
    // QEMU: Parameter 'block-bitmap-mapping[8].alias' is missing.
    let n8: Vec<String> = (0..8)
        .map(|i| format!(r#"{{"node-name": "n", "alias": "a{i}", "bitmaps": []}}"#))
        .collect();
    let text = format!(
        r#"{{"block-bitmap-mapping": [{}, {{"node-name": "x"}}], "mode": "bad"}}"#,
        n8.join(", ")
    );
    err(
        &text,
        Capacity,
        text.find(r#"{"node-name": "x"}"#).unwrap(),
        OVER_BBM,
    );
    // QEMU: Parameter 'block-bitmap-mapping[0].zz' is unexpected, after the 33rd bitmap.
    let b33: Vec<String> = (0..33)
        .map(|j| format!(r#"{{"name": "b{j}", "alias": "c{j}"}}"#))
        .collect();
    let text = format!(
        r#"{{"block-bitmap-mapping": [{{"node-name": "n", "alias": "a", "bitmaps": [{}], "zz": 1}}]}}"#,
        b33.join(", ")
    );
    err(
        &text,
        Capacity,
        text.find(r#"{"name": "b32""#).unwrap(),
        OVER_BBM,
    );
    // Keyval bitmap slots go to bitmaps in the order met. QEMU accepts both: the first
    // used to say node 0's bitmap 0 is missing, the second that node 7's bitmaps are not
    // a list.
    let mut first = bbm_node(0, 1..2);
    first.extend(bbm_node(1, 0..31));
    let at = first.join(",").len() + 1;
    first.extend(bbm_node(0, 0..1)[2..].to_vec());
    err(&first.join(","), Capacity, at, OVER_BBM);
    let full: Vec<String> = (0..7).flat_map(|i| bbm_node(i, 0..5)).collect();
    let mut second: Vec<String> = full.into_iter().take(2 * 7 + 2 * 32).collect();
    second.extend(bbm_node(7, 0..1));
    // A node whose bitmaps got one slot and ran out is still a list (QEMU accepts too).
    let mut third = bbm_node(0, 0..31);
    third.extend(bbm_node(1, 0..2));
    for (items, past) in [
        (second, "block-bitmap-mapping.7.bitmaps"),
        (third, "block-bitmap-mapping.1.bitmaps.1"),
    ] {
        let text = items.join(",");
        err(&text, Capacity, text.find(past).unwrap(), OVER_BBM);
    }
    // The same under the mapping, for its nodes or a node's bitmaps: the mapping's error.
    // (QEMU's list conversion finds no gap in these; its visit then reports
    // 'block-bitmap-mapping.0.alias', and 'block-bitmap-mapping.0.node-name', missing.)
    for key in [
        "block-bitmap-mapping.{i}.node-name=n",
        "block-bitmap-mapping.0.bitmaps.{i}.name=b",
    ] {
        let items: Vec<String> = (0..65)
            .map(|i| key.replace("{i}", &i.to_string()))
            .collect();
        let text = items.join(",");
        let at = text.find(&key.replace("{i}", "64")).unwrap();
        err(&text, Capacity, at, OVER_BBM);
    }
    // A list past the dictionaries list conversion judges (16 with indices come first) is
    // still caught where the visit reaches its element 64 (QEMU: Parameter 'd7' is
    // unexpected).
    let dicts: Vec<String> = (0..16).map(|i| format!("d{i}.0=1")).collect();
    let text = format!("{},{ex},cpr-exec-command.64=b", dicts.join(","));
    err(
        &text,
        Capacity,
        text.find("cpr-exec-command.64").unwrap(),
        OVER_EXEC,
    );
    // Indices past 63 of a dictionary outside the schema: whether one is missing cannot
    // be told (QEMU: Parameter 'foo' is unexpected, or 'foo.N' missing).
    let foo: Vec<String> = (0..65).map(|i| format!("foo.{i}=1")).collect();
    let text = foo.join(",");
    err(
        &text,
        Capacity,
        text.find("foo.64").unwrap(),
        "Parameter 'foo' has more elements than migcfg holds (64)",
    );
}

#[test]
fn nul_and_non_utf8() {
    let e = Params::new().parse(b"tls-creds=a\0b").unwrap_err();
    assert_eq!((e.status(), e.offset), (Syntax, 11));
    let mut p = Params::new();
    p.parse(b"tls-creds=\xff\xfe").unwrap();
    assert_eq!(p.string(8).unwrap(), b"\xff\xfe");
}

#[test]
fn keys_outside_the_lists_compare_as_text() {
    // QEMU's dictionaries hold `1` and `01` as two keys; only list conversion reads them as
    // one index. Outside `cpr-exec-command` and `block-bitmap-mapping` migcfg does the same,
    // and spells paths as the input does (QEMU's answers).
    err("foo.01=1,foo.1.x=2", Syntax, 0, "Parameter 'foo.0' missing");
    err("foo.1=a,foo.01=b", Syntax, 0, "Parameter 'foo.0' missing");
    err(
        "foo.01.0=a,foo.1.2=b",
        Syntax,
        11,
        "Parameter 'foo.1.0' missing",
    );
    err(
        "a.00.x=1,a.00.0=2",
        Syntax,
        0,
        "Parameters 'a.00.*' used inconsistently",
    );
    err(
        "foo.01=a,foo.01.x=b",
        Syntax,
        9,
        "Parameters 'foo.01.*' used inconsistently",
    );
    err(
        "block-bitmap-mapping.00.bitmaps.x.63=on",
        Syntax,
        0,
        "Parameter 'block-bitmap-mapping.00.bitmaps.x.0' missing",
    );
}

#[test]
fn list_dictionaries_past_the_capacity() {
    use migcfg_core::keyval::LIST_DICT_CAPACITY;
    // Dictionaries with a list index, then `y` with a gap. Within the capacity the gap is
    // QEMU's answer; past it the gap goes unjudged, and the input is refused all the same
    // (QEMU would name the gap).
    let text = |n: usize| {
        let mut t: Vec<String> = (0..n).map(|i| format!("x{i}.0=1")).collect();
        t.push("y.1=1".into());
        t.join(",")
    };
    let t = text(LIST_DICT_CAPACITY - 1);
    err(
        &t,
        Syntax,
        t.find("y.1").unwrap(),
        "Parameter 'y.0' missing",
    );
    // Past it, the visit's error for the unexpected keys (which of them: GLib's order).
    let t = text(LIST_DICT_CAPACITY);
    err(
        &t,
        Unexpected,
        t.find("x15.0").unwrap(),
        "Parameter 'x15' is unexpected",
    );
    // One key nested list index in list index: each level misses element 0, and QEMU's
    // walk, children first, names the deepest. Within the capacity migcfg does too; past
    // it, the deepest it judged.
    let chain = |depth: usize| format!("x{}=a", ".1".repeat(depth));
    let missing = |depth: usize| format!("Parameter 'x{}.0' missing", ".1".repeat(depth));
    err(
        &chain(LIST_DICT_CAPACITY),
        Syntax,
        0,
        &missing(LIST_DICT_CAPACITY - 1),
    );
    // QEMU: "Parameter 'x.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.0' missing".
    err(
        &chain(LIST_DICT_CAPACITY + 1),
        Syntax,
        0,
        &missing(LIST_DICT_CAPACITY - 1),
    );
}
