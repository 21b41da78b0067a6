//! Every scenario of the three Moving AI voxel maps: a path is found, every
//! segment of the smoothed path is collision-free on the raw voxel grid (an
//! independent supercover check), and the length ratio to the published
//! 26-connected optimum is measured, with the default (octile) and the
//! Euclidean heuristic.

mod svo_support;

use std::sync::Arc;
use svo_support::{center, data_path, read_scenarios, Grid};
use tessera::svo::{Heuristic, PathOptions, Svo, SvoQuery};

struct Stats {
    mean: f64,
    max: f64,
    worst: usize,
}

fn run_map(name: &str, opts: PathOptions) -> Stats {
    let text = std::fs::read_to_string(data_path(&format!("{name}.3dmap"))).unwrap();
    let grid = Grid::from_3dmap(&text);
    let svo = Arc::new(Svo::from_3dmap(&text).unwrap());
    assert_eq!(svo.dims().map(i64::from), grid.dims);
    let scen = read_scenarios(&std::fs::read_to_string(data_path(&format!("{name}.3dmap.3dscen"))).unwrap());
    assert_eq!(scen.len(), 10_000);
    let threads = 2;
    let chunk = scen.len().div_ceil(threads);
    let results: Vec<(usize, f64)> = std::thread::scope(|s| {
        let handles: Vec<_> = scen
            .chunks(chunk)
            .enumerate()
            .map(|(c, part)| {
                let svo = svo.clone();
                let grid = &grid;
                s.spawn(move || {
                    let mut q = SvoQuery::new(svo, 1 << 20);
                    let mut pts = Vec::new();
                    let mut out = Vec::new();
                    for (k, sc) in part.iter().enumerate() {
                        let i = c * chunk + k;
                        // Every published scenario has a path (its optimal length is finite).
                        let info = q.find_path(center(sc.start), center(sc.goal), &opts, &mut pts).unwrap();
                        assert!(info.found && !info.partial, "{name} #{i}: no path");
                        assert_eq!(pts[0], center(sc.start));
                        assert_eq!(*pts.last().unwrap(), center(sc.goal));
                        let mut len = 0.0;
                        for s in pts.windows(2) {
                            let a = s[0].map(f64::from);
                            let b = s[1].map(f64::from);
                            if let Some(v) = grid.segment_hits(a, b) {
                                panic!("{name} #{i}: segment {a:?} -> {b:?} touches blocked voxel {v:?}");
                            }
                            len += ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt();
                        }
                        assert!((len - info.length as f64).abs() <= 1e-3 * len.max(1.0), "{name} #{i}: reported length");
                        // No path is shorter than the straight line.
                        let (a, b) = (center(sc.start), center(sc.goal));
                        let straight = ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt() as f64;
                        assert!(len >= straight - 1e-3, "{name} #{i}: shorter than the straight line");
                        out.push((i, len / sc.optimal));
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let mean = results.iter().map(|r| r.1).sum::<f64>() / results.len() as f64;
    let (worst, max) = results.iter().fold((0, 0.0), |b, r| if r.1 > b.1 { *r } else { b });
    let min = results.iter().map(|r| r.1).fold(f64::INFINITY, f64::min);
    println!("{name} ({:?}): {} scenarios, length / optimal: mean {mean:.4}, max {max:.4} (#{worst}), min {min:.4}", opts.heuristic, results.len());
    Stats { mean, max, worst }
}

/// Runs every scenario of `name` with the default options and with the
/// Euclidean heuristic; both must meet the quality goals.
fn check_map(name: &str) {
    for heuristic in [Heuristic::Octile, Heuristic::Euclidean] {
        let s = run_map(name, PathOptions { heuristic, ..PathOptions::default() });
        assert!(s.mean <= 1.02 && s.max <= 1.10, "{name} ({heuristic:?}): mean {} max {} (#{})", s.mean, s.max, s.worst);
    }
}

#[test]
fn simple_all_scenarios() {
    check_map("Simple");
}

#[test]
fn a1_all_scenarios() {
    check_map("A1");
}

#[test]
fn da1_all_scenarios() {
    check_map("DA1");
}
