//! The parameter schema: every migration parameter, declared once.
//!
//! Row order is QEMU master's `MigrationParameters` member order (the order QEMU visits
//! members in, and so the order in which type errors are reported), with `local` appended.
//! A parameter's position in [`PARAMS`] is its id (`MigcfgParam` in C): ids are
//! append-only, so a member QEMU inserts mid-schema later gets the next free id and
//! [`VISIT_ORDER`] keeps QEMU's order.
//!
//! Parsing, checks, the C enum, help and the formatters all read this table.

/// Values of QEMU's `MigMode` enum, in QAPI order.
pub const MIG_MODE: &[&str] = &["normal", "cpr-reboot", "cpr-transfer", "cpr-exec"];
/// Values of QEMU's `MultiFDCompression` enum, in QAPI order (every value, whether or not a
/// backend is compiled into the VMM).
pub const MULTIFD_COMPRESSION: &[&str] = &["none", "zlib", "zstd", "qatzip", "qpl", "uadk"];
/// Values of QEMU's `ZeroPageDetection` enum, in QAPI order.
pub const ZERO_PAGE_DETECTION: &[&str] = &["none", "legacy", "multifd"];

/// The QAPI type of a parameter, as far as parsing and storage are concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `bool`.
    Bool,
    /// `uint8`, `uint32` or `uint64`: the number is the width in bits.
    Uint(u8),
    /// `size`: keyval accepts `qemu_strtosz` syntax.
    Size,
    /// `StrOrNull` (the TLS members): a string; JSON `null` means the empty string.
    Str,
    /// An enum, with its values in QAPI order; stored as the index.
    Enum(&'static [&'static str]),
    /// `['str']` (`cpr-exec-command`).
    StrList,
    /// `['BitmapMigrationNodeAlias']` (`block-bitmap-mapping`).
    BitmapMapping,
}

/// How a range check words its message (QEMU master's wording).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeWords {
    /// `Option <name> expects an integer in the range of <lo> to <hi>`
    IntegerInRange,
    /// `Option <name> expects a value between <lo> and <hi>`
    ValueBetween,
}

/// The check `migrate_params_check` applies to one parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// No check.
    None,
    /// `min <= value <= max`; the message shows `shown_min` (QEMU's `announce-step` message
    /// says 0 although 0 is rejected).
    Range {
        /// Smallest valid value.
        min: u32,
        /// Largest valid value.
        max: u32,
        /// Lower bound as the message prints it.
        shown_min: u32,
        /// Message wording.
        words: RangeWords,
    },
    /// `downtime-limit`: at most 2 000 000 ms; the message prints the C macro text.
    Downtime,
    /// `xbzrle-cache-size`: a power of two no less than the target page size.
    PowerOfTwoPage,
    /// `max-cpu-throttle`: between `cpu-throttle-initial` and 99.
    MaxCpuThrottle,
    /// `vcpu-dirty-limit`: at least 1.
    AtLeastOneMbps,
    /// `x-rdma-chunk-size`: a power of two in [1 MiB, 1 GiB].
    RdmaChunk,
    /// `block-bitmap-mapping`: QEMU's alias-map rules.
    BitmapMapping,
}

impl Check {
    /// Whether the rule reads only its own parameter's value. Such a rule always passes
    /// on the built-in default (a test holds every default to its rule), so the checks
    /// can skip it while the parameter is unset.
    pub const fn self_contained(self) -> bool {
        matches!(
            self,
            Check::None
                | Check::Range { .. }
                | Check::Downtime
                | Check::AtLeastOneMbps
                | Check::RdmaChunk
        )
    }
}

/// A QEMU release, for since- and removed-in versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    /// Major release number.
    pub major: u8,
    /// Minor release number.
    pub minor: u8,
}

const fn v(major: u8, minor: u8) -> Version {
    Version { major, minor }
}

/// The newest QEMU release the schema knows (master's development cycle plus `local`).
pub const NEWEST: Version = v(11, 2);

/// One migration parameter, as parsing and the checks read it. Its C name and its
/// description live in tables of their own ([`ParamDef::cname`], [`ParamDef::doc`]), so a
/// program that only parses does not carry them.
#[derive(Clone, Copy, Debug)]
pub struct ParamDef {
    /// QAPI member name.
    pub name: &'static str,
    /// Its id: the position in [`PARAMS`].
    pub id: u8,
    /// Type.
    pub kind: Kind,
    /// Default value of a scalar (enum: index; bool: 0 or 1). Strings default to empty,
    /// lists to unset.
    pub default: u64,
    /// The `migrate_params_check` rule.
    pub check: Check,
    /// Position of the check in `migrate_params_check` (checks run in increasing order).
    pub check_order: u8,
    /// First QEMU release with this member.
    pub since: Version,
    /// First release without it, if it was removed.
    pub removed: Option<Version>,
    /// Marked unstable (`x-` prefix) in QAPI.
    pub unstable: bool,
}

/// Row `i` of a column kept apart from the definitions (`none` past its end).
fn row<T: Copy>(col: &[T], i: u8, none: T) -> T {
    col.get(usize::from(i)).copied().unwrap_or(none)
}

impl ParamDef {
    /// The name, NUL-terminated (for C callers).
    pub fn cname(&self) -> &'static core::ffi::CStr {
        row(&PARAM_CNAMES, self.id, c"")
    }

    /// One-line description.
    pub fn doc(&self) -> &'static str {
        row(&PARAM_DOCS, self.id, "")
    }
}

/// A row of the declaration: the definition and what only C names and help read.
#[derive(Clone, Copy)]
struct ParamDecl {
    def: ParamDef,
    cname: &'static core::ffi::CStr,
    doc: &'static str,
}

#[allow(clippy::indexing_slicing, clippy::panic)] // evaluated at compile time only
const fn p(
    cname: &'static core::ffi::CStr,
    kind: Kind,
    default: u64,
    check: Check,
    check_order: u8,
    since: Version,
    doc: &'static str,
) -> ParamDecl {
    let b = cname.to_bytes();
    let name = match core::str::from_utf8(b) {
        Ok(s) => s,
        Err(_) => panic!("parameter names are ASCII"),
    };
    let unstable = b.len() > 2 && b[0] == b'x' && b[1] == b'-';
    ParamDecl {
        def: ParamDef {
            name,
            id: 0,
            kind,
            default,
            check,
            check_order,
            since,
            removed: None,
            unstable,
        },
        cname,
        doc,
    }
}

const fn between(min: u32, max: u32) -> Check {
    Check::Range {
        min,
        max,
        shown_min: min,
        words: RangeWords::ValueBetween,
    }
}

const fn in_range(min: u32, max: u32) -> Check {
    Check::Range {
        min,
        max,
        shown_min: min,
        words: RangeWords::IntegerInRange,
    }
}

/// The ids (bit `i`: [`PARAMS`]`[i]`) of the parameters `$d` for which `$cond` holds,
/// for compile-time masks: `param_mask!(|d| d.removed.is_none())`.
macro_rules! param_mask {
    (|$d:ident| $cond:expr) => {{
        let mut m = 0u64;
        let mut i = 0;
        while i < $crate::schema::PARAM_COUNT {
            #[allow(clippy::indexing_slicing)] // compile time only: a bad index fails the build
            let $d = &$crate::schema::PARAMS[i];
            if $cond {
                m |= 1u64 << i;
            }
            #[allow(clippy::arithmetic_side_effects)] // compile time only: i < PARAM_COUNT
            {
                i += 1;
            }
        }
        m
    }};
}
pub(crate) use param_mask;

/// Number of parameters.
pub const PARAM_COUNT: usize = 32;

/// Capacity of the string arena shared by every string of a table, in bytes.
pub const STRING_CAPACITY: usize = 8192;
/// Most elements `cpr-exec-command` holds.
pub const EXEC_COMMAND_CAPACITY: usize = 64;
/// Most nodes `block-bitmap-mapping` holds.
pub const BITMAP_NODE_CAPACITY: usize = 8;
/// Most bitmaps `block-bitmap-mapping` holds, over all its nodes.
pub const BITMAP_CAPACITY: usize = 32;

use Check as C;
use Kind as K;

/// Splits a declaration table into its columns, at compile time: `$col` picks one from a
/// row `$r` (at `$i`).
macro_rules! column {
    ($decls:ident, $n:expr, |$r:ident, $i:ident| $col:expr) => {{
        #[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // compile time only
        let t = {
            let $r = &$decls[0];
            let $i = 0;
            let mut t = [$col; $n];
            let mut $i = 1;
            while $i < $n {
                let $r = &$decls[$i];
                t[$i] = $col;
                $i += 1;
            }
            t
        };
        t
    }};
}

/// The schema, indexed by parameter id.
pub static PARAMS: [ParamDef; PARAM_COUNT] = column!(PARAM_DECLS, PARAM_COUNT, |r, i| ParamDef {
    id: i as u8,
    ..r.def
});
/// [`ParamDef::cname`], by id.
static PARAM_CNAMES: [&core::ffi::CStr; PARAM_COUNT] =
    column!(PARAM_DECLS, PARAM_COUNT, |r, _i| r.cname);
/// [`ParamDef::doc`], by id.
static PARAM_DOCS: [&str; PARAM_COUNT] = column!(PARAM_DECLS, PARAM_COUNT, |r, _i| r.doc);

/// The declaration: one row per parameter, in id order. Read only at compile time, through
/// the columns above.
#[rustfmt::skip]
const PARAM_DECLS: [ParamDecl; PARAM_COUNT] = [
    p(
        c"announce-initial",
        K::Size,
        50,
        between(0, 100_000),
        13,
        v(4, 0),
        "Delay in ms before the first self-announce packet after incoming migration",
    ),
    p(
        c"announce-max",
        K::Size,
        550,
        between(0, 100_000),
        14,
        v(4, 0),
        "Upper bound in ms for the delay between announce packets",
    ),
    p(
        c"announce-rounds",
        K::Size,
        5,
        between(0, 1000),
        15,
        v(4, 0),
        "Number of self-announce packets sent after migration",
    ),
    p(
        c"announce-step",
        K::Size,
        100,
        C::Range {
            min: 1,
            max: 10_000,
            shown_min: 0,
            words: RangeWords::ValueBetween,
        },
        16,
        v(4, 0),
        "Increase in ms of the delay between consecutive announce packets",
    ),
    p(
        c"throttle-trigger-threshold",
        K::Uint(8),
        50,
        in_range(1, 100),
        1,
        v(5, 0),
        "Percentage of dirtied to transferred bytes that triggers auto-converge throttling",
    ),
    p(
        c"cpu-throttle-initial",
        K::Uint(8),
        20,
        in_range(1, 99),
        2,
        v(2, 7),
        "Initial percentage of vCPU time taken away by auto-converge",
    ),
    p(
        c"cpu-throttle-increment",
        K::Uint(8),
        10,
        in_range(1, 99),
        3,
        v(2, 7),
        "Percentage added to the throttle when auto-converge sees no progress",
    ),
    p(
        c"cpu-throttle-tailslow",
        K::Bool,
        0,
        C::None,
        0,
        v(5, 1),
        "Reduce the last throttle step to the ideal value computed from the dirty rate",
    ),
    p(
        c"tls-creds",
        K::Str,
        0,
        C::None,
        0,
        v(2, 7),
        "ID of the tls-creds object; non-empty enables TLS",
    ),
    p(
        c"tls-hostname",
        K::Str,
        0,
        C::None,
        0,
        v(2, 7),
        "Hostname checked against the peer's x509 certificate",
    ),
    p(
        c"tls-authz",
        K::Str,
        0,
        C::None,
        0,
        v(4, 0),
        "ID of the authz object that checks the client certificate",
    ),
    p(
        c"max-bandwidth",
        K::Size,
        134_217_728,
        C::None,
        0,
        v(2, 8),
        "Precopy rate limit in bytes per second",
    ),
    p(
        c"avail-switchover-bandwidth",
        K::Size,
        0,
        C::None,
        0,
        v(8, 2),
        "Bandwidth in bytes per second assumed available at switchover (0: estimate)",
    ),
    p(
        c"downtime-limit",
        K::Uint(64),
        300,
        C::Downtime,
        6,
        v(2, 8),
        "Maximum tolerated downtime in milliseconds",
    ),
    p(
        c"x-checkpoint-delay",
        K::Uint(32),
        20_000,
        C::None,
        0,
        v(2, 8),
        "Interval in ms between COLO checkpoints in periodic mode",
    ),
    p(
        c"multifd-channels",
        K::Uint(8),
        2,
        between(1, 255),
        7,
        v(4, 0),
        "Number of parallel multifd channels",
    ),
    p(
        c"xbzrle-cache-size",
        K::Size,
        67_108_864,
        C::PowerOfTwoPage,
        11,
        v(2, 11),
        "XBZRLE cache size in bytes",
    ),
    p(
        c"max-postcopy-bandwidth",
        K::Size,
        0,
        C::None,
        0,
        v(3, 0),
        "Postcopy background transfer rate in bytes per second (0: unlimited)",
    ),
    p(
        c"max-cpu-throttle",
        K::Uint(8),
        99,
        C::MaxCpuThrottle,
        12,
        v(3, 1),
        "Upper bound of the auto-converge throttle percentage",
    ),
    p(
        c"multifd-compression",
        K::Enum(MULTIFD_COMPRESSION),
        0,
        C::None,
        0,
        v(5, 0),
        "Compression method used by multifd",
    ),
    p(
        c"multifd-zlib-level",
        K::Uint(8),
        1,
        between(0, 9),
        8,
        v(5, 0),
        "zlib compression level for multifd",
    ),
    p(
        c"multifd-qatzip-level",
        K::Uint(8),
        1,
        between(1, 9),
        9,
        v(9, 2),
        "QATzip compression level for multifd",
    ),
    p(
        c"multifd-zstd-level",
        K::Uint(8),
        1,
        between(0, 20),
        10,
        v(5, 0),
        "zstd compression level for multifd",
    ),
    p(
        c"block-bitmap-mapping",
        K::BitmapMapping,
        0,
        C::BitmapMapping,
        17,
        v(5, 2),
        "Maps block node and bitmap names to aliases for dirty-bitmap migration",
    ),
    p(
        c"x-vcpu-dirty-limit-period",
        K::Uint(64),
        1000,
        between(1, 1000),
        20,
        v(8, 1),
        "Period in ms of the dirty-limit throttling loop",
    ),
    p(
        c"vcpu-dirty-limit",
        K::Uint(64),
        1,
        C::AtLeastOneMbps,
        21,
        v(8, 1),
        "Per-vCPU dirty rate limit in MB/s",
    ),
    p(
        c"mode",
        K::Enum(MIG_MODE),
        0,
        C::None,
        0,
        v(8, 2),
        "Migration mode: normal live migration or a checkpoint-restart variant",
    ),
    p(
        c"zero-page-detection",
        K::Enum(ZERO_PAGE_DETECTION),
        2,
        C::None,
        0,
        v(9, 0),
        "Where zero pages are detected",
    ),
    p(
        c"direct-io",
        K::Bool,
        0,
        C::None,
        0,
        v(9, 1),
        "Open migration files with O_DIRECT when possible",
    ),
    p(
        c"x-rdma-chunk-size",
        K::Uint(64),
        1_048_576,
        C::RdmaChunk,
        23,
        v(11, 1),
        "RDMA memory registration chunk size in bytes",
    ),
    p(
        c"cpr-exec-command",
        K::StrList,
        0,
        C::None,
        0,
        v(10, 2),
        "argv the old QEMU execs to start the new one in cpr-exec mode",
    ),
    p(
        c"local",
        K::Bool,
        0,
        C::None,
        0,
        v(11, 2),
        "Local (same-host) migration: backend state and fds pass over a UNIX socket",
    ),
];

/// Order in which QEMU visits the members (and reports their type errors): a list of ids.
#[allow(clippy::indexing_slicing)]
pub static VISIT_ORDER: [u8; PARAM_COUNT] = {
    let mut o = [0u8; PARAM_COUNT];
    let mut i = 0;
    while i < PARAM_COUNT {
        o[i] = i as u8;
        i += 1;
    }
    o
};

/// Ids of the parameters that have a check, in `migrate_params_check` order.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
pub static CHECK_ORDER: [u8; PARAM_COUNT] = {
    let mut o = [u8::MAX; PARAM_COUNT];
    let mut n = 0;
    let mut rank = 1;
    while rank < 64 {
        let mut i = 0;
        while i < PARAM_COUNT {
            if PARAMS[i].check_order == rank {
                o[n] = i as u8;
                n += 1;
            }
            i += 1;
        }
        rank += 1;
    }
    o
};

/// A migration capability (`MigrationCapability`), accepted in a config as a bool when the
/// caller opts in.
#[derive(Clone, Copy, Debug)]
pub struct CapDef {
    /// QAPI name.
    pub name: &'static str,
    /// Its bit: the position in [`CAPS`].
    pub bit: u8,
    /// First QEMU release with it.
    pub since: Version,
    /// First release without it.
    pub removed: Option<Version>,
    /// Marked unstable in QAPI.
    pub unstable: bool,
}

impl CapDef {
    /// The name, NUL-terminated (for C callers).
    pub fn cname(&self) -> &'static core::ffi::CStr {
        row(&CAP_CNAMES, self.bit, c"")
    }

    /// One-line description.
    pub fn doc(&self) -> &'static str {
        row(&CAP_DOCS, self.bit, "")
    }
}

/// A row of the capability declaration.
#[derive(Clone, Copy)]
struct CapDecl {
    def: CapDef,
    cname: &'static core::ffi::CStr,
    doc: &'static str,
}

impl CapDecl {
    /// The same row, for a capability QEMU removed in release `r`.
    const fn removed_in(mut self, r: Version) -> CapDecl {
        self.def.removed = Some(r);
        self
    }
}

#[allow(clippy::indexing_slicing, clippy::panic)] // evaluated at compile time only
const fn cap(cname: &'static core::ffi::CStr, since: Version, doc: &'static str) -> CapDecl {
    let b = cname.to_bytes();
    let name = match core::str::from_utf8(b) {
        Ok(s) => s,
        Err(_) => panic!("capability names are ASCII"),
    };
    let unstable = b.len() > 2 && b[0] == b'x' && b[1] == b'-';
    CapDecl {
        def: CapDef {
            name,
            bit: 0,
            since,
            removed: None,
            unstable,
        },
        cname,
        doc,
    }
}

/// Number of capabilities.
pub const CAP_COUNT: usize = 22;

/// The capabilities, in QEMU's `MigrationCapability` order (10.2, which still had
/// `zero-blocks`); a capability's position is its bit in `MIGCFG_CAP_*`. Append-only.
pub static CAPS: [CapDef; CAP_COUNT] = column!(CAP_DECLS, CAP_COUNT, |r, i| CapDef {
    bit: i as u8,
    ..r.def
});
/// [`CapDef::cname`], by bit.
static CAP_CNAMES: [&core::ffi::CStr; CAP_COUNT] = column!(CAP_DECLS, CAP_COUNT, |r, _i| r.cname);
/// [`CapDef::doc`], by bit.
static CAP_DOCS: [&str; CAP_COUNT] = column!(CAP_DECLS, CAP_COUNT, |r, _i| r.doc);

/// The capability declaration, in bit order. Read only at compile time, through the columns
/// above.
const CAP_DECLS: [CapDecl; CAP_COUNT] = [
    cap(
        c"xbzrle",
        v(1, 2),
        "Delta-encode re-sent pages against a cache (XBZRLE)",
    ),
    cap(
        c"rdma-pin-all",
        v(2, 0),
        "Pin all guest RAM up front for RDMA migration",
    ),
    cap(
        c"auto-converge",
        v(1, 6),
        "Throttle vCPUs when the dirty rate prevents convergence",
    ),
    cap(
        c"zero-blocks",
        v(1, 6),
        "Skip zero blocks of block migration (removed in 11.0)",
    )
    .removed_in(v(11, 0)),
    cap(
        c"events",
        v(2, 4),
        "Emit the MIGRATION event on every state change",
    ),
    cap(c"postcopy-ram", v(2, 6), "Allow switching to post-copy"),
    cap(c"x-colo", v(2, 8), "COLO fault-tolerance mode"),
    cap(
        c"release-ram",
        v(2, 9),
        "Source discards RAM pages once sent during postcopy",
    ),
    cap(
        c"return-path",
        v(2, 10),
        "Open a destination-to-source return channel",
    ),
    cap(
        c"pause-before-switchover",
        v(2, 11),
        "Pause before device state is sent, until migrate-continue",
    ),
    cap(
        c"multifd",
        v(4, 0),
        "Send RAM over several parallel channels",
    ),
    cap(c"dirty-bitmaps", v(2, 12), "Migrate block dirty bitmaps"),
    cap(
        c"postcopy-blocktime",
        v(3, 0),
        "Measure vCPU blocking time caused by postcopy faults",
    ),
    cap(
        c"late-block-activate",
        v(3, 0),
        "Delay block activation on the destination until 'cont'",
    ),
    cap(
        c"x-ignore-shared",
        v(4, 0),
        "Do not migrate RAM blocks backed by shared memory",
    ),
    cap(
        c"validate-uuid",
        v(4, 2),
        "Destination checks the source's VM UUID",
    ),
    cap(
        c"background-snapshot",
        v(6, 0),
        "Live snapshot with userfaultfd write protection",
    ),
    cap(
        c"zero-copy-send",
        v(7, 1),
        "Send multifd pages with zero copy (Linux)",
    ),
    cap(
        c"postcopy-preempt",
        v(7, 1),
        "Separate channel for postcopy page requests",
    ),
    cap(
        c"switchover-ack",
        v(8, 1),
        "Wait for the destination's ack before switchover",
    ),
    cap(
        c"dirty-limit",
        v(8, 1),
        "Throttle vCPUs with the dirty-limit mechanism",
    ),
    cap(
        c"mapped-ram",
        v(9, 0),
        "RAM pages at fixed offsets in the migration file",
    ),
];

/// Stage slots: the parameters (by id), then the capabilities (`PARAM_COUNT + bit`).
pub const SLOT_COUNT: usize = PARAM_COUNT + CAP_COUNT;

/// Slot of capability `name`, if any.
pub fn cap_lookup(name: &[u8]) -> Option<usize> {
    CAPS.iter()
        .position(|c| c.name.len() == name.len() && c.name.as_bytes() == name)
}

/// Bit of a capability by name, usable in constant context.
#[allow(
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)] // compile time only
const fn cap_bit(name: &str) -> u64 {
    let mut i = 0;
    while i < CAP_COUNT {
        if const_eq(CAPS[i].name, name) {
            return 1 << i;
        }
        i += 1;
    }
    panic!("no such capability")
}

bitflags::bitflags! {
    /// A set of capabilities (bit `n` is [`CAPS`]`[n]`). The named flags are the ones the
    /// checks use; each takes its bit from the table by name, at compile time.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
    pub struct CapSet: u64 {
        /// `xbzrle`
        const XBZRLE = cap_bit("xbzrle");
        /// `rdma-pin-all`
        const RDMA_PIN_ALL = cap_bit("rdma-pin-all");
        /// `auto-converge`
        const AUTO_CONVERGE = cap_bit("auto-converge");
        /// `postcopy-ram`
        const POSTCOPY_RAM = cap_bit("postcopy-ram");
        /// `x-colo`
        const X_COLO = cap_bit("x-colo");
        /// `release-ram`
        const RELEASE_RAM = cap_bit("release-ram");
        /// `return-path`
        const RETURN_PATH = cap_bit("return-path");
        /// `pause-before-switchover`
        const PAUSE_BEFORE_SWITCHOVER = cap_bit("pause-before-switchover");
        /// `multifd`
        const MULTIFD = cap_bit("multifd");
        /// `dirty-bitmaps`
        const DIRTY_BITMAPS = cap_bit("dirty-bitmaps");
        /// `postcopy-blocktime`
        const POSTCOPY_BLOCKTIME = cap_bit("postcopy-blocktime");
        /// `late-block-activate`
        const LATE_BLOCK_ACTIVATE = cap_bit("late-block-activate");
        /// `x-ignore-shared`
        const X_IGNORE_SHARED = cap_bit("x-ignore-shared");
        /// `validate-uuid`
        const VALIDATE_UUID = cap_bit("validate-uuid");
        /// `background-snapshot`
        const BACKGROUND_SNAPSHOT = cap_bit("background-snapshot");
        /// `zero-copy-send`
        const ZERO_COPY_SEND = cap_bit("zero-copy-send");
        /// `postcopy-preempt`
        const POSTCOPY_PREEMPT = cap_bit("postcopy-preempt");
        /// `switchover-ack`
        const SWITCHOVER_ACK = cap_bit("switchover-ack");
        /// `dirty-limit`
        const DIRTY_LIMIT = cap_bit("dirty-limit");
        /// `mapped-ram`
        const MAPPED_RAM = cap_bit("mapped-ram");
        // Every capability of the table, named or not.
        const _ = (1u64 << CAP_COUNT) - 1;
    }
}

/// Capability bits the checks name (the bits of [`CapSet`]'s flags).
pub mod cap {
    /// `xbzrle`
    pub const XBZRLE: u64 = super::CapSet::XBZRLE.bits();
    /// `rdma-pin-all`
    pub const RDMA_PIN_ALL: u64 = super::CapSet::RDMA_PIN_ALL.bits();
    /// `auto-converge`
    pub const AUTO_CONVERGE: u64 = super::CapSet::AUTO_CONVERGE.bits();
    /// `postcopy-ram`
    pub const POSTCOPY_RAM: u64 = super::CapSet::POSTCOPY_RAM.bits();
    /// `x-colo`
    pub const X_COLO: u64 = super::CapSet::X_COLO.bits();
    /// `release-ram`
    pub const RELEASE_RAM: u64 = super::CapSet::RELEASE_RAM.bits();
    /// `return-path`
    pub const RETURN_PATH: u64 = super::CapSet::RETURN_PATH.bits();
    /// `pause-before-switchover`
    pub const PAUSE_BEFORE_SWITCHOVER: u64 = super::CapSet::PAUSE_BEFORE_SWITCHOVER.bits();
    /// `multifd`
    pub const MULTIFD: u64 = super::CapSet::MULTIFD.bits();
    /// `dirty-bitmaps`
    pub const DIRTY_BITMAPS: u64 = super::CapSet::DIRTY_BITMAPS.bits();
    /// `postcopy-blocktime`
    pub const POSTCOPY_BLOCKTIME: u64 = super::CapSet::POSTCOPY_BLOCKTIME.bits();
    /// `late-block-activate`
    pub const LATE_BLOCK_ACTIVATE: u64 = super::CapSet::LATE_BLOCK_ACTIVATE.bits();
    /// `x-ignore-shared`
    pub const X_IGNORE_SHARED: u64 = super::CapSet::X_IGNORE_SHARED.bits();
    /// `validate-uuid`
    pub const VALIDATE_UUID: u64 = super::CapSet::VALIDATE_UUID.bits();
    /// `background-snapshot`
    pub const BACKGROUND_SNAPSHOT: u64 = super::CapSet::BACKGROUND_SNAPSHOT.bits();
    /// `zero-copy-send`
    pub const ZERO_COPY_SEND: u64 = super::CapSet::ZERO_COPY_SEND.bits();
    /// `postcopy-preempt`
    pub const POSTCOPY_PREEMPT: u64 = super::CapSet::POSTCOPY_PREEMPT.bits();
    /// `switchover-ack`
    pub const SWITCHOVER_ACK: u64 = super::CapSet::SWITCHOVER_ACK.bits();
    /// `dirty-limit`
    pub const DIRTY_LIMIT: u64 = super::CapSet::DIRTY_LIMIT.bits();
    /// `mapped-ram`
    pub const MAPPED_RAM: u64 = super::CapSet::MAPPED_RAM.bits();
}

/// Name of stage slot `slot` (a parameter or a capability).
pub fn slot_name(slot: usize) -> Option<&'static str> {
    match def(slot) {
        Some(d) => Some(d.name),
        None => CAPS.get(slot.checked_sub(PARAM_COUNT)?).map(|c| c.name),
    }
}

/// Whether a member with these versions exists in release `target`.
pub const fn exists_in(since: Version, removed: Option<Version>, target: Version) -> bool {
    // Const, so parse can fold the newest release's members at compile time.
    const fn key(v: Version) -> u16 {
        (v.major as u16) << 8 | v.minor as u16
    }
    key(since) <= key(target)
        && match removed {
            None => true,
            Some(r) => key(target) < key(r),
        }
}

/// Look a parameter up by its exact QAPI name.
pub fn lookup(name: &[u8]) -> Option<usize> {
    let i = *NAME_HASH.get(name_hash_rt(name))?;
    let d = PARAMS.get(usize::from(i))?;
    (d.name.as_bytes() == name).then_some(usize::from(i))
}

/// Size of the name hash table (a power of two).
const HASH_SIZE: usize = 128;

/// Hash of a name for [`NAME_HASH`]: length and a few bytes, enough to tell every
/// parameter apart (checked when the table is built).
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // bounds checked first
const fn name_hash(n: &[u8]) -> usize {
    let len = n.len();
    if len == 0 {
        return 0;
    }
    let h = (len as u32)
        .wrapping_mul(0x9E37)
        .wrapping_add((n[0] as u32).wrapping_mul(31))
        .wrapping_add((n[len - 1] as u32).wrapping_mul(5))
        .wrapping_add((n[len / 2] as u32).wrapping_mul(3))
        .wrapping_add(n[len * 3 / 4] as u32);
    (h as usize) & (HASH_SIZE - 1)
}

/// [`name_hash`] with checked reads (the same function, for run time: no panic path).
fn name_hash_rt(n: &[u8]) -> usize {
    let len = n.len();
    let at = |i: usize| u32::from(n.get(i).copied().unwrap_or(0));
    let h = (len as u32)
        .wrapping_mul(0x9E37)
        .wrapping_add(at(0).wrapping_mul(31))
        .wrapping_add(at(len.wrapping_sub(1)).wrapping_mul(5))
        .wrapping_add(at(len / 2).wrapping_mul(3))
        // len * 3 cannot wrap: no slice is that long.
        .wrapping_add(at(len.wrapping_mul(3) / 4));
    (h as usize) & (HASH_SIZE - 1)
}

/// Parameter id by name hash; `u8::MAX` for none. Built at compile time, which fails if two
/// names collide.
#[allow(
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)] // compile time only
static NAME_HASH: [u8; HASH_SIZE] = {
    let mut t = [u8::MAX; HASH_SIZE];
    let mut i = 0;
    while i < PARAM_COUNT {
        let h = name_hash(PARAMS[i].name.as_bytes());
        if t[h] != u8::MAX {
            panic!("parameter name hash collision: change name_hash");
        }
        t[h] = i as u8;
        i += 1;
    }
    t
};

/// The definition of parameter `id`, if it exists.
pub fn def(id: usize) -> Option<&'static ParamDef> {
    PARAMS.get(id)
}

/// The name of parameter `id` (empty for an id that does not exist).
pub fn name(id: usize) -> &'static str {
    def(id).map_or("", |d| d.name)
}

/// Byte equality in constant context.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // compile time only
const fn const_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut j = 0;
    while j < a.len() && a[j] == b[j] {
        j += 1;
    }
    j == a.len()
}

/// Id of a parameter by name, usable in constant context (for the named ids below).
#[allow(
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)] // compile time only
const fn id_of(name: &str) -> usize {
    let mut i = 0;
    while i < PARAM_COUNT {
        if const_eq(PARAMS[i].name, name) {
            return i;
        }
        i += 1;
    }
    panic!("no such parameter")
}

/// Id of `cpu-throttle-initial` (the lower bound of `max-cpu-throttle`).
pub const CPU_THROTTLE_INITIAL: usize = id_of("cpu-throttle-initial");
/// Id of `mode`.
pub const MODE: usize = id_of("mode");
/// Id of `local`.
pub const LOCAL: usize = id_of("local");
/// Id of `cpr-exec-command`.
pub const CPR_EXEC_COMMAND: usize = id_of("cpr-exec-command");
/// Id of `block-bitmap-mapping`.
pub const BLOCK_BITMAP_MAPPING: usize = id_of("block-bitmap-mapping");
/// Id of `multifd-compression`.
pub const MULTIFD_COMPRESSION_ID: usize = id_of("multifd-compression");
/// Id of `tls-creds`.
pub const TLS_CREDS: usize = id_of("tls-creds");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_of_an_id() {
        assert_eq!(name(CPR_EXEC_COMMAND), "cpr-exec-command");
        assert_eq!(name(BLOCK_BITMAP_MAPPING), "block-bitmap-mapping");
        assert_eq!(name(PARAMS.len()), "");
    }

    #[test]
    fn run_time_hash_is_the_const_one() {
        for d in PARAMS.iter() {
            assert_eq!(
                name_hash_rt(d.name.as_bytes()),
                name_hash(d.name.as_bytes())
            );
        }
        let mut x = 0x1234_5678u32;
        for len in 0..300 {
            let mut v = [0u8; 300];
            for b in v.iter_mut().take(len) {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                *b = (x >> 16) as u8;
            }
            assert_eq!(name_hash_rt(&v[..len]), name_hash(&v[..len]));
        }
        for d in PARAMS.iter() {
            assert_eq!(
                lookup(d.name.as_bytes()).map(|i| PARAMS[i].name),
                Some(d.name)
            );
        }
    }

    #[test]
    fn columns_line_up_with_the_declaration() {
        for (i, d) in PARAMS.iter().enumerate() {
            assert_eq!(usize::from(d.id), i);
            assert_eq!(d.cname().to_bytes(), d.name.as_bytes());
            assert_eq!(d.doc(), PARAM_DECLS[i].doc);
            assert!(!d.doc().is_empty());
        }
        for (i, c) in CAPS.iter().enumerate() {
            assert_eq!(usize::from(c.bit), i);
            assert_eq!(c.cname().to_bytes(), c.name.as_bytes());
            assert_eq!(c.doc(), CAP_DECLS[i].doc);
            assert!(!c.doc().is_empty());
        }
        assert_eq!(
            PARAMS[1].doc(),
            "Upper bound in ms for the delay between announce packets"
        );
        let zb = CAPS.iter().find(|c| c.name == "zero-blocks").unwrap();
        assert_eq!(zb.removed, Some(v(11, 0)));
        assert!(CAPS.iter().filter(|c| c.removed.is_some()).count() == 1);
        // Every name a message path can hold, both ways.
        for i in 0..NAME_COUNT {
            let n = Name::from_index(i);
            assert!(!n.as_str().is_empty());
            assert_eq!(Name::of(n.as_str()), n);
        }
        assert_eq!(Name::from_index(SLOT_COUNT as u16).as_str(), "node-name");
        assert_eq!(Name::of("nope").as_str(), "");
    }

    #[test]
    fn ids_and_order() {
        assert_eq!(PARAMS[0].name, "announce-initial");
        assert_eq!(PARAMS[31].name, "local");
        assert_eq!(PARAMS[30].name, "cpr-exec-command");
        assert_eq!(PARAMS[29].name, "x-rdma-chunk-size");
        assert_eq!(lookup(b"multifd-channels"), Some(15));
        assert_eq!(lookup(b"multifd_channels"), None);
        assert!(PARAMS[14].unstable && PARAMS[24].unstable && PARAMS[29].unstable);
        assert!(!PARAMS[0].unstable);
        let names: [&str; 5] = [
            "throttle-trigger-threshold",
            "cpu-throttle-initial",
            "cpu-throttle-increment",
            "downtime-limit",
            "multifd-channels",
        ];
        for (i, n) in names.iter().enumerate() {
            assert_eq!(PARAMS[CHECK_ORDER[i] as usize].name, *n);
        }
        let checked = PARAMS.iter().filter(|d| d.check_order != 0).count();
        assert_eq!(
            CHECK_ORDER.iter().filter(|&&i| i != u8::MAX).count(),
            checked
        );
    }

    #[test]
    fn matches_spec_tsv() {
        // The spec's parameter table lists the same members, in the same order, with the same
        // defaults where they are plain numbers.
        let tsv = include_str!("../tests/data/params.tsv");
        let mut rows = tsv.lines().filter(|l| !l.starts_with('#')).skip(1);
        for d in PARAMS.iter().take(31) {
            let row = rows.next().unwrap();
            let mut cols = row.split('\t');
            assert_eq!(cols.next(), Some(d.name));
            let _ty = cols.next();
            let _dom = cols.next();
            let default = cols.next().unwrap();
            let n: u64 = default
                .split(' ')
                .next()
                .unwrap()
                .parse()
                .unwrap_or(u64::MAX);
            if n != u64::MAX {
                assert_eq!(n, d.default, "{}", d.name);
            }
        }
    }
}

/// Member names of the bitmap-mapping structs (used in paths of messages).
pub const MEMBERS: [&str; 6] = [
    "node-name",
    "alias",
    "bitmaps",
    "name",
    "transform",
    "persistent",
];

/// How many names [`Name`] indexes: slot names (parameters, then capabilities), then
/// member names.
const NAME_COUNT: u16 = (SLOT_COUNT + MEMBERS.len()) as u16;

/// A schema name in two bytes (paths in messages hold several, and stack is scarce).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Name(u16);

impl Name {
    /// The name of stage slot `slot`.
    pub fn slot(slot: usize) -> Name {
        Name(u16::try_from(slot).unwrap_or(0))
    }

    /// A name known to the schema (a slot or a member name); the empty name otherwise.
    pub fn of(s: &str) -> Name {
        (0..NAME_COUNT)
            .map(Name)
            .find(|n| n.as_str() == s)
            .unwrap_or(Name(u16::MAX))
    }

    /// Its index in the table of names.
    pub fn index(self) -> u16 {
        self.0
    }

    /// The name at `index` of the table of names.
    pub fn from_index(index: u16) -> Name {
        Name(index)
    }

    /// The text.
    pub fn as_str(self) -> &'static str {
        let i = usize::from(self.0);
        match slot_name(i) {
            Some(n) => n,
            None => i
                .checked_sub(SLOT_COUNT)
                .and_then(|m| MEMBERS.get(m))
                .copied()
                .unwrap_or(""),
        }
    }
}
