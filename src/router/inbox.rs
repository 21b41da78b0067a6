//! The host side of the local input queue: what the readers and local
//! senders delivered, taken either as owned [`Message`]s or copied straight
//! into caller buffers ([`MessageInfo`] and a payload slice) without
//! allocating.

use super::frame::{self, MAX_ID_LEN, MAX_NAME_LEN};
use super::{Message, MessageKind, Shared};
use crossbeam::channel::Receiver;
use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// What the local input queue carries.
pub(super) enum Delivery {
    /// One message.
    One(Message),
    /// Validated unicast DATA frames for this process, not relayed, in
    /// arrival order: a reader hands over a whole read at once, and the host
    /// thread takes the frames one by one.
    Frames(Batch),
}

impl Delivery {
    fn messages(&self) -> usize {
        match self {
            Delivery::One(_) => 1,
            Delivery::Frames(b) => b.frames,
        }
    }
}

/// Encoded frames in `bytes[at..end]`, `frames` of them. A reader may hand
/// over its whole read buffer, so the frames need not start at 0.
pub(super) struct Batch {
    pub(super) bytes: Vec<u8>,
    pub(super) at: usize,
    pub(super) end: usize,
    pub(super) frames: usize,
}

impl Batch {
    pub(super) fn empty() -> Batch {
        Batch { bytes: Vec::new(), at: 0, end: 0, frames: 0 }
    }
}

/// The first message of the input queue, borrowed from it.
pub(crate) struct View<'a> {
    pub command: u16,
    pub flags: u8,
    pub kind: MessageKind,
    pub relayed: bool,
    pub seq: u64,
    pub source: &'a [u8],
    pub destination: &'a [u8],
    pub payload: &'a [u8],
}

impl<'a> View<'a> {
    #[inline]
    fn of_message(m: &'a Message) -> View<'a> {
        View {
            command: m.command,
            flags: m.flags,
            kind: m.kind,
            relayed: m.relayed,
            seq: m.seq,
            source: m.source.as_bytes(),
            destination: m.destination.as_bytes(),
            payload: &m.payload,
        }
    }

    /// The validated frame at the start of `bytes` (a batched plain unicast frame).
    #[inline]
    fn of_frame(bytes: &'a [u8]) -> View<'a> {
        let (f, _) = frame::decode_validated(bytes);
        View {
            command: f.header.command,
            flags: (f.header.flags >> 8) as u8,
            kind: MessageKind::Unicast,
            relayed: false,
            seq: f.header.msg_seq,
            source: f.src,
            destination: f.dst,
            payload: f.payload,
        }
    }
}

/// Header fields and names of a received message, filled by
/// [`Router::poll_into`](super::Router::poll_into) and
/// [`Router::recv_into`](super::Router::recv_into). Reuse one for every
/// call: filling it allocates nothing.
#[derive(Clone, PartialEq, Eq)]
pub struct MessageInfo {
    /// `type << 8 | detail`.
    pub command: u16,
    /// Application flags (8 bits, passed through).
    pub flags: u8,
    /// Unicast, multicast or broadcast.
    pub kind: MessageKind,
    /// True when a router other than the sender forwarded it (migration relay).
    pub relayed: bool,
    /// The sending router's message sequence (increasing per sender).
    pub seq: u64,
    /// Length of the payload in bytes.
    pub payload_len: usize,
    source: [u8; MAX_ID_LEN],
    source_len: u8,
    destination: [u8; MAX_NAME_LEN],
    destination_len: u8,
}

impl Default for MessageInfo {
    fn default() -> Self {
        MessageInfo {
            command: 0,
            flags: 0,
            kind: MessageKind::Unicast,
            relayed: false,
            seq: 0,
            payload_len: 0,
            source: [0; MAX_ID_LEN],
            source_len: 0,
            destination: [0; MAX_NAME_LEN],
            destination_len: 0,
        }
    }
}

impl MessageInfo {
    /// Server id of the sending router.
    pub fn source(&self) -> &str {
        // Names are validated printable ASCII before they get here.
        std::str::from_utf8(&self.source[..usize::from(self.source_len)]).expect("ASCII name")
    }

    /// The destination it was addressed to, or the group of a broadcast.
    pub fn destination(&self) -> &str {
        std::str::from_utf8(&self.destination[..usize::from(self.destination_len)]).expect("ASCII name")
    }

    #[inline]
    pub(crate) fn fill(&mut self, v: &View<'_>) {
        self.command = v.command;
        self.flags = v.flags;
        self.kind = v.kind;
        self.relayed = v.relayed;
        self.seq = v.seq;
        self.payload_len = v.payload.len();
        self.source[..v.source.len()].copy_from_slice(v.source);
        self.source_len = v.source.len() as u8;
        self.destination[..v.destination.len()].copy_from_slice(v.destination);
        self.destination_len = v.destination.len() as u8;
    }
}

impl fmt::Debug for MessageInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageInfo")
            .field("command", &self.command)
            .field("flags", &self.flags)
            .field("kind", &self.kind)
            .field("relayed", &self.relayed)
            .field("seq", &self.seq)
            .field("payload_len", &self.payload_len)
            .field("source", &self.source())
            .field("destination", &self.destination())
            .finish()
    }
}

/// What [`Router::poll_into`](super::Router::poll_into) and
/// [`Router::recv_into`](super::Router::recv_into) found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    /// A message: the info is filled and its payload is the first `len`
    /// bytes of the buffer.
    Message(usize),
    /// The payload of `len` bytes does not fit the buffer: the info
    /// describes the message, which stays first in the queue for a retry.
    TooSmall(usize),
    /// Nothing waiting (`poll_into`) or nothing arrived in time (`recv_into`).
    Empty,
}

/// What [`Router::poll_many_into`](super::Router::poll_many_into) and
/// [`Router::recv_many_into`](super::Router::recv_many_into) found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceivedMany {
    /// `count` messages: their infos are the first `count`, and their
    /// payloads lie back to back, in order, in the first `bytes` bytes of
    /// the buffer (each [`MessageInfo::payload_len`] long).
    Messages {
        /// Messages taken.
        count: usize,
        /// Payload bytes written.
        bytes: usize,
    },
    /// The first message's payload of `len` bytes does not fit the buffer:
    /// the first info describes it, and it stays first in the queue.
    TooSmall(usize),
    /// Nothing waiting (`poll_many_into`) or nothing arrived in time (`recv_many_into`).
    Empty,
}

/// Copies messages into `infos` and their payloads back to back into
/// `payloads`, one [`Copier::offer`] at a time, until one does not fit.
pub(crate) struct Copier<'a, I> {
    infos: &'a mut [I],
    payloads: &'a mut [u8],
    fill: fn(&mut I, &View<'_>),
    count: usize,
    bytes: usize,
    first_len: usize,
}

impl<'a, I> Copier<'a, I> {
    pub(crate) fn new(infos: &'a mut [I], payloads: &'a mut [u8], fill: fn(&mut I, &View<'_>)) -> Self {
        Copier { infos, payloads, fill, count: 0, bytes: 0, first_len: 0 }
    }

    /// Takes `v` when an info is left and its payload fits the rest of the buffer.
    #[inline]
    pub(crate) fn offer(&mut self, v: &View<'_>) -> bool {
        let Some(info) = self.infos.get_mut(self.count) else { return false };
        (self.fill)(info, v);
        let len = v.payload.len();
        let Some(out) = self.payloads.get_mut(self.bytes..self.bytes + len) else {
            if self.count == 0 {
                self.first_len = len;
            }
            return false;
        };
        out.copy_from_slice(v.payload);
        self.bytes += len;
        self.count += 1;
        true
    }

    /// What was copied; `arrived`: a message was there at all.
    pub(crate) fn result(&self, arrived: bool) -> ReceivedMany {
        match (arrived, self.count) {
            (false, _) => ReceivedMany::Empty,
            (true, 0) => ReceivedMany::TooSmall(self.first_len),
            (true, count) => ReceivedMany::Messages { count, bytes: self.bytes },
        }
    }
}

/// Copies `v` into the caller's info and payload buffer; true when it fit
/// (the message is taken).
#[inline]
pub(super) fn copy_out(v: &View<'_>, info: &mut MessageInfo, payload: &mut [u8]) -> (bool, Received) {
    info.fill(v);
    let len = v.payload.len();
    match payload.get_mut(..len) {
        Some(out) => {
            out.copy_from_slice(v.payload);
            (true, Received::Message(len))
        }
        None => (false, Received::TooSmall(len)),
    }
}

/// The host side of the input queue: what was taken from the channel and
/// not handed out yet.
#[derive(Default)]
pub(super) struct Cursor {
    /// A message put back by `unread`; comes first.
    pub(super) peeked: Option<Message>,
    /// Deliveries taken from the channel, oldest first; the front one may be
    /// a batch partly handed out.
    taken: VecDeque<Delivery>,
    /// Names of the last message made from a batch, shared while they repeat.
    source: Option<Arc<str>>,
    destination: Option<Arc<str>>,
}

impl Cursor {
    /// Messages held here.
    pub(super) fn len(&self) -> usize {
        usize::from(self.peeked.is_some()) + self.taken.iter().map(Delivery::messages).sum::<usize>()
    }

    /// Appends a delivery taken from the channel.
    pub(super) fn take(&mut self, d: Delivery, queued: &AtomicUsize) {
        queued.fetch_sub(d.messages(), Ordering::AcqRel);
        self.taken.push_back(d);
    }

    /// True when a message is at hand, taking a delivery from the channel if needed.
    #[inline]
    pub(super) fn fill(&mut self, inbox: &Receiver<Delivery>, queued: &AtomicUsize) -> bool {
        if self.peeked.is_some() || !self.taken.is_empty() {
            return true;
        }
        match inbox.try_recv() {
            Ok(d) => {
                self.take(d, queued);
                true
            }
            Err(_) => false,
        }
    }

    /// The first message at hand, borrowed.
    #[inline]
    pub(super) fn front(&self) -> Option<View<'_>> {
        if let Some(m) = &self.peeked {
            return Some(View::of_message(m));
        }
        Some(match self.taken.front()? {
            Delivery::One(m) => View::of_message(m),
            Delivery::Frames(b) => View::of_frame(&b.bytes[b.at..b.end]),
        })
    }

    /// Drops the first message at hand (it was handed out).
    #[inline]
    pub(super) fn advance(&mut self, shared: &Shared) {
        if self.peeked.is_some() {
            self.peeked = None;
            return;
        }
        if let Some(Delivery::Frames(b)) = self.taken.front_mut() {
            b.at += frame::encoded_len(&b.bytes[b.at..]);
            b.frames -= 1;
            if b.frames > 0 {
                return;
            }
        }
        if let Some(Delivery::Frames(b)) = self.taken.pop_front() {
            shared.recycle_batch(b.bytes);
        }
    }

    /// When the first message at hand is in a batch: shows the batch's
    /// frames to `offer` in order until it declines one (which stays
    /// first); whether it took them all. `None` otherwise.
    #[inline]
    pub(super) fn offer_batch(&mut self, offer: &mut impl FnMut(&View<'_>) -> bool, shared: &Shared) -> Option<bool> {
        if self.peeked.is_some() {
            return None;
        }
        let Some(Delivery::Frames(b)) = self.taken.front_mut() else { return None };
        while b.frames > 0 {
            let frame = &b.bytes[b.at..b.end];
            if !offer(&View::of_frame(frame)) {
                return Some(false);
            }
            b.at += frame::encoded_len(frame);
            b.frames -= 1;
        }
        if let Some(Delivery::Frames(b)) = self.taken.pop_front() {
            shared.recycle_batch(b.bytes);
        }
        Some(true)
    }

    /// The next message, owned: the put-back one, then what was taken, then the channel.
    pub(super) fn next(&mut self, inbox: &Receiver<Delivery>, shared: &Shared) -> Option<Message> {
        if !self.fill(inbox, &shared.queued) {
            return None;
        }
        if let Some(m) = self.peeked.take() {
            return Some(m);
        }
        let msg = match self.taken.front()? {
            Delivery::One(_) => match self.taken.pop_front() {
                Some(Delivery::One(m)) => return Some(m),
                _ => unreachable!("front is one message"),
            },
            Delivery::Frames(b) => {
                let v = View::of_frame(&b.bytes[b.at..b.end]);
                Message {
                    command: v.command,
                    flags: v.flags,
                    kind: v.kind,
                    relayed: v.relayed,
                    seq: v.seq,
                    source: interned(&mut self.source, v.source),
                    destination: interned(&mut self.destination, v.destination),
                    payload: Arc::from(v.payload),
                    marker: false,
                }
            }
        };
        self.advance(shared);
        Some(msg)
    }
}

/// `name` as a shared string, reusing `last` when it is the same.
fn interned(last: &mut Option<Arc<str>>, name: &[u8]) -> Arc<str> {
    match last {
        Some(s) if frame::same_name(s.as_bytes(), name) => s.clone(),
        _ => {
            // Frames in a batch were validated: names are printable ASCII.
            let s: Arc<str> = Arc::from(std::str::from_utf8(name).expect("validated ASCII"));
            *last = Some(s.clone());
            s
        }
    }
}
