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
    /// Offset to report for a failed check of `id` (a slot: capabilities from
    /// `PARAM_COUNT` on).
    fn offset(&self, id: usize) -> usize;
    /// Effective capabilities (bits by `schema::CAPS` position).
    fn caps(&self) -> u64;
    /// Whether the effective `tls-creds` is empty (TLS off).
    fn tls_empty(&self) -> bool;
    /// Whether compression or TLS was on before this update (QEMU's mapped-ram check reads
    /// the current values, not the new ones).
    fn current_compressed_or_tls(&self) -> bool;
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
        if let Some(m) = violation(v, id, d) {
            return Err(Error::new(Status::Check, v.offset(id), m));
        }
        if id == schema::BLOCK_BITMAP_MAPPING {
            // QEMU checks the capability-dependent rules right after the bitmap mapping.
            caps_vs_params(v)?;
        }
    }
    caps_check(v)
}

fn fixed(text: &str) -> Option<Message> {
    let mut m = Message::new();
    m.push(text.as_bytes());
    Some(m)
}

/// The message of parameter `id`'s rule if its effective value breaks it. The message is
/// built only then: this runs on every parse.
fn violation(v: &dyn Values, id: usize, d: &schema::ParamDef) -> Option<Message> {
    match d.check {
        Check::None => None,
        Check::Range { min, max, shown_min, words } => {
            let x = v.scalar(id);
            if (min..=max).contains(&x) {
                return None;
            }
            let (pre, mid) = match words {
                RangeWords::IntegerInRange => (" expects an integer in the range of ", " to "),
                RangeWords::ValueBetween => (" expects a value between ", " and "),
            };
            let mut m = Message::new();
            m.push(b"Option ");
            m.push(d.name.as_bytes());
            m.push(pre.as_bytes());
            push_dec(&mut m, shown_min);
            m.push(mid.as_bytes());
            push_dec(&mut m, max);
            Some(m)
        }
        Check::Downtime => (v.scalar(id) > 2_000_000)
            .then(|| fixed("Option downtime-limit expects an integer in the range of 0 to (2000 * 1000) ms"))
            .flatten(),
        Check::PowerOfTwoPage => {
            let x = v.scalar(id);
            (x < v.page_size() || !x.is_power_of_two())
                .then(|| fixed("Option xbzrle-cache-size expects a power of two no less than the target page size"))
                .flatten()
        }
        Check::MaxCpuThrottle => {
            let x = v.scalar(id);
            (x < v.scalar(schema::CPU_THROTTLE_INITIAL) || x > 99)
                .then(|| {
                    fixed("Option max-cpu-throttle expects an integer in the range of cpu-throttle-initial to 99")
                })
                .flatten()
        }
        Check::AtLeastOneMbps => (v.scalar(id) < 1)
            .then(|| fixed("Parameter 'vcpu-dirty-limit' must be greater than 1 MB/s"))
            .flatten(),
        Check::RdmaChunk => {
            let x = v.scalar(id);
            (!x.is_power_of_two() || !(1 << 20..=1 << 30).contains(&x))
                .then(|| fixed("Option x_rdma_chunk_size expects a power of 2 in the range 1MiB to 1024MiB"))
                .flatten()
        }
        Check::BitmapMapping => bitmap_mapping(v),
    }
}

fn cap_offset(v: &dyn Values, bit: u64) -> usize {
    v.offset(schema::PARAM_COUNT.saturating_add(bit.trailing_zeros() as usize))
}

fn fail(v: &dyn Values, slot: usize, text: &str) -> Result<(), Error> {
    Err(Error::fixed(Status::Check, v.offset(slot), text))
}

/// `migrate_params_check`'s rules that involve capabilities (Linux build).
fn caps_vs_params(v: &dyn Values) -> Result<(), Error> {
    use schema::cap::*;
    let caps = v.caps();
    if caps & (ZERO_COPY_SEND | MAPPED_RAM) == 0 {
        return Ok(());
    }
    let compressed = v.scalar(schema::MULTIFD_COMPRESSION_ID) != 0;
    let tls = !v.tls_empty();
    if caps & ZERO_COPY_SEND != 0 && (compressed || tls) {
        let at = cap_offset(v, ZERO_COPY_SEND);
        return Err(Error::fixed(
            Status::Check,
            at,
            "Zero copy only available for non-compressed non-TLS multifd migration",
        ));
    }
    if caps & MAPPED_RAM != 0 && v.current_compressed_or_tls() {
        let at = cap_offset(v, MAPPED_RAM);
        return Err(Error::fixed(
            Status::Check,
            at,
            "Mapped-ram only available for non-compressed non-TLS multifd migration",
        ));
    }
    Ok(())
}

/// The checks of `migrate_caps_check` that need neither host nor running VM, in QEMU's
/// order. Left to the VMM: host support for postcopy (userfaultfd) and background
/// snapshots, guest memory configuration, KVM's dirty ring for dirty-limit, whether the
/// build has COLO replication (assumed), incoming already started, RDMA transport rules.
pub fn caps_check(v: &dyn Values) -> Result<(), Error> {
    use schema::cap::*;
    let c = v.caps();
    if c == 0 {
        return Ok(());
    }
    let on = |b: u64| c & b != 0;
    let slot = |b: u64| schema::PARAM_COUNT.saturating_add(b.trailing_zeros() as usize);
    if on(X_COLO) && !on(RETURN_PATH) {
        return fail(
            v,
            slot(X_COLO),
            "Capability 'x-colo' requires capability 'return-path'",
        );
    }
    if on(POSTCOPY_RAM) && on(X_IGNORE_SHARED) {
        return fail(
            v,
            slot(POSTCOPY_RAM),
            "Postcopy is not compatible with ignore-shared",
        );
    }
    if on(BACKGROUND_SNAPSHOT) {
        const INCOMPATIBLE: [u64; 14] = [
            POSTCOPY_RAM,
            DIRTY_BITMAPS,
            POSTCOPY_BLOCKTIME,
            LATE_BLOCK_ACTIVATE,
            RETURN_PATH,
            MULTIFD,
            PAUSE_BEFORE_SWITCHOVER,
            AUTO_CONVERGE,
            RELEASE_RAM,
            RDMA_PIN_ALL,
            XBZRLE,
            X_COLO,
            VALIDATE_UUID,
            ZERO_COPY_SEND,
        ];
        if let Some(&b) = INCOMPATIBLE.iter().find(|&&b| on(b)) {
            let mut m = Message::new();
            m.push(b"Background-snapshot is not compatible with ");
            let name = schema::CAPS
                .get(b.trailing_zeros() as usize)
                .map_or("", |d| d.name);
            m.push(name.as_bytes());
            return Err(Error::new(
                Status::Check,
                v.offset(slot(BACKGROUND_SNAPSHOT)),
                m,
            ));
        }
    }
    if on(ZERO_COPY_SEND)
        && (!on(MULTIFD)
            || on(XBZRLE)
            || v.scalar(schema::MULTIFD_COMPRESSION_ID) != 0
            || !v.tls_empty())
    {
        return fail(
            v,
            slot(ZERO_COPY_SEND),
            "Zero copy only available for non-compressed non-TLS multifd migration",
        );
    }
    if on(POSTCOPY_PREEMPT) && !on(POSTCOPY_RAM) {
        return fail(
            v,
            slot(POSTCOPY_PREEMPT),
            "Postcopy preempt requires postcopy-ram",
        );
    }
    if on(SWITCHOVER_ACK) && !on(RETURN_PATH) {
        return fail(
            v,
            slot(SWITCHOVER_ACK),
            "Capability 'switchover-ack' requires capability 'return-path'",
        );
    }
    if on(DIRTY_LIMIT) && on(AUTO_CONVERGE) {
        return fail(
            v,
            slot(DIRTY_LIMIT),
            "dirty-limit conflicts with auto-converge either of then available currently",
        );
    }
    if on(MULTIFD) && on(XBZRLE) {
        return fail(v, slot(MULTIFD), "Multifd is not compatible with xbzrle");
    }
    if on(MAPPED_RAM) && on(XBZRLE) {
        return fail(
            v,
            slot(MAPPED_RAM),
            "Mapped-ram migration is incompatible with xbzrle",
        );
    }
    if on(MAPPED_RAM) && on(POSTCOPY_RAM) {
        if on(MULTIFD) {
            return fail(
                v,
                slot(MULTIFD),
                "Multifd is not supported with fast snapshot load",
            );
        }
        if on(POSTCOPY_PREEMPT) {
            return fail(
                v,
                slot(POSTCOPY_PREEMPT),
                "Postcopy Preempt is incompatible with fast snapshot load",
            );
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
    if v.nodes() == 0 {
        return None;
    }
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
