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
//! schema's shape land in the fixed positions of a [`Stage`]; any other key (unknown,
//! nested where the schema has a scalar, or past a list's capacity) can only end in an
//! error, and up to [`ODD_CAPACITY`] of them are kept as spans so that their conflicts are
//! reported as QEMU reports them. List conversion reads the tree's dictionaries off the
//! accepted text: only one with an index among its keys can fail, and up to
//! [`LIST_DICT_CAPACITY`] of those are judged, each by one pass over the items; one with
//! indices of 64 or more and none missing below is past every capacity, and its conversion
//! gives the capacity error. Beyond either capacity the input is still rejected, possibly
//! with a later error than QEMU's.

use crate::error::{Error, Failed, Status};
use crate::lists::{over_capacity, over_capacity_of};
use crate::schema::{
    BITMAP_CAPACITY, BITMAP_NODE_CAPACITY, BLOCK_BITMAP_MAPPING, CPR_EXEC_COMMAND,
    EXEC_COMMAND_CAPACITY,
};
use crate::stage::{ExtraAt, Raw, Span, Stage, Tok};
use crate::text::find2;
use crate::value::qdict_bucket;

/// Longest key fragment QEMU accepts is this minus one.
pub(crate) const FRAGMENT_MAX: usize = 128;
/// Keys outside the schema's shape remembered per parse (for QEMU's exact error).
pub const ODD_CAPACITY: usize = 12;
/// Dictionaries with a list index among their keys judged by list conversion per parse.
/// The schema's shape has 10 (`cpr-exec-command`, `block-bitmap-mapping` and the bitmap
/// list of each of its nodes); any more means keys outside the shape, so the input is
/// refused anyway, possibly with a later error than QEMU's.
pub const LIST_DICT_CAPACITY: usize = 16;
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
    /// Keys outside the schema's shape (or past a list's capacity), for their conflicts.
    odd: [Span; ODD_CAPACITY],
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
        odd: [Span::default(); ODD_CAPACITY],
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
        let mut prev: Option<Frag> = None;
        for f in frags.take(nfrags) {
            if let Some(pf) = prev {
                // Dictionary put for the prefix ending at `pf` (a bad fragment always comes
                // after every fragment walked here).
                self.put_dict(pos, key, pf)?;
                self.odd_prefix_conflict(key, pf.start.saturating_add(pf.len))?;
            }
            pos = self.descend(pos, f, key);
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
        self.put_value(pos, key, val)?;
        Ok(next)
    }

    /// Follow fragment `f` from `pos` in the schema's shape.
    fn descend(&mut self, pos: Pos, f: Frag, key: Span) -> Pos {
        let name = frag_bytes(self.text, f);
        let idx = f.index.map(|i| i as usize);
        match pos {
            Pos::Top => match self.stage.lookup(name) {
                Some(id) => Pos::Param(id),
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
                Some(_) => {
                    self.stage.kv.over_nodes = true;
                    self.overflow(BLOCK_BITMAP_MAPPING, key)
                }
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
                        self.bitmap_overflow(n, key)
                    }
                }
                Some(_) => self.bitmap_overflow(n, key),
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
            // Below a key past a capacity, as anywhere outside the shape: kept for conflicts.
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

    /// A key past a list capacity: noted for the visit, which reports it where QEMU's
    /// visit would reach the element.
    fn overflow(&mut self, id: usize, key: Span) -> Pos {
        let first = if id == CPR_EXEC_COMMAND {
            &mut self.stage.over_exec
        } else {
            &mut self.stage.over_bbm
        };
        *first = first.or(Some(key.off));
        Pos::Overflow
    }

    /// A bitmap key of node `n` past a capacity.
    fn bitmap_overflow(&mut self, n: usize, key: Span) -> Pos {
        self.stage.kv.over_bitmaps |= 1u8 << (n & 7);
        self.overflow(BLOCK_BITMAP_MAPPING, key)
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

    /// Does an earlier odd key hold a value exactly at this key's prefix ending at `upto`
    /// (so this key cannot make it a dictionary)? Keys compare as QEMU's dictionaries
    /// compare them: as text.
    fn odd_prefix_conflict(&mut self, key: Span, upto: usize) -> Result<(), Failed> {
        let prefix = self.text.get(key.start()..upto).unwrap_or(&[]);
        if self
            .odd
            .iter()
            .take(self.nodd)
            .any(|o| o.of(self.text) == prefix)
        {
            return Err(self.inconsistent(key, upto));
        }
        Ok(())
    }

    /// Store the value of a complete key.
    fn put_value(&mut self, pos: Pos, key: Span, val: Span) -> Result<(), Failed> {
        match pos {
            // A key past a list's capacity conflicts as QEMU's would; the capacity error
            // comes only if nothing else is wrong.
            Pos::Overflow | Pos::Odd => self.put_odd(key),
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

    fn put_odd(&mut self, key: Span) -> Result<(), Failed> {
        let k = key.of(self.text);
        for &o in self.odd.iter().take(self.nodd) {
            if o.of(self.text) == k {
                // The same key again: the last value wins, at the first one's place.
                return Ok(());
            }
            if below(self.text, o, key).is_some() {
                return Err(self.inconsistent(key, key.end()));
            }
        }
        if let Some(slot) = self.odd.get_mut(self.nodd) {
            *slot = key;
            self.nodd = self.nodd.saturating_add(1);
        }
        Ok(())
    }
}

/// Does `key` run through the dictionary at `path` (a key prefix)? Then the rest of the
/// key after the `.` that follows `path`.
fn below(text: &[u8], key: Span, path: Span) -> Option<usize> {
    let k = key.of(text);
    let p = path.of(text);
    (k.starts_with(p) && k.get(p.len()) == Some(&b'.'))
        .then(|| key.start().saturating_add(p.len()).saturating_add(1))
}

/// Does QEMU's depth-first, children-first walk in QDict order meet the dictionary at `a`
/// before the one at `b` (key prefixes, compared as QEMU's dictionaries compare keys: as
/// text)?
fn walks_before(text: &[u8], a: Span, b: Span) -> bool {
    let mut fa = Frags::new(text, a);
    let mut fb = Frags::new(text, b);
    while let (Some(x), Some(y)) = (fa.next(), fb.next()) {
        let (kx, ky) = (frag_bytes(text, x), frag_bytes(text, y));
        if kx == ky {
            continue;
        }
        let (ba, bb) = (qdict_bucket(kx), qdict_bucket(ky));
        if ba != bb {
            return ba < bb;
        }
        // One bucket: QDict puts the key it met last first.
        let upto = |f: Frag, p: Span| Span::between(p.start(), f.start.saturating_add(f.len));
        return first_use(text, upto(x, a)) > first_use(text, upto(y, b));
    }
    // One is inside the other: children are converted before their parent.
    a.len > b.len
}

/// Where the first item whose key runs through the key prefix `path` (or is it) starts:
/// when QEMU's keyval put the prefix's last fragment into its dictionary.
#[cold]
fn first_use(text: &[u8], path: Span) -> usize {
    items(text)
        .find(|(k, _)| k.of(text) == path.of(text) || below(text, *k, path).is_some())
        .map_or(0, |(k, _)| k.start())
}

/// What a dictionary's children look like, for list conversion.
#[derive(Default)]
struct Children {
    member: bool,
    /// Indices present below 64.
    present: u64,
    /// The first item with an index of 64 or more.
    high: Option<usize>,
}

/// What list conversion makes of one dictionary.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// List indices mixed with member names.
    Mixed,
    /// Element `n` missing.
    Missing(u32),
    /// Indices past 63 and none missing below: whether one is missing past 63 is beyond
    /// what migcfg holds (the item with the first such index).
    Beyond(usize),
}

impl Children {
    fn add(&mut self, f: Frag, item: usize) {
        match f.index {
            Some(i) if i < 64 => self.present |= 1u64 << i,
            Some(_) => self.high = self.high.or(Some(item)),
            None => self.member = true,
        }
    }

    /// The error list conversion gives for this dictionary, if any. Indices of 64 or more
    /// are beyond every capacity: a gap below 64 is QEMU's error, one above cannot be told.
    fn judge(&self) -> Option<Verdict> {
        if self.present == 0 && self.high.is_none() {
            return None;
        }
        if self.member {
            return Some(Verdict::Mixed);
        }
        let missing = (!self.present).trailing_zeros();
        let top = 64u32.saturating_sub(self.present.leading_zeros());
        if missing < 64 && (missing < top || self.high.is_some()) {
            return Some(Verdict::Missing(missing));
        }
        self.high.map(Verdict::Beyond)
    }
}

impl Parser<'_, '_, '_> {
    /// List conversion: find the error QEMU's walk meets first. Only a dictionary with an
    /// index among its keys can fail; the first [`LIST_DICT_CAPACITY`] of them (in the
    /// order their first index appears) are judged. One whose conversion migcfg cannot
    /// judge (indices past 63) gives the capacity error where the walk meets it.
    #[inline(never)]
    fn listify(&mut self) -> Result<(), Failed> {
        let text = self.text;
        // Only dictionaries can need converting.
        if self.nodd == 0 && !self.stage.params_where(|r| r.tok() == Tok::KvDict) {
            return Ok(());
        }
        // The dictionaries with an index among their keys: key prefixes followed by one.
        let mut dicts = [Span::default(); LIST_DICT_CAPACITY];
        let mut n = 0usize;
        'collect: for (k, _) in items(text) {
            for f in Frags::new(text, k).filter(|f| f.index.is_some()) {
                let path = Span::between(k.start(), f.start.saturating_sub(1));
                if dicts.iter().take(n).any(|d| d.of(text) == path.of(text)) {
                    continue;
                }
                let Some(slot) = dicts.get_mut(n) else {
                    break 'collect;
                };
                *slot = path;
                n = n.saturating_add(1);
            }
        }
        // The failing dictionary the walk meets first, its error, and its first item.
        let mut best: Option<(Span, Verdict, usize)> = None;
        for &d in dicts.iter().take(n) {
            let mut c = Children::default();
            let mut first = None;
            for (k, _) in items(text) {
                if let Some(at) = below(text, k, d) {
                    first = first.or(Some(k.start()));
                    c.add(scan_frag(text, at, false), k.start());
                }
            }
            let Some(verdict) = c.judge() else { continue };
            if best.is_none_or(|(b, _, _)| walks_before(text, d, b)) {
                best = Some((d, verdict, first.unwrap_or(0)));
            }
        }
        let Some((d, verdict, at)) = best else {
            return Ok(());
        };
        let path = d.of(text);
        match verdict {
            Verdict::Beyond(item) => {
                // Named after the list parameter the dictionary is in, if any.
                let root = path.split(|&c| c == b'.').next().unwrap_or(&[]);
                let in_bbm = root == crate::schema::name(BLOCK_BITMAP_MAPPING).as_bytes();
                return Err(if in_bbm {
                    over_capacity(self.err, item, BLOCK_BITMAP_MAPPING)
                } else {
                    over_capacity_of(self.err, item, path)
                });
            }
            Verdict::Mixed => {
                let m = self.err.begin(Status::Syntax, at);
                m.push(b"Parameters '");
                m.push(path);
                m.push(b".*' used inconsistently");
            }
            Verdict::Missing(i) => {
                let m = self.err.begin(Status::Syntax, at);
                m.push(b"Parameter '");
                m.push(path);
                m.push(b".");
                m.push(crate::text::decimal(u64::from(i), &mut [0u8; 20]));
                m.push(b"' missing");
            }
        }
        Err(Failed)
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
