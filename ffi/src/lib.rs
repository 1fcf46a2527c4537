//! migcfg C ABI
