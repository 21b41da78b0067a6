//! The background threads: the I/O thread that owns every link's outgoing
//! side, one reader per connection, and one accept loop per listener.

use super::frame::{self, Header, Kind};
use super::net::{Address, Listener, Stream};
use super::reader::{self, forget_stream};
use super::{bump, counted, Cmd, PeerState, Shared};
use crossbeam::channel::{Receiver, RecvTimeoutError};
use std::collections::VecDeque;
use std::io::{ErrorKind, Write};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Capacity of a fresh outbox buffer.
const WRITE_CHUNK: usize = 256 * 1024;
/// Socket send buffer requested per connection.
const SEND_BUFFER: usize = 1 << 20;
/// Bytes of emptied outbox buffers kept for reuse per link.
const SPARE_BYTES: usize = 16 << 20;
/// Commands handled between two flushes.
const BURST: usize = 8192;
/// A blocked write gives up (and drops the connection) after this time.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

struct Conn {
    /// Shared with the link's outbox while lent to sending threads.
    stream: Arc<Stream>,
    gen: u64,
}

/// The sending side of a link, owned by the I/O thread.
struct Link {
    shared: Arc<super::LinkShared>,
    conn: Option<Conn>,
    /// Handshake done on `conn`: frames may be written.
    ready: bool,
    dial: Option<Address>,
    /// Frames taken from the outbox and not acknowledged yet, oldest first.
    /// While `ready` all of them were written on `conn`; otherwise none was
    /// (frames a sending thread wrote before are written again).
    unacked: VecDeque<Chunk>,
    /// Emptied buffers, swapped into the outbox for reuse.
    spare: Vec<Vec<u8>>,
    /// Peer session these sequences belong to (0: none yet).
    peer_session: u64,
    /// HELLO and ACK frames to write before any data.
    ctl: Vec<u8>,
    /// Redial state: attempts so far and when to try next.
    redial: Option<(u32, Instant)>,
    /// When the connection dropped (for links nobody re-dials).
    down_since: Option<Instant>,
    /// Highest sequence acknowledged to the peer.
    ack_sent: u64,
    /// When to acknowledge everything delivered at the latest.
    ack_at: Option<Instant>,
    /// A handshake completed before (later ones resend).
    was_connected: bool,
}

/// Encoded frames taken from an outbox in one go.
struct Chunk {
    bytes: Vec<u8>,
    /// Offset of the first frame not acknowledged.
    start: usize,
    /// Frames from `start` on, with consecutive link sequences.
    frames: u64,
    /// Those of them that count toward `send_queue`.
    counted: u64,
}

impl Chunk {
    fn unacked(&self) -> &[u8] {
        &self.bytes[self.start..]
    }
}

/// Numbers the encoded frames of `bytes` with consecutive link sequences from `*next`.
fn renumber(bytes: &mut [u8], next: &mut u64) {
    let mut at = 0;
    while at < bytes.len() {
        let len = frame::encoded_len(&bytes[at..]);
        frame::set_encoded_link_seq(&mut bytes[at..], *next);
        *next += 1;
        at += len;
    }
}


struct Core {
    shared: Arc<Shared>,
    links: Vec<Link>,
}

/// Registers a freshly connected stream and starts its reader.
pub(super) fn start_dialed(shared: &Arc<Shared>, link: usize, stream: Stream, dial: Option<Address>) -> std::io::Result<()> {
    let gen = shared.next_gen.fetch_add(1, Ordering::Relaxed);
    let reader = stream.try_clone()?;
    let registry = stream.try_clone()?;
    shared.streams.lock().push((gen, registry));
    let _ = shared.core.send(Cmd::Attach { link, gen, stream, dial });
    let s = shared.clone();
    if let Err(e) = shared.spawn(format!("tess-read-{}", shared.id), move || reader::read_loop(s, reader, gen, Some(link))) {
        abandon(shared, gen);
        let _ = shared.core.send(Cmd::Closed { link, gen });
        return Err(e);
    }
    Ok(())
}

/// Closes a registered connection whose reader could not be started.
fn abandon(shared: &Shared, gen: u64) {
    if let Some((_, s)) = shared.streams.lock().iter().find(|(g, _)| *g == gen) {
        s.shutdown();
    }
    forget_stream(shared, gen);
    shared.log(format!("connection {gen} closed: no thread for its reader"));
}

/// Accepts connections until the router shuts down (polled every 5 ms).
pub(super) fn accept_loop(shared: Arc<Shared>, listener: Listener) {
    while !shared.shutdown.load(Ordering::Acquire) {
        match listener.accept() {
            Ok(stream) if shared.shutdown.load(Ordering::Acquire) => stream.shutdown(),
            Ok(stream) => {
                let gen = shared.next_gen.fetch_add(1, Ordering::Relaxed);
                match stream.try_clone() {
                    Ok(registry) => {
                        shared.streams.lock().push((gen, registry));
                        let s = shared.clone();
                        if shared.spawn(format!("tess-read-{}", shared.id), move || reader::read_loop(s, stream, gen, None)).is_err() {
                            abandon(&shared, gen);
                        }
                    }
                    Err(e) => shared.log(format!("accepted connection dropped: {e}")),
                }
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                shared.log(format!("accept failed: {e}"));
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
}

/// The I/O thread: writes what sending threads queued in the outboxes (they
/// assign link sequences), resends after reconnection (renumbering for a
/// restarted peer), re-dials, and declares peers gone.
pub(super) fn core_loop(shared: Arc<Shared>, rx: Receiver<Cmd>) {
    let mut core = Core { shared, links: Vec::new() };
    loop {
        let timeout = core.next_timer().map(|t| t.saturating_duration_since(Instant::now())).unwrap_or(Duration::from_millis(100));
        let first = match rx.recv_timeout(timeout) {
            Ok(c) => Some(c),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        let mut stop = false;
        if let Some(c) = first {
            stop |= core.handle(c);
            for _ in 0..BURST {
                match rx.try_recv() {
                    Ok(c) => stop |= core.handle(c),
                    Err(_) => break,
                }
                if stop {
                    break;
                }
            }
        }
        if stop {
            // Acknowledge everything delivered so far, so peers do not resend
            // (or count as lost) what this process already received.
            for i in 0..core.links.len() {
                let upto = core.links[i].shared.inbound.lock().seq;
                core.ack(i, upto);
                core.flush(i);
            }
            break;
        }
        for i in 0..core.links.len() {
            core.flush(i);
        }
        core.timers();
    }
    for l in &core.links {
        let mut outbox = l.shared.outbox.lock();
        outbox.lent = None;
        // Sending threads may keep the link record in their route caches: not its buffer.
        outbox.bytes = Vec::new();
        drop(outbox);
        if let Some(c) = &l.conn {
            c.stream.shutdown();
        }
    }
}

impl Core {
    fn link(&mut self, i: usize) -> &mut Link {
        while self.links.len() <= i {
            let shared = self.shared.table.read().links[self.links.len()].clone();
            self.links.push(Link {
                shared,
                conn: None,
                ready: false,
                dial: None,
                unacked: VecDeque::new(),
                spare: Vec::new(),
                peer_session: 0,
                ctl: Vec::new(),
                redial: None,
                down_since: Some(Instant::now()),
                ack_sent: 0,
                ack_at: None,
                was_connected: false,
            });
        }
        &mut self.links[i]
    }

    fn set_state(&mut self, i: usize, state: PeerState) {
        self.links[i].shared.state.store(state as u8, Ordering::Release);
    }

    /// Handles one command; true on shutdown.
    fn handle(&mut self, cmd: Cmd) -> bool {
        match cmd {
            // Every pass of the loop flushes every link; the link only has to exist.
            Cmd::Flush(i) => {
                self.link(i);
            }
            Cmd::Attach { link, gen, stream, dial } => {
                // Before attaching: if the first write fails, the link must know to re-dial.
                if dial.is_some() {
                    self.link(link).dial = dial;
                }
                self.attach(link, gen, stream);
            }
            Cmd::Hello { link, gen, stream, ack, session } => {
                if let Some(stream) = stream {
                    self.attach(link, gen, stream);
                }
                self.hello(link, gen, ack, session);
            }
            Cmd::Acked { link, upto } => self.acked(link, upto),
            Cmd::AckAt { link, at } => {
                // The latest request wins: its reader asks again only after that time,
                // so an earlier one may be postponed to it but none may be dropped.
                let l = self.link(link);
                l.ack_at = Some(l.ack_at.map_or(at, |t| t.max(at)));
            }
            Cmd::SendAck { link, upto } => {
                self.link(link);
                self.ack(link, upto);
            }
            Cmd::Closed { link, gen } => {
                if self.link(link).conn.as_ref().is_some_and(|c| c.gen == gen) {
                    self.disconnect(link);
                }
            }
            Cmd::Shutdown => return true,
        }
        false
    }

    fn ack(&mut self, i: usize, upto: u64) {
        let l = &mut self.links[i];
        // Only after the handshake: the peer's HELLO may announce a new session.
        if l.ready && upto > l.ack_sent {
            l.ack_sent = upto;
            let h = Header { kind: Kind::Ack, flags: 0, command: 0, link_seq: upto, msg_seq: 0 };
            frame::encode(&mut l.ctl, &h, b"", b"", b"");
        }
    }

    /// Gives back `send_queue` room for `n` acknowledged or dropped frames.
    fn release(&self, n: usize) {
        if n > 0 {
            self.shared.counters.in_flight.fetch_sub(n, Ordering::AcqRel);
        }
    }

    /// Takes the connection back from sending threads and moves what they
    /// queued for link `i` into `unacked`. Returns the bytes and frames at
    /// the start of it that they already wrote themselves, or None when the
    /// outbox was empty. The outbox gets an empty buffer back.
    fn take_outbox(&mut self, i: usize) -> Option<(usize, u64)> {
        let l = &mut self.links[i];
        let mut outbox = l.shared.outbox.lock();
        outbox.lent = None;
        if outbox.bytes.is_empty() {
            return None;
        }
        let written = (std::mem::take(&mut outbox.written), std::mem::take(&mut outbox.written_frames));
        if written.0 < outbox.bytes.len() {
            // This thread writes them: sending threads wait a while before they write again.
            outbox.last_write = Instant::now();
        }
        let fresh = l.spare.pop().unwrap_or_else(|| Vec::with_capacity(WRITE_CHUNK));
        let bytes = std::mem::replace(&mut outbox.bytes, fresh);
        let frames = std::mem::take(&mut outbox.frames);
        let counted = std::mem::take(&mut outbox.counted);
        drop(outbox);
        l.unacked.push_back(Chunk { bytes, start: 0, frames, counted });
        Some(written)
    }

    /// Lends an idle, handshaken connection to sending threads, so the next
    /// lone frame is written without waking this thread.
    fn lend(&mut self, i: usize) {
        let l = &self.links[i];
        let Some(conn) = l.conn.as_ref().filter(|_| l.ready && l.ctl.is_empty()) else { return };
        let mut outbox = l.shared.outbox.lock();
        if outbox.bytes.is_empty() && outbox.lent.is_none() {
            outbox.lent = Some(conn.stream.clone());
        }
    }

    /// Keeps an emptied buffer for the outbox, up to `SPARE_BYTES` in all:
    /// a reused buffer costs no page faults, and in a stream outboxes grow
    /// to megabytes between two takes.
    fn recycle(&mut self, i: usize, mut bytes: Vec<u8>) {
        let spare = &mut self.links[i].spare;
        let kept: usize = spare.iter().map(Vec::capacity).sum();
        if kept + bytes.capacity() <= SPARE_BYTES {
            bytes.clear();
            spare.push(bytes);
        }
    }

    fn attach(&mut self, i: usize, gen: u64, stream: Stream) {
        if self.link(i).conn.is_some() {
            // A newer connection replaces the old one.
            self.disconnect(i);
        }
        let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
        // Room for several batches in the kernel: the I/O thread sleeps in write(2) less often.
        let _ = stream.set_send_buffer(SEND_BUFFER);
        let inbound = self.links[i].shared.inbound.lock().seq;
        let l = &mut self.links[i];
        l.ctl.clear();
        let h = Header { kind: Kind::Hello, flags: 0, command: frame::PROTOCOL_VERSION, link_seq: inbound, msg_seq: self.shared.session };
        frame::encode(&mut l.ctl, &h, self.shared.id.as_bytes(), b"", b"");
        l.conn = Some(Conn { stream: Arc::new(stream), gen });
        l.ready = false;
        l.redial = None;
        self.set_state(i, PeerState::Connecting);
        self.flush(i);
    }

    fn hello(&mut self, i: usize, gen: u64, ack: u64, session: u64) {
        let l = self.link(i);
        if l.conn.as_ref().is_none_or(|c| c.gen != gen) {
            return;
        }
        if l.peer_session != session {
            // Taken frames were numbered for the previous session; those of a
            // previous run of the peer are dropped, the rest renumbered from 1.
            if l.peer_session != 0 && !l.unacked.is_empty() {
                let dropped: Vec<Chunk> = l.unacked.drain(..).collect();
                let n: u64 = dropped.iter().map(|c| c.frames).sum();
                let peer = l.shared.peer.clone();
                self.release(dropped.iter().map(|c| c.counted as usize).sum());
                for c in dropped {
                    self.recycle(i, c.bytes);
                }
                bump(&self.shared.stats.lost, n);
                self.shared.log(format!("peer `{peer}` restarted: {n} unacknowledged messages for its previous run dropped"));
            }
            let l = &mut self.links[i];
            l.peer_session = session;
            l.ack_sent = 0;
            let mut outbox = l.shared.outbox.lock();
            let mut next = 1;
            for c in l.unacked.iter_mut() {
                let start = c.start;
                renumber(&mut c.bytes[start..], &mut next);
            }
            renumber(&mut outbox.bytes, &mut next);
            outbox.next_seq = next;
        } else {
            self.acked(i, ack);
        }
        let l = &mut self.links[i];
        l.ready = true;
        l.down_since = None;
        let resend: u64 = l.unacked.iter().map(|c| c.frames).sum();
        if l.was_connected {
            bump(&self.shared.stats.frames_resent, resend);
        }
        l.was_connected = true;
        self.set_state(i, PeerState::Connected);
        self.write_unacked(i);
    }

    /// Frees the frames acknowledged up to link sequence `upto`.
    fn acked(&mut self, i: usize, upto: u64) {
        self.link(i);
        // Frames sending threads wrote themselves are still in the outbox.
        self.flush(i);
        let mut released = 0;
        loop {
            let l = &mut self.links[i];
            let Some(c) = l.unacked.front_mut() else { break };
            let first = frame::encoded_link_seq(c.unacked());
            if first + c.frames - 1 > upto {
                // Partly acknowledged: free its leading frames one by one.
                while c.start < c.bytes.len() && frame::encoded_link_seq(c.unacked()) <= upto {
                    let f = c.unacked();
                    let n = u64::from(counted(frame::encoded_flags(f)));
                    c.start += frame::encoded_len(f);
                    c.frames -= 1;
                    c.counted -= n;
                    released += n as usize;
                }
                break;
            }
            let done = l.unacked.pop_front().expect("front exists");
            released += done.counted as usize;
            self.recycle(i, done.bytes);
        }
        self.release(released);
    }

    /// Writes pending control frames, then (when handshaken) everything
    /// queued by sending threads since the last flush that they did not
    /// write themselves; then lends the connection again if it is idle.
    fn flush(&mut self, i: usize) {
        let l = &mut self.links[i];
        if l.conn.is_none() {
            l.ctl.clear();
            // Queued frames wait in `unacked` for the next connection.
            self.take_outbox(i);
            return;
        }
        // Taken first: no sending thread may write while this one does.
        let taken = self.take_outbox(i);
        if !self.write_ctl(i) {
            return;
        }
        if let (Some((written, written_frames)), true) = (taken, self.links[i].ready) {
            // Stays in place: a failed write takes the outbox again, behind it.
            let at = self.links[i].unacked.len() - 1;
            let chunk = &mut self.links[i].unacked[at];
            if written < chunk.bytes.len() {
                let bytes = std::mem::take(&mut chunk.bytes);
                // Counted before the write, so a peer that received them sees the count.
                bump(&self.shared.stats.frames_sent, chunk.frames - written_frames);
                self.write(i, &bytes[written..]);
                self.links[i].unacked[at].bytes = bytes;
            }
        }
        self.lend(i);
    }

    /// Writes pending control frames; false when the connection failed.
    fn write_ctl(&mut self, i: usize) -> bool {
        if self.links[i].ctl.is_empty() {
            return true;
        }
        let ctl = std::mem::take(&mut self.links[i].ctl);
        let ok = self.write(i, &ctl);
        let l = &mut self.links[i];
        if l.ctl.is_empty() {
            l.ctl = ctl;
            l.ctl.clear();
        }
        ok
    }

    /// Writes every unacknowledged frame (after a handshake).
    fn write_unacked(&mut self, i: usize) {
        self.take_outbox(i);
        if !self.write_ctl(i) {
            return;
        }
        let chunks: Vec<Chunk> = self.links[i].unacked.drain(..).collect();
        bump(&self.shared.stats.frames_sent, chunks.iter().map(|c| c.frames).sum());
        for c in &chunks {
            if !self.write(i, c.unacked()) {
                break;
            }
        }
        // `disconnect` may have run; the frames stay unacknowledged either way.
        let l = &mut self.links[i];
        for c in chunks.into_iter().rev() {
            l.unacked.push_front(c);
        }
    }

    /// Writes `bytes` on link `i`'s connection; false (and disconnected) on failure.
    fn write(&mut self, i: usize, bytes: &[u8]) -> bool {
        let Some(conn) = self.links[i].conn.as_mut() else { return false };
        match (&*conn.stream).write_all(bytes) {
            Ok(()) => true,
            Err(e) => {
                let gen = conn.gen;
                self.shared.log(format!("connection {gen} write failed: {e}"));
                self.disconnect(i);
                false
            }
        }
    }

    fn disconnect(&mut self, i: usize) {
        // Taken back before the connection goes: what sending threads wrote
        // on it is resent on the next one.
        self.take_outbox(i);
        let l = &mut self.links[i];
        if let Some(c) = l.conn.take() {
            c.stream.shutdown();
        }
        l.ready = false;
        l.ctl.clear();
        l.down_since.get_or_insert_with(Instant::now);
        if l.dial.is_some() && l.redial.is_none() {
            l.redial = Some((0, Instant::now()));
        }
        self.set_state(i, PeerState::Connecting);
    }
    fn next_timer(&self) -> Option<Instant> {
        let gone_after = self.gone_after();
        self.links
            .iter()
            .filter_map(|l| match (&l.redial, l.down_since) {
                (Some((_, at)), _) => Some(*at),
                (None, Some(since)) if l.conn.is_none() && l.shared.state.load(Ordering::Acquire) != PeerState::Gone as u8 => {
                    Some(since + gone_after)
                }
                _ => None,
            })
            .chain(self.links.iter().filter_map(|l| l.ack_at))
            .min()
    }

    fn gone_after(&self) -> Duration {
        self.shared.config.reconnect_interval * self.shared.config.reconnect_attempts.max(1)
    }

    fn timers(&mut self) {
        let now = Instant::now();
        let gone_after = self.gone_after();
        for i in 0..self.links.len() {
            if self.links[i].ack_at.is_some_and(|at| now >= at) {
                // Everything delivered so far: the readers deliver frames before they let go of `inbound`.
                self.links[i].ack_at = None;
                let upto = self.links[i].shared.inbound.lock().seq;
                self.ack(i, upto);
                self.flush(i);
            }
            let l = &mut self.links[i];
            if let Some((attempts, at)) = l.redial {
                if now < at {
                    continue;
                }
                let addr = l.dial.clone().expect("redial implies an address");
                match Stream::connect(&addr, Duration::from_millis(500)) {
                    Ok(stream) => {
                        l.redial = None;
                        bump(&self.shared.stats.reconnects, 1);
                        let gen = self.shared.next_gen.fetch_add(1, Ordering::Relaxed);
                        match (stream.try_clone(), stream.try_clone()) {
                            (Ok(reader), Ok(registry)) => {
                                self.shared.streams.lock().push((gen, registry));
                                self.attach(i, gen, stream);
                                let s = self.shared.clone();
                                let name = format!("tess-read-{}", self.shared.id);
                                if self.shared.spawn(name, move || reader::read_loop(s, reader, gen, Some(i))).is_err() {
                                    abandon(&self.shared, gen);
                                    self.disconnect(i);
                                }
                            }
                            _ => l.redial = Some((attempts + 1, now + self.shared.config.reconnect_interval)),
                        }
                    }
                    Err(e) => {
                        if attempts + 1 >= self.shared.config.reconnect_attempts {
                            l.redial = None;
                            let peer = l.shared.peer.clone();
                            self.shared.log(format!("peer `{peer}` gone: {} redials to {addr} failed, last: {e}", attempts + 1));
                            self.gone(i);
                        } else {
                            l.redial = Some((attempts + 1, now + self.shared.config.reconnect_interval));
                        }
                    }
                }
            } else if l.conn.is_none()
                && l.dial.is_none()
                && l.down_since.is_some_and(|s| now >= s + gone_after)
                && l.shared.state.load(Ordering::Acquire) != PeerState::Gone as u8
            {
                let peer = l.shared.peer.clone();
                self.shared.log(format!("peer `{peer}` gone: did not reconnect within {gone_after:?}"));
                self.gone(i);
            }
        }
    }

    fn gone(&mut self, i: usize) {
        self.set_state(i, PeerState::Gone);
        // After the state change, so no sending thread adds to the outbox anymore.
        self.take_outbox(i);
        let dropped: Vec<Chunk> = self.links[i].unacked.drain(..).collect();
        let n: u64 = dropped.iter().map(|c| c.frames).sum();
        self.release(dropped.iter().map(|c| c.counted as usize).sum());
        for c in dropped {
            self.recycle(i, c.bytes);
        }
        bump(&self.shared.stats.lost, n);
    }
}
