//! The grid's queries against brute force over a plain list of entities.
//!
//! Worlds mix three kinds of coordinates: random ones, points on a lattice
//! of half cells (so many sit exactly on cell borders and at exactly the
//! query distance), and points outside the bounds (filed in border cells).
//! The distance rule under test is the documented one: inside when
//! `dx² + dz² <= r²` in f64.

use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use tessera::spatial::{Grid, Hit, IdPair, SpatialError};

#[derive(Debug, Clone)]
struct World {
    min: (f32, f32),
    max: (f32, f32),
    cell: f32,
    /// id → (x, z, radius)
    entities: BTreeMap<u64, (f32, f32, f32)>,
}

fn brute_within(x: f32, z: f32, qx: f32, qz: f32, r: f32) -> bool {
    let dx = f64::from(x) - f64::from(qx);
    let dz = f64::from(z) - f64::from(qz);
    dx * dx + dz * dz <= f64::from(r) * f64::from(r)
}

fn brute_dist_sq(x: f32, z: f32, qx: f32, qz: f32) -> f64 {
    let dx = f64::from(x) - f64::from(qx);
    let dz = f64::from(z) - f64::from(qz);
    dx * dx + dz * dz
}

/// A coordinate on one axis: lattice (borders and exact distances), random
/// inside, or outside the bounds.
fn coord(lo: f32, hi: f32, cell: f32) -> impl Strategy<Value = f32> {
    let steps = ((hi - lo) / cell * 2.0) as i32;
    prop_oneof![
        4 => (-2..=steps + 2).prop_map(move |k| lo + k as f32 * cell * 0.5),
        4 => lo..hi,
        1 => lo - 3.0 * cell..lo,
        1 => hi..hi + 3.0 * cell,
    ]
}

fn world() -> impl Strategy<Value = World> {
    (
        prop_oneof![Just(1.0f32), Just(2.5), Just(4.0), Just(10.0), 0.7f32..6.0],
        prop_oneof![Just((0.0f32, 0.0f32)), Just((-20.0, -8.0)), Just((3.25, -1.5))],
        (4u32..14, 3u32..12),
    )
        .prop_flat_map(|(cell, min, (w, d))| {
            let max = (min.0 + w as f32 * cell * 0.9, min.1 + d as f32 * cell * 0.9);
            let point = (coord(min.0, max.0, cell), coord(min.1, max.1, cell), prop_oneof![Just(0.0f32), 0.0f32..12.0, Just(cell)]);
            proptest::collection::btree_map(0u64..5_000, point, 0..90).prop_map(move |entities| World {
                min,
                max,
                cell,
                entities,
            })
        })
}

fn build(w: &World) -> Grid {
    let mut g = Grid::new(w.min.0, w.min.1, w.max.0, w.max.1, w.cell).unwrap();
    for (&id, &(x, z, r)) in &w.entities {
        g.insert(id, x, z, r).unwrap();
    }
    g
}

/// A query point: lattice, random, or an entity's own position.
fn query_point(w: &World) -> impl Strategy<Value = (f32, f32)> {
    let spots: Vec<(f32, f32)> = w.entities.values().map(|&(x, z, _)| (x, z)).collect();
    let free = (coord(w.min.0, w.max.0, w.cell), coord(w.min.1, w.max.1, w.cell));
    if spots.is_empty() {
        free.boxed()
    } else {
        prop_oneof![free, proptest::sample::select(spots)].boxed()
    }
}

fn radius_for(cell: f32) -> impl Strategy<Value = f32> {
    prop_oneof![Just(0.0f32), (0..12).prop_map(move |k| k as f32 * cell * 0.5), 0.0f32..(cell * 5.0), Just(5.0)]
}

fn world_and_query() -> impl Strategy<Value = (World, (f32, f32), f32)> {
    world().prop_flat_map(|w| {
        let q = query_point(&w);
        let r = radius_for(w.cell);
        (Just(w), q, r)
    })
}

fn sorted(mut v: Vec<u64>) -> Vec<u64> {
    v.sort_unstable();
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn circle_equals_brute_force((w, (qx, qz), r) in world_and_query()) {
        let g = build(&w);
        let expect: Vec<u64> = w.entities.iter().filter(|(_, &(x, z, _))| brute_within(x, z, qx, qz, r)).map(|(&id, _)| id).collect();
        prop_assert_eq!(sorted(g.query_circle_vec(qx, qz, r).unwrap()), expect.clone());
        // The slice form writes what fits and counts everything.
        let mut small = [0u64; 3];
        let n = g.query_circle(qx, qz, r, &mut small).unwrap();
        prop_assert_eq!(n, expect.len());
        for id in &small[..n.min(3)] {
            prop_assert!(expect.contains(id));
        }
    }

    #[test]
    fn box_equals_brute_force((w, (ax, az), (bx, bz)) in world().prop_flat_map(|w| { let a = query_point(&w); let b = query_point(&w); (Just(w), a, b) })) {
        let g = build(&w);
        let (x0, x1, z0, z1) = (ax.min(bx), ax.max(bx), az.min(bz), az.max(bz));
        let expect: Vec<u64> = w.entities.iter().filter(|(_, &(x, z, _))| x0 <= x && x <= x1 && z0 <= z && z <= z1).map(|(&id, _)| id).collect();
        let mut got = Vec::new();
        g.for_each_in_box(x0, z0, x1, z1, |e| got.push(e.id)).unwrap();
        prop_assert_eq!(sorted(got), expect.clone());
        let mut out = vec![0u64; expect.len() + 2];
        prop_assert_eq!(g.query_box(x0, z0, x1, z1, &mut out).unwrap(), expect.len());
    }

    #[test]
    fn nearest_equals_brute_force((w, (qx, qz), max_dist) in world_and_query(), k in 0usize..12, unlimited in any::<bool>()) {
        let g = build(&w);
        let max_dist = if unlimited { f32::INFINITY } else { max_dist };
        let mut all: Vec<(f64, u64)> = w.entities.iter().map(|(&id, &(x, z, _))| (brute_dist_sq(x, z, qx, qz), id))
            .filter(|&(d, _)| d <= f64::from(max_dist) * f64::from(max_dist)).collect();
        all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        all.truncate(k);
        let mut out = vec![Hit::default(); k];
        let n = g.nearest(qx, qz, max_dist, &mut out).unwrap();
        let got: Vec<(f64, u64)> = out[..n].iter().map(|h| (h.dist_sq, h.id)).collect();
        prop_assert_eq!(got, all);
    }

    #[test]
    fn pairs_each_once_and_equal_brute_force((w, _, r) in world_and_query()) {
        let g = build(&w);
        let list: Vec<(u64, f32, f32)> = w.entities.iter().map(|(&id, &(x, z, _))| (id, x, z)).collect();
        let mut expect = BTreeSet::new();
        for i in 0..list.len() {
            for j in i + 1..list.len() {
                if brute_within(list[i].1, list[i].2, list[j].1, list[j].2, r) {
                    expect.insert(IdPair { a: list[i].0.min(list[j].0), b: list[i].0.max(list[j].0) });
                }
            }
        }
        let mut got = Vec::new();
        g.for_each_pair_within(r, |p| got.push(p)).unwrap();
        let unique: BTreeSet<IdPair> = got.iter().copied().collect();
        prop_assert_eq!(unique.len(), got.len(), "a pair was reported twice");
        prop_assert!(got.iter().all(|p| p.a < p.b));
        prop_assert_eq!(unique, expect.clone());
        let mut buf = vec![IdPair::default(); expect.len() / 2];
        prop_assert_eq!(g.pairs_within(r, &mut buf).unwrap(), expect.len());
    }

    #[test]
    fn entity_radius_query_equals_brute_force(w in world(), pick in any::<proptest::sample::Index>()) {
        prop_assume!(!w.entities.is_empty());
        let g = build(&w);
        let (&id, &(x, z, r)) = w.entities.iter().nth(pick.index(w.entities.len())).unwrap();
        let expect: Vec<u64> = w.entities.iter().filter(|(&o, &(ox, oz, _))| o != id && brute_within(ox, oz, x, z, r)).map(|(&o, _)| o).collect();
        let mut out = vec![0u64; w.entities.len()];
        let n = g.query_entity(id, &mut out).unwrap();
        prop_assert_eq!(sorted(out[..n].to_vec()), expect);
    }
}

#[derive(Debug, Clone)]
enum Op {
    Move(usize, f32, f32),
    Insert(u64, f32, f32, f32),
    Remove(usize),
    Radius(usize, f32),
    Batch(Vec<(usize, f32, f32)>),
}

fn ops(w: &World) -> impl Strategy<Value = Vec<Vec<Op>>> {
    let (lo, hi, cell) = (w.min, w.max, w.cell);
    let p = move || (coord(lo.0, hi.0, cell), coord(lo.1, hi.1, cell));
    let op = prop_oneof![
        6 => (any::<usize>(), p()).prop_map(|(i, (x, z))| Op::Move(i, x, z)),
        1 => (5_000u64..5_100, p(), prop_oneof![Just(0.0f32), 0.0f32..15.0]).prop_map(|(id, (x, z), r)| Op::Insert(id, x, z, r)),
        1 => any::<usize>().prop_map(Op::Remove),
        1 => (any::<usize>(), prop_oneof![Just(0.0f32), 0.0f32..15.0, Just(cell)]).prop_map(|(i, r)| Op::Radius(i, r)),
        2 => proptest::collection::vec((any::<usize>(), p()), 0..20).prop_map(|v| Op::Batch(v.into_iter().map(|(i, (x, z))| (i, x, z)).collect())),
    ];
    proptest::collection::vec(proptest::collection::vec(op, 0..12), 1..6)
}

/// Brute-force views: observer → sorted targets.
fn brute_views(model: &BTreeMap<u64, (f32, f32, f32)>) -> BTreeMap<u64, BTreeSet<u64>> {
    let mut views = BTreeMap::new();
    for (&o, &(ox, oz, r)) in model {
        if r > 0.0 {
            let seen: BTreeSet<u64> = model.iter().filter(|(&t, &(tx, tz, _))| t != o && brute_within(tx, tz, ox, oz, r)).map(|(&t, _)| t).collect();
            views.insert(o, seen);
        }
    }
    views
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn aoi_events_equal_brute_force_set_differences((w, frames) in world().prop_flat_map(|w| { let o = ops(&w); (Just(w), o) })) {
        let mut g = build(&w);
        let mut model = w.entities.clone();
        let mut before: BTreeMap<u64, BTreeSet<u64>> = BTreeMap::new();
        for frame in frames {
            for op in frame {
                let keys: Vec<u64> = model.keys().copied().collect();
                let nth = |i: usize| keys.get(i % keys.len().max(1)).copied();
                match op {
                    Op::Move(i, x, z) => if let Some(id) = nth(i) {
                        g.move_to(id, x, z).unwrap();
                        let e = model.get_mut(&id).unwrap();
                        (e.0, e.1) = (x, z);
                    },
                    Op::Insert(id, x, z, r) => {
                        let res = g.insert(id, x, z, r);
                        match model.entry(id) {
                            std::collections::btree_map::Entry::Occupied(_) => {
                                prop_assert_eq!(res, Err(SpatialError::DuplicateId(id)));
                            }
                            std::collections::btree_map::Entry::Vacant(slot) => {
                                res.unwrap();
                                slot.insert((x, z, r));
                            }
                        }
                    }
                    Op::Remove(i) => if let Some(id) = nth(i) {
                        g.remove(id).unwrap();
                        model.remove(&id);
                        prop_assert_eq!(g.remove(id), Err(SpatialError::UnknownId(id)));
                    },
                    Op::Radius(i, r) => if let Some(id) = nth(i) {
                        g.set_radius(id, r).unwrap();
                        model.get_mut(&id).unwrap().2 = r;
                    },
                    Op::Batch(moves) => if !keys.is_empty() {
                        let ids: Vec<u64> = moves.iter().map(|m| nth(m.0).unwrap()).collect();
                        let pos: Vec<[f32; 3]> = moves.iter().map(|m| [m.1, 99.0, m.2]).collect();
                        g.move_batch(&ids, &pos).unwrap();
                        for (id, p) in ids.iter().zip(&pos) {
                            let e = model.get_mut(id).unwrap();
                            (e.0, e.1) = (p[0], p[2]);
                        }
                    },
                }
            }
            let now = brute_views(&model);
            let mut enter = BTreeSet::new();
            let mut leave = BTreeSet::new();
            let empty = BTreeSet::new();
            for (&o, seen) in &now {
                let old = if let Some(v) = before.get(&o) { v } else { &empty };
                enter.extend(seen.difference(old).map(|&t| IdPair { a: o, b: t }));
                leave.extend(old.difference(seen).map(|&t| IdPair { a: o, b: t }));
            }
            // Observers that stopped observing (radius 0) lose their whole view;
            // removed observers are dropped silently.
            for (&o, old) in &before {
                if !now.contains_key(&o) && model.contains_key(&o) {
                    leave.extend(old.iter().map(|&t| IdPair { a: o, b: t }));
                }
            }
            let ev = g.aoi_update();
            let got_enter: Vec<IdPair> = ev.enter.to_vec();
            let got_leave: Vec<IdPair> = ev.leave.to_vec();
            prop_assert_eq!(got_enter.iter().copied().collect::<HashSet<_>>().len(), got_enter.len());
            prop_assert_eq!(got_enter.into_iter().collect::<BTreeSet<_>>(), enter);
            prop_assert_eq!(got_leave.into_iter().collect::<BTreeSet<_>>(), leave);
            for (&o, seen) in &now {
                prop_assert_eq!(g.aoi_view(o).unwrap().to_vec(), seen.iter().copied().collect::<Vec<_>>());
            }
            // Every entity's stored position is the model's.
            for (&id, &(x, z, r)) in &model {
                prop_assert_eq!(g.position(id), Some((x, z)));
                prop_assert_eq!(g.radius(id), Some(r));
            }
            prop_assert_eq!(g.len(), model.len());
            before = now;
        }
    }
}

#[test]
fn every_border_point_at_exact_distance() {
    // Entities on every cell corner and edge midpoint; queries centred on
    // lattice points with radii that land exactly on other lattice points.
    let cell = 2.0f32;
    let mut g = Grid::new(0.0, 0.0, 20.0, 20.0, cell).unwrap();
    let mut pts = Vec::new();
    let mut id = 0;
    for i in -2..=22 {
        for j in -2..=22 {
            let (x, z) = (i as f32, j as f32);
            g.insert(id, x, z, 0.0).unwrap();
            pts.push((id, x, z));
            id += 1;
        }
    }
    for (qx, qz) in [(0.0f32, 0.0f32), (4.0, 6.0), (19.0, 3.0), (-2.0, 22.0), (10.0, 10.0)] {
        for r in [0.0f32, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 10.0] {
            let expect: BTreeSet<u64> = pts.iter().filter(|p| brute_within(p.1, p.2, qx, qz, r)).map(|p| p.0).collect();
            let got: BTreeSet<u64> = g.query_circle_vec(qx, qz, r).unwrap().into_iter().collect();
            assert_eq!(got, expect, "query ({qx}, {qz}) r {r}");
            // A 3-4-5 triangle exactly at the limit is inside.
            if r == 5.0 && (4.0..=16.0).contains(&qx) && (4.0..=16.0).contains(&qz) {
                let on_limit = pts.iter().find(|p| p.1 == qx + 3.0 && p.2 == qz + 4.0).unwrap().0;
                assert!(got.contains(&on_limit));
            }
        }
    }
    let mut count = 0usize;
    g.for_each_pair_within(2.0, |_| count += 1).unwrap();
    // 25 × 25 lattice at spacing 1: pairs at distance 1, √2 and 2.
    let n = 25usize;
    let axis1 = 2 * n * (n - 1);
    let diag = 2 * (n - 1) * (n - 1);
    let axis2 = 2 * n * (n - 2);
    assert_eq!(count, axis1 + diag + axis2);
}

#[test]
fn bad_input_is_rejected_and_changes_nothing() {
    let mut g = Grid::new(0.0, 0.0, 100.0, 100.0, 10.0).unwrap();
    g.insert(1, 1.0, 1.0, 5.0).unwrap();
    g.insert(2, 2.0, 2.0, 0.0).unwrap();
    assert_eq!(g.insert(1, 3.0, 3.0, 0.0), Err(SpatialError::DuplicateId(1)));
    assert!(matches!(g.insert(3, f32::NAN, 3.0, 0.0), Err(SpatialError::NotFinite { .. })));
    assert!(matches!(g.insert(3, 3.0, f32::INFINITY, 0.0), Err(SpatialError::NotFinite { .. })));
    assert_eq!(g.insert(3, 3.0, 3.0, -1.0), Err(SpatialError::NegativeRadius(-1.0)));
    assert_eq!(g.move_to(9, 3.0, 3.0), Err(SpatialError::UnknownId(9)));
    assert!(matches!(g.move_to(1, f32::NEG_INFINITY, 3.0), Err(SpatialError::NotFinite { .. })));
    assert_eq!(g.remove(9), Err(SpatialError::UnknownId(9)));
    // A batch with one bad element moves nothing.
    let err = g.move_batch(&[1, 2], &[[50.0, 0.0, 50.0], [f32::NAN, 0.0, 0.0]]).unwrap_err();
    assert!(matches!(err, SpatialError::NotFinite { ref what, value } if what == "positions[1].x" && value.is_nan()), "{err:?}");
    assert_eq!(g.move_batch(&[1, 7], &[[50.0, 0.0, 50.0], [1.0, 0.0, 1.0]]), Err(SpatialError::UnknownId(7)));
    assert_eq!(g.move_batch(&[1], &[[50.0, 0.0, 50.0], [1.0, 0.0, 1.0]]), Err(SpatialError::LengthMismatch { ids: 1, positions: 2 }));
    assert_eq!(g.position(1), Some((1.0, 1.0)));
    assert_eq!(g.len(), 2);
    assert!(g.query_circle_vec(0.0, 0.0, -1.0).is_err());
    assert!(g.query_circle_vec(f32::NAN, 0.0, 1.0).is_err());
    assert_eq!(g.query_box(5.0, 0.0, 1.0, 1.0, &mut []), Err(SpatialError::InvertedBox));
    assert!(g.nearest(0.0, 0.0, f32::NAN, &mut [Hit::default()]).is_err());
    assert!(g.for_each_pair_within(f32::INFINITY, |_| ()).is_err());
}
