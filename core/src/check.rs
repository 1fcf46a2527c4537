//! `migrate_params_check`: every rule, in QEMU's order and master's words, on effective
//! values (what the input sets, over what the table holds, over the defaults).

use crate::error::{Error, Failed, Message, Status};
use crate::schema::{self, Check, RangeWords, CHECK_ORDER};
use crate::table::Params;
use crate::text::StrRef;

/// [`Values::node`] of a table's `block-bitmap-mapping` (none: no nodes).
pub fn table_node(t: Option<&Params>, i: usize) -> (StrRef<'_>, StrRef<'_>, usize) {
    match t.and_then(|t| t.node(i)) {
        Some(n) => (
            StrRef::Plain(n.node_name),
            StrRef::Plain(n.alias),
            n.bitmaps,
        ),
        None => (StrRef::Plain(&[]), StrRef::Plain(&[]), 0),
    }
}

/// [`Values::bitmap`] of a table's `block-bitmap-mapping` (none: no bitmaps).
pub fn table_bitmap(t: Option<&Params>, i: usize, j: usize) -> (StrRef<'_>, StrRef<'_>) {
    match t.and_then(|t| t.bitmap(i, j)) {
        Some(b) => (StrRef::Plain(b.name), StrRef::Plain(b.alias)),
        None => (StrRef::Plain(&[]), StrRef::Plain(&[])),
    }
}

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
    /// Ids whose effective value may differ from the built-in default. The checks skip
    /// the self-contained rules of the others; the conservative answer is all of them
    /// (`u64::MAX`).
    fn maybe_changed(&self) -> u64;
}

fn push_dec(m: &mut Message, v: u64) {
    let mut buf = [0u8; 20];
    m.push(crate::text::decimal(v, &mut buf));
}

fn push_str(m: &mut Message, s: StrRef<'_>) {
    for b in s.bytes() {
        m.push_byte(b);
    }
}

/// Ids whose rule reads more than their own value: these rules always run.
const NOT_SELF_CONTAINED: u64 = schema::param_mask!(|d| !d.check.self_contained());

/// Run every check; the first failure wins.
pub fn check(v: &dyn Values, err: &mut Error) -> Result<(), Failed> {
    let run = v.maybe_changed() | NOT_SELF_CONTAINED;
    for &id in CHECK_ORDER.iter() {
        let id = usize::from(id);
        if id >= schema::PARAM_COUNT {
            break;
        }
        if run & (1u64 << id) != 0 {
            if let Some(d) = schema::def(id) {
                violation(v, id, d, err)?;
            }
        }
        if id == schema::BLOCK_BITMAP_MAPPING {
            // QEMU checks the capability-dependent rules right after the bitmap mapping.
            caps_vs_params(v, err)?;
        }
    }
    caps_check(v, err)
}

#[cold]
fn fixed(err: &mut Error, at: usize, text: &str) -> Failed {
    err.fail(Status::Check, at, text)
}

/// The message of parameter `id`'s rule if its effective value breaks it. The message is
/// built only then: this runs on every parse.
fn violation(
    v: &dyn Values,
    id: usize,
    d: &schema::ParamDef,
    err: &mut Error,
) -> Result<(), Failed> {
    // The offset is looked up only when the rule fails.
    let bad = |c: bool, err: &mut Error, text: &str| {
        if c {
            Err(fixed(err, v.offset(id), text))
        } else {
            Ok(())
        }
    };
    match d.check {
        Check::None => Ok(()),
        Check::Range {
            min,
            max,
            shown_min,
            words,
        } => {
            let x = v.scalar(id);
            if (u64::from(min)..=u64::from(max)).contains(&x) {
                return Ok(());
            }
            let (pre, mid) = match words {
                RangeWords::IntegerInRange => (" expects an integer in the range of ", " to "),
                RangeWords::ValueBetween => (" expects a value between ", " and "),
            };
            let m = err.begin(Status::Check, v.offset(id));
            m.push(b"Option ");
            m.push(d.name.as_bytes());
            m.push(pre.as_bytes());
            push_dec(m, u64::from(shown_min));
            m.push(mid.as_bytes());
            push_dec(m, u64::from(max));
            Err(Failed)
        }
        Check::Downtime => bad(
            v.scalar(id) > 2_000_000,
            err,
            "Option downtime-limit expects an integer in the range of 0 to (2000 * 1000) ms",
        ),
        Check::PowerOfTwoPage => {
            let x = v.scalar(id);
            bad(
                x < v.page_size() || !x.is_power_of_two(),
                err,
                "Option xbzrle-cache-size expects a power of two no less than the target page size",
            )
        }
        Check::MaxCpuThrottle => {
            let x = v.scalar(id);
            bad(x < v.scalar(schema::CPU_THROTTLE_INITIAL) || x > 99, err, "Option max-cpu-throttle expects an integer in the range of cpu-throttle-initial to 99")
        }
        Check::AtLeastOneMbps => bad(
            v.scalar(id) < 1,
            err,
            "Parameter 'vcpu-dirty-limit' must be greater than 1 MB/s",
        ),
        Check::RdmaChunk => {
            let x = v.scalar(id);
            bad(
                !x.is_power_of_two() || !(1 << 20..=1 << 30).contains(&x),
                err,
                "Option x_rdma_chunk_size expects a power of 2 in the range 1MiB to 1024MiB",
            )
        }
        Check::BitmapMapping => bitmap_mapping(v, v.offset(id), err),
    }
}

fn cap_offset(v: &dyn Values, bit: u64) -> usize {
    v.offset(schema::PARAM_COUNT.saturating_add(bit.trailing_zeros() as usize))
}

#[cold]
fn fail(err: &mut Error, v: &dyn Values, slot: usize, text: &str) -> Result<(), Failed> {
    Err(err.fail(Status::Check, v.offset(slot), text))
}

/// `migrate_params_check`'s rules that involve capabilities (Linux build).
fn caps_vs_params(v: &dyn Values, err: &mut Error) -> Result<(), Failed> {
    use schema::cap::*;
    let caps = v.caps();
    if caps & (ZERO_COPY_SEND | MAPPED_RAM) == 0 {
        return Ok(());
    }
    let compressed = v.scalar(schema::MULTIFD_COMPRESSION_ID) != 0;
    let tls = !v.tls_empty();
    if caps & ZERO_COPY_SEND != 0 && (compressed || tls) {
        let at = cap_offset(v, ZERO_COPY_SEND);
        return Err(err.fail(
            Status::Check,
            at,
            "Zero copy only available for non-compressed non-TLS multifd migration",
        ));
    }
    if caps & MAPPED_RAM != 0 && v.current_compressed_or_tls() {
        let at = cap_offset(v, MAPPED_RAM);
        return Err(err.fail(
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
fn caps_check(v: &dyn Values, err: &mut Error) -> Result<(), Failed> {
    use schema::cap::*;
    let c = v.caps();
    if c == 0 {
        return Ok(());
    }
    let on = |b: u64| c & b != 0;
    let slot = |b: u64| schema::PARAM_COUNT.saturating_add(b.trailing_zeros() as usize);
    if on(X_COLO) && !on(RETURN_PATH) {
        return fail(
            err,
            v,
            slot(X_COLO),
            "Capability 'x-colo' requires capability 'return-path'",
        );
    }
    if on(POSTCOPY_RAM) && on(X_IGNORE_SHARED) {
        return fail(
            err,
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
            let m = err.begin(Status::Check, v.offset(slot(BACKGROUND_SNAPSHOT)));
            m.push(b"Background-snapshot is not compatible with ");
            let name = schema::CAPS
                .get(b.trailing_zeros() as usize)
                .map_or("", |d| d.name);
            m.push(name.as_bytes());
            return Err(Failed);
        }
    }
    // QEMU's rule also names compression and TLS; `caps_vs_params` has refused those
    // already, on the same values, with the same message at the same place.
    if on(ZERO_COPY_SEND) && (!on(MULTIFD) || on(XBZRLE)) {
        return fail(
            err,
            v,
            slot(ZERO_COPY_SEND),
            "Zero copy only available for non-compressed non-TLS multifd migration",
        );
    }
    if on(POSTCOPY_PREEMPT) && !on(POSTCOPY_RAM) {
        return fail(
            err,
            v,
            slot(POSTCOPY_PREEMPT),
            "Postcopy preempt requires postcopy-ram",
        );
    }
    if on(SWITCHOVER_ACK) && !on(RETURN_PATH) {
        return fail(
            err,
            v,
            slot(SWITCHOVER_ACK),
            "Capability 'switchover-ack' requires capability 'return-path'",
        );
    }
    if on(DIRTY_LIMIT) && on(AUTO_CONVERGE) {
        return fail(
            err,
            v,
            slot(DIRTY_LIMIT),
            "dirty-limit conflicts with auto-converge either of then available currently",
        );
    }
    if on(MULTIFD) && on(XBZRLE) {
        return fail(
            err,
            v,
            slot(MULTIFD),
            "Multifd is not compatible with xbzrle",
        );
    }
    if on(MAPPED_RAM) && on(XBZRLE) {
        return fail(
            err,
            v,
            slot(MAPPED_RAM),
            "Mapped-ram migration is incompatible with xbzrle",
        );
    }
    if on(MAPPED_RAM) && on(POSTCOPY_RAM) {
        if on(MULTIFD) {
            return fail(
                err,
                v,
                slot(MULTIFD),
                "Multifd is not supported with fast snapshot load",
            );
        }
        if on(POSTCOPY_PREEMPT) {
            return fail(
                err,
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
fn bitmap_mapping(v: &dyn Values, at: usize, err: &mut Error) -> Result<(), Failed> {
    let n = v.nodes();
    if n == 0 {
        return Ok(());
    }
    // Names to aliases first: every node, then its bitmaps.
    for i in 0..n {
        let (name, alias, nb) = v.node(i);
        if !well_formed_alias(alias) {
            return Err(bbm_fail(
                err,
                at,
                &[
                    Q::T("The node alias '"),
                    Q::S(alias),
                    Q::T("' is not well-formed"),
                ],
            ));
        }
        if alias.len() > 255 {
            return Err(bbm_fail(
                err,
                at,
                &[
                    Q::T("The node alias '"),
                    Q::S(alias),
                    Q::T("' is longer than 255 bytes"),
                ],
            ));
        }
        if name.len() > 31 {
            return Err(bbm_fail(
                err,
                at,
                &[
                    Q::T("The node name '"),
                    Q::S(name),
                    Q::T("' is longer than 31 bytes"),
                ],
            ));
        }
        if (0..i).any(|k| v.node(k).0.same(name)) {
            return Err(bbm_fail(
                err,
                at,
                &[
                    Q::T("The node name '"),
                    Q::S(name),
                    Q::T("' is mapped twice"),
                ],
            ));
        }
        for j in 0..nb {
            let (bname, balias) = v.bitmap(i, j);
            if balias.len() > 255 {
                let q = [
                    Q::T("The bitmap alias '"),
                    Q::S(balias),
                    Q::T("' is longer than 255 bytes"),
                ];
                return Err(bbm_fail(err, at, &q));
            }
            if bname.len() > 1023 {
                let q = [
                    Q::T("The bitmap name '"),
                    Q::S(bname),
                    Q::T("' is longer than 1023 bytes"),
                ];
                return Err(bbm_fail(err, at, &q));
            }
            if (0..j).any(|k| v.bitmap(i, k).0.same(bname)) {
                let q = [
                    Q::T("The bitmap '"),
                    Q::S(name),
                    Q::T("'/'"),
                    Q::S(bname),
                    Q::T("' is mapped twice"),
                ];
                return Err(bbm_fail(err, at, &q));
            }
        }
    }
    // Then aliases to names.
    for i in 0..n {
        let (_, alias, nb) = v.node(i);
        if (0..i).any(|k| v.node(k).1.same(alias)) {
            return Err(bbm_fail(
                err,
                at,
                &[
                    Q::T("The node alias '"),
                    Q::S(alias),
                    Q::T("' is used twice"),
                ],
            ));
        }
        for j in 0..nb {
            let balias = v.bitmap(i, j).1;
            if (0..j).any(|k| v.bitmap(i, k).1.same(balias)) {
                let q = [
                    Q::T("The bitmap alias '"),
                    Q::S(alias),
                    Q::T("'/'"),
                    Q::S(balias),
                    Q::T("' is used twice"),
                ];
                return Err(bbm_fail(err, at, &q));
            }
        }
    }
    Ok(())
}

/// A piece of a bitmap-mapping message: fixed text or a quoted string.
enum Q<'a> {
    T(&'static str),
    S(StrRef<'a>),
}

#[cold]
fn bbm_fail(err: &mut Error, at: usize, parts: &[Q<'_>]) -> Failed {
    let m = err.begin(Status::Check, at);
    m.push(b"Invalid mapping given for block-bitmap-mapping: ");
    for p in parts {
        match p {
            Q::T(t) => m.push(t.as_bytes()),
            Q::S(s) => push_str(m, *s),
        }
    }
    Failed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Defaults everywhere but the given scalars; `changed` is what [`Values::maybe_changed`]
    /// answers. Offsets name the slot, so a test sees which rule failed.
    struct Fixed<'a> {
        set: &'a [(usize, u64)],
        changed: u64,
        caps: u64,
    }

    impl Values for Fixed<'_> {
        fn scalar(&self, id: usize) -> u64 {
            self.set
                .iter()
                .find(|(i, _)| *i == id)
                .map_or_else(|| schema::def(id).map_or(0, |d| d.default), |(_, v)| *v)
        }
        fn nodes(&self) -> usize {
            0
        }
        fn node(&self, i: usize) -> (StrRef<'_>, StrRef<'_>, usize) {
            table_node(None, i)
        }
        fn bitmap(&self, i: usize, j: usize) -> (StrRef<'_>, StrRef<'_>) {
            table_bitmap(None, i, j)
        }
        fn page_size(&self) -> u64 {
            4096
        }
        fn offset(&self, id: usize) -> usize {
            id
        }
        fn caps(&self) -> u64 {
            self.caps
        }
        fn tls_empty(&self) -> bool {
            true
        }
        fn current_compressed_or_tls(&self) -> bool {
            false
        }
        fn maybe_changed(&self) -> u64 {
            self.changed
        }
    }

    /// The checks over `set` (else defaults), with `changed` and `caps` as the values
    /// answer them: accepted, or the offset (the slot) and which message.
    fn run(set: &[(usize, u64)], changed: u64, caps: u64) -> Result<(), (usize, &'static str)> {
        let v = Fixed { set, changed, caps };
        let mut err = Error::empty();
        match check(&v, &mut err) {
            Ok(()) => Ok(()),
            Err(Failed) => {
                let msg = match err.message() {
                    b"Option downtime-limit expects an integer in the range of 0 to (2000 * 1000) ms" => "downtime",
                    b"Option max-cpu-throttle expects an integer in the range of cpu-throttle-initial to 99" => "throttle",
                    b"Zero copy only available for non-compressed non-TLS multifd migration" => "zero copy",
                    _ => "other",
                };
                Err((err.offset, msg))
            }
        }
    }

    #[test]
    fn a_self_contained_rule_runs_only_for_a_value_that_may_have_changed() {
        let dl = schema::lookup(b"downtime-limit").unwrap_or(usize::MAX);
        let set = [(dl, 2_000_001)];
        // Not reported as changed: its rule is skipped (the value cannot differ from the
        // default, which keeps the rule).
        assert_eq!(run(&set, 0, 0), Ok(()));
        assert_eq!(run(&set, 1 << dl, 0), Err((dl, "downtime")));
        assert_eq!(run(&set, u64::MAX, 0), Err((dl, "downtime")));
    }

    #[test]
    fn a_rule_reading_another_value_always_runs() {
        let max = schema::lookup(b"max-cpu-throttle").unwrap_or(usize::MAX);
        // max-cpu-throttle keeps its default (99) and nothing is reported as changed, but
        // its rule also reads cpu-throttle-initial, so it runs and sees 99 < 100.
        let set = [(schema::CPU_THROTTLE_INITIAL, 100)];
        assert_eq!(run(&set, 0, 0), Err((max, "throttle")));
        let set = [(schema::CPU_THROTTLE_INITIAL, 99)];
        assert_eq!(run(&set, 0, 0), Ok(()));
    }

    #[test]
    fn capability_rules_run_right_after_the_bitmap_mapping() {
        use schema::cap::ZERO_COPY_SEND;
        let dl = schema::lookup(b"downtime-limit").unwrap_or(usize::MAX);
        let zc = schema::PARAM_COUNT + ZERO_COPY_SEND.trailing_zeros() as usize;
        let compressed = [(schema::MULTIFD_COMPRESSION_ID, 1)];
        assert_eq!(
            run(&compressed, u64::MAX, ZERO_COPY_SEND),
            Err((zc, "zero copy"))
        );
        // downtime-limit is checked before the bitmap mapping, so its error comes first.
        let both = [(schema::MULTIFD_COMPRESSION_ID, 1), (dl, 2_000_001)];
        assert_eq!(run(&both, u64::MAX, ZERO_COPY_SEND), Err((dl, "downtime")));
    }
}
