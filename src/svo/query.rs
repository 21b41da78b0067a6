//! Per-thread queries: A* over the octree's free nodes, string pulling,
//! nearest free point.

use super::{leaf_bit, leaf_xyz, level_size, Link, Loc, Svo, VoxelLookup};
use std::fmt;
use std::sync::Arc;

/// The distance estimate that guides [`SvoQuery::find_path`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Heuristic {
    /// 3D octile distance: the length of the shortest 26-connected grid
    /// path with no obstacles (steps 1, sqrt 2, sqrt 3). Among voxels it
    /// tells equally long grid paths apart far less often than the
    /// straight line, so the search expands fewer voxels near obstacles;
    /// through larger nodes (crossed straight) it overestimates by up to
    /// about 13 %, which acts like extra weight. The fastest choice; paths
    /// come out slightly longer than with `Euclidean` (mean length 0.6 to
    /// 0.8 % more on the Moving AI maps).
    #[default]
    Octile,
    /// Straight-line distance: never overestimates, so paths stay closest
    /// to the optimum, but near obstacles the search fans out over many
    /// voxels whose grid paths are equally long.
    Euclidean,
}

impl Heuristic {
    /// The estimate from `a` to `b` (voxel units).
    fn distance(self, a: [f64; 3], b: [f64; 3]) -> f64 {
        match self {
            Heuristic::Euclidean => dist(a, b),
            Heuristic::Octile => octile(a, b),
        }
    }
}

/// Options of [`SvoQuery::find_path`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathOptions {
    /// Multiplier of the heuristic (>= 0). 1 with the Euclidean heuristic
    /// keeps A* optimal on the node graph; a weight `w` bounds the node
    /// path at `w` times the best node path and expands fewer nodes. The
    /// best node path follows the 26-connected grid optimum closely (voxels
    /// take the grid's 26 steps, larger nodes are crossed straight), so the
    /// default 1.1 keeps paths near that optimum; larger weights let the
    /// search settle for the wrong side of an obstacle, which smoothing
    /// cannot undo.
    pub heuristic_weight: f32,
    /// The distance estimate (default: octile).
    pub heuristic: Heuristic,
    /// Extra cost, in voxels, of entering a node of level `l`, times
    /// `root_level - l`: positive values steer the search through large free
    /// nodes and away from single voxels (>= 0; 0 = pure distance).
    pub layer_penalty: f32,
    /// Shorten the path by line-of-sight string pulling.
    pub smooth: bool,
}

impl Default for PathOptions {
    fn default() -> Self {
        PathOptions { heuristic_weight: 1.1, heuristic: Heuristic::Octile, layer_penalty: 0.0, smooth: true }
    }
}

/// Outcome of a path search.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PathInfo {
    /// A path to the goal was found (false: the goal is unreachable, or the
    /// node pool ran out and `partial` is set).
    pub found: bool,
    /// The node pool ran out; the path leads to the node closest to the goal.
    pub partial: bool,
    /// Length of the returned polyline in world units.
    pub length: f32,
    /// Number of nodes expanded by A* (both runs when a search that ran
    /// dry was repeated without pruning).
    pub expanded: u32,
}

/// Why a query was rejected.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryError {
    /// A point or option is NaN or infinite, or an option is out of range.
    InvalidParam(String),
    /// A point lies outside the octree's bounds.
    OutOfBounds(&'static str),
    /// A point lies inside a blocked voxel.
    InSolid(&'static str),
    /// No free voxel within the search radius.
    NotFound,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::InvalidParam(m) => write!(f, "{m}"),
            QueryError::OutOfBounds(w) => write!(f, "`{w}` lies outside the octree bounds"),
            QueryError::InSolid(w) => write!(f, "`{w}` lies inside a blocked voxel"),
            QueryError::NotFound => write!(f, "no free voxel within the search radius"),
        }
    }
}

impl std::error::Error for QueryError {}

/// A free node of the graph: its level, link and voxel-space box.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Node {
    level: u32,
    link: Link,
    origin: [u32; 3],
}

impl Node {
    fn size(&self) -> u32 {
        level_size(self.level)
    }
    fn center(&self) -> [f64; 3] {
        let h = self.size() as f64 * 0.5;
        std::array::from_fn(|a| self.origin[a] as f64 + h)
    }
}

#[derive(Debug, Clone, Copy)]
struct Rec {
    node: Node,
    /// Where the search entered the node: a point of the face it crossed
    /// (a voxel: its centre; a node entered diagonally from a voxel: that
    /// voxel's diagonal neighbour's centre; the start node: the start).
    pos: [f32; 3],
    /// With `has_via`: the path skips the parent's entry point and enters
    /// the parent at `via` instead (on the face it shares with its own
    /// parent), straight from the grandparent's entry point.
    via: [f32; 3],
    has_via: bool,
    g: f32,
    parent: u32,
}

const NONE: u32 = u32::MAX;

/// Slots of the node map a query starts with.
const MIN_TABLE: usize = 1024;

/// One slot of the node map; empty unless `stamp` is the current one.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    stamp: u32,
    key: u32,
    val: u32,
}

/// A direct-mapped memo of [`Svo::block_at`] answers.
struct BlockMemo {
    /// Packed block coordinates plus one (0 = empty slot).
    keys: Vec<u64>,
    vals: Vec<Block>,
}

impl BlockMemo {
    const SIZE: usize = 1024;

    fn new() -> BlockMemo {
        BlockMemo { keys: vec![0; Self::SIZE], vals: vec![Block::Solid; Self::SIZE] }
    }

    /// What fills block `b` (block coordinates, each below 2^20).
    fn get(&mut self, svo: &Svo, b: [i64; 3]) -> Block {
        if b.iter().any(|&c| c < 0) {
            return Block::Solid;
        }
        let key = (b[0] as u64 | (b[1] as u64) << 20 | (b[2] as u64) << 40) + 1;
        let i = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) as usize;
        if self.keys[i] != key {
            self.keys[i] = key;
            self.vals[i] = svo.block_at(b);
        }
        self.vals[i]
    }
}

/// Segment tests in string pulling look voxels up through the memo (a hash
/// probe instead of a descent from the root).
impl VoxelLookup for BlockMemo {
    fn blocked(&mut self, svo: &Svo, v: [i64; 3]) -> bool {
        match self.get(svo, v.map(|c| c >> 2)) {
            Block::Solid => true,
            Block::Free(_) => false,
            Block::Leaf(e) => svo.leaves[e as usize] >> leaf_bit(v[0] as u32, v[1] as u32, v[2] as u32) & 1 != 0,
        }
    }
    fn free_node(&mut self, svo: &Svo, v: [u32; 3]) -> Option<([u32; 3], u32)> {
        match self.get(svo, v.map(|c| i64::from(c >> 2))) {
            Block::Free(n) => Some((n.origin, n.size())),
            _ => None,
        }
    }
}

/// One step of the search out of a node: the node reached, the point where
/// the path arrives in it and the length of the way there.
#[derive(Debug, Clone, Copy)]
struct Move {
    node: Node,
    /// Where the path leaves the current node.
    exit: [f64; 3],
    entry: [f64; 3],
    cost: f64,
}

/// A way into an expanded node from its parent's entry point, re-placed
/// for each step out of it ([`SvoQuery::reentry`]).
struct Reentry {
    /// The parent's node, entry point and `g`.
    up: Node,
    from: [f64; 3],
    g: f64,
    /// The face the parent's node shares with the expanded one.
    portal: (usize, [f64; 3], [f64; 3]),
}

impl Reentry {
    /// For a path that leaves node `n` at `exit`: the point of the shared
    /// face that shortens parent entry -> crossing -> `exit`, and that
    /// length, when it is shorter than `limit`. None when a straight leg
    /// would run along a face.
    fn route(&self, n: &Node, exit: [f64; 3], limit: f64) -> Option<([f64; 3], f64)> {
        // Never shorter than the straight line: most candidates end here
        // without a square root.
        let straight: f64 = (0..3).map(|k| (exit[k] - self.from[k]).powi(2)).sum();
        if limit <= 0.0 || straight >= limit * limit {
            return None;
        }
        let e = stored(cross_point(self.from, exit, self.portal));
        if same_face(n, e, exit) || same_face(&self.up, self.from, e) {
            return None;
        }
        let len = dist(self.from, e) + dist(e, exit);
        (len < limit).then_some((e, len))
    }
}

/// The free voxels of a stored leaf on its face towards a larger node that
/// is being expanded. A larger node next to leaves has many voxel
/// neighbours, few of which the search ever needs: each leaf face waits in
/// the open list as one entry, with a priority no voxel of it can beat, and
/// its voxels are offered (as steps out of the node) only when it comes up.
#[derive(Debug, Clone, Copy)]
struct LeafFace {
    leaf: u32,
    origin: [u32; 3],
    axis: usize,
    /// The leaf's face on the high side of `axis` (the node lies above it).
    high: bool,
    /// Pool index of the node.
    node: u32,
}

impl LeafFace {
    /// The box of the face's voxel centres, and the rectangle of the exits
    /// (the node's boundary) in front of them.
    fn centres_and_exits(&self) -> (Box3, Box3) {
        let lo: [f64; 3] = self.origin.map(|c| c as f64 + 0.5);
        let hi: [f64; 3] = self.origin.map(|c| c as f64 + 3.5);
        let a = self.axis;
        let (layer, plane) = if self.high { (hi[a], hi[a] + 0.5) } else { (lo[a], lo[a] - 0.5) };
        let with = |mut p: [f64; 3], v: f64| {
            p[a] = v;
            p
        };
        ((with(lo, layer), with(hi, layer)), (with(lo, plane), with(hi, plane)))
    }
}

/// The face neighbours of a larger node: free nodes, and leaf faces.
#[derive(Debug, Default)]
struct Around {
    nodes: Vec<Node>,
    faces: Vec<LeafFace>,
}

/// A box given by its low and high corners.
type Box3 = ([f64; 3], [f64; 3]);

/// `FACE_BITS[axis][high]`: the bits of a leaf's voxels on its low / high
/// face across `axis`.
const FACE_BITS: [[u64; 2]; 3] = {
    let mut out = [[0u64; 2]; 3];
    let mut bit = 0;
    while bit < 64 {
        let xyz = [(bit & 1) | (bit >> 2 & 2), (bit >> 1 & 1) | (bit >> 3 & 2), (bit >> 2 & 1) | (bit >> 4 & 2)];
        let mut a = 0;
        while a < 3 {
            if xyz[a] == 0 {
                out[a][0] |= 1 << bit;
            }
            if xyz[a] == 3 {
                out[a][1] |= 1 << bit;
            }
            a += 1;
        }
        bit += 1;
    }
    out
};

/// Heap entries for waiting leaf faces carry this bit above the index into
/// `SvoQuery::waiting`.
const WAITING: u32 = 1 << 31;

/// The fixed inputs of one A* run.
struct Target {
    node: Node,
    point: [f64; 3],
    weight: f64,
    heuristic: Heuristic,
    /// Layer penalty and root level ([`PathOptions::layer_penalty`]).
    penalty: f64,
    root: u32,
}

impl Target {
    /// The weighted estimate from `p` to the goal point.
    fn estimate(&self, p: [f64; 3]) -> f64 {
        self.weight * self.heuristic.distance(p, self.point)
    }
}

/// `p` moved into the box `lo..hi` (its nearest point there).
fn clamp3(p: [f64; 3], lo: [f64; 3], hi: [f64; 3]) -> [f64; 3] {
    std::array::from_fn(|k| p[k].clamp(lo[k], hi[k]))
}

/// The steps from node `n` (entered at `here`) into the free voxels of a
/// leaf face next to it, each through the centre of the voxel's face (its
/// whole portal), into `moves` (cleared first).
fn leaf_face_moves(n: &Node, here: [f64; 3], face: &LeafFace, leaves: &[u64], moves: &mut Vec<Move>) {
    moves.clear();
    let mut free = !leaves[face.leaf as usize] & FACE_BITS[face.axis][usize::from(face.high)];
    let out = if face.high { 0.5 } else { -0.5 };
    while free != 0 {
        let bit = free.trailing_zeros();
        free &= free - 1;
        let l = leaf_xyz(bit);
        let node = Node { level: 0, link: Link::new(0, face.leaf, bit), origin: std::array::from_fn(|k| face.origin[k] + l[k]) };
        let entry = node.center();
        let mut exit = entry;
        exit[face.axis] += out;
        moves.push(Move { node, exit, entry, cost: across(n, here, exit) + 0.5 });
    }
}

/// What one A* run ended with.
struct Search {
    /// Pool index of the goal's node, when reached.
    found: Option<u32>,
    /// The node pool or the open list ran out.
    out_of_nodes: bool,
    /// Pool index of the expanded node closest to the goal.
    closest: u32,
    expanded: u32,
}

/// Where corner shaving samples each segment of the first smoothed path
/// (fractions of its length, dense towards both ends).
const CORNER_SAMPLES: [f64; 11] = [1.0 / 64.0, 1.0 / 32.0, 1.0 / 16.0, 1.0 / 8.0, 0.25, 0.5, 0.75, 0.875, 0.9375, 1.0 - 1.0 / 32.0, 1.0 - 1.0 / 64.0];

/// A per-thread search object: all scratch memory is allocated by
/// [`SvoQuery::new`] (buffers that hold neighbour lists and paths grow to the
/// largest size seen and are then reused), so searches allocate nothing after
/// warm-up. Holds a shared reference to its octree.
pub struct SvoQuery {
    svo: Arc<Svo>,
    max_nodes: usize,
    pool: Vec<Rec>,
    /// Per pool entry: its `g` while open, -inf once closed, so the test
    /// "closed or no better" on a neighbour is one compare in a small array.
    bound: Vec<f32>,
    /// Open-addressing map from node link to pool index. Only the first
    /// `table_mask + 1` slots are in use: a query starts small (cache
    /// friendly) and doubles the active part when it fills up.
    table: Vec<Slot>,
    table_mask: usize,
    stamp: u32,
    /// Recently looked-up 4x4x4 blocks (the octree never changes, so the
    /// cache stays valid across queries).
    blocks: BlockMemo,
    heap: Vec<u64>,
    around: Around,
    /// Leaf faces whose voxels wait in the open list ([`LeafFace`]).
    waiting: Vec<LeafFace>,
    moves: Vec<Move>,
    raw: Vec<[f64; 3]>,
    smooth: Vec<[f64; 3]>,
}

fn dist(a: [f64; 3], b: [f64; 3]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// 3D octile distance: the length of the shortest 26-connected path between
/// `a` and `b` with no obstacles (the largest axis difference costs 1 per
/// voxel, the middle one sqrt 2 - 1 more, the smallest sqrt 3 - sqrt 2 more).
fn octile(a: [f64; 3], b: [f64; 3]) -> f64 {
    let (x, y, z) = ((a[0] - b[0]).abs(), (a[1] - b[1]).abs(), (a[2] - b[2]).abs());
    let (hi, lo) = (x.max(y), x.min(y));
    let (max, mid, min) = (hi.max(z), lo.max(hi.min(z)), lo.min(z));
    const D2: f64 = std::f64::consts::SQRT_2 - 1.0;
    const D3: f64 = 1.732_050_807_568_877_2 - std::f64::consts::SQRT_2;
    max + D2 * mid + D3 * min
}

/// Length of the way from `a` to `b` inside node `n`: straight, or through
/// the node's centre when both lie on the same face.
fn across(n: &Node, a: [f64; 3], b: [f64; 3]) -> f64 {
    if same_face(n, a, b) {
        let c = n.center();
        dist(a, c) + dist(c, b)
    } else {
        dist(a, b)
    }
}

/// Whether two points lie on the same face of node `n` (a straight segment
/// between them would run along the face, outside the node's interior).
fn same_face(n: &Node, a: [f64; 3], b: [f64; 3]) -> bool {
    let s = n.size();
    (0..3).any(|k| a[k] == b[k] && (a[k] == n.origin[k] as f64 || a[k] == (n.origin[k] + s) as f64))
}

/// The face shared by face-adjacent nodes `a` and `b`, shrunk by half a
/// voxel at its edges (so a crossing there never touches voxels outside the
/// two free nodes): its normal axis and corners.
fn portal(a: &Node, b: &Node) -> (usize, [f64; 3], [f64; 3]) {
    let (sa, sb) = (a.size(), b.size());
    let mut lo: [f64; 3] = std::array::from_fn(|k| a.origin[k].max(b.origin[k]) as f64);
    let mut hi: [f64; 3] = std::array::from_fn(|k| (a.origin[k] + sa).min(b.origin[k] + sb) as f64);
    let c = (0..3).find(|&k| lo[k] == hi[k]).unwrap_or(0);
    for k in (0..3).filter(|&k| k != c) {
        lo[k] += 0.5;
        hi[k] -= 0.5;
    }
    (c, lo, hi)
}

/// Where the straight line from `here` to `goal` meets the plane of the
/// portal (axis `c`), clamped into the portal.
fn cross_point(here: [f64; 3], goal: [f64; 3], (c, lo, hi): (usize, [f64; 3], [f64; 3])) -> [f64; 3] {
    let d = goal[c] - here[c];
    let t = if d != 0.0 { ((lo[c] - here[c]) / d).clamp(0.0, 1.0) } else { 0.0 };
    std::array::from_fn(|k| if k == c { lo[k] } else { (here[k] + t * (goal[k] - here[k])).clamp(lo[k], hi[k]) })
}

/// The point where the search crosses from `a` into the face-adjacent `b`:
/// where the straight line from `here` to `goal` meets the contact face.
fn face_point(a: &Node, b: &Node, here: [f64; 3], goal: [f64; 3]) -> [f64; 3] {
    cross_point(here, goal, portal(a, b))
}

/// Rounds a point to what a record stores.
fn stored(p: [f64; 3]) -> [f64; 3] {
    p.map(|c| c as f32 as f64)
}

impl SvoQuery {
    /// A query with room for `max_nodes` search nodes (at least 16).
    pub fn new(svo: Arc<Svo>, max_nodes: usize) -> SvoQuery {
        let max_nodes = max_nodes.clamp(16, (u32::MAX / 4) as usize);
        let table = (max_nodes * 2).next_power_of_two();
        SvoQuery {
            svo,
            max_nodes,
            pool: Vec::with_capacity(max_nodes),
            bound: Vec::with_capacity(max_nodes),
            table: vec![Slot::default(); table],
            table_mask: 0,
            stamp: 0,
            blocks: BlockMemo::new(),
            heap: Vec::with_capacity(max_nodes * 4),
            around: Around { nodes: Vec::with_capacity(1024), faces: Vec::with_capacity(256) },
            waiting: Vec::with_capacity(1024),
            moves: Vec::with_capacity(1024),
            raw: Vec::with_capacity(1024),
            smooth: Vec::with_capacity(1024),
        }
    }

    /// The octree this query searches.
    pub fn svo(&self) -> &Arc<Svo> {
        &self.svo
    }

    /// Capacity of the node pool.
    pub fn max_nodes(&self) -> usize {
        self.max_nodes
    }

    fn free_node_at(&self, p: [f32; 3], what: &'static str) -> Result<(Node, [f64; 3]), QueryError> {
        if !p.iter().all(|c| c.is_finite()) {
            return Err(QueryError::InvalidParam(format!("`{what}` must be finite, got {p:?}")));
        }
        let v = self.svo.voxel_of(p).ok_or(QueryError::OutOfBounds(what))?;
        let node = self.svo.free_node(v).ok_or(QueryError::InSolid(what))?;
        Ok((node, self.svo.to_voxel_space(p)))
    }

    /// Starts a new generation of the node map (every slot reads as empty).
    fn next_stamp(&mut self) {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.table.iter_mut().for_each(|s| s.stamp = 0);
            self.stamp = 1;
        }
    }

    fn reset_table(&mut self) {
        self.next_stamp();
        self.table_mask = self.table.len().min(MIN_TABLE) - 1;
    }

    fn lookup(&self, key: u32) -> Option<u32> {
        let mut i = (key.wrapping_mul(0x9E37_79B1) as usize) & self.table_mask;
        loop {
            let s = &self.table[i];
            if s.stamp != self.stamp {
                return None;
            }
            if s.key == key {
                return Some(s.val);
            }
            i = (i + 1) & self.table_mask;
        }
    }

    fn insert(&mut self, key: u32, val: u32) {
        let mut i = (key.wrapping_mul(0x9E37_79B1) as usize) & self.table_mask;
        while self.table[i].stamp == self.stamp {
            i = (i + 1) & self.table_mask;
        }
        self.table[i] = Slot { stamp: self.stamp, key, val };
    }

    /// Adds a node to the pool and the map (doubling the map's active part,
    /// and re-inserting every pooled node, when it gets half full).
    fn add_node(&mut self, node: Node) -> u32 {
        let j = self.pool.len() as u32;
        self.pool.push(Rec { node, pos: [0.0; 3], via: [0.0; 3], has_via: false, g: f32::INFINITY, parent: NONE });
        self.bound.push(f32::INFINITY);
        if self.pool.len() * 2 > self.table_mask + 1 && self.table_mask + 1 < self.table.len() {
            self.table_mask = self.table_mask * 2 + 1;
            self.next_stamp();
            for k in 0..self.pool.len() {
                self.insert(self.pool[k].node.link.0, k as u32);
            }
        } else {
            self.insert(node.link.0, j);
        }
        j
    }

    /// Pushes pool index `i` with priority `f` (>= 0). Entries are packed
    /// as `f`'s bits above `i`, so comparing them is one integer compare
    /// (non-negative floats order like their bit patterns). The heap is
    /// 4-ary: half as deep as a binary one, and the 4 children of a node
    /// share a cache line.
    fn heap_push(&mut self, f: f32, i: u32) -> bool {
        if self.heap.len() == self.heap.capacity() {
            return false;
        }
        let key = u64::from(f.max(0.0).to_bits()) << 32 | u64::from(i);
        self.heap.push(key);
        let mut k = self.heap.len() - 1;
        while k > 0 {
            let p = (k - 1) / 4;
            if self.heap[p] <= key {
                break;
            }
            self.heap[k] = self.heap[p];
            k = p;
        }
        self.heap[k] = key;
        true
    }

    /// Pops the pool index with the smallest priority.
    fn heap_pop(&mut self) -> Option<u32> {
        let last = self.heap.pop()?;
        let n = self.heap.len();
        if n == 0 {
            return Some(last as u32);
        }
        // Sift the last entry down from the root, moving the hole.
        let top = self.heap[0];
        let mut k = 0;
        loop {
            let first = 4 * k + 1;
            if first >= n {
                break;
            }
            let m = (first..(first + 4).min(n)).min_by_key(|&c| self.heap[c]).unwrap_or(first);
            if self.heap[m] >= last {
                break;
            }
            self.heap[k] = self.heap[m];
            k = m;
        }
        self.heap[k] = last;
        Some(top as u32)
    }

    /// Finds a path from `start` to `goal` (world space) and writes its
    /// points, `start` first and `goal` last, into `out` (cleared first).
    ///
    /// A* runs over the free nodes of the octree (mixed sizes). A larger
    /// node steps to its face neighbours, crossing the shared face where
    /// the line towards the goal meets it; a voxel steps to its 26
    /// neighbours like a voxel grid (a diagonal step needs its bounding box
    /// free). A step out of a larger node may re-place where the path came
    /// into that node, on the face shared with the node before, so the two
    /// legs are short. Voxel steps that another way offers at least as
    /// short are pruned, as in jump-point search; a search that runs dry
    /// is repeated without pruning before the goal counts as unreachable.
    /// Every segment of the raw path stays inside free nodes. With
    /// `smooth`, points are dropped while the straight segment stays clear
    /// of every blocked voxel it touches ([`Svo::segment_blocked`]).
    ///
    /// # Errors
    /// `InvalidParam` for NaN/inf points or bad options, `OutOfBounds` and
    /// `InSolid` for bad endpoints. An unreachable goal is not an error:
    /// `found` is false and `out` is empty.
    pub fn find_path(&mut self, start: [f32; 3], goal: [f32; 3], opts: &PathOptions, out: &mut Vec<[f32; 3]>) -> Result<PathInfo, QueryError> {
        out.clear();
        if !(opts.heuristic_weight.is_finite() && opts.heuristic_weight >= 0.0) {
            return Err(QueryError::InvalidParam("heuristic weight must be finite and >= 0".into()));
        }
        if !(opts.layer_penalty.is_finite() && opts.layer_penalty >= 0.0) {
            return Err(QueryError::InvalidParam("layer penalty must be finite and >= 0".into()));
        }
        let (sn, sp) = self.free_node_at(start, "start")?;
        let (gn, gp) = self.free_node_at(goal, "goal")?;
        let mut info = PathInfo::default();
        let mut outcome = self.search((sn, sp), (gn, gp), opts, true);
        if outcome.found.is_none() && !outcome.out_of_nodes {
            // Pruning is canonical, but with weights and first-come parents
            // a pruned voxel is not provably offered by another; before
            // saying "unreachable", confirm with every move.
            info.expanded = outcome.expanded;
            outcome = self.search((sn, sp), (gn, gp), opts, false);
        }
        info.expanded += outcome.expanded;
        let end = match outcome.found {
            Some(i) => i,
            None if outcome.out_of_nodes => {
                info.partial = true;
                outcome.closest
            }
            None => return Ok(info),
        };
        info.found = outcome.found.is_some();
        // Raw path, end to start, then reversed: the entry points, plus
        // the face crossed on the way into a voxel from a larger node and
        // the node centre where entry and exit share a face plane.
        self.raw.clear();
        let end_rec = self.pool[end as usize];
        self.raw.push(if info.found { gp } else { end_rec.pos.map(f64::from) });
        if info.found && same_face(&end_rec.node, end_rec.pos.map(f64::from), gp) {
            self.raw.push(end_rec.node.center());
        }
        let mut k = end;
        loop {
            let r = self.pool[k as usize];
            let entry = r.pos.map(f64::from);
            Self::push_new(&mut self.raw, entry);
            if r.parent == NONE {
                break;
            }
            let p = self.pool[r.parent as usize];
            let from = if r.has_via { r.via } else { p.pos }.map(f64::from);
            if p.node.level > 0 {
                let f = if r.node.level == 0 { face_point(&p.node, &r.node, from, gp) } else { entry };
                Self::push_new(&mut self.raw, f);
                if same_face(&p.node, from, f) {
                    Self::push_new(&mut self.raw, p.node.center());
                }
            }
            Self::push_new(&mut self.raw, from);
            k = if r.has_via { p.parent } else { r.parent };
        }
        self.raw.reverse();
        let pts = if opts.smooth {
            self.string_pull();
            &self.smooth
        } else {
            &self.raw
        };
        let vs = self.svo.voxel_size as f64;
        info.length = (pts.windows(2).map(|s| dist(s[0], s[1])).sum::<f64>() * vs) as f32;
        out.extend(pts.iter().map(|&p| self.svo.to_world(p)));
        Ok(info)
    }

    /// A* from `start` to `goal` (node, voxel-space point) over the node
    /// pool; with `prune`, voxel moves are pruned to canonical ones.
    fn search(&mut self, (sn, sp): (Node, [f64; 3]), (gn, gp): (Node, [f64; 3]), opts: &PathOptions, prune: bool) -> Search {
        self.pool.clear();
        self.bound.clear();
        self.heap.clear();
        self.waiting.clear();
        self.reset_table();
        let target = Target {
            node: gn,
            point: gp,
            weight: f64::from(opts.heuristic_weight),
            heuristic: opts.heuristic,
            penalty: f64::from(opts.layer_penalty),
            root: self.svo.root_level,
        };
        self.add_node(sn);
        self.pool[0].pos = sp.map(|c| c as f32);
        self.pool[0].g = 0.0;
        self.bound[0] = 0.0;
        self.heap_push(target.estimate(sp) as f32, 0);
        let mut best = f64::INFINITY;
        let mut outcome = Search { found: None, out_of_nodes: false, closest: 0, expanded: 0 };
        let mut moves = std::mem::take(&mut self.moves);
        let mut around = std::mem::take(&mut self.around);
        while let Some(entry) = self.heap_pop() {
            around.faces.clear();
            let i = if entry & WAITING != 0 {
                // A leaf face's turn: its voxels, as steps out of its node.
                let face = self.waiting[(entry & !WAITING) as usize];
                let rec = &self.pool[face.node as usize];
                leaf_face_moves(&rec.node, rec.pos.map(f64::from), &face, &self.svo.leaves, &mut moves);
                face.node
            } else {
                let i = entry;
                if self.bound[i as usize] == f32::NEG_INFINITY {
                    continue;
                }
                self.bound[i as usize] = f32::NEG_INFINITY;
                let rec = self.pool[i as usize];
                outcome.expanded += 1;
                if rec.node.link == gn.link {
                    outcome.found = Some(i);
                    break;
                }
                let here = rec.pos.map(f64::from);
                let h_here = dist(here, gp);
                if h_here < best {
                    best = h_here;
                    outcome.closest = i;
                }
                let came = match rec.parent {
                    p if prune && rec.node.level == 0 && p != NONE => Came::from(&rec.node, &self.pool[p as usize].node),
                    _ => Came::Anywhere,
                };
                self.moves_from(&rec.node, here, gp, came, &mut moves, &mut around);
                i
            };
            if !self.offer(i, &moves, &target) || !self.hold_back(i, &around.faces, &target) {
                outcome.out_of_nodes = true;
                break;
            }
        }
        self.moves = moves;
        self.around = around;
        outcome
    }

    /// Offers the steps `moves` out of pool node `i`: a node reached gets
    /// `i` as its parent when this way is shorter than the one it has.
    /// False when the node pool or the open list is full.
    fn offer(&mut self, i: u32, moves: &[Move], t: &Target) -> bool {
        let rec = self.pool[i as usize];
        let reentry = self.reentry(&rec);
        for m in moves {
            let known = self.lookup(m.node.link.0);
            if known.is_some_and(|j| self.bound[j as usize] == f32::NEG_INFINITY) {
                continue;
            }
            let step = m.cost + t.penalty * f64::from(t.root - m.node.level);
            let tail = if m.node.link == t.node.link { across(&m.node, m.entry, t.point) } else { 0.0 };
            let mut g = f64::from(rec.g) + step + tail;
            let mut via = None;
            if let Some(r) = &reentry {
                // What the re-placed way adds to its length from the
                // parent's entry to the exit: the rest of the step
                // (half a voxel into a voxel, none into a larger node).
                let rest = (step - m.cost) + if m.node.level == 0 { 0.5 } else { 0.0 } + tail;
                if let Some((e, len)) = r.route(&rec.node, m.exit, g - r.g - rest) {
                    g = r.g + len + rest;
                    via = Some(e);
                }
            }
            let j = match known {
                Some(j) => {
                    if f64::from(self.bound[j as usize]) <= g {
                        continue;
                    }
                    j
                }
                None => {
                    if self.pool.len() == self.max_nodes {
                        return false;
                    }
                    self.add_node(m.node)
                }
            };
            self.bound[j as usize] = g as f32;
            let r = &mut self.pool[j as usize];
            r.g = g as f32;
            r.parent = i;
            r.pos = m.entry.map(|c| c as f32);
            r.has_via = via.is_some();
            r.via = via.unwrap_or_default().map(|c| c as f32);
            let h = if tail == 0.0 { t.estimate(m.entry) } else { 0.0 };
            if !self.heap_push((g + h) as f32, j) {
                return false;
            }
        }
        true
    }

    /// Puts each leaf face next to pool node `i` in the open list as one
    /// entry, with the lowest priority any step into one of its voxels can
    /// get: the exits lie in a known rectangle of the node's boundary and
    /// the voxels in a known box, so the way there and the estimate from
    /// there are bounded below by the distances to those. False when the
    /// open list is full.
    fn hold_back(&mut self, i: u32, faces: &[LeafFace], t: &Target) -> bool {
        if faces.is_empty() {
            return true;
        }
        let rec = self.pool[i as usize];
        let here = rec.pos.map(f64::from);
        let reentry = self.reentry(&rec);
        for face in faces {
            let ((centre_lo, centre_hi), (exit_lo, exit_hi)) = face.centres_and_exits();
            let to_exits = |p: [f64; 3]| dist(p, clamp3(p, exit_lo, exit_hi));
            // A re-placed way is never shorter than the straight line from
            // the parent's entry.
            let mut g = f64::from(rec.g) + to_exits(here);
            if let Some(r) = &reentry {
                g = g.min(r.g + to_exits(r.from));
            }
            g += 0.5 + t.penalty * f64::from(t.root);
            // The goal's own voxel ends its step at the goal, with no estimate.
            let has_goal = t.node.level == 0 && t.node.link.offset() == face.leaf && FACE_BITS[face.axis][usize::from(face.high)] >> t.node.link.sub() & 1 != 0;
            let h = if has_goal { 0.0 } else { t.estimate(clamp3(t.point, centre_lo, centre_hi)) };
            if self.waiting.len() >= self.max_nodes {
                return false;
            }
            let k = self.waiting.len() as u32;
            self.waiting.push(LeafFace { node: i, ..*face });
            if !self.heap_push((g + h) as f32, k | WAITING) {
                return false;
            }
        }
        true
    }

    /// How `rec`'s node may be re-entered for the steps out of it: when it
    /// is larger than a voxel and was entered from another such node, on
    /// the face the two share. None for voxels (entered at their centre),
    /// nodes entered from a voxel (through its face centre, or diagonally)
    /// or the start.
    fn reentry(&self, rec: &Rec) -> Option<Reentry> {
        if rec.node.level == 0 || rec.parent == NONE {
            return None;
        }
        let up = &self.pool[rec.parent as usize];
        if up.node.level == 0 {
            return None;
        }
        Some(Reentry { up: up.node, from: up.pos.map(f64::from), g: f64::from(up.g), portal: portal(&up.node, &rec.node) })
    }

    /// Appends `p` unless it repeats the last point.
    fn push_new(pts: &mut Vec<[f64; 3]>, p: [f64; 3]) {
        if pts.last() != Some(&p) {
            pts.push(p);
        }
    }

    /// The steps out of node `n`, entered at `here`. A voxel moves to its 26
    /// neighbours (a diagonal move needs every voxel of its bounding box
    /// free, as on a 26-connected grid) and arrives at the neighbour's
    /// centre, or, moving straight into a larger node, at the shared face.
    /// A larger node moves to its larger face neighbours, arriving where
    /// the line towards the goal crosses the shared face; the faces of
    /// leaves next to it are left in `around.faces` ([`leaf_face_moves`]).
    fn moves_from(&mut self, n: &Node, here: [f64; 3], goal: [f64; 3], came: Came, moves: &mut Vec<Move>, around: &mut Around) {
        moves.clear();
        if n.level == 0 {
            self.svo.voxel_moves(n, came, &mut self.blocks, moves);
            // Costs are set from the centre; the start voxel's entry is the start point.
            if here != n.center() {
                for m in moves.iter_mut() {
                    m.exit = here;
                    m.cost = dist(here, m.entry);
                }
            }
            return;
        }
        self.svo.neighbours(n, around);
        for b in &around.nodes {
            let f = face_point(n, b, here, goal);
            moves.push(Move { node: *b, exit: f, entry: f, cost: across(n, here, f) });
        }
    }

    /// Line-of-sight string pulling of `raw` into `smooth`: a greedy pass
    /// over the raw points, then one pass over the result with extra points
    /// near each corner (at 1/64 .. 1/2 of each segment from both ends,
    /// every one on an already clear segment) so corners get shaved. (A
    /// second such pass shortens the Moving AI paths by under 0.5 % on
    /// average and costs as much as the first.)
    fn string_pull(&mut self) {
        Self::greedy(&self.svo, &mut self.blocks, &self.raw, |i| (i + 1, true), &mut self.smooth);
        if self.smooth.len() < 3 {
            return;
        }
        self.raw.clear();
        for s in self.smooth.windows(2) {
            let (a, b) = (s[0], s[1]);
            // Rounded to f32 so the points are exactly what the caller gets.
            let lerp = |t: f64| -> [f64; 3] { std::array::from_fn(|k| (a[k] + (b[k] - a[k]) * t) as f32 as f64) };
            self.raw.push(a);
            for t in CORNER_SAMPLES {
                self.raw.push(lerp(t));
            }
        }
        self.raw.push(*self.smooth.last().unwrap_or(&[0.0; 3]));
        // Keep the previous result in `raw`'s tail while trying the new one.
        let keep = self.smooth.len();
        let dense = self.raw.len();
        self.raw.extend(self.smooth.iter().copied());
        // A point sees the end of the segment it was sampled from (exactly
        // when it is the segment's start).
        let per = CORNER_SAMPLES.len() + 1;
        let segment_end = |i: usize| ((i / per + 1) * per, i % per == 0);
        if !Self::greedy(&self.svo, &mut self.blocks, &self.raw[..dense], segment_end, &mut self.smooth) {
            self.smooth.clear();
            self.smooth.extend_from_slice(&self.raw[dense..dense + keep]);
        }
    }

    /// Keeps the points of `raw` that a walk needs when it goes from each
    /// kept point straight to a far point it sees: found by doubling the
    /// reach, then halving back to the last clear one, so a long run of
    /// mutually visible points costs a few segment tests instead of one
    /// per point. `known(i)` is a later point `raw[i]` sees without a test
    /// (the points in between too), and whether that is exact: the search
    /// starts beyond it. A kept segment that is not exact is tested; false
    /// when it turns out blocked (points rounded to `f32` off their
    /// segment).
    fn greedy(svo: &Svo, memo: &mut BlockMemo, raw: &[[f64; 3]], known: impl Fn(usize) -> (usize, bool), out: &mut Vec<[f64; 3]>) -> bool {
        out.clear();
        let n = raw.len();
        out.push(raw[0]);
        let mut clear = |a: usize, b: usize| svo.segment_clear(raw[a], raw[b], memo);
        let mut anchor = 0;
        while anchor + 1 < n {
            let (start, exact) = known(anchor);
            let start = start.min(n - 1);
            // `seen` is clear from the anchor; `blocked` is not, or is past the end.
            let mut seen = start;
            let mut step = 1;
            let mut blocked = n;
            while seen + step < n {
                if clear(anchor, seen + step) {
                    seen += step;
                    step *= 2;
                } else {
                    blocked = seen + step;
                    break;
                }
            }
            if blocked == n && seen + 1 < n && clear(anchor, n - 1) {
                seen = n - 1;
            }
            while blocked < n && blocked - seen > 1 {
                let mid = seen + (blocked - seen) / 2;
                if clear(anchor, mid) {
                    seen = mid;
                } else {
                    blocked = mid;
                }
            }
            if seen == start && !exact && !clear(anchor, seen) {
                return false;
            }
            out.push(raw[seen]);
            anchor = seen;
        }
        true
    }

    /// The centre of the free voxel nearest to `p` (or `p` itself when its
    /// voxel is free), searching up to `max_distance` world units.
    ///
    /// # Errors
    /// `InvalidParam` for NaN/inf input or a negative distance, `OutOfBounds`
    /// when `p` is outside the bounds, `NotFound` when nothing is free within range.
    pub fn nearest_free(&self, p: [f32; 3], max_distance: f32) -> Result<[f32; 3], QueryError> {
        if !p.iter().all(|c| c.is_finite()) {
            return Err(QueryError::InvalidParam(format!("`point` must be finite, got {p:?}")));
        }
        if !(max_distance.is_finite() && max_distance >= 0.0) {
            return Err(QueryError::InvalidParam("`max_distance` must be finite and >= 0".into()));
        }
        let svo = &self.svo;
        let v = svo.voxel_of(p).ok_or(QueryError::OutOfBounds("point"))?;
        let v = [v[0] as i64, v[1] as i64, v[2] as i64];
        if !svo.voxel_blocked(v) {
            return Ok(p);
        }
        let q = svo.to_voxel_space(p);
        let rmax = (max_distance / svo.voxel_size).ceil() as i64 + 1;
        let mut best: Option<(f64, [f64; 3])> = None;
        for r in 1..=rmax {
            if best.is_some_and(|(d, _)| d < (r - 1) as f64) {
                break;
            }
            for dx in -r..=r {
                for dy in -r..=r {
                    for dz in -r..=r {
                        if dx.abs().max(dy.abs()).max(dz.abs()) != r {
                            continue;
                        }
                        let c = [v[0] + dx, v[1] + dy, v[2] + dz];
                        if svo.voxel_blocked(c) {
                            continue;
                        }
                        let cp = [c[0] as f64 + 0.5, c[1] as f64 + 0.5, c[2] as f64 + 0.5];
                        let d = dist(cp, q);
                        if d * svo.voxel_size as f64 <= max_distance as f64 + 1e-9 && best.is_none_or(|(b, _)| d < b) {
                            best = Some((d, cp));
                        }
                    }
                }
            }
        }
        best.map(|(_, c)| svo.to_world(c)).ok_or(QueryError::NotFound)
    }
}

/// What fills a 4x4x4 block of voxels.
#[derive(Debug, Clone, Copy)]
enum Block {
    Solid,
    /// Part of (or all of) a free node.
    Free(Node),
    /// A stored leaf (its index).
    Leaf(u32),
}

/// The 27 offsets of a voxel's 3x3x3 neighbourhood (x fastest).
const NEIGHBOURHOOD: [[i64; 3]; 27] = {
    let mut out = [[0i64; 3]; 27];
    let mut i = 0;
    while i < 27 {
        out[i] = [(i % 3) as i64 - 1, (i / 3 % 3) as i64 - 1, (i / 9) as i64 - 1];
        i += 1;
    }
    out
};

/// Number of axes each [`NEIGHBOURHOOD`] offset moves along.
const MOVE_AXES: [u8; 27] = {
    let mut out = [0u8; 27];
    let mut i = 0;
    while i < 27 {
        let d = NEIGHBOURHOOD[i];
        out[i] = (d[0] != 0) as u8 + (d[1] != 0) as u8 + (d[2] != 0) as u8;
        i += 1;
    }
    out
};

/// For a voxel at position `x | y << 2 | z << 4` inside its 4x4x4 block,
/// where each [`NEIGHBOURHOOD`] voxel lives: `block << 6 | leaf bit`, the
/// block numbered `dx | dy << 1 | dz << 2` from the lowest block the
/// neighbourhood touches. Saves recomputing it 27 times per expansion.
const NEIGHBOUR_SLOTS: [[u16; 27]; 64] = {
    let mut out = [[0u16; 27]; 64];
    let mut p = 0;
    while p < 64 {
        let c = [(p & 3) as i64, (p >> 2 & 3) as i64, (p >> 4 & 3) as i64];
        let mut i = 0;
        while i < 27 {
            let d = NEIGHBOURHOOD[i];
            let mut block = 0;
            let mut bit = 0;
            let mut a = 0;
            while a < 3 {
                let w = c[a] + d[a];
                // Block offset from the block of c[a] - 1.
                let off = (w + 4) / 4 - (c[a] + 3) / 4;
                block |= (off as usize) << a;
                let l = ((w + 4) % 4) as usize;
                bit |= ((l & 1) | (l & 2) << 2) << a;
                a += 1;
            }
            out[p][i] = (block << 6 | bit) as u16;
            i += 1;
        }
        p += 1;
    }
    out
};

/// Length of a move along 0..=3 axes at once.
const STEP: [f64; 4] = [0.0, 1.0, std::f64::consts::SQRT_2, 1.732_050_807_568_877_2];

/// Index into [`NEIGHBOURHOOD`] of an offset in -1..=1 per axis.
fn neighbourhood_index(d: [i64; 3]) -> usize {
    ((d[0] + 1) + 3 * (d[1] + 1) + 9 * (d[2] + 1)) as usize
}

/// Whether `x` lies between `a` and `b` (inclusive, either order).
const fn between(x: i64, a: i64, b: i64) -> bool {
    (x >= a && x <= b) || (x >= b && x <= a)
}

/// `SPANS[i][j]`: the neighbourhood voxels in the bounding box of voxels
/// `i` and `j` (bit = index into [`NEIGHBOURHOOD`]) when the two are at
/// most one step apart per axis (a 26-connected move or the same voxel),
/// else 0.
const SPANS: [[u32; 27]; 27] = {
    let mut out = [[0u32; 27]; 27];
    let mut i = 0;
    while i < 27 {
        let mut j = 0;
        while j < 27 {
            let (a, b) = (NEIGHBOURHOOD[i], NEIGHBOURHOOD[j]);
            let near = (a[0] - b[0]).abs() <= 1 && (a[1] - b[1]).abs() <= 1 && (a[2] - b[2]).abs() <= 1;
            if near {
                let mut k = 0;
                while k < 27 {
                    let c = NEIGHBOURHOOD[k];
                    if between(c[0], a[0], b[0]) && between(c[1], a[1], b[1]) && between(c[2], a[2], b[2]) {
                        out[i][j] |= 1 << k;
                    }
                    k += 1;
                }
            }
            j += 1;
        }
        i += 1;
    }
    out
};

/// For each offset, the neighbourhood voxels (bit = index into
/// [`NEIGHBOURHOOD`]) that a move by it needs free: its bounding box minus
/// the voxel itself (0 for the zero offset).
const MOVE_BOXES: [u32; 27] = {
    let mut out = [0u32; 27];
    let mut i = 0;
    while i < 27 {
        let d = NEIGHBOURHOOD[i];
        let mut j = 0;
        while j < 27 {
            let e = NEIGHBOURHOOD[j];
            let inside = (e[0] == 0 || e[0] == d[0]) && (e[1] == 0 || e[1] == d[1]) && (e[2] == 0 || e[2] == d[2]);
            if inside && j != 13 {
                out[i] |= 1 << j;
            }
            j += 1;
        }
        i += 1;
    }
    out
};

/// Where the search came into a voxel from, for pruning its moves.
#[derive(Debug, Clone, Copy)]
enum Came {
    /// From the voxel at this [`NEIGHBOURHOOD`] index: see [`PRUNERS`].
    Voxel(usize),
    /// From a larger node across one of its faces. The other voxels of
    /// that face layer which touch the node (bits = [`NEIGHBOURHOOD`]
    /// indices) were offered by the node itself, straight across it, which
    /// is never longer than through this voxel.
    Node(u32),
    /// From the start, or with pruning off: every move.
    Anywhere,
}

impl Came {
    /// How voxel `v` was entered from node `p` (its neighbour).
    fn from(v: &Node, p: &Node) -> Came {
        if p.level == 0 {
            return Came::Voxel(neighbourhood_index(std::array::from_fn(|k| p.origin[k] as i64 - v.origin[k] as i64)));
        }
        let (o, s) = (p.origin, p.size());
        let outside = |k: usize| v.origin[k] < o[k] || v.origin[k] >= o[k] + s;
        let Some(c) = (0..3).find(|&k| outside(k)) else { return Came::Anywhere };
        let mut layer = FLAT[c];
        for k in (0..3).filter(|&k| k != c) {
            if v.origin[k] == o[k] {
                layer &= !TOWARDS[k][0];
            }
            if v.origin[k] == o[k] + s - 1 {
                layer &= !TOWARDS[k][1];
            }
        }
        Came::Node(layer)
    }
}

/// `FLAT[a]`: the [`NEIGHBOURHOOD`] offsets that do not move along axis `a`.
const FLAT: [u32; 3] = {
    let mut out = [0u32; 3];
    let mut i = 0;
    while i < 27 {
        let mut a = 0;
        while a < 3 {
            if NEIGHBOURHOOD[i][a] == 0 {
                out[a] |= 1 << i;
            }
            a += 1;
        }
        i += 1;
    }
    out
};

/// `TOWARDS[a][0]` / `[1]`: the [`NEIGHBOURHOOD`] offsets that move down /
/// up along axis `a`.
const TOWARDS: [[u32; 2]; 3] = {
    let mut out = [[0u32; 2]; 3];
    let mut i = 0;
    while i < 27 {
        let mut a = 0;
        while a < 3 {
            match NEIGHBOURHOOD[i][a] {
                -1 => out[a][0] |= 1 << i,
                1 => out[a][1] |= 1 << i,
                _ => {}
            }
            a += 1;
        }
        i += 1;
    }
    out
};

/// Most ways [`PRUNERS`] lists for one (parent, neighbour) pair.
const MAX_PRUNERS: usize = 6;

/// Canonical-path pruning of voxel moves (as in jump-point search, without
/// the jumps). For a voxel entered from the voxel at neighbourhood index
/// `p`, `PRUNERS[p][n]` lists the other ways from `p` to neighbour `n` that
/// win over the way through the current voxel: the direct step when `p` and
/// `n` touch (always shorter), or two steps through a middle voxel `m` that
/// are shorter, or as long and canonical (more axes in the first step, then
/// the smaller index wins). Each way is a mask of what it needs: bits 0..27
/// the voxels that must be free (both move boxes), bit `32 + m` the middle
/// voxel being a voxel node of a leaf. A move to `n` is skipped when one of
/// its ways is open: the winner's own expansion offers `n`. Zero ends a list.
///
/// Among equal-length paths between two voxels this keeps exactly one way
/// through each middle voxel, so of every set of equally short grid paths
/// the canonical one survives. Two steps always suffice: a middle voxel
/// outside the 3x3x3 neighbourhood moves out and back along one axis, which
/// is longer than staying put.
static PRUNERS: [[[u64; MAX_PRUNERS]; 27]; 27] = {
    let mut out = [[[0u64; MAX_PRUNERS]; 27]; 27];
    let mut p = 0;
    while p < 27 {
        let mut n = 0;
        while n < 27 {
            if p != 13 && n != 13 && n != p {
                let mut k = 0;
                if SPANS[p][n] != 0 {
                    out[p][n][k] = SPANS[p][n] as u64;
                    k += 1;
                }
                let (a1, a2) = (axes_between(p, 13), axes_between(13, n));
                let through = STEP[a1] + STEP[a2];
                let mut m = 0;
                while m < 27 {
                    if m != 13 && m != p && m != n && SPANS[p][m] != 0 && SPANS[m][n] != 0 {
                        let (b1, b2) = (axes_between(p, m), axes_between(m, n));
                        // Sums of two of 1, sqrt 2, sqrt 3 are equal only for the same pair.
                        let equal = (a1 == b1 && a2 == b2) || (a1 == b2 && a2 == b1);
                        let wins = if equal { b1 > a1 || (b1 == a1 && m < 13) } else { STEP[b1] + STEP[b2] < through };
                        if wins {
                            out[p][n][k] = (SPANS[p][m] | SPANS[m][n]) as u64 | 1 << (32 + m);
                            k += 1;
                        }
                    }
                    m += 1;
                }
            }
            n += 1;
        }
        p += 1;
    }
    out
};

/// Number of axes along which neighbourhood voxels `a` and `b` differ.
const fn axes_between(a: usize, b: usize) -> usize {
    let (u, v) = (NEIGHBOURHOOD[a], NEIGHBOURHOOD[b]);
    (u[0] != v[0]) as usize + (u[1] != v[1]) as usize + (u[2] != v[2]) as usize
}

impl Svo {
    /// The free node containing voxel `v`, if `v` is free.
    fn free_node(&self, v: [u32; 3]) -> Option<Node> {
        match self.locate(v, 0) {
            Loc::Solid => None,
            Loc::Free(level, link, origin) => Some(Node { level, link, origin }),
            Loc::Entry(_, leaf, _) => {
                let bit = leaf_bit(v[0], v[1], v[2]);
                (self.leaves[leaf as usize] >> bit & 1 == 0).then_some(Node { level: 0, link: Link::new(0, leaf, bit), origin: v })
            }
        }
    }

    /// What fills the 4x4x4 block at block coordinates `b` (voxel / 4).
    fn block_at(&self, b: [i64; 3]) -> Block {
        let side = self.cube_side() as i64;
        if b.iter().any(|&c| c < 0 || c * 4 >= side) {
            return Block::Solid;
        }
        match self.locate([b[0] as u32 * 4, b[1] as u32 * 4, b[2] as u32 * 4], 0) {
            Loc::Solid => Block::Solid,
            Loc::Free(level, link, origin) => Block::Free(Node { level, link, origin }),
            Loc::Entry(_, leaf, _) => Block::Leaf(leaf),
        }
    }

    /// Appends the 26-connected moves out of voxel node `n`, from its
    /// centre: every free neighbour whose move box is free.
    ///
    /// Voxel neighbours that the node the search came from offers itself,
    /// at least as short, are skipped ([`Came`]).
    fn voxel_moves(&self, n: &Node, came: Came, memo: &mut BlockMemo, out: &mut Vec<Move>) {
        let v = n.origin.map(i64::from);
        // The neighbourhood spans 1 or 2 blocks per axis, starting at `b0`;
        // blocks are numbered `dx | dy << 1 | dz << 2` from there.
        let b0 = v.map(|c| (c - 1) >> 2);
        let span = [0, 1, 2].map(|k| ((v[k] + 1) >> 2) - b0[k]);
        let own = (((v[0] >> 2) - b0[0]) | ((v[1] >> 2) - b0[1]) << 1 | ((v[2] >> 2) - b0[2]) << 2) as usize;
        let mut blocks = [Block::Solid; 8];
        // Free voxels of each block, one bit per voxel as in a leaf, and
        // those of them that are voxel nodes (in a stored leaf).
        let mut open = [0u64; 8];
        let mut voxel_nodes = [0u64; 8];
        for dz in 0..=span[2] {
            for dy in 0..=span[1] {
                for dx in 0..=span[0] {
                    let i = (dx | dy << 1 | dz << 2) as usize;
                    let block = if i == own { Block::Leaf(n.link.offset()) } else { memo.get(self, [b0[0] + dx, b0[1] + dy, b0[2] + dz]) };
                    blocks[i] = block;
                    (open[i], voxel_nodes[i]) = match block {
                        Block::Solid => (0, 0),
                        Block::Free(_) => (!0, 0),
                        Block::Leaf(e) => (!self.leaves[e as usize], !self.leaves[e as usize]),
                    };
                }
            }
        }
        let slots = &NEIGHBOUR_SLOTS[(v[0] & 3 | (v[1] & 3) << 2 | (v[2] & 3) << 4) as usize];
        // Bits 0..27: free neighbourhood voxels; 32..59: those that are voxel nodes.
        let mut free = 0u64;
        for (i, &s) in slots.iter().enumerate() {
            let (b, bit) = ((s >> 6) as usize, s & 63);
            free |= (open[b] >> bit & 1) << i | (voxel_nodes[b] >> bit & 1) << (32 + i);
        }

        let c = n.center();
        for (i, d) in NEIGHBOURHOOD.iter().enumerate() {
            let need = u64::from(MOVE_BOXES[i]);
            if need == 0 || free & need != need {
                continue;
            }
            let block = blocks[(slots[i] >> 6) as usize];
            if let Block::Leaf(_) = block {
                let offered_elsewhere = match came {
                    Came::Voxel(p) => PRUNERS[p][i].iter().take_while(|&&w| w != 0).any(|&w| free & w == w),
                    Came::Node(layer) => layer >> i & 1 != 0,
                    Came::Anywhere => false,
                };
                if offered_elsewhere {
                    continue;
                }
            }
            let w = [v[0] + d[0], v[1] + d[1], v[2] + d[2]];
            let centre = [c[0] + d[0] as f64, c[1] + d[1] as f64, c[2] + d[2] as f64];
            let axes = MOVE_AXES[i] as usize;
            match block {
                Block::Leaf(e) => {
                    let node = Node { level: 0, link: Link::new(0, e, u32::from(slots[i] & 63)), origin: w.map(|x| x as u32) };
                    out.push(Move { node, exit: c, entry: centre, cost: STEP[axes] });
                }
                Block::Free(node) if axes == 1 => {
                    // Straight into a larger node: arrive on the shared face.
                    let entry = std::array::from_fn(|k| c[k] + 0.5 * d[k] as f64);
                    out.push(Move { node, exit: c, entry, cost: 0.5 });
                }
                Block::Free(node) => out.push(Move { node, exit: c, entry: centre, cost: STEP[axes] }),
                Block::Solid => {}
            }
        }
    }

    /// The free nodes face-adjacent to the larger node `n`, and the faces
    /// of stored leaves next to it that have a free voxel.
    fn neighbours(&self, n: &Node, around: &mut Around) {
        around.nodes.clear();
        around.faces.clear();
        let s = n.size();
        let side = self.cube_side();
        for dir in 0..6 {
            let axis = dir / 2;
            let positive = dir % 2 == 0;
            let mut o = n.origin;
            if positive {
                if o[axis] + s >= side {
                    continue;
                }
                o[axis] += s;
            } else {
                if o[axis] == 0 {
                    continue;
                }
                o[axis] -= s;
            }
            match self.locate(o, n.level) {
                Loc::Solid => {}
                Loc::Free(level, link, origin) => around.nodes.push(Node { level, link, origin }),
                // The face of the neighbour that touches `n`.
                Loc::Entry(level, e, origin) => self.face_children(level, e, origin, axis, !positive, around),
            }
        }
    }

    /// Appends the free descendants of stored node `e` (level `level`) that
    /// touch its face on `axis` (the high side when `high`): larger nodes
    /// and leaf faces with a free voxel to `around`.
    fn face_children(&self, level: u32, e: u32, origin: [u32; 3], axis: usize, high: bool, around: &mut Around) {
        if level == 1 {
            if !self.leaves[e as usize] & FACE_BITS[axis][usize::from(high)] != 0 {
                around.faces.push(LeafFace { leaf: e, origin, axis, high, node: NONE });
            }
            return;
        }
        let layer = &self.layers[level as usize - 2];
        let (sub, solid) = (layer.sub[e as usize], layer.solid[e as usize]);
        let cl = level - 1;
        let cs = level_size(cl);
        for slot in 0..8u32 {
            if (slot >> axis & 1 == 1) != high {
                continue;
            }
            let bit = 1u8 << slot;
            if solid & bit != 0 {
                continue;
            }
            let co = [origin[0] + (slot & 1) * cs, origin[1] + (slot >> 1 & 1) * cs, origin[2] + (slot >> 2 & 1) * cs];
            if sub & bit == 0 {
                around.nodes.push(Node { level: cl, link: Link::new(cl, e, slot), origin: co });
            } else {
                let ci = layer.child(e as usize, slot);
                self.face_children(cl, ci, co, axis, high, around);
            }
        }
    }
}
