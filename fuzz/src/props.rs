//! The properties the fuzz targets check, shared with the corpus test
//! `core/tests/fuzz_corpus.rs`, which runs them over `fuzz/corpus/*/` without libFuzzer.
//!
//! For every input, parsed into a fresh table and into a full one (merging):
//! - a rejected input leaves the table unchanged: equal by `Params::same_as` to a clone
//!   taken before, and byte for byte equal to a snapshot of its memory;
//! - the error is well formed: a negative status, an offset within the text, a message;
//! - an accepted input formats as keyval (capabilities included) that parses back to an
//!   equal table (or has no keyval form: `Unrepresentable`), and as JSON that parses back
//!   to an equal table when every string in it is valid UTF-8.
//!
//! The `-incoming` target applies up to four arguments (split at `\n`) to one state: a
//! rejected argument (or a help request) leaves the whole state byte for byte unchanged;
//! the early table after an accepted `config:` passes the round trips above.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use migcfg_core::format::{self, FormatFlags, Out};
use migcfg_core::incoming::Incoming;
use migcfg_core::schema::PARAM_COUNT;
use migcfg_core::text::mod_utf8_codepoint;
use migcfg_core::{Error, Flags, Params, Status};
use std::sync::OnceLock;

/// Every parameter set, two list elements, a bitmap mapping, capabilities: the table the
/// merging parses start from.
pub const FULL: &[u8] = b"announce-initial=50,announce-max=550,announce-rounds=5,\
announce-step=100,throttle-trigger-threshold=50,cpu-throttle-initial=20,\
cpu-throttle-increment=10,cpu-throttle-tailslow=on,tls-creds=c,tls-hostname=h,tls-authz=z,\
max-bandwidth=1G,avail-switchover-bandwidth=0,downtime-limit=300,x-checkpoint-delay=20000,\
multifd-channels=4,xbzrle-cache-size=64M,max-postcopy-bandwidth=0,max-cpu-throttle=99,\
multifd-compression=zstd,multifd-zlib-level=1,multifd-qatzip-level=1,multifd-zstd-level=1,\
block-bitmap-mapping.0.node-name=a,block-bitmap-mapping.0.alias=b,\
block-bitmap-mapping.0.bitmaps.0.name=n,block-bitmap-mapping.0.bitmaps.0.alias=m,\
block-bitmap-mapping.0.bitmaps.0.transform.persistent=on,x-vcpu-dirty-limit-period=1000,\
vcpu-dirty-limit=1,mode=cpr-exec,zero-page-detection=multifd,direct-io=on,\
x-rdma-chunk-size=1048576,cpr-exec-command.0=qemu,cpr-exec-command.1=-incoming,local=on,\
multifd=on";

const CAPS: Flags = Flags {
    help: false,
    capabilities: true,
    reject_unstable: false,
};

fn bases() -> &'static [Params; 2] {
    static BASES: OnceLock<[Params; 2]> = OnceLock::new();
    BASES.get_or_init(|| {
        let mut full = Params::new();
        full.parse_with(FULL, CAPS)
            .unwrap_or_else(|e| panic!("the FULL base does not parse: {e}"));
        [Params::new(), full]
    })
}

fn flags_of(b: u8) -> Flags {
    Flags {
        help: false,
        capabilities: b & 1 != 0,
        reject_unstable: b & 2 != 0,
    }
}

/// Format with the given writer into a vector.
fn out(f: impl Fn(&mut Out<'_>) -> Result<(), Status>) -> Result<Vec<u8>, Status> {
    let mut probe = Out::new(&mut []);
    f(&mut probe)?;
    let mut buf = vec![0u8; probe.len()];
    let mut o = Out::new(&mut buf);
    f(&mut o)?;
    assert_eq!(
        o.len(),
        buf.len(),
        "the formatter wrote a different length the second time"
    );
    Ok(buf)
}

/// Whether every sequence of `b` is one QEMU's JSON reader accepts back from the writer:
/// valid UTF-8 without surrogates or noncharacters (the writer replaces the others with
/// U+FFFD, so those strings cannot come back equal).
fn utf8(b: &[u8]) -> bool {
    let mut i = 0;
    while let Some(rest) = b.get(i..).filter(|r| !r.is_empty()) {
        match mod_utf8_codepoint(rest) {
            (Some(_), n) => i += n,
            (None, _) => return false,
        }
    }
    true
}

/// Whether every string of the table is text QEMU's JSON can carry (see [`utf8`]).
pub fn all_utf8(p: &Params) -> bool {
    (0..PARAM_COUNT).all(|id| p.string(id).is_none_or(utf8))
        && (0..p.exec_len()).all(|i| p.exec(i).is_none_or(utf8))
        && (0..p.nodes_len()).all(|i| {
            p.node(i).is_none_or(|n| {
                utf8(n.node_name)
                    && utf8(n.alias)
                    && (0..n.bitmaps)
                        .all(|j| p.bitmap(i, j).is_none_or(|b| utf8(b.name) && utf8(b.alias)))
            })
        })
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The round trips of an accepted table.
pub fn round_trips(p: &Params) {
    let ff = FormatFlags {
        all: false,
        capabilities: true,
    };
    match out(|o| format::keyval(p, ff, o)) {
        Ok(text) => {
            assert!(
                text.first() != Some(&b'{'),
                "keyval output looks like JSON: {}",
                show(&text)
            );
            let mut q = Params::new();
            if let Err(e) = q.parse_with(&text, CAPS) {
                panic!(
                    "keyval output does not parse back: {e}\n  output: {}",
                    show(&text)
                );
            }
            assert!(
                q.same_as(p),
                "keyval output parses to another table: {}",
                show(&text)
            );
        }
        Err(Status::Unrepresentable) => {}
        Err(s) => panic!("keyval formatter failed with {s:?}"),
    }
    let text = out(|o| {
        format::json(p, ff, o);
        Ok(())
    })
    .unwrap_or_default();
    if all_utf8(p) {
        let mut q = Params::new();
        if let Err(e) = q.parse_with(&text, CAPS) {
            panic!(
                "JSON output does not parse back: {e}\n  output: {}",
                show(&text)
            );
        }
        assert!(
            q.same_as(p),
            "JSON output parses to another table: {}",
            show(&text)
        );
    }
    // The other writers must not fail on an accepted table.
    let all = FormatFlags {
        all: true,
        capabilities: true,
    };
    let _ = out(|o| format::keyval(p, all, o));
    let _ = out(|o| {
        format::json(p, all, o);
        Ok(())
    });
}

fn check_error(e: &Error, text: &[u8]) {
    assert!(
        (e.status() as i32) < 0,
        "an error with status {:?}",
        e.status()
    );
    assert!(
        e.offset <= text.len(),
        "error offset {} beyond {} bytes: {e}",
        e.offset,
        text.len()
    );
    assert!(!e.message().is_empty(), "an error without a message");
}

/// One parse of `text` over `base` with `flags`, and its properties.
pub fn parse_over(base: &Params, text: &[u8], flags: Flags) {
    let mut p = base.clone();
    let before = p.clone();
    match p.parse_with(text, flags) {
        Ok(Status::Help) => {
            assert!(
                p.same_as(base) && p.identical(&before),
                "help changed the table"
            );
        }
        Ok(_) => round_trips(&p),
        Err(e) => {
            check_error(&e, text);
            assert!(p.same_as(base), "a rejected input changed the table: {e}");
            assert!(
                p.identical(&before),
                "a rejected input changed table bytes: {e}"
            );
        }
    }
}

/// Config text, over a fresh and a full table. Byte 0: bit 0 capabilities, bit 1
/// reject-unstable; the rest is the text.
pub fn parse_all(data: &[u8]) {
    let Some((&f, text)) = data.split_first() else {
        return;
    };
    for base in bases() {
        parse_over(base, text, flags_of(f));
    }
}

/// Keyval target: byte 0 the flags, the rest keyval text (text starting with `{` is left
/// to the JSON target).
pub fn keyval(data: &[u8]) {
    if data.get(1) == Some(&b'{') {
        return;
    }
    parse_all(data);
}

/// JSON target: byte 0 the flags, then JSON text (a `{` is put in front when missing).
pub fn json(data: &[u8]) {
    let Some((&f, text)) = data.split_first() else {
        return;
    };
    if text.first() == Some(&b'{') {
        parse_all(data);
    } else {
        let mut v = Vec::with_capacity(data.len() + 1);
        v.push(f);
        v.push(b'{');
        v.extend_from_slice(text);
        parse_all(&v);
    }
}

/// `-incoming` target: byte 0 the config flags, then up to four arguments separated by
/// `\n`, added in turn to one state.
pub fn incoming(data: &[u8]) {
    let Some((&f, rest)) = data.split_first() else {
        return;
    };
    let flags = Flags {
        help: true,
        ..flags_of(f)
    };
    let mut inc = Box::new(Incoming::new());
    for arg in rest.split(|&b| b == b'\n').take(4) {
        let before = inc.clone();
        match inc.add(arg, flags) {
            Ok(Status::Help) => {
                assert!(inc.identical(&before), "help changed the -incoming state")
            }
            Ok(_) => {
                if arg.starts_with(b"config:") {
                    round_trips(inc.params());
                }
            }
            Err(e) => {
                check_error(&e, arg);
                assert!(
                    inc.identical(&before),
                    "a rejected argument changed the -incoming state: {e}"
                );
            }
        }
    }
}
