//! tessera and Detour side by side on the Recast demo navmeshes: the same
//! polygons, the same 256 seeded point pairs per mesh, the same queries, in
//! one run (`cargo bench` in `peers/detour`). Each iteration runs all 256
//! queries; divide by 256 for per-query times.
//!
//! - `full_query`: nearest polygon for both ends + find path + straight path;
//! - `nearest_both`: nearest polygon for both ends;
//! - `raycast`: from the start point (on its polygon) towards the end point;
//! - `move_along_surface`: from the start point up to 3 units towards the end point;
//! - `distance_to_wall`: from the start point, within 8 units;
//! - `polys_around_circle`: from the start point, radius 6.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;
use tessera::navmesh::{NavMesh, NavMeshQuery, QueryFilter};
use tessera_detour_peer::{load, seeded_pairs, toward, AroundScratch, Detour, StraightScratch};

const PAIRS: usize = 256;
const EXT: [f32; 3] = [2.0, 4.0, 2.0];
const MESHES: [&str; 3] = ["dungeon", "nav_test", "undulating"];

type Pair = ([f32; 3], [f32; 3]);

struct Case {
    name: &'static str,
    mesh: Arc<NavMesh>,
    detour: Detour,
    pairs: Vec<Pair>,
}

fn cases() -> Vec<Case> {
    MESHES
        .iter()
        .map(|&name| {
            let (mesh, detour) = load(name);
            // The pairs of benches/navmesh.rs.
            let pairs = seeded_pairs(&mesh, 42, PAIRS);
            Case {
                name,
                mesh,
                detour,
                pairs,
            }
        })
        .collect()
}

fn group<'a>(
    c: &'a mut Criterion,
    name: &str,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(20)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    g.throughput(Throughput::Elements(PAIRS as u64));
    g
}

fn bench(c: &mut Criterion) {
    let cases = cases();
    let f = QueryFilter::default();
    let mut g = group(c, "navmesh_full_query");
    for case in &cases {
        let mut q = NavMeshQuery::new(case.mesh.clone(), 2048);
        let (mut path, mut straight) = (Vec::with_capacity(2048), Vec::with_capacity(4096));
        g.bench_function(BenchmarkId::new("tessera", case.name), |b| {
            b.iter(|| {
                let mut total = 0;
                for &(s, e) in black_box(&case.pairs) {
                    let (sp, s2) = q.find_nearest_poly(s, EXT, &f).unwrap();
                    let (ep, e2) = q.find_nearest_poly(e, EXT, &f).unwrap();
                    q.find_path(sp, ep, s2, e2, &f, &mut path).unwrap();
                    q.find_straight_path(s2, e2, &path, 0, &mut straight)
                        .unwrap();
                    total += straight.len();
                }
                total
            })
        });
        let d = &case.detour;
        let (mut dpath, mut dstraight, mut scratch) = (
            Vec::with_capacity(2048),
            Vec::with_capacity(4096),
            StraightScratch::default(),
        );
        g.bench_function(BenchmarkId::new("detour", case.name), |b| {
            b.iter(|| {
                let mut total = 0;
                for &(s, e) in black_box(&case.pairs) {
                    let (sr, s2) = d.nearest(s, EXT);
                    let (er, e2) = d.nearest(e, EXT);
                    d.find_path(sr, er, s2, e2, &mut dpath);
                    d.straight_path(s2, e2, &dpath, &mut dstraight, &mut scratch);
                    total += dstraight.len();
                }
                total
            })
        });
    }
    g.finish();

    let mut g = group(c, "navmesh_nearest_both");
    for case in &cases {
        let q = NavMeshQuery::new(case.mesh.clone(), 2048);
        g.bench_function(BenchmarkId::new("tessera", case.name), |b| {
            b.iter(|| {
                let mut acc = 0u32;
                for &(s, e) in black_box(&case.pairs) {
                    acc ^= q.find_nearest_poly(s, EXT, &f).unwrap().0;
                    acc ^= q.find_nearest_poly(e, EXT, &f).unwrap().0;
                }
                acc
            })
        });
        let d = &case.detour;
        g.bench_function(BenchmarkId::new("detour", case.name), |b| {
            b.iter(|| {
                let mut acc = 0u32;
                for &(s, e) in black_box(&case.pairs) {
                    acc ^= d.nearest(s, EXT).0;
                    acc ^= d.nearest(e, EXT).0;
                }
                acc
            })
        });
    }
    g.finish();

    let mut g = group(c, "navmesh_raycast");
    for case in &cases {
        let q = NavMeshQuery::new(case.mesh.clone(), 2048);
        let starts: Vec<(u32, [f32; 3], [f32; 3])> = case
            .pairs
            .iter()
            .map(|&(s, e)| {
                let (p, s2) = q.find_nearest_poly(s, EXT, &f).unwrap();
                (p, s2, e)
            })
            .collect();
        let mut visited = vec![0u32; 256];
        g.bench_function(BenchmarkId::new("tessera", case.name), |b| {
            b.iter(|| {
                let mut acc = 0.0f32;
                for &(p, s, e) in black_box(&starts) {
                    acc += q.raycast(p, s, e, &f, &mut visited).unwrap().t.min(2.0);
                }
                acc
            })
        });
        let d = &case.detour;
        let dstarts: Vec<(u32, [f32; 3], [f32; 3])> = case
            .pairs
            .iter()
            .map(|&(s, e)| {
                let (r, s2) = d.nearest(s, EXT);
                (r, s2, e)
            })
            .collect();
        let mut dvisited = vec![0u32; 256];
        g.bench_function(BenchmarkId::new("detour", case.name), |b| {
            b.iter(|| {
                let mut acc = 0.0f32;
                for &(r, s, e) in black_box(&dstarts) {
                    acc += d.raycast(r, s, e, &mut dvisited).0.min(2.0);
                }
                acc
            })
        });
    }
    g.finish();
}

/// Start polygon and point of every pair in both libraries, and a target up to 3 units away.
struct Local {
    tessera: (u32, [f32; 3]),
    detour: (u32, [f32; 3]),
    near_target: [f32; 3],
}

fn locals(case: &Case, q: &NavMeshQuery, f: &QueryFilter) -> Vec<Local> {
    case.pairs
        .iter()
        .map(|&(s, e)| {
            let tessera = q.find_nearest_poly(s, EXT, f).unwrap();
            let detour = case.detour.nearest(s, EXT);
            let s2 = tessera.1;
            let near_target = toward(s2, e, 3.0);
            Local {
                tessera,
                detour,
                near_target,
            }
        })
        .collect()
}

fn bench_local(c: &mut Criterion) {
    let cases = cases();
    let f = QueryFilter::default();
    let mut g = group(c, "navmesh_move_along_surface");
    for case in &cases {
        let mut q = NavMeshQuery::new(case.mesh.clone(), 2048);
        let ls = locals(case, &q, &f);
        let mut visited = Vec::with_capacity(256);
        g.bench_function(BenchmarkId::new("tessera", case.name), |b| {
            b.iter(|| {
                black_box(&ls)
                    .iter()
                    .map(|l| {
                        q.move_along_surface(
                            l.tessera.0,
                            l.tessera.1,
                            l.near_target,
                            &f,
                            &mut visited,
                        )
                        .unwrap()[0]
                    })
                    .sum::<f32>()
            })
        });
        let d = &case.detour;
        let mut dvisited = Vec::with_capacity(256);
        g.bench_function(BenchmarkId::new("detour", case.name), |b| {
            b.iter(|| {
                black_box(&ls)
                    .iter()
                    .map(|l| {
                        d.move_along_surface(l.detour.0, l.detour.1, l.near_target, &mut dvisited)
                            .0[0]
                    })
                    .sum::<f32>()
            })
        });
    }
    g.finish();

    let mut g = group(c, "navmesh_distance_to_wall");
    for case in &cases {
        let mut q = NavMeshQuery::new(case.mesh.clone(), 2048);
        let ls = locals(case, &q, &f);
        g.bench_function(BenchmarkId::new("tessera", case.name), |b| {
            b.iter(|| {
                black_box(&ls)
                    .iter()
                    .map(|l| {
                        q.find_distance_to_wall(l.tessera.0, l.tessera.1, 8.0, &f)
                            .unwrap()
                            .distance
                    })
                    .sum::<f32>()
            })
        });
        let d = &case.detour;
        g.bench_function(BenchmarkId::new("detour", case.name), |b| {
            b.iter(|| {
                black_box(&ls)
                    .iter()
                    .map(|l| d.distance_to_wall(l.detour.0, l.detour.1, 8.0).0)
                    .sum::<f32>()
            })
        });
    }
    g.finish();

    let mut g = group(c, "navmesh_polys_around_circle");
    for case in &cases {
        let mut q = NavMeshQuery::new(case.mesh.clone(), 2048);
        let ls = locals(case, &q, &f);
        let mut out = Vec::with_capacity(512);
        g.bench_function(BenchmarkId::new("tessera", case.name), |b| {
            b.iter(|| {
                black_box(&ls)
                    .iter()
                    .map(|l| {
                        q.find_polys_around_circle(l.tessera.0, l.tessera.1, 6.0, &f, &mut out)
                            .unwrap();
                        out.len()
                    })
                    .sum::<usize>()
            })
        });
        let d = &case.detour;
        let mut scratch = AroundScratch::default();
        g.bench_function(BenchmarkId::new("detour", case.name), |b| {
            b.iter(|| {
                black_box(&ls)
                    .iter()
                    .map(|l| d.polys_around_circle_into(l.detour.0, l.detour.1, 6.0, &mut scratch))
                    .sum::<usize>()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench, bench_local);
criterion_main!(benches);
