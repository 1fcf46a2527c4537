//! The 132 inputs of `conformance-smoke.txt` with QEMU 10.2.2's own answers: every one must
//! come out as QEMU answered, but for the documented differences (master's wording and
//! `StrOrNull` TLS members, every `multifd-compression` value accepted, the first unknown
//! key in the input named).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use migcfg_core::format::{self, FormatFlags, Out};
use migcfg_core::Params;

struct Case {
    input: String,
    check: String,
    range: Option<String>,
}

fn cases() -> Vec<Case> {
    let text = include_str!("data/conformance-smoke.txt");
    let mut out = Vec::new();
    let mut input: Option<String> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("IN:") {
            input = Some(rest.strip_prefix(' ').unwrap_or(rest).to_string());
        } else if let Some(rest) = line.strip_prefix("CHECK: ") {
            out.push(Case {
                input: input.take().unwrap(),
                check: rest.to_string(),
                range: None,
            });
        } else if let Some(rest) = line.strip_prefix("RANGE: ERR-RANGE ") {
            out.last_mut().unwrap().range = Some(rest.to_string());
        }
    }
    out
}

/// 10.2 wording of a range message turned into master's.
fn master_wording(msg: &str) -> String {
    if let Some(rest) = msg.strip_prefix("Parameter '") {
        let (name, tail) = rest.split_once('\'').unwrap();
        let dashed = name.replace('_', "-");
        if tail.starts_with(" must be") {
            return format!("Parameter '{dashed}'{tail}");
        }
        return format!(
            "Option {dashed}{}",
            tail.replace("cpu_throttle_initial", "cpu-throttle-initial")
        );
    }
    msg.to_string()
}

fn expected(c: &Case) -> Result<serde_json::Value, String> {
    // The documented differences from QEMU 10.2.2.
    match c.input.as_str() {
        r#"{"tls-creds": null}"# => return Ok(serde_json::json!({"tls-creds": ""})),
        "multifd-compression=qatzip" => {
            return Ok(serde_json::json!({"multifd-compression": "qatzip"}))
        }
        "multifd-compression=qpl" => return Ok(serde_json::json!({"multifd-compression": "qpl"})),
        "multifd-compression=uadk" => {
            return Ok(serde_json::json!({"multifd-compression": "uadk"}))
        }
        "multifd-channels=4,foo.bar=1,baz=2" => return Err("Parameter 'foo' is unexpected".into()),
        _ => {}
    }
    if let Some(r) = &c.range {
        return Err(master_wording(r));
    }
    if let Some(j) = c.check.strip_prefix("OK ") {
        return Ok(serde_json::from_str(j).unwrap());
    }
    Err(c.check.strip_prefix("ERR ").unwrap().to_string())
}

fn run(input: &str) -> Result<serde_json::Value, String> {
    let mut p = Params::new();
    match p.parse(input.as_bytes()) {
        Ok(()) => {
            let mut buf = vec![0u8; 65536];
            let mut out = Out::new(&mut buf);
            format::json(&p, FormatFlags::default(), &mut out);
            let n = out.len();
            Ok(serde_json::from_slice(&buf[..n]).unwrap())
        }
        Err(e) => Err(e.to_string()),
    }
}

fn check_all(json: bool) {
    let mut failures = Vec::new();
    let mut n = 0;
    for c in cases() {
        if c.input.starts_with('{') != json {
            continue;
        }
        n += 1;
        let want = expected(&c);
        let got = run(&c.input);
        if want != got {
            failures.push(format!(
                "IN {:?}\n  want {:?}\n  got  {:?}",
                c.input, want, got
            ));
        }
    }
    assert!(n > 20, "too few cases: {n}");
    assert!(
        failures.is_empty(),
        "{} of {n} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn keyval_cases_match_qemu() {
    check_all(false);
}

#[test]
fn json_cases_match_qemu() {
    check_all(true);
}

#[test]
fn there_are_132_cases() {
    assert_eq!(cases().len(), 132);
}
