//! The background threads: the I/O thread that owns every link's outgoing
//! side, one reader per connection, and one accept loop per listener.

use super::frame::{self, Header, Kind};
use super::net::{Address, Listener, Stream};
use super::{bump, Cmd, Message, MessageKind, OutFrame, PeerState, Shared};
use crossbeam::channel::{Receiver, RecvTimeoutError};
use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Flush a link's write buffer once it holds this many bytes.
const WRITE_CHUNK: usize = 256 * 1024;
/// Commands handled between two flushes.
const BURST: usize = 8192;
/// A connection must say HELLO within this time.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);
/// A blocked write gives up (and drops the connection) after this time.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// Frames a reader lets through before it asks for an ACK right away.
const ACK_EVERY: u64 = 256;
/// Longest delay of an acknowledgement.
const ACK_DELAY: Duration = Duration::from_millis(2);

struct Conn {
    stream: Stream,
    gen: u64,
}

/// The sending side of a link, owned by the I/O thread.
struct Link {
    shared: Arc<super::LinkShared>,
    conn: Option<Conn>,
    /// Handshake done on `conn`: frames may be written.
    ready: bool,
    dial: Option<Address>,
    /// Frames not acknowledged yet, in sequence order (`seq`, frame).
    unacked: VecDeque<(u64, OutFrame)>,
    next_seq: u64,
    /// Peer session these sequences belong to (0: none yet).
    peer_session: u64,
    wbuf: Vec<u8>,
    /// Redial state: attempts so far and when to try next.
    redial: Option<(u32, Instant)>,
    /// When the connection dropped (for links nobody re-dials).
    down_since: Option<Instant>,
    /// Highest sequence acknowledged to the peer.
    ack_sent: u64,
    /// A handshake completed before (later ones resend).
    was_connected: bool,
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
    if let Err(e) = shared.spawn(format!("tess-read-{}", shared.id), move || read_loop(s, reader, gen, Some(link))) {
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
                        if shared.spawn(format!("tess-read-{}", shared.id), move || read_loop(s, stream, gen, None)).is_err() {
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

fn forget_stream(shared: &Shared, gen: u64) {
    shared.streams.lock().retain(|(g, _)| *g != gen);
}

/// Reads frames from one connection until it closes or misbehaves.
/// `dialed`: the link this router dialled (None for accepted connections).
fn read_loop(shared: Arc<Shared>, mut stream: Stream, gen: u64, dialed: Option<usize>) {
    let (link, text, malformed) = read_frames(&shared, &mut stream, gen, dialed);
    // Count and log before closing, so a peer that sees the close also sees the reason.
    bump(&shared.stats.connections_closed, 1);
    if malformed {
        bump(&shared.stats.malformed_closed, 1);
    }
    if !shared.shutdown.load(Ordering::Acquire) {
        shared.log(format!("connection {gen} closed: {text}"));
    }
    stream.shutdown();
    forget_stream(&shared, gen);
    if let Some(link) = link {
        let _ = shared.core.send(Cmd::Closed { link, gen });
    }
}

/// Returns (link, reason, malformed).
fn read_frames(shared: &Arc<Shared>, stream: &mut Stream, gen: u64, dialed: Option<usize>) -> (Option<usize>, String, bool) {
    let max_payload = shared.config.max_payload;
    let mut buf = vec![0u8; 256 * 1024];
    let (mut start, mut end) = (0usize, 0usize);
    let mut link: Option<usize> = dialed;
    let mut handshaken = false;
    let _ = stream.set_read_timeout(Some(HANDSHAKE_TIMEOUT));
    // Interned names of the last frame, reused while they repeat.
    let mut last_src: Arc<str> = Arc::from("");
    let mut last_dst: Arc<str> = Arc::from("");
    let mut acked_upto = 0u64;
    let mut owed = 0u64;
    let mut last_ack = Instant::now();
    let mut timer_armed = false;
    loop {
        if start == end {
            start = 0;
            end = 0;
        } else if buf.len() - end < frame::HEADER_LEN {
            buf.copy_within(start..end, 0);
            end -= start;
            start = 0;
        }
        let n = match stream.read(&mut buf[end..]) {
            Ok(0) => return (link, "peer closed the connection".into(), false),
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) if !handshaken && matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return (link, "no HELLO within the handshake timeout".into(), true)
            }
            Err(e) if timer_armed && matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                // Quiet for ACK_DELAY: acknowledge what is owed, then block again.
                if let (Some(i), true) = (link, owed > acked_upto) {
                    acked_upto = owed;
                    last_ack = Instant::now();
                    let _ = shared.core.send(Cmd::SendAck { link: i, upto: owed });
                }
                timer_armed = stream.set_read_timeout(None).is_err();
                continue;
            }
            Err(e) => return (link, format!("read failed: {e}"), false),
        };
        end += n;
        let mut delivered_to: Option<u64> = None;
        loop {
            let (f, used) = match frame::decode(&buf[start..end], max_payload) {
                Ok(Some(x)) => x,
                Ok(None) => {
                    // Grow for a large frame that does not fit the buffer.
                    if start == 0 && end == buf.len() {
                        let need = u32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize + 4;
                        buf.resize(need.max(buf.len() * 2), 0);
                    }
                    break;
                }
                Err(e) => return (link, format!("malformed frame: {e}"), true),
            };
            start += used;
            if !handshaken {
                if f.header.kind != Kind::Hello {
                    return (link, format!("first frame is {:?}, not HELLO", f.header.kind), true);
                }
                let peer = std::str::from_utf8(f.src).expect("validated ASCII");
                let i = match dialed {
                    Some(i) => {
                        let expected = shared.table.read().links[i].peer.clone();
                        if *expected != *peer {
                            return (None, format!("dialled `{expected}` but the peer says it is `{peer}`"), true);
                        }
                        i
                    }
                    None => {
                        if peer == &*shared.id {
                            return (None, "peer claims this router's own id".into(), true);
                        }
                        shared.link_for_peer(peer)
                    }
                };
                link = Some(i);
                let session = f.header.msg_seq;
                {
                    let ls = shared.table.read().links[i].clone();
                    let mut inbound = ls.inbound.lock();
                    if inbound.session != session {
                        inbound.session = session;
                        inbound.seq = 0;
                    }
                }
                let write_half = if dialed.is_none() {
                    match stream.try_clone() {
                        Ok(s) => Some(s),
                        Err(e) => return (link, format!("cannot clone socket: {e}"), false),
                    }
                } else {
                    None
                };
                let _ = shared.core.send(Cmd::Hello { link: i, gen, stream: write_half, ack: f.header.link_seq, session });
                let _ = stream.set_read_timeout(None);
                handshaken = true;
                continue;
            }
            let i = link.expect("set at handshake");
            match f.header.kind {
                Kind::Hello => return (link, "second HELLO on a connection".into(), true),
                Kind::Ack => {
                    let _ = shared.core.send(Cmd::Acked { link: i, upto: f.header.link_seq });
                }
                Kind::Data | Kind::Multi | Kind::Broadcast => {
                    let ls = shared.table.read().links[i].clone();
                    let mut inbound = ls.inbound.lock();
                    let seq = f.header.link_seq;
                    if seq <= inbound.seq {
                        bump(&shared.stats.duplicates_dropped, 1);
                        delivered_to = Some(inbound.seq);
                        continue;
                    }
                    if seq != inbound.seq + 1 {
                        return (link, format!("link sequence gap: expected {}, got {seq}", inbound.seq + 1), true);
                    }
                    inbound.seq = seq;
                    delivered_to = Some(seq);
                    bump(&shared.stats.frames_received, 1);
                    if *last_src.as_bytes() != *f.src {
                        last_src = Arc::from(std::str::from_utf8(f.src).expect("validated ASCII"));
                    }
                    let payload: Arc<[u8]> = Arc::from(f.payload);
                    let relayed = f.header.flags & frame::FLAG_RELAYED != 0;
                    let make = |dst: Arc<str>, kind| Message {
                        command: f.header.command,
                        flags: (f.header.flags >> 8) as u8,
                        kind,
                        relayed,
                        seq: f.header.msg_seq,
                        source: last_src.clone(),
                        destination: dst,
                        payload: payload.clone(),
                        marker: f.header.flags & frame::FLAG_MARKER != 0,
                    };
                    match f.header.kind {
                        Kind::Data => {
                            if *last_dst.as_bytes() != *f.dst {
                                last_dst = Arc::from(std::str::from_utf8(f.dst).expect("validated ASCII"));
                            }
                            shared.dispatch_incoming(make(last_dst.clone(), MessageKind::Unicast), i);
                        }
                        Kind::Multi => {
                            for d in f.dst.split(|&b| b == b'\n') {
                                let d: Arc<str> = Arc::from(std::str::from_utf8(d).expect("validated ASCII"));
                                shared.dispatch_incoming(make(d, MessageKind::Multicast), i);
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
            }
        }
        if let (Some(upto), Some(i)) = (delivered_to, link) {
            // Acknowledge at once every ACK_EVERY frames or ACK_DELAY; what is
            // left is acknowledged when no more bytes come within ACK_DELAY
            // (the read times out), so a trickle of messages does not cost an
            // ACK frame (and two wake-ups) each.
            owed = owed.max(upto);
            if owed >= acked_upto + ACK_EVERY || last_ack.elapsed() >= ACK_DELAY {
                acked_upto = owed;
                last_ack = Instant::now();
                let _ = shared.core.send(Cmd::SendAck { link: i, upto: owed });
            } else if !timer_armed {
                timer_armed = stream.set_read_timeout(Some(ACK_DELAY)).is_ok();
            }
        }
    }
}

/// The I/O thread: assigns link sequences, writes frames, resends after
/// reconnection, re-dials, and declares peers gone.
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
                next_seq: 1,
                peer_session: 0,
                wbuf: Vec::with_capacity(WRITE_CHUNK),
                redial: None,
                down_since: Some(Instant::now()),
                ack_sent: 0,
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
            Cmd::Send(i, out) => self.send(i, out),
            Cmd::Attach { link, gen, stream, dial } => {
                self.attach(link, gen, stream);
                if dial.is_some() {
                    self.links[link].dial = dial;
                }
            }
            Cmd::Hello { link, gen, stream, ack, session } => {
                if let Some(stream) = stream {
                    self.attach(link, gen, stream);
                }
                self.hello(link, gen, ack, session);
            }
            Cmd::Acked { link, upto } => self.acked(link, upto),
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
            frame::encode(&mut l.wbuf, &h, b"", b"", b"");
        }
    }

    fn release(&self, frames: impl Iterator<Item = OutFrame>) -> usize {
        let mut n = 0;
        let mut counted = 0;
        for f in frames {
            n += 1;
            counted += usize::from(f.counted);
        }
        if counted > 0 {
            self.shared.in_flight.fetch_sub(counted, Ordering::AcqRel);
        }
        n
    }

    fn send(&mut self, i: usize, out: OutFrame) {
        let shared = self.shared.clone();
        let id = &shared.id;
        let l = self.link(i);
        if l.shared.state.load(Ordering::Acquire) == PeerState::Gone as u8 {
            let peer = l.shared.peer.clone();
            self.release(std::iter::once(out));
            bump(&self.shared.stats.lost, 1);
            self.shared.log(format!("message for `{peer}` dropped: peer gone"));
            return;
        }
        let seq = l.next_seq;
        l.next_seq += 1;
        if l.ready {
            encode_out(&mut l.wbuf, id, seq, &out);
            bump(&shared.stats.frames_sent, 1);
        }
        l.unacked.push_back((seq, out));
        if l.wbuf.len() >= WRITE_CHUNK {
            self.flush(i);
        }
    }

    fn attach(&mut self, i: usize, gen: u64, stream: Stream) {
        if self.link(i).conn.is_some() {
            // A newer connection replaces the old one.
            self.disconnect(i);
        }
        let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
        let inbound = self.links[i].shared.inbound.lock().seq;
        let l = &mut self.links[i];
        l.wbuf.clear();
        let h = Header { kind: Kind::Hello, flags: 0, command: frame::PROTOCOL_VERSION, link_seq: inbound, msg_seq: self.shared.session };
        frame::encode(&mut l.wbuf, &h, self.shared.id.as_bytes(), b"", b"");
        l.conn = Some(Conn { stream, gen });
        l.ready = false;
        l.redial = None;
        self.set_state(i, PeerState::Connecting);
        self.flush(i);
    }

    fn hello(&mut self, i: usize, gen: u64, ack: u64, session: u64) {
        let id = self.shared.id.clone();
        let l = self.link(i);
        if l.conn.as_ref().is_none_or(|c| c.gen != gen) {
            return;
        }
        if l.peer_session != session {
            if l.peer_session != 0 && !l.unacked.is_empty() {
                let n = l.unacked.len();
                let peer = l.shared.peer.clone();
                let dropped: Vec<OutFrame> = l.unacked.drain(..).map(|(_, f)| f).collect();
                self.release(dropped.into_iter());
                bump(&self.shared.stats.lost, n as u64);
                self.shared.log(format!("peer `{peer}` restarted: {n} unacknowledged messages for its previous run dropped"));
            }
            let l = &mut self.links[i];
            // Renumber what is queued for the new session from 1.
            l.peer_session = session;
            l.ack_sent = 0;
            l.next_seq = 1;
            for (seq, _) in l.unacked.iter_mut() {
                *seq = l.next_seq;
                l.next_seq += 1;
            }
        } else {
            self.acked(i, ack);
        }
        let stats = &self.shared.stats;
        let l = &mut self.links[i];
        let mut resent = 0;
        for (seq, out) in &l.unacked {
            encode_out(&mut l.wbuf, &id, *seq, out);
            resent += 1;
        }
        bump(&stats.frames_sent, resent);
        if l.was_connected {
            bump(&stats.frames_resent, resent);
        }
        l.was_connected = true;
        l.ready = true;
        l.down_since = None;
        self.set_state(i, PeerState::Connected);
        self.flush(i);
    }

    fn acked(&mut self, i: usize, upto: u64) {
        let l = self.link(i);
        let mut freed = Vec::new();
        while l.unacked.front().is_some_and(|(s, _)| *s <= upto) {
            freed.push(l.unacked.pop_front().expect("non-empty").1);
        }
        self.release(freed.into_iter());
    }

    fn flush(&mut self, i: usize) {
        let l = &mut self.links[i];
        if l.wbuf.is_empty() {
            return;
        }
        let Some(conn) = l.conn.as_mut() else {
            l.wbuf.clear();
            return;
        };
        let result = conn.stream.write_all(&l.wbuf);
        l.wbuf.clear();
        if let Err(e) = result {
            let gen = conn.gen;
            self.shared.log(format!("connection {gen} write failed: {e}"));
            self.disconnect(i);
        }
    }

    fn disconnect(&mut self, i: usize) {
        let l = &mut self.links[i];
        if let Some(c) = l.conn.take() {
            c.stream.shutdown();
        }
        l.ready = false;
        l.wbuf.clear();
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
            .min()
    }

    fn gone_after(&self) -> Duration {
        self.shared.config.reconnect_interval * self.shared.config.reconnect_attempts.max(1)
    }

    fn timers(&mut self) {
        let now = Instant::now();
        let gone_after = self.gone_after();
        for i in 0..self.links.len() {
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
                                if self.shared.spawn(name, move || read_loop(s, reader, gen, Some(i))).is_err() {
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
        let l = &mut self.links[i];
        let dropped: Vec<OutFrame> = l.unacked.drain(..).map(|(_, f)| f).collect();
        let n = self.release(dropped.into_iter());
        bump(&self.shared.stats.lost, n as u64);
    }
}

fn encode_out(buf: &mut Vec<u8>, id: &str, seq: u64, out: &OutFrame) {
    let h = Header { kind: out.kind, flags: out.flags, command: out.command, link_seq: seq, msg_seq: out.msg_seq };
    frame::encode(buf, &h, id.as_bytes(), out.dst.as_bytes(), &out.payload);
}
