//! The `-incoming` option family: what a VMM's `main()` collects from its command line
//! before any migration object exists.
//!
//! Each `-incoming` argument is added whole, as QEMU's `incoming_option_parse` (system/vl.c)
//! meets it:
//!
//! - `config:<text>`: migration parameters (keyval or JSON) into the early table. At most
//!   one per command line (Peter Xu's RFC); a `help`/`?` item asks for help instead.
//! - `defer`: the main channel will come from `migrate-incoming` later.
//! - a URI (`tcp:`, `unix:`, `vsock:`, `fd:`, `file:`, `exec:`, `rdma:`), always for the
//!   main channel, or a `MigrationChannel` object (keyval or JSON) for `main` or `cpr`.
//!
//! One slot per channel type: a later argument for a type replaces the earlier one (the
//! documented "last one takes precedence"), and `defer` is the main slot's value like any
//! channel. A rejected argument changes nothing.
//!
//! [`Incoming`] is made of integers only, so any bit pattern is a valid value and the
//! all-zero one is a fresh state (defaults, no channel, no config).

use crate::channel::{self, ChannelType, Slot, SlotState, Spec, Transport};
use crate::error::{Error, Failed, Status};
use crate::parse::{self, Flags};
use crate::schema;
use crate::stage::TEXT_MAX;
use crate::table::Params;

/// Bytes of inet option ids remembered across arguments (each with a NUL).
pub const IDS_CAPACITY: usize = 240;

/// Everything the `-incoming` arguments of one command line said.
#[repr(C)]
#[derive(Clone)]
pub struct Incoming {
    /// The early parameter table (first, so a pointer to it is a pointer to `Params`).
    params: Params,
    /// Raw parse flags, kept for the C layer (which validates them).
    flags: u32,
    /// Non-zero once a `config:` was accepted.
    config: u32,
    /// Bytes of `ids` in use.
    ids_len: u32,
    /// Reserved (zero).
    reserved: u32,
    /// The main and cpr slots.
    slots: [Slot; 2],
    /// `id` values of inet URI options, NUL-terminated: QEMU keeps every one it parsed in a
    /// process-wide list, and a second use is a "Duplicate ID".
    ids: [u8; IDS_CAPACITY],
}

impl Default for Incoming {
    fn default() -> Self {
        Self::new()
    }
}

impl Incoming {
    /// Every field equal, the early table compared with [`Params::identical`]: the whole
    /// state is the same, as a byte-for-byte comparison would find.
    pub fn identical(&self, other: &Incoming) -> bool {
        self.params.identical(&other.params)
            && self.flags == other.flags
            && self.config == other.config
            && self.ids_len == other.ids_len
            && self.reserved == other.reserved
            && self.slots == other.slots
            && self.ids == other.ids
    }

    /// A fresh state: default parameters, no channel, no config.
    pub const fn new() -> Self {
        Incoming {
            params: Params::new(),
            flags: 0,
            config: 0,
            ids_len: 0,
            reserved: 0,
            slots: [Slot::new(), Slot::new()],
            ids: [0; IDS_CAPACITY],
        }
    }

    /// Reset to a fresh state without clearing string storage (only its lengths).
    pub fn init(&mut self) {
        self.params.init();
        self.flags = 0;
        self.config = 0;
        self.ids_len = 0;
        self.reserved = 0;
        for s in self.slots.iter_mut() {
            s.clear();
        }
    }

    /// The raw parse flags stored by [`Incoming::set_flags_raw`].
    pub fn flags_raw(&self) -> u32 {
        self.flags
    }

    /// Store the parse flags a later `config:` is parsed with; the caller validates them.
    pub fn set_flags_raw(&mut self, flags: u32) {
        self.flags = flags;
    }

    /// Add one `-incoming` argument. `Ok(Status::Help)` for a `config:` that asks for help
    /// (nothing changes then). On error nothing changes; offsets count from the start of
    /// `arg`.
    pub fn add(&mut self, arg: &[u8], flags: Flags) -> Result<Status, Error> {
        let mut err = Error::empty();
        self.add_into(arg, flags, &mut err).map_err(|Failed| err)
    }

    /// [`Incoming::add`] writing any error into `err` (one error object for the whole
    /// argument, so none travels up the stack by value).
    pub fn add_into(
        &mut self,
        arg: &[u8],
        flags: Flags,
        err: &mut Error,
    ) -> Result<Status, Failed> {
        let r = self.run(arg, flags, err);
        if r.is_err() {
            err.seal();
        }
        r
    }

    fn run(&mut self, arg: &[u8], flags: Flags, err: &mut Error) -> Result<Status, Failed> {
        if arg.len() > TEXT_MAX {
            return Err(err.fail(
                Status::Capacity,
                TEXT_MAX,
                "Text is longer than migcfg accepts (256 MiB)",
            ));
        }
        if let Some(at) = arg.iter().position(|&b| b == 0) {
            return Err(err.fail(Status::Syntax, at, "Text contains a NUL byte"));
        }
        const CONFIG: &[u8] = b"config:";
        if let Some(text) = crate::text::strip(arg, CONFIG) {
            if self.config != 0 {
                return Err(err.fail(
                    Status::Channel,
                    0,
                    "Only one '-incoming config:' is allowed",
                ));
            }
            let f = Flags {
                help: true,
                ..flags
            };
            return match parse::parse_into(&mut self.params, text, f, err) {
                Ok(Status::Help) => Ok(Status::Help),
                Ok(s) => {
                    self.config = 1;
                    Ok(s)
                }
                Err(Failed) => {
                    err.offset = err.offset.saturating_add(CONFIG.len());
                    Err(Failed)
                }
            };
        }
        if arg == b"defer" {
            if let Some(s) = self.slots.get_mut(ChannelType::Main as usize) {
                s.set_defer();
            }
            return Ok(Status::Ok);
        }
        self.channel(arg, err)
    }

    /// A URI or `MigrationChannel` argument. Out of line: the config path (the deepest
    /// user of the stack) carries none of its locals.
    #[inline(never)]
    fn channel(&mut self, arg: &[u8], err: &mut Error) -> Result<Status, Failed> {
        let used = self.ids.get(..self.ids_len as usize).unwrap_or(&[]);
        let mut spec = Spec::new(ChannelType::Main, Transport::Socket);
        channel::parse(arg, used, &mut spec, err)?;
        channel::fits(&spec, err)?;
        // Room for the id QEMU would now remember, before anything is written.
        let id_len = spec.id.map_or(0, |id| id.len().saturating_add(1));
        let start = (self.ids_len as usize).min(IDS_CAPACITY);
        if id_len > IDS_CAPACITY.saturating_sub(start) {
            return Err(err.fail(
                Status::Capacity,
                0,
                "The inet option ids of the command line do not fit (migcfg holds 240 bytes)",
            ));
        }
        if let Some(id) = spec.id {
            let mut at = start;
            for b in id.bytes().chain(core::iter::once(0)) {
                if let Some(slot) = self.ids.get_mut(at) {
                    *slot = b;
                }
                at = at.saturating_add(1);
            }
            self.ids_len = u32::try_from(at).unwrap_or(0);
        }
        if let Some(s) = self.slots.get_mut(spec.ctype as usize) {
            s.set(&spec);
        }
        Ok(Status::Ok)
    }

    /// The early parameter table (defaults until a `config:` is added).
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// Target QEMU release for a later `config:` (see [`Params::set_target`]).
    pub fn set_target(&mut self, major: u32, minor: u32) -> Result<(), Status> {
        self.params.set_target(major, minor)
    }

    /// Whether a `config:` argument was accepted.
    pub fn has_config(&self) -> bool {
        self.config != 0
    }

    /// The slot of a channel type.
    pub fn slot(&self, t: ChannelType) -> &Slot {
        let [main, cpr] = &self.slots;
        match t {
            ChannelType::Main => main,
            ChannelType::Cpr => cpr,
        }
    }

    /// Whether the main `-incoming` is `defer` (the last main one given).
    pub fn defer(&self) -> bool {
        self.slot(ChannelType::Main).state() == SlotState::Defer
    }

    /// The effective `mode` (set by `config:`, else the default): an index into
    /// [`schema::MIG_MODE`].
    pub fn mode(&self) -> usize {
        let v = self.params.scalar(schema::MODE).unwrap_or(0);
        usize::try_from(v)
            .ok()
            .filter(|&i| i < schema::MIG_MODE.len())
            .unwrap_or(0)
    }

    /// The name of the effective `mode`.
    pub fn mode_name(&self) -> &'static str {
        schema::MIG_MODE
            .get(self.mode())
            .copied()
            .unwrap_or("normal")
    }

    /// The effective `local`.
    pub fn local(&self) -> bool {
        self.params.scalar(schema::LOCAL).unwrap_or(0) != 0
    }
}
