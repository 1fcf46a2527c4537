//! README.md's list of parameters is generated from the schema: this test renders
//! `schema::PARAMS` as a Markdown table and fails when the block between
//! `<!-- params:begin -->` and `<!-- params:end -->` differs (it prints the expected block).
//! `UPDATE_README=1 cargo test -p migcfg-core --test readme` rewrites the block.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use migcfg_core::schema::{
    Check, Kind, ParamDef, RangeWords, Version, BITMAP_CAPACITY, BITMAP_NODE_CAPACITY,
    EXEC_COMMAND_CAPACITY, PARAMS,
};

const BEGIN: &str = "<!-- params:begin -->";
const END: &str = "<!-- params:end -->";

fn version(v: Version) -> String {
    format!("{}.{}", v.major, v.minor)
}

fn kind(k: Kind) -> String {
    match k {
        Kind::Bool => "bool".into(),
        Kind::Uint(w) => format!("uint{w}"),
        Kind::Size => "size".into(),
        Kind::Str => "string".into(),
        Kind::Enum(_) => "enum".into(),
        Kind::StrList => "list of strings".into(),
        Kind::BitmapMapping => "list of node aliases".into(),
    }
}

/// A size in bytes, with QEMU's suffix when it is a whole number of KiB/MiB/GiB.
fn size(n: u64) -> String {
    for (shift, suffix) in [(30, "G"), (20, "M"), (10, "k")] {
        if n >= 1 << shift && n.is_multiple_of(1 << shift) {
            return format!("{n} ({}{suffix})", n >> shift);
        }
    }
    n.to_string()
}

fn default(d: &ParamDef) -> String {
    match d.kind {
        Kind::Bool => (if d.default != 0 { "`on`" } else { "`off`" }).into(),
        Kind::Uint(_) => d.default.to_string(),
        Kind::Size => size(d.default),
        Kind::Str => "empty".into(),
        Kind::Enum(values) => values
            .get(d.default as usize)
            .map_or_else(|| d.default.to_string(), |v| format!("`{v}`")),
        Kind::StrList | Kind::BitmapMapping => "unset".into(),
    }
}

fn range(d: &ParamDef) -> String {
    let show = |n: u64| match d.kind {
        Kind::Size => size(n),
        _ => n.to_string(),
    };
    match d.check {
        Check::None => match d.kind {
            Kind::Enum(values) => values
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", "),
            Kind::Bool => "`on`, `off`".into(),
            Kind::Uint(64) | Kind::Size => "any".into(),
            Kind::Uint(w) => format!("0 to {}", (1u64 << w) - 1),
            Kind::Str => "any".into(),
            Kind::StrList => format!("up to {EXEC_COMMAND_CAPACITY} strings"),
            Kind::BitmapMapping => String::new(),
        },
        Check::Range {
            min,
            max,
            shown_min: _,
            words: RangeWords::IntegerInRange | RangeWords::ValueBetween,
        } => format!("{} to {}", show(min.into()), show(max.into())),
        Check::Downtime => "0 to 2000000".into(),
        Check::PowerOfTwoPage => "power of two, at least the target page size".into(),
        Check::MaxCpuThrottle => "`cpu-throttle-initial` to 99".into(),
        Check::AtLeastOneMbps => "at least 1".into(),
        Check::RdmaChunk => format!("power of two, {} to {}", size(1 << 20), size(1 << 30)),
        Check::BitmapMapping => format!(
            "QEMU's alias rules; up to {BITMAP_NODE_CAPACITY} nodes, {BITMAP_CAPACITY} bitmaps"
        ),
        #[allow(unreachable_patterns)] // a check added to the schema: shown as declared
        other => format!("{other:?}"),
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn render() -> String {
    let mut out = String::new();
    out.push_str(BEGIN);
    out.push_str(
        "\n<!-- Generated from core/src/schema.rs by core/tests/readme.rs: do not edit. -->\n\n",
    );
    out.push_str("| id | parameter | type | default | valid values | since | description |\n");
    out.push_str("|---:|---|---|---|---|---|---|\n");
    for (id, d) in PARAMS.iter().enumerate() {
        let mut since = version(d.since);
        if let Some(r) = d.removed {
            since.push_str(&format!(", removed in {}", version(r)));
        }
        let mut doc = d.doc().to_string();
        if d.unstable {
            doc.push_str(" (unstable)");
        }
        out.push_str(&format!(
            "| {id} | `{}` | {} | {} | {} | {} | {} |\n",
            d.name,
            kind(d.kind),
            cell(&default(d)),
            cell(&range(d)),
            since,
            cell(&doc),
        ));
    }
    out.push_str(END);
    out
}

#[test]
fn readme_parameter_list_matches_schema() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");
    let readme = std::fs::read_to_string(path).expect("README.md");
    let expected = render();
    let (Some(b), Some(e)) = (readme.find(BEGIN), readme.find(END)) else {
        panic!("README.md has no {BEGIN} ... {END} block; add one with:\n\n{expected}\n");
    };
    assert!(b < e, "{END} before {BEGIN} in README.md");
    let current = &readme[b..e + END.len()];
    if current == expected {
        return;
    }
    if std::env::var_os("UPDATE_README").is_some_and(|v| v == "1") {
        let updated = format!("{}{}{}", &readme[..b], expected, &readme[e + END.len()..]);
        std::fs::write(path, updated).expect("write README.md");
        return;
    }
    panic!(
        "README.md's parameter list differs from the schema. Expected block \
         (or run UPDATE_README=1 cargo test -p migcfg-core --test readme):\n\n{expected}\n"
    );
}
