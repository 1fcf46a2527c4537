//! The staging area between a front end (keyval or JSON) and the table.
//!
//! A front end records, for every position of the schema's shape (a parameter, a list
//! element, a member of a bitmap-mapping node), the span of its *last* value and what kind
//! of value it was. The visit ([`crate::visit`]) then converts those spans in schema order,
//! so a repeated key is judged by its last value only and the error QEMU would report first
//! is the one reported. Nothing here owns text: spans point into the caller's input.

use crate::schema::{
    self, BITMAP_CAPACITY, BITMAP_NODE_CAPACITY, EXEC_COMMAND_CAPACITY, SLOT_COUNT,
};

/// A byte range of the input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    /// Start offset.
    pub off: u32,
    /// Length in bytes.
    pub len: u32,
}

impl Span {
    /// A span from `start` to `end` (clamped so it is never inverted).
    pub fn between(start: usize, end: usize) -> Span {
        let off = u32::try_from(start).unwrap_or(u32::MAX);
        let end = u32::try_from(end).unwrap_or(u32::MAX);
        Span {
            off,
            len: end.saturating_sub(off),
        }
    }

    /// Offset of the first byte.
    pub fn start(self) -> usize {
        self.off as usize
    }

    /// Offset just past the last byte.
    pub fn end(self) -> usize {
        (self.off as usize).saturating_add(self.len as usize)
    }

    /// The bytes of `text` this span covers (empty if out of range).
    pub fn of(self, text: &[u8]) -> &[u8] {
        text.get(self.start()..self.end()).unwrap_or(&[])
    }
}

/// What a front end found at a position.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(u8)]
pub enum Tok {
    /// Nothing.
    #[default]
    Absent,
    /// A keyval value (a string with `,,` escapes); span = raw value.
    KvStr,
    /// Keyval: keys nest below this position (a dictionary; the span is the first such key).
    KvDict,
    /// JSON string; span = the text between the quotes (escapes not yet decoded).
    JStr,
    /// JSON number that is an integer; span = the token.
    JInt,
    /// JSON number that is not an integer (fraction, exponent, out of range).
    JFloat,
    /// JSON `true`.
    JTrue,
    /// JSON `false`.
    JFalse,
    /// JSON `null`.
    JNull,
    /// JSON array; span = the `[` token.
    JArray,
    /// JSON object; span = the `{` token.
    JObject,
    /// Plain bytes given through a setter (no escapes).
    Plain,
}

/// Longest text accepted, in bytes (`MIGCFG_TEXT_MAX`): spans pack kind and length in 32 bits.
pub const TEXT_MAX: usize = (1 << 28) - 1;

/// One recorded value: its kind and span, packed in 8 bytes (the stage must stay small).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Raw {
    off: u32,
    /// Kind in the top 4 bits, length in the low 28.
    kind_len: u32,
}

impl Raw {
    /// A value of kind `tok` at `span` (the length is clamped to [`TEXT_MAX`]).
    pub fn new(tok: Tok, span: Span) -> Raw {
        let len = span.len.min(TEXT_MAX as u32);
        Raw {
            off: span.off,
            kind_len: (tok as u32) << 28 | len,
        }
    }

    /// Kind of value.
    pub fn tok(self) -> Tok {
        Tok::from_bits(self.kind_len >> 28)
    }

    /// Where it is.
    pub fn span(self) -> Span {
        Span {
            off: self.off,
            len: self.kind_len & TEXT_MAX as u32,
        }
    }

    /// Whether anything was recorded.
    pub fn present(self) -> bool {
        self.tok() != Tok::Absent
    }

    /// Where the value starts in the text, for error offsets: a JSON string's span is its
    /// content, so its opening quote is one byte before.
    pub fn at(self) -> usize {
        let start = self.span().start();
        if self.tok() == Tok::JStr {
            start.saturating_sub(1)
        } else {
            start
        }
    }
}

impl Tok {
    fn from_bits(b: u32) -> Tok {
        const ALL: [Tok; 12] = [
            Tok::Absent,
            Tok::KvStr,
            Tok::KvDict,
            Tok::JStr,
            Tok::JInt,
            Tok::JFloat,
            Tok::JTrue,
            Tok::JFalse,
            Tok::JNull,
            Tok::JArray,
            Tok::JObject,
            Tok::Plain,
        ];
        ALL.get(b as usize).copied().unwrap_or(Tok::Absent)
    }
}

/// A bitmap-mapping node as the typed visit reads it (built on demand by
/// [`crate::lists::Lists`]; the stage does not store list values).
#[derive(Clone, Copy, Debug, Default)]
pub struct Node {
    /// The element itself (object, or something else for a type error).
    pub this: Raw,
    /// `node-name`.
    pub name: Raw,
    /// `alias`.
    pub alias: Raw,
    /// `bitmaps` (array, or something else for a type error).
    pub bitmaps: Raw,
    /// Number of bitmaps (at most [`BITMAP_CAPACITY`]).
    pub nbitmaps: u8,
    /// The node has bitmaps past a capacity (more than `nbitmaps`).
    pub more: bool,
    /// Keyval: the node's keys are list indices (so it is a list, not an object).
    pub list_like: bool,
}

/// A bitmap of a node, as the typed visit reads it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Bitmap {
    /// The element itself.
    pub this: Raw,
    /// `name`.
    pub name: Raw,
    /// `alias`.
    pub alias: Raw,
    /// `transform` (an object, optional).
    pub transform: Raw,
    /// `transform.persistent` (a bool, optional).
    pub persistent: Raw,
    /// Keyval: bit 0, the bitmap's keys are list indices; bit 1, `transform`'s are.
    pub list_like: u8,
}

/// Keyval: what was met at a node's positions (kinds only; values are read again from the
/// text when needed, so the stage stays small).
#[derive(Clone, Copy, Debug, Default)]
pub struct NodeShape {
    /// The element.
    pub this: Tok,
    /// `node-name`.
    pub name: Tok,
    /// `alias`.
    pub alias: Tok,
    /// `bitmaps`.
    pub bitmaps: Tok,
    /// Highest bitmap index + 1.
    pub nbitmaps: u8,
    /// The node's keys are list indices.
    pub list_like: bool,
}

/// Keyval: what was met at a bitmap's positions.
#[derive(Clone, Copy, Debug, Default)]
pub struct BitmapShape {
    /// Which node (high three bits) and index in its `bitmaps` (low five): 8 nodes and 32
    /// bitmaps at most.
    pub at: u8,
    /// The element.
    pub this: Tok,
    /// `name`.
    pub name: Tok,
    /// `alias`.
    pub alias: Tok,
    /// `transform`.
    pub transform: Tok,
    /// `transform.persistent`.
    pub persistent: Tok,
    /// Bit 0: the bitmap's keys are list indices; bit 1: `transform`'s are.
    pub list_like: u8,
}

impl BitmapShape {
    /// The packed (node, index) of [`BitmapShape::at`] (only compared, never unpacked).
    pub fn key(node: u8, index: u8) -> u8 {
        (node & 7) << 5 | (index & 31)
    }
}

/// Keyval: the shape of the list parameters met so far (for conflicts and list conversion).
#[derive(Clone, Copy, Debug)]
pub struct KvShape {
    /// `cpr-exec-command` elements.
    pub exec: [Tok; EXEC_COMMAND_CAPACITY],
    /// Highest element index + 1.
    pub nexec: u8,
    /// Bitmap-mapping nodes.
    pub nodes: [NodeShape; BITMAP_NODE_CAPACITY],
    /// Highest node index + 1.
    pub nnodes: u8,
    /// Bitmaps of all nodes, in the order met.
    pub bitmaps: [BitmapShape; BITMAP_CAPACITY],
    /// Bitmap slots used.
    pub nbitmaps: u8,
    /// Nodes (a bit each) with a bitmap key past a capacity.
    pub over_bitmaps: u8,
    /// A node index past the node capacity was met.
    pub over_nodes: bool,
}

impl KvShape {
    const fn new() -> Self {
        KvShape {
            exec: [Tok::Absent; EXEC_COMMAND_CAPACITY],
            nexec: 0,
            nodes: [NodeShape {
                this: Tok::Absent,
                name: Tok::Absent,
                alias: Tok::Absent,
                bitmaps: Tok::Absent,
                nbitmaps: 0,
                list_like: false,
            }; BITMAP_NODE_CAPACITY],
            nnodes: 0,
            bitmaps: [BitmapShape {
                at: 0,
                this: Tok::Absent,
                name: Tok::Absent,
                alias: Tok::Absent,
                transform: Tok::Absent,
                persistent: Tok::Absent,
                list_like: 0,
            }; BITMAP_CAPACITY],
            nbitmaps: 0,
            over_bitmaps: 0,
            over_nodes: false,
        }
    }

    /// Bitmap slot for (node, index), allocating one if needed; `None` when full.
    pub fn bitmap_slot(&mut self, node: u8, index: u8) -> Option<&mut BitmapShape> {
        let n = usize::from(self.nbitmaps);
        let found = self
            .bitmaps
            .iter()
            .take(n)
            .position(|b| b.at == BitmapShape::key(node, index));
        let at = match found {
            Some(i) => i,
            None => {
                let slot = self.bitmaps.get_mut(n)?;
                *slot = BitmapShape {
                    at: BitmapShape::key(node, index),
                    ..BitmapShape::default()
                };
                self.nbitmaps = self.nbitmaps.saturating_add(1);
                n
            }
        };
        self.bitmaps.get_mut(at)
    }

    /// The bitmap (node, index), if met.
    pub fn bitmap(&self, node: u8, index: u8) -> Option<&BitmapShape> {
        self.bitmaps
            .iter()
            .take(usize::from(self.nbitmaps))
            .find(|b| b.at == BitmapShape::key(node, index))
    }
}

/// Where an unexpected member of a bitmap-mapping struct was found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct ExtraAt {
    /// Node index.
    pub node: u8,
    /// Bitmap index + 1 (0: a member of the node itself).
    pub bitmap: u8,
    /// 1 when inside `transform`.
    pub transform: u8,
}

impl ExtraAt {
    /// Order in which QEMU's visit would report it: inner structs finish first.
    fn rank(self) -> (u8, u8, u8) {
        // Within a node, its bitmaps finish before the node; within a bitmap, the
        // transform finishes before the bitmap.
        let b = if self.bitmap == 0 {
            u8::MAX
        } else {
            self.bitmap
        };
        (self.node, b, 1u8.saturating_sub(self.transform))
    }
}

/// Every parameter slot, no capability.
pub const ALL_PARAMS: u64 = (1u64 << schema::PARAM_COUNT) - 1;

/// Which syntax the input was in: decides type rules and how strings decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// QEMU keyval.
    Keyval,
    /// QEMU JSON.
    Json,
}

/// Slot of a top-level name: a parameter, else a capability (slots from
/// `schema::PARAM_COUNT` on), if `known` has its bit.
pub(crate) fn slot_of(name: &[u8], known: u64) -> Option<usize> {
    let slot = match schema::lookup(name) {
        Some(id) => id,
        None => schema::cap_lookup(name)?.checked_add(schema::PARAM_COUNT)?,
    };
    (known & (1u64 << slot) != 0).then_some(slot)
}

/// Everything a front end recorded about one input.
pub struct Stage {
    /// Syntax of the input.
    pub syntax: Syntax,
    /// Per slot (parameter id, then `PARAM_COUNT` + capability bit): its last value.
    /// Read it freely; write it only through [`Stage::slot_mut`], which records the slot for
    /// the later passes (a slot written otherwise is not visited).
    pub params: [Raw; SLOT_COUNT],
    /// Slots whose names the input may use (the target release's members; capabilities
    /// only when asked for).
    pub known: u64,
    /// Keyval: the shape of the list parameters.
    pub kv: KvShape,
    /// First unexpected top-level key (span of the key).
    pub unknown: Raw,
    /// Keyval: the unexpected bitmap-mapping member QEMU's visit would meet first, and
    /// where (JSON leaves it to the visit, which reads the structs again).
    pub extra: Option<(ExtraAt, Span)>,
    /// Offset of the first `cpr-exec-command` element past its capacity (keyval: the first
    /// key past it in the input; JSON: the element). The visit reports it where QEMU's
    /// visit would reach that element.
    pub over_exec: Option<u32>,
    /// The same for `block-bitmap-mapping` (a node or a bitmap past a capacity).
    pub over_bbm: Option<u32>,
    /// Slots handed out by [`Stage::slot_mut`] (a superset of the present ones), so the
    /// later passes look at those only instead of at every slot.
    pub(crate) touched: u64,
}

impl Stage {
    /// An empty stage.
    pub fn new(syntax: Syntax) -> Self {
        Stage {
            syntax,
            params: [Raw::default(); SLOT_COUNT],
            known: ALL_PARAMS,
            kv: KvShape::new(),
            unknown: Raw::default(),
            extra: None,
            over_exec: None,
            over_bbm: None,
            touched: 0,
        }
    }

    /// The value slot of `slot`, for writing; the only way the front ends write one.
    pub fn slot_mut(&mut self, slot: usize) -> Option<&mut Raw> {
        let r = self.params.get_mut(slot)?;
        self.touched |= 1u64 << slot;
        Some(r)
    }

    /// Whether any slot written so far satisfies `f`.
    pub fn params_where(&self, f: impl Fn(Raw) -> bool) -> bool {
        let mut rest = self.touched;
        while rest != 0 {
            let i = rest.trailing_zeros() as usize;
            rest &= rest.wrapping_sub(1);
            if self.params.get(i).is_some_and(|&r| f(r)) {
                return true;
            }
        }
        false
    }

    /// Slots that hold a value, by bit.
    pub fn present(&self) -> u64 {
        let mut present = 0u64;
        let mut rest = self.touched;
        while rest != 0 {
            let i = rest.trailing_zeros() as usize;
            rest &= rest.wrapping_sub(1);
            if self.params.get(i).is_some_and(|r| r.present()) {
                present |= 1u64 << i;
            }
        }
        present
    }

    /// Slot of a top-level name the input may use: a parameter (or, when enabled, a
    /// capability) of the target release.
    pub fn lookup(&self, name: &[u8]) -> Option<usize> {
        slot_of(name, self.known)
    }

    /// Record an unexpected bitmap-mapping member; keeps the one reported first.
    pub fn note_extra(&mut self, at: ExtraAt, key: Span) {
        match self.extra {
            Some((old, _)) if old.rank() <= at.rank() => {}
            _ => self.extra = Some((at, key)),
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use std::vec::Vec;

    #[test]
    fn slot_of_names_known_parameters_then_capabilities() {
        let mut names: Vec<(&str, Option<usize>)> = schema::PARAMS
            .iter()
            .enumerate()
            .map(|(id, d)| (d.name, Some(id)))
            .collect();
        names.extend(
            schema::CAPS
                .iter()
                .enumerate()
                .map(|(i, c)| (c.name, Some(schema::PARAM_COUNT + i))),
        );
        names.extend(
            ["", "mode ", "Mode", "multifd_channels", "x-rdma-chunk-siz"]
                .iter()
                .map(|&n| (n, None)),
        );
        let json = Stage::new(Syntax::Json).known;
        for known in [json, u64::MAX, 0, 0x5555_5555_5555_5555, 1 << schema::MODE] {
            for &(n, slot) in &names {
                let want = slot.filter(|&s| known & (1 << s) != 0);
                assert_eq!(slot_of(n.as_bytes(), known), want, "{n} {known:#x}");
            }
        }
        assert_eq!(slot_of(b"mode", json), Some(schema::MODE));
    }
}
