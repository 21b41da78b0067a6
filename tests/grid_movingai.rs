//! Every scenario of every shipped Moving AI map: A*, JPS and block-based JPS
//! return the scenario file's optimal length, and every returned path is
//! legal (free cells, straight or diagonal steps, no corner cutting).

use std::path::PathBuf;
use std::sync::Arc;
use tessera::grid::{path_length_checked, Algorithm, Cell, GridMap, GridQuery, Moves, PathStyle, SearchOptions};
use tessera::movingai::{parse_grid_scenarios, GridScenario};

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/movingai/grid")
}

fn load(name: &str) -> (GridMap, Vec<GridScenario>) {
    let dir = data_dir();
    let map = GridMap::load_movingai(dir.join(format!("{name}.map"))).expect("map loads");
    let text = std::fs::read_to_string(dir.join(format!("{name}.map.scen"))).expect("scenario file");
    let scens = parse_grid_scenarios(&text).expect("scenario file parses");
    for s in &scens {
        assert_eq!(s.size, (map.width(), map.height()), "{name}: scenario map size");
    }
    (map, scens)
}

fn check_map(name: &str, expected_count: usize, absolute_tol: Option<f64>) {
    let (map, scens) = load(name);
    assert_eq!(scens.len(), expected_count, "{name}: scenario count");
    let map = Arc::new(map);
    // Every thread checks every algorithm on its share of the scenarios, with its own query object.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        for t in 0..threads {
            let (map, scens) = (Arc::clone(&map), &scens);
            scope.spawn(move || {
                let mut q = GridQuery::new(Arc::clone(&map));
                for (i, s) in scens.iter().enumerate().skip(t).step_by(threads) {
                    check_scenario(name, &map, &mut q, i, s, absolute_tol);
                }
            });
        }
    });
}

fn check_scenario(name: &str, map: &GridMap, q: &mut GridQuery, i: usize, s: &GridScenario, absolute_tol: Option<f64>) {
    for (k, algorithm) in [Algorithm::AStar, Algorithm::Jps, Algorithm::JpsBlock].into_iter().enumerate() {
        // Alternate the output style so both are checked on every map.
        let style = if (i + k) % 2 == 0 { PathStyle::TurningPoints } else { PathStyle::EveryCell };
        let opts = SearchOptions { algorithm, moves: Moves::Octile, style, record_expanded: false };
        let (start, goal) = (Cell::new(s.start.0, s.start.1), Cell::new(s.goal.0, s.goal.1));
        let r = q.find_path(start, goal, &opts).unwrap();
        assert!(r.found, "{name} #{i} {algorithm:?}: no path found");
        let tol = absolute_tol.unwrap_or(1e-3 * s.optimal.max(1.0));
        assert!((r.length - s.optimal).abs() <= tol, "{name} #{i} {algorithm:?}: length {} but optimal {}", r.length, s.optimal);
        let path = q.path();
        assert_eq!(path.first(), Some(&start));
        assert_eq!(path.last(), Some(&goal));
        let walked = path_length_checked(map, path, Moves::Octile).unwrap_or_else(|e| panic!("{name} #{i} {algorithm:?}: illegal path: {e}"));
        assert!((walked - r.length).abs() < 1e-6, "{name} #{i}: path walks {walked}, reported {}", r.length);
        if style == PathStyle::EveryCell {
            assert!(path.windows(2).all(|w| w[0].x.abs_diff(w[1].x) <= 1 && w[0].y.abs_diff(w[1].y) <= 1));
        }
    }
}

#[test]
fn arena() {
    check_map("arena", 160, None);
}
#[test]
fn arena2() {
    check_map("arena2", 929, None);
}
#[test]
fn brc202d() {
    check_map("brc202d", 2519, None);
}
#[test]
fn den520d() {
    check_map("den520d", 888, None);
}
#[test]
fn ar0011sr() {
    check_map("AR0011SR", 1280, Some(0.005));
}
#[test]
fn aftershock() {
    check_map("Aftershock", 1810, None);
}
#[test]
fn random512_10_0() {
    check_map("random512-10-0", 1670, None);
}
#[test]
fn room_32room_000() {
    check_map("32room_000", 1900, None);
}
#[test]
fn maze512_1_0() {
    check_map("maze512-1-0", 11960, None);
}
