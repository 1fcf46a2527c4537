//! Writers: the table as JSON (QEMU's own style, accepted by `migrate-set-parameters`) and
//! as keyval. Both write the parameters that were set, in schema order.

use crate::error::Status;
use crate::schema::{self, Kind, CAPS, PARAMS};
use crate::table::Params;
use crate::text::mod_utf8_codepoint;

/// Where formatted bytes go: counts everything, stores what fits.
pub struct Out<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl<'a> Out<'a> {
    /// Write into `buf` (which may be empty, to measure).
    pub fn new(buf: &'a mut [u8]) -> Self {
        Out { buf, len: 0 }
    }

    /// Bytes produced so far (also those that did not fit).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was produced.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    // Out of line: called from every corner of the writers, whose speed does not matter;
    // inlined, it multiplies their size.
    #[inline(never)]
    pub(crate) fn push(&mut self, b: &[u8]) {
        for &c in b {
            if let Some(slot) = self.buf.get_mut(self.len) {
                *slot = c;
            }
            self.len = self.len.saturating_add(1);
        }
    }

    // Out of line, as `push`.
    #[inline(never)]
    pub(crate) fn dec(&mut self, v: u64) {
        let mut buf = [0u8; 20];
        self.push(crate::text::decimal(v, &mut buf));
    }
}

/// What to write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FormatFlags {
    /// Every parameter of the table's target release with its effective value, defaults
    /// included (an unset `block-bitmap-mapping` has no value and is left out).
    pub all: bool,
    /// Also the capabilities that were set (an extension: migcfg reads them back with
    /// capabilities enabled; QEMU's `migrate-set-parameters` does not take them).
    pub capabilities: bool,
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Whether the table's target release has this parameter (what `all` lists).
fn exists(p: &Params, d: &schema::ParamDef) -> bool {
    schema::exists_in(d.since, d.removed, p.target())
}

fn json_u(out: &mut Out<'_>, cp: u32) {
    let mut b = [b'\\', b'u', 0, 0, 0, 0];
    for (i, slot) in b.iter_mut().skip(2).enumerate() {
        let shift = 12u32.saturating_sub(4u32.saturating_mul(i as u32));
        *slot = HEX
            .get(((cp >> shift) & 0xF) as usize)
            .copied()
            .unwrap_or(b'0');
    }
    out.push(&b);
}

/// A JSON string as QEMU's writer spells it: printable ASCII as is, short escapes for the
/// usual controls, everything else as `\uXXXX` (surrogate pairs above U+FFFF), invalid
/// UTF-8 as `\uFFFD`, and the pair C0 80 as `\u0000`.
fn json_str(out: &mut Out<'_>, s: &[u8]) {
    out.push(b"\"");
    let mut i = 0usize;
    while i < s.len() {
        let rest = s.get(i..).unwrap_or(&[]);
        // A NUL byte (which a C string could not hold) is written as the code point it is.
        let (cp, n) = match rest.first() {
            Some(0) => (Some(0), 1),
            _ => mod_utf8_codepoint(rest),
        };
        i = i.saturating_add(n.max(1));
        match cp {
            Some(0x22) => out.push(b"\\\""),
            Some(0x5C) => out.push(b"\\\\"),
            Some(0x08) => out.push(b"\\b"),
            Some(0x0C) => out.push(b"\\f"),
            Some(0x0A) => out.push(b"\\n"),
            Some(0x0D) => out.push(b"\\r"),
            Some(0x09) => out.push(b"\\t"),
            Some(cp @ 0x20..=0x7E) => out.push(&[cp as u8]),
            Some(cp) if cp >= 0x10000 => {
                let v = cp.saturating_sub(0x10000);
                json_u(out, 0xD800 | (v >> 10));
                json_u(out, 0xDC00 | (v & 0x3FF));
            }
            Some(cp) => json_u(out, cp),
            None => json_u(out, 0xFFFD),
        }
    }
    out.push(b"\"");
}

fn kv_str(out: &mut Out<'_>, s: &[u8]) {
    for &c in s {
        if c == b',' {
            out.push(b",,");
        } else {
            out.push(&[c]);
        }
    }
}

/// Write `p` as JSON.
pub fn json(p: &Params, flags: FormatFlags, out: &mut Out<'_>) {
    out.push(b"{");
    let mut first = true;
    for (id, d) in PARAMS.iter().enumerate() {
        let set = p.is_set(id);
        if !(set || flags.all && d.kind != Kind::BitmapMapping && exists(p, d)) {
            continue;
        }
        if !first {
            out.push(b", ");
        }
        first = false;
        json_str(out, d.name.as_bytes());
        out.push(b": ");
        match d.kind {
            Kind::Bool => out.push(if p.scalar(id) == Some(1) {
                b"true"
            } else {
                b"false"
            }),
            Kind::Uint(_) | Kind::Size => out.dec(p.scalar(id).unwrap_or(0)),
            Kind::Enum(vals) => {
                let i = p.scalar(id).unwrap_or(0) as usize;
                json_str(out, vals.get(i).copied().unwrap_or("").as_bytes());
            }
            Kind::Str => json_str(out, p.string(id).unwrap_or(&[])),
            Kind::StrList => {
                out.push(b"[");
                for i in 0..p.exec_len() {
                    if i > 0 {
                        out.push(b", ");
                    }
                    json_str(out, p.exec(i).unwrap_or(&[]));
                }
                out.push(b"]");
            }
            Kind::BitmapMapping => {
                out.push(b"[");
                for i in 0..p.nodes_len() {
                    let Some(n) = p.node(i) else { continue };
                    if i > 0 {
                        out.push(b", ");
                    }
                    out.push(b"{\"node-name\": ");
                    json_str(out, n.node_name);
                    out.push(b", \"alias\": ");
                    json_str(out, n.alias);
                    out.push(b", \"bitmaps\": [");
                    for j in 0..n.bitmaps {
                        let Some(b) = p.bitmap(i, j) else { continue };
                        if j > 0 {
                            out.push(b", ");
                        }
                        out.push(b"{\"name\": ");
                        json_str(out, b.name);
                        out.push(b", \"alias\": ");
                        json_str(out, b.alias);
                        match b.persistent {
                            None => {}
                            Some(None) => out.push(b", \"transform\": {}"),
                            Some(Some(v)) => {
                                out.push(b", \"transform\": {\"persistent\": ");
                                out.push(if v { b"true" } else { b"false" });
                                out.push(b"}");
                            }
                        }
                        out.push(b"}");
                    }
                    out.push(b"]}");
                }
                out.push(b"]");
            }
        }
    }
    for (bit, c) in CAPS.iter().enumerate().filter(|_| flags.capabilities) {
        if let Some(on) = p.cap(bit) {
            if !first {
                out.push(b", ");
            }
            first = false;
            json_str(out, c.name.as_bytes());
            out.push(if on { b": true" } else { b": false" });
        }
    }
    out.push(b"}");
}

/// Write the capabilities that were set as the arguments of QEMU's
/// `migrate-set-capabilities`: `{"capabilities": [{"capability": "multifd", "state": true}]}`.
pub fn caps_json(p: &Params, out: &mut Out<'_>) {
    out.push(b"{\"capabilities\": [");
    let mut first = true;
    for (bit, c) in CAPS.iter().enumerate() {
        if let Some(on) = p.cap(bit) {
            if !first {
                out.push(b", ");
            }
            first = false;
            out.push(b"{\"capability\": ");
            json_str(out, c.name.as_bytes());
            out.push(if on {
                b", \"state\": true}"
            } else {
                b", \"state\": false}"
            });
        }
    }
    out.push(b"]}");
}

/// Write `p` as keyval; `Err(Status::Unrepresentable)` when a set value has no keyval form
/// (an empty list or an empty `transform`).
pub fn keyval(p: &Params, flags: FormatFlags, out: &mut Out<'_>) -> Result<(), Status> {
    let mut first = true;
    let mut sep = |out: &mut Out<'_>| {
        if !first {
            out.push(b",");
        }
        first = false;
    };
    for (id, d) in PARAMS.iter().enumerate() {
        let set = p.is_set(id);
        if !(set || flags.all && exists(p, d)) {
            continue;
        }
        let name = d.name.as_bytes();
        match d.kind {
            Kind::Bool => {
                sep(out);
                out.push(name);
                out.push(if p.scalar(id) == Some(1) {
                    b"=on"
                } else {
                    b"=off"
                });
            }
            Kind::Uint(_) | Kind::Size => {
                sep(out);
                out.push(name);
                out.push(b"=");
                out.dec(p.scalar(id).unwrap_or(0));
            }
            Kind::Enum(vals) => {
                sep(out);
                out.push(name);
                out.push(b"=");
                let i = p.scalar(id).unwrap_or(0) as usize;
                out.push(vals.get(i).copied().unwrap_or("").as_bytes());
            }
            Kind::Str => {
                sep(out);
                out.push(name);
                out.push(b"=");
                kv_str(out, p.string(id).unwrap_or(&[]));
            }
            Kind::StrList => {
                if !set {
                    continue;
                }
                if p.exec_len() == 0 {
                    return Err(Status::Unrepresentable);
                }
                for i in 0..p.exec_len() {
                    sep(out);
                    out.push(name);
                    out.push(b".");
                    out.dec(i as u64);
                    out.push(b"=");
                    kv_str(out, p.exec(i).unwrap_or(&[]));
                }
            }
            Kind::BitmapMapping => {
                if !set {
                    continue;
                }
                if p.nodes_len() == 0 {
                    return Err(Status::Unrepresentable);
                }
                for i in 0..p.nodes_len() {
                    let Some(n) = p.node(i) else { continue };
                    if n.bitmaps == 0 {
                        return Err(Status::Unrepresentable);
                    }
                    let node = |out: &mut Out<'_>, member: &[u8]| {
                        out.push(name);
                        out.push(b".");
                        out.dec(i as u64);
                        out.push(member);
                    };
                    sep(out);
                    node(out, b".node-name=");
                    kv_str(out, n.node_name);
                    sep(out);
                    node(out, b".alias=");
                    kv_str(out, n.alias);
                    for j in 0..n.bitmaps {
                        let Some(b) = p.bitmap(i, j) else { continue };
                        let bm = |out: &mut Out<'_>, member: &[u8]| {
                            node(out, b".bitmaps.");
                            out.dec(j as u64);
                            out.push(member);
                        };
                        sep(out);
                        bm(out, b".name=");
                        kv_str(out, b.name);
                        sep(out);
                        bm(out, b".alias=");
                        kv_str(out, b.alias);
                        match b.persistent {
                            None => {}
                            Some(None) => return Err(Status::Unrepresentable),
                            Some(Some(v)) => {
                                sep(out);
                                bm(out, b".transform.persistent=");
                                out.push(if v { b"on" } else { b"off" });
                            }
                        }
                    }
                }
            }
        }
    }
    for (bit, c) in CAPS.iter().enumerate().filter(|_| flags.capabilities) {
        if let Some(on) = p.cap(bit) {
            sep(out);
            out.push(c.name.as_bytes());
            out.push(if on { b"=on" } else { b"=off" });
        }
    }
    Ok(())
}
