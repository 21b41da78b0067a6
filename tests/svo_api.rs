//! Octree builds against independent oracles (BFS reachability, analytic
//! voxelisation of planes), save/load, and every named bad input through the
//! C entry points with its exact status.

mod svo_support;

use std::ptr::{null, null_mut};
use std::sync::Arc;
use svo_support::{center, Grid};
use tessera::ffi::svo::*;
use tessera::ffi::types::TessVec3;
use tessera::ffi::error::tess_last_error_message;
use tessera::ffi::*;
use tessera::svo::{parse_obj, Heuristic, MeshParams, PathOptions, Svo, SvoError, SvoQuery};

fn xorshift(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// Random grids: a path exists exactly when BFS on the raw grid says so, and
/// every returned segment is clear on the raw grid, with either heuristic
/// and weights from 1 to 3 (large weights are where pruned voxel moves
/// alone would miss a way).
#[test]
fn reachability_matches_bfs_on_random_grids() {
    let mut seed = 0x5eed_u64;
    let mut checked = (0, 0);
    for round in 0..60 {
        let dims = [5 + xorshift(&mut seed) % 14, 5 + xorshift(&mut seed) % 14, 5 + xorshift(&mut seed) % 14].map(|d| d as u32);
        let density = [20, 30, 35, 40][round % 4];
        let mut grid = Grid::new(dims.map(i64::from));
        let mut voxels = Vec::new();
        for x in 0..dims[0] {
            for y in 0..dims[1] {
                for z in 0..dims[2] {
                    if xorshift(&mut seed) % 100 < density {
                        grid.set([x, y, z].map(i64::from));
                        voxels.push([x, y, z]);
                    }
                }
            }
        }
        let svo = Arc::new(Svo::from_voxels(dims, &voxels, [0.0; 3], 1.0).unwrap());
        let mut q = SvoQuery::new(svo.clone(), 1 << 16);
        let mut pts = Vec::new();
        for k in 0..40 {
            let pick = |s: &mut u64| [0, 1, 2].map(|a| (xorshift(s) % dims[a] as u64) as i64);
            let (a, b) = (pick(&mut seed), pick(&mut seed));
            if grid.blocked(a) || grid.blocked(b) {
                continue;
            }
            let opts = PathOptions {
                heuristic: if k % 2 == 0 { Heuristic::Octile } else { Heuristic::Euclidean },
                heuristic_weight: [1.1, 1.1, 1.0, 3.0][k % 4],
                ..PathOptions::default()
            };
            let info = q.find_path(center(a), center(b), &opts, &mut pts).unwrap();
            assert_eq!(info.found, grid.reachable(a, b), "round {round}: {a:?} -> {b:?}");
            if info.found {
                checked.0 += 1;
                for s in pts.windows(2) {
                    assert_eq!(grid.segment_hits(s[0].map(f64::from), s[1].map(f64::from)), None, "{s:?}");
                }
                // The grid optimum is an upper bound for any-angle paths only
                // up to the smoothing quality; the straight line is a hard lower bound.
                let opt = grid.astar(a, b).unwrap().0;
                let straight = {
                    let (p, r) = (center(a), center(b));
                    ((p[0] - r[0]).powi(2) + (p[1] - r[1]).powi(2) + (p[2] - r[2]).powi(2)).sqrt()
                };
                assert!(info.length >= straight - 1e-3 && info.length as f64 <= opt * 1.5 + 1e-3, "{} vs {opt}", info.length);
            } else {
                checked.1 += 1;
                assert!(pts.is_empty());
            }
        }
    }
    assert!(checked.0 > 200 && checked.1 > 5, "{checked:?}");
}

/// A grid where, with weight 3, the search reaches voxels by ways so far
/// from the shortest that the voxels that would offer the goal's
/// neighbourhood each leave it to another in a cycle: pruned moves alone
/// find no path. The answer must still be BFS's.
#[test]
fn large_weight_pruned_search_still_finds_the_path() {
    #[rustfmt::skip]
    let voxels: [[u32; 3]; 67] = [
        [0, 0, 2], [0, 1, 5], [0, 1, 7], [0, 1, 8], [0, 2, 0], [0, 2, 1], [0, 2, 2], [0, 2, 8], [0, 3, 0], [0, 3, 2],
        [1, 0, 1], [1, 0, 3], [1, 0, 8], [1, 2, 1], [1, 2, 2], [1, 2, 3], [1, 2, 5], [1, 2, 6], [1, 2, 7], [1, 3, 7],
        [2, 0, 7], [2, 1, 5], [2, 3, 2], [2, 3, 3], [2, 3, 4], [3, 0, 3], [3, 0, 5], [3, 0, 7], [3, 1, 2], [3, 2, 6],
        [3, 2, 7], [3, 3, 4], [4, 0, 5], [4, 0, 6], [4, 0, 7], [4, 1, 4], [4, 2, 5], [5, 1, 1], [5, 1, 5], [5, 1, 8],
        [5, 2, 0], [5, 2, 1], [5, 2, 5], [5, 3, 7], [6, 0, 5], [6, 0, 6], [6, 0, 7], [6, 1, 7], [6, 1, 8], [6, 2, 0],
        [6, 2, 1], [6, 3, 4], [7, 0, 2], [7, 0, 3], [7, 0, 5], [7, 0, 7], [7, 1, 2], [7, 1, 4], [7, 1, 8], [7, 2, 0],
        [7, 2, 1], [7, 2, 2], [7, 2, 4], [7, 2, 8], [7, 3, 3], [7, 3, 4], [7, 3, 6],
    ];
    let dims = [8, 4, 9];
    let mut grid = Grid::new(dims.map(i64::from));
    for v in &voxels {
        grid.set(v.map(i64::from));
    }
    let svo = Arc::new(Svo::from_voxels(dims, &voxels, [0.0; 3], 1.0).unwrap());
    let mut q = SvoQuery::new(svo, 1 << 12);
    let mut pts = Vec::new();
    let (a, b) = ([3, 1, 7], [7, 2, 3]);
    let opts = PathOptions { heuristic_weight: 3.0, heuristic: Heuristic::Euclidean, ..PathOptions::default() };
    let info = q.find_path(center(a), center(b), &opts, &mut pts).unwrap();
    assert!(grid.reachable(a, b));
    assert!(info.found && !info.partial);
    for s in pts.windows(2) {
        assert_eq!(grid.segment_hits(s[0].map(f64::from), s[1].map(f64::from)), None, "{s:?}");
    }
}

/// The callback builder sees coarse boxes before voxels and builds the same
/// occupancy as the voxel list.
#[test]
fn callback_build_matches_voxels() {
    let dims = [20u32, 9, 14];
    let blocked = |v: [u32; 3]| (v[0] * 7 + v[1] * 3 + v[2] * 5) % 11 == 0 || v[1] == 0;
    let mut voxels = Vec::new();
    for x in 0..dims[0] {
        for y in 0..dims[1] {
            for z in 0..dims[2] {
                if blocked([x, y, z]) {
                    voxels.push([x, y, z]);
                }
            }
        }
    }
    let origin = [-3.0, 1.0, 2.0];
    let vs = 0.5;
    let a = Svo::from_voxels(dims, &voxels, origin, vs).unwrap();
    let params = MeshParams {
        bounds_min: origin,
        bounds_max: [origin[0] + 10.0, origin[1] + 4.5, origin[2] + 7.0],
        voxel_size: vs,
        agent_radius: 0.0,
    };
    let mut sizes = Vec::new();
    let b = Svo::from_callback(&params, |lo, hi| {
        let s = ((hi[0] - lo[0]) / vs).round() as u32;
        sizes.push(s);
        let v0: [u32; 3] = std::array::from_fn(|k| ((lo[k] - origin[k]) / vs).round() as u32);
        (v0[0]..v0[0] + s).any(|x| (v0[1]..v0[1] + s).any(|y| (v0[2]..v0[2] + s).any(|z| x < dims[0] && y < dims[1] && z < dims[2] && blocked([x, y, z]))))
    })
    .unwrap();
    assert_eq!(a, b);
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "coarse boxes first");
    assert_eq!(*sizes.last().unwrap(), 1);
}

/// A plane x + y + z = c through a mesh: a voxel is blocked exactly when the
/// plane meets its (grown) closed cube.
#[test]
fn mesh_voxelisation_matches_plane() {
    let c = 9.3f32;
    let big = 100.0;
    let verts = [[c, 0.0, 0.0], [c - big, big, 0.0], [c - big, 0.0, big], [c + big, -big, 0.0], [c + big, 0.0, -big]];
    let tris = [[0, 1, 2], [0, 3, 4], [0, 2, 3], [0, 4, 1]];
    for r in [0.0f32, 0.3] {
        let p = MeshParams { bounds_min: [0.0; 3], bounds_max: [12.0, 10.0, 9.0], voxel_size: 1.0, agent_radius: r };
        // Only the first two triangles cover the positive octant; add the others for robustness.
        let svo = Svo::from_mesh(&verts, &tris, &p).unwrap();
        for x in 0..12i64 {
            for y in 0..10i64 {
                for z in 0..9i64 {
                    let lo = (x + y + z) as f32 - 3.0 * r;
                    let hi = (x + y + z + 3) as f32 + 3.0 * r;
                    let expect = lo <= c && c <= hi;
                    assert_eq!(svo.voxel_blocked([x, y, z]), expect, "r {r} voxel {x} {y} {z}");
                }
            }
        }
    }
    // The same plane through OBJ text.
    let obj = "# plane\nv 9.3 0 0\nv -90.7 100 0\nv -90.7 0 100\nv 109.3 -100 0\nv 109.3 0 -100\nf 1 2 3\nf 1/1 4/4 5/5\nf 1 3 4\nf -5 -1 -4\n";
    let (v, t) = parse_obj(obj).unwrap();
    assert_eq!((v.len(), t.len()), (5, 4));
    let p = MeshParams { bounds_min: [0.0; 3], bounds_max: [12.0, 10.0, 9.0], voxel_size: 1.0, agent_radius: 0.0 };
    assert_eq!(Svo::from_mesh(&v, &t, &p).unwrap(), Svo::from_mesh(&verts, &tris, &p).unwrap());
    assert!(matches!(parse_obj("v 1 2\n"), Err(SvoError::Parse { line: 1, .. })));
    assert!(matches!(parse_obj("v 1 2 3\nf 1 2 7\n"), Err(SvoError::Parse { line: 2, .. })));
}

/// A 4096³ world with a one-voxel floor (built through the callback) and its
/// memory against the count of non-empty 4x4x4 blocks.
#[test]
fn floor_world_memory() {
    let p = MeshParams { bounds_min: [0.0; 3], bounds_max: [4096.0; 3], voxel_size: 1.0, agent_radius: 0.0 };
    let svo = Svo::from_callback(&p, |lo, _| lo[1] < 1.0).unwrap();
    let nodes = svo.nodes_per_layer();
    // Leaves: exactly the 1024 x 1024 blocks touching y = 0.
    assert_eq!(nodes[1], 1024 * 1024);
    assert_eq!(svo.memory_per_layer()[1], 1024 * 1024 * 8);
    assert!(svo.memory_bytes() <= 10_000_000, "{} bytes", svo.memory_bytes());
    assert!(svo.voxel_blocked([17, 0, 4000]) && !svo.voxel_blocked([17, 1, 4000]));
    let svo = Arc::new(svo);
    let mut q = SvoQuery::new(svo.clone(), 1 << 20);
    let mut pts = Vec::new();
    let opts = PathOptions::default();
    let info = q.find_path([10.5, 1.5, 10.5], [4000.5, 1.5, 3000.5], &opts, &mut pts).unwrap();
    assert!(info.found, "{info:?}");
    println!("floor path: {info:?}");
    let straight = (3990f32 * 3990.0 + 2990.0 * 2990.0).sqrt();
    assert!((info.length - straight).abs() < 1.0, "{}", info.length);
}

#[test]
fn blob_round_trip_and_damage() {
    let text = std::fs::read_to_string(svo_support::data_path("Simple.3dmap")).unwrap();
    let svo = Svo::from_3dmap(&text).unwrap();
    let bytes = svo.to_bytes();
    assert_eq!(Svo::from_bytes(&bytes).unwrap(), svo);
    for cut in [0, 3, 8, 20, bytes.len() / 2, bytes.len() - 1] {
        assert!(Svo::from_bytes(&bytes[..cut]).is_err(), "cut {cut}");
    }
    for at in [0, 5, 12, 60, bytes.len() / 2, bytes.len() - 3] {
        let mut bad = bytes.clone();
        bad[at] ^= 0x10;
        assert!(Svo::from_bytes(&bad).is_err(), "flip {at}");
    }
}

// ---- C entry points --------------------------------------------------------------

fn v3(x: f32, y: f32, z: f32) -> TessVec3 {
    TessVec3 { x, y, z }
}

fn build_c(text: &str) -> (TessStatus, *const TessSvo) {
    let mut out = null();
    let s = unsafe { tess_svo_build_3dmap(text.as_ptr(), text.len() as u32, &mut out) };
    (s, out)
}

fn last_error() -> String {
    let mut buf = vec![0 as core::ffi::c_char; 512];
    unsafe { tess_last_error_message(buf.as_mut_ptr(), buf.len()) };
    unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned()
}

#[test]
fn c_api_bad_inputs_have_exact_statuses() {
    unsafe {
        // Malformed .3dmap: the message names the line.
        for (text, line) in [("voxel 8 8\n", 1), ("voxel 8 8 8\n1 2 3\n1 2\n", 3), ("voxel 8 8 8\n1 2 x\n", 2), ("voxel 8 8 8\n9 0 0\n", 2), ("", 1), ("vox 1 1 1\n", 1)] {
            let (s, out) = build_c(text);
            assert_eq!(s, TESS_FAILURE | TESS_PARSE_ERROR, "{text:?}");
            assert!(out.is_null());
            assert!(last_error().contains(&format!("line {line}")), "{}", last_error());
        }
        // A walled room: a 3x3x3 cell at 10..13 enclosed by walls, in a 16^3 map.
        let mut text = String::from("voxel 16 16 16\n");
        for x in 9..14 {
            for y in 9..14 {
                for z in 9..14 {
                    let inner = (10..13).contains(&x) && (10..13).contains(&y) && (10..13).contains(&z);
                    if !inner {
                        text.push_str(&format!("{x} {y} {z}\n"));
                    }
                }
            }
        }
        let (s, svo) = build_c(&text);
        assert_eq!(s, TESS_SUCCESS);
        let mut q = null_mut();
        assert_eq!(tess_svo_query_new(svo, 8, &mut q), TESS_FAILURE | TESS_INVALID_PARAM);
        assert_eq!(tess_svo_query_new(null(), 64, &mut q), TESS_FAILURE | TESS_NULL_PARAM);
        assert_eq!(tess_svo_query_new(svo, 4096, &mut q), TESS_SUCCESS);
        let mut pts = [TessVec3::default(); 64];
        let mut n = 0u32;
        let mut info = TessSvoPathInfo::default();
        let fp = |q, a, b, pts: &mut [TessVec3], n: &mut u32, info: &mut TessSvoPathInfo| {
            tess_svo_query_find_path(q, a, b, null(), info, pts.as_mut_ptr(), pts.len() as u32, n)
        };
        let free = v3(1.5, 1.5, 1.5);
        let inner = v3(11.5, 11.5, 11.5);
        assert_eq!(fp(q, free, v3(14.5, 14.5, 14.5), &mut pts, &mut n, &mut info), TESS_SUCCESS);
        assert!(info.found == 1 && n >= 2);
        // NaN and infinities.
        for bad in [v3(f32::NAN, 1.0, 1.0), v3(1.0, f32::INFINITY, 1.0), v3(1.0, 1.0, f32::NEG_INFINITY)] {
            assert_eq!(fp(q, bad, free, &mut pts, &mut n, &mut info), TESS_FAILURE | TESS_INVALID_PARAM);
            assert_eq!(fp(q, free, bad, &mut pts, &mut n, &mut info), TESS_FAILURE | TESS_INVALID_PARAM);
        }
        // Outside the bounds.
        for bad in [v3(-0.5, 1.0, 1.0), v3(1.0, 16.01, 1.0), v3(1.0, 1.0, 1e9)] {
            assert_eq!(fp(q, bad, free, &mut pts, &mut n, &mut info), TESS_FAILURE | TESS_INVALID_PARAM);
            assert!(last_error().contains("outside"), "{}", last_error());
        }
        // Inside solid.
        assert_eq!(fp(q, v3(9.5, 9.5, 9.5), free, &mut pts, &mut n, &mut info), TESS_FAILURE | TESS_NOT_FOUND);
        // Unreachable goal (the sealed room) is a normal result.
        assert_eq!(fp(q, free, inner, &mut pts, &mut n, &mut info), TESS_SUCCESS | TESS_NO_PATH);
        assert_eq!((n, info.found), (0, 0));
        // Bad options.
        let mut o = TessSvoPathOptions { heuristic_weight: 0.0, layer_penalty: 0.0, smooth: 0, heuristic: 9, reserved: [0; 2] };
        assert_eq!(tess_svo_path_options_default(&mut o), TESS_SUCCESS);
        assert_eq!((o.heuristic_weight, o.smooth), (tessera::svo::PathOptions::default().heuristic_weight, 1));
        assert_eq!(u32::from(o.heuristic), TESS_SVO_HEURISTIC_OCTILE);
        // Both heuristics find a path; an unknown one is rejected.
        for h in [TESS_SVO_HEURISTIC_OCTILE, TESS_SVO_HEURISTIC_EUCLIDEAN] {
            o.heuristic = h as u8;
            assert_eq!(tess_svo_query_find_path(q, free, v3(14.5, 1.5, 14.5), &o, &mut info, null_mut(), 0, &mut n) & !TESS_BUFFER_TOO_SMALL, TESS_SUCCESS);
            assert_eq!(info.found, 1);
        }
        o.heuristic = 2;
        assert_eq!(tess_svo_query_find_path(q, free, free, &o, null_mut(), null_mut(), 0, &mut n), TESS_FAILURE | TESS_INVALID_PARAM);
        assert!(last_error().contains("heuristic"), "{}", last_error());
        o.heuristic = TESS_SVO_HEURISTIC_OCTILE as u8;
        o.layer_penalty = -1.0;
        assert_eq!(tess_svo_query_find_path(q, free, free, &o, null_mut(), null_mut(), 0, &mut n), TESS_FAILURE | TESS_INVALID_PARAM);
        o.layer_penalty = f32::NAN;
        assert_eq!(tess_svo_query_find_path(q, free, free, &o, null_mut(), null_mut(), 0, &mut n), TESS_FAILURE | TESS_INVALID_PARAM);
        // Size query, then a truncated buffer.
        let goal = v3(14.5, 1.5, 14.5);
        assert_eq!(tess_svo_query_find_path(q, free, goal, null(), null_mut(), null_mut(), 0, &mut n), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
        assert!(n >= 2);
        assert_eq!(tess_svo_query_find_path(q, free, goal, null(), null_mut(), null_mut(), 0, null_mut()), TESS_FAILURE | TESS_NULL_PARAM);
        // is_blocked / raycast / nearest free.
        let mut b = 9u8;
        let mut t = 0f32;
        assert_eq!(tess_svo_is_blocked(svo, v3(9.5, 10.5, 10.5), &mut b), TESS_SUCCESS);
        assert_eq!(b, 1);
        assert_eq!(tess_svo_is_blocked(svo, v3(f32::NAN, 0.0, 0.0), &mut b), TESS_FAILURE | TESS_INVALID_PARAM);
        assert_eq!(tess_svo_is_blocked(svo, v3(17.0, 0.0, 0.0), &mut b), TESS_FAILURE | TESS_INVALID_PARAM);
        assert_eq!(tess_svo_raycast(svo, v3(0.5, 11.5, 11.5), v3(15.5, 11.5, 11.5), &mut b, &mut t), TESS_SUCCESS);
        assert_eq!(b, 1);
        assert!((t - 8.5 / 15.0).abs() < 1e-4, "{t}");
        assert_eq!(tess_svo_raycast(svo, v3(0.5, 0.5, 0.5), v3(15.5, 0.5, 15.5), &mut b, &mut t), TESS_SUCCESS);
        assert_eq!((b, t), (0, 1.0));
        let mut p = TessVec3::default();
        assert_eq!(tess_svo_query_nearest_free(q, v3(9.2, 11.5, 11.5), 3.0, &mut p), TESS_SUCCESS);
        assert_eq!([p.x, p.y, p.z], [8.5, 11.5, 11.5]);
        assert_eq!(tess_svo_query_nearest_free(q, v3(9.2, 11.5, 11.5), 0.1, &mut p), TESS_FAILURE | TESS_NOT_FOUND);
        assert_eq!(tess_svo_query_nearest_free(q, v3(9.2, 11.5, 11.5), -1.0, &mut p), TESS_FAILURE | TESS_INVALID_PARAM);
        // Out of nodes: a pool of 16 cannot cross a busy map.
        let busy = std::fs::read_to_string(svo_support::data_path("Simple.3dmap")).unwrap();
        let (_, simple) = build_c(&busy);
        let mut small = null_mut();
        assert_eq!(tess_svo_query_new(simple, 16, &mut small), TESS_SUCCESS);
        let s = tess_svo_query_find_path(small, v3(48.5, 60.5, 52.5), v3(56.5, 60.5, 52.5), null(), &mut info, pts.as_mut_ptr(), 64, &mut n);
        assert_eq!(s, TESS_SUCCESS | TESS_PARTIAL_RESULT | TESS_OUT_OF_NODES);
        assert_eq!(info.partial, 1);
        assert_eq!(tess_svo_query_free(small), TESS_SUCCESS);
        assert_eq!(tess_svo_free(simple), TESS_SUCCESS);

        // Save, then truncated / corrupted / wrong-version blobs.
        let mut len = 0u32;
        assert_eq!(tess_svo_save(svo, null_mut(), 0, &mut len), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
        let mut blob = vec![0u8; len as usize];
        assert_eq!(tess_svo_save(svo, blob.as_mut_ptr(), len, &mut len), TESS_SUCCESS);
        let mut back = null();
        assert_eq!(tess_svo_load(blob.as_ptr(), len, &mut back), TESS_SUCCESS);
        assert_eq!(tess_svo_free(back), TESS_SUCCESS);
        assert_eq!(tess_svo_load(blob.as_ptr(), len - 1, &mut back), TESS_FAILURE | TESS_CORRUPT_DATA);
        assert!(back.is_null());
        assert_eq!(tess_svo_load(blob.as_ptr(), 6, &mut back), TESS_FAILURE | TESS_CORRUPT_DATA);
        let mut bad = blob.clone();
        bad[len as usize / 2] ^= 1;
        assert_eq!(tess_svo_load(bad.as_ptr(), len, &mut back), TESS_FAILURE | TESS_CORRUPT_DATA);
        let mut bad = blob.clone();
        bad[4] = 99;
        assert_eq!(tess_svo_load(bad.as_ptr(), len, &mut back), TESS_FAILURE | TESS_VERSION_MISMATCH);
        assert_eq!(tess_svo_load(null(), 10, &mut back), TESS_FAILURE | TESS_NULL_PARAM);

        // Zero / negative / NaN voxel sizes and bad bounds.
        extern "C" fn never(_: *mut core::ffi::c_void, _: *const TessVec3, _: *const TessVec3) -> u8 {
            0
        }
        for vs in [0.0, -1.0, f32::NAN, f32::INFINITY] {
            let p = TessSvoBuildParams { bounds_min: v3(0.0, 0.0, 0.0), bounds_max: v3(8.0, 8.0, 8.0), voxel_size: vs, agent_radius: 0.0 };
            let mut o = null();
            assert_eq!(tess_svo_build_callback(&p, Some(never), null_mut(), &mut o), TESS_FAILURE | TESS_INVALID_PARAM);
            let verts = [v3(0.0, 0.0, 0.0), v3(1.0, 0.0, 0.0), v3(0.0, 1.0, 0.0)];
            let idx = [0u32, 1, 2];
            assert_eq!(tess_svo_build_mesh(verts.as_ptr(), 3, idx.as_ptr(), 3, &p, &mut o), TESS_FAILURE | TESS_INVALID_PARAM);
            let dims = [4u32, 4, 4];
            assert_eq!(tess_svo_build_voxels(idx.as_ptr(), 1, dims.as_ptr(), v3(0.0, 0.0, 0.0), vs, &mut o), TESS_FAILURE | TESS_INVALID_PARAM);
            assert!(o.is_null());
        }
        let p = TessSvoBuildParams { bounds_min: v3(0.0, 0.0, 0.0), bounds_max: v3(8.0, -1.0, 8.0), voxel_size: 1.0, agent_radius: 0.0 };
        let mut o = null();
        assert_eq!(tess_svo_build_callback(&p, Some(never), null_mut(), &mut o), TESS_FAILURE | TESS_INVALID_PARAM);
        let p = TessSvoBuildParams { bounds_min: v3(0.0, f32::NAN, 0.0), bounds_max: v3(8.0, 8.0, 8.0), voxel_size: 1.0, agent_radius: 0.0 };
        assert_eq!(tess_svo_build_callback(&p, Some(never), null_mut(), &mut o), TESS_FAILURE | TESS_INVALID_PARAM);
        let p = TessSvoBuildParams { bounds_min: v3(0.0, 0.0, 0.0), bounds_max: v3(8.0, 8.0, 8.0), voxel_size: 1.0, agent_radius: 0.0 };
        assert_eq!(tess_svo_build_callback(&p, None, null_mut(), &mut o), TESS_FAILURE | TESS_NULL_PARAM);
        assert_eq!(tess_svo_build_callback(&p, Some(never), null_mut(), &mut o), TESS_SUCCESS);
        let mut inf = TessSvoInfo::default();
        assert_eq!(tess_svo_info(o, &mut inf), TESS_SUCCESS);
        assert_eq!((inf.dims, inf.cube_side), ([8, 8, 8], 8));
        assert_eq!(tess_svo_free(o), TESS_SUCCESS);
        let idx = [0u32, 1, 7];
        let verts = [v3(0.0, 0.0, 0.0), v3(1.0, 0.0, 0.0), v3(0.0, 1.0, 0.0)];
        assert_eq!(tess_svo_build_mesh(verts.as_ptr(), 3, idx.as_ptr(), 3, &p, &mut o), TESS_FAILURE | TESS_INVALID_PARAM);
        assert_eq!(tess_svo_build_mesh(verts.as_ptr(), 3, idx.as_ptr(), 2, &p, &mut o), TESS_FAILURE | TESS_INVALID_PARAM);
        let obj = "v 0 0 0\nv 1 0 0\nf 1 2 3\n";
        assert_eq!(tess_svo_build_obj(obj.as_ptr(), obj.len() as u32, &p, &mut o), TESS_FAILURE | TESS_PARSE_ERROR);
        assert!(last_error().contains("line 3"));

        // Memory report, SVG.
        let mut m = [0u64; 16];
        assert_eq!(tess_svo_memory(svo, m.as_mut_ptr(), 16, &mut len), TESS_SUCCESS);
        let mut inf = TessSvoInfo::default();
        assert_eq!(tess_svo_info(svo, &mut inf), TESS_SUCCESS);
        assert_eq!((len, inf.layer_count, inf.cube_side), (4, 4, 16));
        assert_eq!(m[..5].iter().sum::<u64>(), {
            let mut i = TessSvoInfo::default();
            tess_svo_info(svo, &mut i);
            i.memory_bytes
        });
        assert_eq!(tess_svo_write_svg(svo, pts.as_ptr(), 2, null_mut(), 0, &mut len), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
        let mut svg = vec![0u8; len as usize];
        assert_eq!(tess_svo_write_svg(svo, pts.as_ptr(), 2, svg.as_mut_ptr(), len, &mut len), TESS_SUCCESS);
        let svg = String::from_utf8(svg).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("<polyline"));

        // Stale handles, NULL frees.
        assert_eq!(tess_svo_query_free(q), TESS_SUCCESS);
        assert_eq!(tess_svo_query_free(q), TESS_FAILURE | TESS_STALE_HANDLE);
        assert_eq!(fp(q, free, free, &mut pts, &mut n, &mut info), TESS_FAILURE | TESS_STALE_HANDLE);
        assert_eq!(tess_svo_query_free(null_mut()), TESS_SUCCESS);
        assert_eq!(tess_svo_free(null()), TESS_SUCCESS);
        assert_eq!(tess_svo_free(svo), TESS_SUCCESS);
        assert_eq!(tess_svo_is_blocked(svo, free, &mut b), TESS_FAILURE | TESS_STALE_HANDLE);
        assert_eq!(tess_svo_free(svo), TESS_FAILURE | TESS_STALE_HANDLE);
    }
}
