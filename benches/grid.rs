//! Grid pathfinding on Moving AI maps: tessera's A*, JPS and block-based JPS
//! beside the `pathfinding` crate's `astar` and `fringe` on the same grid and
//! the same moves (octile, no corner cutting).
//!
//! The peers need `Ord` costs, so they run on integer costs: 1_000_000 per
//! straight step and round(√2 · 1_000_000) per diagonal, with the matching
//! octile heuristic; their successor function reads the same bit-packed map.
//!
//! Criterion groups: `grid_den520d` runs every scenario of den520d per
//! iteration; `grid_brc202d` and `grid_32room_000` run every 8th scenario
//! (the peers need tens of seconds per full pass there). After criterion, one
//! timed pass over EVERY scenario of the three maps prints the median µs per
//! query by scenario bucket, as a Markdown table (used for
//! docs/PERFORMANCE.md). Set `GRID_BENCH_NO_TABLE=1` to skip that pass.
//!
//! Run: `cargo bench --bench grid`

use criterion::{criterion_group, Criterion, Throughput};
use pathfinding::prelude::{astar, fringe};
use smallvec::SmallVec;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tessera::grid::{Algorithm, Cell, GridMap, GridQuery, Moves, PathStyle, SearchOptions};

const STRAIGHT: u64 = 1_000_000;
const DIAGONAL: u64 = 1_414_214;

struct Scenario {
    bucket: u32,
    start: Cell,
    goal: Cell,
    optimal: f64,
}

fn load(name: &str) -> (Arc<GridMap>, Vec<Scenario>) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/movingai/grid/");
    let map = GridMap::load_movingai(format!("{dir}{name}.map")).expect("map");
    let text = std::fs::read_to_string(format!("{dir}{name}.map.scen")).expect("scen");
    let scens = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let n = |i: usize| f[i].parse::<u32>().unwrap();
            Scenario { bucket: n(0), start: Cell::new(n(4), n(5)), goal: Cell::new(n(6), n(7)), optimal: f[8].parse().unwrap() }
        })
        .collect();
    (Arc::new(map), scens)
}

type Node = (u32, u32);

fn successors(map: &GridMap, &(x, y): &Node) -> SmallVec<[(Node, u64); 8]> {
    let mut out = SmallVec::new();
    let free = |dx: i32, dy: i32| {
        let (nx, ny) = (x as i32 + dx, y as i32 + dy);
        nx >= 0 && ny >= 0 && map.is_passable(nx as u32, ny as u32)
    };
    for (dx, dy) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
        if free(dx, dy) {
            out.push((((x as i32 + dx) as u32, (y as i32 + dy) as u32), STRAIGHT));
        }
    }
    for (dx, dy) in [(1, 1), (1, -1), (-1, 1), (-1, -1)] {
        if free(dx, dy) && free(dx, 0) && free(0, dy) {
            out.push((((x as i32 + dx) as u32, (y as i32 + dy) as u32), DIAGONAL));
        }
    }
    out
}

fn octile_int(&(x, y): &Node, goal: Cell) -> u64 {
    let dx = u64::from(x.abs_diff(goal.x));
    let dy = u64::from(y.abs_diff(goal.y));
    let (lo, hi) = if dx < dy { (dx, dy) } else { (dy, dx) };
    STRAIGHT * (hi - lo) + DIAGONAL * lo
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Solver {
    Own(Algorithm),
    PfAstar,
    PfFringe,
}

impl Solver {
    const ALL: [Solver; 5] =
        [Solver::Own(Algorithm::AStar), Solver::Own(Algorithm::Jps), Solver::Own(Algorithm::JpsBlock), Solver::PfAstar, Solver::PfFringe];

    fn name(self) -> &'static str {
        match self {
            Solver::Own(Algorithm::AStar) => "tessera A*",
            Solver::Own(Algorithm::Jps) => "tessera JPS",
            Solver::Own(Algorithm::JpsBlock) => "tessera block JPS",
            Solver::PfAstar => "pathfinding astar",
            Solver::PfFringe => "pathfinding fringe",
        }
    }

    /// Solves one scenario and returns its length in cells.
    fn solve(self, map: &GridMap, q: &mut GridQuery, s: &Scenario) -> f64 {
        match self {
            Solver::Own(algorithm) => {
                let opts = SearchOptions { algorithm, moves: Moves::Octile, style: PathStyle::TurningPoints, record_expanded: false };
                q.find_path(s.start, s.goal, &opts).unwrap().length
            }
            Solver::PfAstar => {
                let goal = (s.goal.x, s.goal.y);
                let r = astar(&(s.start.x, s.start.y), |n| successors(map, n), |n| octile_int(n, s.goal), |n| *n == goal);
                r.map_or(f64::INFINITY, |(_, c)| c as f64 / STRAIGHT as f64)
            }
            Solver::PfFringe => {
                let goal = (s.goal.x, s.goal.y);
                let r = fringe(&(s.start.x, s.start.y), |n| successors(map, n), |n| octile_int(n, s.goal), |n| *n == goal);
                r.map_or(f64::INFINITY, |(_, c)| c as f64 / STRAIGHT as f64)
            }
        }
    }
}

fn group(c: &mut Criterion, name: &str, stride: usize) {
    let (map, all) = load(name);
    let scens: Vec<&Scenario> = all.iter().step_by(stride).collect();
    let mut q = GridQuery::new(Arc::clone(&map));
    // Every solver must be right before it is timed.
    for solver in Solver::ALL {
        for s in &scens {
            let len = solver.solve(&map, &mut q, s);
            assert!((len - s.optimal).abs() <= 1e-3 * s.optimal, "{name} {solver:?}: {len} vs {}", s.optimal);
        }
    }
    let mut g = c.benchmark_group(format!("grid_{name}"));
    g.throughput(Throughput::Elements(scens.len() as u64)).sample_size(10).measurement_time(Duration::from_secs(3));
    for solver in Solver::ALL {
        g.bench_function(solver.name(), |b| {
            b.iter(|| scens.iter().map(|s| solver.solve(&map, &mut q, s)).sum::<f64>())
        });
    }
    g.finish();
}

fn benches(c: &mut Criterion) {
    group(c, "den520d", 1);
    group(c, "brc202d", 8);
    group(c, "32room_000", 8);
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// One pass over every scenario, timing each query; prints medians by bucket range.
fn table() {
    println!("\n## Median µs per query by scenario bucket (every scenario, one pass)\n");
    for name in ["den520d", "brc202d", "32room_000"] {
        let (map, scens) = load(name);
        let mut q = GridQuery::new(Arc::clone(&map));
        let max_bucket = scens.iter().map(|s| s.bucket).max().unwrap_or(0);
        // Bucket ranges of 25 (lengths of 100 cells each).
        let ranges: Vec<(u32, u32)> = (0..=max_bucket / 25).map(|k| (k * 25, k * 25 + 24)).collect();
        let mut times: Vec<Vec<Vec<f64>>> = vec![vec![Vec::new(); ranges.len()]; Solver::ALL.len()];
        let mut totals = vec![0.0f64; Solver::ALL.len()];
        for (si, solver) in Solver::ALL.into_iter().enumerate() {
            for s in &scens {
                let t = Instant::now();
                let len = black_box(solver.solve(&map, &mut q, s));
                let us = t.elapsed().as_secs_f64() * 1e6;
                assert!((len - s.optimal).abs() <= 1e-3 * s.optimal);
                times[si][(s.bucket / 25) as usize].push(us);
                totals[si] += us;
            }
        }
        println!("### {name} ({} scenarios)\n", scens.len());
        let mut header = String::from("| buckets | n |");
        for s in Solver::ALL {
            header += &format!(" {} |", s.name());
        }
        println!("{header}");
        println!("|---|---|{}", "---|".repeat(Solver::ALL.len()));
        for (ri, &(lo, hi)) in ranges.iter().enumerate() {
            let n = times[0][ri].len();
            if n == 0 {
                continue;
            }
            let mut row = format!("| {lo}–{hi} | {n} |");
            for per_solver in times.iter_mut() {
                row += &format!(" {:.1} |", median(&mut per_solver[ri]));
            }
            println!("{row}");
        }
        let mut row = format!("| all | {} |", scens.len());
        for per_solver in &times {
            let mut all: Vec<f64> = per_solver.iter().flatten().copied().collect();
            row += &format!(" {:.1} |", median(&mut all));
        }
        println!("{row}");
        let jpsb = totals[2];
        println!(
            "\nTotal time ratios vs block JPS: own A* {:.1}x, JPS {:.1}x, pathfinding astar {:.1}x, pathfinding fringe {:.1}x\n",
            totals[0] / jpsb,
            totals[1] / jpsb,
            totals[3] / jpsb,
            totals[4] / jpsb
        );
    }
}

criterion_group!(grid_benches, benches);

fn main() {
    grid_benches();
    Criterion::default().configure_from_args().final_summary();
    if std::env::var_os("GRID_BENCH_NO_TABLE").is_none() {
        table();
    }
}
