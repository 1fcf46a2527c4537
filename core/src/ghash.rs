//! Which of several unexpected members QEMU names.
//!
//! QEMU's input visitor reports `Parameter '<key>' is unexpected` for the first key that its
//! table of not-yet-visited keys yields. That table is a GLib `GHashTable` (`g_str_hash`),
//! filled with the keys of the level's `QDict` in the `QDict`'s own order (bucket
//! `tdb_hash % 512` ascending, newest first within a bucket); the visit then removes each
//! member as it takes it. So the key named depends on every key of the level and on the
//! visit, not on the input order. [`Level`] replays the `QDict` order, the table's inserts,
//! removals, resizes, tombstones and iteration for a level of at most [`EXACT_KEYS`]
//! distinct keys; past that, a caller names the first unexpected key of the input instead.
//!
//! The replay follows GLib 2.74, which QEMU 10.2.2 was checked with here. GLib 2.84 and 2.88
//! lay out tables this small the same way: 2.88 resizes to `n + n / 3` slots where 2.74 took
//! `n * 1.333`, and the two give the same size at every count where such a table resizes.

use crate::stage::Span;
use crate::text::StrRef;
use crate::value::qdict_bucket_of;

/// Distinct keys of one level the replay holds; a level with more is not replayed.
pub const EXACT_KEYS: usize = 32;

/// Slots of the largest table [`EXACT_KEYS`] keys make GLib grow to.
const SLOTS: usize = 64;
/// `HASH_TABLE_MIN_SHIFT`: a new table has 8 slots.
const MIN_SHIFT: u32 = 3;
/// The prime below each power-of-two size that GLib takes a hash modulo (index: shift).
const PRIME_MOD: [u32; 7] = [1, 2, 3, 7, 13, 31, 61];

/// GLib's `g_str_hash` (djb2 over signed chars), with `GHashTable`'s rule that 0 and 1 are
/// taken by empty slots and tombstones.
fn str_hash(key: StrRef<'_>) -> u32 {
    let h = key.bytes().fold(5381u32, |h, b| {
        h.wrapping_mul(33).wrapping_add(i32::from(b as i8) as u32)
    });
    if h < 2 {
        2
    } else {
        h
    }
}

/// [`Level`]'s rank for a key the visit does not take (ranks are below it).
const UNVISITED: u8 = u8::MAX;

/// The distinct keys of one level (one `QDict`), in the order the input first has them.
pub struct Level<'t> {
    text: &'t [u8],
    read: fn(&'t [u8], Span) -> StrRef<'t>,
    /// Where each key's text is, and its rank in the visit (or [`UNVISITED`]): two arrays,
    /// not one of pairs, which padding would make a third bigger (this sits on the deepest
    /// stack path).
    keys: [Span; EXACT_KEYS],
    visit: [u8; EXACT_KEYS],
    n: usize,
    over: bool,
    /// The first unexpected key added (named when the level is not replayed).
    first: Option<Span>,
}

impl<'t> Level<'t> {
    /// An empty level over `text`; `read` gives the bytes of a key's span (its escaping).
    pub fn new(text: &'t [u8], read: fn(&'t [u8], Span) -> StrRef<'t>) -> Self {
        Level {
            text,
            read,
            keys: [Span::default(); EXACT_KEYS],
            visit: [UNVISITED; EXACT_KEYS],
            n: 0,
            over: false,
            first: None,
        }
    }

    fn str(&self, k: &Span) -> StrRef<'t> {
        (self.read)(self.text, *k)
    }

    /// Adds the key at `span` unless an equal key is there already. `visit`: its rank in
    /// the visit's order, if the visit takes it (a member).
    pub fn add(&mut self, span: Span, visit: Option<u8>) {
        if visit.is_none() && self.first.is_none() {
            self.first = Some(span);
        }
        if self.over {
            return;
        }
        let s = self.str(&span);
        if !self.keys.iter().take(self.n).any(|k| self.str(k).same(s)) {
            match (self.keys.get_mut(self.n), self.visit.get_mut(self.n)) {
                (Some(slot), Some(rank)) => {
                    *slot = span;
                    *rank = visit.unwrap_or(UNVISITED);
                    self.n = self.n.saturating_add(1);
                }
                _ => self.over = true,
            }
        }
    }

    /// The unexpected key QEMU names, as the span of its first occurrence; past
    /// [`EXACT_KEYS`] keys, the first unexpected key added. `None`: every key is a member.
    pub fn named(&self) -> Option<Span> {
        let first = self.first?;
        if self.over {
            return Some(first);
        }
        Some(self.replay().unwrap_or(first))
    }

    /// The replay: the first key of QEMU's table once the visit has taken the members.
    fn replay(&self) -> Option<Span> {
        let keys = self.keys.get(..self.n).unwrap_or(&[]);
        let mut t = Table::new();
        for (h, k) in t.key_hash.iter_mut().zip(keys) {
            *h = str_hash(self.str(k));
        }
        // The QDict's order: bucket ascending, and within one, the newest first. Each next
        // key is the least after the previous one in that order: a few dozen keys, no
        // array of the order (this runs at the bottom of the deepest stack path), and no
        // panic path (core's sorts have one).
        let mut bucket = [0u16; EXACT_KEYS];
        for (b, k) in bucket.iter_mut().zip(keys) {
            *b = u16::try_from(qdict_bucket_of(self.str(k).bytes())).unwrap_or(u16::MAX);
        }
        // A key's place in the order: its bucket, then the newest (highest index) first.
        let place = |i: usize| {
            let b = bucket.get(i).copied().unwrap_or(u16::MAX);
            (b, EXACT_KEYS.saturating_sub(i))
        };
        let mut prev = None;
        for _ in keys {
            let next = (0..keys.len())
                .filter(|&i| prev.is_none_or(|p| place(i) > p))
                .min_by_key(|&i| place(i));
            let Some(i) = next else { break };
            t.insert(i as u8);
            prev = Some(place(i));
        }
        // The visit takes its members in its own order (ranks are distinct).
        let visit = self.visit.get(..self.n).unwrap_or(&[]);
        for r in 0..UNVISITED {
            if let Some(i) = visit.iter().position(|&v| v == r) {
                t.remove(i as u8);
            }
        }
        keys.get(usize::from(t.first()?)).copied()
    }
}

/// What a slot of the table holds besides a key: GLib's hash values 0 and 1.
const EMPTY: u8 = u8::MAX;
const TOMB: u8 = u8::MAX - 1;

/// A `GHashTable` of key numbers, as far as where keys sit: each slot holds a key number
/// (its hash is `key_hash` of it), or is empty, or a tombstone; the size as a shift, and
/// GLib's counts of live and of used (live or tombstone) slots.
struct Table {
    key_hash: [u32; EXACT_KEYS],
    slots: [u8; SLOTS],
    shift: u32,
    nnodes: usize,
    noccupied: usize,
}

impl Table {
    fn new() -> Self {
        Table {
            key_hash: [2; EXACT_KEYS],
            slots: [EMPTY; SLOTS],
            shift: MIN_SHIFT,
            nnodes: 0,
            noccupied: 0,
        }
    }

    fn size(&self) -> usize {
        1usize << self.shift
    }

    fn mask(&self) -> usize {
        self.size().wrapping_sub(1)
    }

    /// The first slot a hash probes (GLib multiplies by 11 before the prime modulo).
    fn home(&self, key: u8) -> usize {
        let m = PRIME_MOD.get(self.shift as usize).copied().unwrap_or(61);
        let h = self.key_hash.get(usize::from(key)).copied().unwrap_or(2);
        h.wrapping_mul(11).checked_rem(m).unwrap_or(0) as usize
    }

    fn slot(&self, i: usize) -> u8 {
        self.slots.get(i).copied().unwrap_or(EMPTY)
    }

    fn set(&mut self, i: usize, v: u8) {
        if let Some(s) = self.slots.get_mut(i) {
            *s = v;
        }
    }

    /// GLib's lookup: the slot holding `key`, or else the first tombstone passed, or else
    /// the empty slot that ended the probe. (Keys are distinct, so a slot holds `key`
    /// exactly when GLib's hash-then-string comparison matches.)
    fn lookup(&self, key: u8) -> usize {
        let mut i = self.home(key);
        let mut step = 0usize;
        let mut tomb = None;
        // Probes end at an empty slot; the table is never full, so SLOTS probes suffice.
        for _ in 0..SLOTS {
            match self.slot(i) {
                EMPTY => break,
                k if k == key => return i,
                TOMB if tomb.is_none() => tomb = Some(i),
                _ => {}
            }
            step = step.wrapping_add(1);
            i = i.wrapping_add(step) & self.mask();
        }
        tomb.unwrap_or(i)
    }

    fn insert(&mut self, key: u8) {
        let i = self.lookup(key);
        let old = self.slot(i);
        if old != EMPTY && old != TOMB {
            return;
        }
        self.set(i, key);
        self.nnodes = self.nnodes.saturating_add(1);
        if old == EMPTY {
            self.noccupied = self.noccupied.saturating_add(1);
            self.maybe_resize();
        }
    }

    fn remove(&mut self, key: u8) {
        let i = self.lookup(key);
        if self.slot(i) != key {
            return;
        }
        self.set(i, TOMB);
        self.nnodes = self.nnodes.saturating_sub(1);
        self.maybe_resize();
    }

    fn maybe_resize(&mut self) {
        let size = self.size();
        let occupied = self.noccupied;
        if (size > self.nnodes.saturating_mul(4) && size > 1 << MIN_SHIFT)
            || size <= occupied.saturating_add(occupied / 16)
        {
            self.resize();
        }
    }

    /// GLib's in-place rehash to the size for `nnodes * 1.333` (tombstones dropped).
    fn resize(&mut self) {
        let old_size = self.size();
        // `nnodes * 1.333` truncated, then its bit length (never an integer product here,
        // so integer arithmetic gives the same truncation).
        let want = self.nnodes.saturating_mul(1333) / 1000;
        let bits = usize::BITS.saturating_sub(want.leading_zeros());
        // Capped at the array: EXACT_KEYS keys never ask for more than SLOTS slots.
        self.shift = bits.clamp(MIN_SHIFT, SLOTS.trailing_zeros());
        let mut placed = 0u64;
        let bit = |i: usize| 1u64.checked_shl(i as u32).unwrap_or(0);
        for i in 0..old_size.min(SLOTS) {
            let mut key = self.slot(i);
            if key == EMPTY || key == TOMB {
                self.set(i, EMPTY);
                continue;
            }
            if placed & bit(i) != 0 {
                continue;
            }
            self.set(i, EMPTY);
            // Each round places one key and may evict one not yet placed.
            for _ in 0..SLOTS {
                let mut j = self.home(key);
                let mut step = 0usize;
                for _ in 0..SLOTS {
                    if placed & bit(j) == 0 {
                        break;
                    }
                    step = step.wrapping_add(1);
                    j = j.wrapping_add(step) & self.mask();
                }
                placed |= bit(j);
                let evicted = self.slot(j);
                self.set(j, key);
                if evicted == EMPTY || evicted == TOMB {
                    break;
                }
                key = evicted;
            }
        }
        self.noccupied = self.nnodes;
    }

    /// The key the iteration yields first.
    fn first(&self) -> Option<u8> {
        (0..self.size().min(SLOTS))
            .map(|i| self.slot(i))
            .find(|&k| k != EMPTY && k != TOMB)
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // test arithmetic on small known values
mod tests {
    extern crate std;
    use super::*;
    use std::format;
    use std::string::String;
    use std::vec::Vec;

    fn plain(b: &[u8]) -> StrRef<'_> {
        StrRef::Plain(b)
    }

    fn read<'t>(text: &'t [u8], s: Span) -> StrRef<'t> {
        StrRef::Plain(s.of(text))
    }

    /// The key QEMU names among `keys` (comma-separated, first occurrences in this order),
    /// of which `members` (in visit order) are taken by the visit.
    fn named(keys: &str, members: &[&str]) -> Option<String> {
        let text = keys.as_bytes();
        let mut l = Level::new(text, read);
        let mut at = 0;
        for k in keys.split(',') {
            let visit = members.iter().position(|m| *m == k).map(|r| r as u8);
            l.add(Span::between(at, at + k.len()), visit);
            at += k.len() + 1;
        }
        l.named()
            .map(|s| String::from_utf8_lossy(s.of(text)).into_owned())
    }

    #[test]
    fn hashes_are_glib_and_qemu() {
        // g_str_hash("") is 5381; bytes are signed chars.
        assert_eq!(str_hash(plain(b"")), 5381);
        assert_eq!(str_hash(plain(b"a")), 5381 * 33 + 97);
        assert_eq!(
            str_hash(plain(b"\xff")),
            5381u32.wrapping_mul(33).wrapping_sub(1)
        );
        // The QDict bucket of a key given byte by byte is the one of its bytes.
        for k in [
            "",
            "0",
            "block-bitmap-mapping",
            "multifd-channels",
            "\u{e9}",
        ] {
            assert_eq!(
                qdict_bucket_of(plain(k.as_bytes()).bytes()),
                crate::value::qdict_bucket(k.as_bytes())
            );
        }
        assert_eq!(qdict_bucket_of(StrRef::Json(br"\u0030").bytes()), 110);
    }

    // Answers of QEMU 10.2.2 with GLib 2.74 (its oracle, config keyval).
    #[test]
    fn names_what_qemu_names() {
        assert_eq!(named("zzz,aaa", &[]).as_deref(), Some("zzz"));
        assert_eq!(named("aaa,zzz", &[]).as_deref(), Some("zzz"));
        assert_eq!(named("r,SSSSSode", &[]).as_deref(), Some("r"));
        assert_eq!(named("meod,adsd,cp,r", &[]).as_deref(), Some("cp"));
        assert_eq!(named("multifd-channels", &["multifd-channels"]), None);
        assert_eq!(named("", &[]).as_deref(), Some(""));
    }

    /// GLib 2.88 resizes to `n + n / 3` slots where 2.74 took `n * 1.333`: the same size at
    /// every count where a table of at most SLOTS slots resizes (it grows when the used slots
    /// reach 8, 16 and 31, and shrinks when the live ones fall to 3, 7 and 15).
    #[test]
    fn glib_2_88_resizes_these_tables_alike() {
        let shift = |want: usize| {
            (usize::BITS - want.leading_zeros()).clamp(MIN_SHIFT, SLOTS.trailing_zeros())
        };
        for n in [8, 16, 31, 3, 7, 15] {
            assert_eq!(shift(n * 1333 / 1000), shift(n + n / 3), "{n}");
        }
        // Where they would differ (6, 12, 24, ...), no resize happens.
        assert_ne!(shift(12 * 1333 / 1000), shift(12 + 12 / 3));
    }

    /// What the replay names among `k0` .. `k31` (QEMU 10.2.2 says the same).
    const REPLAYED_32: &str = "k4";

    #[test]
    fn a_level_past_capacity_names_the_first_unexpected_key() {
        let keys: Vec<String> = (0..=EXACT_KEYS).map(|i| format!("k{i}")).collect();
        assert_eq!(named(&keys.join(","), &[]).as_deref(), Some("k0"));
        // At capacity the table is replayed, and names another key.
        let keys: Vec<String> = (0..EXACT_KEYS).map(|i| format!("k{i}")).collect();
        assert_eq!(named(&keys.join(","), &[]).as_deref(), Some(REPLAYED_32));
        // The first unexpected key may come after the level is full.
        let members: Vec<String> = (0..=EXACT_KEYS).map(|i| format!("m{i}")).collect();
        let m: Vec<&str> = members.iter().map(String::as_str).collect();
        let text = format!("{},x,y", members.join(","));
        assert_eq!(named(&text, &m).as_deref(), Some("x"));
        assert_eq!(named(&members.join(","), &m), None);
        // Repeats are one key.
        assert_eq!(named("a,a,a,a", &[]).as_deref(), Some("a"));
    }
}
