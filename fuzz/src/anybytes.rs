//! The property of the `anybytes` fuzz target, over the C ABI (`migcfg-ffi`), also run over
//! its corpus as an ordinary test (`ffi/tests/anybytes_corpus.rs`): a `MigcfgParams` or
//! `MigcfgIncoming` of any bytes (a full one with some of its bytes overwritten) makes no
//! function crash, hang or read outside it; every string handed out lies inside it; a
//! rejected input leaves it byte for byte unchanged.
//!
//! Input: byte 0, the mode (bit 7: `MigcfgIncoming` instead of `MigcfgParams`; bits 0-1:
//! parse flags); byte 1, the number of patches (mod 64); then 6 bytes per patch (little
//! endian: a 16-bit byte position, taken mod the storage's size, and 32 bits written there);
//! the rest is text to parse (`MigcfgIncoming`: up to four arguments separated by `\n`).
//! Pointers are compared as addresses only: nothing here dereferences them.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

use core::ffi::c_char;
use migcfg::incoming::*;
use migcfg::*;

/// What a full table or state is built from before the patches.
const BASE_CONFIG: &str =
    "tls-creds=creds0,tls-hostname=host.example,cpr-exec-command.0=/bin/qemu,\
cpr-exec-command.1=-incoming,block-bitmap-mapping.0.node-name=n0,block-bitmap-mapping.0.alias=a0,\
block-bitmap-mapping.0.bitmaps.0.name=b0,block-bitmap-mapping.0.bitmaps.0.alias=c0,\
block-bitmap-mapping.0.bitmaps.1.name=b1,block-bitmap-mapping.0.bitmaps.1.alias=c1,\
block-bitmap-mapping.1.node-name=n1,block-bitmap-mapping.1.alias=a1,\
block-bitmap-mapping.1.bitmaps.0.name=b2,block-bitmap-mapping.1.bitmaps.0.alias=c2";
const BASE_CHANNELS: [&str; 2] = [
    "exec:cat /tmp/x",
    "cpr,addr.transport=socket,addr.type=inet,addr.host=h,addr.port=1",
];

/// Enum parameters: their names are static, outside any table.
const ENUMS: [u32; 3] = [
    MigcfgParam::MIGCFG_PARAM_MULTIFD_COMPRESSION as u32,
    MigcfgParam::MIGCFG_PARAM_MODE as u32,
    MigcfgParam::MIGCFG_PARAM_ZERO_PAGE_DETECTION as u32,
];

/// The storage a pointer must lie in: its first byte and its size.
#[derive(Clone, Copy)]
struct Within(usize, usize);

impl Within {
    fn of<T>(x: &T) -> Self {
        Within(x as *const T as usize, core::mem::size_of::<T>())
    }
    fn check(self, what: &str, s: *const c_char, len: usize) {
        let a = s as usize;
        assert!(
            len == 0 || (a >= self.0 && a.saturating_add(len) <= self.0 + self.1),
            "{what}: {len} bytes at {a:#x}, outside the storage at {:#x} ({} bytes)",
            self.0,
            self.1
        );
    }
}

/// Overwrite 32 bits at byte position `at` (mod the storage size) of `words`.
fn patch(words: &mut [u64], at: usize, val: u32) {
    let n = words.len() * 8 - 4;
    let at = at % n;
    for (i, b) in val.to_le_bytes().into_iter().enumerate() {
        let pos = at + i;
        let w = &mut words[pos / 8];
        let shift = (pos % 8) * 8;
        *w = (*w & !(0xFF << shift)) | (u64::from(b) << shift);
    }
}

extern "C" fn each_value(_opaque: *mut core::ffi::c_void, _id: u32, _v: *const MigcfgValue) -> i32 {
    // The C tests read the values; here only that the walk ends is asked.
    0
}

/// Every reader of a table, each string checked to lie in `within`.
fn read_table(p: *const MigcfgParams, within: Within) {
    let mut out = vec![0u8; 1 << 16];
    let mut n = 0usize;
    for id in 0..=MigcfgParam::MIGCFG_PARAM__COUNT as u32 {
        let (mut u, mut b) = (0u64, false);
        let (mut s, mut len, mut count) = (core::ptr::null::<c_char>(), 0usize, 0usize);
        migcfg_is_set(p, id);
        migcfg_get_u64(p, id, &mut u);
        migcfg_get_bool(p, id, &mut b);
        if migcfg_get_str(p, id, &mut s, &mut len) == MIGCFG_OK && !ENUMS.contains(&id) {
            within.check("get_str", s, len);
        }
        if migcfg_get_list_len(p, id, &mut count) == MIGCFG_OK {
            for i in 0..=count.min(MIGCFG_EXEC_COMMAND_CAPACITY) {
                if migcfg_get_list_str(p, id, i, &mut s, &mut len) == MIGCFG_OK {
                    within.check("get_list_str", s, len);
                }
            }
        }
    }
    for i in 0..=MIGCFG_BITMAP_NODE_CAPACITY {
        let mut node = MigcfgBitmapNode {
            node_name: core::ptr::null(),
            node_name_len: 0,
            alias: core::ptr::null(),
            alias_len: 0,
            bitmaps: 0,
        };
        if migcfg_get_bitmap_node(p, i, &mut node) != MIGCFG_OK {
            continue;
        }
        within.check("node name", node.node_name, node.node_name_len);
        within.check("node alias", node.alias, node.alias_len);
        assert!(
            node.bitmaps <= MIGCFG_BITMAP_CAPACITY,
            "{} bitmaps",
            node.bitmaps
        );
        for j in 0..=node.bitmaps {
            let mut bm = MigcfgBitmapAlias {
                name: core::ptr::null(),
                name_len: 0,
                alias: core::ptr::null(),
                alias_len: 0,
                persistent: 0,
            };
            if migcfg_get_bitmap(p, i, j, &mut bm) == MIGCFG_OK {
                within.check("bitmap name", bm.name, bm.name_len);
                within.check("bitmap alias", bm.alias, bm.alias_len);
            }
        }
    }
    let (mut on, mut set) = (0u64, 0u64);
    migcfg_get_caps(p, &mut on, &mut set);
    migcfg_params_page_size(p);
    let buf = out.as_mut_ptr().cast::<c_char>();
    for f in 0..=(MIGCFG_FORMAT_ALL | MIGCFG_FORMAT_CAPABILITIES) {
        let rc = migcfg_format_json_ex(p, f, buf, out.len(), &mut n);
        assert!(
            rc == MIGCFG_OK || rc == MIGCFG_ERR_NOSPACE,
            "format_json_ex {rc}"
        );
        let rc = migcfg_format_keyval_ex(p, f, buf, out.len(), &mut n);
        assert!(
            rc == MIGCFG_OK || rc == MIGCFG_ERR_NOSPACE || rc == MIGCFG_ERR_UNREPRESENTABLE,
            "format_keyval_ex {rc}"
        );
    }
    migcfg_format_caps_json(p, buf, out.len(), &mut n);
    assert_eq!(
        migcfg_params_foreach_set(p, Some(each_value), core::ptr::null_mut()),
        MIGCFG_OK
    );
    migcfg_params_check(p, core::ptr::null(), core::ptr::null_mut());
    migcfg_params_check(p, p, core::ptr::null_mut());
}

fn blank_str() -> MigcfgStr {
    MigcfgStr {
        s: core::ptr::null(),
        len: 0,
    }
}

/// Every reader of a `MigcfgIncoming`, each string checked to lie inside it.
fn read_state(st: &MigcfgIncoming) {
    let within = Within::of(st);
    migcfg_incoming_has_config(st);
    migcfg_incoming_defer(st);
    migcfg_incoming_local(st);
    assert!(migcfg_incoming_mode(st) < 4);
    assert!(!migcfg_incoming_mode_name(st).is_null());
    let mut out = vec![0u8; 1 << 16];
    let mut n = 0usize;
    migcfg_incoming_help_write(st, out.as_mut_ptr().cast(), out.len(), &mut n);
    // The early table lies inside `st`, so its strings must too.
    read_table(migcfg_incoming_params(st), within);
    for t in 0..=2u32 {
        migcfg_incoming_has_channel(st, t);
        let mut c = MigcfgChannel {
            channel_type: 0,
            transport: 0,
            socket_type: 0,
            host: blank_str(),
            port: blank_str(),
            path: blank_str(),
            cid: blank_str(),
            fd: blank_str(),
            filename: blank_str(),
            offset: 0,
            argc: 0,
            numeric: 0,
            to: 0,
            ipv4: 0,
            ipv6: 0,
            keep_alive: 0,
            mptcp: 0,
            keep_alive_count: 0,
            keep_alive_idle: 0,
            keep_alive_interval: 0,
            unix_abstract: 0,
            unix_tight: 0,
        };
        if migcfg_incoming_channel(st, t, &mut c) != MIGCFG_OK {
            continue;
        }
        for (what, s) in [
            ("host", &c.host),
            ("port", &c.port),
            ("path", &c.path),
            ("cid", &c.cid),
            ("fd", &c.fd),
            ("filename", &c.filename),
        ] {
            within.check(what, s.s, s.len);
        }
        for i in 0..=c.argc.min(MIGCFG_CHANNEL_ARGS_CAPACITY) {
            let (mut s, mut len) = (core::ptr::null::<c_char>(), 0usize);
            if migcfg_incoming_channel_arg(st, t, i, &mut s, &mut len) == MIGCFG_OK {
                within.check("exec argument", s, len);
            }
        }
    }
}

fn params_case(flags: u32, patches: &[(usize, u32)], text: &[u8]) {
    let mut p = MigcfgParams {
        opaque_: [0; MIGCFG_PARAMS_WORDS],
    };
    migcfg_params_init(&mut p);
    let base = BASE_CONFIG.as_bytes();
    assert_eq!(
        migcfg_parse(
            &mut p,
            base.as_ptr().cast(),
            base.len(),
            core::ptr::null_mut()
        ),
        MIGCFG_OK
    );
    for &(at, val) in patches {
        patch(&mut p.opaque_, at, val);
    }
    read_table(&p, Within::of(&p));
    let before = p.opaque_;
    let mut e = MigcfgError {
        code: 0,
        offset: 0,
        message: [0; MIGCFG_ERROR_MAX],
        length: 0,
        internal_: 0,
    };
    let rc = migcfg_parse_ex(&mut p, text.as_ptr().cast(), text.len(), flags, &mut e);
    if rc == MIGCFG_OK || rc == MIGCFG_HELP {
        read_table(&p, Within::of(&p));
    } else {
        assert_eq!(e.code, rc);
        assert!(e.length < MIGCFG_ERROR_MAX && e.message[e.length] == 0);
        assert!(p.opaque_ == before, "a rejected text changed the table");
    }
    let authz = b"authz0";
    let id = MigcfgParam::MIGCFG_PARAM_TLS_AUTHZ as u32;
    if migcfg_set_str(&mut p, id, authz.as_ptr().cast(), 6, core::ptr::null_mut()) == MIGCFG_OK {
        let (mut s, mut len) = (core::ptr::null::<c_char>(), 0usize);
        assert_eq!(migcfg_get_str(&p, id, &mut s, &mut len), MIGCFG_OK);
        assert_eq!(len, 6);
        read_table(&p, Within::of(&p));
    }
}

fn incoming_case(flags: u32, patches: &[(usize, u32)], text: &[u8]) {
    let mut st = MigcfgIncoming {
        opaque_: [0; MIGCFG_INCOMING_WORDS],
    };
    migcfg_incoming_init(&mut st);
    assert_eq!(migcfg_incoming_set_flags(&mut st, flags), MIGCFG_OK);
    let config = ["config:", BASE_CONFIG].concat();
    for arg in [config.as_str(), BASE_CHANNELS[0], BASE_CHANNELS[1]] {
        let a = arg.as_bytes();
        assert_eq!(
            migcfg_incoming_add(&mut st, a.as_ptr().cast(), a.len(), core::ptr::null_mut()),
            MIGCFG_OK,
            "{arg}"
        );
    }
    for &(at, val) in patches {
        patch(&mut st.opaque_, at, val);
    }
    read_state(&st);
    for arg in text.split(|&b| b == b'\n').take(4) {
        let before = st.opaque_;
        let rc = migcfg_incoming_add(
            &mut st,
            arg.as_ptr().cast(),
            arg.len(),
            core::ptr::null_mut(),
        );
        if rc == MIGCFG_OK {
            read_state(&st);
        } else {
            assert!(
                st.opaque_ == before,
                "a rejected argument changed the state"
            );
        }
    }
}

/// The property (see the module's documentation for the input layout).
pub fn anybytes(data: &[u8]) {
    let [mode, npatch, rest @ ..] = data else {
        return;
    };
    let npatch = usize::from(*npatch % 64);
    let mut patches = Vec::with_capacity(npatch);
    let mut body = rest;
    for _ in 0..npatch {
        let [a, b, c, d, e, f, tail @ ..] = body else {
            break;
        };
        patches.push((
            usize::from(u16::from_le_bytes([*a, *b])),
            u32::from_le_bytes([*c, *d, *e, *f]),
        ));
        body = tail;
    }
    let flags = u32::from(mode & 3);
    if mode & 0x80 == 0 {
        params_case(flags, &patches, body);
    } else {
        incoming_case(flags, &patches, body);
    }
}
