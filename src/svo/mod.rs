//! Sparse voxel octree (SVO) for 3D pathfinding in free space.
//!
//! # Structure
//! The world is a cube of `2^(R+1)` voxels per side (the requested bounds are
//! padded up to that power of two; voxels of the padding are *solid*, so
//! nothing can leave the bounds). Nodes live in one array per layer, each
//! array sorted by Morton code (the build walks layers top-down in Morton
//! order, so children of one parent are contiguous and in Morton order):
//!
//! - level 0 is a voxel (size 1);
//! - level 1 is a leaf: one `u64` per 4x4x4 block of voxels, bit `morton(x,y,z)`
//!   set when that voxel is blocked;
//! - level `l >= 2` has size `2^(l+1)`; its array holds the *subdivided* nodes
//!   only, each as two bytes: which of its 8 children are subdivided and which
//!   are completely solid (a child with neither bit is a completely free
//!   node), plus one `u32` per 8 nodes locating their children in the layer
//!   below (children are stored in parent order, so the rest is popcounts).
//!
//! Only subdivided nodes and non-empty leaves are stored, so a 4096³ world
//! with a one-voxel-thick floor takes under 10 MiB.
//!
//! Nodes are named by 32-bit [`Link`]s (`layer:4, node_offset:22, leaf_cube_offset:6`):
//! a free node of level `l >= 1` is (l, index of its parent in layer l+1,
//! child slot 0..7); a free voxel is (0, leaf index, voxel bit 0..63).
//! Parent and face-neighbour links are not stored per node (that would cost
//! 28 bytes per node); they are found by descending from the root, which costs
//! one step per layer. The offset field limits a layer to 2^22 stored nodes;
//! a bigger map is rejected by the builders with [`SvoError::TooLarge`].
//!
//! # Coordinates
//! Voxel `(x, y, z)` covers the world box `origin + [x, x+1) * voxel_size`
//! (and the same for y and z). Points on the boundary of the bounds box are in
//! bounds; anything outside `[origin, origin + dims * voxel_size]` is outside.
//!
//! # Example
//! ```
//! use tessera::svo::{Svo, SvoQuery, PathOptions};
//! // A 16x16x16 world with a wall at x = 8 that has a hole at y, z in 12..14.
//! let mut voxels = Vec::new();
//! for y in 0..16 {
//!     for z in 0..16 {
//!         if !(12..14).contains(&y) || !(12..14).contains(&z) {
//!             voxels.push([8, y, z]);
//!         }
//!     }
//! }
//! let svo = std::sync::Arc::new(Svo::from_voxels([16, 16, 16], &voxels, [0.0; 3], 1.0).unwrap());
//! let mut query = SvoQuery::new(svo.clone(), 4096);
//! let mut points = Vec::new();
//! let info = query.find_path([2.5, 2.5, 2.5], [14.5, 2.5, 2.5], &PathOptions::default(), &mut points).unwrap();
//! assert!(info.found);
//! // The straight line is blocked; the path must pass through the hole, so it
//! // is at least as long as the way through the hole's nearest corner (8, 12, 12).
//! let d = |a: [f32; 3], b: [f32; 3]| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt();
//! let corner = [8.0, 12.0, 12.0];
//! assert!(info.length >= d([2.5, 2.5, 2.5], corner) + d(corner, [14.5, 2.5, 2.5]) - 1e-3);
//! assert!(points.windows(2).all(|s| !svo.segment_blocked(s[0], s[1])));
//! ```

mod blob;
mod build;
mod query;
mod raw;
pub mod svg;
#[cfg(test)]
mod tests;

pub use blob::BlobError;
pub use build::{parse_3dmap, parse_obj, MeshParams, ObjMesh, ParsedMap};
pub use query::{Heuristic, PathInfo, PathOptions, QueryError, SvoQuery};
pub use raw::RawVoxelGrid;

use std::fmt;

/// Packed 32-bit node name: `layer:4 | node_offset:22 | leaf_cube_offset:6`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Link(pub u32);

impl Link {
    /// Largest `node_offset` plus one.
    pub const MAX_OFFSET: u32 = 1 << 22;

    /// Packs a link; `offset < 2^22`, `layer < 16`, `sub < 64`.
    pub fn new(layer: u32, offset: u32, sub: u32) -> Link {
        debug_assert!(layer < 16 && offset < Self::MAX_OFFSET && sub < 64);
        Link(layer << 28 | offset << 6 | sub)
    }
    /// Layer field (0 = voxel).
    pub fn layer(self) -> u32 {
        self.0 >> 28
    }
    /// Node offset field.
    pub fn offset(self) -> u32 {
        (self.0 >> 6) & (Self::MAX_OFFSET - 1)
    }
    /// Leaf cube offset (child slot or voxel bit).
    pub fn sub(self) -> u32 {
        self.0 & 63
    }
}

/// Why an octree could not be built.
#[derive(Debug, Clone, PartialEq)]
pub enum SvoError {
    /// A parameter is invalid (the text says which).
    InvalidParam(String),
    /// Input text could not be parsed.
    Parse {
        /// 1-based line number of the bad line.
        line: usize,
        /// What was wrong.
        message: String,
    },
    /// A layer needs more than 2^22 nodes, or the cube more than 2^16 voxels per side.
    TooLarge(String),
}

impl fmt::Display for SvoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SvoError::InvalidParam(m) => write!(f, "{m}"),
            SvoError::Parse { line, message } => write!(f, "line {line}: {message}"),
            SvoError::TooLarge(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for SvoError {}

/// One layer of subdivided nodes (level >= 2).
///
/// The children of the layer's nodes are stored in the layer below in the
/// same order, so the index of a node's first child is the number of
/// subdivided children of all nodes before it. That count is kept once per
/// group of 8 nodes (`group_first`) and finished with at most 7 popcounts.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Layer {
    /// Bit `c`: child slot `c` is subdivided.
    pub sub: Vec<u8>,
    /// Bit `c`: child slot `c` is completely solid.
    pub solid: Vec<u8>,
    /// Index of the first child of node `8 * g` in the layer below.
    pub group_first: Vec<u32>,
}

impl Layer {
    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.sub.len()
    }
    /// Appends a node.
    pub fn push(&mut self, sub: u8, solid: u8, first: u32) {
        if self.sub.len() % 8 == 0 {
            self.group_first.push(first);
        }
        self.sub.push(sub);
        self.solid.push(solid);
    }
    /// Rebuilds `group_first` from `sub`; returns the number of children.
    pub fn index(&mut self) -> usize {
        self.group_first.clear();
        let mut n = 0usize;
        for (e, s) in self.sub.iter().enumerate() {
            if e % 8 == 0 {
                self.group_first.push(n as u32);
            }
            n += s.count_ones() as usize;
        }
        n
    }
    /// Index in the layer below of the child in `slot` of node `e` (the
    /// child must be subdivided).
    #[inline]
    pub fn child(&self, e: usize, slot: u32) -> u32 {
        let base = e & !7;
        // The subdivided slots before `slot` in the group's sub bytes before
        // `e` and in `e`'s own: one popcount of the group read as a u64
        // (byte k at bits 8k..8k+8), masked below bit 8 (e - base) + slot.
        let below = 8 * (e - base) as u32 + slot;
        let word = match self.sub.get(base..base + 8) {
            Some(group) => u64::from_le_bytes(group.try_into().unwrap_or([0; 8])),
            None => self.sub[base..].iter().rev().fold(0u64, |w, &b| w << 8 | u64::from(b)),
        };
        self.group_first[e >> 3] + (word & ((1u64 << below) - 1)).count_ones()
    }
    /// Bytes used.
    pub fn bytes(&self) -> usize {
        self.sub.len() * 2 + self.group_first.len() * 4
    }
}

/// A built sparse voxel octree. Immutable; share it between threads with `Arc`.
#[derive(Debug, Clone, PartialEq)]
pub struct Svo {
    pub(crate) origin: [f32; 3],
    pub(crate) voxel_size: f32,
    pub(crate) dims: [u32; 3],
    /// Root level R; the cube is `2^(R+1)` voxels per side.
    pub(crate) root_level: u32,
    /// Level-1 nodes: voxel bits of each non-empty, non-solid 4x4x4 block.
    pub(crate) leaves: Vec<u64>,
    /// `layers[l - 2]` holds level `l`; the last one holds only the root.
    pub(crate) layers: Vec<Layer>,
}

/// What sits at a place in the octree.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Loc {
    /// Completely solid (or padding).
    Solid,
    /// A free node: level, link, voxel origin.
    Free(u32, Link, [u32; 3]),
    /// A stored subdivided node (level >= 1): level, index in its layer, origin.
    Entry(u32, u32, [u32; 3]),
}

/// The last free node and leaf seen by a run of voxel lookups.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BlockCache {
    free_origin: [u32; 3],
    free_size: u32,
    leaf_origin: [u32; 3],
    leaf: u32,
}

impl Default for BlockCache {
    fn default() -> Self {
        BlockCache { free_origin: [0; 3], free_size: 0, leaf_origin: [0; 3], leaf: u32::MAX }
    }
}

/// Morton index of a voxel inside its 4x4x4 leaf (2 bits per axis).
#[inline]
pub(crate) fn leaf_bit(x: u32, y: u32, z: u32) -> u32 {
    let s = |v: u32| (v & 1) | ((v & 2) << 2);
    s(x & 3) | s(y & 3) << 1 | s(z & 3) << 2
}

/// `x.floor() as i64` without the library call (x well inside i64's range).
#[inline]
fn floor_i64(x: f64) -> i64 {
    let i = x as i64;
    i - i64::from((i as f64) > x)
}

/// `x.ceil() as i64` without the library call (x well inside i64's range).
#[inline]
fn ceil_i64(x: f64) -> i64 {
    let i = x as i64;
    i + i64::from((i as f64) < x)
}

/// Inverse of [`leaf_bit`].
#[inline]
pub(crate) fn leaf_xyz(bit: u32) -> [u32; 3] {
    let g = |b: u32| (b & 1) | ((b >> 2) & 2);
    [g(bit), g(bit >> 1), g(bit >> 2)]
}

/// Side of a level-`l` node in voxels.
#[inline]
pub(crate) fn level_size(level: u32) -> u32 {
    if level == 0 {
        1
    } else {
        1 << (level + 1)
    }
}

impl Svo {
    /// World position of the minimum corner of the bounds.
    pub fn origin(&self) -> [f32; 3] {
        self.origin
    }
    /// Edge length of one voxel in world units.
    pub fn voxel_size(&self) -> f32 {
        self.voxel_size
    }
    /// Size of the bounds in voxels (before padding).
    pub fn dims(&self) -> [u32; 3] {
        self.dims
    }
    /// Side of the padded power-of-two cube in voxels.
    pub fn cube_side(&self) -> u32 {
        level_size(self.root_level)
    }
    /// Number of layers including the leaf and voxel levels (root level + 1).
    pub fn layer_count(&self) -> u32 {
        self.root_level + 1
    }
    /// World-space maximum corner of the bounds.
    pub fn bounds_max(&self) -> [f32; 3] {
        std::array::from_fn(|a| self.origin[a] + self.dims[a] as f32 * self.voxel_size)
    }

    /// Bytes used per layer: index 0 is the voxel level (always 0, voxels live
    /// in the leaves), 1 the leaves, `l` the subdivided nodes of level `l`.
    pub fn memory_per_layer(&self) -> Vec<usize> {
        let mut out = vec![0, self.leaves.len() * 8];
        out.extend(self.layers.iter().map(Layer::bytes));
        out
    }

    /// Total bytes of node data (the sum of [`Svo::memory_per_layer`]).
    pub fn memory_bytes(&self) -> usize {
        self.memory_per_layer().iter().sum()
    }

    /// Number of stored nodes per layer (same indexing as [`Svo::memory_per_layer`]).
    pub fn nodes_per_layer(&self) -> Vec<usize> {
        let mut out = vec![0, self.leaves.len()];
        out.extend(self.layers.iter().map(Layer::len));
        out
    }

    /// Voxel containing a world point, or `None` outside the bounds (a point on
    /// the maximum face belongs to the last voxel).
    pub fn voxel_of(&self, p: [f32; 3]) -> Option<[u32; 3]> {
        let mut v = [0u32; 3];
        for a in 0..3 {
            if !p[a].is_finite() {
                return None;
            }
            let f = (p[a] as f64 - self.origin[a] as f64) / self.voxel_size as f64;
            if f < 0.0 || f > self.dims[a] as f64 {
                return None;
            }
            v[a] = (f.floor() as u32).min(self.dims[a] - 1);
        }
        Some(v)
    }

    /// World position of a voxel-space point.
    #[inline]
    pub(crate) fn to_world(&self, p: [f64; 3]) -> [f32; 3] {
        std::array::from_fn(|a| (self.origin[a] as f64 + p[a] * self.voxel_size as f64) as f32)
    }

    /// Voxel-space position of a world point.
    #[inline]
    pub(crate) fn to_voxel_space(&self, p: [f32; 3]) -> [f64; 3] {
        std::array::from_fn(|a| (p[a] as f64 - self.origin[a] as f64) / self.voxel_size as f64)
    }

    /// Whether voxel `v` is blocked. Voxels outside the bounds are blocked.
    pub fn voxel_blocked(&self, v: [i64; 3]) -> bool {
        if (0..3).any(|a| v[a] < 0 || v[a] >= self.dims[a] as i64) {
            return true;
        }
        let v = [v[0] as u32, v[1] as u32, v[2] as u32];
        match self.locate(v, 0) {
            Loc::Solid => true,
            Loc::Free(..) => false,
            Loc::Entry(_, leaf, _) => self.leaves[leaf as usize] >> leaf_bit(v[0], v[1], v[2]) & 1 != 0,
        }
    }

    /// [`Svo::voxel_blocked`] that remembers the last free node or leaf it
    /// found: neighbouring lookups inside the same node skip the descent.
    #[inline]
    pub(crate) fn voxel_blocked_cached(&self, v: [i64; 3], cache: &mut BlockCache) -> bool {
        if (0..3).any(|a| v[a] < 0 || v[a] >= self.dims[a] as i64) {
            return true;
        }
        let v = [v[0] as u32, v[1] as u32, v[2] as u32];
        let inside = |o: [u32; 3], s: u32| (0..3).all(|a| v[a] >= o[a] && v[a] - o[a] < s);
        if cache.free_size > 0 && inside(cache.free_origin, cache.free_size) {
            return false;
        }
        if cache.leaf != u32::MAX && inside(cache.leaf_origin, 4) {
            return self.leaves[cache.leaf as usize] >> leaf_bit(v[0], v[1], v[2]) & 1 != 0;
        }
        match self.locate(v, 0) {
            Loc::Solid => true,
            Loc::Free(level, _, o) => {
                cache.free_origin = o;
                cache.free_size = level_size(level);
                false
            }
            Loc::Entry(_, leaf, o) => {
                cache.leaf = leaf;
                cache.leaf_origin = o;
                self.leaves[leaf as usize] >> leaf_bit(v[0], v[1], v[2]) & 1 != 0
            }
        }
    }

    /// Whether the world point lies in a blocked voxel or outside the bounds.
    pub fn is_blocked(&self, p: [f32; 3]) -> bool {
        match self.voxel_of(p) {
            Some(v) => self.voxel_blocked([v[0] as i64, v[1] as i64, v[2] as i64]),
            None => true,
        }
    }

    /// Descends from the root towards voxel `v` and stops at the first free or
    /// solid node, or at the stored node of level `stop` (>= 1) containing `v`.
    /// With `stop == 0` the descent ends at the leaf (an `Entry` of level 1).
    pub(crate) fn locate(&self, v: [u32; 3], stop: u32) -> Loc {
        let stop = stop.max(1);
        let mut level = self.root_level;
        let mut e = 0u32;
        loop {
            if level == stop {
                let s = level_size(level);
                return Loc::Entry(level, e, [v[0] & !(s - 1), v[1] & !(s - 1), v[2] & !(s - 1)]);
            }
            let layer = &self.layers[level as usize - 2];
            let cl = level - 1;
            let sh = cl + 1;
            let slot = (v[0] >> sh & 1) | (v[1] >> sh & 1) << 1 | (v[2] >> sh & 1) << 2;
            let bit = 1u8 << slot;
            let ei = e as usize;
            if layer.solid[ei] & bit != 0 {
                return Loc::Solid;
            }
            let cs = level_size(cl);
            if layer.sub[ei] & bit == 0 {
                let o = [v[0] & !(cs - 1), v[1] & !(cs - 1), v[2] & !(cs - 1)];
                return Loc::Free(cl, Link::new(cl, e, slot), o);
            }
            e = layer.child(ei, slot);
            level = cl;
        }
    }

    /// Whether any voxel whose closed cube touches the segment from `a` to `b`
    /// (world space) is blocked or outside the bounds. Passing exactly through
    /// an edge or corner touches every voxel around it, so this is the
    /// no-corner-cutting rule of 26-connected grids.
    pub fn segment_blocked(&self, a: [f32; 3], b: [f32; 3]) -> bool {
        if !a.iter().chain(b.iter()).all(|c| c.is_finite()) {
            return true;
        }
        let pa = self.to_voxel_space(a);
        let pb = self.to_voxel_space(b);
        !self.segment_clear(pa, pb, &mut BlockCache::default())
    }

    /// Casts a ray from `a` towards `b`; returns the fraction `t` in [0, 1] of
    /// the first touched blocked voxel along the way (conservative: the entry
    /// parameter of the first blocked slab range), or `None` when clear.
    pub fn raycast(&self, a: [f32; 3], b: [f32; 3]) -> Option<f32> {
        let pa = self.to_voxel_space(a);
        let pb = self.to_voxel_space(b);
        self.first_blocked_on_segment(pa, pb).map(|t| t as f32)
    }

    /// Supercover of the closed segment (voxel space, f64) by slabs: for each
    /// x-slab touched, the y-slabs touched within it, then the z range. The
    /// cubes are grown by a tiny margin so rounding never lets a segment
    /// graze a blocked voxel. Returns the segment parameter where the first
    /// blocked voxel (in x-slab order along the ray) is reached.
    pub(crate) fn first_blocked_on_segment(&self, a: [f64; 3], b: [f64; 3]) -> Option<f64> {
        let d = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
        self.blocked_on_piece(a, d, 0.0, 1.0, true, &mut BlockCache::default())
    }

    /// [`Svo::first_blocked_on_segment`] for the part `t0 <= t <= t1` of the
    /// segment `a + t d`: the voxels whose grown cube touches that part.
    /// With `first` false, any blocked voxel's parameter (cheaper).
    fn blocked_on_piece(&self, a: [f64; 3], d: [f64; 3], t0: f64, t1: f64, first: bool, voxels: &mut impl VoxelLookup) -> Option<f64> {
        const M: f64 = SEGMENT_MARGIN;
        // t-interval where coordinate `axis` lies in [lo, hi] (intersected with [t0, t1]).
        let range = |axis: usize, lo: f64, hi: f64, t0: f64, t1: f64| -> Option<(f64, f64)> {
            if d[axis].abs() < 1e-12 {
                return if a[axis] >= lo && a[axis] <= hi { Some((t0, t1)) } else { None };
            }
            let (mut u, mut w) = ((lo - a[axis]) / d[axis], (hi - a[axis]) / d[axis]);
            if u > w {
                std::mem::swap(&mut u, &mut w);
            }
            let (s, e) = (u.max(t0), w.min(t1));
            (s <= e).then_some((s, e))
        };
        let coord = |axis: usize, t: f64| a[axis] + d[axis] * t;
        let cells = |lo: f64, hi: f64| -> (i64, i64) {
            let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
            (ceil_i64(lo - M) - 1, floor_i64(hi + M))
        };
        // x-slabs in the order the ray meets them.
        let (x0, x1) = cells(coord(0, t0), coord(0, t1));
        let mut best: Option<f64> = None;
        for k in 0..=(x1 - x0) {
            let x = if d[0] >= 0.0 { x0 + k } else { x1 - k };
            if best.is_some() {
                break;
            }
            let Some((tx0, tx1)) = range(0, x as f64 - M, x as f64 + 1.0 + M, t0, t1) else { continue };
            let (y0, y1) = cells(coord(1, tx0), coord(1, tx1));
            for y in y0..=y1 {
                let Some((ty0, ty1)) = range(1, y as f64 - M, y as f64 + 1.0 + M, tx0, tx1) else { continue };
                let (z0, z1) = cells(coord(2, ty0), coord(2, ty1));
                for z in z0..=z1 {
                    if !first {
                        // The z cells are exactly those the piece within the y slab touches.
                        if voxels.blocked(self, [x, y, z]) {
                            return Some(ty0);
                        }
                        continue;
                    }
                    let Some((tz0, _)) = range(2, z as f64 - M, z as f64 + 1.0 + M, ty0, ty1) else { continue };
                    if voxels.blocked(self, [x, y, z]) {
                        let t = tz0.max(0.0);
                        best = Some(best.map_or(t, |b: f64| b.min(t)));
                    }
                }
            }
        }
        best
    }

    /// Whether the segment from `a` to `b` (voxel space) touches no blocked
    /// voxel: the same test as [`Svo::first_blocked_on_segment`], but the
    /// stretch inside a free node larger than a voxel costs one lookup
    /// instead of one per voxel. Elsewhere it checks the segment a few
    /// voxels at a time. `voxels` answers the lookups.
    pub(crate) fn segment_clear(&self, a: [f64; 3], b: [f64; 3], voxels: &mut impl VoxelLookup) -> bool {
        // Pieces checked voxel by voxel, in voxels along the longest axis.
        const PIECE: f64 = 8.0;
        let d = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
        let longest = d[0].abs().max(d[1].abs()).max(d[2].abs());
        let piece = if longest > PIECE { PIECE / longest } else { 1.0 };
        let mut t = 0.0;
        while t < 1.0 {
            if let Some(out) = self.free_node_exit(a, d, t, voxels) {
                if out > t {
                    t = out;
                    continue;
                }
            }
            let next = (t + piece).min(1.0);
            if self.blocked_on_piece(a, d, t, next, false, voxels).is_some() {
                return false;
            }
            t = next;
        }
        true
    }

    /// For the segment `a + t d` at parameter `t`: when that point lies in
    /// a free node larger than a voxel, farther than twice
    /// [`SEGMENT_MARGIN`] from its faces, the parameter where the segment
    /// leaves that inner box. Up to there every voxel the segment touches
    /// (grown by the margin) is in the node, so free. None otherwise.
    fn free_node_exit(&self, a: [f64; 3], d: [f64; 3], t: f64, voxels: &mut impl VoxelLookup) -> Option<f64> {
        const INSET: f64 = 2.0 * SEGMENT_MARGIN;
        let p: [f64; 3] = std::array::from_fn(|k| a[k] + d[k] * t);
        let side = self.cube_side() as f64;
        if p.iter().any(|&c| !(c >= 0.0 && c < side)) {
            return None;
        }
        let (origin, size) = voxels.free_node(self, p.map(|c| c as u32))?;
        let mut out = f64::INFINITY;
        for k in 0..3 {
            let (lo, hi) = (origin[k] as f64 + INSET, (origin[k] + size) as f64 - INSET);
            if !(p[k] > lo && p[k] < hi) {
                return None;
            }
            if d[k] > 0.0 {
                out = out.min((hi - a[k]) / d[k]);
            } else if d[k] < 0.0 {
                out = out.min((lo - a[k]) / d[k]);
            }
        }
        Some(out)
    }
}

/// Where segment tests look voxels up.
pub(crate) trait VoxelLookup {
    /// Whether voxel `v` is blocked (voxels outside the bounds are).
    fn blocked(&mut self, svo: &Svo, v: [i64; 3]) -> bool;
    /// Origin and size of the free node larger than a voxel that holds
    /// voxel `v` (inside the octree's cube), if there is one.
    fn free_node(&mut self, svo: &Svo, v: [u32; 3]) -> Option<([u32; 3], u32)>;
}

impl VoxelLookup for BlockCache {
    fn blocked(&mut self, svo: &Svo, v: [i64; 3]) -> bool {
        svo.voxel_blocked_cached(v, self)
    }
    fn free_node(&mut self, svo: &Svo, v: [u32; 3]) -> Option<([u32; 3], u32)> {
        match svo.locate(v, 0) {
            Loc::Free(level, _, origin) => Some((origin, level_size(level))),
            _ => None,
        }
    }
}

/// How far a segment test grows every voxel cube (voxel units), so that
/// rounding never lets a segment graze a blocked voxel unseen.
const SEGMENT_MARGIN: f64 = 1e-6;
