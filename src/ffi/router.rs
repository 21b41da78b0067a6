//! C API: the message router (cross-process dispatch over Unix or loopback TCP sockets).

use super::buffer::{in_slice, in_str, out_ref, out_slice, write_buffer};
use super::error::{ffi_status, FfiError, FfiResult};
use super::handle::{boxed_ref, new_boxed, opaque_handle, take_boxed};
use super::status::*;
use crate::router::{Config, Copier, PeerState, ReceivedMany, Router, RouterError, View};
use core::ffi::c_char;
use std::time::Duration;

/// A message router: a server id, anchors, links to peer processes and a
/// local input queue. Background threads do the socket I/O; nothing is ever
/// called back: take messages with `tess_router_poll` or `tess_router_recv`.
///
/// Ownership: created by `tess_router_new`, freed by `tess_router_free`
/// (which stops its threads, closes its sockets and removes its Unix socket files).
/// Thread-safety: every function except `tess_router_free` may be called
/// from any thread, also concurrently; order is kept per sending thread and
/// destination. Each message is returned to exactly one poll/recv caller.
pub struct TessRouter {
    _private: [u8; 0],
}
opaque_handle!(TessRouter => Router, "router");

/// Router settings (see `tess_router_config_default`).
///
/// Ownership: a plain value owned by the caller.
/// Thread-safety: a plain value.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct TessRouterConfig {
    /// Largest payload in bytes accepted by send and by the decoder. [Limit: <= 2^31 - 1] Default 65536.
    pub max_payload: u32,
    /// Own messages that may be unacknowledged at once; more gives `TESS_FULL`. [Limit: >= 1] Default 65536.
    pub send_queue: u32,
    /// Redials after a dropped connection before the peer is gone. [Limit: <= 1000000] Default 100.
    pub reconnect_attempts: u32,
    /// Milliseconds between redials. [Limit: <= 3600000] Default 20.
    pub reconnect_interval_ms: u32,
    /// Messages held per migrating or not-yet-adopted target. [Limit: >= 1] Default 65536.
    pub hold_limit: u32,
}

/// A received message's header. The payload goes to a separate caller buffer.
///
/// Ownership: a plain value owned by the caller.
/// Thread-safety: a plain value.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct TessRouterMessage {
    /// The sender's message sequence (increasing per sending router).
    pub seq: u64,
    /// `type << 8 | detail`.
    pub command: u16,
    /// Application flags given to send.
    pub flags: u8,
    /// `TESS_ROUTER_UNICAST`, `TESS_ROUTER_MULTICAST` or `TESS_ROUTER_BROADCAST`.
    pub kind: u8,
    /// 1 when forwarded by a router other than the sender (migration relay).
    pub relayed: u8,
    /// Always 0.
    pub reserved: [u8; 3],
    /// Payload length in bytes (also written to `*out_len`).
    pub payload_len: u32,
    /// The sender's server id, NUL-terminated.
    pub source: [u8; 64],
    /// The destination it was addressed to (the group for a broadcast), NUL-terminated.
    pub destination: [u8; 256],
}

/// Statistics of a router since creation.
///
/// Ownership: a plain value owned by the caller.
/// Thread-safety: a plain value.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct TessRouterStats {
    /// Frames written to connections, counting every resend.
    pub frames_sent: u64,
    /// Data frames accepted from sockets, not counting duplicates.
    pub frames_received: u64,
    /// Frames written on a connection that replaced a dropped one (resent, or queued while it was down).
    pub frames_resent: u64,
    /// Frames dropped as duplicates by link sequence.
    pub duplicates_dropped: u64,
    /// Connections closed for any reason.
    pub connections_closed: u64,
    /// Connections closed because they sent malformed bytes.
    pub malformed_closed: u64,
    /// Successful redials.
    pub reconnects: u64,
    /// Messages dropped (peer gone, no route on arrival, hold limit).
    pub lost: u64,
    /// Messages forwarded for migrated targets.
    pub relayed: u64,
}

/// `TessRouterMessage::kind`: sent to one destination.
pub const TESS_ROUTER_UNICAST: u32 = 0;
/// `TessRouterMessage::kind`: one destination of a multicast.
pub const TESS_ROUTER_MULTICAST: u32 = 1;
/// `TessRouterMessage::kind`: a broadcast to a joined group.
pub const TESS_ROUTER_BROADCAST: u32 = 2;
/// Peer state: connecting, handshaking or redialling (sends are queued).
pub const TESS_ROUTER_PEER_CONNECTING: u32 = 0;
/// Peer state: connected.
pub const TESS_ROUTER_PEER_CONNECTED: u32 = 1;
/// Peer state: the connection dropped and was not re-established.
pub const TESS_ROUTER_PEER_GONE: u32 = 2;

fn router_error(e: RouterError) -> FfiError {
    let detail = match &e {
        RouterError::NoRoute(_) => TESS_NO_ROUTE,
        RouterError::PayloadTooLarge { .. } | RouterError::Invalid(_) => TESS_INVALID_PARAM,
        RouterError::Full => TESS_FULL,
        RouterError::PeerGone(_) | RouterError::Io(_) => TESS_IO_ERROR,
        RouterError::AddressInUse(_) => TESS_ALREADY_EXISTS | TESS_IO_ERROR,
        RouterError::AlreadyExists(_) => TESS_ALREADY_EXISTS,
        RouterError::NotFound(_) => TESS_NOT_FOUND,
        RouterError::WrongState(_) => TESS_WRONG_STATE,
        RouterError::Timeout => TESS_TIMEOUT,
    };
    FfiError::new(detail, e.to_string())
}

fn config_from(c: &TessRouterConfig) -> Config {
    Config {
        max_payload: c.max_payload as usize,
        send_queue: c.send_queue as usize,
        reconnect_attempts: c.reconnect_attempts,
        reconnect_interval: Duration::from_millis(u64::from(c.reconnect_interval_ms)),
        hold_limit: c.hold_limit as usize,
    }
}

fn default_config() -> TessRouterConfig {
    let d = Config::default();
    TessRouterConfig {
        max_payload: d.max_payload as u32,
        send_queue: d.send_queue as u32,
        reconnect_attempts: d.reconnect_attempts,
        reconnect_interval_ms: d.reconnect_interval.as_millis() as u32,
        hold_limit: d.hold_limit as u32,
    }
}

fn router<'a>(r: *const TessRouter) -> FfiResult<&'a Router> {
    boxed_ref(r, "router")
}

fn ok(r: Result<(), RouterError>) -> FfiResult {
    r.map(|()| TESS_SUCCESS).map_err(router_error)
}

/// Writes `text` plus a NUL into `(out, cap, out_len)`; `*out_len` counts the NUL.
/// # Safety
/// Pointer arguments follow the calling export's contract (valid or NULL, sized as documented).
unsafe fn write_text(text: &str, out: *mut c_char, cap: u32, out_len: *mut u32, param: &str) -> FfiResult {
    let mut bytes = Vec::with_capacity(text.len() + 1);
    bytes.extend_from_slice(text.as_bytes());
    bytes.push(0);
    let status = write_buffer(&bytes, out.cast::<u8>(), cap, out_len, param)?;
    if status & TESS_BUFFER_TOO_SMALL != 0 && cap > 0 {
        // Keep a truncated string terminated.
        // SAFETY: write_buffer checked that `out` holds `cap` bytes.
        unsafe { *out.add(cap as usize - 1) = 0 };
    }
    Ok(status)
}

/// Copies a validated name and a NUL terminator (names fit: ids are at most
/// 63 bytes, destinations 255).
fn copy_name(dst: &mut [u8], name: &[u8]) {
    let n = name.len().min(dst.len() - 1);
    dst[..n].copy_from_slice(&name[..n]);
    dst[n] = 0;
}

/// Fills a message header.
fn fill_info(info: &mut TessRouterMessage, m: &View<'_>) {
    info.seq = m.seq;
    info.command = m.command;
    info.flags = m.flags;
    info.kind = m.kind as u8;
    info.relayed = u8::from(m.relayed);
    info.reserved = [0; 3];
    info.payload_len = m.payload.len() as u32;
    copy_name(&mut info.source, m.source);
    copy_name(&mut info.destination, m.destination);
}

/// Fills the caller's header and payload buffer straight from the input
/// queue (no allocation); returns whether the message was taken (false
/// when the payload does not fit: it stays queued).
/// # Safety
/// Pointer arguments follow the calling export's contract (valid or NULL, sized as documented).
unsafe fn hand_out(m: &View<'_>, info: &mut TessRouterMessage, payload: *mut u8, cap: u32, out_len: *mut u32) -> (bool, FfiResult) {
    fill_info(info, m);
    match write_buffer(m.payload, payload, cap, out_len, "payload") {
        Ok(status) => (status & TESS_BUFFER_TOO_SMALL == 0, Ok(status)),
        Err(e) => (false, Err(e)),
    }
}

/// Takes the next message into the caller's buffers, waiting up to `wait`;
/// `empty` is the status when none came.
/// # Safety
/// Pointer arguments follow the calling export's contract (valid or NULL, sized as documented).
unsafe fn take_message(
    router: *const TessRouter,
    wait: Option<Duration>,
    empty: TessStatus,
    info: *mut TessRouterMessage,
    payload: *mut u8,
    cap: u32,
    out_len: *mut u32,
) -> FfiResult {
    let r = self::router(router)?;
    let info = out_ref(info, "info")?;
    let len = out_ref(out_len, "out_len")?;
    match r.offer_next(wait, |m| hand_out(m, info, payload, cap, out_len)).map_err(router_error)? {
        Some(status) => status,
        None => {
            *len = 0;
            Ok(empty)
        }
    }
}

/// Writes the default settings.
///
/// @param[out] out  The defaults.
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_router_config_default(out: *mut TessRouterConfig) -> TessStatus {
    ffi_status!({
        *out_ref(out, "out")? = default_config();
        Ok(TESS_SUCCESS)
    })
}

/// Creates a router and starts its I/O thread.
///
/// @param[in]  server_id  This process's id: 1..=63 printable ASCII bytes, no spaces, no `::`.
/// @param[in]  config     Settings, or NULL for the defaults.
/// @param[out] out        The new router; NULL on failure.
/// @return SUCCESS; FAILURE with NULL_PARAM, INVALID_PARAM (bad id or settings) or IO_ERROR.
///
/// # Safety
/// `server_id` must be NULL or a NUL-terminated string; `config` NULL or
/// readable; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_router_new(server_id: *const c_char, config: *const TessRouterConfig, out: *mut *mut TessRouter) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = core::ptr::null_mut();
        let id = in_str(server_id, "server_id")?;
        // SAFETY: C promises a non-NULL config is readable.
        let config = unsafe { config.as_ref() }.map(config_from).unwrap_or_default();
        *out = new_boxed::<TessRouter>(Router::new(id, config).map_err(router_error)?);
        Ok(TESS_SUCCESS)
    })
}

/// Stops the router: joins its threads, closes its sockets, removes its
/// Unix socket files. Unacknowledged messages are dropped (call
/// `tess_router_flush` first to wait for them). NULL is a no-op.
///
/// # Safety
/// `router` must be NULL or a handle not used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn tess_router_free(router: *mut TessRouter) {
    let _ = ffi_status!({
        drop(take_boxed(router, "router")?);
        Ok(TESS_SUCCESS)
    });
}

/// Listens for peers.
///
/// @param[in]  router   The router.
/// @param[in]  address  `unix:PATH` (or a path containing `/`), or `tcp:IP:PORT` on a loopback IP
///                      (port 0 picks a free port). A Unix path left by a dead process is replaced.
/// @param[out] out      [opt] The bound address as a NUL-terminated string (NULL with `cap` 0).
/// @param[in]  cap      Bytes available in `out`.
/// @param[out] out_len  Bytes of the address including the NUL.
/// @return SUCCESS (| BUFFER_TOO_SMALL); FAILURE with INVALID_PARAM (bad or non-loopback address),
///         ALREADY_EXISTS | IO_ERROR (address in use), IO_ERROR, NULL_PARAM, STALE_HANDLE.
///
/// # Safety
/// Pointers must be NULL or valid; `out` must hold `cap` bytes.
#[no_mangle]
pub unsafe extern "C" fn tess_router_listen(router: *const TessRouter, address: *const c_char, out: *mut c_char, cap: u32, out_len: *mut u32) -> TessStatus {
    ffi_status!({
        let r = self::router(router)?;
        out_ref(out_len, "out_len")?;
        let bound = r.listen(in_str(address, "address")?).map_err(router_error)?;
        write_text(&bound, out, cap, out_len, "out")
    })
}

/// Connects to the peer router `peer_id` listening at `address` and adds the
/// anchor `peer_id`. Returns once the socket is connected; the handshake
/// finishes in the background and sends made before it are queued.
///
/// @return SUCCESS; FAILURE with IO_ERROR (nothing listening), ALREADY_EXISTS (already linked),
///         INVALID_PARAM, NULL_PARAM, STALE_HANDLE.
///
/// # Safety
/// Strings must be NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tess_router_connect(router: *const TessRouter, peer_id: *const c_char, address: *const c_char) -> TessStatus {
    ffi_status!({
        let r = self::router(router)?;
        ok(r.connect(in_str(peer_id, "peer_id")?, in_str(address, "address")?))
    })
}

/// Routes destinations starting with `prefix` (whole `::` segments) to the
/// peer `peer_id`, or to this process when `peer_id` is the own server id.
///
/// @return SUCCESS; FAILURE with NOT_FOUND (unknown peer), INVALID_PARAM, NULL_PARAM, STALE_HANDLE.
///
/// # Safety
/// Strings must be NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tess_router_add_anchor(router: *const TessRouter, prefix: *const c_char, peer_id: *const c_char) -> TessStatus {
    ffi_status!({
        let r = self::router(router)?;
        ok(r.add_anchor(in_str(prefix, "prefix")?, in_str(peer_id, "peer_id")?))
    })
}

/// Removes an anchor. @return SUCCESS; FAILURE with NOT_FOUND, INVALID_PARAM (own id), NULL_PARAM, STALE_HANDLE.
///
/// # Safety
/// `prefix` must be NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tess_router_remove_anchor(router: *const TessRouter, prefix: *const c_char) -> TessStatus {
    ffi_status!({
        let r = self::router(router)?;
        ok(r.remove_anchor(in_str(prefix, "prefix")?))
    })
}

/// Sends a message. A destination in this process goes to the local input
/// queue directly.
///
/// @param[in] destination  `server_id::target[::…]`, 1..=255 printable ASCII bytes.
/// @param[in] command      `type << 8 | detail`.
/// @param[in] flags        Application flags, passed through.
/// @param[in] payload      `len` bytes (NULL when `len` is 0). [Limit: len <= config.max_payload]
/// @return SUCCESS; FAILURE with NO_ROUTE (no anchor matches), INVALID_PARAM (payload over the
///         maximum, malformed destination), FULL (send queue full: nothing queued, retry),
///         IO_ERROR (peer gone), NULL_PARAM, STALE_HANDLE.
///
/// # Safety
/// `destination` must be NULL or NUL-terminated; `payload` must hold `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn tess_router_send(router: *const TessRouter, destination: *const c_char, command: u16, flags: u8, payload: *const u8, len: u32) -> TessStatus {
    ffi_status!({
        let r = self::router(router)?;
        let dest = in_str(destination, "destination")?;
        ok(r.send(dest, command, flags, in_slice(payload, len as usize, "payload")?))
    })
}

/// Sends one payload to several destinations, serialised once and shared by
/// the destinations behind each connection. All destinations are checked
/// first; on failure nothing is sent.
///
/// @param[in] destinations  Destinations separated by `\n` (one or more).
/// @return as `tess_router_send`.
///
/// # Safety
/// `destinations` must be NULL or NUL-terminated; `payload` must hold `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn tess_router_multicast(router: *const TessRouter, destinations: *const c_char, command: u16, flags: u8, payload: *const u8, len: u32) -> TessStatus {
    ffi_status!({
        let r = self::router(router)?;
        let list: Vec<&str> = in_str(destinations, "destinations")?.split('\n').collect();
        ok(r.multicast(&list, command, flags, in_slice(payload, len as usize, "payload")?))
    })
}

/// Joins a broadcast group in this process.
/// @return SUCCESS; FAILURE with ALREADY_EXISTS, INVALID_PARAM, NULL_PARAM, STALE_HANDLE.
///
/// # Safety
/// `group` must be NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tess_router_join(router: *const TessRouter, group: *const c_char) -> TessStatus {
    ffi_status!({ ok(self::router(router)?.join(in_str(group, "group")?)) })
}

/// Leaves a broadcast group. @return SUCCESS; FAILURE with NOT_FOUND, INVALID_PARAM, NULL_PARAM, STALE_HANDLE.
///
/// # Safety
/// `group` must be NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tess_router_leave(router: *const TessRouter, group: *const c_char) -> TessStatus {
    ffi_status!({ ok(self::router(router)?.leave(in_str(group, "group")?)) })
}

/// Broadcasts to every process that joined `group` (this one included):
/// one frame per linked peer, filtered at the receiving side.
/// @return as `tess_router_send` (no NO_ROUTE).
///
/// # Safety
/// `group` must be NULL or NUL-terminated; `payload` must hold `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn tess_router_broadcast(router: *const TessRouter, group: *const c_char, command: u16, flags: u8, payload: *const u8, len: u32) -> TessStatus {
    ffi_status!({
        let r = self::router(router)?;
        ok(r.broadcast(in_str(group, "group")?, command, flags, in_slice(payload, len as usize, "payload")?))
    })
}

/// Starts migrating `target` away: its messages are held here, in order.
/// @return SUCCESS; FAILURE with WRONG_STATE (not local, or already migrating), INVALID_PARAM, NULL_PARAM, STALE_HANDLE.
///
/// # Safety
/// `target` must be NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tess_router_begin_migration(router: *const TessRouter, target: *const c_char) -> TessStatus {
    ffi_status!({ ok(self::router(router)?.begin_migration(in_str(target, "target")?)) })
}

/// Ends the migration of `target` to peer `new_home`: forwards the held
/// messages in order and relays every later one addressed here.
/// @return SUCCESS; FAILURE with WRONG_STATE (not migrating), NOT_FOUND (unknown peer),
///         IO_ERROR (peer gone), INVALID_PARAM, NULL_PARAM, STALE_HANDLE.
///
/// # Safety
/// Strings must be NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tess_router_end_migration(router: *const TessRouter, target: *const c_char, new_home: *const c_char) -> TessStatus {
    ffi_status!({
        let r = self::router(router)?;
        ok(r.end_migration(in_str(target, "target")?, in_str(new_home, "new_home")?))
    })
}

/// Makes `target` (an entity that migrated here, addressed at its old home)
/// local, and queues the relayed messages held for it, in order.
/// @return SUCCESS; FAILURE with INVALID_PARAM, NULL_PARAM, STALE_HANDLE.
///
/// # Safety
/// `target` must be NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tess_router_adopt(router: *const TessRouter, target: *const c_char) -> TessStatus {
    ffi_status!({ ok(self::router(router)?.adopt(in_str(target, "target")?)) })
}

/// Takes the next message without blocking (for game loops).
///
/// @param[out] info     The message header.
/// @param[out] payload  [opt] Buffer for the payload (NULL with `cap` 0).
/// @param[in]  cap      Bytes available in `payload`.
/// @param[out] out_len  Payload length.
/// @return SUCCESS (a message); SUCCESS | WOULD_BLOCK (queue empty, `*out_len` = 0, `info` untouched);
///         SUCCESS | BUFFER_TOO_SMALL (`info` and `*out_len` describe the message, which stays
///         queued for a retry with a larger buffer); FAILURE with NULL_PARAM or STALE_HANDLE.
///
/// # Safety
/// Pointers must be NULL or valid; `payload` must hold `cap` bytes.
#[no_mangle]
pub unsafe extern "C" fn tess_router_poll(router: *const TessRouter, info: *mut TessRouterMessage, payload: *mut u8, cap: u32, out_len: *mut u32) -> TessStatus {
    ffi_status!({ take_message(router, None, TESS_SUCCESS | TESS_WOULD_BLOCK, info, payload, cap, out_len) })
}

/// Takes the next message, waiting up to `timeout_ms` milliseconds.
/// @return as `tess_router_poll`, with SUCCESS | TIMEOUT instead of WOULD_BLOCK.
///
/// # Safety
/// As `tess_router_poll`.
#[no_mangle]
pub unsafe extern "C" fn tess_router_recv(router: *const TessRouter, timeout_ms: u32, info: *mut TessRouterMessage, payload: *mut u8, cap: u32, out_len: *mut u32) -> TessStatus {
    ffi_status!({
        let wait = Duration::from_millis(u64::from(timeout_ms));
        take_message(router, Some(wait), TESS_SUCCESS | TESS_TIMEOUT, info, payload, cap, out_len)
    })
}

/// Takes up to `max` messages without blocking, with one call for many
/// (for hosts that drain the queue): their headers go to `infos[0..]` and
/// their payloads back to back, in order, to `payloads` (message k's payload
/// starts where message k-1's ends; `infos[k].payload_len` bytes). Stops
/// before a message whose payload does not fit the rest of `payloads`; it
/// stays queued. Headers past `*out_count` may be overwritten.
///
/// @param[out] infos      Room for `max` headers.
/// @param[in]  max        Headers available in `infos`. [Limit: >= 1]
/// @param[out] payloads   [opt] Buffer for the payloads (NULL with `cap` 0).
/// @param[in]  cap        Bytes available in `payloads`.
/// @param[out] out_count  Messages taken.
/// @param[out] out_len    Payload bytes written.
/// @return SUCCESS (`*out_count` >= 1); SUCCESS | WOULD_BLOCK (queue empty, counts 0, `infos`
///         untouched); SUCCESS | BUFFER_TOO_SMALL (`*out_count` = 0: the first message's payload
///         does not fit; `infos[0]` describes it, `*out_len` is its length, and it stays queued);
///         FAILURE with NULL_PARAM, INVALID_PARAM (`max` 0) or STALE_HANDLE.
///
/// # Safety
/// Pointers must be NULL or valid; `infos` must hold `max` headers, `payloads` `cap` bytes.
#[no_mangle]
pub unsafe extern "C" fn tess_router_poll_many(
    router: *const TessRouter,
    infos: *mut TessRouterMessage,
    max: u32,
    payloads: *mut u8,
    cap: u32,
    out_count: *mut u32,
    out_len: *mut u32,
) -> TessStatus {
    ffi_status!({ take_messages(router, None, TESS_SUCCESS | TESS_WOULD_BLOCK, infos, max, payloads, cap, out_count, out_len) })
}

/// `tess_router_poll_many`, waiting up to `timeout_ms` milliseconds for the first message.
/// @return as `tess_router_poll_many`, with SUCCESS | TIMEOUT instead of WOULD_BLOCK.
///
/// # Safety
/// As `tess_router_poll_many`.
#[no_mangle]
pub unsafe extern "C" fn tess_router_recv_many(
    router: *const TessRouter,
    timeout_ms: u32,
    infos: *mut TessRouterMessage,
    max: u32,
    payloads: *mut u8,
    cap: u32,
    out_count: *mut u32,
    out_len: *mut u32,
) -> TessStatus {
    ffi_status!({
        let wait = Duration::from_millis(u64::from(timeout_ms));
        take_messages(router, Some(wait), TESS_SUCCESS | TESS_TIMEOUT, infos, max, payloads, cap, out_count, out_len)
    })
}

/// Takes messages into the caller's arrays, waiting up to `wait` for the
/// first; `empty` is the status when none came.
/// # Safety
/// Pointer arguments follow the calling export's contract (valid or NULL, sized as documented).
#[allow(clippy::too_many_arguments)]
unsafe fn take_messages(
    router: *const TessRouter,
    wait: Option<Duration>,
    empty: TessStatus,
    infos: *mut TessRouterMessage,
    max: u32,
    payloads: *mut u8,
    cap: u32,
    out_count: *mut u32,
    out_len: *mut u32,
) -> FfiResult {
    let r = self::router(router)?;
    let count = out_ref(out_count, "out_count")?;
    let len = out_ref(out_len, "out_len")?;
    if max == 0 {
        return Err(FfiError::invalid("`max` must be at least 1"));
    }
    if infos.is_null() {
        return Err(FfiError::null("infos"));
    }
    let infos = out_slice(infos, max as usize, "infos")?;
    let payloads = out_slice(payloads, cap as usize, "payloads")?;
    let mut copier = Copier::new(infos, payloads, fill_info);
    let arrived = r.offer_each(wait, |m| copier.offer(m)).map_err(router_error)?;
    (*count, *len) = (0, 0);
    Ok(match copier.result(arrived) {
        ReceivedMany::Messages { count: n, bytes } => {
            (*count, *len) = (n as u32, bytes as u32);
            TESS_SUCCESS
        }
        ReceivedMany::TooSmall(needed) => {
            *len = needed as u32;
            TESS_SUCCESS | TESS_BUFFER_TOO_SMALL
        }
        ReceivedMany::Empty => empty,
    })
}

/// Waits up to `timeout_ms` until every own message sent to peers is acknowledged.
/// @return SUCCESS; FAILURE with TIMEOUT or STALE_HANDLE.
///
/// # Safety
/// `router` must be NULL or a handle.
#[no_mangle]
pub unsafe extern "C" fn tess_router_flush(router: *const TessRouter, timeout_ms: u32) -> TessStatus {
    ffi_status!({ ok(self::router(router)?.flush(Duration::from_millis(u64::from(timeout_ms)))) })
}

/// State of the link to `peer_id` (`TESS_ROUTER_PEER_*`).
/// @return SUCCESS; FAILURE with NOT_FOUND, NULL_PARAM, STALE_HANDLE.
///
/// # Safety
/// `peer_id` must be NULL or NUL-terminated; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_router_peer_state(router: *const TessRouter, peer_id: *const c_char, out: *mut u32) -> TessStatus {
    ffi_status!({
        let r = self::router(router)?;
        let out = out_ref(out, "out")?;
        *out = match r.peer_state(in_str(peer_id, "peer_id")?).map_err(router_error)? {
            PeerState::Connecting => TESS_ROUTER_PEER_CONNECTING,
            PeerState::Connected => TESS_ROUTER_PEER_CONNECTED,
            PeerState::Gone => TESS_ROUTER_PEER_GONE,
        };
        Ok(TESS_SUCCESS)
    })
}

/// Number of messages waiting in the local input queue.
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_router_pending(router: *const TessRouter, out: *mut u32) -> TessStatus {
    ffi_status!({
        let r = self::router(router)?;
        *out_ref(out, "out")? = u32::try_from(r.pending()).unwrap_or(u32::MAX);
        Ok(TESS_SUCCESS)
    })
}

/// Counters since creation.
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_router_stats(router: *const TessRouter, out: *mut TessRouterStats) -> TessStatus {
    ffi_status!({
        let r = self::router(router)?;
        let out = out_ref(out, "out")?;
        let s = r.stats();
        *out = TessRouterStats {
            frames_sent: s.frames_sent,
            frames_received: s.frames_received,
            frames_resent: s.frames_resent,
            duplicates_dropped: s.duplicates_dropped,
            connections_closed: s.connections_closed,
            malformed_closed: s.malformed_closed,
            reconnects: s.reconnects,
            lost: s.lost,
            relayed: s.relayed,
        };
        Ok(TESS_SUCCESS)
    })
}

/// The router's recent log (closed connections and why, dropped messages),
/// one line per event, oldest first, as a NUL-terminated string.
/// @return SUCCESS (| BUFFER_TOO_SMALL); FAILURE with NULL_PARAM or STALE_HANDLE.
///
/// # Safety
/// `out` must hold `cap` bytes (NULL with `cap` 0); `out_len` writable.
#[no_mangle]
pub unsafe extern "C" fn tess_router_log(router: *const TessRouter, out: *mut c_char, cap: u32, out_len: *mut u32) -> TessStatus {
    ffi_status!({
        let r = self::router(router)?;
        write_text(&r.log().join("\n"), out, cap, out_len, "out")
    })
}

/// Fault injection for tests: cuts every open connection of this router at
/// once. Links redial and resend what was not acknowledged.
///
/// # Safety
/// `router` must be NULL or a handle.
#[no_mangle]
pub unsafe extern "C" fn tess_router_drop_connections(router: *const TessRouter) -> TessStatus {
    ffi_status!({
        self::router(router)?.drop_connections();
        Ok(TESS_SUCCESS)
    })
}
