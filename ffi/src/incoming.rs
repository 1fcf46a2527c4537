//! The `-incoming` family of the C ABI.
