//! The grid C API called from Rust: every bad input the API names returns its
//! exact status, and good calls agree with the safe core.

use std::ptr::{null, null_mut};
use tessera::ffi::grid::*;
use tessera::ffi::types::TessVec3;
use tessera::ffi::error::tess_last_error_message;
use tessera::ffi::*;

const FAIL_PARSE: u32 = TESS_FAILURE | TESS_PARSE_ERROR;
const FAIL_INVALID: u32 = TESS_FAILURE | TESS_INVALID_PARAM;
const FAIL_NULL: u32 = TESS_FAILURE | TESS_NULL_PARAM;
const FAIL_STALE: u32 = TESS_FAILURE | TESS_STALE_HANDLE;

fn parse(text: &str) -> (u32, *const TessGridMap) {
    let mut map = null();
    let s = unsafe { tess_grid_map_parse(text.as_ptr(), text.len() as u32, &mut map) };
    (s, map)
}

fn last_error() -> String {
    let mut buf = vec![0u8; 512];
    let n = unsafe { tess_last_error_message(buf.as_mut_ptr().cast(), buf.len()) };
    buf.truncate(n.min(511));
    String::from_utf8(buf).unwrap()
}

const ROOMS: &str = "type octile\nheight 4\nwidth 5\nmap\n..@..\n..@..\n@@@..\n.T...\n";

#[test]
fn malformed_maps_are_parse_errors() {
    let cases = [
        ("type octile\nheight 2\nwidth 3\nmap\n...\n..\n", FAIL_PARSE, "row 1"),      // wrong row length
        ("type octile\nheight 2\nwidth 3\nmap\n...\n....\n", FAIL_PARSE, "row 1"),    // wrong row length
        ("type octile\nheight 2\nwidth 3\nmap\n...\n.x.\n", FAIL_PARSE, "unknown"),   // unknown character
        ("type octile\nheight 3\nwidth 3\nmap\n...\n...\n", FAIL_PARSE, "truncated"), // truncated
        ("type octile\nheight 3\nwidth 3\nmap\n...\n", FAIL_PARSE, "truncated"),
        ("type octile\nheight 1\nwidth 3\nmap\n...\n...\n", FAIL_PARSE, "more than"), // extra rows
        ("type octile\nheight 2\n", FAIL_PARSE, "header"),                              // truncated header
        ("height 2\nwidth 3\nmap\n...\n...\n", FAIL_PARSE, "header"),
        ("type octile\nheight two\nwidth 3\nmap\n...\n...\n", FAIL_PARSE, "header"),
        ("type octile\nheight 0\nwidth 3\nmap\n", FAIL_INVALID, "dimensions"),
        ("type octile\nheight 2\nwidth 99999999\nmap\n", FAIL_INVALID, "dimensions"),
        ("", FAIL_PARSE, "header"),
    ];
    for (text, status, words) in cases {
        let (s, map) = parse(text);
        assert_eq!(s, status, "{text:?}");
        assert!(map.is_null());
        assert!(last_error().contains(words), "{text:?}: {}", last_error());
    }
    let (s, map) = parse(ROOMS);
    assert_eq!(s, TESS_SUCCESS);
    unsafe { tess_grid_map_free(map) };
    // Windows line endings and a trailing blank line are fine.
    let (s, map) = parse("type octile\r\nheight 1\r\nwidth 2\r\nmap\r\n.G\r\n\r\n");
    assert_eq!(s, TESS_SUCCESS);
    unsafe { tess_grid_map_free(map) };
    let mut out = null();
    let missing = c"/nonexistent/none.map";
    assert_eq!(unsafe { tess_grid_map_load(missing.as_ptr(), &mut out) }, TESS_FAILURE | TESS_IO_ERROR);
    assert_eq!(unsafe { tess_grid_map_load(null(), &mut out) }, FAIL_NULL);
    assert_eq!(unsafe { tess_grid_map_parse(null(), 5, &mut out) }, FAIL_NULL);
    assert_eq!(unsafe { tess_grid_map_parse(ROOMS.as_ptr(), ROOMS.len() as u32, null_mut()) }, FAIL_NULL);
}

#[test]
fn raw_bytes_maps_check_sizes() {
    let cells = [0u8, 1, 0, 0, 0, 0];
    let mut map = null();
    assert_eq!(unsafe { tess_grid_map_from_bytes(cells.as_ptr(), 0, 3, &mut map) }, FAIL_INVALID);
    assert_eq!(unsafe { tess_grid_map_from_bytes(cells.as_ptr(), 70000, 1, &mut map) }, FAIL_INVALID);
    assert_eq!(unsafe { tess_grid_map_from_bytes(null(), 3, 2, &mut map) }, FAIL_NULL);
    assert_eq!(unsafe { tess_grid_map_from_bytes(cells.as_ptr(), 3, 2, &mut map) }, TESS_SUCCESS);
    let (mut w, mut h, mut free, mut regions) = (0, 0, 9u8, 0);
    unsafe {
        assert_eq!(tess_grid_map_size(map, &mut w, &mut h), TESS_SUCCESS);
        assert_eq!((w, h), (3, 2));
        assert_eq!(tess_grid_map_is_passable(map, 1, 0, &mut free), TESS_SUCCESS);
        assert_eq!(free, 0);
        assert_eq!(tess_grid_map_is_passable(map, 9, 9, &mut free), TESS_SUCCESS);
        assert_eq!(free, 0);
        assert_eq!(tess_grid_map_region_count(map, &mut regions), TESS_SUCCESS);
        assert_eq!(regions, 1);
        let mut r = 0;
        assert_eq!(tess_grid_map_region(map, 1, 0, &mut r), TESS_SUCCESS);
        assert_eq!(r, TESS_GRID_NO_REGION);
        tess_grid_map_free(map);
        assert_eq!(tess_grid_map_size(map, &mut w, &mut h), FAIL_STALE);
        tess_grid_map_free(map); // double free: ignored, reported
        tess_grid_map_free(null());
    }
}

fn opts(algorithm: u32, moves: u32, path_style: u32) -> TessGridSearchOptions {
    TessGridSearchOptions { algorithm, moves, path_style, record_expanded: 1, reserved: [0; 3] }
}

#[test]
fn grid_queries_report_exact_statuses() {
    let (s, map) = parse(ROOMS);
    assert_eq!(s, TESS_SUCCESS);
    let mut q = null_mut();
    unsafe {
        assert_eq!(tess_grid_query_new(null(), &mut q), FAIL_NULL);
        assert_eq!(tess_grid_query_new(map, &mut q), TESS_SUCCESS);
        // The query keeps the map alive.
        tess_grid_map_free(map);
        let mut len = 0.0;
        let mut path = [TessGridCell::default(); 16];
        let mut n = 0;
        let c = |x, y| TessGridCell { x, y };
        let o = opts(TESS_GRID_ALGO_JPS_BLOCK, TESS_GRID_MOVES_OCTILE, TESS_GRID_PATH_EVERY_CELL);
        // (0,3) is walled in by `@` above and `T` beside it: a separate region.
        let s = tess_grid_query_find_path(q, c(0, 0), c(0, 3), &o, &mut len, path.as_mut_ptr(), 16, &mut n);
        assert_eq!(s, TESS_SUCCESS | TESS_NO_PATH);
        assert_eq!((n, len), (0, 0.0));
        // (3,0) -> (2,3): down three cells, then one west; the diagonal from
        // (3,2) would cut the corner of the `@` at (2,2).
        let s = tess_grid_query_find_path(q, c(3, 0), c(2, 3), &o, &mut len, path.as_mut_ptr(), 16, &mut n);
        assert_eq!(s, TESS_SUCCESS);
        assert_eq!((len, n), (4.0, 5));
        assert_eq!(&path[..5], &[c(3, 0), c(3, 1), c(3, 2), c(3, 3), c(2, 3)]);
        // Bad endpoints.
        assert_eq!(tess_grid_query_find_path(q, c(5, 0), c(0, 0), &o, &mut len, path.as_mut_ptr(), 16, &mut n), FAIL_INVALID);
        assert!(last_error().contains("outside"));
        assert_eq!(tess_grid_query_find_path(q, c(0, 0), c(0, 9), &o, &mut len, path.as_mut_ptr(), 16, &mut n), FAIL_INVALID);
        assert_eq!(tess_grid_query_find_path(q, c(2, 0), c(0, 0), &o, &mut len, path.as_mut_ptr(), 16, &mut n), FAIL_INVALID);
        assert!(last_error().contains("blocked"));
        assert_eq!(tess_grid_query_find_path(q, c(0, 0), c(0, 3), &o, &mut len, path.as_mut_ptr(), 16, &mut n), TESS_SUCCESS | TESS_NO_PATH);
        assert_eq!(tess_grid_query_find_path(q, c(0, 0), c(0, 3), &o, &mut len, path.as_mut_ptr(), 16, &mut n), TESS_SUCCESS | TESS_NO_PATH);
        // Bad options.
        for bad in [opts(7, 0, 0), opts(0, 7, 0), opts(0, 0, 7), opts(TESS_GRID_ALGO_JPS, TESS_GRID_MOVES_CARDINAL, 0)] {
            assert_eq!(tess_grid_query_find_path(q, c(3, 0), c(2, 3), &bad, &mut len, path.as_mut_ptr(), 16, &mut n), FAIL_INVALID);
        }
        // NULL out-params and buffers.
        assert_eq!(tess_grid_query_find_path(q, c(3, 0), c(2, 3), &o, null_mut(), path.as_mut_ptr(), 16, &mut n), FAIL_NULL);
        assert_eq!(tess_grid_query_find_path(q, c(3, 0), c(2, 3), &o, &mut len, null_mut(), 16, &mut n), FAIL_NULL);
        assert_eq!(tess_grid_query_find_path(q, c(3, 0), c(2, 3), &o, &mut len, path.as_mut_ptr(), 16, null_mut()), FAIL_NULL);
        assert_eq!(tess_grid_query_find_path(null_mut(), c(3, 0), c(2, 3), &o, &mut len, path.as_mut_ptr(), 16, &mut n), FAIL_NULL);
        // Size query, then truncation.
        assert_eq!(tess_grid_query_find_path(q, c(3, 0), c(2, 3), &o, &mut len, null_mut(), 0, &mut n), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
        let full = n;
        assert!(full > 2);
        assert_eq!(tess_grid_query_find_path(q, c(3, 0), c(2, 3), &o, &mut len, path.as_mut_ptr(), 2, &mut n), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
        assert_eq!(n, full);
        // NULL options means A*; the length matches JPS-B's.
        let jps_len = len;
        assert_eq!(tess_grid_query_find_path(q, c(3, 0), c(2, 3), null(), &mut len, path.as_mut_ptr(), 16, &mut n), TESS_SUCCESS);
        assert!((len - jps_len).abs() < 1e-12);
        let mut exp = [TessGridCell::default(); 64];
        let mut en = 0;
        assert_eq!(tess_grid_query_expanded(q, exp.as_mut_ptr(), 64, &mut en), TESS_SUCCESS);
        assert_eq!(en, 0, "NULL options do not record");
        assert_eq!(tess_grid_query_find_path(q, c(3, 0), c(2, 3), &o, &mut len, path.as_mut_ptr(), 16, &mut n), TESS_SUCCESS);
        assert_eq!(tess_grid_query_expanded(q, exp.as_mut_ptr(), 64, &mut en), TESS_SUCCESS);
        assert!(en > 0);
        tess_grid_query_free(q);
        assert_eq!(tess_grid_query_find_path(q, c(3, 0), c(2, 3), &o, &mut len, path.as_mut_ptr(), 16, &mut n), FAIL_STALE);
        tess_grid_query_free(q);
        tess_grid_query_free(null_mut());
    }
}

#[test]
fn svg_renders_through_the_c_api() {
    let (_, map) = parse(ROOMS);
    let path = [TessGridCell { x: 3, y: 0 }, TessGridCell { x: 3, y: 3 }];
    let mut n = 0;
    unsafe {
        assert_eq!(tess_grid_render_svg(map, path.as_ptr(), 2, null(), 0, null_mut(), 0, &mut n), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
        let mut buf = vec![0u8; n as usize];
        assert_eq!(tess_grid_render_svg(map, path.as_ptr(), 2, null(), 0, buf.as_mut_ptr(), n, &mut n), TESS_SUCCESS);
        let text = String::from_utf8(buf).unwrap();
        assert!(text.starts_with("<svg") && text.contains("3.5,0.5 3.5,3.5"));
        let bad = [TessGridCell { x: 9, y: 0 }];
        assert_eq!(tess_grid_render_svg(map, bad.as_ptr(), 1, null(), 0, null_mut(), 0, &mut n), FAIL_INVALID);
        tess_grid_map_free(map);
    }
}

fn graph(offsets: &[u32], targets: &[u32], weights: Option<&[f64]>) -> (u32, *const TessGraph) {
    let mut g = null();
    let s = unsafe {
        tess_graph_new(
            offsets.as_ptr(),
            offsets.len().saturating_sub(1) as u32,
            targets.as_ptr(),
            targets.len() as u32,
            weights.map_or(null(), |w| w.as_ptr()),
            null(),
            &mut g,
        )
    };
    (s, g)
}

#[test]
fn graph_api_reports_exact_statuses() {
    unsafe {
        let mut g = null();
        // Empty graph.
        assert_eq!(tess_graph_new([0u32].as_ptr(), 0, null(), 0, null(), null(), &mut g), FAIL_INVALID);
        assert!(last_error().contains("no nodes"));
        // Edge to a missing node.
        assert_eq!(graph(&[0, 1, 1], &[5], None).0, FAIL_INVALID);
        assert!(last_error().contains("missing node 5"));
        // Offsets not ending at the edge count.
        assert_eq!(graph(&[0, 1, 2], &[1], None).0, FAIL_INVALID);
        assert_eq!(graph(&[0, 1], &[0], Some(&[f64::INFINITY])).0, FAIL_INVALID);
        assert_eq!(tess_graph_new(null(), 2, null(), 0, null(), null(), &mut g), FAIL_NULL);
        let nan = TessVec3 { x: f32::NAN, y: 0.0, z: 0.0 };
        assert_eq!(tess_graph_new([0u32, 0].as_ptr(), 1, null(), 0, null(), &nan, &mut g), FAIL_INVALID);

        // 0 -> 1 (-2): fine for BFS and SCC, rejected by Dijkstra and A*.
        let (s, neg) = graph(&[0, 1, 1], &[1], Some(&[-2.0]));
        assert_eq!(s, TESS_SUCCESS);
        let mut q = null_mut();
        assert_eq!(tess_graph_query_new(neg, &mut q), TESS_SUCCESS);
        let (mut cost, mut path, mut n) = (0.0, [0u32; 8], 0u32);
        assert_eq!(tess_graph_query_dijkstra(q, 0, 1, &mut cost, path.as_mut_ptr(), 8, &mut n), FAIL_INVALID);
        assert!(last_error().contains("negative"));
        assert_eq!(tess_graph_query_astar(q, 0, 1, TESS_GRAPH_HEURISTIC_ZERO, 1.0, &mut cost, path.as_mut_ptr(), 8, &mut n), FAIL_INVALID);
        assert_eq!(tess_graph_query_bfs(q, 0, 1, &mut cost, path.as_mut_ptr(), 8, &mut n), TESS_SUCCESS);
        assert_eq!((cost, n, &path[..2]), (1.0, 2, &[0u32, 1][..]));
        assert_eq!(tess_graph_query_bfs(q, 1, 0, &mut cost, path.as_mut_ptr(), 8, &mut n), TESS_SUCCESS | TESS_NO_PATH);
        assert_eq!(tess_graph_query_bfs(q, 0, 2, &mut cost, path.as_mut_ptr(), 8, &mut n), FAIL_INVALID);
        tess_graph_query_free(q);
        tess_graph_free(neg);

        // 0 <-> 1 -> 2, weights 1, 1, 3.
        let (s, g) = graph(&[0, 1, 3, 3], &[1, 0, 2], Some(&[1.0, 1.0, 3.0]));
        assert_eq!(s, TESS_SUCCESS);
        let (mut nodes, mut comps) = (0, 0);
        assert_eq!(tess_graph_counts(g, &mut nodes, &mut comps), TESS_SUCCESS);
        assert_eq!((nodes, comps), (3, 2));
        let mut ids = [0u32; 3];
        assert_eq!(tess_graph_scc_ids(g, ids.as_mut_ptr(), 3, &mut n), TESS_SUCCESS);
        assert_eq!(ids[0], ids[1]);
        assert!(ids[2] < ids[0], "sink component has the lower id");
        let mut offs = [0u32; 3];
        assert_eq!(tess_graph_condensation_offsets(g, offs.as_mut_ptr(), 3, &mut n), TESS_SUCCESS);
        assert_eq!(n, 3);
        let mut tg = [0u32; 1];
        assert_eq!(tess_graph_condensation_targets(g, tg.as_mut_ptr(), 1, &mut n), TESS_SUCCESS);
        assert_eq!((n, tg[0]), (1, ids[2]));
        let mut q = null_mut();
        assert_eq!(tess_graph_query_new(g, &mut q), TESS_SUCCESS);
        assert_eq!(tess_graph_query_dijkstra(q, 1, 2, &mut cost, path.as_mut_ptr(), 8, &mut n), TESS_SUCCESS);
        assert_eq!((cost, n), (3.0, 2));
        assert_eq!(tess_graph_query_astar(q, 0, 2, TESS_GRAPH_HEURISTIC_EUCLIDEAN, 1.0, &mut cost, path.as_mut_ptr(), 8, &mut n), FAIL_INVALID);
        assert!(last_error().contains("coordinates"));
        assert_eq!(tess_graph_query_astar(q, 0, 2, 9, 1.0, &mut cost, path.as_mut_ptr(), 8, &mut n), FAIL_INVALID);
        assert_eq!(tess_graph_query_astar(q, 0, 2, TESS_GRAPH_HEURISTIC_ZERO, f64::NAN, &mut cost, path.as_mut_ptr(), 8, &mut n), FAIL_INVALID);
        assert_eq!(tess_graph_query_astar(q, 0, 2, TESS_GRAPH_HEURISTIC_ZERO, 1.0, &mut cost, path.as_mut_ptr(), 8, &mut n), TESS_SUCCESS);
        assert_eq!((cost, n, &path[..3]), (4.0, 3, &[0u32, 1, 2][..]));
        let mut d = [0.0; 3];
        assert_eq!(tess_graph_query_distances(q, 2, d.as_mut_ptr(), 3, &mut n), TESS_SUCCESS);
        assert_eq!(d, [f64::INFINITY, f64::INFINITY, 0.0]);
        assert_eq!(tess_graph_query_distances(q, 0, d.as_mut_ptr(), 1, &mut n), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
        assert_eq!((n, d[0]), (3, 0.0));
        let mut r = 9u8;
        assert_eq!(tess_graph_query_reachable(q, 0, 2, &mut r), TESS_SUCCESS);
        assert_eq!(r, 1);
        assert_eq!(tess_graph_query_reachable(q, 2, 0, &mut r), TESS_SUCCESS);
        assert_eq!(r, 0);
        assert_eq!(tess_graph_query_reachable(q, 0, 3, &mut r), FAIL_INVALID);
        assert_eq!(tess_graph_query_reachable(q, 0, 1, null_mut()), FAIL_NULL);
        tess_graph_free(g);
        tess_graph_query_free(q);
        assert_eq!(tess_graph_query_reachable(q, 0, 1, &mut r), FAIL_STALE);
        assert_eq!(tess_graph_counts(g, &mut nodes, &mut comps), FAIL_STALE);
        tess_graph_free(null());
        tess_graph_query_free(null_mut());
    }
}
