//! The pool's C API called from Rust: every bad input gets its exact status,
//! and good sequences agree with a model.

use std::collections::BTreeMap;
use std::ffi::c_void;
use std::ptr::{null, null_mut};
use tessera::ffi::pool::*;
use tessera::ffi::error::tess_last_error_message;
use tessera::ffi::*;

const STALE: TessStatus = TESS_FAILURE | TESS_STALE_HANDLE;
const INVALID: TessStatus = TESS_FAILURE | TESS_INVALID_PARAM;
const NULL: TessStatus = TESS_FAILURE | TESS_NULL_PARAM;

fn new_pool(size: u32, align: u32, cap: u32, policy: u32, flags: u32) -> (TessStatus, *mut TessPool) {
    let mut p = std::ptr::dangling_mut::<TessPool>(); // must be reset to NULL on failure
    let s = unsafe { tess_pool_new(size, align, cap, policy, flags, &mut p) };
    (s, p)
}

fn pool(size: u32, cap: u32, policy: u32) -> *mut TessPool {
    let (s, p) = new_pool(size, 8, cap, policy, 0);
    assert_eq!(s, TESS_SUCCESS);
    p
}

fn alloc(p: *mut TessPool) -> (TessStatus, u64, *mut c_void, u64) {
    let (mut h, mut ptr, mut ev) = (0u64, null_mut(), 0u64);
    let s = unsafe { tess_pool_alloc(p, &mut h, &mut ptr, &mut ev) };
    (s, h, ptr, ev)
}

fn get(p: *const TessPool, h: u64) -> (TessStatus, *mut c_void) {
    let mut ptr = std::ptr::dangling_mut::<c_void>();
    let s = unsafe { tess_pool_get(p, h, &mut ptr) };
    (s, ptr)
}

fn last_error() -> String {
    let mut buf = vec![0 as std::ffi::c_char; 512];
    unsafe { tess_last_error_message(buf.as_mut_ptr(), buf.len()) };
    unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned()
}

#[test]
fn bad_creation_parameters() {
    let cases = [
        (0, 8, 4, TESS_POOL_FAIL, 0, INVALID, "elem_size"),
        (TESS_POOL_MAX_ELEM_SIZE + 1, 8, 4, TESS_POOL_FAIL, 0, INVALID, "elem_size"),
        (u32::MAX, 8, 4, TESS_POOL_FAIL, 0, INVALID, "elem_size"),
        (16, 3, 4, TESS_POOL_FAIL, 0, INVALID, "elem_align"),
        (16, 0, 4, TESS_POOL_FAIL, 0, INVALID, "elem_align"),
        (16, 12, 4, TESS_POOL_FAIL, 0, INVALID, "elem_align"),
        (16, 8192, 4, TESS_POOL_FAIL, 0, INVALID, "elem_align"),
        (16, 8, 0, TESS_POOL_FAIL, 0, INVALID, "capacity"),
        (16, 8, 0, TESS_POOL_EVICT_OLDEST, 0, INVALID, "capacity"),
        (16, 8, TESS_POOL_MAX_CAPACITY + 1, TESS_POOL_FAIL, 0, INVALID, "capacity"),
        (16, 8, 4, 3, 0, INVALID, "policy"),
        (16, 8, 4, TESS_POOL_FAIL, 2, INVALID, "flags"),
    ];
    for (size, align, cap, policy, flags, want, param) in cases {
        let (s, p) = new_pool(size, align, cap, policy, flags);
        assert_eq!(s, want, "size {size} align {align} cap {cap} policy {policy} flags {flags}");
        assert!(p.is_null());
        assert!(last_error().contains(param), "{param}: {}", last_error());
    }
    assert_eq!(unsafe { tess_pool_new(16, 8, 4, TESS_POOL_FAIL, 0, null_mut()) }, NULL);
    // The limits themselves are accepted; capacity 0 is fine for Grow.
    for (size, align, cap, policy) in [(TESS_POOL_MAX_ELEM_SIZE, 4096, 1, TESS_POOL_FAIL), (1, 1, 0, TESS_POOL_GROW)] {
        let (s, p) = new_pool(size, align, cap, policy, 0);
        assert_eq!(s, TESS_SUCCESS);
        unsafe { tess_pool_free(p) };
    }
}

#[test]
fn null_pool_and_null_out_params() {
    let mut h = 0u64;
    let mut n = 0u32;
    let mut ptr = null_mut();
    let mut stats = TessPoolStats::default();
    unsafe {
        assert_eq!(tess_pool_alloc(null_mut(), &mut h, null_mut(), null_mut()), NULL);
        assert_eq!(tess_pool_get(null(), 1 << 32, &mut ptr), NULL);
        assert_eq!(tess_pool_free_item(null_mut(), 1 << 32), NULL);
        assert_eq!(tess_pool_live_count(null(), &mut n), NULL);
        assert_eq!(tess_pool_live_handles(null(), null_mut(), 0, &mut n), NULL);
        assert_eq!(tess_pool_stats(null(), &mut stats), NULL);
        assert_eq!(tess_pool_clear(null_mut()), NULL);
        tess_pool_free(null_mut()); // no-op
    }
    let p = pool(16, 4, TESS_POOL_FAIL);
    unsafe {
        assert_eq!(tess_pool_alloc(p, null_mut(), null_mut(), null_mut()), NULL);
        assert_eq!(tess_pool_get(p, 1 << 32, null_mut()), NULL);
        assert_eq!(tess_pool_live_count(p, null_mut()), NULL);
        assert_eq!(tess_pool_live_handles(p, null_mut(), 0, null_mut()), NULL);
        assert_eq!(tess_pool_live_handles(p, null_mut(), 4, &mut n), NULL);
        assert_eq!(tess_pool_stats(p, null_mut()), NULL);
        tess_pool_free(p);
    }
}

#[test]
fn freed_pool_pointer_is_stale() {
    let p = pool(16, 4, TESS_POOL_FAIL);
    unsafe { tess_pool_free(p) };
    let mut n = 0;
    assert_eq!(unsafe { tess_pool_live_count(p, &mut n) }, STALE);
    assert_eq!(alloc(p).0, STALE);
    unsafe { tess_pool_free(p) }; // double free of the pool: ignored
    assert!(last_error().contains("pool"));
}

#[test]
fn stale_double_free_foreign_and_zero_handles() {
    let a = pool(24, 4, TESS_POOL_FAIL);
    let b = pool(24, 4, TESS_POOL_FAIL);
    let (s, h, ptr, ev) = alloc(a);
    assert_eq!((s, ev), (TESS_SUCCESS, 0));
    assert_eq!(get(a, h), (TESS_SUCCESS, ptr));
    // b has a live element in the same slot with the same generation.
    let (_, hb, _, _) = alloc(b);
    assert_eq!(hb >> 32, h >> 32);
    assert_eq!(hb & 0x3F_FFFF, h & 0x3F_FFFF);
    assert_eq!(get(b, h), (STALE, null_mut()));
    assert!(last_error().contains("another pool"), "{}", last_error());
    assert_eq!(unsafe { tess_pool_free_item(b, h) }, STALE);
    assert_eq!(get(a, 0), (STALE, null_mut()));
    assert_eq!(unsafe { tess_pool_free_item(a, 0) }, STALE);
    assert_eq!(unsafe { tess_pool_free_item(a, h) }, TESS_SUCCESS);
    assert_eq!(get(a, h), (STALE, null_mut()));
    assert_eq!(unsafe { tess_pool_free_item(a, h) }, STALE); // double free
    assert!(last_error().contains("stale"), "{}", last_error());
    let (_, h2, _, _) = alloc(a);
    assert_eq!(h2 & 0xFFFF_FFFF, h & 0xFFFF_FFFF); // same slot...
    assert_eq!(get(a, h), (STALE, null_mut())); // ...old handle still stale
    // Forged handles: out-of-range slot, even generation.
    assert_eq!(get(a, (h2 & 0xFFFF_FFFF) | (2 << 32)).0, STALE);
    assert_eq!(get(a, (h2 & !0x3F_FFFF) + 3).0, STALE);
    let mut n = 0;
    assert_eq!(unsafe { tess_pool_live_count(b, &mut n) }, TESS_SUCCESS);
    assert_eq!(n, 1); // nothing of b was touched
    unsafe {
        tess_pool_free(a);
        tess_pool_free(b);
    }
}

#[test]
fn capacity_zero_grow_and_fail_full() {
    let p = pool(16, 2, TESS_POOL_FAIL);
    assert_eq!(alloc(p).0, TESS_SUCCESS);
    assert_eq!(alloc(p).0, TESS_SUCCESS);
    let (s, h, ptr, _) = alloc(p);
    assert_eq!((s, h, ptr), (TESS_FAILURE | TESS_FULL, 0, null_mut()));
    unsafe { tess_pool_free(p) };

    let g = pool(16, 0, TESS_POOL_GROW);
    let mut ptrs = Vec::new();
    for i in 0..300u64 {
        let (s, h, ptr, _) = alloc(g);
        assert_eq!(s, TESS_SUCCESS);
        unsafe { ptr.cast::<u64>().write(i) };
        ptrs.push((h, ptr, i));
    }
    for (h, ptr, i) in ptrs {
        assert_eq!(get(g, h), (TESS_SUCCESS, ptr)); // never moved
        assert_eq!(unsafe { ptr.cast::<u64>().read() }, i);
    }
    unsafe { tess_pool_free(g) };
}

#[test]
fn eviction_reports_the_oldest_handle_and_keeps_its_bytes() {
    let p = pool(8, 3, TESS_POOL_EVICT_OLDEST);
    let hs: Vec<u64> = (0..3u64)
        .map(|i| {
            let (_, h, ptr, ev) = alloc(p);
            assert_eq!(ev, 0);
            unsafe { ptr.cast::<u64>().write(100 + i) };
            h
        })
        .collect();
    let (s, h, ptr, ev) = alloc(p);
    assert_eq!((s, ev), (TESS_SUCCESS, hs[0]));
    assert_eq!(unsafe { ptr.cast::<u64>().read() }, 100); // evicted bytes for clean-up
    assert_eq!(get(p, hs[0]).0, STALE);
    assert_ne!(h, hs[0]);
    let mut stats = TessPoolStats::default();
    assert_eq!(unsafe { tess_pool_stats(p, &mut stats) }, TESS_SUCCESS);
    assert_eq!(stats, TessPoolStats { capacity: 3, live: 3, high_water: 3, elem_size: 8, evictions: 1 });
    unsafe { tess_pool_free(p) };
}

#[test]
fn debug_fill_from_c() {
    let (s, p) = new_pool(16, 4, 2, TESS_POOL_FAIL, TESS_POOL_FLAG_DEBUG_FILL);
    assert_eq!(s, TESS_SUCCESS);
    let (_, h, ptr, _) = alloc(p);
    unsafe { ptr.cast::<u8>().write_bytes(0x42, 16) };
    assert_eq!(unsafe { tess_pool_free_item(p, h) }, TESS_SUCCESS);
    let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), 16) };
    assert!(bytes[4..].iter().all(|&b| b == 0xDD), "{bytes:?}");
    unsafe { tess_pool_free(p) };
}

#[test]
fn live_handles_buffer_and_model_agree() {
    let p = pool(32, 64, TESS_POOL_GROW);
    let mut model: BTreeMap<u64, u64> = BTreeMap::new(); // handle -> value
    let mut rng = tessera::random::Rng::new(5);
    for step in 0..3000u64 {
        if model.is_empty() || rng.below(3) != 0 {
            let (s, h, ptr, _) = alloc(p);
            assert_eq!(s, TESS_SUCCESS);
            unsafe { ptr.cast::<u64>().write(step) };
            assert!(model.insert(h, step).is_none());
        } else {
            let k = *model.keys().nth(rng.below(model.len() as u64) as usize).unwrap();
            let (s, ptr) = get(p, k);
            assert_eq!(s, TESS_SUCCESS);
            assert_eq!(unsafe { ptr.cast::<u64>().read() }, model[&k]);
            assert_eq!(unsafe { tess_pool_free_item(p, k) }, TESS_SUCCESS);
            model.remove(&k);
        }
    }
    let mut n = 0u32;
    assert_eq!(unsafe { tess_pool_live_handles(p, null_mut(), 0, &mut n) }, TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
    assert_eq!(n as usize, model.len());
    let mut buf = vec![0u64; model.len() + 3];
    assert_eq!(unsafe { tess_pool_live_handles(p, buf.as_mut_ptr(), buf.len() as u32, &mut n) }, TESS_SUCCESS);
    buf.truncate(n as usize);
    // Slot order: sort the model's handles by slot (low 22 bits).
    let mut expect: Vec<u64> = model.keys().copied().collect();
    expect.sort_by_key(|h| h & 0x3F_FFFF);
    assert_eq!(buf, expect);
    let mut short = vec![0u64; 5];
    assert_eq!(unsafe { tess_pool_live_handles(p, short.as_mut_ptr(), 5, &mut n) }, TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
    assert_eq!((n as usize, &short[..]), (model.len(), &expect[..5]));
    let mut live = 0;
    assert_eq!(unsafe { tess_pool_live_count(p, &mut live) }, TESS_SUCCESS);
    assert_eq!(live as usize, model.len());
    assert_eq!(unsafe { tess_pool_clear(p) }, TESS_SUCCESS);
    assert!(model.keys().all(|&h| get(p, h).0 == STALE));
    unsafe { tess_pool_free(p) };
}
