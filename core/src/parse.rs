//! The whole parse: front end, typed visit, checks, then the commit into the table.
//! Nothing is written to the table before every step has passed.

use crate::check::{self, Values};
use crate::error::{Error, Failed, Status};
use crate::lists::Lists;
use crate::schema::{self, Kind, BITMAP_CAPACITY, PARAM_COUNT, STRING_CAPACITY};
use crate::stage::{Stage, Syntax, TEXT_MAX};
use crate::table::{Dst, Params, Src};
use crate::text::StrRef;
use crate::visit::{self, str_of, Typed};
use crate::{json, keyval};

/// Opt-in behaviour for a parse.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    /// A `help`/`?` item gives `Status::Help` (the `-incoming` family) instead of QEMU's
    /// "Help is not available" error.
    pub help: bool,
    /// Capabilities are accepted as bools beside the parameters (an extension).
    pub capabilities: bool,
    /// Members marked unstable are refused (QEMU's `-compat unstable-input=reject`).
    pub reject_unstable: bool,
}

/// Slots the input may name: the members of the table's target release, and the
/// capabilities when asked for.
fn known_slots(p: &Params, flags: Flags) -> u64 {
    let target = p.target();
    if target == schema::NEWEST {
        // The usual case, worked out at compile time (this runs on every parse).
        return if flags.capabilities {
            NEWEST_PARAMS | NEWEST_CAPS << PARAM_COUNT
        } else {
            NEWEST_PARAMS
        };
    }
    let mut known = 0u64;
    for (id, d) in schema::PARAMS.iter().enumerate() {
        if schema::exists_in(d.since, d.removed, target) {
            known |= 1u64 << id;
        }
    }
    if flags.capabilities {
        for (i, c) in schema::CAPS.iter().enumerate() {
            if schema::exists_in(c.since, c.removed, target) {
                known |= 1u64 << (PARAM_COUNT.saturating_add(i));
            }
        }
    }
    known
}

/// The parameters of the newest release, by id.
const NEWEST_PARAMS: u64 =
    schema::param_mask!(|d| schema::exists_in(d.since, d.removed, schema::NEWEST));

/// The capabilities of the newest release, by position.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // compile time only
const NEWEST_CAPS: u64 = {
    let mut m = 0u64;
    let mut i = 0;
    while i < schema::CAP_COUNT {
        let c = &schema::CAPS[i];
        if schema::exists_in(c.since, c.removed, schema::NEWEST) {
            m |= 1 << i;
        }
        i += 1;
    }
    m
};

/// Staged values over a table over the defaults.
struct Merged<'a> {
    text: &'a [u8],
    stage: &'a Stage,
    typed: &'a Typed,
    table: &'a Params,
}

impl Merged<'_> {
    fn staged(&self, id: usize) -> bool {
        self.typed.set & (1u64 << id) != 0
    }
}

impl Values for Merged<'_> {
    fn scalar(&self, id: usize) -> u64 {
        if self.staged(id) {
            self.typed.vals.get(id).copied().unwrap_or(0)
        } else if self.table.is_set(id) {
            self.table.vals.get(id).copied().unwrap_or(0)
        } else {
            schema::def(id).map_or(0, |d| d.default)
        }
    }

    fn nodes(&self) -> usize {
        if self.staged(schema::BLOCK_BITMAP_MAPPING) {
            Lists::new(self.text, self.stage).nodes_len()
        } else {
            self.table.nodes_len()
        }
    }

    fn node(&self, i: usize) -> (StrRef<'_>, StrRef<'_>, usize) {
        if self.staged(schema::BLOCK_BITMAP_MAPPING) {
            let n = Lists::new(self.text, self.stage).node(i);
            (
                str_of(self.text, n.name),
                str_of(self.text, n.alias),
                usize::from(n.nbitmaps),
            )
        } else {
            check::table_node(Some(self.table), i)
        }
    }

    fn bitmap(&self, i: usize, j: usize) -> (StrRef<'_>, StrRef<'_>) {
        if self.staged(schema::BLOCK_BITMAP_MAPPING) {
            match Lists::new(self.text, self.stage).bitmap(i, j) {
                Some(bm) => (str_of(self.text, bm.name), str_of(self.text, bm.alias)),
                None => (StrRef::Plain(&[]), StrRef::Plain(&[])),
            }
        } else {
            check::table_bitmap(Some(self.table), i, j)
        }
    }

    fn page_size(&self) -> u64 {
        u64::from(self.table.page_size())
    }

    fn tls_empty(&self) -> bool {
        if self.staged(schema::TLS_CREDS) {
            let raw = self
                .stage
                .params
                .get(schema::TLS_CREDS)
                .copied()
                .unwrap_or_default();
            str_of(self.text, raw).is_empty()
        } else {
            self.table
                .string(schema::TLS_CREDS)
                .is_none_or(|s| s.is_empty())
        }
    }

    fn current_compressed_or_tls(&self) -> bool {
        self.table
            .scalar(schema::MULTIFD_COMPRESSION_ID)
            .unwrap_or(0)
            != 0
            || !self
                .table
                .string(schema::TLS_CREDS)
                .is_none_or(|s| s.is_empty())
    }

    fn caps(&self) -> u64 {
        let staged = self.typed.set >> PARAM_COUNT;
        (self.typed.caps & staged) | (self.table.caps().bits() & !staged)
    }

    fn maybe_changed(&self) -> u64 {
        self.typed.set | self.table.set
    }

    fn offset(&self, id: usize) -> usize {
        match self.stage.params.get(id) {
            Some(r) if self.staged(id) => r.at(),
            _ => self.text.len(),
        }
    }
}

#[cold]
fn capacity_error(text: &[u8], stage: &Stage, id: usize, err: &mut Error) -> Failed {
    let at = stage.params.get(id).map_or(text.len(), |r| r.at());
    let m = err.begin(Status::Capacity, at);
    m.push(b"Parameter '");
    m.push(schema::name(id).as_bytes());
    m.push(b"' does not fit: the strings of a table share ");
    let mut buf = [0u8; 20];
    m.push(crate::text::decimal(STRING_CAPACITY as u64, &mut buf));
    m.push(b" bytes");
    Failed
}

/// Parse `text` into `p`. On error `p` is unchanged.
pub fn parse(p: &mut Params, text: &[u8], flags: Flags) -> Result<Status, Error> {
    let mut err = Error::empty();
    match parse_into(p, text, flags, &mut err) {
        Ok(s) => Ok(s),
        Err(Failed) => Err(err),
    }
}

/// Parse `text` into `p`, writing any error into `err` (the one error object of the
/// whole parse, so none travels up the stack by value). On error `p` is unchanged.
pub fn parse_into(
    p: &mut Params,
    text: &[u8],
    flags: Flags,
    err: &mut Error,
) -> Result<Status, Failed> {
    let r = run(p, text, flags, err);
    if r.is_err() {
        err.seal();
    }
    r
}

fn run(p: &mut Params, text: &[u8], flags: Flags, err: &mut Error) -> Result<Status, Failed> {
    if text.len() > TEXT_MAX {
        return Err(err.fail(
            Status::Capacity,
            TEXT_MAX,
            "Text is longer than migcfg accepts (256 MiB)",
        ));
    }
    if let Some(at) = crate::text::find2(text, 0, 0) {
        return Err(err.fail(Status::Syntax, at, "Text contains a NUL byte"));
    }
    let json = text.first() == Some(&b'{');
    let mut stage = Stage::new(if json { Syntax::Json } else { Syntax::Keyval });
    stage.known = known_slots(p, flags);
    let front = if json {
        json::parse(text, &mut stage, err)
    } else {
        keyval::parse(text, &mut stage, flags.help, err)
    };
    if front.is_err() {
        return if err.status() == Status::Help {
            Ok(Status::Help)
        } else {
            Err(Failed)
        };
    }
    let mut typed = Typed::empty();
    visit::visit(text, &stage, flags.reject_unstable, &mut typed, err)?;
    let merged = Merged {
        text,
        stage: &stage,
        typed: &typed,
        table: p,
    };
    check::check(&merged, err)?;
    commit_staged(p, text, &stage, &typed, err)?;
    Ok(Status::Ok)
}

/// Ids of the parameters whose values live in the string arena.
const STRING_IDS: u64 =
    schema::param_mask!(|d| matches!(d.kind, Kind::Str | Kind::StrList | Kind::BitmapMapping));

/// Ids of the plain string parameters (their values are arena spans, not numbers).
const STR_IDS: u64 = schema::param_mask!(|d| matches!(d.kind, Kind::Str));

/// Copy the typed values of the ids in `mask` into the table (only those bits are
/// visited: most inputs set few).
fn copy_vals(p: &mut Params, typed: &Typed, mask: u64) {
    let mut rest = mask;
    while rest != 0 {
        let id = rest.trailing_zeros() as usize;
        rest &= rest.wrapping_sub(1);
        if let (Some(v), Some(&t)) = (p.vals.get_mut(id), typed.vals.get(id)) {
            *v = t;
        }
    }
}

/// Write what `stage`/`typed` set into `p` (strings from `text`); fails only on the string
/// capacity, before writing anything.
pub(crate) fn commit_staged(
    p: &mut Params,
    text: &[u8],
    stage: &Stage,
    typed: &Typed,
    err: &mut Error,
) -> Result<(), Failed> {
    let cap_set = typed.set >> PARAM_COUNT;
    if cap_set != 0 {
        p.caps = (p.caps & !cap_set) | (typed.caps & cap_set);
        p.caps_set |= cap_set;
    }
    let typed_params = typed.set & crate::stage::ALL_PARAMS;
    if (typed_params | p.set) & STRING_IDS == 0 {
        // No string anywhere: scalars only.
        copy_vals(p, typed, typed_params);
        p.set |= typed_params;
        return Ok(());
    }
    // Settle the arena's capacity before writing anything.
    let old = OldSpans::from(p);
    let mut total = 0usize;
    let mut over: Option<usize> = None;
    strings_old(text, stage, typed, &old, &mut |dst, src| {
        let len = match src {
            Src::Old(pk) => (pk >> 16) as usize,
            Src::New(s) => s.len(),
        };
        total = total.saturating_add(len);
        if total > STRING_CAPACITY && over.is_none() {
            over = Some(match dst {
                Dst::Param(id) => id,
                Dst::Exec(_) => schema::CPR_EXEC_COMMAND,
                _ => schema::BLOCK_BITMAP_MAPPING,
            });
        }
    });
    if let Some(id) = over {
        return Err(capacity_error(text, stage, id, err));
    }
    // Scalars and counts.
    copy_vals(p, typed, typed_params & !STR_IDS);
    if typed.set & (1u64 << schema::BLOCK_BITMAP_MAPPING) != 0 {
        let lists = Lists::new(text, stage);
        let mut k = 0usize;
        for i in 0..lists.nodes_len() {
            let nb = lists.node(i).nbitmaps;
            if let Some(slot) = p.nodes.get_mut(i) {
                slot[2] = u32::from(nb);
            }
            for _ in 0..nb {
                let code = if k < BITMAP_CAPACITY {
                    (typed.transform >> k.wrapping_mul(2)) & 3
                } else {
                    0
                } as u8;
                if let Some(slot) = p.bitmaps.get_mut(k) {
                    slot[2] = u32::from(code);
                }
                k = k.saturating_add(1);
            }
        }
    }
    // The strings, laid out in place. The enumeration reads the old spans from a copy, as
    // relayout rewrites the table's as it goes.
    p.set |= typed_params;
    p.relayout(&|f| strings_old(text, stage, typed, &old, f));
    Ok(())
}

/// The old string spans of a table, copied before the relayout rewrites them.
struct OldSpans {
    set: u64,
    vals: [u32; 3],
    exec: [u32; schema::EXEC_COMMAND_CAPACITY],
    nexec: usize,
    nodes: [[u32; 3]; schema::BITMAP_NODE_CAPACITY],
    nnodes: usize,
    bitmaps: [[u32; 2]; BITMAP_CAPACITY],
}

impl OldSpans {
    // Not inlined: inlined, its copy of the spans sits in commit_staged's frame beside the
    // one it returns, on the deepest stack path.
    #[inline(never)]
    fn from(p: &Params) -> Self {
        if p.set & STRING_IDS == 0 {
            return OldSpans {
                set: p.set,
                vals: [0; 3],
                exec: [0; schema::EXEC_COMMAND_CAPACITY],
                nexec: 0,
                nodes: [[0; 3]; schema::BITMAP_NODE_CAPACITY],
                nnodes: 0,
                bitmaps: [[0; 2]; BITMAP_CAPACITY],
            };
        }
        let mut o = OldSpans {
            set: p.set,
            vals: [0; 3],
            exec: p.exec,
            nexec: p.exec_len(),
            nodes: p.nodes,
            nnodes: p.nodes_len(),
            bitmaps: [[0; 2]; BITMAP_CAPACITY],
        };
        for (i, id) in [
            schema::TLS_CREDS,
            schema::TLS_CREDS + 1,
            schema::TLS_CREDS + 2,
        ]
        .iter()
        .enumerate()
        {
            if let Some(v) = o.vals.get_mut(i) {
                *v = p.vals.get(*id).copied().unwrap_or(0) as u32;
            }
        }
        for (d, s) in o.bitmaps.iter_mut().zip(p.bitmaps.iter()) {
            *d = [s[0], s[1]];
        }
        // Bitmap counts as every reader sees them (a table of any bytes may claim billions).
        for (n, c) in o.nodes.iter_mut().zip(p.bitmap_counts()) {
            n[2] = c as u32;
        }
        o
    }
}

// Not inlined: an inlined copy puts its locals in commit_staged's frame, which is live
// on the deepest stack path (the relayout calls the other copy through a closure).
#[inline(never)]
fn strings_old<'a>(
    text: &'a [u8],
    stage: &'a Stage,
    typed: &'a Typed,
    old: &OldSpans,
    f: &mut dyn FnMut(Dst, Src<'a>),
) {
    let mut mask = (typed.set | old.set) & STRING_IDS;
    while mask != 0 {
        let id = mask.trailing_zeros() as usize;
        mask &= mask.wrapping_sub(1);
        let Some(d) = schema::def(id) else { break };
        let staged = typed.set & (1u64 << id) != 0;
        match d.kind {
            Kind::Str => {
                if staged {
                    let raw = stage.params.get(id).copied().unwrap_or_default();
                    f(Dst::Param(id), Src::New(str_of(text, raw)));
                } else {
                    let k = id.saturating_sub(schema::TLS_CREDS);
                    f(
                        Dst::Param(id),
                        Src::Old(old.vals.get(k).copied().unwrap_or(0)),
                    );
                }
            }
            Kind::StrList => {
                if staged {
                    let lists = Lists::new(text, stage);
                    for i in 0..lists.exec_len() {
                        f(Dst::Exec(i), Src::New(str_of(text, lists.exec(i))));
                    }
                } else {
                    for (i, pk) in old.exec.iter().take(old.nexec).enumerate() {
                        f(Dst::Exec(i), Src::Old(*pk));
                    }
                }
            }
            Kind::BitmapMapping => {
                let mut k = 0usize;
                if staged {
                    let lists = Lists::new(text, stage);
                    for i in 0..lists.nodes_len() {
                        let n = lists.node(i);
                        f(Dst::NodeName(i), Src::New(str_of(text, n.name)));
                        f(Dst::NodeAlias(i), Src::New(str_of(text, n.alias)));
                        for j in 0..usize::from(n.nbitmaps) {
                            let (a, b) = lists
                                .bitmap(i, j)
                                .map_or((StrRef::Plain(&[]), StrRef::Plain(&[])), |bm| {
                                    (str_of(text, bm.name), str_of(text, bm.alias))
                                });
                            f(Dst::BmName(k), Src::New(a));
                            f(Dst::BmAlias(k), Src::New(b));
                            k = k.saturating_add(1);
                        }
                    }
                } else {
                    for i in 0..old.nnodes {
                        let [nn, na, nb] = old.nodes.get(i).copied().unwrap_or_default();
                        f(Dst::NodeName(i), Src::Old(nn));
                        f(Dst::NodeAlias(i), Src::Old(na));
                        for _ in 0..nb {
                            let [bn, ba] = old.bitmaps.get(k).copied().unwrap_or_default();
                            f(Dst::BmName(k), Src::Old(bn));
                            f(Dst::BmAlias(k), Src::Old(ba));
                            k = k.saturating_add(1);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}
