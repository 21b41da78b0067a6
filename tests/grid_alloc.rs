//! After warm-up, grid and graph queries allocate nothing: a counting global
//! allocator sees zero allocations while the same searches run again.

mod alloc_counter;

use alloc_counter::allocations;
use std::sync::Arc;
use tessera::grid::{Algorithm, Cell, Graph, GraphQuery, GridMap, GridQuery, Heuristic, Moves, PathStyle, SearchOptions};

// One test function only: the counter is global to the process.
#[test]
fn warm_queries_allocate_nothing() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/movingai/grid/");
    let map = Arc::new(GridMap::load_movingai(format!("{dir}den520d.map")).unwrap());
    let text = std::fs::read_to_string(format!("{dir}den520d.map.scen")).unwrap();
    let scens: Vec<(Cell, Cell)> = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .step_by(7)
        .map(|l| {
            let f: Vec<u32> = l.split('\t').skip(4).take(4).map(|v| v.parse().unwrap()).collect();
            (Cell::new(f[0], f[1]), Cell::new(f[2], f[3]))
        })
        .collect();
    let mut q = GridQuery::new(Arc::clone(&map));
    let run = |q: &mut GridQuery| {
        for algorithm in [Algorithm::AStar, Algorithm::Jps, Algorithm::JpsBlock] {
            for style in [PathStyle::TurningPoints, PathStyle::EveryCell] {
                let opts = SearchOptions { algorithm, moves: Moves::Octile, style, record_expanded: true };
                for &(s, g) in &scens {
                    assert!(q.find_path(s, g, &opts).unwrap().found);
                }
            }
        }
    };
    run(&mut q); // warm-up: the path and expanded lists reach their largest size
    assert_eq!(allocations(|| run(&mut q)), 0);

    let n = 2000u32;
    let offsets: Vec<u32> = (0..=n).map(|i| 2 * i).collect();
    let targets: Vec<u32> = (0..n).flat_map(|i| [(i + 1) % n, (i * 7 + 3) % n]).collect();
    let coords: Vec<[f64; 3]> = (0..n).map(|i| [f64::from(i), 0.0, 0.0]).collect();
    let g = Arc::new(Graph::new(&offsets, &targets, None, Some(&coords)).unwrap());
    let mut gq = GraphQuery::new(g);
    let mut dist = vec![0.0; n as usize];
    let run_graph = |gq: &mut GraphQuery, dist: &mut [f64]| {
        for s in (0..n).step_by(97) {
            let t = (s * 13 + 5) % n;
            assert!(gq.dijkstra(s, t).unwrap().found);
            assert!(gq.bfs(s, t).unwrap().found);
            assert!(gq.astar(s, t, Heuristic::Zero, 1.0).unwrap().found);
            assert!(gq.astar(s, t, Heuristic::Euclidean, 0.0).unwrap().found);
            assert!(gq.reachable(s, t).unwrap());
            gq.distances(s, dist).unwrap();
        }
    };
    run_graph(&mut gq, &mut dist);
    assert_eq!(allocations(|| run_graph(&mut gq, &mut dist)), 0);
}
