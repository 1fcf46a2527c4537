//! Reads one config text per line on standard input and prints what migcfg makes of it:
//! `OK <json>` or `ERR <message>`, like QEMU's own parser would (for comparing the two).
//!
//! `cargo run -p migcfg-core --example check < inputs.txt`

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use std::io::{BufRead, Write};

use migcfg_core::format::{self, FormatFlags, Out};
use migcfg_core::Params;

fn main() {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    let mut buf = vec![0u8; 1 << 20];
    for line in stdin.lock().split(b'\n') {
        let Ok(line) = line else { break };
        let mut p = Params::new();
        // Bytes, not text: QEMU's messages quote the input's bytes as they are.
        let r = match p.parse(&line) {
            Ok(()) => {
                let mut o = Out::new(&mut buf);
                format::json(&p, FormatFlags::default(), &mut o);
                let n = o.len().min(buf.len());
                [b"OK ", &buf[..n], b"\n"].concat()
            }
            Err(e) => [b"ERR ", e.message(), b"\n"].concat(),
        };
        if out.write_all(&r).is_err() {
            break;
        }
    }
}
