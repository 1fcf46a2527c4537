//! The parameter table: fixed-size, caller-owned storage of what was set, over defaults.
//!
//! Every field is a plain integer or byte array, so any bit pattern is a valid `Params`
//! (the C side may hand us any memory) and an all-zero table is a fresh one: nothing set,
//! page size and target release at their defaults. Code reading a table never trusts its
//! numbers: every access is checked.
//!
//! Strings live in one arena, packed in canonical order (parameters in schema order, list
//! elements in order), so a commit can move the survivors in place and append the new ones
//! without a second buffer.

use crate::schema::{
    self, Kind, Version, BITMAP_CAPACITY, BITMAP_NODE_CAPACITY, EXEC_COMMAND_CAPACITY, NEWEST,
    PARAM_COUNT, STRING_CAPACITY,
};
use crate::text::StrRef;

/// Default target page size for the xbzrle check.
pub const DEFAULT_PAGE_SIZE: u32 = 4096;

/// A string packed as offset (low 16 bits) and length (high 16 bits) into the arena.
type Packed = u32;

fn pack(off: usize, len: usize) -> Packed {
    let off = u32::try_from(off).unwrap_or(0) & 0xFFFF;
    let len = u32::try_from(len).unwrap_or(0) & 0xFFFF;
    off | len << 16
}

fn unpack(p: Packed) -> (usize, usize) {
    ((p & 0xFFFF) as usize, (p >> 16) as usize)
}

/// The table. `#[repr(C)]` with integer fields only: the C ABI stores it as `uint64_t`
/// words.
#[repr(C)]
#[derive(Clone)]
pub struct Params {
    /// Bit `id`: parameter `id` was set.
    pub(crate) set: u64,
    /// Capabilities that are on.
    pub(crate) caps: u64,
    /// Capabilities that were set (on or off).
    pub(crate) caps_set: u64,
    /// Target page size; 0 means [`DEFAULT_PAGE_SIZE`].
    pub(crate) page_size: u32,
    /// Target QEMU release as `major << 8 | minor`; 0 means the newest.
    pub(crate) target: u32,
    /// Bytes of the arena in use.
    pub(crate) arena_len: u32,
    /// Reserved (zero).
    pub(crate) reserved: u32,
    /// Scalars by id; a string's packed span; a list's element count.
    pub(crate) vals: [u64; PARAM_COUNT],
    /// `cpr-exec-command` elements.
    pub(crate) exec: [Packed; EXEC_COMMAND_CAPACITY],
    /// Bitmap-mapping nodes: node name, alias, number of bitmaps.
    pub(crate) nodes: [[u32; 3]; BITMAP_NODE_CAPACITY],
    /// Bitmaps of all nodes in order: name, alias, transform code.
    pub(crate) bitmaps: [[u32; 3]; BITMAP_CAPACITY],
    /// String bytes.
    pub(crate) arena: [u8; STRING_CAPACITY],
}

impl Default for Params {
    fn default() -> Self {
        Self::new()
    }
}

impl PartialEq for Params {
    /// Same parameters and capabilities set, with the same values (string arenas may be
    /// laid out differently; settings such as the page size are not compared).
    fn eq(&self, other: &Params) -> bool {
        self.same_as(other)
    }
}

impl core::fmt::Debug for Params {
    /// What the table sets, as QEMU-style JSON.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut buf = [0u8; 256];
        let mut out = crate::format::Out::new(&mut buf);
        let flags = crate::format::FormatFlags {
            all: false,
            capabilities: true,
        };
        crate::format::json(self, flags, &mut out);
        let total = out.len();
        let n = total.min(buf.len());
        let shown = crate::error::BytesDisplay(buf.get(..n).unwrap_or(&[]));
        if total > n {
            write!(f, "Params({shown}...)")
        } else {
            write!(f, "Params({shown})")
        }
    }
}

/// A bitmap of `block-bitmap-mapping`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BitmapAlias<'a> {
    /// Bitmap name.
    pub name: &'a [u8],
    /// Its alias.
    pub alias: &'a [u8],
    /// `transform.persistent`: `None` when absent; `Some(None)` when `transform` is given
    /// without `persistent`.
    pub persistent: Option<Option<bool>>,
}

/// A node of `block-bitmap-mapping`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeAlias<'a> {
    /// Block node name.
    pub node_name: &'a [u8],
    /// Its alias.
    pub alias: &'a [u8],
    /// Number of bitmaps.
    pub bitmaps: usize,
}

impl Params {
    /// A fresh table: defaults, nothing set.
    pub const fn new() -> Self {
        Params {
            set: 0,
            caps: 0,
            caps_set: 0,
            page_size: 0,
            target: 0,
            arena_len: 0,
            reserved: 0,
            vals: [0; PARAM_COUNT],
            exec: [0; EXEC_COMMAND_CAPACITY],
            nodes: [[0; 3]; BITMAP_NODE_CAPACITY],
            bitmaps: [[0; 3]; BITMAP_CAPACITY],
            arena: [0; STRING_CAPACITY],
        }
    }

    /// Reset to a fresh table without touching the string arena's bytes (only its length).
    pub fn init(&mut self) {
        self.set = 0;
        self.caps = 0;
        self.caps_set = 0;
        self.page_size = 0;
        self.target = 0;
        self.arena_len = 0;
        self.reserved = 0;
    }

    /// Whether parameter `id` was set.
    pub fn is_set(&self, id: usize) -> bool {
        id < PARAM_COUNT && self.set & (1u64 << id) != 0
    }

    /// Target page size used by the xbzrle check.
    pub fn page_size(&self) -> u32 {
        if self.page_size == 0 {
            DEFAULT_PAGE_SIZE
        } else {
            self.page_size
        }
    }

    /// Set the target page size (0 restores the default).
    pub fn set_page_size(&mut self, size: u32) {
        self.page_size = size;
    }

    /// The QEMU release this table targets.
    pub fn target(&self) -> Version {
        if self.target == 0 {
            NEWEST
        } else {
            Version {
                major: (self.target >> 8) as u8,
                minor: self.target as u8,
            }
        }
    }

    /// A scalar's effective value (set or default); `None` for a bad id or a non-scalar.
    pub fn scalar(&self, id: usize) -> Option<u64> {
        let d = schema::def(id)?;
        match d.kind {
            Kind::Bool | Kind::Uint(_) | Kind::Size | Kind::Enum(_) => Some(if self.is_set(id) {
                self.vals.get(id).copied().unwrap_or(d.default)
            } else {
                d.default
            }),
            _ => None,
        }
    }

    pub(crate) fn arena_str(&self, p: Packed) -> &[u8] {
        let (off, len) = unpack(p);
        let used = (self.arena_len as usize).min(STRING_CAPACITY);
        self.arena
            .get(..used)
            .and_then(|a| a.get(off..off.saturating_add(len)))
            .unwrap_or(&[])
    }

    /// A string parameter's effective value (empty by default); `None` for a bad id or a
    /// parameter that is not a string.
    pub fn string(&self, id: usize) -> Option<&[u8]> {
        let d = schema::def(id)?;
        if d.kind != Kind::Str {
            return None;
        }
        if !self.is_set(id) {
            return Some(&[]);
        }
        let p = self.vals.get(id).copied().unwrap_or(0);
        Some(self.arena_str(p as u32))
    }

    /// Number of `cpr-exec-command` elements.
    pub fn exec_len(&self) -> usize {
        if !self.is_set(schema::CPR_EXEC_COMMAND) {
            return 0;
        }
        let n = self
            .vals
            .get(schema::CPR_EXEC_COMMAND)
            .copied()
            .unwrap_or(0);
        usize::try_from(n).unwrap_or(0).min(EXEC_COMMAND_CAPACITY)
    }

    /// Element `i` of `cpr-exec-command`.
    pub fn exec(&self, i: usize) -> Option<&[u8]> {
        if i >= self.exec_len() {
            return None;
        }
        self.exec.get(i).map(|&p| self.arena_str(p))
    }

    /// Number of `block-bitmap-mapping` nodes.
    pub fn nodes_len(&self) -> usize {
        if !self.is_set(schema::BLOCK_BITMAP_MAPPING) {
            return 0;
        }
        let n = self
            .vals
            .get(schema::BLOCK_BITMAP_MAPPING)
            .copied()
            .unwrap_or(0);
        usize::try_from(n).unwrap_or(0).min(BITMAP_NODE_CAPACITY)
    }

    /// Node `i` of `block-bitmap-mapping`.
    pub fn node(&self, i: usize) -> Option<NodeAlias<'_>> {
        if i >= self.nodes_len() {
            return None;
        }
        let [name, alias, _] = *self.nodes.get(i)?;
        Some(NodeAlias {
            node_name: self.arena_str(name),
            alias: self.arena_str(alias),
            bitmaps: self.bitmap_counts().get(i).copied().unwrap_or(0),
        })
    }

    /// The bitmaps of each node as every reader sees them: its own count, but no more than
    /// the slots the earlier nodes leave (a table of any bytes may claim billions, and
    /// readers loop over them); none for a node past [`Params::nodes_len`].
    // Out of line: node and bitmap reads, the checks and the commit all ask for it.
    #[inline(never)]
    pub(crate) fn bitmap_counts(&self) -> [usize; BITMAP_NODE_CAPACITY] {
        let mut counts = [0; BITMAP_NODE_CAPACITY];
        let mut room = BITMAP_CAPACITY;
        for (c, n) in counts
            .iter_mut()
            .zip(self.nodes.iter())
            .take(self.nodes_len())
        {
            *c = (n[2] as usize).min(room);
            room = room.saturating_sub(*c);
        }
        counts
    }

    fn bitmap_base(&self, node: usize) -> usize {
        self.bitmap_counts().iter().take(node).sum()
    }

    /// Bitmap `j` of node `i`.
    pub fn bitmap(&self, i: usize, j: usize) -> Option<BitmapAlias<'_>> {
        let node = self.node(i)?;
        if j >= node.bitmaps {
            return None;
        }
        let [name, alias, t] = *self.bitmaps.get(self.bitmap_base(i).checked_add(j)?)?;
        let persistent = match t {
            1 => Some(None),
            2 => Some(Some(false)),
            3 => Some(Some(true)),
            _ => None,
        };
        Some(BitmapAlias {
            name: self.arena_str(name),
            alias: self.arena_str(alias),
            persistent,
        })
    }

    /// Every byte of the table's arena in use, for tests of atomicity.
    #[doc(hidden)]
    pub fn tls_bytes(&self) -> &[u8] {
        self.arena.get(..self.arena_len as usize).unwrap_or(&[])
    }

    /// Parameters set, as a bit set by id.
    pub fn set_mask(&self) -> u64 {
        self.set
    }

    /// Every field equal, unused arena bytes and settings included: the whole state is the
    /// same, as a byte-for-byte comparison would find (the struct has no padding).
    pub fn identical(&self, other: &Params) -> bool {
        self.set == other.set
            && self.caps == other.caps
            && self.caps_set == other.caps_set
            && self.page_size == other.page_size
            && self.target == other.target
            && self.arena_len == other.arena_len
            && self.reserved == other.reserved
            && self.vals == other.vals
            && self.exec == other.exec
            && self.nodes == other.nodes
            && self.bitmaps == other.bitmaps
            && self.arena == other.arena
    }

    /// Same parameters set, with the same values (string arenas may be laid out
    /// differently).
    pub fn same_as(&self, other: &Params) -> bool {
        if self.set != other.set || self.caps != other.caps || self.caps_set != other.caps_set {
            return false;
        }
        for (id, d) in schema::PARAMS.iter().enumerate() {
            if !self.is_set(id) {
                continue;
            }
            let same = match d.kind {
                Kind::Str => self.string(id) == other.string(id),
                Kind::StrList => {
                    self.exec_len() == other.exec_len()
                        && (0..self.exec_len()).all(|i| self.exec(i) == other.exec(i))
                }
                Kind::BitmapMapping => {
                    self.nodes_len() == other.nodes_len()
                        && (0..self.nodes_len()).all(|i| {
                            let a = self.node(i);
                            a == other.node(i)
                                && (0..a.map_or(0, |n| n.bitmaps))
                                    .all(|j| self.bitmap(i, j) == other.bitmap(i, j))
                        })
                }
                _ => self.scalar(id) == other.scalar(id),
            };
            if !same {
                return false;
            }
        }
        true
    }
}

/// `memmove` within the arena, checked byte by byte (no panic path: bounds are checked by
/// `get`, and a range outside the arena moves nothing).
fn move_bytes(arena: &mut [u8], from: usize, to: usize, len: usize) {
    let ok = from.checked_add(len).is_some_and(|e| e <= arena.len())
        && to.checked_add(len).is_some_and(|e| e <= arena.len());
    if !ok {
        return;
    }
    let mut step = |i: usize| {
        if let Some(b) = arena.get(from.wrapping_add(i)).copied() {
            if let Some(d) = arena.get_mut(to.wrapping_add(i)) {
                *d = b;
            }
        }
    };
    if to < from {
        (0..len).for_each(&mut step);
    } else {
        (0..len).rev().for_each(&mut step);
    }
}

/// Calls its argument once per string of a table being written, in canonical order.
pub(crate) type EachString<'a> = dyn Fn(&mut dyn FnMut(Dst, Src<'a>)) + 'a;

/// One string of a table being written: where it comes from.
#[derive(Clone, Copy)]
pub(crate) enum Src<'a> {
    /// Already in the arena at this packed span.
    Old(Packed),
    /// New, from the input.
    New(StrRef<'a>),
}

/// Where a string goes in the table.
#[derive(Clone, Copy)]
pub(crate) enum Dst {
    Param(usize),
    Exec(usize),
    NodeName(usize),
    NodeAlias(usize),
    BmName(usize),
    BmAlias(usize),
}

impl Params {
    fn store(&mut self, dst: Dst, p: Packed) {
        let slot: Option<&mut u32> = match dst {
            Dst::Param(id) => {
                if let Some(v) = self.vals.get_mut(id) {
                    *v = u64::from(p);
                }
                None
            }
            Dst::Exec(i) => self.exec.get_mut(i),
            Dst::NodeName(i) => self.nodes.get_mut(i).map(|n| &mut n[0]),
            Dst::NodeAlias(i) => self.nodes.get_mut(i).map(|n| &mut n[1]),
            Dst::BmName(i) => self.bitmaps.get_mut(i).map(|n| &mut n[0]),
            Dst::BmAlias(i) => self.bitmaps.get_mut(i).map(|n| &mut n[1]),
        };
        if let Some(s) = slot {
            *s = p;
        }
    }

    /// Lay out the strings `each` enumerates (in canonical order) into the arena, in place.
    /// The caller has checked that they fit.
    pub(crate) fn relayout<'a>(&mut self, each: &EachString<'a>) {
        // New offsets follow canonical order. Survivors moving down are moved first, front
        // to back; those moving up, back to front; then the new strings are written into
        // the gaps. Canonical order is kept for survivors, so no move overwrites one not yet
        // moved.
        let mut off = 0usize;
        let mut any_up = false;
        each(&mut |_, src| {
            let len = match src {
                Src::Old(p) => unpack(p).1,
                Src::New(s) => s.len(),
            };
            if let Src::Old(p) = src {
                let (old, len) = unpack(p);
                if old > off {
                    move_bytes(&mut self.arena, old, off, len);
                }
                any_up |= old < off;
            }
            off = off.saturating_add(len);
        });
        let total = off;
        if any_up {
            self.move_up(each, total);
        }
        let mut off = 0usize;
        each(&mut |dst, src| {
            let len = match src {
                Src::Old(p) => unpack(p).1,
                Src::New(s) if s.as_plain().is_some() => {
                    let b = s.as_plain().unwrap_or(&[]);
                    let end = off.saturating_add(b.len());
                    if let Some(dst) = self.arena.get_mut(off..end) {
                        for (d, c) in dst.iter_mut().zip(b) {
                            *d = *c;
                        }
                    }
                    b.len()
                }
                Src::New(s) => {
                    let mut i = off;
                    for b in s.bytes() {
                        if let Some(slot) = self.arena.get_mut(i) {
                            *slot = b;
                        }
                        i = i.saturating_add(1);
                    }
                    i.saturating_sub(off)
                }
            };
            self.store(dst, pack(off, len));
            off = off.saturating_add(len);
        });
        self.arena_len = u32::try_from(total.min(STRING_CAPACITY)).unwrap_or(0);
    }

    /// Move survivors whose new place is above their old one, last first.
    fn move_up<'a>(&mut self, each: &EachString<'a>, total: usize) {
        // Walk the layout from the end: compute each survivor's destination by subtracting
        // lengths from the total, visiting entries in reverse by repeated passes over a
        // bounded count (at most 3 + 64 + 16 + 64 strings).
        let mut count = 0usize;
        each(&mut |_, _| count = count.saturating_add(1));
        let mut k = count;
        while k > 0 {
            k = k.saturating_sub(1);
            let mut idx = 0usize;
            let mut off = 0usize;
            let mut hit: Option<(usize, usize, usize)> = None;
            each(&mut |_, src| {
                let len = match src {
                    Src::Old(p) => unpack(p).1,
                    Src::New(s) => s.len(),
                };
                if idx == k {
                    if let Src::Old(p) = src {
                        let (old, l) = unpack(p);
                        if old < off {
                            hit = Some((old, l, off));
                        }
                    }
                }
                idx = idx.saturating_add(1);
                off = off.saturating_add(len);
            });
            if let Some((old, l, new)) = hit {
                if new.saturating_add(l) <= total.min(STRING_CAPACITY) {
                    move_bytes(&mut self.arena, old, new, l);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table of any bytes may claim any number of bitmaps for a node: readers see no more
    /// than the slots the earlier nodes leave, and a commit over it rewrites those only.
    #[test]
    fn bitmap_counts_of_any_bytes_are_bounded() {
        let mut p = Params::new();
        p.set = 1 << schema::BLOCK_BITMAP_MAPPING;
        if let Some(v) = p.vals.get_mut(schema::BLOCK_BITMAP_MAPPING) {
            *v = 3;
        }
        p.nodes[0] = [0, 0, 5];
        p.nodes[1] = [0, 0, u32::MAX];
        p.nodes[2] = [0, 0, 7];
        let counts = |p: &Params| [0, 1, 2, 3].map(|i| p.node(i).map(|n| n.bitmaps));
        assert_eq!(counts(&p), [Some(5), Some(27), Some(0), None]);
        assert!(p.bitmap(1, 26).is_some());
        assert_eq!(p.bitmap(1, 27), None);
        // A setter commits without the checks (which refuse the empty names here).
        assert_eq!(
            p.set_str(schema::TLS_CREDS, b"x").map_err(|e| e.offset),
            Ok(())
        );
        assert_eq!(p.string(schema::TLS_CREDS), Some(&b"x"[..]));
        assert_eq!(counts(&p), [Some(5), Some(27), Some(0), None]);
    }
}
