//! ABI stability: the ABI version, a guard a host calls at start-up so that a header/library
//! mismatch is caught instead of silently misread, and compile-time checks of the size,
//! alignment and field offsets of every public `#[repr(C)]` type.
//!
//! The same numbers are `_Static_assert`ed in C (`c-tests/test_abi.c`); a change to either
//! side fails a build. What is stable: status codes, parameter ids, capability bits and flag
//! values are explicit and append-only; a type's layout and a function's signature change
//! only with `MIGCFG_ABI_VERSION`.

use crate::{
    MigcfgBitmapAlias, MigcfgBitmapNode, MigcfgError, MigcfgParam, MigcfgParams, MigcfgStr,
    MigcfgValue, MigcfgVisitFn, MIGCFG_ERROR_MAX, MIGCFG_ERR_INVALID_ARG, MIGCFG_OK,
    MIGCFG_PARAMS_WORDS,
};
use core::mem::{align_of, offset_of, size_of};

/// Version of the binary interface (the layout of every public type, the signature of every
/// function, the meaning of every value). Raised on any incompatible change; adding a
/// function, status code, parameter id, capability or flag bit does not raise it. A host
/// passes the value its header defines to `migcfg_abi_check`.
pub const MIGCFG_ABI_VERSION: u32 = 1;

/// `sizeof(MigcfgIncoming)` as this library was built.
const INCOMING_SIZE: usize = size_of::<crate::incoming::MigcfgIncoming>();

/// Start-up guard against a header/library mismatch: returns `MIGCFG_OK` when
/// `abi_version`, `sizeof_params` and `sizeof_incoming` (what the caller's header says:
/// `MIGCFG_ABI_VERSION`, `sizeof(MigcfgParams)`, `sizeof(MigcfgIncoming)`) equal this
/// library's, else `MIGCFG_ERR_INVALID_ARG`;
/// then the host must not call migcfg further (a table of the wrong size would be
/// misread). Call it as `MIGCFG_ABI_CHECK()`, which passes the three values. No side
/// effects; thread-safe; callable at any time.
#[no_mangle]
pub extern "C" fn migcfg_abi_check(
    abi_version: u32,
    sizeof_params: usize,
    sizeof_incoming: usize,
) -> i32 {
    if abi_version == MIGCFG_ABI_VERSION
        && sizeof_params == size_of::<MigcfgParams>()
        && sizeof_incoming == INCOMING_SIZE
    {
        MIGCFG_OK
    } else {
        MIGCFG_ERR_INVALID_ARG
    }
}

// Layout of every public #[repr(C)] type, for every target: sizes built from the field list.
const _: () = {
    const PTR: usize = size_of::<usize>();
    assert!(size_of::<MigcfgParams>() == MIGCFG_PARAMS_WORDS * 8);
    assert!(
        size_of::<crate::incoming::MigcfgIncoming>() == crate::incoming::MIGCFG_INCOMING_WORDS * 8
    );
    assert!(size_of::<crate::incoming::MigcfgIncoming>() <= 16 * 1024);
    assert!(align_of::<crate::incoming::MigcfgIncoming>() == align_of::<u64>());
    assert!(align_of::<MigcfgParams>() == align_of::<u64>());
    assert!(size_of::<MigcfgParam>() == size_of::<core::ffi::c_int>());
    assert!(size_of::<MigcfgVisitFn>() == PTR);

    assert!(offset_of!(MigcfgError, code) == 0);
    assert!(offset_of!(MigcfgError, offset) == PTR);
    assert!(offset_of!(MigcfgError, message) == 2 * PTR);
    assert!(offset_of!(MigcfgError, length) == 2 * PTR + MIGCFG_ERROR_MAX);
    assert!(size_of::<MigcfgError>() == 3 * PTR + MIGCFG_ERROR_MAX + 8);
    assert!(align_of::<MigcfgError>() == PTR);

    assert!(offset_of!(MigcfgBitmapNode, node_name) == 0);
    assert!(offset_of!(MigcfgBitmapNode, node_name_len) == PTR);
    assert!(offset_of!(MigcfgBitmapNode, alias) == 2 * PTR);
    assert!(offset_of!(MigcfgBitmapNode, alias_len) == 3 * PTR);
    assert!(offset_of!(MigcfgBitmapNode, bitmaps) == 4 * PTR);
    assert!(size_of::<MigcfgBitmapNode>() == 5 * PTR);
    assert!(align_of::<MigcfgBitmapNode>() == PTR);

    assert!(offset_of!(MigcfgBitmapAlias, name) == 0);
    assert!(offset_of!(MigcfgBitmapAlias, name_len) == PTR);
    assert!(offset_of!(MigcfgBitmapAlias, alias) == 2 * PTR);
    assert!(offset_of!(MigcfgBitmapAlias, alias_len) == 3 * PTR);
    assert!(offset_of!(MigcfgBitmapAlias, persistent) == 4 * PTR);
    assert!(size_of::<MigcfgBitmapAlias>() == 5 * PTR);
    assert!(align_of::<MigcfgBitmapAlias>() == PTR);

    assert!(offset_of!(MigcfgStr, s) == 0);
    assert!(offset_of!(MigcfgStr, len) == PTR);
    assert!(size_of::<MigcfgStr>() == 2 * PTR);
    assert!(align_of::<MigcfgStr>() == PTR);
};

// MigcfgValue holds a u64, whose alignment differs between 32-bit targets: pin it where it
// is unambiguous (every 64-bit target), as c-tests/test_abi.c does.
#[cfg(target_pointer_width = "64")]
const _: () = {
    assert!(offset_of!(MigcfgValue, r#type) == 0);
    assert!(offset_of!(MigcfgValue, b) == 4);
    assert!(offset_of!(MigcfgValue, u) == 8);
    assert!(offset_of!(MigcfgValue, s) == 16);
    assert!(offset_of!(MigcfgValue, len) == 24);
    assert!(offset_of!(MigcfgValue, items) == 32);
    assert!(offset_of!(MigcfgValue, nodes) == 40);
    assert!(offset_of!(MigcfgValue, count) == 48);
    assert!(offset_of!(MigcfgValue, bitmaps) == 56);
    assert!(offset_of!(MigcfgValue, nbitmaps) == 64);
    assert!(size_of::<MigcfgValue>() == 72);
    assert!(align_of::<MigcfgValue>() == 8);
    assert!(size_of::<MigcfgParams>() == 9224);
    assert!(size_of::<MigcfgError>() == 544);
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abi_check_accepts_only_this_build() {
        let p = size_of::<MigcfgParams>();
        assert_eq!(
            migcfg_abi_check(MIGCFG_ABI_VERSION, p, INCOMING_SIZE),
            MIGCFG_OK
        );
        assert_eq!(
            migcfg_abi_check(MIGCFG_ABI_VERSION.wrapping_add(1), p, INCOMING_SIZE),
            MIGCFG_ERR_INVALID_ARG
        );
        assert_eq!(
            migcfg_abi_check(MIGCFG_ABI_VERSION, p.wrapping_sub(8), INCOMING_SIZE),
            MIGCFG_ERR_INVALID_ARG
        );
        assert_eq!(
            migcfg_abi_check(MIGCFG_ABI_VERSION, p, INCOMING_SIZE.wrapping_add(8)),
            MIGCFG_ERR_INVALID_ARG
        );
    }
}
