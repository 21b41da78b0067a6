//! Unit tests of the grid internals; the oracle suites are in tests/spatial*.rs.

use super::*;

#[test]
fn cells_follow_exact_floor_and_clamp() {
    let g = Grid::new(-10.0, -10.0, 10.0, 10.0, 0.1).unwrap();
    assert_eq!(g.dimensions(), (200, 200));
    // -10 + 0.3 is a border in real arithmetic only up to f32 rounding:
    // the cell is the floor of the exact quotient of what was stored.
    assert_eq!(g.col_of(-10.0), 0);
    assert_eq!(g.col_of(-11.0), 0);
    assert_eq!(g.col_of(10.0), 199);
    assert_eq!(g.col_of(1e30), 199);
    let g = Grid::new(0.0, 0.0, 30.0, 30.0, 10.0).unwrap();
    assert_eq!(g.col_of(10.0), 1);
    assert_eq!(g.col_of(9.999_999), 0);
    assert_eq!(g.row_of(20.0), 2);
}

#[test]
fn swap_remove_keeps_back_references() {
    let mut g = Grid::new(0.0, 0.0, 10.0, 10.0, 5.0).unwrap();
    for id in 0..10u64 {
        g.insert(id, id as f32 * 0.1, 1.0, 0.0).unwrap();
    }
    g.remove(3).unwrap();
    g.remove(0).unwrap();
    g.move_to(9, 9.0, 9.0).unwrap();
    g.move_to(5, 6.0, 1.0).unwrap();
    for (i, e) in g.entities.iter().enumerate() {
        let c = &g.cells[e.cell as usize];
        assert_eq!(c.owners[e.slot as usize] as usize, i);
        assert_eq!(c.entries[e.slot as usize].id, e.id);
        assert_eq!(g.index[&e.id] as usize, i);
    }
    assert_eq!(g.len(), 8);
    assert_eq!(g.position(9), Some((9.0, 9.0)));
    assert_eq!(g.position(3), None);
}

#[test]
fn bad_construction_is_rejected() {
    assert_eq!(Grid::new(0.0, 0.0, 1.0, 1.0, 0.0).unwrap_err(), SpatialError::CellSize(0.0));
    assert_eq!(Grid::new(0.0, 0.0, 1.0, 1.0, -1.0).unwrap_err(), SpatialError::CellSize(-1.0));
    assert!(matches!(Grid::new(0.0, 0.0, 0.0, 1.0, 1.0), Err(SpatialError::EmptyBounds { .. })));
    assert!(matches!(Grid::new(0.0, 0.0, 1e6, 1e6, 1.0), Err(SpatialError::TooManyCells(_))));
    assert!(matches!(Grid::new(f32::NAN, 0.0, 1.0, 1.0, 1.0), Err(SpatialError::NotFinite { .. })));
}
