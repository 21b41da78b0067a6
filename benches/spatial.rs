//! Spatial grid against rstar (R*-tree), flat_spatial (sparse grid) and brute
//! force, on the same inputs in the same groups.
//!
//! World: 100k entities uniform in 10 km × 10 km, 50 m cells, a random walk
//! of up to 1 m per axis per tick (positions for two alternating ticks are
//! made before timing, so no RNG runs inside `b.iter`). Brute force joins at
//! 2k entities, where it is still affordable.
//!
//! Run: `cargo bench --bench spatial`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use flat_spatial::Grid as FlatGrid;
use rstar::primitives::GeomWithData;
use rstar::RTree;
use std::hint::black_box;
use std::time::Duration;
use tessera::random::Rng;
use tessera::spatial::{Grid, Hit, IdPair};

const WORLD: f32 = 10_000.0;
const CELL: f32 = 50.0;
const R: f32 = 50.0;

type Point = GeomWithData<[f32; 2], u64>;

struct Scene {
    ids: Vec<u64>,
    /// Two ticks of the random walk, `[x, 0, z]`.
    ticks: [Vec<[f32; 3]>; 2],
    queries: Vec<[f32; 2]>,
}

fn scene(n: usize, world: f32, seed: u64) -> Scene {
    let mut rng = Rng::new(seed);
    let ids: Vec<u64> = (0..n as u64).map(|i| i * 2_654_435_761 % (1 << 40) + 1).collect();
    let a: Vec<[f32; 3]> = (0..n).map(|_| [rng.next_f32() * world, 0.0, rng.next_f32() * world]).collect();
    let b: Vec<[f32; 3]> = a
        .iter()
        .map(|p| {
            let x = (p[0] + rng.next_f32() * 2.0 - 1.0).clamp(0.0, world);
            let z = (p[2] + rng.next_f32() * 2.0 - 1.0).clamp(0.0, world);
            [x, 0.0, z]
        })
        .collect();
    let queries = (0..n).map(|_| [rng.next_f32() * world, rng.next_f32() * world]).collect();
    Scene { ids, ticks: [a, b], queries }
}

fn tessera_grid(s: &Scene, world: f32, radius: f32) -> Grid {
    let mut g = Grid::new(0.0, 0.0, world, world, CELL).unwrap();
    for (&id, p) in s.ids.iter().zip(&s.ticks[0]) {
        g.insert(id, p[0], p[2], radius).unwrap();
    }
    g
}

fn rstar_points(s: &Scene, tick: usize) -> Vec<Point> {
    s.ids.iter().zip(&s.ticks[tick]).map(|(&id, p)| Point::new([p[0], p[2]], id)).collect()
}

fn flat_grid(s: &Scene) -> (FlatGrid<u64, [f32; 2]>, Vec<flat_spatial::grid::GridHandle>) {
    let mut g = FlatGrid::new(CELL as i32);
    let handles = s.ids.iter().zip(&s.ticks[0]).map(|(&id, p)| g.insert([p[0], p[2]], id)).collect();
    (g, handles)
}

fn move_all(c: &mut Criterion, s: &Scene) {
    let mut group = c.benchmark_group("spatial_move_all_100k");
    let mut grid = tessera_grid(s, WORLD, 0.0);
    let mut tick = 0;
    group.bench_function("tessera_move_batch", |b| {
        b.iter(|| {
            tick ^= 1;
            grid.move_batch(&s.ids, &s.ticks[tick]).unwrap();
        })
    });
    group.bench_function("tessera_move_each", |b| {
        b.iter(|| {
            tick ^= 1;
            for (&id, p) in s.ids.iter().zip(&s.ticks[tick]) {
                grid.move_to(id, p[0], p[2]).unwrap();
            }
        })
    });
    let (mut flat, handles) = flat_grid(s);
    group.bench_function("flat_spatial_set_position_maintain", |b| {
        b.iter(|| {
            tick ^= 1;
            for (&h, p) in handles.iter().zip(&s.ticks[tick]) {
                flat.set_position(h, [p[0], p[2]]);
            }
            flat.maintain();
        })
    });
    group.bench_function("rstar_bulk_load_rebuild", |b| {
        b.iter(|| {
            tick ^= 1;
            black_box(RTree::bulk_load(rstar_points(s, tick)));
        })
    });
    let mut tree = RTree::bulk_load(rstar_points(s, 0));
    let mut at = 0;
    group.bench_function("rstar_remove_insert", |b| {
        b.iter(|| {
            let to = at ^ 1;
            for (&id, (p, q)) in s.ids.iter().zip(s.ticks[at].iter().zip(&s.ticks[to])) {
                tree.remove(&Point::new([p[0], p[2]], id));
                tree.insert(Point::new([q[0], q[2]], id));
            }
            at = to;
        })
    });
    group.finish();
}

fn pairs(c: &mut Criterion, s: &Scene, n_label: &str, world: f32, brute: bool) {
    let mut group = c.benchmark_group(format!("spatial_pairs_within_50m_{n_label}"));
    let grid = tessera_grid(s, world, 0.0);
    let tree = RTree::bulk_load(rstar_points(s, 0));
    let (flat, _) = flat_grid(s);
    let mut expect = 0usize;
    grid.for_each_pair_within(R, |_| expect += 1).unwrap();
    println!("{n_label}: {expect} pairs within {R} m");
    group.bench_function("tessera_half_neighbour_scan", |b| {
        b.iter(|| {
            let mut n = 0usize;
            grid.for_each_pair_within(black_box(R), |_: IdPair| n += 1).unwrap();
            n
        })
    });
    group.bench_function("rstar_locate_within_distance", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for p in tree.iter() {
                for q in tree.locate_within_distance(*p.geom(), R * R) {
                    n += (q.data > p.data) as usize;
                }
            }
            n
        })
    });
    group.bench_function("flat_spatial_query_around", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for (pos, &id) in flat.objects() {
                for (other, _) in flat.query_around(pos, R) {
                    n += flat.get(other).map_or(0, |(_, &o)| (o > id) as usize);
                }
            }
            n
        })
    });
    if brute {
        let pts: Vec<(u64, f32, f32)> = s.ids.iter().zip(&s.ticks[0]).map(|(&id, p)| (id, p[0], p[2])).collect();
        group.bench_function("brute_force", |b| {
            b.iter(|| {
                let mut n = 0usize;
                let r2 = f64::from(R) * f64::from(R);
                for i in 0..pts.len() {
                    for j in i + 1..pts.len() {
                        n += (tessera::spatial::dist_sq(pts[i].1, pts[i].2, pts[j].1, pts[j].2) <= r2) as usize;
                    }
                }
                n
            })
        });
    }
    group.finish();
}

fn circles(c: &mut Criterion, s: &Scene, n_label: &str, world: f32, brute: bool) {
    let mut group = c.benchmark_group(format!("spatial_circle_queries_{n_label}"));
    let grid = tessera_grid(s, world, 0.0);
    let tree = RTree::bulk_load(rstar_points(s, 0));
    let (flat, _) = flat_grid(s);
    let mut buf = vec![0u64; 4096];
    group.bench_function("tessera_query_circle", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for q in &s.queries {
                n += grid.query_circle(q[0], q[1], black_box(R), &mut buf).unwrap();
            }
            n
        })
    });
    group.bench_function("rstar_locate_within_distance", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for q in &s.queries {
                n += tree.locate_within_distance(*q, R * R).count();
            }
            n
        })
    });
    group.bench_function("flat_spatial_query_around", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for q in &s.queries {
                n += flat.query_around(*q, R).count();
            }
            n
        })
    });
    if brute {
        let pts: Vec<(f32, f32)> = s.ticks[0].iter().map(|p| (p[0], p[2])).collect();
        group.bench_function("brute_force", |b| {
            b.iter(|| {
                let mut n = 0usize;
                let r2 = f64::from(R) * f64::from(R);
                for q in &s.queries {
                    n += pts.iter().filter(|p| tessera::spatial::dist_sq(p.0, p.1, q[0], q[1]) <= r2).count();
                }
                n
            })
        });
    }
    group.finish();
}

fn nearest(c: &mut Criterion, s: &Scene) {
    let mut group = c.benchmark_group("spatial_nearest8_100k_queries");
    let grid = tessera_grid(s, WORLD, 0.0);
    let tree = RTree::bulk_load(rstar_points(s, 0));
    let mut out = [Hit::default(); 8];
    group.bench_function("tessera_nearest", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for q in &s.queries {
                n += grid.nearest(q[0], q[1], f32::INFINITY, &mut out).unwrap();
            }
            n
        })
    });
    group.bench_function("rstar_nearest_neighbor_iter", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for q in &s.queries {
                n += tree.nearest_neighbor_iter(*q).take(8).count();
            }
            n
        })
    });
    group.finish();
}

fn aoi(c: &mut Criterion, s: &Scene) {
    let mut group = c.benchmark_group("spatial_aoi_100k");
    let mut grid = tessera_grid(s, WORLD, R);
    grid.aoi_update();
    let mut tick = 0;
    group.bench_function(BenchmarkId::new("tessera_move_batch_and_aoi_update", "r50"), |b| {
        b.iter(|| {
            tick ^= 1;
            grid.move_batch(&s.ids, &s.ticks[tick]).unwrap();
            black_box(grid.aoi_update().enter.len())
        })
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    let big = scene(100_000, WORLD, 2024);
    move_all(c, &big);
    pairs(c, &big, "100k", WORLD, false);
    circles(c, &big, "100k", WORLD, false);
    nearest(c, &big);
    aoi(c, &big);
    // 2k entities at the same density (1000 per km²): a 1414 m square.
    let side = (2_000.0f32 / 100_000.0).sqrt() * WORLD;
    let small = scene(2_000, side, 7);
    pairs(c, &small, "2k", side, true);
    circles(c, &small, "2k", side, true);
}

criterion_group! {
    name = spatial;
    config = Criterion::default().sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    targets = benches
}
criterion_main!(spatial);
