//! What a VMM needs once its migration object exists: the parameters that were set, as
//! typed values in schema order (capabilities after them), a re-check of the table over the
//! VMM's own defaults, and typed setters to build such a defaults table.

use crate::check::{self, Values};
use crate::error::{Error, Failed, Status};
use crate::parse::commit_staged;
use crate::schema::{self, Kind, Version, CAP_COUNT, PARAM_COUNT};
use crate::stage::{Raw, Span, Stage, Syntax, Tok};
use crate::table::Params;
use crate::text::StrRef;
use crate::visit::Typed;

/// A parameter's (or capability's) value, as the apply walk hands it out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value<'a> {
    /// `bool` parameter.
    Bool(bool),
    /// `uint8`/`uint32`/`uint64` parameter; the width in bits.
    Uint(u64, u8),
    /// `size` parameter.
    Size(u64),
    /// String parameter.
    Str(&'a [u8]),
    /// Enum parameter: index and name.
    Enum(u32, &'static str),
    /// `cpr-exec-command`: number of elements (read them with [`Params::exec`]).
    StrList(usize),
    /// `block-bitmap-mapping`: number of nodes (read them with [`Params::node`]).
    BitmapMapping(usize),
    /// A capability's state.
    Cap(bool),
}

/// What the apply walk visits: a parameter by id, or a capability by its bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    /// Parameter id.
    Param(usize),
    /// Capability bit (position in [`schema::CAPS`]).
    Cap(usize),
}

/// Iterator over what a table sets: parameters in schema order, then capabilities.
pub struct SetIter<'a> {
    p: &'a Params,
    next: usize,
}

impl<'a> Iterator for SetIter<'a> {
    type Item = (Item, Value<'a>);
    fn next(&mut self) -> Option<Self::Item> {
        while self.next < PARAM_COUNT.saturating_add(CAP_COUNT) {
            let slot = self.next;
            self.next = self.next.saturating_add(1);
            if slot < PARAM_COUNT {
                if let Some(v) = self.p.value(slot) {
                    return Some((Item::Param(slot), v));
                }
            } else {
                let bit = slot.saturating_sub(PARAM_COUNT);
                if let Some(on) = self.p.cap(bit) {
                    return Some((Item::Cap(bit), Value::Cap(on)));
                }
            }
        }
        None
    }
}

impl Params {
    /// What this table sets, as typed values: parameters in schema order, then
    /// capabilities in theirs.
    pub fn iter_set(&self) -> SetIter<'_> {
        SetIter { p: self, next: 0 }
    }

    /// The value of parameter `id` if it was set.
    pub fn value(&self, id: usize) -> Option<Value<'_>> {
        if !self.is_set(id) {
            return None;
        }
        self.get(id)
    }

    /// The effective value of parameter `id`: what was set, or the default (an unset
    /// `block-bitmap-mapping` has no value: `None`, as QEMU omits it; an unset
    /// `cpr-exec-command` is the empty list).
    pub fn get(&self, id: usize) -> Option<Value<'_>> {
        let d = schema::def(id)?;
        if d.kind == Kind::BitmapMapping && !self.is_set(id) {
            return None;
        }
        Some(match d.kind {
            Kind::Bool => Value::Bool(self.scalar(id)? != 0),
            Kind::Uint(w) => Value::Uint(self.scalar(id)?, w),
            Kind::Size => Value::Size(self.scalar(id)?),
            Kind::Str => Value::Str(self.string(id)?),
            Kind::Enum(vals) => {
                let i = self.scalar(id)?;
                Value::Enum(u32::try_from(i).ok()?, vals.get(usize::try_from(i).ok()?)?)
            }
            Kind::StrList => Value::StrList(self.exec_len()),
            Kind::BitmapMapping => Value::BitmapMapping(self.nodes_len()),
        })
    }

    /// Capability `bit`'s state if it was set.
    pub fn cap(&self, bit: usize) -> Option<bool> {
        if bit >= CAP_COUNT || self.caps_set & (1u64 << bit) == 0 {
            return None;
        }
        Some(self.caps & (1u64 << bit) != 0)
    }

    /// Capabilities that are on.
    pub fn caps(&self) -> schema::CapSet {
        schema::CapSet::from_bits_truncate(self.caps & self.caps_set)
    }

    /// Capabilities that were set, on or off.
    pub fn caps_set(&self) -> schema::CapSet {
        schema::CapSet::from_bits_truncate(self.caps_set)
    }

    /// Target QEMU release `major.minor`: members it does not have are unexpected in later
    /// parses. Major release 0 is refused.
    pub fn set_target(&mut self, major: u32, minor: u32) -> Result<(), Status> {
        let (Ok(major), Ok(minor)) = (u8::try_from(major), u8::try_from(minor)) else {
            return Err(Status::InvalidArg);
        };
        if (Version { major, minor }) < (Version { major: 1, minor: 0 }) {
            return Err(Status::InvalidArg);
        }
        self.target = u32::from(major) << 8 | u32::from(minor);
        Ok(())
    }

    /// Set an integer or size parameter directly (no checks: see [`Params::check_over`]).
    pub fn set_u64(&mut self, id: usize, v: u64) -> Result<(), Error> {
        owned(|e| self.set_u64_into(id, v, e))
    }

    /// [`Params::set_u64`] writing any error into `err`.
    pub fn set_u64_into(&mut self, id: usize, v: u64, err: &mut Error) -> Result<(), Failed> {
        let Some(d) = schema::def(id) else {
            return Err(err.fail(Status::InvalidArg, 0, "Bad parameter id"));
        };
        let ok = match d.kind {
            Kind::Uint(8) => v <= u64::from(u8::MAX),
            Kind::Uint(32) => v <= u64::from(u32::MAX),
            Kind::Uint(_) | Kind::Size => true,
            _ => return Err(err.fail(Status::InvalidArg, 0, "Parameter is not an integer")),
        };
        if !ok {
            let m = err.begin(Status::Value, 0);
            m.push(b"Parameter '");
            m.push(d.name.as_bytes());
            m.push(if d.kind == Kind::Uint(8) {
                b"' expects uint8_t".as_slice()
            } else {
                b"' expects uint32_t"
            });
            return Err(Failed);
        }
        self.set_scalar(id, v);
        Ok(())
    }

    /// Set a bool parameter directly.
    pub fn set_bool(&mut self, id: usize, v: bool) -> Result<(), Error> {
        owned(|e| self.set_bool_into(id, v, e))
    }

    /// [`Params::set_bool`] writing any error into `err`.
    pub fn set_bool_into(&mut self, id: usize, v: bool, err: &mut Error) -> Result<(), Failed> {
        match schema::def(id).map(|d| d.kind) {
            Some(Kind::Bool) => {
                self.set_scalar(id, u64::from(v));
                Ok(())
            }
            _ => Err(err.fail(Status::InvalidArg, 0, "Parameter is not a bool")),
        }
    }

    /// Set a capability directly.
    pub fn set_cap(&mut self, bit: usize, on: bool) -> Result<(), Status> {
        if bit >= CAP_COUNT {
            return Err(Status::InvalidArg);
        }
        self.caps_set |= 1u64 << bit;
        if on {
            self.caps |= 1u64 << bit;
        } else {
            self.caps &= !(1u64 << bit);
        }
        Ok(())
    }

    fn set_scalar(&mut self, id: usize, v: u64) {
        if let Some(slot) = self.vals.get_mut(id) {
            *slot = v;
            self.set |= 1u64 << id;
        }
    }

    /// Set a string parameter (any bytes), or an enum parameter by value name.
    pub fn set_str(&mut self, id: usize, s: &[u8]) -> Result<(), Error> {
        owned(|e| self.set_str_into(id, s, e))
    }

    /// [`Params::set_str`] writing any error into `err`.
    pub fn set_str_into(&mut self, id: usize, s: &[u8], err: &mut Error) -> Result<(), Failed> {
        let Some(d) = schema::def(id) else {
            return Err(err.fail(Status::InvalidArg, 0, "Bad parameter id"));
        };
        match d.kind {
            Kind::Enum(vals) => match vals.iter().position(|v| v.as_bytes() == s) {
                Some(i) => {
                    self.set_scalar(id, i as u64);
                    Ok(())
                }
                None => {
                    let m = err.begin(Status::Value, 0);
                    m.push(b"Parameter '");
                    m.push(d.name.as_bytes());
                    m.push(b"' does not accept value '");
                    m.push(s);
                    m.push(b"'");
                    Err(Failed)
                }
            },
            Kind::Str => {
                let mut stage = Stage::new(Syntax::Keyval);
                if let Some(r) = stage.slot_mut(id) {
                    *r = Raw::new(Tok::Plain, Span::between(0, s.len()));
                }
                let mut typed = Typed::empty();
                typed.set = 1u64 << id;
                commit_staged(self, s, &stage, &typed, err)
            }
            _ => Err(err.fail(Status::InvalidArg, 0, "Parameter is not a string")),
        }
    }

    /// Run every check on this table over `defaults` (the VMM's effective defaults: machine
    /// compat and `-global` values, as a table): what this table sets wins, the rest comes
    /// from `defaults` (set or built in). Messages are QEMU's; offsets are 0.
    pub fn check_over(&self, defaults: &Params) -> Result<(), Error> {
        owned(|e| self.check_over_into(Some(defaults), e))
    }

    /// [`Params::check_over`] writing any error into `err`; `None`: over the built-in
    /// defaults.
    pub fn check_over_into(
        &self,
        defaults: Option<&Params>,
        err: &mut Error,
    ) -> Result<(), Failed> {
        check::check(
            &Over {
                p: self,
                d: defaults,
            },
            err,
        )
    }
}

/// Run a step that writes its error into a sink, and hand the error out by value (the
/// Rust API's convenience; the C entry points pass the caller's error struct instead).
fn owned(step: impl FnOnce(&mut Error) -> Result<(), Failed>) -> Result<(), Error> {
    let mut err = Error::empty();
    match step(&mut err) {
        Ok(()) => Ok(()),
        Err(Failed) => {
            err.seal();
            Err(err)
        }
    }
}

/// A table over a defaults table.
struct Over<'a> {
    p: &'a Params,
    /// `None`: the built-in defaults.
    d: Option<&'a Params>,
}

impl Over<'_> {
    /// The table that holds parameter `id`: this one if it sets it, else the defaults
    /// table; `None` for the built-in defaults.
    fn pick(&self, id: usize) -> Option<&Params> {
        if self.p.is_set(id) {
            Some(self.p)
        } else {
            self.d
        }
    }
}

impl Values for Over<'_> {
    fn maybe_changed(&self) -> u64 {
        self.p.set | self.d.map_or(0, |d| d.set)
    }

    fn scalar(&self, id: usize) -> u64 {
        match self.pick(id) {
            Some(t) => t.scalar(id).unwrap_or(0),
            None => schema::def(id).map_or(0, |d| d.default),
        }
    }

    fn nodes(&self) -> usize {
        self.pick(schema::BLOCK_BITMAP_MAPPING)
            .map_or(0, Params::nodes_len)
    }

    fn node(&self, i: usize) -> (StrRef<'_>, StrRef<'_>, usize) {
        check::table_node(self.pick(schema::BLOCK_BITMAP_MAPPING), i)
    }

    fn bitmap(&self, i: usize, j: usize) -> (StrRef<'_>, StrRef<'_>) {
        check::table_bitmap(self.pick(schema::BLOCK_BITMAP_MAPPING), i, j)
    }

    fn page_size(&self) -> u64 {
        u64::from(self.p.page_size())
    }

    fn offset(&self, _id: usize) -> usize {
        0
    }

    fn caps(&self) -> u64 {
        let set = self.p.caps_set().bits();
        let d = self.d.map_or(0, |d| d.caps().bits());
        (self.p.caps().bits() & set) | (d & !set)
    }

    fn tls_empty(&self) -> bool {
        self.pick(schema::TLS_CREDS)
            .and_then(|t| t.string(schema::TLS_CREDS))
            .is_none_or(|s| s.is_empty())
    }

    fn current_compressed_or_tls(&self) -> bool {
        self.d.is_some_and(|d| {
            d.scalar(schema::MULTIFD_COMPRESSION_ID).unwrap_or(0) != 0
                || !d.string(schema::TLS_CREDS).is_none_or(|s| s.is_empty())
        })
    }
}
