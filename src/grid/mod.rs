//! Grid and graph pathfinding.
//!
//! - [`GridMap`]: an immutable, bit-packed occupancy grid (one bit per cell,
//!   `bitvec`), loaded from the Moving AI `.map` text format or from raw bytes,
//!   with connected-component region ids computed once at load.
//! - [`GridQuery`]: a per-thread search object that owns all scratch memory.
//!   It runs A* (binary heap, octile or Manhattan heuristic), Jump Point Search
//!   (Harabor & Grastien 2011) and block-based JPS that scans 64 cells per
//!   machine word (Harabor & Grastien 2014). After warm-up a query allocates
//!   nothing.
//! - [`Graph`] / [`GraphQuery`]: general directed graphs in CSR form with BFS,
//!   Dijkstra, A* on node coordinates, iterative Tarjan strongly connected
//!   components, the condensation DAG and reachability queries.
//! - [`svg::render`]: draws a map, a path and the expanded nodes as SVG.
//!
//! Moves follow the Moving AI convention: 8-connected ("octile") with
//! straight steps of cost 1 and diagonal steps of cost √2, and a diagonal step
//! is legal only when both orthogonal cells it passes are free (no corner
//! cutting). 4-connected ("cardinal") moves are available for A*.
//!
//! # Example
//! ```
//! use std::sync::Arc;
//! use tessera::grid::{Algorithm, Cell, GridMap, GridQuery, SearchOptions};
//!
//! let text = "type octile\nheight 3\nwidth 4\nmap\n....\n.@@.\n....\n";
//! let map = Arc::new(GridMap::parse_movingai(text).unwrap());
//! let mut query = GridQuery::new(map);
//! let opts = SearchOptions { algorithm: Algorithm::JpsBlock, ..SearchOptions::default() };
//! let found = query.find_path(Cell::new(0, 1), Cell::new(3, 1), &opts).unwrap();
//! // Over the wall: up, three steps east, down. The diagonals (0,1)->(1,0) and
//! // (2,0)->(3,1) would cut the corners of the wall, so they are not allowed.
//! assert!(found.found);
//! assert_eq!(found.length, 5.0);
//! assert_eq!(query.path().first(), Some(&Cell::new(0, 1)));
//! assert_eq!(query.path().last(), Some(&Cell::new(3, 1)));
//! ```

mod graph;
mod heap;
mod map;
mod search;
pub mod svg;

pub use graph::{Graph, GraphError, GraphPath, GraphQuery, Heuristic};
pub use map::{GridMap, MapError};
pub use search::{GridQuery, SearchResult};

use std::fmt;

/// √2, the cost of a diagonal step.
pub const SQRT2: f64 = std::f64::consts::SQRT_2;

/// A grid cell: `x` is the column, `y` the row, (0, 0) the upper-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Cell {
    /// Column, `0..width`.
    pub x: u32,
    /// Row, `0..height`.
    pub y: u32,
}

impl Cell {
    /// The cell at column `x`, row `y`.
    pub const fn new(x: u32, y: u32) -> Self {
        Cell { x, y }
    }
}

/// Which steps a path may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Moves {
    /// 8-connected: straight steps cost 1, diagonal steps √2, no corner cutting.
    #[default]
    Octile,
    /// 4-connected: straight steps only, each of cost 1.
    Cardinal,
}

/// The search algorithm of a grid query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algorithm {
    /// A* expanding every cell (octile heuristic, or Manhattan for cardinal moves).
    AStar,
    /// Jump Point Search, one cell at a time (octile moves only).
    Jps,
    /// Block-based Jump Point Search scanning 64-cell words (octile moves only).
    #[default]
    JpsBlock,
}

/// Which cells of a path are returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PathStyle {
    /// Only the start, the goal and the cells where the direction changes.
    #[default]
    TurningPoints,
    /// Every cell from start to goal, each one step from the previous.
    EveryCell,
}

/// Options of one grid search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SearchOptions {
    /// The search algorithm.
    pub algorithm: Algorithm,
    /// Allowed steps. JPS variants require [`Moves::Octile`].
    pub moves: Moves,
    /// Which path cells are returned by [`GridQuery::path`].
    pub style: PathStyle,
    /// Record the expanded cells for [`GridQuery::expanded`] (for drawing; costs a little time).
    pub record_expanded: bool,
}

/// Why a grid search was rejected. (An unreachable goal is not an error: the
/// search returns [`SearchResult::found`] = false.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GridError {
    /// A start or goal cell lies outside the map.
    OutOfBounds {
        /// `"start"` or `"goal"`.
        which: &'static str,
        /// The cell given.
        cell: Cell,
        /// Map width.
        width: u32,
        /// Map height.
        height: u32,
    },
    /// A start or goal cell is blocked.
    Blocked {
        /// `"start"` or `"goal"`.
        which: &'static str,
        /// The cell given.
        cell: Cell,
    },
    /// The algorithm cannot use the requested moves (JPS needs octile moves).
    Unsupported(&'static str),
}

impl fmt::Display for GridError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GridError::OutOfBounds { which, cell, width, height } => write!(
                f,
                "{which} ({}, {}) is outside the {width} x {height} map",
                cell.x, cell.y
            ),
            GridError::Blocked { which, cell } => write!(f, "{which} ({}, {}) is a blocked cell", cell.x, cell.y),
            GridError::Unsupported(what) => write!(f, "{what}"),
        }
    }
}

impl std::error::Error for GridError {}

/// The octile distance between two cells: `√2·min(dx, dy) + |dx − dy|`, the
/// exact shortest length on an obstacle-free 8-connected grid.
pub fn octile_distance(a: Cell, b: Cell) -> f64 {
    let dx = a.x.abs_diff(b.x);
    let dy = a.y.abs_diff(b.y);
    let (lo, hi) = if dx < dy { (dx, dy) } else { (dy, dx) };
    f64::from(hi - lo) + SQRT2 * f64::from(lo)
}

/// Checks that `path` (in either [`PathStyle`]) is a legal path on `map` with
/// `moves`: every segment is straight or exactly diagonal, every cell it
/// passes is free, and no diagonal step cuts a corner. Returns the path length,
/// or a description of the first illegal step.
///
/// # Example
/// ```
/// use tessera::grid::{path_length_checked, Cell, GridMap, Moves};
/// let map = GridMap::parse_movingai("type octile\nheight 2\nwidth 2\nmap\n.@\n..\n").unwrap();
/// // (0,0) -> (1,1) would cut the corner of the blocked (1,0).
/// assert!(path_length_checked(&map, &[Cell::new(0, 0), Cell::new(1, 1)], Moves::Octile).is_err());
/// let len = path_length_checked(&map, &[Cell::new(0, 0), Cell::new(0, 1), Cell::new(1, 1)], Moves::Octile).unwrap();
/// assert_eq!(len, 2.0);
/// ```
pub fn path_length_checked(map: &GridMap, path: &[Cell], moves: Moves) -> Result<f64, String> {
    let mut length = 0.0;
    for (i, &c) in path.iter().enumerate() {
        if !map.is_passable(c.x, c.y) {
            return Err(format!("path cell {i} ({}, {}) is blocked or outside", c.x, c.y));
        }
    }
    for w in path.windows(2) {
        let (a, b) = (w[0], w[1]);
        let dx = i64::from(b.x) - i64::from(a.x);
        let dy = i64::from(b.y) - i64::from(a.y);
        if dx == 0 && dy == 0 {
            return Err(format!("repeated cell ({}, {})", a.x, a.y));
        }
        if dx != 0 && dy != 0 && dx.abs() != dy.abs() {
            return Err(format!("segment ({}, {}) -> ({}, {}) is neither straight nor diagonal", a.x, a.y, b.x, b.y));
        }
        if dx != 0 && dy != 0 && moves == Moves::Cardinal {
            return Err(format!("diagonal segment ({}, {}) -> ({}, {}) with cardinal moves", a.x, a.y, b.x, b.y));
        }
        let (sx, sy) = (dx.signum(), dy.signum());
        let steps = dx.abs().max(dy.abs());
        let (mut x, mut y) = (i64::from(a.x), i64::from(a.y));
        for _ in 0..steps {
            let (nx, ny) = (x + sx, y + sy);
            let free = |x: i64, y: i64| x >= 0 && y >= 0 && map.is_passable(x as u32, y as u32);
            if !free(nx, ny) {
                return Err(format!("step onto blocked cell ({nx}, {ny})"));
            }
            if sx != 0 && sy != 0 && !(free(nx, y) && free(x, ny)) {
                return Err(format!("diagonal step ({x}, {y}) -> ({nx}, {ny}) cuts a corner"));
            }
            x = nx;
            y = ny;
        }
        length += if sx != 0 && sy != 0 { SQRT2 * steps as f64 } else { steps as f64 };
    }
    Ok(length)
}

