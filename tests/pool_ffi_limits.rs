//! The live-pool limit of the C API. In its own test binary: it holds every
//! pool tag for a moment, which would starve tests running beside it.

use std::ptr::null_mut;
use tessera::ffi::pool::*;
use tessera::ffi::*;

fn new_pool(size: u32, align: u32, cap: u32, policy: u32, flags: u32) -> (TessStatus, *mut TessPool) {
    let mut p = null_mut();
    let s = unsafe { tess_pool_new(size, align, cap, policy, flags, &mut p) };
    (s, p)
}

#[test]
fn too_many_live_pools_is_full_and_tags_come_back() {
    let mut pools = Vec::new();
    loop {
        let (s, p) = new_pool(4, 4, 1, TESS_POOL_FAIL, 0);
        if s != TESS_SUCCESS {
            assert_eq!(s, TESS_FAILURE | TESS_FULL);
            assert!(p.is_null());
            break;
        }
        pools.push(p);
        assert!(pools.len() <= TESS_POOL_MAX_POOLS as usize);
    }
    assert_eq!(pools.len(), TESS_POOL_MAX_POOLS as usize);
    unsafe { tess_pool_free(pools.pop().unwrap()) };
    let (s, p) = new_pool(4, 4, 1, TESS_POOL_FAIL, 0);
    assert_eq!(s, TESS_SUCCESS);
    pools.push(p);
    for p in pools {
        unsafe { tess_pool_free(p) };
    }
}
