//! Unit tests of the octree internals against brute force.

use super::build::{morton3, tri_box_overlap};
use super::*;

#[test]
fn leaf_bits_round_trip() {
    for bit in 0..64 {
        let [x, y, z] = leaf_xyz(bit);
        assert_eq!(leaf_bit(x, y, z), bit);
    }
    assert_eq!(morton3([1, 0, 0]), 1);
    assert_eq!(morton3([0, 1, 0]), 2);
    assert_eq!(morton3([0, 0, 1]), 4);
    assert_eq!(morton3([2, 0, 0]), 8);
}

#[test]
fn link_fields() {
    let l = Link::new(5, (1 << 22) - 1, 63);
    assert_eq!((l.layer(), l.offset(), l.sub()), (5, (1 << 22) - 1, 63));
}

#[test]
fn voxel_lookup_matches_input() {
    let dims = [13, 7, 21];
    let mut state = 12345u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut grid = vec![false; 13 * 7 * 21];
    let mut voxels = Vec::new();
    for x in 0..13 {
        for y in 0..7 {
            for z in 0..21 {
                if next() % 5 == 0 {
                    grid[(x * 7 + y) * 21 + z] = true;
                    voxels.push([x as u32, y as u32, z as u32]);
                }
            }
        }
    }
    let svo = Svo::from_voxels(dims, &voxels, [0.0; 3], 1.0).unwrap();
    for x in -1..14i64 {
        for y in -1..8i64 {
            for z in -1..22i64 {
                let inside = (0..13).contains(&x) && (0..7).contains(&y) && (0..21).contains(&z);
                let expect = !inside || grid[((x * 7 + y) * 21 + z) as usize];
                assert_eq!(svo.voxel_blocked([x, y, z]), expect, "{x} {y} {z}");
            }
        }
    }
    let back = Svo::from_bytes(&svo.to_bytes()).unwrap();
    assert_eq!(back, svo);
}

#[test]
fn sat_matches_simple_cases() {
    let tri = [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]];
    assert!(tri_box_overlap([0.2, 0.2, 0.0], [0.1; 3], tri));
    assert!(!tri_box_overlap([0.2, 0.2, 0.5], [0.1; 3], tri));
    // Beyond the hypotenuse: only the edge cross-product axes separate it.
    assert!(!tri_box_overlap([0.7, 0.7, 0.0], [0.1; 3], tri));
    assert!(tri_box_overlap([0.55, 0.55, 0.0], [0.1; 3], tri));
}

/// Brute force: whether any blocked voxel's cube, grown by the segment
/// margin, meets the closed segment (slab clipping per voxel).
fn brute_segment_blocked(svo: &Svo, a: [f64; 3], b: [f64; 3]) -> bool {
    const M: f64 = 1e-6;
    let lo: [i64; 3] = std::array::from_fn(|k| a[k].min(b[k]).floor() as i64 - 1);
    let hi: [i64; 3] = std::array::from_fn(|k| a[k].max(b[k]).floor() as i64 + 1);
    for x in lo[0]..=hi[0] {
        for y in lo[1]..=hi[1] {
            for z in lo[2]..=hi[2] {
                let v = [x, y, z];
                let (mut t0, mut t1) = (0.0f64, 1.0f64);
                for k in 0..3 {
                    let (l, h) = (v[k] as f64 - M, v[k] as f64 + 1.0 + M);
                    let d = b[k] - a[k];
                    if d == 0.0 {
                        if a[k] < l || a[k] > h {
                            t0 = 2.0;
                        }
                    } else {
                        let (u, w) = ((l - a[k]) / d, (h - a[k]) / d);
                        t0 = t0.max(u.min(w));
                        t1 = t1.min(u.max(w));
                    }
                }
                if t0 <= t1 && svo.voxel_blocked(v) {
                    return true;
                }
            }
        }
    }
    false
}

#[test]
fn segment_clear_matches_brute_force() {
    // Sparse clusters in a 40^3 grid, so there are large free nodes, and
    // endpoints on voxel faces, edges and node faces as well as inside.
    let dims = [40u32, 40, 40];
    let mut state = 0x9e37_79b9_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut voxels = Vec::new();
    for _ in 0..12 {
        let c = [next() % 40, next() % 40, next() % 40].map(|v| v as u32);
        for _ in 0..6 {
            let v: [u32; 3] = std::array::from_fn(|k| (c[k] + (next() % 3) as u32).min(39));
            voxels.push(v);
        }
    }
    let svo = Svo::from_voxels(dims, &voxels, [0.0; 3], 1.0).unwrap();
    let point = |next: &mut dyn FnMut() -> u64| -> [f64; 3] {
        std::array::from_fn(|_| match next() % 4 {
            0 => (next() % 41) as f64,
            1 => (next() % 11) as f64 * 4.0,
            _ => (next() % 40_000) as f64 / 1000.0,
        })
    };
    let (mut clear, mut blocked) = (0, 0);
    for _ in 0..20_000 {
        let a = point(&mut next);
        let mut b = point(&mut next);
        // Some segments along an axis or a face.
        match next() % 4 {
            0 => b[0] = a[0],
            1 => (b[0], b[1]) = (a[0], a[1]),
            _ => {}
        }
        let expect = brute_segment_blocked(&svo, a, b);
        assert_eq!(!svo.segment_clear(a, b, &mut BlockCache::default()), expect, "{a:?} -> {b:?}");
        assert_eq!(svo.first_blocked_on_segment(a, b).is_some(), expect, "{a:?} -> {b:?}");
        if expect {
            blocked += 1;
        } else {
            clear += 1;
        }
    }
    assert!(clear > 2000 && blocked > 2000, "{clear} {blocked}");
}
