//! The `anybytes` fuzz corpus as an ordinary test: every file of `fuzz/corpus/anybytes/`
//! goes through the fuzz target's property (`fuzz/src/anybytes.rs`): a table or
//! `MigcfgIncoming` of any bytes makes no C entry point crash, hang or hand out a string
//! outside it, and a rejected input leaves it unchanged.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../fuzz/src/anybytes.rs"]
mod anybytes;

use std::path::Path;

#[test]
fn anybytes_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/anybytes");
    let mut list: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    list.sort();
    assert!(
        list.len() > 100,
        "fuzz/corpus/anybytes holds {}",
        list.len()
    );
    let mut failed = Vec::new();
    for path in &list {
        let data = std::fs::read(path).unwrap();
        if std::panic::catch_unwind(|| anybytes::anybytes(&data)).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{} inputs fail: {failed:#?}",
        failed.len()
    );
}
