//! Graph algorithms against independent oracles: Bellman–Ford for Dijkstra,
//! A* and BFS; a transitive-closure matrix for SCC ids, the condensation DAG
//! and reachability; a brute-force flood fill and grid Dijkstra for regions
//! and grid searches on small random maps.

use std::sync::Arc;
use tessera::grid::{
    path_length_checked, Algorithm, Cell, Graph, GraphError, GraphQuery, GridMap, GridQuery, Heuristic, Moves, PathStyle,
    SearchOptions,
};
use tessera::random::Rng;

/// A random directed graph as an edge list.
fn random_edges(rng: &mut Rng, n: u32, m: u32, max_w: f64) -> Vec<(u32, u32, f64)> {
    (0..m)
        .map(|_| (rng.below(u64::from(n)) as u32, rng.below(u64::from(n)) as u32, (rng.next_f64() * max_w * 100.0).round() / 100.0))
        .collect()
}

fn to_csr(n: u32, edges: &[(u32, u32, f64)]) -> (Vec<u32>, Vec<u32>, Vec<f64>) {
    let mut sorted = edges.to_vec();
    sorted.sort_by_key(|e| e.0);
    let mut offsets = vec![0u32; n as usize + 1];
    for e in &sorted {
        offsets[e.0 as usize + 1] += 1;
    }
    for i in 0..n as usize {
        offsets[i + 1] += offsets[i];
    }
    (offsets, sorted.iter().map(|e| e.1).collect(), sorted.iter().map(|e| e.2).collect())
}

fn bellman_ford(n: u32, edges: &[(u32, u32, f64)], source: u32) -> Vec<f64> {
    let mut d = vec![f64::INFINITY; n as usize];
    d[source as usize] = 0.0;
    for _ in 0..n {
        let mut changed = false;
        for &(a, b, w) in edges {
            if d[a as usize] + w < d[b as usize] {
                d[b as usize] = d[a as usize] + w;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    d
}

fn path_cost(path: &[u32], edges: &[(u32, u32, f64)]) -> f64 {
    path.windows(2)
        .map(|w| {
            edges
                .iter()
                .filter(|e| e.0 == w[0] && e.1 == w[1])
                .map(|e| e.2)
                .fold(f64::INFINITY, f64::min)
        })
        .sum()
}

#[test]
fn dijkstra_and_astar_match_bellman_ford() {
    let mut rng = Rng::new(0x5eed_0001);
    for trial in 0..60 {
        let n = 1 + rng.below(40) as u32;
        let m = rng.below(u64::from(n) * 4) as u32;
        let edges = random_edges(&mut rng, n, m, 10.0);
        let (o, t, w) = to_csr(n, &edges);
        let g = Arc::new(Graph::new(&o, &t, Some(&w), None).unwrap());
        let mut q = GraphQuery::new(Arc::clone(&g));
        let mut all = vec![0.0; n as usize];
        for s in 0..n {
            let truth = bellman_ford(n, &edges, s);
            q.distances(s, &mut all).unwrap();
            for v in 0..n {
                let d = truth[v as usize];
                assert!(all[v as usize] == d || (all[v as usize] - d).abs() < 1e-9, "trial {trial} {s}->{v}");
                let r = q.dijkstra(s, v).unwrap();
                assert_eq!(r.found, d.is_finite(), "trial {trial} {s}->{v}");
                if r.found {
                    assert!((r.cost - d).abs() < 1e-9, "trial {trial} {s}->{v}: {} vs {d}", r.cost);
                    let p = q.path().to_vec();
                    assert_eq!((p[0], *p.last().unwrap()), (s, v));
                    assert!((path_cost(&p, &edges) - d).abs() < 1e-9);
                    let a = q.astar(s, v, Heuristic::Zero, 1.0).unwrap();
                    assert!((a.cost - d).abs() < 1e-9);
                }
                // BFS equals Bellman–Ford with unit weights.
                let unit: Vec<_> = edges.iter().map(|e| (e.0, e.1, 1.0)).collect();
                let hops = bellman_ford(n, &unit, s)[v as usize];
                let b = q.bfs(s, v).unwrap();
                assert_eq!(b.found, hops.is_finite());
                if b.found {
                    assert_eq!(b.cost, hops);
                    assert_eq!(q.path().len() as f64, hops + 1.0);
                }
            }
        }
    }
}

#[test]
fn astar_with_admissible_heuristics_is_optimal_on_geometric_graphs() {
    let mut rng = Rng::new(77);
    for _ in 0..30 {
        let n = 2 + rng.below(60) as u32;
        let coords: Vec<[f64; 3]> = (0..n).map(|_| [rng.next_f64() * 100.0, rng.next_f64() * 100.0, rng.next_f64() * 10.0]).collect();
        let mut edges = Vec::new();
        for _ in 0..n * 3 {
            let (a, b) = (rng.below(u64::from(n)) as u32, rng.below(u64::from(n)) as u32);
            let (p, q) = (coords[a as usize], coords[b as usize]);
            let manhattan = (p[0] - q[0]).abs() + (p[1] - q[1]).abs() + (p[2] - q[2]).abs();
            // Weights at least the Manhattan length keep all three heuristics admissible.
            edges.push((a, b, manhattan * (1.0 + rng.next_f64())));
        }
        let (o, t, w) = to_csr(n, &edges);
        let g = Arc::new(Graph::new(&o, &t, Some(&w), Some(&coords)).unwrap());
        let mut q = GraphQuery::new(g);
        for s in 0..n.min(8) {
            let truth = bellman_ford(n, &edges, s);
            for v in 0..n {
                for h in [Heuristic::Euclidean, Heuristic::Manhattan, Heuristic::Chebyshev] {
                    let r = q.astar(s, v, h, 1.0).unwrap();
                    assert_eq!(r.found, truth[v as usize].is_finite());
                    if r.found {
                        assert!((r.cost - truth[v as usize]).abs() < 1e-6 * truth[v as usize].max(1.0), "{h:?}");
                    }
                    // A weighted heuristic still finds a path whenever one exists,
                    // of cost at most weight times optimal.
                    let wr = q.astar(s, v, h, 2.0).unwrap();
                    assert_eq!(wr.found, r.found);
                    if wr.found {
                        assert!(wr.cost <= 2.0 * truth[v as usize] + 1e-6);
                        assert!((path_cost(q.path(), &edges) - wr.cost).abs() < 1e-6);
                    }
                }
            }
        }
    }
}

/// Transitive closure by repeated BFS (every node reaches itself).
fn closure(n: u32, edges: &[(u32, u32, f64)]) -> Vec<Vec<bool>> {
    let mut r = vec![vec![false; n as usize]; n as usize];
    for (s, row) in r.iter_mut().enumerate() {
        row[s] = true;
        let mut stack = vec![s];
        while let Some(v) = stack.pop() {
            for e in edges.iter().filter(|e| e.0 as usize == v) {
                if !row[e.1 as usize] {
                    row[e.1 as usize] = true;
                    stack.push(e.1 as usize);
                }
            }
        }
    }
    r
}

#[test]
fn scc_condensation_and_reachability_match_closure() {
    let mut rng = Rng::new(2024);
    for _ in 0..200 {
        let n = 1 + rng.below(25) as u32;
        let m = rng.below(u64::from(n) * 3) as u32;
        let edges = random_edges(&mut rng, n, m, 1.0);
        let (o, t, _) = to_csr(n, &edges);
        let g = Arc::new(Graph::new(&o, &t, None, None).unwrap());
        let reach = closure(n, &edges);
        for a in 0..n {
            for b in 0..n {
                let mutual = reach[a as usize][b as usize] && reach[b as usize][a as usize];
                assert_eq!(g.scc_of(a) == g.scc_of(b), mutual, "{a} {b}");
            }
        }
        // Component count = number of distinct mutual-reachability classes.
        let classes: std::collections::BTreeSet<Vec<bool>> = (0..n as usize)
            .map(|a| (0..n as usize).map(|b| reach[a][b] && reach[b][a]).collect())
            .collect();
        assert_eq!(g.scc_count() as usize, classes.len());
        // Condensation edges: exactly the component pairs joined by an edge; ids decrease along them.
        let mut expected: std::collections::BTreeSet<(u32, u32)> = Default::default();
        for e in &edges {
            let (ca, cb) = (g.scc_of(e.0), g.scc_of(e.1));
            if ca != cb {
                expected.insert((ca, cb));
            }
        }
        let mut got = std::collections::BTreeSet::new();
        for c in 0..g.scc_count() {
            for &d in g.condensation_targets(c) {
                assert!(d < c, "condensation edge {c} -> {d} must go to a lower id");
                got.insert((c, d));
            }
        }
        assert_eq!(got, expected);
        let mut q = GraphQuery::new(Arc::clone(&g));
        for a in 0..n {
            for b in 0..n {
                assert_eq!(q.reachable(a, b).unwrap(), reach[a as usize][b as usize], "{a} -> {b}");
            }
        }
    }
}

#[test]
fn million_node_chain_and_cycle_do_not_overflow_the_stack() {
    let n = 1_000_000u32;
    // A chain 0 -> 1 -> ... -> n-1: Tarjan's DFS goes n deep.
    let offsets: Vec<u32> = (0..=n).map(|i| i.min(n - 1)).collect();
    let targets: Vec<u32> = (1..n).collect();
    let chain = Arc::new(Graph::new(&offsets, &targets, None, None).unwrap());
    assert_eq!(chain.scc_count(), n);
    let mut q = GraphQuery::new(Arc::clone(&chain));
    assert!(q.reachable(0, n - 1).unwrap());
    assert!(!q.reachable(n - 1, 0).unwrap());
    assert_eq!(q.bfs(0, n - 1).unwrap().cost, f64::from(n - 1));
    // Closing the chain into a cycle makes one component.
    let offsets: Vec<u32> = (0..=n).collect();
    let targets: Vec<u32> = (1..=n).map(|i| i % n).collect();
    let cycle = Graph::new(&offsets, &targets, None, None).unwrap();
    assert_eq!(cycle.scc_count(), 1);
    assert!(cycle.scc_ids().iter().all(|&c| c == 0));
}

#[test]
fn bad_graphs_and_queries_are_rejected() {
    assert_eq!(Graph::new(&[0], &[], None, None).unwrap_err(), GraphError::Empty);
    assert_eq!(Graph::new(&[], &[], None, None).unwrap_err(), GraphError::Empty);
    assert_eq!(Graph::new(&[0, 1], &[1], None, None).unwrap_err(), GraphError::MissingNode { edge: 0, target: 1 });
    assert_eq!(Graph::new(&[0, 2, 1], &[0, 1], None, None).unwrap_err(), GraphError::BadOffsets { index: 2 });
    assert_eq!(Graph::new(&[0, 1], &[0], Some(&[f64::NAN]), None).unwrap_err(), GraphError::NonFiniteWeight { edge: 0 });
    let g = Arc::new(Graph::new(&[0, 1, 1], &[1], Some(&[-1.0]), None).unwrap());
    let mut q = GraphQuery::new(g);
    assert!(matches!(q.dijkstra(0, 1), Err(GraphError::NegativeWeight { edge: 0, .. })));
    assert!(q.bfs(0, 1).unwrap().found, "BFS ignores weights");
    assert!(matches!(q.bfs(0, 2), Err(GraphError::NodeOutOfRange { .. })));
    let g = Arc::new(Graph::new(&[0, 1, 1], &[1], None, None).unwrap());
    let mut q = GraphQuery::new(g);
    assert_eq!(q.astar(0, 1, Heuristic::Euclidean, 1.0).unwrap_err(), GraphError::NoCoordinates);
    assert!(!q.dijkstra(1, 0).unwrap().found);
    assert!(q.path().is_empty());
}

/// Small random maps: grid searches against a plain Dijkstra over cells
/// written here, and regions against reachability.
fn cell_dijkstra(map: &GridMap, s: Cell, moves: Moves) -> Vec<f64> {
    let (w, h) = (map.width() as i64, map.height() as i64);
    let free = |x: i64, y: i64| x >= 0 && y >= 0 && x < w && y < h && map.is_passable(x as u32, y as u32);
    let mut d = vec![f64::INFINITY; (w * h) as usize];
    let mut done = vec![false; (w * h) as usize];
    d[(i64::from(s.y) * w + i64::from(s.x)) as usize] = 0.0;
    while let Some(u) = (0..d.len()).filter(|&i| !done[i] && d[i].is_finite()).min_by(|&a, &b| d[a].total_cmp(&d[b])) {
        done[u] = true;
        let (x, y) = (u as i64 % w, u as i64 / w);
        for dy in -1..=1i64 {
            for dx in -1..=1i64 {
                if (dx, dy) == (0, 0) || (moves == Moves::Cardinal && dx != 0 && dy != 0) {
                    continue;
                }
                let (nx, ny) = (x + dx, y + dy);
                if !free(nx, ny) || (dx != 0 && dy != 0 && !(free(nx, y) && free(x, ny))) {
                    continue;
                }
                let c = if dx != 0 && dy != 0 { std::f64::consts::SQRT_2 } else { 1.0 };
                let v = (ny * w + nx) as usize;
                if d[u] + c < d[v] {
                    d[v] = d[u] + c;
                }
            }
        }
    }
    d
}

#[test]
fn grid_searches_match_cell_dijkstra_on_random_maps() {
    let mut rng = Rng::new(99);
    for trial in 0..40 {
        let (w, h) = (1 + rng.below(70) as u32, 1 + rng.below(20) as u32);
        let density = rng.next_f64() * 0.45;
        let cells: Vec<u8> = (0..w * h).map(|_| u8::from(rng.next_f64() < density)).collect();
        let map = Arc::new(GridMap::from_bytes(w, h, &cells).unwrap());
        let mut q = GridQuery::new(Arc::clone(&map));
        let free: Vec<Cell> = (0..h).flat_map(|y| (0..w).map(move |x| Cell::new(x, y))).filter(|c| map.is_passable(c.x, c.y)).collect();
        if free.is_empty() {
            continue;
        }
        for _ in 0..6 {
            let s = free[rng.below(free.len() as u64) as usize];
            let oct = cell_dijkstra(&map, s, Moves::Octile);
            let card = cell_dijkstra(&map, s, Moves::Cardinal);
            for &g in &free {
                let truth = oct[(g.y * w + g.x) as usize];
                // Regions agree with reachability (both move sets connect the same cells).
                assert_eq!(map.region(s.x, s.y) == map.region(g.x, g.y), truth.is_finite());
                assert_eq!(card[(g.y * w + g.x) as usize].is_finite(), truth.is_finite());
                for algorithm in [Algorithm::AStar, Algorithm::Jps, Algorithm::JpsBlock] {
                    for style in [PathStyle::TurningPoints, PathStyle::EveryCell] {
                        let opts = SearchOptions { algorithm, moves: Moves::Octile, style, record_expanded: true };
                        let r = q.find_path(s, g, &opts).unwrap();
                        assert_eq!(r.found, truth.is_finite(), "trial {trial} {algorithm:?} {s:?}->{g:?}");
                        if r.found {
                            assert!((r.length - truth).abs() < 1e-9, "trial {trial} {algorithm:?} {s:?}->{g:?}: {} vs {truth}", r.length);
                            let walked = path_length_checked(&map, q.path(), Moves::Octile).unwrap();
                            assert!((walked - truth).abs() < 1e-9);
                            assert_eq!(q.expanded().len(), r.expanded as usize);
                        }
                    }
                }
                let opts = SearchOptions { algorithm: Algorithm::AStar, moves: Moves::Cardinal, style: PathStyle::EveryCell, record_expanded: false };
                let r = q.find_path(s, g, &opts).unwrap();
                let ct = card[(g.y * w + g.x) as usize];
                assert_eq!(r.found, ct.is_finite());
                if r.found {
                    assert_eq!(r.length, ct);
                    assert_eq!(path_length_checked(&map, q.path(), Moves::Cardinal).unwrap(), ct);
                    assert_eq!(q.path().len() as f64, ct + 1.0);
                }
            }
        }
    }
}
