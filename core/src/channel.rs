//! `-incoming` channels: the URI forms, `MigrationChannel` objects (keyval with the implied
//! key `channel-type`, or JSON), and the fixed-size slot a channel is stored in.
//!
//! QEMU's order of work for one argument (system/vl.c `incoming_option_parse`, QEMU 10.2.2
//! and master alike): exactly `defer` is no channel (handled by the caller); text that
//! "looks like a URI" (`migrate_is_uri`: ASCII letters, then `:`) goes to
//! `migrate_uri_parse` (migration/channel.c in master, migration.c in 10.2); anything else
//! is a `MigrationChannel` read by `qobject_input_visitor_new_str(str, "channel-type")`:
//! JSON when it starts with `{`, keyval otherwise.
//!
//! The URI parsers are QEMU's, rule for rule: `socket_parse`, `inet_parse` (a `QemuOpts`
//! parse with the implied option `addr`, short-form flags and an `id` that must be new in
//! the process), `vsock_parse` (`sscanf("%32[^:]:%32[^,]%n")`) and `file_parse_offset`
//! (`qemu_strtosz`, with `strerror`'s words). Linux is assumed, as for the parameters:
//! `keep-alive-count`/`-idle`/`-interval`, `mptcp`, `abstract` and `tight` exist.
//!
//! The object forms follow the QAPI visit of `MigrationChannel` (members in schema order,
//! the input visitor's messages; enum and width errors name the bare member, as QEMU's
//! do). Which of several unexpected members is named follows QEMU's GLib hash table
//! ([`crate::ghash`]), as in the parameter parser.
//!
//! Nothing here allocates. The keyval reader remembers at most [`KEYVAL_KEYS`] distinct
//! keys; the JSON reader checks duplicate keys in the first [`JSON_DUP_KEYS`] members of
//! objects nested at most [`JSON_DUP_DEPTH`] deep. Beyond those bounds an input is still
//! rejected or reported as over capacity, possibly with a different message than QEMU's.

use crate::error::{Error, Failed, Message, Status};
use crate::keyval::{self, value_end};
use crate::text::decimal as dec;
use crate::text::{strip, StrRef};
use crate::value;
use crate::visit::json_int as json_uint;

/// Bytes of string data one channel slot holds (every string plus its NUL terminator).
pub const CHANNEL_STRING_CAPACITY: usize = 3072;
/// Most `exec` arguments a channel slot holds.
pub const CHANNEL_ARGS_CAPACITY: usize = 64;
/// Distinct keys the keyval reader remembers per argument.
pub const KEYVAL_KEYS: usize = 96;
/// JSON objects deeper than this are not checked for duplicate keys.
pub const JSON_DUP_DEPTH: usize = 4;
/// Members per JSON object checked for duplicate keys.
pub const JSON_DUP_KEYS: usize = 32;

/// `MigrationChannelType`, in QAPI order.
pub const CHANNEL_TYPES: [&str; 2] = ["main", "cpr"];
/// `MigrationAddressType`, in QAPI order.
pub const TRANSPORTS: [&str; 4] = ["socket", "exec", "rdma", "file"];
/// `SocketAddressType`, in QAPI order.
pub const SOCKET_TYPES: [&str; 4] = ["inet", "unix", "vsock", "fd"];

/// Which slot a channel goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum ChannelType {
    /// The main migration channel (URIs and `defer` always go here).
    Main = 0,
    /// The CPR state channel.
    Cpr = 1,
}

impl ChannelType {
    /// The type with this QAPI index.
    pub fn from_index(i: usize) -> Option<ChannelType> {
        match i {
            0 => Some(ChannelType::Main),
            1 => Some(ChannelType::Cpr),
            _ => None,
        }
    }
}

/// `MigrationAddressType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Transport {
    /// A `SocketAddress` (inet, unix, vsock, fd).
    Socket = 0,
    /// A command's argv.
    Exec = 1,
    /// An `InetSocketAddress` over RDMA.
    Rdma = 2,
    /// A file name and offset.
    File = 3,
}

impl Transport {
    fn from_index(i: usize) -> Transport {
        match i {
            1 => Transport::Exec,
            2 => Transport::Rdma,
            3 => Transport::File,
            _ => Transport::Socket,
        }
    }
}

/// `SocketAddressType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum SocketType {
    /// Host and port.
    Inet = 0,
    /// A UNIX domain socket path.
    Unix = 1,
    /// A vsock CID and port.
    Vsock = 2,
    /// A file descriptor number or name.
    Fd = 3,
}

impl SocketType {
    fn from_index(i: usize) -> SocketType {
        match i {
            1 => SocketType::Unix,
            2 => SocketType::Vsock,
            3 => SocketType::Fd,
            _ => SocketType::Inet,
        }
    }
}

/// Index of `host` in a channel's strings.
pub const STR_HOST: usize = 0;
/// Index of `port` (inet, rdma, vsock).
pub const STR_PORT: usize = 1;
/// Index of `path` (unix).
pub const STR_PATH: usize = 2;
/// Index of `cid` (vsock).
pub const STR_CID: usize = 3;
/// Index of `str` (fd).
pub const STR_FD: usize = 4;
/// Index of `filename` (file).
pub const STR_FILENAME: usize = 5;
/// Number of string members.
pub const STR_COUNT: usize = 6;

/// Optional member `numeric` (a bit of [`Opts::has`] and [`Opts::bools`]).
pub const OPT_NUMERIC: u32 = 0;
/// Optional member `to` (a number).
pub const OPT_TO: u32 = 1;
/// Optional member `ipv4`.
pub const OPT_IPV4: u32 = 2;
/// Optional member `ipv6`.
pub const OPT_IPV6: u32 = 3;
/// Optional member `keep-alive`.
pub const OPT_KEEP_ALIVE: u32 = 4;
/// Optional member `keep-alive-count` (a number).
pub const OPT_KEEP_ALIVE_COUNT: u32 = 5;
/// Optional member `keep-alive-idle` (a number).
pub const OPT_KEEP_ALIVE_IDLE: u32 = 6;
/// Optional member `keep-alive-interval` (a number).
pub const OPT_KEEP_ALIVE_INTERVAL: u32 = 7;
/// Optional member `mptcp`.
pub const OPT_MPTCP: u32 = 8;
/// Optional member `abstract` (unix).
pub const OPT_ABSTRACT: u32 = 9;
/// Optional member `tight` (unix).
pub const OPT_TIGHT: u32 = 10;

/// How an optional member is typed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OptType {
    Bool,
    /// A number stored in `nums[slot]`: QAPI width in bits.
    Num(usize, u32),
}

/// The optional members of `InetSocketAddress`, in QAPI order (which is also the order
/// `inet_parse` reads them in).
const INET_OPTS: [(&str, u32, OptType); 9] = [
    ("numeric", OPT_NUMERIC, OptType::Bool),
    ("to", OPT_TO, OptType::Num(0, 16)),
    ("ipv4", OPT_IPV4, OptType::Bool),
    ("ipv6", OPT_IPV6, OptType::Bool),
    ("keep-alive", OPT_KEEP_ALIVE, OptType::Bool),
    (
        "keep-alive-count",
        OPT_KEEP_ALIVE_COUNT,
        OptType::Num(1, 32),
    ),
    ("keep-alive-idle", OPT_KEEP_ALIVE_IDLE, OptType::Num(2, 32)),
    (
        "keep-alive-interval",
        OPT_KEEP_ALIVE_INTERVAL,
        OptType::Num(3, 32),
    ),
    ("mptcp", OPT_MPTCP, OptType::Bool),
];

/// The optional members of a parsed address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Opts {
    /// Bit `OPT_*`: the member was given.
    pub has: u32,
    /// Bit `OPT_*`: a given bool member is true.
    pub bools: u32,
    /// `to`, `keep-alive-count`, `keep-alive-idle`, `keep-alive-interval`.
    pub nums: [u32; 4],
}

fn bit(b: u32) -> u32 {
    1u32.wrapping_shl(b)
}

impl Opts {
    fn set_bool(&mut self, b: u32, v: bool) {
        self.has |= bit(b);
        if v {
            self.bools |= bit(b);
        } else {
            self.bools &= !bit(b);
        }
    }

    fn set_num(&mut self, b: u32, slot: usize, v: u32) {
        self.has |= bit(b);
        if let Some(n) = self.nums.get_mut(slot) {
            *n = v;
        }
    }
}

/// Where the `exec` argv of a parsed channel is.
#[derive(Clone, Copy, Debug)]
pub enum Args<'a> {
    /// No argv (not `exec`).
    None,
    /// `exec:<command>`: `/bin/sh`, `-c`, the command.
    Shell(StrRef<'a>),
    /// Keyval `addr.args.N` values of this text.
    Keyval(&'a [u8], usize),
    /// The JSON array at this offset of this text.
    Json(&'a [u8], usize, usize),
}

impl<'a> Args<'a> {
    /// Number of arguments.
    pub fn len(&self) -> usize {
        match *self {
            Args::None => 0,
            Args::Shell(_) => 3,
            Args::Keyval(_, n) | Args::Json(_, _, n) => n,
        }
    }

    /// Whether there are no arguments.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Argument `i`.
    pub fn get(&self, i: usize) -> Option<StrRef<'a>> {
        match *self {
            Args::None => None,
            Args::Shell(cmd) => match i {
                0 => Some(StrRef::Plain(b"/bin/sh")),
                1 => Some(StrRef::Plain(b"-c")),
                2 => Some(cmd),
                _ => None,
            },
            Args::Keyval(text, n) => {
                if i >= n {
                    return None;
                }
                kv::arg(text, i)
            }
            Args::Json(text, at, n) => {
                if i >= n {
                    return None;
                }
                json::elem_str(text, at, i)
            }
        }
    }
}

/// A channel as parsed, borrowing the argument text: what a slot will hold.
#[derive(Clone, Copy, Debug)]
pub struct Spec<'a> {
    /// Which slot.
    pub ctype: ChannelType,
    /// Transport.
    pub transport: Transport,
    /// Socket type (meaningful for [`Transport::Socket`]).
    pub socket: SocketType,
    /// The string members (`STR_*`), when given.
    pub strs: [Option<StrRef<'a>>; STR_COUNT],
    /// Optional members.
    pub opts: Opts,
    /// `file` offset.
    pub offset: u64,
    /// `exec` argv.
    pub args: Args<'a>,
    /// The `id` of an inet URI's options, which QEMU remembers for the whole process.
    pub id: Option<StrRef<'a>>,
}

impl<'a> Spec<'a> {
    /// A main `socket` channel with nothing set, to be filled by [`parse`].
    pub fn new(ctype: ChannelType, transport: Transport) -> Self {
        Spec {
            ctype,
            transport,
            socket: SocketType::Inet,
            strs: [None; STR_COUNT],
            opts: Opts::default(),
            offset: 0,
            args: Args::None,
            id: None,
        }
    }

    fn set(&mut self, which: usize, s: StrRef<'a>) {
        if let Some(slot) = self.strs.get_mut(which) {
            *slot = Some(s);
        }
    }
}

/// A piece of an error message.
#[derive(Clone, Copy)]
enum P<'a> {
    S(&'a str),
    B(&'a [u8]),
    R(StrRef<'a>),
}

/// Write an error of `status` into `err`.
fn fail_as(err: &mut Error, status: Status, at: usize, parts: &[P<'_>]) -> Failed {
    let m = err.begin(status, at);
    for p in parts {
        match *p {
            P::S(s) => m.push(s.as_bytes()),
            P::B(b) => m.push(b),
            P::R(r) => {
                for b in r.bytes() {
                    m.push_byte(b);
                }
            }
        }
    }
    Failed
}

/// Write a channel error into `err`.
fn fail(err: &mut Error, at: usize, parts: &[P<'_>]) -> Failed {
    fail_as(err, Status::Channel, at, parts)
}

/// Parse one `-incoming` argument that is neither `defer` nor `config:`. `used_ids` holds
/// the inet option ids earlier arguments registered, each followed by a NUL. On error the
/// error is written into `err` (sealed).
pub fn parse<'a>(
    arg: &'a [u8],
    used_ids: &[u8],
    out: &mut Spec<'a>,
    err: &mut Error,
) -> Result<(), Failed> {
    // The spec is filled in place (it is large, and the stack is small).
    *out = Spec::new(ChannelType::Main, Transport::Socket);
    let r = if is_uri(arg) {
        uri(arg, used_ids, out, err)
    } else if arg.first() == Some(&b'{') {
        json::channel(arg, out, err)
    } else {
        kv::channel(arg, out, err)
    };
    if r.is_err() {
        err.seal();
    }
    r
}

/// [`parse`] returning the spec, or the error by value (for tests and Rust callers).
pub fn parse_value<'a>(arg: &'a [u8], used_ids: &[u8]) -> Result<Spec<'a>, Error> {
    let mut err = Error::empty();
    let mut spec = Spec::new(ChannelType::Main, Transport::Socket);
    match parse(arg, used_ids, &mut spec, &mut err) {
        Ok(()) => Ok(spec),
        Err(Failed) => Err(err),
    }
}

/// QEMU's `migrate_is_uri`: a run of ASCII letters (possibly none), then `:`.
pub fn is_uri(arg: &[u8]) -> bool {
    for &c in arg {
        if c == b':' {
            return true;
        }
        if !c.is_ascii_alphabetic() {
            return false;
        }
    }
    false
}

/// `migrate_uri_parse`: the URI forms, always for the main channel.
#[inline(never)]
fn uri<'a>(u: &'a [u8], used_ids: &[u8], s: &mut Spec<'a>, err: &mut Error) -> Result<(), Failed> {
    if let Some(cmd) = strip(u, b"exec:") {
        s.transport = Transport::Exec;
        s.args = Args::Shell(StrRef::Plain(cmd));
        return Ok(());
    }
    if let Some(rest) = strip(u, b"rdma:") {
        s.transport = Transport::Rdma;
        inet(s, rest, 5, used_ids, err)?;
        return Ok(());
    }
    if let Some(path) = strip(u, b"unix:") {
        if path.is_empty() {
            return Err(fail(err, 5, &[P::S("invalid Unix socket address")]));
        }
        s.transport = Transport::Socket;
        s.socket = SocketType::Unix;
        s.set(STR_PATH, StrRef::Plain(path));
        return Ok(());
    }
    if let Some(fd) = strip(u, b"fd:") {
        if fd.is_empty() {
            return Err(fail(err, 3, &[P::S("invalid file descriptor address")]));
        }
        s.transport = Transport::Socket;
        s.socket = SocketType::Fd;
        s.set(STR_FD, StrRef::Plain(fd));
        return Ok(());
    }
    if let Some(rest) = strip(u, b"vsock:") {
        s.transport = Transport::Socket;
        s.socket = SocketType::Vsock;
        vsock(s, rest, 6, err)?;
        return Ok(());
    }
    if let Some(rest) = strip(u, b"tcp:") {
        s.transport = Transport::Socket;
        inet(s, rest, 4, used_ids, err)?;
        return Ok(());
    }
    if let Some(rest) = strip(u, b"file:") {
        s.transport = Transport::File;
        // `file_parse_offset`: the first ",offset=" ends the file name.
        const OPT: &[u8] = b",offset=";
        let at = rest.windows(OPT.len()).position(|w| w == OPT);
        match at {
            Some(p) => {
                s.set(STR_FILENAME, StrRef::Plain(rest.get(..p).unwrap_or(&[])));
                let vat = p.saturating_add(OPT.len());
                let v = rest.get(vat..).unwrap_or(&[]);
                match strtosz(v) {
                    Ok(n) => s.offset = n,
                    Err(e) => {
                        return Err(fail(
                            err,
                            vat.saturating_add(5),
                            &[
                                P::S("file URI has bad offset "),
                                P::B(v),
                                P::S(": "),
                                P::S(e.text()),
                            ],
                        ))
                    }
                }
            }
            None => s.set(STR_FILENAME, StrRef::Plain(rest)),
        }
        return Ok(());
    }
    Err(fail(
        err,
        0,
        &[P::S("unknown migration protocol: "), P::B(u)],
    ))
}

/// `vsock_parse`: `sscanf(str, "%32[^:]:%32[^,]%n")`, then nothing may follow.
fn vsock<'a>(s: &mut Spec<'a>, v: &'a [u8], base: usize, err: &mut Error) -> Result<(), Failed> {
    let bad = |err: &mut Error| {
        fail(
            err,
            base,
            &[P::S("error parsing address '"), P::B(v), P::S("'")],
        )
    };
    let cid = v.iter().take(32).take_while(|&&c| c != b':').count();
    if cid == 0 || v.get(cid) != Some(&b':') {
        return Err(bad(err));
    }
    let p0 = cid.saturating_add(1);
    let rest = v.get(p0..).unwrap_or(&[]);
    let port = rest.iter().take(32).take_while(|&&c| c != b',').count();
    if port == 0 {
        return Err(bad(err));
    }
    let n = p0.saturating_add(port);
    if n != v.len() {
        return Err(fail(
            err,
            base.saturating_add(n),
            &[P::S("trailing characters in address '"), P::B(v), P::S("'")],
        ));
    }
    s.set(STR_CID, StrRef::Plain(v.get(..cid).unwrap_or(&[])));
    s.set(STR_PORT, StrRef::Plain(rest.get(..port).unwrap_or(&[])));
    Ok(())
}

/// A `QemuOpts` option name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OptName<'a> {
    /// The implied first option (`addr` for `inet_opts`).
    Implied,
    Text(&'a [u8]),
}

/// One `QemuOpts` item.
#[derive(Clone, Copy)]
struct OptItem<'a> {
    start: usize,
    name: OptName<'a>,
    value: StrRef<'a>,
    vstart: usize,
}

/// Items of a `QemuOpts` string as `get_opt_name_value` (QEMU 10.2) reads them: the first
/// item without `=` takes the implied name when there is one; any other item without `=`
/// is a flag (`x` is `x=on`, `nox` is `x=off`).
struct OptItems<'a> {
    s: &'a [u8],
    p: usize,
    implied: bool,
}

impl<'a> Iterator for OptItems<'a> {
    type Item = OptItem<'a>;
    fn next(&mut self) -> Option<OptItem<'a>> {
        let s = self.s;
        let start = self.p;
        if start >= s.len() {
            return None;
        }
        let kend = keyval::key_end(s, start);
        let item;
        let next;
        if s.get(kend) != Some(&b'=') {
            if self.implied {
                let vend = value_end(s, start);
                item = OptItem {
                    start,
                    name: OptName::Implied,
                    value: StrRef::Keyval(s.get(start..vend).unwrap_or(&[])),
                    vstart: start,
                };
                next = vend;
            } else {
                let raw = s.get(start..kend).unwrap_or(&[]);
                let (name, value): (&[u8], &'static [u8]) = match strip(raw, b"no") {
                    Some(n) => (n, b"off"),
                    None => (raw, b"on"),
                };
                item = OptItem {
                    start,
                    name: OptName::Text(name),
                    value: StrRef::Plain(value),
                    vstart: start,
                };
                next = kend;
            }
        } else {
            let vstart = kend.saturating_add(1);
            let vend = value_end(s, vstart);
            item = OptItem {
                start,
                name: OptName::Text(s.get(start..kend).unwrap_or(&[])),
                value: StrRef::Keyval(s.get(vstart..vend).unwrap_or(&[])),
                vstart,
            };
            next = vend;
        }
        self.implied = false;
        self.p = if s.get(next) == Some(&b',') {
            next.saturating_add(1)
        } else {
            next
        };
        Some(item)
    }
}

/// Where the last item of an option name is (compact: ten of these live at once).
#[derive(Clone, Copy)]
struct Last {
    vstart: u32,
    /// Length of a `name=value` value, or `u32::MAX` for a flag's "on", `MAX - 1` "off".
    len: u32,
}

impl Last {
    fn of(it: &OptItem<'_>) -> Last {
        let vstart = u32::try_from(it.vstart).unwrap_or(u32::MAX);
        // Only a flag's value is plain ("on" or "off"); a written value is keyval text.
        let len = match it.value {
            StrRef::Plain(b"on") => u32::MAX,
            StrRef::Plain(_) => u32::MAX - 1,
            StrRef::Keyval(x) | StrRef::Json(x) => u32::try_from(x.len()).unwrap_or(0),
        };
        Last { vstart, len }
    }

    fn item<'a>(self, v: &'a [u8]) -> OptItem<'a> {
        let start = self.vstart as usize;
        let value = match self.len {
            u32::MAX => StrRef::Plain(b"on"),
            l if l == u32::MAX - 1 => StrRef::Plain(b"off"),
            l => StrRef::Keyval(
                v.get(start..start.saturating_add(l as usize))
                    .unwrap_or(&[]),
            ),
        };
        OptItem {
            start,
            name: OptName::Implied,
            value,
            vstart: start,
        }
    }
}

#[cold]
#[inline(never)]
fn bad_number(err: &mut Error, at: usize, value: StrRef<'_>, name: &[u8], e: Errno) -> Failed {
    match e {
        Errno::Range => fail(
            err,
            at,
            &[
                P::S("Value '"),
                P::R(value),
                P::S("' is too large for parameter '"),
                P::B(name),
                P::S("'"),
            ],
        ),
        Errno::Inval => fail(
            err,
            at,
            &[P::S("Parameter '"), P::B(name), P::S("' expects a number")],
        ),
    }
}

/// `id_wellformed`: a letter, then letters, digits, `-`, `.`, `_`.
fn id_wellformed(id: StrRef<'_>) -> bool {
    let mut it = id.bytes();
    match it.next() {
        Some(c) if c.is_ascii_alphabetic() => {}
        _ => return false,
    }
    it.all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'))
}

/// Whether `id` is among the NUL-terminated ids of `used`.
fn id_used(used: &[u8], id: StrRef<'_>) -> bool {
    used.split(|&c| c == 0)
        .any(|u| !u.is_empty() && eq_str(id, u))
}

/// Names of `inet_opts` (QEMU's `QemuOptsList` for `InetSocketAddress`): `addr`, then the
/// optional members.
fn inet_desc(name: &[u8]) -> Option<usize> {
    if name == b"addr" {
        return Some(INET_OPTS.len());
    }
    INET_OPTS.iter().position(|o| o.0.as_bytes() == name)
}

/// `inet_parse`: `QemuOpts` over `inet_opts`, then the address split into host and port.
fn inet<'a>(
    s: &mut Spec<'a>,
    v: &'a [u8],
    base: usize,
    used_ids: &[u8],
    err: &mut Error,
) -> Result<(), Failed> {
    let at = |o: usize| base.saturating_add(o);
    // `opts_parse_id`: the first item named `id` (read without an implied name).
    let id = OptItems {
        s: v,
        p: 0,
        implied: false,
    }
    .find(|it| it.name == OptName::Text(b"id"));
    if let Some(it) = id {
        if !id_wellformed(it.value) {
            return Err(fail(
                err,
                at(it.vstart),
                &[P::S("Parameter 'id' expects an identifier")],
            ));
        }
        if id_used(used_ids, it.value) {
            return Err(fail(
                err,
                at(it.vstart),
                &[
                    P::S("Duplicate ID '"),
                    P::R(it.value),
                    P::S("' for InetSocketAddress"),
                ],
            ));
        }
        s.id = Some(it.value);
    }
    // `opts_do_parse`: each item validated in order; the last of each name counts.
    let mut last: [Option<Last>; 10] = [None; 10];
    let items = OptItems {
        s: v,
        p: 0,
        implied: true,
    };
    for it in items {
        let name: &[u8] = match it.name {
            OptName::Implied => b"addr",
            OptName::Text(n) => n,
        };
        if it.name == OptName::Text(b"id") {
            continue;
        }
        let Some(k) = inet_desc(name) else {
            return Err(fail(
                err,
                at(it.start),
                &[P::S("Invalid parameter '"), P::B(name), P::S("'")],
            ));
        };
        match INET_OPTS.get(k).map(|o| o.2) {
            Some(OptType::Bool) if opt_bool(it.value).is_none() => {
                return Err(fail(
                    err,
                    at(it.vstart),
                    &[
                        P::S("Parameter '"),
                        P::B(name),
                        P::S("' expects 'on' or 'off'"),
                    ],
                ));
            }
            Some(OptType::Num(..)) => {
                if let Err(e) = strtou64(it.value) {
                    return Err(bad_number(err, at(it.vstart), it.value, name, e));
                }
            }
            _ => {}
        }
        if let Some(slot) = last.get_mut(k) {
            *slot = Some(Last::of(&it));
        }
    }
    let Some(addr) = last.get(INET_OPTS.len()).copied().flatten() else {
        return Err(fail(err, at(0), &[P::S("error parsing address ''")]));
    };
    let addr = addr.item(v);
    let a = addr.value;
    let aat = at(addr.vstart);
    if v.first() == Some(&b'[') {
        // IPv6: "[host]:port". The test is on the text, the split on the addr value.
        let raw = raw_of(a);
        let ip_end = raw.windows(2).position(|w| w == b"]:");
        let ok = ip_end.filter(|&e| sub(a, 0, e).len() >= 2 && sub(a, e, raw.len()).len() >= 3);
        let Some(e) = ok else {
            return Err(fail(
                err,
                aat,
                &[P::S("error parsing IPv6 address '"), P::R(a), P::S("'")],
            ));
        };
        // The host starts after the first character of the value, which a doubled comma
        // spells with two bytes.
        let skip = if matches!(a, StrRef::Keyval(_)) && raw.starts_with(b",,") {
            2
        } else {
            1
        };
        s.set(STR_HOST, sub(a, skip, e));
        s.set(STR_PORT, sub(a, e.saturating_add(2), raw.len()));
    } else {
        let raw = raw_of(a);
        let colon = raw.iter().position(|&c| c == b':');
        let ok = colon.filter(|&c| sub(a, c, raw.len()).len() >= 2);
        let Some(c) = ok else {
            return Err(fail(
                err,
                aat,
                &[P::S("error parsing address '"), P::R(a), P::S("'")],
            ));
        };
        s.set(STR_HOST, sub(a, 0, c));
        s.set(STR_PORT, sub(a, c.saturating_add(1), raw.len()));
    }
    for (k, (_, b, ty)) in INET_OPTS.iter().enumerate() {
        let Some(it) = last.get(k).copied().flatten().map(|l| l.item(v)) else {
            continue;
        };
        match *ty {
            OptType::Bool => s.opts.set_bool(*b, opt_bool(it.value).unwrap_or(false)),
            OptType::Num(slot, width) => {
                // QEMU stores the 64-bit number into a narrower field: it is truncated.
                let n = strtou64(it.value).unwrap_or(0);
                let v = if width == 16 {
                    n & 0xFFFF
                } else {
                    n & 0xFFFF_FFFF
                };
                s.opts
                    .set_num(*b, slot, u32::try_from(v).unwrap_or(u32::MAX));
            }
        }
    }
    Ok(())
}

/// The undecoded bytes of a string.
fn raw_of(s: StrRef<'_>) -> &[u8] {
    match s {
        StrRef::Plain(b) | StrRef::Keyval(b) | StrRef::Json(b) => b,
    }
}

/// Bytes `a..b` of the undecoded string, in the same encoding. Used only at boundaries
/// that no escape crosses (`:` and `]:` are never part of one).
fn sub(s: StrRef<'_>, a: usize, b: usize) -> StrRef<'_> {
    fn part(x: &[u8], a: usize, b: usize) -> &[u8] {
        x.get(a..b.max(a)).unwrap_or(&[])
    }
    match s {
        StrRef::Plain(x) => StrRef::Plain(part(x, a, b)),
        StrRef::Keyval(x) => StrRef::Keyval(part(x, a, b)),
        StrRef::Json(x) => StrRef::Json(part(x, a, b)),
    }
}

/// `qapi_bool_parse` (no bool word holds a comma or an escape, so only plain text can be
/// one).
fn opt_bool(v: StrRef<'_>) -> Option<bool> {
    value::parse_bool(v.as_plain()?)
}

/// Decoded equality with plain bytes; the decoding path is kept out of line, since the
/// byte iterators it needs are large and the common case needs none.
fn eq_str(s: StrRef<'_>, w: &[u8]) -> bool {
    match s.as_plain() {
        Some(p) => p == w,
        None => eq_decoded(s, w),
    }
}

#[inline(never)]
fn eq_decoded(s: StrRef<'_>, w: &[u8]) -> bool {
    s.is(w)
}

/// The two `errno` values QEMU's number parsers report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Errno {
    /// `EINVAL`.
    Inval,
    /// `ERANGE`.
    Range,
}

impl Errno {
    /// `strerror()` of glibc.
    pub fn text(self) -> &'static str {
        match self {
            Errno::Inval => "Invalid argument",
            Errno::Range => "Numerical result out of range",
        }
    }
}

fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
}

fn skip_space(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&c| is_c_space(c)).count();
    s.get(n..).unwrap_or(&[])
}

/// Whether the digit run `d` (in `radix`) is beyond 64 bits.
fn overflows(d: &[u8], radix: u32) -> bool {
    let mut v: u64 = 0;
    for &c in d {
        let Some(x) = crate::text::digit(c, radix) else {
            return false;
        };
        match v
            .checked_mul(u64::from(radix))
            .and_then(|v| v.checked_add(u64::from(x)))
        {
            Some(n) => v = n,
            None => return true,
        }
    }
    false
}

/// The decimal value of a digit run (leading zeros are decimal), if within 64 bits.
fn dec_value(d: &[u8]) -> Option<u64> {
    let mut v: u64 = 0;
    for &c in d {
        v = v
            .checked_mul(10)?
            .checked_add(u64::from(c.wrapping_sub(b'0')))?;
    }
    Some(v)
}

/// `qemu_strtou64(str, NULL, 0, &v)`: the value, or why not.
pub fn strtou64(v: StrRef<'_>) -> Result<u64, Errno> {
    // A value holding a comma is never a number.
    let Some(s) = v.as_plain() else {
        return Err(Errno::Inval);
    };
    if let Some(n) = value::parse_u64(s) {
        return Ok(n);
    }
    // strtoull reports ERANGE for a whole-string number beyond 64 bits; trailing text is
    // EINVAL first.
    let t = skip_space(s);
    let t = match t.first() {
        Some(b'+' | b'-') => t.get(1..).unwrap_or(&[]),
        _ => t,
    };
    let (digits, radix): (&[u8], u32) = match t {
        [b'0', b'x' | b'X', rest @ ..] if rest.first().is_some_and(u8::is_ascii_hexdigit) => {
            (rest, 16)
        }
        [b'0', ..] => (t, 8),
        _ => (t, 10),
    };
    let run = digits
        .iter()
        .take_while(|c| char::from(**c).is_digit(radix))
        .count();
    if run > 0 && run == digits.len() && overflows(digits, radix) {
        Err(Errno::Range)
    } else {
        Err(Errno::Inval)
    }
}

/// `qemu_strtosz(str, NULL, &v)`: the value, or why not (util/cutils.c `do_strtosz`).
pub fn strtosz(s: &[u8]) -> Result<u64, Errno> {
    if let Some(n) = value::parse_size(s) {
        return Ok(n);
    }
    Err(if strtosz_erange(s) {
        Errno::Range
    } else {
        Errno::Inval
    })
}

/// Whether the nearest double to `0.<frac>` is 1.0 (`strtod` rounds ties to even): the
/// fraction is at least 1 - 2^-54, the midpoint between 1 and the double below it. Exact,
/// on the digits (no float parser: core's has panic paths).
fn rounds_to_one(frac: &[u8]) -> bool {
    const MIDPOINT: &[u8] = b"999999999999999944488848768742172978818416595458984375";
    for (i, &t) in MIDPOINT.iter().enumerate() {
        let d = frac.get(i).copied().unwrap_or(b'0');
        if d != t {
            return d > t;
        }
    }
    true
}

/// Whether a size QEMU rejects is rejected with ERANGE (out of range, or negative) rather
/// than EINVAL: only when the number reaches the end of the text.
fn strtosz_erange(s: &[u8]) -> bool {
    let t = skip_space(s);
    let (neg, u) = match t.first() {
        Some(b'-') => (true, t.get(1..).unwrap_or(&[])),
        Some(b'+') => (false, t.get(1..).unwrap_or(&[])),
        _ => (false, t),
    };
    let nd = u.iter().take_while(|c| c.is_ascii_digit()).count();
    let digits = u.get(..nd).unwrap_or(&[]);
    let rest = u.get(nd..).unwrap_or(&[]);
    if nd == 0 {
        // No integral digits: only "-.5"-like fractions are negative (ERANGE).
        return neg
            && rest.first() == Some(&b'.')
            && rest.len() > 1
            && rest.iter().skip(1).all(u8::is_ascii_digit);
    }
    if overflows(digits, 10) || neg {
        return rest.is_empty();
    }
    if digits == b"0" {
        if let [b'x' | b'X', hex @ ..] = rest {
            let nh = hex.iter().take_while(|c| c.is_ascii_hexdigit()).count();
            // An empty run ("0x") does not overflow.
            return nh == hex.len() && overflows(hex, 16);
        }
    }
    let mut tail = rest;
    if let Some(after_dot) = strip(rest, b".") {
        let nf = after_dot.iter().take_while(|c| c.is_ascii_digit()).count();
        tail = after_dot.get(nf..).unwrap_or(&[]);
        // A fraction that rounds to 1 on the largest integer is ERANGE right there.
        let frac = after_dot.get(..nf).unwrap_or(&[]);
        if rounds_to_one(frac) && dec_value(digits) == Some(u64::MAX) {
            return tail.is_empty();
        }
    }
    // A unit larger than a byte and nothing after it: what failed is the range.
    matches!(tail, [c] if matches!(c | 0x20, b'k' | b'm' | b'g' | b't' | b'p' | b'e'))
}

// ---------------------------------------------------------------------------------------
// The QAPI visit of MigrationChannel, over either reader.

/// A container being visited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Node {
    /// The root object.
    Root,
    /// `addr`.
    Addr(usize),
    /// `addr.args`.
    Args(usize),
    /// Some other container (only its offset matters, for messages).
    Other(usize),
}

/// What a member holds.
#[derive(Clone, Copy)]
pub(crate) enum Val<'t> {
    Absent,
    Str(StrRef<'t>, usize),
    Dict(Node, usize),
    List(Node, usize),
    /// A JSON integer token.
    Int(&'t [u8], usize),
    /// A JSON `true`/`false`.
    Bool(bool, usize),
    /// A JSON `null` or a number that is not an integer: no member takes one.
    Null(usize),
}

/// What the visit needs of a reader.
pub(crate) trait Tree<'t> {
    /// JSON (strict types, `[N]` in names) rather than keyval.
    fn json(&self) -> bool;
    /// Offset of a container, for messages about it.
    fn at(&self, n: Node) -> usize;
    /// Member `name` of a dictionary.
    fn get(&self, dict: Node, name: &'static str) -> Val<'t>;
    /// Number of elements of a list.
    fn len(&self, list: Node) -> usize;
    /// Element `i` of a list.
    fn elem(&self, list: Node, i: usize) -> Val<'t>;
    /// The member of `dict` not named in `known` (the members, in the visit's order) that
    /// QEMU names ([`crate::ghash`]; past its capacity, the first in the input), and where
    /// its key starts.
    fn unexpected(&self, dict: Node, known: &[&str]) -> Option<(StrRef<'t>, usize)>;
    /// The argv of a visited `args` list of `n` strings.
    fn args(&self, list: Node, n: usize) -> Args<'t>;
    /// A reader that could not remember the whole input says so here (a capacity error),
    /// after the visit found nothing QEMU would reject.
    fn overflow(&self, err: &mut Error) -> Result<(), Failed>;
}

/// A member path for messages: `addr.args.1` (keyval) or `addr.args[1]` (JSON).
#[derive(Clone, Copy)]
struct VPath {
    names: [&'static str; 2],
    n: usize,
    index: Option<usize>,
    json: bool,
}

impl VPath {
    fn root(json: bool) -> VPath {
        VPath {
            names: [""; 2],
            n: 0,
            index: None,
            json,
        }
    }

    fn member(mut self, name: &'static str) -> VPath {
        if let Some(slot) = self.names.get_mut(self.n) {
            *slot = name;
            self.n = self.n.saturating_add(1);
        }
        self
    }

    fn idx(mut self, i: usize) -> VPath {
        self.index = Some(i);
        self
    }

    fn write(&self, m: &mut Message) {
        for (i, n) in self.names.iter().take(self.n).enumerate() {
            if i > 0 {
                m.push(b".");
            }
            m.push(n.as_bytes());
        }
        if let Some(i) = self.index {
            let mut buf = [0u8; 20];
            m.push(if self.json { b"[" } else { b"." });
            m.push(dec(i as u64, &mut buf));
            if self.json {
                m.push(b"]");
            }
        }
    }
}

#[cold]
#[inline(never)]
fn path_err(err: &mut Error, at: usize, pre: &str, p: &VPath, post: &str) -> Failed {
    let m = err.begin(Status::Channel, at);
    m.push(pre.as_bytes());
    p.write(m);
    m.push(post.as_bytes());
    Failed
}

/// Offset of any value but an absent one.
fn val_at(v: Val<'_>) -> Option<usize> {
    match v {
        Val::Absent => None,
        Val::Str(_, at)
        | Val::Dict(_, at)
        | Val::List(_, at)
        | Val::Int(_, at)
        | Val::Bool(_, at)
        | Val::Null(at) => Some(at),
    }
}

/// Member `name` of `parent` (`parent.name`), or element `index` of it, for a message.
#[derive(Clone, Copy)]
struct At<'p> {
    parent: &'p VPath,
    name: &'static str,
}

impl At<'_> {
    fn path(&self) -> VPath {
        self.parent.member(self.name)
    }
}

#[cold]
#[inline(never)]
fn err_missing(err: &mut Error, at: usize, m: At<'_>) -> Failed {
    path_err(err, at, "Parameter '", &m.path(), "' is missing")
}

#[cold]
#[inline(never)]
fn err_type(err: &mut Error, at: usize, p: &VPath, expected: &str) -> Failed {
    let m = err.begin(Status::Channel, at);
    m.push(b"Invalid parameter type for '");
    p.write(m);
    m.push(b"', expected: ");
    m.push(expected.as_bytes());
    Failed
}

#[cold]
#[inline(never)]
fn err_expects(err: &mut Error, at: usize, m: At<'_>, what: &str) -> Failed {
    let p = m.path();
    let msg = err.begin(Status::Channel, at);
    msg.push(b"Parameter '");
    p.write(msg);
    msg.push(b"' expects ");
    msg.push(what.as_bytes());
    Failed
}

/// An enum value not in the enum, or a number beyond its width: QEMU names the bare
/// member in these.
#[cold]
#[inline(never)]
fn err_bare(
    err: &mut Error,
    at: usize,
    name: &str,
    mid: &str,
    value: StrRef<'_>,
    end: &str,
) -> Failed {
    let m = err.begin(Status::Channel, at);
    m.push(b"Parameter '");
    m.push(name.as_bytes());
    m.push(mid.as_bytes());
    for b in value.bytes() {
        m.push_byte(b);
    }
    m.push(end.as_bytes());
    Failed
}

/// A value of the wrong kind where a scalar is expected: keyval nests keys under it (a
/// dictionary or list: "are unexpected"); JSON has another type (`json_expected`, or
/// `expects uint64` for integers).
#[cold]
#[inline(never)]
fn err_scalar(
    err: &mut Error,
    json: bool,
    v: Val<'_>,
    at: usize,
    p: &VPath,
    json_expected: &str,
) -> Failed {
    match v {
        Val::Dict(..) | Val::List(..) if !json => {
            path_err(err, at, "Parameters '", p, ".*' are unexpected")
        }
        _ if json_expected == "uint64" => path_err(err, at, "Parameter '", p, "' expects uint64"),
        _ => err_type(err, at, p, json_expected),
    }
}

/// The visit of one `MigrationChannel`; errors go to the caller's one [`Error`]. Member
/// paths are built only when a message needs one.
struct Visit<'x, 't> {
    /// A trait object, so one copy of the visit serves both readers.
    t: &'x dyn Tree<'t>,
    json: bool,
}

impl<'t> Visit<'_, 't> {
    /// A fetched value that is not what a scalar member needs.
    fn wrong(
        &self,
        err: &mut Error,
        v: Val<'_>,
        dict: Node,
        m: At<'_>,
        json_expected: &str,
    ) -> Failed {
        match val_at(v) {
            None => err_missing(err, self.t.at(dict), m),
            Some(at) => err_scalar(err, self.json, v, at, &m.path(), json_expected),
        }
    }

    fn string(&self, err: &mut Error, dict: Node, m: At<'_>) -> Result<StrRef<'t>, Failed> {
        match self.t.get(dict, m.name) {
            Val::Str(s, _) => Ok(s),
            v => Err(self.wrong(err, v, dict, m, "string")),
        }
    }

    /// An enum member: a string, then one of `values`.
    fn enumeration(
        &self,
        err: &mut Error,
        dict: Node,
        m: At<'_>,
        values: &[&str],
    ) -> Result<usize, Failed> {
        match self.t.get(dict, m.name) {
            Val::Str(s, at) => match values.iter().position(|x| eq_str(s, x.as_bytes())) {
                Some(i) => Ok(i),
                None => Err(err_bare(
                    err,
                    at,
                    m.name,
                    "' does not accept value '",
                    s,
                    "'",
                )),
            },
            v => Err(self.wrong(err, v, dict, m, "string")),
        }
    }

    fn opt_bool(&self, err: &mut Error, dict: Node, m: At<'_>) -> Result<Option<bool>, Failed> {
        let v = self.t.get(dict, m.name);
        match v {
            Val::Absent => Ok(None),
            // Only JSON gives booleans and integers, keyval only strings.
            Val::Bool(b, _) => Ok(Some(b)),
            Val::Str(s, at) if !self.json => match opt_bool(s) {
                Some(b) => Ok(Some(b)),
                None => Err(err_expects(err, at, m, "'on' or 'off'")),
            },
            _ => Err(self.wrong(err, v, dict, m, "boolean")),
        }
    }

    /// An unsigned member of `width` bits (`visit_type_uintN`).
    fn uint(
        &self,
        err: &mut Error,
        dict: Node,
        m: At<'_>,
        width: u32,
        required: bool,
    ) -> Result<Option<u64>, Failed> {
        let v = self.t.get(dict, m.name);
        let (n, at) = match v {
            Val::Absent if !required => return Ok(None),
            Val::Str(s, at) if !self.json => match s.as_plain().and_then(value::parse_u64) {
                Some(n) => (n, at),
                None => return Err(err_expects(err, at, m, "integer")),
            },
            Val::Int(tok, at) => match json_uint(tok) {
                Some(n) => (n, at),
                None => return Err(err_expects(err, at, m, "uint64")),
            },
            _ => return Err(self.wrong(err, v, dict, m, "uint64")),
        };
        let (max, name) = match width {
            16 => (u64::from(u16::MAX), "uint16_t"),
            32 => (u64::from(u32::MAX), "uint32_t"),
            _ => (u64::MAX, ""),
        };
        if n > max {
            return Err(err_bare(
                err,
                at,
                m.name,
                "' expects ",
                StrRef::Plain(name.as_bytes()),
                "",
            ));
        }
        Ok(Some(n))
    }

    /// `visit_start_struct` (`object`) or `visit_start_list` (`array`) on a member.
    fn container(
        &self,
        err: &mut Error,
        dict: Node,
        m: At<'_>,
        list: bool,
    ) -> Result<Node, Failed> {
        let v = self.t.get(dict, m.name);
        match v {
            Val::Dict(n, _) if !list => Ok(n),
            Val::List(n, _) if list => Ok(n),
            _ => Err(match val_at(v) {
                None => err_missing(err, self.t.at(dict), m),
                Some(at) => err_type(err, at, &m.path(), if list { "array" } else { "object" }),
            }),
        }
    }

    /// `visit_check_struct`: a member nobody visited.
    fn check(&self, err: &mut Error, dict: Node, p: &VPath, known: &[&str]) -> Result<(), Failed> {
        match self.t.unexpected(dict, known) {
            Some((name, at)) => Err(err_unexpected(err, at, p, name)),
            None => Ok(()),
        }
    }

    /// One optional member of an inet address.
    #[inline(never)]
    fn inet_opt(
        &self,
        err: &mut Error,
        addr: Node,
        m: At<'_>,
        b: u32,
        ty: OptType,
        opts: &mut Opts,
    ) -> Result<(), Failed> {
        match ty {
            OptType::Bool => {
                if let Some(v) = self.opt_bool(err, addr, m)? {
                    opts.set_bool(b, v);
                }
            }
            OptType::Num(slot, width) => {
                if let Some(v) = self.uint(err, addr, m, width, false)? {
                    opts.set_num(b, slot, u32::try_from(v).unwrap_or(u32::MAX));
                }
            }
        }
        Ok(())
    }

    fn inet(
        &self,
        err: &mut Error,
        addr: Node,
        ap: &VPath,
        s: &mut Spec<'t>,
    ) -> Result<(), Failed> {
        s.set(
            STR_HOST,
            self.string(
                err,
                addr,
                At {
                    parent: ap,
                    name: "host",
                },
            )?,
        );
        s.set(
            STR_PORT,
            self.string(
                err,
                addr,
                At {
                    parent: ap,
                    name: "port",
                },
            )?,
        );
        for (name, b, ty) in INET_OPTS {
            self.inet_opt(err, addr, At { parent: ap, name }, b, ty, &mut s.opts)?;
        }
        Ok(())
    }

    /// The members of `addr` for its transport; returns the names QEMU visits.
    #[inline(never)]
    fn address(
        &self,
        err: &mut Error,
        addr: Node,
        ap: &VPath,
        s: &mut Spec<'t>,
    ) -> Result<&'static [&'static str], Failed> {
        const INET: [&str; 11] = [
            "host",
            "port",
            "numeric",
            "to",
            "ipv4",
            "ipv6",
            "keep-alive",
            "keep-alive-count",
            "keep-alive-idle",
            "keep-alive-interval",
            "mptcp",
        ];
        let at = |name| At { parent: ap, name };
        Ok(match s.transport {
            Transport::Socket => {
                let st = self.enumeration(err, addr, at("type"), &SOCKET_TYPES)?;
                s.socket = SocketType::from_index(st);
                match s.socket {
                    SocketType::Inet => {
                        self.inet(err, addr, ap, s)?;
                        &INET
                    }
                    SocketType::Unix => {
                        s.set(STR_PATH, self.string(err, addr, at("path"))?);
                        for (name, b) in [("abstract", OPT_ABSTRACT), ("tight", OPT_TIGHT)] {
                            self.inet_opt(err, addr, at(name), b, OptType::Bool, &mut s.opts)?;
                        }
                        &["path", "abstract", "tight"]
                    }
                    SocketType::Vsock => {
                        s.set(STR_CID, self.string(err, addr, at("cid"))?);
                        s.set(STR_PORT, self.string(err, addr, at("port"))?);
                        &["cid", "port"]
                    }
                    SocketType::Fd => {
                        s.set(STR_FD, self.string(err, addr, at("str"))?);
                        &["str"]
                    }
                }
            }
            Transport::Exec => {
                let list = self.container(err, addr, at("args"), true)?;
                let n = self.t.len(list);
                for i in 0..n {
                    let v = self.t.elem(list, i);
                    if !matches!(v, Val::Str(..)) {
                        return Err(err_elem(err, self.json, v, ap, i));
                    }
                }
                s.args = self.t.args(list, n);
                &["args"]
            }
            Transport::Rdma => {
                self.inet(err, addr, ap, s)?;
                &INET
            }
            Transport::File => {
                s.set(STR_FILENAME, self.string(err, addr, at("filename"))?);
                s.offset = self.uint(err, addr, at("offset"), 64, true)?.unwrap_or(0);
                &["filename", "offset"]
            }
        })
    }

    /// `visit_type_MigrationChannel`, into `s`.
    fn channel(&self, err: &mut Error, s: &mut Spec<'t>) -> Result<(), Failed> {
        let root = Node::Root;
        let rp = VPath::root(self.json);
        let ct = self.enumeration(
            err,
            root,
            At {
                parent: &rp,
                name: "channel-type",
            },
            &CHANNEL_TYPES,
        )?;
        let ap = rp.member("addr");
        let addr = self.container(
            err,
            root,
            At {
                parent: &rp,
                name: "addr",
            },
            false,
        )?;
        let tr = self.enumeration(
            err,
            addr,
            At {
                parent: &ap,
                name: "transport",
            },
            &TRANSPORTS,
        )?;
        s.ctype = ChannelType::from_index(ct).unwrap_or(ChannelType::Main);
        s.transport = Transport::from_index(tr);
        let members = self.address(err, addr, &ap, s)?;
        self.check_rest(err, addr, &ap, members, s.transport == Transport::Socket)?;
        self.check(err, root, &rp, &["channel-type", "addr"])?;
        self.t.overflow(err)
    }

    /// `visit_check_struct` of `addr`: `transport`, `type` for a socket, then the branch's
    /// members are known.
    fn check_rest(
        &self,
        err: &mut Error,
        addr: Node,
        ap: &VPath,
        members: &[&str],
        socket: bool,
    ) -> Result<(), Failed> {
        let base = ["transport", if socket { "type" } else { "transport" }];
        let mut known: [&str; 14] = [""; 14];
        for (slot, m) in known.iter_mut().zip(base.iter().chain(members)) {
            *slot = m;
        }
        self.check(err, addr, ap, &known)
    }
}

/// `Parameter '<path>.<name>' is unexpected`.
#[cold]
#[inline(never)]
fn err_unexpected(err: &mut Error, at: usize, p: &VPath, name: StrRef<'_>) -> Failed {
    let m = err.begin(Status::Channel, at);
    m.push(b"Parameter '");
    if p.n > 0 {
        p.write(m);
        m.push(b".");
    }
    for b in name.bytes() {
        m.push_byte(b);
    }
    m.push(b"' is unexpected");
    Failed
}

/// Element `i` of `addr.args` is not a string.
#[cold]
#[inline(never)]
fn err_elem(err: &mut Error, json: bool, v: Val<'_>, ap: &VPath, i: usize) -> Failed {
    let p = ap.member("args").idx(i);
    err_scalar(err, json, v, val_at(v).unwrap_or(0), &p, "string")
}

#[inline(never)]
fn visit<'t>(t: &dyn Tree<'t>, s: &mut Spec<'t>, err: &mut Error) -> Result<(), Failed> {
    Visit { t, json: t.json() }.channel(err, s)
}

// ---------------------------------------------------------------------------------------
// Keyval with the implied key `channel-type` (util/keyval.c).

mod kv {
    //! QEMU's keyval grammar (the same as the parameters', see `crate::keyval`) over an
    //! argument whose first item may omit `channel-type=`. Instead of QEMU's tree of
    //! dictionaries, the distinct keys are remembered as spans (at most
    //! [`super::KEYVAL_KEYS`]); values are found again in the text when visited.

    use super::{fail, visit, Args, Node, Spec, Tree, Val, P};
    use crate::error::{Error, Failed, Status};
    use crate::ghash;
    use crate::stage::Span;
    use crate::text::StrRef;
    use crate::value::qdict_bucket;

    const IMPLIED: &[u8] = b"channel-type";
    use crate::keyval::FRAGMENT_MAX;

    /// A remembered key: a span of the text, or the implied key.
    #[derive(Clone, Copy, Default)]
    struct Key {
        off: u32,
        len: u32,
    }

    const IMPLIED_KEY: Key = Key {
        off: u32::MAX,
        len: 0,
    };

    fn key_of(start: usize, end: usize) -> Key {
        let s = Span::between(start, end);
        Key {
            off: s.off,
            len: s.len,
        }
    }

    pub(super) struct Kv<'t> {
        text: &'t [u8],
        keys: [Key; super::KEYVAL_KEYS],
        n: usize,
        overflow: bool,
    }

    /// The fragment at `pos` of `s` (keyval's own scanner): its length and, for a list
    /// index, its value.
    fn frag(s: &[u8], pos: usize, first: bool) -> (usize, Option<u32>) {
        let f = crate::keyval::scan_frag(s, pos, first);
        (f.len, f.index)
    }

    /// Fragments of a valid key: (start, end, index).
    struct Frags<'a> {
        k: &'a [u8],
        p: usize,
        first: bool,
    }

    impl Iterator for Frags<'_> {
        type Item = (usize, usize, Option<u32>);
        // Out of line, as keyval's: many walks call it, none hot.
        #[inline(never)]
        fn next(&mut self) -> Option<Self::Item> {
            if self.p >= self.k.len() {
                return None;
            }
            let (len, idx) = frag(self.k, self.p, self.first);
            let start = self.p;
            let end = start.saturating_add(len.max(1));
            self.first = false;
            self.p = end.saturating_add(1);
            Some((start, end, idx))
        }
    }

    fn frags(k: &[u8]) -> Frags<'_> {
        Frags {
            k,
            p: 0,
            first: true,
        }
    }

    /// Does `key` lie below `path` (a proper prefix ending at a fragment boundary)?
    fn below(key: &[u8], path: &[u8]) -> bool {
        key.starts_with(path) && key.get(path.len()) == Some(&b'.')
    }

    /// Is `key` `dict` + `.` + `name` (or `name` for the root)?
    fn is_member(key: &[u8], dict: &[u8], name: &[u8]) -> bool {
        if dict.is_empty() {
            return key == name;
        }
        key.len() == dict.len().saturating_add(1).saturating_add(name.len())
            && key.starts_with(dict)
            && key.get(dict.len()) == Some(&b'.')
            && key.ends_with(name)
    }

    /// An item of validated text.
    #[derive(Clone, Copy)]
    struct Item {
        start: usize,
        key: Key,
        val: (usize, usize),
    }

    /// Items of text that parsed without error.
    struct Items<'t> {
        text: &'t [u8],
        p: usize,
        first: bool,
    }

    impl Iterator for Items<'_> {
        type Item = Item;
        fn next(&mut self) -> Option<Item> {
            loop {
                let t = self.text;
                let start = self.p;
                if start >= t.len() {
                    return None;
                }
                let kend = crate::keyval::key_end(t, start);
                let first = self.first;
                self.first = false;
                let after = |e: usize| {
                    if t.get(e) == Some(&b',') {
                        e.saturating_add(1)
                    } else {
                        e
                    }
                };
                // No key in accepted text is empty.
                if t.get(kend) != Some(&b'=') {
                    self.p = after(kend);
                    // Only the first item may be a bare value (the text passed the parse,
                    // which refuses `help`).
                    if !first {
                        continue;
                    }
                    return Some(Item {
                        start,
                        key: IMPLIED_KEY,
                        val: (start, kend),
                    });
                }
                let vstart = kend.saturating_add(1);
                let vend = super::value_end(t, vstart);
                self.p = after(vend);
                return Some(Item {
                    start,
                    key: key_of(start, kend),
                    val: (vstart, vend),
                });
            }
        }
    }

    fn items(text: &[u8]) -> Items<'_> {
        Items {
            text,
            p: 0,
            first: true,
        }
    }

    fn bytes_of(text: &[u8], k: Key) -> &[u8] {
        if k.off == u32::MAX {
            IMPLIED
        } else {
            Span {
                off: k.off,
                len: k.len,
            }
            .of(text)
        }
    }

    fn inconsistent(err: &mut Error, at: usize, path: &[u8]) -> Failed {
        super::fail(
            err,
            at,
            &[
                P::S("Parameters '"),
                P::B(path),
                P::S(".*' used inconsistently"),
            ],
        )
    }

    impl<'t> Kv<'t> {
        fn key(&self, i: usize) -> &'t [u8] {
            self.keys
                .get(i)
                .map_or(&[][..], |&k| bytes_of(self.text, k))
        }

        /// Where key `i` starts (the implied key: its marker, u32::MAX).
        fn key_at(&self, i: usize) -> usize {
            self.keys.get(i).map_or(0, |k| k.off as usize)
        }

        fn keys(&self) -> impl Iterator<Item = (usize, &'t [u8])> + '_ {
            (0..self.n).map(move |i| (i, self.key(i)))
        }

        fn has(&self, k: &[u8]) -> bool {
            self.keys().any(|(_, x)| x == k)
        }

        fn remember(&mut self, k: Key) {
            let b = bytes_of(self.text, k);
            if self.has(b) {
                return;
            }
            match self.keys.get_mut(self.n) {
                Some(slot) => {
                    *slot = k;
                    self.n = self.n.saturating_add(1);
                }
                None => self.overflow = true,
            }
        }

        /// A reader of `text` that has remembered nothing yet.
        fn new(text: &'t [u8]) -> Kv<'t> {
            Kv {
                text,
                keys: [Key::default(); super::KEYVAL_KEYS],
                n: 0,
                overflow: false,
            }
        }

        /// `keyval_parse_into` with the implied key, without help support.
        #[inline(never)]
        fn parse(&mut self, err: &mut Error) -> Result<(), Failed> {
            let text = self.text;
            let kv = self;
            let mut help: Option<usize> = None;
            let mut p = 0usize;
            let mut first = true;
            while p < text.len() {
                let start = p;
                let kend = crate::keyval::key_end(text, start);
                let after = |e: usize| {
                    if text.get(e) == Some(&b',') {
                        e.saturating_add(1)
                    } else {
                        e
                    }
                };
                let implied = first;
                first = false;
                if kend > start && text.get(kend) != Some(&b'=') {
                    let kt = text.get(start..kend).unwrap_or(&[]);
                    if kt == b"help" || kt == b"?" {
                        help = help.or(Some(start));
                        p = after(kend);
                        continue;
                    }
                    if implied {
                        // The first item's text up to `,` is the value of `channel-type`.
                        kv.remember(IMPLIED_KEY);
                        p = after(kend);
                        continue;
                    }
                }
                p = kv.item(start, kend, err)?;
            }
            if let Some(at) = help {
                return Err(fail(
                    err,
                    at,
                    &[P::S("Help is not available for this option")],
                ));
            }
            kv.listify(err)
        }

        /// One `key=value` item (`keyval_parse_one`); returns where the next begins.
        fn item(&mut self, start: usize, kend: usize, err: &mut Error) -> Result<usize, Failed> {
            let text = self.text;
            let key_text = text.get(start..kend).unwrap_or(&[]);
            let mut s = start;
            loop {
                let (len, _) = frag(text, s, s == start);
                let after = s.saturating_add(len);
                let next = text.get(after).copied();
                if len == 0 || !matches!(next, None | Some(b'=' | b',' | b'.')) {
                    return Err(fail(
                        err,
                        start,
                        &[P::S("Invalid parameter '"), P::B(key_text), P::S("'")],
                    ));
                }
                if len >= FRAGMENT_MAX {
                    let word = if s != start || after != kend {
                        "Parameter fragment '"
                    } else {
                        "Parameter '"
                    };
                    return Err(fail(
                        err,
                        s,
                        &[
                            P::S(word),
                            P::B(text.get(s..after).unwrap_or(&[])),
                            P::S("' is too long"),
                        ],
                    ));
                }
                if s != start {
                    // The prefix before this fragment becomes a dictionary.
                    let prefix = text.get(start..s.saturating_sub(1)).unwrap_or(&[]);
                    if self.has(prefix) {
                        return Err(inconsistent(err, start, prefix));
                    }
                }
                s = after;
                if next != Some(b'.') {
                    break;
                }
                s = s.saturating_add(1);
            }
            let key = text.get(start..s).unwrap_or(&[]);
            if text.get(s) != Some(&b'=') {
                return Err(fail(
                    err,
                    start,
                    &[P::S("Expected '=' after parameter '"), P::B(key), P::S("'")],
                ));
            }
            let vend = super::value_end(text, s.saturating_add(1));
            if self.keys().any(|(_, k)| below(k, key)) {
                return Err(inconsistent(err, start, key));
            }
            self.remember(key_of(start, s));
            Ok(if text.get(vend) == Some(&b',') {
                vend.saturating_add(1)
            } else {
                vend
            })
        }

        /// Insertion rank of dictionary `path` among its siblings: the first key below it.
        fn inserted(&self, path: &[u8]) -> usize {
            self.keys()
                .find(|(_, k)| below(k, path))
                .map_or(usize::MAX, |(i, _)| i)
        }

        /// Does QEMU's listify walk (QDict order, children first) meet dictionary `a`
        /// before dictionary `b`?
        fn walks_before(&self, a: &[u8], b: &[u8]) -> bool {
            let mut fa = frags(a);
            let mut fb = frags(b);
            loop {
                match (fa.next(), fb.next()) {
                    (Some((sa, ea, _)), Some((sb, eb, _))) => {
                        let xa = a.get(sa..ea).unwrap_or(&[]);
                        let xb = b.get(sb..eb).unwrap_or(&[]);
                        if xa == xb {
                            continue;
                        }
                        let (ba, bb) = (qdict_bucket(xa), qdict_bucket(xb));
                        if ba != bb {
                            return ba < bb;
                        }
                        // Same bucket: the one inserted later comes first.
                        let ia = self.inserted(a.get(..ea).unwrap_or(&[]));
                        let ib = self.inserted(b.get(..eb).unwrap_or(&[]));
                        return ia > ib;
                    }
                    // One path is inside the other: children are converted first.
                    (Some(_), None) => return true,
                    _ => return false,
                }
            }
        }

        /// `keyval_listify`: the first list error QEMU's walk meets.
        #[inline(never)]
        fn listify(&self, err: &mut Error) -> Result<(), Failed> {
            // (key, end of the dictionary's path in it, missing index or None for a mix)
            let mut best: Option<(usize, usize, Option<u32>)> = None;
            for (k, key) in self.keys() {
                for (_, end, _) in frags(key) {
                    if end >= key.len() {
                        break;
                    }
                    let path = key.get(..end).unwrap_or(&[]);
                    // Judge each dictionary once, from the first key below it.
                    if self.keys().take(k).any(|(_, j)| below(j, path)) {
                        continue;
                    }
                    let Some(e) = self.judge(path) else {
                        continue;
                    };
                    let better = match best {
                        None => true,
                        Some((bk, bend, _)) => {
                            let other = self.key(bk).get(..bend).unwrap_or(&[]);
                            self.walks_before(path, other)
                        }
                    };
                    if better {
                        best = Some((k, end, e));
                    }
                }
            }
            let Some((k, end, e)) = best else {
                return Ok(());
            };
            let path = self.key(k).get(..end).unwrap_or(&[]);
            let at = self.key_at(k);
            Err(match e {
                None => inconsistent(err, at, path),
                Some(missing) => {
                    let mut buf = [0u8; 20];
                    super::fail(
                        err,
                        at,
                        &[
                            P::S("Parameter '"),
                            P::B(path),
                            P::S("."),
                            P::B(super::dec(u64::from(missing), &mut buf)),
                            P::S("' missing"),
                        ],
                    )
                }
            })
        }

        /// The list-conversion error of dictionary `path`, if any: `Some(None)` for
        /// indices mixed with members, `Some(Some(i))` for a missing element `i`.
        fn judge(&self, path: &[u8]) -> Option<Option<u32>> {
            let mut index = false;
            let mut member = false;
            let mut present: u128 = 0;
            let mut top: u64 = 0;
            for (_, k) in self.keys() {
                if !below(k, path) {
                    continue;
                }
                let at = path.len().saturating_add(1);
                match frag(k, at, false).1 {
                    Some(i) => {
                        index = true;
                        top = top.max(u64::from(i));
                        if i < 128 {
                            present |= 1u128.wrapping_shl(i);
                        }
                    }
                    None => member = true,
                }
            }
            if index && member {
                return Some(None);
            }
            if !index {
                return None;
            }
            let missing = (!present).trailing_zeros();
            (u64::from(missing) < top).then_some(Some(missing))
        }

        fn path(&self, n: Node) -> &'static [u8] {
            match n {
                Node::Root => b"",
                Node::Addr(_) => b"addr",
                Node::Args(_) => b"addr.args",
                Node::Other(_) => b"\0",
            }
        }

        /// The last value given to `key`, and where it starts.
        fn value(&self, key: &[u8]) -> Option<(StrRef<'t>, usize)> {
            let mut found = None;
            for it in items(self.text) {
                if bytes_of(self.text, it.key) == key {
                    found = Some(it.val);
                }
            }
            found.map(|(a, b)| (StrRef::Keyval(self.text.get(a..b).unwrap_or(&[])), a))
        }

        /// What the dictionary or list at `path` (given as a remembered key's prefix)
        /// holds: list when its keys are indices.
        fn container(&self, path: &[u8], node: Node) -> Val<'t> {
            let first = self.keys().find(|(_, k)| below(k, path));
            match first {
                Some((i, k)) => {
                    let at = self.key_at(i);
                    match frag(k, path.len().saturating_add(1), false).1 {
                        Some(_) => Val::List(node, at),
                        None => Val::Dict(node, at),
                    }
                }
                None => Val::Absent,
            }
        }
    }

    impl<'t> Tree<'t> for Kv<'t> {
        fn json(&self) -> bool {
            false
        }

        fn at(&self, n: Node) -> usize {
            match n {
                Node::Root => 0,
                Node::Addr(at) | Node::Args(at) | Node::Other(at) => at,
            }
        }

        #[inline(never)]
        fn get(&self, dict: Node, name: &'static str) -> Val<'t> {
            let dp = self.path(dict);
            let whole = if dp.is_empty() {
                name.len()
            } else {
                dp.len().saturating_add(1).saturating_add(name.len())
            };
            for (i, k) in self.keys() {
                let Some(head) = k.get(..whole) else {
                    continue;
                };
                if !is_member(head, dp, name.as_bytes()) {
                    continue;
                }
                if k.len() == whole {
                    return match self.value(k) {
                        Some((s, at)) => Val::Str(s, at),
                        None => Val::Absent,
                    };
                }
                if k.get(whole) != Some(&b'.') {
                    continue;
                }
                let at = self.key_at(i);
                let node = match (dict, name) {
                    (Node::Root, "addr") => Node::Addr(at),
                    (Node::Addr(_), "args") => Node::Args(at),
                    _ => Node::Other(at),
                };
                return self.container(head, node);
            }
            Val::Absent
        }

        fn len(&self, list: Node) -> usize {
            let dp = self.path(list);
            let mut n = 0usize;
            for (_, k) in self.keys() {
                if below(k, dp) {
                    if let (_, Some(i)) = frag(k, dp.len().saturating_add(1), false) {
                        n = n.max((i as usize).saturating_add(1));
                    }
                }
            }
            n
        }

        #[inline(never)]
        fn elem(&self, list: Node, i: usize) -> Val<'t> {
            let dp = self.path(list);
            let at = dp.len().saturating_add(1);
            // The last item naming this index, in any spelling, decides.
            let mut found = Val::Absent;
            for it in items(self.text) {
                let k = bytes_of(self.text, it.key);
                if !below(k, dp) {
                    continue;
                }
                let (len, idx) = frag(k, at, false);
                if idx.map(|v| v as usize) != Some(i) {
                    continue;
                }
                let end = at.saturating_add(len);
                found = if end == k.len() {
                    let (a, b) = it.val;
                    Val::Str(StrRef::Keyval(self.text.get(a..b).unwrap_or(&[])), a)
                } else {
                    Val::Dict(Node::Other(it.start), it.start)
                };
            }
            found
        }

        #[inline(never)]
        fn unexpected(&self, dict: Node, known: &[&str]) -> Option<(StrRef<'t>, usize)> {
            let dp = self.path(dict);
            let at = if dp.is_empty() {
                0
            } else {
                dp.len().saturating_add(1)
            };
            // A fragment's span; the implied key's (`off` u32::MAX) is its whole name.
            let read: fn(&'t [u8], Span) -> StrRef<'t> = |t, f| {
                StrRef::Plain(bytes_of(
                    t,
                    Key {
                        off: f.off,
                        len: f.len,
                    },
                ))
            };
            let mut level = ghash::Level::new(self.text, read);
            for (i, k) in self.keys() {
                if !dp.is_empty() && !below(k, dp) {
                    continue;
                }
                let (len, _) = frag(k, at, at == 0);
                let name = k.get(at..at.saturating_add(len)).unwrap_or(&[]);
                let rank = known.iter().position(|n| n.as_bytes() == name);
                // The implied key (only at the root) keeps its marker offset, u32::MAX.
                let start = self.key_at(i).saturating_add(at);
                let span = Span::between(start, start.saturating_add(name.len()));
                level.add(span, rank.and_then(|r| u8::try_from(r).ok()));
            }
            let span = level.named()?;
            // The error points at the whole key (the implied one: at the start).
            let key_at = if span.off == u32::MAX {
                0
            } else {
                span.start().saturating_sub(at)
            };
            Some((read(self.text, span), key_at))
        }

        fn args(&self, _list: Node, n: usize) -> Args<'t> {
            Args::Keyval(self.text, n)
        }

        fn overflow(&self, err: &mut Error) -> Result<(), Failed> {
            if !self.overflow {
                return Ok(());
            }
            let mut buf = [0u8; 20];
            Err(super::fail_as(
                err,
                Status::Capacity,
                self.text.len(),
                &[
                    P::S("The channel has more distinct keys than migcfg holds ("),
                    P::B(super::dec(super::KEYVAL_KEYS as u64, &mut buf)),
                    P::S(")"),
                ],
            ))
        }
    }

    /// Value of `addr.args.<i>` in validated text (the last item naming it).
    pub(super) fn arg(text: &[u8], i: usize) -> Option<StrRef<'_>> {
        const DP: &[u8] = b"addr.args";
        let at = DP.len().saturating_add(1);
        let mut found = None;
        for it in items(text) {
            let k = bytes_of(text, it.key);
            if !below(k, DP) {
                continue;
            }
            let (len, idx) = frag(k, at, false);
            if idx.map(|v| v as usize) == Some(i) && at.saturating_add(len) == k.len() {
                let (a, b) = it.val;
                found = Some(StrRef::Keyval(text.get(a..b).unwrap_or(&[])));
            }
        }
        found
    }

    /// A `MigrationChannel` in keyval.
    #[inline(never)]
    pub(super) fn channel<'t>(
        text: &'t [u8],
        s: &mut Spec<'t>,
        err: &mut Error,
    ) -> Result<(), Failed> {
        let mut kv = Kv::new(text);
        kv.parse(err)?;
        visit(&kv, s, err)
    }
}

// ---------------------------------------------------------------------------------------
// JSON (qobject/json-lexer.c, json-streamer.c, json-parser.c, qjson.c).

mod json {
    //! A compact reader of QEMU's JSON dialect for channel objects: the config reader's
    //! lexer (QEMU's states and `stray` texts), the streamer's limits and its rule that a
    //! value is parsed only once its outer brackets close (so a lexical error anywhere in
    //! it wins), the parser's messages, and `Expecting at most one JSON value`. Nothing is
    //! stored: the text is lexed again whenever a member is looked up.

    use super::{fail, visit, Args, Node, Spec, Tree, Val, P};
    use crate::error::{Error, Failed};
    use crate::ghash;
    use crate::json::Kind as K;
    use crate::stage::Span;
    use crate::text::StrRef;

    // QEMU's streamer limits, as the config's JSON reader declares them.
    const MAX_TOKEN_SIZE: u64 = crate::json::MAX_TOKEN_SIZE as u64;
    const MAX_TOKEN_COUNT: u64 = crate::json::MAX_TOKEN_COUNT as u64;
    const MAX_NESTING: i64 = crate::json::MAX_NESTING as i64;

    #[derive(Clone, Copy, Debug)]
    struct Tok {
        t: K,
        start: usize,
        end: usize,
    }

    /// A lexical error: the token text QEMU quotes, and where it went wrong.
    enum LexErr {
        Stray(usize, usize, usize),
        Size(usize),
    }

    struct Lexer<'t> {
        text: &'t [u8],
        pos: usize,
    }

    fn is_ws(c: u8) -> bool {
        matches!(c, b' ' | b'\t' | b'\r' | b'\n')
    }

    impl<'t> Lexer<'t> {
        fn at(text: &'t [u8], pos: usize) -> Self {
            Lexer { text, pos }
        }

        fn byte(&self, p: usize) -> Option<u8> {
            self.text.get(p).copied()
        }

        /// A token ending at `end`, unless it outgrew the lexer's token limit.
        fn tok(&mut self, t: K, start: usize, end: usize) -> Option<Result<Tok, LexErr>> {
            self.pos = end;
            if (end.saturating_sub(start) as u64) > MAX_TOKEN_SIZE {
                let at = start.saturating_add(MAX_TOKEN_SIZE as usize);
                return Some(Err(LexErr::Size(at)));
            }
            Some(Ok(Tok { t, start, end }))
        }

        /// The token at the next non-blank byte, by the config reader's lexer (QEMU's
        /// states); strings are measured against the token limit as they grow, so a string
        /// longer than the limit fails one byte past it, closed or not.
        fn next(&mut self) -> Option<Result<Tok, LexErr>> {
            while self.byte(self.pos).is_some_and(is_ws) {
                self.pos = self.pos.saturating_add(1);
            }
            let start = self.pos;
            let quote = matches!(self.byte(start)?, b'"' | b'\'');
            let long = |at: usize| quote && (at.saturating_sub(start) as u64) > MAX_TOKEN_SIZE;
            match crate::json::lex_plain(self.text, start) {
                Ok(tok) if long(tok.end.saturating_sub(1)) => self.too_long(start),
                Ok(tok) => self.tok(tok.kind, start, tok.end),
                Err(e) if long(e.at) => self.too_long(start),
                Err(e) => {
                    // The token so far, with the byte that failed unless the input ended.
                    let end = if e.eof { e.at } else { e.at.saturating_add(1) };
                    self.pos = end;
                    Some(Err(LexErr::Stray(start, end, e.at)))
                }
            }
        }

        /// A string that outgrew the token limit: the error is one byte past it.
        fn too_long(&mut self, start: usize) -> Option<Result<Tok, LexErr>> {
            let at = start
                .saturating_add(MAX_TOKEN_SIZE as usize)
                .saturating_add(1);
            self.pos = at;
            Some(Err(LexErr::Size(at)))
        }
    }

    /// A parser error, kept small until it is written out.
    #[derive(Clone, Copy)]
    enum JErr {
        /// `JSON parse error, <text>`.
        Msg(&'static str),
        /// `invalid keyword '<text[a..b]>'`.
        Keyword(usize, usize),
        /// `<text[a..b]> is not a valid Unicode character`.
        Unicode(usize, usize),
    }

    fn msg(err: &mut Error, at: usize, what: &str) -> Failed {
        fail(err, at, &[P::S("JSON parse error, "), P::S(what)])
    }

    fn render(err: &mut Error, text: &[u8], at: usize, e: JErr) -> Failed {
        match e {
            JErr::Msg(m) => msg(err, at, m),
            JErr::Keyword(a, b) => fail(
                err,
                at,
                &[
                    P::S("JSON parse error, invalid keyword '"),
                    P::B(text.get(a..b).unwrap_or(&[])),
                    P::S("'"),
                ],
            ),
            JErr::Unicode(a, b) => fail(
                err,
                at,
                &[
                    P::S("JSON parse error, "),
                    P::B(text.get(a..b).unwrap_or(&[])),
                    P::S(" is not a valid Unicode character"),
                ],
            ),
        }
    }

    fn lex_error(err: &mut Error, text: &[u8], e: LexErr) -> Failed {
        match e {
            LexErr::Stray(a, b, at) => fail(
                err,
                at,
                &[
                    P::S("JSON parse error, stray '"),
                    P::B(text.get(a..b).unwrap_or(&[])),
                    P::S("'"),
                ],
            ),
            LexErr::Size(at) => fail(err, at, &[P::S("JSON token size limit exceeded")]),
        }
    }

    /// The streamer: tokens of the first value until its brackets balance (or the input
    /// ends), with QEMU's limits. Returns where the first value's tokens end.
    #[inline(never)]
    fn stream(text: &[u8], err: &mut Error) -> Result<usize, Failed> {
        let mut lx = Lexer::at(text, 0);
        let (mut brace, mut bracket) = (0i64, 0i64);
        let (mut count, mut size) = (0u64, 0u64);
        loop {
            // The text starts with `{`, so there is always a first token.
            let tok = match lx.next() {
                None => return Ok(text.len()),
                Some(Err(e)) => return Err(lex_error(err, text, e)),
                Some(Ok(t)) => t,
            };
            match tok.t {
                K::LCurly => brace = brace.saturating_add(1),
                K::RCurly => brace = brace.saturating_sub(1),
                K::LSquare => bracket = bracket.saturating_add(1),
                K::RSquare => bracket = bracket.saturating_sub(1),
                _ => {}
            }
            let len = tok.end.saturating_sub(tok.start) as u64;
            if size.saturating_add(len).saturating_add(1) > MAX_TOKEN_SIZE {
                return Err(fail(
                    err,
                    tok.start,
                    &[P::S("JSON token size limit exceeded")],
                ));
            }
            if count.saturating_add(1) > MAX_TOKEN_COUNT {
                return Err(fail(
                    err,
                    tok.start,
                    &[P::S("JSON token count limit exceeded")],
                ));
            }
            if brace.saturating_add(bracket) > MAX_NESTING {
                return Err(fail(
                    err,
                    tok.start,
                    &[P::S("JSON nesting depth limit exceeded")],
                ));
            }
            count = count.saturating_add(1);
            size = size.saturating_add(len);
            if !((brace > 0 || bracket > 0) && brace >= 0 && bracket >= 0) {
                return Ok(tok.end);
            }
        }
    }

    /// `mod_utf8_codepoint`: the length of a valid sequence at the start of `s`, if any.
    fn mod_utf8(s: &[u8]) -> Option<usize> {
        match crate::text::mod_utf8_codepoint(s) {
            (Some(_), len) => Some(len),
            (None, _) => None,
        }
    }

    /// `parse_string`'s checks on a string token: the error and its offset, if any.
    fn check_string(text: &[u8], tok: Tok) -> Option<(usize, JErr)> {
        let tk = text.get(tok.start..tok.end).unwrap_or(&[]);
        let last = tk.len().saturating_sub(1);
        let mut i = 1usize;
        while i < last {
            let at = tok.start.saturating_add(i);
            let c = tk.get(i).copied().unwrap_or(0);
            if c != b'\\' {
                match mod_utf8(tk.get(i..).unwrap_or(&[])) {
                    Some(n) => i = i.saturating_add(n),
                    None => return Some((at, JErr::Msg("invalid UTF-8 sequence in string"))),
                }
                continue;
            }
            let beg = i;
            let e = tk.get(i.saturating_add(1)).copied().unwrap_or(0);
            i = i.saturating_add(2);
            match e {
                b'"' | b'\'' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                b'u' => {
                    let mut cp = crate::text::hex4(tk.get(i..).unwrap_or(&[]));
                    i = i.saturating_add(4);
                    if let Some(hi @ 0xD800..=0xDBFF) = cp {
                        if tk.get(i) == Some(&b'\\') && tk.get(i.saturating_add(1)) == Some(&b'u') {
                            let lo =
                                crate::text::hex4(tk.get(i.saturating_add(2)..).unwrap_or(&[]));
                            cp = match lo {
                                Some(lo @ 0xDC00..=0xDFFF) => {
                                    i = i.saturating_add(6);
                                    Some(0x10000 | (hi & 0x3FF).wrapping_shl(10) | (lo & 0x3FF))
                                }
                                _ => None,
                            };
                        }
                    }
                    if !cp.is_some_and(crate::text::valid_codepoint) {
                        let a = tok.start.saturating_add(beg);
                        let b = tok.start.saturating_add(i.min(tk.len()));
                        return Some((at, JErr::Unicode(a, b)));
                    }
                }
                _ => return Some((at, JErr::Msg("invalid escape sequence in string"))),
            }
        }
        None
    }

    /// Role of a value in its container.
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Role {
        Top,
        Key,
        Member,
        Elem,
    }

    /// Per-level flags of up to 1024 open containers (the streamer's limit). Bit `i` is
    /// bit `i % 64` of word `i / 64`: the wrapping shifts take their amount modulo 64.
    struct Bits([u64; 17]);

    impl Bits {
        fn get(&self, i: usize) -> bool {
            self.0
                .get(i / 64)
                .is_some_and(|w| w.wrapping_shr(i as u32) & 1 != 0)
        }

        fn set(&mut self, i: usize, v: bool) {
            if let Some(w) = self.0.get_mut(i / 64) {
                let b = 1u64.wrapping_shl(i as u32);
                if v {
                    *w |= b;
                } else {
                    *w &= !b;
                }
            }
        }
    }

    /// Tokens with one of lookahead.
    struct Stream<'t> {
        lx: Lexer<'t>,
        peeked: Option<Tok>,
    }

    impl Stream<'_> {
        fn pop(&mut self) -> Option<Tok> {
            match self.peeked.take() {
                Some(t) => Some(t),
                None => match self.lx.next() {
                    Some(Ok(t)) => Some(t),
                    _ => None,
                },
            }
        }

        fn peek(&mut self) -> Option<Tok> {
            let t = self.pop();
            self.peeked = t;
            t
        }
    }

    /// The parser over the first value's tokens: its first error (offset and error).
    /// Iterative (the nesting may be 1024 deep): one bit per level says whether the
    /// container is an object, one whether it is an object's key.
    #[inline(never)]
    fn grammar(text: &[u8], end: usize) -> Option<(usize, JErr)> {
        let body = text.get(..end).unwrap_or(text);
        let mut ts = Stream {
            lx: Lexer::at(body, 0),
            peeked: None,
        };
        let eoi = || Some((end, JErr::Msg("premature EOI")));
        let mut objs = Bits([0; 17]);
        let mut keys = Bits([0; 17]);
        let mut depth = 0usize;
        let mut role = Role::Top;
        // The container opened as a key: the first to close ends the parse, so one will do.
        let mut key_open = 0usize;
        'value: loop {
            let Some(tok) = ts.pop() else {
                return eoi();
            };
            let mut is_str = false;
            match tok.t {
                K::LCurly | K::LSquare => {
                    if role == Role::Key {
                        key_open = tok.start;
                    }
                    let obj = tok.t == K::LCurly;
                    depth = depth.saturating_add(1);
                    objs.set(depth, obj);
                    keys.set(depth, role == Role::Key);
                    let close = if obj { K::RCurly } else { K::RSquare };
                    match ts.peek() {
                        None => return eoi(),
                        Some(t) if t.t == close => {
                            ts.pop();
                        }
                        Some(_) => {
                            role = if obj { Role::Key } else { Role::Elem };
                            continue 'value;
                        }
                    }
                    // An empty container is complete: back to its own role.
                    role = role_of(&objs, &keys, depth);
                    depth = depth.saturating_sub(1);
                    key_open = tok.start;
                }
                K::Str => {
                    if let Some(e) = check_string(text, tok) {
                        return Some(e);
                    }
                    is_str = true;
                }
                K::Int | K::Float => {}
                K::True | K::False | K::Null | K::Word => {
                    let w = text.get(tok.start..tok.end).unwrap_or(&[]);
                    if !matches!(w, b"true" | b"false" | b"null") {
                        return Some((tok.start, JErr::Keyword(tok.start, tok.end)));
                    }
                }
                _ => return Some((tok.start, JErr::Msg("expecting value"))),
            }
            let mut last = tok.start;
            // A value is complete: what its container expects next.
            loop {
                match role {
                    Role::Top => return None,
                    Role::Key => {
                        if !is_str {
                            return Some((last, JErr::Msg("key is not a string in object")));
                        }
                        match ts.pop() {
                            None => return eoi(),
                            Some(t) if t.t == K::Colon => {
                                role = Role::Member;
                                continue 'value;
                            }
                            Some(t) => {
                                return Some((t.start, JErr::Msg("missing : in object pair")))
                            }
                        }
                    }
                    Role::Member | Role::Elem => {
                        let member = role == Role::Member;
                        let (close, what) = if member {
                            (K::RCurly, "expected separator in dict")
                        } else {
                            (K::RSquare, "expected separator in list")
                        };
                        match ts.pop() {
                            None => return eoi(),
                            Some(t) if t.t == K::Comma => {
                                role = if member { Role::Key } else { Role::Elem };
                                continue 'value;
                            }
                            Some(t) if t.t == close => {
                                role = role_of(&objs, &keys, depth);
                                depth = depth.saturating_sub(1);
                                is_str = false;
                                last = key_open;
                            }
                            Some(t) => return Some((t.start, JErr::Msg(what))),
                        }
                    }
                }
            }
        }
    }

    /// The role of the container open at `depth` within its parent.
    fn role_of(objs: &Bits, keys: &Bits, depth: usize) -> Role {
        if depth <= 1 {
            Role::Top
        } else if !objs.get(depth.saturating_sub(1)) {
            Role::Elem
        } else if keys.get(depth) {
            Role::Key
        } else {
            Role::Member
        }
    }

    /// End of the value whose first token is `first`, if it ends before `limit`.
    fn skip(lx: &mut Lexer<'_>, first: Tok, limit: usize) -> Option<usize> {
        let mut depth = 0usize;
        let mut t = first;
        loop {
            if t.start >= limit {
                return None;
            }
            match t.t {
                K::LCurly | K::LSquare => depth = depth.saturating_add(1),
                K::RCurly | K::RSquare => depth = depth.saturating_sub(1),
                _ => {}
            }
            if depth == 0 {
                return Some(t.end);
            }
            t = match lx.next() {
                Some(Ok(t)) => t,
                _ => return None,
            };
        }
    }

    fn body_of(text: &[u8], t: Tok) -> StrRef<'_> {
        StrRef::Json(
            text.get(t.start.saturating_add(1)..t.end.saturating_sub(1))
                .unwrap_or(&[]),
        )
    }

    /// The first duplicate key of the object at `open` whose value ends before `limit`:
    /// when QEMU reports it (the end of that value), and where the key starts. Only the
    /// first `JSON_DUP_KEYS` keys are remembered.
    fn dup_in(text: &[u8], open: usize, limit: usize) -> Option<(usize, usize)> {
        let mut lx = Lexer::at(text, open.saturating_add(1));
        let mut seen = [(0u32, 0u32); super::JSON_DUP_KEYS];
        let mut n = 0usize;
        loop {
            // Tokens at or past `limit` end the search in `skip`, which every member's
            // value goes through.
            let k = match lx.next() {
                Some(Ok(t)) => t,
                _ => return None,
            };
            match k.t {
                K::Comma => continue,
                K::Str => {}
                _ => return None,
            }
            // The key's colon: any other token there is a grammar error, where `limit` is.
            if !matches!(lx.next(), Some(Ok(_))) {
                return None;
            }
            let first = match lx.next() {
                Some(Ok(t)) => t,
                _ => return None,
            };
            let vend = skip(&mut lx, first, limit)?;
            let key = body_of(text, k);
            let dup = seen.iter().take(n).any(|&(a, b)| {
                let t = Tok {
                    t: K::Str,
                    start: a as usize,
                    end: b as usize,
                };
                body_of(text, t).same(key)
            });
            if dup {
                return Some((vend, k.start));
            }
            if let Some(slot) = seen.get_mut(n) {
                *slot = (
                    u32::try_from(k.start).unwrap_or(u32::MAX),
                    u32::try_from(k.end).unwrap_or(u32::MAX),
                );
                n = n.saturating_add(1);
            }
        }
    }

    /// The first duplicate key (by where QEMU meets it) among objects nested at most
    /// `JSON_DUP_DEPTH` deep, before `limit`.
    #[inline(never)]
    fn duplicates(text: &[u8], end: usize, limit: usize) -> Option<(usize, usize)> {
        let body = text.get(..end).unwrap_or(text);
        let mut lx = Lexer::at(body, 0);
        let mut depth = 0usize;
        let mut best: Option<(usize, usize)> = None;
        while let Some(Ok(t)) = lx.next() {
            if t.start >= limit {
                break;
            }
            match t.t {
                K::LCurly => {
                    if depth < super::JSON_DUP_DEPTH {
                        if let Some(p) = dup_in(body, t.start, limit) {
                            best = Some(best.map_or(p, |b| if p.0 < b.0 { p } else { b }));
                        }
                    }
                    depth = depth.saturating_add(1);
                }
                K::LSquare => depth = depth.saturating_add(1),
                K::RCurly | K::RSquare => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        best
    }

    /// `qobject_from_json` on a channel argument: the whole text is checked.
    #[inline(never)]
    fn check(text: &[u8], err: &mut Error) -> Result<(), Failed> {
        let end = stream(text, err)?;
        let g = grammar(text, end);
        let limit = g.as_ref().map_or(end, |(p, _)| *p);
        if let Some((when, key)) = duplicates(text, end, limit) {
            if g.as_ref().is_none_or(|(p, _)| when <= *p) {
                return Err(msg(err, key, "duplicate key"));
            }
        }
        if let Some((at, e)) = g {
            return Err(render(err, text, at, e));
        }
        let rest = text.get(end..).unwrap_or(&[]);
        if let Some(i) = rest.iter().position(|&c| !is_ws(c)) {
            return Err(fail(
                err,
                end.saturating_add(i),
                &[P::S("Expecting at most one JSON value")],
            ));
        }
        Ok(())
    }

    /// Members of the object whose `{` is at `open`: key token, first value token.
    struct Members<'t> {
        lx: Lexer<'t>,
        done: bool,
    }

    impl Iterator for Members<'_> {
        type Item = (Tok, Tok);
        fn next(&mut self) -> Option<(Tok, Tok)> {
            if self.done {
                return None;
            }
            loop {
                let k = match self.lx.next() {
                    Some(Ok(t)) => t,
                    _ => {
                        self.done = true;
                        return None;
                    }
                };
                match k.t {
                    K::Comma => continue,
                    K::Str => {}
                    _ => {
                        self.done = true;
                        return None;
                    }
                }
                let _colon = self.lx.next();
                let v = match self.lx.next() {
                    Some(Ok(t)) => t,
                    _ => {
                        self.done = true;
                        return None;
                    }
                };
                skip(&mut self.lx, v, usize::MAX);
                return Some((k, v));
            }
        }
    }

    fn members(text: &[u8], open: usize) -> Members<'_> {
        Members {
            lx: Lexer::at(text, open.saturating_add(1)),
            done: false,
        }
    }

    /// Elements of the array whose `[` is at `open`: first token of each.
    fn elems(text: &[u8], open: usize) -> impl Iterator<Item = Tok> + '_ {
        let mut lx = Lexer::at(text, open.saturating_add(1));
        let mut done = false;
        core::iter::from_fn(move || {
            if done {
                return None;
            }
            loop {
                let t = match lx.next() {
                    Some(Ok(t)) => t,
                    _ => {
                        done = true;
                        return None;
                    }
                };
                match t.t {
                    K::Comma => continue,
                    K::RSquare => {
                        done = true;
                        return None;
                    }
                    _ => {
                        skip(&mut lx, t, usize::MAX);
                        return Some(t);
                    }
                }
            }
        })
    }

    /// String element `i` of the (validated) array at `open`.
    pub(super) fn elem_str(text: &[u8], open: usize, i: usize) -> Option<StrRef<'_>> {
        let t = elems(text, open).nth(i)?;
        (t.t == K::Str).then(|| body_of(text, t))
    }

    struct Json<'t> {
        text: &'t [u8],
    }

    impl<'t> Json<'t> {
        fn val(&self, t: Tok, node: Node) -> Val<'t> {
            let text = self.text;
            match t.t {
                K::LCurly => Val::Dict(node, t.start),
                K::LSquare => Val::List(node, t.start),
                K::Str => Val::Str(body_of(text, t), t.start),
                K::Int => Val::Int(text.get(t.start..t.end).unwrap_or(&[]), t.start),
                _ => match text.get(t.start..t.end) {
                    Some(b"true") => Val::Bool(true, t.start),
                    Some(b"false") => Val::Bool(false, t.start),
                    _ => Val::Null(t.start),
                },
            }
        }
    }

    impl<'t> Tree<'t> for Json<'t> {
        fn json(&self) -> bool {
            true
        }

        fn at(&self, n: Node) -> usize {
            match n {
                Node::Root => 0,
                Node::Addr(at) | Node::Args(at) | Node::Other(at) => at,
            }
        }

        #[inline(never)]
        fn get(&self, dict: Node, name: &'static str) -> Val<'t> {
            let open = self.at(dict);
            // A JSON container is known by its offset alone: every node is `Other`.
            for (k, v) in members(self.text, open) {
                if super::eq_str(body_of(self.text, k), name.as_bytes()) {
                    return self.val(v, Node::Other(v.start));
                }
            }
            Val::Absent
        }

        fn len(&self, list: Node) -> usize {
            elems(self.text, self.at(list)).count()
        }

        #[inline(never)]
        fn elem(&self, list: Node, i: usize) -> Val<'t> {
            match elems(self.text, self.at(list)).nth(i) {
                Some(t) => self.val(t, Node::Other(t.start)),
                None => Val::Absent,
            }
        }

        #[inline(never)]
        fn unexpected(&self, dict: Node, known: &[&str]) -> Option<(StrRef<'t>, usize)> {
            // A key's span: between its quotes.
            let read: fn(&'t [u8], Span) -> StrRef<'t> = |t, k| StrRef::Json(k.of(t));
            let mut level = ghash::Level::new(self.text, read);
            for (k, _) in members(self.text, self.at(dict)) {
                let key = body_of(self.text, k);
                let rank = known.iter().position(|n| super::eq_str(key, n.as_bytes()));
                let span = Span::between(k.start.saturating_add(1), k.end.saturating_sub(1));
                level.add(span, rank.and_then(|r| u8::try_from(r).ok()));
            }
            // The error points at the key's opening quote.
            let span = level.named()?;
            Some((read(self.text, span), span.start().saturating_sub(1)))
        }

        fn args(&self, list: Node, n: usize) -> Args<'t> {
            Args::Json(self.text, self.at(list), n)
        }

        fn overflow(&self, _err: &mut Error) -> Result<(), Failed> {
            Ok(())
        }
    }

    /// A `MigrationChannel` in JSON.
    #[inline(never)]
    pub(super) fn channel<'t>(
        text: &'t [u8],
        s: &mut Spec<'t>,
        err: &mut Error,
    ) -> Result<(), Failed> {
        check(text, err)?;
        visit(&Json { text }, s, err)
    }
}

// ---------------------------------------------------------------------------------------
// Storage.

/// What a slot holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotState {
    /// Nothing was given for this channel type.
    Empty,
    /// `defer` (main only).
    Defer,
    /// A channel.
    Channel,
}

/// A string packed as offset (low 16 bits) and length (high 16 bits) into a slot's arena.
fn pack(off: usize, len: usize) -> u32 {
    (u32::try_from(off).unwrap_or(0) & 0xFFFF)
        | (u32::try_from(len).unwrap_or(0) & 0xFFFF).wrapping_shl(16)
}

/// One channel type's slot: integers only, so any bit pattern is a valid slot, and all
/// zero is an empty one. Strings are stored with a NUL after each, so C may use them as
/// C strings.
#[repr(C)]
#[derive(Clone, PartialEq, Eq)]
pub struct Slot {
    state: u32,
    transport: u32,
    socket: u32,
    has: u32,
    bools: u32,
    nums: [u32; 4],
    /// Bit `STR_*`: the string is present.
    strs_set: u32,
    nargs: u32,
    arena_len: u32,
    offset: u64,
    strs: [u32; STR_COUNT],
    args: [u32; CHANNEL_ARGS_CAPACITY],
    arena: [u8; CHANNEL_STRING_CAPACITY],
}

impl Default for Slot {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether a spec fits a slot (strings, NULs, argument count); else the capacity error.
#[inline(never)]
pub fn fits(spec: &Spec<'_>, err: &mut Error) -> Result<(), Failed> {
    let n = spec.args.len();
    if n > CHANNEL_ARGS_CAPACITY {
        let mut buf = [0u8; 20];
        return Err(fail_as(
            err,
            Status::Capacity,
            0,
            &[
                P::S("The exec command has more arguments than migcfg holds ("),
                P::B(dec(CHANNEL_ARGS_CAPACITY as u64, &mut buf)),
                P::S(")"),
            ],
        ));
    }
    let mut total = 0usize;
    for s in spec.strs.iter().flatten() {
        total = total.saturating_add(s.len()).saturating_add(1);
    }
    for i in 0..n {
        let l = spec.args.get(i).map_or(0, |s| s.len());
        total = total.saturating_add(l).saturating_add(1);
    }
    if total > CHANNEL_STRING_CAPACITY {
        let mut buf = [0u8; 20];
        return Err(fail_as(
            err,
            Status::Capacity,
            0,
            &[
                P::S("The channel's strings do not fit: a channel holds "),
                P::B(dec(CHANNEL_STRING_CAPACITY as u64, &mut buf)),
                P::S(" bytes"),
            ],
        ));
    }
    Ok(())
}

impl Slot {
    /// An empty slot.
    pub const fn new() -> Self {
        Slot {
            state: 0,
            transport: 0,
            socket: 0,
            has: 0,
            bools: 0,
            nums: [0; 4],
            strs_set: 0,
            nargs: 0,
            arena_len: 0,
            offset: 0,
            strs: [0; STR_COUNT],
            args: [0; CHANNEL_ARGS_CAPACITY],
            arena: [0; CHANNEL_STRING_CAPACITY],
        }
    }

    /// Empty the slot (the arena's bytes are left as they are).
    pub fn clear(&mut self) {
        self.state = 0;
        self.transport = 0;
        self.socket = 0;
        self.has = 0;
        self.bools = 0;
        self.nums = [0; 4];
        self.strs_set = 0;
        self.nargs = 0;
        self.arena_len = 0;
        self.offset = 0;
        self.strs = [0; STR_COUNT];
    }

    /// Hold `defer`.
    pub fn set_defer(&mut self) {
        self.clear();
        self.state = 1;
    }

    /// Hold `spec`, which [`fits`] has accepted.
    #[inline(never)]
    pub fn set(&mut self, spec: &Spec<'_>) {
        self.clear();
        let mut off = 0usize;
        let arena = &mut self.arena;
        let mut put = |s: StrRef<'_>| -> u32 {
            let start = off;
            for b in s.bytes() {
                if let Some(slot) = arena.get_mut(off) {
                    *slot = b;
                    off = off.saturating_add(1);
                }
            }
            let len = off.saturating_sub(start);
            if let Some(slot) = arena.get_mut(off) {
                *slot = 0;
                off = off.saturating_add(1);
            }
            pack(start, len)
        };
        for (i, s) in spec.strs.iter().enumerate() {
            if let Some(s) = s {
                let p = put(*s);
                if let Some(slot) = self.strs.get_mut(i) {
                    *slot = p;
                }
                self.strs_set |= bit(i as u32);
            }
        }
        let n = spec.args.len().min(CHANNEL_ARGS_CAPACITY);
        for i in 0..n {
            let p = put(spec.args.get(i).unwrap_or(StrRef::Plain(&[])));
            if let Some(slot) = self.args.get_mut(i) {
                *slot = p;
            }
        }
        self.nargs = u32::try_from(n).unwrap_or(0);
        self.arena_len = u32::try_from(off).unwrap_or(0);
        self.transport = spec.transport as u32;
        self.socket = spec.socket as u32;
        self.has = spec.opts.has;
        self.bools = spec.opts.bools;
        self.nums = spec.opts.nums;
        self.offset = spec.offset;
        self.state = 2;
    }

    /// What the slot holds.
    pub fn state(&self) -> SlotState {
        match self.state {
            1 => SlotState::Defer,
            2 => SlotState::Channel,
            _ => SlotState::Empty,
        }
    }

    fn is_channel(&self) -> bool {
        self.state() == SlotState::Channel
    }

    /// The transport of a channel.
    pub fn transport(&self) -> Option<Transport> {
        if !self.is_channel() {
            return None;
        }
        Some(Transport::from_index(self.transport as usize))
    }

    /// The socket type of a socket channel.
    pub fn socket_type(&self) -> Option<SocketType> {
        if self.transport() != Some(Transport::Socket) {
            return None;
        }
        Some(SocketType::from_index(self.socket as usize))
    }

    fn arena_str(&self, p: u32) -> &[u8] {
        let off = (p & 0xFFFF) as usize;
        let len = p.wrapping_shr(16) as usize;
        let used = (self.arena_len as usize).min(CHANNEL_STRING_CAPACITY);
        self.arena
            .get(..used)
            .and_then(|a| a.get(off..off.saturating_add(len)))
            .unwrap_or(&[])
    }

    /// String member `which` (`STR_*`), when given. The byte after it in the slot is a
    /// NUL.
    pub fn string(&self, which: usize) -> Option<&[u8]> {
        if !self.is_channel() || self.strs_set & bit(which as u32) == 0 {
            return None;
        }
        self.strs.get(which).map(|&p| self.arena_str(p))
    }

    /// Optional bool member `b` (`OPT_*`), when given.
    pub fn opt_bool(&self, b: u32) -> Option<bool> {
        if !self.is_channel() || self.has & bit(b) == 0 {
            return None;
        }
        Some(self.bools & bit(b) != 0)
    }

    /// Optional number member `b` (`OPT_TO`, `OPT_KEEP_ALIVE_*`), when given.
    pub fn opt_num(&self, b: u32) -> Option<u32> {
        if !self.is_channel() || self.has & bit(b) == 0 {
            return None;
        }
        let slot = match b {
            OPT_TO => 0,
            OPT_KEEP_ALIVE_COUNT => 1,
            OPT_KEEP_ALIVE_IDLE => 2,
            OPT_KEEP_ALIVE_INTERVAL => 3,
            _ => return None,
        };
        self.nums.get(slot).copied()
    }

    /// The `file` offset (0 otherwise).
    pub fn offset(&self) -> u64 {
        if self.transport() == Some(Transport::File) {
            self.offset
        } else {
            0
        }
    }

    /// Number of `exec` arguments.
    pub fn nargs(&self) -> usize {
        if !self.is_channel() {
            return 0;
        }
        (self.nargs as usize).min(CHANNEL_ARGS_CAPACITY)
    }

    /// `exec` argument `i`. The byte after it in the slot is a NUL.
    pub fn arg(&self, i: usize) -> Option<&[u8]> {
        if i >= self.nargs() {
            return None;
        }
        self.args.get(i).map(|&p| self.arena_str(p))
    }
}
