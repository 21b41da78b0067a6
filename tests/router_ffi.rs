//! The router's C API called from Rust: every bad input the API names gets its exact status.

use std::ffi::CString;
use std::ptr::{null, null_mut};
use std::time::{Duration, Instant};
use tessera::ffi::router::*;
use tessera::ffi::*;

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn new_router(id: &str, config: Option<&TessRouterConfig>) -> *mut TessRouter {
    let mut r = null_mut();
    let id = c(id);
    let status = unsafe { tess_router_new(id.as_ptr(), config.map_or(null(), |c| c as *const _), &mut r) };
    assert_eq!(status, TESS_SUCCESS);
    r
}

fn zero_message() -> TessRouterMessage {
    TessRouterMessage { seq: 0, command: 0, flags: 0, kind: 0, relayed: 0, reserved: [0; 3], payload_len: 0, source: [0; 64], destination: [0; 256] }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.split(|&b| b == 0).next().unwrap().to_vec()).unwrap()
}

#[test]
fn statuses_of_bad_input() {
    unsafe {
        let path = format!("unix:/tmp/tess-rf-{}.sock", std::process::id());
        let mut config = std::mem::zeroed::<TessRouterConfig>();
        assert_eq!(tess_router_config_default(&mut config), TESS_SUCCESS);
        assert_eq!(tess_router_config_default(null_mut()), TESS_FAILURE | TESS_NULL_PARAM);
        config.max_payload = 32;
        config.reconnect_attempts = 2;
        config.reconnect_interval_ms = 5;

        let mut r = null_mut();
        assert_eq!(tess_router_new(null(), null(), &mut r), TESS_FAILURE | TESS_NULL_PARAM);
        assert_eq!(tess_router_new(c("a b").as_ptr(), null(), &mut r), TESS_FAILURE | TESS_INVALID_PARAM);
        assert!(r.is_null());
        let mut bad = config;
        bad.send_queue = 0;
        assert_eq!(tess_router_new(c("a").as_ptr(), &bad, &mut r), TESS_FAILURE | TESS_INVALID_PARAM);
        let mut bad = config;
        bad.reconnect_interval_ms = u32::MAX;
        bad.reconnect_attempts = u32::MAX;
        assert_eq!(tess_router_new(c("a").as_ptr(), &bad, &mut r), TESS_FAILURE | TESS_INVALID_PARAM);

        let a = new_router("a", Some(&config));
        let b = new_router("b", Some(&config));
        let mut buf = [0 as std::ffi::c_char; 128];
        let mut len = 0u32;
        assert_eq!(tess_router_listen(a, c(&path).as_ptr(), buf.as_mut_ptr(), 128, &mut len), TESS_SUCCESS);
        assert_eq!(len as usize, path.len() + 1);
        // Address in use, also from another router.
        assert_eq!(tess_router_listen(b, c(&path).as_ptr(), null_mut(), 0, &mut len), TESS_FAILURE | TESS_ALREADY_EXISTS | TESS_IO_ERROR);
        assert_eq!(tess_router_listen(b, c("tcp:8.8.8.8:1").as_ptr(), null_mut(), 0, &mut len), TESS_FAILURE | TESS_INVALID_PARAM);
        // Nothing listening.
        assert_eq!(tess_router_connect(b, c("a").as_ptr(), c("unix:/tmp/tess-nobody.sock").as_ptr()), TESS_FAILURE | TESS_IO_ERROR);
        assert_eq!(tess_router_connect(b, c("a").as_ptr(), c(&path).as_ptr()), TESS_SUCCESS);
        assert_eq!(tess_router_connect(b, c("a").as_ptr(), c(&path).as_ptr()), TESS_FAILURE | TESS_ALREADY_EXISTS);

        let payload = [7u8; 33];
        let send = |r, d: &str, n: u32| tess_router_send(r, c(d).as_ptr(), 0x0101, 0, payload.as_ptr(), n);
        assert_eq!(send(b, "nowhere::x", 1), TESS_FAILURE | TESS_NO_ROUTE);
        assert_eq!(send(b, "a::x", 33), TESS_FAILURE | TESS_INVALID_PARAM);
        assert_eq!(tess_router_send(b, c("a::x").as_ptr(), 1, 0, null(), 4), TESS_FAILURE | TESS_NULL_PARAM);
        assert_eq!(tess_router_send(b, null(), 1, 0, null(), 0), TESS_FAILURE | TESS_NULL_PARAM);
        assert_eq!(send(b, "a::x", 32), TESS_SUCCESS);
        assert_eq!(tess_router_multicast(b, c("a::1\nzz::2").as_ptr(), 1, 0, payload.as_ptr(), 1), TESS_FAILURE | TESS_NO_ROUTE);
        assert_eq!(tess_router_multicast(b, c("a::1\n").as_ptr(), 1, 0, payload.as_ptr(), 1), TESS_FAILURE | TESS_INVALID_PARAM);

        // Receive with a too-small buffer: the message stays queued.
        let mut info = zero_message();
        let mut small = [0u8; 4];
        let mut big = [0u8; 64];
        assert_eq!(tess_router_recv(a, 10_000, &mut info, small.as_mut_ptr(), 4, &mut len), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
        assert_eq!((len, info.payload_len, small), (32, 32, [7; 4]));
        assert_eq!(tess_router_poll(a, &mut info, big.as_mut_ptr(), 64, &mut len), TESS_SUCCESS);
        assert_eq!((len, text(&info.source), text(&info.destination), info.command), (32, "b".into(), "a::x".into(), 0x0101));
        assert_eq!(tess_router_poll(a, &mut info, big.as_mut_ptr(), 64, &mut len), TESS_SUCCESS | TESS_WOULD_BLOCK);
        assert_eq!(len, 0);
        assert_eq!(tess_router_recv(a, 1, &mut info, big.as_mut_ptr(), 64, &mut len), TESS_SUCCESS | TESS_TIMEOUT);
        assert_eq!(tess_router_poll(a, null_mut(), big.as_mut_ptr(), 64, &mut len), TESS_FAILURE | TESS_NULL_PARAM);
        assert_eq!(tess_router_poll(a, &mut info, null_mut(), 64, &mut len), TESS_SUCCESS | TESS_WOULD_BLOCK);

        // Groups, anchors, migration states.
        assert_eq!(tess_router_join(a, c("g").as_ptr()), TESS_SUCCESS);
        assert_eq!(tess_router_join(a, c("g").as_ptr()), TESS_FAILURE | TESS_ALREADY_EXISTS);
        assert_eq!(tess_router_leave(a, c("h").as_ptr()), TESS_FAILURE | TESS_NOT_FOUND);
        assert_eq!(tess_router_add_anchor(b, c("q").as_ptr(), c("zz").as_ptr()), TESS_FAILURE | TESS_NOT_FOUND);
        assert_eq!(tess_router_remove_anchor(b, c("q").as_ptr()), TESS_FAILURE | TESS_NOT_FOUND);
        assert_eq!(tess_router_end_migration(a, c("a::n").as_ptr(), c("b").as_ptr()), TESS_FAILURE | TESS_WRONG_STATE);
        assert_eq!(tess_router_begin_migration(b, c("a::n").as_ptr()), TESS_FAILURE | TESS_WRONG_STATE);
        let mut state = 9u32;
        assert_eq!(tess_router_peer_state(b, c("zz").as_ptr(), &mut state), TESS_FAILURE | TESS_NOT_FOUND);
        assert_eq!(tess_router_flush(b, 5000), TESS_SUCCESS);

        // Peer gone: `a` disappears and `b` gives up after its redials.
        tess_router_free(a);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            assert_eq!(tess_router_peer_state(b, c("a").as_ptr(), &mut state), TESS_SUCCESS);
            if state == TESS_ROUTER_PEER_GONE {
                break;
            }
            assert!(Instant::now() < deadline, "peer never declared gone");
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(send(b, "a::x", 1), TESS_FAILURE | TESS_IO_ERROR);
        let mut log_len = 0u32;
        assert_eq!(tess_router_log(b, null_mut(), 0, &mut log_len), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
        assert!(log_len > 1);

        // Freed, NULL and wrong-type handles.
        assert_eq!(send(a, "a::x", 1), TESS_FAILURE | TESS_STALE_HANDLE);
        assert_eq!(tess_router_poll(null(), &mut info, null_mut(), 0, &mut len), TESS_FAILURE | TESS_NULL_PARAM);
        let mut stats = TessRouterStats::default();
        assert_eq!(tess_router_stats(a, &mut stats), TESS_FAILURE | TESS_STALE_HANDLE);
        let mut table = null_mut();
        assert_eq!(tessera::ffi::random::tess_alias_table_new([1.0f64].as_ptr(), 1, &mut table), TESS_SUCCESS);
        assert_eq!(tess_router_drop_connections(table.cast()), TESS_FAILURE | TESS_STALE_HANDLE);
        tessera::ffi::random::tess_alias_table_free(table);
        tess_router_free(a); // double free: ignored
        tess_router_free(null_mut());
        tess_router_free(b);
    }
}

/// `tess_router_poll_many` / `tess_router_recv_many`: headers and payloads
/// (packed back to back) of what was sent, in order, over several calls;
/// the documented statuses for an empty queue, a first payload that does
/// not fit and bad arguments.
#[test]
fn many_messages_per_call() {
    unsafe {
        let path = format!("unix:/tmp/tess-rfm-{}.sock", std::process::id());
        let a = new_router("a", None);
        let b = new_router("b", None);
        let mut len = 0u32;
        assert_eq!(tess_router_listen(a, c(&path).as_ptr(), null_mut(), 0, &mut len), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
        assert_eq!(tess_router_connect(b, c("a").as_ptr(), c(&path).as_ptr()), TESS_SUCCESS);
        // Oracle: what was sent, in order.
        let sent: Vec<(String, u16, Vec<u8>)> = (0..300u32).map(|i| (format!("a::n{}", i % 4), i as u16, vec![i as u8; (i % 50) as usize])).collect();
        for (dst, command, payload) in &sent {
            assert_eq!(tess_router_send(b, c(dst).as_ptr(), *command, 0, payload.as_ptr(), payload.len() as u32), TESS_SUCCESS);
        }
        assert_eq!(tess_router_flush(b, 10_000), TESS_SUCCESS);

        let mut infos = vec![zero_message(); 7];
        let mut payloads = [0u8; 120];
        let mut count = 0u32;
        let mut got: Vec<(String, u16, Vec<u8>)> = Vec::new();
        // A first payload larger than the buffer: nothing is taken.
        let too_small = sent.iter().position(|(_, _, p)| p.len() > 3).unwrap();
        while got.len() < too_small {
            assert_eq!(tess_router_poll_many(a, infos.as_mut_ptr(), 1, payloads.as_mut_ptr(), 120, &mut count, &mut len), TESS_SUCCESS);
            got.push((text(&infos[0].destination), infos[0].command, payloads[..len as usize].to_vec()));
        }
        assert_eq!(tess_router_poll_many(a, infos.as_mut_ptr(), 7, payloads.as_mut_ptr(), 3, &mut count, &mut len), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
        assert_eq!((count, len, infos[0].payload_len), (0, sent[too_small].2.len() as u32, len));
        while got.len() < sent.len() {
            let status = tess_router_recv_many(a, 10_000, infos.as_mut_ptr(), 7, payloads.as_mut_ptr(), 120, &mut count, &mut len);
            assert_eq!(status, TESS_SUCCESS);
            assert!((1..=7).contains(&count));
            let mut at = 0;
            for info in &infos[..count as usize] {
                let n = info.payload_len as usize;
                got.push((text(&info.destination), info.command, payloads[at..at + n].to_vec()));
                at += n;
            }
            assert_eq!(at, len as usize);
        }
        assert_eq!(got, sent);
        assert_eq!(tess_router_poll_many(a, infos.as_mut_ptr(), 7, payloads.as_mut_ptr(), 120, &mut count, &mut len), TESS_SUCCESS | TESS_WOULD_BLOCK);
        assert_eq!((count, len), (0, 0));
        assert_eq!(tess_router_recv_many(a, 1, infos.as_mut_ptr(), 7, payloads.as_mut_ptr(), 120, &mut count, &mut len), TESS_SUCCESS | TESS_TIMEOUT);
        assert_eq!(tess_router_poll_many(a, infos.as_mut_ptr(), 0, payloads.as_mut_ptr(), 120, &mut count, &mut len), TESS_FAILURE | TESS_INVALID_PARAM);
        assert_eq!(tess_router_poll_many(a, null_mut(), 7, payloads.as_mut_ptr(), 120, &mut count, &mut len), TESS_FAILURE | TESS_NULL_PARAM);
        assert_eq!(tess_router_poll_many(a, infos.as_mut_ptr(), 7, null_mut(), 120, &mut count, &mut len), TESS_FAILURE | TESS_NULL_PARAM);
        assert_eq!(tess_router_poll_many(a, infos.as_mut_ptr(), 7, payloads.as_mut_ptr(), 120, null_mut(), &mut len), TESS_FAILURE | TESS_NULL_PARAM);
        assert_eq!(tess_router_poll_many(null(), infos.as_mut_ptr(), 7, payloads.as_mut_ptr(), 120, &mut count, &mut len), TESS_FAILURE | TESS_NULL_PARAM);
        tess_router_free(a);
        tess_router_free(b);
    }
}
