//! The `-incoming config:help` listing, generated from the schema: every parameter with its
//! type, default, valid range and one-line doc, in the style of QEMU's `-device foo,help`
//! (`  name=<type>` padded to a column, then ` - ` and the description; names sorted).
//!
//! ```text
//!   multifd-channels=<uint8>  - Number of parallel multifd channels (default: 2, 1..255)
//! ```

use crate::format::Out;
use crate::schema::{self, Check, Kind, ParamDef, Version, MIG_MODE, PARAMS};

/// The first line of the listing.
pub const TITLE: &str = "Migration parameters (-incoming config:NAME=VALUE,... or JSON):";

/// Where the listing goes: the formatters' output (counts every byte, stores what fits).
pub type Writer<'a> = Out<'a>;

impl Out<'_> {
    fn s(&mut self, s: &str) {
        self.push(s.as_bytes());
    }

    /// A size as keyval accepts it: the largest binary suffix that divides it exactly.
    fn size(&mut self, v: u64) {
        const UNITS: [(u32, &str); 6] = [
            (60, "E"),
            (50, "P"),
            (40, "T"),
            (30, "G"),
            (20, "M"),
            (10, "K"),
        ];
        for (shift, unit) in UNITS {
            let m = 1u64.wrapping_shl(shift);
            if v != 0 && v.is_multiple_of(m) {
                self.dec(v.wrapping_shr(shift));
                self.s(unit);
                return;
            }
        }
        self.dec(v);
    }
}

/// The QAPI type name shown for a parameter.
pub fn type_name(d: &ParamDef) -> &'static str {
    match d.kind {
        Kind::Bool => "bool",
        Kind::Uint(8) => "uint8",
        Kind::Uint(16) => "uint16",
        Kind::Uint(32) => "uint32",
        Kind::Uint(_) => "uint64",
        Kind::Size => "size",
        Kind::Str => "str",
        // Enums are told apart by their values (a `const` slice has no stable address).
        Kind::Enum(v) if v == MIG_MODE => "MigMode",
        Kind::Enum(v) if v == schema::MULTIFD_COMPRESSION => "MultiFDCompression",
        Kind::Enum(v) if v == schema::ZERO_PAGE_DETECTION => "ZeroPageDetection",
        Kind::Enum(_) => "enum",
        Kind::StrList => "str list",
        Kind::BitmapMapping => "BitmapMigrationNodeAlias list",
    }
}

/// Width of `  name=<type>`.
fn head_width(d: &ParamDef) -> usize {
    d.name
        .len()
        .saturating_add(type_name(d).len())
        .saturating_add(5)
}

/// Widest head no wider than this sets the column; wider ones get one space.
const MAX_COLUMN: usize = 44;

fn column() -> usize {
    PARAMS
        .iter()
        .map(head_width)
        .filter(|&w| w <= MAX_COLUMN)
        .max()
        .unwrap_or(24)
        .max(24)
}

/// The default as the listing shows it.
fn default(w: &mut Writer<'_>, d: &ParamDef) {
    match d.kind {
        Kind::Bool => w.s(if d.default != 0 { "on" } else { "off" }),
        Kind::Uint(_) => w.dec(d.default),
        Kind::Size => w.size(d.default),
        Kind::Str => w.s("\"\""),
        Kind::Enum(v) => w.s(usize::try_from(d.default)
            .ok()
            .and_then(|i| v.get(i))
            .copied()
            .unwrap_or("")),
        Kind::StrList | Kind::BitmapMapping => w.s("none"),
    }
}

/// The valid range or values, if the parameter has any beyond its type.
fn range(w: &mut Writer<'_>, d: &ParamDef) {
    let bound = |w: &mut Writer<'_>, v: u64| {
        if d.kind == Kind::Size {
            w.size(v)
        } else {
            w.dec(v)
        }
    };
    match d.check {
        Check::Range { min, max, .. } => {
            w.s(", ");
            bound(w, u64::from(min));
            w.s("..");
            bound(w, u64::from(max));
        }
        Check::Downtime => w.s(", 0..2000000"),
        Check::PowerOfTwoPage => w.s(", a power of two, at least the target page size"),
        Check::MaxCpuThrottle => w.s(", cpu-throttle-initial..99"),
        Check::AtLeastOneMbps => w.s(", at least 1"),
        Check::RdmaChunk => w.s(", a power of two, 1048576..1073741824"),
        Check::None | Check::BitmapMapping => {}
    }
    if let Kind::Enum(values) = d.kind {
        w.s(", one of:");
        for v in values {
            w.s(" ");
            w.s(v);
        }
    }
}

/// One line of the listing, without the newline.
pub fn line(w: &mut Writer<'_>, d: &ParamDef) {
    let col = column();
    w.s("  ");
    w.s(d.name);
    w.s("=<");
    w.s(type_name(d));
    w.s(">");
    let pad = col.saturating_sub(head_width(d));
    for _ in 0..pad {
        w.s(" ");
    }
    w.s(" - ");
    w.s(d.doc());
    w.s(" (default: ");
    default(w, d);
    range(w, d);
    w.s(")");
}

/// The ids of the parameters sorted by name (QEMU's help lists are sorted).
fn sorted() -> impl Iterator<Item = &'static ParamDef> {
    let mut prev: Option<&'static str> = None;
    core::iter::from_fn(move || {
        let next = PARAMS
            .iter()
            .filter(|d| prev.is_none_or(|p| d.name > p))
            .min_by(|a, b| a.name.cmp(b.name))?;
        prev = Some(next.name);
        Some(next)
    })
}

/// Title of the capability part of the listing (after an empty line).
pub const CAPS_TITLE: &str =
    "Migration capabilities (with MIGCFG_PARSE_CAPABILITIES: NAME=on|off, same syntax):";

/// The capabilities sorted by name.
fn sorted_caps() -> impl Iterator<Item = &'static schema::CapDef> {
    let mut prev: Option<&'static str> = None;
    core::iter::from_fn(move || {
        let next = schema::CAPS
            .iter()
            .filter(|c| prev.is_none_or(|p| c.name > p))
            .min_by(|a, b| a.name.cmp(b.name))?;
        prev = Some(next.name);
        Some(next)
    })
}

/// Write the whole listing for the newest release the schema knows.
pub fn write(w: &mut Writer<'_>) {
    write_for(w, schema::NEWEST);
}

/// Write the listing of release `target`'s parameters and capabilities: a title line, one
/// line per parameter, an empty line, a title line and one line per capability, each
/// ending in a newline.
pub fn write_for(w: &mut Writer<'_>, target: Version) {
    w.s(TITLE);
    w.s("\n");
    for d in sorted().filter(|d| schema::exists_in(d.since, d.removed, target)) {
        line(w, d);
        w.s("\n");
    }
    w.s("\n");
    w.s(CAPS_TITLE);
    w.s("\n");
    let col = column();
    for c in sorted_caps().filter(|c| schema::exists_in(c.since, c.removed, target)) {
        w.s("  ");
        w.s(c.name);
        w.s("=<bool>");
        let width = c.name.len().saturating_add(9);
        for _ in 0..col.saturating_sub(width) {
            w.s(" ");
        }
        w.s(" - ");
        w.s(c.doc());
        w.s(" (default: off");
        if let Some(r) = c.removed {
            w.s(", removed in ");
            w.dec(u64::from(r.major));
            w.s(".");
            w.dec(u64::from(r.minor));
        }
        w.s(")\n");
    }
}

/// Length of the listing in bytes.
pub fn len() -> usize {
    let mut w = Writer::new(&mut []);
    write(&mut w);
    w.len()
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::String;

    fn listing() -> String {
        let mut buf = [0u8; 8192];
        let mut w = Writer::new(&mut buf);
        write(&mut w);
        let n = w.len();
        String::from_utf8(buf[..n].to_vec()).unwrap()
    }

    #[test]
    fn example_line() {
        let d = &PARAMS[schema::lookup(b"multifd-channels").unwrap()];
        let mut buf = [0u8; 256];
        let mut w = Writer::new(&mut buf);
        line(&mut w, d);
        let n = w.len();
        let s = core::str::from_utf8(&buf[..n]).unwrap();
        assert!(s.starts_with("  multifd-channels=<uint8> "), "{s}");
        assert!(
            s.ends_with(" - Number of parallel multifd channels (default: 2, 1..255)"),
            "{s}"
        );
    }

    #[test]
    fn sizes_and_enums() {
        let s = listing();
        assert!(s.contains("max-bandwidth=<size>"));
        assert!(s.contains("(default: 128M)"));
        assert!(s.contains("(default: 64M, a power of two, at least the target page size)"));
        assert!(s.contains("mode=<MigMode> "));
        assert!(s.contains("(default: normal, one of: normal cpr-reboot cpr-transfer cpr-exec)"));
        assert!(s.contains("(default: off)"));
        assert!(s.contains("(default: 300, 0..2000000)"));
        assert!(s.contains("announce-step=<size>"));
        assert!(s.contains("(default: 100, 1..10000)"));
    }

    #[test]
    fn every_parameter_once_sorted_aligned() {
        let s = listing();
        let mut lines = s.lines();
        assert_eq!(lines.next(), Some(TITLE));
        let rest: std::vec::Vec<&str> = lines.by_ref().take_while(|l| !l.is_empty()).collect();
        assert_eq!(rest.len(), PARAMS.len());
        assert_eq!(lines.next(), Some(CAPS_TITLE));
        let caps: std::vec::Vec<&str> = lines.collect();
        let newest = |c: &&schema::CapDef| schema::exists_in(c.since, c.removed, schema::NEWEST);
        assert_eq!(caps.len(), schema::CAPS.iter().filter(newest).count());
        for c in schema::CAPS.iter().filter(newest) {
            assert_eq!(
                caps.iter()
                    .filter(|l| l.starts_with(&std::format!("  {}=<bool>", c.name)))
                    .count(),
                1
            );
        }
        let mut names: std::vec::Vec<&str> = PARAMS.iter().map(|d| d.name).collect();
        names.sort();
        let col = column();
        for (l, n) in rest.iter().zip(names) {
            assert!(l.starts_with(&std::format!("  {n}=<")), "{l}");
            let dash = l.find(" - ").unwrap();
            assert!(dash >= col || dash == l.find('>').unwrap() + 1, "{l}");
        }
        assert_eq!(s.len(), len());
    }

    #[test]
    fn a_release_lists_what_it_has() {
        let mut buf = [0u8; 8192];
        let mut w = Writer::new(&mut buf);
        write_for(
            &mut w,
            Version {
                major: 10,
                minor: 2,
            },
        );
        let n = w.len();
        let s = String::from_utf8(buf[..n].to_vec()).unwrap();
        assert!(!s.contains("\n  local=") && !s.contains("\n  x-rdma-chunk-size="));
        assert!(s.contains("\n  zero-blocks=<bool>") && s.contains("\n  multifd-channels=<uint8>"));
        let all = listing();
        assert!(all.contains("\n  local=<bool>") && !all.contains("\n  zero-blocks="));
    }

    /// The whole listing, byte for byte (types, widths, defaults, ranges, values).
    #[test]
    fn listing_is_exact() {
        assert_eq!(listing(), include_str!("../tests/data/help.txt"));
    }

    #[test]
    fn measuring_matches_writing() {
        let mut small = [0u8; 10];
        let mut w = Writer::new(&mut small);
        write(&mut w);
        assert_eq!(w.len(), len());
        assert_eq!(&small, &TITLE.as_bytes()[..10]);
    }
}
