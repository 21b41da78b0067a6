//! Building an octree: from a voxel list (and the Moving AI `.3dmap` text),
//! from an "is this box blocked?" callback, and from a triangle mesh.
//!
//! All three share one top-down, layer-by-layer builder: every stored node of
//! a layer is visited in Morton order, its 8 children are classified (free,
//! solid, or mixed), and mixed children become the next layer. Boxes outside
//! the bounds (the power-of-two padding) are solid without asking the source;
//! the source is asked about coarse boxes first and single voxels last.

use super::{leaf_bit, level_size, Layer, Link, Svo, SvoError};

/// Result of parsing a `.3dmap` file.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedMap {
    /// Grid size from the `voxel X Y Z` header.
    pub dims: [u32; 3],
    /// Occupied voxels, in file order.
    pub voxels: Vec<[u32; 3]>,
}

/// Parses a Moving AI `.3dmap` file: a `voxel X Y Z` header line, then one
/// `x y z` line per blocked voxel. Blank lines are ignored.
///
/// # Errors
/// [`SvoError::Parse`] with the 1-based line number for a bad header, a line
/// without exactly three integers, or a voxel outside the header's bounds.
///
/// # Example
/// ```
/// let map = tessera::svo::parse_3dmap("voxel 4 4 4\n1 2 3\n").unwrap();
/// assert_eq!(map.dims, [4, 4, 4]);
/// assert_eq!(map.voxels, vec![[1, 2, 3]]);
/// assert!(tessera::svo::parse_3dmap("voxel 4 4 4\n1 2 9\n").is_err());
/// ```
pub fn parse_3dmap(text: &str) -> Result<ParsedMap, SvoError> {
    let err = |line: usize, message: String| SvoError::Parse { line, message };
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let (hl, header) = lines.next().ok_or_else(|| err(1, "empty file: expected `voxel X Y Z`".into()))?;
    let mut it = header.split_whitespace();
    if it.next() != Some("voxel") {
        return Err(err(hl + 1, format!("expected `voxel X Y Z`, got `{}`", header.trim())));
    }
    let mut dims = [0u32; 3];
    for d in &mut dims {
        *d = it
            .next()
            .and_then(|s| s.parse().ok())
            .filter(|&v| v > 0)
            .ok_or_else(|| err(hl + 1, "the header needs three positive integer sizes".into()))?;
    }
    if it.next().is_some() {
        return Err(err(hl + 1, "the header has more than three sizes".into()));
    }
    let mut voxels = Vec::new();
    for (i, line) in lines {
        let mut v = [0u32; 3];
        let mut it = line.split_whitespace();
        for (a, c) in v.iter_mut().enumerate() {
            let field = it.next().ok_or_else(|| err(i + 1, format!("expected `x y z`, got `{}`", line.trim())))?;
            *c = field.parse().map_err(|_| err(i + 1, format!("`{field}` is not a non-negative integer")))?;
            if *c >= dims[a] {
                return Err(err(i + 1, format!("coordinate {c} is outside the size {}", dims[a])));
            }
        }
        if it.next().is_some() {
            return Err(err(i + 1, format!("expected three numbers, got `{}`", line.trim())));
        }
        voxels.push(v);
    }
    Ok(ParsedMap { dims, voxels })
}

/// Vertices and triangles (three vertex indices each) of a parsed mesh.
pub type ObjMesh = (Vec<[f32; 3]>, Vec<[u32; 3]>);

/// Parses a Wavefront OBJ mesh: `v x y z` vertices and `f a b c ...` faces
/// (1-based or negative indices, `a/b/c` forms allowed; polygons are fanned
/// into triangles). Other lines are ignored.
///
/// # Errors
/// [`SvoError::Parse`] with the line number for bad numbers or indices.
pub fn parse_obj(text: &str) -> Result<ObjMesh, SvoError> {
    let mut verts = Vec::new();
    let mut tris = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let err = |message: String| SvoError::Parse { line: i + 1, message };
        let mut it = line.split_whitespace();
        match it.next() {
            Some("v") => {
                let mut p = [0f32; 3];
                for c in &mut p {
                    let f = it.next().ok_or_else(|| err("a vertex needs three coordinates".into()))?;
                    *c = f.parse().ok().filter(|v: &f32| v.is_finite()).ok_or_else(|| err(format!("bad coordinate `{f}`")))?;
                }
                verts.push(p);
            }
            Some("f") => {
                let mut idx = Vec::new();
                for f in it {
                    let first = f.split('/').next().unwrap_or("");
                    let n: i64 = first.parse().map_err(|_| err(format!("bad face index `{f}`")))?;
                    let k = if n > 0 { n - 1 } else { verts.len() as i64 + n };
                    if n == 0 || k < 0 || k >= verts.len() as i64 {
                        return Err(err(format!("face index {n} does not name a vertex")));
                    }
                    idx.push(k as u32);
                }
                if idx.len() < 3 {
                    return Err(err("a face needs at least three vertices".into()));
                }
                for j in 1..idx.len() - 1 {
                    tris.push([idx[0], idx[j], idx[j + 1]]);
                }
            }
            _ => {}
        }
    }
    Ok((verts, tris))
}

/// Voxel size, bounds and agent radius for the callback and mesh builders.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeshParams {
    /// Minimum corner of the bounds (world units).
    pub bounds_min: [f32; 3],
    /// Maximum corner; the voxel count per axis is `ceil((max - min) / voxel_size)`.
    pub bounds_max: [f32; 3],
    /// Edge of a voxel (> 0).
    pub voxel_size: f32,
    /// Agent radius (>= 0): every tested box is grown by this much on each
    /// side, so a voxel is blocked when geometry is within `radius` of it in
    /// each axis (a conservative box approximation of the sphere inflation).
    pub agent_radius: f32,
}

impl MeshParams {
    fn dims(&self) -> Result<[u32; 3], SvoError> {
        let bad = |m: &str| Err(SvoError::InvalidParam(m.into()));
        if !(self.voxel_size.is_finite() && self.voxel_size > 0.0) {
            return bad("voxel size must be finite and > 0");
        }
        if !(self.agent_radius.is_finite() && self.agent_radius >= 0.0) {
            return bad("agent radius must be finite and >= 0");
        }
        let mut dims = [0u32; 3];
        for (a, d) in dims.iter_mut().enumerate() {
            let (lo, hi) = (self.bounds_min[a], self.bounds_max[a]);
            if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
                return bad("bounds must be finite with max > min on every axis");
            }
            let n = ((hi as f64 - lo as f64) / self.voxel_size as f64).ceil();
            if n > 65536.0 {
                return Err(SvoError::TooLarge(format!("{n} voxels on axis {a} exceed 65536")));
            }
            *d = (n as u32).max(1);
        }
        Ok(dims)
    }
}

/// What a source says about a box.
pub(crate) enum Class<S> {
    Free,
    Solid,
    Mixed(S),
}

/// A source of voxel occupancy for the builder.
pub(crate) trait Source {
    /// Per-node state handed down to the children (e.g. overlapping triangles).
    type State;
    /// Classifies the box of `size` voxels at voxel `origin`, which lies inside the bounds.
    fn classify(&mut self, origin: [u32; 3], size: u32, parent: &Self::State) -> Class<Self::State>;
    /// Whether one in-bounds voxel is blocked.
    fn voxel(&mut self, v: [u32; 3], parent: &Self::State) -> bool;
    /// State of the root.
    fn root(&mut self) -> Self::State;
}

fn root_level(dims: [u32; 3]) -> Result<u32, SvoError> {
    let m = dims.iter().copied().max().unwrap_or(1);
    if m == 0 || m > 65536 {
        return Err(SvoError::TooLarge(format!("a side of {m} voxels is outside 1..=65536")));
    }
    let mut r = 2;
    while level_size(r) < m {
        r += 1;
    }
    Ok(r)
}

fn too_large(level: u32) -> SvoError {
    SvoError::TooLarge(format!("layer {level} needs more than 2^22 nodes (the link offset field is 22 bits)"))
}

/// The top-down builder shared by every source.
pub(crate) fn build<S: Source>(src: &mut S, dims: [u32; 3], origin: [f32; 3], voxel_size: f32) -> Result<Svo, SvoError>
where
    S::State: Clone,
{
    if !(voxel_size.is_finite() && voxel_size > 0.0) {
        return Err(SvoError::InvalidParam(format!("voxel size must be finite and > 0, got {voxel_size}")));
    }
    if !origin.iter().all(|c| c.is_finite()) {
        return Err(SvoError::InvalidParam("origin must be finite".into()));
    }
    let r = root_level(dims)?;
    let root_state = src.root();
    let mut frontier = vec![([0u32; 3], root_state)];
    let mut layers_rev = Vec::new();
    let mut leaves = Vec::new();
    for level in (2..=r).rev() {
        let mut layer = Layer::default();
        let mut next = Vec::new();
        let mut pending = Vec::new();
        let cs = level_size(level - 1);
        for (o, st) in &frontier {
            let (mut sub, mut solid) = (0u8, 0u8);
            let first = if level == 2 { leaves.len() } else { next.len() };
            for slot in 0..8u32 {
                let co = [o[0] + (slot & 1) * cs, o[1] + (slot >> 1 & 1) * cs, o[2] + (slot >> 2 & 1) * cs];
                let outside = (0..3).any(|a| co[a] >= dims[a]);
                let straddles = (0..3).any(|a| co[a] + cs > dims[a]);
                if outside {
                    solid |= 1 << slot;
                    continue;
                }
                if level == 2 {
                    // Leaf boxes now; their voxels after every leaf box of the layer.
                    match src.classify(co, cs, st) {
                        Class::Free if !straddles => {}
                        Class::Solid if !straddles => solid |= 1 << slot,
                        Class::Mixed(s) => pending.push((co, s, first_index(&layer), slot)),
                        _ => pending.push((co, st.clone(), first_index(&layer), slot)),
                    }
                    continue;
                }
                match src.classify(co, cs, st) {
                    Class::Free if !straddles => {}
                    Class::Solid if !straddles => solid |= 1 << slot,
                    Class::Mixed(s) => {
                        sub |= 1 << slot;
                        next.push((co, s));
                    }
                    // A box crossing the bounds with a uniform inside: subdivide anyway.
                    _ => {
                        sub |= 1 << slot;
                        next.push((co, st.clone()));
                    }
                }
            }
            layer.push(sub, solid, first as u32);
        }
        if level == 2 {
            resolve_leaves(src, dims, &mut layer, &mut pending, &mut leaves);
        }
        if layer.len() > Link::MAX_OFFSET as usize {
            return Err(too_large(level));
        }
        layers_rev.push(layer);
        frontier = next;
    }
    if leaves.len() > Link::MAX_OFFSET as usize {
        return Err(too_large(1));
    }
    layers_rev.reverse();
    Ok(Svo { origin, voxel_size, dims, root_level: r, leaves, layers: layers_rev })
}

/// Index of the node being built (the next one pushed to `layer`).
fn first_index(layer: &Layer) -> usize {
    layer.len()
}

/// Asks the source about the voxels of every leaf box that was not free,
/// then fixes up the level-2 nodes: empty leaves stay free, full leaves
/// become solid, the rest are stored.
fn resolve_leaves<S: Source>(src: &mut S, dims: [u32; 3], layer: &mut Layer, pending: &mut Vec<([u32; 3], S::State, usize, u32)>, leaves: &mut Vec<u64>) {
    let mut masks = Vec::with_capacity(pending.len());
    for (co, st, _, _) in pending.iter() {
        let mut mask = 0u64;
        for bit in 0..64 {
            let l = super::leaf_xyz(bit);
            let v = [co[0] + l[0], co[1] + l[1], co[2] + l[2]];
            let blocked = (0..3).any(|a| v[a] >= dims[a]) || src.voxel(v, st);
            mask |= u64::from(blocked) << bit;
        }
        masks.push(mask);
    }
    for ((_, _, e, slot), mask) in pending.drain(..).zip(masks) {
        if mask == u64::MAX {
            layer.solid[e] |= 1 << slot;
        } else if mask != 0 {
            layer.sub[e] |= 1 << slot;
            leaves.push(mask);
        }
    }
    layer.index();
}

// ---- voxel lists --------------------------------------------------------------

fn spread3(v: u32) -> u64 {
    let mut x = v as u64 & 0x1f_ffff;
    x = (x | x << 32) & 0x1f_0000_0000_ffff;
    x = (x | x << 16) & 0x1f_0000_ff00_00ff;
    x = (x | x << 8) & 0x100f_00f0_0f00_f00f;
    x = (x | x << 4) & 0x10c3_0c30_c30c_30c3;
    x = (x | x << 2) & 0x1249_2492_4924_9249;
    x
}

/// Morton code of a 3D cell (x in the lowest bit).
pub(crate) fn morton3(v: [u32; 3]) -> u64 {
    spread3(v[0]) | spread3(v[1]) << 1 | spread3(v[2]) << 2
}

/// Sorted (leaf Morton code, voxel bits) pairs; state = index range.
struct VoxelSource {
    leaves: Vec<(u64, u64)>,
}

impl Source for VoxelSource {
    type State = (usize, usize);
    fn root(&mut self) -> (usize, usize) {
        (0, self.leaves.len())
    }
    fn classify(&mut self, origin: [u32; 3], size: u32, &(lo, hi): &(usize, usize)) -> Class<(usize, usize)> {
        let m0 = morton3([origin[0] >> 2, origin[1] >> 2, origin[2] >> 2]);
        let n = (size as u64 / 4).pow(3);
        let s = &self.leaves[lo..hi];
        let a = lo + s.partition_point(|&(m, _)| m < m0);
        let b = lo + s.partition_point(|&(m, _)| m < m0 + n);
        if a == b {
            Class::Free
        } else if (b - a) as u64 == n && self.leaves[a..b].iter().all(|&(_, k)| k == u64::MAX) {
            Class::Solid
        } else {
            Class::Mixed((a, b))
        }
    }
    fn voxel(&mut self, v: [u32; 3], &(lo, hi): &(usize, usize)) -> bool {
        let m = morton3([v[0] >> 2, v[1] >> 2, v[2] >> 2]);
        let s = &self.leaves[lo..hi];
        match s.binary_search_by_key(&m, |&(k, _)| k) {
            Ok(i) => s[i].1 >> leaf_bit(v[0], v[1], v[2]) & 1 != 0,
            Err(_) => false,
        }
    }
}

// ---- callbacks -------------------------------------------------------------------

struct CallbackSource<F> {
    f: F,
    origin: [f32; 3],
    voxel_size: f32,
}

impl<F: FnMut([f32; 3], [f32; 3]) -> bool> CallbackSource<F> {
    fn ask(&mut self, o: [u32; 3], size: u32) -> bool {
        let lo = std::array::from_fn(|a| self.origin[a] + o[a] as f32 * self.voxel_size);
        let hi = std::array::from_fn(|a| self.origin[a] + (o[a] + size) as f32 * self.voxel_size);
        (self.f)(lo, hi)
    }
}

impl<F: FnMut([f32; 3], [f32; 3]) -> bool> Source for CallbackSource<F> {
    type State = ();
    fn root(&mut self) {}
    fn classify(&mut self, origin: [u32; 3], size: u32, _: &()) -> Class<()> {
        if self.ask(origin, size) {
            Class::Mixed(())
        } else {
            Class::Free
        }
    }
    fn voxel(&mut self, v: [u32; 3], _: &()) -> bool {
        self.ask(v, 1)
    }
}

// ---- meshes ------------------------------------------------------------------------

struct MeshSource<'a> {
    verts: &'a [[f32; 3]],
    tris: &'a [[u32; 3]],
    origin: [f32; 3],
    voxel_size: f32,
    radius: f32,
}

impl MeshSource<'_> {
    fn overlapping(&self, o: [u32; 3], size: u32, candidates: &[u32]) -> Vec<u32> {
        let vs = self.voxel_size as f64;
        let half = size as f64 * vs * 0.5 + self.radius as f64;
        let c: [f64; 3] = std::array::from_fn(|a| self.origin[a] as f64 + (o[a] as f64 + size as f64 * 0.5) * vs);
        candidates
            .iter()
            .copied()
            .filter(|&t| {
                let [i, j, k] = self.tris[t as usize];
                let p = |i: u32| self.verts[i as usize].map(f64::from);
                tri_box_overlap(c, [half; 3], [p(i), p(j), p(k)])
            })
            .collect()
    }
}

impl Source for MeshSource<'_> {
    type State = Vec<u32>;
    fn root(&mut self) -> Vec<u32> {
        (0..self.tris.len() as u32).collect()
    }
    fn classify(&mut self, origin: [u32; 3], size: u32, parent: &Vec<u32>) -> Class<Vec<u32>> {
        let list = self.overlapping(origin, size, parent);
        if list.is_empty() {
            Class::Free
        } else {
            Class::Mixed(list)
        }
    }
    fn voxel(&mut self, v: [u32; 3], parent: &Vec<u32>) -> bool {
        !self.overlapping(v, 1, parent).is_empty()
    }
}

/// Exact triangle / axis-aligned box overlap by the separating axis theorem
/// (Akenine-Möller): the box's 3 face normals, the triangle normal, and the 9
/// edge cross products. Touching counts as overlapping.
pub(crate) fn tri_box_overlap(center: [f64; 3], half: [f64; 3], tri: [[f64; 3]; 3]) -> bool {
    let sub = |a: [f64; 3], b: [f64; 3]| [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
    let dot = |a: [f64; 3], b: [f64; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    let cross = |a: [f64; 3], b: [f64; 3]| [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
    let v = [sub(tri[0], center), sub(tri[1], center), sub(tri[2], center)];
    let separated = |axis: [f64; 3]| {
        let p = [dot(v[0], axis), dot(v[1], axis), dot(v[2], axis)];
        let r = half[0] * axis[0].abs() + half[1] * axis[1].abs() + half[2] * axis[2].abs();
        let (mn, mx) = (p[0].min(p[1]).min(p[2]), p[0].max(p[1]).max(p[2]));
        mn > r || mx < -r
    };
    let e = [sub(v[1], v[0]), sub(v[2], v[1]), sub(v[0], v[2])];
    let units = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
    for u in units {
        if separated(u) {
            return false;
        }
    }
    if separated(cross(e[0], e[1])) {
        return false;
    }
    for ed in e {
        for u in units {
            if separated(cross(u, ed)) {
                return false;
            }
        }
    }
    true
}

impl Svo {
    /// Builds from a list of blocked voxels in a `dims` grid (duplicates are
    /// fine). Voxel `(x, y, z)` covers `origin + [x, x+1) * voxel_size`.
    ///
    /// # Errors
    /// `InvalidParam` for a voxel outside `dims`, a non-positive or non-finite
    /// voxel size or a non-finite origin; `TooLarge` beyond the limits.
    pub fn from_voxels(dims: [u32; 3], voxels: &[[u32; 3]], origin: [f32; 3], voxel_size: f32) -> Result<Svo, SvoError> {
        root_level(dims)?;
        let mut keys: Vec<(u64, u64)> = Vec::with_capacity(voxels.len());
        for v in voxels {
            if (0..3).any(|a| v[a] >= dims[a]) {
                return Err(SvoError::InvalidParam(format!("voxel {v:?} is outside the size {dims:?}")));
            }
            keys.push((morton3([v[0] >> 2, v[1] >> 2, v[2] >> 2]), 1u64 << leaf_bit(v[0], v[1], v[2])));
        }
        keys.sort_unstable_by_key(|k| k.0);
        let mut leaves: Vec<(u64, u64)> = Vec::new();
        for (m, b) in keys {
            match leaves.last_mut() {
                Some(last) if last.0 == m => last.1 |= b,
                _ => leaves.push((m, b)),
            }
        }
        build(&mut VoxelSource { leaves }, dims, origin, voxel_size)
    }

    /// Builds from Moving AI `.3dmap` text with voxel size 1 at the origin.
    ///
    /// # Errors
    /// [`SvoError::Parse`] with a line number for malformed text.
    pub fn from_3dmap(text: &str) -> Result<Svo, SvoError> {
        let map = parse_3dmap(text)?;
        Svo::from_voxels(map.dims, &map.voxels, [0.0; 3], 1.0)
    }

    /// Builds by asking `blocked(min, max)` whether anything blocks a world
    /// box: first for the 8 children of the root, layer by layer down to the
    /// leaves' single voxels (the way engines use physics overlap queries). A
    /// box reported free is never asked about again; only boxes reported
    /// blocked are refined.
    ///
    /// # Errors
    /// `InvalidParam` for bad bounds or voxel size; `TooLarge` beyond the limits.
    pub fn from_callback(params: &MeshParams, blocked: impl FnMut([f32; 3], [f32; 3]) -> bool) -> Result<Svo, SvoError> {
        let dims = params.dims()?;
        let mut src = CallbackSource { f: blocked, origin: params.bounds_min, voxel_size: params.voxel_size };
        build(&mut src, dims, params.bounds_min, params.voxel_size)
    }

    /// Voxelises a triangle mesh: a voxel is blocked when its box, grown by
    /// the agent radius, overlaps a triangle (exact separating-axis test).
    /// Only surfaces are voxelised; closed volumes are not filled.
    ///
    /// # Errors
    /// `InvalidParam` for bad parameters, a non-finite vertex or an index out
    /// of range; `TooLarge` beyond the limits.
    pub fn from_mesh(vertices: &[[f32; 3]], triangles: &[[u32; 3]], params: &MeshParams) -> Result<Svo, SvoError> {
        let dims = params.dims()?;
        if !vertices.iter().flatten().all(|c| c.is_finite()) {
            return Err(SvoError::InvalidParam("a vertex is not finite".into()));
        }
        if let Some(t) = triangles.iter().position(|t| t.iter().any(|&i| i as usize >= vertices.len())) {
            return Err(SvoError::InvalidParam(format!("triangle {t} has an index out of range")));
        }
        let mut src = MeshSource {
            verts: vertices,
            tris: triangles,
            origin: params.bounds_min,
            voxel_size: params.voxel_size,
            radius: params.agent_radius,
        };
        build(&mut src, dims, params.bounds_min, params.voxel_size)
    }
}
