//! The JSON front end: QEMU's JSON dialect, read without a heap.
//!
//! # What it matches
//!
//! QEMU reads `-incoming config:{...}` with `qobject_from_json`: a table-driven lexer
//! (`qobject/json-lexer.c`), a streamer that counts brackets and applies the limits
//! (`json-streamer.c`), and a recursive-descent parser over the streamer's token queue
//! (`json-parser.c`), which also decodes strings and rejects duplicate keys. [`parse`]
//! gives the answer QEMU gives, with QEMU's message, for every input:
//!
//! * **Lexer.** Whitespace is space, tab, CR and LF only. Strings are double- or
//!   single-quoted; inside them every byte from 0x20 to 0xFD is taken raw (the other quote
//!   included) and `\` takes any such byte after it; a byte below 0x20 or 0xFE/0xFF ends the
//!   token in error. Numbers follow RFC 8259 exactly as QEMU's state table does (so `0e5` is
//!   `0` followed by the word `e`), words are `[a-z]+`, and any other byte is an error. A
//!   lexical error reads `JSON parse error, stray '<text>'`, where `<text>` is the partial
//!   token up to and including the byte that made it invalid (up to the end of the input
//!   when the input ends inside a token).
//! * **Streamer.** The tokens of one top-level value are collected until the counts of
//!   open braces and of open brackets (kept apart, as QEMU does) are both back to zero or
//!   one of them goes negative, or until the input ends. While they are collected the
//!   limits apply: token bytes (quotes included, whitespace not) at most 64 MiB − 1,
//!   at most 2 097 152 tokens, at most 1024 brackets and braces open at once.
//! * **Parser.** Only then does the grammar run, so a lexical or limit error anywhere in
//!   the value beats a grammar error before it. Grammar errors (including bad escapes,
//!   bad UTF-8 and invalid `\u` characters, which QEMU finds while decoding a string) come
//!   in reading order; a duplicate key is reported after its value has been parsed.
//! * **After the value**, anything but whitespace gives `Expecting at most one JSON value`.
//!
//! # Design
//!
//! One pass over the text does the work of all three stages: each token is lexed, counted
//! against the limits, and fed to an iterative grammar (a state plus a 1024-bit stack of
//! object-or-array, no recursion). The first grammar error is remembered, not returned: the
//! pass goes on lexing (and counting) to the end of the value, because a later lexical or
//! limit error wins. No tree is built: values are recorded into the caller's [`Stage`] as
//! spans of the input while they are met (see [`parse`]); list elements are not stored,
//! [`crate::lists`] reads them again from the validated text.
//!
//! Duplicate keys are found without a heap, compared after unescaping. In the top-level
//! object a key that names a stage slot (a parameter, or an enabled capability) is checked
//! against a bit mask of the slots seen. Every other key goes to a log of [`DUP_LOG`] entries that holds the keys of the
//! objects currently open (offset and 32-bit hash of the unescaped key) and a marker per
//! open object; a new key is compared with the earlier keys of its own object, hash first,
//! then byte for byte. Configurations stay far below the log's size (a full bitmap mapping
//! needs 11 entries). When an input does overflow it (many unknown keys in one object, or
//! objects nested deeply with keys at each level), the log is abandoned and, after the
//! pass, an exact search finds the first duplicate in QEMU's order: for every object, its
//! keys are taken [`DUP_BLOCK`] at a time (offset and hash, as in the log), and each block costs one
//! scan of the rest of the object. That costs about `n × (d + k / 64)` byte steps for an
//! input of `n` bytes whose objects nest `d` deep with at most `k` keys each: nothing for
//! real configurations; 50 ms for a 128 KiB object of 15 000 keys (Linux caps one
//! command-line argument at 128 KiB); 3 s for a 1 MiB object of 110 000 keys, the bound
//! accepted here; 0.2 s for 1000 nested objects around 1 MiB of string (measured on the
//! development machine, release build). QEMU rejects every such input anyway (no object of
//! the schema has more than 32 members); only which message it gives depends on the
//! search.
//!
//! Stack (release build, x86-64, measured): the parser state is 360 bytes (128 of them
//! the 1024-level bit stack that QEMU's nesting limit calls for, 128 the key log). A
//! configuration without escaped keys uses at most about 0.95 KiB of stack in all,
//! comparing escaped keys after unescaping up to about 1.35 KiB; the fallback search at
//! most about 1.15 KiB, after the parser state is gone. Errors are written straight into the
//! caller's [`Error`].
//!
//! # Offsets
//!
//! Every error points at a byte of the input: a lexical error at the byte that made the
//! token invalid (the end of the input when the input ended inside a token); a grammar
//! error at the first byte of the token where QEMU's parser stops (the `\` of a bad escape,
//! the first byte of a bad UTF-8 sequence; the opening quote of a duplicate key; the first
//! byte of a non-string key); `premature EOI` at the end of the input; the size limit at
//! the first token byte beyond 64 MiB − 1; the count and nesting limits at the first byte
//! of the token beyond them; `Expecting at most one JSON value` at the first byte after
//! the value that is not whitespace.
//!
//! # Why not serde-json-core
//!
//! serde-json-core is not used here, for any part, and is not a dependency. It cannot
//! give QEMU's answers: it has no single-quoted strings and no `\'`; it takes any byte in a
//! string (control bytes included) and checks nothing beyond UTF-8 (no noncharacters, no
//! lone surrogates, no modified UTF-8 `C0 80`); it skips an ignored scalar by consuming bytes
//! up to the next `,`, `}` or `]` (so `{"x": 1 2 3}` passes); it has no `deserialize_any`,
//! so unknown members cannot be recorded for QEMU's `is unexpected` message; duplicates
//! among ignored keys go unnoticed; its errors carry neither QEMU's messages nor byte
//! offsets; and QEMU's order of errors (lexer and limits over the whole value before any
//! grammar error) needs a lexer that sees the whole value first. Number conversion, the one
//! place it might serve, is not done here at all: numbers are recorded as spans and
//! converted by the typed visit with QEMU's integer rules. What remains is our own, small,
//! and panic-free by construction: no indexing, no unchecked arithmetic, no recursion.

use crate::error::Failed;
use crate::error::{Error, Status};
use crate::stage::{Raw, Span, Stage, Tok};
use crate::text::{hex4, mod_utf8_codepoint, valid_codepoint};

const PREFIX: &[u8] = b"JSON parse error, ";

/// QEMU's limit on the bytes of all tokens of one value (`MAX_TOKEN_SIZE`, json-streamer.c):
/// the sum must stay below it (at most 64 MiB − 1).
pub const MAX_TOKEN_SIZE: usize = 64 << 20;
/// QEMU's limit on the number of tokens of one value (`MAX_TOKEN_COUNT`).
pub const MAX_TOKEN_COUNT: usize = 2 << 20;
/// QEMU's limit on brackets and braces open at once (`MAX_NESTING`).
pub const MAX_NESTING: usize = 1 << 10;
/// Entries of the duplicate-key log (object markers plus keys of open objects).
pub const DUP_LOG: usize = 16;
/// Scans of one object the fallback duplicate search makes at most.
pub const DUP_BLOCKS_MAX: usize = 4;
/// Keys compared per scan of an object by the fallback duplicate search.
pub const DUP_BLOCK: usize = 32;

/// Parse QEMU-dialect JSON `text` (which starts with `{`) into `stage` (created by the
/// caller as `Stage::new(Syntax::Json)`, with `known` set). On failure QEMU's error is
/// written into `err` (status, offset, sealed message; see the module documentation for
/// the order and the offsets) and [`Failed`] returned; `err` is untouched on success.
///
/// On success the stage holds, for every top-level member whose unescaped key names a slot
/// the stage accepts ([`Stage::lookup`]: a parameter, or a capability when enabled, with
/// its bit in `stage.known`), its value in `stage.params[slot]`:
/// [`Tok::JStr`] (span: the bytes between the quotes, escapes undecoded; see
/// [`decode_str`]), [`Tok::JInt`] (span: the number; only for numbers without fraction or
/// exponent within [−2^63, 2^64 − 1], which QEMU stores as integers), [`Tok::JFloat`]
/// (every other number), [`Tok::JTrue`], [`Tok::JFalse`], [`Tok::JNull`], [`Tok::JArray`]
/// or [`Tok::JObject`] (span: the opening bracket). Also:
///
/// * the first top-level key (in input order) that names no such slot, in
///   `stage.unknown` ([`Tok::JStr`], the bytes between its quotes);
/// * for the list parameters, whose elements [`crate::lists`] reads again from the text:
///   the first element beyond each list's capacity ([`Lists::json_overflow`](crate::lists::Lists::json_overflow))
///   in `stage.over_exec` and `stage.over_bbm` (not an error here). Members of the bitmap mapping's structs that
///   QEMU does not know are found by the visit, from the text.
///
/// On error the stage holds whatever was recorded so far and must not be used.
///
/// Precondition: `text` starts with `{` (the config path selects JSON that way; other
/// input gives `Expecting a JSON value` at offset 0) and holds no NUL byte (QEMU would see
/// the text end there; callers reject it first). Offsets are 32-bit, as in the stage: a
/// text over 4 GiB is refused ([`Status::Capacity`]).
pub fn parse(text: &[u8], stage: &mut Stage, err: &mut Error) -> Result<(), Failed> {
    check(text, stage, false).map_err(|f| f.write(text, err))?;
    (stage.over_exec, stage.over_bbm) = crate::lists::Lists::new(text, stage).json_overflow();
    Ok(())
}

/// [`parse`] up to the message: the first failure QEMU would report, as a small value.
/// `no_log`: find duplicates without the log (tests compare both ways).
#[inline(never)]
fn check(text: &[u8], stage: &mut Stage, no_log: bool) -> Result<(), Fail> {
    if text.first() != Some(&b'{') {
        return Err(Fail::NoValue);
    }
    if u32::try_from(text.len()).is_err() {
        return Err(Fail::TooLong);
    }
    let outcome = first_pass(text, stage, no_log)?;
    let mut gerr = outcome.gerr;
    if outcome.deferred {
        let limit = gerr.map_or(u64::MAX, |g| g.event);
        if let Some(d) = find_dup(text, outcome.end, limit) {
            gerr = Some(d);
        }
    }
    if let Some(g) = gerr {
        return Err(Fail::Grammar(g));
    }
    match text
        .get(outcome.end..)
        .and_then(|rest| rest.iter().position(|&b| !is_ws(b)))
    {
        Some(at) => Err(Fail::AtMostOne(outcome.end.saturating_add(at))),
        None => Ok(()),
    }
}

/// The pass over the first value (its own frame: the parser state is gone before the
/// duplicate search runs).
#[inline(never)]
fn first_pass(text: &[u8], stage: &mut Stage, no_log: bool) -> Result<Outcome, Fail> {
    let mut p = Parser::new(text, stage);
    p.deferred |= no_log;
    let end = p.run()?;
    Ok(p.finish(end))
}

// ---------------------------------------------------------------------------------------
// Decoding the raw text of a string.
// ---------------------------------------------------------------------------------------

/// Decode the bytes of a JSON string whose raw text (between the quotes, escapes
/// undecoded, already validated by [`parse`]) is `raw`, calling `out` for each decoded byte.
///
/// `\u0000` decodes to the two bytes `C0 80` (QEMU's modified UTF-8), other `\uXXXX` to
/// UTF-8, a `\u` high surrogate followed by a `\u` low surrogate to one 4-byte character;
/// `\'` is `'`; raw bytes are copied. For text `parse` would reject the result is
/// unspecified (but nothing panics).
pub fn decode_str(raw: &[u8], out: &mut impl FnMut(u8)) {
    for b in Decoder::new(raw) {
        out(b);
    }
}

/// Decoded length of a string's raw text (see [`decode_str`]).
pub fn decoded_len(raw: &[u8]) -> usize {
    if !raw.contains(&b'\\') {
        return raw.len();
    }
    Decoder::new(raw).count()
}

/// Whether the string whose raw text is `raw` decodes to exactly `plain` (for comparing
/// keys with names).
pub fn decoded_eq(raw: &[u8], plain: &[u8]) -> bool {
    if !raw.contains(&b'\\') {
        return raw == plain;
    }
    Decoder::new(raw).eq(plain.iter().copied())
}

/// Whether two raw string texts decode to the same bytes.
fn raw_eq(a: &[u8], b: &[u8]) -> bool {
    if !a.contains(&b'\\') && !b.contains(&b'\\') {
        return a == b;
    }
    Decoder::new(a).eq(Decoder::new(b))
}

/// Iterator over the decoded bytes of a raw string text.
#[derive(Clone)]
pub struct Decoder<'a> {
    raw: &'a [u8],
    pos: usize,
    buf: [u8; 4],
    blen: u8,
    bpos: u8,
}

impl<'a> Decoder<'a> {
    /// The decoded bytes of `raw`, the text between a string's quotes.
    pub fn new(raw: &'a [u8]) -> Self {
        Decoder {
            raw,
            pos: 0,
            buf: [0; 4],
            blen: 0,
            bpos: 0,
        }
    }
}

impl Iterator for Decoder<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        if self.bpos < self.blen {
            let b = self.buf.get(usize::from(self.bpos)).copied();
            self.bpos = self.bpos.wrapping_add(1);
            return b;
        }
        let b = *self.raw.get(self.pos)?;
        if b != b'\\' {
            self.pos = self.pos.wrapping_add(1);
            return Some(b);
        }
        let simple = match self.raw.get(self.pos.wrapping_add(1)) {
            Some(b'"') => Some(b'"'),
            Some(b'\'') => Some(b'\''),
            Some(b'\\') => Some(b'\\'),
            Some(b'/') => Some(b'/'),
            Some(b'b') => Some(0x08),
            Some(b'f') => Some(0x0C),
            Some(b'n') => Some(b'\n'),
            Some(b'r') => Some(b'\r'),
            Some(b't') => Some(b'\t'),
            _ => None,
        };
        if let Some(c) = simple {
            self.pos = self.pos.wrapping_add(2);
            return Some(c);
        }
        let u = if self.raw.get(self.pos.wrapping_add(1)) == Some(&b'u') {
            unicode_escape(self.raw, self.pos)
        } else {
            (None, 0)
        };
        match u {
            (Some(cp), len) => {
                self.pos = self.pos.saturating_add(len);
                self.blen = encode_mutf8(cp, &mut self.buf);
                self.bpos = 1;
                self.buf.first().copied()
            }
            (None, _) => {
                // Not reachable for validated text: pass the backslash through.
                self.pos = self.pos.wrapping_add(1);
                Some(b'\\')
            }
        }
    }
}

/// Encode `cp` in QEMU's modified UTF-8 (U+0000 as `C0 80`); returns the length.
fn encode_mutf8(cp: u32, buf: &mut [u8; 4]) -> u8 {
    // The `as u8` casts keep the low bits on purpose.
    let cont = |shift: u32| 0x80 | (cp.wrapping_shr(shift) & 0x3F) as u8;
    if cp == 0 {
        *buf = [0xC0, 0x80, 0, 0];
        2
    } else if cp < 0x80 {
        *buf = [cp as u8, 0, 0, 0];
        1
    } else if cp < 0x800 {
        *buf = [0xC0 | (cp.wrapping_shr(6) & 0x1F) as u8, cont(0), 0, 0];
        2
    } else if cp < 0x1_0000 {
        *buf = [
            0xE0 | (cp.wrapping_shr(12) & 0x0F) as u8,
            cont(6),
            cont(0),
            0,
        ];
        3
    } else {
        *buf = [
            0xF0 | (cp.wrapping_shr(18) & 0x07) as u8,
            cont(12),
            cont(6),
            cont(0),
        ];
        4
    }
}

/// The `\u` escape whose backslash is at `at`, read as QEMU's `parse_string` reads it:
/// the code point if valid, and the number of bytes QEMU consumed (6, or 12 for a
/// surrogate pair), which is also the length of the text its error message quotes.
fn unicode_escape(bytes: &[u8], at: usize) -> (Option<u32>, usize) {
    let Some(cp) = bytes.get(at.saturating_add(2)..).and_then(hex4) else {
        return (None, 6);
    };
    if (0xD800..=0xDBFF).contains(&cp) {
        let next = at.saturating_add(6);
        if bytes.get(next) == Some(&b'\\') && bytes.get(next.saturating_add(1)) == Some(&b'u') {
            return match bytes.get(next.saturating_add(2)..).and_then(hex4) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    let cp =
                        0x1_0000u32.wrapping_add((cp & 0x3FF).wrapping_shl(10)) | (low & 0x3FF);
                    (valid_codepoint(cp).then_some(cp), 12)
                }
                _ => (None, 6),
            };
        }
    }
    (valid_codepoint(cp).then_some(cp), 6)
}

/// Length of the valid modified-UTF-8 sequence at `at` (its first byte ≥ 0x80), as QEMU's
/// `mod_utf8_codepoint` judges it, or `None` if it is invalid.
fn utf8_seq(bytes: &[u8], at: usize) -> Option<usize> {
    match mod_utf8_codepoint(bytes.get(at..)?) {
        (Some(_), len) => Some(len),
        (None, _) => None,
    }
}

// ---------------------------------------------------------------------------------------
// Lexer.
// ---------------------------------------------------------------------------------------

/// A token's class in QEMU's lexer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    LCurly,
    RCurly,
    LSquare,
    RSquare,
    Colon,
    Comma,
    Str,
    Int,
    Float,
    True,
    False,
    Null,
    /// A `[a-z]+` word other than the three keywords.
    Word,
}

/// A problem QEMU's parser finds while decoding a string (a grammar error).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StrErr {
    /// `\` followed by a byte that is no escape; at the backslash.
    Escape(u32),
    /// Invalid (modified) UTF-8 sequence; at its first byte.
    Utf8(u32),
    /// Invalid `\u` escape; at the backslash, with the end of the text QEMU quotes.
    Unicode(u32, u32),
}

/// A token of QEMU's lexer: its class and bytes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    pub(crate) kind: Kind,
    start: usize,
    pub(crate) end: usize,
    /// Strings: whether the raw text holds a backslash.
    esc: bool,
}

impl Token {
    fn new(kind: Kind, start: usize, end: usize) -> Self {
        Token {
            kind,
            start,
            end,
            esc: false,
        }
    }

    /// Strings: the bytes between the quotes.
    fn inner(&self) -> (usize, usize) {
        (self.start.wrapping_add(1), self.end.saturating_sub(1))
    }
}

/// A lexical error: the offending byte `at` (consumed into the stray text), or the end of
/// the input (`eof`: the stray text stops before it).
#[derive(Clone, Copy, Debug)]
pub(crate) struct LexErr {
    pub(crate) at: usize,
    pub(crate) eof: bool,
}

const fn at(i: usize) -> LexErr {
    LexErr { at: i, eof: false }
}

fn eof(text: &[u8]) -> LexErr {
    LexErr {
        at: text.len(),
        eof: true,
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn skip_digits(text: &[u8], mut i: usize) -> usize {
    while text.get(i).is_some_and(u8::is_ascii_digit) {
        i = i.wrapping_add(1);
    }
    i
}

/// Whether a byte needs no attention inside a string: 0x20..=0x7F except `"`, `'` and `\`.
fn plain(b: u8) -> bool {
    matches!(b, 0x20..=0x7F) && !matches!(b, b'"' | b'\'' | b'\\')
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Flags (high bit of the byte) the bytes of `w` that need attention in a string: below
/// 0x20, 0x80 and up, `"`, `'` and `\`. The lowest flag is exact (borrows only create
/// flags above a real one).
fn special_bytes(w: u64) -> u64 {
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let ctl = w.wrapping_sub(ONES.wrapping_mul(0x20)) & !w & HIGH;
    ctl | (w & HIGH)
        | zero(w ^ ONES.wrapping_mul(0x22))
        | zero(w ^ ONES.wrapping_mul(0x27))
        | zero(w ^ ONES.wrapping_mul(0x5C))
}

/// The first byte at or after `i` that is not [`plain`] (or the end).
fn plain_run(text: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = i.checked_add(8).and_then(|e| text.get(i..e)) {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let special = special_bytes(w);
        if special != 0 {
            return i.wrapping_add((special.trailing_zeros() / 8) as usize);
        }
        i = i.wrapping_add(8);
    }
    while text.get(i).is_some_and(|&b| plain(b)) {
        i = i.wrapping_add(1);
    }
    i
}

/// [`lex`] without the string checks: QEMU's lexer alone (the channel reader's).
pub(crate) fn lex_plain(text: &[u8], start: usize) -> Result<Token, LexErr> {
    lex(text, start, false, &mut None)
}

/// Lex the token starting at `start` (not whitespace, not the end). With `check`, strings
/// are also decoded-checked as QEMU's parser would (first problem in `bad`, which is
/// written for every string).
fn lex(text: &[u8], start: usize, check: bool, bad: &mut Option<StrErr>) -> Result<Token, LexErr> {
    let next = start.wrapping_add(1);
    let one = |kind| Ok(Token::new(kind, start, next));
    match text.get(start) {
        Some(b'{') => one(Kind::LCurly),
        Some(b'}') => one(Kind::RCurly),
        Some(b'[') => one(Kind::LSquare),
        Some(b']') => one(Kind::RSquare),
        Some(b':') => one(Kind::Colon),
        Some(b',') => one(Kind::Comma),
        Some(&q @ (b'"' | b'\'')) => lex_str(text, start, q, check, bad),
        Some(b'0') => lex_zero(text, start, next),
        Some(b'1'..=b'9') => lex_digits(text, start, next),
        Some(b'-') => match text.get(next) {
            Some(b'0') => lex_zero(text, start, next.wrapping_add(1)),
            Some(b'1'..=b'9') => lex_digits(text, start, next.wrapping_add(1)),
            Some(_) => Err(at(next)),
            None => Err(eof(text)),
        },
        Some(b'a'..=b'z') => {
            let mut end = next;
            while text.get(end).is_some_and(u8::is_ascii_lowercase) {
                end = end.wrapping_add(1);
            }
            let kind = match text.get(start..end) {
                Some(b"true") => Kind::True,
                Some(b"false") => Kind::False,
                Some(b"null") => Kind::Null,
                _ => Kind::Word,
            };
            Ok(Token::new(kind, start, end))
        }
        _ => Err(at(start)),
    }
}

/// After a `0` (IN_ZERO): a digit is an error, `.` starts a fraction, anything else ends
/// the integer (so `0e5` is `0` then a word).
fn lex_zero(text: &[u8], start: usize, i: usize) -> Result<Token, LexErr> {
    match text.get(i) {
        Some(b'0'..=b'9') => Err(at(i)),
        Some(b'.') => lex_frac(text, start, i.wrapping_add(1)),
        _ => Ok(Token::new(Kind::Int, start, i)),
    }
}

/// After a nonzero digit (IN_DIGITS).
fn lex_digits(text: &[u8], start: usize, i: usize) -> Result<Token, LexErr> {
    let i = skip_digits(text, i);
    match text.get(i) {
        Some(b'.') => lex_frac(text, start, i.wrapping_add(1)),
        Some(b'e' | b'E') => lex_exp(text, start, i.wrapping_add(1)),
        _ => Ok(Token::new(Kind::Int, start, i)),
    }
}

/// After the `.` (IN_MANTISSA): one digit required.
fn lex_frac(text: &[u8], start: usize, i: usize) -> Result<Token, LexErr> {
    match text.get(i) {
        Some(b'0'..=b'9') => {}
        Some(_) => return Err(at(i)),
        None => return Err(eof(text)),
    }
    let i = skip_digits(text, i.wrapping_add(1));
    match text.get(i) {
        Some(b'e' | b'E') => lex_exp(text, start, i.wrapping_add(1)),
        _ => Ok(Token::new(Kind::Float, start, i)),
    }
}

/// After the `e` (IN_EXP_E): an optional sign, then one digit required.
fn lex_exp(text: &[u8], start: usize, i: usize) -> Result<Token, LexErr> {
    let i = match text.get(i) {
        Some(b'+' | b'-') => i.wrapping_add(1),
        _ => i,
    };
    match text.get(i) {
        Some(b'0'..=b'9') => Ok(Token::new(
            Kind::Float,
            start,
            skip_digits(text, i.wrapping_add(1)),
        )),
        Some(_) => Err(at(i)),
        None => Err(eof(text)),
    }
}

/// A string opened by `quote` at `start`.
fn lex_str(
    text: &[u8],
    start: usize,
    quote: u8,
    mut check: bool,
    bad_out: &mut Option<StrErr>,
) -> Result<Token, LexErr> {
    let mut i = start.wrapping_add(1);
    let mut esc = false;
    let mut bad = None;
    loop {
        i = plain_run(text, i);
        let Some(&c) = text.get(i) else {
            return Err(eof(text));
        };
        if c == quote {
            let end = i.wrapping_add(1);
            if let Some(StrErr::Unicode(b, quoted)) = bad {
                bad = Some(StrErr::Unicode(b, quoted.min(o32(end))));
            }
            *bad_out = bad;
            return Ok(Token {
                kind: Kind::Str,
                start,
                end,
                esc,
            });
        }
        match c {
            b'"' | b'\'' => i = i.wrapping_add(1),
            b'\\' => {
                esc = true;
                let e = i.wrapping_add(1);
                let Some(&d) = text.get(e) else {
                    return Err(eof(text));
                };
                if !(0x20..=0xFD).contains(&d) {
                    return Err(at(e));
                }
                let mut step = 2;
                if check {
                    match d {
                        b'"' | b'\'' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                        b'u' => match unicode_escape(text, i) {
                            // Valid: the hex digits (and a second `\u`) are plain bytes.
                            (Some(_), len) => step = len,
                            (None, len) => {
                                bad = Some(StrErr::Unicode(o32(i), o32(i.saturating_add(len))));
                                check = false;
                            }
                        },
                        _ => {
                            bad = Some(StrErr::Escape(o32(i)));
                            check = false;
                        }
                    }
                }
                i = i.wrapping_add(step);
            }
            0x80..=0xFD => {
                let mut step = 1;
                if check {
                    match utf8_seq(text, i) {
                        Some(len) => step = len,
                        None => {
                            bad = Some(StrErr::Utf8(o32(i)));
                            check = false;
                        }
                    }
                }
                i = i.wrapping_add(step);
            }
            _ => return Err(at(i)), // a control byte, 0xFE or 0xFF
        }
    }
}

// ---------------------------------------------------------------------------------------
// Grammar errors.
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum GKind {
    Eoi,
    ExpectingValue,
    KeyNotString,
    MissingColon,
    SepDict,
    SepList,
    /// Invalid keyword; its end.
    Keyword(u32),
    Str(StrErr),
    DupKey,
}

/// The first grammar error: what, where to point, and when QEMU's parser raises it
/// (`event`: twice the offset of the token it is raised at, plus one when raised after
/// that token was consumed, as the duplicate check is).
#[derive(Clone, Copy, Debug)]
struct GErr {
    kind: GKind,
    offset: u32,
    event: u64,
}

/// An offset into a text no longer than `u32::MAX` (checked on entry).
#[allow(clippy::cast_possible_truncation)]
fn o32(x: usize) -> u32 {
    x as u32
}

fn event(tok_start: usize) -> u64 {
    (tok_start as u64).wrapping_shl(1)
}

/// Which limit of json-streamer.c was exceeded.
#[derive(Clone, Copy, Debug)]
enum Limit {
    Size,
    Count,
    Nesting,
}

/// A failure, kept small until it becomes an [`Error`] (a message buffer is 512 bytes).
#[derive(Clone, Copy, Debug)]
enum Fail {
    /// Lexical error: the stray text `start..end`, pointing at `at`.
    Stray {
        start: usize,
        end: usize,
        at: usize,
    },
    Limit(Limit, usize),
    Grammar(GErr),
    AtMostOne(usize),
    /// The text does not start with `{`.
    NoValue,
    /// Offsets are 32-bit (stage spans are too).
    TooLong,
}

impl Fail {
    /// Write the error QEMU reports (status, offset, message) into `err`.
    #[cold]
    #[inline(never)]
    fn write(self, text: &[u8], err: &mut Error) -> Failed {
        let span = |a: usize, b: usize| text.get(a..b).unwrap_or(&[]);
        // The message is up to four parts: QEMU's prefix or none, then text around a quote
        // of the input.
        let (at, parts): (usize, [&[u8]; 4]) = match self {
            Fail::Stray { start, end, at } => (at, [PREFIX, b"stray '", span(start, end), b"'"]),
            Fail::Limit(limit, at) => (
                at,
                [
                    match limit {
                        Limit::Size => b"JSON token size limit exceeded",
                        Limit::Count => b"JSON token count limit exceeded",
                        Limit::Nesting => b"JSON nesting depth limit exceeded",
                    },
                    b"",
                    b"",
                    b"",
                ],
            ),
            Fail::AtMostOne(at) => (at, [b"Expecting at most one JSON value", b"", b"", b""]),
            Fail::NoValue => (0, [b"Expecting a JSON value", b"", b"", b""]),
            Fail::TooLong => return err.fail(Status::Capacity, 0, "JSON text longer than 4 GiB"),
            Fail::Grammar(g) => {
                let o = g.offset as usize;
                let plain = |m: &'static [u8]| -> [&[u8]; 4] { [PREFIX, m, b"", b""] };
                let parts = match g.kind {
                    GKind::Eoi => plain(b"premature EOI"),
                    GKind::ExpectingValue => plain(b"expecting value"),
                    GKind::KeyNotString => plain(b"key is not a string in object"),
                    GKind::MissingColon => plain(b"missing : in object pair"),
                    GKind::SepDict => plain(b"expected separator in dict"),
                    GKind::SepList => plain(b"expected separator in list"),
                    GKind::Keyword(end) => {
                        [PREFIX, b"invalid keyword '", span(o, end as usize), b"'"]
                    }
                    GKind::Str(StrErr::Escape(_)) => plain(b"invalid escape sequence in string"),
                    GKind::Str(StrErr::Utf8(_)) => plain(b"invalid UTF-8 sequence in string"),
                    GKind::Str(StrErr::Unicode(_, end)) => [
                        PREFIX,
                        span(o, end as usize),
                        b" is not a valid Unicode character",
                        b"",
                    ],
                    GKind::DupKey => plain(b"duplicate key"),
                };
                (o, parts)
            }
        };
        let m = err.begin(Status::Syntax, at);
        for p in parts {
            m.push(p);
        }
        seal(err)
    }
}

fn seal(err: &mut Error) -> Failed {
    err.seal();
    Failed
}

// ---------------------------------------------------------------------------------------
// Keys: hashing and parameter lookup.
// ---------------------------------------------------------------------------------------

const FNV_BASIS: u32 = 0x811C_9DC5;
const FNV_PRIME: u32 = 0x0100_0193;

/// FNV-1a of the unescaped key.
fn key_hash(raw: &[u8], esc: bool) -> u32 {
    if esc {
        key_hash_escaped(raw)
    } else {
        raw.iter().fold(FNV_BASIS, |h, &b| fnv_step(h, b))
    }
}

fn fnv_step(h: u32, b: u8) -> u32 {
    (h ^ u32::from(b)).wrapping_mul(FNV_PRIME)
}

#[inline(never)]
fn key_hash_escaped(raw: &[u8]) -> u32 {
    Decoder::new(raw).fold(FNV_BASIS, fnv_step)
}

/// The slot a top-level key names (raw text; unescaped first when it holds escapes).
pub(crate) fn key_slot(raw: &[u8], esc: bool, known: u64) -> Option<usize> {
    if esc {
        key_slot_escaped(raw, known)
    } else {
        crate::stage::slot_of(raw, known)
    }
}

#[inline(never)]
fn key_slot_escaped(raw: &[u8], known: u64) -> Option<usize> {
    let mut buf = [0u8; 32];
    let mut n: usize = 0;
    for b in Decoder::new(raw) {
        *buf.get_mut(n)? = b;
        n = n.wrapping_add(1);
    }
    crate::stage::slot_of(buf.get(..n)?, known)
}

/// Whether a number token is an integer QEMU stores as int64 or uint64.
fn int_in_range(tok: &[u8]) -> bool {
    let (neg, digits) = match tok.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, tok),
    };
    if digits.len() < 19 {
        return true;
    }
    let mut v: u64 = 0;
    for &d in digits {
        let Some(n) = v
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d.wrapping_sub(b'0'))))
        else {
            return false;
        };
        v = n;
    }
    !neg || v <= 1 << 63
}

// ---------------------------------------------------------------------------------------
// The parser: streamer accounting, grammar, duplicate log, recording.
// ---------------------------------------------------------------------------------------

/// Grammar state: what the next token may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum G {
    /// Before the outer `{`.
    Start,
    /// After `{`: a key or `}`.
    ObjOpen,
    /// After `,` in an object: a key.
    ObjKey,
    /// After a key: `:`.
    Colon,
    /// After `:`: a value.
    ObjVal,
    /// After a member: `,` or `}`.
    ObjNext,
    /// After `[`: a value or `]`.
    ArrOpen,
    /// After `,` in an array: a value.
    ArrVal,
    /// After an element: `,` or `]`.
    ArrNext,
    /// The outer object is complete.
    Done,
    /// A grammar error was found; only lexing goes on.
    Off,
}

/// Where a value stands: as an object's key (only strings may), or anywhere else (the
/// top-level object's members are recorded, see [`Parser::record`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Key,
    Value,
}

const NONE: u16 = u16::MAX;

struct Parser<'t, 's> {
    text: &'t [u8],
    stage: &'s mut Stage,
    // Streamer (token bytes and count, open braces and brackets).
    tok_bytes: u32,
    ntok: u32,
    brace: i32,
    bracket: i32,
    // Grammar.
    state: G,
    depth: u16,
    /// Bit `d`: the container at level `d` is an object.
    kinds: [u64; MAX_NESTING / 64],
    /// Level of a container standing as a key (error when it closes), or NONE.
    key_ct: u16,
    /// Level of the object whose current key is a duplicate, or NONE.
    pending: u16,
    key_ct_off: u32,
    pending_off: u32,
    gerr: Option<GErr>,
    /// The decoding problem of the last string lexed.
    bad: Option<StrErr>,
    // Duplicate log: markers (hash 0, offset of `{`) and keys (hash | 1, offset of the quote).
    log: [(u32, u32); DUP_LOG],
    nlog: u8,
    /// Index of the current object's marker, or `u8::MAX`.
    marker: u8,
    deferred: bool,
    /// Parameters already met in the top-level object (duplicates found by bit).
    seen: u64,
    /// The slot the current member of the top-level object names, if any.
    param: Option<u8>,
}

/// What the pass left for [`parse`] to finish.
struct Outcome {
    /// End of the value (or of the input).
    end: usize,
    gerr: Option<GErr>,
    deferred: bool,
}

impl<'t, 's> Parser<'t, 's> {
    fn new(text: &'t [u8], stage: &'s mut Stage) -> Self {
        Parser {
            text,
            stage,
            tok_bytes: 0,
            ntok: 0,
            brace: 0,
            bracket: 0,
            state: G::Start,
            depth: 0,
            kinds: [0; MAX_NESTING / 64],
            key_ct: NONE,
            key_ct_off: 0,
            pending: NONE,
            pending_off: 0,
            gerr: None,
            bad: None,
            log: [(0, 0); DUP_LOG],
            nlog: 0,
            marker: u8::MAX,
            deferred: false,
            seen: 0,
            param: None,
        }
    }

    /// Lex, count and parse the first value; returns where it ended. `Err` is a lexical or
    /// limit error (they win over any grammar error); grammar errors stay in `gerr`.
    fn run(&mut self) -> Result<usize, Fail> {
        let text = self.text;
        let mut pos = 0;
        loop {
            pos = skip_blank(text, pos);
            let Some(&c) = text.get(pos) else {
                // The input ends inside the value: `finish` reports it.
                return Ok(text.len());
            };
            // Separators where the grammar expects them: no lexer needed.
            let next = match (self.state, c) {
                (G::Colon, b':') => Some(G::ObjVal),
                (G::ObjNext, b',') => Some(G::ObjKey),
                (G::ArrNext, b',') => Some(G::ArrVal),
                _ => None,
            };
            if let Some(state) = next {
                self.count(pos, 1)?;
                self.state = state;
                pos = pos.wrapping_add(1);
                continue;
            }
            let active = self.gerr.is_none();
            let t = match lex(text, pos, active, &mut self.bad) {
                Ok(t) => t,
                Err(e) => return Err(self.lex_error(pos, e)),
            };
            pos = t.end;
            match t.kind {
                Kind::LCurly | Kind::LSquare => {
                    if t.kind == Kind::LCurly {
                        self.brace = self.brace.wrapping_add(1);
                    } else {
                        self.bracket = self.bracket.wrapping_add(1);
                    }
                    self.count(t.start, 1)?;
                    if self.brace.saturating_add(self.bracket) > MAX_NESTING as i32 {
                        return Err(Fail::Limit(Limit::Nesting, t.start));
                    }
                }
                Kind::RCurly | Kind::RSquare => {
                    if t.kind == Kind::RCurly {
                        self.brace = self.brace.wrapping_sub(1);
                    } else {
                        self.bracket = self.bracket.wrapping_sub(1);
                    }
                    self.count(t.start, 1)?;
                    if active {
                        self.step(&t);
                    }
                    // json-streamer.c: the value is complete when both counts are back to
                    // zero, or one of them went negative.
                    if (self.brace <= 0 && self.bracket <= 0) || self.brace < 0 || self.bracket < 0
                    {
                        return Ok(pos);
                    }
                    continue;
                }
                _ => self.count(t.start, t.end.saturating_sub(t.start))?,
            }
            if active {
                self.step(&t);
            }
        }
    }

    fn finish(&mut self, end: usize) -> Outcome {
        if self.gerr.is_none() && self.state != G::Done {
            // The input ended inside the value. QEMU's flush: the parser gets the tokens
            // and runs out of them.
            self.fail(GKind::Eoi, end, event(end));
        }
        Outcome {
            end,
            gerr: self.gerr,
            deferred: self.deferred,
        }
    }

    /// The error for a lexical error in the token at `start`.
    fn lex_error(&self, start: usize, e: LexErr) -> Fail {
        // QEMU's lexer checks the size of the token it is building after each byte it
        // takes: more than 64 MiB of good bytes fail before the bad one is seen.
        if e.at.saturating_sub(start) > MAX_TOKEN_SIZE {
            return self.size_error(start);
        }
        let end = if e.eof { e.at } else { e.at.saturating_add(1) };
        Fail::Stray {
            start,
            end,
            at: e.at,
        }
    }

    fn size_error(&self, start: usize) -> Fail {
        let room = (MAX_TOKEN_SIZE - 1).saturating_sub(self.tok_bytes as usize);
        Fail::Limit(Limit::Size, start.saturating_add(room))
    }

    /// json-streamer.c: the size and count limits for a token of `len` bytes at `start`
    /// (checked in this order, before the nesting limit).
    fn count(&mut self, start: usize, len: usize) -> Result<(), Fail> {
        let bytes = (self.tok_bytes as usize).saturating_add(len);
        if bytes >= MAX_TOKEN_SIZE {
            return Err(self.size_error(start));
        }
        if self.ntok as usize >= MAX_TOKEN_COUNT {
            return Err(Fail::Limit(Limit::Count, start));
        }
        self.tok_bytes = o32(bytes);
        self.ntok = self.ntok.wrapping_add(1);
        Ok(())
    }

    fn fail(&mut self, kind: GKind, offset: usize, event: u64) {
        if self.gerr.is_none() {
            self.gerr = Some(GErr {
                kind,
                offset: o32(offset),
                event,
            });
        }
        self.state = G::Off;
    }

    fn fail_at(&mut self, kind: GKind, t: &Token) {
        self.fail(kind, t.start, event(t.start));
    }

    fn is_obj(&self, level: u16) -> bool {
        self.kinds
            .get(usize::from(level).wrapping_shr(6))
            .is_some_and(|w| w.wrapping_shr(u32::from(level)) & 1 == 1)
    }

    fn step(&mut self, t: &Token) {
        match self.state {
            G::Start => match t.kind {
                Kind::LCurly => self.open(t, true, Role::Value),
                _ => self.fail_at(GKind::ExpectingValue, t),
            },
            G::ObjOpen if t.kind == Kind::RCurly => self.close(t),
            G::ObjOpen | G::ObjKey => self.value(t, Role::Key),
            // The separators the grammar expects here never reach `step`: `run` takes them.
            G::Colon => self.fail_at(GKind::MissingColon, t),
            G::ObjVal => self.value(t, Role::Value),
            G::ObjNext if t.kind == Kind::RCurly => self.close(t),
            G::ObjNext => self.fail_at(GKind::SepDict, t),
            G::ArrOpen if t.kind == Kind::RSquare => self.close(t),
            G::ArrOpen | G::ArrVal => self.value(t, Role::Value),
            G::ArrNext if t.kind == Kind::RSquare => self.close(t),
            G::ArrNext => self.fail_at(GKind::SepList, t),
            G::Done | G::Off => {}
        }
    }

    /// QEMU's `parse_value` at token `t`, in a key, member or element position.
    fn value(&mut self, t: &Token, role: Role) {
        let tok = match t.kind {
            Kind::LCurly => return self.open(t, true, role),
            Kind::LSquare => return self.open(t, false, role),
            Kind::Str => {
                if let Some(e) = self.bad {
                    let offset = match e {
                        StrErr::Escape(o) | StrErr::Utf8(o) | StrErr::Unicode(o, _) => o,
                    };
                    return self.fail(GKind::Str(e), offset as usize, event(t.start));
                }
                if role == Role::Key {
                    return self.key(t);
                }
                let (a, b) = t.inner();
                self.record(Tok::JStr, Span::between(a, b));
                return self.value_done(t.start);
            }
            Kind::Word => return self.fail(GKind::Keyword(o32(t.end)), t.start, event(t.start)),
            Kind::Int => Tok::JInt,
            Kind::Float => Tok::JFloat,
            Kind::True => Tok::JTrue,
            Kind::False => Tok::JFalse,
            Kind::Null => Tok::JNull,
            Kind::RCurly | Kind::RSquare | Kind::Colon | Kind::Comma => {
                return self.fail_at(GKind::ExpectingValue, t);
            }
        };
        if role == Role::Key {
            return self.fail_at(GKind::KeyNotString, t);
        }
        self.record(tok, Span::between(t.start, t.end));
        self.value_done(t.start)
    }

    fn open(&mut self, t: &Token, obj: bool, role: Role) {
        let level = self.depth;
        let Some(word) = self.kinds.get_mut(usize::from(level).wrapping_shr(6)) else {
            // Deeper than the nesting limit allows: not reachable.
            return self.fail_at(GKind::ExpectingValue, t);
        };
        let bit = 1u64.wrapping_shl(u32::from(level)); // the shift is taken mod 64
        if obj {
            *word |= bit;
        } else {
            *word &= !bit;
        }
        match role {
            Role::Key => {
                self.key_ct = level;
                self.key_ct_off = o32(t.start);
            }
            Role::Value => {
                let tok = if obj { Tok::JObject } else { Tok::JArray };
                self.record(tok, Span::between(t.start, t.end));
            }
        }
        self.depth = level.wrapping_add(1);
        if obj {
            self.log_marker(t.start);
            self.state = G::ObjOpen;
        } else {
            self.state = G::ArrOpen;
        }
    }

    fn close(&mut self, t: &Token) {
        let level = self.depth.saturating_sub(1);
        self.depth = level;
        if self.is_obj(level) {
            self.log_pop();
        }
        if self.key_ct == level {
            return self.fail(
                GKind::KeyNotString,
                self.key_ct_off as usize,
                event(t.start),
            );
        }
        self.value_done(t.start);
    }

    /// A value whose last token starts at `last` is complete.
    fn value_done(&mut self, last: usize) {
        let Some(level) = self.depth.checked_sub(1) else {
            self.state = G::Done;
            return;
        };
        if self.is_obj(level) {
            if self.pending == level {
                return self.fail(GKind::DupKey, self.pending_off as usize, event(last) | 1);
            }
            self.state = G::ObjNext;
        } else {
            self.state = G::ArrNext;
        }
    }

    fn key(&mut self, t: &Token) {
        let text = self.text;
        let (a, b) = t.inner();
        let raw = text.get(a..b).unwrap_or(&[]);
        self.state = G::Colon;
        self.param = None;
        if self.depth == 1 {
            // A member of the top-level object: names the input may use (a stage slot)
            // are told apart by a bit mask; other keys, which can never equal one of
            // them, go to the log.
            if let Some(id) = key_slot(raw, t.esc, self.stage.known) {
                if self.deferred {
                    // The search after the pass finds duplicates.
                } else if let Some(bit) = 1u64.checked_shl(id as u32) {
                    if self.seen & bit != 0 {
                        self.pending = 0;
                        self.pending_off = o32(t.start);
                    }
                    self.seen |= bit;
                } else {
                    self.log_key(raw, t);
                }
                self.param = u8::try_from(id).ok();
                return;
            }
            if !self.stage.unknown.present() {
                self.stage.unknown = Raw::new(Tok::JStr, Span::between(a, b));
            }
        }
        self.log_key(raw, t);
    }

    /// Compare a key with the earlier keys of its object in the log, then add it.
    fn log_key(&mut self, raw: &[u8], t: &Token) {
        if self.deferred {
            return;
        }
        let text = self.text;
        let h = key_hash(raw, t.esc) | 1;
        let first = usize::from(self.marker.wrapping_add(1));
        let earlier = self.log.get(first..usize::from(self.nlog)).unwrap_or(&[]);
        if logged(text, earlier, h, raw) {
            self.pending = self.depth.saturating_sub(1);
            self.pending_off = o32(t.start);
        }
        self.log_push(t.start, h);
    }

    fn log_push(&mut self, off: usize, hash: u32) {
        match self.log.get_mut(usize::from(self.nlog)) {
            Some(slot) => {
                *slot = (o32(off), hash);
                self.nlog = self.nlog.wrapping_add(1);
            }
            None => self.deferred = true,
        }
    }

    fn log_marker(&mut self, off: usize) {
        if self.deferred {
            return;
        }
        let at = self.nlog;
        self.log_push(off, 0);
        if !self.deferred {
            self.marker = at;
        }
    }

    fn log_pop(&mut self) {
        if self.deferred {
            return;
        }
        self.nlog = self.marker.min(self.nlog);
        self.marker = self
            .log
            .get(..usize::from(self.nlog))
            .and_then(|l| l.iter().rposition(|&(_, h)| h == 0))
            .and_then(|i| u8::try_from(i).ok())
            .unwrap_or(u8::MAX);
    }

    /// Record a value (its first token is `span`, a container's its opening bracket) if it
    /// is a member of the top-level object, in the slot its key names; every other value
    /// (the top-level object itself, nested members, list elements) is left to the text.
    fn record(&mut self, tok: Tok, span: Span) {
        if self.depth != 1 {
            return;
        }
        let Some(id) = self.param else { return };
        let tok = if tok == Tok::JInt && !int_in_range(span.of(self.text)) {
            Tok::JFloat
        } else {
            tok
        };
        if let Some(slot) = self.stage.slot_mut(usize::from(id)) {
            *slot = Raw::new(tok, span);
        }
    }
}

/// Whether a logged key (offset of its quote, hash | 1) has hash `h` and unescapes to
/// the same bytes as the key whose raw text is `raw`.
fn logged(text: &[u8], keys: &[(u32, u32)], h: u32, raw: &[u8]) -> bool {
    keys.iter()
        .any(|&(o, hh)| hh == h && raw_eq(key_at(text, o as usize), raw))
}

/// The raw text of the key whose opening quote is at `start`.
fn key_at(text: &[u8], start: usize) -> &[u8] {
    text.get(start.wrapping_add(1)..skip_string(text, start).wrapping_sub(1))
        .unwrap_or(&[])
}

// ---------------------------------------------------------------------------------------
// Fallback duplicate search (only when the log overflowed).
// ---------------------------------------------------------------------------------------

/// The first duplicate key (in the order QEMU's parser would report it) of any object in
/// `text[..end]` raised before `limit`.
#[inline(never)]
fn find_dup(text: &[u8], end: usize, limit: u64) -> Option<GErr> {
    let t = text.get(..end).unwrap_or(text);
    let mut best = limit;
    let mut found = None;
    let mut pos = 0;
    // Every `{` outside a string is a token of the value (the text lexes).
    while let Some(&c) = t.get(pos) {
        if matches!(c, b'"' | b'\'') {
            pos = skip_string(t, pos);
            continue;
        }
        if c == b'{' {
            if event(pos) >= best {
                break;
            }
            if let Some((ev, key)) = object_dup(t, pos, best) {
                best = ev;
                found = Some(GErr {
                    kind: GKind::DupKey,
                    offset: o32(key),
                    event: ev,
                });
            }
        }
        pos = pos.wrapping_add(1);
    }
    found
}

/// First duplicate among the members of the object whose `{` is at `open`, raised before
/// `best`: (event, offset of the duplicate key). The text is read as far as it is
/// grammatical, which is as far as the events before `best` go.
fn object_dup(t: &[u8], open: usize, mut best: u64) -> Option<(u64, usize)> {
    let mut found = None;
    let mut resume = skip_blank(t, open.wrapping_add(1));
    // Each block is one scan of the rest of the object: a bounded number keeps the cost
    // linear. Members after the first DUP_BLOCKS_MAX * DUP_BLOCK of one object are compared
    // only with those (an object that long has more members than any valid config, so it
    // is rejected anyway, possibly with another of QEMU's messages).
    for _ in 0..DUP_BLOCKS_MAX {
        // The block's keys: (offset of the quote, hash), as in the log (which sets the
        // hash's low bit to tell keys from its object markers; a block has no markers).
        let mut block = [(0u32, 0u32); DUP_BLOCK];
        let mut n = 0;
        let mut next_block = None;
        let mut k = resume;
        // A key after `best` has a value after it too: the test of the value's event stops.
        while matches!(t.get(k), Some(b'"' | b'\'')) {
            let kend = skip_string(t, k);
            let colon = skip_blank(t, kend);
            if t.get(colon) != Some(&b':') {
                break;
            }
            let v = skip_blank(t, colon.wrapping_add(1));
            // The value's last token: a container's closing bracket, or the scalar.
            let Some(after) = skip_value(t, v) else { break };
            let last = if matches!(t.get(v), Some(b'{' | b'[')) {
                after.wrapping_sub(1)
            } else {
                v
            };
            let ev = event(last) | 1;
            if ev >= best {
                break;
            }
            let raw = t
                .get(k.wrapping_add(1)..kend.wrapping_sub(1))
                .unwrap_or(&[]);
            let h = key_hash(raw, raw.contains(&b'\\'));
            if logged(t, block.get(..n).unwrap_or(&[]), h, raw) {
                best = ev;
                found = Some((ev, k));
                break;
            }
            match block.get_mut(n) {
                Some(e) => {
                    *e = (o32(k), h);
                    n = n.wrapping_add(1);
                }
                None => {
                    if next_block.is_none() {
                        next_block = Some(k);
                    }
                }
            }
            k = skip_blank(t, after);
            if t.get(k) == Some(&b',') {
                k = skip_blank(t, k.wrapping_add(1));
            }
        }
        match next_block {
            Some(nb) => resume = nb,
            None => return found,
        }
    }
    found
}

// ---------------------------------------------------------------------------------------
// Reading text that lexes (validated, or before its first grammar error).
// ---------------------------------------------------------------------------------------

/// The first byte at or after `i` that is not whitespace.
pub(crate) fn skip_blank(t: &[u8], mut i: usize) -> usize {
    while t.get(i).is_some_and(|&c| is_ws(c)) {
        i = i.saturating_add(1);
    }
    i
}

/// End of the string starting with the quote at `i` (just past the closing quote).
pub(crate) fn skip_string(t: &[u8], i: usize) -> usize {
    let q = t.get(i).copied().unwrap_or(b'"');
    let mut j = i.saturating_add(1);
    loop {
        j = plain_run(t, j);
        let Some(&c) = t.get(j) else { return j };
        j = j.saturating_add(if c == b'\\' { 2 } else { 1 });
        if c == q {
            return j;
        }
    }
}

/// End of the value starting at `i`; `None` for a container that `t` does not close.
/// A scalar ends at whitespace or punctuation (what follows it directly is a grammar
/// error).
pub(crate) fn skip_value(t: &[u8], i: usize) -> Option<usize> {
    match t.get(i) {
        Some(b'"' | b'\'') => Some(skip_string(t, i)),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while let Some(&c) = t.get(j) {
                match c {
                    b'"' | b'\'' => {
                        j = skip_string(t, j);
                        continue;
                    }
                    b'{' | b'[' => depth = depth.saturating_add(1),
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return Some(j.saturating_add(1));
                        }
                    }
                    _ => {}
                }
                j = j.saturating_add(1);
            }
            None
        }
        _ => {
            let mut j = i;
            while t
                .get(j)
                .is_some_and(|&c| !is_ws(c) && !matches!(c, b',' | b']' | b'}' | b':'))
            {
                j = j.saturating_add(1);
            }
            Some(j)
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use crate::schema::{self, BITMAP_CAPACITY, BITMAP_NODE_CAPACITY, EXEC_COMMAND_CAPACITY};
    use crate::stage::Syntax;
    use std::format;
    use std::string::String;
    use std::vec::Vec;

    #[allow(clippy::result_large_err)]
    fn run(text: &[u8]) -> Result<Stage, Error> {
        let mut st = Stage::new(Syntax::Json);
        let mut err = Error::empty();
        match parse(text, &mut st, &mut err) {
            Ok(()) => Ok(st),
            Err(Failed) => Err(err),
        }
    }

    /// The error for `text` (message bytes, offset); also checks the status and that the
    /// search without the duplicate log gives the same answer.
    #[track_caller]
    fn err_bytes(text: &[u8]) -> (Vec<u8>, usize) {
        let e = match run(text) {
            Ok(_) => panic!("no error for {:?}", String::from_utf8_lossy(text)),
            Err(e) => e,
        };
        assert_eq!(e.status(), Status::Syntax);
        let mut st = Stage::new(Syntax::Json);
        let mut e2 = Error::empty();
        let _ = check(text, &mut st, true).unwrap_err().write(text, &mut e2);
        assert_eq!(
            (e2.message(), e2.offset),
            (e.message(), e.offset),
            "without the log"
        );
        (e.message().to_vec(), e.offset)
    }

    #[track_caller]
    fn err(text: &str) -> (String, usize) {
        let (m, o) = err_bytes(text.as_bytes());
        (String::from_utf8(m).unwrap(), o)
    }

    #[track_caller]
    fn msg(text: &str) -> String {
        err(text).0
    }

    #[track_caller]
    fn ok(text: &[u8]) -> Stage {
        let mut st = Stage::new(Syntax::Json);
        assert!(check(text, &mut st, true).is_ok(), "without the log");
        let mut st = Stage::new(Syntax::Json);
        assert!(
            first_pass(text, &mut st, true).unwrap().deferred,
            "the search ran"
        );
        match run(text) {
            Ok(st) => st,
            Err(e) => panic!("{:?}: {e}", String::from_utf8_lossy(text)),
        }
    }

    fn pe(reason: &str) -> String {
        format!("JSON parse error, {reason}")
    }

    fn stray(text: &[u8]) -> Vec<u8> {
        [b"JSON parse error, stray '".as_slice(), text, b"'"].concat()
    }

    fn decoded(raw: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        decode_str(raw, &mut |b| v.push(b));
        assert_eq!(decoded_len(raw), v.len());
        assert!(decoded_eq(raw, &v));
        v
    }

    fn id(name: &str) -> usize {
        schema::lookup(name.as_bytes()).unwrap()
    }

    /// The value recorded for parameter `name`: kind and text.
    fn param<'a>(st: &Stage, text: &'a [u8], name: &str) -> (Tok, &'a [u8]) {
        let r = st.params[id(name)];
        (r.tok(), r.span().of(text))
    }

    // --- whitespace ----------------------------------------------------------------------

    #[test]
    fn whitespace_is_space_tab_cr_lf_only() {
        let st = ok(b"{ \t\r\n\"a\"\t:\r\n1 \n}\t\r\n ");
        assert_eq!(st.unknown.span(), Span { off: 6, len: 1 });
        assert_eq!(err_bytes(b"{\x0c}"), (stray(b"\x0c"), 1));
        assert_eq!(err_bytes(b"{\x0b\"a\": 1}"), (stray(b"\x0b"), 1));
        // Only the first byte of a multi-byte character is shown.
        assert_eq!(err_bytes(b"{\"a\":\xc2\xa0 1}"), (stray(b"\xc2"), 5));
        assert_eq!(
            err_bytes(b"{\"a\": 1,\xe3\x80\x80\"b\": 2}"),
            (stray(b"\xe3"), 8)
        );
    }

    // --- strings -------------------------------------------------------------------------

    #[test]
    fn single_and_double_quotes() {
        let t = br#"{'multifd-channels': 4, "tls-creds": 'a"b', 'tls-hostname': "a'b"}"#;
        let st = ok(t);
        assert_eq!(param(&st, t, "multifd-channels"), (Tok::JInt, &b"4"[..]));
        assert_eq!(param(&st, t, "tls-creds"), (Tok::JStr, &b"a\"b"[..]));
        assert_eq!(param(&st, t, "tls-hostname"), (Tok::JStr, &b"a'b"[..]));
        // \' is an escape in both kinds of string.
        let t = br#"{"tls-creds": "a\'b", 'tls-authz': 'a\'b'}"#;
        let st = ok(t);
        assert_eq!(decoded(param(&st, t, "tls-creds").1), b"a'b");
        assert_eq!(decoded(param(&st, t, "tls-authz").1), b"a'b");
    }

    #[test]
    fn every_escape_decodes() {
        let raw = br#"\"\\\/\b\f\n\r\t\'\u0041\u00e9\u20AC\ud83d\ude00\uFFFD\u0000x"#;
        let t = [br#"{"tls-creds": ""#.as_slice(), raw, b"\"}"].concat();
        let st = ok(&t);
        assert_eq!(param(&st, &t, "tls-creds").1, raw);
        let want: &[u8] =
            b"\"\\/\x08\x0c\n\r\t'A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xef\xbf\xbd\xc0\x80x";
        assert_eq!(decoded(raw), want);
        assert!(!decoded_eq(raw, b"x"));
        assert!(decoded_eq(b"abc", b"abc") && !decoded_eq(b"abc", b"abd"));
        assert_eq!(decoded_len(b"plain"), 5);
    }

    #[test]
    fn raw_control_bytes_in_strings_are_stray() {
        for b in 1u8..0x20 {
            let t = [b"{\"a\": \"x".as_slice(), &[b], b"\"}"].concat();
            assert_eq!(err_bytes(&t), (stray(&[b'"', b'x', b]), 8), "byte {b:#x}");
        }
        for b in [0xFEu8, 0xFF] {
            let t = [b"{\"a\": \"x".as_slice(), &[b], b"\"}"].concat();
            assert_eq!(err_bytes(&t), (stray(&[b'"', b'x', b]), 8));
            let t = [b"{'a': 'x".as_slice(), &[b], b"'}"].concat();
            assert_eq!(err_bytes(&t), (stray(&[b'\'', b'x', b]), 8));
        }
        // After a backslash too.
        assert_eq!(err_bytes(b"{\"a\": \"x\\\x01\"}"), (stray(b"\"x\\\x01"), 9));
        // 0x7F is fine; so is % (no interpolation).
        let t = b"{\"tls-creds\": \"\x7f%d%s%%\"}";
        assert_eq!(param(&ok(t), t, "tls-creds").1, b"\x7f%d%s%%");
    }

    #[test]
    fn unterminated_strings() {
        assert_eq!(err_bytes(br#"{"a": "abc"#), (stray(br#""abc"#), 10));
        assert_eq!(err_bytes(br#"{"a": "x\"#), (stray(br#""x\"#), 9));
        assert_eq!(err_bytes(br#"{"a": 'x"}"#), (stray(br#"'x"}"#), 10));
        assert_eq!(err_bytes(br#"{"a"#), (stray(br#""a"#), 3));
    }

    #[test]
    fn invalid_escapes() {
        for e in [r"\x41", r"\a", r"\0", r"\e", r"\U0041", r"\ ", r"\é"] {
            let t = format!(r#"{{"a": "ab{e}"}}"#);
            assert_eq!(err(&t), (pe("invalid escape sequence in string"), 9), "{e}");
            let t = format!(r#"{{'a{e}': 1}}"#);
            assert_eq!(err(&t), (pe("invalid escape sequence in string"), 3), "{e}");
        }
    }

    // --- UTF-8 ---------------------------------------------------------------------------

    #[test]
    fn valid_utf8_and_c0_80() {
        for s in [
            &b"\xc3\xa9"[..],
            b"\xe2\x82\xac",
            b"\xf0\x9f\x98\x80",
            b"\xef\xbf\xbd",
            b"\xc0\x80",
            b"\xf4\x8f\xbf\xbd",
            b"\xee\x80\x80",
            b"\xed\x9f\xbf",
        ] {
            let t = [b"{\"tls-creds\": \"".as_slice(), s, b"\"}"].concat();
            let st = ok(&t);
            assert_eq!(decoded(param(&st, &t, "tls-creds").1), s);
        }
    }

    #[test]
    fn invalid_utf8_in_strings() {
        let bad: &[&[u8]] = &[
            b"\x80",
            b"\xbf",
            b"\xc3",
            b"\xe2\x82",
            b"\xf0\x9f\x98", // stray / truncated
            b"\xc0\x81",
            b"\xc1\xbf",
            b"\xe0\x80\x80",
            b"\xe0\x9f\xbf",
            b"\xf0\x80\x80\x80",
            b"\xf0\x8f\xbf\xbf", // overlong
            b"\xed\xa0\x80",
            b"\xed\xbf\xbf", // surrogates
            b"\xf4\x90\x80\x80",
            b"\xf5\x80\x80\x80",
            b"\xf8\x88\x80\x80\x80",
            b"\xfc\x84\x80\x80\x80\x80", // too big
            b"\xef\xbf\xbf",
            b"\xef\xbf\xbe",
            b"\xef\xb7\x90",
            b"\xef\xb7\xaf",
            b"\xf0\x9f\xbf\xbe",
            b"\xf4\x8f\xbf\xbf", // nonchars
            b"\xc3\x41",
            b"\xe2\x82\\n",
        ];
        for s in bad {
            let t = [b"{\"a\": \"ok".as_slice(), s, b"\"}"].concat();
            assert_eq!(
                err_bytes(&t),
                (pe("invalid UTF-8 sequence in string").into_bytes(), 9),
                "{s:x?}"
            );
        }
        // In a key, and at the first bad sequence.
        let t = b"{\"a\xc3\xa9\xff\": 1}";
        assert_eq!(err_bytes(t), (stray(b"\"a\xc3\xa9\xff"), 5)); // 0xFF is a lexical error
        let t = b"{\"a\xc3\xa9\x80\xc3\": 1}";
        assert_eq!(
            err_bytes(t),
            (pe("invalid UTF-8 sequence in string").into_bytes(), 5)
        );
    }

    #[test]
    fn bytes_above_ascii_outside_strings_are_stray() {
        assert_eq!(err_bytes(b"{\"a\": 1, \xc3\xa9: 2}"), (stray(b"\xc3"), 9));
        assert_eq!(err_bytes(b"{\"a\": \x80}"), (stray(b"\x80"), 6));
    }

    // --- \u escapes ----------------------------------------------------------------------

    #[test]
    fn unicode_escapes_that_fail() {
        let cases = [
            (r"\ud800", r"\ud800"),
            (r"\ud800x", r"\ud800"),
            (r"\ud800Xudc00", r"\ud800"),
            (r"\uD800\u0041", r"\uD800"),
            (r"\uD83D\u12", r"\uD83D"),
            (r"\udc00\ud800", r"\udc00"),
            (r"\uffff", r"\uffff"),
            (r"\ufffe", r"\ufffe"),
            (r"\ufdd0", r"\ufdd0"),
            (r"\uFDEF", r"\uFDEF"),
            (r"\uD83F\uDFFF", r"\uD83F\uDFFF"),
            (r"\uD83F\uDFFE", r"\uD83F\uDFFE"),
            (r"\uDBFF\uDFFF", r"\uDBFF\uDFFF"),
            (r"\u12g4", r"\u12g4"),
            (r"\u12", r#"\u12""#),
            (r"\u1", r#"\u1""#),
            (r"\u", r#"\u""#),
        ];
        for (esc, quoted) in cases {
            let t = format!(r#"{{"a": "xy{esc}"}}"#);
            assert_eq!(
                err(&t),
                (pe(&format!("{quoted} is not a valid Unicode character")), 9),
                "{esc}"
            );
        }
        // The quoted text stops at the end of the string token, whichever its quote.
        assert_eq!(
            msg(r"{'a': '\u1'}"),
            pe(r"\u1' is not a valid Unicode character")
        );
        assert_eq!(
            msg(r#"{"a": "\u12", "b": 1}"#),
            pe(r#"\u12" is not a valid Unicode character"#)
        );
    }

    #[test]
    fn unicode_escapes_that_decode() {
        assert_eq!(decoded(br"\ud83d\ude00"), "\u{1F600}".as_bytes());
        assert_eq!(decoded(br"\uDBFF\uDFFD"), "\u{10FFFD}".as_bytes());
        assert_eq!(
            decoded(br"\uD8C0\uDC00\uDBBF\uDFFD"),
            "\u{40000}\u{FFFFD}".as_bytes()
        );
        assert_eq!(
            decoded(br"\u0041\u00E9\u00e9\u07FF\u0800"),
            "A\u{e9}\u{e9}\u{7ff}\u{800}".as_bytes()
        );
        assert_eq!(decoded(br"\u0000"), b"\xc0\x80");
        // Each encoded length at its first and last code point.
        assert_eq!(
            decoded(br"\u0001\u007F\u0080\uFFFD\uD800\uDC00"),
            "\u{1}\u{7f}\u{80}\u{fffd}\u{10000}".as_bytes()
        );
        // A NUL in a key: QEMU's modified UTF-8, so the key is `multifd-channels\xC0\x80`.
        let t = br#"{"multifd-channels\u0000": 4}"#;
        let st = ok(t);
        assert_eq!(st.unknown.span().of(t), br"multifd-channels\u0000");
        assert_eq!(
            decoded(st.unknown.span().of(t)),
            b"multifd-channels\xc0\x80"
        );
        assert!(!st.params[id("multifd-channels")].present());
        // Raw C0 80 and \u0000 are the same key.
        assert_eq!(
            err_bytes(b"{\"a\\u0000\": 1, \"a\xc0\x80\": 2}"),
            (pe("duplicate key").into_bytes(), 15)
        );
    }

    // --- numbers -------------------------------------------------------------------------

    #[test]
    fn malformed_numbers() {
        let cases: &[(&str, &str, usize)] = &[
            (r#"{"a": +4}"#, "+", 6),
            (r#"{"a": 01}"#, "01", 7),
            (r#"{"a": 00}"#, "00", 7),
            (r#"{"a": -01}"#, "-01", 8),
            (r#"{"a": 1.}"#, "1.}", 8),
            (r#"{"a": 1e}"#, "1e}", 8),
            (r#"{"a": 1E+}"#, "1E+}", 9),
            (r#"{"a": 0.5e}"#, "0.5e}", 10),
            (r#"{"a": -}"#, "-}", 7),
            (r#"{"a": - 1}"#, "- ", 7),
            (r#"{"a": .5}"#, ".", 6),
            (r#"{"a": -a}"#, "-a", 7),
            (r#"{"a": 1.e5}"#, "1.e", 8),
            (r#"{"a": 1."#, "1.", 8),
            (r#"{"a": -"#, "-", 7),
            (r#"{"a": 1e"#, "1e", 8),
            (r#"{"a": 1e+"#, "1e+", 9),
        ];
        for &(t, s, off) in cases {
            assert_eq!(err(t), (pe(&format!("stray '{s}'")), off), "{t}");
        }
    }

    #[test]
    fn numbers_followed_by_words() {
        assert_eq!(err(r#"{"a": 0x10}"#), (pe("expected separator in dict"), 7));
        assert_eq!(
            err(r#"{"a": true1}"#),
            (pe("expected separator in dict"), 10)
        );
        assert_eq!(err(r#"{"a": 0e5}"#), (pe("expected separator in dict"), 7));
        assert_eq!(err(r#"{"a": -0e5}"#), (pe("expected separator in dict"), 8));
        // `E` is no word byte: a lexical error.
        assert_eq!(err(r#"{"a": -0E5}"#), (pe("stray 'E'"), 8));
    }

    #[test]
    fn integers_and_floats() {
        let cases: &[(&str, Tok)] = &[
            ("0", Tok::JInt),
            ("-0", Tok::JInt),
            ("4", Tok::JInt),
            ("-1", Tok::JInt),
            ("9223372036854775807", Tok::JInt),
            ("18446744073709551615", Tok::JInt),
            ("-9223372036854775808", Tok::JInt),
            ("18446744073709551616", Tok::JFloat),
            ("-9223372036854775809", Tok::JFloat),
            ("99999999999999999999999999", Tok::JFloat),
            ("-18446744073709551615", Tok::JFloat),
            ("1E2", Tok::JFloat),
            ("1e2", Tok::JFloat),
            ("1e+5", Tok::JFloat),
            ("1e-5", Tok::JFloat),
            ("0.0", Tok::JFloat),
            ("-0.0", Tok::JFloat),
            ("4.0", Tok::JFloat),
            ("1e400", Tok::JFloat),
            ("-1e400", Tok::JFloat),
        ];
        for &(n, tok) in cases {
            let t = format!(r#"{{"max-bandwidth": {n}}}"#);
            let st = ok(t.as_bytes());
            assert_eq!(
                param(&st, t.as_bytes(), "max-bandwidth"),
                (tok, n.as_bytes()),
                "{n}"
            );
        }
    }

    // --- keywords ------------------------------------------------------------------------

    #[test]
    fn keywords() {
        let t = br#"{"local": true, "direct-io": false, "tls-creds": null}"#;
        let st = ok(t);
        assert_eq!(param(&st, t, "local"), (Tok::JTrue, &b"true"[..]));
        assert_eq!(param(&st, t, "direct-io"), (Tok::JFalse, &b"false"[..]));
        assert_eq!(param(&st, t, "tls-creds"), (Tok::JNull, &b"null"[..]));
        for w in ["tru", "truex", "nan", "undefined", "nul", "falsey"] {
            assert_eq!(
                err(&format!(r#"{{"a": {w}}}"#)),
                (pe(&format!("invalid keyword '{w}'")), 6)
            );
        }
        assert_eq!(err("{a: 1}"), (pe("invalid keyword 'a'"), 1));
        assert_eq!(err(r#"{"a": True}"#), (pe("stray 'T'"), 6));
        assert_eq!(err(r#"{"a": tRue}"#), (pe("stray 'R'"), 7));
        assert_eq!(err(r#"{"a": NaN}"#), (pe("stray 'N'"), 6));
        assert_eq!(err(r#"{"a": Infinity}"#), (pe("stray 'I'"), 6));
        assert_eq!(err("{multifd-channels=4}"), (pe("stray '-c'"), 9));
    }

    #[test]
    fn long_invalid_keyword_is_cut() {
        let w = "a".repeat(2000);
        let (m, off) = err(&format!(r#"{{"x": {w}}}"#));
        assert_eq!(off, 6);
        assert_eq!(m.len(), ERROR_MAX_TEST - 1);
        assert!(m.starts_with("JSON parse error, invalid keyword 'aaa") && m.ends_with("a..."));
    }

    const ERROR_MAX_TEST: usize = crate::error::ERROR_MAX;

    // --- duplicate keys ------------------------------------------------------------------

    #[test]
    fn duplicate_keys() {
        let dup = pe("duplicate key");
        assert_eq!(err(r#"{"a": 1, "a": 2}"#), (dup.clone(), 9));
        assert_eq!(
            err(r#"{"mode": "normal", "mode": "cpr-exec"}"#),
            (dup.clone(), 19)
        );
        assert_eq!(
            err(r#"{'direct-io': true, "direct-io": true}"#),
            (dup.clone(), 20)
        );
        assert_eq!(err(r#"{"a": 1, "\u0061": 2}"#), (dup.clone(), 9));
        assert_eq!(
            err(r#"{"multifd-channels": 1, "multifd\u002dchannels": 2}"#),
            (dup.clone(), 24)
        );
        assert_eq!(err(r#"{"x": 1, "y": 2, "x": 3}"#), (dup.clone(), 17));
        assert_eq!(err(r#"{"": 1, '': 2}"#), (dup.clone(), 8));
        assert_eq!(err(r#"{"mode": 1, "mo\u0064e": 2}"#), (dup.clone(), 12));
        assert_eq!(err(r#"{"x\u0000": 1, "x\u0000": 2}"#), (dup.clone(), 15));
        assert_eq!(err(r#"{"x\u00e9": 1, "x\u00E9": 2}"#), (dup.clone(), 15));
        ok(br#"{"x\u00e9": 1, "x\u00e8": 2, "mode": 1, "local": 2}"#);
        // A key whose FNV-1a hash is 1 is no object marker in the log (markers hash to 0):
        // its duplicate after a nested object is still found.
        assert_eq!(
            err(r#"{"a": {"aeto96": 1, "b": {"c": 1}, "aeto96": 2}}"#),
            (dup.clone(), 35)
        );
        // Keys whose hashes collide (FNV-1a) are still told apart, byte by byte.
        ok(br#"{"glbvs": 1, "yacxa": 2}"#);
        ok(br#"{"x": {"glbvs": 1, "yacxa": 2}}"#);
        assert_eq!(
            err(r#"{"glbvs": 1, "yacxa": 2, "glbvs": 3}"#),
            (dup.clone(), 25)
        );
        // In nested objects, at any depth; not across objects.
        assert_eq!(err(r#"{"a": {"b": 1, "b": 2}}"#), (dup.clone(), 15));
        assert_eq!(
            err(r#"{"a": [{"b": 1}, {"b": 1, "b": 2}]}"#),
            (dup.clone(), 26)
        );
        ok(br#"{"a": {"b": 1}, "b": {"b": 1, "a": {"a": [{"a": 1}, {"a": 2}]}}}"#);
        // Checked after the value: an error inside the value comes first.
        assert_eq!(
            err(r#"{"a": 1, "a": tru}"#),
            (pe("invalid keyword 'tru'"), 14)
        );
        assert_eq!(err(r#"{"a": 1, "a": {"b": 1, "b": 2}}"#), (dup.clone(), 23));
        assert_eq!(
            err(r#"{"a": 1, "a": [1 2]}"#),
            (pe("expected separator in list"), 17)
        );
        // ... but before what follows.
        assert_eq!(err(r#"{"a": 1, "a": 2, "b" 3}"#), (dup.clone(), 9));
        assert_eq!(err(r#"{"a":1,"a":2"#), (dup.clone(), 7));
        assert_eq!(
            err(r#"{"a" 1, "a": 2}"#),
            (pe("missing : in object pair"), 5)
        );
        // In an object standing as a key.
        assert_eq!(err(r#"{{"a":1,"a":2}: 3}"#), (dup.clone(), 8));
    }

    #[test]
    fn duplicates_beyond_the_log() {
        // 40 distinct keys, then the first again: the log overflows, the search finds it.
        let mut t = String::from("{");
        for i in 0..40 {
            t.push_str(&format!(r#""k{i}": {i}, "#));
        }
        let at = t.len();
        t.push_str(r#""k0": 0}"#);
        assert_eq!(err(&t), (pe("duplicate key"), at));
        // Known parameters, all 32, then one again.
        let mut t = String::from("{");
        for d in schema::PARAMS.iter() {
            t.push_str(&format!(r#""{}": null, "#, d.name));
        }
        let at = t.len();
        t.push_str(r#""mode": 1}"#);
        assert_eq!(err(&t), (pe("duplicate key"), at));
        t.truncate(at.saturating_sub(2));
        t.push('}');
        ok(t.as_bytes());
        // Deep objects with a key at every level; a duplicate back at level 2.
        let mut t = String::new();
        for i in 0..50 {
            t.push_str(&format!(r#"{{"k{}": "#, i % 3));
        }
        t.push('1');
        for _ in 0..47 {
            t.push('}');
        }
        let at = t.len() + 2;
        t.push_str(r#", "k2": 2}}}"#);
        assert_eq!(err(&t), (pe("duplicate key"), at));
        // Many keys, and the first duplicate in reading order is the one reported.
        let mut t = String::from("{");
        for i in 0..200 {
            t.push_str(&format!(
                r#""k{}": {{"x{}": 1, "x{}": 2}}, "#,
                i,
                i % 7,
                (i % 7) + 100
            ));
        }
        let at1 = t.len();
        t.push_str(r#""k150": {"y": 1, "#);
        let at2 = t.len();
        t.push_str(r#""y": 2}}"#);
        assert_eq!(err(&t), (pe("duplicate key"), at2));
        assert!(at1 < at2);
        // The search takes DUP_BLOCKS_MAX blocks of DUP_BLOCK keys: a duplicate among the
        // last block's keys is found (QEMU's answer); past them the object is refused for
        // its unexpected keys instead (QEMU names the duplicate).
        let keys = |n: usize, again: usize| {
            let mut t = String::from("{");
            for i in 0..n {
                t.push_str(&format!(r#""k{i}": {i}, "#));
            }
            let at = t.len();
            t.push_str(&format!(r#""k{again}": 0}}"#));
            (t, at)
        };
        let last = DUP_BLOCKS_MAX * DUP_BLOCK;
        let (t, at) = keys(last - 1, last - 28);
        assert_eq!(err(&t), (pe("duplicate key"), at));
        let (t, _) = keys(last + 3, last + 1);
        ok(t.as_bytes());
    }

    #[test]
    fn keys_must_be_strings() {
        let e = pe("key is not a string in object");
        for k in [
            "1",
            "-1.5",
            "true",
            "false",
            "null",
            "[]",
            "{}",
            "[1, [2]]",
            r#"{"a": 1}"#,
        ] {
            assert_eq!(err(&format!("{{{k}: 1}}")), (e.clone(), 1), "{k}");
            assert_eq!(
                err(&format!(r#"{{"a": 1, {k}: 1}}"#)),
                (e.clone(), 9),
                "{k}"
            );
        }
        // An error inside the key comes first.
        assert_eq!(err(r#"{{"a" 1}: 3}"#).0, pe("missing : in object pair"));
        assert_eq!(err(r#"{tru: 1}"#).0, pe("invalid keyword 'tru'"));
        assert_eq!(err(r#"{[1 2]: 1}"#).0, pe("expected separator in list"));
        assert_eq!(err(r#"{: 1}"#), (pe("expecting value"), 1));
    }

    // --- grammar -------------------------------------------------------------------------

    #[test]
    fn trailing_and_missing() {
        let ev = pe("expecting value");
        assert_eq!(err(r#"{"a": 1,}"#), (ev.clone(), 8));
        assert_eq!(err(r#"{"a": ["a",]}"#), (ev.clone(), 11));
        assert_eq!(err(r#"{"a": [,"a"]}"#), (ev.clone(), 7));
        assert_eq!(err("{,}"), (ev.clone(), 1));
        assert_eq!(err(r#"{"a": }"#), (ev.clone(), 6));
        assert_eq!(err(r#"{"a":: 1}"#), (ev.clone(), 5));
        assert_eq!(err(r#"{"a": 1,, "b": 2}"#), (ev.clone(), 8));
        assert_eq!(err(r#"{"a": [}"#), (ev.clone(), 7));
        assert_eq!(err(r#"{"a": ]}"#), (ev.clone(), 6));
        assert_eq!(err(r#"{"a": ] @"#), (ev.clone(), 6));
        assert_eq!(err(r#"{"a": [}] , "b": @}"#), (ev.clone(), 7));
        assert_eq!(err(r#"{"a" 1}"#), (pe("missing : in object pair"), 5));
        assert_eq!(err(r#"{"a" "b"}"#), (pe("missing : in object pair"), 5));
        assert_eq!(
            err(r#"{"a": "x" "b"}"#),
            (pe("expected separator in dict"), 10)
        );
        assert_eq!(err(r#"{"a": 1]"#), (pe("expected separator in dict"), 7));
        assert_eq!(
            err(r#"{"a": {"b": 1]}"#),
            (pe("expected separator in dict"), 13)
        );
        assert_eq!(
            err(r#"{"a": [1 2]}"#),
            (pe("expected separator in list"), 9)
        );
        assert_eq!(
            err(r#"{"a": [1, 2}"#),
            (pe("expected separator in list"), 11)
        );
    }

    #[test]
    fn premature_eoi() {
        let eoi = pe("premature EOI");
        for t in [
            "{",
            r#"{"a": 1"#,
            r#"{"a""#,
            r#"{"a":"#,
            r#"{"a": [1, 2"#,
            r#"{"a": {"b": 1}"#,
            "{ \t",
            r#"{"a": ["#,
        ] {
            assert_eq!(err(t), (eoi.clone(), t.len()), "{t}");
        }
        // A word at the end is still a token: its error comes first.
        assert_eq!(err(r#"{"a": tru"#), (pe("invalid keyword 'tru'"), 6));
    }

    #[test]
    fn at_most_one_value() {
        let one = "Expecting at most one JSON value";
        for (t, off) in [
            (r#"{"a": 1} {}"#, 9),
            (r#"{"a": 1} @"#, 9),
            (r#"{"a": 1}}"#, 8),
            (r#"{"a": 1}]"#, 8),
            (r#"{"a": 1} x"#, 9),
            (r#"{"a": 1}  "a"#, 10),
            (r#"{"a": 1} 1."#, 9),
            ("{\"a\": 1}\x0c", 8),
            (r#"{} {"#, 3),
        ] {
            assert_eq!(err(t), (String::from(one), off), "{t}");
        }
        ok(b"{\"a\": 1}\t \r\n");
        ok(b"{}");
        // Errors in the first value come first.
        assert_eq!(err(r#"{"a" 1} {}"#).0, pe("missing : in object pair"));
    }

    #[test]
    fn lexical_errors_beat_earlier_grammar_errors() {
        assert_eq!(err(r#"{"a" 1, "b": @}"#), (pe("stray '@'"), 13));
        assert_eq!(err(r#"{"a": "\x", "b": @}"#), (pe("stray '@'"), 17));
        assert_eq!(
            err(r#"{"a" 1, "b": [1, 2, 3, 01]}"#),
            (pe("stray '01'"), 24)
        );
        assert_eq!(
            err(r#"{"a": 1, "a": 2, "b": 3, "c": "x"#),
            (pe(r#"stray '"x'"#), 32)
        );
        // Grammar errors keep reading order, string decoding included.
        assert_eq!(
            err(r#"{"a\x": 1 "b": 2}"#),
            (pe("invalid escape sequence in string"), 3)
        );
        assert_eq!(
            err(r#"{"a" 1, "b\x": 2}"#),
            (pe("missing : in object pair"), 5)
        );
        // A lexical error after the value is only one more value.
        assert_eq!(err(r#"{"a": 1} @"#).0, "Expecting at most one JSON value");
        // The value is not over while a bracket is still open, even with the braces back
        // to zero: what follows is still lexed (QEMU's answers).
        assert_eq!(err(r#"{"a": [} @"#), (pe("stray '@'"), 9));
        assert_eq!(err(r#"{"a": [} 1"#), (pe("expecting value"), 7));
        // The first byte decides the syntax; nothing else is JSON here.
        assert_eq!(err(""), (String::from("Expecting a JSON value"), 0));
        assert_eq!(
            err(r#" {"a": 1}"#),
            (String::from("Expecting a JSON value"), 0)
        );
    }

    // --- limits --------------------------------------------------------------------------

    #[test]
    fn nesting_limit() {
        let open = |n: usize| format!(r#"{{"a": {}"#, "[".repeat(n));
        let closed = |n: usize| format!("{}{}}}", open(n), "]".repeat(n));
        ok(closed(1023).as_bytes());
        assert_eq!(
            err(&closed(1024)),
            (String::from("JSON nesting depth limit exceeded"), 6 + 1023)
        );
        assert_eq!(err(&open(1023)).0, pe("premature EOI"));
        assert_eq!(
            err(&format!(r#"{{"a" 1, {}"#, "[".repeat(1100))).0,
            "JSON nesting depth limit exceeded"
        );
        // Objects count the same.
        let mut t = String::new();
        for _ in 0..1024 {
            t.push_str(r#"{"a":"#);
        }
        t.push('1');
        t.push_str(&"}".repeat(1024));
        ok(t.as_bytes());
        let t = format!(r#"{{"a":{t}}}"#);
        assert_eq!(
            err(&t),
            (String::from("JSON nesting depth limit exceeded"), 1024 * 5)
        );
    }

    #[test]
    fn token_count_limit() {
        // {"a":[0,...,0],"b":[]} has 2n + 10 tokens; {"a":[0,...,0],"b":1} has 2n + 9.
        let list = |n: usize| {
            let mut s = String::with_capacity(2 * n);
            for i in 0..n {
                s.push_str(if i == 0 { "0" } else { ",0" });
            }
            s
        };
        let n = (MAX_TOKEN_COUNT - 10) / 2;
        ok(format!(r#"{{"a":[{}],"b":[]}}"#, list(n)).as_bytes());
        let t = format!(r#"{{"a":[{}],"b":1}}"#, list(n + 1));
        assert_eq!(
            err(&t),
            (String::from("JSON token count limit exceeded"), t.len() - 1)
        );
        // It beats a grammar error before it.
        let t = format!(r#"{{"a" 1, "b":[{}]}}"#, list(n + 10));
        assert_eq!(err(&t).0, "JSON token count limit exceeded");
    }

    #[test]
    fn token_size_limit() {
        let size = "JSON token size limit exceeded";
        // {"tls-creds":"<x…>"}: 67 108 847 x pass, one more fails (at the closing brace).
        let body = |n: usize| format!(r#"{{"tls-creds":"{}"}}"#, "x".repeat(n));
        let t = body(67_108_847);
        let st = ok(t.as_bytes());
        assert_eq!(st.params[id("tls-creds")].span().len, 67_108_847);
        let t = body(67_108_848);
        assert_eq!(err(&t), (String::from(size), t.len() - 1));
        // An unterminated string past 64 MiB fails the same way, not as stray text,
        // and so does one with a lexical error beyond the limit.
        let long = "x".repeat(MAX_TOKEN_SIZE + 10);
        let t = format!(r#"{{"a": "{long}"#);
        assert_eq!(err(&t).0, size);
        let t = format!("{{\"a\": \"{long}\u{1}\"}}");
        assert_eq!(err(&t).0, size);
        // Below the limit the lexical error wins; exactly at it too (QEMU's answers: the
        // token holds 64 MiB of good bytes, quote included, then the bad one).
        for good in [MAX_TOKEN_SIZE - 100, MAX_TOKEN_SIZE] {
            let t = format!("{{\"a\": \"{}\u{1}\"}}", "x".repeat(good - 1));
            assert!(err(&t).0.starts_with("JSON parse error, stray '\"xxx"));
        }
        let t = format!("{{\"a\": \"{}\u{1}\"}}", "x".repeat(MAX_TOKEN_SIZE));
        assert_eq!(err(&t).0, size);
    }

    // --- recording -----------------------------------------------------------------------

    #[test]
    fn records_top_level_members() {
        let t = br#"{"multifd-channels": 4, "max-bandwidth": 1073741824, "mode": "cpr-transfer", "downtime-limit": 300, "multifd-compression": "zstd", "multifd-zstd-level": 3, "tls-creds": "tls0", "cpu-throttle-initial": 20, "xbzrle-cache-size": 67108864, "zero-page-detection": "multifd"}"#;
        let st = ok(t);
        assert_eq!(param(&st, t, "multifd-channels"), (Tok::JInt, &b"4"[..]));
        assert_eq!(
            param(&st, t, "max-bandwidth"),
            (Tok::JInt, &b"1073741824"[..])
        );
        assert_eq!(param(&st, t, "mode"), (Tok::JStr, &b"cpr-transfer"[..]));
        assert_eq!(
            param(&st, t, "zero-page-detection"),
            (Tok::JStr, &b"multifd"[..])
        );
        assert_eq!(st.params.iter().filter(|r| r.present()).count(), 10);
        assert!(!st.unknown.present());
        assert_eq!(st.params[id("mode")].span().off, 62);
        // Arrays and objects: the bracket.
        let t = br#"{"mode": [1, {"x": 2}], "local": {"a": [3]}, "x-vcpu-dirty-limit-period": {}}"#;
        let st = ok(t);
        assert_eq!(param(&st, t, "mode"), (Tok::JArray, &b"["[..]));
        assert_eq!(param(&st, t, "local"), (Tok::JObject, &b"{"[..]));
        assert_eq!(st.params[id("local")].span().off, 33);
        assert_eq!(st.params.iter().filter(|r| r.present()).count(), 3);
        // Escaped keys name parameters; the value keeps its raw text.
        let t = br#"{"mo\u0064e": "cpr\u002dexec"}"#;
        assert_eq!(
            param(&ok(t), t, "mode"),
            (Tok::JStr, &br"cpr\u002dexec"[..])
        );
    }

    #[test]
    fn records_first_unknown_key() {
        let t = br#"{"x\"y": {"mode": 1}, "mode": "normal", "y": 2, "multifd-channels.x": 3}"#;
        let st = ok(t);
        assert_eq!(st.unknown.tok(), Tok::JStr);
        assert_eq!(st.unknown.span().of(t), br#"x\"y"#);
        assert_eq!(param(&st, t, "mode"), (Tok::JStr, &b"normal"[..]));
        assert_eq!(st.params.iter().filter(|r| r.present()).count(), 1);
        let t = br#"{"": 1}"#;
        assert_eq!(ok(t).unknown.span(), Span { off: 2, len: 0 });
        // A key that is a container records nothing (and fails anyway).
        assert!(run(br#"{{"mode": 1}: 2}"#).is_err());
    }

    #[test]
    fn records_cpr_exec_command() {
        let t = br#"{"mode": "cpr-exec", "cpr-exec-command": ["qemu", 1, {"y": ["z"]}, null]}"#;
        let st = ok(t);
        let cpr = schema::CPR_EXEC_COMMAND;
        assert_eq!(param(&st, t, "cpr-exec-command"), (Tok::JArray, &b"["[..]));
        assert_eq!(st.params[cpr].span().off, 41);
        assert_eq!((st.over_exec, st.over_bbm), (None, None));
        // Not an array: only the parameter.
        let st = ok(br#"{"cpr-exec-command": "qemu"}"#);
        assert_eq!(st.params[cpr].tok(), Tok::JStr);
        // Beyond the capacity: the first element beyond it is noted.
        let mut t = String::from(r#"{"cpr-exec-command": ["#);
        let mut at = 0;
        for i in 0..70 {
            if i == EXEC_COMMAND_CAPACITY {
                at = t.len();
            }
            t.push_str(&format!(r#"["a{i}"], "#));
        }
        t.push_str(r#""z"]}"#);
        let st = ok(t.as_bytes());
        assert_eq!((st.over_exec, st.over_bbm), (Some(at as u32), None));
        // Exactly at the capacity: nothing noted.
        let mut t = String::from(r#"{"cpr-exec-command": ["#);
        for i in 0..EXEC_COMMAND_CAPACITY {
            t.push_str(if i == 0 { "\"a\"" } else { ", \"a\"" });
        }
        t.push_str("]}");
        let st = ok(t.as_bytes());
        assert_eq!((st.over_exec, st.over_bbm), (None, None));
    }

    #[test]
    fn records_block_bitmap_mapping() {
        let t = br#"{"block-bitmap-mapping": [{"node-name": "n0", "alias": "a0", "bitmaps": [{"name": "b0", "alias": "x", "transform": {"persistent": true}}, "oops"]}, 5, {"node-name": "n2", "foo": 1, "bitmaps": [{"name": "c", "bar": 2, "transform": {"persistent": false, "baz": 3}}, {"transform": 7}]}]}"#;
        let st = ok(t);
        assert_eq!(
            param(&st, t, "block-bitmap-mapping"),
            (Tok::JArray, &b"["[..])
        );
        assert_eq!((st.over_exec, st.over_bbm), (None, None));
        // Not a mapping: nothing is looked into, here or in another member's array of
        // objects; the parse fails on the type, as QEMU's does.
        let t = br#"{"block-bitmap-mapping": {"x": [{"y": 1}]}, "z": [{"node-name": 1, "q": 2}]}"#;
        let st = ok(t);
        assert_eq!(
            param(&st, t, "block-bitmap-mapping"),
            (Tok::JObject, &b"{"[..])
        );
        assert_eq!((st.over_exec, st.over_bbm), (None, None));
        let e = crate::Params::new().parse(t).unwrap_err();
        assert_eq!(
            (e.status(), e.message(), e.offset),
            (
                Status::Value,
                &b"Invalid parameter type for 'block-bitmap-mapping', expected: array"[..],
                25
            )
        );
    }

    /// Unknown members of the mapping's structs are found by the visit, which reads them
    /// again from the text: QEMU's message, at the key's opening quote.
    #[test]
    fn block_bitmap_mapping_unknown_members() {
        let cases: &[(&str, &str, &str)] = &[
            // The one QEMU's visit meets first: transform before bitmap before node.
            (
                r#"[{"node-name": "n0", "alias": "a0", "bitmaps": [{"name": "b0", "alias": "x", "transform": {"persistent": true}}]}, {"node-name": "n2", "alias": "a2", "foo": 1, "bitmaps": [{"name": "c", "alias": "y", "bar": 2, "transform": {"persistent": false, "baz": 3}}]}]"#,
                r#""baz""#,
                "[1].bitmaps[0].transform.baz",
            ),
            (
                r#"[{"node-name": "n", "alias": "a", "bitmaps": [], "x": 1}]"#,
                r#""x""#,
                "[0].x",
            ),
            (
                r#"[{"node-name": "n", "alias": "a", "bitmaps": []}, {"node-name": "m", "alias": "b", "bitmaps": [{"name": "b", "alias": "c"}, {"name": "b", "alias": "d", "y": 1}]}]"#,
                r#""y""#,
                "[1].bitmaps[1].y",
            ),
            (
                r#"[{"node-name": "n", "alias": "a", "bitmaps": [{"name": "b", "alias": "c", "transform": {"persistent": true, "z": 1}}]}]"#,
                r#""z""#,
                "[0].bitmaps[0].transform.z",
            ),
            // Members are compared after unescaping.
            (
                r#"[{"node\u002dname": "n", "alias": "a", "bitmaps": [], "\u0078": 1}]"#,
                r#""\u0078""#,
                "[0].x",
            ),
            // Several: the one QEMU's hash table lists first.
            (
                r#"[{"node-name": "n", "alias": "a", "bitmaps": [], "q": 1, "b": 2, "x": 3, "zz": 4}]"#,
                r#""b""#,
                "[0].b",
            ),
        ];
        for &(list, key, path) in cases {
            let t = format!(r#"{{"block-bitmap-mapping": {list}}}"#);
            let e = crate::Params::new().parse(t.as_bytes()).unwrap_err();
            assert_eq!(e.status(), Status::Unexpected, "{list}");
            assert_eq!(
                (String::from_utf8(e.message().to_vec()).unwrap(), e.offset),
                (
                    format!("Parameter 'block-bitmap-mapping{path}' is unexpected"),
                    t.find(key).unwrap()
                ),
                "{list}"
            );
        }
        let t = br#"{"block-bitmap-mapping": [{"node-name": "n", "alias": "a", "bitmaps": [{"name": "b", "alias": "c", "transform": {"persistent": true}}]}]}"#;
        assert!(crate::Params::new().parse(t).is_ok());
    }

    #[test]
    fn block_bitmap_mapping_capacities() {
        // Nodes beyond the capacity: the first is noted, and not looked into.
        let mut t = String::from(r#"{"block-bitmap-mapping": ["#);
        let mut at = 0;
        for i in 0..10 {
            if i == BITMAP_NODE_CAPACITY {
                at = t.len();
            }
            t.push_str(&format!(
                r#"{{"node-name": "n{i}", "alias": "a{i}", "bitmaps": [{{"name": "b", "alias": "c"}}]}}, "#
            ));
        }
        t.push_str(r#"{"extra": 1}]}"#);
        let st = ok(t.as_bytes());
        assert_eq!((st.over_exec, st.over_bbm), (None, Some(at as u32)));
        // The visit does not look into them either: no node past the capacity is missing a
        // member or has an unknown one.
        let e = crate::Params::new().parse(t.as_bytes()).unwrap_err();
        assert_eq!(
            (e.status(), e.message(), e.offset),
            (
                Status::Capacity,
                &b"Parameter 'block-bitmap-mapping' has more nodes or bitmaps than migcfg holds (8 nodes, 32 bitmaps)"[..],
                at
            )
        );
        // Bitmaps beyond the capacity shared by all nodes.
        let mut t = String::from(r#"{"block-bitmap-mapping": ["#);
        let mut at = 0;
        let mut n = 0;
        for node in 0..3 {
            t.push_str(&format!(r#"{{"node-name": "n{node}", "bitmaps": ["#));
            for i in 0..12 {
                if n == BITMAP_CAPACITY {
                    at = t.len();
                }
                n += 1;
                t.push_str(if i == 0 { "" } else { ", " });
                t.push_str(r#"{"name": "b", "transform": {"persistent": true}}"#);
            }
            t.push_str("]}, ");
        }
        t.push_str("{}]}");
        let st = ok(t.as_bytes());
        assert_eq!((st.over_exec, st.over_bbm), (None, Some((at + 2) as u32)));
        // Up to the capacity, nothing is noted.
        let mut t = String::from(r#"{"block-bitmap-mapping": ["#);
        for node in 0..BITMAP_NODE_CAPACITY {
            t.push_str(&format!(
                r#"{{"node-name": "n{node}", "bitmaps": [{{}}, {{}}, {{}}, {{}}]}}, "#
            ));
        }
        t.push_str("5]}");
        let st = ok(t.as_bytes());
        assert_eq!(st.over_bbm.map(|o| o as usize), Some(t.len() - 3));
        t.truncate(t.len() - 5);
        t.push_str("]}");
        let st = ok(t.as_bytes());
        assert_eq!((st.over_exec, st.over_bbm), (None, None));
        // Both lists past their capacities: each list's first element past it is noted.
        let exec = format!(
            r#""cpr-exec-command": [{}"x"]"#,
            r#""a", "#.repeat(EXEC_COMMAND_CAPACITY)
        );
        let nodes = format!(r#""block-bitmap-mapping": [{}{{}}]"#, "{}, ".repeat(8));
        for (first, second) in [(&exec, &nodes), (&nodes, &exec)] {
            let t = format!("{{{first}, {second}}}");
            let st = ok(t.as_bytes());
            let exec_at = t.find(r#""x""#).unwrap() as u32;
            let bbm_at = t.rfind("{}").unwrap() as u32;
            assert_eq!(
                (st.over_exec, st.over_bbm),
                (Some(exec_at), Some(bbm_at)),
                "{t}"
            );
        }
    }

    #[test]
    fn capabilities_and_known_slots() {
        // Capabilities are names only when the stage accepts them.
        let t = br#"{"multifd": true, "mode": "normal"}"#;
        let st = ok(t);
        assert_eq!(st.unknown.span().of(t), b"multifd");
        let mut st = Stage::new(Syntax::Json);
        st.known = u64::MAX;
        assert!(check(t, &mut st, false).is_ok());
        let cap = schema::PARAM_COUNT + schema::cap_lookup(b"multifd").unwrap();
        assert_eq!(st.params[cap].tok(), Tok::JTrue);
        assert!(!st.unknown.present());
        // A parameter the target release lacks is an unknown key (and repeats are caught).
        let mut st = Stage::new(Syntax::Json);
        st.known &= !(1 << schema::MODE);
        assert!(check(br#"{"local": true, "mode": "normal"}"#, &mut st, false).is_ok());
        assert_eq!(st.unknown.span().off, 17);
        assert!(!st.params[schema::MODE].present());
        let mut st = Stage::new(Syntax::Json);
        st.known &= !(1 << schema::MODE);
        let mut e = Error::empty();
        let f = check(br#"{"mode": 1, "m\u006fde": 2}"#, &mut st, false)
            .unwrap_err()
            .write(b"", &mut e);
        assert_eq!(
            (f, e.message()),
            (Failed, &b"JSON parse error, duplicate key"[..])
        );
    }

    // --- internals -----------------------------------------------------------------------

    #[test]
    fn key_slot_agrees_with_schema() {
        for (id, d) in schema::PARAMS.iter().enumerate() {
            assert_eq!(
                key_slot(d.name.as_bytes(), false, u64::MAX),
                Some(id),
                "{}",
                d.name
            );
        }
        for n in [
            "",
            "a",
            "mode ",
            "Mode",
            "multifd_channels",
            "x-rdma-chunk-siz",
            "local1",
            "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
        ] {
            assert_eq!(key_slot(n.as_bytes(), false, u64::MAX), None, "{n}");
        }
        let st = Stage::new(Syntax::Json);
        assert_eq!(
            key_slot(br"mod\u0065", true, st.known),
            schema::lookup(b"mode")
        );
        assert_eq!(key_slot(&br"\u0061".repeat(40), true, st.known), None);
    }

    #[test]
    fn word_scan_matches_byte_scan() {
        let mut x: u64 = 0x1234_5678_9ABC_DEF1;
        let mut buf = [0u8; 64];
        for _ in 0..20_000 {
            for b in buf.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Mostly plain bytes, sometimes a special one.
                *b = if x & 7 == 0 {
                    (x >> 8) as u8
                } else {
                    0x20 + ((x >> 8) % 0x5F) as u8
                };
            }
            for start in 0..8 {
                let want = (start..64).find(|&i| !plain(buf[i])).unwrap_or(64);
                assert_eq!(plain_run(&buf, start), want);
            }
        }
    }

    #[test]
    fn parser_state_is_small() {
        assert!(
            core::mem::size_of::<Parser<'_, '_>>() <= 640,
            "{}",
            core::mem::size_of::<Parser<'_, '_>>()
        );
    }

    /// Random objects with many and repeated keys, nested: the duplicate log and the
    /// search without it agree (message and offset), including against grammar errors.
    #[test]
    fn log_and_search_agree() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut rnd = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        fn gen(out: &mut String, depth: u32, rnd: &mut dyn FnMut(u64) -> u64) {
            let n = if depth == 0 { rnd(60) } else { rnd(5) };
            let pool = 1 + rnd(80);
            out.push('{');
            for i in 0..n {
                if i > 0 {
                    out.push(',');
                }
                let k = rnd(pool);
                match rnd(10) {
                    0 => out.push_str(&format!(r#"'k{k}'"#)),
                    1 => out.push_str(&format!(r#""\u006b{k}""#)),
                    _ => out.push_str(&format!(r#""k{k}""#)),
                }
                out.push_str(if rnd(300) == 0 { " " } else { ":" });
                match rnd(12) {
                    0 if depth < 30 => gen(out, depth + 1, rnd),
                    1 if depth < 30 => {
                        out.push('[');
                        gen(out, depth + 1, rnd);
                        out.push_str(",1]");
                    }
                    2 if rnd(20) == 0 => out.push_str("tru"),
                    3 if rnd(20) == 0 => out.push_str("[1 2]"),
                    _ => out.push_str(&format!("{i}")),
                }
            }
            out.push('}');
        }
        let mut seen_dup = 0;
        for _ in 0..3000 {
            let mut t = String::new();
            gen(&mut t, 0, &mut rnd);
            let mut a = Stage::new(Syntax::Json);
            let mut b = Stage::new(Syntax::Json);
            let mut e1 = Error::empty();
            let ra = parse(t.as_bytes(), &mut a, &mut e1)
                .map_err(|_| (e1.message().to_vec(), e1.offset));
            let mut e2 = Error::empty();
            let rb = check(t.as_bytes(), &mut b, true)
                .map_err(|f| f.write(t.as_bytes(), &mut e2))
                .map_err(|_| (e2.message().to_vec(), e2.offset));
            assert_eq!(ra, rb, "{t}");
            if matches!(&ra, Err((m, _)) if m.ends_with(b"duplicate key")) {
                seen_dup += 1;
            }
        }
        assert!(seen_dup > 500, "{seen_dup}");
    }
}
