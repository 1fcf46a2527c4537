//! The `-incoming` family of the C ABI: a caller-owned [`MigcfgIncoming`] that takes every
//! `-incoming` argument of a command line whole (`config:`, `defer`, URIs, `MigrationChannel`
//! objects), the typed read-back of what they said, and the `config:help` listing.

use core::ffi::{c_char, CStr};
use migcfg_core::channel::{
    self, ChannelType, Slot, SlotState, SocketType, Transport, OPT_ABSTRACT, OPT_IPV4, OPT_IPV6,
    OPT_KEEP_ALIVE, OPT_KEEP_ALIVE_COUNT, OPT_KEEP_ALIVE_IDLE, OPT_KEEP_ALIVE_INTERVAL, OPT_MPTCP,
    OPT_NUMERIC, OPT_TIGHT, OPT_TO, STR_CID, STR_FD, STR_FILENAME, STR_HOST, STR_PATH, STR_PORT,
};
use migcfg_core::error::Status;
use migcfg_core::help;
use migcfg_core::incoming::Incoming;
use migcfg_core::schema;

use crate::{
    parse_flags, put, report_status, MigcfgError, MigcfgParams, MigcfgStr, MIGCFG_ERR_INVALID_ARG,
    MIGCFG_ERR_NULL, MIGCFG_OK,
};

/// Size of `MigcfgIncoming` in 64-bit words (16 296 bytes; the contract allows 16 KiB).
pub const MIGCFG_INCOMING_WORDS: usize = 2037;

/// Everything the `-incoming` arguments of a command line said: the early parameter table
/// (`config:`), the main and cpr channels, `defer`. Caller-owned, fixed size, no pointers
/// inside: it may be static, on the stack, or copied with `memcpy`. All-zero is valid and
/// equal to a freshly initialised one; any other bytes are safe, as for `MigcfgParams`.
/// Read it only through the functions.
#[repr(C)]
pub struct MigcfgIncoming {
    /// Opaque storage.
    pub opaque_: [u64; MIGCFG_INCOMING_WORDS],
}

/// The main migration channel (URIs and `defer` always set this one).
pub const MIGCFG_CHANNEL_MAIN: u32 = 0;
/// The CPR state channel (`MigrationChannel` with `channel-type` `cpr`).
pub const MIGCFG_CHANNEL_CPR: u32 = 1;

/// Transport `socket` (`tcp:`, `unix:`, `vsock:`, `fd:`): see `socket_type`.
pub const MIGCFG_TRANSPORT_SOCKET: u32 = 0;
/// Transport `exec` (`exec:<command>`): an argv, see `migcfg_incoming_channel_arg`.
pub const MIGCFG_TRANSPORT_EXEC: u32 = 1;
/// Transport `rdma` (`rdma:<host>:<port>`): `host`, `port` and the inet options.
pub const MIGCFG_TRANSPORT_RDMA: u32 = 2;
/// Transport `file` (`file:<name>[,offset=<n>]`): `filename`, `offset`.
pub const MIGCFG_TRANSPORT_FILE: u32 = 3;

/// Socket `inet`: `host`, `port` and the inet options.
pub const MIGCFG_SOCKET_INET: u32 = 0;
/// Socket `unix`: `path`, `unix_abstract`, `unix_tight`.
pub const MIGCFG_SOCKET_UNIX: u32 = 1;
/// Socket `vsock`: `cid`, `port`.
pub const MIGCFG_SOCKET_VSOCK: u32 = 2;
/// Socket `fd`: `fd` (a number or a monitor fd name).
pub const MIGCFG_SOCKET_FD: u32 = 3;

/// `MigMode` `normal`.
pub const MIGCFG_MODE_NORMAL: u32 = 0;
/// `MigMode` `cpr-reboot`.
pub const MIGCFG_MODE_CPR_REBOOT: u32 = 1;
/// `MigMode` `cpr-transfer`.
pub const MIGCFG_MODE_CPR_TRANSFER: u32 = 2;
/// `MigMode` `cpr-exec`.
pub const MIGCFG_MODE_CPR_EXEC: u32 = 3;

/// Bytes of string data one channel holds (every string and its NUL terminator).
pub const MIGCFG_CHANNEL_STRING_CAPACITY: usize = 3072;
/// Most `exec` arguments one channel holds.
pub const MIGCFG_CHANNEL_ARGS_CAPACITY: usize = 64;

const _: () = {
    assert!(core::mem::size_of::<Incoming>() == MIGCFG_INCOMING_WORDS * 8);
    assert!(core::mem::align_of::<Incoming>() <= 8);
    assert!(MIGCFG_INCOMING_WORDS * 8 <= 16 * 1024);
    assert!(MIGCFG_CHANNEL_STRING_CAPACITY == channel::CHANNEL_STRING_CAPACITY);
    assert!(MIGCFG_CHANNEL_ARGS_CAPACITY == channel::CHANNEL_ARGS_CAPACITY);
    assert!(MIGCFG_CHANNEL_MAIN == ChannelType::Main as u32);
    assert!(MIGCFG_CHANNEL_CPR == ChannelType::Cpr as u32);
    assert!(MIGCFG_TRANSPORT_SOCKET == Transport::Socket as u32);
    assert!(MIGCFG_TRANSPORT_EXEC == Transport::Exec as u32);
    assert!(MIGCFG_TRANSPORT_RDMA == Transport::Rdma as u32);
    assert!(MIGCFG_TRANSPORT_FILE == Transport::File as u32);
    assert!(MIGCFG_SOCKET_INET == SocketType::Inet as u32);
    assert!(MIGCFG_SOCKET_UNIX == SocketType::Unix as u32);
    assert!(MIGCFG_SOCKET_VSOCK == SocketType::Vsock as u32);
    assert!(MIGCFG_SOCKET_FD == SocketType::Fd as u32);
    assert!(schema::MIG_MODE.len() == 4);
};

/// A channel as `migcfg_incoming_channel` reads it back, shaped like QEMU's
/// `MigrationChannel`. Strings point into the `MigcfgIncoming` and stay valid until it is
/// next changed; each is also followed by a NUL, so it may be used as a C string. A member
/// that does not apply to the transport is `{NULL, 0}`; an optional member not given is
/// -1.
///
/// | transport | members |
/// |---|---|
/// | socket, inet | `host`, `port`, `numeric`, `to`, `ipv4`, `ipv6`, `keep_alive`, `keep_alive_count`, `keep_alive_idle`, `keep_alive_interval`, `mptcp` |
/// | socket, unix | `path`, `unix_abstract`, `unix_tight` |
/// | socket, vsock | `cid`, `port` |
/// | socket, fd | `fd` |
/// | exec | `argc` (arguments via `migcfg_incoming_channel_arg`) |
/// | rdma | as inet |
/// | file | `filename`, `offset` |
#[repr(C)]
pub struct MigcfgChannel {
    /// `MIGCFG_CHANNEL_MAIN` or `MIGCFG_CHANNEL_CPR`.
    pub channel_type: u32,
    /// `MIGCFG_TRANSPORT_*`.
    pub transport: u32,
    /// `MIGCFG_SOCKET_*` for `MIGCFG_TRANSPORT_SOCKET`; 0 otherwise.
    pub socket_type: u32,
    /// Inet and rdma: host name or address (IPv6 without brackets).
    pub host: MigcfgStr,
    /// Inet, rdma and vsock: port (a number or a service name).
    pub port: MigcfgStr,
    /// Unix: socket path.
    pub path: MigcfgStr,
    /// Vsock: context id.
    pub cid: MigcfgStr,
    /// Fd: file descriptor number or name.
    pub fd: MigcfgStr,
    /// File: file name.
    pub filename: MigcfgStr,
    /// File: offset in bytes (0 when not given by a URI).
    pub offset: u64,
    /// Exec: number of arguments.
    pub argc: usize,
    /// Inet: `numeric` (0/1), -1 if not given.
    pub numeric: i32,
    /// Inet: `to` (highest port to try), -1 if not given.
    pub to: i32,
    /// Inet: `ipv4` (0/1), -1 if not given.
    pub ipv4: i32,
    /// Inet: `ipv6` (0/1), -1 if not given.
    pub ipv6: i32,
    /// Inet: `keep-alive` (0/1), -1 if not given.
    pub keep_alive: i32,
    /// Inet: `mptcp` (0/1), -1 if not given.
    pub mptcp: i32,
    /// Inet: `keep-alive-count`, -1 if not given.
    pub keep_alive_count: i64,
    /// Inet: `keep-alive-idle`, -1 if not given.
    pub keep_alive_idle: i64,
    /// Inet: `keep-alive-interval`, -1 if not given.
    pub keep_alive_interval: i64,
    /// Unix: `abstract` (0/1), -1 if not given.
    pub unix_abstract: i32,
    /// Unix: `tight` (0/1), -1 if not given.
    pub unix_tight: i32,
}

/// Names of the migration modes, NUL-terminated, in `MigMode` order.
const MODE_NAMES: [&CStr; 4] = [c"normal", c"cpr-reboot", c"cpr-transfer", c"cpr-exec"];

fn state<'a>(p: *const MigcfgIncoming) -> Option<&'a Incoming> {
    // SAFETY: the caller passes NULL or a valid MigcfgIncoming; Incoming is repr(C), made
    // of integers only (every bit pattern valid), the same size, and no more aligned
    // (asserted above).
    unsafe { p.cast::<Incoming>().as_ref() }
}

fn state_mut<'a>(p: *mut MigcfgIncoming) -> Option<&'a mut Incoming> {
    // SAFETY: as for `state`; the caller gives exclusive access for the call.
    unsafe { p.cast::<Incoming>().as_mut() }
}

fn ctype(t: u32) -> Option<ChannelType> {
    ChannelType::from_index(t as usize)
}

/// Initialise `inc`: default parameters, no channel, no `defer`, no config, flags 0.
/// Cheap (string storage is not cleared). NULL is ignored.
#[no_mangle]
pub extern "C" fn migcfg_incoming_init(inc: *mut MigcfgIncoming) {
    if let Some(s) = state_mut(inc) {
        s.init();
    }
}

/// Set the parse flags (`MIGCFG_PARSE_*`, as for `migcfg_parse_ex`) a later `config:`
/// argument is parsed with; 0, the initial value, is QEMU's behaviour. An unknown bit is
/// `MIGCFG_ERR_INVALID_ARG` and changes nothing.
#[no_mangle]
pub extern "C" fn migcfg_incoming_set_flags(inc: *mut MigcfgIncoming, flags: u32) -> i32 {
    let Some(s) = state_mut(inc) else {
        return MIGCFG_ERR_NULL;
    };
    if parse_flags(flags).is_none() {
        return MIGCFG_ERR_INVALID_ARG;
    }
    s.set_flags_raw(flags);
    MIGCFG_OK
}

/// Target QEMU release `major.minor` for a later `config:` argument: parameters and
/// capabilities that release does not have are unexpected, as that QEMU would say (see
/// `migcfg_params_target`). Default: the newest release the schema knows.
#[no_mangle]
pub extern "C" fn migcfg_incoming_target(inc: *mut MigcfgIncoming, major: u32, minor: u32) -> i32 {
    let Some(s) = state_mut(inc) else {
        return MIGCFG_ERR_NULL;
    };
    s.set_target(major, minor)
        .map_or_else(|e| e as i32, |()| MIGCFG_OK)
}

/// Add one `-incoming` argument, whole (`len` bytes, as the command line gave it), the way
/// QEMU's `qemu_init()` meets it:
///
/// - `config:<text>`: migration parameters (keyval or JSON) into the early table, as
///   `migcfg_parse_ex` with the flags of `migcfg_incoming_set_flags`. One per command line:
///   a second is `MIGCFG_ERR_CHANNEL` (`Only one '-incoming config:' is allowed`). A
///   `help` or `?` item returns `MIGCFG_HELP` and changes nothing (print
///   `migcfg_help_write`'s listing and exit 0, as QEMU does for `-device foo,help`).
/// - `defer`, or a URI (`tcp:`, `unix:`, `vsock:`, `fd:`, `file:`, `exec:`, `rdma:`): the
///   main channel.
/// - a `MigrationChannel` in keyval (`main,addr.transport=socket,...`, the first item may
///   omit `channel-type=`) or JSON: the main or cpr channel.
///
/// One slot per channel type: a later argument for a type replaces the earlier one.
/// Returns `MIGCFG_OK`, `MIGCFG_HELP`, or a negative status with `err` (optional) set:
/// QEMU's message, and the offset from the start of `arg`. Channel and URI errors are
/// `MIGCFG_ERR_CHANNEL` (or `MIGCFG_ERR_CAPACITY` past a capacity); `config:` errors have
/// the parameter statuses (text inside `inc` itself: `MIGCFG_ERR_INVALID_ARG`). A rejected
/// argument changes nothing. QEMU prints errors as
/// `-incoming <arg>: <message>` and exits with status 1.
#[no_mangle]
pub extern "C" fn migcfg_incoming_add(
    inc: *mut MigcfgIncoming,
    arg: *const c_char,
    len: usize,
    err: *mut MigcfgError,
) -> i32 {
    let a = match crate::text_for(inc, arg, len, err) {
        Ok(a) => a,
        Err(rc) => return rc,
    };
    let Some(s) = state_mut(inc) else {
        return report_status(err, Status::Null, crate::NULL_POINTER);
    };
    let Some(flags) = parse_flags(s.flags_raw()) else {
        return report_status(err, Status::InvalidArg, "Unknown flag");
    };
    crate::with_sink(err, |e| match s.add_into(a, flags, e) {
        Ok(st) => st as i32,
        Err(_) => {
            e.seal();
            e.status() as i32
        }
    })
}

/// The early parameter table: defaults until a `config:` argument was added. Read it with
/// the `migcfg_get_*` functions and the formatters. Never NULL for a valid `inc`; NULL
/// for NULL. Valid as long as `inc` is.
#[no_mangle]
pub extern "C" fn migcfg_incoming_params(inc: *const MigcfgIncoming) -> *const MigcfgParams {
    match state(inc) {
        Some(s) => (s.params() as *const migcfg_core::Params).cast::<MigcfgParams>(),
        None => core::ptr::null(),
    }
}

/// Whether a `config:` argument was accepted. False for NULL.
#[no_mangle]
pub extern "C" fn migcfg_incoming_has_config(inc: *const MigcfgIncoming) -> bool {
    state(inc).is_some_and(Incoming::has_config)
}

/// Whether the main `-incoming` (the last one given for it) is `defer`: the main channel
/// comes later from `migrate-incoming`. False for NULL.
#[no_mangle]
pub extern "C" fn migcfg_incoming_defer(inc: *const MigcfgIncoming) -> bool {
    state(inc).is_some_and(Incoming::defer)
}

/// Whether channel `channel_type` (`MIGCFG_CHANNEL_*`) was given (a URI or an object; not
/// `defer`). False for NULL or a bad type.
#[no_mangle]
pub extern "C" fn migcfg_incoming_has_channel(
    inc: *const MigcfgIncoming,
    channel_type: u32,
) -> bool {
    match (state(inc), ctype(channel_type)) {
        (Some(s), Some(t)) => s.slot(t).state() == SlotState::Channel,
        _ => false,
    }
}

fn str_of(slot: &Slot, which: usize) -> MigcfgStr {
    match slot.string(which) {
        Some(b) => MigcfgStr {
            s: b.as_ptr().cast(),
            len: b.len(),
        },
        None => MigcfgStr {
            s: core::ptr::null(),
            len: 0,
        },
    }
}

fn tri(v: Option<bool>) -> i32 {
    v.map_or(-1, i32::from)
}

fn num(v: Option<u32>) -> i64 {
    v.map_or(-1, i64::from)
}

/// Read channel `channel_type` (`MIGCFG_CHANNEL_*`) into `out`. `MIGCFG_ERR_INVALID_ARG`
/// for a bad type or when no channel of that type was given (`out` untouched then).
#[no_mangle]
pub extern "C" fn migcfg_incoming_channel(
    inc: *const MigcfgIncoming,
    channel_type: u32,
    out: *mut MigcfgChannel,
) -> i32 {
    let Some(s) = state(inc) else {
        return MIGCFG_ERR_NULL;
    };
    if out.is_null() {
        return MIGCFG_ERR_NULL;
    }
    let Some(t) = ctype(channel_type) else {
        return MIGCFG_ERR_INVALID_ARG;
    };
    let slot = s.slot(t);
    let Some(tr) = slot.transport() else {
        return MIGCFG_ERR_INVALID_ARG;
    };
    put(
        out,
        MigcfgChannel {
            channel_type,
            transport: tr as u32,
            socket_type: slot.socket_type().map_or(0, |st| st as u32),
            host: str_of(slot, STR_HOST),
            port: str_of(slot, STR_PORT),
            path: str_of(slot, STR_PATH),
            cid: str_of(slot, STR_CID),
            fd: str_of(slot, STR_FD),
            filename: str_of(slot, STR_FILENAME),
            offset: slot.offset(),
            argc: slot.nargs(),
            numeric: tri(slot.opt_bool(OPT_NUMERIC)),
            to: slot
                .opt_num(OPT_TO)
                .map_or(-1, |v| i32::try_from(v).unwrap_or(i32::MAX)),
            ipv4: tri(slot.opt_bool(OPT_IPV4)),
            ipv6: tri(slot.opt_bool(OPT_IPV6)),
            keep_alive: tri(slot.opt_bool(OPT_KEEP_ALIVE)),
            mptcp: tri(slot.opt_bool(OPT_MPTCP)),
            keep_alive_count: num(slot.opt_num(OPT_KEEP_ALIVE_COUNT)),
            keep_alive_idle: num(slot.opt_num(OPT_KEEP_ALIVE_IDLE)),
            keep_alive_interval: num(slot.opt_num(OPT_KEEP_ALIVE_INTERVAL)),
            unix_abstract: tri(slot.opt_bool(OPT_ABSTRACT)),
            unix_tight: tri(slot.opt_bool(OPT_TIGHT)),
        },
    );
    MIGCFG_OK
}

/// `exec` argument `index` of channel `channel_type`: pointer and length (also followed
/// by a NUL), valid until `inc` is next changed. A URI `exec:<cmd>` gives `/bin/sh`, `-c`,
/// `<cmd>`, as QEMU. `MIGCFG_ERR_INVALID_ARG` for a bad type or index.
#[no_mangle]
pub extern "C" fn migcfg_incoming_channel_arg(
    inc: *const MigcfgIncoming,
    channel_type: u32,
    index: usize,
    s: *mut *const c_char,
    len: *mut usize,
) -> i32 {
    let Some(st) = state(inc) else {
        return MIGCFG_ERR_NULL;
    };
    if s.is_null() || len.is_null() {
        return MIGCFG_ERR_NULL;
    }
    let Some(t) = ctype(channel_type) else {
        return MIGCFG_ERR_INVALID_ARG;
    };
    match st.slot(t).arg(index) {
        Some(b) => {
            put(s, b.as_ptr().cast::<c_char>());
            put(len, b.len());
            MIGCFG_OK
        }
        None => MIGCFG_ERR_INVALID_ARG,
    }
}

/// The effective migration `mode` (`MIGCFG_MODE_*`: what `config:` set, else QEMU's
/// default, normal), for code that runs before any migration object exists (device
/// backends under CPR). 0 (normal) for NULL.
#[no_mangle]
pub extern "C" fn migcfg_incoming_mode(inc: *const MigcfgIncoming) -> u32 {
    state(inc).map_or(0, |s| u32::try_from(s.mode()).unwrap_or(0))
}

/// The name of the effective `mode` (`"normal"`, `"cpr-transfer"`, ...), NUL-terminated
/// and static. NULL for NULL.
#[no_mangle]
pub extern "C" fn migcfg_incoming_mode_name(inc: *const MigcfgIncoming) -> *const c_char {
    match state(inc) {
        Some(s) => MODE_NAMES
            .get(s.mode())
            .copied()
            .unwrap_or(c"normal")
            .as_ptr(),
        None => core::ptr::null(),
    }
}

/// The effective `local` (same-host migration; what `config:` set, else false). False for
/// NULL.
#[no_mangle]
pub extern "C" fn migcfg_incoming_local(inc: *const MigcfgIncoming) -> bool {
    state(inc).is_some_and(Incoming::local)
}

/// Write the `-incoming config:help` listing: a title line, then every migration
/// parameter (sorted by name) with its type, default, valid range and one-line doc, in the
/// style of QEMU's `-device foo,help`; each line ends in a newline. The formatters' buffer
/// rules: NUL-terminated, `*len` = length without the NUL; `buf` NULL with `cap` 0 asks
/// for the size; too small: `MIGCFG_ERR_NOSPACE` with `*len` = the size needed.
#[no_mangle]
pub extern "C" fn migcfg_help_write(buf: *mut c_char, cap: usize, len: *mut usize) -> i32 {
    crate::emit(buf, cap, len, |o| {
        help::write(o);
        Ok(())
    })
}

/// `migcfg_help_write` for the release `inc` targets (`migcfg_incoming_target`): only the
/// parameters and capabilities that release has, as the VMM would accept them.
#[no_mangle]
pub extern "C" fn migcfg_incoming_help_write(
    inc: *const MigcfgIncoming,
    buf: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> i32 {
    let Some(s) = state(inc) else {
        return MIGCFG_ERR_NULL;
    };
    let target = s.params().target();
    crate::emit(buf, cap, len, |o| {
        help::write_for(o, target);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_names_match_the_schema() {
        for (c, s) in MODE_NAMES.iter().zip(schema::MIG_MODE) {
            assert_eq!(c.to_bytes(), s.as_bytes());
        }
        assert_eq!(MODE_NAMES.len(), schema::MIG_MODE.len());
    }
}
