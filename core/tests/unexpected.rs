//! Which of several unexpected members QEMU names: the first its GLib hash table of
//! unvisited keys yields. `data/unexpected-keys.txt` holds 800 inputs (keyval and JSON, 2
//! to 32 members, some known) with QEMU 10.2.2's own answers: 500 random ones (in 385 of
//! them the member named is not the first unexpected one in the input) and 300 where two
//! to four unexpected members share a QDict bucket. Past 32 members migcfg names the
//! first unexpected member in the input instead.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use migcfg_core::Params;

#[test]
fn the_member_qemu_names() {
    let text = include_str!("data/unexpected-keys.txt");
    let mut lines = text.lines();
    let mut n = 0;
    while let (Some(input), Some(answer)) = (lines.next(), lines.next()) {
        let input = input.strip_prefix("IN: ").unwrap();
        let want = answer.strip_prefix("QEMU: ERR ").unwrap();
        let mut p = Params::new();
        let got = p.parse(input.as_bytes()).unwrap_err().to_string();
        assert_eq!(got, want, "{input}");
        n += 1;
    }
    assert_eq!(n, 800);
}

#[test]
fn past_32_members_the_first_unexpected_one_is_named() {
    let mut keyval = String::from("multifd-channels=4");
    for i in 0..40 {
        keyval += &format!(",x{i}=1");
    }
    let mut p = Params::new();
    assert_eq!(
        p.parse(keyval.as_bytes()).unwrap_err().to_string(),
        "Parameter 'x0' is unexpected"
    );
    let members: Vec<String> = (0..40).map(|i| format!("\"y{i}\": 1")).collect();
    let json = format!("{{\"mode\": \"normal\", {}}}", members.join(", "));
    assert_eq!(
        p.parse(json.as_bytes()).unwrap_err().to_string(),
        "Parameter 'y0' is unexpected"
    );
}
