//! The list parameters (`cpr-exec-command`, `block-bitmap-mapping`) as the typed visit, the
//! checks and the commit read them.
//!
//! The stage keeps no list values: they would make it too big for the stack budget. Keyval
//! input keeps the *shape* of each list position (value or dictionary) and reads values
//! again from the text: the last item whose key names the position. JSON input reads them
//! by walking the (already validated) array. Lists are rare and short, so reading twice
//! costs little; inputs without lists pay nothing.

use crate::error::{Error, Failed, Status};
use crate::json::{skip_blank, skip_string, skip_value};
use crate::keyval;
use crate::schema::{
    BITMAP_CAPACITY, BITMAP_NODE_CAPACITY, BLOCK_BITMAP_MAPPING, CPR_EXEC_COMMAND,
    EXEC_COMMAND_CAPACITY,
};
use crate::stage::{Bitmap, ExtraAt, Node, Raw, Span, Stage, Syntax, Tok};
use crate::text::StrRef;

/// A fragment of a key path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum P {
    /// A member name.
    N(&'static str),
    /// A list index.
    I(u32),
}

/// Reads list elements of one parsed input.
#[derive(Clone, Copy)]
pub struct Lists<'a> {
    text: &'a [u8],
    st: &'a Stage,
}

fn idx(i: usize) -> P {
    P::I(u32::try_from(i).unwrap_or(u32::MAX))
}

impl<'a> Lists<'a> {
    /// The lists of `st`, read from `text`.
    pub fn new(text: &'a [u8], st: &'a Stage) -> Self {
        Lists { text, st }
    }

    fn json(&self) -> bool {
        self.st.syntax == Syntax::Json
    }

    /// Keyval: the value of a position met as a value, or the first key below one met as a
    /// dictionary.
    fn kv_raw(&self, tok: Tok, path: &[P]) -> Raw {
        let span = match tok {
            Tok::KvStr => keyval::find_last(self.text, path).map(|(_, v)| v),
            Tok::KvDict => keyval::find_first_under(self.text, path),
            _ => None,
        };
        Raw::new(tok, span.unwrap_or_default())
    }

    /// JSON: the array a list parameter holds, if it is one.
    fn array(&self, id: usize) -> Option<usize> {
        let r = self.st.params.get(id).copied()?;
        (r.tok() == Tok::JArray).then_some(r.span().start())
    }

    /// Number of `cpr-exec-command` elements.
    pub fn exec_len(&self) -> usize {
        if self.json() {
            self.array(CPR_EXEC_COMMAND)
                .map_or(0, |a| count(self.text, a))
                .min(EXEC_COMMAND_CAPACITY)
        } else {
            usize::from(self.st.kv.nexec)
        }
    }

    /// Element `i` of `cpr-exec-command`.
    // Out of line, as `node`: lists are read from many places, and rarely.
    #[inline(never)]
    pub fn exec(&self, i: usize) -> Raw {
        if self.json() {
            let at = self
                .array(CPR_EXEC_COMMAND)
                .and_then(|a| element(self.text, a, i));
            return at.map_or_else(Raw::default, |v| token(self.text, v));
        }
        let tok = self.st.kv.exec.get(i).copied().unwrap_or_default();
        self.kv_raw(tok, &[P::N("cpr-exec-command"), idx(i)])
    }

    /// Number of `block-bitmap-mapping` nodes.
    pub fn nodes_len(&self) -> usize {
        if self.json() {
            self.array(BLOCK_BITMAP_MAPPING)
                .map_or(0, |a| count(self.text, a))
                .min(BITMAP_NODE_CAPACITY)
        } else {
            usize::from(self.st.kv.nnodes)
        }
    }

    /// Node `i` of `block-bitmap-mapping`.
    // Out of line: its callers (visit, checks, commit) need it only for lists.
    #[inline(never)]
    pub fn node(&self, i: usize) -> Node {
        const BBM: P = P::N("block-bitmap-mapping");
        if self.json() {
            let Some(at) = self
                .array(BLOCK_BITMAP_MAPPING)
                .and_then(|a| element(self.text, a, i))
            else {
                return Node::default();
            };
            let this = token(self.text, at);
            if this.tok() != Tok::JObject {
                return Node {
                    this,
                    ..Node::default()
                };
            }
            let m = |name| {
                member(self.text, at, name).map_or_else(Raw::default, |v| token(self.text, v))
            };
            let [name, alias, bitmaps] = [m("node-name"), m("alias"), m("bitmaps")];
            let nbitmaps = if bitmaps.tok() == Tok::JArray {
                count(self.text, bitmaps.span().start())
            } else {
                0
            };
            return Node {
                this,
                name,
                alias,
                bitmaps,
                nbitmaps: u8::try_from(nbitmaps.min(BITMAP_CAPACITY)).unwrap_or(0),
                more: nbitmaps > BITMAP_CAPACITY,
                list_like: false,
            };
        }
        let Some(sh) = self.st.kv.nodes.get(i).copied() else {
            return Node::default();
        };
        Node {
            this: self.kv_raw(sh.this, &[BBM, idx(i)]),
            name: self.kv_raw(sh.name, &[BBM, idx(i), P::N("node-name")]),
            alias: self.kv_raw(sh.alias, &[BBM, idx(i), P::N("alias")]),
            bitmaps: self.kv_raw(sh.bitmaps, &[BBM, idx(i), P::N("bitmaps")]),
            nbitmaps: sh.nbitmaps,
            more: self.st.kv.over_bitmaps & (1u8 << (i & 7)) != 0,
            list_like: sh.list_like,
        }
    }

    /// Whether `block-bitmap-mapping` has nodes past the node capacity.
    pub fn nodes_more(&self) -> bool {
        if self.json() {
            self.array(BLOCK_BITMAP_MAPPING)
                .is_some_and(|a| count(self.text, a) > BITMAP_NODE_CAPACITY)
        } else {
            self.st.kv.over_nodes
        }
    }

    /// Bitmap `j` of node `i`; `None` when that element is missing.
    pub fn bitmap(&self, i: usize, j: usize) -> Option<Bitmap> {
        const BBM: P = P::N("block-bitmap-mapping");
        if self.json() {
            let node = self
                .array(BLOCK_BITMAP_MAPPING)
                .and_then(|a| element(self.text, a, i))?;
            let list = member(self.text, node, "bitmaps")?;
            let at = element(self.text, list, j)?;
            let this = token(self.text, at);
            if this.tok() != Tok::JObject {
                return Some(Bitmap {
                    this,
                    ..Bitmap::default()
                });
            }
            let m = |name| {
                member(self.text, at, name).map_or_else(Raw::default, |v| token(self.text, v))
            };
            let [name, alias, transform] = [m("name"), m("alias"), m("transform")];
            let persistent = if transform.tok() == Tok::JObject {
                member(self.text, transform.span().start(), "persistent")
                    .map_or_else(Raw::default, |v| token(self.text, v))
            } else {
                Raw::default()
            };
            return Some(Bitmap {
                this,
                name,
                alias,
                transform,
                persistent,
                list_like: 0,
            });
        }
        let sh = *self
            .st
            .kv
            .bitmap(u8::try_from(i).ok()?, u8::try_from(j).ok()?)?;
        let base = [BBM, idx(i), P::N("bitmaps"), idx(j)];
        let with = |m: &'static str| [BBM, idx(i), P::N("bitmaps"), idx(j), P::N(m)];
        let pers = [
            BBM,
            idx(i),
            P::N("bitmaps"),
            idx(j),
            P::N("transform"),
            P::N("persistent"),
        ];
        Some(Bitmap {
            this: self.kv_raw(sh.this, &base),
            name: self.kv_raw(sh.name, &with("name")),
            alias: self.kv_raw(sh.alias, &with("alias")),
            transform: self.kv_raw(sh.transform, &with("transform")),
            persistent: self.kv_raw(sh.persistent, &pers),
            list_like: sh.list_like,
        })
    }

    /// JSON: the offsets of the first element past a capacity of `cpr-exec-command` and of
    /// `block-bitmap-mapping`. Nodes past the node capacity are not looked into; the bitmap
    /// capacity counts the bitmaps of all nodes.
    pub fn json_overflow(&self) -> (Option<u32>, Option<u32>) {
        let t = self.text;
        let exec = self
            .array(CPR_EXEC_COMMAND)
            .and_then(|a| element(t, a, EXEC_COMMAND_CAPACITY));
        // One walk over the nodes; each node's bitmaps are passed up to what is left.
        let bbm = self.array(BLOCK_BITMAP_MAPPING).and_then(|a| {
            let mut left = BITMAP_CAPACITY;
            let (_, mut node) = pass(t, a, 0);
            for _ in 0..BITMAP_NODE_CAPACITY {
                if !is_element(t, node) {
                    return None;
                }
                if let Some(list) = member(t, node, "bitmaps") {
                    let (n, at) = pass(t, list, left);
                    if n == left && is_element(t, at) {
                        return Some(at);
                    }
                    left = left.saturating_sub(n);
                }
                node = after_item(t, node);
            }
            is_element(t, node).then_some(node)
        });
        let off = |at: Option<usize>| at.and_then(|a| u32::try_from(a).ok());
        (off(exec), off(bbm))
    }

    /// JSON: where the object of the bitmap-mapping struct at `at` starts.
    pub fn json_struct(&self, at: ExtraAt) -> Option<usize> {
        let node = element(
            self.text,
            self.array(BLOCK_BITMAP_MAPPING)?,
            usize::from(at.node),
        )?;
        let Some(b) = at.bitmap.checked_sub(1) else {
            return Some(node);
        };
        let bitmap = element(
            self.text,
            member(self.text, node, "bitmaps")?,
            usize::from(b),
        )?;
        if at.transform == 0 {
            return Some(bitmap);
        }
        member(self.text, bitmap, "transform")
    }

    /// The string a value holds (empty for anything else).
    pub fn str(&self, raw: Raw) -> StrRef<'a> {
        crate::visit::str_of(self.text, raw)
    }
}

// Reading JSON text the front end has already validated: see [`json::skip_value`].

/// Where the item after the value at `v` starts (past the value, blanks and a comma).
fn after_item(t: &[u8], v: usize) -> usize {
    let i = skip_blank(t, skip_value(t, v).unwrap_or(t.len()));
    if t.get(i) == Some(&b',') {
        skip_blank(t, i.saturating_add(1))
    } else {
        i
    }
}

/// Start of element `k` of the array whose `[` is at `a`.
fn element(t: &[u8], a: usize, k: usize) -> Option<usize> {
    let (n, at) = pass(t, a, k);
    (n == k && is_element(t, at)).then_some(at)
}

/// Whether an element starts at `i`, where [`pass`] stopped: the array did not end there.
fn is_element(t: &[u8], i: usize) -> bool {
    t.get(i).is_some_and(|&c| c != b']')
}

/// Number of elements of the array whose `[` is at `a` (counted up to one past
/// [`EXEC_COMMAND_CAPACITY`], the largest capacity).
fn count(t: &[u8], a: usize) -> usize {
    pass(t, a, EXEC_COMMAND_CAPACITY.saturating_add(1)).0
}

/// Pass up to `k` elements of the array whose `[` is at `a`: how many were passed (fewer
/// than `k` when the array ends first) and where the next one would start.
fn pass(t: &[u8], a: usize, k: usize) -> (usize, usize) {
    let mut i = if t.get(a) == Some(&b'[') {
        skip_blank(t, a.saturating_add(1))
    } else {
        t.len()
    };
    let mut n = 0usize;
    while n < k && is_element(t, i) {
        i = after_item(t, i);
        n = n.saturating_add(1);
    }
    (n, i)
}

/// Start of the value of member `name` of the object whose `{` is at `o`.
fn member(t: &[u8], o: usize, name: &str) -> Option<usize> {
    members(t, o)
        .find(|(key, _)| StrRef::Json(key.of(t)).is(name.as_bytes()))
        .map(|(_, v)| v)
}

/// The members of the object whose `{` is at `o`: the span between the quotes of each key,
/// and where its value starts.
pub(crate) fn members(t: &[u8], o: usize) -> impl Iterator<Item = (Span, usize)> + '_ {
    let mut i = if t.get(o) == Some(&b'{') {
        skip_blank(t, o.saturating_add(1))
    } else {
        t.len()
    };
    // The value last returned is skipped only when the next member is asked for.
    let mut last: Option<usize> = None;
    core::iter::from_fn(move || {
        if let Some(v) = last {
            i = after_item(t, v);
        }
        if !matches!(t.get(i), Some(b'"' | b'\'')) {
            return None;
        }
        let kend = skip_string(t, i);
        let key = Span::between(i.saturating_add(1), kend.saturating_sub(1));
        let colon = skip_blank(t, kend);
        let v = skip_blank(t, colon.saturating_add(1));
        last = Some(v);
        Some((key, v))
    })
}

/// Where the top-level value of JSON text starts.
pub(crate) fn root(t: &[u8]) -> usize {
    skip_blank(t, 0)
}

/// What the value at `i` is, as far as a list element's type goes.
pub fn token(t: &[u8], i: usize) -> Raw {
    // A container is named by its opening bracket: only scalars need their end.
    let end = || skip_value(t, i).unwrap_or(t.len());
    let (tok, span) = match t.get(i) {
        Some(b'"' | b'\'') => (
            Tok::JStr,
            Span::between(i.saturating_add(1), end().saturating_sub(1)),
        ),
        Some(b'{') => (Tok::JObject, Span::between(i, i.saturating_add(1))),
        Some(b'[') => (Tok::JArray, Span::between(i, i.saturating_add(1))),
        Some(b't') => (Tok::JTrue, Span::between(i, end())),
        Some(b'f') => (Tok::JFalse, Span::between(i, end())),
        Some(b'n') => (Tok::JNull, Span::between(i, end())),
        // Every number is `JFloat` here: no list element takes a number, so whether QEMU
        // makes one an integer cannot change an answer.
        _ => (Tok::JFloat, Span::between(i, end())),
    };
    Raw::new(tok, span)
}

/// The capacity error of list parameter `id` (`cpr-exec-command` or `block-bitmap-mapping`)
/// at `at`.
#[cold]
#[inline(never)]
pub(crate) fn over_capacity(err: &mut Error, at: usize, id: usize) -> Failed {
    let name = crate::schema::name(id).as_bytes();
    if id == CPR_EXEC_COMMAND {
        return over_capacity_of(err, at, name);
    }
    let m = err.begin(Status::Capacity, at);
    m.push(b"Parameter '");
    m.push(name);
    m.push(b"' has more nodes or bitmaps than migcfg holds (8 nodes, 32 bitmaps)");
    Failed
}

/// The capacity error of the list at key path `path`.
#[cold]
#[inline(never)]
pub(crate) fn over_capacity_of(err: &mut Error, at: usize, path: &[u8]) -> Failed {
    let m = err.begin(Status::Capacity, at);
    m.push(b"Parameter '");
    m.push(path);
    m.push(b"' has more elements than migcfg holds (64)");
    Failed
}

// The capacity messages spell the capacities out.
const _: () =
    assert!(EXEC_COMMAND_CAPACITY == 64 && BITMAP_NODE_CAPACITY == 8 && BITMAP_CAPACITY == 32);
