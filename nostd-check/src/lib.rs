//! The no_std guard of `migcfg-core`.
//!
//! This crate is `#![no_std]`, has no allocator and defines its own panic handler, and it is
//! built as a staticlib (a final artifact). If `migcfg-core` ever links `std`, the build
//! fails with two definitions of the `panic_impl` lang item; if it links `alloc`, with "no
//! global memory allocator found". CI runs `cargo build -p nostd-check`.
#![no_std]
#![forbid(unsafe_code)]

use migcfg_core::Params;

/// Parse config text into a fresh table; true when accepted. Uses the core's main entry so
/// the guard links what a firmware-style host would.
pub fn accepts(text: &[u8]) -> bool {
    let mut p = Params::new();
    p.parse(text).is_ok()
}

#[cfg(not(test))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {
        core::hint::spin_loop();
    }
}
