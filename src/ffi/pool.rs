//! C API: raw-slot object pools with generation-checked `uint64_t` handles.

use super::buffer::{buffer_status, out_ref, out_slice};
use super::error::{ffi_status, FfiError, FfiResult};
use super::handle::{boxed_mut, boxed_ref, new_boxed, opaque_handle, pack_item_id, take_boxed, unpack_item_id};
use super::status::*;
use crate::pool::{FullPolicy, Handle, PoolConfig, PoolError, RawPool};
use core::ffi::c_void;
use std::collections::VecDeque;
use std::sync::{Mutex, OnceLock};

/// Policy: allocation from a full pool fails with `TESS_FULL`.
pub const TESS_POOL_FAIL: u32 = 0;
/// Policy: a full pool adds a chunk of slots; existing elements never move.
pub const TESS_POOL_GROW: u32 = 1;
/// Policy: a full pool evicts the least recently allocated element and reports its handle.
pub const TESS_POOL_EVICT_OLDEST: u32 = 2;

/// Flag: overwrite freed elements with 0xDD bytes (all but the first 4 bytes,
/// which hold the free-list link) so a use after free shows up.
pub const TESS_POOL_FLAG_DEBUG_FILL: u32 = 1;

/// Largest element size in bytes.
pub const TESS_POOL_MAX_ELEM_SIZE: u32 = 1048576;
/// Largest element alignment in bytes.
pub const TESS_POOL_MAX_ALIGN: u32 = 4096;
/// Most slots of one pool (2^22 - 1): the low 32 bits of a handle hold the
/// slot in 22 bits and the pool's tag in the top 10.
pub const TESS_POOL_MAX_CAPACITY: u32 = 4194303;
/// Most pools alive at once (each needs a distinct tag).
pub const TESS_POOL_MAX_POOLS: u32 = 1023;

const SLOT_BITS: u32 = 22;
const SLOT_MASK: u32 = (1 << SLOT_BITS) - 1;
const KNOWN_FLAGS: u32 = TESS_POOL_FLAG_DEBUG_FILL;

/// A pool's counters, filled by `tess_pool_stats`.
///
/// Ownership: a plain value owned by the caller.
/// Thread-safety: a plain value.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TessPoolStats {
    /// Usable slots now (grows with TESS_POOL_GROW).
    pub capacity: u32,
    /// Live elements now.
    pub live: u32,
    /// Most live elements at any one time since creation.
    pub high_water: u32,
    /// Element size in bytes as given at creation.
    pub elem_size: u32,
    /// Elements evicted by TESS_POOL_EVICT_OLDEST since creation.
    pub evictions: u64,
}

/// A pool of fixed-size, aligned raw slots. Elements are named by `uint64_t`
/// handles: generation in the high 32 bits (odd, never 0), the pool's tag and
/// the slot in the low 32 bits, so a stale, double-freed or foreign handle
/// (from another live pool) is rejected with `TESS_STALE_HANDLE`. Element
/// pointers stay valid until the element is freed, evicted or cleared, or the
/// pool is freed (a growing pool never moves elements).
///
/// Ownership: created by `tess_pool_new`, freed by `tess_pool_free` (which
/// invalidates every element pointer).
/// Thread-safety: one thread at a time per pool (calls and element writes
/// must be externally synchronised); different pools are independent.
pub struct TessPool {
    _private: [u8; 0],
}
opaque_handle!(TessPool => CPool, "pool");

/// The Rust object behind a `TessPool *`: the raw pool and its handle tag.
pub struct CPool {
    raw: RawPool,
    tag: u32,
}

impl Drop for CPool {
    fn drop(&mut self) {
        tags().lock().unwrap_or_else(|e| e.into_inner()).push_back(self.tag);
    }
}

/// Free pool tags, least recently released first, so a new pool takes the
/// tag that has been unused longest.
fn tags() -> &'static Mutex<VecDeque<u32>> {
    static TAGS: OnceLock<Mutex<VecDeque<u32>>> = OnceLock::new();
    TAGS.get_or_init(|| Mutex::new((1..=TESS_POOL_MAX_POOLS).collect()))
}

fn pool_error(e: PoolError, what: &str) -> FfiError {
    let message = format!("{what}: {e}");
    match e {
        PoolError::Full => FfiError::new(TESS_FULL, message),
        PoolError::StaleHandle => FfiError::new(TESS_STALE_HANDLE, message),
        PoolError::OutOfMemory => FfiError::new(TESS_OUT_OF_MEMORY, message),
        PoolError::ZeroCapacity
        | PoolError::CapacityTooLarge { .. }
        | PoolError::ZeroElementSize
        | PoolError::ElementTooLarge(_)
        | PoolError::BadAlignment(_) => FfiError::invalid(message),
    }
}

impl CPool {
    fn encode(&self, h: Handle) -> u64 {
        pack_item_id((self.tag << SLOT_BITS) | h.index, h.generation)
    }

    fn decode(&self, id: u64, param: &str) -> FfiResult<Handle> {
        let stale = |why: &str| FfiError::new(TESS_STALE_HANDLE, format!("`{param}` 0x{id:016x} {why}"));
        let (low, generation) = unpack_item_id(id).ok_or_else(|| stale("is 0, which names no element"))?;
        if low >> SLOT_BITS != self.tag {
            return Err(stale("belongs to another pool"));
        }
        let h = Handle { index: low & SLOT_MASK, generation };
        if self.raw.contains(h) {
            Ok(h)
        } else {
            Err(stale("is stale: its element was freed, evicted or cleared, or it was never issued"))
        }
    }
}

/// Creates a pool.
///
/// @param[in]  elem_size   Bytes per element. [Limit: 1 ..= TESS_POOL_MAX_ELEM_SIZE]
/// @param[in]  elem_align  Alignment of every element in bytes. [Limit: power of two <= TESS_POOL_MAX_ALIGN]
/// @param[in]  capacity    Initial slots. [Limit: <= TESS_POOL_MAX_CAPACITY; >= 1 unless policy is
///                         TESS_POOL_GROW, whose chunks are `capacity` rounded up to a power of two]
/// @param[in]  policy      TESS_POOL_FAIL, TESS_POOL_GROW or TESS_POOL_EVICT_OLDEST.
/// @param[in]  flags       0 or TESS_POOL_FLAG_DEBUG_FILL.
/// @param[out] out         The new pool; set to NULL on failure.
/// @return SUCCESS; FAILURE with INVALID_PARAM (bad size, alignment, capacity, policy or flags),
///         NULL_PARAM, OUT_OF_MEMORY, or FULL when TESS_POOL_MAX_POOLS pools are alive.
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_pool_new(
    elem_size: u32,
    elem_align: u32,
    capacity: u32,
    policy: u32,
    flags: u32,
    out: *mut *mut TessPool,
) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = core::ptr::null_mut();
        let policy = match policy {
            TESS_POOL_FAIL => FullPolicy::Fail,
            TESS_POOL_GROW => FullPolicy::Grow,
            TESS_POOL_EVICT_OLDEST => FullPolicy::EvictOldest,
            other => return Err(FfiError::invalid(format!("`policy` {other} is not a TESS_POOL_ policy (0, 1 or 2)"))),
        };
        if flags & !KNOWN_FLAGS != 0 {
            return Err(FfiError::invalid(format!("`flags` 0x{flags:x} has unknown bits")));
        }
        if capacity > TESS_POOL_MAX_CAPACITY {
            return Err(FfiError::invalid(format!(
                "`capacity` {capacity} exceeds TESS_POOL_MAX_CAPACITY ({TESS_POOL_MAX_CAPACITY})"
            )));
        }
        let config = PoolConfig {
            capacity,
            policy,
            debug_fill: flags & TESS_POOL_FLAG_DEBUG_FILL != 0,
            max_capacity: TESS_POOL_MAX_CAPACITY,
        };
        let what = match (elem_size, elem_align) {
            (s, _) if s == 0 || s > TESS_POOL_MAX_ELEM_SIZE => "`elem_size`",
            (_, a) if !a.is_power_of_two() || a > TESS_POOL_MAX_ALIGN => "`elem_align`",
            _ => "`capacity`",
        };
        let raw = RawPool::new(elem_size as usize, elem_align as usize, config).map_err(|e| pool_error(e, what))?;
        let tag = tags()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front()
            .ok_or_else(|| FfiError::new(TESS_FULL, format!("{TESS_POOL_MAX_POOLS} pools are alive already")))?;
        *out = new_boxed::<TessPool>(CPool { raw, tag });
        Ok(TESS_SUCCESS)
    })
}

/// Frees a pool and every element in it. NULL is a no-op; a stale pointer is
/// ignored and reported through `tess_last_error_message`.
///
/// # Safety
/// `pool` must not be in use by another thread; its element pointers die with it.
#[no_mangle]
pub unsafe extern "C" fn tess_pool_free(pool: *mut TessPool) {
    ffi_status!({ take_boxed(pool, "pool").map(|_| TESS_SUCCESS) });
}

/// Allocates an element.
///
/// A slot never used before holds zero bytes; a reused slot holds what was
/// left in it (0xDD with TESS_POOL_FLAG_DEBUG_FILL, except the first 4
/// bytes). When an TESS_POOL_EVICT_OLDEST pool is full, its oldest element is
/// evicted: `*out_evicted` gets the evicted handle (now stale) and the new
/// element still holds the evicted element's bytes, so the caller can clean
/// up before overwriting them.
///
/// @param[in]  pool         The pool.
/// @param[out] out_handle   The new element's handle.
/// @param[out] out_ptr      [opt] Address of the new element (`elem_size` bytes, aligned to `elem_align`).
/// @param[out] out_evicted  [opt] The evicted handle, or 0 when nothing was evicted.
/// @return SUCCESS; FAILURE with FULL (TESS_POOL_FAIL pool full, or a growing pool at
///         TESS_POOL_MAX_CAPACITY), OUT_OF_MEMORY, NULL_PARAM or STALE_HANDLE (bad `pool`).
///
/// # Safety
/// Out-pointers must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_pool_alloc(
    pool: *mut TessPool,
    out_handle: *mut u64,
    out_ptr: *mut *mut c_void,
    out_evicted: *mut u64,
) -> TessStatus {
    ffi_status!({
        let out_handle = out_ref(out_handle, "out_handle")?;
        *out_handle = 0;
        let pool = boxed_mut::<TessPool>(pool, "pool")?;
        let (h, evicted) = pool.raw.alloc().map_err(|e| pool_error(e, "tess_pool_alloc"))?;
        *out_handle = pool.encode(h);
        if let Some(out) = out_ptr.as_mut() {
            *out = pool.raw.element_ptr(h).map_or(core::ptr::null_mut(), |p| p.as_ptr().cast());
        }
        if let Some(out) = out_evicted.as_mut() {
            *out = evicted.map_or(0, |e| pool.encode(e));
        }
        Ok(TESS_SUCCESS)
    })
}

/// Address of the element behind `handle`.
///
/// @param[in]  pool     The pool.
/// @param[in]  handle   A handle from `tess_pool_alloc` on this pool.
/// @param[out] out_ptr  The element's address; NULL on failure.
/// @return SUCCESS, or FAILURE with STALE_HANDLE (0, freed, evicted, cleared or foreign handle),
///         NULL_PARAM.
///
/// # Safety
/// `out_ptr` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_pool_get(pool: *const TessPool, handle: u64, out_ptr: *mut *mut c_void) -> TessStatus {
    ffi_status!({
        let out = out_ref(out_ptr, "out_ptr")?;
        *out = core::ptr::null_mut();
        let pool = boxed_ref::<TessPool>(pool, "pool")?;
        let h = pool.decode(handle, "handle")?;
        *out = pool.raw.element_ptr(h).map_or(core::ptr::null_mut(), |p| p.as_ptr().cast());
        Ok(TESS_SUCCESS)
    })
}

/// Frees the element behind `handle`; its slot is reused by a later alloc.
///
/// @param[in] pool    The pool.
/// @param[in] handle  A live handle of this pool.
/// @return SUCCESS, or FAILURE with STALE_HANDLE (double free, evicted, foreign, 0), NULL_PARAM.
///
/// # Safety
/// `pool` must be NULL or a pool pointer.
#[no_mangle]
pub unsafe extern "C" fn tess_pool_free_item(pool: *mut TessPool, handle: u64) -> TessStatus {
    ffi_status!({
        let pool = boxed_mut::<TessPool>(pool, "pool")?;
        let h = pool.decode(handle, "handle")?;
        pool.raw.free(h).map_err(|e| pool_error(e, "tess_pool_free_item"))?;
        Ok(TESS_SUCCESS)
    })
}

/// Number of live elements.
///
/// # Safety
/// `out_count` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_pool_live_count(pool: *const TessPool, out_count: *mut u32) -> TessStatus {
    ffi_status!({
        let out = out_ref(out_count, "out_count")?;
        *out = boxed_ref::<TessPool>(pool, "pool")?.raw.len() as u32;
        Ok(TESS_SUCCESS)
    })
}

/// Handles of the live elements in slot order, into a caller buffer.
///
/// @param[in]  pool     The pool.
/// @param[out] out      [opt when cap == 0] Up to `cap` handles.
/// @param[in]  cap      Capacity of `out` in handles.
/// @param[out] out_len  Number of live elements (may exceed `cap`).
/// @return SUCCESS, SUCCESS | BUFFER_TOO_SMALL when truncated, or FAILURE with NULL_PARAM/STALE_HANDLE.
///
/// # Safety
/// `out` must hold `cap` elements; `out_len` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_pool_live_handles(
    pool: *const TessPool,
    out: *mut u64,
    cap: u32,
    out_len: *mut u32,
) -> TessStatus {
    ffi_status!({
        let len_out = out_ref(out_len, "out_len")?;
        let pool = boxed_ref::<TessPool>(pool, "pool")?;
        let dst = out_slice(out, cap as usize, "out")?;
        let mut n = 0usize;
        for h in pool.raw.handles() {
            if let Some(slot) = dst.get_mut(n) {
                *slot = pool.encode(h);
            }
            n += 1;
        }
        *len_out = n as u32;
        Ok(buffer_status(n, cap))
    })
}

/// Capacity, live count, high-water mark, element size and evictions.
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_pool_stats(pool: *const TessPool, out: *mut TessPoolStats) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        let pool = boxed_ref::<TessPool>(pool, "pool")?;
        let s = pool.raw.stats();
        *out = TessPoolStats {
            capacity: s.capacity,
            live: s.live,
            high_water: s.high_water,
            elem_size: pool.raw.elem_size() as u32,
            evictions: s.evictions,
        };
        Ok(TESS_SUCCESS)
    })
}

/// Frees every element; every outstanding handle becomes stale.
///
/// # Safety
/// `pool` must be NULL or a pool pointer.
#[no_mangle]
pub unsafe extern "C" fn tess_pool_clear(pool: *mut TessPool) -> TessStatus {
    ffi_status!({
        boxed_mut::<TessPool>(pool, "pool")?.raw.clear();
        Ok(TESS_SUCCESS)
    })
}
