//! Formatter round trips over many generated tables: the keyval output always parses back
//! to an equal table (where a keyval form exists), the JSON output whenever every string is text
//! QEMU's JSON carries; and both spellings of the same parameters give equal tables.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use migcfg_core::format::{self, FormatFlags, Out};
use migcfg_core::schema::{exists_in, Check, Kind, Version, NEWEST, PARAMS};
use migcfg_core::{Flags, Params, Status};

/// A small deterministic generator (no dependency, reproducible failures).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn string(r: &mut Rng, utf8: bool) -> Vec<u8> {
    let pool: &[&str] = &[
        "a", ",", "=", ".", " ", "é", "日", "\\", "\"", "'", "x", "0", "\t", "😀", "{", "}",
    ];
    let mut s = Vec::new();
    for _ in 0..r.below(6) {
        if !utf8 && r.below(8) == 0 {
            s.push(0x80 | r.below(64) as u8);
        } else {
            s.extend_from_slice(pool[r.below(pool.len() as u64) as usize].as_bytes());
        }
    }
    s
}

/// A random valid table, built through the setters (so it does not depend on a parser).
fn table(r: &mut Rng, utf8: bool) -> Params {
    let mut p = Params::new();
    for (id, d) in PARAMS.iter().enumerate() {
        if r.below(3) != 0 {
            continue;
        }
        match d.kind {
            Kind::Bool => p.set_bool(id, r.below(2) == 1).unwrap(),
            Kind::Uint(_) | Kind::Size => {
                let v = match d.check {
                    Check::Range { min, max, .. } => {
                        u64::from(min) + r.below(u64::from(max - min) + 1)
                    }
                    Check::Downtime => r.below(2_000_001),
                    Check::PowerOfTwoPage => 1 << (12 + r.below(40)),
                    Check::MaxCpuThrottle => 20 + r.below(80),
                    Check::AtLeastOneMbps => 1 + r.below(1 << 40),
                    Check::RdmaChunk => 1 << (20 + r.below(11)),
                    _ => match d.kind {
                        Kind::Uint(32) => r.below(1 << 32),
                        _ => r.next(),
                    },
                };
                p.set_u64(id, v).unwrap();
            }
            Kind::Enum(vals) => p
                .set_str(id, vals[r.below(vals.len() as u64) as usize].as_bytes())
                .unwrap(),
            Kind::Str => p.set_str(id, &string(r, utf8)).unwrap(),
            // Lists are set by parsing a generated keyval text below.
            Kind::StrList | Kind::BitmapMapping => {}
        }
    }
    if p.check_over(&Params::new()).is_err() {
        // Cross-parameter rules (max-cpu-throttle vs cpu-throttle-initial) may not hold.
        p.set_u64(migcfg_core::schema::CPU_THROTTLE_INITIAL, 20)
            .unwrap();
        p.set_u64(
            migcfg_core::schema::lookup(b"max-cpu-throttle").unwrap(),
            99,
        )
        .unwrap();
    }
    if r.below(2) == 0 {
        let mut text = Vec::new();
        for i in 0..1 + r.below(5) {
            text.extend_from_slice(format!("cpr-exec-command.{i}=").as_bytes());
            for b in string(r, utf8) {
                if b == b',' {
                    text.push(b',');
                }
                text.push(b);
            }
            text.push(b',');
        }
        p.parse(&text).unwrap();
    }
    if r.below(2) == 0 {
        let mut text = String::new();
        for n in 0..1 + r.below(3) {
            text += &format!(
                "block-bitmap-mapping.{n}.node-name=node{n},block-bitmap-mapping.{n}.alias=a{n},"
            );
            for b in 0..1 + r.below(3) {
                text += &format!("block-bitmap-mapping.{n}.bitmaps.{b}.name=b{b},block-bitmap-mapping.{n}.bitmaps.{b}.alias=x{b},");
                match r.below(3) {
                    0 => {
                        text += &format!(
                            "block-bitmap-mapping.{n}.bitmaps.{b}.transform.persistent=on,"
                        )
                    }
                    1 => {
                        text += &format!(
                            "block-bitmap-mapping.{n}.bitmaps.{b}.transform.persistent=off,"
                        )
                    }
                    _ => {}
                }
            }
        }
        p.parse(text.as_bytes()).unwrap();
    }
    p.check_over(&Params::new()).unwrap();
    p
}

fn render(p: &Params, json: bool) -> Result<Vec<u8>, Status> {
    let flags = FormatFlags {
        capabilities: true,
        ..FormatFlags::default()
    };
    render_with(p, json, flags)
}

fn render_with(p: &Params, json: bool, flags: FormatFlags) -> Result<Vec<u8>, Status> {
    let mut buf = vec![0u8; 1 << 16];
    let mut out = Out::new(&mut buf);
    if json {
        format::json(p, flags, &mut out);
    } else {
        format::keyval(p, flags, &mut out)?;
    }
    let n = out.len();
    buf.truncate(n);
    Ok(buf)
}

#[test]
fn keyval_output_parses_back() {
    let mut r = Rng(0x2545_F491_4F6C_DD1D);
    for i in 0..2000 {
        let p = table(&mut r, i % 2 == 0);
        let text = render(&p, false).unwrap();
        let mut q = Params::new();
        q.parse(&text)
            .unwrap_or_else(|e| panic!("{:?}: {e}", String::from_utf8_lossy(&text)));
        assert!(
            q.same_as(&p),
            "round trip of {:?}",
            String::from_utf8_lossy(&text)
        );
        assert_eq!(render(&q, false).unwrap(), text);
    }
}

#[test]
fn json_output_parses_back() {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..2000 {
        let p = table(&mut r, true);
        let text = render(&p, true).unwrap();
        let mut q = Params::new();
        q.parse(&text)
            .unwrap_or_else(|e| panic!("{:?}: {e}", String::from_utf8_lossy(&text)));
        assert!(
            q.same_as(&p),
            "round trip of {}",
            String::from_utf8_lossy(&text)
        );
        // Keyval and JSON spellings of the same parameters give equal tables.
        let mut k = Params::new();
        k.parse(&render(&p, false).unwrap()).unwrap();
        assert!(k.same_as(&q));
    }
}

#[test]
fn capabilities_round_trip() {
    let flags = Flags {
        capabilities: true,
        ..Flags::default()
    };
    let mut p = Params::new();
    p.parse_with(b"multifd=on,events=off,multifd-channels=4", flags)
        .unwrap();
    for json in [false, true] {
        let text = render(&p, json).unwrap();
        let mut q = Params::new();
        q.parse_with(&text, flags).unwrap();
        assert!(q.same_as(&p));
    }
}

#[test]
fn empty_lists_have_no_keyval_form() {
    let mut p = Params::new();
    p.parse(b"{\"cpr-exec-command\": []}").unwrap();
    assert_eq!(render(&p, false), Err(Status::Unrepresentable));
    assert_eq!(render(&p, true).unwrap(), br#"{"cpr-exec-command": []}"#);
}

/// `same_as` compares what a table says; `identical` compares every byte of its state,
/// which the atomicity checks rely on.
#[test]
fn identical_is_stricter_than_same_as() {
    let a = Params::new();
    let mut b = Params::new();
    assert!(a.identical(&b) && a.same_as(&b));
    b.set_page_size(65536);
    assert!(a.same_as(&b), "the page size is a setting, not a parameter");
    assert!(!a.identical(&b), "identical sees the page size");

    // Equal values, different arena layouts: a string set twice leaves its first copy.
    let mut c = Params::new();
    let mut d = Params::new();
    c.parse(b"tls-creds=x").unwrap();
    d.parse(b"tls-creds=yy").unwrap();
    d.parse(b"tls-creds=x").unwrap();
    let id = migcfg_core::schema::lookup(b"tls-creds").unwrap();
    assert_eq!(c.string(id), Some(&b"x"[..]));
    assert_eq!(d.string(id), Some(&b"x"[..]));
    assert!(c.same_as(&d));
    assert!(!c.identical(&d), "identical sees the arena");
    assert!(c.identical(&c.clone()));
}

#[test]
fn json_writer_replaces_what_qemu_cannot_read() {
    // QEMU's writer (mod_utf8_codepoint) turns each invalid sequence into one U+FFFD:
    // noncharacters and surrogates count as invalid, and a sequence ends after the
    // continuation bytes it has. Keyval keeps such bytes, so a table can hold them.
    let cases: &[(&[u8], &str)] = &[
        (b"a\xEF\xBF\xBEb", "a\\uFFFDb"),           // U+FFFE, a noncharacter
        (b"\xEF\xB7\x90", "\\uFFFD"),               // U+FDD0, a noncharacter
        (b"\xF2\xBF\xBF\xBF", "\\uFFFD"),           // U+BFFFF, a noncharacter (plane 11)
        (b"\xED\xA0\x80x", "\\uFFFDx"),             // an encoded surrogate: one sequence
        (b"\xF8\x88\x80\x80\x80", "\\uFFFD"),       // five bytes: beyond U+10FFFF
        (b"\xE0\x80a", "\\uFFFDa"),                 // cut short by a byte that continues nothing
        (b"\xC1\xBF", "\\uFFFD"),                   // overlong
        (b"\x80\x80", "\\uFFFD\\uFFFD"),            // stray continuation bytes, one each
        (b"\xFE\x80\xFF", "\\uFFFD\\uFFFD\\uFFFD"), // impossible bytes, one each
        (b"\xC0\x80", "\\u0000"),                   // modified UTF-8's U+0000
        (b"\xF0\x9F\x98\x80", "\\uD83D\\uDE00"),    // U+1F600: a surrogate pair
        (b"\xEF\xBF\xBD", "\\uFFFD"),               // U+FFFD itself
    ];
    for (bytes, spelled) in cases {
        let mut text = b"tls-creds=".to_vec();
        text.extend_from_slice(bytes);
        let mut p = Params::new();
        p.parse(&text).unwrap();
        let out = render(&p, true).unwrap();
        let want = format!("{{\"tls-creds\": \"{spelled}\"}}");
        assert_eq!(String::from_utf8(out.clone()).unwrap(), want, "{bytes:?}");
        // What the writer wrote always reads back.
        let mut q = Params::new();
        q.parse(&out).unwrap();
    }
    // The case the fuzzer found: a noncharacter in a list element.
    let mut p = Params::new();
    p.parse(b"cpr-exec-command.0=e{\"\xF2\xBF\xBF\xBFoDFE\"}")
        .unwrap();
    let out = render(&p, true).unwrap();
    assert_eq!(
        String::from_utf8(out.clone()).unwrap(),
        r#"{"cpr-exec-command": ["e{\"\uFFFDoDFE\"}"]}"#
    );
    let mut q = Params::new();
    q.parse(&out).unwrap();
    assert_eq!(q.exec(0), Some("e{\"\u{FFFD}oDFE\"}".as_bytes()));
}

fn json_text(p: &Params, flags: FormatFlags) -> String {
    String::from_utf8(render_with(p, true, flags).unwrap()).unwrap()
}

/// The members `format::json` with `all` writes, sorted.
fn members_written(p: &Params) -> Vec<String> {
    let all = FormatFlags {
        all: true,
        ..FormatFlags::default()
    };
    let v: serde_json::Value = serde_json::from_str(&json_text(p, all)).unwrap();
    let mut names: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    names.sort();
    names
}

/// The members of release `target` but the bitmap mapping (no value while unset), sorted.
fn members_of(target: Version) -> Vec<String> {
    let mut names: Vec<String> = PARAMS
        .iter()
        .filter(|d| d.kind != Kind::BitmapMapping && exists_in(d.since, d.removed, target))
        .map(|d| d.name.to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn json_all_lists_the_target_release_members_but_no_unset_mapping() {
    let mut p = Params::new();
    assert_eq!(members_written(&p), members_of(NEWEST));
    assert!(members_of(NEWEST).contains(&"mode".to_string()));
    // `mode` came with 8.2.
    for minor in [1, 2] {
        p.set_target(8, minor).unwrap();
        let target = Version {
            major: 8,
            minor: minor as u8,
        };
        assert_eq!(members_written(&p), members_of(target));
        assert_eq!(members_of(target).contains(&"mode".to_string()), minor == 2);
    }
    // Without `all`, only what is set; `Out` counts what was written.
    let mut buf = [0u8; 2];
    let mut o = Out::new(&mut buf);
    assert!(o.is_empty());
    format::json(&Params::new(), FormatFlags::default(), &mut o);
    assert_eq!((o.len(), o.is_empty(), &buf), (2, false, b"{}"));
}

#[test]
fn json_writes_a_nul_byte_as_its_code_point() {
    let mut p = Params::new();
    let tls = migcfg_core::schema::lookup(b"tls-creds").unwrap();
    p.set_str(tls, b"a\0b").unwrap();
    assert_eq!(
        json_text(&p, FormatFlags::default()),
        "{\"tls-creds\": \"a\\u0000b\"}"
    );
}
