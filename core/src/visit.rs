//! The typed visit: the values a front end staged become typed values, member by member in
//! QEMU's visiting order, with the QAPI input visitor's rules and messages (keyval mode for
//! keyval text, strict typing for JSON).

use crate::error::{Error, Failed, Message, Status};
use crate::lists::{over_capacity, Lists};
use crate::schema::{
    self, Kind, ParamDef, BLOCK_BITMAP_MAPPING, CPR_EXEC_COMMAND, PARAM_COUNT, SLOT_COUNT,
    VISIT_ORDER,
};
use crate::stage::{ExtraAt, Raw, Span, Stage, Syntax, Tok};
use crate::text::StrRef;
use crate::value;
use crate::{ghash, json, keyval, lists};

/// Typed values of the parameters an input sets.
pub struct Typed {
    /// Bit `slot`: the input sets that parameter (or, from `PARAM_COUNT` on, capability).
    pub set: u64,
    /// Scalars of the parameters (bool 0/1, enum index, integers); for lists, the element
    /// count.
    pub vals: [u64; PARAM_COUNT],
    /// Capabilities the input turns on (bits by `schema::CAPS` position).
    pub caps: u64,
    /// Two bits per bitmap (all nodes' bitmaps in order): 0 no transform, 1 transform without `persistent`,
    /// 2 `persistent` false, 3 `persistent` true.
    pub transform: u64,
}

impl Typed {
    /// Nothing set.
    pub fn empty() -> Self {
        Typed {
            set: 0,
            vals: [0; PARAM_COUNT],
            caps: 0,
            transform: 0,
        }
    }
}

/// A member path as QEMU names it in messages: `a.0.b` in keyval, `a[0].b` in JSON.
#[derive(Clone, Copy)]
pub struct Path {
    parts: [Part; 6],
    len: u8,
    json: bool,
}

#[derive(Clone, Copy)]
struct Part(u16);

/// Bit of a [`Part`] that marks a list index (paths in messages stay this small: list
/// indices are below every capacity, names are schema names).
const INDEX_BIT: u16 = 0x8000;

impl Part {
    fn name(n: schema::Name) -> Part {
        Part(n.index() & !INDEX_BIT)
    }

    fn index(i: usize) -> Part {
        Part(u16::try_from(i).unwrap_or(INDEX_BIT - 1).min(INDEX_BIT - 1) | INDEX_BIT)
    }
}

impl Path {
    fn new(slot: usize, syntax: Syntax) -> Path {
        Path {
            parts: [Part::name(schema::Name::slot(slot)); 6],
            len: 1,
            json: syntax == Syntax::Json,
        }
    }

    fn with(mut self, p: Part) -> Path {
        if let Some(slot) = self.parts.get_mut(usize::from(self.len)) {
            *slot = p;
            self.len = self.len.saturating_add(1);
        }
        self
    }

    fn idx(self, i: usize) -> Path {
        self.with(Part::index(i))
    }

    fn member(self, n: &'static str) -> Path {
        self.with(Part::name(schema::Name::of(n)))
    }

    /// Write the path.
    pub fn write(&self, m: &mut Message) {
        for (i, p) in self.parts.iter().take(usize::from(self.len)).enumerate() {
            if p.0 & INDEX_BIT == 0 {
                if i > 0 {
                    m.push(b".");
                }
                m.push(schema::Name::from_index(p.0).as_str().as_bytes());
            } else {
                let mut buf = [0u8; 20];
                m.push(if self.json { b"[" } else { b"." });
                m.push(crate::text::decimal(u64::from(p.0 & !INDEX_BIT), &mut buf));
                if self.json {
                    m.push(b"]");
                }
            }
        }
    }
}

/// The string a staged value holds (for strings and enums).
pub fn str_of<'a>(text: &'a [u8], raw: Raw) -> StrRef<'a> {
    let b = raw.span().of(text);
    match raw.tok() {
        Tok::KvStr => StrRef::Keyval(b),
        Tok::JStr => StrRef::Json(b),
        Tok::Plain => StrRef::Plain(b),
        _ => StrRef::Plain(&[]),
    }
}

/// Short decoded copy of a value for number and word rules (they never hold a comma, so a
/// value that needs decoding or is long simply fails them unless it is plain).
fn plain(text: &[u8], raw: Raw) -> &[u8] {
    match str_of(text, raw).as_plain() {
        Some(b) => b,
        None => b",",
    }
}

struct Visitor<'a, 'e> {
    text: &'a [u8],
    st: &'a Stage,
    syntax: Syntax,
    err: &'e mut Error,
}

impl Visitor<'_, '_> {
    #[cold]
    fn fail(&mut self, status: Status, at: usize, pre: &str, path: &Path, post: &str) -> Failed {
        let m = self.err.begin(status, at);
        m.push(pre.as_bytes());
        path.write(m);
        m.push(post.as_bytes());
        Failed
    }

    #[cold]
    fn type_fail(&mut self, raw: Raw, path: &Path, expected: &str) -> Failed {
        let m = self.err.begin(Status::Value, raw.at());
        m.push(b"Invalid parameter type for '");
        path.write(m);
        m.push(b"', expected: ");
        m.push(expected.as_bytes());
        Failed
    }

    #[cold]
    fn nested_fail(&mut self, raw: Raw, path: &Path) -> Failed {
        self.fail(
            Status::Unexpected,
            raw.at(),
            "Parameters '",
            path,
            ".*' are unexpected",
        )
    }

    fn scalar(&mut self, d: &ParamDef, raw: Raw, path: &Path) -> Result<u64, Failed> {
        let at = raw.at();
        let json = self.syntax == Syntax::Json;
        if raw.tok() == Tok::KvDict {
            return Err(self.nested_fail(raw, path));
        }
        match d.kind {
            Kind::Bool => match raw.tok() {
                Tok::JTrue => Ok(1),
                Tok::JFalse => Ok(0),
                Tok::KvStr => match value::parse_bool(plain(self.text, raw)) {
                    Some(b) => Ok(u64::from(b)),
                    None => Err(self.fail(
                        Status::Value,
                        at,
                        "Parameter '",
                        path,
                        "' expects 'on' or 'off'",
                    )),
                },
                _ => Err(self.type_fail(raw, path, "boolean")),
            },
            Kind::Uint(_) | Kind::Size => {
                let (v, what) = if json {
                    let v = match raw.tok() {
                        Tok::JInt => json_int(raw.span().of(self.text)),
                        _ => None,
                    };
                    (v, "' expects uint64")
                } else if d.kind == Kind::Size {
                    (value::parse_size(plain(self.text, raw)), "' expects size")
                } else {
                    (value::parse_u64(plain(self.text, raw)), "' expects integer")
                };
                let Some(v) = v else {
                    return Err(self.fail(Status::Value, at, "Parameter '", path, what));
                };
                match d.kind {
                    Kind::Uint(8) if v > u64::from(u8::MAX) => {
                        Err(self.fail(Status::Value, at, "Parameter '", path, "' expects uint8_t"))
                    }
                    Kind::Uint(32) if v > u64::from(u32::MAX) => {
                        Err(self.fail(Status::Value, at, "Parameter '", path, "' expects uint32_t"))
                    }
                    _ => Ok(v),
                }
            }
            Kind::Enum(values) => {
                if !matches!(raw.tok(), Tok::KvStr | Tok::JStr) {
                    return Err(self.type_fail(raw, path, "string"));
                }
                let s = str_of(self.text, raw);
                let found = match s.as_plain() {
                    Some(b) => values.iter().position(|v| v.as_bytes() == b),
                    None => values.iter().position(|v| s.is(v.as_bytes())),
                };
                match found {
                    Some(i) => Ok(i as u64),
                    None => {
                        let m = self.err.begin(Status::Value, at);
                        m.push(b"Parameter '");
                        path.write(m);
                        m.push(b"' does not accept value '");
                        for b in s.bytes() {
                            m.push_byte(b);
                        }
                        m.push(b"'");
                        Err(Failed)
                    }
                }
            }
            Kind::Str => match raw.tok() {
                Tok::KvStr | Tok::JStr | Tok::JNull => Ok(0),
                _ => Err(self.type_fail(raw, path, "StrOrNull")),
            },
            Kind::StrList | Kind::BitmapMapping => Ok(0),
        }
    }

    /// A string member of a struct (or list element): present and a string.
    fn string(&mut self, raw: Raw, path: &Path, missing_at: usize) -> Result<(), Failed> {
        match raw.tok() {
            Tok::KvStr | Tok::JStr => Ok(()),
            Tok::Absent => Err(self.fail(
                Status::Value,
                missing_at,
                "Parameter '",
                path,
                "' is missing",
            )),
            Tok::KvDict => Err(self.nested_fail(raw, path)),
            _ => Err(self.type_fail(raw, path, "string")),
        }
    }

    fn is_list(&self, raw: Raw, count: u8) -> bool {
        match raw.tok() {
            Tok::JArray => true,
            // A keyval dictionary with index keys became a list; with member keys it did not.
            Tok::KvDict => count > 0,
            _ => false,
        }
    }

    fn extra(&mut self, at: ExtraAt, path: &Path) -> Result<(), Failed> {
        // JSON: the struct's members are read again from the text (the front end notes
        // none); keyval: the front end noted the first struct with an unexpected member.
        let text = self.text;
        let syntax = self.syntax;
        let key = match self.st.extra {
            _ if syntax == Syntax::Json => named(text, self.st, Some(at)),
            Some((where_, key)) if where_ == at => named(text, self.st, Some(at)).or(Some(key)),
            _ => None,
        };
        match key {
            Some(key) => {
                let at = if syntax == Syntax::Json {
                    key.start().saturating_sub(1)
                } else {
                    key.start()
                };
                let m = self.err.begin(Status::Unexpected, at);
                m.push(b"Parameter '");
                path.write(m);
                m.push(b".");
                let r = Raw::new(
                    if syntax == Syntax::Json {
                        Tok::JStr
                    } else {
                        Tok::KvStr
                    },
                    key,
                );
                for b in str_of(text, r).bytes() {
                    m.push_byte(b);
                }
                m.push(b"' is unexpected");
                Err(Failed)
            }
            _ => Ok(()),
        }
    }

    /// The mapping's capacity error: the visit has reached an element past it.
    #[cold]
    #[inline(never)]
    fn over_bbm(&mut self, raw: Raw) -> Failed {
        let at = self.st.over_bbm.map_or(raw.at(), |a| a as usize);
        over_capacity(self.err, at, BLOCK_BITMAP_MAPPING)
    }

    #[inline(never)]
    fn exec(&mut self, raw: Raw, path: &Path) -> Result<u64, Failed> {
        let lists = Lists::new(self.text, self.st);
        let n = lists.exec_len();
        if !self.is_list(raw, u8::try_from(n).unwrap_or(u8::MAX)) {
            return Err(self.type_fail(raw, path, "array"));
        }
        for i in 0..n {
            let e = lists.exec(i);
            self.string(e, &path.idx(i), raw.at())?;
        }
        Ok(n as u64)
    }

    #[inline(never)]
    fn bbm(&mut self, raw: Raw, path: &Path, transform: &mut u64) -> Result<u64, Failed> {
        let lists = Lists::new(self.text, self.st);
        let nnodes = lists.nodes_len();
        if !self.is_list(raw, u8::try_from(nnodes).unwrap_or(u8::MAX)) {
            return Err(self.type_fail(raw, path, "array"));
        }
        // Bitmaps of all nodes, in order: where their transform codes go.
        let mut k = 0usize;
        for n in 0..nnodes {
            let node = lists.node(n);
            let np = path.idx(n);
            let obj = node.this.tok() == Tok::JObject
                || (node.this.tok() == Tok::KvDict && !node.list_like);
            if !obj {
                if node.this.tok() == Tok::Absent {
                    return Err(self.fail(
                        Status::Value,
                        raw.at(),
                        "Parameter '",
                        &np,
                        "' is missing",
                    ));
                }
                return Err(self.type_fail(node.this, &np, "object"));
            }
            let at = node.this.at();
            self.string(node.name, &np.member("node-name"), at)?;
            self.string(node.alias, &np.member("alias"), at)?;
            let bp = np.member("bitmaps");
            if !node.bitmaps.present() {
                return Err(self.fail(Status::Value, at, "Parameter '", &bp, "' is missing"));
            }
            // Keyval: bitmaps all past the capacity leave no slot, but made it a list.
            if !self.is_list(node.bitmaps, node.nbitmaps | u8::from(node.more)) {
                return Err(self.type_fail(node.bitmaps, &bp, "array"));
            }
            let nn = u8::try_from(n).unwrap_or(u8::MAX);
            for b in 0..node.nbitmaps {
                if k >= schema::BITMAP_CAPACITY {
                    return Err(self.over_bbm(raw));
                }
                let bpp = bp.idx(usize::from(b));
                let Some(bm) = lists.bitmap(n, usize::from(b)) else {
                    // Keyval: a bitmap past the capacity has no slot.
                    if node.more {
                        return Err(self.over_bbm(raw));
                    }
                    let at = node.bitmaps.at();
                    return Err(self.fail(Status::Value, at, "Parameter '", &bpp, "' is missing"));
                };
                let obj = bm.this.tok() == Tok::JObject
                    || (bm.this.tok() == Tok::KvDict && bm.list_like & 1 == 0);
                if !obj {
                    return Err(self.type_fail(bm.this, &bpp, "object"));
                }
                let at = bm.this.at();
                self.string(bm.name, &bpp.member("name"), at)?;
                self.string(bm.alias, &bpp.member("alias"), at)?;
                let mut code = 0u8;
                if bm.transform.present() {
                    let tp = bpp.member("transform");
                    let tobj = bm.transform.tok() == Tok::JObject
                        || (bm.transform.tok() == Tok::KvDict && bm.list_like & 2 == 0);
                    if !tobj {
                        return Err(self.type_fail(bm.transform, &tp, "object"));
                    }
                    code = 1;
                    if bm.persistent.present() {
                        let v = self.scalar(&BOOL, bm.persistent, &tp.member("persistent"))?;
                        code = if v == 1 { 3 } else { 2 };
                    }
                    self.extra(
                        ExtraAt {
                            node: nn,
                            bitmap: b.saturating_add(1),
                            transform: 1,
                        },
                        &tp,
                    )?;
                }
                // Two bits per bitmap: there are at most BITMAP_CAPACITY (32) of them.
                *transform |= u64::from(code & 3) << (k & 31).wrapping_mul(2);
                k = k.saturating_add(1);
                self.extra(
                    ExtraAt {
                        node: nn,
                        bitmap: b.saturating_add(1),
                        transform: 0,
                    },
                    &bpp,
                )?;
            }
            if node.more {
                return Err(self.over_bbm(raw));
            }
            self.extra(
                ExtraAt {
                    node: nn,
                    bitmap: 0,
                    transform: 0,
                },
                &np,
            )?;
        }
        if lists.nodes_more() {
            return Err(self.over_bbm(raw));
        }
        Ok(nnodes as u64)
    }
}

/// The present slots in visiting order: parameters in [`VISIT_ORDER`], then capabilities.
struct VisitOrder {
    present: u64,
    next: usize,
}

/// Whether QEMU's visiting order is id order (then the walk just takes set bits).
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // compile time only
const VISIT_IS_ID_ORDER: bool = {
    let mut i = 0;
    let mut same = true;
    while i < PARAM_COUNT {
        same &= VISIT_ORDER[i] as usize == i;
        i += 1;
    }
    same
};

impl Iterator for VisitOrder {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        if VISIT_IS_ID_ORDER {
            if self.present == 0 {
                return None;
            }
            let slot = self.present.trailing_zeros() as usize;
            self.present &= self.present.wrapping_sub(1);
            return Some(slot);
        }
        self.walk(&VISIT_ORDER)
    }
}

impl VisitOrder {
    /// The next present slot: parameters in `order`, then capabilities. (Taken when the
    /// schema's ids and QEMU's order part.)
    fn walk(&mut self, order: &[u8]) -> Option<usize> {
        while self.next < SLOT_COUNT {
            let i = self.next;
            self.next = self.next.saturating_add(1);
            let slot = if i < PARAM_COUNT {
                order.get(i).map_or(i, |&s| usize::from(s))
            } else {
                i
            };
            if self.present & (1u64 << slot) != 0 {
                return Some(slot);
            }
        }
        None
    }
}

/// Where the key of a top-level member starts, given where its value starts (error path
/// only: the stage keeps value spans).
fn key_before(text: &[u8], syntax: Syntax, value: usize, name_len: usize) -> usize {
    match syntax {
        // `name=value`: a top-level scalar's key is its one name fragment.
        Syntax::Keyval => value.saturating_sub(name_len.saturating_add(1)),
        // `"name" : value`: back over blanks and the colon to the closing quote, then to the
        // opening one (a member name holds no quote, so the previous one of the same kind).
        Syntax::Json => {
            let blank = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
            let mut i = value;
            while i > 0
                && text
                    .get(i.saturating_sub(1))
                    .is_some_and(|&c| blank(c) || c == b':')
            {
                i = i.saturating_sub(1);
            }
            let close = i.saturating_sub(1);
            let q = text.get(close).copied().unwrap_or(b'"');
            text.get(..close)
                .and_then(|t| t.iter().rposition(|&c| c == q))
                .unwrap_or(0)
        }
    }
}

/// A stand-in definition for bool members outside the parameter list (capabilities,
/// `transform.persistent`).
static BOOL: ParamDef = schema::PARAMS[schema::LOCAL];

/// A JSON integer token as QEMU's visitor takes it for an unsigned member: non-negative up
/// to 2^64-1, or negative within int64 and reinterpreted modulo 2^64.
pub(crate) fn json_int(tok: &[u8]) -> Option<u64> {
    let (neg, digits) = match tok.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, tok),
    };
    let mut v: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v
            .checked_mul(10)?
            .checked_add(u64::from(d.wrapping_sub(b'0')))?;
    }
    if neg {
        if v > 1u64 << 63 {
            return None;
        }
        Some(v.wrapping_neg())
    } else {
        Some(v)
    }
}

/// The unexpected key QEMU names when a dictionary has several: the first of its hash
/// table of unvisited keys (see [`ghash`]), at the top level (`at` is `None`) or in the
/// bitmap-mapping struct at `at`; past that module's capacity, the first in the input.
/// `None` when every key is a member (which is all JSON structs ask of valid input).
#[cold]
#[inline(never)]
fn named<'t>(text: &'t [u8], st: &Stage, at: Option<ExtraAt>) -> Option<Span> {
    use lists::P;
    let is_json = st.syntax == Syntax::Json;
    let read: fn(&'t [u8], Span) -> StrRef<'t> = if is_json {
        |t, k| StrRef::Json(k.of(t))
    } else {
        |t, k| StrRef::Plain(k.of(t))
    };
    // A struct's members, in the order QEMU's visit takes them, and how deep it sits.
    let (members, depth): (&[&str], usize) = match at.map(|a| (a.bitmap, a.transform)) {
        None => (&[], 0),
        Some((0, _)) => (&["node-name", "alias", "bitmaps"], 2),
        Some((_, 0)) => (&["name", "alias", "transform"], 4),
        Some(_) => (&["persistent"], 5),
    };
    // A member's rank in the visit; at the top level its slot (the visit walks slots in id
    // order), as the front ends look names up.
    let rank = |key: Span| {
        let raw = key.of(text);
        let r = match at {
            Some(_) => members
                .iter()
                .position(|m| read(text, key).is(m.as_bytes())),
            None if is_json => json::key_slot(raw, raw.contains(&b'\\'), st.known),
            None => st.lookup(raw),
        };
        u8::try_from(r?).ok()
    };
    let mut level = ghash::Level::new(text, read);
    let mut add = |key: Span| level.add(key, rank(key));
    if is_json {
        let obj = match at {
            None => lists::root(text),
            Some(a) => Lists::new(text, st).json_struct(a)?,
        };
        lists::members(text, obj).for_each(|(k, _)| add(k));
    } else {
        let a = at.unwrap_or_default();
        let path = [
            P::N("block-bitmap-mapping"),
            P::I(u32::from(a.node)),
            P::N("bitmaps"),
            P::I(u32::from(a.bitmap.saturating_sub(1))),
            P::N("transform"),
        ];
        keyval::keys_under(text, path.get(..depth)?).for_each(add);
    }
    level.named()
}

/// Visit every staged parameter in QEMU's order (then the capabilities), then report the
/// first unexpected key. A list past a capacity fails where QEMU's visit would reach its
/// first element past it: what QEMU meets there is beyond what migcfg holds. `reject_unstable`: members marked
/// unstable are refused, as with QEMU's `-compat unstable-input=reject`.
pub fn visit(
    text: &[u8],
    st: &Stage,
    reject_unstable: bool,
    t: &mut Typed,
    err: &mut Error,
) -> Result<(), Failed> {
    let mut v = Visitor {
        text,
        st,
        syntax: st.syntax,
        err,
    };
    // Which slots hold anything: most inputs set few, and only those are visited.
    let present = st.present();
    // Slots in QEMU's visiting order: while that is id order (it is today), the set bits
    // of `present` are it.
    let order = VisitOrder { present, next: 0 };
    for slot in order {
        let Some(raw) = st.params.get(slot).copied() else {
            continue;
        };
        let (d, name, unstable) = match schema::def(slot) {
            Some(d) => (d, d.name, d.unstable),
            None => match schema::CAPS.get(slot.saturating_sub(PARAM_COUNT)) {
                Some(c) => (&BOOL, c.name, c.unstable),
                None => continue,
            },
        };
        if reject_unstable && unstable {
            let at = key_before(text, st.syntax, raw.at(), name.len());
            let m = v.err.begin(Status::Unexpected, at);
            m.push(b"Unstable parameter ");
            m.push(name.as_bytes());
            m.push(b" disabled by policy");
            return Err(Failed);
        }
        let path = Path::new(slot, st.syntax);
        let val = match d.kind {
            Kind::StrList => {
                let n = v.exec(raw, &path)?;
                // The elements within the capacity are QEMU's; the next one is past it.
                if let Some(at) = st.over_exec {
                    return Err(over_capacity(v.err, at as usize, CPR_EXEC_COMMAND));
                }
                n
            }
            Kind::BitmapMapping => v.bbm(raw, &path, &mut t.transform)?,
            _ => v.scalar(d, raw, &path)?,
        };
        match t.vals.get_mut(slot) {
            Some(out) => *out = val,
            None => t.caps |= u64::from(val != 0) << slot.saturating_sub(PARAM_COUNT),
        }
        t.set |= 1u64 << slot;
    }
    let err = v.err;
    if st.unknown.present() {
        let tok = if st.syntax == Syntax::Json {
            Tok::JStr
        } else {
            Tok::KvStr
        };
        let unknown = named(text, st, None).map_or(st.unknown, |k| Raw::new(tok, k));
        let m = err.begin(Status::Unexpected, unknown.at());
        m.push(b"Parameter '");
        for b in str_of(text, unknown).bytes() {
            m.push_byte(b);
        }
        m.push(b"' is unexpected");
        return Err(Failed);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use std::vec::Vec;

    fn walked(order: &[u8], present: u64) -> Vec<usize> {
        let mut v = VisitOrder { present, next: 0 };
        core::iter::from_fn(|| v.walk(order)).collect()
    }

    #[test]
    fn visit_order_takes_parameters_in_order_then_capabilities() {
        let cap = PARAM_COUNT;
        let present = 1u64 << 1 | 1 << 5 | 1 << (PARAM_COUNT - 1) | 1 << cap | 1 << (cap + 3);
        // An order that is not id order: the walk follows it.
        let reversed: Vec<u8> = (0..PARAM_COUNT as u8).rev().collect();
        assert_eq!(
            walked(&reversed, present),
            [PARAM_COUNT - 1, 5, 1, cap, cap + 3]
        );
        assert_eq!(walked(&reversed, 0), []);
        // Today's order: the iterator's shortcut gives what the walk gives.
        for present in [present, 1, 1 << cap, u64::MAX >> (64 - SLOT_COUNT), 0] {
            let fast: Vec<usize> = VisitOrder { present, next: 0 }.collect();
            assert_eq!(fast, walked(&VISIT_ORDER, present), "{present:#x}");
        }
    }
}
