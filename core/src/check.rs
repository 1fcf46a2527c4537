//! `migrate_params_check`: every rule, in QEMU's order and master's words, on effective
//! values (what the input sets, over what the table holds, over the defaults).

use crate::error::{Error, Message, Status};
use crate::schema::{self, Check, Kind, RangeWords, CHECK_ORDER};
use crate::text::StrRef;

/// Where the checks read values from.
pub trait Values {
    /// Effective value of scalar `id`.
    fn scalar(&self, id: usize) -> u64;
    /// Number of bitmap-mapping nodes.
    fn nodes(&self) -> usize;
    /// Node `i`: node name, alias, bitmap count.
    fn node(&self, i: usize) -> (StrRef<'_>, StrRef<'_>, usize);
    /// Bitmap `j` of node `i`: name, alias.
    fn bitmap(&self, i: usize, j: usize) -> (StrRef<'_>, StrRef<'_>);
    /// Target page size.
    fn page_size(&self) -> u64;
    /// Offset to report for a failed check of `id`.
    fn offset(&self, id: usize) -> usize;
}

fn push_dec(m: &mut Message, v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut v = v;
    loop {
        i = i.saturating_sub(1);
        if let Some(d) = buf.get_mut(i) {
            *d = b'0'.saturating_add((v % 10) as u8);
        }
        v /= 10;
        if v == 0 || i == 0 {
            break;
        }
    }
    m.push(buf.get(i..).unwrap_or(&[]));
}

fn push_str(m: &mut Message, s: StrRef<'_>) {
    for b in s.bytes() {
        m.push_byte(b);
    }
}

/// Run every check; the first failure wins.
pub fn check(v: &dyn Values) -> Result<(), Error> {
    for &id in CHECK_ORDER.iter() {
        let id = usize::from(id);
        let Some(d) = schema::def(id) else { break };
        let mut m = Message::new();
        let ok = match d.check {
            Check::None => true,
            Check::Range {
                min,
                max,
                shown_min,
                words,
            } => {
                let x = v.scalar(id);
                if x < min || x > max {
                    m.push(b"Option ");
                    m.push(d.name.as_bytes());
                    m.push(match words {
                        RangeWords::IntegerInRange => {
                            b" expects an integer in the range of ".as_slice()
                        }
                        RangeWords::ValueBetween => b" expects a value between ".as_slice(),
                    });
                    push_dec(&mut m, shown_min);
                    m.push(match words {
                        RangeWords::IntegerInRange => b" to ".as_slice(),
                        RangeWords::ValueBetween => b" and ".as_slice(),
                    });
                    push_dec(&mut m, max);
                    false
                } else {
                    true
                }
            }
            Check::Downtime => {
                let ok = v.scalar(id) <= 2_000_000;
                if !ok {
                    m.push(b"Option downtime-limit expects an integer in the range of 0 to (2000 * 1000) ms");
                }
                ok
            }
            Check::PowerOfTwoPage => {
                let x = v.scalar(id);
                let ok = x >= v.page_size() && x.is_power_of_two();
                if !ok {
                    m.push(b"Option xbzrle-cache-size expects a power of two no less than the target page size");
                }
                ok
            }
            Check::MaxCpuThrottle => {
                let x = v.scalar(id);
                let ok = x >= v.scalar(schema::CPU_THROTTLE_INITIAL) && x <= 99;
                if !ok {
                    m.push(b"Option max-cpu-throttle expects an integer in the range of cpu-throttle-initial to 99");
                }
                ok
            }
            Check::AtLeastOneMbps => {
                let ok = v.scalar(id) >= 1;
                if !ok {
                    m.push(b"Parameter 'vcpu-dirty-limit' must be greater than 1 MB/s");
                }
                ok
            }
            Check::RdmaChunk => {
                let x = v.scalar(id);
                let ok = x.is_power_of_two() && (1 << 20..=1 << 30).contains(&x);
                if !ok {
                    m.push(b"Option x_rdma_chunk_size expects a power of 2 in the range 1MiB to 1024MiB");
                }
                ok
            }
            Check::BitmapMapping => match bitmap_mapping(v) {
                Some(detail) => {
                    m = detail;
                    false
                }
                None => true,
            },
        };
        if !ok {
            return Err(Error::new(Status::Check, v.offset(id), m));
        }
    }
    Ok(())
}

fn well_formed_alias(s: StrRef<'_>) -> bool {
    let mut it = s.bytes();
    match it.next() {
        Some(c) if c.is_ascii_alphabetic() => {}
        _ => return false,
    }
    it.all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.' || c == b'_')
}

/// QEMU's alias-map rules (`check_dirty_bitmap_mig_alias_map`): names to aliases first,
/// then aliases to names.
fn bitmap_mapping(v: &dyn Values) -> Option<Message> {
    let mut m = Message::new();
    m.push(b"Invalid mapping given for block-bitmap-mapping: ");
    let n = v.nodes();
    let mut base = 0usize;
    for i in 0..n {
        let (name, alias, nb) = v.node(i);
        if !well_formed_alias(alias) {
            quote(&mut m, "The node alias '", alias, "' is not well-formed");
            return Some(m);
        }
        if alias.len() > 255 {
            quote(
                &mut m,
                "The node alias '",
                alias,
                "' is longer than 255 bytes",
            );
            return Some(m);
        }
        if name.len() > 31 {
            quote(&mut m, "The node name '", name, "' is longer than 31 bytes");
            return Some(m);
        }
        if (0..i).any(|k| v.node(k).0.same(name)) {
            quote(&mut m, "The node name '", name, "' is mapped twice");
            return Some(m);
        }
        for j in 0..nb {
            let (bname, balias) = v.bitmap(i, j);
            if balias.len() > 255 {
                quote(
                    &mut m,
                    "The bitmap alias '",
                    balias,
                    "' is longer than 255 bytes",
                );
                return Some(m);
            }
            if bname.len() > 1023 {
                quote(
                    &mut m,
                    "The bitmap name '",
                    bname,
                    "' is longer than 1023 bytes",
                );
                return Some(m);
            }
            if (0..j).any(|k| v.bitmap(i, k).0.same(bname)) {
                m.push(b"The bitmap '");
                push_str(&mut m, name);
                m.push(b"'/'");
                push_str(&mut m, bname);
                m.push(b"' is mapped twice");
                return Some(m);
            }
        }
        base = base.saturating_add(nb);
    }
    for i in 0..n {
        let (_, alias, nb) = v.node(i);
        if (0..i).any(|k| v.node(k).1.same(alias)) {
            quote(&mut m, "The node alias '", alias, "' is used twice");
            return Some(m);
        }
        for j in 0..nb {
            let balias = v.bitmap(i, j).1;
            if (0..j).any(|k| v.bitmap(i, k).1.same(balias)) {
                m.push(b"The bitmap alias '");
                push_str(&mut m, alias);
                m.push(b"'/'");
                push_str(&mut m, balias);
                m.push(b"' is used twice");
                return Some(m);
            }
        }
    }
    let _ = base;
    None
}

fn quote(m: &mut Message, pre: &str, s: StrRef<'_>, post: &str) {
    m.push(pre.as_bytes());
    push_str(m, s);
    m.push(post.as_bytes());
}

/// Whether `kind` holds a number the checks read.
pub fn is_scalar(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Bool | Kind::Uint(_) | Kind::Size | Kind::Enum(_)
    )
}
