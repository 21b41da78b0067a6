//! C API: grid maps, grid path queries (A*, JPS, block-based JPS), general
//! graphs (BFS, Dijkstra, A*, strongly connected components, reachability)
//! and the SVG renderer.

use super::buffer::{in_ref, in_slice, in_str, out_ref, out_slice, write_buffer, CallerBuffer};
use super::error::{ffi_status, FfiError, FfiResult};
use super::handle::{boxed_mut, boxed_ref, new_boxed, new_shared, opaque_handle, release_shared, shared_clone, shared_ref, take_boxed};
use super::status::*;
use super::types::TessVec3;
use crate::grid::{
    svg, Algorithm, Cell, Graph, GraphError, GraphPath, GraphQuery, GridError, GridMap, GridQuery, Heuristic, MapError,
    Moves, PathStyle, SearchOptions,
};
use core::ffi::c_char;
use std::sync::Arc;

/// Algorithm: A* expanding every cell.
pub const TESS_GRID_ALGO_ASTAR: u32 = 0;
/// Algorithm: Jump Point Search (Harabor & Grastien 2011), octile moves only.
pub const TESS_GRID_ALGO_JPS: u32 = 1;
/// Algorithm: block-based Jump Point Search scanning 64-cell words (Harabor & Grastien 2014), octile moves only.
pub const TESS_GRID_ALGO_JPS_BLOCK: u32 = 2;

/// Moves: 8-connected, diagonal cost sqrt(2), no corner cutting (Moving AI convention).
pub const TESS_GRID_MOVES_OCTILE: u32 = 0;
/// Moves: 4-connected, cost 1 per step (A* only).
pub const TESS_GRID_MOVES_CARDINAL: u32 = 1;

/// Path output: start, goal and the cells where the direction changes.
pub const TESS_GRID_PATH_TURNING_POINTS: u32 = 0;
/// Path output: every cell from start to goal.
pub const TESS_GRID_PATH_EVERY_CELL: u32 = 1;

/// Region id reported for a blocked or outside cell.
pub const TESS_GRID_NO_REGION: u32 = 4294967295;

/// Graph A* heuristic: none (Dijkstra order).
pub const TESS_GRAPH_HEURISTIC_ZERO: u32 = 0;
/// Graph A* heuristic: straight-line distance between node coordinates.
pub const TESS_GRAPH_HEURISTIC_EUCLIDEAN: u32 = 1;
/// Graph A* heuristic: sum of absolute coordinate differences.
pub const TESS_GRAPH_HEURISTIC_MANHATTAN: u32 = 2;
/// Graph A* heuristic: largest absolute coordinate difference.
pub const TESS_GRAPH_HEURISTIC_CHEBYSHEV: u32 = 3;

/// A grid cell: `x` is the column, `y` the row, (0, 0) the upper-left corner.
///
/// Ownership: a plain value.
/// Thread-safety: a plain value.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TessGridCell {
    /// Column, 0..width.
    pub x: u32,
    /// Row, 0..height.
    pub y: u32,
}

/// Options of one grid search. All-zero means `TESS_GRID_ALGO_ASTAR`, octile
/// moves, turning points, nothing recorded.
///
/// Ownership: a plain value owned by the caller.
/// Thread-safety: a plain value.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct TessGridSearchOptions {
    /// One of `TESS_GRID_ALGO_*`.
    pub algorithm: u32,
    /// One of `TESS_GRID_MOVES_*`.
    pub moves: u32,
    /// One of `TESS_GRID_PATH_*`.
    pub path_style: u32,
    /// 1 to record the expanded cells for `tess_grid_query_expanded`, else 0.
    pub record_expanded: u8,
    /// Reserved; keep zero.
    pub reserved: [u8; 3],
}

/// An immutable occupancy grid (bit-packed) with precomputed region ids.
///
/// Ownership: created by `tess_grid_map_parse`, `tess_grid_map_load` or
/// `tess_grid_map_from_bytes`; released by `tess_grid_map_free`. Query
/// objects keep their own reference, so the map may be freed before them.
/// Thread-safety: immutable and shared; any number of threads may use it at once.
pub struct TessGridMap {
    _private: [u8; 0],
}
opaque_handle!(TessGridMap => GridMap, "grid map");

/// A grid path query: all scratch memory for searches on one map, allocated
/// at `tess_grid_query_new`; searches allocate nothing after warm-up.
///
/// Ownership: created by `tess_grid_query_new`, freed by `tess_grid_query_free`.
/// Thread-safety: one thread at a time; give each worker thread its own query.
pub struct TessGridQuery {
    _private: [u8; 0],
}
opaque_handle!(TessGridQuery => GridQuery, "grid query");

/// An immutable directed graph in CSR form with its strongly connected
/// components and condensation DAG.
///
/// Ownership: created by `tess_graph_new`, released by `tess_graph_free`;
/// query objects keep their own reference.
/// Thread-safety: immutable and shared; any number of threads may use it at once.
pub struct TessGraph {
    _private: [u8; 0],
}
opaque_handle!(TessGraph => Graph, "graph");

/// A graph query: scratch memory for searches on one graph.
///
/// Ownership: created by `tess_graph_query_new`, freed by `tess_graph_query_free`.
/// Thread-safety: one thread at a time; give each worker thread its own query.
pub struct TessGraphQuery {
    _private: [u8; 0],
}
opaque_handle!(TessGraphQuery => GraphQuery, "graph query");

fn map_error(e: MapError) -> FfiError {
    match e {
        MapError::BadDimensions { .. } | MapError::ByteCount { .. } => FfiError::invalid(e.to_string()),
        _ => FfiError::new(TESS_PARSE_ERROR, e.to_string()),
    }
}

fn grid_error(e: GridError) -> FfiError {
    FfiError::invalid(e.to_string())
}

fn graph_error(e: GraphError) -> FfiError {
    FfiError::invalid(e.to_string())
}

fn publish_map(out: &mut *const TessGridMap, map: GridMap) -> FfiResult {
    *out = new_shared::<TessGridMap>(Arc::new(map));
    Ok(TESS_SUCCESS)
}

/// Parses a map in the Moving AI `.map` text format (`type octile`,
/// `height H`, `width W`, `map`, then H rows of W characters; passable
/// `.` `G` `S`, blocked `@` `O` `T` `W`).
///
/// @param[in]  text  The file contents (need not be NUL-terminated).
/// @param[in]  len   Bytes in `text`.
/// @param[out] out   The new map; set to NULL on failure.
/// @return SUCCESS; FAILURE | PARSE_ERROR for a bad header, wrong row length,
///         unknown character, too few (truncated) or too many rows;
///         FAILURE | INVALID_PARAM for a zero or too large (> 65536) side; NULL_PARAM.
///
/// # Safety
/// `text` must hold `len` bytes; `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_grid_map_parse(text: *const u8, len: u32, out: *mut *const TessGridMap) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = core::ptr::null();
        let text = in_slice(text, len as usize, "text")?;
        publish_map(out, GridMap::parse_movingai_bytes(text).map_err(map_error)?)
    })
}

/// Reads and parses a Moving AI `.map` file; errors as `tess_grid_map_parse`,
/// plus FAILURE | IO_ERROR when the file cannot be read.
///
/// @param[in]  path  NUL-terminated UTF-8 file path.
/// @param[out] out   The new map; set to NULL on failure.
///
/// # Safety
/// `path` must be a NUL-terminated string; `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_grid_map_load(path: *const c_char, out: *mut *const TessGridMap) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = core::ptr::null();
        let path = in_str(path, "path")?;
        let bytes = std::fs::read(path).map_err(|e| FfiError::new(TESS_IO_ERROR, format!("cannot read `{path}`: {e}")))?;
        publish_map(out, GridMap::parse_movingai_bytes(&bytes).map_err(map_error)?)
    })
}

/// Builds a map from raw cells in row-major order, `cells[y * width + x]`:
/// 0 is passable, any other value blocked.
///
/// @param[in]  cells   `width * height` bytes.
/// @param[in]  width   Columns. [Limit: 1..=65536]
/// @param[in]  height  Rows. [Limit: 1..=65536]
/// @param[out] out     The new map; set to NULL on failure.
/// @return SUCCESS, FAILURE | INVALID_PARAM (bad size), NULL_PARAM.
///
/// # Safety
/// `cells` must hold `width * height` bytes; `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_grid_map_from_bytes(cells: *const u8, width: u32, height: u32, out: *mut *const TessGridMap) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = core::ptr::null();
        let n = u64::from(width) * u64::from(height);
        if width == 0 || height == 0 || n > u64::from(u32::MAX) {
            return Err(FfiError::invalid(format!("map size {width} x {height} is invalid (each side 1..=65536)")));
        }
        let cells = in_slice(cells, n as usize, "cells")?;
        publish_map(out, GridMap::from_bytes(width, height, cells).map_err(map_error)?)
    })
}

/// Releases the caller's reference to a map. NULL is a no-op; a stale
/// pointer is ignored and reported through `tess_last_error_message`.
///
/// # Safety
/// `map` must be NULL or a pointer returned by a `tess_grid_map_` constructor.
#[no_mangle]
pub unsafe extern "C" fn tess_grid_map_free(map: *const TessGridMap) {
    ffi_status!({ release_shared(map, "map").map(|_| TESS_SUCCESS) });
}

/// Width and height of a map in cells.
///
/// # Safety
/// `out_width` and `out_height` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_grid_map_size(map: *const TessGridMap, out_width: *mut u32, out_height: *mut u32) -> TessStatus {
    ffi_status!({
        let w = out_ref(out_width, "out_width")?;
        let h = out_ref(out_height, "out_height")?;
        let map = shared_ref(map, "map")?;
        *w = map.width();
        *h = map.height();
        Ok(TESS_SUCCESS)
    })
}

/// `*out` = 1 when cell (x, y) is inside the map and passable, else 0.
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_grid_map_is_passable(map: *const TessGridMap, x: u32, y: u32, out: *mut u8) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = u8::from(shared_ref(map, "map")?.is_passable(x, y));
        Ok(TESS_SUCCESS)
    })
}

/// Region id (connected component) of cell (x, y): two passable cells are
/// connected exactly when their ids are equal. `TESS_GRID_NO_REGION` for a
/// blocked or outside cell.
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_grid_map_region(map: *const TessGridMap, x: u32, y: u32, out: *mut u32) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = shared_ref(map, "map")?.region(x, y).unwrap_or(TESS_GRID_NO_REGION);
        Ok(TESS_SUCCESS)
    })
}

/// Number of regions of a map.
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_grid_map_region_count(map: *const TessGridMap, out: *mut u32) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = shared_ref(map, "map")?.region_count();
        Ok(TESS_SUCCESS)
    })
}

/// Creates a query object for `map`, allocating scratch for every cell
/// (about 24 bytes per cell).
///
/// @param[in]  map  The map; the query keeps its own reference.
/// @param[out] out  The new query; set to NULL on failure.
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_grid_query_new(map: *const TessGridMap, out: *mut *mut TessGridQuery) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = core::ptr::null_mut();
        let map = shared_clone(map, "map")?;
        *out = new_boxed::<TessGridQuery>(GridQuery::new(map));
        Ok(TESS_SUCCESS)
    })
}

/// Frees a query object. NULL is a no-op.
///
/// # Safety
/// `query` must not be in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn tess_grid_query_free(query: *mut TessGridQuery) {
    ffi_status!({ take_boxed(query, "query").map(|_| TESS_SUCCESS) });
}

fn search_options(opts: Option<&TessGridSearchOptions>) -> FfiResult<SearchOptions> {
    let Some(o) = opts else { return Ok(SearchOptions { algorithm: Algorithm::AStar, ..SearchOptions::default() }) };
    let algorithm = match o.algorithm {
        TESS_GRID_ALGO_ASTAR => Algorithm::AStar,
        TESS_GRID_ALGO_JPS => Algorithm::Jps,
        TESS_GRID_ALGO_JPS_BLOCK => Algorithm::JpsBlock,
        a => return Err(FfiError::invalid(format!("`options.algorithm` {a} is not a TESS_GRID_ALGO_ value"))),
    };
    let moves = match o.moves {
        TESS_GRID_MOVES_OCTILE => Moves::Octile,
        TESS_GRID_MOVES_CARDINAL => Moves::Cardinal,
        m => return Err(FfiError::invalid(format!("`options.moves` {m} is not a TESS_GRID_MOVES_ value"))),
    };
    let style = match o.path_style {
        TESS_GRID_PATH_TURNING_POINTS => PathStyle::TurningPoints,
        TESS_GRID_PATH_EVERY_CELL => PathStyle::EveryCell,
        s => return Err(FfiError::invalid(format!("`options.path_style` {s} is not a TESS_GRID_PATH_ value"))),
    };
    Ok(SearchOptions { algorithm, moves, style, record_expanded: o.record_expanded != 0 })
}

/// # Safety
/// Pointer arguments follow the calling export's contract (valid or NULL, sized as documented).
unsafe fn write_cells(src: &[Cell], out: *mut TessGridCell, cap: u32, out_len: *mut u32, param: &str) -> FfiResult {
    Ok(CallerBuffer::new(out, cap, out_len, param, "out_len")?.fill(src.iter().map(|s| TessGridCell { x: s.x, y: s.y })))
}

/// Finds a shortest path from `start` to `goal`.
///
/// @param[in]  query       The query object.
/// @param[in]  start       Start cell; must be inside the map and passable.
/// @param[in]  goal        Goal cell; must be inside the map and passable.
/// @param[in]  options     [opt] Algorithm, moves and output style; NULL means
///                         A*, octile moves, turning points.
/// @param[out] out_length  Path length in cells (straight step 1, diagonal sqrt(2)); 0 when no path.
/// @param[out] path        [opt when cap == 0] Path cells, start first.
/// @param[in]  cap         Capacity of `path` in cells.
/// @param[out] out_len     Cells in the full path (0 when no path).
/// @return SUCCESS (| BUFFER_TOO_SMALL when truncated); SUCCESS | NO_PATH when
///         the goal is unreachable (answered at once for different regions);
///         FAILURE | INVALID_PARAM for a start or goal outside the map or
///         blocked, a bad option value, or JPS with cardinal moves; NULL_PARAM;
///         STALE_HANDLE.
///
/// # Safety
/// Pointers must be NULL or valid; `path` must hold `cap` cells.
#[no_mangle]
pub unsafe extern "C" fn tess_grid_query_find_path(
    query: *mut TessGridQuery,
    start: TessGridCell,
    goal: TessGridCell,
    options: *const TessGridSearchOptions,
    out_length: *mut f64,
    path: *mut TessGridCell,
    cap: u32,
    out_len: *mut u32,
) -> TessStatus {
    ffi_status!({
        let length = out_ref(out_length, "out_length")?;
        let len_out = out_ref(out_len, "out_len")?;
        *length = 0.0;
        *len_out = 0;
        out_slice(path, cap as usize, "path")?;
        let opts = search_options(if options.is_null() { None } else { Some(in_ref(options, "options")?) })?;
        let q = boxed_mut(query, "query")?;
        let r = q
            .find_path(Cell::new(start.x, start.y), Cell::new(goal.x, goal.y), &opts)
            .map_err(grid_error)?;
        if !r.found {
            return Ok(TESS_SUCCESS | TESS_NO_PATH);
        }
        *length = r.length;
        write_cells(q.path(), path, cap, len_out, "path")
    })
}

/// The cells expanded by the query's last search, in expansion order (empty
/// unless it set `record_expanded`).
///
/// # Safety
/// `out` must hold `cap` cells; `out_len` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_grid_query_expanded(query: *const TessGridQuery, out: *mut TessGridCell, cap: u32, out_len: *mut u32) -> TessStatus {
    ffi_status!({
        let q = boxed_ref(query, "query")?;
        write_cells(q.expanded(), out, cap, out_len, "out")
    })
}

/// Draws a map, a path (turning points or every cell) and expanded cells as
/// an SVG document (UTF-8, not NUL-terminated).
///
/// @param[in]  map           The map.
/// @param[in]  path          [opt] `path_len` path cells.
/// @param[in]  expanded      [opt] `expanded_len` cells to shade.
/// @param[out] out           [opt when cap == 0] SVG bytes.
/// @param[in]  cap           Capacity of `out` in bytes.
/// @param[out] out_len       Bytes of the whole document.
/// @return SUCCESS (| BUFFER_TOO_SMALL); FAILURE | INVALID_PARAM when a cell is outside the map.
///
/// # Safety
/// Arrays must hold their counts; `out` must hold `cap` bytes.
#[no_mangle]
pub unsafe extern "C" fn tess_grid_render_svg(
    map: *const TessGridMap,
    path: *const TessGridCell,
    path_len: u32,
    expanded: *const TessGridCell,
    expanded_len: u32,
    out: *mut u8,
    cap: u32,
    out_len: *mut u32,
) -> TessStatus {
    ffi_status!({
        let map = shared_ref(map, "map")?;
        let to_cells = |cells: &[TessGridCell], param: &str| -> FfiResult<Vec<Cell>> {
            cells
                .iter()
                .map(|c| {
                    let cell = Cell::new(c.x, c.y);
                    if map.contains(cell) {
                        Ok(cell)
                    } else {
                        Err(FfiError::invalid(format!("`{param}` cell ({}, {}) is outside the map", c.x, c.y)))
                    }
                })
                .collect()
        };
        let path = to_cells(in_slice(path, path_len as usize, "path")?, "path")?;
        let expanded = to_cells(in_slice(expanded, expanded_len as usize, "expanded")?, "expanded")?;
        let doc = svg::render(map, &path, &expanded);
        write_buffer(doc.as_bytes(), out, cap, out_len, "out")
    })
}

/// Builds a directed graph from CSR arrays: node `v`'s out-edges are
/// `targets[offsets[v] .. offsets[v + 1]]`, with the same range of `weights`.
///
/// @param[in]  offsets     `node_count + 1` entries: 0, non-decreasing, last = `edge_count`.
/// @param[in]  node_count  Nodes. [Limit: >= 1]
/// @param[in]  targets     `edge_count` target node ids, each < `node_count`.
/// @param[in]  edge_count  Edges.
/// @param[in]  weights     [opt] `edge_count` finite weights (NULL: all 1). Negative
///                         weights are accepted here but rejected by Dijkstra and A*.
/// @param[in]  coords      [opt] `node_count` finite positions for A* heuristics.
/// @param[out] out         The new graph; set to NULL on failure.
/// @return SUCCESS; FAILURE | INVALID_PARAM for an empty graph, bad offsets, an
///         edge to a missing node, or a non-finite weight or coordinate; NULL_PARAM.
///
/// # Safety
/// Arrays must hold their documented counts; `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_graph_new(
    offsets: *const u32,
    node_count: u32,
    targets: *const u32,
    edge_count: u32,
    weights: *const f64,
    coords: *const TessVec3,
    out: *mut *const TessGraph,
) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = core::ptr::null();
        if node_count == 0 {
            return Err(graph_error(GraphError::Empty));
        }
        if node_count == u32::MAX {
            return Err(graph_error(GraphError::TooLarge));
        }
        let offsets = in_slice(offsets, node_count as usize + 1, "offsets")?;
        let targets = in_slice(targets, edge_count as usize, "targets")?;
        let weights = if weights.is_null() { None } else { Some(in_slice(weights, edge_count as usize, "weights")?) };
        let coords: Option<Vec<[f64; 3]>> = if coords.is_null() {
            None
        } else {
            Some(
                in_slice(coords, node_count as usize, "coords")?
                    .iter()
                    .map(|c| [f64::from(c.x), f64::from(c.y), f64::from(c.z)])
                    .collect(),
            )
        };
        let graph = Graph::new(offsets, targets, weights, coords.as_deref()).map_err(graph_error)?;
        *out = new_shared::<TessGraph>(Arc::new(graph));
        Ok(TESS_SUCCESS)
    })
}

/// Releases the caller's reference to a graph. NULL is a no-op.
///
/// # Safety
/// `graph` must be NULL or a pointer from `tess_graph_new`.
#[no_mangle]
pub unsafe extern "C" fn tess_graph_free(graph: *const TessGraph) {
    ffi_status!({ release_shared(graph, "graph").map(|_| TESS_SUCCESS) });
}

/// Number of nodes and of strongly connected components.
///
/// # Safety
/// Out-pointers must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_graph_counts(graph: *const TessGraph, out_nodes: *mut u32, out_components: *mut u32) -> TessStatus {
    ffi_status!({
        let nodes = out_ref(out_nodes, "out_nodes")?;
        let comps = out_ref(out_components, "out_components")?;
        let g = shared_ref(graph, "graph")?;
        *nodes = g.node_count();
        *comps = g.scc_count();
        Ok(TESS_SUCCESS)
    })
}

/// Strongly connected component id of every node (iterative Tarjan). Ids are
/// a reverse topological order of the condensation: every edge between two
/// components goes from a higher id to a lower one.
///
/// # Safety
/// `out` must hold `cap` elements; `out_len` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_graph_scc_ids(graph: *const TessGraph, out: *mut u32, cap: u32, out_len: *mut u32) -> TessStatus {
    ffi_status!({ write_buffer(shared_ref(graph, "graph")?.scc_ids(), out, cap, out_len, "out") })
}

/// CSR offsets of the condensation DAG (`component count + 1` entries).
///
/// # Safety
/// `out` must hold `cap` elements; `out_len` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_graph_condensation_offsets(graph: *const TessGraph, out: *mut u32, cap: u32, out_len: *mut u32) -> TessStatus {
    ffi_status!({ write_buffer(shared_ref(graph, "graph")?.condensation_offsets(), out, cap, out_len, "out") })
}

/// CSR targets of the condensation DAG (each component edge once, sorted per component).
///
/// # Safety
/// `out` must hold `cap` elements; `out_len` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_graph_condensation_targets(graph: *const TessGraph, out: *mut u32, cap: u32, out_len: *mut u32) -> TessStatus {
    ffi_status!({ write_buffer(shared_ref(graph, "graph")?.condensation_all_targets(), out, cap, out_len, "out") })
}

/// Creates a query object for `graph` (scratch for every node).
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_graph_query_new(graph: *const TessGraph, out: *mut *mut TessGraphQuery) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = core::ptr::null_mut();
        let g = shared_clone(graph, "graph")?;
        *out = new_boxed::<TessGraphQuery>(GraphQuery::new(g));
        Ok(TESS_SUCCESS)
    })
}

/// Frees a graph query. NULL is a no-op.
///
/// # Safety
/// `query` must not be in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn tess_graph_query_free(query: *mut TessGraphQuery) {
    ffi_status!({ take_boxed(query, "query").map(|_| TESS_SUCCESS) });
}

/// # Safety
/// Pointer arguments follow the calling export's contract (valid or NULL, sized as documented).
unsafe fn graph_path_out(
    query: *mut TessGraphQuery,
    out_cost: *mut f64,
    path: *mut u32,
    cap: u32,
    out_len: *mut u32,
    run: impl FnOnce(&mut GraphQuery) -> Result<GraphPath, GraphError>,
) -> FfiResult {
    let cost = out_ref(out_cost, "out_cost")?;
    let len_out = out_ref(out_len, "out_len")?;
    *cost = 0.0;
    *len_out = 0;
    out_slice(path, cap as usize, "path")?;
    let q = boxed_mut(query, "query")?;
    let r = run(q).map_err(graph_error)?;
    if !r.found {
        return Ok(TESS_SUCCESS | TESS_NO_PATH);
    }
    *cost = r.cost;
    write_buffer(q.path(), path, cap, out_len, "path")
}

/// Breadth-first search: a path with the fewest edges (weights ignored).
///
/// @param[out] out_cost  Edge count of the path; 0 when none.
/// @param[out] path      [opt when cap == 0] Node ids, source first.
/// @return SUCCESS (| BUFFER_TOO_SMALL), SUCCESS | NO_PATH, FAILURE | INVALID_PARAM
///         for a node id out of range.
///
/// # Safety
/// Pointers must be NULL or valid; `path` must hold `cap` elements.
#[no_mangle]
pub unsafe extern "C" fn tess_graph_query_bfs(
    query: *mut TessGraphQuery,
    source: u32,
    goal: u32,
    out_cost: *mut f64,
    path: *mut u32,
    cap: u32,
    out_len: *mut u32,
) -> TessStatus {
    ffi_status!({ graph_path_out(query, out_cost, path, cap, out_len, |q| q.bfs(source, goal)) })
}

/// Dijkstra's shortest path.
///
/// @param[out] out_cost  Sum of the path's weights; 0 when none.
/// @return as `tess_graph_query_bfs`, plus FAILURE | INVALID_PARAM when the
///         graph has a negative weight.
///
/// # Safety
/// Pointers must be NULL or valid; `path` must hold `cap` elements.
#[no_mangle]
pub unsafe extern "C" fn tess_graph_query_dijkstra(
    query: *mut TessGraphQuery,
    source: u32,
    goal: u32,
    out_cost: *mut f64,
    path: *mut u32,
    cap: u32,
    out_len: *mut u32,
) -> TessStatus {
    ffi_status!({ graph_path_out(query, out_cost, path, cap, out_len, |q| q.dijkstra(source, goal)) })
}

/// A* with `h = weight * heuristic(node, goal)` on the node coordinates.
/// Optimal for an admissible heuristic and `weight <= 1`.
///
/// @param[in] heuristic  One of `TESS_GRAPH_HEURISTIC_*`; all but ZERO need coordinates.
/// @param[in] weight     Heuristic weight. [Limit: finite, >= 0]
/// @return as `tess_graph_query_dijkstra`, plus FAILURE | INVALID_PARAM for a
///         bad heuristic or weight or a missing coordinate array.
///
/// # Safety
/// Pointers must be NULL or valid; `path` must hold `cap` elements.
#[no_mangle]
pub unsafe extern "C" fn tess_graph_query_astar(
    query: *mut TessGraphQuery,
    source: u32,
    goal: u32,
    heuristic: u32,
    weight: f64,
    out_cost: *mut f64,
    path: *mut u32,
    cap: u32,
    out_len: *mut u32,
) -> TessStatus {
    ffi_status!({
        let h = match heuristic {
            TESS_GRAPH_HEURISTIC_ZERO => Heuristic::Zero,
            TESS_GRAPH_HEURISTIC_EUCLIDEAN => Heuristic::Euclidean,
            TESS_GRAPH_HEURISTIC_MANHATTAN => Heuristic::Manhattan,
            TESS_GRAPH_HEURISTIC_CHEBYSHEV => Heuristic::Chebyshev,
            other => return Err(FfiError::invalid(format!("`heuristic` {other} is not a TESS_GRAPH_HEURISTIC_ value"))),
        };
        graph_path_out(query, out_cost, path, cap, out_len, |q| q.astar(source, goal, h, weight))
    })
}

/// Shortest distances (Dijkstra) from `source` to every node; unreachable
/// nodes get +infinity. `*out_len` is the node count.
///
/// # Safety
/// `out` must hold `cap` elements; `out_len` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_graph_query_distances(query: *mut TessGraphQuery, source: u32, out: *mut f64, cap: u32, out_len: *mut u32) -> TessStatus {
    ffi_status!({
        let len_out = out_ref(out_len, "out_len")?;
        let dst = out_slice(out, cap as usize, "out")?;
        let q = boxed_mut(query, "query")?;
        let n = q.graph().node_count();
        let k = dst.len().min(n as usize);
        q.distances(source, &mut dst[..k]).map_err(graph_error)?;
        *len_out = n;
        Ok(super::buffer::buffer_status(n as usize, cap))
    })
}

/// `*out` = 1 when a directed path leads from `from` to `to` (a node reaches
/// itself), else 0. Uses the components: O(1) within a component, otherwise
/// a search of the condensation DAG.
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_graph_query_reachable(query: *mut TessGraphQuery, from: u32, to: u32, out: *mut u8) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = u8::from(boxed_mut(query, "query")?.reachable(from, to).map_err(graph_error)?);
        Ok(TESS_SUCCESS)
    })
}
