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
