//! What several test files share: parse flags with capabilities on, and ids by name.

#![allow(dead_code, clippy::unwrap_used)]

use migcfg_core::schema::lookup;
use migcfg_core::Flags;

/// Parse flags that accept capabilities.
pub const CAPS: Flags = Flags {
    help: false,
    capabilities: true,
    reject_unstable: false,
};

/// A parameter's id by name.
pub fn id(name: &str) -> usize {
    lookup(name.as_bytes()).unwrap()
}
