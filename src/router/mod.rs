//! Message router: cross-process dispatch between game-server processes.
//!
//! Every router has a server id (`"zone1"`). Destinations are strings
//! `server_id::target_id[::…]`; a router keeps an anchor map from
//! `::`-separated prefixes to routes and sends a message along the longest
//! prefix it knows. A destination in the own process goes straight to the
//! local input queue without touching a socket.
//!
//! - **Transport**: Unix domain sockets or loopback TCP; length-prefixed
//!   frames with a 32-byte header ([`frame`]); a strict decoder closes a
//!   connection that sends malformed bytes and logs why ([`Router::log`]).
//! - **Threads**: a sending thread encodes its frame straight into the
//!   link's outbox (a byte buffer), through a cached route that needs no
//!   table lock while the table is unchanged; one background I/O thread per
//!   router takes everything queued there at once, writes it with one
//!   `write(2)` and keeps it until a cumulative acknowledgement covers it. A
//!   lone frame on an idle link is written by the sending thread itself, on
//!   the connection the I/O thread lends it while it has nothing to write.
//!   One reader thread per connection validates whole reads and hands the
//!   plain unicast frames for this process to the input queue as one batch.
//!   A host thread waiting in `recv` reads the connections itself (the
//!   readers stand down meanwhile), so an arriving message wakes only it.
//!   Nothing calls back into the host: messages are taken with
//!   [`Router::poll`] / [`Router::recv`] (owned messages) or copied into
//!   caller buffers without allocating ([`Router::poll_into`],
//!   [`Router::recv_into`], and many per call with
//!   [`Router::recv_many_into`]).
//! - **Guarantees**: per-sender FIFO per destination; each link numbers its
//!   frames, the receiver acknowledges them cumulatively, a dropped
//!   connection is re-dialled and unacknowledged frames are resent; the
//!   receiver drops duplicates by link sequence. Nothing is lost, nothing is
//!   duplicated, order is kept, as long as the peer comes back within
//!   `reconnect_attempts × reconnect_interval` (after that it is *gone* and
//!   its unacknowledged frames are counted in [`RouterStats::lost`]).
//! - **Backpressure**: at most `send_queue` own messages may be
//!   unacknowledged; beyond that [`Router::send`] returns
//!   [`RouterError::Full`] and the message is not queued.
//! - **Multicast** serialises the payload once and sends one frame per
//!   connection carrying every destination behind it; **broadcast** groups
//!   are joined per process and filtered at the receiving side.
//! - **Migration**: [`Router::begin_migration`] holds messages for a target;
//!   [`Router::end_migration`] points the target at its new home, forwards
//!   the held messages in order and relays later ones; the new home calls
//!   [`Router::adopt`] and gets relayed messages (held until then) in order.
//!
//! ```
//! use tessera::router::{Config, Router};
//! use std::time::Duration;
//! let dir = std::env::temp_dir().join(format!("tess-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let addr = format!("unix:{}", dir.join("a.sock").display());
//! let a = Router::new("a", Config::default()).unwrap();
//! a.listen(&addr).unwrap();
//! let b = Router::new("b", Config::default()).unwrap();
//! b.connect("a", &addr).unwrap();
//! b.send("a::npc7", 0x0102, 0, b"hello").unwrap();
//! let m = a.recv(Duration::from_secs(5)).unwrap().expect("delivered");
//! assert_eq!((&*m.source, &*m.destination, m.command, &m.payload[..]), ("b", "a::npc7", 0x0102, &b"hello"[..]));
//! // Own-process destinations never touch a socket; unknown ones have no route.
//! a.send("a::self", 1, 0, b"x").unwrap();
//! assert_eq!(&*a.poll().unwrap().destination, "a::self");
//! assert!(a.send("zz::q", 1, 0, b"x").is_err());
//! ```

pub mod frame;
mod inbox;
mod io;
pub mod net;
mod reader;
#[cfg(test)]
mod tests;

use crossbeam::channel::{unbounded, Receiver, Sender};
use frame::{valid_name, MAX_ID_LEN, MAX_NAME_LEN};
use inbox::{Batch, Cursor, Delivery};
pub(crate) use inbox::{Copier, View};
pub use inbox::{MessageInfo, Received, ReceivedMany};
use net::{Address, Listener, Stream};
use parking_lot::{Mutex, RwLock};
use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Router settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Largest payload in bytes accepted by `send` and by the decoder.
    pub max_payload: usize,
    /// Own messages that may be unacknowledged at once (the send queue).
    pub send_queue: usize,
    /// Redial attempts after a connection drops before the peer is gone.
    pub reconnect_attempts: u32,
    /// Pause between redial attempts.
    pub reconnect_interval: Duration,
    /// Messages held per migrating or not-yet-adopted target.
    pub hold_limit: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_payload: 64 * 1024,
            send_queue: 1 << 16,
            reconnect_attempts: 100,
            reconnect_interval: Duration::from_millis(20),
            hold_limit: 1 << 16,
        }
    }
}

/// How a message was addressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    /// To one destination.
    Unicast = 0,
    /// One of several destinations of one multicast.
    Multicast = 1,
    /// To a broadcast group; `destination` is the group.
    Broadcast = 2,
}

/// A received message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
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
    /// Server id of the sending router.
    pub source: Arc<str>,
    /// The destination it was addressed to, or the group of a broadcast.
    pub destination: Arc<str>,
    /// The bytes sent (shared, not copied, between multicast destinations).
    pub payload: Arc<[u8]>,
    /// An adopt marker (internal; never handed to the host).
    pub(crate) marker: bool,
}

/// Why a router call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouterError {
    /// No anchor matches any prefix of the destination.
    NoRoute(String),
    /// The payload is longer than `Config::max_payload`.
    PayloadTooLarge {
        /// Bytes given.
        len: usize,
        /// The configured maximum.
        max: usize,
    },
    /// `send_queue` messages are unacknowledged; try again later.
    Full,
    /// The peer on the route did not come back after its connection dropped.
    PeerGone(String),
    /// A name, id or address is malformed.
    Invalid(String),
    /// Something is already listening on the address.
    AddressInUse(String),
    /// A socket call failed.
    Io(String),
    /// The peer or anchor already exists.
    AlreadyExists(String),
    /// The peer, anchor or target is unknown.
    NotFound(String),
    /// The call does not fit the current state (for example ending a migration that never began).
    WrongState(String),
    /// Waiting timed out.
    Timeout,
}

impl fmt::Display for RouterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouterError::NoRoute(d) => write!(f, "no route to `{d}`: no anchor matches any `::` prefix"),
            RouterError::PayloadTooLarge { len, max } => write!(f, "payload of {len} bytes is over the maximum of {max}"),
            RouterError::Full => write!(f, "send queue full: too many unacknowledged messages"),
            RouterError::PeerGone(p) => write!(f, "peer `{p}` is gone (connection lost and not re-established)"),
            RouterError::Invalid(t) | RouterError::Io(t) | RouterError::WrongState(t) => f.write_str(t),
            RouterError::AddressInUse(a) => write!(f, "address `{a}` is in use"),
            RouterError::AlreadyExists(t) => write!(f, "`{t}` already exists"),
            RouterError::NotFound(t) => write!(f, "`{t}` is not known"),
            RouterError::Timeout => write!(f, "timed out"),
        }
    }
}

impl std::error::Error for RouterError {}

/// State of a peer link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerState {
    /// Connecting, handshaking or re-dialling; sends are queued.
    Connecting = 0,
    /// Connected and handshaken.
    Connected = 1,
    /// The connection dropped and was not re-established.
    Gone = 2,
}

/// Counters since the router was created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RouterStats {
    /// Frames written to connections, counting every resend.
    pub frames_sent: u64,
    /// Data frames accepted from sockets (not counting duplicates).
    pub frames_received: u64,
    /// Frames written on a connection that replaced a dropped one (resent, or queued while it was down).
    pub frames_resent: u64,
    /// Frames dropped as duplicates by link sequence.
    pub duplicates_dropped: u64,
    /// Connections closed for any reason.
    pub connections_closed: u64,
    /// Connections closed because they sent malformed bytes.
    pub malformed_closed: u64,
    /// Successful re-dials.
    pub reconnects: u64,
    /// Messages dropped: peer gone, no route on arrival, hold limit.
    pub lost: u64,
    /// Messages forwarded for a migrated target.
    pub relayed: u64,
}

#[derive(Default)]
struct SendCounters {
    /// Own messages sent to peers and not acknowledged (at most `send_queue`).
    in_flight: AtomicUsize,
    /// The last message sequence given out.
    msg_seq: AtomicU64,
}

#[derive(Default)]
struct Stats {
    frames_sent: AtomicU64,
    frames_received: AtomicU64,
    frames_resent: AtomicU64,
    duplicates_dropped: AtomicU64,
    connections_closed: AtomicU64,
    malformed_closed: AtomicU64,
    reconnects: AtomicU64,
    lost: AtomicU64,
    relayed: AtomicU64,
}

fn bump(c: &AtomicU64, n: u64) {
    c.fetch_add(n, Ordering::Relaxed);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Local,
    Link(usize),
}

/// Receiving-side state of a link, shared by its reader threads.
struct Inbound {
    /// Highest link sequence delivered.
    seq: u64,
    /// Session id of the peer process these sequences belong to.
    session: u64,
}

/// Frames encoded by sending threads and not yet taken by the I/O thread.
struct Outbox {
    /// Whole encoded frames, in link sequence order.
    bytes: Vec<u8>,
    /// Frames in `bytes`.
    frames: u64,
    /// Those of them that count toward `send_queue`.
    counted: u64,
    /// Link sequence of the next frame.
    next_seq: u64,
    /// The link's connection, lent by the I/O thread while the link is idle
    /// (handshaken, nothing of its own to write): a sending thread that finds
    /// every earlier frame written may write its frame itself, under this
    /// lock. The I/O thread takes it back (under this lock) before it writes.
    lent: Option<Arc<Stream>>,
    /// Leading bytes of `bytes` written on the lent connection (0 when not lent).
    written: usize,
    /// Frames in those bytes.
    written_frames: u64,
    /// Last write of this link's frames: a sending thread writes directly
    /// only when it was at least `DIRECT_WRITE_GAP` ago, so a stream of
    /// messages keeps going through the I/O thread in large writes.
    last_write: Instant,
}

/// A link to one peer process, visible to every thread.
struct LinkShared {
    peer: Arc<str>,
    state: AtomicU8,
    inbound: Mutex<Inbound>,
    outbox: Mutex<Outbox>,
}

mod anchors {
    use super::Route;
    use std::collections::HashMap;

    /// Prefix → route.
    #[derive(Default)]
    pub(super) struct Anchors {
        map: HashMap<Box<str>, Route>,
    }

    impl Anchors {
        pub(super) fn get(&self, prefix: &str) -> Option<Route> {
            self.map.get(prefix).copied()
        }
        pub(super) fn insert(&mut self, prefix: &str, route: Route) {
            self.map.insert(Box::from(prefix), route);
        }
        pub(super) fn insert_if_absent(&mut self, prefix: &str, route: Route) {
            if !self.map.contains_key(prefix) {
                self.insert(prefix, route);
            }
        }
        pub(super) fn remove(&mut self, prefix: &str) -> Option<Route> {
            self.map.remove(prefix)
        }
    }

    impl<'a> FromIterator<(&'a str, Route)> for Anchors {
        fn from_iter<I: IntoIterator<Item = (&'a str, Route)>>(iter: I) -> Self {
            let mut a = Anchors::default();
            for (p, r) in iter {
                a.insert(p, r);
            }
            a
        }
    }
}
use anchors::Anchors;

/// The last destination a thread sent to and its route, valid for one
/// router (`instance`) while its table generation is `generation`.
struct LastRoute {
    instance: u64,
    generation: u64,
    destination: String,
    route: Option<Route>,
    /// The link, when messages for `destination` go to it (the route is a
    /// link and the destination is not migrating): later sends to it take
    /// no table lock. Keeps only the small link record alive after its
    /// router is gone (the I/O thread empties the outbox when it stops).
    link: Option<Arc<LinkShared>>,
}

thread_local! {
    /// Set while a host thread waiting in `recv` reads a connection itself:
    /// what it delivers it finds in the queue without being woken.
    static HOST_READING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static LAST_ROUTE: std::cell::RefCell<LastRoute> = const {
        std::cell::RefCell::new(LastRoute { instance: 0, generation: 0, destination: String::new(), route: None, link: None })
    };
}

struct Table {
    anchors: Anchors,
    links: Vec<Arc<LinkShared>>,
    by_peer: HashMap<Arc<str>, usize>,
    groups: HashSet<Box<str>>,
    migrating: HashSet<Box<str>>,
    /// Adopted targets whose own earlier sends (via the old home) are still
    /// on their way back; own new sends wait behind them.
    draining: HashSet<Box<str>>,
}

#[derive(Default)]
struct Holds {
    /// Messages for targets in migration, in arrival order.
    held: HashMap<Box<str>, VecDeque<Message>>,
    /// Relayed messages for targets not adopted yet.
    pending: HashMap<Box<str>, VecDeque<Message>>,
    /// Own messages for adopted targets that are draining.
    draining: HashMap<Box<str>, VecDeque<Message>>,
}

/// A frame to queue for a link. Relayed frames and adopt markers do not
/// count toward the sender's `send_queue`; every other frame does.
struct OutFrame<'a> {
    kind: frame::Kind,
    flags: u16,
    command: u16,
    msg_seq: u64,
    dst: &'a str,
    payload: &'a [u8],
}

/// True when an encoded frame with these flags counts toward `send_queue`.
fn counted(flags: u16) -> bool {
    flags & (frame::FLAG_RELAYED | frame::FLAG_MARKER) == 0
}

enum Cmd {
    /// A link's outbox became non-empty.
    Flush(usize),
    Attach { link: usize, gen: u64, stream: Stream, dial: Option<Address> },
    Hello { link: usize, gen: u64, stream: Option<Stream>, ack: u64, session: u64 },
    Acked { link: usize, upto: u64 },
    SendAck { link: usize, upto: u64 },
    /// Acknowledge everything delivered on `link` at `at` at the latest.
    AckAt { link: usize, at: Instant },
    Closed { link: usize, gen: u64 },
    Shutdown,
}

struct Shared {
    id: Arc<str>,
    session: u64,
    config: Config,
    // Padded: read-locked per message, it must not share a cache line with counters other threads write.
    table: crossbeam::utils::CachePadded<RwLock<Table>>,
    /// Changes with every change of `table`, under its write lock and before
    /// anything else the writer does. Read per message by sending threads.
    generation: crossbeam::utils::CachePadded<AtomicU64>,
    /// Tells this router apart from every other one in the process (for the
    /// threads' route caches).
    instance: u64,
    holds: Mutex<Holds>,
    inbox: Sender<Delivery>,
    /// Messages in `inbox` (batches count their frames).
    queued: AtomicUsize,
    /// Emptied batch buffers, back from the host thread for the readers.
    spare_batches: Mutex<Vec<Vec<u8>>>,
    core: Sender<Cmd>,
    log: Mutex<VecDeque<String>>,
    stats: Stats,
    /// Updated by every send: on a cache line of their own.
    counters: crossbeam::utils::CachePadded<SendCounters>,
    shutdown: AtomicBool,
    next_gen: AtomicU64,
    /// Every open connection, so faults and shutdown can cut them all.
    streams: Mutex<Vec<(u64, Stream)>>,
    /// Readiness of every handshaken connection (keyed by its number) and
    /// a wake-up for deliveries: what a host thread waits on in `recv`.
    poller: net::Poller,
    /// The handshaken connections' receiving sides, for the host threads.
    incoming: Mutex<Vec<Arc<reader::Incoming>>>,
    /// Host threads waiting in `recv` right now.
    host_waiting: AtomicUsize,
    /// When a host thread last stopped waiting (nanoseconds since `epoch`; 0: never).
    host_waited_at: AtomicU64,
    epoch: Instant,
    threads: Mutex<Vec<JoinHandle<()>>>,
    echo_log: bool,
}

const LOG_LINES: usize = 256;
/// A sending thread writes its frame directly only when the link's last
/// write was at least this long ago: a lone message skips the I/O thread's
/// wake-up, while a stream of messages is still written in large batches.
const DIRECT_WRITE_GAP: Duration = Duration::from_micros(20);
/// Batch buffers kept for reuse (a fresh large buffer costs page faults).
const SPARE_BATCHES: usize = 16;
/// Size of a reader's buffer (more for a frame that does not fit).
const READ_BUFFER: usize = 256 * 1024;

impl Shared {
    fn log(&self, text: String) {
        if self.echo_log {
            eprintln!("tessera router `{}`: {text}", self.id);
        }
        let mut log = self.log.lock();
        if log.len() == LOG_LINES {
            log.pop_front();
        }
        log.push_back(text);
    }

    /// Starts a background thread; an error when the system has no thread to give.
    fn spawn(&self, name: String, body: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
        let handle = std::thread::Builder::new().name(name).spawn(body)?;
        let mut threads = self.threads.lock();
        threads.retain(|t| !t.is_finished());
        threads.push(handle);
        Ok(())
    }

    /// Longest-prefix route of `dest` (a valid name).
    fn resolve(table: &Table, dest: &str) -> Option<Route> {
        let mut end = dest.len();
        loop {
            if let Some(r) = table.anchors.get(&dest[..end]) {
                return Some(r);
            }
            end = dest[..end].rfind("::")?;
        }
    }

    /// The routing table for writing. The generation changes first: a
    /// sending thread that finds it unchanged under an outbox lock (see
    /// [`Shared::send_on_cached_link`]) has queued its frame before anything
    /// this writer queues on that link.
    fn write_table(&self) -> parking_lot::RwLockWriteGuard<'_, Table> {
        let table = self.table.write();
        self.generation.fetch_add(1, Ordering::AcqRel);
        table
    }

    /// [`Shared::resolve`] through this thread's cache of its last answer;
    /// caches the link too when `dest` goes to one and is not migrating.
    fn resolve_cached(&self, table: &Table, dest: &str, migrating: bool) -> Option<Route> {
        // Stable while the read lock is held: writers change it under the write lock.
        let generation = self.generation.load(Ordering::Acquire);
        LAST_ROUTE.with(|last| {
            let mut last = last.borrow_mut();
            if last.instance == self.instance && last.generation == generation && frame::same_name(last.destination.as_bytes(), dest.as_bytes()) {
                return last.route;
            }
            let route = Self::resolve(table, dest);
            let link = match route {
                Some(Route::Link(i)) if !migrating => Some(table.links[i].clone()),
                _ => None,
            };
            *last = LastRoute { instance: self.instance, generation, destination: std::mem::take(&mut last.destination), route, link };
            last.destination.clear();
            last.destination.push_str(dest);
            route
        })
    }

    /// Sends on the link this thread cached for `dest`, without the table
    /// lock, when the table has not changed since (checked under the outbox
    /// lock, so a concurrent writer either comes after this frame on the
    /// link or makes this return `None`: then nothing was queued and the
    /// caller takes the locked path). `None` too when nothing usable is
    /// cached or the link is gone (the locked path reports it).
    fn send_on_cached_link<'a>(&self, dest: &str, make: impl FnOnce(u64) -> OutFrame<'a>) -> Option<Result<(), RouterError>> {
        LAST_ROUTE.with(|last| {
            let last = last.borrow();
            if last.instance != self.instance || !frame::same_name(last.destination.as_bytes(), dest.as_bytes()) {
                return None;
            }
            let (Some(link), Some(Route::Link(i))) = (&last.link, last.route) else { return None };
            if link.state.load(Ordering::Acquire) == PeerState::Gone as u8 {
                return None;
            }
            if let Err(e) = self.reserve(1) {
                return Some(Err(e));
            }
            let msg_seq = self.counters.msg_seq.fetch_add(1, Ordering::Relaxed) + 1;
            if self.enqueue_while(link, i, make(msg_seq), Some(last.generation)) {
                Some(Ok(()))
            } else {
                self.unreserve(1);
                None
            }
        })
    }

    /// Takes room for `n` own messages in the send queue.
    fn reserve(&self, n: usize) -> Result<(), RouterError> {
        let cap = self.config.send_queue;
        let before = self.counters.in_flight.fetch_add(n, Ordering::AcqRel);
        if before + n > cap {
            self.unreserve(n);
            return Err(RouterError::Full);
        }
        Ok(())
    }

    fn unreserve(&self, n: usize) {
        self.counters.in_flight.fetch_sub(n, Ordering::AcqRel);
    }

    /// The link to `peer`, created (with an anchor `peer`) when new.
    fn link_for_peer(&self, peer: &str) -> usize {
        if let Some(&i) = self.table.read().by_peer.get(peer) {
            return i;
        }
        let mut t = self.write_table();
        if let Some(&i) = t.by_peer.get(peer) {
            return i;
        }
        let i = t.links.len();
        let peer: Arc<str> = Arc::from(peer);
        t.links.push(Arc::new(LinkShared {
            peer: peer.clone(),
            state: AtomicU8::new(PeerState::Connecting as u8),
            inbound: Mutex::new(Inbound { seq: 0, session: 0 }),
            outbox: Mutex::new(Outbox {
                bytes: Vec::new(),
                frames: 0,
                counted: 0,
                next_seq: 1,
                lent: None,
                written: 0,
                written_frames: 0,
                last_write: Instant::now(),
            }),
        }));
        t.by_peer.insert(peer.clone(), i);
        t.anchors.insert_if_absent(&peer, Route::Link(i));
        i
    }

    fn deliver(&self, msg: Message) {
        self.queued.fetch_add(1, Ordering::AcqRel);
        // The receiver lives as long as `Router`; after it is gone nobody reads.
        let _ = self.inbox.send(Delivery::One(msg));
        self.wake_host();
    }

    /// Wakes a host thread waiting in `recv` for a delivery just made
    /// (unless this thread is that host, reading a connection itself).
    fn wake_host(&self) {
        // Pairs with the fence in `HostWait::begin`: either the waiting host
        // sees the delivery in the queue or this thread sees it waiting.
        std::sync::atomic::fence(Ordering::SeqCst);
        if self.host_waiting.load(Ordering::Relaxed) > 0 && !HOST_READING.with(std::cell::Cell::get) {
            self.poller.wake();
        }
    }

    /// True while a host thread waits in `recv` or did so within
    /// `reader::STAND_DOWN`: reader threads leave the connections to it.
    fn host_reads(&self) -> bool {
        if self.host_waiting.load(Ordering::Acquire) > 0 {
            return true;
        }
        let last = self.host_waited_at.load(Ordering::Acquire);
        last != 0 && self.since_epoch().saturating_sub(last) < reader::STAND_DOWN.as_nanos() as u64
    }

    /// Nanoseconds since the router was created (at least 1).
    fn since_epoch(&self) -> u64 {
        (self.epoch.elapsed().as_nanos() as u64).max(1)
    }

    /// Reads connection `gen` on a host thread waiting in `recv`.
    fn read_connection(&self, gen: u64) {
        let found = self.incoming.lock().iter().find(|c| c.gen == gen).cloned();
        if let Some(incoming) = found {
            HOST_READING.with(|r| r.set(true));
            incoming.read_now(self);
            HOST_READING.with(|r| r.set(false));
        }
    }

    /// Lets host threads read a handshaken connection (its reader thread calls it).
    fn register(&self, incoming: &Arc<reader::Incoming>) {
        self.incoming.lock().push(incoming.clone());
        if let Err(e) = self.poller.add(incoming.stream(), incoming.gen) {
            self.log(format!("connection {} is read by its reader thread only: {e}", incoming.gen));
        }
    }

    fn unregister(&self, incoming: &reader::Incoming) {
        self.poller.remove(incoming.stream());
        self.incoming.lock().retain(|c| c.gen != incoming.gen);
    }

    /// A buffer of at least `min_len` bytes (of any content) for a batch
    /// or a reader, reused when one came back.
    fn batch_buffer(&self, min_len: usize) -> Vec<u8> {
        let mut bytes = self.spare_batches.lock().pop().unwrap_or_default();
        if bytes.len() < min_len.max(READ_BUFFER) {
            bytes.resize(min_len.max(READ_BUFFER), 0);
        }
        bytes
    }

    /// Takes back a delivered batch's buffer. Its bytes stay as they are:
    /// whoever reuses it overwrites them.
    fn recycle_batch(&self, bytes: Vec<u8>) {
        let mut spare = self.spare_batches.lock();
        if spare.len() < SPARE_BATCHES && bytes.capacity() <= 1 << 20 {
            spare.push(bytes);
        }
    }

    fn deliver_batch(&self, batch: Batch) {
        self.queued.fetch_add(batch.frames, Ordering::AcqRel);
        let _ = self.inbox.send(Delivery::Frames(batch));
        self.wake_host();
    }

    /// Encodes `out` into link `i`'s outbox with the next link sequence.
    /// When the link is idle (its connection lent, every earlier frame
    /// written, no write for `DIRECT_WRITE_GAP`) the frame is written right
    /// here; otherwise the I/O thread is woken if it has nothing to write yet
    /// (it writes everything queued at once). Either way the frame stays in
    /// the outbox until the I/O thread moves it to its unacknowledged frames.
    /// For a gone peer the frame is dropped and counted lost.
    fn enqueue(&self, link: &LinkShared, i: usize, out: OutFrame<'_>) {
        self.enqueue_while(link, i, out, None);
    }

    /// [`Shared::enqueue`], when `generation` is given only while the table
    /// generation still is that; false (nothing queued) when it changed.
    #[inline]
    fn enqueue_while(&self, link: &LinkShared, i: usize, out: OutFrame<'_>, generation: Option<u64>) -> bool {
        let mut outbox = link.outbox.lock();
        if generation.is_some_and(|g| self.generation.load(Ordering::Acquire) != g) {
            return false;
        }
        // Checked under the outbox lock: the I/O thread marks a link gone
        // before it empties the outbox under the same lock.
        if link.state.load(Ordering::Acquire) == PeerState::Gone as u8 {
            drop(outbox);
            self.drop_for_gone_peer(link, counted(out.flags));
            return true;
        }
        let from = outbox.bytes.len();
        let nothing_pending = outbox.written == from;
        let seq = outbox.next_seq;
        outbox.next_seq += 1;
        outbox.frames += 1;
        outbox.counted += u64::from(counted(out.flags));
        let h = frame::Header { kind: out.kind, flags: out.flags, command: out.command, link_seq: seq, msg_seq: out.msg_seq };
        frame::encode(&mut outbox.bytes, &h, self.id.as_bytes(), out.dst.as_bytes(), out.payload);
        if nothing_pending {
            self.start_writing(outbox, i, from);
        }
        true
    }

    /// A frame went into an outbox that had nothing to write: write it
    /// directly or wake the I/O thread.
    #[inline(never)]
    fn start_writing(&self, mut outbox: parking_lot::MutexGuard<'_, Outbox>, i: usize, from: usize) {
        if !(outbox.lent.is_some() && self.write_direct(&mut outbox, from)) {
            drop(outbox);
            let _ = self.core.send(Cmd::Flush(i));
        }
    }

    #[cold]
    fn drop_for_gone_peer(&self, link: &LinkShared, counted: bool) {
        if counted {
            self.unreserve(1);
        }
        bump(&self.stats.lost, 1);
        self.log(format!("message for `{}` dropped: peer gone", link.peer));
    }

    /// Writes the last frame of `outbox` (from byte `from` on) on the lent
    /// connection, when the link has been quiet long enough; true when all
    /// of it was written. Anything less (a full socket buffer, an error)
    /// gives the connection back: the I/O thread writes the rest, or finds
    /// the error, and resends after a reconnection either way.
    fn write_direct(&self, outbox: &mut Outbox, from: usize) -> bool {
        let now = Instant::now();
        if now < outbox.last_write + DIRECT_WRITE_GAP {
            return false;
        }
        let stream = outbox.lent.as_ref().expect("lent connection");
        // Counted before the write, so a peer that received it sees the count.
        bump(&self.stats.frames_sent, 1);
        let n = stream.send_now(&outbox.bytes[from..]).unwrap_or(0);
        outbox.written = from + n;
        if outbox.written < outbox.bytes.len() {
            self.stats.frames_sent.fetch_sub(1, Ordering::Relaxed);
            outbox.lent = None;
            return false;
        }
        outbox.written_frames += 1;
        outbox.last_write = now;
        true
    }

    fn hold(&self, map: fn(&mut Holds) -> &mut HashMap<Box<str>, VecDeque<Message>>, msg: Message) {
        let mut holds = self.holds.lock();
        let q = map(&mut holds).entry(Box::from(&*msg.destination)).or_default();
        if q.len() >= self.config.hold_limit {
            drop(holds);
            bump(&self.stats.lost, 1);
            self.log(format!("hold limit reached for `{}`: message dropped", msg.destination));
            return;
        }
        q.push_back(msg);
    }

    fn relay_frame(msg: &Message) -> OutFrame<'_> {
        OutFrame {
            kind: frame::Kind::Data,
            flags: frame::FLAG_RELAYED | if msg.marker { frame::FLAG_MARKER } else { 0 } | (u16::from(msg.flags) << 8),
            command: msg.command,
            msg_seq: msg.seq,
            dst: &msg.destination,
            payload: &msg.payload,
        }
    }

    /// Routes an adopt marker: back towards its sender through the target's
    /// current home; at the sender (which adopted the target) it releases
    /// the own messages that waited behind it.
    fn dispatch_marker(&self, table: parking_lot::RwLockReadGuard<'_, Table>, msg: Message, from: usize) {
        let dest = &*msg.destination;
        if table.migrating.contains(dest) {
            return self.hold(|h| &mut h.held, msg);
        }
        match Self::resolve(&table, dest) {
            Some(Route::Local) if table.draining.contains(dest) => {
                drop(table);
                let mut t = self.write_table();
                if t.draining.remove(dest) {
                    let waiting = self.holds.lock().draining.remove(dest).unwrap_or_default();
                    for m in waiting {
                        self.deliver(m);
                    }
                }
            }
            Some(Route::Local) => self.enqueue(&table.links[from], from, Self::relay_frame(&msg)),
            Some(Route::Link(i)) => self.enqueue(&table.links[i], i, Self::relay_frame(&msg)),
            None => {}
        }
    }

    /// Routes a message that arrived on link `from`.
    fn dispatch_incoming(&self, msg: Message, from: usize) {
        let table = self.table.read();
        if msg.marker {
            return self.dispatch_marker(table, msg, from);
        }
        if !table.migrating.is_empty() && table.migrating.contains(&*msg.destination) {
            return self.hold(|h| &mut h.held, msg);
        }
        if !table.draining.is_empty() && table.draining.contains(&*msg.destination) && !msg.relayed {
            // A new direct message for an adopted target while older relayed ones are on their way.
            return self.hold(|h| &mut h.draining, msg);
        }
        match Self::resolve(&table, &msg.destination) {
            Some(Route::Local) => self.deliver(msg),
            // Also back to the link it came from: the new home's own sends via the old home.
            // Relayed frames are never relayed again, so nothing ping-pongs.
            Some(Route::Link(i)) if !msg.relayed => {
                if table.links[i].state.load(Ordering::Acquire) == PeerState::Gone as u8 {
                    bump(&self.stats.lost, 1);
                    self.log(format!("relay of a message for `{}` dropped: peer gone", msg.destination));
                    return;
                }
                bump(&self.stats.relayed, 1);
                self.enqueue(&table.links[i], i, Self::relay_frame(&msg));
            }
            // Relayed here for a target not adopted yet.
            Some(Route::Link(_)) => self.hold(|h| &mut h.pending, msg),
            None if msg.relayed => self.hold(|h| &mut h.pending, msg),
            None => {
                bump(&self.stats.lost, 1);
                self.log(format!("message from `{}` for `{}` dropped: no route", msg.source, msg.destination));
            }
        }
    }
}

/// A host thread waiting in `recv`, counted while it waits.
struct HostWait<'a>(&'a Shared);

impl<'a> HostWait<'a> {
    fn begin(shared: &'a Shared) -> Self {
        shared.host_waiting.fetch_add(1, Ordering::SeqCst);
        // Pairs with the fence in `Shared::wake_host`.
        std::sync::atomic::fence(Ordering::SeqCst);
        HostWait(shared)
    }
}

impl Drop for HostWait<'_> {
    fn drop(&mut self) {
        let shared = self.0;
        shared.host_waited_at.store(shared.since_epoch(), Ordering::Release);
        shared.host_waiting.fetch_sub(1, Ordering::Release);
    }
}

/// A router: own server id, anchors, links to peers, local input queue.
///
/// All methods take `&self`; a router may be shared between threads. Each
/// sending thread gets FIFO order per destination for its own messages.
pub struct Router {
    shared: Arc<Shared>,
    inbox: Receiver<Delivery>,
    cursor: Mutex<Cursor>,
    core: Option<JoinHandle<()>>,
    listeners: Mutex<Vec<Address>>,
}

fn check_name(name: &str, what: &str) -> Result<(), RouterError> {
    if valid_name(name.as_bytes(), MAX_NAME_LEN) {
        Ok(())
    } else {
        Err(RouterError::Invalid(format!("{what} `{name}` must be 1..=255 bytes of printable ASCII without spaces")))
    }
}

fn check_id(id: &str, what: &str) -> Result<(), RouterError> {
    if valid_name(id.as_bytes(), MAX_ID_LEN) && !id.contains("::") {
        Ok(())
    } else {
        Err(RouterError::Invalid(format!("{what} `{id}` must be 1..=63 bytes of printable ASCII without spaces or `::`")))
    }
}

fn new_session() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0);
    let mut x = nanos ^ (u64::from(std::process::id()) << 32) ^ COUNTER.fetch_add(1, Ordering::Relaxed).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    // SplitMix64 finaliser; never 0.
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (x ^ (x >> 31)) | 1
}

impl Router {
    /// A router with server id `id` (1..=63 printable ASCII bytes, no `::`).
    pub fn new(id: &str, config: Config) -> Result<Router, RouterError> {
        check_id(id, "server id")?;
        if config.max_payload > (u32::MAX as usize) / 2
            || config.send_queue == 0
            || config.hold_limit == 0
            || config.reconnect_interval > Duration::from_secs(3600)
            || config.reconnect_attempts > 1_000_000
        {
            return Err(RouterError::Invalid(
                "config: max_payload must be < 2^31, send_queue and hold_limit >= 1, reconnect_interval <= 1 h, \
                 reconnect_attempts <= 1000000"
                    .into(),
            ));
        }
        let (inbox_tx, inbox) = unbounded();
        let (core_tx, core_rx) = unbounded();
        let mut anchors = Anchors::default();
        anchors.insert(id, Route::Local);
        let shared = Arc::new(Shared {
            id: Arc::from(id),
            session: new_session(),
            config,
            generation: crossbeam::utils::CachePadded::new(AtomicU64::new(0)),
            instance: {
                static INSTANCES: AtomicU64 = AtomicU64::new(1);
                INSTANCES.fetch_add(1, Ordering::Relaxed)
            },
            table: crossbeam::utils::CachePadded::new(RwLock::new(Table {
                anchors,
                links: Vec::new(),
                by_peer: HashMap::new(),
                groups: HashSet::new(),
                migrating: HashSet::new(),
                draining: HashSet::new(),
            })),
            holds: Mutex::new(Holds::default()),
            inbox: inbox_tx,
            queued: AtomicUsize::new(0),
            spare_batches: Mutex::new(Vec::new()),
            core: core_tx,
            log: Mutex::new(VecDeque::new()),
            stats: Stats::default(),
            counters: crossbeam::utils::CachePadded::new(SendCounters::default()),
            shutdown: AtomicBool::new(false),
            next_gen: AtomicU64::new(1),
            streams: Mutex::new(Vec::new()),
            poller: net::Poller::new().map_err(|e| RouterError::Io(format!("cannot create a poller: {e}")))?,
            incoming: Mutex::new(Vec::new()),
            host_waiting: AtomicUsize::new(0),
            host_waited_at: AtomicU64::new(0),
            epoch: Instant::now(),
            threads: Mutex::new(Vec::new()),
            echo_log: std::env::var_os("TESS_ROUTER_LOG").is_some(),
        });
        let core_shared = shared.clone();
        let core = std::thread::Builder::new()
            .name(format!("tess-router-{id}"))
            .spawn(move || io::core_loop(core_shared, core_rx))
            .map_err(|e| RouterError::Io(format!("cannot start the I/O thread: {e}")))?;
        Ok(Router { shared, inbox, cursor: Mutex::new(Cursor::default()), core: Some(core), listeners: Mutex::new(Vec::new()) })
    }

    /// This router's server id.
    pub fn id(&self) -> &str {
        &self.shared.id
    }

    /// Listens on `address` (`unix:PATH` or loopback `tcp:IP:PORT`; port 0
    /// picks one) and returns the bound address.
    pub fn listen(&self, address: &str) -> Result<String, RouterError> {
        let addr = Address::parse(address).map_err(RouterError::Invalid)?;
        let listener = Listener::bind(&addr).map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => RouterError::AddressInUse(address.to_string()),
            _ => RouterError::Io(format!("cannot listen on `{address}`: {e}")),
        })?;
        let bound = listener.local_address().map_err(|e| RouterError::Io(e.to_string()))?;
        self.listeners.lock().push(bound.clone());
        let shared = self.shared.clone();
        self.shared
            .spawn(format!("tess-accept-{}", self.shared.id), move || io::accept_loop(shared, listener))
            .map_err(|e| RouterError::Io(format!("cannot start the accept thread: {e}")))?;
        Ok(bound.to_string())
    }

    /// Connects to the peer router `peer` listening at `address` and adds
    /// the anchor `peer`. The handshake finishes in the background; messages
    /// sent before it are queued.
    pub fn connect(&self, peer: &str, address: &str) -> Result<(), RouterError> {
        check_id(peer, "peer id")?;
        if peer == &*self.shared.id {
            return Err(RouterError::Invalid(format!("peer id `{peer}` is this router's own id")));
        }
        let addr = Address::parse(address).map_err(RouterError::Invalid)?;
        if let Some(&i) = self.shared.table.read().by_peer.get(peer) {
            if self.shared.table.read().links[i].state.load(Ordering::Acquire) != PeerState::Gone as u8 {
                return Err(RouterError::AlreadyExists(peer.to_string()));
            }
        }
        let stream = Stream::connect(&addr, Duration::from_secs(2))
            .map_err(|e| RouterError::Io(format!("cannot connect to `{peer}` at `{address}`: {e}")))?;
        let link = self.shared.link_for_peer(peer);
        io::start_dialed(&self.shared, link, stream, Some(addr)).map_err(|e| RouterError::Io(e.to_string()))
    }

    /// Routes `prefix` (a destination prefix) to the peer `peer`, or to this
    /// process when `peer` is the own id. Replaces an existing anchor.
    pub fn add_anchor(&self, prefix: &str, peer: &str) -> Result<(), RouterError> {
        check_name(prefix, "anchor prefix")?;
        let mut t = self.shared.write_table();
        let route = if peer == &*self.shared.id {
            Route::Local
        } else {
            Route::Link(*t.by_peer.get(peer).ok_or_else(|| RouterError::NotFound(peer.to_string()))?)
        };
        t.anchors.insert(prefix, route);
        Ok(())
    }

    /// Removes the anchor `prefix` (not the own id's).
    pub fn remove_anchor(&self, prefix: &str) -> Result<(), RouterError> {
        if prefix == &*self.shared.id {
            return Err(RouterError::Invalid("the own server id's anchor cannot be removed".into()));
        }
        self.shared.write_table().anchors.remove(prefix).map(|_| ()).ok_or_else(|| RouterError::NotFound(prefix.to_string()))
    }

    fn check_payload(&self, payload: &[u8]) -> Result<(), RouterError> {
        let max = self.shared.config.max_payload;
        if payload.len() > max {
            return Err(RouterError::PayloadTooLarge { len: payload.len(), max });
        }
        Ok(())
    }

    fn message(&self, command: u16, flags: u8, kind: MessageKind, dest: Arc<str>, payload: Arc<[u8]>) -> Message {
        Message {
            command,
            flags,
            kind,
            relayed: false,
            seq: self.shared.counters.msg_seq.fetch_add(1, Ordering::Relaxed) + 1,
            source: self.shared.id.clone(),
            destination: dest,
            payload,
            marker: false,
        }
    }

    fn link_usable(table: &Table, i: usize) -> Result<(), RouterError> {
        let link = &table.links[i];
        if link.state.load(Ordering::Acquire) == PeerState::Gone as u8 {
            return Err(RouterError::PeerGone(link.peer.to_string()));
        }
        Ok(())
    }

    /// Sends `payload` to `destination` with `command` (`type << 8 | detail`)
    /// and application `flags`.
    ///
    /// Errors: `Invalid` (malformed destination), `PayloadTooLarge`,
    /// `NoRoute`, `PeerGone`, `Full` (nothing was queued; retry later).
    pub fn send(&self, destination: &str, command: u16, flags: u8, payload: &[u8]) -> Result<(), RouterError> {
        let shared = &self.shared;
        let data_frame = |msg_seq| OutFrame { kind: frame::Kind::Data, flags: u16::from(flags) << 8, command, msg_seq, dst: destination, payload };
        // A destination equal to the cached one was checked before.
        if payload.len() <= shared.config.max_payload {
            if let Some(sent) = shared.send_on_cached_link(destination, data_frame) {
                return sent;
            }
        }
        check_name(destination, "destination")?;
        self.check_payload(payload)?;
        let table = shared.table.read();
        let migrating = !table.migrating.is_empty() && table.migrating.contains(destination);
        let route = shared.resolve_cached(&table, destination, migrating);
        match (migrating, route) {
            (true, _) | (false, Some(Route::Local)) => {
                let msg = self.message(command, flags, MessageKind::Unicast, Arc::from(destination), Arc::from(payload));
                if migrating {
                    shared.hold(|h| &mut h.held, msg);
                } else if !table.draining.is_empty() && table.draining.contains(destination) {
                    shared.hold(|h| &mut h.draining, msg);
                } else {
                    shared.deliver(msg);
                }
                Ok(())
            }
            (false, Some(Route::Link(i))) => {
                Self::link_usable(&table, i)?;
                shared.reserve(1)?;
                let msg_seq = shared.counters.msg_seq.fetch_add(1, Ordering::Relaxed) + 1;
                shared.enqueue(&table.links[i], i, data_frame(msg_seq));
                Ok(())
            }
            (false, None) => Err(RouterError::NoRoute(destination.to_string())),
        }
    }

    /// Sends one payload to several destinations. The payload is serialised
    /// once; destinations behind the same connection share one frame. Every
    /// destination is checked first: on error nothing is sent.
    pub fn multicast(&self, destinations: &[&str], command: u16, flags: u8, payload: &[u8]) -> Result<(), RouterError> {
        for d in destinations {
            check_name(d, "destination")?;
        }
        self.check_payload(payload)?;
        let shared = &self.shared;
        let table = shared.table.read();
        let mut routes = Vec::with_capacity(destinations.len());
        for d in destinations {
            let migrating = table.migrating.contains(*d);
            let r = if migrating { Route::Local } else { Shared::resolve(&table, d).ok_or_else(|| RouterError::NoRoute(d.to_string()))? };
            if let Route::Link(i) = r {
                Self::link_usable(&table, i)?;
            }
            routes.push((migrating, r));
        }
        // Group remote destinations by link, splitting lists that would not fit one frame.
        let mut groups: Vec<(usize, String)> = Vec::new();
        for (d, (_, r)) in destinations.iter().zip(&routes) {
            if let Route::Link(i) = r {
                match groups.iter_mut().rev().find(|(l, list)| l == i && list.len() + 1 + d.len() <= u16::MAX as usize) {
                    Some((_, list)) => {
                        list.push('\n');
                        list.push_str(d);
                    }
                    None => groups.push((*i, d.to_string())),
                }
            }
        }
        shared.reserve(groups.len())?;
        let payload: Arc<[u8]> = Arc::from(payload);
        let msg_seq = shared.counters.msg_seq.fetch_add(1, Ordering::Relaxed) + 1;
        for (d, (migrating, r)) in destinations.iter().zip(&routes) {
            if *r == Route::Local {
                let mut msg = self.message(command, flags, MessageKind::Multicast, Arc::from(*d), payload.clone());
                msg.seq = msg_seq;
                if *migrating {
                    shared.hold(|h| &mut h.held, msg);
                } else if table.draining.contains(*d) {
                    shared.hold(|h| &mut h.draining, msg);
                } else {
                    shared.deliver(msg);
                }
            }
        }
        for (i, list) in groups {
            let kind = if list.contains('\n') { frame::Kind::Multi } else { frame::Kind::Data };
            let out = OutFrame { kind, flags: u16::from(flags) << 8, command, msg_seq, dst: &list, payload: &payload };
            shared.enqueue(&table.links[i], i, out);
        }
        Ok(())
    }

    /// Joins the broadcast group `group` (this process receives its broadcasts).
    pub fn join(&self, group: &str) -> Result<(), RouterError> {
        check_name(group, "group")?;
        if !self.shared.write_table().groups.insert(Box::from(group)) {
            return Err(RouterError::AlreadyExists(group.to_string()));
        }
        Ok(())
    }

    /// Leaves the broadcast group `group`.
    pub fn leave(&self, group: &str) -> Result<(), RouterError> {
        check_name(group, "group")?;
        if !self.shared.write_table().groups.remove(group) {
            return Err(RouterError::NotFound(group.to_string()));
        }
        Ok(())
    }

    /// Sends `payload` to every process in `group`: one frame per connected
    /// (not gone) peer, delivered there only if it joined; delivered here too
    /// when this process joined.
    pub fn broadcast(&self, group: &str, command: u16, flags: u8, payload: &[u8]) -> Result<(), RouterError> {
        check_name(group, "group")?;
        self.check_payload(payload)?;
        let shared = &self.shared;
        let table = shared.table.read();
        let links: Vec<usize> =
            (0..table.links.len()).filter(|&i| table.links[i].state.load(Ordering::Acquire) != PeerState::Gone as u8).collect();
        shared.reserve(links.len())?;
        let payload: Arc<[u8]> = Arc::from(payload);
        let dst: Arc<str> = Arc::from(group);
        let msg = self.message(command, flags, MessageKind::Broadcast, dst.clone(), payload.clone());
        for i in links {
            let out = OutFrame { kind: frame::Kind::Broadcast, flags: u16::from(flags) << 8, command, msg_seq: msg.seq, dst: group, payload: &payload };
            shared.enqueue(&table.links[i], i, out);
        }
        if table.groups.contains(group) {
            shared.deliver(msg);
        }
        Ok(())
    }

    /// Starts migrating `target` (a destination that resolves to this
    /// process): from now on its messages are held here, in order. Messages
    /// for it still waiting in the local input queue (not polled yet) move
    /// to the hold first, so they travel with it.
    pub fn begin_migration(&self, target: &str) -> Result<(), RouterError> {
        check_name(target, "target")?;
        let shared = &self.shared;
        let mut t = shared.write_table();
        if Shared::resolve(&t, target) != Some(Route::Local) {
            return Err(RouterError::WrongState(format!("target `{target}` does not live in this process")));
        }
        if !t.migrating.insert(Box::from(target)) {
            return Err(RouterError::WrongState(format!("target `{target}` is already migrating")));
        }
        // Every producer delivers under the table lock, which we hold, and
        // pollers wait for the cursor lock: the queue holds still while we sort it.
        let mut held = VecDeque::new();
        let mut cursor = self.cursor.lock();
        let mut others = Vec::new();
        while let Some(m) = cursor.next(&self.inbox, shared) {
            if &*m.destination == target && m.kind != MessageKind::Broadcast {
                held.push_back(m);
            } else {
                others.push(m);
            }
        }
        for m in others {
            shared.deliver(m);
        }
        drop(cursor);
        if !held.is_empty() {
            shared.holds.lock().held.entry(Box::from(target)).or_default().extend(held);
        }
        Ok(())
    }

    /// Ends the migration of `target` to the peer `new_home`: adds the
    /// anchor `target → new_home`, forwards the held messages in order and
    /// relays every later message addressed here.
    pub fn end_migration(&self, target: &str, new_home: &str) -> Result<(), RouterError> {
        check_name(target, "target")?;
        let shared = &self.shared;
        let mut t = shared.write_table();
        if !t.migrating.contains(target) {
            return Err(RouterError::WrongState(format!("target `{target}` is not migrating")));
        }
        let link = *t.by_peer.get(new_home).ok_or_else(|| RouterError::NotFound(new_home.to_string()))?;
        Self::link_usable(&t, link)?;
        t.migrating.remove(target);
        t.anchors.insert(target, Route::Link(link));
        let held = shared.holds.lock().held.remove(target).unwrap_or_default();
        bump(&shared.stats.relayed, held.len() as u64);
        for msg in held {
            shared.enqueue(&t.links[link], link, Shared::relay_frame(&msg));
        }
        Ok(())
    }

    /// Makes `target` (typically `old_home::id` of an entity that migrated
    /// here) a local destination and delivers the relayed messages held for
    /// it, in order.
    ///
    /// If this router sent to `target` through a peer until now, its own
    /// messages still on the way (sent to the old home, to be relayed back)
    /// must come first: a marker follows them through the old home, and this
    /// router's new messages for `target` wait until the marker is back.
    pub fn adopt(&self, target: &str) -> Result<(), RouterError> {
        check_name(target, "target")?;
        let shared = &self.shared;
        let mut t = shared.write_table();
        let before = Shared::resolve(&t, target);
        t.migrating.remove(target);
        t.anchors.insert(target, Route::Local);
        let pending = shared.holds.lock().pending.remove(target).unwrap_or_default();
        for msg in pending {
            shared.deliver(msg);
        }
        if let Some(Route::Link(i)) = before {
            if t.links[i].state.load(Ordering::Acquire) != PeerState::Gone as u8 && t.draining.insert(Box::from(target)) {
                let marker = OutFrame { kind: frame::Kind::Data, flags: frame::FLAG_MARKER, command: 0, msg_seq: 0, dst: target, payload: &[] };
                shared.enqueue(&t.links[i], i, marker);
            }
        }
        Ok(())
    }

    /// The next message, if any, without blocking. Allocates the message's
    /// payload; [`Router::poll_into`] copies into caller buffers instead.
    pub fn poll(&self) -> Option<Message> {
        self.cursor.lock().next(&self.inbox, &self.shared)
    }

    /// The next message, waiting at most `timeout`; `Ok(None)` on timeout.
    pub fn recv(&self, timeout: Duration) -> Result<Option<Message>, RouterError> {
        if let Some(m) = self.poll() {
            return Ok(Some(m));
        }
        let Some(mut cursor) = self.wait_for_delivery(timeout)? else { return Ok(None) };
        Ok(cursor.next(&self.inbox, &self.shared))
    }

    /// Copies the next message, if any, into `info` and `payload` without
    /// blocking and without allocating. A payload longer than `payload`
    /// gives [`Received::TooSmall`] with its length, and the message stays
    /// first in the queue.
    pub fn poll_into(&self, info: &mut MessageInfo, payload: &mut [u8]) -> Received {
        self.offer_next(None, |v| inbox::copy_out(v, info, payload)).ok().flatten().unwrap_or(Received::Empty)
    }

    /// [`Router::poll_into`], waiting at most `timeout` for a message
    /// ([`Received::Empty`] when none came).
    pub fn recv_into(&self, timeout: Duration, info: &mut MessageInfo, payload: &mut [u8]) -> Result<Received, RouterError> {
        Ok(self.offer_next(Some(timeout), |v| inbox::copy_out(v, info, payload))?.unwrap_or(Received::Empty))
    }

    /// Copies up to `infos.len()` queued messages, in order, into `infos`
    /// and their payloads back to back into `payloads`, without blocking
    /// and without allocating; stops before a message whose payload does not
    /// fit the rest of `payloads` (it stays first in the queue). One call
    /// takes the queue's lock once for all of them.
    ///
    /// # Panics
    /// When `infos` is empty.
    pub fn poll_many_into(&self, infos: &mut [MessageInfo], payloads: &mut [u8]) -> ReceivedMany {
        self.recv_many(None, infos, payloads).unwrap_or(ReceivedMany::Empty)
    }

    /// [`Router::poll_many_into`], waiting at most `timeout` for the first
    /// message ([`ReceivedMany::Empty`] when none came).
    ///
    /// # Panics
    /// When `infos` is empty.
    pub fn recv_many_into(&self, timeout: Duration, infos: &mut [MessageInfo], payloads: &mut [u8]) -> Result<ReceivedMany, RouterError> {
        self.recv_many(Some(timeout), infos, payloads)
    }

    fn recv_many(&self, wait: Option<Duration>, infos: &mut [MessageInfo], payloads: &mut [u8]) -> Result<ReceivedMany, RouterError> {
        assert!(!infos.is_empty(), "room for at least one message info");
        let mut copier = inbox::Copier::new(infos, payloads, MessageInfo::fill);
        let arrived = self.offer_each(wait, |v| copier.offer(v))?;
        Ok(copier.result(arrived))
    }

    /// Shows the queued messages, in order, to `offer` until it declines
    /// one (which stays first) or none is left, waiting up to `wait` for
    /// the first (`None`: not at all). False when none came.
    pub(crate) fn offer_each(&self, wait: Option<Duration>, mut offer: impl FnMut(&inbox::View<'_>) -> bool) -> Result<bool, RouterError> {
        let Some(mut cursor) = self.cursor_at_message(wait)? else { return Ok(false) };
        loop {
            // The frames of a batch in one tight loop; anything else one by one.
            let taken_all = match cursor.offer_batch(&mut offer, &self.shared) {
                Some(all) => all,
                None => {
                    let v = cursor.front().expect("a message at hand");
                    let taken = offer(&v);
                    if taken {
                        cursor.advance(&self.shared);
                    }
                    taken
                }
            };
            if !taken_all || !cursor.fill(&self.inbox, &self.shared.queued) {
                return Ok(true);
            }
        }
    }

    /// Shows the first message of the queue to `offer`, waiting up to
    /// `wait` for one (`None`: not at all); `offer` says whether it took it,
    /// and a message not taken stays first. `Ok(None)` when none came.
    pub(crate) fn offer_next<T>(&self, wait: Option<Duration>, offer: impl FnOnce(&inbox::View<'_>) -> (bool, T)) -> Result<Option<T>, RouterError> {
        let Some(mut cursor) = self.cursor_at_message(wait)? else { return Ok(None) };
        let (taken, out) = offer(&cursor.front().expect("a message at hand"));
        if taken {
            cursor.advance(&self.shared);
        }
        Ok(Some(out))
    }

    /// The locked queue cursor with a message at hand, waiting up to `wait`
    /// for one (`None`: not at all); `None` when none came.
    fn cursor_at_message(&self, wait: Option<Duration>) -> Result<Option<parking_lot::MutexGuard<'_, Cursor>>, RouterError> {
        let mut cursor = self.cursor.lock();
        if cursor.fill(&self.inbox, &self.shared.queued) {
            return Ok(Some(cursor));
        }
        // Wait without the lock, so other threads can still poll.
        drop(cursor);
        match wait {
            Some(timeout) => self.wait_for_delivery(timeout),
            None => Ok(None),
        }
    }

    /// Waits for the next delivery without the cursor lock (so other threads
    /// can still poll), then takes it under the lock; `None` on timeout.
    /// While it waits this thread reads the connections itself (their
    /// reader threads stand down): a message that arrives wakes only it.
    fn wait_for_delivery(&self, timeout: Duration) -> Result<Option<parking_lot::MutexGuard<'_, Cursor>>, RouterError> {
        let shared = &self.shared;
        let deadline = Instant::now() + timeout;
        let _waiting = HostWait::begin(shared);
        let mut ready = [0u64; 16];
        loop {
            match self.inbox.try_recv() {
                Ok(d) => {
                    let mut cursor = self.cursor.lock();
                    cursor.take(d, &shared.queued);
                    return Ok(Some(cursor));
                }
                Err(crossbeam::channel::TryRecvError::Disconnected) => return Err(RouterError::WrongState("router shut down".into())),
                Err(crossbeam::channel::TryRecvError::Empty) => {}
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            let n = shared.poller.wait(deadline - now, &mut ready).map_err(|e| RouterError::Io(format!("waiting for messages failed: {e}")))?;
            for &key in &ready[..n] {
                if key != net::WAKE_KEY {
                    shared.read_connection(key);
                }
            }
        }
    }

    /// Puts a message back at the head of the queue (for a caller whose
    /// buffer was too small).
    pub fn unread(&self, msg: Message) {
        let mut c = self.cursor.lock();
        debug_assert!(c.peeked.is_none());
        c.peeked = Some(msg);
    }

    /// Messages waiting in the local input queue.
    pub fn pending(&self) -> usize {
        self.shared.queued.load(Ordering::Acquire) + self.cursor.lock().len()
    }

    /// Waits until every own message sent to a peer is acknowledged, at most `timeout`.
    pub fn flush(&self, timeout: Duration) -> Result<(), RouterError> {
        let deadline = Instant::now() + timeout;
        while self.shared.counters.in_flight.load(Ordering::Acquire) > 0 {
            if Instant::now() >= deadline {
                return Err(RouterError::Timeout);
            }
            std::thread::sleep(Duration::from_micros(500));
        }
        Ok(())
    }

    /// State of the link to `peer`.
    pub fn peer_state(&self, peer: &str) -> Result<PeerState, RouterError> {
        let t = self.shared.table.read();
        let i = *t.by_peer.get(peer).ok_or_else(|| RouterError::NotFound(peer.to_string()))?;
        Ok(match t.links[i].state.load(Ordering::Acquire) {
            0 => PeerState::Connecting,
            1 => PeerState::Connected,
            _ => PeerState::Gone,
        })
    }

    /// Counters since creation.
    pub fn stats(&self) -> RouterStats {
        let s = &self.shared.stats;
        let g = |c: &AtomicU64| c.load(Ordering::Relaxed);
        RouterStats {
            frames_sent: g(&s.frames_sent),
            frames_received: g(&s.frames_received),
            frames_resent: g(&s.frames_resent),
            duplicates_dropped: g(&s.duplicates_dropped),
            connections_closed: g(&s.connections_closed),
            malformed_closed: g(&s.malformed_closed),
            reconnects: g(&s.reconnects),
            lost: g(&s.lost),
            relayed: g(&s.relayed),
        }
    }

    /// The most recent log lines (connection closes and their reasons,
    /// dropped messages), oldest first; at most 256 are kept.
    pub fn log(&self) -> Vec<String> {
        self.shared.log.lock().iter().cloned().collect()
    }

    /// Fault injection: cuts every open connection at once, as a network
    /// failure would. Links re-dial and resend what was not acknowledged.
    pub fn drop_connections(&self) {
        for (_, s) in self.shared.streams.lock().iter() {
            s.shutdown();
        }
    }
}

impl Drop for Router {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::Release);
        let _ = self.shared.core.send(Cmd::Shutdown);
        if let Some(core) = self.core.take() {
            let _ = core.join();
        }
        // Bounded: every thread checks `shutdown` at least every 5 ms or
        // returns when its socket is shut down; a reader spawned by a last
        // accept is caught by the next round.
        for _ in 0..100 {
            self.drop_connections();
            let threads: Vec<_> = self.shared.threads.lock().drain(..).collect();
            if threads.is_empty() {
                break;
            }
            for t in threads {
                let _ = t.join();
            }
        }
    }
}
