//! Navigation meshes: an immutable polygon mesh shared by all threads, and
//! per-thread [`NavMeshQuery`] objects answering Detour-style queries
//! (nearest polygon, A* path, funnel straight path, raycast, move along the
//! surface, circle and wall queries, random points, sliced search) plus an
//! exact any-angle mode ([`NavMeshQuery::find_optimal_path`], Polyanya).
//!
//! A [`NavMesh`] holds convex polygons (up to [`MAX_POLY_VERTS`] corners,
//! counter-clockwise seen from +Y, the Recast convention), a per-polygon
//! area id (`< 64`) and flag bits, neighbour links found from shared edges,
//! optional off-mesh connections and per-polygon height detail, and a BVH
//! over polygon bounds. It is `Send + Sync`: wrap it in an `Arc` and give
//! each thread its own [`NavMeshQuery`], which allocates all its scratch
//! memory once at creation.
//!
//! ```
//! use std::sync::Arc;
//! use tessera::navmesh::{MeshInput, NavMesh, NavMeshQuery, QueryFilter};
//! // Two unit squares side by side (x 0..2, z 0..1), Y up.
//! let verts = [[0.0, 0.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 1.0], [1.0, 0.0, 0.0], [2.0, 0.0, 1.0], [2.0, 0.0, 0.0]];
//! let input = MeshInput { vertices: &verts, indices: &[0, 1, 2, 3, 3, 2, 4, 5], poly_sizes: &[4, 4], ..MeshInput::default() };
//! let mesh = Arc::new(NavMesh::build(&input).unwrap());
//! let mut query = NavMeshQuery::new(mesh, 256);
//! let filter = QueryFilter::default();
//! let (start, _) = query.find_nearest_poly([0.5, 0.0, 0.5], [1.0, 1.0, 1.0], &filter).unwrap();
//! let (end, _) = query.find_nearest_poly([1.5, 0.0, 0.5], [1.0, 1.0, 1.0], &filter).unwrap();
//! let mut path = Vec::new();
//! let result = query.find_path(start, end, [0.5, 0.0, 0.5], [1.5, 0.0, 0.5], &filter, &mut path).unwrap();
//! assert_eq!(path, vec![0, 1]);
//! assert!(!result.partial);
//! ```

mod blob;
mod bvh;
pub mod geom;
mod obj;
mod polyanya;
mod query;
mod soup;
pub mod svg;

pub use blob::{BLOB_MAGIC, BLOB_VERSION};
pub use query::{NavMeshQuery, PathResult, QueryError, QueryFilter, RaycastHit, SlicedState, StraightPoint, WallHit};
pub use query::{STRAIGHTPATH_ALL_CROSSINGS, STRAIGHTPATH_AREA_CROSSINGS, STRAIGHT_END, STRAIGHT_OFFMESH, STRAIGHT_START};
pub use soup::SoupSettings;

use bvh::Bvh;
use geom::{tri_area_2d, Vec3};
use std::collections::HashMap;
use std::fmt;

/// Most corners a polygon may have.
pub const MAX_POLY_VERTS: usize = 32;
/// Number of area ids (area costs in a [`QueryFilter`]); areas are `0..MAX_AREAS`.
pub const MAX_AREAS: usize = 64;
/// "No polygon" / "no neighbour".
pub const NO_POLY: u32 = u32::MAX;

/// An off-mesh connection: a jump, ladder or door between two points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OffMeshConnection {
    /// Start point (must lie within `radius` of a polygon in XZ).
    pub start: Vec3,
    /// End point.
    pub end: Vec3,
    /// Snap radius for attaching the endpoints to polygons. (limit: > 0)
    pub radius: f32,
    /// Whether the connection may also be used from end to start.
    pub bidirectional: bool,
    /// Traversal cost (world units before area scaling); negative means the 3D distance.
    pub cost: f32,
    /// Area id (`< 64`).
    pub area: u8,
    /// Flag bits.
    pub flags: u16,
}

/// Per-polygon height detail: triangles over extra vertices, listed in
/// polygon order (`poly_tri_counts[i]` triangles for polygon `i`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DetailInput {
    /// Detail vertices.
    pub vertices: Vec<Vec3>,
    /// Triangles (indices into `vertices`).
    pub triangles: Vec<[u32; 3]>,
    /// Triangle count of each polygon (length = polygon count).
    pub poly_tri_counts: Vec<u32>,
}

/// Everything needed to build a [`NavMesh`].
#[derive(Debug, Clone, Copy, Default)]
pub struct MeshInput<'a> {
    /// Vertex positions, Y up.
    pub vertices: &'a [Vec3],
    /// Polygon corner indices, polygon after polygon.
    pub indices: &'a [u32],
    /// Corner count of each polygon (3..=32).
    pub poly_sizes: &'a [u32],
    /// Area id per polygon (`< 64`); empty means all 0.
    pub areas: &'a [u8],
    /// Flags per polygon; empty means all 1.
    pub flags: &'a [u16],
    /// Off-mesh connections.
    pub off_mesh: &'a [OffMeshConnection],
    /// Optional height detail.
    pub detail: Option<&'a DetailInput>,
}

/// Why a mesh could not be built or loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildErrorKind {
    /// Array lengths disagree or a count is out of range.
    BadInput,
    /// A coordinate is NaN or infinite.
    NonFinite,
    /// A vertex index is out of range.
    IndexOutOfRange,
    /// A polygon has a reflex corner.
    NonConvex,
    /// A polygon has (nearly) zero area or repeats a corner.
    Degenerate,
    /// A polygon winds the other way from the rest of the mesh.
    MixedWinding,
    /// An edge is shared by more than two polygons.
    EdgeOverShared,
    /// Text input could not be parsed.
    Parse,
    /// Binary data is truncated or fails its checksum.
    Corrupt,
    /// Binary data has another format version.
    Version,
}

/// A build or load error, with a message naming the polygon at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    /// What went wrong.
    pub kind: BuildErrorKind,
    /// The polygon at fault, if any.
    pub polygon: Option<u32>,
    /// Readable description.
    pub message: String,
}

impl BuildError {
    pub(crate) fn new(kind: BuildErrorKind, polygon: Option<u32>, message: impl Into<String>) -> Self {
        BuildError { kind, polygon, message: message.into() }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BuildError {}

/// A link from a node (polygon or off-mesh connection) to a neighbour.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Link {
    /// Neighbour node.
    pub to: u32,
    /// Edge index on this node (0xff: to an off-mesh connection from a ground polygon).
    pub edge: u8,
    /// Midpoint of the portal (Detour's node position when first reached through this link).
    pub mid: Vec3,
}

/// Internal off-mesh node.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OffMeshNode {
    pub conn: OffMeshConnection,
    /// Polygons the endpoints attach to.
    pub start_poly: u32,
    pub end_poly: u32,
}

/// An immutable navigation mesh. See the [module docs](self).
#[derive(Debug, Clone)]
pub struct NavMesh {
    verts: Vec<Vec3>,
    poly_first: Vec<u32>,
    poly_verts: Vec<u32>,
    /// Per corner slot: the polygon across edge (corner i → corner i+1), or NO_POLY.
    edge_nei: Vec<u32>,
    /// Per corner slot: the index of the same edge in the neighbour polygon.
    edge_twin: Vec<u8>,
    areas: Vec<u8>,
    flags: Vec<u16>,
    bounds: Vec<([f32; 3], [f32; 3])>,
    /// CSR links per node (polygons then off-mesh nodes).
    link_first: Vec<u32>,
    links: Vec<Link>,
    offmesh: Vec<OffMeshNode>,
    offmesh_input: Vec<OffMeshConnection>,
    bvh: Bvh,
    poly_area_xz: Vec<f32>,
    sampler: Option<crate::random::AliasTable>,
    detail: Option<DetailInput>,
    detail_first: Vec<u32>,
    /// Per vertex: lies on the mesh boundary (a Polyanya turning point).
    corner: Vec<bool>,
    /// Connected component of each node over all links (filters ignored).
    component: Vec<u32>,
    /// Ground polygons grouped by component (`comp_first[c]..comp_first[c+1]` in `comp_polys`).
    comp_first: Vec<u32>,
    comp_polys: Vec<u32>,
    max_poly_verts: usize,
}

impl NavMesh {
    /// Builds and validates a mesh.
    ///
    /// # Errors
    /// A [`BuildError`] naming the first bad polygon (non-convex, degenerate,
    /// mixed winding, out-of-range index, NaN/inf, an edge shared by more than
    /// two polygons) or the bad array.
    pub fn build(input: &MeshInput<'_>) -> Result<NavMesh, BuildError> {
        use BuildErrorKind::*;
        let npolys = input.poly_sizes.len();
        if npolys == 0 {
            return Err(BuildError::new(BadInput, None, "the mesh has no polygons"));
        }
        if npolys >= (u32::MAX / 2) as usize {
            return Err(BuildError::new(BadInput, None, "too many polygons"));
        }
        if !input.areas.is_empty() && input.areas.len() != npolys {
            return Err(BuildError::new(BadInput, None, format!("{} areas for {npolys} polygons", input.areas.len())));
        }
        if !input.flags.is_empty() && input.flags.len() != npolys {
            return Err(BuildError::new(BadInput, None, format!("{} flags for {npolys} polygons", input.flags.len())));
        }
        let mut poly_first = Vec::with_capacity(npolys + 1);
        let mut total = 0usize;
        poly_first.push(0u32);
        for (p, &n) in input.poly_sizes.iter().enumerate() {
            if !(3..=MAX_POLY_VERTS as u32).contains(&n) {
                return Err(BuildError::new(
                    BadInput,
                    Some(p as u32),
                    format!("polygon {p} has {n} corners (allowed 3..={MAX_POLY_VERTS})"),
                ));
            }
            total += n as usize;
            poly_first.push(total as u32);
        }
        if total != input.indices.len() {
            return Err(BuildError::new(
                BadInput,
                None,
                format!("polygon sizes add up to {total} but {} indices were given", input.indices.len()),
            ));
        }
        let nverts = input.vertices.len();
        let areas: Vec<u8> = if input.areas.is_empty() { vec![0; npolys] } else { input.areas.to_vec() };
        let flags: Vec<u16> = if input.flags.is_empty() { vec![1; npolys] } else { input.flags.to_vec() };
        if let Some(p) = areas.iter().position(|&a| a as usize >= MAX_AREAS) {
            return Err(BuildError::new(BadInput, Some(p as u32), format!("polygon {p} has area {} (must be < 64)", areas[p])));
        }
        // Per-polygon checks: indices, repeats, winding, convexity.
        let mut winding_ref: Option<(f32, usize)> = None;
        let mut signs = Vec::with_capacity(npolys);
        for p in 0..npolys {
            let idx = &input.indices[poly_first[p] as usize..poly_first[p + 1] as usize];
            for &i in idx {
                if i as usize >= nverts {
                    return Err(BuildError::new(
                        IndexOutOfRange,
                        Some(p as u32),
                        format!("polygon {p} uses vertex {i} but there are {nverts} vertices"),
                    ));
                }
            }
            if let Some(&i) = idx.iter().find(|&&i| !input.vertices[i as usize].iter().all(|c| c.is_finite())) {
                return Err(BuildError::new(
                    NonFinite,
                    Some(p as u32),
                    format!("polygon {p} uses vertex {i}, which is not finite: {:?}", input.vertices[i as usize]),
                ));
            }
            for (a, &i) in idx.iter().enumerate() {
                if idx[a + 1..].contains(&i) {
                    return Err(BuildError::new(Degenerate, Some(p as u32), format!("polygon {p} repeats vertex {i}")));
                }
            }
            let pts: Vec<Vec3> = idx.iter().map(|&i| input.vertices[i as usize]).collect();
            let area2 = polygon_area2(&pts);
            let scale = poly_scale(&pts);
            if area2.abs() <= 1e-7 * scale * scale || area2.abs() < 1e-12 {
                return Err(BuildError::new(Degenerate, Some(p as u32), format!("polygon {p} has zero area in XZ")));
            }
            let sign = area2.signum();
            match winding_ref {
                None => winding_ref = Some((sign, p)),
                Some((s, first)) if s != sign => {
                    return Err(BuildError::new(
                        MixedWinding,
                        Some(p as u32),
                        format!("polygon {p} winds the other way from polygon {first}"),
                    ))
                }
                _ => {}
            }
            signs.push(sign);
            let n = pts.len();
            for k in 0..n {
                let a = pts[k];
                let b = pts[(k + 1) % n];
                let c = pts[(k + 2) % n];
                let t = tri_area_2d(a, b, c) * sign;
                let tol = 1e-5 * geom::dist_2d(a, b).max(1e-6) * geom::dist_2d(b, c).max(1e-6);
                if t < -tol {
                    return Err(BuildError::new(
                        NonConvex,
                        Some(p as u32),
                        format!("polygon {p} is not convex at corner {} (vertex {})", (k + 1) % n, idx[(k + 1) % n]),
                    ));
                }
            }
        }
        if let Some((i, v)) = input.vertices.iter().enumerate().find(|(_, v)| !v.iter().all(|c| c.is_finite())) {
            return Err(BuildError::new(NonFinite, None, format!("vertex {i} (unused) is not finite: {v:?}")));
        }
        // Normalise to the Recast winding (positive tri_area_2d of consecutive corners).
        let mut poly_verts = input.indices.to_vec();
        if winding_ref.map(|w| w.0) == Some(-1.0) {
            for p in 0..npolys {
                poly_verts[poly_first[p] as usize..poly_first[p + 1] as usize].reverse();
            }
        }
        // Neighbours from shared edges.
        let mut edge_nei = vec![NO_POLY; total];
        let mut edge_twin = vec![0u8; total];
        let mut edges: HashMap<(u32, u32), (u32, u32, u8)> = HashMap::with_capacity(total);
        for p in 0..npolys {
            let (s, e) = (poly_first[p] as usize, poly_first[p + 1] as usize);
            let n = e - s;
            for k in 0..n {
                let a = poly_verts[s + k];
                let b = poly_verts[s + (k + 1) % n];
                let key = (a.min(b), a.max(b));
                match edges.get_mut(&key) {
                    None => {
                        edges.insert(key, (p as u32, (s + k) as u32, 1));
                    }
                    Some(entry) => {
                        entry.2 += 1;
                        if entry.2 > 2 {
                            return Err(BuildError::new(
                                EdgeOverShared,
                                Some(p as u32),
                                format!("edge ({a}, {b}) of polygon {p} is shared by more than two polygons"),
                            ));
                        }
                        let other = entry.0;
                        let slot = entry.1 as usize;
                        edge_nei[slot] = p as u32;
                        edge_nei[s + k] = other;
                        edge_twin[slot] = k as u8;
                        edge_twin[s + k] = (slot - poly_first[other as usize] as usize) as u8;
                    }
                }
            }
        }
        let verts = input.vertices.to_vec();
        let bounds: Vec<([f32; 3], [f32; 3])> = (0..npolys)
            .map(|p| {
                let mut min = [f32::MAX; 3];
                let mut max = [f32::MIN; 3];
                for &i in &poly_verts[poly_first[p] as usize..poly_first[p + 1] as usize] {
                    let v = verts[i as usize];
                    for k in 0..3 {
                        min[k] = min[k].min(v[k]);
                        max[k] = max[k].max(v[k]);
                    }
                }
                (min, max)
            })
            .collect();
        let poly_area_xz: Vec<f32> = (0..npolys)
            .map(|p| {
                let pts: Vec<Vec3> =
                    poly_verts[poly_first[p] as usize..poly_first[p + 1] as usize].iter().map(|&i| verts[i as usize]).collect();
                polygon_area2(&pts).abs() * 0.5
            })
            .collect();
        let weights: Vec<f64> = poly_area_xz.iter().map(|&a| f64::from(a)).collect();
        let sampler = crate::random::AliasTable::new(&weights).ok();
        // Detail.
        let mut detail_first = Vec::new();
        if let Some(d) = input.detail {
            if d.poly_tri_counts.len() != npolys {
                return Err(BuildError::new(
                    BadInput,
                    None,
                    format!("detail has triangle counts for {} polygons, the mesh has {npolys}", d.poly_tri_counts.len()),
                ));
            }
            let sum: u64 = d.poly_tri_counts.iter().map(|&c| u64::from(c)).sum();
            if sum != d.triangles.len() as u64 {
                return Err(BuildError::new(BadInput, None, "detail triangle counts do not add up to the triangle list"));
            }
            for (i, v) in d.vertices.iter().enumerate() {
                if !v.iter().all(|c| c.is_finite()) {
                    return Err(BuildError::new(NonFinite, None, format!("detail vertex {i} is not finite")));
                }
            }
            detail_first.push(0u32);
            let mut acc = 0u32;
            for (p, &c) in d.poly_tri_counts.iter().enumerate() {
                for t in &d.triangles[acc as usize..(acc + c) as usize] {
                    if t.iter().any(|&i| i as usize >= d.vertices.len()) {
                        return Err(BuildError::new(
                            IndexOutOfRange,
                            Some(p as u32),
                            format!("detail triangle of polygon {p} has an index out of range"),
                        ));
                    }
                }
                acc += c;
                detail_first.push(acc);
            }
        }
        // Bounds cover the detail surface too.
        let mut bounds = bounds;
        if let Some(d) = input.detail {
            for (p, b) in bounds.iter_mut().enumerate() {
                for t in &d.triangles[detail_first[p] as usize..detail_first[p + 1] as usize] {
                    for &i in t {
                        for (k, &c) in d.vertices[i as usize].iter().enumerate() {
                            b.0[k] = b.0[k].min(c);
                            b.1[k] = b.1[k].max(c);
                        }
                    }
                }
            }
        }
        // Boundary vertices.
        let mut corner = vec![false; nverts];
        for p in 0..npolys {
            let (s, e) = (poly_first[p] as usize, poly_first[p + 1] as usize);
            let n = e - s;
            for k in 0..n {
                if edge_nei[s + k] == NO_POLY {
                    corner[poly_verts[s + k] as usize] = true;
                    corner[poly_verts[s + (k + 1) % n] as usize] = true;
                }
            }
        }
        let max_poly_verts = input.poly_sizes.iter().copied().max().unwrap_or(3) as usize;
        let mut mesh = NavMesh {
            bvh: Bvh::build(&bounds),
            verts,
            poly_first,
            poly_verts,
            edge_nei,
            edge_twin,
            areas,
            flags,
            bounds,
            link_first: Vec::new(),
            links: Vec::new(),
            offmesh: Vec::new(),
            offmesh_input: input.off_mesh.to_vec(),
            poly_area_xz,
            sampler,
            detail: input.detail.cloned(),
            detail_first,
            corner,
            component: Vec::new(),
            comp_first: Vec::new(),
            comp_polys: Vec::new(),
            max_poly_verts,
        };
        mesh.connect(input.off_mesh)?;
        mesh.label_components();
        Ok(mesh)
    }

    /// Builds the CSR link table, attaching off-mesh connections.
    fn connect(&mut self, off: &[OffMeshConnection]) -> Result<(), BuildError> {
        let npolys = self.poly_count() as usize;
        let mut extra: Vec<Vec<Link>> = vec![Vec::new(); npolys];
        for (k, c) in off.iter().enumerate() {
            let bad = |m: &str| BuildError::new(BuildErrorKind::BadInput, None, format!("off-mesh connection {k}: {m}"));
            if !(c.start.iter().chain(c.end.iter()).all(|v| v.is_finite()) && c.radius.is_finite() && c.cost.is_finite()) {
                return Err(BuildError::new(BuildErrorKind::NonFinite, None, format!("off-mesh connection {k} is not finite")));
            }
            if c.radius <= 0.0 {
                return Err(bad("radius must be > 0"));
            }
            if c.area as usize >= MAX_AREAS {
                return Err(bad("area must be < 64"));
            }
            let find = |p: Vec3| -> Option<u32> {
                let ext = [c.radius, c.radius.max(1.0), c.radius];
                let (poly, q) = self.nearest_poly_raw(p, ext, |_| true)?;
                (geom::dist_sqr_2d(p, q) <= c.radius * c.radius).then_some(poly)
            };
            let sp = find(c.start).ok_or_else(|| bad("start point is not within its radius of any polygon"))?;
            let ep = find(c.end).ok_or_else(|| bad("end point is not within its radius of any polygon"))?;
            let node = (npolys + k) as u32;
            extra[sp as usize].push(Link { to: node, edge: 0xff, mid: c.start });
            if c.bidirectional {
                extra[ep as usize].push(Link { to: node, edge: 0xff, mid: c.end });
            }
            self.offmesh.push(OffMeshNode { conn: *c, start_poly: sp, end_poly: ep });
        }
        let mut link_first = Vec::with_capacity(npolys + off.len() + 1);
        let mut links = Vec::new();
        for (p, extra_links) in extra.iter().enumerate() {
            link_first.push(links.len() as u32);
            let (s, e) = (self.poly_first[p] as usize, self.poly_first[p + 1] as usize);
            for k in s..e {
                if self.edge_nei[k] != NO_POLY {
                    let a = self.verts[self.poly_verts[k] as usize];
                    let b = self.verts[self.poly_verts[if k + 1 == e { s } else { k + 1 }] as usize];
                    links.push(Link { to: self.edge_nei[k], edge: (k - s) as u8, mid: geom::lerp(a, b, 0.5) });
                }
            }
            links.extend_from_slice(extra_links);
        }
        for o in &self.offmesh {
            link_first.push(links.len() as u32);
            links.push(Link { to: o.start_poly, edge: 0, mid: o.conn.start });
            links.push(Link { to: o.end_poly, edge: 1, mid: o.conn.end });
        }
        link_first.push(links.len() as u32);
        self.link_first = link_first;
        self.links = links;
        Ok(())
    }

    /// Labels connected components (links are followed in their direction, and
    /// one-way off-mesh links are treated as two-way, so the labels are a coarse
    /// "may be reachable" test).
    fn label_components(&mut self) {
        let n = self.node_count() as usize;
        let mut comp = vec![u32::MAX; n];
        let mut stack = Vec::new();
        let mut label = 0;
        // Undirected view: collect reverse links of off-mesh nodes too.
        let mut rev: Vec<Vec<u32>> = vec![Vec::new(); n];
        for a in 0..n as u32 {
            for l in self.links(a) {
                rev[l.to as usize].push(a);
            }
        }
        for s in 0..n {
            if comp[s] != u32::MAX {
                continue;
            }
            comp[s] = label;
            stack.push(s as u32);
            while let Some(a) = stack.pop() {
                let fwd = self.links(a).iter().map(|l| l.to);
                for b in fwd.chain(rev[a as usize].iter().copied()) {
                    if comp[b as usize] == u32::MAX {
                        comp[b as usize] = label;
                        stack.push(b);
                    }
                }
            }
            label += 1;
        }
        let mut first = vec![0u32; label as usize + 1];
        for &c in comp.iter().take(self.poly_count() as usize) {
            first[c as usize + 1] += 1;
        }
        for c in 0..label as usize {
            first[c + 1] += first[c];
        }
        let mut fill = first.clone();
        let mut polys = vec![0u32; self.poly_count() as usize];
        for (p, &c) in comp.iter().enumerate().take(self.poly_count() as usize) {
            polys[fill[c as usize] as usize] = p as u32;
            fill[c as usize] += 1;
        }
        self.component = comp;
        self.comp_first = first;
        self.comp_polys = polys;
    }

    /// Ground polygons of component `c`.
    pub(crate) fn component_polys(&self, c: u32) -> &[u32] {
        let c = c as usize;
        &self.comp_polys[self.comp_first[c] as usize..self.comp_first[c + 1] as usize]
    }

    /// Connected-component label of a node: nodes with different labels are never connected.
    pub fn component(&self, node: u32) -> u32 {
        self.component[node as usize]
    }

    /// Parses a polygon Wavefront OBJ (`v x y z` and n-gon `f` lines; face k
    /// is polygon k-1) and builds the mesh with area 0 and flags 1.
    ///
    /// # Errors
    /// `Parse` for malformed text, otherwise as [`NavMesh::build`].
    pub fn from_obj(text: &str) -> Result<NavMesh, BuildError> {
        let (verts, indices, sizes) = obj::parse(text)?;
        NavMesh::build(&MeshInput { vertices: &verts, indices: &indices, poly_sizes: &sizes, ..MeshInput::default() })
    }

    /// Builds from a triangle soup (for example Unity's
    /// `NavMesh.CalculateTriangulation`): welds near-duplicate vertices, drops
    /// degenerate and (optionally) too-steep triangles and merges adjacent
    /// triangles of the same area into convex polygons (Hertel–Mehlhorn).
    ///
    /// # Errors
    /// `BadInput` for inconsistent arrays or when nothing walkable remains.
    pub fn from_triangles(vertices: &[Vec3], indices: &[u32], areas: &[u8], settings: &SoupSettings) -> Result<NavMesh, BuildError> {
        soup::build(vertices, indices, areas, settings)
    }

    /// Number of polygons (off-mesh connections not included).
    pub fn poly_count(&self) -> u32 {
        self.areas.len() as u32
    }

    /// Number of off-mesh connections; connection `k` is node `poly_count() + k` in paths.
    pub fn off_mesh_count(&self) -> u32 {
        self.offmesh.len() as u32
    }

    /// Number of path nodes (polygons plus off-mesh connections).
    pub fn node_count(&self) -> u32 {
        self.poly_count() + self.off_mesh_count()
    }

    /// Whether `node` is an off-mesh connection.
    pub fn is_off_mesh(&self, node: u32) -> bool {
        node >= self.poly_count() && node < self.node_count()
    }

    /// All vertices.
    pub fn vertices(&self) -> &[Vec3] {
        &self.verts
    }

    /// Corner vertex indices of polygon `poly` (counter-clockwise seen from +Y).
    ///
    /// # Panics
    /// If `poly >= poly_count()`.
    pub fn poly_indices(&self, poly: u32) -> &[u32] {
        let p = poly as usize;
        &self.poly_verts[self.poly_first[p] as usize..self.poly_first[p + 1] as usize]
    }

    /// Neighbour across each edge of `poly` (edge i runs from corner i to corner i+1), `NO_POLY` for a wall.
    ///
    /// # Panics
    /// If `poly >= poly_count()`.
    pub fn poly_neighbours(&self, poly: u32) -> &[u32] {
        let p = poly as usize;
        &self.edge_nei[self.poly_first[p] as usize..self.poly_first[p + 1] as usize]
    }

    /// Area id of a node (polygon or off-mesh connection).
    pub fn area(&self, node: u32) -> u8 {
        if self.is_off_mesh(node) {
            self.offmesh[(node - self.poly_count()) as usize].conn.area
        } else {
            self.areas[node as usize]
        }
    }

    /// Flags of a node (polygon or off-mesh connection).
    pub fn flags(&self, node: u32) -> u16 {
        if self.is_off_mesh(node) {
            self.offmesh[(node - self.poly_count()) as usize].conn.flags
        } else {
            self.flags[node as usize]
        }
    }

    /// Off-mesh connection `k` as given, with the polygons its endpoints attach to.
    pub fn off_mesh(&self, k: u32) -> Option<(OffMeshConnection, u32, u32)> {
        self.offmesh.get(k as usize).map(|o| (o.conn, o.start_poly, o.end_poly))
    }

    /// Nodes linked from `node` (neighbours across edges, then off-mesh connections).
    pub fn links_of(&self, node: u32) -> impl Iterator<Item = u32> + '_ {
        self.links(node).iter().map(|l| l.to)
    }

    /// Whether a vertex lies on the mesh boundary.
    pub fn is_boundary_vertex(&self, v: u32) -> bool {
        self.corner[v as usize]
    }

    /// Whether the mesh carries height detail.
    pub fn has_detail(&self) -> bool {
        self.detail.is_some()
    }

    /// Polygon XZ area.
    pub fn poly_area(&self, poly: u32) -> f32 {
        self.poly_area_xz[poly as usize]
    }

    /// Largest corner count of any polygon.
    pub fn max_poly_verts(&self) -> usize {
        self.max_poly_verts
    }

    /// Bounds (min, max) of polygon `poly`.
    pub fn poly_bounds(&self, poly: u32) -> ([f32; 3], [f32; 3]) {
        self.bounds[poly as usize]
    }

    /// Centroid of the polygon's corners.
    pub fn poly_center(&self, poly: u32) -> Vec3 {
        let idx = self.poly_indices(poly);
        let mut c = [0.0f32; 3];
        for &i in idx {
            let v = self.verts[i as usize];
            c = [c[0] + v[0], c[1] + v[1], c[2] + v[2]];
        }
        let n = idx.len() as f32;
        [c[0] / n, c[1] / n, c[2] / n]
    }

    /// Edge index, in the neighbour across edge `edge` of `poly`, of the same edge.
    #[inline]
    pub(crate) fn edge_twin(&self, poly: u32, edge: usize) -> usize {
        self.edge_twin[self.poly_first[poly as usize] as usize + edge] as usize
    }

    #[inline]
    pub(crate) fn links(&self, node: u32) -> &[Link] {
        let n = node as usize;
        &self.links[self.link_first[n] as usize..self.link_first[n + 1] as usize]
    }

    #[inline]
    pub(crate) fn corners_into(&self, poly: u32, out: &mut [Vec3; MAX_POLY_VERTS]) -> usize {
        let idx = self.poly_indices(poly);
        for (o, &i) in out.iter_mut().zip(idx) {
            // Indices were validated at build, so this never panics.
            *o = self.verts[i as usize];
        }
        idx.len()
    }

    #[inline]
    pub(crate) fn vert(&self, i: u32) -> Vec3 {
        self.verts[i as usize]
    }

    pub(crate) fn offmesh_node(&self, node: u32) -> &OffMeshNode {
        &self.offmesh[(node - self.poly_count()) as usize]
    }

    pub(crate) fn sampler(&self) -> Option<&crate::random::AliasTable> {
        self.sampler.as_ref()
    }

    pub(crate) fn detail_tris(&self, poly: u32) -> Option<(&[Vec3], &[[u32; 3]])> {
        let d = self.detail.as_ref()?;
        let p = poly as usize;
        Some((&d.vertices, &d.triangles[self.detail_first[p] as usize..self.detail_first[p + 1] as usize]))
    }

    /// Height of the surface of `poly` at `pos` (XZ), if `pos` is over it.
    pub fn poly_height(&self, poly: u32, pos: Vec3) -> Option<f32> {
        if poly >= self.poly_count() {
            return None;
        }
        let mut buf = [[0.0f32; 3]; MAX_POLY_VERTS];
        let n = self.corners_into(poly, &mut buf);
        let pts = &buf[..n];
        if !geom::point_in_poly_2d(pos, pts) {
            // Allow a hair outside (points on an edge computed in float).
            let (mut best, mut t_best, mut e_best) = (f32::MAX, 0.0, 0);
            for k in 0..n {
                let (d, t) = geom::dist_pt_seg_sqr_2d(pos, pts[k], pts[geom::next_corner(k, n)]);
                if d < best {
                    best = d;
                    t_best = t;
                    e_best = k;
                }
            }
            if best > 1e-6 {
                return None;
            }
            return Some(geom::lerp(pts[e_best], pts[geom::next_corner(e_best, n)], t_best)[1]);
        }
        Some(self.height_inside(poly, pts, pos))
    }

    /// Height at `pos`, known to be inside `pts` (the corners of `poly`) in XZ.
    pub(crate) fn height_inside(&self, poly: u32, pts: &[Vec3], pos: Vec3) -> f32 {
        if let Some((dv, tris)) = self.detail_tris(poly) {
            for t in tris {
                if let Some(h) =
                    geom::closest_height_on_triangle(pos, dv[t[0] as usize], dv[t[1] as usize], dv[t[2] as usize])
                {
                    return h;
                }
            }
        }
        for k in 1..pts.len() - 1 {
            if let Some(h) = geom::closest_height_on_triangle(pos, pts[0], pts[k], pts[k + 1]) {
                return h;
            }
        }
        // Numerically on the boundary: nearest corner height.
        let mut best = (f32::MAX, pts[0][1]);
        for &v in pts {
            let d = geom::dist_sqr_2d(v, pos);
            if d < best.0 {
                best = (d, v[1]);
            }
        }
        best.1
    }

    /// Closest point on polygon `poly` to `pos` and whether `pos` is over the polygon in XZ.
    pub fn closest_point_on_poly(&self, poly: u32, pos: Vec3) -> Option<(Vec3, bool)> {
        if poly >= self.poly_count() {
            if self.is_off_mesh(poly) {
                let c = self.offmesh_node(poly).conn;
                let (d0, d1) = (geom::dist(pos, c.start), geom::dist(pos, c.end));
                return Some((if d0 <= d1 { c.start } else { c.end }, false));
            }
            return None;
        }
        let mut buf = [[0.0f32; 3]; MAX_POLY_VERTS];
        let n = self.corners_into(poly, &mut buf);
        let pts = &buf[..n];
        if geom::point_in_poly_2d(pos, pts) {
            let h = self.height_inside(poly, pts, pos);
            return Some(([pos[0], h, pos[2]], true));
        }
        Some((closest_on_boundary(pts, pos), false))
    }

    /// Nearest polygon to `center` among those whose bounds overlap the box
    /// `center ± half_extents`, with a predicate on polygon index.
    pub(crate) fn nearest_poly_raw(&self, center: Vec3, ext: Vec3, pass: impl Fn(u32) -> bool) -> Option<(u32, Vec3)> {
        let min = [center[0] - ext[0], center[1] - ext[1], center[2] - ext[2]];
        let max = [center[0] + ext[0], center[1] + ext[1], center[2] + ext[2]];
        let mut best: Option<(u32, Vec3)> = None;
        let mut best_d = f32::MAX;
        let mut buf = [[0.0f32; 3]; MAX_POLY_VERTS];
        self.bvh.query(min, max, |p| {
            // Lower bound: the squared distance from the centre to the polygon's bounds
            // (its surface, detail included, lies inside them).
            let (lo, hi) = self.bounds[p as usize];
            let mut bound = 0.0f32;
            for k in 0..3 {
                let e = (lo[k] - center[k]).max(center[k] - hi[k]).max(0.0);
                bound += e * e;
            }
            if bound >= best_d || !pass(p) {
                return;
            }
            let n = self.corners_into(p, &mut buf);
            let pts = &buf[..n];
            let (q, d) = if geom::point_in_poly_2d(center, pts) {
                let h = self.height_inside(p, pts, center);
                let dy = h - center[1];
                ([center[0], h, center[2]], dy * dy)
            } else {
                let q = closest_on_boundary(pts, center);
                let d = geom::sub(q, center);
                (q, d[0] * d[0] + d[1] * d[1] + d[2] * d[2])
            };
            if d < best_d {
                best_d = d;
                best = Some((p, q));
            }
        });
        best
    }
}

/// Closest point to `pos` on the boundary of the polygon `pts` (XZ distance, 3D lerp).
pub(crate) fn closest_on_boundary(pts: &[Vec3], pos: Vec3) -> Vec3 {
    let n = pts.len();
    let (mut best, mut bi, mut bt) = (f32::MAX, 0, 0.0);
    let mut j = n - 1;
    for i in 0..n {
        let (d, t) = geom::dist_pt_seg_sqr_2d(pos, pts[j], pts[i]);
        if d < best {
            best = d;
            bi = j;
            bt = t;
        }
        j = i;
    }
    geom::lerp(pts[bi], pts[geom::next_corner(bi, n)], bt)
}

fn polygon_area2(pts: &[Vec3]) -> f32 {
    let mut a = 0.0f32;
    for k in 1..pts.len() - 1 {
        a += tri_area_2d(pts[0], pts[k], pts[k + 1]);
    }
    a
}

fn poly_scale(pts: &[Vec3]) -> f32 {
    let mut s = 0.0f32;
    for w in 0..pts.len() {
        s = s.max(geom::dist_2d(pts[w], pts[(w + 1) % pts.len()]));
    }
    s
}

