//! Router integration tests over real Unix and TCP sockets.

use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};
use tessera::router::{Config, Message, MessageInfo, MessageKind, PeerState, Received, Router, RouterError};

static NEXT: AtomicU32 = AtomicU32::new(0);

fn sock() -> String {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("unix:/tmp/tess-rt-{}-{n}.sock", std::process::id())
}

fn wait_for(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn recv(r: &Router) -> Message {
    r.recv(Duration::from_secs(10)).unwrap().expect("a message within 10 s")
}

fn pair(config: Config) -> (Router, Router, String) {
    let addr = sock();
    let a = Router::new("a", config.clone()).unwrap();
    a.listen(&addr).unwrap();
    let b = Router::new("b", config).unwrap();
    b.connect("a", &addr).unwrap();
    (a, b, addr)
}

fn counter(m: &Message) -> u64 {
    u64::from_le_bytes(m.payload[..8].try_into().unwrap())
}

#[test]
fn unicast_both_ways_and_local_shortcut() {
    let (a, b, _) = pair(Config::default());
    b.send("a::npc", 0x0203, 7, b"ping").unwrap();
    let m = recv(&a);
    assert_eq!((&*m.source, &*m.destination, m.command, m.flags, m.kind, m.relayed), ("b", "a::npc", 0x0203, 7, MessageKind::Unicast, false));
    assert_eq!(&m.payload[..], b"ping");
    // `a` learned the route to `b` from the handshake.
    a.send("b::player::3", 1, 0, b"pong").unwrap();
    assert_eq!(&*recv(&b).destination, "b::player::3");
    // Local destinations never touch a socket.
    let before = a.stats().frames_sent;
    a.send("a::self", 2, 0, b"").unwrap();
    assert_eq!(&*a.poll().unwrap().destination, "a::self");
    assert_eq!(a.stats().frames_sent, before);
    assert_eq!(a.poll(), None);
}

#[test]
fn bad_inputs_have_exact_errors() {
    let config = Config { max_payload: 100, ..Config::default() };
    let (a, b, addr) = pair(config);
    assert_eq!(b.send("nowhere::x", 1, 0, b""), Err(RouterError::NoRoute("nowhere::x".into())));
    assert_eq!(b.send("a::x", 1, 0, &[0; 101]), Err(RouterError::PayloadTooLarge { len: 101, max: 100 }));
    assert!(b.send("a::x", 1, 0, &[0; 100]).is_ok());
    assert!(matches!(b.send("a:: x", 1, 0, b""), Err(RouterError::Invalid(_))));
    assert!(matches!(Router::new("c", Config::default()).unwrap().listen(&addr), Err(RouterError::AddressInUse(_))));
    assert!(matches!(b.connect("a", &addr), Err(RouterError::AlreadyExists(_))));
    let c = Router::new("c", Config::default()).unwrap();
    assert!(matches!(c.connect("z", &sock()), Err(RouterError::Io(_))));
    assert!(matches!(c.listen("tcp:10.1.2.3:5000"), Err(RouterError::Invalid(_))));
    assert!(matches!(b.end_migration("b::x", "a"), Err(RouterError::WrongState(_))));
    assert!(matches!(b.begin_migration("a::x"), Err(RouterError::WrongState(_))));
    assert!(matches!(b.add_anchor("q", "nobody"), Err(RouterError::NotFound(_))));
    assert!(matches!(b.peer_state("nobody"), Err(RouterError::NotFound(_))));
    drop(a);
}

#[test]
fn tcp_loopback_works_with_port_zero() {
    let a = Router::new("a", Config::default()).unwrap();
    let bound = a.listen("tcp:127.0.0.1:0").unwrap();
    assert!(bound.starts_with("tcp:127.0.0.1:") && !bound.ends_with(":0"), "{bound}");
    let b = Router::new("b", Config::default()).unwrap();
    b.connect("a", &bound).unwrap();
    for i in 0..100u64 {
        b.send("a::t", 1, 0, &i.to_le_bytes()).unwrap();
    }
    for i in 0..100u64 {
        assert_eq!(counter(&recv(&a)), i);
    }
}

#[test]
fn full_send_queue_is_backpressure_not_loss() {
    let config = Config { send_queue: 4, ..Config::default() };
    let addr = sock();
    // Nothing acknowledges until `a` exists: sends queue up to the limit.
    let b = Router::new("b", config).unwrap();
    let a = Router::new("a", Config::default()).unwrap();
    a.listen(&addr).unwrap();
    b.connect("a", &addr).unwrap();
    let mut sent = 0u64;
    let mut full = 0;
    let deadline = Instant::now() + Duration::from_secs(20);
    while sent < 400 {
        assert!(Instant::now() < deadline);
        match b.send("a::t", 1, 0, &sent.to_le_bytes()) {
            Ok(()) => sent += 1,
            Err(RouterError::Full) => {
                full += 1;
                std::thread::yield_now();
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert!(full > 0, "a queue of 4 must fill while 400 messages are sent");
    for i in 0..sent {
        assert_eq!(counter(&recv(&a)), i);
    }
}

#[test]
fn peer_gone_after_redials_fail() {
    let config = Config { reconnect_attempts: 3, reconnect_interval: Duration::from_millis(10), ..Config::default() };
    let (a, b, _) = pair(config);
    b.send("a::x", 1, 0, b"1").unwrap();
    recv(&a);
    wait_for("connected", Duration::from_secs(5), || b.peer_state("a") == Ok(PeerState::Connected));
    drop(a);
    wait_for("peer gone", Duration::from_secs(10), || b.peer_state("a") == Ok(PeerState::Gone));
    assert_eq!(b.send("a::x", 1, 0, b"2"), Err(RouterError::PeerGone("a".into())));
    assert!(b.log().iter().any(|l| l.contains("gone")), "{:?}", b.log());
}

/// The fault test: connections are cut every `KILL_EVERY` messages, from
/// either side, during a long stream; the receiver must see every message
/// exactly once and in order.
#[test]
fn connection_killed_every_n_messages_loses_and_duplicates_nothing() {
    let (a, b, _) = pair(Config::default());
    killed_stream(a, b, 1_000_000, 50_000, None);
}

/// The same over loopback TCP, shorter.
#[test]
fn tcp_connection_killed_every_n_messages_loses_and_duplicates_nothing() {
    let a = Router::new("a", Config::default()).unwrap();
    let bound = a.listen("tcp:127.0.0.1:0").unwrap();
    let b = Router::new("b", Config::default()).unwrap();
    b.connect("a", &bound).unwrap();
    killed_stream(a, b, 200_000, 20_000, None);
}

/// Messages with pauses in between are written by the sending thread itself
/// (the link is idle), short bursts go through the I/O thread: both kinds of
/// writes, and the hand-over between them, must survive cut connections.
#[test]
fn paced_messages_survive_cuts_over_unix_and_tcp() {
    for bursts in [1, 7] {
        let (a, b, _) = pair(Config::default());
        killed_stream(a, b, 4_000, 300, Some((bursts, Duration::from_micros(100))));
        let a = Router::new("a", Config::default()).unwrap();
        let bound = a.listen("tcp:127.0.0.1:0").unwrap();
        let b = Router::new("b", Config::default()).unwrap();
        b.connect("a", &bound).unwrap();
        killed_stream(a, b, 4_000, 300, Some((bursts, Duration::from_micros(100))));
    }
}

/// Sends `total` counters from `b` to `a`, cutting the connections every
/// `kill_every` messages on both sides; `pause`: (messages, pause) between bursts.
fn killed_stream(a: Router, b: Router, total: u64, kill_every: u64, pause: Option<(u64, Duration)>) {
    let receiver = std::thread::spawn(move || {
        let mut next = 0u64;
        let deadline = Instant::now() + Duration::from_secs(300);
        while next < total {
            assert!(Instant::now() < deadline, "stream stalled at {next}");
            if let Some(m) = a.recv(Duration::from_millis(100)).unwrap() {
                assert_eq!(counter(&m), next, "out of order or duplicated");
                next += 1;
                if next % (2 * kill_every) == kill_every / 2 {
                    a.drop_connections(); // the receiving side cuts too
                }
            }
        }
        // Nothing extra arrives afterwards.
        assert!(a.recv(Duration::from_millis(200)).unwrap().is_none());
        a
    });
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut payload = [0u8; 64];
    let mut i = 0u64;
    while i < total {
        assert!(Instant::now() < deadline, "sender stalled at {i}");
        payload[..8].copy_from_slice(&i.to_le_bytes());
        match b.send("a::sink", 0x0101, 0, &payload) {
            Ok(()) => {
                i += 1;
                if i % kill_every == 0 {
                    b.drop_connections();
                }
                if let Some((burst, gap)) = pause {
                    if i % burst == 0 {
                        std::thread::sleep(gap);
                    }
                }
            }
            Err(RouterError::Full) => std::thread::yield_now(),
            Err(e) => panic!("{e}"),
        }
    }
    let a = receiver.join().unwrap();
    b.flush(Duration::from_secs(30)).unwrap();
    let (sa, sb) = (a.stats(), b.stats());
    assert_eq!(sa.frames_received, total);
    assert!(sb.reconnects >= total / kill_every / 2, "{sb:?}");
    assert!(sb.frames_resent > 0, "cuts mid-stream leave frames to resend: {sb:?}");
    assert_eq!(sb.lost + sa.lost, 0);
}

#[test]
fn malformed_and_random_bytes_close_only_that_connection() {
    let (a, b, addr) = pair(Config::default());
    let path = addr.strip_prefix("unix:").unwrap();
    let mut rng = tessera::random::Rng::new(99);
    for round in 0..20 {
        let mut s = std::os::unix::net::UnixStream::connect(path).unwrap();
        let n = 16 + rng.below(2000) as usize;
        let junk: Vec<u8> = (0..n).map(|_| rng.next_u32() as u8).collect();
        let _ = s.write_all(&junk);
        // The router closes the connection: reads end.
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut buf = [0u8; 64];
        let r = std::io::Read::read(&mut s, &mut buf);
        assert!(matches!(r, Ok(0) | Err(_)), "round {round}: connection not closed: {r:?}");
    }
    wait_for("malformed closes counted", Duration::from_secs(10), || a.stats().malformed_closed >= 20);
    assert!(a.log().iter().any(|l| l.contains("malformed frame") || l.contains("not HELLO")), "{:?}", a.log());
    // A well-formed HELLO followed by a frame with a bad magic byte.
    let mut s = std::os::unix::net::UnixStream::connect(path).unwrap();
    let mut bytes = Vec::new();
    use tessera::router::frame::{encode, Header, Kind, PROTOCOL_VERSION};
    encode(&mut bytes, &Header { kind: Kind::Hello, flags: 0, command: PROTOCOL_VERSION, link_seq: 0, msg_seq: 5 }, b"fuzz", b"", b"");
    let bad_at = bytes.len() + 4;
    encode(&mut bytes, &Header { kind: Kind::Data, flags: 0, command: 1, link_seq: 1, msg_seq: 1 }, b"fuzz", b"a::x", b"hi");
    bytes[bad_at] = 0;
    s.write_all(&bytes).unwrap();
    wait_for("bad magic logged", Duration::from_secs(10), || a.log().iter().any(|l| l.contains("bad magic")));
    assert!(a.poll().is_none(), "nothing from the bad connection is delivered");
    // The router keeps working for its real peer.
    b.send("a::still", 1, 0, b"ok").unwrap();
    assert_eq!(&recv(&a).payload[..], b"ok");
}

#[test]
fn multicast_shares_frames_per_connection() {
    let addr_a = sock();
    let a = Router::new("a", Config::default()).unwrap();
    a.listen(&addr_a).unwrap();
    let c = Router::new("c", Config::default()).unwrap();
    c.connect("a", &addr_a).unwrap();
    let b = Router::new("b", Config::default()).unwrap();
    b.connect("a", &addr_a).unwrap();
    b.add_anchor("c", "a").unwrap(); // unused route, only to exercise anchors
    b.remove_anchor("c").unwrap();
    let before = b.stats().frames_sent;
    b.multicast(&["a::1", "a::2", "b::me", "a::3"], 0x0500, 0, b"shared").unwrap();
    // The local one is delivered without a socket; the three remote ones share one frame.
    assert_eq!(&*recv(&b).destination, "b::me");
    let got: Vec<String> = (0..3).map(|_| recv(&a)).map(|m| {
        assert_eq!((m.kind, &m.payload[..]), (MessageKind::Multicast, &b"shared"[..]));
        m.destination.to_string()
    }).collect();
    assert_eq!(got, ["a::1", "a::2", "a::3"]);
    assert_eq!(b.stats().frames_sent - before, 1);
    assert_eq!(b.multicast(&["a::1", "zz::1"], 1, 0, b""), Err(RouterError::NoRoute("zz::1".into())));
    assert!(a.poll().is_none(), "a failed multicast sends nothing");
    drop(c);
}

#[test]
fn broadcast_reaches_joined_processes_only() {
    let addr_a = sock();
    let a = Router::new("a", Config::default()).unwrap();
    a.listen(&addr_a).unwrap();
    let b = Router::new("b", Config::default()).unwrap();
    b.connect("a", &addr_a).unwrap();
    let c = Router::new("c", Config::default()).unwrap();
    c.connect("a", &addr_a).unwrap();
    b.join("chat").unwrap();
    assert!(matches!(b.join("chat"), Err(RouterError::AlreadyExists(_))));
    a.join("chat").unwrap();
    wait_for("links up", Duration::from_secs(5), || a.peer_state("b") == Ok(PeerState::Connected) && a.peer_state("c") == Ok(PeerState::Connected));
    a.broadcast("chat", 9, 0, b"hi all").unwrap();
    assert_eq!((recv(&a).kind, &*recv(&b).destination), (MessageKind::Broadcast, "chat"));
    a.send("c::x", 1, 0, b"marker").unwrap();
    assert_eq!(&recv(&c).payload[..], b"marker", "c did not join: the broadcast was filtered");
    b.leave("chat").unwrap();
    assert!(matches!(b.leave("chat"), Err(RouterError::NotFound(_))));
    a.broadcast("chat", 9, 0, b"again").unwrap();
    a.send("b::x", 1, 0, b"marker").unwrap();
    assert_eq!(&recv(&b).payload[..], b"marker");
}

#[test]
fn migration_holds_relays_and_keeps_order() {
    // `a` and `b` host entities; `s` is a third process that keeps sending to `a::npc`.
    let addr_a = sock();
    let addr_b = sock();
    let a = Router::new("a", Config::default()).unwrap();
    a.listen(&addr_a).unwrap();
    let b = Router::new("b", Config::default()).unwrap();
    b.listen(&addr_b).unwrap();
    a.connect("b", &addr_b).unwrap();
    let s = Router::new("s", Config::default()).unwrap();
    s.connect("a", &addr_a).unwrap();
    const N: u64 = 3000;
    let sender = std::thread::spawn(move || {
        for i in 0..N {
            s.send("a::npc", 1, 0, &i.to_le_bytes()).unwrap();
            if i % 100 == 0 {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        s.flush(Duration::from_secs(20)).unwrap();
        s
    });
    // Part of the stream arrives at the old home.
    let mut next = 0u64;
    while next < 500 {
        let m = recv(&a);
        assert_eq!(counter(&m), next);
        next += 1;
    }
    a.begin_migration("a::npc").unwrap();
    std::thread::sleep(Duration::from_millis(30)); // messages pile up in the hold
    // The new home receives relayed messages before it adopts: they wait too.
    a.end_migration("a::npc", "b").unwrap();
    std::thread::sleep(Duration::from_millis(30));
    b.adopt("a::npc").unwrap();
    // Whatever `a` delivered before the hold, then the rest at `b`, in order.
    while let Some(m) = a.poll() {
        assert_eq!(counter(&m), next);
        next += 1;
    }
    while next < N {
        let m = recv(&b);
        assert_eq!(&*m.destination, "a::npc");
        assert!(m.relayed);
        assert_eq!(counter(&m), next, "order across the migration");
        next += 1;
    }
    let _s = sender.join().unwrap();
    assert!(b.recv(Duration::from_millis(100)).unwrap().is_none(), "no duplicates");
    assert!(a.stats().relayed > 0);
}

/// The new home is also a sender: its messages sent through the old home
/// before adopting must arrive before the ones it sends after adopting.
#[test]
fn migration_to_the_sender_keeps_its_own_order() {
    let addr_a = sock();
    let a = Router::new("a", Config::default()).unwrap();
    a.listen(&addr_a).unwrap();
    let b = Router::new("b", Config::default()).unwrap();
    b.connect("a", &addr_a).unwrap();
    const N: u64 = 2000;
    const HANDOFF_AT: u64 = 300;
    let old_home = std::thread::spawn(move || {
        // `a` consumes until HANDOFF_AT, then migrates the entity to `b`.
        for i in 0..HANDOFF_AT {
            assert_eq!(counter(&recv(&a)), i);
        }
        a.begin_migration("a::npc").unwrap();
        a.send("b::inbox", 0x0502, 0, &HANDOFF_AT.to_le_bytes()).unwrap();
        a.end_migration("a::npc", "b").unwrap();
        a.flush(Duration::from_secs(20)).unwrap();
        a
    });
    let mut adopted_at = None;
    let mut next = HANDOFF_AT;
    for i in 0..N {
        b.send("a::npc", 1, 0, &i.to_le_bytes()).unwrap();
        if i % 20 == 0 {
            std::thread::sleep(Duration::from_millis(1)); // keep sending across the migration
        }
        while let Some(m) = b.poll() {
            if &*m.destination == "b::inbox" {
                assert_eq!(counter(&m), HANDOFF_AT);
                b.adopt("a::npc").unwrap();
                adopted_at = Some(i);
            } else {
                assert_eq!(counter(&m), next, "order across the adopt");
                next += 1;
            }
        }
    }
    while next < N {
        let m = recv(&b);
        if &*m.destination == "b::inbox" {
            b.adopt("a::npc").unwrap();
            adopted_at = Some(N);
            continue;
        }
        assert_eq!(counter(&m), next, "order across the adopt");
        next += 1;
    }
    assert!(adopted_at.is_some());
    let _a = old_home.join().unwrap();
    assert!(b.recv(Duration::from_millis(100)).unwrap().is_none(), "no duplicates");
}

/// A peer process that restarts under the same id and address gets a fresh
/// link numbering: the survivor re-dials, and new messages flow again.
#[test]
fn restarted_peer_gets_a_fresh_session() {
    let addr = sock();
    let a = Router::new("a", Config::default()).unwrap();
    a.listen(&addr).unwrap();
    let b = Router::new("b", Config::default()).unwrap();
    b.connect("a", &addr).unwrap();
    for i in 0..100u64 {
        b.send("a::x", 1, 0, &i.to_le_bytes()).unwrap();
    }
    for i in 0..100u64 {
        assert_eq!(counter(&recv(&a)), i);
    }
    b.flush(Duration::from_secs(10)).unwrap();
    drop(a);
    let a2 = Router::new("a", Config::default()).unwrap();
    a2.listen(&addr).unwrap();
    wait_for("re-dial to the new process", Duration::from_secs(10), || {
        b.stats().reconnects >= 1 && b.peer_state("a") == Ok(PeerState::Connected)
    });
    for i in 1000..1100u64 {
        b.send("a::x", 1, 0, &i.to_le_bytes()).unwrap();
    }
    for i in 1000..1100u64 {
        assert_eq!(counter(&recv(&a2)), i);
    }
    a2.send("b::y", 2, 0, b"back").unwrap();
    assert_eq!(&recv(&b).payload[..], b"back");
    assert_eq!(b.stats().lost, 0);
}

#[test]
fn router_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Router>();
}

/// Several threads send through one link, with pauses (so frames are often
/// written by the sending threads themselves) and cuts on both sides: every
/// thread's messages arrive exactly once and in its order.
#[test]
fn concurrent_senders_keep_their_order_across_cuts() {
    const THREADS: u64 = 4;
    const EACH: u64 = 1_500;
    let (a, b, _) = pair(Config::default());
    let b = std::sync::Arc::new(b);
    let senders: Vec<_> = (0..THREADS)
        .map(|t| {
            let b = b.clone();
            std::thread::spawn(move || {
                let mut payload = [0u8; 16];
                let mut i = 0;
                while i < EACH {
                    payload[..8].copy_from_slice(&i.to_le_bytes());
                    payload[8..].copy_from_slice(&t.to_le_bytes());
                    match b.send("a::sink", 1, 0, &payload) {
                        Ok(()) => {
                            i += 1;
                            if i % 3 == t % 3 {
                                std::thread::sleep(Duration::from_micros(300));
                            }
                            if t == 0 && i % 250 == 0 {
                                b.drop_connections();
                            }
                        }
                        Err(RouterError::Full) => std::thread::yield_now(),
                        Err(e) => panic!("{e}"),
                    }
                }
            })
        })
        .collect();
    let mut next = [0u64; THREADS as usize];
    for n in 0..THREADS * EACH {
        let m = recv(&a);
        let t = u64::from_le_bytes(m.payload[8..16].try_into().unwrap()) as usize;
        assert_eq!(counter(&m), next[t], "thread {t}: out of order or duplicated");
        next[t] += 1;
        if n % 400 == 200 {
            a.drop_connections();
        }
    }
    for s in senders {
        s.join().unwrap();
    }
    assert!(a.recv(Duration::from_millis(200)).unwrap().is_none(), "nothing extra arrives");
    b.flush(Duration::from_secs(30)).unwrap();
    assert_eq!(a.stats().lost + b.stats().lost, 0);
}

/// Messages that arrived in one burst wait in the input queue as batches;
/// `pending` counts each message, and `begin_migration` still takes the
/// migrating target's messages out of the queue, in order.
#[test]
fn queued_burst_is_counted_and_sorted_by_begin_migration() {
    let (a, b, _) = pair(Config::default());
    const N: u64 = 2000;
    for i in 0..N {
        let to = if i % 2 == 0 { "a::npc" } else { "a::other" };
        b.send(to, 1, 0, &i.to_le_bytes()).unwrap();
    }
    // Acknowledged means delivered into `a`'s input queue.
    b.flush(Duration::from_secs(10)).unwrap();
    assert_eq!(a.pending(), N as usize);
    let first = recv(&a);
    assert_eq!((counter(&first), &*first.destination), (0, "a::npc"));
    assert_eq!(a.pending(), N as usize - 1);
    a.begin_migration("a::npc").unwrap();
    assert_eq!(a.pending(), N as usize / 2, "only `a::other` is left in the queue");
    for i in (1..N).step_by(2) {
        let m = a.poll().expect("queued");
        assert_eq!((counter(&m), &*m.destination), (i, "a::other"));
    }
    assert_eq!(a.poll(), None);
    // The held messages travel to the new home in order.
    a.end_migration("a::npc", "b").unwrap();
    b.adopt("a::npc").unwrap();
    for i in (2..N).step_by(2) {
        let m = recv(&b);
        assert_eq!((counter(&m), &*m.destination, m.relayed), (i, "a::npc", true));
    }
}

/// A route looked up once is not reused after the anchors change.
#[test]
fn anchor_changes_redirect_the_next_send() {
    let (a, b, _) = pair(Config::default());
    b.send("a::npc::7", 1, 0, b"1").unwrap();
    assert_eq!(&recv(&a).payload[..], b"1");
    b.add_anchor("a::npc", "b").unwrap();
    b.send("a::npc::7", 1, 0, b"2").unwrap();
    assert_eq!(&b.poll().expect("now local").payload[..], b"2");
    b.remove_anchor("a::npc").unwrap();
    b.send("a::npc::7", 1, 0, b"3").unwrap();
    assert_eq!(&recv(&a).payload[..], b"3");
    assert_eq!(b.poll(), None);
    b.remove_anchor("a").unwrap();
    assert_eq!(b.send("a::npc::7", 1, 0, b"4"), Err(RouterError::NoRoute("a::npc::7".into())));
}

/// `poll_into` / `recv_into` hand out exactly what was sent (batched remote
/// frames, multicast frames between them, a local message), in order, and a
/// payload that does not fit leaves its message first in the queue.
#[test]
fn copying_receive_hands_out_what_was_sent() {
    let (a, b, _) = pair(Config::default());
    // Oracle: the list of (source, destination, command, flags, kind, payload) as sent.
    let mut sent: Vec<(String, String, u16, u8, MessageKind, Vec<u8>)> = Vec::new();
    for i in 0..2000u32 {
        let payload: Vec<u8> = (0..(i % 97)).map(|k| (k * 7 + i) as u8).collect();
        if i % 150 == 149 {
            // A frame that is not batched, in the middle of batched ones.
            b.multicast(&["a::m1", "a::m2"], i as u16, 1, &payload).unwrap();
            for d in ["a::m1", "a::m2"] {
                sent.push(("b".into(), d.into(), i as u16, 1, MessageKind::Multicast, payload.clone()));
            }
            continue;
        }
        let dst = format!("a::npc::{}", i % 3);
        b.send(&dst, i as u16, (i % 5) as u8, &payload).unwrap();
        sent.push(("b".into(), dst, i as u16, (i % 5) as u8, MessageKind::Unicast, payload));
    }
    b.flush(Duration::from_secs(10)).unwrap();
    a.send("a::self", 9, 2, b"local").unwrap();
    sent.push(("a".into(), "a::self".into(), 9, 2, MessageKind::Unicast, b"local".to_vec()));

    let mut info = MessageInfo::default();
    let mut small = [0u8; 4];
    let mut buf = [0u8; 128];
    let mut got = Vec::new();
    // Acknowledged means delivered: everything is queued already.
    while got.len() < sent.len() {
        let len = match a.poll_into(&mut info, &mut small) {
            Received::Message(len) => {
                buf[..len].copy_from_slice(&small[..len]);
                len
            }
            Received::TooSmall(len) => {
                // The message stayed first: the retry with room gets the same one.
                let (dst, seq) = (info.destination().to_string(), info.seq);
                assert_eq!(a.recv_into(Duration::from_secs(1), &mut info, &mut buf), Ok(Received::Message(len)));
                assert_eq!((info.destination(), info.seq), (&dst[..], seq));
                len
            }
            Received::Empty => panic!("only {} of {} messages queued", got.len(), sent.len()),
        };
        assert!(!info.relayed);
        got.push((info.source().to_string(), info.destination().to_string(), info.command, info.flags, info.kind, buf[..len].to_vec()));
    }
    assert_eq!(got, sent);
    assert_eq!(a.poll_into(&mut info, &mut buf), Received::Empty);
    assert_eq!(a.recv_into(Duration::from_millis(20), &mut info, &mut buf), Ok(Received::Empty));
    assert_eq!(a.pending(), 0);
}

/// Sending threads reuse their cached route to a link without taking the
/// table lock; an `adopt` made while they send (the route turns local, a
/// marker goes out on the link) must still keep every thread's messages in
/// order and lose none. Several rounds, each migrating another entity from
/// `a` to the sending process `b` in the middle of the stream.
#[test]
fn adopt_while_other_threads_send_keeps_each_threads_order() {
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;
    const THREADS: u64 = 3;
    const EACH: u64 = 4_000;
    let (a, b, _) = pair(Config::default());
    let b = Arc::new(b);
    for round in 0..4 {
        let target: Arc<str> = Arc::from(format!("a::npc{round}"));
        let adopted = Arc::new(AtomicBool::new(false));
        let senders: Vec<_> = (0..THREADS)
            .map(|t| {
                let (b, target, adopted) = (b.clone(), target.clone(), adopted.clone());
                std::thread::spawn(move || {
                    let mut payload = [0u8; 16];
                    payload[8..].copy_from_slice(&t.to_le_bytes());
                    let mut i = 0;
                    // Keep sending until at least one message went after the adopt.
                    let mut sent_after_adopt = false;
                    while i < EACH || !sent_after_adopt {
                        let adopted_before = adopted.load(Ordering::Acquire);
                        payload[..8].copy_from_slice(&i.to_le_bytes());
                        match b.send(&target, 1, 0, &payload) {
                            Ok(()) => {
                                i += 1;
                                sent_after_adopt = adopted_before;
                            }
                            Err(RouterError::Full) => std::thread::yield_now(),
                            Err(e) => panic!("{e}"),
                        }
                        if i % 64 == t {
                            std::thread::sleep(Duration::from_micros(50));
                        }
                    }
                    i
                })
            })
            .collect();
        wait_for("messages at the old home", Duration::from_secs(10), || a.pending() > 300);
        a.begin_migration(&target).unwrap();
        a.end_migration(&target, "b").unwrap();
        b.adopt(&target).unwrap();
        adopted.store(true, Ordering::Release);
        let sent: Vec<u64> = senders.into_iter().map(|s| s.join().unwrap()).collect();
        // Nothing was taken at `a`: every message reaches `b`, each thread's in order.
        let mut next = vec![0u64; THREADS as usize];
        for _ in 0..sent.iter().sum::<u64>() {
            let m = recv(&b);
            assert_eq!(&*m.destination, &*target);
            let t = u64::from_le_bytes(m.payload[8..16].try_into().unwrap()) as usize;
            assert_eq!(counter(&m), next[t], "round {round}, thread {t}: out of order, lost or duplicated");
            next[t] += 1;
            if next[t] == sent[t] {
                // Sent after the thread saw the adopt: its cached route is not used anymore.
                assert!(!m.relayed, "round {round}, thread {t}: the last message went through the old home");
            }
        }
        assert_eq!(next, sent);
        assert!(b.recv(Duration::from_millis(50)).unwrap().is_none(), "nothing extra arrives");
        assert!(a.poll().is_none());
    }
    assert_eq!(a.stats().lost + b.stats().lost, 0);
}

/// `poll_many_into` / `recv_many_into` hand out what was sent, in order,
/// with the payloads back to back, however the info and byte buffers cut
/// the stream; a first payload that does not fit stays queued.
#[test]
fn receiving_many_per_call_hands_out_what_was_sent() {
    use tessera::router::ReceivedMany;
    let (a, b, _) = pair(Config::default());
    // Oracle: the list as sent.
    let sent: Vec<(String, u16, Vec<u8>)> = (0..3000u32).map(|i| (format!("a::n{}", i % 5), i as u16, vec![(i * 3) as u8; (i % 70) as usize])).collect();
    for (dst, command, payload) in &sent {
        b.send(dst, *command, 0, payload).unwrap();
    }
    b.flush(Duration::from_secs(10)).unwrap();
    let mut rng = tessera::random::Rng::new(5);
    let mut infos = vec![MessageInfo::default(); 40];
    let mut payloads = [0u8; 600];
    let mut got = Vec::new();
    while got.len() < sent.len() {
        let slots = 1 + rng.below(40) as usize;
        let room = rng.below(600) as usize;
        match a.recv_many_into(Duration::from_secs(1), &mut infos[..slots], &mut payloads[..room]).unwrap() {
            ReceivedMany::Messages { count, bytes } => {
                assert!(count <= slots && bytes <= room);
                let mut at = 0;
                for info in &infos[..count] {
                    got.push((info.destination().to_string(), info.command, payloads[at..at + info.payload_len].to_vec()));
                    at += info.payload_len;
                }
                assert_eq!(at, bytes);
                // It stopped at the slots, the end of the queue or a payload that did not fit.
                let next = got.len();
                assert!(count == slots || next == sent.len() || bytes + sent[next].2.len() > room);
            }
            ReceivedMany::TooSmall(len) => {
                assert_eq!(len, sent[got.len()].2.len());
                assert!(len > room);
                assert_eq!(infos[0].payload_len, len);
            }
            ReceivedMany::Empty => panic!("only {} of {} messages queued", got.len(), sent.len()),
        }
    }
    assert_eq!(got, sent);
    assert_eq!(a.poll_many_into(&mut infos, &mut payloads), ReceivedMany::Empty);
}

/// Several host threads waiting in `recv` at once read the connections
/// themselves and take turns: every message is handed out exactly once.
/// A host that stops waiting and only polls still gets what arrives later
/// (the reader thread takes over again).
#[test]
fn concurrent_receivers_get_every_message_once() {
    use std::sync::Arc;
    const N: u64 = 20_000;
    let (a, b, _) = pair(Config::default());
    let a = Arc::new(a);
    let receivers: Vec<_> = (0..3)
        .map(|_| {
            let a = a.clone();
            std::thread::spawn(move || {
                let mut got = Vec::new();
                let (mut info, mut buf) = (MessageInfo::default(), [0u8; 16]);
                while let Ok(Received::Message(_)) = a.recv_into(Duration::from_millis(300), &mut info, &mut buf) {
                    got.push(u64::from_le_bytes(buf[..8].try_into().unwrap()));
                }
                got
            })
        })
        .collect();
    for i in 0..N {
        while let Err(RouterError::Full) = b.send("a::sink", 1, 0, &i.to_le_bytes()) {
            std::thread::yield_now();
        }
        if i % 1000 == 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    let mut all: Vec<u64> = receivers.into_iter().flat_map(|r| r.join().unwrap()).collect();
    all.sort_unstable();
    assert_eq!(all, (0..N).collect::<Vec<_>>(), "every message exactly once");
    // Nobody waits in `recv` now: a later message still arrives for `poll`.
    b.send("a::late", 1, 0, b"late").unwrap();
    wait_for("the late message", Duration::from_secs(5), || a.poll().is_some_and(|m| &m.payload[..] == b"late"));
}

/// What a host thread takes while it reads the socket itself is
/// acknowledged even when nothing else arrives afterwards (the sender's
/// `flush` returns): the last acknowledgement does not depend on the reader
/// thread, which may be blocked waiting for data the host already took.
#[test]
fn messages_a_host_read_itself_are_acknowledged_without_more_traffic() {
    let (a, b, _) = pair(Config::default());
    for round in 0..40u64 {
        for k in 0..=(round % 3) {
            b.send("a::x", 1, 0, &k.to_le_bytes()).unwrap();
        }
        for _ in 0..=(round % 3) {
            recv(&a);
        }
        if round % 2 == 0 {
            // Past the readers' stand-down: they wait for data again.
            std::thread::sleep(Duration::from_millis(3));
        }
        assert_eq!(b.flush(Duration::from_secs(2)), Ok(()), "round {round}: delivered messages not acknowledged");
    }
}
