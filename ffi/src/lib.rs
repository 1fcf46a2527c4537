//! The C ABI of migcfg: `#[repr(C)]` types and `extern "C"` functions over `migcfg-core`.
//!
//! Everything that decides anything lives in the core; this layer checks pointers and ids,
//! turns C storage into core types and back, and owns the panic handler of the
//! freestanding build. The header `include/migcfg.h` is generated from this file.
//!
//! General rules for every function: reentrant; works only on caller-owned storage; never
//! allocates; never aborts. Text comes as pointer + length (no NUL needed; a NUL byte in
//! the text is an error; at most `MIGCFG_TEXT_MAX + 1` bytes are read, and a longer text,
//! whatever its length, is refused as one of that length; text that lies inside the table
//! the call changes, such as a string read back from it, is `MIGCFG_ERR_INVALID_ARG`).
//! Output buffers, out-parameters and the error struct must not lie inside the storage a
//! call reads or changes. A required pointer that is NULL gives `MIGCFG_ERR_NULL`. Ids and
//! flags are `uint32_t` and are validated. Out-parameters are written only on success
//! (a formatter returning `MIGCFG_ERR_NOSPACE` stores the size it needs). A `MigcfgError`,
//! when given, is written only on failure. Functions on distinct tables may run
//! concurrently; a table must not be written while it is read.

#![cfg_attr(not(feature = "std"), no_std)]
// Errors carry their message inline (no heap); they are built only on the failure path.
#![allow(clippy::result_large_err)]

pub mod abi;
pub mod incoming;

use core::ffi::{c_char, CStr};
use migcfg_core::apply::Value;
use migcfg_core::error::{Error, Failed, Status, ERROR_MAX};
use migcfg_core::format::{self, FormatFlags, Out};
use migcfg_core::schema::{self, Kind, PARAM_COUNT};
use migcfg_core::{Flags, Params};

#[cfg(all(not(feature = "std"), not(test), not(feature = "panic-never")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    // Nothing panics (the panic-never build proves it); should it ever, stop hard.
    loop {
        core::hint::spin_loop();
    }
}

#[cfg(all(not(feature = "std"), not(test), feature = "panic-never"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    extern "C" {
        /// Deliberately undefined: a link that needs it has a reachable panic.
        fn migcfg_panic_is_reachable() -> !;
    }
    // SAFETY: never defined; the link fails if this call survives optimisation.
    unsafe { migcfg_panic_is_reachable() }
}

/// Library major version.
pub const MIGCFG_VERSION_MAJOR: u32 = 0;
/// Library minor version.
pub const MIGCFG_VERSION_MINOR: u32 = 1;
/// Library patch version.
pub const MIGCFG_VERSION_PATCH: u32 = 0;

/// Success.
pub const MIGCFG_OK: i32 = 0;
/// Help was asked for (`config:help`); not an error.
pub const MIGCFG_HELP: i32 = 1;
/// A required pointer was NULL.
pub const MIGCFG_ERR_NULL: i32 = -1;
/// Bad id, unknown flag bit, a getter of the wrong type for that id, or text that lies
/// inside the table (or `MigcfgIncoming`) the call would change.
pub const MIGCFG_ERR_INVALID_ARG: i32 = -2;
/// Keyval or JSON syntax, or a NUL byte in the text.
pub const MIGCFG_ERR_SYNTAX: i32 = -3;
/// A value of the wrong type, out of its type's range, or an unknown enum value.
pub const MIGCFG_ERR_VALUE: i32 = -4;
/// Unknown parameter or member.
pub const MIGCFG_ERR_UNEXPECTED: i32 = -5;
/// A `migrate_params_check` or capability check failed.
pub const MIGCFG_ERR_CHECK: i32 = -6;
/// A fixed capacity was exceeded by input QEMU would accept.
pub const MIGCFG_ERR_CAPACITY: i32 = -7;
/// Output buffer too small (`*len` = bytes needed, NUL excluded).
pub const MIGCFG_ERR_NOSPACE: i32 = -8;
/// A bad `-incoming` channel, URI or combination; a second `config:`.
pub const MIGCFG_ERR_CHANNEL: i32 = -9;
/// The table has no keyval form (an empty list, an empty object).
pub const MIGCFG_ERR_UNREPRESENTABLE: i32 = -10;

/// Size of `MigcfgError.message`, NUL included.
pub const MIGCFG_ERROR_MAX: usize = 512;
/// Size of `MigcfgParams` in 64-bit words.
pub const MIGCFG_PARAMS_WORDS: usize = 1153;
/// Bytes of string data one table holds (all strings share them).
pub const MIGCFG_STRING_CAPACITY: usize = 8192;
/// Most elements `cpr-exec-command` holds.
pub const MIGCFG_EXEC_COMMAND_CAPACITY: usize = 64;
/// Most nodes `block-bitmap-mapping` holds.
pub const MIGCFG_BITMAP_NODE_CAPACITY: usize = 8;
/// Most bitmaps `block-bitmap-mapping` holds, over all its nodes.
pub const MIGCFG_BITMAP_CAPACITY: usize = 32;
/// Longest text accepted, in bytes. A longer one is refused (`migcfg_parse`,
/// `migcfg_incoming_add`: `MIGCFG_ERR_CAPACITY` at this offset); no more than one byte past
/// it is ever read, whatever length the caller gives.
pub const MIGCFG_TEXT_MAX: usize = 268_435_455;
/// Default target page size of a table (for the xbzrle-cache-size check).
pub const MIGCFG_DEFAULT_PAGE_SIZE: u32 = 4096;

/// `migcfg_parse_ex` flag: capabilities are accepted as bools in the config
/// (`multifd=on`), an extension; without it a capability name is unexpected, as in QEMU.
pub const MIGCFG_PARSE_CAPABILITIES: u32 = 1;
/// `migcfg_parse_ex` flag: members marked unstable (`x-...`) are refused, as with QEMU's
/// `-compat unstable-input=reject`.
pub const MIGCFG_PARSE_REJECT_UNSTABLE: u32 = 2;
/// Number of capabilities.
pub const MIGCFG_CAP_COUNT: u32 = 22;
/// The apply walk reports capability `bit` with id `MIGCFG_CAP_ID_BASE + bit`.
pub const MIGCFG_CAP_ID_BASE: u32 = 256;
/// Capability bit of `xbzrle`.
pub const MIGCFG_CAP_XBZRLE: u64 = 1;
/// Capability bit of `rdma-pin-all`.
pub const MIGCFG_CAP_RDMA_PIN_ALL: u64 = 2;
/// Capability bit of `auto-converge`.
pub const MIGCFG_CAP_AUTO_CONVERGE: u64 = 4;
/// Capability bit of `zero-blocks`.
pub const MIGCFG_CAP_ZERO_BLOCKS: u64 = 8;
/// Capability bit of `events`.
pub const MIGCFG_CAP_EVENTS: u64 = 16;
/// Capability bit of `postcopy-ram`.
pub const MIGCFG_CAP_POSTCOPY_RAM: u64 = 32;
/// Capability bit of `x-colo`.
pub const MIGCFG_CAP_X_COLO: u64 = 64;
/// Capability bit of `release-ram`.
pub const MIGCFG_CAP_RELEASE_RAM: u64 = 128;
/// Capability bit of `return-path`.
pub const MIGCFG_CAP_RETURN_PATH: u64 = 256;
/// Capability bit of `pause-before-switchover`.
pub const MIGCFG_CAP_PAUSE_BEFORE_SWITCHOVER: u64 = 512;
/// Capability bit of `multifd`.
pub const MIGCFG_CAP_MULTIFD: u64 = 1024;
/// Capability bit of `dirty-bitmaps`.
pub const MIGCFG_CAP_DIRTY_BITMAPS: u64 = 2048;
/// Capability bit of `postcopy-blocktime`.
pub const MIGCFG_CAP_POSTCOPY_BLOCKTIME: u64 = 4096;
/// Capability bit of `late-block-activate`.
pub const MIGCFG_CAP_LATE_BLOCK_ACTIVATE: u64 = 8192;
/// Capability bit of `x-ignore-shared`.
pub const MIGCFG_CAP_X_IGNORE_SHARED: u64 = 16384;
/// Capability bit of `validate-uuid`.
pub const MIGCFG_CAP_VALIDATE_UUID: u64 = 32768;
/// Capability bit of `background-snapshot`.
pub const MIGCFG_CAP_BACKGROUND_SNAPSHOT: u64 = 65536;
/// Capability bit of `zero-copy-send`.
pub const MIGCFG_CAP_ZERO_COPY_SEND: u64 = 131072;
/// Capability bit of `postcopy-preempt`.
pub const MIGCFG_CAP_POSTCOPY_PREEMPT: u64 = 262144;
/// Capability bit of `switchover-ack`.
pub const MIGCFG_CAP_SWITCHOVER_ACK: u64 = 524288;
/// Capability bit of `dirty-limit`.
pub const MIGCFG_CAP_DIRTY_LIMIT: u64 = 1048576;
/// Capability bit of `mapped-ram`.
pub const MIGCFG_CAP_MAPPED_RAM: u64 = 2097152;

/// `MigcfgValue.type`: bool parameter (`b`).
pub const MIGCFG_TYPE_BOOL: u32 = 0;
/// `MigcfgValue.type`: uint8 parameter (`u`).
pub const MIGCFG_TYPE_UINT8: u32 = 1;
/// `MigcfgValue.type`: uint32 parameter (`u`).
pub const MIGCFG_TYPE_UINT32: u32 = 2;
/// `MigcfgValue.type`: uint64 parameter (`u`).
pub const MIGCFG_TYPE_UINT64: u32 = 3;
/// `MigcfgValue.type`: size parameter in bytes (`u`).
pub const MIGCFG_TYPE_SIZE: u32 = 4;
/// `MigcfgValue.type`: string parameter (`s`, `len`).
pub const MIGCFG_TYPE_STR: u32 = 5;
/// `MigcfgValue.type`: enum parameter (`u` = index, `s`/`len` = name).
pub const MIGCFG_TYPE_ENUM: u32 = 6;
/// `MigcfgValue.type`: string list (`items`, `count`).
pub const MIGCFG_TYPE_STR_LIST: u32 = 7;
/// `MigcfgValue.type`: `block-bitmap-mapping` (`nodes`, `count`; `bitmaps`, `nbitmaps`).
pub const MIGCFG_TYPE_BITMAP_MAPPING: u32 = 8;
/// `MigcfgValue.type`: a capability (`b`).
pub const MIGCFG_TYPE_CAPABILITY: u32 = 9;

/// `migcfg_format_json_ex`/`_keyval_ex` flag: every parameter with its effective value,
/// defaults included.
pub const MIGCFG_FORMAT_ALL: u32 = 1;
/// `migcfg_format_json_ex`/`_keyval_ex` flag: also write the capabilities that were set
/// (the extension; migcfg reads them back with `MIGCFG_PARSE_CAPABILITIES`, QEMU's
/// `migrate-set-parameters` does not take them: use `migcfg_format_caps_json` for QEMU).
pub const MIGCFG_FORMAT_CAPABILITIES: u32 = 2;

const _: () = {
    assert!(core::mem::size_of::<Params>() == MIGCFG_PARAMS_WORDS * 8);
    assert!(core::mem::align_of::<Params>() <= 8);
    assert!(MIGCFG_ERROR_MAX == ERROR_MAX);
    assert!(MIGCFG_STRING_CAPACITY == schema::STRING_CAPACITY);
    assert!(MIGCFG_EXEC_COMMAND_CAPACITY == schema::EXEC_COMMAND_CAPACITY);
    assert!(MIGCFG_BITMAP_NODE_CAPACITY == schema::BITMAP_NODE_CAPACITY);
    assert!(MIGCFG_BITMAP_CAPACITY == schema::BITMAP_CAPACITY);
    assert!(MIGCFG_TEXT_MAX == migcfg_core::stage::TEXT_MAX);
    assert!(MigcfgParam::MIGCFG_PARAM__COUNT as usize == PARAM_COUNT);
    assert!(MIGCFG_OK == Status::Ok as i32 && MIGCFG_HELP == Status::Help as i32);
    assert!(MIGCFG_ERR_NULL == Status::Null as i32);
    assert!(MIGCFG_ERR_INVALID_ARG == Status::InvalidArg as i32);
    assert!(MIGCFG_ERR_SYNTAX == Status::Syntax as i32);
    assert!(MIGCFG_ERR_VALUE == Status::Value as i32);
    assert!(MIGCFG_ERR_UNEXPECTED == Status::Unexpected as i32);
    assert!(MIGCFG_ERR_CHECK == Status::Check as i32);
    assert!(MIGCFG_ERR_CAPACITY == Status::Capacity as i32);
    assert!(MIGCFG_ERR_NOSPACE == Status::NoSpace as i32);
    assert!(MIGCFG_ERR_CHANNEL == Status::Channel as i32);
    assert!(MIGCFG_ERR_UNREPRESENTABLE == Status::Unrepresentable as i32);
    assert!(core::mem::size_of::<MigcfgError>() == core::mem::size_of::<Error>());
    assert!(core::mem::align_of::<MigcfgError>() == core::mem::align_of::<Error>());
    assert!(core::mem::offset_of!(MigcfgError, offset) == core::mem::offset_of!(Error, offset));
    assert!(MIGCFG_CAP_COUNT as usize == schema::CAP_COUNT);
    assert!(MIGCFG_CAP_MAPPED_RAM == schema::cap::MAPPED_RAM);
    assert!(MIGCFG_CAP_XBZRLE == schema::cap::XBZRLE);
};

/// Ids of the migration parameters (QEMU master's schema order, `local` last). Append-only.
/// Functions take ids as `uint32_t` and check them.
#[repr(C)]
#[allow(missing_docs, non_camel_case_types)]
pub enum MigcfgParam {
    /// `announce-initial`: Delay in ms before the first self-announce packet after incoming
    /// migration.
    MIGCFG_PARAM_ANNOUNCE_INITIAL = 0,
    /// `announce-max`: Upper bound in ms for the delay between announce packets.
    MIGCFG_PARAM_ANNOUNCE_MAX = 1,
    /// `announce-rounds`: Number of self-announce packets sent after migration.
    MIGCFG_PARAM_ANNOUNCE_ROUNDS = 2,
    /// `announce-step`: Increase in ms of the delay between consecutive announce packets.
    MIGCFG_PARAM_ANNOUNCE_STEP = 3,
    /// `throttle-trigger-threshold`: Percentage of dirtied to transferred bytes that triggers
    /// auto-converge throttling.
    MIGCFG_PARAM_THROTTLE_TRIGGER_THRESHOLD = 4,
    /// `cpu-throttle-initial`: Initial percentage of vCPU time taken away by auto-converge.
    MIGCFG_PARAM_CPU_THROTTLE_INITIAL = 5,
    /// `cpu-throttle-increment`: Percentage added to the throttle when auto-converge sees no
    /// progress.
    MIGCFG_PARAM_CPU_THROTTLE_INCREMENT = 6,
    /// `cpu-throttle-tailslow`: Reduce the last throttle step to the ideal value computed from
    /// the dirty rate.
    MIGCFG_PARAM_CPU_THROTTLE_TAILSLOW = 7,
    /// `tls-creds`: ID of the tls-creds object; non-empty enables TLS.
    MIGCFG_PARAM_TLS_CREDS = 8,
    /// `tls-hostname`: Hostname checked against the peer's x509 certificate.
    MIGCFG_PARAM_TLS_HOSTNAME = 9,
    /// `tls-authz`: ID of the authz object that checks the client certificate.
    MIGCFG_PARAM_TLS_AUTHZ = 10,
    /// `max-bandwidth`: Precopy rate limit in bytes per second.
    MIGCFG_PARAM_MAX_BANDWIDTH = 11,
    /// `avail-switchover-bandwidth`: Bandwidth in bytes per second assumed available at
    /// switchover (0: estimate).
    MIGCFG_PARAM_AVAIL_SWITCHOVER_BANDWIDTH = 12,
    /// `downtime-limit`: Maximum tolerated downtime in milliseconds.
    MIGCFG_PARAM_DOWNTIME_LIMIT = 13,
    /// `x-checkpoint-delay`: Interval in ms between COLO checkpoints in periodic mode.
    MIGCFG_PARAM_X_CHECKPOINT_DELAY = 14,
    /// `multifd-channels`: Number of parallel multifd channels.
    MIGCFG_PARAM_MULTIFD_CHANNELS = 15,
    /// `xbzrle-cache-size`: XBZRLE cache size in bytes.
    MIGCFG_PARAM_XBZRLE_CACHE_SIZE = 16,
    /// `max-postcopy-bandwidth`: Postcopy background transfer rate in bytes per second (0:
    /// unlimited).
    MIGCFG_PARAM_MAX_POSTCOPY_BANDWIDTH = 17,
    /// `max-cpu-throttle`: Upper bound of the auto-converge throttle percentage.
    MIGCFG_PARAM_MAX_CPU_THROTTLE = 18,
    /// `multifd-compression`: Compression method used by multifd.
    MIGCFG_PARAM_MULTIFD_COMPRESSION = 19,
    /// `multifd-zlib-level`: zlib compression level for multifd.
    MIGCFG_PARAM_MULTIFD_ZLIB_LEVEL = 20,
    /// `multifd-qatzip-level`: QATzip compression level for multifd.
    MIGCFG_PARAM_MULTIFD_QATZIP_LEVEL = 21,
    /// `multifd-zstd-level`: zstd compression level for multifd.
    MIGCFG_PARAM_MULTIFD_ZSTD_LEVEL = 22,
    /// `block-bitmap-mapping`: Maps block node and bitmap names to aliases for dirty-bitmap
    /// migration.
    MIGCFG_PARAM_BLOCK_BITMAP_MAPPING = 23,
    /// `x-vcpu-dirty-limit-period`: Period in ms of the dirty-limit throttling loop.
    MIGCFG_PARAM_X_VCPU_DIRTY_LIMIT_PERIOD = 24,
    /// `vcpu-dirty-limit`: Per-vCPU dirty rate limit in MB/s.
    MIGCFG_PARAM_VCPU_DIRTY_LIMIT = 25,
    /// `mode`: Migration mode: normal live migration or a checkpoint-restart variant.
    MIGCFG_PARAM_MODE = 26,
    /// `zero-page-detection`: Where zero pages are detected.
    MIGCFG_PARAM_ZERO_PAGE_DETECTION = 27,
    /// `direct-io`: Open migration files with O_DIRECT when possible.
    MIGCFG_PARAM_DIRECT_IO = 28,
    /// `x-rdma-chunk-size`: RDMA memory registration chunk size in bytes.
    MIGCFG_PARAM_X_RDMA_CHUNK_SIZE = 29,
    /// `cpr-exec-command`: argv the old QEMU execs to start the new one in cpr-exec mode.
    MIGCFG_PARAM_CPR_EXEC_COMMAND = 30,
    /// `local`: Local (same-host) migration: backend state and fds pass over a UNIX socket.
    MIGCFG_PARAM_LOCAL = 31,
    /// Number of parameters.
    MIGCFG_PARAM__COUNT = 32,
}

/// An error: status code (equal to the function's return value), byte offset into the
/// text the function was given, and a NUL-terminated message in QEMU's words (when longer
/// than `MIGCFG_ERROR_MAX - 1` bytes, cut where it splits no character and ended with
/// `...`; it may quote input bytes that are not UTF-8). Caller-owned; written only on
/// failure.
#[repr(C)]
pub struct MigcfgError {
    /// Status code.
    pub code: i32,
    /// Byte offset of the problem in the text.
    pub offset: usize,
    /// The message, NUL-terminated.
    pub message: [c_char; MIGCFG_ERROR_MAX],
    /// Length of the message in bytes, NUL excluded.
    pub length: usize,
    /// Used by migcfg while writing the message.
    pub internal_: u64,
}

/// A table of migration parameters. Caller-owned, fixed size, no pointers inside: it may
/// be static, on the stack, or copied with `memcpy`. All-zero is valid and equal to a
/// freshly initialised table; any other bytes (a table never initialised) are safe to pass
/// to every function, which neither crashes nor hangs on them and hands out only strings
/// inside the table, though what it reads is meaningless. Read it only through the
/// functions. Every function is reentrant and never allocates: functions on distinct tables
/// may run concurrently, and any number of readers may share a table, but a table must not
/// be written (parsed, initialised, set) while another thread uses it.
#[repr(C)]
pub struct MigcfgParams {
    /// Opaque storage.
    pub opaque_: [u64; MIGCFG_PARAMS_WORDS],
}

/// A node of `block-bitmap-mapping`: strings point into the table and stay valid until it
/// is next changed; they are not NUL-terminated.
#[repr(C)]
pub struct MigcfgBitmapNode {
    /// Block node name.
    pub node_name: *const c_char,
    /// Its length.
    pub node_name_len: usize,
    /// Alias.
    pub alias: *const c_char,
    /// Its length.
    pub alias_len: usize,
    /// Number of bitmaps of this node.
    pub bitmaps: usize,
}

/// A bitmap of a `block-bitmap-mapping` node (strings as in `MigcfgBitmapNode`).
#[repr(C)]
pub struct MigcfgBitmapAlias {
    /// Bitmap name.
    pub name: *const c_char,
    /// Its length.
    pub name_len: usize,
    /// Alias.
    pub alias: *const c_char,
    /// Its length.
    pub alias_len: usize,
    /// -1: no `transform`; 0: `transform` without `persistent`; 1: `persistent` false;
    /// 2: `persistent` true.
    pub persistent: i32,
}

fn table<'a>(p: *const MigcfgParams) -> Option<&'a Params> {
    // SAFETY: the caller passes NULL or a valid MigcfgParams; Params is repr(C), made of
    // integers only (every bit pattern valid), the same size, and no more aligned
    // (asserted above).
    unsafe { p.cast::<Params>().as_ref() }
}

fn table_mut<'a>(p: *mut MigcfgParams) -> Option<&'a mut Params> {
    // SAFETY: as for `table`; the caller gives exclusive access for the call.
    unsafe { p.cast::<Params>().as_mut() }
}

/// The C text `ptr`/`len` as a slice of at most `MIGCFG_TEXT_MAX + 1` bytes. Core refuses a
/// text past `MIGCFG_TEXT_MAX` whatever its length, so the shorter slice gets the same answer,
/// and a length no buffer can have (past `isize::MAX`, such as `(size_t)-1`) never makes a
/// slice.
fn bytes_of<'a>(ptr: *const c_char, len: usize) -> Option<&'a [u8]> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: the caller guarantees `len` readable bytes at a non-NULL `ptr`, and this reads
    // no more than `len`; the slice is at most `MIGCFG_TEXT_MAX + 1` bytes, within `isize`.
    Some(unsafe { core::slice::from_raw_parts(ptr.cast::<u8>(), len.min(MIGCFG_TEXT_MAX + 1)) })
}

fn put<T>(out: *mut T, v: T) -> bool {
    // SAFETY: a non-NULL out-pointer is valid for a write of T (caller's contract).
    match unsafe { out.as_mut() } {
        Some(o) => {
            *o = v;
            true
        }
        None => false,
    }
}

/// Message of `MIGCFG_ERR_NULL`.
pub(crate) const NULL_POINTER: &str = "A required pointer is NULL";

/// The text of a call that changes `*obj`: both pointers present, and the text not even
/// partly inside `*obj` (such as a string read back from it, which the change would
/// overwrite while it still reads it). Checked before `*obj` is borrowed, so no reference to
/// it ever aliases the text. On refusal, the status, with `err` (optional) written.
// Inlined: out of line it costs an early-init program about 100 bytes more.
#[inline(always)]
pub(crate) fn text_for<'a, T>(
    obj: *const T,
    ptr: *const c_char,
    len: usize,
    err: *mut MigcfgError,
) -> Result<&'a [u8], i32> {
    let Some(text) = bytes_of(ptr, len).filter(|_| !obj.is_null()) else {
        return Err(report_status(err, Status::Null, NULL_POINTER));
    };
    let (t, o) = (text.as_ptr() as usize, obj as usize);
    let inside = !text.is_empty()
        && t < o.saturating_add(core::mem::size_of::<T>())
        && o < t.saturating_add(text.len());
    if inside {
        return Err(report_status(
            err,
            Status::InvalidArg,
            "Text lies inside the storage it would change",
        ));
    }
    Ok(text)
}

/// The caller's error struct as migcfg's own error type, to be written in place.
pub(crate) fn sink<'a>(err: *mut MigcfgError) -> Option<&'a mut Error> {
    // SAFETY: a non-NULL error pointer is valid for reads and writes (caller's contract);
    // `Error` is repr(C) with MigcfgError's size, alignment and field offsets (asserted
    // above) and holds integers only, so any contents are a valid `Error`.
    unsafe { err.cast::<Error>().as_mut() }
}

/// Write a fixed-text error into the caller's struct (if given); returns its code.
fn report_status(err: *mut MigcfgError, status: Status, text: &str) -> i32 {
    if let Some(out) = sink(err) {
        out.fail(status, 0, text);
        out.seal();
    }
    status as i32
}

/// Run `f` with the caller's error struct as its error sink, or with a scratch one when
/// the caller gave none (out of line: the common path carries no scratch error).
pub(crate) fn with_sink<T>(err: *mut MigcfgError, f: impl FnOnce(&mut Error) -> T) -> T {
    match sink(err) {
        Some(e) => f(e),
        None => scratch(f),
    }
}

#[inline(never)]
fn scratch<T>(f: impl FnOnce(&mut Error) -> T) -> T {
    let mut e = Error::empty();
    f(&mut e)
}

/// Initialise `p`: defaults, nothing set, page size 4096, newest QEMU targeted. Cheap: the
/// string arena is not cleared. NULL is ignored.
#[no_mangle]
pub extern "C" fn migcfg_params_init(p: *mut MigcfgParams) {
    if let Some(t) = table_mut(p) {
        t.init();
    }
}

/// Parse config text (what follows `config:`) into `p`: JSON when it starts with `{`,
/// keyval otherwise, exactly as QEMU. Merges: what the text sets replaces what was set
/// before, and the checks see the merged values. On error `p` is unchanged and `err`
/// (optional) says why. Returns `MIGCFG_OK` or a negative status. Text inside `p` itself
/// (a string read back from it) is `MIGCFG_ERR_INVALID_ARG`: copy it first.
#[no_mangle]
pub extern "C" fn migcfg_parse(
    p: *mut MigcfgParams,
    text: *const c_char,
    len: usize,
    err: *mut MigcfgError,
) -> i32 {
    migcfg_parse_ex(p, text, len, 0, err)
}

/// `migcfg_parse` with opt-in flags (`MIGCFG_PARSE_*`); 0 is exactly `migcfg_parse`. An
/// unknown flag bit is `MIGCFG_ERR_INVALID_ARG`.
#[no_mangle]
pub extern "C" fn migcfg_parse_ex(
    p: *mut MigcfgParams,
    text: *const c_char,
    len: usize,
    flags: u32,
    err: *mut MigcfgError,
) -> i32 {
    let s = match text_for(p, text, len, err) {
        Ok(s) => s,
        Err(rc) => return rc,
    };
    let Some(t) = table_mut(p) else {
        return report_status(err, Status::Null, NULL_POINTER);
    };
    let Some(f) = parse_flags(flags) else {
        return report_status(err, Status::InvalidArg, "Unknown flag");
    };
    with_sink(err, |e| match migcfg_core::parse::parse_into(t, s, f, e) {
        Ok(st) => st as i32,
        Err(_) => e.status() as i32,
    })
}

fn parse_flags(flags: u32) -> Option<Flags> {
    if flags & !(MIGCFG_PARSE_CAPABILITIES | MIGCFG_PARSE_REJECT_UNSTABLE) != 0 {
        return None;
    }
    Some(Flags {
        help: false,
        capabilities: flags & MIGCFG_PARSE_CAPABILITIES != 0,
        reject_unstable: flags & MIGCFG_PARSE_REJECT_UNSTABLE != 0,
    })
}

/// Whether parameter `id` was set. False for NULL or a bad id.
#[no_mangle]
pub extern "C" fn migcfg_is_set(p: *const MigcfgParams, id: u32) -> bool {
    table(p).is_some_and(|t| t.is_set(id as usize))
}

fn getter<T>(
    p: *const MigcfgParams,
    id: u32,
    out: *mut T,
    f: impl FnOnce(&Params, usize) -> Option<T>,
) -> i32 {
    let Some(t) = table(p) else {
        return MIGCFG_ERR_NULL;
    };
    if out.is_null() {
        return MIGCFG_ERR_NULL;
    }
    match f(t, id as usize) {
        Some(v) => {
            put(out, v);
            MIGCFG_OK
        }
        None => MIGCFG_ERR_INVALID_ARG,
    }
}

/// A getter of bytes: pointer and length out, both required.
fn bytes_getter<'a>(
    p: *const MigcfgParams,
    s: *mut *const c_char,
    len: *mut usize,
    f: impl FnOnce(&'a Params) -> Option<&'a [u8]>,
) -> i32 {
    let Some(t) = table(p) else {
        return MIGCFG_ERR_NULL;
    };
    if s.is_null() || len.is_null() {
        return MIGCFG_ERR_NULL;
    }
    match f(t) {
        Some(b) => {
            put(s, b.as_ptr().cast::<c_char>());
            put(len, b.len());
            MIGCFG_OK
        }
        None => MIGCFG_ERR_INVALID_ARG,
    }
}

/// Effective value (set, or the default) of an integer or size parameter.
/// `MIGCFG_ERR_INVALID_ARG` for a bad id or another type.
#[no_mangle]
pub extern "C" fn migcfg_get_u64(p: *const MigcfgParams, id: u32, out: *mut u64) -> i32 {
    getter(p, id, out, |t, id| match t.get(id)? {
        Value::Uint(v, _) | Value::Size(v) => Some(v),
        _ => None,
    })
}

/// Effective value of a bool parameter.
#[no_mangle]
pub extern "C" fn migcfg_get_bool(p: *const MigcfgParams, id: u32, out: *mut bool) -> i32 {
    getter(p, id, out, |t, id| match t.get(id)? {
        Value::Bool(b) => Some(b),
        _ => None,
    })
}

/// Effective value of a string or enum parameter (an enum gives its value's name):
/// pointer and length, not NUL-terminated, valid until `p` is next changed.
#[no_mangle]
pub extern "C" fn migcfg_get_str(
    p: *const MigcfgParams,
    id: u32,
    s: *mut *const c_char,
    len: *mut usize,
) -> i32 {
    bytes_getter(p, s, len, |t| match t.get(id as usize)? {
        Value::Str(b) => Some(b),
        Value::Enum(_, name) => Some(name.as_bytes()),
        _ => None,
    })
}

/// Number of elements of a list parameter: `cpr-exec-command` (0 when unset) or
/// `block-bitmap-mapping` (its nodes).
#[no_mangle]
pub extern "C" fn migcfg_get_list_len(p: *const MigcfgParams, id: u32, n: *mut usize) -> i32 {
    getter(p, id, n, |t, id| match schema::def(id)?.kind {
        Kind::StrList => Some(t.exec_len()),
        Kind::BitmapMapping => Some(t.nodes_len()),
        _ => None,
    })
}

/// Element `index` of a string list (`cpr-exec-command`), as `migcfg_get_str`.
#[no_mangle]
pub extern "C" fn migcfg_get_list_str(
    p: *const MigcfgParams,
    id: u32,
    index: usize,
    s: *mut *const c_char,
    len: *mut usize,
) -> i32 {
    bytes_getter(p, s, len, |t| match t.get(id as usize)? {
        Value::StrList(_) => t.exec(index),
        _ => None,
    })
}

/// Node `index` of `block-bitmap-mapping`.
#[no_mangle]
pub extern "C" fn migcfg_get_bitmap_node(
    p: *const MigcfgParams,
    index: usize,
    out: *mut MigcfgBitmapNode,
) -> i32 {
    getter(p, 0, out, |t, _| t.node(index).map(node_of))
}

/// Bitmap `bitmap` of node `node` of `block-bitmap-mapping`.
#[no_mangle]
pub extern "C" fn migcfg_get_bitmap(
    p: *const MigcfgParams,
    node: usize,
    bitmap: usize,
    out: *mut MigcfgBitmapAlias,
) -> i32 {
    getter(p, 0, out, |t, _| t.bitmap(node, bitmap).map(bitmap_of))
}

/// Set the target page size the xbzrle-cache-size check uses (0: the default, 4096).
#[no_mangle]
pub extern "C" fn migcfg_params_set_page_size(p: *mut MigcfgParams, size: u32) -> i32 {
    match table_mut(p) {
        Some(t) => {
            t.set_page_size(size);
            MIGCFG_OK
        }
        None => MIGCFG_ERR_NULL,
    }
}

/// The target page size of `p` (0 for NULL).
#[no_mangle]
pub extern "C" fn migcfg_params_page_size(p: *const MigcfgParams) -> u32 {
    table(p).map_or(0, |t| t.page_size())
}

/// Id of the parameter called `name` (exact QAPI name, `len` bytes).
/// `MIGCFG_ERR_INVALID_ARG` when there is none.
#[no_mangle]
pub extern "C" fn migcfg_param_lookup(name: *const c_char, len: usize, id: *mut u32) -> i32 {
    lookup_into(name, len, id, schema::lookup)
}

/// A name looked up by `find`, its index written to `out`.
fn lookup_into(
    name: *const c_char,
    len: usize,
    out: *mut u32,
    find: fn(&[u8]) -> Option<usize>,
) -> i32 {
    let Some(n) = bytes_of(name, len) else {
        return MIGCFG_ERR_NULL;
    };
    if out.is_null() {
        return MIGCFG_ERR_NULL;
    }
    match find(n).and_then(|i| u32::try_from(i).ok()) {
        Some(i) => {
            put(out, i);
            MIGCFG_OK
        }
        None => MIGCFG_ERR_INVALID_ARG,
    }
}

/// Name of parameter `id`, NUL-terminated and static; NULL for a bad id.
#[no_mangle]
pub extern "C" fn migcfg_param_name(id: u32) -> *const c_char {
    schema::def(id as usize).map_or(core::ptr::null(), |d| d.cname().as_ptr())
}

/// Name of a status code (`"MIGCFG_OK"`, ...), static; NULL for an unknown code.
#[no_mangle]
pub extern "C" fn migcfg_status_name(code: i32) -> *const c_char {
    let name: Option<&'static CStr> = Status::from_code(code).map(|s| match s {
        Status::Ok => c"MIGCFG_OK",
        Status::Help => c"MIGCFG_HELP",
        Status::Null => c"MIGCFG_ERR_NULL",
        Status::InvalidArg => c"MIGCFG_ERR_INVALID_ARG",
        Status::Syntax => c"MIGCFG_ERR_SYNTAX",
        Status::Value => c"MIGCFG_ERR_VALUE",
        Status::Unexpected => c"MIGCFG_ERR_UNEXPECTED",
        Status::Check => c"MIGCFG_ERR_CHECK",
        Status::Capacity => c"MIGCFG_ERR_CAPACITY",
        Status::NoSpace => c"MIGCFG_ERR_NOSPACE",
        Status::Channel => c"MIGCFG_ERR_CHANNEL",
        Status::Unrepresentable => c"MIGCFG_ERR_UNREPRESENTABLE",
    });
    name.map_or(core::ptr::null(), CStr::as_ptr)
}

/// The library version, `"X.Y.Z"`, static.
#[no_mangle]
pub extern "C" fn migcfg_version() -> *const c_char {
    const V: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    V.as_ptr().cast()
}

fn emit(
    buf: *mut c_char,
    cap: usize,
    len: *mut usize,
    f: impl Fn(&mut Out<'_>) -> Result<(), Status>,
) -> i32 {
    if len.is_null() || (buf.is_null() && cap != 0) {
        return MIGCFG_ERR_NULL;
    }
    // Measure first so the buffer is written only when everything fits.
    let mut probe = Out::new(&mut []);
    if let Err(s) = f(&mut probe) {
        return s as i32;
    }
    let need = probe.len();
    if need >= cap {
        put(len, need);
        return MIGCFG_ERR_NOSPACE;
    }
    // Only the bytes written: `cap` may be any size the caller claims, `(size_t)-1` too.
    let used = need.saturating_add(1);
    // SAFETY: `buf` is non-NULL (cap > need >= 0) and valid for `cap` bytes (caller's
    // contract), so for `used` <= `cap`; `used` is the length of output that exists, so it
    // is within `isize`.
    let out = unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), used) };
    // need < used: the range is in bounds (`split_at_mut` would keep a panic path).
    let mut o = Out::new(out.get_mut(..need).unwrap_or_default());
    let r = f(&mut o);
    if let Some(nul) = out.get_mut(need) {
        *nul = 0;
    }
    put(len, need);
    r.map_or_else(|s| s as i32, |()| MIGCFG_OK)
}

fn format_flags(flags: u32) -> Option<FormatFlags> {
    if flags & !(MIGCFG_FORMAT_ALL | MIGCFG_FORMAT_CAPABILITIES) != 0 {
        return None;
    }
    Some(FormatFlags {
        all: flags & MIGCFG_FORMAT_ALL != 0,
        capabilities: flags & MIGCFG_FORMAT_CAPABILITIES != 0,
    })
}

/// Write the parameters that were set as JSON in QEMU's style (`{"a": 1, "b": "x"}`,
/// schema order), which QEMU's `migrate-set-parameters` accepts as arguments. Writes at
/// most `cap` bytes, NUL-terminated; `*len` = length without the NUL. `buf` NULL with
/// `cap` 0 asks for the size. Too small: `MIGCFG_ERR_NOSPACE`, `*len` = size needed.
/// String bytes JSON cannot carry (invalid UTF-8, surrogates, noncharacters, which a
/// keyval value may hold) are written as one `\uFFFD` per sequence, as QEMU's writer does.
#[no_mangle]
pub extern "C" fn migcfg_format_json(
    p: *const MigcfgParams,
    buf: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> i32 {
    migcfg_format_json_ex(p, 0, buf, cap, len)
}

/// `migcfg_format_json` with flags (`MIGCFG_FORMAT_ALL`: every parameter's effective
/// value, defaults included).
#[no_mangle]
pub extern "C" fn migcfg_format_json_ex(
    p: *const MigcfgParams,
    flags: u32,
    buf: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> i32 {
    let Some(t) = table(p) else {
        return MIGCFG_ERR_NULL;
    };
    let Some(ff) = format_flags(flags) else {
        return MIGCFG_ERR_INVALID_ARG;
    };
    emit(buf, cap, len, |o| {
        format::json(t, ff, o);
        Ok(())
    })
}

/// Write the parameters that were set as keyval (`name=value` joined by `,`, bools
/// `on`/`off`, commas in values doubled, lists as `name.N=`), with the buffer rules of
/// `migcfg_format_json`. `MIGCFG_ERR_UNREPRESENTABLE` when a value has no keyval form (an
/// empty list, an empty object).
#[no_mangle]
pub extern "C" fn migcfg_format_keyval(
    p: *const MigcfgParams,
    buf: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> i32 {
    migcfg_format_keyval_ex(p, 0, buf, cap, len)
}

/// `migcfg_format_keyval` with flags (`MIGCFG_FORMAT_ALL`).
#[no_mangle]
pub extern "C" fn migcfg_format_keyval_ex(
    p: *const MigcfgParams,
    flags: u32,
    buf: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> i32 {
    let Some(t) = table(p) else {
        return MIGCFG_ERR_NULL;
    };
    let Some(ff) = format_flags(flags) else {
        return MIGCFG_ERR_INVALID_ARG;
    };
    emit(buf, cap, len, |o| format::keyval(t, ff, o))
}

/// A string: pointer and length, not NUL-terminated.
#[repr(C)]
pub struct MigcfgStr {
    /// First byte.
    pub s: *const c_char,
    /// Length in bytes.
    pub len: usize,
}

/// A typed value handed to the apply walk. `type` (`MIGCFG_TYPE_*`) says which fields
/// hold it; pointers point into the table or into the walk's own storage and are valid only
/// during the callback.
#[repr(C)]
pub struct MigcfgValue {
    /// `MIGCFG_TYPE_*`.
    pub r#type: u32,
    /// Bool parameters and capabilities.
    pub b: bool,
    /// Integers and sizes; an enum's index.
    pub u: u64,
    /// Strings; an enum's name.
    pub s: *const c_char,
    /// Length of `s`.
    pub len: usize,
    /// String list elements (`count` of them).
    pub items: *const MigcfgStr,
    /// Bitmap-mapping nodes (`count` of them).
    pub nodes: *const MigcfgBitmapNode,
    /// Elements of a list.
    pub count: usize,
    /// Bitmaps of all nodes, in node order (`nbitmaps` of them; node `i` has
    /// `nodes[i].bitmaps`).
    pub bitmaps: *const MigcfgBitmapAlias,
    /// Number of bitmaps.
    pub nbitmaps: usize,
}

/// Callback of `migcfg_params_foreach_set`: `id` is a `MigcfgParam`, or
/// `MIGCFG_CAP_ID_BASE` + a capability bit. Return 0 to go on; anything else stops the
/// walk and is returned by it (return positive values so they cannot be mistaken for a
/// migcfg status).
pub type MigcfgVisitFn = Option<
    extern "C" fn(opaque: *mut core::ffi::c_void, id: u32, value: *const MigcfgValue) -> i32,
>;

fn blank_value(t: u32) -> MigcfgValue {
    MigcfgValue {
        r#type: t,
        b: false,
        u: 0,
        s: core::ptr::null(),
        len: 0,
        items: core::ptr::null(),
        nodes: core::ptr::null(),
        count: 0,
        bitmaps: core::ptr::null(),
        nbitmaps: 0,
    }
}

fn node_of(n: migcfg_core::table::NodeAlias<'_>) -> MigcfgBitmapNode {
    MigcfgBitmapNode {
        node_name: n.node_name.as_ptr().cast(),
        node_name_len: n.node_name.len(),
        alias: n.alias.as_ptr().cast(),
        alias_len: n.alias.len(),
        bitmaps: n.bitmaps,
    }
}

fn bitmap_of(b: migcfg_core::table::BitmapAlias<'_>) -> MigcfgBitmapAlias {
    MigcfgBitmapAlias {
        name: b.name.as_ptr().cast(),
        name_len: b.name.len(),
        alias: b.alias.as_ptr().cast(),
        alias_len: b.alias.len(),
        persistent: match b.persistent {
            None => -1,
            Some(None) => 0,
            Some(Some(false)) => 1,
            Some(Some(true)) => 2,
        },
    }
}

/// The apply walk: call `fn` once per parameter that was set, in schema order, then once
/// per capability that was set, with a typed value. A non-zero return stops the walk and is
/// returned as is. Returns `MIGCFG_OK` when the walk completes. `fn` must not change `p`:
/// the walk reads it throughout, and the values' strings point into it.
#[no_mangle]
pub extern "C" fn migcfg_params_foreach_set(
    p: *const MigcfgParams,
    f: MigcfgVisitFn,
    opaque: *mut core::ffi::c_void,
) -> i32 {
    use migcfg_core::apply::{Item, Value};
    let (Some(t), Some(f)) = (table(p), f) else {
        return MIGCFG_ERR_NULL;
    };
    for (item, value) in t.iter_set() {
        let id = match item {
            Item::Param(id) => id as u32,
            Item::Cap(bit) => MIGCFG_CAP_ID_BASE.saturating_add(bit as u32),
        };
        let mut items = [const {
            MigcfgStr {
                s: core::ptr::null(),
                len: 0,
            }
        }; MIGCFG_EXEC_COMMAND_CAPACITY];
        let mut nodes = [const {
            MigcfgBitmapNode {
                node_name: core::ptr::null(),
                node_name_len: 0,
                alias: core::ptr::null(),
                alias_len: 0,
                bitmaps: 0,
            }
        }; MIGCFG_BITMAP_NODE_CAPACITY];
        let mut bitmaps = [const {
            MigcfgBitmapAlias {
                name: core::ptr::null(),
                name_len: 0,
                alias: core::ptr::null(),
                alias_len: 0,
                persistent: -1,
            }
        }; MIGCFG_BITMAP_CAPACITY];
        let v = match value {
            Value::Bool(b) => MigcfgValue {
                b,
                ..blank_value(MIGCFG_TYPE_BOOL)
            },
            Value::Cap(b) => MigcfgValue {
                b,
                ..blank_value(MIGCFG_TYPE_CAPABILITY)
            },
            Value::Uint(u, w) => {
                let ty = match w {
                    8 => MIGCFG_TYPE_UINT8,
                    32 => MIGCFG_TYPE_UINT32,
                    _ => MIGCFG_TYPE_UINT64,
                };
                MigcfgValue {
                    u,
                    ..blank_value(ty)
                }
            }
            Value::Size(u) => MigcfgValue {
                u,
                ..blank_value(MIGCFG_TYPE_SIZE)
            },
            Value::Str(s) => MigcfgValue {
                s: s.as_ptr().cast(),
                len: s.len(),
                ..blank_value(MIGCFG_TYPE_STR)
            },
            Value::Enum(i, name) => MigcfgValue {
                u: u64::from(i),
                s: name.as_ptr().cast(),
                len: name.len(),
                ..blank_value(MIGCFG_TYPE_ENUM)
            },
            Value::StrList(n) => {
                for (i, slot) in items.iter_mut().enumerate().take(n) {
                    let e = t.exec(i).unwrap_or(&[]);
                    *slot = MigcfgStr {
                        s: e.as_ptr().cast(),
                        len: e.len(),
                    };
                }
                MigcfgValue {
                    items: items.as_ptr(),
                    count: n,
                    ..blank_value(MIGCFG_TYPE_STR_LIST)
                }
            }
            Value::BitmapMapping(n) => {
                let mut k = 0usize;
                for (i, slot) in nodes.iter_mut().enumerate().take(n) {
                    let Some(node) = t.node(i) else { break };
                    *slot = node_of(node);
                    for j in 0..node.bitmaps {
                        if let (Some(b), Some(dst)) = (t.bitmap(i, j), bitmaps.get_mut(k)) {
                            *dst = bitmap_of(b);
                            k = k.saturating_add(1);
                        }
                    }
                }
                MigcfgValue {
                    nodes: nodes.as_ptr(),
                    count: n,
                    bitmaps: bitmaps.as_ptr(),
                    nbitmaps: k,
                    ..blank_value(MIGCFG_TYPE_BITMAP_MAPPING)
                }
            }
        };
        let r = f(opaque, id, &v);
        if r != 0 {
            return r;
        }
    }
    MIGCFG_OK
}

/// Run every check (`migrate_params_check`, and the capability checks) on `p` over
/// `defaults`, the VMM's effective defaults as a table (machine compat, `-global`
/// values): what `p` sets wins, the rest comes from `defaults` (set or built in). NULL
/// `defaults` means the built-in defaults. Offsets in `err` are 0.
#[no_mangle]
pub extern "C" fn migcfg_params_check(
    p: *const MigcfgParams,
    defaults: *const MigcfgParams,
    err: *mut MigcfgError,
) -> i32 {
    let Some(t) = table(p) else {
        return report_status(err, Status::Null, NULL_POINTER);
    };
    let d = table(defaults);
    with_sink(err, |e| match t.check_over_into(d, e) {
        Ok(()) => MIGCFG_OK,
        Err(_) => {
            e.seal();
            e.status() as i32
        }
    })
}

/// Target QEMU release `major.minor` for later parses of `p`: parameters and capabilities
/// that release does not have are unexpected, as that QEMU would say (`local` and
/// `x-rdma-chunk-size` for 10.2; `zero-blocks` exists up to 10.2). Default: the newest
/// the schema knows.
#[no_mangle]
pub extern "C" fn migcfg_params_target(p: *mut MigcfgParams, major: u32, minor: u32) -> i32 {
    match table_mut(p) {
        Some(t) => t
            .set_target(major, minor)
            .map_or_else(|s| s as i32, |()| MIGCFG_OK),
        None => MIGCFG_ERR_NULL,
    }
}

fn setter(
    p: *mut MigcfgParams,
    err: *mut MigcfgError,
    f: impl FnOnce(&mut Params, &mut Error) -> Result<(), Failed>,
) -> i32 {
    let Some(t) = table_mut(p) else {
        return report_status(err, Status::Null, NULL_POINTER);
    };
    with_sink(err, |e| match f(t, e) {
        Ok(()) => MIGCFG_OK,
        Err(_) => {
            e.seal();
            e.status() as i32
        }
    })
}

/// Set an integer or size parameter (for building a defaults table; no checks run: see
/// `migcfg_params_check`). A value too wide for the parameter is `MIGCFG_ERR_VALUE`.
#[no_mangle]
pub extern "C" fn migcfg_set_u64(
    p: *mut MigcfgParams,
    id: u32,
    value: u64,
    err: *mut MigcfgError,
) -> i32 {
    setter(p, err, |t, e| t.set_u64_into(id as usize, value, e))
}

/// Set a bool parameter.
#[no_mangle]
pub extern "C" fn migcfg_set_bool(
    p: *mut MigcfgParams,
    id: u32,
    value: bool,
    err: *mut MigcfgError,
) -> i32 {
    setter(p, err, |t, e| t.set_bool_into(id as usize, value, e))
}

/// Set a string parameter (any bytes), or an enum parameter by its value's name. A string
/// read back from `p` itself is `MIGCFG_ERR_INVALID_ARG` (setting it could overwrite it
/// while it is read): copy it first.
#[no_mangle]
pub extern "C" fn migcfg_set_str(
    p: *mut MigcfgParams,
    id: u32,
    s: *const c_char,
    len: usize,
    err: *mut MigcfgError,
) -> i32 {
    let b = match text_for(p, s, len, err) {
        Ok(b) => b,
        Err(rc) => return rc,
    };
    setter(p, err, |t, e| t.set_str_into(id as usize, b, e))
}

/// Set capability `bit` on or off.
#[no_mangle]
pub extern "C" fn migcfg_set_cap(p: *mut MigcfgParams, bit: u32, on: bool) -> i32 {
    match table_mut(p) {
        Some(t) => t
            .set_cap(bit as usize, on)
            .map_or_else(|s| s as i32, |()| MIGCFG_OK),
        None => MIGCFG_ERR_NULL,
    }
}

/// Capabilities of `p`: `*on` the ones that are on, `*set` the ones that were set (either
/// may be NULL), as `MIGCFG_CAP_*` bits.
#[no_mangle]
pub extern "C" fn migcfg_get_caps(p: *const MigcfgParams, on: *mut u64, set: *mut u64) -> i32 {
    let Some(t) = table(p) else {
        return MIGCFG_ERR_NULL;
    };
    put(on, t.caps().bits());
    put(set, t.caps_set().bits());
    MIGCFG_OK
}

/// Name of capability `bit`, NUL-terminated and static; NULL for a bad bit.
#[no_mangle]
pub extern "C" fn migcfg_cap_name(bit: u32) -> *const c_char {
    schema::CAPS
        .get(bit as usize)
        .map_or(core::ptr::null(), |c| c.cname().as_ptr())
}

/// Bit of the capability called `name`; `MIGCFG_ERR_INVALID_ARG` when there is none.
#[no_mangle]
pub extern "C" fn migcfg_cap_lookup(name: *const c_char, len: usize, bit: *mut u32) -> i32 {
    lookup_into(name, len, bit, schema::cap_lookup)
}

/// Write the capabilities that were set as the arguments of QEMU's
/// `migrate-set-capabilities` (`{"capabilities": [{"capability": "multifd", "state":
/// true}]}`), with the buffer rules of `migcfg_format_json`.
#[no_mangle]
pub extern "C" fn migcfg_format_caps_json(
    p: *const MigcfgParams,
    buf: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> i32 {
    let Some(t) = table(p) else {
        return MIGCFG_ERR_NULL;
    };
    emit(buf, cap, len, |o| {
        format::caps_json(t, o);
        Ok(())
    })
}
