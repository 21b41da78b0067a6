//! Router throughput and latency across two processes over a Unix socket, side by side with a
//! raw Unix-socket baseline in the same run.
//!
//! `cargo bench --bench router` (a plain bench binary, not criterion: each measurement needs a
//! second process, which re-runs this binary as the receiving side).
//!
//! - throughput: 1M messages of 64 bytes (override with TESS_BENCH_N), sender → receiver
//!   process; the receiver copies them into its own buffers as C hosts do (headers and payloads,
//!   no allocation: `recv_many_into` / `recv_into`, which `tess_router_recv_many` /
//!   `tess_router_recv` use), checks every counter (zero loss, in order) and reports back.
//!   Raw baselines: the same 64-byte records written through a 256 KiB buffer (the practical
//!   limit) and with one write(2) per record.
//!   The router is measured twice: receiving with `recv_many_into` (up to 256 messages per
//!   call) and with `recv_into` (one per call). TESS_BENCH_ROUTER_ONLY=1 runs only the router
//!   throughput once and prints msg/s (for profilers and quick comparisons; TESS_BENCH_SINK=one
//!   receives one message per call).
//! - latency: 64-byte messages paced at 10k msg/s for 2 s; each carries CLOCK_MONOTONIC send
//!   time, the receiving process takes the one-way latency on arrival. Raw baseline: one
//!   write(2) per record, blocking reads.

use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};
use tessera::router::{Config, MessageInfo, Received, ReceivedMany, Router, RouterError};

const MSG: usize = 64;
const LAT_RATE: u64 = 10_000;
const LAT_SECONDS: u64 = 2;

fn mono_ns() -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_MONOTONIC is shared by all processes,
    // so times taken in the two processes compare.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

fn record(i: u64) -> [u8; MSG] {
    let mut r = [0u8; MSG];
    r[..8].copy_from_slice(&i.to_le_bytes());
    r[8..16].copy_from_slice(&mono_ns().to_le_bytes());
    r
}

fn percentiles(mut lat: Vec<u64>) -> String {
    lat.sort_unstable();
    let p = |q: f64| lat[((lat.len() as f64 - 1.0) * q) as usize];
    format!("{} {} {} {}", lat.len(), p(0.5), p(0.99), lat[lat.len() - 1])
}

// ---- receiving side (child process) --------------------------------------------------------

/// What a receiving process checks and measures per message.
struct Counted {
    next: u64,
    latency: Option<Vec<u64>>,
}

impl Counted {
    fn take(&mut self, payload: &[u8]) {
        assert_eq!(payload.len(), MSG);
        let i = u64::from_le_bytes(payload[..8].try_into().unwrap());
        assert_eq!(i, self.next, "loss, duplicate or reordering");
        // Reads the clock only for latency: a clock read costs about as much as a raw record.
        if let Some(lat) = &mut self.latency {
            lat.push(mono_ns() - u64::from_le_bytes(payload[8..16].try_into().unwrap()));
        }
        self.next += 1;
    }
}

fn router_sink(sock: &str, n: u64, mode: &str) {
    let latency = mode == "latency";
    let rx = Router::new("rx", Config::default()).unwrap();
    rx.listen(&format!("unix:{sock}")).unwrap();
    println!("ready");
    let mut got = Counted { next: 0, latency: latency.then(|| Vec::with_capacity(n as usize)) };
    // The copying receive a C host uses (`tess_router_recv` / `tess_router_recv_many`): headers
    // and payloads into caller buffers, no allocation.
    let mut infos = vec![MessageInfo::default(); if mode == "many" { 256 } else { 1 }];
    let mut payloads = vec![0u8; infos.len() * 256];
    let deadline = Instant::now() + Duration::from_secs(120);
    while got.next < n && Instant::now() < deadline {
        if mode == "many" {
            while let ReceivedMany::Messages { count, .. } = rx.recv_many_into(Duration::from_millis(100), &mut infos, &mut payloads).unwrap() {
                for k in 0..count {
                    got.take(&payloads[k * MSG..(k + 1) * MSG]);
                }
                if got.next == n {
                    break;
                }
            }
        } else {
            while let Received::Message(len) = rx.recv_into(Duration::from_millis(100), &mut infos[0], &mut payloads).unwrap() {
                got.take(&payloads[..len]);
                if got.next == n {
                    break;
                }
            }
        }
    }
    let next = got.next;
    let lat = got.latency.unwrap_or_default();
    rx.send("tx::ctl", 1, 0, &next.to_le_bytes()).unwrap();
    rx.flush(Duration::from_secs(10)).unwrap();
    println!("{}", if latency { format!("lat {}", percentiles(lat)) } else { format!("got {next}") });
}

fn raw_sink(sock: &str, n: u64, latency: bool) {
    let _ = std::fs::remove_file(sock);
    let l = UnixListener::bind(sock).unwrap();
    println!("ready");
    let (mut s, _) = l.accept().unwrap();
    let mut r = BufReader::with_capacity(256 * 1024, s.try_clone().unwrap());
    let mut lat = Vec::new();
    let mut buf = [0u8; MSG];
    for next in 0..n {
        r.read_exact(&mut buf).unwrap();
        assert_eq!(u64::from_le_bytes(buf[..8].try_into().unwrap()), next);
        if latency {
            lat.push(mono_ns() - u64::from_le_bytes(buf[8..16].try_into().unwrap()));
        }
    }
    s.write_all(&[1]).unwrap();
    let _ = std::fs::remove_file(sock);
    println!("{}", if latency { format!("lat {}", percentiles(lat)) } else { format!("got {n}") });
}

// ---- sending side ---------------------------------------------------------------------------

fn spawn(role: &str, sock: &str, n: u64, mode: &str) -> (Child, BufReader<ChildStdout>) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([role, sock, &n.to_string(), mode])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready");
    (child, out)
}

fn finish(mut child: Child, mut out: BufReader<ChildStdout>) -> String {
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert!(child.wait().unwrap().success());
    line.trim().to_string()
}

fn sock_path(tag: &str) -> String {
    format!("/tmp/tess-bench-{tag}-{}.sock", std::process::id())
}

/// Messages per second through the router, across processes; `sink` is the receiving mode
/// ("one": a message per call, "many": up to 256 per call).
fn router_throughput(n: u64, sink: &str) -> f64 {
    let sock = sock_path("rt");
    let (child, out) = spawn("router-sink", &sock, n, sink);
    let tx = Router::new("tx", Config::default()).unwrap();
    tx.connect("rx", &format!("unix:{sock}")).unwrap();
    let start = Instant::now();
    let mut i = 0;
    let mut payload = [0u8; MSG];
    while i < n {
        payload[..8].copy_from_slice(&i.to_le_bytes());
        match tx.send("rx::sink", 0x0101, 0, &payload) {
            Ok(()) => i += 1,
            Err(RouterError::Full) => std::thread::yield_now(),
            Err(e) => panic!("{e}"),
        }
    }
    let done = tx.recv(Duration::from_secs(120)).unwrap().expect("receiver reports");
    let elapsed = start.elapsed().as_secs_f64();
    assert_eq!(u64::from_le_bytes(done.payload[..8].try_into().unwrap()), n, "zero loss");
    assert_eq!(finish(child, out), format!("got {n}"));
    assert_eq!(tx.stats().lost, 0);
    n as f64 / elapsed
}

fn raw_throughput(n: u64, buffered: bool) -> f64 {
    let sock = sock_path("raw");
    let (child, out) = spawn("raw-sink", &sock, n, "throughput");
    let s = UnixStream::connect(&sock).unwrap();
    let start = Instant::now();
    let mut payload = [0u8; MSG];
    if buffered {
        let mut w = BufWriter::with_capacity(256 * 1024, s.try_clone().unwrap());
        for i in 0..n {
            payload[..8].copy_from_slice(&i.to_le_bytes());
            w.write_all(&payload).unwrap();
        }
        w.flush().unwrap();
    } else {
        let mut w = s.try_clone().unwrap();
        for i in 0..n {
            payload[..8].copy_from_slice(&i.to_le_bytes());
            w.write_all(&payload).unwrap();
        }
    }
    let mut ack = [0u8; 1];
    (&s).read_exact(&mut ack).unwrap();
    let elapsed = start.elapsed().as_secs_f64();
    assert_eq!(finish(child, out), format!("got {n}"));
    n as f64 / elapsed
}

/// Paces `n` sends at LAT_RATE per second.
fn paced(n: u64, mut send: impl FnMut(u64)) {
    let start = Instant::now();
    let interval = Duration::from_nanos(1_000_000_000 / LAT_RATE);
    for i in 0..n {
        let due = start + interval * i as u32;
        loop {
            let now = Instant::now();
            if now >= due {
                break;
            }
            let left = due - now;
            if left > Duration::from_micros(80) {
                std::thread::sleep(left - Duration::from_micros(60));
            } else {
                std::hint::spin_loop();
            }
        }
        send(i);
    }
}

fn router_latency() -> String {
    let n = LAT_RATE * LAT_SECONDS;
    let sock = sock_path("rl");
    let (child, out) = spawn("router-sink", &sock, n, "latency");
    let tx = Router::new("tx", Config::default()).unwrap();
    tx.connect("rx", &format!("unix:{sock}")).unwrap();
    // Let the handshake finish before timing.
    let deadline = Instant::now() + Duration::from_secs(5);
    while tx.peer_state("rx") != Ok(tessera::router::PeerState::Connected) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    paced(n, |i| tx.send("rx::sink", 1, 0, &record(i)).unwrap());
    tx.recv(Duration::from_secs(60)).unwrap().expect("receiver reports");
    finish(child, out)
}

fn raw_latency() -> String {
    let n = LAT_RATE * LAT_SECONDS;
    let sock = sock_path("rawl");
    let (child, out) = spawn("raw-sink", &sock, n, "latency");
    let mut s = UnixStream::connect(&sock).unwrap();
    paced(n, |i| s.write_all(&record(i)).unwrap());
    let mut ack = [0u8; 1];
    s.read_exact(&mut ack).unwrap();
    finish(child, out)
}

fn us(ns: &str) -> String {
    format!("{:.1}", ns.parse::<f64>().unwrap() / 1000.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 5 && (args[1] == "router-sink" || args[1] == "raw-sink") {
        let n: u64 = args[3].parse().unwrap();
        let latency = args[4] == "latency";
        if args[1] == "router-sink" {
            router_sink(&args[2], n, &args[4]);
        } else {
            raw_sink(&args[2], n, latency);
        }
        return;
    }
    if args.iter().any(|a| a == "--list") {
        return; // nothing to list for `cargo test --benches`
    }
    let n: u64 = std::env::var("TESS_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    if std::env::var_os("TESS_BENCH_LATENCY_ONLY").is_some() {
        println!("{}", router_latency());
        return;
    }
    if std::env::var_os("TESS_BENCH_ROUTER_ONLY").is_some() {
        let sink = std::env::var("TESS_BENCH_SINK").unwrap_or_else(|_| "many".into());
        println!("{:.0}", router_throughput(n, &sink));
        return;
    }
    let runs = 3;
    let median = |mut v: Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    };
    let mut router = Vec::new();
    let mut router_one = Vec::new();
    let mut raw_buf = Vec::new();
    let mut raw_unbuf = Vec::new();
    for _ in 0..runs {
        router.push(router_throughput(n, "many"));
        router_one.push(router_throughput(n, "one"));
        raw_buf.push(raw_throughput(n, true));
        raw_unbuf.push(raw_throughput(n, false));
    }
    let (r, r1, rb, ru) = (median(router), median(router_one), median(raw_buf), median(raw_unbuf));
    println!("throughput, {n} messages of {MSG} bytes, two processes over a Unix socket (median of {runs}):");
    println!("| peer | msg/s | router / peer |");
    println!("|---|---|---|");
    println!("| tessera router, `recv_many_into` (up to 256 per call) | {:.0} | 1.00 |", r);
    println!("| tessera router, `recv_into` (one per call) | {:.0} | {:.2} |", r1, r / r1);
    println!("| raw socket, 256 KiB buffered writes | {:.0} | {:.2} |", rb, r / rb);
    println!("| raw socket, one write per message | {:.0} | {:.2} |", ru, r / ru);
    println!("(one per call against the buffered raw socket: {:.2})", r1 / rb);
    let rl: Vec<String> = router_latency().split_whitespace().map(String::from).collect();
    let wl: Vec<String> = raw_latency().split_whitespace().map(String::from).collect();
    println!("\none-way latency at {LAT_RATE} msg/s for {LAT_SECONDS} s, {MSG}-byte messages (µs):");
    println!("| peer | messages | p50 | p99 | max |");
    println!("|---|---|---|---|---|");
    println!("| tessera router | {} | {} | {} | {} |", rl[1], us(&rl[2]), us(&rl[3]), us(&rl[4]));
    println!("| raw socket, one write per message | {} | {} | {} | {} |", wl[1], us(&wl[2]), us(&wl[3]), us(&wl[4]));
}
