//! Status codes and errors: a code, a byte offset and a message in QEMU's words.

use core::fmt;

/// Result status of an operation; the numbers are the C ABI's and are append-only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Status {
    /// Success.
    Ok = 0,
    /// Help was asked for; not an error.
    Help = 1,
    /// A required pointer was NULL.
    Null = -1,
    /// Bad id, unknown flag bit, or a getter of the wrong type for that id.
    InvalidArg = -2,
    /// Keyval or JSON syntax, or a NUL byte in the text.
    Syntax = -3,
    /// A value of the wrong type, out of its type's range, or an unknown enum value.
    Value = -4,
    /// Unknown parameter or member.
    Unexpected = -5,
    /// A `migrate_params_check` (or capability) check failed.
    Check = -6,
    /// A fixed capacity was exceeded by input QEMU would accept.
    Capacity = -7,
    /// Output buffer too small.
    NoSpace = -8,
    /// A bad `-incoming` channel, URI or combination.
    Channel = -9,
    /// The table has no keyval form.
    Unrepresentable = -10,
}

/// Every status, for tables and tests.
pub const ALL_STATUSES: [Status; 12] = [
    Status::Ok,
    Status::Help,
    Status::Null,
    Status::InvalidArg,
    Status::Syntax,
    Status::Value,
    Status::Unexpected,
    Status::Check,
    Status::Capacity,
    Status::NoSpace,
    Status::Channel,
    Status::Unrepresentable,
];

impl Status {
    /// The C name of the status (`MIGCFG_OK`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            Status::Ok => "MIGCFG_OK",
            Status::Help => "MIGCFG_HELP",
            Status::Null => "MIGCFG_ERR_NULL",
            Status::InvalidArg => "MIGCFG_ERR_INVALID_ARG",
            Status::Syntax => "MIGCFG_ERR_SYNTAX",
            Status::Value => "MIGCFG_ERR_VALUE",
            Status::Unexpected => "MIGCFG_ERR_UNEXPECTED",
            Status::Check => "MIGCFG_ERR_CHECK",
            Status::Capacity => "MIGCFG_ERR_CAPACITY",
            Status::NoSpace => "MIGCFG_ERR_NOSPACE",
            Status::Channel => "MIGCFG_ERR_CHANNEL",
            Status::Unrepresentable => "MIGCFG_ERR_UNREPRESENTABLE",
        }
    }

    /// The status with this code, if any.
    pub fn from_code(code: i32) -> Option<Status> {
        ALL_STATUSES.iter().copied().find(|s| *s as i32 == code)
    }
}

/// Size of an error message buffer, NUL included (`MIGCFG_ERROR_MAX`).
pub const ERROR_MAX: usize = 512;

/// A message of at most `ERROR_MAX - 1` bytes; a longer one is cut where it splits no
/// character and ends in `...`. Messages quote input, which may hold any bytes, so this is
/// bytes, not `str`.
/// Integers only (any bit pattern is valid): the C ABI's `MigcfgError` has this layout, so
/// a caller's error struct is written in place.
#[derive(Clone)]
#[repr(C)]
pub struct Message {
    buf: [u8; ERROR_MAX],
    len: usize,
    cut: u64,
}

impl Message {
    /// An empty message.
    pub const fn new() -> Self {
        Message {
            buf: [0; ERROR_MAX],
            len: 0,
            cut: 0,
        }
    }

    /// Append bytes, cutting when full. Out of line: messages are written on error paths
    /// only, from many places, and inlining it everywhere costs size for no speed.
    #[inline(never)]
    pub fn push(&mut self, bytes: &[u8]) {
        for &b in bytes {
            // Once cut, the rest is dropped: a quoted text of any length costs the buffer.
            if self.cut != 0 {
                break;
            }
            self.push_byte(b);
        }
    }

    /// Append one byte (out of line, as [`Message::push`]).
    #[inline(never)]
    pub fn push_byte(&mut self, b: u8) {
        match self.buf.get_mut(self.len) {
            Some(slot) if self.len < ERROR_MAX - 1 => {
                *slot = b;
                self.len = self.len.saturating_add(1);
            }
            _ => self.cut = 1,
        }
    }

    /// Finish a cut message: room for `...`, without splitting a character.
    fn seal(&mut self) {
        self.len = self.len.min(ERROR_MAX - 1);
        if self.cut != 0 {
            self.cut_with_ellipsis();
        }
        // NUL-terminated, for C readers of the buffer.
        if let Some(nul) = self.buf.get_mut(self.len) {
            *nul = 0;
        }
    }

    fn cut_with_ellipsis(&mut self) {
        let end = self.len.min(ERROR_MAX - 4);
        let cont = |i: usize| self.buf.get(i).is_some_and(|b| b & 0xC0 == 0x80);
        // The byte that starts the character at `end`: at most 3 continuation bytes back
        // (further back, or no lead byte, and the bytes are invalid UTF-8 anyway).
        let mut lead = end;
        while lead > 0 && end.saturating_sub(lead) < 3 && cont(lead) {
            lead = lead.saturating_sub(1);
        }
        // Where the sequence starting there ends, by the rule QEMU's JSON writer delimits
        // sequences with.
        let rest = self.buf.get(lead..self.len).unwrap_or(&[]);
        let (_, width) = crate::text::mod_utf8_codepoint(rest);
        // Cut before a character that `end` would split, and nowhere else.
        self.len = if cont(end) && lead.saturating_add(width) > end {
            lead
        } else {
            end
        };
        self.cut = 0;
        for _ in 0..3 {
            self.push_byte(b'.');
        }
    }

    /// The message bytes (no NUL).
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }
}

impl Default for Message {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Write for Message {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push(s.as_bytes());
        Ok(())
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", BytesDisplay(self.as_bytes()))
    }
}

/// Shows bytes as text, with invalid UTF-8 replaced.
pub struct BytesDisplay<'a>(pub &'a [u8]);

impl fmt::Display for BytesDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for chunk in self.0.utf8_chunks() {
            f.write_str(chunk.valid())?;
            if !chunk.invalid().is_empty() {
                f.write_str("\u{FFFD}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for BytesDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// Marker returned by a failing step: the error itself was written into the caller's
/// [`Error`] (one per parse, so no error travels up the stack by value).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failed;

/// A failed operation: status, byte offset into the input, and message. Laid out as the
/// C ABI's `MigcfgError` (integers only), so the C entry points fill the caller's struct in
/// place.
#[derive(Clone, Debug)]
#[repr(C)]
pub struct Error {
    code: i32,
    /// Byte offset into the text the function was given.
    pub offset: usize,
    message: Message,
}

impl Error {
    /// An error with the given parts; the message is sealed (cut with `...` if too long).
    pub fn new(status: Status, offset: usize, mut message: Message) -> Self {
        message.seal();
        Error {
            code: status as i32,
            offset,
            message,
        }
    }

    /// An error with a fixed message.
    pub fn fixed(status: Status, offset: usize, text: &str) -> Self {
        let mut m = Message::new();
        m.push(text.as_bytes());
        Self::new(status, offset, m)
    }

    /// An empty error, to be filled by a failing step.
    pub const fn empty() -> Self {
        Error {
            code: 0,
            offset: 0,
            message: Message::new(),
        }
    }

    /// Start writing an error: status and offset set, message emptied and returned for
    /// the caller to fill. [`Error::message`] seals it when read.
    #[cold]
    pub fn begin(&mut self, status: Status, offset: usize) -> &mut Message {
        self.code = status as i32;
        self.offset = offset;
        self.message.len = 0;
        self.message.cut = 0;
        &mut self.message
    }

    /// What kind of failure.
    pub fn status(&self) -> Status {
        Status::from_code(self.code).unwrap_or(Status::InvalidArg)
    }

    /// Write a fixed-text error.
    #[cold]
    pub fn fail(&mut self, status: Status, offset: usize, text: &str) -> Failed {
        self.begin(status, offset).push(text.as_bytes());
        Failed
    }

    /// Cut an over-long message with `...` (done once the message is complete).
    pub fn seal(&mut self) {
        self.message.seal();
    }

    /// The message bytes (QEMU's wording; may quote non-UTF-8 input bytes).
    pub fn message(&self) -> &[u8] {
        self.message.as_bytes()
    }

    /// Move the offset by `delta` (for text embedded in a larger argument).
    pub fn shifted(mut self, delta: usize) -> Self {
        self.offset = self.offset.saturating_add(delta);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&BytesDisplay(self.message()), f)
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_message_is_cut_with_ellipsis() {
        let mut m = Message::new();
        for _ in 0..600 {
            m.push(b"x");
        }
        let e = Error::new(Status::Syntax, 0, m);
        assert_eq!(e.message().len(), 511);
        assert!(e.message().ends_with(b"x..."));
    }

    #[test]
    fn cut_respects_utf8() {
        let mut m = Message::new();
        m.push(b"x");
        for _ in 0..300 {
            m.push("é".as_bytes());
        }
        let e = Error::new(Status::Syntax, 0, m);
        let s = core::str::from_utf8(e.message()).unwrap();
        assert!(s.ends_with("é..."));
        assert!(s.len() <= 511);
    }

    #[test]
    fn cut_backs_off_only_over_a_split_character() {
        // Every alignment of 2-, 3- and 4-byte characters against the cut: the message stays
        // valid UTF-8 and loses only the character the cut would split.
        for ch in ["é", "€", "𝄞"] {
            for pad in 0..4 {
                let mut m = Message::new();
                m.push(&b"xxx"[..pad]);
                for _ in 0..300 {
                    m.push(ch.as_bytes());
                }
                let e = Error::new(Status::Syntax, 0, m);
                let s = core::str::from_utf8(e.message()).unwrap();
                let kept = s.len() - 3;
                assert!(s.ends_with("..."), "{ch} {pad}");
                assert!(
                    kept <= ERROR_MAX - 4 && kept > ERROR_MAX - 4 - ch.len(),
                    "{ch} {pad}"
                );
            }
        }
    }

    #[test]
    fn cut_keeps_invalid_bytes_up_to_the_limit() {
        // The sealed message of `parts` in a row.
        let sealed = |parts: &[&[u8]]| {
            let mut m = Message::new();
            parts.iter().for_each(|p| m.push(p));
            Error::new(Status::Syntax, 0, m)
        };
        // Stray continuation bytes begin no character: nothing to back off over.
        let e = sealed(&[b"Invalid parameter '", &[0xAF; 600]]);
        assert_eq!(e.message().len(), ERROR_MAX - 1);
        assert_eq!(&e.message()[ERROR_MAX - 5..], b"\xAF...");
        // A complete character followed by stray bytes is kept whole, and so are they,
        let e = sealed(&[&[b'd'; 505], "é".as_bytes(), &[0xAF; 10]]);
        assert_eq!(&e.message()[503..], b"dd\xC3\xA9\xAF...");
        // ... also when the character ends exactly at the cut.
        let e = sealed(&[&[b'd'; 506], "é".as_bytes(), &[0xAF; 10]]);
        assert_eq!(&e.message()[503..], b"ddd\xC3\xA9...");
        // A 5-byte sequence is no character (UTF-8 stops at 4): cut where the limit falls.
        let e = sealed(&[&[b'd'; 504], &[0xF8, 0x88, 0x88, 0x88, 0x88], b"tail"]);
        assert_eq!(&e.message()[503..], b"d\xF8\x88\x88\x88...");
        // A lead byte whose character the cut splits goes, with what follows it.
        let e = sealed(&[&[b'd'; 507], "€".as_bytes(), b"tail"]);
        assert_eq!(&e.message()[504..], b"ddd...");
    }

    #[test]
    fn exact_fit_is_not_cut() {
        let mut m = Message::new();
        for _ in 0..511 {
            m.push(b"y");
        }
        let e = Error::new(Status::Syntax, 0, m);
        assert_eq!(e.message().len(), 511);
        assert!(e.message().ends_with(b"yyy"));
    }

    #[test]
    fn one_byte_over_is_cut() {
        let mut m = Message::new();
        for _ in 0..ERROR_MAX {
            m.push(b"y");
        }
        let e = Error::new(Status::Syntax, 0, m);
        assert_eq!(e.message().len(), ERROR_MAX - 1);
        assert!(e.message().ends_with(b"y..."));
    }

    #[test]
    fn written_and_shown() {
        extern crate std;
        use core::fmt::Write;
        let mut m = Message::new();
        m.push(b"bad byte ");
        m.push_byte(0xFF);
        write!(m, " at {}", 42).unwrap();
        assert_eq!(m.as_bytes(), b"bad byte \xFF at 42");
        assert_eq!(std::format!("{m:?}"), "\"bad byte \u{FFFD} at 42\"");
    }

    #[test]
    fn status_names_roundtrip() {
        for s in ALL_STATUSES {
            assert_eq!(Status::from_code(s as i32), Some(s));
            assert!(s.name().starts_with("MIGCFG_"));
        }
        assert_eq!(Status::from_code(-11), None);
        // The codes are ABI: the C header carries them.
        let codes: [i32; 12] = ALL_STATUSES.map(|s| s as i32);
        assert_eq!(codes, [0, 1, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10]);
    }
}
