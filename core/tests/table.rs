//! The table itself: when two tables are equal, its debug form, how a bitmap's transform is
//! read back, and strings that move within the arena when an update changes the ones before
//! them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use migcfg_core::Params;

mod common;
use common::{id, CAPS};

fn parsed(text: &str) -> Params {
    let mut p = Params::new();
    p.parse_with(text.as_bytes(), CAPS)
        .unwrap_or_else(|e| panic!("{text:?}: {e}"));
    p
}

const BBM: &str = "block-bitmap-mapping.0.node-name=a,block-bitmap-mapping.0.alias=b,block-bitmap-mapping.0.bitmaps.0.name=n,block-bitmap-mapping.0.bitmaps.0.alias=m";

#[test]
fn equal_means_same_members_and_values() {
    // The same values reached through another arena history are equal.
    let a = parsed("tls-creds=abc,tls-hostname=h,multifd-channels=4");
    let mut b = parsed("tls-hostname=a-much-longer-name,tls-creds=x");
    b.parse(b"tls-hostname=h,tls-creds=abc,multifd-channels=4")
        .unwrap();
    assert_eq!(a, b);
    assert_eq!(parsed(BBM), parsed(BBM));
    let exec = "cpr-exec-command.0=a,cpr-exec-command.1=b";
    assert_eq!(parsed(exec), parsed(exec));

    // Each kind of difference makes two tables unequal, both ways round.
    let differ = [
        ("multifd-channels=4", "multifd-channels=5"),
        // Set to the default is not the same as not set.
        ("multifd-channels=2", ""),
        ("xbzrle=on", "xbzrle=off"),
        ("xbzrle=off", ""),
        ("tls-creds=a", "tls-creds=b"),
        ("tls-creds=", ""),
        (exec, "cpr-exec-command.0=a"),
        (exec, "cpr-exec-command.0=a,cpr-exec-command.1=c"),
    ];
    for (x, y) in differ {
        assert_ne!(parsed(x), parsed(y), "{x:?} vs {y:?}");
        assert_ne!(parsed(y), parsed(x), "{y:?} vs {x:?}");
    }
    let bbm_differ = [
        BBM.replace("node-name=a", "node-name=z"),
        BBM.replace("0.alias=b", "0.alias=z"),
        BBM.replace("bitmaps.0.alias=m", "bitmaps.0.alias=z"),
        format!("{BBM},block-bitmap-mapping.0.bitmaps.0.transform.persistent=on"),
        format!("{BBM},block-bitmap-mapping.1.node-name=c,block-bitmap-mapping.1.alias=d,block-bitmap-mapping.1.bitmaps.0.name=n,block-bitmap-mapping.1.bitmaps.0.alias=m"),
    ];
    for x in &bbm_differ {
        assert_ne!(parsed(BBM), parsed(x), "{x:?}");
        assert_ne!(parsed(x), parsed(BBM), "{x:?}");
    }
    let on = format!("{BBM},block-bitmap-mapping.0.bitmaps.0.transform.persistent=on");
    let off = format!("{BBM},block-bitmap-mapping.0.bitmaps.0.transform.persistent=off");
    assert_ne!(parsed(&on), parsed(&off));
}

#[test]
fn debug_shows_the_table_as_json_cut_at_256_bytes() {
    assert_eq!(format!("{:?}", Params::new()), "Params({})");
    assert_eq!(
        format!("{:?}", parsed("multifd-channels=4,xbzrle=on")),
        r#"Params({"multifd-channels": 4, "xbzrle": true})"#
    );
    // `{"tls-creds": "` and `"}` take 17 bytes: a 239-byte name fills the 256 exactly.
    let fits = format!("tls-creds={}", "c".repeat(239));
    let shown = format!("{:?}", parsed(&fits));
    assert_eq!(
        shown,
        format!(r#"Params({{"tls-creds": "{}"}})"#, "c".repeat(239))
    );
    let over = format!("tls-creds={}", "c".repeat(240));
    let shown = format!("{:?}", parsed(&over));
    assert_eq!(
        shown,
        format!(r#"Params({{"tls-creds": "{}"...)"#, "c".repeat(240))
    );
}

#[test]
fn bitmap_transform_reads_back_as_set() {
    let persistent = |text: &str| parsed(text).bitmap(0, 0).unwrap().persistent;
    assert_eq!(persistent(BBM), None);
    let t = "block-bitmap-mapping.0.bitmaps.0.transform.persistent";
    assert_eq!(persistent(&format!("{BBM},{t}=on")), Some(Some(true)));
    assert_eq!(persistent(&format!("{BBM},{t}=off")), Some(Some(false)));
    // An empty transform (JSON only: keyval cannot spell an empty dictionary).
    let json = r#"{"block-bitmap-mapping": [{"node-name": "a", "alias": "b", "bitmaps": [{"name": "n", "alias": "m", "transform": {}}]}]}"#;
    assert_eq!(persistent(json), Some(None));
    assert_eq!(parsed(BBM).bitmap(0, 1).map(|b| b.persistent), None);
    // Each bitmap keeps its own transform.
    let two = parsed(&format!(
        "{BBM},block-bitmap-mapping.0.bitmaps.1.name=o,block-bitmap-mapping.0.bitmaps.1.alias=p,{t}=off,block-bitmap-mapping.0.bitmaps.1.transform.persistent=on"
    ));
    assert_eq!(two.bitmap(0, 0).unwrap().persistent, Some(Some(false)));
    assert_eq!(two.bitmap(0, 1).unwrap().persistent, Some(Some(true)));
}

#[test]
fn set_mask_has_a_bit_per_parameter_set() {
    assert_eq!(Params::new().set_mask(), 0);
    let p = parsed("mode=cpr-transfer,multifd-channels=4,xbzrle=on");
    assert_eq!(
        p.set_mask(),
        1u64 << id("mode") | 1u64 << id("multifd-channels")
    );
}

#[test]
fn strings_that_move_over_their_own_bytes_keep_them() {
    // tls-creds comes before tls-hostname in the arena. Emptying or growing it moves
    // tls-hostname down or up by less than its own length, so source and destination
    // overlap and only a copy in the right direction keeps the bytes.
    let host = "abcdefghijklmnopqrstuvwxyz";
    let mut p = parsed(&format!("tls-creds=0123456789,tls-hostname={host}"));
    p.parse(b"tls-creds=").unwrap();
    assert_eq!(p.string(id("tls-hostname")), Some(host.as_bytes()));
    assert_eq!(p.string(id("tls-creds")), Some(&b""[..]));
    p.parse(b"tls-creds=0123456789").unwrap();
    assert_eq!(p.string(id("tls-hostname")), Some(host.as_bytes()));
    assert_eq!(p.string(id("tls-creds")), Some(&b"0123456789"[..]));
    assert_eq!(p.tls_bytes(), format!("0123456789{host}").as_bytes());
}

/// A parse that adds values keeps every string the table already held, whichever strings
/// it held (each one alone, or all of them and nothing else).
#[test]
fn strings_already_held_survive_a_parse() {
    let strs = ["tls-creds", "tls-hostname", "tls-authz"];
    for held in strs {
        for added in strs.iter().map(|n| format!("{n}=new")).chain([
            String::from("multifd-channels=4"),
            String::from("cpr-exec-command.0=e"),
        ]) {
            let mut p = parsed(&format!("{held}=old"));
            p.parse(added.as_bytes()).unwrap();
            let want: &[u8] = if added.starts_with(held) {
                b"new"
            } else {
                b"old"
            };
            assert_eq!(p.string(id(held)), Some(want), "{held}, then {added}");
        }
    }
    let all = format!("tls-creds=c,tls-hostname=h,tls-authz=a,cpr-exec-command.0=e,{BBM}");
    let mut p = parsed(&all);
    p.parse(b"multifd-channels=4").unwrap();
    for (n, v) in [
        ("tls-creds", "c"),
        ("tls-hostname", "h"),
        ("tls-authz", "a"),
    ] {
        assert_eq!(p.string(id(n)), Some(v.as_bytes()), "{n}");
    }
    assert_eq!(p.exec(0), Some(&b"e"[..]));
    let node = p.node(0).unwrap();
    assert_eq!(
        (node.node_name, node.alias, node.bitmaps),
        (&b"a"[..], &b"b"[..], 1)
    );
    let bitmap = p.bitmap(0, 0).unwrap();
    assert_eq!((bitmap.name, bitmap.alias), (&b"n"[..], &b"m"[..]));
    assert_eq!(p, parsed(&format!("{all},multifd-channels=4")));
}
