//! The spatial grid's C API, called from Rust: exact statuses for every bad
//! input, caller-buffer semantics, and results against brute force.

use std::ptr::{null, null_mut};
use tessera::ffi::spatial::*;
use tessera::ffi::types::TessVec3;
use tessera::ffi::*;

const INVALID: u32 = TESS_FAILURE | TESS_INVALID_PARAM;

fn last_error() -> String {
    let mut buf = vec![0 as core::ffi::c_char; 512];
    let n = unsafe { tessera::ffi::error::tess_last_error_message(buf.as_mut_ptr(), buf.len()) };
    let bytes: Vec<u8> = buf[..n.min(511)].iter().map(|&c| c as u8).collect();
    String::from_utf8(bytes).unwrap()
}

fn new_grid(cell: f32) -> *mut TessSpatialGrid {
    let mut g = null_mut();
    assert_eq!(unsafe { tess_spatial_grid_new(0.0, 0.0, 100.0, 100.0, cell, &mut g) }, TESS_SUCCESS);
    assert!(!g.is_null());
    g
}

#[test]
fn construction_errors() {
    let mut g = std::ptr::dangling_mut::<TessSpatialGrid>();
    unsafe {
        assert_eq!(tess_spatial_grid_new(0.0, 0.0, 10.0, 10.0, 0.0, &mut g), INVALID);
        assert!(g.is_null(), "out is NULL on failure");
        assert!(last_error().contains("cell_size"), "{}", last_error());
        assert_eq!(tess_spatial_grid_new(0.0, 0.0, 10.0, 10.0, -2.0, &mut g), INVALID);
        assert_eq!(tess_spatial_grid_new(0.0, 0.0, 10.0, 10.0, f32::NAN, &mut g), INVALID);
        assert_eq!(tess_spatial_grid_new(0.0, 0.0, 0.0, 10.0, 1.0, &mut g), INVALID);
        assert!(last_error().contains("bounds"), "{}", last_error());
        assert_eq!(tess_spatial_grid_new(0.0, 5.0, 10.0, 5.0, 1.0, &mut g), INVALID);
        assert_eq!(tess_spatial_grid_new(5.0, 0.0, 1.0, 10.0, 1.0, &mut g), INVALID);
        assert_eq!(tess_spatial_grid_new(f32::NEG_INFINITY, 0.0, 1.0, 10.0, 1.0, &mut g), INVALID);
        assert_eq!(tess_spatial_grid_new(0.0, 0.0, 1e6, 1e6, 0.01, &mut g), INVALID);
        assert_eq!(tess_spatial_grid_new(0.0, 0.0, 1.0, 1.0, 1.0, null_mut()), TESS_FAILURE | TESS_NULL_PARAM);
    }
}

#[test]
fn mutation_errors_have_exact_statuses() {
    let g = new_grid(10.0);
    unsafe {
        assert_eq!(tess_spatial_grid_insert(g, 1, 5.0, 5.0, 0.0), TESS_SUCCESS);
        assert_eq!(tess_spatial_grid_insert(g, 1, 6.0, 6.0, 0.0), TESS_FAILURE | TESS_ALREADY_EXISTS);
        assert!(last_error().contains("id 1"));
        assert_eq!(tess_spatial_grid_insert(g, 2, f32::NAN, 6.0, 0.0), INVALID);
        assert_eq!(tess_spatial_grid_insert(g, 2, 6.0, f32::INFINITY, 0.0), INVALID);
        assert_eq!(tess_spatial_grid_insert(g, 2, 6.0, 6.0, -1.0), INVALID);
        assert_eq!(tess_spatial_grid_insert(g, 2, 6.0, 6.0, f32::NAN), INVALID);
        assert_eq!(tess_spatial_grid_move(g, 9, 1.0, 1.0), TESS_FAILURE | TESS_NOT_FOUND);
        assert_eq!(tess_spatial_grid_move(g, 1, f32::NAN, 1.0), INVALID);
        assert_eq!(tess_spatial_grid_move(g, 1, 1.0, f32::NEG_INFINITY), INVALID);
        assert_eq!(tess_spatial_grid_remove(g, 9), TESS_FAILURE | TESS_NOT_FOUND);
        assert_eq!(tess_spatial_grid_set_radius(g, 9, 1.0), TESS_FAILURE | TESS_NOT_FOUND);
        assert_eq!(tess_spatial_grid_set_radius(g, 1, -1.0), INVALID);
        // Batch: checked before anything moves.
        assert_eq!(tess_spatial_grid_insert(g, 2, 6.0, 6.0, 0.0), TESS_SUCCESS);
        let ids = [1u64, 2];
        let bad = [TessVec3 { x: 50.0, y: 0.0, z: 50.0 }, TessVec3 { x: 1.0, y: 0.0, z: f32::NAN }];
        assert_eq!(tess_spatial_grid_move_batch(g, ids.as_ptr(), bad.as_ptr(), 2), INVALID);
        assert!(last_error().contains("positions[1].z"), "{}", last_error());
        let good = [TessVec3 { x: 50.0, y: 0.0, z: 50.0 }, TessVec3 { x: 1.0, y: 7.0, z: 2.0 }];
        assert_eq!(tess_spatial_grid_move_batch(g, [1u64, 77].as_ptr(), good.as_ptr(), 2), TESS_FAILURE | TESS_NOT_FOUND);
        assert_eq!(tess_spatial_grid_move_batch(g, null(), good.as_ptr(), 2), TESS_FAILURE | TESS_NULL_PARAM);
        assert_eq!(tess_spatial_grid_move_batch(g, ids.as_ptr(), null(), 2), TESS_FAILURE | TESS_NULL_PARAM);
        assert_eq!(tess_spatial_grid_move_batch(g, null(), null(), 0), TESS_SUCCESS);
        let (mut x, mut z, mut r) = (0.0f32, 0.0f32, 0.0f32);
        assert_eq!(tess_spatial_grid_get(g, 1, &mut x, &mut z, &mut r), TESS_SUCCESS);
        assert_eq!((x, z), (5.0, 5.0), "a failed batch moves nothing");
        assert_eq!(tess_spatial_grid_move_batch(g, ids.as_ptr(), good.as_ptr(), 2), TESS_SUCCESS);
        assert_eq!(tess_spatial_grid_get(g, 2, &mut x, &mut z, &mut r), TESS_SUCCESS);
        assert_eq!((x, z), (1.0, 2.0));
        assert_eq!(tess_spatial_grid_get(g, 3, &mut x, &mut z, &mut r), TESS_FAILURE | TESS_NOT_FOUND);
        assert_eq!(tess_spatial_grid_get(g, 1, null_mut(), &mut z, &mut r), TESS_FAILURE | TESS_NULL_PARAM);
        tess_spatial_grid_free(g);
    }
}

#[test]
fn null_and_stale_handles() {
    let g = new_grid(10.0);
    let mut n = 0u32;
    unsafe {
        tess_spatial_grid_free(g);
        assert_eq!(tess_spatial_grid_insert(g, 1, 1.0, 1.0, 0.0), TESS_FAILURE | TESS_STALE_HANDLE);
        assert_eq!(tess_spatial_grid_len(g, &mut n), TESS_FAILURE | TESS_STALE_HANDLE);
        assert_eq!(tess_spatial_grid_insert(null_mut(), 1, 1.0, 1.0, 0.0), TESS_FAILURE | TESS_NULL_PARAM);
        assert_eq!(tess_spatial_grid_query_circle(null(), 0.0, 0.0, 1.0, null_mut(), 0, &mut n), TESS_FAILURE | TESS_NULL_PARAM);
        tess_spatial_grid_free(null_mut()); // no-op
        tess_spatial_grid_free(g); // double free: ignored, reported
        assert!(last_error().contains("spatial grid"));
    }
}

#[test]
fn caller_buffers_truncate_and_count() {
    let g = new_grid(4.0);
    unsafe {
        for i in 0..20u64 {
            assert_eq!(tess_spatial_grid_insert(g, i, i as f32, 0.0, 3.0), TESS_SUCCESS);
        }
        let mut len = 0u32;
        let mut out = [0u64; 4];
        // Ids 0..=6 are within 6 of the origin (6 exactly on the limit).
        assert_eq!(tess_spatial_grid_query_circle(g, 0.0, 0.0, 6.0, null_mut(), 0, &mut len), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
        assert_eq!(len, 7);
        assert_eq!(tess_spatial_grid_query_circle(g, 0.0, 0.0, 6.0, out.as_mut_ptr(), 4, &mut len), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
        assert_eq!(len, 7);
        assert!(out.iter().all(|&id| id <= 6));
        assert_eq!(tess_spatial_grid_query_circle(g, 0.0, 0.0, 6.0, null_mut(), 4, &mut len), TESS_FAILURE | TESS_NULL_PARAM);
        assert_eq!(tess_spatial_grid_query_circle(g, 0.0, 0.0, 6.0, out.as_mut_ptr(), 4, null_mut()), TESS_FAILURE | TESS_NULL_PARAM);
        assert_eq!(tess_spatial_grid_query_circle(g, f32::NAN, 0.0, 6.0, out.as_mut_ptr(), 4, &mut len), INVALID);
        assert_eq!(tess_spatial_grid_query_circle(g, 0.0, 0.0, -6.0, out.as_mut_ptr(), 4, &mut len), INVALID);
        let mut big = [0u64; 32];
        assert_eq!(tess_spatial_grid_query_aabb(g, 2.0, -1.0, 5.0, 1.0, big.as_mut_ptr(), 32, &mut len), TESS_SUCCESS);
        let mut got: Vec<u64> = big[..len as usize].to_vec();
        got.sort();
        assert_eq!(got, vec![2, 3, 4, 5]);
        assert_eq!(tess_spatial_grid_query_aabb(g, 5.0, -1.0, 2.0, 1.0, big.as_mut_ptr(), 32, &mut len), INVALID);
        assert_eq!(tess_spatial_grid_query_entity(g, 10, big.as_mut_ptr(), 32, &mut len), TESS_SUCCESS);
        let mut got: Vec<u64> = big[..len as usize].to_vec();
        got.sort();
        assert_eq!(got, vec![7, 8, 9, 11, 12, 13]);
        assert_eq!(tess_spatial_grid_query_entity(g, 99, big.as_mut_ptr(), 32, &mut len), TESS_FAILURE | TESS_NOT_FOUND);
        // Pairs at distance <= 1 on a line of 20: 19 of them.
        let mut pairs = [TessIdPair::default(); 5];
        assert_eq!(tess_spatial_grid_pairs_within(g, 1.0, pairs.as_mut_ptr(), 5, &mut len), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
        assert_eq!(len, 19);
        assert!(pairs.iter().all(|p| p.b == p.a + 1));
        assert_eq!(tess_spatial_grid_pairs_within(g, f32::INFINITY, pairs.as_mut_ptr(), 5, &mut len), INVALID);
        // Nearest: k is the capacity; never BUFFER_TOO_SMALL.
        let mut hits = [TessSpatialHit::default(); 3];
        assert_eq!(tess_spatial_grid_nearest(g, 7.4, 0.0, f32::INFINITY, hits.as_mut_ptr(), 3, &mut len), TESS_SUCCESS);
        assert_eq!(len, 3);
        assert_eq!(hits.map(|h| h.id), [7, 8, 6]);
        assert!((hits[0].dist_sq - 0.16).abs() < 1e-6);
        assert_eq!(tess_spatial_grid_nearest(g, 7.4, 0.0, 0.5, hits.as_mut_ptr(), 3, &mut len), TESS_SUCCESS);
        assert_eq!(len, 1);
        assert_eq!(tess_spatial_grid_nearest(g, 7.4, 0.0, f32::NAN, hits.as_mut_ptr(), 3, &mut len), INVALID);
        assert_eq!(tess_spatial_grid_nearest(g, 7.4, 0.0, -1.0, hits.as_mut_ptr(), 3, &mut len), INVALID);
        assert_eq!(tess_spatial_grid_nearest(g, 7.4, 0.0, 1.0, null_mut(), 0, &mut len), TESS_SUCCESS);
        assert_eq!(len, 0);
        tess_spatial_grid_free(g);
    }
}

#[test]
fn aoi_through_the_c_api() {
    let g = new_grid(10.0);
    unsafe {
        assert_eq!(tess_spatial_grid_insert(g, 100, 50.0, 50.0, 10.0), TESS_SUCCESS);
        for i in 0..5u64 {
            assert_eq!(tess_spatial_grid_insert(g, i, 52.0 + i as f32, 50.0, 0.0), TESS_SUCCESS);
        }
        let mut enter = [TessIdPair::default(); 2];
        let (mut ne, mut nl) = (0u32, 0u32);
        let mut leave = [TessIdPair::default(); 8];
        // NULL length: rejected before the update happens.
        assert_eq!(
            tess_spatial_grid_aoi_update(g, enter.as_mut_ptr(), 2, null_mut(), leave.as_mut_ptr(), 8, &mut nl),
            TESS_FAILURE | TESS_NULL_PARAM
        );
        assert_eq!(
            tess_spatial_grid_aoi_update(g, enter.as_mut_ptr(), 2, &mut ne, leave.as_mut_ptr(), 8, &mut nl),
            TESS_SUCCESS | TESS_BUFFER_TOO_SMALL
        );
        assert_eq!((ne, nl), (5, 0));
        let mut all = [TessIdPair::default(); 8];
        assert_eq!(tess_spatial_grid_aoi_events(g, TESS_AOI_ENTER, all.as_mut_ptr(), 8, &mut ne), TESS_SUCCESS);
        assert_eq!(ne, 5);
        assert_eq!(all[..5].iter().map(|p| (p.a, p.b)).collect::<Vec<_>>(), (0..5).map(|i| (100, i)).collect::<Vec<_>>());
        assert_eq!(tess_spatial_grid_aoi_events(g, 7, all.as_mut_ptr(), 8, &mut ne), INVALID);
        // Move one away, remove another: two leaves.
        assert_eq!(tess_spatial_grid_move(g, 4, 90.0, 90.0), TESS_SUCCESS);
        assert_eq!(tess_spatial_grid_remove(g, 0), TESS_SUCCESS);
        assert_eq!(tess_spatial_grid_aoi_update(g, enter.as_mut_ptr(), 2, &mut ne, leave.as_mut_ptr(), 8, &mut nl), TESS_SUCCESS);
        assert_eq!((ne, nl), (0, 2));
        let mut left: Vec<(u64, u64)> = leave[..2].iter().map(|p| (p.a, p.b)).collect();
        left.sort();
        assert_eq!(left, vec![(100, 0), (100, 4)]);
        let mut n = 0u32;
        assert_eq!(tess_spatial_grid_len(g, &mut n), TESS_SUCCESS);
        assert_eq!(n, 5);
        tess_spatial_grid_free(g);
    }
}
