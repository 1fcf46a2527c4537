//! Scalar text conversions of QEMU's keyval-mode QAPI input visitor.
//!
//! Each function reproduces the exact accept/reject behaviour and result of the
//! corresponding QEMU routine (`qapi/qobject-input-visitor.c`, `util/cutils.c`,
//! `qobject/qdict.c`); none allocates and none can panic.

/// `isspace()` in the C locale: what `strtoull`/`strtod` skip before a number.
#[inline]
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
}

#[inline]
fn skip_c_space(mut s: &[u8]) -> &[u8] {
    while let [b, rest @ ..] = s {
        if !is_c_space(*b) {
            break;
        }
        s = rest;
    }
    s
}

/// Reads the longest run of decimal digits at the start of `s`.
/// Returns its value and the remaining input, or `None` if the value exceeds `u64`
/// (QEMU reports `ERANGE` then, whatever follows).
#[inline]
fn dec_run(mut s: &[u8]) -> Option<(u64, &[u8])> {
    // Up to this value `v * 10 + 9` cannot overflow, so the usual short numbers
    // take the unchecked branch only.
    const SAFE: u64 = 1_844_674_407_370_955_160; // (u64::MAX - 9) / 10
    let mut v: u64 = 0;
    while let [b, rest @ ..] = s {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        let d = u64::from(d);
        v = if v <= SAFE {
            v.wrapping_mul(10).wrapping_add(d)
        } else {
            v.checked_mul(10)?.checked_add(d)?
        };
        s = rest;
    }
    Some((v, s))
}

/// All of `s` as hex digits: at least one, nothing else, value within `u64`.
fn hex_all(s: &[u8]) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for &b in s {
        let d = u64::from(crate::text::digit(b, 16)?);
        if v > u64::MAX >> 4 {
            return None;
        }
        v = v.wrapping_shl(4) | d;
    }
    Some(v)
}

/// All of `s` as octal digits (may be empty: the leading `0` was already read).
fn oct_all(s: &[u8]) -> Option<u64> {
    let mut v: u64 = 0;
    for &b in s {
        let d = b.wrapping_sub(b'0');
        if d > 7 {
            return None;
        }
        if v > u64::MAX >> 3 {
            return None;
        }
        v = v.wrapping_shl(3) | u64::from(d);
    }
    Some(v)
}

/// QEMU keyval bool words: on/yes/true/y -> true; off/no/false/n -> false; exact, case-sensitive.
pub fn parse_bool(s: &[u8]) -> Option<bool> {
    match s {
        b"on" | b"yes" | b"true" | b"y" => Some(true),
        b"off" | b"no" | b"false" | b"n" => Some(false),
        _ => None,
    }
}

/// QEMU's uint64 keyval rule (strtoull base 0): leading whitespace (space \t \n \v \f \r), optional + or -, 0x/0X hex, leading-0 octal, decimal; no trailing chars; `-` negates modulo 2^64 unless magnitude overflows 64 bits; None on any error.
pub fn parse_u64(s: &[u8]) -> Option<u64> {
    let s = skip_c_space(s);
    let (neg, s) = match s {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, s),
    };
    let v = match s {
        // strtoull reads a bare "0x" as 0 followed by junk "x": an error here too.
        [b'0', b'x' | b'X', hex @ ..] => hex_all(hex)?,
        [b'0', oct @ ..] => oct_all(oct)?,
        _ => {
            let (v, rest) = dec_run(s)?;
            if !rest.is_empty() || s.is_empty() {
                return None;
            }
            v
        }
    };
    Some(if neg { v.wrapping_neg() } else { v })
}

/// log2 of the unit of a `qemu_strtosz` suffix letter (unit 1024), either case.
#[inline]
fn suffix_shift(c: u8) -> Option<u32> {
    // `| 0x20` folds exactly the two cases of each letter onto the lower one.
    match c | 0x20 {
        b'b' => Some(0),
        b'k' => Some(10),
        b'm' => Some(20),
        b'g' => Some(30),
        b't' => Some(40),
        b'p' => Some(50),
        b'e' => Some(60),
        _ => None,
    }
}

/// A decimal fraction as QEMU's size parser uses it.
enum Fraction {
    /// The nearest double is 1.0.
    One,
    /// `floor(f * 2^shift + 1/2)`, with `f` the nearest double below 1.
    Scaled(u64),
}

/// Fraction digits kept exactly: every tie point of the rounding that can matter
/// (multiples of 2^-116) has at most 116 of them; later digits only tell "more than this".
const FRACTION_DIGITS: usize = 124;

/// The nearest double `f` to `0.<digits>` (ties to even, as `strtod`), and then
/// `floor(f * 2^shift + 1/2)` exactly (`shift <= 60`), with integers only: no float
/// parser (core's has panic paths) and no float arithmetic.
fn fraction(digits: &[u8], shift: u32) -> Fraction {
    // x * 2^120 by doubling the decimal fraction and collecting carries.
    let mut d = [0u8; FRACTION_DIGITS];
    let mut n = 0usize;
    for (slot, &c) in d.iter_mut().zip(digits) {
        *slot = c.wrapping_sub(b'0');
        n = n.saturating_add(1);
    }
    let mut sticky = digits.iter().skip(FRACTION_DIGITS).any(|&c| c != b'0');
    let mut y: u128 = 0;
    for _ in 0..120 {
        let mut carry = 0u8;
        for v in d.iter_mut().take(n).rev() {
            let t = v.wrapping_mul(2).wrapping_add(carry);
            carry = u8::from(t >= 10);
            *v = if t >= 10 { t.wrapping_sub(10) } else { t };
        }
        y = (y << 1) | u128::from(carry);
        // Drop trailing zeros: an exact binary fraction ends early.
        while n > 0 && d.get(n.wrapping_sub(1)) == Some(&0) {
            n = n.wrapping_sub(1);
        }
    }
    sticky |= n > 0;
    if y == 0 {
        return Fraction::Scaled(0);
    }
    // Leading bit of y; below 2^58 (x < 2^-62) f * 2^60 < 1/4 and the result is 0.
    let mut p = 127u32.wrapping_sub(y.leading_zeros());
    if p < 58 {
        return Fraction::Scaled(0);
    }
    let drop = p.wrapping_sub(52);
    let mut m = y >> drop;
    let rem = y & ((1u128 << drop).wrapping_sub(1));
    let half = 1u128 << drop.wrapping_sub(1);
    if rem > half || (rem == half && (sticky || m & 1 == 1)) {
        m = m.wrapping_add(1);
        if m >> 53 != 0 {
            m >>= 1;
            p = p.wrapping_add(1);
        }
    }
    // f = m * 2^(p - 52 - 120); it is 1.0 exactly when x rounded up to 2^120 * 2^-120.
    if p >= 120 {
        return Fraction::One;
    }
    // f * 2^shift = m * 2^(p + shift - 172): a left shift, or a right shift rounding half
    // up (m < 2^53 and f < 1 keep every result below 2^60).
    let up = p.wrapping_add(shift.min(60));
    let v = if up >= 172 {
        m << up.wrapping_sub(172)
    } else {
        let s = 172u32.wrapping_sub(up);
        if s >= 120 {
            0
        } else {
            m.wrapping_add(1u128 << s.wrapping_sub(1)) >> s
        }
    };
    Fraction::Scaled(u64::try_from(v).unwrap_or(u64::MAX))
}

/// QEMU's qemu_strtosz (size members): exactly the rules of "Size syntax in detail" (fractions, suffixes B K M G T P E either case with unit 1024, hex only without fraction/suffix, rounding, overflow). None on any error.
pub fn parse_size(s: &[u8]) -> Option<u64> {
    let t = skip_c_space(s);
    let t = match t {
        [b'+', rest @ ..] => rest,
        [b'-', ..] => return None, // negatives fail, including -0
        _ => t,
    };
    if let [b'0', b'x' | b'X', hex @ ..] = t {
        // Hex reads greedily ('b'/'e' are digits) and allows no suffix or fraction.
        return hex_all(hex);
    }
    let (mut int, after_int) = dec_run(t)?;
    let has_int = after_int.len() != t.len();
    let (frac, tail) = match after_int {
        [b'.', r @ ..] => {
            let n = r.iter().take_while(|b| b.is_ascii_digit()).count();
            let (frac, tail) = r.split_at_checked(n)?;
            // Some digit is needed on one side of the '.' (".", ".K", "+." fail).
            if !has_int && frac.is_empty() {
                return None;
            }
            (frac, tail)
        }
        _ if has_int => (&[][..], after_int),
        _ => return None,
    };
    let shift = match tail {
        [] => 0,
        [c] => suffix_shift(*c)?,
        _ => return None,
    };

    let mut frac_part = 0;
    // An all-zero fraction is exactly 0; any other digit makes f > 0, even when
    // the nearest double underflows to 0 (QEMU then uses 2^-64).
    if frac.iter().any(|&d| d != b'0') {
        match fraction(frac, shift) {
            // About 17+ nines: f rounds to 1.0 and QEMU carries into the integral part.
            Fraction::One => int = int.checked_add(1)?,
            // A non-zero fraction needs a unit larger than a byte.
            Fraction::Scaled(_) if shift == 0 => return None,
            Fraction::Scaled(v) => frac_part = v,
        }
    }
    if int > u64::MAX >> shift {
        return None;
    }
    int.wrapping_shl(shift).checked_add(frac_part)
}

/// Bucket (0..512) of a key in QEMU's QDict: h = 0x238F13AF * len; for each byte b at index i: h += b << ((5*i) % 24); then (1103515243*h + 12345) % 512, all mod 2^32. Examples: "0"->110, "00"->147, "000"->184, "1"->217, "01"->499, "block-bitmap-mapping"->93, "cpr-exec-command"->366, "bitmaps"->114.
pub fn qdict_bucket(key: &[u8]) -> u32 {
    qdict_bucket_of(key.iter().copied())
}

/// [`qdict_bucket`] of a key given byte by byte (a decoded JSON key). One pass: the
/// length's term only adds, so it joins the sum at the end.
pub fn qdict_bucket_of(key: impl Iterator<Item = u8>) -> u32 {
    let mut len = 0u32;
    let mut h = 0u32;
    let mut shift: u32 = 0; // (5 * i) % 24, kept incrementally
    for b in key {
        h = h.wrapping_add(u32::from(b).wrapping_shl(shift));
        shift = shift.wrapping_add(5);
        if shift >= 24 {
            shift = shift.wrapping_sub(24);
        }
        // QEMU's tdb_hash works modulo 2^32, so the length is too.
        len = len.wrapping_add(1);
    }
    h = h.wrapping_add(len.wrapping_mul(0x238F_13AF));
    h.wrapping_mul(1_103_515_243).wrapping_add(12_345) % 512
}

#[cfg(test)]
// Test-only reference models below do plain arithmetic on bounded values.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::String;
    use std::vec::Vec;

    const KI: u64 = 1 << 10;
    const MI: u64 = 1 << 20;
    const GI: u64 = 1 << 30;
    const TI: u64 = 1 << 40;
    const PI: u64 = 1 << 50;
    const EI: u64 = 1 << 60;

    fn sz(s: &str) -> Option<u64> {
        parse_size(s.as_bytes())
    }
    fn u(s: &str) -> Option<u64> {
        parse_u64(s.as_bytes())
    }
    fn rep(prefix: &str, c: char, n: usize, suffix: &str) -> String {
        let mut s = String::from(prefix);
        s.extend(core::iter::repeat_n(c, n));
        s.push_str(suffix);
        s
    }

    #[test]
    fn bool_words() {
        for w in ["on", "yes", "true", "y"] {
            assert_eq!(parse_bool(w.as_bytes()), Some(true), "{w}");
        }
        for w in ["off", "no", "false", "n"] {
            assert_eq!(parse_bool(w.as_bytes()), Some(false), "{w}");
        }
        for w in [
            "On", "Y", "True", "1", "0", "", " on", "on ", "OFF", "N", "yes\0", "tru",
        ] {
            assert_eq!(parse_bool(w.as_bytes()), None, "{w:?}");
        }
    }

    #[test]
    fn u64_spec_examples() {
        assert_eq!(u("-18446744073709551615"), Some(1));
        assert_eq!(u("-9223372036854775809"), Some(9_223_372_036_854_775_807));
        assert_eq!(u("-0"), Some(0));
        assert_eq!(u("-0x0"), Some(0));
        assert_eq!(u("-0x1"), Some(u64::MAX));
        assert_eq!(u("-1"), Some(u64::MAX));
        assert_eq!(u(" -1"), Some(u64::MAX));
        assert_eq!(u("0x0000000000000000000000001"), Some(1));
        assert_eq!(u("00000000000000000000000042"), Some(34));
        for bad in [
            "0x",
            "0x-1",
            "- 1",
            "+-42",
            "--1",
            "0b101",
            "0o7",
            "1e3",
            "1_000",
            "1K",
            "42 ",
            "0x10000000000000000",
            "\u{0661}", // ARABIC-INDIC DIGIT ONE
            "\u{ff11}", // FULLWIDTH DIGIT ONE
            "1\u{0662}",
            "",
            " ",
            "-",
            "+",
        ] {
            assert_eq!(u(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn u64_more() {
        assert_eq!(u("0"), Some(0));
        assert_eq!(u("4"), Some(4));
        assert_eq!(u("+42"), Some(42));
        assert_eq!(u(" \t\n\x0b\x0c\r7"), Some(7));
        assert_eq!(u("18446744073709551615"), Some(u64::MAX));
        assert_eq!(u("018446744073709551615"), None); // octal, '8' is junk
        assert_eq!(u("01777777777777777777777"), Some(u64::MAX));
        assert_eq!(u("02000000000000000000000"), None);
        assert_eq!(u("0xFFFFFFFFFFFFFFFF"), Some(u64::MAX));
        assert_eq!(u("0XfF"), Some(255));
        assert_eq!(u("0377"), Some(255));
        assert_eq!(u("0xff"), Some(255));
        assert_eq!(u("08"), None);
        assert_eq!(u("00"), Some(0));
        assert_eq!(u("00x1"), None);
        assert_eq!(u("-18446744073709551616"), None);
        assert_eq!(u("18446744073709551616"), None);
        assert_eq!(u("99999999999999999999"), None);
        assert_eq!(u("0000000000000000000000000000018446744073709551615"), None); // octal '8'
        assert_eq!(u("1 "), None);
        assert_eq!(u("1\0"), None);
        assert_eq!(u("0x1g"), None);
        // uint8/16/32 rows: wrap first, range check afterwards (done by the caller).
        assert_eq!(u("-18446744073709551615").map(u8::try_from), Some(Ok(1)));
        assert!(u("-1").map(u8::try_from).is_some_and(|r| r.is_err()));
        assert!(u("256").map(u8::try_from).is_some_and(|r| r.is_err()));
        assert!(u("4294967296")
            .map(u32::try_from)
            .is_some_and(|r| r.is_err()));
    }

    #[test]
    fn size_form() {
        assert_eq!(sz("1."), Some(1));
        assert_eq!(sz("1.5K"), Some(1536));
        assert_eq!(sz("00.5K"), Some(512));
        assert_eq!(sz(".5K"), Some(512));
        assert_eq!(sz(" .5K"), Some(512));
        assert_eq!(sz("+.5K"), Some(512));
        assert_eq!(sz("1.k"), Some(1024));
        assert_eq!(sz(" 0x10"), Some(16));
        assert_eq!(sz("+0x10"), Some(16));
        assert_eq!(sz("0x10"), Some(16));
        assert_eq!(sz("0.5K"), Some(512));
        for bad in [
            ".K", ".", "+.", "-0", "-0K", "-.5K", "-0x10", "+ 1K", "++1K", "1KB", "1kk", "1.5kB",
            "1.5KiB", "16Gi", "1.5e3K", "1.5.K", "1.-5K", "inf", "nan", "1 K", "1.5 K", "0x 10",
            "1.5", "1e3", "16E", "", " ", "+", "1K ", "K", "-1",
        ] {
            assert_eq!(sz(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn size_hex() {
        assert_eq!(sz("0x1b"), Some(27));
        assert_eq!(sz("0x1B"), Some(27));
        assert_eq!(sz("0x1e"), Some(30));
        assert_eq!(sz("0x1E"), Some(30));
        assert_eq!(sz("0xB"), Some(11));
        assert_eq!(sz("0XB"), Some(11));
        assert_eq!(sz("0xFFFFFFFFFFFFFFFF"), Some(u64::MAX));
        assert_eq!(sz("0x00000000000000000000001"), Some(1));
        for bad in [
            "0x1K",
            "0x1k",
            "0x1p3",
            "0x1.5",
            "0x",
            "00x10",
            "0x10000000000000000",
            "0x1.8k",
            "0x1 ",
            "0X",
            "0xg",
        ] {
            assert_eq!(sz(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn size_exponent_is_suffix() {
        assert_eq!(sz("1e"), Some(EI));
        assert_eq!(sz("1.e"), Some(EI));
        assert_eq!(sz("1E"), Some(EI));
        assert_eq!(sz("1.5e"), Some(1_729_382_256_910_270_464));
        for bad in [
            "1e3", "1.5e3", "1.5e-3K", "1.5e1k", "1.5E+0k", "1.5E999", "7.99e99",
        ] {
            assert_eq!(sz(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn size_value_rules() {
        assert_eq!(sz("1.99999999999999999999"), Some(2));
        assert_eq!(sz("0.99999999999999999999K"), Some(1024));
        assert_eq!(sz("15.9999999999999999999E"), None);
        assert_eq!(
            sz("15.9999999999999999999999999999999999999999999999999999E"),
            None
        );
        assert_eq!(sz("18446744073709551615.99999999999999999999"), None);
        assert_eq!(
            sz("18446744073709551614.99999999999999999999"),
            Some(u64::MAX)
        );
        for bad in [
            "1.5",
            ".5",
            "0.5B",
            "1.5b",
            "1.00000000000000000001",
            "1.1B",
            "1.00001B",
        ] {
            assert_eq!(sz(bad), None, "{bad:?}");
        }
        assert_eq!(sz(&rep("1.", '0', 400, "1")), None);
        assert_eq!(sz(&rep("1.", '0', 350, "1B")), None);
        assert_eq!(sz(&rep(" -.", '0', 350, "1M")), None);
        assert_eq!(sz("1."), Some(1));
        assert_eq!(sz("1.0"), Some(1));
        assert_eq!(sz("1.B"), Some(1));
        assert_eq!(sz("1.0B"), Some(1));
        assert_eq!(sz("0.0"), Some(0));
        assert_eq!(sz(".0"), Some(0));
        assert_eq!(sz(&rep("1.", '0', 400, "")), Some(1));

        assert_eq!(sz("0.1G"), Some(107_374_182));
        assert_eq!(sz("0.00048828125K"), Some(1));
        assert_eq!(sz("0.000488281249K"), Some(0));
        assert_eq!(sz("0.0004882812500001K"), Some(1));
        assert_eq!(sz(&rep("0.", '0', 400, "1K")), Some(0));
        assert_eq!(sz(&rep("1.", '0', 350, "1k")), Some(1024));
        assert_eq!(sz("4503599627370497.5K"), Some(4_611_686_018_427_389_440));
        assert_eq!(
            sz("17179869183.99999999G"),
            Some(18_446_744_073_709_551_605)
        );
        assert_eq!(sz("15.999999999E"), Some(18_446_744_072_556_630_144));
        assert_eq!(sz("16777215T"), Some(18_446_742_974_197_923_840));
        assert_eq!(sz("16777216T"), None);
        assert_eq!(sz("18446744073709551615.5K"), None);
        // QEMU's own unit tests (tests/unit/test-cutils.c).
        assert_eq!(sz("1.9999k"), Some(2048));
        assert_eq!(sz(&rep("1.", '9', 52, "k")), Some(2048));
        assert_eq!(sz("12.345M"), Some(12_944_671)); // (uint64_t)(12.345 * MiB + 0.5)
        assert_eq!(sz("20E"), None);
    }

    #[test]
    fn size_plain() {
        assert_eq!(sz("0"), Some(0));
        assert_eq!(sz("1024"), Some(1024));
        assert_eq!(sz("1b"), Some(1));
        assert_eq!(sz("1B"), Some(1));
        assert_eq!(sz("1K"), Some(KI));
        assert_eq!(sz("1k"), Some(KI));
        assert_eq!(sz("64M"), Some(64 * MI));
        assert_eq!(sz("1G"), Some(GI));
        assert_eq!(sz("1.5G"), Some(1_610_612_736));
        assert_eq!(sz("1T"), Some(TI));
        assert_eq!(sz("1p"), Some(PI));
        assert_eq!(sz("15E"), Some(15 * EI));
        assert_eq!(sz("0010"), Some(10)); // decimal, not octal
        assert_eq!(sz("08"), Some(8));
        assert_eq!(sz(" \t\n\x0b\x0c\r1K"), Some(KI));
        assert_eq!(sz("+1K"), Some(KI));
        assert_eq!(sz("18446744073709551615"), Some(u64::MAX));
        assert_eq!(sz("18446744073709551615B"), Some(u64::MAX));
        assert_eq!(sz("18446744073709551616"), None);
        assert_eq!(sz("000000000000000000000000000000001K"), Some(KI));
        assert_eq!(sz("18014398509481983K"), Some(u64::MAX - 1023));
        assert_eq!(sz("18014398509481984K"), None);
        assert_eq!(sz("0b1000"), None);
        assert_eq!(sz("1\0"), None);
    }

    #[test]
    fn bucket_examples() {
        let cases: [(&str, u32); 8] = [
            ("0", 110),
            ("00", 147),
            ("000", 184),
            ("1", 217),
            ("01", 499),
            ("block-bitmap-mapping", 93),
            ("cpr-exec-command", 366),
            ("bitmaps", 114),
        ];
        for (k, b) in cases {
            assert_eq!(qdict_bucket(k.as_bytes()), b, "{k}");
        }
        // Long keys and high bytes stay in range (shift cycles through 0..24).
        let long = [0xFFu8; 1000];
        assert!(qdict_bucket(&long) < 512);
        assert_eq!(qdict_bucket(&long), model_bucket(&long));
        assert_eq!(qdict_bucket(b""), model_bucket(b""));
    }

    /// Literal transcription of QEMU's tdb_hash.
    fn model_bucket(key: &[u8]) -> u32 {
        let mut h = (key.len() as u32).wrapping_mul(0x238F13AF);
        for (i, &b) in key.iter().enumerate() {
            h = h.wrapping_add(u32::from(b) << ((i as u32 * 5) % 24));
        }
        h.wrapping_mul(1103515243).wrapping_add(12345) % 512
    }

    // ---- Reference models of the C code, for differential testing ----

    fn at(s: &[u8], i: usize) -> u8 {
        s.get(i).copied().unwrap_or(0) // C strings end in NUL
    }

    /// glibc strtoull: (value, end index, ERANGE). end = 0 means no conversion.
    fn m_strtoull(s: &[u8], base: u32) -> (u64, usize, bool) {
        let mut i = 0;
        while is_c_space(at(s, i)) {
            i += 1;
        }
        let neg = at(s, i) == b'-';
        if matches!(at(s, i), b'-' | b'+') {
            i += 1;
        }
        let mut base = base;
        if at(s, i) == b'0' && (base == 0 || base == 16) && matches!(at(s, i + 1), b'x' | b'X') {
            if (at(s, i + 2) as char).is_ascii_hexdigit() {
                i += 2;
                base = 16;
            } else {
                return (0, i + 1, false); // "0" parsed, "x..." left over
            }
        } else if base == 0 {
            base = if at(s, i) == b'0' { 8 } else { 10 };
        }
        let start = i;
        let mut acc: u128 = 0;
        let mut over = false;
        while let Some(d) = (at(s, i) as char).to_digit(base) {
            acc = acc * u128::from(base) + u128::from(d);
            if acc > u128::from(u64::MAX) {
                over = true;
                acc = 0;
            }
            i += 1;
        }
        if i == start {
            return (0, 0, false);
        }
        if over {
            return (u64::MAX, i, true);
        }
        let v = acc as u64;
        (if neg { v.wrapping_neg() } else { v }, i, false)
    }

    /// QEMU qemu_strtou64 with endptr == NULL, i.e. the keyval uint64 rule.
    fn model_u64(s: &[u8]) -> Option<u64> {
        let (v, end, erange) = m_strtoull(s, 0);
        (end != 0 && !erange && end == s.len()).then_some(v)
    }

    /// glibc strtod restricted to what do_strtosz can feed it (no exponent, no
    /// hex float): (value, end index, ERANGE). end = 0 means no conversion.
    fn m_strtod(s: &[u8]) -> (f64, usize, bool) {
        let mut i = 0;
        while is_c_space(at(s, i)) {
            i += 1;
        }
        let num_start = i;
        if matches!(at(s, i), b'-' | b'+') {
            i += 1;
        }
        let rest = s.get(i..).unwrap_or(&[]);
        for (word, val) in [
            ("infinity", f64::INFINITY),
            ("inf", f64::INFINITY),
            ("nan", f64::NAN),
        ] {
            if rest.len() >= word.len() && rest[..word.len()].eq_ignore_ascii_case(word.as_bytes())
            {
                return (val, i + word.len(), false);
            }
        }
        let mut digits = 0;
        let mut nonzero = false;
        while at(s, i).is_ascii_digit() {
            nonzero |= at(s, i) != b'0';
            digits += 1;
            i += 1;
        }
        if at(s, i) == b'.' {
            i += 1;
            while at(s, i).is_ascii_digit() {
                nonzero |= at(s, i) != b'0';
                digits += 1;
                i += 1;
            }
        }
        if digits == 0 {
            return (0.0, 0, false);
        }
        let text = core::str::from_utf8(&s[num_start..i]).unwrap();
        let v: f64 = text.parse().unwrap();
        let erange = nonzero && v.abs() < f64::MIN_POSITIVE;
        (v, i, erange)
    }

    fn m_suffix(c: u8) -> u64 {
        match c {
            b'b' | b'B' => 1,
            b'k' | b'K' => KI,
            b'm' | b'M' => MI,
            b'g' | b'G' => GI,
            b't' | b'T' => TI,
            b'p' | b'P' => PI,
            b'e' | b'E' => EI,
            _ => 0,
        }
    }

    /// Transcription of QEMU 10.2 do_strtosz (util/cutils.c) with end == NULL.
    fn model_size(s: &[u8]) -> Option<u64> {
        const EINVAL: i32 = -22;
        const ERANGE: i32 = -34;
        // parse_uint(nptr, &endptr, 10, &val)
        let (mut val, mut end, erange) = m_strtoull(s, 10);
        let mut retval = if erange {
            ERANGE
        } else if end == 0 {
            EINVAL
        } else if at(s, s.iter().take_while(|&&b| is_c_space(b)).count()) == b'-' {
            val = 0;
            ERANGE
        } else {
            0
        };
        if retval == ERANGE {
            return None;
        }
        let mut valf: u64 = 0;
        if retval == 0 && val == 0 && matches!(at(s, end), b'x' | b'X') {
            let (v, e, erange) = m_strtoull(s, 16);
            if erange || e == 0 {
                return None;
            }
            val = v;
            end = e;
            if at(s, end) == b'.' || m_suffix(at(s, end)) > 0 {
                return None;
            }
        } else if at(s, end) == b'.' || (end == 0 && s.contains(&b'.')) {
            let mut fraction = 0.0f64;
            if retval == 0 && at(s, end) == b'.' && !at(s, end + 1).is_ascii_digit() {
                end += 1;
            } else {
                let mut copy: Vec<u8> = s[end..].to_vec();
                if let Some(p) = copy.iter().position(|&b| b == b'e') {
                    copy.truncate(p);
                }
                if let Some(p) = copy.iter().position(|&b| b == b'E') {
                    copy.truncate(p);
                }
                let (f, tail, erange) = m_strtod(&copy);
                // qemu_strtod_finite
                retval = if tail == 0 || !f.is_finite() {
                    EINVAL
                } else if erange {
                    ERANGE
                } else {
                    0
                };
                fraction = if f.is_finite() { f } else { 0.0 };
                if retval != EINVAL {
                    end += tail;
                }
                if fraction.is_sign_negative() {
                    return None;
                }
            }
            if fraction == 1.0 {
                if val == u64::MAX {
                    return None;
                }
                val += 1;
            } else if retval == ERANGE {
                valf = 1;
                retval = 0;
            } else {
                valf = (fraction * 18446744073709551616.0) as u64;
                if valf == 0 && fraction > 0.0 {
                    valf = 1;
                }
            }
        }
        if retval != 0 {
            return None;
        }
        let mut mul = m_suffix(at(s, end));
        if mul > 0 {
            end += 1;
        } else {
            mul = 1;
        }
        if mul == 1 {
            if valf != 0 {
                return None;
            }
        } else {
            let whole = u128::from(val) * u128::from(mul);
            let fp = u128::from(valf) * u128::from(mul);
            let total = whole + (fp >> 64) + ((fp >> 63) & 1);
            val = u64::try_from(total).ok()?;
        }
        (end == s.len()).then_some(val)
    }

    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u32 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) as u32
        }
        fn below(&mut self, n: usize) -> usize {
            self.next() as usize % n
        }
        fn pick(&mut self, alphabet: &[u8]) -> u8 {
            alphabet[self.below(alphabet.len())]
        }
    }

    #[test]
    fn models_agree_on_spec_examples() {
        for s in [
            "0.1G",
            "1.5e",
            ".5K",
            " .5K",
            "+.5K",
            "1.",
            "1.99999999999999999999",
            "0x1b",
            "00x10",
            "-0",
            "1e3",
            "16E",
            "4503599627370497.5K",
            "17179869183.99999999G",
            "15.999999999E",
            "0.00048828125K",
            "0.000488281249K",
            "1.5",
            "inf",
            "nan",
            "+.",
            ".",
        ] {
            assert_eq!(parse_size(s.as_bytes()), model_size(s.as_bytes()), "{s:?}");
        }
    }

    #[test]
    fn junk_never_panics_and_matches_models() {
        // Bytes that matter to the grammars, plus a few that never do.
        const WIDE: &[u8] = b" \t\n\x0b\x0c\r+-.0123456789xXeEbBkKmMgGtTpPaAfFiInN_;\0\xff";
        // Few symbols, so that accepted and near-miss strings are frequent.
        const NARROW: &[u8] = b" +-.0019xXeEkKbB";
        let mut rng = Lcg(0x5EED);
        let mut buf = [0u8; 24];
        for round in 0..400_000 {
            let alpha = if round % 2 == 0 { WIDE } else { NARROW };
            let len = rng.below(buf.len() + 1);
            for b in buf.iter_mut().take(len) {
                *b = rng.pick(alpha);
            }
            let s = &buf[..len];
            let size = parse_size(s);
            let int = parse_u64(s);
            let _ = parse_bool(s);
            assert!(qdict_bucket(s) < 512);
            if !s.contains(&0) {
                assert_eq!(size, model_size(s), "{:?}", String::from_utf8_lossy(s));
                assert_eq!(int, model_u64(s), "{:?}", String::from_utf8_lossy(s));
            }
        }
        // Fully random bytes, for panics only.
        for _ in 0..100_000 {
            let len = rng.below(buf.len() + 1);
            for b in buf.iter_mut().take(len) {
                *b = rng.next() as u8;
            }
            let s = &buf[..len];
            let _ = (parse_size(s), parse_u64(s), parse_bool(s), qdict_bucket(s));
        }
    }

    #[test]
    fn random_u64_match_model() {
        // Numbers of every base around the 64-bit limit, with optional space and sign.
        let mut rng = Lcg(7);
        let mut s = String::new();
        for _ in 0..200_000 {
            s.clear();
            if rng.below(4) == 0 {
                s.push(char::from(rng.pick(b" \t\n\x0b\x0c\r")));
            }
            if rng.below(2) == 0 {
                s.push(char::from(rng.pick(b"+-")));
            }
            let (prefix, digits, max_len): (&str, &[u8], usize) = match rng.below(3) {
                0 => ("", b"0123456789", 22),
                1 => ("0", b"01234567", 24),
                _ => ("0x", b"0123456789abcdefABCDEF", 19),
            };
            s.push_str(prefix);
            let first = rng.pick(b"0f9");
            for i in 0..rng.below(max_len + 1) {
                let d = if i == 0 || rng.below(3) == 0 {
                    rng.pick(digits)
                } else {
                    first
                };
                s.push(char::from(if digits.contains(&d) { d } else { b'1' }));
            }
            if rng.below(20) == 0 {
                s.push(char::from(rng.pick(b"8gx. K")));
            }
            assert_eq!(parse_u64(s.as_bytes()), model_u64(s.as_bytes()), "{s:?}");
        }
    }

    #[test]
    fn random_sizes_match_model() {
        // Well-formed numbers stress the rounding and overflow arithmetic.
        let mut rng = Lcg(42);
        let mut s = String::new();
        for _ in 0..200_000 {
            s.clear();
            let int_len = rng.below(22);
            // Fraction digits: random, or mostly 9s / mostly 0s (carry and tie cases).
            let heavy = rng.pick(b"09r");
            let digit = |rng: &mut Lcg| {
                if heavy == b'r' || rng.below(8) == 0 {
                    char::from(rng.pick(b"0123456789"))
                } else {
                    char::from(heavy)
                }
            };
            for _ in 0..int_len {
                s.push(char::from(rng.pick(b"0123456789")));
            }
            if rng.below(4) != 0 {
                s.push('.');
                for _ in 0..rng.below(30) {
                    s.push(digit(&mut rng));
                }
            }
            if rng.below(6) != 0 {
                s.push(char::from(rng.pick(b"bBkKmMgGtTpPeE")));
            }
            assert_eq!(parse_size(s.as_bytes()), model_size(s.as_bytes()), "{s:?}");
        }
        // Exact half-unit fractions of every unit: ties round up; just below, down.
        let frac = |x: f64, k: u32| -> u64 {
            let text = std::format!("{x:.200}");
            let digits = text.strip_prefix("0.").unwrap().trim_end_matches('0');
            match fraction(digits.as_bytes(), k) {
                Fraction::Scaled(v) => v,
                Fraction::One => u64::MAX,
            }
        };
        for k in [10u32, 20, 30, 40, 50, 60] {
            let half = f64::from_bits(u64::from(1022 - k) << 52); // 2^-(k+1)
            assert_eq!(frac(half, k), 1, "k={k}");
            let below = f64::from_bits(half.to_bits() - 1);
            assert_eq!(frac(below, k), 0, "k={k}");
        }
        assert_eq!(
            frac(f64::from_bits(0x3FF0_0000_0000_0000 - 1), 60),
            EI - 128
        ); // exact
        assert_eq!(frac(0.75, 10), 768);
        assert!(matches!(
            fraction(b"99999999999999999999", 0),
            Fraction::One
        ));
    }

    /// Exact decimal digits (after "0.") of `num / 2^bits`, `num < 2^bits`, `bits <= 120`.
    fn binary_fraction_digits(num: u128, bits: u32) -> String {
        let mask = (1u128 << bits) - 1;
        let mut r = num & mask;
        let mut out = String::new();
        while r != 0 {
            // r < 2^120, so r * 10 fits.
            r *= 10;
            out.push(char::from(b'0' + (r >> bits) as u8));
            r &= mask;
        }
        out
    }

    #[test]
    fn fractions_exactly_between_two_doubles_match_model() {
        // Halfway between two neighbouring doubles of [2^-k-1, 2^-k): strtod rounds to
        // even; any digit after the exact midpoint, even beyond the digits kept exactly,
        // rounds up; zeros after it change nothing. Each unit shows the rounded double's low
        // bits.
        let mut rng = Lcg(1234);
        for round in 0..2_000 {
            let k = (round % 8) as u32;
            // A 53-bit significand; the midpoint above it needs 54 bits.
            let m = (1u128 << 52) | u128::from(rng.next()) << 20 | u128::from(rng.next() >> 12);
            let bits = 54 + k;
            let mid = binary_fraction_digits(2 * m + 1, bits);
            let sticky_far = std::format!("{mid}{}1", "0".repeat(FRACTION_DIGITS));
            let sticky_near = std::format!("{mid}1");
            let padded = std::format!("{mid}{}", "0".repeat(2 * FRACTION_DIGITS));
            // An odd multiple of 2^-bits ends in the digit 5: the largest decimal of the same
            // length below the midpoint ends in 4.
            assert!(mid.ends_with('5'), "{mid}");
            let below = std::format!("{}4", &mid[..mid.len() - 1]);
            for digits in [&mid, &padded, &sticky_far, &sticky_near, &below] {
                for unit in ["", "K", "M", "G", "T", "P", "E"] {
                    let s = std::format!("0.{digits}{unit}");
                    assert_eq!(parse_size(s.as_bytes()), model_size(s.as_bytes()), "{s}");
                }
            }
        }
    }
}
