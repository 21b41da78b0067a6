//! Sparse voxel octree queries vs a 26-connected A* on the raw voxel grid
//! (tests/svo_support), on the same Moving AI maps and scenarios.
//!
//! Besides the criterion groups (a few long-path scenarios per map, both
//! peers side by side), a timing pass prints median and p95 per query over
//! a subsample of each map's scenarios (every 20th for the octree; for the
//! grid peer every 10th on Simple, 50th on DA1, 200th on A1, with the
//! octree's time on the same queries, in quintiles of optimal length), and
//! the 4096³ floor world's memory and build time.

#[path = "../tests/svo_support/mod.rs"]
mod svo_support;

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};
use svo_support::{center, data_path, read_scenarios, Grid, Scenario};
use tessera::svo::{MeshParams, PathOptions, Svo, SvoQuery};

struct Map {
    name: &'static str,
    grid: Grid,
    svo: Arc<Svo>,
    scen: Vec<Scenario>,
}

fn load(name: &'static str) -> Map {
    let text = std::fs::read_to_string(data_path(&format!("{name}.3dmap"))).unwrap();
    let t0 = Instant::now();
    let svo = Arc::new(Svo::from_3dmap(&text).unwrap());
    println!("{name}: build {:?}, node memory {} bytes, per layer {:?}", t0.elapsed(), svo.memory_bytes(), svo.memory_per_layer());
    let scen = read_scenarios(&std::fs::read_to_string(data_path(&format!("{name}.3dmap.3dscen"))).unwrap());
    Map { name, grid: Grid::from_3dmap(&text), svo, scen }
}

fn quantile(v: &mut [Duration], q: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * q).round() as usize]
}

fn svo_time(q: &mut SvoQuery, s: &Scenario, pts: &mut Vec<[f32; 3]>) -> Duration {
    let t = Instant::now();
    let info = q.find_path(center(s.start), center(s.goal), &PathOptions::default(), pts).unwrap();
    let e = t.elapsed();
    assert!(info.found);
    e
}

fn timing_pass(m: &Map) {
    let mut q = SvoQuery::new(m.svo.clone(), 1 << 20);
    let mut pts = Vec::new();
    let mut all: Vec<Duration> = m.scen.iter().step_by(20).map(|s| svo_time(&mut q, s, &mut pts)).collect();
    let n = all.len();
    println!("{}: octree over {n} scenarios (every 20th): median {:?}, p95 {:?}", m.name, quantile(&mut all, 0.5), quantile(&mut all, 0.95));
    // Paired with the grid peer on an evenly spread subsample (as many as the
    // grid peer can run in reasonable time), bucketed into quintiles of the
    // published optimal length; the top quintile is the long-path bucket.
    let stride = paired_stride(m.name);
    let mut rows = Vec::new();
    for s in m.scen.iter().step_by(stride) {
        let a = svo_time(&mut q, s, &mut pts);
        let t = Instant::now();
        let (len, _) = m.grid.astar(s.start, s.goal).unwrap();
        let b = t.elapsed();
        assert!((len - s.optimal).abs() < 1e-4 * s.optimal.max(1.0));
        rows.push((s.optimal, a, b));
    }
    rows.sort_by(|x, y| x.0.total_cmp(&y.0));
    const BUCKETS: usize = 5;
    for k in 0..BUCKETS {
        let part = &rows[k * rows.len() / BUCKETS..(k + 1) * rows.len() / BUCKETS];
        let mut a: Vec<Duration> = part.iter().map(|r| r.1).collect();
        let mut b: Vec<Duration> = part.iter().map(|r| r.2).collect();
        let (ma, mb) = (quantile(&mut a, 0.5), quantile(&mut b, 0.5));
        let (pa, pb) = (quantile(&mut a, 0.95), quantile(&mut b, 0.95));
        println!(
            "{}: length quintile {} of {BUCKETS} ({} scenarios, every {stride}th, optimal {:.0}..{:.0}): octree median {ma:?} p95 {pa:?}; grid A* median {mb:?} p95 {pb:?}; median ratio {:.1}x",
            m.name,
            k + 1,
            part.len(),
            part[0].0,
            part[part.len() - 1].0,
            mb.as_secs_f64() / ma.as_secs_f64()
        );
    }
}

/// Every how many scenarios the grid peer is timed: the grid A* takes up to
/// tens of seconds per long query on A1, about a millisecond on Simple.
fn paired_stride(map: &str) -> usize {
    match map {
        "Simple" => 10,
        "DA1" => 50,
        _ => 200,
    }
}

fn floor_world() {
    let p = MeshParams { bounds_min: [0.0; 3], bounds_max: [4096.0; 3], voxel_size: 1.0, agent_radius: 0.0 };
    let t = Instant::now();
    let svo = Svo::from_callback(&p, |lo, _| lo[1] < 1.0).unwrap();
    println!(
        "4096^3 floor world: build {:?}, node memory {} bytes ({:.2} MiB), per layer {:?}",
        t.elapsed(),
        svo.memory_bytes(),
        svo.memory_bytes() as f64 / (1 << 20) as f64,
        svo.memory_per_layer()
    );
}

fn benches(c: &mut Criterion) {
    floor_world();
    // TESS_SVO_MAPS=Simple,DA1 restricts the maps (all three by default).
    let only = std::env::var("TESS_SVO_MAPS").unwrap_or_default();
    for name in ["Simple", "A1", "DA1"].into_iter().filter(|n| only.is_empty() || only.split(',').any(|o| o == *n)) {
        let m = load(name);
        timing_pass(&m);
        // Long-path bucket: three scenarios at the 90th..95th percentile of optimal length.
        let mut by_len: Vec<&Scenario> = m.scen.iter().collect();
        by_len.sort_by(|a, b| a.optimal.total_cmp(&b.optimal));
        let long: Vec<Scenario> = [0.90, 0.925, 0.95].iter().map(|q| *by_len[(q * (by_len.len() - 1) as f64) as usize]).collect();
        let mut g = c.benchmark_group(format!("svo_long_paths/{name}"));
        g.sample_size(10).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_millis(500));
        let mut q = SvoQuery::new(m.svo.clone(), 1 << 20);
        let mut pts = Vec::new();
        g.bench_function("octree", |b| {
            b.iter(|| {
                for s in &long {
                    black_box(q.find_path(center(s.start), center(s.goal), &PathOptions::default(), &mut pts).unwrap());
                }
            })
        });
        g.bench_function("grid_astar_26", |b| {
            b.iter(|| {
                for s in &long {
                    black_box(m.grid.astar(s.start, s.goal));
                }
            })
        });
        g.finish();
    }
}

criterion_group!(svo, benches);
criterion_main!(svo);
