//! Apply and re-check at migration-object time, capabilities, release targeting, and the
//! unstable-input policy.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use migcfg_core::apply::{Item, Value};
use migcfg_core::error::ERROR_MAX;
use migcfg_core::format::{self, FormatFlags, Out};
use migcfg_core::schema::{self, cap, CapSet};
use migcfg_core::{Flags, Params, Status};

mod common;
use common::{id, CAPS};

fn msg(p: &mut Params, text: &str, flags: Flags) -> String {
    p.parse_with(text.as_bytes(), flags)
        .unwrap_err()
        .to_string()
}

fn json(p: &Params) -> String {
    let mut buf = vec![0u8; 4096];
    let mut o = Out::new(&mut buf);
    let flags = FormatFlags {
        capabilities: true,
        ..FormatFlags::default()
    };
    format::json(p, flags, &mut o);
    let n = o.len();
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

#[test]
fn capabilities_are_opt_in() {
    let mut p = Params::new();
    assert_eq!(
        msg(&mut p, "multifd=on", Flags::default()),
        "Parameter 'multifd' is unexpected"
    );
    assert_eq!(
        p.parse_with(b"multifd=on,postcopy-ram=on,multifd-channels=4", CAPS)
            .unwrap(),
        Status::Ok
    );
    assert_eq!(p.caps(), CapSet::MULTIFD | CapSet::POSTCOPY_RAM);
    assert_eq!(p.cap(10), Some(true));
    assert_eq!(p.cap(0), None);
    assert_eq!(
        p.parse_with(b"{\"multifd\": false, \"xbzrle\": true}", CAPS)
            .unwrap(),
        Status::Ok
    );
    assert_eq!(p.caps(), CapSet::POSTCOPY_RAM | CapSet::XBZRLE);
    assert_eq!(p.cap(10), Some(false), "set off is still set");
    let mut q = Params::new();
    q.parse_with(b"multifd=off,events=on", CAPS).unwrap();
    assert_eq!(q.caps().bits(), cap_bit("events"));
    assert_eq!(q.caps_set().bits(), cap::MULTIFD | cap_bit("events"));
    assert_eq!(json(&q), r#"{"events": true, "multifd": false}"#);
    let mut buf = vec![0u8; 256];
    let mut o = Out::new(&mut buf);
    format::caps_json(&q, &mut o);
    let n = o.len();
    assert_eq!(
        std::str::from_utf8(&buf[..n]).unwrap(),
        r#"{"capabilities": [{"capability": "events", "state": true}, {"capability": "multifd", "state": false}]}"#
    );
    assert_eq!(
        msg(&mut q, "multifd=maybe", CAPS),
        "Parameter 'multifd' expects 'on' or 'off'"
    );
}

/// A capability's position in `schema::CAPS` (its bit number).
fn cap_index(name: &str) -> usize {
    schema::cap_lookup(name.as_bytes()).unwrap()
}

fn cap_bit(name: &str) -> u64 {
    1 << cap_index(name)
}

#[test]
fn capability_checks() {
    let cases = [
        (
            "x-colo=on",
            "Capability 'x-colo' requires capability 'return-path'",
        ),
        (
            "postcopy-ram=on,x-ignore-shared=on",
            "Postcopy is not compatible with ignore-shared",
        ),
        (
            "background-snapshot=on,xbzrle=on",
            "Background-snapshot is not compatible with xbzrle",
        ),
        (
            "background-snapshot=on,multifd=on,postcopy-ram=on",
            "Background-snapshot is not compatible with postcopy-ram",
        ),
        (
            "zero-copy-send=on",
            "Zero copy only available for non-compressed non-TLS multifd migration",
        ),
        (
            "zero-copy-send=on,multifd=on,multifd-compression=zlib",
            "Zero copy only available for non-compressed non-TLS multifd migration",
        ),
        (
            "postcopy-preempt=on",
            "Postcopy preempt requires postcopy-ram",
        ),
        (
            "switchover-ack=on",
            "Capability 'switchover-ack' requires capability 'return-path'",
        ),
        (
            "dirty-limit=on,auto-converge=on",
            "dirty-limit conflicts with auto-converge either of then available currently",
        ),
        (
            "multifd=on,xbzrle=on",
            "Multifd is not compatible with xbzrle",
        ),
        (
            "mapped-ram=on,xbzrle=on",
            "Mapped-ram migration is incompatible with xbzrle",
        ),
        (
            "mapped-ram=on,postcopy-ram=on,multifd=on",
            "Multifd is not supported with fast snapshot load",
        ),
        (
            "mapped-ram=on,postcopy-ram=on,postcopy-preempt=on",
            "Postcopy Preempt is incompatible with fast snapshot load",
        ),
    ];
    for (text, want) in cases {
        let mut p = Params::new();
        let e = p.parse_with(text.as_bytes(), CAPS).unwrap_err();
        assert_eq!(
            (e.status(), e.to_string().as_str()),
            (Status::Check, want),
            "{text}"
        );
    }
    let mut p = Params::new();
    p.parse_with(
        b"zero-copy-send=on,multifd=on,x-colo=on,return-path=on,switchover-ack=on",
        CAPS,
    )
    .unwrap();
    // Parameter checks run first, then capability checks, all on merged values.
    assert_eq!(
        msg(&mut p, "tls-creds=t", CAPS),
        "Zero copy only available for non-compressed non-TLS multifd migration"
    );
    assert_eq!(
        msg(&mut p, "return-path=off", CAPS),
        "Capability 'x-colo' requires capability 'return-path'"
    );
    // Mapped-ram looks at the values before the update (QEMU's quirk).
    let mut m = Params::new();
    m.parse_with(b"multifd-compression=zlib", CAPS).unwrap();
    assert_eq!(
        msg(&mut m, "mapped-ram=on,multifd-compression=none", CAPS),
        "Mapped-ram only available for non-compressed non-TLS multifd migration"
    );
    let mut m = Params::new();
    m.parse_with(b"mapped-ram=on,multifd-compression=zlib", CAPS)
        .unwrap();
}

#[test]
fn release_targeting() {
    let mut p = Params::new();
    p.set_target(10, 2).unwrap();
    assert_eq!(
        msg(&mut p, "local=on", Flags::default()),
        "Parameter 'local' is unexpected"
    );
    assert_eq!(
        msg(&mut p, "{\"x-rdma-chunk-size\": 1048576}", Flags::default()),
        "Parameter 'x-rdma-chunk-size' is unexpected"
    );
    p.parse_with(b"zero-blocks=on", CAPS).unwrap();
    assert_eq!(p.caps().bits(), cap_bit("zero-blocks"));
    let mut q = Params::new();
    q.set_target(11, 0).unwrap();
    assert_eq!(
        msg(&mut q, "zero-blocks=on", CAPS),
        "Parameter 'zero-blocks' is unexpected"
    );
    q.parse(b"x-rdma-chunk-size=2097152").unwrap_err();
    let mut n = Params::new();
    assert_eq!(
        msg(&mut n, "zero-blocks=on", CAPS),
        "Parameter 'zero-blocks' is unexpected"
    );
    n.parse(b"local=on,x-rdma-chunk-size=2097152").unwrap();
    let mut old = Params::new();
    old.set_target(8, 0).unwrap();
    assert_eq!(
        msg(&mut old, "mode=normal", Flags::default()),
        "Parameter 'mode' is unexpected"
    );
    // What 8.0 has is taken.
    old.parse_with(b"multifd-channels=4,zero-blocks=on", CAPS)
        .unwrap();
    assert_eq!(old.scalar(id("multifd-channels")), Some(4));
    assert_eq!(Params::new().set_target(0, 9), Err(Status::InvalidArg));
    assert_eq!(Params::new().set_target(256, 0), Err(Status::InvalidArg));
}

#[test]
fn unstable_policy() {
    let reject = Flags {
        reject_unstable: true,
        ..CAPS
    };
    let mut p = Params::new();
    assert_eq!(
        msg(&mut p, "x-checkpoint-delay=1", reject),
        "Unstable parameter x-checkpoint-delay disabled by policy"
    );
    assert_eq!(
        msg(&mut p, "x-colo=on", reject),
        "Unstable parameter x-colo disabled by policy"
    );
    // Visit order decides: announce-initial comes before x-checkpoint-delay.
    assert_eq!(
        msg(&mut p, "x-checkpoint-delay=1,announce-initial=x", reject),
        "Parameter 'announce-initial' expects size"
    );
    assert_eq!(
        msg(&mut p, "x-ignore-shared=on", reject),
        "Unstable parameter x-ignore-shared disabled by policy"
    );
    // The offset is the member's name, in either syntax (JSON: its opening quote, past
    // blanks and the colon, whichever quote it uses).
    for (text, at) in [
        ("multifd-channels=1,x-checkpoint-delay=1", 19),
        (
            "{\"multifd-channels\": 1, \"x-checkpoint-delay\" :\n 1}",
            24,
        ),
        ("{'x-colo' : true}", 1),
        ("{\"x-checkpoint-dela\\u0079\": 1}", 1),
    ] {
        let e = Params::new()
            .parse_with(text.as_bytes(), reject)
            .unwrap_err();
        assert_eq!(e.offset, at, "{text}");
        assert_eq!(e.status(), migcfg_core::Status::Unexpected, "{text}");
    }
    // Only the `x-` members are unstable: `xbzrle` is not.
    p.parse_with(b"multifd-channels=3,xbzrle=on", reject)
        .unwrap();
    p.parse(b"x-checkpoint-delay=1").unwrap();
}

#[test]
fn walk_in_schema_order() {
    let mut p = Params::new();
    p.parse_with(b"mode=cpr-exec,multifd=on,cpr-exec-command.0=qemu,tls-creds=t,multifd-channels=4,max-bandwidth=1K,direct-io=on", CAPS)
        .unwrap();
    let got: Vec<(Item, Value<'_>)> = p.iter_set().collect();
    assert_eq!(
        got,
        vec![
            (Item::Param(id("tls-creds")), Value::Str(b"t")),
            (Item::Param(id("max-bandwidth")), Value::Size(1024)),
            (Item::Param(id("multifd-channels")), Value::Uint(4, 8)),
            (Item::Param(id("mode")), Value::Enum(3, "cpr-exec")),
            (Item::Param(id("direct-io")), Value::Bool(true)),
            (Item::Param(id("cpr-exec-command")), Value::StrList(1)),
            (Item::Cap(10), Value::Cap(true)),
        ]
    );
}

#[test]
fn check_over_vmm_defaults() {
    // -global migration.multifd-channels=2 and a machine compat that sets legacy zero pages.
    let mut defaults = Params::new();
    defaults.set_u64(id("multifd-channels"), 2).unwrap();
    defaults
        .set_str(id("zero-page-detection"), b"legacy")
        .unwrap();
    defaults.set_u64(id("cpu-throttle-initial"), 60).unwrap();
    let mut p = Params::new();
    p.parse(b"multifd-channels=4,max-cpu-throttle=50").unwrap();
    // 50 passes over the built-in initial (20) but not over the VMM's (60).
    let e = p.check_over(&defaults).unwrap_err();
    assert_eq!((e.status(), e.offset), (Status::Check, 0));
    assert_eq!(
        e.to_string(),
        "Option max-cpu-throttle expects an integer in the range of cpu-throttle-initial to 99"
    );
    p.check_over(&Params::new()).unwrap();
    p.parse(b"max-cpu-throttle=70").unwrap();
    p.check_over(&defaults).unwrap();
    // Setters refuse what QEMU's types refuse.
    assert_eq!(
        defaults
            .set_u64(id("multifd-channels"), 256)
            .unwrap_err()
            .to_string(),
        "Parameter 'multifd-channels' expects uint8_t"
    );
    assert_eq!(
        defaults
            .set_str(id("mode"), b"bogus")
            .unwrap_err()
            .to_string(),
        "Parameter 'mode' does not accept value 'bogus'"
    );
    assert_eq!(
        defaults.set_bool(id("mode"), true).unwrap_err().status(),
        Status::InvalidArg
    );
    defaults.set_str(id("tls-creds"), b"a,b").unwrap();
    assert_eq!(defaults.string(id("tls-creds")), Some(&b"a,b"[..]));
    defaults.set_str(id("tls-creds"), b"").unwrap();
    assert_eq!(defaults.string(id("tls-creds")), Some(&b""[..]));
    // A defaults table that breaks a rule is caught too.
    let mut bad = Params::new();
    bad.set_u64(id("multifd-channels"), 0).unwrap();
    assert_eq!(
        Params::new().check_over(&bad).unwrap_err().to_string(),
        "Option multifd-channels expects a value between 1 and 255"
    );
}

#[test]
fn every_default_passes_its_own_rule() {
    // The checks skip a rule that reads only its own parameter while that parameter is
    // unset. That holds only if every built-in default passes its rule: set each one to
    // its default explicitly, so that the rule runs.
    let mut ran = 0;
    for (i, d) in schema::PARAMS.iter().enumerate() {
        if !d.check.self_contained() || d.check == schema::Check::None {
            continue;
        }
        let mut p = Params::new();
        match d.kind {
            schema::Kind::Bool => p.set_bool(i, d.default != 0).unwrap(),
            schema::Kind::Enum(names) => {
                p.set_str(i, names[d.default as usize].as_bytes()).unwrap()
            }
            _ => p.set_u64(i, d.default).unwrap(),
        }
        assert!(p.is_set(i), "{}", d.name);
        if let Err(e) = p.check_over(&Params::new()) {
            panic!("{}: {e}", d.name);
        }
        ran += 1;
    }
    assert_eq!(ran, 15);
}

#[test]
fn parse_checks_what_the_table_already_holds() {
    // Setters do not check; the next parse checks the whole effective table, so a bad
    // value a setter left is reported (at the end of the text) even though the input
    // does not name it, and nothing is committed.
    let mut p = Params::new();
    p.set_u64(id("multifd-channels"), 0).unwrap();
    let e = p.parse(b"downtime-limit=300").unwrap_err();
    assert_eq!((e.status(), e.offset), (Status::Check, 18));
    assert_eq!(
        e.to_string(),
        "Option multifd-channels expects a value between 1 and 255"
    );
    assert!(!p.is_set(id("downtime-limit")));
    p.set_u64(id("multifd-channels"), 4).unwrap();
    p.parse(b"downtime-limit=300").unwrap();
    assert_eq!(p.scalar(id("downtime-limit")), Some(300));
}

#[test]
fn capability_setter() {
    let mut p = Params::new();
    assert_eq!(p.set_cap(schema::CAP_COUNT, true), Err(Status::InvalidArg));
    assert_eq!(p.caps_set(), CapSet::empty());
    // Bit 0 (xbzrle) is the first capability: the walk hands it out after every
    // parameter.
    assert_eq!(schema::CAPS[0].name, "xbzrle");
    p.set_cap(0, true).unwrap();
    p.set_cap(cap_index("multifd"), true).unwrap();
    p.set_cap(cap_index("postcopy-ram"), false).unwrap();
    assert_eq!(p.cap(0), Some(true));
    assert_eq!(p.cap(cap_index("postcopy-ram")), Some(false));
    assert_eq!(p.cap(cap_index("return-path")), None);
    assert_eq!(p.caps(), CapSet::XBZRLE | CapSet::MULTIFD);
    assert_eq!(
        p.caps_set(),
        CapSet::XBZRLE | CapSet::MULTIFD | CapSet::POSTCOPY_RAM
    );
    // Switching one off keeps the others.
    p.set_cap(0, false).unwrap();
    assert_eq!(p.cap(0), Some(false));
    assert_eq!(p.caps(), CapSet::MULTIFD);
    p.set_cap(cap_index("return-path"), true).unwrap();
    p.set_cap(cap_index("return-path"), false).unwrap();
    assert_eq!(p.caps(), CapSet::MULTIFD);
    let mut want = vec![
        (Item::Cap(0), Value::Cap(false)),
        (Item::Cap(cap_index("multifd")), Value::Cap(true)),
        (Item::Cap(cap_index("postcopy-ram")), Value::Cap(false)),
        (Item::Cap(cap_index("return-path")), Value::Cap(false)),
    ];
    want.sort_by_key(|(i, _)| match i {
        Item::Cap(b) | Item::Param(b) => *b,
    });
    assert_eq!(p.iter_set().collect::<Vec<_>>(), want);
}

#[test]
fn effective_values_and_setters_bounds() {
    let p = Params::new();
    // An unset mapping has no value (QEMU omits it); an unset command is the empty list.
    assert_eq!(p.get(id("block-bitmap-mapping")), None);
    assert_eq!(p.get(id("cpr-exec-command")), Some(Value::StrList(0)));
    assert_eq!(p.get(id("downtime-limit")), Some(Value::Uint(300, 64)));
    assert_eq!(p.value(id("downtime-limit")), None);

    let mut p = Params::new();
    let delay = id("x-checkpoint-delay");
    p.set_u64(delay, u64::from(u32::MAX)).unwrap();
    assert_eq!(
        p.set_u64(delay, u64::from(u32::MAX) + 1)
            .unwrap_err()
            .to_string(),
        "Parameter 'x-checkpoint-delay' expects uint32_t"
    );
    assert_eq!(p.value(delay), Some(Value::Uint(u64::from(u32::MAX), 32)));

    // Release 1.0 is the oldest target.
    assert_eq!(p.set_target(1, 0), Ok(()));
    assert_eq!(p.set_target(0, 99), Err(Status::InvalidArg));
}

#[test]
fn check_over_reads_capabilities_tls_and_page_size_from_both_tables() {
    let zero_copy = cap_index("zero-copy-send");
    let multifd = cap_index("multifd");
    let mapped = cap_index("mapped-ram");
    let zc_msg = "Zero copy only available for non-compressed non-TLS multifd migration";
    let check = |p: &Params, d: &Params| p.check_over(d).map_err(|e| e.to_string());

    // Zero copy needs multifd: the defaults' multifd counts unless the table sets it.
    let mut p = Params::new();
    p.set_cap(zero_copy, true).unwrap();
    let mut d = Params::new();
    assert_eq!(check(&p, &d), Err(zc_msg.to_string()));
    d.set_cap(multifd, true).unwrap();
    assert_eq!(check(&p, &d), Ok(()));
    p.set_cap(multifd, false).unwrap();
    assert_eq!(check(&p, &d), Err(zc_msg.to_string()));
    p.set_cap(multifd, true).unwrap();
    d.set_cap(multifd, false).unwrap();
    assert_eq!(check(&p, &d), Ok(()));

    // TLS from the defaults, unless the table empties it.
    d.set_str(id("tls-creds"), b"tls0").unwrap();
    assert_eq!(check(&p, &d), Err(zc_msg.to_string()));
    p.set_str(id("tls-creds"), b"").unwrap();
    assert_eq!(check(&p, &d), Ok(()));

    // Mapped-ram reads what the migration object holds now: the defaults.
    let mapped_msg = "Mapped-ram only available for non-compressed non-TLS multifd migration";
    let mut p = Params::new();
    p.set_cap(mapped, true).unwrap();
    let mut d = Params::new();
    assert_eq!(check(&p, &d), Ok(()));
    d.set_str(id("multifd-compression"), b"zlib").unwrap();
    assert_eq!(check(&p, &d), Err(mapped_msg.to_string()));
    let mut d = Params::new();
    d.set_str(id("tls-creds"), b"tls0").unwrap();
    assert_eq!(check(&p, &d), Err(mapped_msg.to_string()));
    d.set_str(id("tls-creds"), b"").unwrap();
    assert_eq!(check(&p, &d), Ok(()));

    // The xbzrle cache against the table's page size.
    let xb = "Option xbzrle-cache-size expects a power of two no less than the target page size";
    let mut p = Params::new();
    p.set_u64(id("xbzrle-cache-size"), 2048).unwrap();
    assert_eq!(check(&p, &Params::new()), Err(xb.to_string()));
    p.set_page_size(2048);
    assert_eq!(check(&p, &Params::new()), Ok(()));

    // A value both tables set is still checked (the table's wins).
    let mut p = Params::new();
    p.set_u64(id("downtime-limit"), 2_000_001).unwrap();
    let mut d = Params::new();
    d.set_u64(id("downtime-limit"), 100).unwrap();
    assert_eq!(
        check(&p, &d),
        Err(
            "Option downtime-limit expects an integer in the range of 0 to (2000 * 1000) ms"
                .to_string()
        )
    );
}

// Every capability rule and every bitmap-mapping bound, each with QEMU's message and the
// byte offset reported: at the value of the capability the rule belongs to, or at the
// first key of `block-bitmap-mapping`. The bounds were answered by QEMU 10.2.2's own
// `migrate_params_check`; the capability rules follow master's `migrate_caps_check`.

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
