//! Wire format: length-prefixed frames with a small fixed header.
//!
//! ```text
//! offset size field
//!      0    4 length of everything after this field (little endian)
//!      4    1 magic 0x54 ('T')
//!      5    1 kind: 1 DATA, 2 ACK, 3 HELLO, 4 MULTI, 5 BROADCAST
//!      6    2 flags: bit 0 RELAYED, bit 1 MARKER, bits 8..15 application flags
//!      8    2 command (type << 8 | detail); the protocol version in HELLO
//!     10    2 source length (the sender's server id, 1..=63 bytes)
//!     12    2 destination length (0..=65535 bytes)
//!     14    2 reserved, must be 0
//!     16    8 link sequence (DATA/MULTI/BROADCAST); last received sequence (ACK, HELLO)
//!     24    8 message sequence (per sending router); the session id in HELLO
//!     32    . source, destination, payload
//! ```
//! The decoder is strict: any deviation (bad magic, unknown kind or flag,
//! non-zero reserved field, lengths out of range, names with bytes outside
//! printable ASCII, a field a kind does not use being set) is an error and
//! the connection that carried it is closed.

use std::fmt;

/// Size of the fixed header including the length prefix.
pub const HEADER_LEN: usize = 32;
/// Bytes of the header counted by the length prefix.
const COUNTED_HEADER: usize = HEADER_LEN - 4;
const MAGIC: u8 = 0x54;
/// Version carried by HELLO frames.
pub const PROTOCOL_VERSION: u16 = 1;

/// Longest server id (a destination's first segment).
pub const MAX_ID_LEN: usize = 63;
/// Longest destination or group name.
pub const MAX_NAME_LEN: usize = 255;

/// Flag: the frame was forwarded by a router other than its sender.
pub const FLAG_RELAYED: u16 = 1;
/// Flag: an empty DATA frame that marks the end of what its sender sent to a
/// target before adopting it (travels to the old home and is relayed back).
pub const FLAG_MARKER: u16 = 2;
const KNOWN_FLAGS: u16 = FLAG_RELAYED | FLAG_MARKER | 0xFF00;

/// What a frame carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One message to one destination.
    Data = 1,
    /// Cumulative acknowledgement of link sequences.
    Ack = 2,
    /// First frame on a connection: server id and last received sequence.
    Hello = 3,
    /// One payload for several destinations behind the same connection
    /// (destination field: names separated by `\n`).
    Multi = 4,
    /// One payload for every process that joined a group.
    Broadcast = 5,
}

impl Kind {
    fn from_u8(v: u8) -> Option<Kind> {
        Some(match v {
            1 => Kind::Data,
            2 => Kind::Ack,
            3 => Kind::Hello,
            4 => Kind::Multi,
            5 => Kind::Broadcast,
            _ => return None,
        })
    }
}

/// The fixed header fields of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Frame kind.
    pub kind: Kind,
    /// Flags (`FLAG_RELAYED`, application flags in the high byte).
    pub flags: u16,
    /// Message command, or the protocol version in HELLO.
    pub command: u16,
    /// Per-link sequence, or the acknowledged sequence for ACK/HELLO.
    pub link_seq: u64,
    /// Per-sender message sequence.
    pub msg_seq: u64,
}

/// Why bytes were rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameError(pub String);

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn err<T>(text: impl Into<String>) -> Result<T, FrameError> {
    Err(FrameError(text.into()))
}

/// True when `name` is 1..=`max` bytes of printable ASCII other than space.
/// Checks eight bytes at a time: it runs for every name of every frame.
pub fn valid_name(name: &[u8], max: usize) -> bool {
    if name.is_empty() || name.len() > max {
        return false;
    }
    if name.len() < 8 {
        return name.iter().all(|&b| b > b' ' && b < 0x7F);
    }
    let mut outside = 0;
    for w in name.chunks_exact(8) {
        outside |= outside_printable(word(w));
    }
    // The last eight bytes (overlapping the words before): no byte-wise copy of the rest.
    outside |= outside_printable(word(&name[name.len() - 8..]));
    outside == 0
}

/// The eight bytes at the start of `bytes` as a word.
#[inline]
fn word(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"))
}

/// Non-zero when a byte of `w` is outside 0x21..=0x7E. Per byte `b`: the
/// subtraction sets the top bit of `b - 0x21` when `b < 0x21` (ANDed with
/// `!b` so bytes >= 0x80 do not count twice); the addition sets it in
/// `b + 1` when `b > 0x7E`, and `| w` when `b >= 0x80`. A borrow or carry
/// that crosses into the next byte only starts at a byte that is already
/// flagged, so the result is zero exactly when every byte is in range.
fn outside_printable(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOP: u64 = 0x8080_8080_8080_8080;
    let below = w.wrapping_sub(ONES * 0x21) & !w & TOP;
    let above = (w.wrapping_add(ONES) | w) & TOP;
    below | above
}

/// `a == b` for short names, compared eight bytes at a time inline: on the
/// per-message paths a call to `memcmp` costs more than the comparison.
#[inline]
pub(crate) fn same_name(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    if a.len() < 8 {
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        if word(x) != word(y) {
            return false;
        }
    }
    // The last eight bytes, overlapping the words before.
    let tail = a.len() - 8;
    word(&a[tail..]) == word(&b[tail..])
}

/// Appends one encoded frame to `out`.
#[inline]
pub fn encode(out: &mut Vec<u8>, h: &Header, src: &[u8], dst: &[u8], payload: &[u8]) {
    let len = COUNTED_HEADER + src.len() + dst.len() + payload.len();
    // The header is assembled on the stack and appended at once: this runs once per message.
    let mut head = [0u8; HEADER_LEN];
    head[0..4].copy_from_slice(&(len as u32).to_le_bytes());
    head[4] = MAGIC;
    head[5] = h.kind as u8;
    head[6..8].copy_from_slice(&h.flags.to_le_bytes());
    head[8..10].copy_from_slice(&h.command.to_le_bytes());
    head[10..12].copy_from_slice(&(src.len() as u16).to_le_bytes());
    head[12..14].copy_from_slice(&(dst.len() as u16).to_le_bytes());
    head[16..24].copy_from_slice(&h.link_seq.to_le_bytes());
    head[24..32].copy_from_slice(&h.msg_seq.to_le_bytes());
    out.reserve(len + 4);
    out.extend_from_slice(&head);
    out.extend_from_slice(src);
    out.extend_from_slice(dst);
    out.extend_from_slice(payload);
}

/// Bytes spanned by the encoded frame at the start of `buf` (a frame this
/// process encoded or validated).
#[inline]
pub(crate) fn encoded_len(buf: &[u8]) -> usize {
    u32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize + 4
}

/// Link sequence of the encoded frame at the start of `buf`.
pub(crate) fn encoded_link_seq(buf: &[u8]) -> u64 {
    u64_at(buf, 16)
}

/// Rewrites the link sequence of the encoded frame at the start of `buf`.
pub(crate) fn set_encoded_link_seq(buf: &mut [u8], seq: u64) {
    buf[16..24].copy_from_slice(&seq.to_le_bytes());
}

/// Flags of the encoded frame at the start of `buf`.
pub(crate) fn encoded_flags(buf: &[u8]) -> u16 {
    u16_at(buf, 6)
}

/// Reads the frame at the start of `buf` without checking it: for bytes
/// that [`decode`] accepted before (they are copied, never re-received).
#[inline]
pub(crate) fn decode_validated(buf: &[u8]) -> (Frame<'_>, usize) {
    let used = encoded_len(buf);
    let src_len = u16_at(buf, 10) as usize;
    let dst_len = u16_at(buf, 12) as usize;
    let kind = Kind::from_u8(buf[5]).expect("validated frame");
    let header = Header { kind, flags: u16_at(buf, 6), command: u16_at(buf, 8), link_seq: u64_at(buf, 16), msg_seq: u64_at(buf, 24) };
    let dst_at = HEADER_LEN + src_len;
    let payload_at = dst_at + dst_len;
    (Frame { header, src: &buf[HEADER_LEN..dst_at], dst: &buf[dst_at..payload_at], payload: &buf[payload_at..used] }, used)
}

/// A decoded frame borrowing from the read buffer.
#[derive(Debug, PartialEq, Eq)]
pub struct Frame<'a> {
    /// Header fields.
    pub header: Header,
    /// Sender's server id (empty for ACK).
    pub src: &'a [u8],
    /// Destination, destination list or group (empty for ACK/HELLO).
    pub dst: &'a [u8],
    /// Message bytes.
    pub payload: &'a [u8],
}

#[inline]
fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

#[inline]
fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut v = [0u8; 8];
    v.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(v)
}

/// Decodes the first frame of `buf`.
///
/// `Ok(None)`: more bytes are needed (and the bytes so far are plausible);
/// `Ok(Some((frame, used)))`: a frame and the bytes it spans; `Err`: the
/// bytes are not a valid frame for a payload limit of `max_payload`.
#[inline]
pub fn decode(buf: &[u8], max_payload: usize) -> Result<Option<(Frame<'_>, usize)>, FrameError> {
    if buf.len() < 4 {
        return Ok(None);
    }
    let len = u32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
    let max_len = COUNTED_HEADER + MAX_ID_LEN + u16::MAX as usize + max_payload;
    if len < COUNTED_HEADER || len > max_len {
        return err(format!("frame length {len} outside {COUNTED_HEADER}..={max_len}"));
    }
    // Check the header as soon as it is complete, before waiting for the body.
    let header_bytes = buf.len().min(HEADER_LEN);
    if header_bytes >= 5 && buf[4] != MAGIC {
        return err(format!("bad magic byte 0x{:02x}", buf[4]));
    }
    if header_bytes >= 6 && Kind::from_u8(buf[5]).is_none() {
        return err(format!("unknown frame kind {}", buf[5]));
    }
    if buf.len() < HEADER_LEN {
        return Ok(None);
    }
    let kind = Kind::from_u8(buf[5]).expect("checked above");
    let flags = u16_at(buf, 6);
    let command = u16_at(buf, 8);
    let src_len = u16_at(buf, 10) as usize;
    let dst_len = u16_at(buf, 12) as usize;
    if u16_at(buf, 14) != 0 {
        return err("reserved header field is not zero");
    }
    if flags & !KNOWN_FLAGS != 0 {
        return err(format!("unknown flags 0x{flags:04x}"));
    }
    if src_len > MAX_ID_LEN {
        return err(format!("source length {src_len} over {MAX_ID_LEN}"));
    }
    if src_len + dst_len > len - COUNTED_HEADER {
        return err("source and destination longer than the frame");
    }
    let payload_len = len - COUNTED_HEADER - src_len - dst_len;
    if payload_len > max_payload {
        return err(format!("payload of {payload_len} bytes over the maximum {max_payload}"));
    }
    if buf.len() < len + 4 {
        return Ok(None);
    }
    let src = &buf[HEADER_LEN..HEADER_LEN + src_len];
    let dst = &buf[HEADER_LEN + src_len..HEADER_LEN + src_len + dst_len];
    let payload = &buf[HEADER_LEN + src_len + dst_len..len + 4];
    let header = Header { kind, flags, command, link_seq: u64_at(buf, 16), msg_seq: u64_at(buf, 24) };
    match kind {
        Kind::Ack => {
            if src_len != 0 || dst_len != 0 || payload_len != 0 || command != 0 || flags != 0 || header.msg_seq != 0 {
                return err("ACK frame with fields set that it does not use");
            }
        }
        Kind::Hello => {
            if !valid_name(src, MAX_ID_LEN) || src.windows(2).any(|w| w == b"::") {
                return err("HELLO without a valid server id");
            }
            if dst_len != 0 || payload_len != 0 || flags != 0 || header.msg_seq == 0 {
                return err("HELLO frame with fields set that it does not use, or session 0");
            }
            if command != PROTOCOL_VERSION {
                return err(format!("protocol version {command}, expected {PROTOCOL_VERSION}"));
            }
        }
        Kind::Data | Kind::Broadcast => {
            if !valid_name(src, MAX_ID_LEN) {
                return err("source is not a valid server id");
            }
            if !valid_name(dst, MAX_NAME_LEN) {
                return err("destination is not 1..=255 bytes of printable ASCII");
            }
            if header.link_seq == 0 {
                return err("link sequence 0");
            }
        }
        Kind::Multi => {
            if !valid_name(src, MAX_ID_LEN) {
                return err("source is not a valid server id");
            }
            if dst.is_empty() || !dst.split(|&b| b == b'\n').all(|d| valid_name(d, MAX_NAME_LEN)) {
                return err("destination list is not names separated by newlines");
            }
            if header.link_seq == 0 {
                return err("link sequence 0");
            }
        }
    }
    Ok(Some((Frame { header, src, dst, payload }, len + 4)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(seq: u64) -> Header {
        Header { kind: Kind::Data, flags: 0x0300, command: 0x0102, link_seq: seq, msg_seq: 9 }
    }

    #[test]
    fn round_trip_and_partial_input() {
        let mut buf = Vec::new();
        encode(&mut buf, &data(5), b"a", b"b::c", b"hello");
        encode(&mut buf, &Header { kind: Kind::Ack, flags: 0, command: 0, link_seq: 4, msg_seq: 0 }, b"", b"", b"");
        let first_len = HEADER_LEN + 1 + 4 + 5;
        for cut in 0..first_len {
            assert_eq!(decode(&buf[..cut], 16).unwrap(), None, "cut {cut}");
        }
        let (f, used) = decode(&buf, 16).unwrap().unwrap();
        assert_eq!(used, first_len);
        assert_eq!((f.header, f.src, f.dst, f.payload), (data(5), &b"a"[..], &b"b::c"[..], &b"hello"[..]));
        let (again, again_used) = decode_validated(&buf);
        assert_eq!((again, again_used, encoded_len(&buf), encoded_link_seq(&buf), encoded_flags(&buf)), (f, used, used, 5, 0x0300));
        let (ack, used2) = decode(&buf[used..], 16).unwrap().unwrap();
        assert_eq!((ack.header.kind, ack.header.link_seq, used + used2), (Kind::Ack, 4, buf.len()));
    }

    #[test]
    fn valid_name_agrees_with_a_byte_by_byte_check() {
        let oracle = |name: &[u8], max: usize| !name.is_empty() && name.len() <= max && name.iter().all(|&b| b > b' ' && b < 0x7F);
        // Every byte value at every position of names of 1..=20 bytes.
        for len in 1..=20 {
            for at in 0..len {
                for v in 0..=255u8 {
                    let mut name = vec![b'a'; len];
                    name[at] = v;
                    assert_eq!(valid_name(&name, 255), oracle(&name, 255), "{name:?}");
                }
            }
        }
        let mut rng = crate::random::Rng::new(3);
        for _ in 0..20_000 {
            let len = rng.below(40) as usize;
            // Mostly printable bytes, with the edges of the range and high bytes mixed in.
            let name: Vec<u8> = (0..len).map(|_| [0x20, 0x21, 0x7E, 0x7F, 0x80, 0xFF, 0x00, 0x41 + rng.below(26) as u8][rng.below(8) as usize]).collect();
            assert_eq!(valid_name(&name, 30), oracle(&name, 30), "{name:?}");
        }
    }

    #[test]
    fn same_name_agrees_with_slice_equality() {
        let names: [&[u8]; 9] = [b"", b"a", b"b", b"rx::sink", b"rx::sinK", b"rx::sink1", b"rx::sink2", b"a::b::c::d::e::f", b"a::b::c::d::e::g"];
        for a in names {
            for b in names {
                assert_eq!(same_name(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn strict_rejections() {
        let mut good = Vec::new();
        encode(&mut good, &data(1), b"a", b"b", b"xy");
        let mutate = |at: usize, v: u8| {
            let mut b = good.clone();
            b[at] = v;
            decode(&b, 16).is_err()
        };
        assert!(mutate(4, 0x55), "magic");
        assert!(mutate(5, 9), "kind");
        assert!(!mutate(7, 0x00) && mutate(6, 0x04), "unknown low flag");
        assert!(mutate(14, 1), "reserved");
        assert!(mutate(HEADER_LEN, b' '), "space in source");
        assert!(mutate(HEADER_LEN + 1, 0), "NUL in destination");
        assert!(decode(&good, 1).is_err(), "payload over the limit");
        assert!(decode(&[0xFF, 0xFF, 0xFF, 0x7F], 16).is_err(), "huge length rejected before the body");
        assert!(decode(&[1, 0, 0, 0], 16).is_err(), "length below the header");
        let mut ack = Vec::new();
        encode(&mut ack, &Header { kind: Kind::Ack, flags: 0, command: 0, link_seq: 1, msg_seq: 0 }, b"", b"", b"p");
        assert!(decode(&ack, 16).is_err(), "ACK with payload");
        let mut hello = Vec::new();
        encode(&mut hello, &Header { kind: Kind::Hello, flags: 0, command: 7, link_seq: 0, msg_seq: 3 }, b"a", b"", b"");
        assert!(decode(&hello, 16).is_err(), "wrong protocol version");
    }

    #[test]
    fn random_bytes_never_panic_and_rarely_parse() {
        let mut rng = crate::random::Rng::new(42);
        let mut parsed = 0;
        for _ in 0..20_000 {
            let n = rng.below(80) as usize;
            let bytes: Vec<u8> = (0..n).map(|_| rng.next_u32() as u8).collect();
            if let Ok(Some(_)) = decode(&bytes, 1024) {
                parsed += 1;
            }
        }
        assert_eq!(parsed, 0);
    }
}
