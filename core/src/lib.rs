#![no_std]
#![forbid(unsafe_code)]
// Errors carry their message inline (no heap); they are built only on the failure path.
#![allow(clippy::result_large_err)]
//! migcfg core: QEMU's migration parameters, parsed from `-incoming config:` text (keyval or
//! JSON) exactly as QEMU parses them, into a fixed-size table, without allocating.
//!
//! ```
//! use migcfg_core::{Params, schema};
//! let mut p = Params::new();
//! p.parse(b"multifd-channels=4,max-bandwidth=1G,mode=cpr-transfer").unwrap();
//! assert_eq!(p.scalar(schema::lookup(b"multifd-channels").unwrap()), Some(4));
//! assert_eq!(p.scalar(schema::lookup(b"max-bandwidth").unwrap()), Some(1 << 30));
//! let e = p.parse(b"multifd-channels=0").unwrap_err();
//! assert_eq!(e.to_string(), "Option multifd-channels expects a value between 1 and 255");
//! ```

pub mod apply;
pub mod channel;
pub mod check;
pub mod error;
pub mod format;
pub mod help;
pub mod incoming;
/// JSON front end (stub until the real one lands).
pub mod json {
    use crate::error::{Error, Status};
    use crate::stage::Stage;
    /// Parse JSON text.
    pub fn parse(_text: &[u8], _stage: &mut Stage) -> Result<(), Error> {
        Err(Error::fixed(Status::Syntax, 0, "JSON not yet supported"))
    }
}
pub mod keyval;
pub mod parse;
pub mod schema;
pub mod stage;
pub mod table;
pub mod text;
pub mod value;
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
