#![no_std]
#![forbid(unsafe_code)]
// Errors carry their message inline (no heap); they are built only on the failure path.
#![allow(clippy::result_large_err)]
//! migcfg core: QEMU's migration parameters, parsed from `-incoming config:` text (keyval or
//! JSON) exactly as QEMU parses them, into a fixed-size table, without allocating.
//!
//! A Rust VMM uses this crate directly (a C VMM uses the `migcfg-ffi` C ABI over it): a
//! [`Params`] table (fixed size, about 9 KiB, no heap; `const fn new`, so it can be a
//! `static`), filled by [`Params::parse`] or [`Params::parse_with`], read with typed getters
//! by parameter id ([`schema::lookup`] turns a QAPI name into an id, [`schema::PARAMS`]
//! describes every parameter), walked with [`Params::iter_set`] when the migration object is
//! created; and an [`Error`] that is `Display` (QEMU's message) and [`core::error::Error`].
//!
//! # Parsing and reading
//!
//! ```
//! use migcfg_core::{schema, Params};
//!
//! let mut p = Params::new(); // defaults, nothing set
//! p.parse(b"multifd-channels=4,max-bandwidth=1G,mode=cpr-transfer,tls-creds=tls0")?;
//!
//! let id = |name: &str| schema::lookup(name.as_bytes()).expect("a known parameter");
//! // Integers, sizes, bools and enums are scalars: the effective value, set or default.
//! assert_eq!(p.scalar(id("multifd-channels")), Some(4));
//! assert_eq!(p.scalar(id("max-bandwidth")), Some(1 << 30));
//! assert_eq!(p.scalar(id("downtime-limit")), Some(300)); // not set: QEMU's default
//! assert!(p.is_set(id("multifd-channels")) && !p.is_set(id("downtime-limit")));
//! // An enum's scalar is its index in the schema's list of values.
//! let schema::Kind::Enum(modes) = schema::PARAMS[schema::MODE].kind else { unreachable!() };
//! assert_eq!(modes[p.scalar(schema::MODE).unwrap() as usize], "cpr-transfer");
//! // Strings are bytes (QEMU's keyval accepts any); unset ones are empty.
//! assert_eq!(p.string(schema::TLS_CREDS), Some(&b"tls0"[..]));
//! assert_eq!(p.string(id("tls-hostname")), Some(&b""[..]));
//! // A getter of the wrong kind, or a bad id, is None.
//! assert_eq!(p.string(id("multifd-channels")), None);
//! assert_eq!(p.scalar(999), None);
//!
//! // A second parse merges: what it sets replaces what was set before.
//! p.parse(b"multifd-channels=8")?;
//! assert_eq!(p.scalar(id("multifd-channels")), Some(8));
//! assert_eq!(p.scalar(id("max-bandwidth")), Some(1 << 30));
//! # Ok::<(), migcfg_core::Error>(())
//! ```
//!
//! # Applying what was set (the migration object exists)
//!
//! [`Params::iter_set`] yields the parameters that were set, in schema order, as typed
//! [`apply::Value`]s (then the capabilities, when the config may set them); a VMM applies
//! each over its own defaults, then re-runs QEMU's checks over those with
//! [`Params::check_over`].
//!
//! ```
//! use migcfg_core::apply::{Item, Value};
//! use migcfg_core::{schema, Params};
//!
//! #[derive(Default)]
//! struct Migration {
//!     multifd_channels: u64,
//!     max_bandwidth: u64,
//!     mode: &'static str,
//!     exec: Vec<String>,
//! }
//!
//! let mut p = Params::new();
//! p.parse(b"multifd-channels=4,max-bandwidth=1G,mode=cpr-exec,cpr-exec-command.0=qemu,cpr-exec-command.1=-S")?;
//!
//! let mut m = Migration::default();
//! for (item, value) in p.iter_set() {
//!     let Item::Param(id) = item else { continue }; // a capability
//!     match (schema::PARAMS[id].name, value) {
//!         ("multifd-channels", Value::Uint(n, _)) => m.multifd_channels = n,
//!         ("max-bandwidth", Value::Size(n)) => m.max_bandwidth = n,
//!         ("mode", Value::Enum(_, name)) => m.mode = name,
//!         ("cpr-exec-command", Value::StrList(n)) => {
//!             for i in 0..n {
//!                 let arg = p.exec(i).unwrap_or_default();
//!                 m.exec.push(String::from_utf8_lossy(arg).into_owned());
//!             }
//!         }
//!         (name, v) => panic!("unexpected {name} = {v:?}"),
//!     }
//! }
//! assert_eq!((m.multifd_channels, m.max_bandwidth, m.mode), (4, 1 << 30, "cpr-exec"));
//! assert_eq!(m.exec, ["qemu", "-S"]);
//!
//! // The VMM's defaults (machine compat, -global) as a table; the checks see both.
//! let mut defaults = Params::new();
//! defaults.set_u64(schema::lookup(b"multifd-channels").unwrap(), 2)?;
//! p.check_over(&defaults)?;
//! # Ok::<(), migcfg_core::Error>(())
//! ```
//!
//! # Errors
//!
//! A rejected input leaves the table unchanged. The [`Error`] has a [`Status`] (the C
//! ABI's code), the byte offset of the problem in the text, and QEMU's message, which is
//! its `Display`.
//!
//! ```
//! use migcfg_core::{Params, Status};
//!
//! let mut p = Params::new();
//! p.parse(b"multifd-channels=4")?;
//!
//! let e = p.parse(b"multifd-channels=0").unwrap_err();
//! assert_eq!(e.status(), Status::Check);
//! assert_eq!(e.offset, 17); // the value QEMU's check names
//! assert_eq!(e.to_string(), "Option multifd-channels expects a value between 1 and 255");
//!
//! let e = p.parse(b"max-bandwidth=1Q").unwrap_err();
//! assert_eq!((e.status(), e.offset), (Status::Value, 14));
//! assert_eq!(e.to_string(), "Parameter 'max-bandwidth' expects size");
//!
//! let e = p.parse(b"multifd-channels=4,no-such-thing=1").unwrap_err();
//! assert_eq!((e.status(), e.status().name()), (Status::Unexpected, "MIGCFG_ERR_UNEXPECTED"));
//! eprintln!("-incoming config:...: {e}"); // how a VMM reports it, in QEMU's words
//!
//! // It is a core::error::Error, so `?` carries it into any error type.
//! let boxed: Box<dyn core::error::Error> = Box::new(e);
//! assert!(boxed.to_string().contains("no-such-thing"));
//!
//! // Nothing above changed the table.
//! assert_eq!(p.scalar(migcfg_core::schema::lookup(b"multifd-channels").unwrap()), Some(4));
//! # Ok::<(), migcfg_core::Error>(())
//! ```

pub mod apply;
pub mod channel;
#[doc(hidden)]
pub mod check;
pub mod error;
pub mod format;
pub mod ghash;
pub mod help;
pub mod incoming;
pub mod json;
#[doc(hidden)]
pub mod keyval;
#[doc(hidden)]
pub mod lists;
pub mod parse;
pub mod schema;
#[doc(hidden)]
pub mod stage;
pub mod table;
#[doc(hidden)]
pub mod text;
#[doc(hidden)]
pub mod value;
#[doc(hidden)]
pub mod visit;

pub use error::{Error, Status};
pub use parse::Flags;
pub use table::Params;

impl Params {
    /// Parse config text (what follows `config:`) into the table, merging over what it
    /// holds. On error the table is unchanged.
    pub fn parse(&mut self, text: &[u8]) -> Result<(), Error> {
        parse::parse(self, text, Flags::default()).map(|_| ())
    }

    /// Parse with opt-in flags; `Ok(Status::Help)` when help was asked for and allowed.
    pub fn parse_with(&mut self, text: &[u8], flags: Flags) -> Result<Status, Error> {
        parse::parse(self, text, flags)
    }
}
