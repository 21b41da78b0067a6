//! The receiving side of connections. Every connection has a reader
//! thread: it does the handshake, then reads frames until the connection
//! ends. After the handshake a host thread waiting in `recv` reads the
//! connection too (see [`Incoming`]), so a message that arrives while the
//! host waits wakes only the thread that takes it.

use super::frame::{self, Kind};
use super::inbox::Batch;
use super::net::Stream;
use super::{bump, Cmd, LinkShared, Message, MessageKind, Shared, Table};
use parking_lot::Mutex;
use std::io::{ErrorKind, Read};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A connection must say HELLO within this time.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);
/// Frames delivered before an ACK is asked for right away.
const ACK_EVERY: u64 = 256;
/// Longest delay of an acknowledgement.
const ACK_DELAY: Duration = Duration::from_millis(2);
/// A reader thread leaves its connection to host threads while one waits
/// in `recv`, and for this long after the last one stopped waiting (a host
/// that takes messages in a loop comes back sooner). Also how often a
/// standing-down reader looks again.
pub(super) const STAND_DOWN: Duration = Duration::from_millis(1);

pub(super) fn forget_stream(shared: &Shared, gen: u64) {
    shared.streams.lock().retain(|(g, _)| *g != gen);
}

/// Reads frames from one connection until it closes or misbehaves.
/// `dialed`: the link this router dialled (None for accepted connections).
pub(super) fn read_loop(shared: Arc<Shared>, mut stream: Stream, gen: u64, dialed: Option<usize>) {
    let link = match handshake(&shared, &mut stream, gen, dialed) {
        Err((link, ending)) => {
            record_ending(&shared, gen, &ending);
            stream.shutdown();
            link
        }
        Ok((link, link_shared, state)) => {
            let incoming = Arc::new(Incoming { gen, link, link_shared, stream, reader: std::thread::current(), state: Mutex::new(state) });
            // Returns once the connection has ended (and was shut down). A
            // host thread may still hold it for a moment: the socket is
            // closed with the last holder.
            serve(&shared, &incoming);
            Some(link)
        }
    };
    forget_stream(&shared, gen);
    if let Some(link) = link {
        let _ = shared.core.send(Cmd::Closed { link, gen });
    }
}

/// Counts and logs why a connection ends, before it is shut down: a peer
/// that sees the close then also sees the reason.
fn record_ending(shared: &Shared, gen: u64, (text, malformed): &Ending) {
    bump(&shared.stats.connections_closed, 1);
    if *malformed {
        bump(&shared.stats.malformed_closed, 1);
    }
    if !shared.shutdown.load(Ordering::Acquire) {
        shared.log(format!("connection {gen} closed: {text}"));
    }
}

/// Why a connection ended: the reason and whether the peer misbehaved.
type Ending = (String, bool);
/// A handshake's outcome: the link, its shared part and the read state
/// (holding any bytes after the HELLO); or why the connection ends, with
/// its link if known.
type Handshake = Result<(usize, Arc<LinkShared>, ReadState), (Option<usize>, Ending)>;

/// Reads until the first frame, which must be a HELLO, and registers the link.
fn handshake(shared: &Shared, stream: &mut Stream, gen: u64, dialed: Option<usize>) -> Handshake {
    let max_payload = shared.config.max_payload;
    let mut buf = shared.batch_buffer(0);
    let mut end = 0;
    let _ = stream.set_read_timeout(Some(HANDSHAKE_TIMEOUT));
    let (f, used) = loop {
        match frame::decode(&buf[..end], max_payload) {
            Ok(Some(x)) => break x,
            Ok(None) => {}
            Err(e) => return Err((dialed, (format!("malformed frame: {e}"), true))),
        }
        if end == buf.len() {
            return Err((dialed, ("HELLO larger than the read buffer".into(), true)));
        }
        match stream.read(&mut buf[end..]) {
            Ok(0) => return Err((dialed, ("peer closed the connection".into(), false))),
            Ok(n) => end += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err((dialed, ("no HELLO within the handshake timeout".into(), true)))
            }
            Err(e) => return Err((dialed, (format!("read failed: {e}"), false))),
        }
    };
    if f.header.kind != Kind::Hello {
        return Err((dialed, (format!("first frame is {:?}, not HELLO", f.header.kind), true)));
    }
    let peer = std::str::from_utf8(f.src).expect("validated ASCII");
    let i = match dialed {
        Some(i) => {
            let expected = shared.table.read().links[i].peer.clone();
            if *expected != *peer {
                return Err((None, (format!("dialled `{expected}` but the peer says it is `{peer}`"), true)));
            }
            i
        }
        None => {
            if peer == &*shared.id {
                return Err((None, ("peer claims this router's own id".into(), true)));
            }
            shared.link_for_peer(peer)
        }
    };
    let session = f.header.msg_seq;
    let ack = f.header.link_seq;
    let ls = shared.table.read().links[i].clone();
    {
        let mut inbound = ls.inbound.lock();
        if inbound.session != session {
            inbound.session = session;
            inbound.seq = 0;
        }
    }
    let write_half = if dialed.is_none() {
        match stream.try_clone() {
            Ok(s) => Some(s),
            Err(e) => return Err((Some(i), (format!("cannot clone socket: {e}"), false))),
        }
    } else {
        None
    };
    let _ = shared.core.send(Cmd::Hello { link: i, gen, stream: write_half, ack, session });
    let _ = stream.set_read_timeout(None);
    let state = ReadState { buf, start: used, end, owed: 0, acked_upto: 0, ack_timer: None, ended: None };
    Ok((i, ls, state))
}

/// A handshaken connection's receiving side. Its reader thread reads it,
/// and so does a host thread waiting in `recv` (then the reader thread
/// stands down, see [`Shared::host_reads`]). They take turns under the
/// state lock: reads, sequence checks and deliveries happen in order.
pub(super) struct Incoming {
    pub(super) gen: u64,
    link: usize,
    link_shared: Arc<LinkShared>,
    stream: Stream,
    /// The reader thread, woken when a host thread finds the connection ended.
    reader: std::thread::Thread,
    state: Mutex<ReadState>,
}

/// What a connection's reads carry over from one to the next.
struct ReadState {
    /// Bytes read and not parsed yet: `buf[start..end]`.
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Highest link sequence delivered, and the highest acknowledged at once
    /// (the I/O thread's timed acknowledgements may have gone further).
    owed: u64,
    acked_upto: u64,
    /// When the I/O thread acknowledges what was delivered until then at the latest.
    ack_timer: Option<Instant>,
    /// Why the connection ended, once it did.
    ended: Option<Ending>,
}

impl Incoming {
    pub(super) fn stream(&self) -> &Stream {
        &self.stream
    }

    /// Reads what has arrived, without waiting, and hands its frames over;
    /// true when something was read. A connection found ended or
    /// misbehaving is shut down and its reader thread woken to close it.
    pub(super) fn read_now(&self, shared: &Shared) -> bool {
        self.with_state(shared, |st| self.read_once(shared, st))
    }

    /// Hands over the frames that came in the same read as the HELLO.
    fn take_buffered(&self, shared: &Shared) {
        self.with_state(shared, |st| self.take_frames(shared, st).map(|()| true));
    }

    /// Runs `f` on the state of a connection that has not ended; an ending
    /// it reports ends the connection.
    fn with_state(&self, shared: &Shared, f: impl FnOnce(&mut ReadState) -> Result<bool, Ending>) -> bool {
        let mut st = self.state.lock();
        if st.ended.is_some() {
            return false;
        }
        match f(&mut st) {
            Ok(read) => read,
            Err(ending) => {
                self.end(shared, &mut st, ending);
                false
            }
        }
    }

    /// Ends the connection (once): records why, no host thread waits for it
    /// any more (a closed socket would keep the poller ready), the socket is
    /// shut down, and the reader thread is woken to close it.
    fn end(&self, shared: &Shared, st: &mut ReadState, ending: Ending) {
        if st.ended.is_some() {
            return;
        }
        record_ending(shared, self.gen, &ending);
        st.ended = Some(ending);
        shared.poller.remove(&self.stream);
        self.stream.shutdown();
        self.reader.unpark();
    }

    fn read_once(&self, shared: &Shared, st: &mut ReadState) -> Result<bool, Ending> {
        if st.start == st.end {
            (st.start, st.end) = (0, 0);
        } else if st.start > 0 && st.buf.len() - st.end < st.buf.len() / 4 {
            st.buf.copy_within(st.start..st.end, 0);
            st.end -= st.start;
            st.start = 0;
        }
        let end = st.end;
        let n = loop {
            match self.stream.recv_now(&mut st.buf[end..]) {
                Ok(0) => return Err(("peer closed the connection".into(), false)),
                Ok(n) => break n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(false),
                Err(e) => return Err((format!("read failed: {e}"), false)),
            }
        };
        st.end += n;
        self.take_frames(shared, st)?;
        Ok(true)
    }

    /// Hands over the whole frames in the buffer and notes what to acknowledge.
    fn take_frames(&self, shared: &Shared, st: &mut ReadState) -> Result<(), Ending> {
        let mut rx = Receiving::new(shared, &self.link_shared);
        let mut delivered_to: Option<u64> = None;
        let mut acked: Option<u64> = None;
        let parsed = receive_frames(&mut rx, self.link, &st.buf[..st.end], &mut st.start, &mut delivered_to, &mut acked);
        rx.finish(&mut st.buf, &mut st.start, &mut st.end);
        parsed?;
        // Grow for a large frame that does not fit the buffer.
        if st.start == 0 && st.end == st.buf.len() {
            let need = frame::encoded_len(&st.buf);
            st.buf.resize(need.max(st.buf.len() * 2), 0);
        }
        if let Some(upto) = acked {
            let _ = shared.core.send(Cmd::Acked { link: self.link, upto });
        }
        if let Some(upto) = delivered_to {
            // Acknowledge at once every ACK_EVERY frames; otherwise the I/O
            // thread acknowledges what was delivered at the latest ACK_DELAY
            // after it arrived, so a trickle of messages does not cost an
            // ACK frame (and two wake-ups) each.
            st.owed = st.owed.max(upto);
            if st.owed >= st.acked_upto + ACK_EVERY {
                st.acked_upto = st.owed;
                let _ = shared.core.send(Cmd::SendAck { link: self.link, upto: st.owed });
            } else {
                let now = Instant::now();
                if st.ack_timer.is_none_or(|at| now >= at) {
                    let at = now + ACK_DELAY;
                    st.ack_timer = Some(at);
                    let _ = shared.core.send(Cmd::AckAt { link: self.link, at });
                }
            }
        }
        Ok(())
    }
}

/// The reader thread's part after the handshake: reads whenever data
/// arrives, unless host threads read the connection, until it has ended.
fn serve(shared: &Shared, incoming: &Arc<Incoming>) {
    incoming.take_buffered(shared);
    shared.register(incoming);
    loop {
        {
            let mut st = incoming.state.lock();
            if st.ended.is_some() {
                break;
            }
            if shared.shutdown.load(Ordering::Acquire) {
                incoming.end(shared, &mut st, ("router shut down".into(), false));
                break;
            }
        }
        if shared.host_reads() {
            // A host thread waiting for messages reads this connection itself.
            std::thread::park_timeout(STAND_DOWN);
            continue;
        }
        match incoming.stream.wait_readable(None) {
            Ok(_) => {
                incoming.read_now(shared);
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => incoming.end(shared, &mut incoming.state.lock(), (format!("waiting for data failed: {e}"), false)),
        }
    }
    shared.unregister(incoming);
}

/// Frames of one read on their way to the input queue. Consecutive plain
/// unicast frames for this process form a *run* in the read buffer; when a
/// read delivers a single run, the read buffer itself goes to the input
/// queue (the reader continues in another buffer), otherwise runs are
/// copied into one batch. Anything else is dispatched one by one, after the
/// frames before it. [`Receiving::finish`] must end every read, also a
/// failing one: it hands over the frames whose sequence numbers were taken.
struct Receiving<'a> {
    shared: &'a Shared,
    link: &'a LinkShared,
    inbound: Option<parking_lot::MutexGuard<'a, super::Inbound>>,
    /// Held while frames are batched: deciding that a frame goes straight to
    /// the input queue and putting it there happen under one read lock.
    table: Option<parking_lot::RwLockReadGuard<'a, Table>>,
    /// A destination known to be plain local under `table`.
    local: Vec<u8>,
    /// The current run: frames in the read buffer from `run_at` to `run_end`.
    run_at: usize,
    run_end: usize,
    run_frames: usize,
    /// Runs copied out of the read buffer and not delivered yet.
    batch: Batch,
    /// Frames accepted, added to the statistics once per read.
    received: u64,
}

impl<'a> Receiving<'a> {
    fn new(shared: &'a Shared, link: &'a LinkShared) -> Self {
        Receiving {
            shared,
            link,
            inbound: None,
            table: None,
            local: Vec::new(),
            run_at: 0,
            run_end: 0,
            run_frames: 0,
            batch: Batch::empty(),
            received: 0,
        }
    }

    fn inbound(&mut self) -> &mut super::Inbound {
        self.inbound.get_or_insert_with(|| self.link.inbound.lock())
    }

    /// True when a unicast frame for `dst` goes straight to the input queue:
    /// the destination resolves here and is neither migrating nor draining.
    fn plain_local(&mut self, dst: &[u8]) -> bool {
        let table = self.table.get_or_insert_with(|| self.shared.table.read());
        if frame::same_name(&self.local, dst) {
            return true;
        }
        let name = std::str::from_utf8(dst).expect("validated ASCII");
        let plain = !table.migrating.contains(name) && !table.draining.contains(name) && Shared::resolve(table, name) == Some(super::Route::Local);
        if plain {
            self.local.clear();
            self.local.extend_from_slice(dst);
        }
        plain
    }

    /// Adds the plain frame at `buf[at..at + len]`.
    fn push(&mut self, buf: &[u8], at: usize, len: usize) {
        if self.run_frames > 0 && self.run_end != at {
            self.copy_run(buf);
        }
        if self.run_frames == 0 {
            self.run_at = at;
        }
        self.run_end = at + len;
        self.run_frames += 1;
    }

    /// Copies the current run into the batch.
    fn copy_run(&mut self, buf: &[u8]) {
        if self.run_frames == 0 {
            return;
        }
        if self.batch.frames == 0 {
            self.batch = Batch { bytes: self.shared.batch_buffer(0), at: 0, end: 0, frames: 0 };
        }
        let b = &mut self.batch;
        let run = &buf[self.run_at..self.run_end];
        if b.bytes.len() < b.end + run.len() {
            b.bytes.resize(b.end + run.len(), 0);
        }
        b.bytes[b.end..b.end + run.len()].copy_from_slice(run);
        b.end += run.len();
        b.frames += self.run_frames;
        self.run_frames = 0;
    }

    /// Delivers every frame so far and lets go of the table (before a frame
    /// that is dispatched on its own: that takes the table lock itself).
    fn flush(&mut self, buf: &[u8]) {
        self.copy_run(buf);
        if self.batch.frames > 0 {
            let batch = std::mem::replace(&mut self.batch, Batch::empty());
            self.shared.deliver_batch(batch);
        }
        self.table = None;
        self.local.clear();
    }

    /// Ends a read: delivers what it batched and lets go of the locks. A
    /// lone run goes as the read buffer itself; then `buf` is replaced by a
    /// buffer holding the bytes not parsed yet (`buf[*start..*end]`).
    fn finish(mut self, buf: &mut Vec<u8>, start: &mut usize, end: &mut usize) {
        if self.run_frames > 0 && self.batch.frames == 0 {
            let mut next = self.shared.batch_buffer(buf.len());
            let rest = *end - *start;
            next[..rest].copy_from_slice(&buf[*start..*end]);
            let full = std::mem::replace(buf, next);
            let batch = Batch { bytes: full, at: self.run_at, end: self.run_end, frames: self.run_frames };
            self.shared.deliver_batch(batch);
            (*start, *end) = (0, rest);
        } else {
            self.flush(buf);
        }
        bump(&self.shared.stats.frames_received, self.received);
    }
}


/// Takes the whole frames of `buf[*start..]` (one read): checks link
/// sequences, drops duplicates, batches plain frames and dispatches the
/// rest. Records the highest sequence delivered and the highest ACK seen.
/// `Err((reason, malformed))` when the connection must close.
fn receive_frames(
    rx: &mut Receiving<'_>,
    link: usize,
    buf: &[u8],
    start: &mut usize,
    delivered_to: &mut Option<u64>,
    acked: &mut Option<u64>,
) -> Result<(), (String, bool)> {
    let max_payload = rx.shared.config.max_payload;
    loop {
        let (f, used) = match frame::decode(&buf[*start..], max_payload) {
            Ok(Some(x)) => x,
            Ok(None) => return Ok(()),
            Err(e) => return Err((format!("malformed frame: {e}"), true)),
        };
        let at = *start;
        *start += used;
        match f.header.kind {
            Kind::Hello => return Err(("second HELLO on a connection".into(), true)),
            Kind::Ack => *acked = (*acked).max(Some(f.header.link_seq)),
            Kind::Data | Kind::Multi | Kind::Broadcast => {
                let inbound = rx.inbound();
                let seq = f.header.link_seq;
                if seq <= inbound.seq {
                    *delivered_to = Some(inbound.seq);
                    bump(&rx.shared.stats.duplicates_dropped, 1);
                    continue;
                }
                if seq != inbound.seq + 1 {
                    return Err((format!("link sequence gap: expected {}, got {seq}", inbound.seq + 1), true));
                }
                inbound.seq = seq;
                *delivered_to = Some(seq);
                rx.received += 1;
                let plain = f.header.kind == Kind::Data && frame_is_direct(f.header.flags);
                if plain && rx.plain_local(f.dst) {
                    rx.push(buf, at, used);
                } else {
                    // Order: what was batched goes first.
                    rx.flush(buf);
                    dispatch_one(rx.shared, link, &f);
                }
            }
        }
    }
}

/// True for a frame sent by its source (not relayed, not a marker).
fn frame_is_direct(flags: u16) -> bool {
    flags & (frame::FLAG_RELAYED | frame::FLAG_MARKER) == 0
}

/// Dispatches a DATA, MULTI or BROADCAST frame that is not batched.
fn dispatch_one(shared: &Shared, link: usize, f: &frame::Frame<'_>) {
    let source: Arc<str> = Arc::from(std::str::from_utf8(f.src).expect("validated ASCII"));
    let payload: Arc<[u8]> = Arc::from(f.payload);
    let make = |dst: Arc<str>, kind| Message {
        command: f.header.command,
        flags: (f.header.flags >> 8) as u8,
        kind,
        relayed: f.header.flags & frame::FLAG_RELAYED != 0,
        seq: f.header.msg_seq,
        source: source.clone(),
        destination: dst,
        payload: payload.clone(),
        marker: f.header.flags & frame::FLAG_MARKER != 0,
    };
    let name = |d: &[u8]| -> Arc<str> { Arc::from(std::str::from_utf8(d).expect("validated ASCII")) };
    match f.header.kind {
        Kind::Data => shared.dispatch_incoming(make(name(f.dst), MessageKind::Unicast), link),
        Kind::Multi => {
            for d in f.dst.split(|&b| b == b'\n') {
                shared.dispatch_incoming(make(name(d), MessageKind::Multicast), link);
            }
        }
        _ => {
            let group = std::str::from_utf8(f.dst).expect("validated ASCII");
            // Deliver under the table lock, like every producer of the input queue.
            let table = shared.table.read();
            if table.groups.contains(group) {
                shared.deliver(make(Arc::from(group), MessageKind::Broadcast));
            }
        }
    }
}

