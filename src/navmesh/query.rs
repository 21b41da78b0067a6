//! Per-thread queries over a shared [`NavMesh`]: all scratch memory is
//! allocated by [`NavMeshQuery::new`]; queries reuse it and allocate nothing.

use super::geom::{self, dist, dist_pt_seg_sqr_2d, lerp, tri_area_2d, vequal, Vec3};
use super::{polyanya, Link, NavMesh, MAX_AREAS, MAX_POLY_VERTS, NO_POLY};
use crate::random::Rng;
use std::fmt;
use std::sync::Arc;

/// Straight-path vertex flag: the start point.
pub const STRAIGHT_START: u8 = 1;
/// Straight-path vertex flag: the end point.
pub const STRAIGHT_END: u8 = 2;
/// Straight-path vertex flag: the start of an off-mesh connection.
pub const STRAIGHT_OFFMESH: u8 = 4;
/// Straight-path option: add a vertex where the path crosses into another area.
pub const STRAIGHTPATH_AREA_CROSSINGS: u32 = 1;
/// Straight-path option: add a vertex at every portal crossing.
pub const STRAIGHTPATH_ALL_CROSSINGS: u32 = 2;

const H_SCALE: f32 = 0.999;
const OPEN: u8 = 1;
const CLOSED: u8 = 2;
const NONE: u32 = u32::MAX;

/// Which polygons a query may use and what each area costs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueryFilter {
    /// A polygon passes if it has at least one of these flags…
    pub include_flags: u16,
    /// …and none of these.
    pub exclude_flags: u16,
    /// Cost multiplier per area id (distance × cost).
    pub area_cost: [f32; MAX_AREAS],
}

impl Default for QueryFilter {
    fn default() -> Self {
        QueryFilter { include_flags: 0xffff, exclude_flags: 0, area_cost: [1.0; MAX_AREAS] }
    }
}

impl QueryFilter {
    /// Whether a node with these flags may be used.
    #[inline]
    pub fn passes(&self, flags: u16) -> bool {
        flags & self.include_flags != 0 && flags & self.exclude_flags == 0
    }
}

/// Why a query could not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryError {
    /// A parameter is out of range or not finite (the text names it).
    InvalidParam(&'static str),
    /// A polygon index is not part of the mesh.
    InvalidPoly(u32),
    /// Nothing was found (no polygon near the point, no passable polygon).
    NotFound,
    /// A sliced search was not initialised or has been reset by another query.
    WrongState,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::InvalidParam(m) => write!(f, "invalid parameter: {m}"),
            QueryError::InvalidPoly(p) => write!(f, "polygon {p} is not part of the mesh"),
            QueryError::NotFound => f.write_str("nothing found"),
            QueryError::WrongState => f.write_str("no sliced search in progress"),
        }
    }
}

impl std::error::Error for QueryError {}

/// Outcome details of a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PathResult {
    /// The goal was not reached; the path leads to the reachable polygon closest to it.
    pub partial: bool,
    /// The node pool ran out; the result may be partial or suboptimal.
    pub out_of_nodes: bool,
}

/// One straight-path vertex.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StraightPoint {
    /// Position on the surface.
    pub pos: Vec3,
    /// `STRAIGHT_*` bits.
    pub flags: u8,
    /// Node the path enters at this point (`NO_POLY` at the end).
    pub poly: u32,
}

/// Result of a raycast.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RaycastHit {
    /// Hit parameter along start→end in [0, 1], or `f32::MAX` when the end was reached.
    pub t: f32,
    /// Wall normal in XZ at the hit (zero when nothing was hit).
    pub normal: Vec3,
    /// Number of polygons visited (may exceed the output slice).
    pub visited: usize,
}

/// Result of [`NavMeshQuery::find_distance_to_wall`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WallHit {
    /// Distance to the nearest wall (the search radius when none is closer).
    pub distance: f32,
    /// Nearest wall point.
    pub pos: Vec3,
    /// Normal pointing from the wall to the centre (zero when none found).
    pub normal: Vec3,
}

/// State of a sliced search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlicedState {
    /// No search initialised (or reset by another query).
    Idle,
    /// More `update` calls are needed.
    InProgress,
    /// The search finished; call `finalize`.
    Done,
}

#[derive(Debug, Clone, Copy)]
struct Node {
    pos: Vec3,
    cost: f32,
    total: f32,
    parent: u32,
    poly: u32,
    state: u8,
    heap: u32,
}

#[derive(Debug, Clone, Copy)]
struct Sliced {
    state: SlicedState,
    end: u32,
    end_pos: Vec3,
    filter: QueryFilter,
    last_best: u32,
    last_best_h: f32,
    out_of_nodes: bool,
    /// The goal is in another component: the search heads for the closest reachable polygon instead.
    unreachable: bool,
}

/// The search nodes of one query object and their open list. Kept apart from
/// the mesh so a search can borrow both at once (no reference count per query).
struct NodePool {
    max_nodes: usize,
    nodes: Vec<Node>,
    /// Per mesh node: (stamp, node index); the index is valid when the stamp is current.
    slot: Vec<(u32, u32)>,
    stamp: u32,
    heap: Vec<(f32, u32)>,
}

impl NodePool {
    fn reset(&mut self) {
        self.nodes.clear();
        self.heap.clear();
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.slot.iter_mut().for_each(|s| s.0 = 0);
            self.stamp = 1;
        }
    }

    #[inline]
    fn find_node(&self, poly: u32) -> Option<u32> {
        let (stamp, index) = self.slot[poly as usize];
        (stamp == self.stamp).then_some(index)
    }

    #[inline]
    fn get_node(&mut self, poly: u32) -> Option<u32> {
        if let Some(i) = self.find_node(poly) {
            return Some(i);
        }
        if self.nodes.len() >= self.max_nodes {
            return None;
        }
        let i = self.nodes.len() as u32;
        self.nodes.push(Node { pos: [0.0; 3], cost: 0.0, total: 0.0, parent: NONE, poly, state: 0, heap: NONE });
        self.slot[poly as usize] = (self.stamp, i);
        Some(i)
    }

    #[inline]
    fn heap_up(&mut self, mut pos: usize) {
        let item = self.heap[pos];
        while pos > 0 {
            let parent = (pos - 1) / 2;
            let p = self.heap[parent];
            if p.0 <= item.0 {
                break;
            }
            self.heap[pos] = p;
            self.nodes[p.1 as usize].heap = pos as u32;
            pos = parent;
        }
        self.heap[pos] = item;
        self.nodes[item.1 as usize].heap = pos as u32;
    }

    /// Re-keys an open node after its total decreased.
    #[inline]
    fn heap_decrease(&mut self, node: u32) {
        let pos = self.nodes[node as usize].heap as usize;
        self.heap[pos].0 = self.nodes[node as usize].total;
        self.heap_up(pos);
    }

    #[inline]
    fn heap_push(&mut self, node: u32) {
        self.heap.push((self.nodes[node as usize].total, node));
        let last = self.heap.len() - 1;
        self.heap_up(last);
    }

    #[inline]
    fn heap_pop(&mut self) -> Option<u32> {
        let top = self.heap.first()?.1;
        let last = self.heap.pop()?;
        let len = self.heap.len();
        if len > 0 {
            let mut pos = 0;
            loop {
                let l = 2 * pos + 1;
                if l >= len {
                    break;
                }
                let r = l + 1;
                let c = if r < len && self.heap[r].0 < self.heap[l].0 { r } else { l };
                let child = self.heap[c];
                if child.0 >= last.0 {
                    break;
                }
                self.heap[pos] = child;
                self.nodes[child.1 as usize].heap = pos as u32;
                pos = c;
            }
            self.heap[pos] = last;
            self.nodes[last.1 as usize].heap = pos as u32;
        }
        self.nodes[top as usize].heap = NONE;
        Some(top)
    }
}

/// A per-thread query object over a shared mesh. See the [module docs](super).
pub struct NavMeshQuery {
    mesh: Arc<NavMesh>,
    pool: NodePool,
    sliced: Sliced,
    circle: Vec<(u32, f32)>,
    stack: Vec<u32>,
    pub(crate) optimal: polyanya::Scratch,
}

impl fmt::Debug for NavMeshQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NavMeshQuery").field("max_nodes", &self.pool.max_nodes).finish_non_exhaustive()
    }
}

impl NavMeshQuery {
    /// A query object for `mesh` whose searches may open up to `max_nodes`
    /// polygons (clamped to 1..=65536·1024). All scratch is allocated here.
    pub fn new(mesh: Arc<NavMesh>, max_nodes: u32) -> NavMeshQuery {
        let max_nodes = (max_nodes.clamp(1, 1 << 26)) as usize;
        let n = mesh.node_count() as usize;
        NavMeshQuery {
            pool: NodePool { max_nodes, nodes: Vec::with_capacity(max_nodes), slot: vec![(0, NONE); n], stamp: 0, heap: Vec::with_capacity(max_nodes) },
            sliced: Sliced {
                state: SlicedState::Idle,
                end: 0,
                end_pos: [0.0; 3],
                filter: QueryFilter::default(),
                last_best: 0,
                last_best_h: 0.0,
                out_of_nodes: false,
                unreachable: false,
            },
            circle: Vec::with_capacity(max_nodes),
            stack: Vec::with_capacity(max_nodes),
            optimal: polyanya::Scratch::new(&mesh, max_nodes),
            mesh,
        }
    }

    /// The mesh this query reads.
    pub fn mesh(&self) -> &Arc<NavMesh> {
        &self.mesh
    }

    /// The node limit given at creation.
    pub fn max_nodes(&self) -> u32 {
        self.pool.max_nodes as u32
    }

    // ---- validation ----------------------------------------------------------

    fn check_node(&self, poly: u32) -> Result<(), QueryError> {
        if poly < self.mesh.node_count() {
            Ok(())
        } else {
            Err(QueryError::InvalidPoly(poly))
        }
    }

    fn check_poly(&self, poly: u32) -> Result<(), QueryError> {
        if poly < self.mesh.poly_count() {
            Ok(())
        } else {
            Err(QueryError::InvalidPoly(poly))
        }
    }

    fn check_pos(v: Vec3, name: &'static str) -> Result<(), QueryError> {
        if v.iter().all(|c| c.is_finite()) {
            Ok(())
        } else {
            Err(QueryError::InvalidParam(name))
        }
    }

    // ---- point queries ---------------------------------------------------------

    /// The polygon nearest to `center` among those whose bounds overlap
    /// `center ± half_extents` and that pass `filter`, with the closest point on it.
    ///
    /// # Errors
    /// `InvalidParam` for non-finite input or negative extents, `NotFound` when no polygon is in the box.
    pub fn find_nearest_poly(&self, center: Vec3, half_extents: Vec3, filter: &QueryFilter) -> Result<(u32, Vec3), QueryError> {
        Self::check_pos(center, "center")?;
        Self::check_pos(half_extents, "half_extents")?;
        if half_extents.iter().any(|&e| e < 0.0) {
            return Err(QueryError::InvalidParam("half_extents"));
        }
        let mesh = &*self.mesh;
        mesh.nearest_poly_raw(center, half_extents, |p| filter.passes(mesh.flags(p))).ok_or(QueryError::NotFound)
    }

    /// Closest point on polygon `poly` to `pos` and whether `pos` lies over it in XZ.
    ///
    /// # Errors
    /// `InvalidPoly`, `InvalidParam`.
    pub fn closest_point_on_poly(&self, poly: u32, pos: Vec3) -> Result<(Vec3, bool), QueryError> {
        self.check_node(poly)?;
        Self::check_pos(pos, "pos")?;
        self.mesh.closest_point_on_poly(poly, pos).ok_or(QueryError::InvalidPoly(poly))
    }

    /// Closest point on the boundary of `poly` (or `pos` itself, lifted to the surface, when inside).
    ///
    /// # Errors
    /// `InvalidPoly`, `InvalidParam`.
    pub fn closest_point_on_poly_boundary(&self, poly: u32, pos: Vec3) -> Result<Vec3, QueryError> {
        self.closest_point_on_poly(poly, pos).map(|(p, _)| p)
    }

    /// Surface height of `poly` at `pos`.
    ///
    /// # Errors
    /// `InvalidPoly`, `InvalidParam`, `NotFound` when `pos` is not over the polygon.
    pub fn poly_height(&self, poly: u32, pos: Vec3) -> Result<f32, QueryError> {
        self.check_poly(poly)?;
        Self::check_pos(pos, "pos")?;
        self.mesh.poly_height(poly, pos).ok_or(QueryError::NotFound)
    }

    // ---- A* --------------------------------------------------------------------

    /// The portal between adjacent nodes `from` → `to` as (left, right).
    fn portal(&self, from: u32, to: u32, link: Link) -> (Vec3, Vec3) {
        let mesh = &*self.mesh;
        if mesh.is_off_mesh(from) {
            let c = mesh.offmesh_node(from).conn;
            let p = if link.edge == 0 { c.start } else { c.end };
            return (p, p);
        }
        if mesh.is_off_mesh(to) {
            let o = mesh.offmesh_node(to);
            let p = if o.start_poly == from { o.conn.start } else { o.conn.end };
            return (p, p);
        }
        let idx = mesh.poly_indices(from);
        let e = link.edge as usize;
        (mesh.vert(idx[e]), mesh.vert(idx[geom::next_corner(e, idx.len())]))
    }

    fn portal_between(&self, from: u32, to: u32) -> Option<(Vec3, Vec3)> {
        let link = *self.mesh.links(from).iter().find(|l| l.to == to)?;
        Some(self.portal(from, to, link))
    }

    /// A* over polygons from `start` to `end` (Detour's `findPath`: node
    /// positions at portal midpoints, cost = distance × area cost of the
    /// polygon left). When the goal is unreachable the path leads to the
    /// polygon closest to `end_pos` and `partial` is set.
    ///
    /// `path` is cleared and filled; once its capacity suffices no memory is allocated.
    ///
    /// # Errors
    /// `InvalidPoly`, `InvalidParam`.
    pub fn find_path(
        &mut self,
        start: u32,
        end: u32,
        start_pos: Vec3,
        end_pos: Vec3,
        filter: &QueryFilter,
        path: &mut Vec<u32>,
    ) -> Result<PathResult, QueryError> {
        path.clear();
        self.init_sliced_find_path(start, end, start_pos, end_pos, filter)?;
        self.update_sliced_find_path(u32::MAX)?;
        self.finalize_sliced_find_path(path)
    }

    /// Starts a sliced search (same semantics as [`find_path`](Self::find_path)).
    ///
    /// # Errors
    /// `InvalidPoly`, `InvalidParam`.
    pub fn init_sliced_find_path(
        &mut self,
        start: u32,
        end: u32,
        start_pos: Vec3,
        end_pos: Vec3,
        filter: &QueryFilter,
    ) -> Result<(), QueryError> {
        self.sliced.state = SlicedState::Idle;
        self.check_poly(start)?;
        self.check_poly(end)?;
        Self::check_pos(start_pos, "start_pos")?;
        Self::check_pos(end_pos, "end_pos")?;
        if filter.area_cost.iter().any(|c| !(c.is_finite() && *c >= 0.0)) {
            return Err(QueryError::InvalidParam("filter.area_cost"));
        }
        // A goal in another connected component cannot be reached: aim at the polygon of
        // the start's component closest to it instead (a goal-directed search, not an
        // exhaustive one), and report the result as partial.
        let mut end = end;
        let mut end_pos = end_pos;
        let unreachable = self.mesh.component(start) != self.mesh.component(end);
        if unreachable {
            let (p, q) = self.closest_in_component(start, end_pos, filter);
            end = p;
            end_pos = q;
        }
        self.pool.reset();
        let s = self.pool.get_node(start).ok_or(QueryError::InvalidParam("max_nodes"))?;
        let h = dist(start_pos, end_pos) * H_SCALE;
        self.pool.nodes[s as usize] =
            Node { pos: start_pos, cost: 0.0, total: h, parent: NONE, poly: start, state: OPEN, heap: NONE };
        self.pool.heap_push(s);
        self.sliced = Sliced {
            state: if start == end { SlicedState::Done } else { SlicedState::InProgress },
            end,
            end_pos,
            filter: *filter,
            last_best: s,
            last_best_h: h,
            out_of_nodes: false,
            unreachable,
        };
        Ok(())
    }

    /// The polygon of `start`'s component (passing `filter`, or `start` itself) nearest to `pos`, with the nearest point.
    fn closest_in_component(&self, start: u32, pos: Vec3, filter: &QueryFilter) -> (u32, Vec3) {
        let mesh = &*self.mesh;
        let mut best = (start, mesh.closest_point_on_poly(start, pos).map_or(pos, |r| r.0));
        let mut best_d = geom::sub(best.1, pos).iter().map(|c| c * c).sum::<f32>();
        for &p in mesh.component_polys(mesh.component(start)) {
            if !filter.passes(mesh.flags(p)) {
                continue;
            }
            let (lo, hi) = mesh.poly_bounds(p);
            let mut d = 0.0;
            for k in 0..3 {
                let e = (lo[k] - pos[k]).max(pos[k] - hi[k]).max(0.0);
                d += e * e;
            }
            if d >= best_d {
                continue;
            }
            if let Some((q, _)) = mesh.closest_point_on_poly(p, pos) {
                let d = geom::sub(q, pos).iter().map(|c| c * c).sum::<f32>();
                if d < best_d {
                    best_d = d;
                    best = (p, q);
                }
            }
        }
        best
    }

    /// Runs up to `max_iters` node expansions; returns the expansions done and the state.
    ///
    /// # Errors
    /// `WrongState` when no search is initialised.
    pub fn update_sliced_find_path(&mut self, max_iters: u32) -> Result<(u32, SlicedState), QueryError> {
        match self.sliced.state {
            SlicedState::Idle => return Err(QueryError::WrongState),
            SlicedState::Done => return Ok((0, SlicedState::Done)),
            SlicedState::InProgress => {}
        }
        let mesh = &*self.mesh;
        let end = self.sliced.end;
        let end_pos = self.sliced.end_pos;
        let filter = self.sliced.filter;
        let mut iters = 0u32;
        while iters < max_iters {
            let Some(best) = self.pool.heap_pop() else {
                self.sliced.state = SlicedState::Done;
                return Ok((iters, SlicedState::Done));
            };
            iters += 1;
            let bn = self.pool.nodes[best as usize];
            self.pool.nodes[best as usize].state = CLOSED;
            if bn.poly == end {
                self.sliced.last_best = best;
                self.sliced.state = SlicedState::Done;
                return Ok((iters, SlicedState::Done));
            }
            let parent_ref = if bn.parent == NONE { NONE } else { self.pool.nodes[bn.parent as usize].poly };
            let area_cost = filter.area_cost[mesh.area(bn.poly) as usize];
            let off_cost = if mesh.is_off_mesh(bn.poly) { mesh.offmesh_node(bn.poly).conn.cost } else { -1.0 };
            for &link in mesh.links(bn.poly) {
                let nei = link.to;
                if nei == parent_ref || !filter.passes(mesh.flags(nei)) {
                    continue;
                }
                let Some(ni) = self.pool.get_node(nei) else {
                    self.sliced.out_of_nodes = true;
                    continue;
                };
                let nn = self.pool.nodes[ni as usize];
                let npos = if nn.state == 0 {
                    self.pool.nodes[ni as usize].pos = link.mid;
                    link.mid
                } else {
                    nn.pos
                };
                let step = if off_cost >= 0.0 { off_cost } else { dist(bn.pos, npos) };
                let (cost, heuristic) = if nei == end {
                    let end_cost = dist(npos, end_pos) * filter.area_cost[mesh.area(nei) as usize];
                    (bn.cost + step * area_cost + end_cost, 0.0)
                } else {
                    (bn.cost + step * area_cost, dist(npos, end_pos) * H_SCALE)
                };
                let total = cost + heuristic;
                if nn.state != 0 && total >= nn.total {
                    continue;
                }
                let node = &mut self.pool.nodes[ni as usize];
                node.parent = best;
                node.cost = cost;
                node.total = total;
                if nn.state == OPEN {
                    self.pool.heap_decrease(ni);
                } else {
                    node.state = OPEN;
                    self.pool.heap_push(ni);
                }
                if heuristic < self.sliced.last_best_h {
                    self.sliced.last_best_h = heuristic;
                    self.sliced.last_best = ni;
                }
            }
        }
        Ok((iters, self.sliced.state))
    }

    /// State of the sliced search.
    pub fn sliced_state(&self) -> SlicedState {
        self.sliced.state
    }

    /// Writes the path found so far (partial if the goal was not reached) and ends the sliced search.
    ///
    /// # Errors
    /// `WrongState` when no search is initialised.
    pub fn finalize_sliced_find_path(&mut self, path: &mut Vec<u32>) -> Result<PathResult, QueryError> {
        path.clear();
        if self.sliced.state == SlicedState::Idle {
            return Err(QueryError::WrongState);
        }
        let end_node = self.sliced.last_best;
        let mut n = end_node;
        while n != NONE {
            path.push(self.pool.nodes[n as usize].poly);
            n = self.pool.nodes[n as usize].parent;
        }
        path.reverse();
        let partial = self.sliced.unreachable || self.pool.nodes[end_node as usize].poly != self.sliced.end;
        let out_of_nodes = self.sliced.out_of_nodes;
        self.sliced.state = SlicedState::Idle;
        Ok(PathResult { partial, out_of_nodes })
    }

    // ---- straight path -----------------------------------------------------------

    /// String-pulls `path` (from [`find_path`](Self::find_path)) into corner
    /// points with Detour's funnel on XZ; the points lie on the surface.
    /// `options` may add vertices at area changes or at every portal
    /// crossing (`STRAIGHTPATH_*`). Returns whether the path was cut short
    /// because consecutive polygons were not adjacent (a partial result).
    ///
    /// # Errors
    /// `InvalidParam` for an empty path or bad positions, `InvalidPoly` for a bad polygon.
    pub fn find_straight_path(
        &self,
        start_pos: Vec3,
        end_pos: Vec3,
        path: &[u32],
        options: u32,
        out: &mut Vec<StraightPoint>,
    ) -> Result<bool, QueryError> {
        out.clear();
        if path.is_empty() {
            return Err(QueryError::InvalidParam("path"));
        }
        if options & !(STRAIGHTPATH_AREA_CROSSINGS | STRAIGHTPATH_ALL_CROSSINGS) != 0 {
            return Err(QueryError::InvalidParam("options"));
        }
        Self::check_pos(start_pos, "start_pos")?;
        Self::check_pos(end_pos, "end_pos")?;
        for &p in path {
            self.check_node(p)?;
        }
        let crossings = options != 0;
        let closest_start = self.closest_point_on_poly_boundary(path[0], start_pos)?;
        let mut closest_end = self.closest_point_on_poly_boundary(path[path.len() - 1], end_pos)?;
        append(out, closest_start, STRAIGHT_START, path[0]);
        let n = path.len();
        if n > 1 {
            let mut apex = closest_start;
            let mut pleft = apex;
            let mut pright = apex;
            let (mut apex_i, mut left_i, mut right_i) = (0usize, 0usize, 0usize);
            let (mut left_ref, mut right_ref) = (path[0], path[0]);
            let (mut left_off, mut right_off) = (false, false);
            let mut i = 0usize;
            while i < n {
                let (left, right, to_off);
                if i + 1 < n {
                    match self.portal_between(path[i], path[i + 1]) {
                        Some((l, r)) => {
                            left = l;
                            right = r;
                            to_off = self.mesh.is_off_mesh(path[i + 1]);
                        }
                        None => {
                            closest_end = self.closest_point_on_poly_boundary(path[i], end_pos)?;
                            if crossings {
                                self.append_portals(apex_i, i, closest_end, path, options, out);
                            }
                            append(out, closest_end, 0, path[i]);
                            return Ok(true);
                        }
                    }
                    if i == 0 && dist_pt_seg_sqr_2d(apex, left, right).0 < 0.001 * 0.001 {
                        i += 1;
                        continue;
                    }
                } else {
                    left = closest_end;
                    right = closest_end;
                    to_off = false;
                }
                // Right vertex.
                if tri_area_2d(apex, pright, right) <= 0.0 {
                    if vequal(apex, pright) || tri_area_2d(apex, pleft, right) > 0.0 {
                        pright = right;
                        right_ref = if i + 1 < n { path[i + 1] } else { NO_POLY };
                        right_off = to_off;
                        right_i = i;
                    } else {
                        if crossings {
                            self.append_portals(apex_i, left_i, pleft, path, options, out);
                        }
                        apex = pleft;
                        apex_i = left_i;
                        append(out, apex, corner_flags(left_ref, left_off), left_ref);
                        pleft = apex;
                        pright = apex;
                        left_i = apex_i;
                        right_i = apex_i;
                        i = apex_i + 1;
                        continue;
                    }
                }
                // Left vertex.
                if tri_area_2d(apex, pleft, left) >= 0.0 {
                    if vequal(apex, pleft) || tri_area_2d(apex, pright, left) < 0.0 {
                        pleft = left;
                        left_ref = if i + 1 < n { path[i + 1] } else { NO_POLY };
                        left_off = to_off;
                        left_i = i;
                    } else {
                        if crossings {
                            self.append_portals(apex_i, right_i, pright, path, options, out);
                        }
                        apex = pright;
                        apex_i = right_i;
                        append(out, apex, corner_flags(right_ref, right_off), right_ref);
                        pleft = apex;
                        pright = apex;
                        left_i = apex_i;
                        right_i = apex_i;
                        i = apex_i + 1;
                        continue;
                    }
                }
                i += 1;
            }
            if crossings {
                self.append_portals(apex_i, n - 1, closest_end, path, options, out);
            }
        }
        append(out, closest_end, STRAIGHT_END, NO_POLY);
        Ok(false)
    }

    fn append_portals(&self, start_i: usize, end_i: usize, end_pos: Vec3, path: &[u32], options: u32, out: &mut Vec<StraightPoint>) {
        let start_pos = out[out.len() - 1].pos;
        for i in start_i..end_i {
            let (from, to) = (path[i], path[i + 1]);
            let Some((left, right)) = self.portal_between(from, to) else { return };
            if options & STRAIGHTPATH_ALL_CROSSINGS == 0 && self.mesh.area(from) == self.mesh.area(to) {
                continue;
            }
            if let Some((_, t)) = geom::intersect_seg_seg_2d(start_pos, end_pos, left, right) {
                if (0.0..=1.0).contains(&t) {
                    append(out, lerp(left, right, t), 0, to);
                }
            }
        }
    }

    // ---- raycast and surface motion ----------------------------------------------

    /// Casts a ray along the surface from `start` (on polygon `start_ref`)
    /// towards `end` in XZ (Detour's `raycast`). Visited polygons go to
    /// `visited` (up to its length; `RaycastHit::visited` is the full count).
    ///
    /// # Errors
    /// `InvalidPoly`, `InvalidParam`.
    pub fn raycast(
        &self,
        start_ref: u32,
        start: Vec3,
        end: Vec3,
        filter: &QueryFilter,
        visited: &mut [u32],
    ) -> Result<RaycastHit, QueryError> {
        self.check_poly(start_ref)?;
        Self::check_pos(start, "start")?;
        Self::check_pos(end, "end")?;
        let mesh = &*self.mesh;
        let mut hit = RaycastHit { t: 0.0, normal: [0.0; 3], visited: 0 };
        let mut cur = start_ref;
        let mut prev = NO_POLY;
        let mut rescued = false;
        // A ray can re-enter no polygon; this bound only guards against float cycles.
        let guard = mesh.poly_count() as usize + 1;
        while cur != NO_POLY && hit.visited <= guard {
            let idx = mesh.poly_indices(cur);
            let nv = idx.len();
            let corner = |i: usize| mesh.vert(idx[i]);
            let Some((_tmin, tmax, _smin, smax)) = geom::intersect_segment_poly_2d_by(start, end, nv, corner) else {
                if hit.visited == 0 && !rescued {
                    rescued = true;
                    // The start lies on the start polygon's boundary and the ray leaves it at
                    // once: continue in the neighbour (sharing that boundary) where it goes furthest.
                    let mut best = (NO_POLY, 0.0f32);
                    for &n in mesh.poly_neighbours(cur) {
                        if n != NO_POLY && n != prev && filter.passes(mesh.flags(n)) {
                            let r = self.ray_reach(n, start, end);
                            if r > best.1 {
                                best = (n, r);
                            }
                        }
                    }
                    if best.0 != NO_POLY {
                        prev = cur;
                        cur = best.0;
                        continue;
                    }
                }
                return Ok(hit);
            };
            if tmax > hit.t {
                hit.t = tmax;
            }
            if let Some(slot) = visited.get_mut(hit.visited) {
                *slot = cur;
            }
            hit.visited += 1;
            if smax == -1 {
                hit.t = f32::MAX;
                return Ok(hit);
            }
            let e = smax as usize;
            let e1 = geom::next_corner(e, nv);
            let neis = mesh.poly_neighbours(cur);
            let open = |n: u32| n != NO_POLY && n != prev && filter.passes(mesh.flags(n));
            // Leaving exactly through a corner: every polygon round that corner is a candidate;
            // take the one in which the ray goes on furthest.
            let x = lerp(start, end, tmax);
            let tol = 1e-4f32 * 1e-4;
            let through_corner = if geom::dist_sqr_2d(x, corner(e1)) <= tol {
                Some(idx[e1])
            } else if geom::dist_sqr_2d(x, corner(e)) <= tol {
                Some(idx[e])
            } else {
                None
            };
            let mut nei = if open(neis[e]) { neis[e] } else { NO_POLY };
            if let Some(v) = through_corner {
                let mut best = if nei == NO_POLY { tmax } else { self.ray_reach(nei, start, end) };
                let mut fan = [NO_POLY; 16];
                let mut count = 0usize;
                fan[0] = cur;
                count += 1;
                let mut k = 0;
                while k < count {
                    let p = fan[k];
                    k += 1;
                    let idx = mesh.poly_indices(p);
                    let pn = mesh.poly_neighbours(p);
                    let m = idx.len();
                    for (s, &n) in pn.iter().enumerate() {
                        let touches = idx[s] == v || idx[geom::next_corner(s, m)] == v;
                        if !touches || n == NO_POLY || fan[..count].contains(&n) || count == fan.len() {
                            continue;
                        }
                        fan[count] = n;
                        count += 1;
                        if open(n) {
                            let r = self.ray_reach(n, start, end);
                            if r > best + 1e-6 {
                                best = r;
                                nei = n;
                            }
                        }
                    }
                }
            }
            if nei == NO_POLY {
                let (va, vb) = (corner(e), corner(e1));
                let (dx, dz) = (vb[0] - va[0], vb[2] - va[2]);
                let len = (dx * dx + dz * dz).sqrt().max(1e-12);
                hit.normal = [dz / len, 0.0, -dx / len];
                return Ok(hit);
            }
            prev = cur;
            cur = nei;
        }
        Ok(hit)
    }

    /// How far (segment parameter) the ray start→end runs inside polygon `poly` (f32::MIN when it misses it).
    fn ray_reach(&self, poly: u32, start: Vec3, end: Vec3) -> f32 {
        let idx = self.mesh.poly_indices(poly);
        geom::intersect_segment_poly_2d_by(start, end, idx.len(), |i| self.mesh.vert(idx[i])).map_or(f32::MIN, |r| r.1)
    }

    /// Moves from `start` (on `start_ref`) towards `end`, sliding along
    /// walls, within the circle spanned by the move (Detour's
    /// `moveAlongSurface`). Returns the reached point (on the surface) and
    /// fills `visited` with the polygons from start to the final one.
    ///
    /// # Errors
    /// `InvalidPoly`, `InvalidParam`.
    pub fn move_along_surface(
        &mut self,
        start_ref: u32,
        start: Vec3,
        end: Vec3,
        filter: &QueryFilter,
        visited: &mut Vec<u32>,
    ) -> Result<Vec3, QueryError> {
        visited.clear();
        self.check_poly(start_ref)?;
        Self::check_pos(start, "start")?;
        Self::check_pos(end, "end")?;
        self.sliced.state = SlicedState::Idle;
        self.pool.reset();
        let mesh = &*self.mesh;
        let s = self.pool.get_node(start_ref).ok_or(QueryError::InvalidParam("max_nodes"))?;
        self.pool.nodes[s as usize].state = CLOSED;
        self.stack.clear();
        self.stack.push(s);
        let mut head = 0usize;
        let mut best_pos = start;
        let mut best_d = f32::MAX;
        let mut best_node = NONE;
        // The surface height at the result, when known without another look at the polygon.
        let mut best_h = None;
        let search_pos = lerp(start, end, 0.5);
        let r = dist(start, end) * 0.5 + 0.001;
        let search_rad_sqr = r * r;
        let mut buf = [[0.0f32; 3]; MAX_POLY_VERTS];
        while head < self.stack.len() {
            let cur = self.stack[head];
            head += 1;
            let cur_ref = self.pool.nodes[cur as usize].poly;
            let nv = mesh.corners_into(cur_ref, &mut buf);
            if geom::point_in_poly_2d(end, &buf[..nv]) {
                best_node = cur;
                best_pos = end;
                best_h = Some(mesh.height_inside(cur_ref, &buf[..nv], end));
                break;
            }
            let neis = mesh.poly_neighbours(cur_ref);
            for j in 0..nv {
                let (vj, vi) = (buf[j], buf[geom::next_corner(j, nv)]);
                let nei = neis[j];
                if nei == NO_POLY || !filter.passes(mesh.flags(nei)) {
                    let (d, t) = dist_pt_seg_sqr_2d(end, vj, vi);
                    if d < best_d {
                        best_pos = lerp(vj, vi, t);
                        best_d = d;
                        best_node = cur;
                        // On the polygon's edge: the edge's own height, unless a detail mesh refines it.
                        best_h = mesh.detail_tris(cur_ref).is_none().then_some(best_pos[1]);
                    }
                } else {
                    let Some(ni) = self.pool.get_node(nei) else { continue };
                    if self.pool.nodes[ni as usize].state & CLOSED != 0 {
                        continue;
                    }
                    if dist_pt_seg_sqr_2d(search_pos, vj, vi).0 > search_rad_sqr {
                        continue;
                    }
                    self.pool.nodes[ni as usize].parent = cur;
                    self.pool.nodes[ni as usize].state = CLOSED;
                    self.stack.push(ni);
                }
            }
        }
        let mut n = best_node;
        while n != NONE {
            visited.push(self.pool.nodes[n as usize].poly);
            n = self.pool.nodes[n as usize].parent;
        }
        visited.reverse();
        let h = best_h.unwrap_or_else(|| {
            let last = *visited.last().unwrap_or(&start_ref);
            mesh.poly_height(last, best_pos).unwrap_or(best_pos[1])
        });
        Ok([best_pos[0], h, best_pos[2]])
    }

    // ---- local area queries ----------------------------------------------------

    /// Dijkstra from `start_ref` over polygons whose shared edge comes
    /// within `radius` of `center` (Detour's `findPolysAroundCircle`).
    /// Fills `out` with (polygon, parent or `NO_POLY`, cost from the centre).
    ///
    /// # Errors
    /// `InvalidPoly`, `InvalidParam` (non-finite, negative radius).
    pub fn find_polys_around_circle(
        &mut self,
        start_ref: u32,
        center: Vec3,
        radius: f32,
        filter: &QueryFilter,
        out: &mut Vec<(u32, u32, f32)>,
    ) -> Result<PathResult, QueryError> {
        out.clear();
        let mut result = PathResult::default();
        self.dijkstra(start_ref, center, radius, filter, false, &mut result, |q, node| {
            let n = q.pool.nodes[node as usize];
            let parent = if n.parent == NONE { NO_POLY } else { q.pool.nodes[n.parent as usize].poly };
            out.push((n.poly, parent, n.total));
        })?;
        Ok(result)
    }

    /// Distance from `center` (on `start_ref`) to the nearest wall within `max_radius`.
    ///
    /// # Errors
    /// `InvalidPoly`, `InvalidParam`.
    pub fn find_distance_to_wall(
        &mut self,
        start_ref: u32,
        center: Vec3,
        max_radius: f32,
        filter: &QueryFilter,
    ) -> Result<WallHit, QueryError> {
        let mut result = PathResult::default();
        let mut radius_sqr = max_radius * max_radius;
        let mut hit_pos = center;
        let mut found = false;
        self.dijkstra_with_radius(start_ref, center, max_radius, filter, true, &mut result, &mut radius_sqr, |mesh, node_poly, radius_sqr| {
            let idx = mesh.poly_indices(node_poly);
            let neis = mesh.poly_neighbours(node_poly);
            let nv = idx.len();
            for j in 0..nv {
                let nei = neis[j];
                if nei != NO_POLY && filter.passes(mesh.flags(nei)) {
                    continue;
                }
                let (va, vb) = (mesh.vert(idx[j]), mesh.vert(idx[geom::next_corner(j, nv)]));
                let (d, t) = dist_pt_seg_sqr_2d(center, va, vb);
                if d > *radius_sqr {
                    continue;
                }
                *radius_sqr = d;
                hit_pos = lerp(va, vb, t);
                found = true;
            }
        })?;
        let mut normal = [0.0; 3];
        if found {
            let d = [center[0] - hit_pos[0], 0.0, center[2] - hit_pos[2]];
            let len = (d[0] * d[0] + d[2] * d[2]).sqrt();
            if len > 0.0 {
                normal = [d[0] / len, 0.0, d[2] / len];
            }
        }
        Ok(WallHit { distance: radius_sqr.sqrt(), pos: hit_pos, normal })
    }

    #[allow(clippy::too_many_arguments)]
    fn dijkstra(
        &mut self,
        start_ref: u32,
        center: Vec3,
        radius: f32,
        filter: &QueryFilter,
        skip_offmesh: bool,
        result: &mut PathResult,
        mut on_close: impl FnMut(&Self, u32),
    ) -> Result<(), QueryError> {
        let mut r2 = radius * radius;
        self.dijkstra_core(start_ref, center, radius, filter, skip_offmesh, result, &mut r2, |q, n, _| on_close(q, n))
    }

    #[allow(clippy::too_many_arguments)]
    fn dijkstra_with_radius(
        &mut self,
        start_ref: u32,
        center: Vec3,
        radius: f32,
        filter: &QueryFilter,
        skip_offmesh: bool,
        result: &mut PathResult,
        radius_sqr: &mut f32,
        mut on_close: impl FnMut(&NavMesh, u32, &mut f32),
    ) -> Result<(), QueryError> {
        self.dijkstra_core(start_ref, center, radius, filter, skip_offmesh, result, radius_sqr, |q, n, r| {
            on_close(&q.mesh, q.pool.nodes[n as usize].poly, r)
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn dijkstra_core(
        &mut self,
        start_ref: u32,
        center: Vec3,
        radius: f32,
        filter: &QueryFilter,
        skip_offmesh: bool,
        result: &mut PathResult,
        radius_sqr: &mut f32,
        mut on_close: impl FnMut(&Self, u32, &mut f32),
    ) -> Result<(), QueryError> {
        self.check_poly(start_ref)?;
        Self::check_pos(center, "center")?;
        if !(radius.is_finite() && radius >= 0.0) {
            return Err(QueryError::InvalidParam("radius"));
        }
        self.sliced.state = SlicedState::Idle;
        self.pool.reset();
        let mesh = &*self.mesh;
        let s = self.pool.get_node(start_ref).ok_or(QueryError::InvalidParam("max_nodes"))?;
        self.pool.nodes[s as usize] = Node { pos: center, cost: 0.0, total: 0.0, parent: NONE, poly: start_ref, state: OPEN, heap: NONE };
        self.pool.heap_push(s);
        while let Some(best) = self.pool.heap_pop() {
            self.pool.nodes[best as usize].state = CLOSED;
            on_close(self, best, radius_sqr);
            let bn = self.pool.nodes[best as usize];
            let parent_ref = if bn.parent == NONE { NONE } else { self.pool.nodes[bn.parent as usize].poly };
            for &link in mesh.links(bn.poly) {
                let nei = link.to;
                if nei == parent_ref || (skip_offmesh && mesh.is_off_mesh(nei)) {
                    continue;
                }
                let (va, vb) = self.portal(bn.poly, nei, link);
                if dist_pt_seg_sqr_2d(center, va, vb).0 > *radius_sqr {
                    continue;
                }
                if !filter.passes(mesh.flags(nei)) {
                    continue;
                }
                let Some(ni) = self.pool.get_node(nei) else {
                    result.out_of_nodes = true;
                    continue;
                };
                let nn = self.pool.nodes[ni as usize];
                if nn.state & CLOSED != 0 {
                    continue;
                }
                let npos = if nn.state == 0 {
                    let p = lerp(va, vb, 0.5);
                    self.pool.nodes[ni as usize].pos = p;
                    p
                } else {
                    nn.pos
                };
                let total = bn.total + dist(bn.pos, npos) * filter.area_cost[mesh.area(bn.poly) as usize];
                if nn.state == OPEN && total >= nn.total {
                    continue;
                }
                let node = &mut self.pool.nodes[ni as usize];
                node.parent = best;
                node.total = total;
                if nn.state == OPEN {
                    self.pool.heap_decrease(ni);
                } else {
                    node.state = OPEN;
                    self.pool.heap_push(ni);
                }
            }
        }
        Ok(())
    }

    // ---- random points -----------------------------------------------------------

    /// A random point on the mesh, uniform by XZ area over polygons passing
    /// `filter` (polygon chosen by the mesh's alias table, rejection for the filter).
    ///
    /// # Errors
    /// `NotFound` when no passable polygon was hit in 256 tries.
    pub fn find_random_point(&self, filter: &QueryFilter, rng: &mut Rng) -> Result<(u32, Vec3), QueryError> {
        let mesh = &*self.mesh;
        let sampler = mesh.sampler().ok_or(QueryError::NotFound)?;
        for _ in 0..256 {
            let p = sampler.sample(rng);
            if !filter.passes(mesh.flags(p)) {
                continue;
            }
            return Ok((p, self.random_point_in_poly(p, rng)));
        }
        Err(QueryError::NotFound)
    }

    fn random_point_in_poly(&self, poly: u32, rng: &mut Rng) -> Vec3 {
        let mut buf = [[0.0f32; 3]; MAX_POLY_VERTS];
        let n = self.mesh.corners_into(poly, &mut buf);
        let pts = &buf[..n];
        let mut areas = [0.0f32; MAX_POLY_VERTS];
        let mut sum = 0.0f32;
        for i in 2..n {
            areas[i] = tri_area_2d(pts[0], pts[i - 1], pts[i]).max(0.0);
            sum += areas[i];
        }
        let s = rng.next_f32();
        let t = rng.next_f32();
        let thr = s * sum;
        let mut acc = 0.0f32;
        let (mut u, mut tri) = (1.0f32, n - 1);
        for (i, &a) in areas.iter().enumerate().take(n).skip(2) {
            if thr >= acc && thr < acc + a {
                u = (thr - acc) / a;
                tri = i;
                break;
            }
            acc += a;
        }
        let v = t.sqrt();
        let (a, b, c) = (1.0 - v, (1.0 - u) * v, u * v);
        let (pa, pb, pc) = (pts[0], pts[tri - 1], pts[tri]);
        let p = [a * pa[0] + b * pb[0] + c * pc[0], 0.0, a * pa[2] + b * pb[2] + c * pc[2]];
        [p[0], self.mesh.height_inside(poly, pts, p), p[2]]
    }

    /// A random point within `radius` of `center` (XZ) on polygons reachable
    /// from `start_ref` inside the circle: a polygon is picked by area among
    /// those found, a point in it uniformly, and points outside the circle
    /// are rejected. After 64 rejections (a circle much smaller than its
    /// polygons) the closest point to `center` on `start_ref` is returned.
    ///
    /// # Errors
    /// `InvalidPoly`, `InvalidParam`.
    pub fn find_random_point_around_circle(
        &mut self,
        start_ref: u32,
        center: Vec3,
        radius: f32,
        filter: &QueryFilter,
        rng: &mut Rng,
    ) -> Result<(u32, Vec3), QueryError> {
        let mut circle = std::mem::take(&mut self.circle);
        circle.clear();
        let mut result = PathResult::default();
        let r = self.dijkstra(start_ref, center, radius, filter, true, &mut result, |q, node| {
            let p = q.pool.nodes[node as usize].poly;
            let prev = circle.last().map_or(0.0, |c| c.1);
            circle.push((p, prev + q.mesh.poly_area(p)));
        });
        if let Err(e) = r {
            self.circle = circle;
            return Err(e);
        }
        let total = circle.last().map_or(0.0, |c| c.1);
        let mut answer = None;
        if total > 0.0 {
            for _ in 0..64 {
                let x = rng.next_f32() * total;
                let k = circle.partition_point(|c| c.1 <= x).min(circle.len() - 1);
                let p = circle[k].0;
                let q = self.random_point_in_poly(p, rng);
                if geom::dist_sqr_2d(q, center) <= radius * radius {
                    answer = Some((p, q));
                    break;
                }
            }
        }
        self.circle = circle;
        match answer {
            Some(a) => Ok(a),
            None => {
                let (q, _) = self.closest_point_on_poly(start_ref, center)?;
                Ok((start_ref, q))
            }
        }
    }

    // ---- optimal paths -------------------------------------------------------------

    /// Exact any-angle Euclidean shortest path in the XZ projection
    /// (Polyanya) from `start_pos` on `start` to `end_pos` on `end`, over
    /// polygons passing `filter` (area costs are ignored: the metric is
    /// length). Fills `out` with the corner points (start and end included,
    /// heights from the surface) and returns the XZ length, or `None` when
    /// `end` is unreachable. Off-mesh connections are not used.
    ///
    /// # Errors
    /// `InvalidPoly`, `InvalidParam`.
    pub fn find_optimal_path(
        &mut self,
        start: u32,
        end: u32,
        start_pos: Vec3,
        end_pos: Vec3,
        filter: &QueryFilter,
        out: &mut Vec<Vec3>,
    ) -> Result<(Option<f32>, PathResult), QueryError> {
        out.clear();
        self.check_poly(start)?;
        self.check_poly(end)?;
        Self::check_pos(start_pos, "start_pos")?;
        Self::check_pos(end_pos, "end_pos")?;
        let s = self.mesh.closest_point_on_poly(start, start_pos).map(|r| r.0).unwrap_or(start_pos);
        let e = self.mesh.closest_point_on_poly(end, end_pos).map(|r| r.0).unwrap_or(end_pos);
        Ok(self.optimal.search(&self.mesh, start, end, s, e, filter, out))
    }
}

/// Flags of a funnel corner entered from polygon `poly`: the end when no
/// polygon follows, an off-mesh link's start when it leaves through one.
fn corner_flags(poly: u32, off_mesh: bool) -> u8 {
    if poly == NO_POLY {
        STRAIGHT_END
    } else if off_mesh {
        STRAIGHT_OFFMESH
    } else {
        0
    }
}

fn append(out: &mut Vec<StraightPoint>, pos: Vec3, flags: u8, poly: u32) {
    if let Some(last) = out.last_mut() {
        if vequal(last.pos, pos) {
            last.flags = flags | (last.flags & STRAIGHT_START);
            last.poly = poly;
            return;
        }
    }
    out.push(StraightPoint { pos, flags, poly });
}

