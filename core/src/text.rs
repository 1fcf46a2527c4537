//! Strings as they reach the table: spans of input in their syntax's escaping, or plain
//! bytes already in a table. Decoding is lazy so nothing is copied before the commit.

/// Decimal digits of `v`, written at the end of `buf`.
pub fn decimal(v: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    let mut v = v;
    loop {
        i = i.saturating_sub(1);
        if let Some(d) = buf.get_mut(i) {
            *d = b'0'.saturating_add((v % 10) as u8);
        }
        v /= 10;
        if v == 0 || i == 0 {
            break;
        }
    }
    buf.get(i..).unwrap_or(&[])
}

/// Position of the first byte of `s` equal to `a` or `b`, eight bytes at a time (the
/// scans that run over every input use it).
pub fn find2(s: &[u8], a: u8, b: u8) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // High bit of each zero byte of `w`; a borrow can mark bytes above a zero byte too,
    // never below one, so the lowest mark is exact.
    let zeros = |w: u64| w.wrapping_sub(LO) & !w & HI;
    let (wa, wb) = (LO.wrapping_mul(u64::from(a)), LO.wrapping_mul(u64::from(b)));
    let mut chunks = s.chunks_exact(8);
    let mut base = 0usize;
    for c in chunks.by_ref() {
        let w = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
        let m = zeros(w ^ wa) | zeros(w ^ wb);
        if m != 0 {
            return Some(base.saturating_add((m.trailing_zeros() / 8) as usize));
        }
        base = base.saturating_add(8);
    }
    chunks
        .remainder()
        .iter()
        .position(|&c| c == a || c == b)
        .map(|i| base.saturating_add(i))
}

/// Whether QEMU accepts `cp` as a character (`is_valid_codepoint` of util/unicode.c): in
/// range, not a surrogate, not one of the 66 noncharacters.
pub fn valid_codepoint(cp: u32) -> bool {
    cp <= 0x10_FFFF
        && !(0xD800..=0xDFFF).contains(&cp)
        && !(0xFDD0..=0xFDEF).contains(&cp)
        && cp & 0xFFFE != 0xFFFE
}

/// QEMU's `mod_utf8_codepoint` at the start of `s` (past the end of `s` reads as the NUL
/// that ends a C string): the code point if the sequence is valid (modified UTF-8, so
/// `C0 80` is U+0000), and where the sequence ends. An invalid sequence ends after the
/// continuation bytes it has, so a writer replaces it with one U+FFFD, as QEMU's does.
/// An empty `s`, or a NUL first, is `(None, 0)`.
pub fn mod_utf8_codepoint(s: &[u8]) -> (Option<u32>, usize) {
    let lead = match s.first() {
        None | Some(0) => return (None, 0),
        Some(&b) => b,
    };
    if lead < 0x80 {
        return (Some(u32::from(lead)), 1);
    }
    if lead >= 0xFE || lead & 0x40 == 0 {
        return (None, 1); // an impossible byte, or a continuation byte first
    }
    let len = lead.leading_ones() as usize; // 2..=6
    let mut cp = u32::from(lead) & 0x7Fu32.wrapping_shr(len as u32);
    for k in 1..len {
        match s.get(k) {
            Some(&b) if b & 0xC0 == 0x80 => cp = cp.wrapping_shl(6) | u32::from(b & 0x3F),
            _ => return (None, k),
        }
    }
    let min = match len {
        2 => 0x80,
        3 => 0x800,
        4 => 0x1_0000,
        _ => return (None, len), // 5 or 6 bytes: overlong or beyond U+10FFFF
    };
    let ok = valid_codepoint(cp) && (cp >= min || (cp == 0 && len == 2));
    (ok.then_some(cp), len)
}

/// A string value, not yet decoded.
#[derive(Clone, Copy, Debug)]
pub enum StrRef<'a> {
    /// Plain bytes (a stored string).
    Plain(&'a [u8]),
    /// A keyval value: `,,` stands for `,`.
    Keyval(&'a [u8]),
    /// A validated JSON string body: backslash escapes to decode.
    Json(&'a [u8]),
}

impl<'a> StrRef<'a> {
    /// The decoded bytes, one at a time.
    pub fn bytes(self) -> Bytes<'a> {
        match self {
            StrRef::Plain(b) => Bytes::Plain(b.iter()),
            StrRef::Keyval(b) => Bytes::Keyval(b.iter()),
            StrRef::Json(b) => Bytes::Json(crate::json::Decoder::new(b)),
        }
    }

    /// Decoded length.
    pub fn len(self) -> usize {
        match self.as_plain() {
            Some(b) => b.len(),
            None => self.bytes().count(),
        }
    }

    /// Whether the decoded string is empty.
    pub fn is_empty(self) -> bool {
        self.bytes().next().is_none()
    }

    /// Decoded equality.
    pub fn same(self, other: StrRef<'_>) -> bool {
        if let (Some(a), Some(b)) = (self.as_plain(), other.as_plain()) {
            return a == b;
        }
        self.bytes().eq(other.bytes())
    }

    /// Decoded equality with plain bytes.
    pub fn is(self, plain: &[u8]) -> bool {
        self.same(StrRef::Plain(plain))
    }

    /// The bytes when no decoding is needed.
    pub fn as_plain(self) -> Option<&'a [u8]> {
        match self {
            StrRef::Plain(b) => Some(b),
            StrRef::Keyval(b) if !b.contains(&b',') => Some(b),
            StrRef::Json(b) if !b.contains(&b'\\') => Some(b),
            _ => None,
        }
    }
}

/// Iterator over decoded bytes.
#[derive(Clone)]
pub enum Bytes<'a> {
    /// Bytes as they are.
    Plain(core::slice::Iter<'a, u8>),
    /// Keyval value text: `,,` is one comma.
    Keyval(core::slice::Iter<'a, u8>),
    /// JSON string text, decoded as the JSON front end decodes it.
    Json(crate::json::Decoder<'a>),
}

/// `s` without the prefix `p`, if it starts with it. One function for every prefix: the
/// generic `strip_prefix` is instantiated once per array length, each with a panic path that
/// size-optimised builds keep.
pub(crate) fn strip<'a>(s: &'a [u8], p: &[u8]) -> Option<&'a [u8]> {
    if s.starts_with(p) {
        s.get(p.len()..)
    } else {
        None
    }
}

/// Value of the ASCII digit `b` in `radix` (up to 36: `0`-`9`, then letters of either case).
/// `char::to_digit` would do, but it asserts its radix, and that check and its panic
/// message stay in size-optimised builds.
pub(crate) fn digit(b: u8, radix: u32) -> Option<u32> {
    let d = u32::from(match b {
        b'0'..=b'9' => b.wrapping_sub(b'0'),
        b'a'..=b'z' => b.wrapping_sub(b'a').wrapping_add(10),
        b'A'..=b'Z' => b.wrapping_sub(b'A').wrapping_add(10),
        _ => return None,
    });
    (d < radix).then_some(d)
}

/// Value of the four hex digits that `b` starts with (QEMU's `cvt4hex`), if it starts with four.
pub(crate) fn hex4(b: &[u8]) -> Option<u32> {
    let mut v = 0u32;
    for i in 0..4 {
        v = v.wrapping_shl(4) | digit(*b.get(i)?, 16)?;
    }
    Some(v)
}

impl Iterator for Bytes<'_> {
    type Item = u8;
    fn next(&mut self) -> Option<u8> {
        match self {
            Bytes::Plain(it) => it.next().copied(),
            Bytes::Keyval(it) => {
                let c = it.next().copied()?;
                if c == b',' && it.as_slice().first() == Some(&b',') {
                    it.next();
                }
                Some(c)
            }
            Bytes::Json(d) => d.next(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn collect(s: StrRef<'_>) -> ([u8; 64], usize) {
        let mut out = [0u8; 64];
        let mut n = 0;
        for b in s.bytes() {
            out[n] = b;
            n += 1;
        }
        (out, n)
    }

    #[test]
    fn keyval_commas() {
        let (b, n) = collect(StrRef::Keyval(b"a,,b,,,,c"));
        assert_eq!(&b[..n], b"a,b,,c");
        assert_eq!(StrRef::Keyval(b"a,,b").len(), 3);
        assert!(StrRef::Keyval(b"x,,").is(b"x,"));
    }

    #[test]
    fn json_escapes() {
        let (b, n) = collect(StrRef::Json(br#"h\u00e9\n\"q\"\/\'\\"#));
        assert_eq!(&b[..n], "hé\n\"q\"/'\\".as_bytes());
        let (b, n) = collect(StrRef::Json(br"\ud83d\ude00x"));
        assert_eq!(&b[..n], "😀x".as_bytes());
        let (b, n) = collect(StrRef::Json(br"a\u0000b"));
        assert_eq!(&b[..n], b"a\xC0\x80b");
        assert!(StrRef::Json(br"multifd\u002dchannels").is(b"multifd-channels"));
    }

    #[test]
    fn find2_matches_a_byte_scan() {
        // Every position in and around a word, for bytes next to the targets (where a
        // borrow could mark the wrong byte), against the plain scan.
        let fill = [0u8, 1, b'<', b'>', b',' - 1, b',' + 1, 0xFF, 0x80, b'a'];
        for len in 0..20 {
            for &f in &fill {
                for at in 0..len {
                    for &hit in b"=," {
                        let mut s = [f; 20];
                        s[at] = hit;
                        if at + 1 < len {
                            s[at + 1] = hit.wrapping_sub(1);
                        }
                        let s = &s[..len];
                        let want = s.iter().position(|&c| c == b'=' || c == b',');
                        assert_eq!(find2(s, b'=', b','), want, "{s:?}");
                        let want0 = s.iter().position(|&c| c == 0);
                        assert_eq!(find2(s, 0, 0), want0, "{s:?}");
                    }
                }
                assert_eq!(find2(&[f; 20][..len], b'=', b','), None);
            }
        }
        assert_eq!(find2(b"multifd-channels=4", b'=', b','), Some(16));
        assert_eq!(find2(b"0123456789abcdef,", b'=', b','), Some(16));
    }
}
