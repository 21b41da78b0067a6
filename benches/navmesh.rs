//! Navmesh benchmarks on the shipped Recast meshes, the same seeded query
//! pairs for every measurement:
//! - `full_query`: nearest polygon for both ends + find_path + find_straight_path
//!   (the Detour reference: 4.4 / 4.3 / 6.3 µs per query on this machine class);
//! - `nearest_both`: nearest polygon for both ends (Detour 0.9 / 1.0 / 2.8 µs);
//! - `raycast`: from the start point towards the end point (Detour 0.15 / 0.14 / 0.34 µs);
//! - `optimal`: tessera's Polyanya mode beside the `polyanya` crate (undulating and a
//!   generated grid, the meshes without overlapping floors, which the crate's 2D point
//!   location needs);
//! - `scaling`: full queries on generated grids of growing size.
//!
//! Each iteration runs a batch of `PAIRS` queries; divide by `PAIRS` for per-query times
//! (criterion also prints the throughput).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;
use tessera::navmesh::{MeshInput, NavMesh, NavMeshQuery, QueryFilter, StraightPoint};
use tessera::random::Rng;

const PAIRS: usize = 256;
const EXT: [f32; 3] = [2.0, 4.0, 2.0];

type Pair = ([f32; 3], [f32; 3]);

fn load(name: &str) -> Arc<NavMesh> {
    let text = std::fs::read_to_string(format!("{}/data/navmesh/{name}.navmesh.obj", env!("CARGO_MANIFEST_DIR"))).unwrap();
    Arc::new(NavMesh::from_obj(&text).unwrap())
}

/// Seeded random points on the mesh (area-weighted), as start/end pairs.
fn pairs(mesh: &Arc<NavMesh>, seed: u64) -> Vec<Pair> {
    let q = NavMeshQuery::new(mesh.clone(), 16);
    let f = QueryFilter::default();
    let mut rng = Rng::new(seed);
    (0..PAIRS).map(|_| (q.find_random_point(&f, &mut rng).unwrap().1, q.find_random_point(&f, &mut rng).unwrap().1)).collect()
}

/// A w x h grid of unit quads with ~20% of cells blocked (pinch-free), Y = 0.
fn grid(w: u32, h: u32, seed: u64) -> Arc<NavMesh> {
    let mut rng = Rng::new(seed);
    let mut free: Vec<bool> = (0..w * h).map(|_| rng.next_f32() > 0.2).collect();
    let at = |x: u32, z: u32| (z * w + x) as usize;
    for z in 0..h - 1 {
        for x in 0..w - 1 {
            let (a, b, c, d) = (free[at(x, z)], free[at(x + 1, z)], free[at(x, z + 1)], free[at(x + 1, z + 1)]);
            if a == d && b == c && a != b {
                free[at(x, z)] = true;
                free[at(x + 1, z)] = true;
            }
        }
    }
    let verts: Vec<[f32; 3]> = (0..=h).flat_map(|z| (0..=w).map(move |x| [x as f32, 0.0, z as f32])).collect();
    let vid = |x: u32, z: u32| z * (w + 1) + x;
    let mut idx = Vec::new();
    for z in 0..h {
        for x in 0..w {
            if free[at(x, z)] {
                idx.extend([vid(x, z), vid(x, z + 1), vid(x + 1, z + 1), vid(x + 1, z)]);
            }
        }
    }
    let sizes = vec![4u32; idx.len() / 4];
    Arc::new(NavMesh::build(&MeshInput { vertices: &verts, indices: &idx, poly_sizes: &sizes, ..MeshInput::default() }).unwrap())
}

/// The same mesh for the `polyanya` crate: fan triangles, (x, -z) so polygons are counter-clockwise.
fn polyanya_mesh(mesh: &NavMesh) -> polyanya::Mesh {
    // Only vertices used by some polygon (the crate rejects isolated vertices).
    let mut remap = vec![usize::MAX; mesh.vertices().len()];
    let mut vertices = Vec::new();
    let mut triangles = Vec::new();
    for p in 0..mesh.poly_count() {
        let idx: Vec<usize> = mesh
            .poly_indices(p)
            .iter()
            .map(|&i| {
                if remap[i as usize] == usize::MAX {
                    let v = mesh.vertices()[i as usize];
                    remap[i as usize] = vertices.len();
                    vertices.push(glam::Vec2::new(v[0], -v[2]));
                }
                remap[i as usize]
            })
            .collect();
        for k in 1..idx.len() - 1 {
            triangles.push([idx[0], idx[k], idx[k + 1]]);
        }
    }
    let mut m = polyanya::Mesh::try_from(polyanya::Trimesh { vertices, triangles }).unwrap();
    m.merge_polygons();
    m.bake();
    m
}

fn full_query(q: &mut NavMeshQuery, pairs: &[Pair], path: &mut Vec<u32>, straight: &mut Vec<StraightPoint>) -> usize {
    let f = QueryFilter::default();
    let mut total = 0;
    for &(s, e) in pairs {
        let (sp, s2) = q.find_nearest_poly(s, EXT, &f).unwrap();
        let (ep, e2) = q.find_nearest_poly(e, EXT, &f).unwrap();
        q.find_path(sp, ep, s2, e2, &f, path).unwrap();
        q.find_straight_path(s2, e2, path, 0, straight).unwrap();
        total += straight.len();
    }
    total
}

fn config(c: &mut Criterion) -> &mut Criterion {
    c
}

fn bench(c: &mut Criterion) {
    let meshes: Vec<(&str, Arc<NavMesh>)> = ["dungeon", "nav_test", "undulating"].iter().map(|n| (*n, load(n))).collect();
    let f = QueryFilter::default();
    {
        let mut g = config(c).benchmark_group("navmesh_full_query");
        g.sample_size(20).measurement_time(Duration::from_secs(2)).warm_up_time(Duration::from_millis(500));
        g.throughput(Throughput::Elements(PAIRS as u64));
        for (name, mesh) in &meshes {
            let ps = pairs(mesh, 42);
            let mut q = NavMeshQuery::new(mesh.clone(), 2048);
            let (mut path, mut straight) = (Vec::with_capacity(2048), Vec::with_capacity(4096));
            g.bench_function(BenchmarkId::new("tessera", name), |b| b.iter(|| full_query(&mut q, black_box(&ps), &mut path, &mut straight)));
        }
        g.finish();
    }
    {
        let mut g = c.benchmark_group("navmesh_nearest_both");
        g.sample_size(20).measurement_time(Duration::from_secs(2)).warm_up_time(Duration::from_millis(500));
        g.throughput(Throughput::Elements(PAIRS as u64));
        for (name, mesh) in &meshes {
            let ps = pairs(mesh, 42);
            let q = NavMeshQuery::new(mesh.clone(), 2048);
            g.bench_function(BenchmarkId::new("tessera", name), |b| {
                b.iter(|| {
                    let mut acc = 0u32;
                    for &(s, e) in black_box(&ps) {
                        acc ^= q.find_nearest_poly(s, EXT, &f).unwrap().0;
                        acc ^= q.find_nearest_poly(e, EXT, &f).unwrap().0;
                    }
                    acc
                })
            });
        }
        g.finish();
    }
    {
        let mut g = c.benchmark_group("navmesh_raycast");
        g.sample_size(20).measurement_time(Duration::from_secs(2)).warm_up_time(Duration::from_millis(500));
        g.throughput(Throughput::Elements(PAIRS as u64));
        for (name, mesh) in &meshes {
            let q = NavMeshQuery::new(mesh.clone(), 2048);
            let starts: Vec<(u32, [f32; 3], [f32; 3])> =
                pairs(mesh, 42).iter().map(|&(s, e)| { let (p, s2) = q.find_nearest_poly(s, EXT, &f).unwrap(); (p, s2, e) }).collect();
            let mut visited = vec![0u32; 256];
            g.bench_function(BenchmarkId::new("tessera", name), |b| {
                b.iter(|| {
                    let mut acc = 0.0f32;
                    for &(p, s, e) in black_box(&starts) {
                        acc += q.raycast(p, s, e, &f, &mut visited).unwrap().t.min(2.0);
                    }
                    acc
                })
            });
        }
        g.finish();
    }
    {
        let mut g = c.benchmark_group("navmesh_optimal");
        g.sample_size(10).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_millis(500));
        g.throughput(Throughput::Elements(PAIRS as u64));
        let big = grid(100, 100, 7);
        for (name, mesh) in [("undulating", meshes[2].1.clone()), ("grid100", big)] {
            let mut q = NavMeshQuery::new(mesh.clone(), 4096);
            let ps: Vec<(u32, [f32; 3], u32, [f32; 3])> = pairs(&mesh, 42)
                .iter()
                .map(|&(s, e)| {
                    let (sp, s2) = q.find_nearest_poly(s, EXT, &f).unwrap();
                    let (ep, e2) = q.find_nearest_poly(e, EXT, &f).unwrap();
                    (sp, s2, ep, e2)
                })
                .collect();
            let mut out = Vec::with_capacity(1024);
            g.bench_function(BenchmarkId::new("tessera", name), |b| {
                b.iter(|| {
                    let mut acc = 0.0f32;
                    for &(sp, s, ep, e) in black_box(&ps) {
                        acc += q.find_optimal_path(sp, ep, s, e, &f, &mut out).unwrap().0.unwrap_or(0.0);
                    }
                    acc
                })
            });
            let pm = polyanya_mesh(&mesh);
            let pps: Vec<(glam::Vec2, glam::Vec2)> =
                ps.iter().map(|&(_, s, _, e)| (glam::Vec2::new(s[0], -s[2]), glam::Vec2::new(e[0], -e[2]))).collect();
            g.bench_function(BenchmarkId::new("polyanya_crate", name), |b| {
                b.iter(|| {
                    let mut acc = 0.0f32;
                    for &(s, e) in black_box(&pps) {
                        acc += pm.path(s, e).map_or(0.0, |p| p.length);
                    }
                    acc
                })
            });
        }
        g.finish();
    }
    {
        let mut g = c.benchmark_group("navmesh_scaling_full_query");
        g.sample_size(10).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_millis(500));
        g.throughput(Throughput::Elements(PAIRS as u64));
        for side in [32u32, 100, 316] {
            let mesh = grid(side, side, 11);
            let ps = pairs(&mesh, 42);
            let mut q = NavMeshQuery::new(mesh.clone(), 1 << 17);
            let (mut path, mut straight) = (Vec::with_capacity(1 << 17), Vec::with_capacity(1 << 18));
            let id = format!("grid{side}_{}polys", mesh.poly_count());
            g.bench_function(BenchmarkId::new("tessera", id), |b| b.iter(|| full_query(&mut q, black_box(&ps), &mut path, &mut straight)));
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
