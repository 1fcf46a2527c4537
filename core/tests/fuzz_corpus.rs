//! The fuzz corpora as ordinary tests: every file of
//! `fuzz/corpus/{keyval,json,incoming}/` goes through the same property checks as the
//! libFuzzer targets (`fuzz/src/props.rs`), so CI keeps every input the fuzzers found
//! interesting without needing nightly or libFuzzer.
//!
//! `fuzz/findings/<target>/` holds minimal inputs of findings not fixed yet: run them with
//! `cargo test --test fuzz_corpus -- --ignored`, and move each into the corpus once fixed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../fuzz/src/props.rs"]
mod props;

use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

fn run(kind: &str, target: &str, f: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz")
        .join(kind)
        .join(target);
    let list = files(&dir);
    let mut failed = Vec::new();
    for path in &list {
        let data = std::fs::read(path).unwrap();
        if std::panic::catch_unwind(|| f(&data)).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{} {target} inputs fail: {failed:#?}",
        failed.len()
    );
    list.len()
}

#[test]
fn keyval_corpus() {
    let n = run("corpus", "keyval", props::keyval);
    assert!(n > 0, "fuzz/corpus/keyval is empty");
}

#[test]
fn json_corpus() {
    let n = run("corpus", "json", props::json);
    assert!(n > 0, "fuzz/corpus/json is empty");
}

#[test]
fn incoming_corpus() {
    let n = run("corpus", "incoming", props::incoming);
    assert!(n > 0, "fuzz/corpus/incoming is empty");
}

#[test]
#[ignore = "findings not fixed yet; move each into fuzz/corpus/ once it passes"]
fn findings() {
    run("findings", "keyval", props::keyval);
    run("findings", "json", props::json);
    run("findings", "incoming", props::incoming);
}
