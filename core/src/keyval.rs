//! QEMU's keyval syntax (`util/keyval.c`), written down and implemented one production at a
//! time.
//!
//! ```text
//! key-vals     = [ key-val { ',' key-val } [ ',' ] ]
//! key-val      = key '=' val | help
//! key          = key-fragment { '.' key-fragment }
//! key-fragment = qapi-name | index          (an index is never the first fragment)
//! qapi-name    = [ '__' { alnum | '-' | '.' } '_' ] alpha { alnum | '-' | '_' }
//! index        = digit { digit }            (clamped to INT_MAX)
//! val          = { any byte but ',' | ',,' }
//! help         = 'help' | '?'
//! ```
//!
//! Items are read left to right and the first syntax error or storing conflict ends the
//! parse; then help; then list conversion; the typed visit comes after ([`crate::visit`]).
//! A fragment of 128 bytes or more is too long. A key used both as a value and as a
//! dictionary is "used inconsistently". A repeated key keeps its last value.
//!
//! QEMU builds a tree of dictionaries. Here nothing is allocated: keys that fit the
//! schema's shape land in the fixed positions of a [`Stage`]; any other key (unknown, or
//! nested where the schema has a scalar) can only end in an error, and up to
//! [`ODD_CAPACITY`] of them are kept as spans so that their conflicts and list errors are
//! reported as QEMU reports them. Beyond that the input is still rejected, possibly with a
//! later error than QEMU's.

use crate::error::{Error, Failed, Message, Status};
use crate::schema::{
    self, Kind, BITMAP_CAPACITY, BITMAP_NODE_CAPACITY, BLOCK_BITMAP_MAPPING, CPR_EXEC_COMMAND,
    EXEC_COMMAND_CAPACITY,
};
use crate::stage::{ExtraAt, Raw, Span, Stage, Tok};
use crate::text::find2;
use crate::value::qdict_bucket;

/// Longest key fragment QEMU accepts is this minus one.
pub(crate) const FRAGMENT_MAX: usize = 128;
/// Keys outside the schema's shape remembered per parse (for QEMU's exact error).
pub const ODD_CAPACITY: usize = 12;
/// QEMU clamps list indices to `INT_MAX`.
const INDEX_MAX: u32 = i32::MAX as u32;

/// A key fragment: its place in the key and, for an index, its value.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Frag {
    pub(crate) start: usize,
    pub(crate) len: usize,
    pub(crate) index: Option<u32>,
}

/// Length of a QAPI name at the start of `s` (non-complete mode), 0 if none.
pub(crate) fn qapi_name_len(s: &[u8]) -> usize {
    let mut p = 0usize;
    if s.first() == Some(&b'_') {
        if s.get(1) != Some(&b'_') {
            return 0;
        }
        p = 2;
        while s
            .get(p)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'.')
        {
            p = p.saturating_add(1);
        }
        if s.get(p) != Some(&b'_') {
            return 0;
        }
        p = p.saturating_add(1);
    }
    if !s.get(p).is_some_and(u8::is_ascii_alphabetic) {
        return 0;
    }
    p = p.saturating_add(1);
    while s
        .get(p)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
    {
        p = p.saturating_add(1);
    }
    p
}

/// Scan the fragment at `pos` of `text`; `first` forbids an index.
// Out of line: three callers (the channel reader's among them), none hot.
#[inline(never)]
pub(crate) fn scan_frag(text: &[u8], pos: usize, first: bool) -> Frag {
    let rest = text.get(pos..).unwrap_or(&[]);
    if !first && rest.first().is_some_and(u8::is_ascii_digit) {
        let mut n = 0usize;
        let mut value: u32 = 0;
        while let Some(d) = rest.get(n).filter(|c| c.is_ascii_digit()) {
            value = value
                .saturating_mul(10)
                .saturating_add(u32::from(d.wrapping_sub(b'0')))
                .min(INDEX_MAX);
            n = n.saturating_add(1);
        }
        return Frag {
            start: pos,
            len: n,
            index: Some(value),
        };
    }
    Frag {
        start: pos,
        len: qapi_name_len(rest),
        index: None,
    }
}

/// Iterator over the fragments of an already validated key.
#[derive(Clone)]
struct Frags<'a> {
    text: &'a [u8],
    pos: usize,
    end: usize,
    first: bool,
}

impl<'a> Frags<'a> {
    fn new(text: &'a [u8], key: Span) -> Self {
        Frags {
            text,
            pos: key.start(),
            end: key.end(),
            first: true,
        }
    }
}

impl Iterator for Frags<'_> {
    type Item = Frag;
    // Out of line: the walks over odd keys call it from many places, none hot.
    #[inline(never)]
    fn next(&mut self) -> Option<Frag> {
        if self.pos >= self.end {
            return None;
        }
        let f = scan_frag(self.text, self.pos, self.first);
        self.first = false;
        // A validated key always advances; guard against a zero-length scan anyway.
        self.pos = f.start.saturating_add(f.len.max(1)).saturating_add(1);
        Some(f)
    }
}

fn fspan(f: Frag) -> Span {
    Span::between(f.start, f.start.saturating_add(f.len))
}

fn frag_bytes(text: &[u8], f: Frag) -> &[u8] {
    text.get(f.start..f.start.saturating_add(f.len))
        .unwrap_or(&[])
}

/// Same dictionary key? Index spellings (`1`, `01`) count as one key.
fn same_frag(text: &[u8], a: Frag, b: Frag) -> bool {
    match (a.index, b.index) {
        (Some(x), Some(y)) => x == y,
        (None, None) => frag_bytes(text, a) == frag_bytes(text, b),
        _ => false,
    }
}

/// A key outside the schema's shape.
#[derive(Clone, Copy, Debug, Default)]
struct Odd {
    key: Span,
    /// Fragments that lie in the schema's shape (the rest is outside it).
    known: u16,
}

/// A known position being stored to.
enum Slot<'a> {
    /// A top-level parameter: kind and span.
    Raw(&'a mut Raw),
    /// A list position: kind only.
    Tok(&'a mut Tok),
}

impl Slot<'_> {
    fn tok(&self) -> Tok {
        match self {
            Slot::Raw(r) => r.tok(),
            Slot::Tok(t) => **t,
        }
    }

    fn set(&mut self, tok: Tok, span: Span) {
        match self {
            Slot::Raw(r) => **r = Raw::new(tok, span),
            Slot::Tok(t) => **t = tok,
        }
    }
}

/// Where a key's fragments lead in the schema's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pos {
    Top,
    Param(usize),
    Exec(usize),
    Node(usize),
    NodeName(usize),
    NodeAlias(usize),
    NodeBitmaps(usize),
    Bitmap(usize, usize),
    BmName(usize, usize),
    BmAlias(usize, usize),
    Transform(usize, usize),
    Persistent(usize, usize),
    /// Beyond a list capacity: kept only to report the capacity.
    Overflow,
    /// Outside the shape.
    Odd,
}

struct Parser<'t, 's, 'e> {
    text: &'t [u8],
    stage: &'s mut Stage,
    err: &'e mut Error,
    odd: [Odd; ODD_CAPACITY],
    nodd: usize,
    help: Option<usize>,
}

/// Write `pre` + `key` + `post` as the error.
#[cold]
fn fail_key(
    err: &mut Error,
    status: Status,
    at: usize,
    pre: &str,
    key: &[u8],
    post: &str,
) -> Failed {
    let m = err.begin(status, at);
    m.push(pre.as_bytes());
    m.push(key);
    m.push(post.as_bytes());
    Failed
}

/// Parse keyval `text` into `stage`. `help_ok`: a help item is reported as `Status::Help`
/// (after every syntax check) instead of QEMU's "not available" error.
pub fn parse(text: &[u8], stage: &mut Stage, help_ok: bool, err: &mut Error) -> Result<(), Failed> {
    let mut p = Parser {
        text,
        stage,
        err,
        odd: [Odd::default(); ODD_CAPACITY],
        nodd: 0,
        help: None,
    };
    let mut pos = 0usize;
    while pos < text.len() {
        pos = p.item(pos)?;
    }
    if let Some(at) = p.help {
        return Err(if help_ok {
            p.err.fail(Status::Help, at, "help")
        } else {
            p.err
                .fail(Status::Syntax, at, "Help is not available for this option")
        });
    }
    p.listify()
}

impl Parser<'_, '_, '_> {
    fn byte(&self, at: usize) -> Option<u8> {
        self.text.get(at).copied()
    }

    /// One item starting at `start`; returns where the next begins.
    /// The common case, fast: `name=value` where `name` is one plain QAPI name (letters,
    /// digits, `-`, starting with a letter, shorter than 128 bytes) of a scalar member.
    /// Anything else takes the general path, which gives the same answers.
    fn fast_item(&mut self, start: usize) -> Option<usize> {
        let rest = self.text.get(start..)?;
        // The key runs to the first `=`; a `,` first, or no `=` within a fragment's
        // length, is for the general path. A key that is exactly a member's name is
        // plain (every name is), so the name lookup is the whole check of its bytes.
        let klen = find2(rest.get(..FRAGMENT_MAX.min(rest.len()))?, b'=', b',')?;
        if rest.get(klen) != Some(&b'=') {
            return None;
        }
        let slot = self.stage.lookup(rest.get(..klen)?)?;
        if slot == CPR_EXEC_COMMAND || slot == BLOCK_BITMAP_MAPPING {
            return None;
        }
        let raw = self.stage.slot_mut(slot)?;
        if raw.tok() == Tok::KvDict {
            return None;
        }
        let vstart = start.saturating_add(klen).saturating_add(1);
        let vend = value_end(self.text, vstart);
        *raw = Raw::new(Tok::KvStr, Span::between(vstart, vend));
        Some(if vend < self.text.len() {
            vend.saturating_add(1)
        } else {
            vend
        })
    }

    fn item(&mut self, start: usize) -> Result<usize, Failed> {
        if let Some(next) = self.fast_item(start) {
            return Ok(next);
        }
        self.slow_item(start)
    }

    /// Any item the fast path does not take: the general grammar.
    #[inline(never)]
    fn slow_item(&mut self, start: usize) -> Result<usize, Failed> {
        let text = self.text;
        let kend = key_end(text, start);
        let key_text = text.get(start..kend).unwrap_or(&[]);
        if kend > start
            && self.byte(kend) != Some(b'=')
            && (key_text == b"help" || key_text == b"?")
        {
            self.help = self.help.or(Some(start));
            return Ok(if self.byte(kend) == Some(b',') {
                kend.saturating_add(1)
            } else {
                kend
            });
        }

        // Syntax of every fragment first: the first bad fragment, if any, and the count.
        let mut s = start;
        let mut nfrags = 0usize;
        // The first bad fragment (always the last one scanned): invalid, or too long.
        let mut bad: Option<Frag> = None;
        let mut bad_word = "";
        loop {
            let f = scan_frag(text, s, s == start);
            let after = s.saturating_add(f.len);
            let next = self.byte(after);
            if f.len == 0 || !matches!(next, None | Some(b'=' | b',' | b'.')) {
                bad = Some(Frag {
                    start: s,
                    len: 0,
                    index: None,
                });
                break;
            }
            if f.len >= FRAGMENT_MAX {
                bad_word = if s != start || next == Some(b'.') {
                    " fragment"
                } else {
                    ""
                };
                bad = Some(f);
                break;
            }
            nfrags = nfrags.saturating_add(1);
            s = after;
            if next != Some(b'.') {
                break;
            }
            s = s.saturating_add(1);
        }
        let key_end = s;
        let key = Span::between(start, key_end);

        // Storing: walk the shape, putting dictionaries for every prefix. QEMU checks the
        // prefix ending at fragment k while it handles fragment k+1, so a syntax error in
        // fragment k+1 wins over a conflict there.
        let mut pos = Pos::Top;
        let mut depth = 0usize;
        let frags = Frags::new(text, Span::between(start, key_end.max(start)));
        let mut known = 0u16;
        let mut prev: Option<Frag> = None;
        for f in frags.take(nfrags) {
            if let Some(pf) = prev {
                // Dictionary put for the prefix ending at `pf` (a bad fragment always comes
                // after every fragment walked here).
                self.put_dict(pos, key, pf)?;
                self.odd_prefix_conflict(key, depth)?;
            }
            pos = self.descend(pos, f, key);
            if pos != Pos::Odd && pos != Pos::Overflow {
                known = known.saturating_add(1);
            }
            prev = Some(f);
            depth = depth.saturating_add(1);
        }
        if let Some(f) = bad {
            if f.len == 0 {
                return Err(fail_key(
                    self.err,
                    Status::Syntax,
                    start,
                    "Invalid parameter '",
                    key_text,
                    "'",
                ));
            }
            let m = self.err.begin(Status::Syntax, f.start);
            m.push(b"Parameter");
            m.push(bad_word.as_bytes());
            m.push(b" '");
            m.push(frag_bytes(text, f));
            m.push(b"' is too long");
            return Err(Failed);
        }
        if self.byte(key_end) != Some(b'=') {
            let k = text.get(start..key_end).unwrap_or(&[]);
            // The offending byte is where the `=` should be.
            return Err(fail_key(
                self.err,
                Status::Syntax,
                key_end,
                "Expected '=' after parameter '",
                k,
                "'",
            ));
        }
        // The value: up to a single comma; `,,` is an escaped comma.
        let vstart = key_end.saturating_add(1);
        let mut e = vstart;
        loop {
            match self.byte(e) {
                None => break,
                Some(b',') if self.byte(e.saturating_add(1)) == Some(b',') => {
                    e = e.saturating_add(2)
                }
                Some(b',') => break,
                Some(_) => e = e.saturating_add(1),
            }
        }
        let val = Span::between(vstart, e);
        let next = if self.byte(e) == Some(b',') {
            e.saturating_add(1)
        } else {
            e
        };
        self.put_value(pos, key, known, val)?;
        Ok(next)
    }

    /// Follow fragment `f` from `pos` in the schema's shape.
    fn descend(&mut self, pos: Pos, f: Frag, key: Span) -> Pos {
        let name = frag_bytes(self.text, f);
        let idx = f.index.map(|i| i as usize);
        match pos {
            Pos::Top => match self.stage.lookup(name) {
                Some(id) => {
                    if id == CPR_EXEC_COMMAND || id == BLOCK_BITMAP_MAPPING {
                        let slot = usize::from(id == BLOCK_BITMAP_MAPPING);
                        if !self.stage.params.get(id).is_some_and(|r| r.present()) {
                            if let Some(k) = self.stage.list_key_off.get_mut(slot) {
                                *k = key.off;
                            }
                        }
                    }
                    Pos::Param(id)
                }
                None => {
                    if !self.stage.unknown.present() {
                        let fs = Span::between(f.start, f.start.saturating_add(f.len));
                        self.stage.unknown = Raw::new(Tok::KvStr, fs);
                    }
                    Pos::Odd
                }
            },
            Pos::Param(CPR_EXEC_COMMAND) => match idx {
                Some(i) if i < EXEC_COMMAND_CAPACITY => Pos::Exec(i),
                Some(_) => self.overflow(CPR_EXEC_COMMAND, key),
                None => Pos::Odd,
            },
            Pos::Param(BLOCK_BITMAP_MAPPING) => match idx {
                Some(i) if i < BITMAP_NODE_CAPACITY => Pos::Node(i),
                Some(_) => self.overflow(BLOCK_BITMAP_MAPPING, key),
                None => Pos::Odd,
            },
            Pos::Node(n) if f.index.is_some() => {
                if let Some(node) = self.stage.kv.nodes.get_mut(n) {
                    node.list_like = true;
                }
                Pos::Odd
            }
            Pos::Bitmap(n, b) if f.index.is_some() => {
                if let Some(bm) = self.bm(n, b) {
                    bm.list_like |= 1;
                }
                Pos::Odd
            }
            Pos::Transform(n, b) if f.index.is_some() => {
                if let Some(bm) = self.bm(n, b) {
                    bm.list_like |= 2;
                }
                Pos::Odd
            }
            Pos::Node(n) => match name {
                b"node-name" => Pos::NodeName(n),
                b"alias" => Pos::NodeAlias(n),
                b"bitmaps" => Pos::NodeBitmaps(n),
                _ => {
                    if f.index.is_none() {
                        self.note_extra(n, 0, 0, fspan(f));
                    }
                    Pos::Odd
                }
            },
            Pos::NodeBitmaps(n) => match idx {
                Some(i) if i < BITMAP_CAPACITY => {
                    let b = u8::try_from(i).unwrap_or(u8::MAX);
                    let nn = u8::try_from(n).unwrap_or(u8::MAX);
                    if self.stage.kv.bitmap_slot(nn, b).is_some() {
                        Pos::Bitmap(n, i)
                    } else {
                        self.overflow(BLOCK_BITMAP_MAPPING, key)
                    }
                }
                Some(_) => self.overflow(BLOCK_BITMAP_MAPPING, key),
                None => Pos::Odd,
            },
            Pos::Bitmap(n, b) => match name {
                b"name" => Pos::BmName(n, b),
                b"alias" => Pos::BmAlias(n, b),
                b"transform" => Pos::Transform(n, b),
                _ => {
                    if f.index.is_none() {
                        self.note_extra(n, b.saturating_add(1), 0, fspan(f));
                    }
                    Pos::Odd
                }
            },
            Pos::Transform(n, b) => match name {
                b"persistent" => Pos::Persistent(n, b),
                _ => {
                    if f.index.is_none() {
                        self.note_extra(n, b.saturating_add(1), 1, fspan(f));
                    }
                    Pos::Odd
                }
            },
            Pos::Overflow => Pos::Overflow,
            _ => Pos::Odd,
        }
    }

    fn bm(&mut self, n: usize, b: usize) -> Option<&mut crate::stage::BitmapShape> {
        self.stage
            .kv
            .bitmap_slot(u8::try_from(n).ok()?, u8::try_from(b).ok()?)
    }

    fn note_extra(&mut self, node: usize, bitmap: usize, transform: u8, key: Span) {
        let at = ExtraAt {
            node: u8::try_from(node).unwrap_or(u8::MAX),
            bitmap: u8::try_from(bitmap).unwrap_or(u8::MAX),
            transform,
        };
        self.stage.note_extra(at, key);
    }

    fn overflow(&mut self, id: usize, key: Span) -> Pos {
        if self.stage.overflow.is_none() {
            self.stage.overflow = Some((u8::try_from(id).unwrap_or(u8::MAX), key.off));
        }
        Pos::Overflow
    }

    /// The stage slot of a known position.
    /// What a known position holds: a top-level parameter keeps its value's span; a list
    /// position only its kind (the value is read again from the text when needed).
    fn slot(&mut self, pos: Pos) -> Option<Slot<'_>> {
        if let Pos::Param(id) = pos {
            return self.stage.slot_mut(id).map(Slot::Raw);
        }
        let kv = &mut self.stage.kv;
        let tok = match pos {
            Pos::Param(_) => None,
            Pos::Exec(i) => kv.exec.get_mut(i),
            Pos::Node(n) => kv.nodes.get_mut(n).map(|x| &mut x.this),
            Pos::NodeName(n) => kv.nodes.get_mut(n).map(|x| &mut x.name),
            Pos::NodeAlias(n) => kv.nodes.get_mut(n).map(|x| &mut x.alias),
            Pos::NodeBitmaps(n) => kv.nodes.get_mut(n).map(|x| &mut x.bitmaps),
            Pos::Bitmap(n, b)
            | Pos::BmName(n, b)
            | Pos::BmAlias(n, b)
            | Pos::Transform(n, b)
            | Pos::Persistent(n, b) => {
                let bm = kv.bitmap_slot(u8::try_from(n).ok()?, u8::try_from(b).ok()?)?;
                Some(match pos {
                    Pos::Bitmap(..) => &mut bm.this,
                    Pos::BmName(..) => &mut bm.name,
                    Pos::BmAlias(..) => &mut bm.alias,
                    Pos::Transform(..) => &mut bm.transform,
                    _ => &mut bm.persistent,
                })
            }
            Pos::Top | Pos::Overflow | Pos::Odd => None,
        };
        tok.map(Slot::Tok)
    }

    fn inconsistent(&mut self, key: Span, upto: usize) -> Failed {
        let k = self.text.get(key.start()..upto).unwrap_or(&[]);
        fail_key(
            self.err,
            Status::Syntax,
            key.start(),
            "Parameters '",
            k,
            ".*' used inconsistently",
        )
    }

    /// The prefix ending at fragment `f` (at position `pos`) becomes a dictionary.
    fn put_dict(&mut self, pos: Pos, key: Span, f: Frag) -> Result<(), Failed> {
        let upto = f.start.saturating_add(f.len);
        if let Some(mut slot) = self.slot(pos) {
            match slot.tok() {
                Tok::KvStr => return Err(self.inconsistent(key, upto)),
                Tok::KvDict => {}
                _ => slot.set(Tok::KvDict, key),
            }
            self.count(pos);
        }
        Ok(())
    }

    /// Does an earlier odd key hold a value exactly at this key's prefix of `depth + 1`
    /// fragments (so this key cannot make it a dictionary)?
    fn odd_prefix_conflict(&mut self, key: Span, plen: usize) -> Result<(), Failed> {
        let want = plen;
        let depth = plen.saturating_sub(1);
        for o in self.odd.iter().take(self.nodd) {
            let (common, olen, _) = self.common(o.key, key);
            if olen == want && common == want {
                let upto = Frags::new(self.text, key)
                    .nth(depth)
                    .map_or(key.end(), |f| f.start.saturating_add(f.len));
                return Err(self.inconsistent(key, upto));
            }
        }
        Ok(())
    }

    /// Fragments two keys share from the start, and each one's fragment count.
    fn common(&self, a: Span, b: Span) -> (usize, usize, usize) {
        let mut fa = Frags::new(self.text, a);
        let mut fb = Frags::new(self.text, b);
        let mut common = 0usize;
        let mut na = 0usize;
        let mut nb = 0usize;
        let mut same = true;
        loop {
            let x = fa.next();
            let y = fb.next();
            if x.is_some() {
                na = na.saturating_add(1);
            }
            if y.is_some() {
                nb = nb.saturating_add(1);
            }
            match (x, y) {
                (Some(x), Some(y)) => {
                    if same && same_frag(self.text, x, y) {
                        common = common.saturating_add(1);
                    } else {
                        same = false;
                    }
                }
                (None, None) => break,
                _ => same = false,
            }
        }
        (common, na, nb)
    }

    /// Store the value of a complete key.
    fn put_value(&mut self, pos: Pos, key: Span, known: u16, val: Span) -> Result<(), Failed> {
        match pos {
            Pos::Overflow => Ok(()),
            Pos::Odd => self.put_odd(key, known),
            _ => match self.slot(pos) {
                Some(slot) if slot.tok() == Tok::KvDict => Err(self.inconsistent(key, key.end())),
                Some(mut slot) => {
                    slot.set(Tok::KvStr, val);
                    self.count(pos);
                    Ok(())
                }
                None => Ok(()),
            },
        }
    }

    /// Keep list lengths (highest index + 1) up to date.
    fn count(&mut self, pos: Pos) {
        let st = &mut self.stage.kv;
        let up = |n: &mut u8, i: usize| {
            let v = u8::try_from(i.saturating_add(1)).unwrap_or(u8::MAX);
            *n = (*n).max(v);
        };
        match pos {
            Pos::Exec(i) => up(&mut st.nexec, i),
            Pos::Node(n) | Pos::NodeName(n) | Pos::NodeAlias(n) | Pos::NodeBitmaps(n) => {
                up(&mut st.nnodes, n)
            }
            Pos::Bitmap(n, b)
            | Pos::BmName(n, b)
            | Pos::BmAlias(n, b)
            | Pos::Transform(n, b)
            | Pos::Persistent(n, b) => {
                up(&mut st.nnodes, n);
                if let Some(node) = st.nodes.get_mut(n) {
                    up(&mut node.nbitmaps, b);
                }
            }
            _ => {}
        }
    }

    fn put_odd(&mut self, key: Span, known: u16) -> Result<(), Failed> {
        for i in 0..self.nodd {
            let Some(o) = self.odd.get(i).copied() else {
                break;
            };
            let (common, olen, klen) = self.common(o.key, key);
            if common == klen && olen > klen {
                return Err(self.inconsistent(key, key.end()));
            }
            if common == klen && olen == klen {
                // The same key again: the last value wins, at the first one's place.
                return Ok(());
            }
        }
        if let Some(slot) = self.odd.get_mut(self.nodd) {
            *slot = Odd { key, known };
            self.nodd = self.nodd.saturating_add(1);
        }
        Ok(())
    }
}

/// Offset to be found when reported (the first key below the dictionary): finding it means
/// reading the text again, which only the reported error needs.
const LATER: usize = usize::MAX;

/// A list-conversion failure and where QEMU's walk would meet it.
struct Candidate {
    /// Path fragments of the dictionary (names, or indices as numbers).
    path: PathBuf,
    err: Judgement,
}

/// Why list conversion fails for a dictionary.
#[derive(Clone, Copy)]
struct Judgement {
    /// `None`: list indices mixed with member names; `Some(n)`: element `n` is missing.
    missing: Option<u32>,
    /// Offset to report.
    at: usize,
}

/// A short path of fragments for ordering candidates: up to six fragments (the deepest
/// path in the schema's shape has six; odd keys are compared on their first six).
#[derive(Clone, Copy, Default)]
struct PathBuf {
    frags: [PackedFrag; 6],
    len: usize,
}

/// A [`PathFrag`] in eight bytes: kind in the top two bits; a text fragment keeps its
/// offset in bits 28..60 and its length (at most `TEXT_MAX`) in bits 0..28.
#[derive(Clone, Copy, Default)]
struct PackedFrag(u64);

impl PackedFrag {
    fn pack(f: PathFrag) -> PackedFrag {
        PackedFrag(match f {
            PathFrag::None => 0,
            PathFrag::Name(n) => 1 << 62 | u64::from(n.index()),
            PathFrag::Index(i) => 2 << 62 | u64::from(i),
            PathFrag::Text(s) => 3 << 62 | u64::from(s.off) << 28 | u64::from(s.len & 0x0FFF_FFFF),
        })
    }

    fn get(self) -> PathFrag {
        let v = self.0;
        match v >> 62 {
            1 => PathFrag::Name(schema::Name::from_index((v & 0xFFFF) as u16)),
            2 => PathFrag::Index((v & 0xFFFF_FFFF) as u32),
            3 => PathFrag::Text(Span {
                off: ((v >> 28) & 0xFFFF_FFFF) as u32,
                len: (v & 0x0FFF_FFFF) as u32,
            }),
            _ => PathFrag::None,
        }
    }
}

#[derive(Clone, Copy, Default)]
enum PathFrag {
    #[default]
    None,
    Name(schema::Name),
    Index(u32),
    Text(Span),
}

impl PathBuf {
    fn push(&mut self, f: PathFrag) {
        if let Some(slot) = self.frags.get_mut(self.len) {
            *slot = PackedFrag::pack(f);
            self.len = self.len.saturating_add(1);
        }
    }
}

fn frag_bucket(text: &[u8], f: PathFrag) -> u32 {
    match f {
        PathFrag::None => 0,
        PathFrag::Name(n) => qdict_bucket(n.as_str().as_bytes()),
        PathFrag::Text(s) => qdict_bucket(s.of(text)),
        PathFrag::Index(i) => {
            let mut buf = [0u8; 20];
            let s = fmt_u32(i, &mut buf);
            qdict_bucket(s)
        }
    }
}

fn frag_eq(text: &[u8], a: PathFrag, b: PathFrag) -> bool {
    let mut x = [0u8; 20];
    let mut y = [0u8; 20];
    let ab: &[u8] = match a {
        PathFrag::None => b"",
        PathFrag::Name(n) => n.as_str().as_bytes(),
        PathFrag::Text(s) => s.of(text),
        PathFrag::Index(i) => fmt_u32(i, &mut x),
    };
    let bb: &[u8] = match b {
        PathFrag::None => b"",
        PathFrag::Name(n) => n.as_str().as_bytes(),
        PathFrag::Text(s) => s.of(text),
        PathFrag::Index(i) => fmt_u32(i, &mut y),
    };
    ab == bb
}

/// Decimal digits of `v` in `buf`.
pub(crate) fn fmt_u32(v: u32, buf: &mut [u8; 20]) -> &[u8] {
    crate::text::decimal(u64::from(v), buf)
}

/// Does QEMU's depth-first, children-first walk in QDict order meet `a` before `b`?
fn walks_before(text: &[u8], a: &PathBuf, b: &PathBuf) -> bool {
    let n = a.len.min(b.len);
    for (i, (pa, pb)) in a.frags.iter().zip(b.frags.iter()).take(n).enumerate() {
        let (fa, fb) = (pa.get(), pb.get());
        if !frag_eq(text, fa, fb) {
            let (ba, bb) = (frag_bucket(text, fa), frag_bucket(text, fb));
            if ba != bb {
                return ba < bb;
            }
            // One bucket: QDict puts the key it met last first.
            let upto = i.saturating_add(1);
            return first_use(text, a.frags.get(..upto).unwrap_or(&[]))
                > first_use(text, b.frags.get(..upto).unwrap_or(&[]));
        }
    }
    // One is inside the other: children are converted before their parent.
    a.len > b.len
}

/// Is key fragment `f` the path fragment `pf`?
fn frag_is(text: &[u8], pf: PathFrag, f: Frag) -> bool {
    match pf {
        PathFrag::Index(i) => f.index == Some(i),
        PathFrag::Name(n) => f.index.is_none() && frag_bytes(text, f) == n.as_str().as_bytes(),
        PathFrag::Text(s) => frag_bytes(text, f) == s.of(text),
        PathFrag::None => false,
    }
}

/// Does `key` start with the fragments of `prefix`?
fn key_under(text: &[u8], key: Span, prefix: &[PackedFrag]) -> bool {
    let mut fr = Frags::new(text, key);
    prefix
        .iter()
        .all(|pf| fr.next().is_some_and(|f| frag_is(text, pf.get(), f)))
}

/// Where the first item whose key runs through `prefix` starts: when QEMU's keyval put
/// the prefix's last fragment into its dictionary.
#[cold]
fn first_use(text: &[u8], prefix: &[PackedFrag]) -> usize {
    items(text)
        .find(|(k, _)| key_under(text, *k, prefix))
        .map_or(0, |(k, _)| k.start())
}

/// What a dictionary's children look like, for list conversion.
#[derive(Default)]
struct Children {
    index: bool,
    member: bool,
    /// Indices present below 64.
    present: u64,
    /// Some index of 64 or more.
    high: bool,
}

impl Children {
    fn add_index(&mut self, i: u32) {
        self.index = true;
        if i < 64 {
            self.present |= 1u64 << i;
        } else {
            self.high = true;
        }
    }

    /// The error list conversion gives for this dictionary, if any. Indices of 64 or more
    /// are beyond every capacity: reported as a gap only when one exists below 64.
    fn judge(&self, key_off: usize) -> Option<Judgement> {
        if !self.index {
            return None;
        }
        if self.member {
            return Some(Judgement {
                missing: None,
                at: key_off,
            });
        }
        let missing = (!self.present).trailing_zeros();
        let top = 64u32.saturating_sub(self.present.leading_zeros());
        if missing < 64 && (missing < top || self.high) {
            return Some(Judgement {
                missing: Some(missing),
                at: key_off,
            });
        }
        None
    }
}

fn push_path(m: &mut Message, text: &[u8], path: &PathBuf) {
    for (i, f) in path.frags.iter().take(path.len).enumerate() {
        if i > 0 {
            m.push(b".");
        }
        match f.get() {
            PathFrag::None => {}
            PathFrag::Name(n) => m.push(n.as_str().as_bytes()),
            PathFrag::Text(s) => m.push(s.of(text)),
            PathFrag::Index(v) => {
                let mut buf = [0u8; 20];
                m.push(fmt_u32(v, &mut buf));
            }
        }
    }
}

impl Parser<'_, '_, '_> {
    fn consider(&self, best: &mut Option<Candidate>, path: PathBuf, err: Option<Judgement>) {
        let Some(err) = err else { return };
        let better = match best {
            None => true,
            Some(b) => walks_before(self.text, &path, &b.path),
        };
        if better {
            *best = Some(Candidate { path, err });
        }
    }

    /// Add the children odd keys give the dictionary at `prefix` (a known position whose
    /// path has `depth` fragments and is spelled like the first `depth` of `like`).
    fn odd_children(&self, c: &mut Children, depth: usize, matches: impl Fn(&Odd) -> bool) {
        for o in self.odd.iter().take(self.nodd) {
            if usize::from(o.known) != depth || !matches(o) {
                continue;
            }
            if let Some(f) = Frags::new(self.text, o.key).nth(depth) {
                match f.index {
                    Some(i) => c.add_index(i),
                    None => c.member = true,
                }
            }
        }
    }

    /// Does odd key `o` start with the known path `path`?
    fn odd_under(&self, o: &Odd, path: &PathBuf) -> bool {
        let mut fr = Frags::new(self.text, o.key);
        for pf in path.frags.iter().take(path.len) {
            let Some(f) = fr.next() else { return false };
            if !frag_is(self.text, pf.get(), f) {
                return false;
            }
        }
        true
    }

    fn known_dict(&self, best: &mut Option<Candidate>, path: PathBuf, mut c: Children, off: usize) {
        self.odd_children(&mut c, path.len, |o| self.odd_under(o, &path));
        let err = c.judge(off);
        self.consider(best, path, err);
    }

    /// List conversion: find the error QEMU's walk meets first.
    #[inline(never)]
    fn listify(&mut self) -> Result<(), Failed> {
        let st = &*self.stage;
        // Only dictionaries can need converting.
        if self.nodd == 0 && !st.params_where(|r| r.tok() == Tok::KvDict) {
            return Ok(());
        }
        let mut best: Option<Candidate> = None;
        // Scalar parameters that became dictionaries.
        for (id, raw) in st.params.iter().enumerate() {
            if raw.tok() != Tok::KvDict {
                continue;
            }
            if schema::slot_name(id).is_none() {
                continue;
            }
            let kind = schema::def(id).map_or(Kind::Bool, |d| d.kind);
            let mut path = PathBuf::default();
            path.push(PathFrag::Name(schema::Name::slot(id)));
            let mut c = Children::default();
            let off = match kind {
                Kind::StrList => {
                    for (i, &e) in st.kv.exec.iter().enumerate() {
                        if e != Tok::Absent {
                            c.add_index(i as u32);
                        }
                        if e == Tok::KvDict {
                            let mut p2 = path;
                            p2.push(PathFrag::Index(i as u32));
                            self.known_dict(&mut best, p2, Children::default(), LATER);
                        }
                    }
                    st.list_key_off.first().copied().unwrap_or(0)
                }
                Kind::BitmapMapping => {
                    self.listify_bbm(&mut best, &path, &mut c);
                    st.list_key_off.get(1).copied().unwrap_or(0)
                }
                _ => raw.span().off,
            };
            if id == CPR_EXEC_COMMAND && st.overflow.is_some_and(|(oid, _)| usize::from(oid) == id)
            {
                c.high = true;
                c.index = true;
            }
            self.known_dict(&mut best, path, c, off as usize);
        }
        // Dictionaries made only of odd keys.
        for (i, o) in self.odd.iter().take(self.nodd).enumerate() {
            self.odd_dicts(&mut best, i, o);
        }
        let Some(c) = best else { return Ok(()) };
        let at = if c.err.at == LATER {
            self.first_key_under(&c.path)
        } else {
            c.err.at
        };
        let m = self.err.begin(Status::Syntax, at);
        match c.err.missing {
            None => {
                m.push(b"Parameters '");
                push_path(m, self.text, &c.path);
                m.push(b".*' used inconsistently");
            }
            Some(n) => {
                m.push(b"Parameter '");
                push_path(m, self.text, &c.path);
                m.push(b".");
                let mut buf = [0u8; 20];
                m.push(fmt_u32(n, &mut buf));
                m.push(b"' missing");
            }
        }
        Err(Failed)
    }

    #[inline(never)]
    fn listify_bbm(&self, best: &mut Option<Candidate>, path: &PathBuf, c: &mut Children) {
        let kv = &self.stage.kv;
        for (n, node) in kv.nodes.iter().enumerate() {
            if node.this == Tok::Absent {
                continue;
            }
            c.add_index(n as u32);
            if node.this != Tok::KvDict {
                continue;
            }
            let mut np = *path;
            np.push(PathFrag::Index(n as u32));
            let mut nc = Children::default();
            for (m, tok) in [
                ("node-name", node.name),
                ("alias", node.alias),
                ("bitmaps", node.bitmaps),
            ] {
                if tok == Tok::Absent {
                    continue;
                }
                nc.member = true;
                let mut mp = np;
                mp.push(PathFrag::Name(schema::Name::of(m)));
                if tok == Tok::KvDict && m != "bitmaps" {
                    self.known_dict(best, mp, Children::default(), LATER);
                }
                if tok == Tok::KvDict && m == "bitmaps" {
                    let mut bc = Children::default();
                    for bm in kv.bitmaps.iter().take(usize::from(kv.nbitmaps)) {
                        if usize::from(bm.node()) != n || bm.this == Tok::Absent {
                            continue;
                        }
                        bc.add_index(u32::from(bm.index()));
                        if bm.this != Tok::KvDict {
                            continue;
                        }
                        let mut bp = mp;
                        bp.push(PathFrag::Index(u32::from(bm.index())));
                        let mut bcc = Children::default();
                        for (bn, btok) in [
                            ("name", bm.name),
                            ("alias", bm.alias),
                            ("transform", bm.transform),
                        ] {
                            if btok == Tok::Absent {
                                continue;
                            }
                            bcc.member = true;
                            if btok == Tok::KvDict {
                                let mut tp = bp;
                                tp.push(PathFrag::Name(schema::Name::of(bn)));
                                let mut tc = Children::default();
                                if bn == "transform" && bm.persistent != Tok::Absent {
                                    tc.member = true;
                                    if bm.persistent == Tok::KvDict {
                                        let mut pp = tp;
                                        pp.push(PathFrag::Name(schema::Name::of("persistent")));
                                        self.known_dict(best, pp, Children::default(), LATER);
                                    }
                                }
                                self.known_dict(best, tp, tc, LATER);
                            }
                        }
                        self.known_dict(best, bp, bcc, LATER);
                    }
                    self.known_dict(best, mp, bc, LATER);
                }
            }
            self.known_dict(best, np, nc, LATER);
        }
    }

    /// Offset of the first key below a dictionary of the schema's shape.
    fn first_key_under(&self, path: &PathBuf) -> usize {
        let mut p = [crate::lists::P::I(0); 6];
        for (d, f) in p.iter_mut().zip(path.frags.iter().take(path.len)) {
            *d = match f.get() {
                PathFrag::Name(n) => crate::lists::P::N(n.as_str()),
                PathFrag::Index(i) => crate::lists::P::I(i),
                PathFrag::Text(_) | PathFrag::None => crate::lists::P::N(""),
            };
        }
        let p = p.get(..path.len).unwrap_or(&[]);
        find_first_under(self.text, p).map_or(0, |s| s.start())
    }

    /// List conversion of the dictionaries that lie wholly outside the schema's shape,
    /// below odd key `i`; each dictionary is judged once, from the first key under it.
    #[inline(never)]
    fn odd_dicts(&self, best: &mut Option<Candidate>, i: usize, o: &Odd) {
        let text = self.text;
        let known = usize::from(o.known);
        // One cursor per odd key, advanced in lock step with this key's fragments, so a
        // long key costs its length, not its length squared. `alive`: keys that share every
        // fragment so far with this one.
        let mut cursors = [(0usize, true); ODD_CAPACITY];
        let mut alive: u32 = 0;
        for (j, oj) in self.odd.iter().enumerate().take(self.nodd) {
            alive |= 1u32 << j;
            if let Some(c) = cursors.get_mut(j) {
                *c = (oj.key.start(), true);
            }
        }
        let next_of = |j: usize, cur: &mut (usize, bool)| -> Option<Frag> {
            let oj = self.odd.get(j)?;
            let mut it = Frags {
                text,
                pos: cur.0,
                end: oj.key.end(),
                first: cur.1,
            };
            let f = it.next();
            *cur = (it.pos, it.first);
            f
        };
        let mut mine = Frags::new(text, o.key).peekable();
        let mut path = PathBuf::default();
        let mut d = 0usize;
        while let Some(f) = mine.next() {
            // Narrow to the keys that share fragment d.
            let mut next_alive = 0u32;
            for j in 0..self.nodd {
                let Some(cur) = cursors.get_mut(j) else { break };
                if alive & (1u32 << j) != 0
                    && next_of(j, cur).is_some_and(|g| same_frag(text, f, g))
                {
                    next_alive |= 1u32 << j;
                }
            }
            alive = next_alive;
            path.push(match f.index {
                Some(v) => PathFrag::Index(v),
                None => PathFrag::Text(Span::between(f.start, f.start.saturating_add(f.len))),
            });
            d = d.saturating_add(1);
            // A dictionary: this prefix has a successor. Judge it once, from its first key.
            if d <= known || mine.peek().is_none() || alive.trailing_zeros() as usize != i {
                continue;
            }
            let mut c = Children::default();
            for j in 0..self.nodd {
                if alive & (1u32 << j) == 0 {
                    continue;
                }
                let Some(&(pos, first)) = cursors.get(j) else {
                    break;
                };
                let Some(oj) = self.odd.get(j) else { break };
                let mut it = Frags {
                    text,
                    pos,
                    end: oj.key.end(),
                    first,
                };
                if let Some(g) = it.next() {
                    match g.index {
                        Some(v) => c.add_index(v),
                        None => c.member = true,
                    }
                }
            }
            let err = c.judge(o.key.start());
            self.consider(best, path, err);
        }
    }
}

/// Does the key of the item at `key` name `path` exactly (`prefix`: or a position below it)?
fn key_is(text: &[u8], key: Span, path: &[crate::lists::P], prefix: bool) -> bool {
    use crate::lists::P;
    let mut frags = Frags::new(text, key);
    for want in path {
        let Some(f) = frags.next() else { return false };
        let ok = match *want {
            P::N(n) => f.index.is_none() && frag_bytes(text, f) == n.as_bytes(),
            P::I(i) => f.index == Some(i),
        };
        if !ok {
            return false;
        }
    }
    frags.next().is_some() == prefix
}

/// End of the key of an item starting at `p`: the first `=` or `,`, or the end of `s`.
pub(crate) fn key_end(s: &[u8], p: usize) -> usize {
    let rest = s.get(p..).unwrap_or(&[]);
    p.saturating_add(find2(rest, b'=', b',').unwrap_or(rest.len()))
}

/// End of a value starting at `p`: the next single `,` (a doubled comma is an escaped
/// one), or the end of `s`.
pub(crate) fn value_end(s: &[u8], mut p: usize) -> usize {
    loop {
        match s.get(p..).and_then(|r| find2(r, b',', b',')) {
            None => return s.len().max(p),
            Some(i) => {
                let c = p.saturating_add(i);
                if s.get(c.saturating_add(1)) == Some(&b',') {
                    p = c.saturating_add(2);
                } else {
                    return c;
                }
            }
        }
    }
}

/// Keys and values of the items of text the parser has accepted (help items skipped).
fn items(text: &[u8]) -> impl Iterator<Item = (Span, Span)> + '_ {
    let mut pos = 0usize;
    core::iter::from_fn(move || loop {
        if pos >= text.len() {
            return None;
        }
        let kend = key_end(text, pos);
        if text.get(kend) != Some(&b'=') {
            // A help item.
            pos = kend.saturating_add(1);
            continue;
        }
        let vstart = kend.saturating_add(1);
        let e = value_end(text, vstart);
        let item = (Span::between(pos, kend), Span::between(vstart, e));
        pos = e.saturating_add(1);
        return Some(item);
    })
}

/// For every item whose key is below `path`, the fragment right after it (the keys of
/// the dictionary at `path`, with repeats; the empty path is the top level), in text the
/// parser has accepted.
pub(crate) fn keys_under<'a>(
    text: &'a [u8],
    path: &'a [crate::lists::P],
) -> impl Iterator<Item = Span> + 'a {
    items(text)
        .filter(move |(k, _)| key_is(text, *k, path, true))
        .filter_map(move |(k, _)| Frags::new(text, k).nth(path.len()).map(fspan))
}

/// The last item whose key names `path` (key and value spans), in text the parser has
/// accepted.
pub(crate) fn find_last(text: &[u8], path: &[crate::lists::P]) -> Option<(Span, Span)> {
    items(text)
        .filter(|(k, _)| key_is(text, *k, path, false))
        .last()
}

/// The key of the first item below `path`.
pub(crate) fn find_first_under(text: &[u8], path: &[crate::lists::P]) -> Option<Span> {
    items(text)
        .find(|(k, _)| key_is(text, *k, path, true))
        .map(|(k, _)| k)
}
