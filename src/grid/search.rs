//! Grid searches: A*, JPS and block-based JPS over a [`GridMap`], run by a
//! per-thread [`GridQuery`] that owns every scratch array.

use super::heap::IndexedHeap;
use super::map::{GridMap, Plane};
use super::{Algorithm, Cell, GridError, Moves, PathStyle, SearchOptions, SQRT2};
use std::sync::Arc;

/// Outcome of a grid search that was not rejected.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SearchResult {
    /// True when a path was found; false when the goal is unreachable.
    pub found: bool,
    /// Path length (straight steps 1, diagonal steps √2); 0 when not found.
    pub length: f64,
    /// Nodes expanded (cells for A*, jump points for JPS).
    pub expanded: u32,
}

#[derive(Debug, Clone, Copy, Default)]
struct NodeInfo {
    g: f64,
    parent: u32,
    /// `2 * search` when open in search `search`, `2 * search + 1` when closed.
    stamp: u32,
}

const NO_PARENT: u32 = u32::MAX;

/// A per-thread search object over one shared [`GridMap`]. It allocates all
/// scratch memory (node records, open list) at construction, sized for the
/// map, so searches allocate nothing after the first few (the output path and
/// the optional expanded list grow to their largest size once).
///
/// # Example
/// ```
/// use std::sync::Arc;
/// use tessera::grid::{Algorithm, Cell, GridMap, GridQuery, Moves, PathStyle, SearchOptions};
/// let map = Arc::new(GridMap::parse_movingai("type octile\nheight 3\nwidth 3\nmap\n...\n@@.\n...\n").unwrap());
/// let mut q = GridQuery::new(map);
/// let opts = SearchOptions { algorithm: Algorithm::AStar, moves: Moves::Cardinal,
///                            style: PathStyle::EveryCell, record_expanded: false };
/// let r = q.find_path(Cell::new(0, 0), Cell::new(0, 2), &opts).unwrap();
/// assert!(r.found);
/// assert_eq!(r.length, 6.0);
/// assert_eq!(q.path().len(), 7);
/// ```
#[derive(Debug, Clone)]
pub struct GridQuery {
    map: Arc<GridMap>,
    nodes: Vec<NodeInfo>,
    heap: IndexedHeap,
    search: u32,
    path: Vec<Cell>,
    expanded: Vec<Cell>,
}

/// Directions of the 8 moves; the first four are straight.
const DIRS: [(isize, isize); 8] = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1)];

impl GridQuery {
    /// A query object for `map`, with scratch for every cell.
    pub fn new(map: Arc<GridMap>) -> Self {
        let n = map.width() as usize * map.height() as usize;
        GridQuery {
            nodes: vec![NodeInfo::default(); n],
            heap: IndexedHeap::new(n),
            search: 0,
            path: Vec::with_capacity(256),
            expanded: Vec::new(),
            map,
        }
    }

    /// The map this query searches.
    pub fn map(&self) -> &Arc<GridMap> {
        &self.map
    }

    /// The path of the last successful search, start first, in the
    /// [`PathStyle`] it asked for; empty when no path was found.
    pub fn path(&self) -> &[Cell] {
        &self.path
    }

    /// Cells expanded by the last search, in expansion order, when it asked
    /// for [`SearchOptions::record_expanded`]; empty otherwise.
    pub fn expanded(&self) -> &[Cell] {
        &self.expanded
    }

    fn check(&self, which: &'static str, cell: Cell) -> Result<(), GridError> {
        let map = &self.map;
        if !map.contains(cell) {
            return Err(GridError::OutOfBounds { which, cell, width: map.width(), height: map.height() });
        }
        if !map.is_passable(cell.x, cell.y) {
            return Err(GridError::Blocked { which, cell });
        }
        Ok(())
    }

    /// Finds a shortest path from `start` to `goal`.
    ///
    /// Returns `found = false` (not an error) when the goal is unreachable;
    /// cells in different regions are answered without searching.
    ///
    /// # Errors
    /// [`GridError::OutOfBounds`] or [`GridError::Blocked`] for a bad start or
    /// goal; [`GridError::Unsupported`] for JPS with cardinal moves.
    pub fn find_path(&mut self, start: Cell, goal: Cell, opts: &SearchOptions) -> Result<SearchResult, GridError> {
        self.check("start", start)?;
        self.check("goal", goal)?;
        if opts.moves == Moves::Cardinal && opts.algorithm != Algorithm::AStar {
            return Err(GridError::Unsupported("jump point search needs octile moves; use A* for cardinal moves"));
        }
        self.path.clear();
        self.expanded.clear();
        let w = self.map.width() as usize;
        let s = start.y as usize * w + start.x as usize;
        let t = goal.y as usize * w + goal.x as usize;
        if self.map.region_raw(s) != self.map.region_raw(t) {
            return Ok(SearchResult::default());
        }
        self.next_search();
        let record = opts.record_expanded;
        let expanded = match opts.algorithm {
            Algorithm::AStar => match opts.moves {
                Moves::Octile => self.astar::<true>(start, goal, record),
                Moves::Cardinal => self.astar::<false>(start, goal, record),
            },
            Algorithm::Jps => self.jps::<false>(start, goal, record),
            Algorithm::JpsBlock => self.jps::<true>(start, goal, record),
        };
        let info = self.nodes[t];
        if info.stamp >> 1 != self.search {
            // Same region but not reached: impossible for complete searches;
            // kept as a defensive "no path".
            return Ok(SearchResult { found: false, length: 0.0, expanded });
        }
        self.build_path(t as u32, opts.style);
        Ok(SearchResult { found: true, length: info.g, expanded })
    }

    fn next_search(&mut self) {
        self.search += 1;
        if self.search >= (u32::MAX >> 1) {
            self.nodes.iter_mut().for_each(|n| n.stamp = 0);
            self.search = 1;
        }
        self.heap.clear();
    }

    #[inline(always)]
    fn open_stamp(&self) -> u32 {
        self.search << 1
    }

    /// Relaxes node `n` to cost `g` through `parent`; `h` gives its
    /// heuristic and is evaluated only when the node is new or improved.
    #[inline(always)]
    fn relax(&mut self, n: usize, g: f64, h: impl FnOnce() -> f64, parent: u32) {
        let open = self.open_stamp();
        let info = &mut self.nodes[n];
        if info.stamp < open {
            *info = NodeInfo { g, parent, stamp: open };
            self.heap.push(n as u32, g + h(), g);
        } else if info.stamp == open && g < info.g {
            info.g = g;
            info.parent = parent;
            self.heap.decrease(n as u32, g + h(), g);
        }
    }

    fn open_start(&mut self, s: usize) {
        let open = self.open_stamp();
        self.nodes[s] = NodeInfo { g: 0.0, parent: NO_PARENT, stamp: open };
        self.heap.push(s as u32, 0.0, 0.0);
    }

    /// Pops the best open node and closes it.
    #[inline(always)]
    fn pop(&mut self) -> Option<usize> {
        let n = self.heap.pop()? as usize;
        self.nodes[n].stamp = self.open_stamp() | 1;
        Some(n)
    }

    fn astar<const OCTILE: bool>(&mut self, start: Cell, goal: Cell, record: bool) -> u32 {
        let map = Arc::clone(&self.map);
        let rows = &map.rows;
        let w = map.width() as usize;
        let stride = rows.stride_words * 64;
        let (gx, gy) = (goal.x as isize, goal.y as isize);
        let heuristic = |x: isize, y: isize| -> f64 {
            let dx = (x - gx).unsigned_abs();
            let dy = (y - gy).unsigned_abs();
            if OCTILE {
                let (lo, hi) = if dx < dy { (dx, dy) } else { (dy, dx) };
                (hi - lo) as f64 + SQRT2 * lo as f64
            } else {
                (dx + dy) as f64
            }
        };
        let s = start.y as usize * w + start.x as usize;
        let t = goal.y as usize * w + goal.x as usize;
        self.open_start(s);
        let mut expanded = 0u32;
        while let Some(n) = self.pop() {
            expanded += 1;
            let (x, y) = ((n % w) as isize, (n / w) as isize);
            if record {
                self.expanded.push(Cell::new(x as u32, y as u32));
            }
            if n == t {
                break;
            }
            let g = self.nodes[n].g;
            // 3x3 neighbourhood: bit 0..2 = x-1..x+1 of rows y-1, y, y+1.
            let p = rows.index(x - 1, y);
            let above = rows.window_right(p - stride) & 7;
            let here = rows.window_right(p) & 7;
            let below = rows.window_right(p + stride) & 7;
            let (west, east) = (here & 1 != 0, here & 4 != 0);
            let (north, south) = (above & 2 != 0, below & 2 != 0);
            let parent = n as u32;
            if west {
                self.relax(n - 1, g + 1.0, || heuristic(x - 1, y), parent);
            }
            if east {
                self.relax(n + 1, g + 1.0, || heuristic(x + 1, y), parent);
            }
            if north {
                self.relax(n - w, g + 1.0, || heuristic(x, y - 1), parent);
            }
            if south {
                self.relax(n + w, g + 1.0, || heuristic(x, y + 1), parent);
            }
            if OCTILE {
                let gd = g + SQRT2;
                if north && west && above & 1 != 0 {
                    self.relax(n - w - 1, gd, || heuristic(x - 1, y - 1), parent);
                }
                if north && east && above & 4 != 0 {
                    self.relax(n - w + 1, gd, || heuristic(x + 1, y - 1), parent);
                }
                if south && west && below & 1 != 0 {
                    self.relax(n + w - 1, gd, || heuristic(x - 1, y + 1), parent);
                }
                if south && east && below & 4 != 0 {
                    self.relax(n + w + 1, gd, || heuristic(x + 1, y + 1), parent);
                }
            }
        }
        expanded
    }

    fn jps<const BLOCK: bool>(&mut self, start: Cell, goal: Cell, record: bool) -> u32 {
        let map = Arc::clone(&self.map);
        let jumper = Jumper { rows: &map.rows, cols: &map.cols, gx: goal.x as isize, gy: goal.y as isize };
        let w = map.width() as usize;
        let s = start.y as usize * w + start.x as usize;
        let t = goal.y as usize * w + goal.x as usize;
        self.open_start(s);
        let mut expanded = 0u32;
        let mut dirs: [(isize, isize); 8] = [(0, 0); 8];
        while let Some(n) = self.pop() {
            expanded += 1;
            let (x, y) = ((n % w) as isize, (n / w) as isize);
            if record {
                self.expanded.push(Cell::new(x as u32, y as u32));
            }
            if n == t {
                break;
            }
            let info = self.nodes[n];
            let count = if info.parent == NO_PARENT {
                dirs = DIRS;
                8
            } else {
                let p = info.parent as usize;
                let (px, py) = ((p % w) as isize, (p / w) as isize);
                jumper.successor_dirs(x, y, (x - px).signum(), (y - py).signum(), &mut dirs)
            };
            for &(dx, dy) in &dirs[..count] {
                let found = if dx != 0 && dy != 0 {
                    jumper.jump_diagonal::<BLOCK>(x, y, dx, dy)
                } else {
                    jumper.jump_straight::<BLOCK>(x, y, dx, dy)
                };
                if let Some((jx, jy)) = found {
                    let ddx = (jx - x).unsigned_abs();
                    let ddy = (jy - y).unsigned_abs();
                    let cost = if dx != 0 && dy != 0 { SQRT2 * ddx as f64 } else { (ddx + ddy) as f64 };
                    let (gx, gy) = (jumper.gx, jumper.gy);
                    let m = jy as usize * w + jx as usize;
                    self.relax(m, info.g + cost, || octile(jx - gx, jy - gy), n as u32);
                }
            }
        }
        expanded
    }

    /// Writes the path ending at `t` in the requested style.
    fn build_path(&mut self, t: u32, style: PathStyle) {
        let w = self.map.width();
        let path = &mut self.path;
        path.clear();
        let mut n = t;
        while n != NO_PARENT {
            path.push(Cell::new(n % w, n / w));
            n = self.nodes[n as usize].parent;
        }
        path.reverse();
        match style {
            PathStyle::TurningPoints => keep_turning_points(path),
            PathStyle::EveryCell => expand_cells(path),
        }
    }
}

#[inline(always)]
fn octile(dx: isize, dy: isize) -> f64 {
    let (dx, dy) = (dx.unsigned_abs(), dy.unsigned_abs());
    let (lo, hi) = if dx < dy { (dx, dy) } else { (dy, dx) };
    (hi - lo) as f64 + SQRT2 * lo as f64
}

fn direction(a: Cell, b: Cell) -> (i64, i64) {
    ((i64::from(b.x) - i64::from(a.x)).signum(), (i64::from(b.y) - i64::from(a.y)).signum())
}

/// Drops every cell where the direction does not change (in place).
fn keep_turning_points(path: &mut Vec<Cell>) {
    if path.len() <= 2 {
        return;
    }
    let mut out = 1;
    for i in 1..path.len() - 1 {
        if direction(path[out - 1], path[i]) != direction(path[i], path[i + 1]) {
            path[out] = path[i];
            out += 1;
        }
    }
    path[out] = path[path.len() - 1];
    path.truncate(out + 1);
}

/// Fills in every cell between consecutive straight or diagonal waypoints (in place).
fn expand_cells(path: &mut Vec<Cell>) {
    if path.len() < 2 {
        return;
    }
    let steps: usize = path.windows(2).map(|p| p[0].x.abs_diff(p[1].x).max(p[0].y.abs_diff(p[1].y)) as usize).sum();
    let total = steps + 1;
    if total == path.len() {
        return;
    }
    let old = path.len();
    path.resize(total, Cell::default());
    // Walk backwards so unread waypoints are never overwritten.
    let mut write = total - 1;
    for i in (1..old).rev() {
        let (a, b) = (path[i - 1], path[i]);
        let (dx, dy) = direction(a, b);
        let k = a.x.abs_diff(b.x).max(a.y.abs_diff(b.y)) as i64;
        for j in 0..k {
            path[write] = Cell::new((i64::from(b.x) - dx * j) as u32, (i64::from(b.y) - dy * j) as u32);
            write -= 1;
        }
    }
    debug_assert_eq!(write, 0);
}

/// Jump functions over the padded bit planes. Coordinates may step one cell
/// outside the map, onto the blocked border.
struct Jumper<'a> {
    rows: &'a Plane,
    cols: &'a Plane,
    gx: isize,
    gy: isize,
}

impl Jumper<'_> {
    #[inline(always)]
    fn free(&self, x: isize, y: isize) -> bool {
        self.rows.get(self.rows.index(x, y))
    }

    /// Directions to search from jump point (x, y) entered moving (dx, dy),
    /// pruned as in JPS without corner cutting: straight moves keep going and
    /// add the side and side-diagonal when the cell behind the side is
    /// blocked (a forced neighbour); diagonal moves have no forced neighbours
    /// and keep their two straight parts and the diagonal.
    #[inline]
    fn successor_dirs(&self, x: isize, y: isize, dx: isize, dy: isize, out: &mut [(isize, isize); 8]) -> usize {
        let mut k = 0;
        let mut add = |d: (isize, isize)| {
            out[k] = d;
            k += 1;
        };
        if dx != 0 && dy != 0 {
            add((dx, 0));
            add((0, dy));
            add((dx, dy));
        } else if dx != 0 {
            add((dx, 0));
            if !self.free(x - dx, y - 1) {
                add((0, -1));
                add((dx, -1));
            }
            if !self.free(x - dx, y + 1) {
                add((0, 1));
                add((dx, 1));
            }
        } else {
            add((0, dy));
            if !self.free(x - 1, y - dy) {
                add((-1, 0));
                add((-1, dy));
            }
            if !self.free(x + 1, y - dy) {
                add((1, 0));
                add((1, dy));
            }
        }
        k
    }

    /// Jumps straight from (x, y): the first jump point, the goal, or `None`
    /// at a dead end.
    #[inline(always)]
    fn jump_straight<const BLOCK: bool>(&self, x: isize, y: isize, dx: isize, dy: isize) -> Option<(isize, isize)> {
        if BLOCK {
            match (dx, dy) {
                (1, 0) => block_jump_pos(self.rows, x, y, self.gx, self.gy).map(|nx| (nx, y)),
                (-1, 0) => block_jump_neg(self.rows, x, y, self.gx, self.gy).map(|nx| (nx, y)),
                (0, 1) => block_jump_pos(self.cols, y, x, self.gy, self.gx).map(|ny| (x, ny)),
                _ => block_jump_neg(self.cols, y, x, self.gy, self.gx).map(|ny| (x, ny)),
            }
        } else {
            self.jump_straight_cells(x, y, dx, dy)
        }
    }

    /// JPS 2011 straight jump, one cell per step.
    fn jump_straight_cells(&self, mut x: isize, mut y: isize, dx: isize, dy: isize) -> Option<(isize, isize)> {
        loop {
            x += dx;
            y += dy;
            if !self.free(x, y) {
                return None;
            }
            if x == self.gx && y == self.gy {
                return Some((x, y));
            }
            let forced = if dx != 0 {
                (!self.free(x - dx, y - 1) && self.free(x, y - 1)) || (!self.free(x - dx, y + 1) && self.free(x, y + 1))
            } else {
                (!self.free(x - 1, y - dy) && self.free(x - 1, y)) || (!self.free(x + 1, y - dy) && self.free(x + 1, y))
            };
            if forced {
                return Some((x, y));
            }
        }
    }

    /// Diagonal jump: steps while the diagonal move is legal (both sides
    /// free); a cell is a jump point when it is the goal or when a straight
    /// jump along either component finds one.
    #[inline]
    fn jump_diagonal<const BLOCK: bool>(&self, mut x: isize, mut y: isize, dx: isize, dy: isize) -> Option<(isize, isize)> {
        loop {
            if !(self.free(x + dx, y) && self.free(x, y + dy) && self.free(x + dx, y + dy)) {
                return None;
            }
            x += dx;
            y += dy;
            if x == self.gx && y == self.gy {
                return Some((x, y));
            }
            if self.jump_straight::<BLOCK>(x, y, dx, 0).is_some() || self.jump_straight::<BLOCK>(x, y, 0, dy).is_some() {
                return Some((x, y));
            }
        }
    }
}

/// Block-based jump towards +x in `plane` from (x, y) (Harabor & Grastien
/// 2014): reads 64 cells of the rows y−1, y and y+1 per step and stops at the
/// first forced neighbour (a free side cell whose predecessor is blocked) or
/// dead end. Returns the jump point's x, the goal's x when the goal lies on
/// the way, or `None` at a dead end.
#[inline(always)]
fn block_jump_pos(plane: &Plane, x: isize, y: isize, gx: isize, gy: isize) -> Option<isize> {
    let stride = plane.stride_words * 64;
    let start = plane.index(x, y);
    let mut p = start;
    loop {
        let a = plane.window_right(p - stride);
        let c = plane.window_right(p);
        let b = plane.window_right(p + stride);
        let forced = ((!a << 1) & a) | ((!b << 1) & b);
        let dead = !c;
        let stop = forced | dead;
        if stop != 0 {
            let k = stop.trailing_zeros() as usize;
            let end = x + (p + k - start) as isize;
            if gy == y && gx > x && gx <= end {
                return Some(gx);
            }
            if (dead >> k) & 1 == 1 {
                return None;
            }
            return Some(end);
        }
        p += 63;
    }
}

/// Block-based jump towards −x; the mirror of [`block_jump_pos`].
#[inline(always)]
fn block_jump_neg(plane: &Plane, x: isize, y: isize, gx: isize, gy: isize) -> Option<isize> {
    let stride = plane.stride_words * 64;
    let start = plane.index(x, y);
    let mut p = start;
    loop {
        let a = plane.window_left(p - stride);
        let c = plane.window_left(p);
        let b = plane.window_left(p + stride);
        let forced = ((!a >> 1) & a) | ((!b >> 1) & b);
        let dead = !c;
        let stop = forced | dead;
        if stop != 0 {
            let k = stop.leading_zeros() as usize;
            let end = x - (start - (p - k)) as isize;
            if gy == y && gx < x && gx >= end {
                return Some(gx);
            }
            if (dead >> (63 - k)) & 1 == 1 {
                return None;
            }
            return Some(end);
        }
        p -= 63;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turning_points_and_cells_round_trip() {
        let cells: Vec<Cell> = [(0, 0), (1, 1), (2, 2), (3, 2), (4, 2), (4, 3)].iter().map(|&(x, y)| Cell::new(x, y)).collect();
        let mut turns = cells.clone();
        keep_turning_points(&mut turns);
        assert_eq!(turns, [Cell::new(0, 0), Cell::new(2, 2), Cell::new(4, 2), Cell::new(4, 3)]);
        let mut again = turns.clone();
        expand_cells(&mut again);
        assert_eq!(again, cells);
    }
}
