//! The navmesh C API called from Rust: exact statuses for bad input, refs across meshes,
//! and the same answers as the safe API.

use std::ffi::CString;
use std::ptr::{null, null_mut};
use tessera::ffi::navmesh::*;
use tessera::ffi::types::TessVec3;
use tessera::ffi::*;
use tessera::navmesh::{NavMesh, NavMeshQuery, QueryFilter};

fn v(x: f32, y: f32, z: f32) -> TessVec3 {
    TessVec3 { x, y, z }
}

const OBJ: &str = "v 0 0 0\nv 0 0 1\nv 1 0 1\nv 1 0 0\nv 2 0 1\nv 2 0 0\nf 1 2 3 4\nf 4 3 5 6\n";

fn mesh() -> *const TessNavMesh {
    let text = CString::new(OBJ).unwrap();
    let mut m = null();
    assert_eq!(unsafe { tess_navmesh_from_obj(text.as_ptr(), &mut m) }, TESS_SUCCESS);
    m
}

#[test]
fn statuses_match_the_contract() {
    unsafe {
        let m = mesh();
        let other = mesh();
        let mut q = null_mut();
        assert_eq!(tess_navmesh_query_new(m, 0, &mut q), TESS_FAILURE | TESS_INVALID_PARAM);
        assert_eq!(tess_navmesh_query_new(null(), 8, &mut q), TESS_FAILURE | TESS_NULL_PARAM);
        assert_eq!(tess_navmesh_query_new(m, 8, &mut q), TESS_SUCCESS);
        let (mut s, mut e, mut foreign) = (0u64, 0u64, 0u64);
        let mut sp = v(0.0, 0.0, 0.0);
        let mut ep = v(0.0, 0.0, 0.0);
        let ext = v(0.2, 1.0, 0.2);
        assert_eq!(tess_navmesh_query_find_nearest_poly(q, v(0.5, 0.0, 0.5), ext, null(), &mut s, &mut sp), TESS_SUCCESS);
        assert_eq!(tess_navmesh_query_find_nearest_poly(q, v(1.5, 0.0, 0.5), ext, null(), &mut e, &mut ep), TESS_SUCCESS);
        assert_eq!(tess_navmesh_poly_ref(other, 0, &mut foreign), TESS_SUCCESS);
        assert_ne!(foreign, s, "refs of different meshes differ");
        let mut path = [0u64; 4];
        let mut n = 0u32;
        assert_eq!(tess_navmesh_query_find_path(q, s, e, sp, ep, null(), path.as_mut_ptr(), 4, &mut n), TESS_SUCCESS);
        assert_eq!(n, 2);
        // The safe API gives the same polygons.
        let safe = NavMesh::from_obj(OBJ).unwrap();
        let mut sq = NavMeshQuery::new(std::sync::Arc::new(safe), 8);
        let mut p2 = Vec::new();
        sq.find_path(0, 1, sp.into(), ep.into(), &QueryFilter::default(), &mut p2).unwrap();
        assert_eq!(p2.len(), n as usize);
        assert_eq!(tess_navmesh_query_find_path(q, foreign, e, sp, ep, null(), path.as_mut_ptr(), 4, &mut n), TESS_FAILURE | TESS_STALE_HANDLE);
        assert_eq!(tess_navmesh_query_find_path(q, 0, e, sp, ep, null(), path.as_mut_ptr(), 4, &mut n), TESS_FAILURE | TESS_INVALID_PARAM);
        assert_eq!(tess_navmesh_query_find_path(q, s, e, v(f32::NAN, 0.0, 0.0), ep, null(), path.as_mut_ptr(), 4, &mut n), TESS_FAILURE | TESS_INVALID_PARAM);
        assert_eq!(tess_navmesh_query_find_path(q, s, e, sp, ep, null(), path.as_mut_ptr(), 1, &mut n), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
        assert_eq!(n, 2);
        assert_eq!(tess_navmesh_query_find_path(q, s, e, sp, ep, null(), null_mut(), 4, &mut n), TESS_FAILURE | TESS_NULL_PARAM);
        let mut bad = std::mem::zeroed::<TessQueryFilter>();
        assert_eq!(tess_query_filter_init(&mut bad), TESS_SUCCESS);
        bad.area_cost[0] = f32::INFINITY;
        assert_eq!(tess_navmesh_query_find_path(q, s, e, sp, ep, &bad, path.as_mut_ptr(), 4, &mut n), TESS_FAILURE | TESS_INVALID_PARAM);
        let mut done = 0;
        assert_eq!(tess_navmesh_query_update_sliced_find_path(q, 1, &mut done), TESS_FAILURE | TESS_WRONG_STATE);
        // Blob damage.
        let mut len = 0u32;
        assert_eq!(tess_navmesh_save(m, null_mut(), 0, &mut len), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
        let mut blob = vec![0u8; len as usize];
        assert_eq!(tess_navmesh_save(m, blob.as_mut_ptr(), len, &mut len), TESS_SUCCESS);
        let mut back = null();
        blob[9] ^= 1;
        assert_eq!(tess_navmesh_load(blob.as_ptr(), len, &mut back), TESS_FAILURE | TESS_VERSION_MISMATCH);
        blob[9] ^= 1;
        let last = blob.len() - 1;
        blob[last] ^= 1;
        assert_eq!(tess_navmesh_load(blob.as_ptr(), len, &mut back), TESS_FAILURE | TESS_CORRUPT_DATA);
        assert!(back.is_null());
        // Freed objects are stale; NULL frees are no-ops.
        tess_navmesh_query_free(q);
        assert_eq!(tess_navmesh_query_find_path(q, s, e, sp, ep, null(), path.as_mut_ptr(), 4, &mut n), TESS_FAILURE | TESS_STALE_HANDLE);
        tess_navmesh_free(other);
        let mut count = 0;
        assert_eq!(tess_navmesh_poly_count(other, &mut count), TESS_FAILURE | TESS_STALE_HANDLE);
        tess_navmesh_free(m);
        tess_navmesh_free(null());
        tess_navmesh_query_free(null_mut());
    }
}
