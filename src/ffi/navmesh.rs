//! C API: navigation meshes (shared, immutable) and per-thread navmesh queries.
//!
//! Polygons cross the ABI as `uint64_t` refs: polygon index in the low 32
//! bits, the mesh's generation (a process-wide counter, never 0) in the high
//! 32 bits, so a ref from another mesh is rejected as stale. 0 means "none".
//! Off-mesh connection `k` has index `poly_count + k`.

use super::buffer::{finite3, in_ref, in_slice, in_str, out_ref, out_slice, write_buffer, CallerBuffer};
use super::error::{ffi_status, FfiError, FfiResult};
use super::handle::{boxed_mut, new_boxed, new_shared, opaque_handle, pack_item_id, release_shared, shared_clone, shared_ref, take_boxed, unpack_item_id};
use super::random::TessRng;
use super::status::*;
use super::types::TessVec3;
use crate::navmesh::{
    BuildError, BuildErrorKind, DetailInput, MeshInput, NavMesh, NavMeshQuery, OffMeshConnection, PathResult, QueryError, QueryFilter, SlicedState,
    SoupSettings, StraightPoint, MAX_AREAS,
};
use crate::random::Rng;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// Straight-path option: add a vertex where the path enters another area.
pub const TESS_STRAIGHTPATH_AREA_CROSSINGS: u32 = 1;
/// Straight-path option: add a vertex at every portal crossing.
pub const TESS_STRAIGHTPATH_ALL_CROSSINGS: u32 = 2;
/// Straight-path point flag: the start point.
pub const TESS_STRAIGHTPATH_START: u32 = 1;
/// Straight-path point flag: the end point.
pub const TESS_STRAIGHTPATH_END: u32 = 2;
/// Straight-path point flag: the start of an off-mesh connection.
pub const TESS_STRAIGHTPATH_OFFMESH: u32 = 4;
/// Number of area ids (entries of `TessQueryFilter::area_cost`).
pub const TESS_NAVMESH_MAX_AREAS: u32 = 64;
/// Most corners of one polygon.
pub const TESS_NAVMESH_MAX_POLY_VERTS: u32 = 32;

/// A built navigation mesh plus its ref generation.
pub struct SharedMesh {
    mesh: Arc<NavMesh>,
    generation: u32,
}

/// A query object plus reusable output scratch.
pub struct QueryState {
    query: NavMeshQuery,
    generation: u32,
    path: Vec<u32>,
    straight: Vec<StraightPoint>,
    visited: Vec<u32>,
    points: Vec<[f32; 3]>,
    circle: Vec<(u32, u32, f32)>,
}

/// An immutable navigation mesh: convex polygons with areas and flags,
/// neighbour links, off-mesh connections, a BVH.
///
/// Ownership: created by `tess_navmesh_new`, `_from_obj`, `_from_triangles`
/// or `_load`; each `tess_navmesh_shared_clone` adds a reference; every
/// reference is released with `tess_navmesh_free`. Query objects keep the
/// mesh alive on their own.
/// Thread-safety: immutable; use from any number of threads at once.
pub struct TessNavMesh {
    _private: [u8; 0],
}
opaque_handle!(TessNavMesh => SharedMesh, "navmesh");

/// Per-thread query object with its node pool and scratch, allocated at creation.
///
/// Ownership: created by `tess_navmesh_query_new`, freed by `tess_navmesh_query_free`.
/// Thread-safety: one thread at a time per query; create one per thread.
pub struct TessNavMeshQuery {
    _private: [u8; 0],
}
opaque_handle!(TessNavMeshQuery => QueryState, "navmesh query");

/// Which polygons a query may use and what each area costs.
///
/// Ownership: a plain value owned by the caller; initialise with `tess_query_filter_init`.
/// Thread-safety: a value; read-only during a call.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct TessQueryFilter {
    /// A polygon passes if it has at least one of these flags…
    pub include_flags: u16,
    /// …and none of these.
    pub exclude_flags: u16,
    /// Reserved; keep zero.
    pub reserved: u32,
    /// Cost multiplier per area id (finite, >= 0).
    pub area_cost: [f32; 64],
}

/// An off-mesh connection (jump, ladder, door) between two points.
///
/// Ownership: a plain value.
/// Thread-safety: a value.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct TessOffMeshConnection {
    /// Start point.
    pub start: TessVec3,
    /// End point.
    pub end: TessVec3,
    /// Snap radius of the endpoints (> 0, world units).
    pub radius: f32,
    /// Traversal cost; negative means the 3D distance.
    pub cost: f32,
    /// 1: usable both ways; 0: start to end only.
    pub bidirectional: u8,
    /// Area id (< 64).
    pub area: u8,
    /// Flag bits.
    pub flags: u16,
}

/// Triangle-soup build settings.
///
/// Ownership: a plain value.
/// Thread-safety: a value.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct TessSoupSettings {
    /// Vertices closer than this per axis are welded (world units, >= 0).
    pub weld_distance: f32,
    /// Triangles steeper than this are dropped (degrees; >= 90 keeps all).
    pub max_slope_degrees: f32,
    /// Largest merged polygon (3..=32 corners).
    pub max_poly_verts: u32,
}

/// One straight-path vertex.
///
/// Ownership: a plain value.
/// Thread-safety: a value.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct TessStraightPoint {
    /// Position on the surface.
    pub pos: TessVec3,
    /// TESS_STRAIGHTPATH_START / _END / _OFFMESH bits.
    pub flags: u32,
    /// Polygon entered at this point (0 at the end).
    pub poly: u64,
}

/// A raycast result.
///
/// Ownership: a plain value.
/// Thread-safety: a value.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct TessRaycastHit {
    /// Hit parameter in [0, 1] along start→end, or FLT_MAX when the end was reached.
    pub t: f32,
    /// Wall normal (XZ) at the hit; zero when nothing was hit.
    pub normal: TessVec3,
}

/// A polygon found by a circle search.
///
/// Ownership: a plain value.
/// Thread-safety: a value.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct TessPolyCost {
    /// The polygon.
    pub poly: u64,
    /// The polygon it was reached from (0 for the start).
    pub parent: u64,
    /// Path cost from the centre.
    pub cost: f32,
    /// Reserved.
    pub reserved: u32,
}

static GENERATION: AtomicU32 = AtomicU32::new(1);

fn next_generation() -> u32 {
    loop {
        let g = GENERATION.fetch_add(1, Ordering::Relaxed);
        if g != 0 {
            return g;
        }
    }
}

fn build_error(e: BuildError) -> FfiError {
    let detail = match e.kind {
        BuildErrorKind::Parse => TESS_PARSE_ERROR,
        BuildErrorKind::Corrupt => TESS_CORRUPT_DATA,
        BuildErrorKind::Version => TESS_VERSION_MISMATCH,
        _ => TESS_INVALID_PARAM,
    };
    FfiError::new(detail, e.message)
}

fn query_error(e: QueryError) -> FfiError {
    match e {
        QueryError::InvalidParam(p) => FfiError::invalid(format!("`{p}` is out of range or not finite")),
        QueryError::InvalidPoly(p) => FfiError::new(TESS_STALE_HANDLE, format!("polygon {p} is not part of the mesh")),
        QueryError::NotFound => FfiError::new(TESS_NOT_FOUND, "nothing found"),
        QueryError::WrongState => FfiError::new(TESS_WRONG_STATE, "no sliced path search is in progress (call init first)"),
    }
}

/// # Safety
/// Pointer arguments follow the calling export's contract (valid or NULL, sized as documented).
unsafe fn publish(out: *mut *const TessNavMesh, mesh: Result<NavMesh, BuildError>) -> FfiResult {
    let out = out_ref(out, "out")?;
    *out = core::ptr::null();
    let mesh = mesh.map_err(build_error)?;
    *out = new_shared::<TessNavMesh>(Arc::new(SharedMesh { mesh: Arc::new(mesh), generation: next_generation() }));
    Ok(TESS_SUCCESS)
}

fn v3(v: TessVec3, name: &str) -> FfiResult<[f32; 3]> {
    finite3(v.into(), name)
}

/// # Safety
/// Pointer arguments follow the calling export's contract (valid or NULL, sized as documented).
unsafe fn filter_of(f: *const TessQueryFilter) -> FfiResult<QueryFilter> {
    if f.is_null() {
        return Ok(QueryFilter::default());
    }
    let f = in_ref(f, "filter")?;
    if let Some(i) = f.area_cost.iter().position(|c| !(c.is_finite() && *c >= 0.0)) {
        return Err(FfiError::invalid(format!("`filter.area_cost[{i}]` is {}; costs must be finite and >= 0", f.area_cost[i])));
    }
    Ok(QueryFilter { include_flags: f.include_flags, exclude_flags: f.exclude_flags, area_cost: f.area_cost })
}

fn poly_index(generation: u32, count: u32, r: u64, name: &str) -> FfiResult<u32> {
    let (index, g) = unpack_item_id(r).ok_or_else(|| FfiError::invalid(format!("`{name}` is 0 (no polygon)")))?;
    if g != generation || index >= count {
        return Err(FfiError::new(TESS_STALE_HANDLE, format!("`{name}` ({r:#x}) is not a polygon of this mesh")));
    }
    Ok(index)
}

impl QueryState {
    fn poly(&self, r: u64, name: &str) -> FfiResult<u32> {
        poly_index(self.generation, self.query.mesh().node_count(), r, name)
    }
    fn ground(&self, r: u64, name: &str) -> FfiResult<u32> {
        poly_index(self.generation, self.query.mesh().poly_count(), r, name)
    }
    fn r(&self, index: u32) -> u64 {
        if index == u32::MAX {
            0
        } else {
            pack_item_id(index, self.generation)
        }
    }

    /// Checks the endpoints and reads the filter of a start-to-end search.
    ///
    /// # Safety
    /// `filter` must be NULL or valid.
    unsafe fn path_request(&self, start_poly: u64, end_poly: u64, start_pos: TessVec3, end_pos: TessVec3, filter: *const TessQueryFilter) -> FfiResult<PathRequest> {
        Ok(PathRequest {
            s: self.ground(start_poly, "start_poly")?,
            e: self.ground(end_poly, "end_poly")?,
            sp: v3(start_pos, "start_pos")?,
            ep: v3(end_pos, "end_pos")?,
            f: filter_of(filter)?,
        })
    }

    /// Writes the polygon path in `self.path` to a caller buffer, adding the
    /// search result's PARTIAL_RESULT / OUT_OF_NODES bits to the status.
    ///
    /// # Safety
    /// As `write_mapped`.
    unsafe fn write_path(&self, r: PathResult, out: *mut u64, cap: u32, out_len: *mut u32) -> FfiResult {
        let st = write_mapped(self.path.len(), |i| self.r(self.path[i]), out, cap, out_len, "out")?;
        Ok(st | path_status(r))
    }
}

/// Start and end polygons (indices), positions and filter of a path search.
struct PathRequest {
    s: u32,
    e: u32,
    sp: [f32; 3],
    ep: [f32; 3],
    f: QueryFilter,
}

fn path_status(r: PathResult) -> TessStatus {
    let mut s = TESS_SUCCESS;
    if r.partial {
        s |= TESS_PARTIAL_RESULT;
    }
    if r.out_of_nodes {
        s |= TESS_OUT_OF_NODES;
    }
    s
}

/// Copies `len` mapped elements into a caller buffer with `write_buffer` semantics.
/// # Safety
/// Pointer arguments follow the calling export's contract (valid or NULL, sized as documented).
unsafe fn write_mapped<T: Copy>(len: usize, map: impl Fn(usize) -> T, out: *mut T, cap: u32, out_len: *mut u32, name: &str) -> FfiResult {
    Ok(CallerBuffer::new(out, cap, out_len, name, "out_len")?.fill((0..len).map(map)))
}

// ---- filters ------------------------------------------------------------------

/// Initialises a filter: every flag included, none excluded, every area cost 1.
///
/// @param[out] filter  The filter to initialise.
///
/// # Safety
/// `filter` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_query_filter_init(filter: *mut TessQueryFilter) -> TessStatus {
    ffi_status!({
        *out_ref(filter, "filter")? = TessQueryFilter { include_flags: 0xffff, exclude_flags: 0, reserved: 0, area_cost: [1.0; MAX_AREAS] };
        Ok(TESS_SUCCESS)
    })
}

// ---- building -----------------------------------------------------------------

/// Builds a mesh from arrays (Recast conventions: Y up, polygons convex and
/// counter-clockwise seen from +Y; a mesh wound the other way throughout is accepted).
///
/// @param[in]  vertices      `vertex_count` positions.
/// @param[in]  indices       Polygon corners, polygon after polygon (`index_count` in all).
/// @param[in]  poly_sizes    Corner count of each polygon (3..=32), `poly_count` entries.
/// @param[in]  areas         [opt] Area id (< 64) per polygon; NULL = all 0.
/// @param[in]  flags         [opt] Flags per polygon; NULL = all 1.
/// @param[in]  off_mesh      [opt] `off_mesh_count` off-mesh connections.
/// @param[in]  detail_vertices  [opt] Height-detail vertices.
/// @param[in]  detail_triangles [opt] Detail triangles, 3 indices each (`detail_triangle_count` triangles).
/// @param[in]  detail_tri_counts [opt] Detail triangle count per polygon (`poly_count` entries) or NULL for no detail.
/// @param[out] out           The new mesh (NULL on failure).
/// @return SUCCESS; FAILURE with INVALID_PARAM (the message names the polygon: non-convex, degenerate,
///         mixed winding, out-of-range index, NaN/inf, edge shared by more than two polygons) or NULL_PARAM.
///
/// # Safety
/// Every array must hold the given number of elements; `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_new(
    vertices: *const TessVec3,
    vertex_count: u32,
    indices: *const u32,
    index_count: u32,
    poly_sizes: *const u32,
    poly_count: u32,
    areas: *const u8,
    flags: *const u16,
    off_mesh: *const TessOffMeshConnection,
    off_mesh_count: u32,
    detail_vertices: *const TessVec3,
    detail_vertex_count: u32,
    detail_triangles: *const u32,
    detail_triangle_count: u32,
    detail_tri_counts: *const u32,
    out: *mut *const TessNavMesh,
) -> TessStatus {
    ffi_status!({
        out_ref(out, "out")?;
        let verts: Vec<[f32; 3]> = in_slice(vertices, vertex_count as usize, "vertices")?.iter().map(|&v| v.into()).collect();
        let indices = in_slice(indices, index_count as usize, "indices")?;
        let sizes = in_slice(poly_sizes, poly_count as usize, "poly_sizes")?;
        let areas = if areas.is_null() { &[][..] } else { in_slice(areas, poly_count as usize, "areas")? };
        let flags = if flags.is_null() { &[][..] } else { in_slice(flags, poly_count as usize, "flags")? };
        let conns: Vec<OffMeshConnection> = in_slice(off_mesh, off_mesh_count as usize, "off_mesh")?
            .iter()
            .map(|c| OffMeshConnection {
                start: c.start.into(),
                end: c.end.into(),
                radius: c.radius,
                bidirectional: c.bidirectional != 0,
                cost: c.cost,
                area: c.area,
                flags: c.flags,
            })
            .collect();
        let detail = if detail_tri_counts.is_null() {
            None
        } else {
            let tris = in_slice(detail_triangles, detail_triangle_count as usize * 3, "detail_triangles")?;
            Some(DetailInput {
                vertices: in_slice(detail_vertices, detail_vertex_count as usize, "detail_vertices")?.iter().map(|&v| v.into()).collect(),
                triangles: tris.chunks_exact(3).map(|t| [t[0], t[1], t[2]]).collect(),
                poly_tri_counts: in_slice(detail_tri_counts, poly_count as usize, "detail_tri_counts")?.to_vec(),
            })
        };
        let input = MeshInput { vertices: &verts, indices, poly_sizes: sizes, areas, flags, off_mesh: &conns, detail: detail.as_ref() };
        publish(out, NavMesh::build(&input))
    })
}

/// Builds a mesh from polygon Wavefront OBJ text (`v` and n-gon `f` lines; face k is polygon k-1).
///
/// @param[in]  text  NUL-terminated UTF-8 OBJ text.
/// @param[out] out   The new mesh (NULL on failure).
/// @return SUCCESS; FAILURE with PARSE_ERROR, INVALID_PARAM (validation, naming the polygon) or NULL_PARAM.
///
/// # Safety
/// `text` must be NULL or NUL-terminated; `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_from_obj(text: *const core::ffi::c_char, out: *mut *const TessNavMesh) -> TessStatus {
    ffi_status!({
        out_ref(out, "out")?;
        let text = in_str(text, "text")?;
        publish(out, NavMesh::from_obj(text))
    })
}

/// Builds a mesh from a triangle soup (e.g. Unity's `NavMesh.CalculateTriangulation`): welds
/// near-duplicate vertices, drops degenerate and too-steep triangles, merges same-area
/// triangles into convex polygons (Hertel–Mehlhorn).
///
/// @param[in]  vertices   `vertex_count` positions.
/// @param[in]  indices    3 indices per triangle (`index_count` a multiple of 3).
/// @param[in]  areas      [opt] Area id per triangle (`index_count / 3` entries); NULL = all 0.
/// @param[in]  settings   [opt] Build settings; NULL = weld 0.001, no slope limit, 12 corners.
/// @param[out] out        The new mesh (NULL on failure).
///
/// # Safety
/// Arrays must hold the given counts; `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_from_triangles(
    vertices: *const TessVec3,
    vertex_count: u32,
    indices: *const u32,
    index_count: u32,
    areas: *const u8,
    settings: *const TessSoupSettings,
    out: *mut *const TessNavMesh,
) -> TessStatus {
    ffi_status!({
        out_ref(out, "out")?;
        let verts: Vec<[f32; 3]> = in_slice(vertices, vertex_count as usize, "vertices")?.iter().map(|&v| v.into()).collect();
        let indices = in_slice(indices, index_count as usize, "indices")?;
        let areas = if areas.is_null() { &[][..] } else { in_slice(areas, index_count as usize / 3, "areas")? };
        let s = if settings.is_null() {
            SoupSettings::default()
        } else {
            let s = in_ref(settings, "settings")?;
            SoupSettings { weld_distance: s.weld_distance, max_slope_degrees: s.max_slope_degrees, max_poly_verts: s.max_poly_verts }
        };
        publish(out, NavMesh::from_triangles(&verts, indices, areas, &s))
    })
}

/// Serialises a mesh into a versioned, checksummed blob (caller buffer; size query with `cap == 0`).
///
/// # Safety
/// `out` must hold `cap` bytes; `out_len` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_save(mesh: *const TessNavMesh, out: *mut u8, cap: u32, out_len: *mut u32) -> TessStatus {
    ffi_status!({
        let m = shared_ref(mesh, "mesh")?;
        write_buffer(&m.mesh.to_bytes(), out, cap, out_len, "out")
    })
}

/// Loads a blob written by `tess_navmesh_save`.
///
/// @return SUCCESS; FAILURE with CORRUPT_DATA (bad magic, truncated, checksum), VERSION_MISMATCH,
///         INVALID_PARAM (fails validation) or NULL_PARAM.
///
/// # Safety
/// `data` must hold `len` bytes; `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_load(data: *const u8, len: u32, out: *mut *const TessNavMesh) -> TessStatus {
    ffi_status!({
        out_ref(out, "out")?;
        let bytes = in_slice(data, len as usize, "data")?;
        publish(out, NavMesh::from_bytes(bytes))
    })
}

/// Adds a reference to a mesh (for another owner); release it with `tess_navmesh_free`.
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_shared_clone(mesh: *const TessNavMesh, out: *mut *const TessNavMesh) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = core::ptr::null();
        let arc = shared_clone(mesh, "mesh")?;
        // A second registration of the same address is not possible: hand out a new Arc with the same data.
        let copy = Arc::new(SharedMesh { mesh: Arc::clone(&arc.mesh), generation: arc.generation });
        *out = new_shared::<TessNavMesh>(copy);
        Ok(TESS_SUCCESS)
    })
}

/// Releases one reference to a mesh. NULL is a no-op; a stale pointer is ignored and reported.
///
/// # Safety
/// The reference must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_free(mesh: *const TessNavMesh) {
    ffi_status!({ release_shared(mesh, "mesh").map(|_| TESS_SUCCESS) });
}

/// Number of polygons (off-mesh connections not included).
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_poly_count(mesh: *const TessNavMesh, out: *mut u32) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = shared_ref(mesh, "mesh")?.mesh.poly_count();
        Ok(TESS_SUCCESS)
    })
}

/// The ref of polygon `index` (off-mesh connection k is `poly_count + k`).
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_poly_ref(mesh: *const TessNavMesh, index: u32, out: *mut u64) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        let m = shared_ref(mesh, "mesh")?;
        if index >= m.mesh.node_count() {
            return Err(FfiError::invalid(format!("`index` {index} is out of range (node count {})", m.mesh.node_count())));
        }
        *out = pack_item_id(index, m.generation);
        Ok(TESS_SUCCESS)
    })
}

/// Area id and flags of a polygon or off-mesh connection.
///
/// # Safety
/// Out-pointers must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_poly_area_flags(mesh: *const TessNavMesh, poly: u64, out_area: *mut u8, out_flags: *mut u16) -> TessStatus {
    ffi_status!({
        let area = out_ref(out_area, "out_area")?;
        let flags = out_ref(out_flags, "out_flags")?;
        let m = shared_ref(mesh, "mesh")?;
        let p = poly_index(m.generation, m.mesh.node_count(), poly, "poly")?;
        *area = m.mesh.area(p);
        *flags = m.mesh.flags(p);
        Ok(TESS_SUCCESS)
    })
}

/// Corner positions of a polygon (counter-clockwise seen from +Y).
///
/// # Safety
/// `out` must hold `cap` elements; `out_len` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_poly_vertices(mesh: *const TessNavMesh, poly: u64, out: *mut TessVec3, cap: u32, out_len: *mut u32) -> TessStatus {
    ffi_status!({
        let m = shared_ref(mesh, "mesh")?;
        let p = poly_index(m.generation, m.mesh.poly_count(), poly, "poly")?;
        let idx = m.mesh.poly_indices(p);
        let v = m.mesh.vertices();
        write_mapped(idx.len(), |i| v[idx[i] as usize].into(), out, cap, out_len, "out")
    })
}

/// Writes an SVG top view of the mesh with a funnel path and an optimal path (either may be empty).
///
/// @param[in] path  NUL-terminated output file path.
///
/// # Safety
/// Arrays must hold their counts; `path` must be NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_write_svg(
    mesh: *const TessNavMesh,
    funnel: *const TessVec3,
    funnel_count: u32,
    optimal: *const TessVec3,
    optimal_count: u32,
    path: *const core::ffi::c_char,
) -> TessStatus {
    ffi_status!({
        let m = shared_ref(mesh, "mesh")?;
        let f: Vec<[f32; 3]> = in_slice(funnel, funnel_count as usize, "funnel")?.iter().map(|&v| v.into()).collect();
        let o: Vec<[f32; 3]> = in_slice(optimal, optimal_count as usize, "optimal")?.iter().map(|&v| v.into()).collect();
        let file = in_str(path, "path")?;
        use crate::navmesh::svg::{to_svg, SvgPath};
        let svg = to_svg(
            &m.mesh,
            &[
                SvgPath { points: &f, color: "#d33", label: "A* + funnel" },
                SvgPath { points: &o, color: "#17a", label: "optimal (Polyanya)" },
            ],
            900.0,
        );
        std::fs::write(file, svg).map_err(|e| FfiError::new(TESS_IO_ERROR, format!("cannot write `{file}`: {e}")))?;
        Ok(TESS_SUCCESS)
    })
}

// ---- queries --------------------------------------------------------------------

/// Creates a query object for `mesh` (keeps the mesh alive) with a node pool of `max_nodes`.
///
/// @param[in]  max_nodes  Search node limit. [Limit: 1..=67108864]
/// @param[out] out        The new query (NULL on failure).
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_query_new(mesh: *const TessNavMesh, max_nodes: u32, out: *mut *mut TessNavMeshQuery) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = core::ptr::null_mut();
        let m = shared_ref(mesh, "mesh")?;
        if !(1..=1 << 26).contains(&max_nodes) {
            return Err(FfiError::invalid(format!("`max_nodes` is {max_nodes}; allowed 1..=67108864")));
        }
        let n = max_nodes as usize;
        *out = new_boxed::<TessNavMeshQuery>(QueryState {
            query: NavMeshQuery::new(Arc::clone(&m.mesh), max_nodes),
            generation: m.generation,
            path: Vec::with_capacity(n),
            straight: Vec::with_capacity(2 * n + 4),
            visited: Vec::with_capacity(n),
            points: Vec::with_capacity(n + 2),
            circle: Vec::with_capacity(n),
        });
        Ok(TESS_SUCCESS)
    })
}

/// Frees a query object. NULL is a no-op.
///
/// # Safety
/// `query` must not be in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_query_free(query: *mut TessNavMeshQuery) {
    ffi_status!({ take_boxed(query, "query").map(|_| TESS_SUCCESS) });
}

/// Nearest polygon to `center` within the box `center ± half_extents` passing `filter`.
///
/// @param[in]  center        Query point. [(x, y, z)]
/// @param[in]  half_extents  Search box half sizes (>= 0).
/// @param[in]  filter        [opt] NULL = default filter.
/// @param[out] out_poly      The polygon, or 0 when none is in the box.
/// @param[out] out_point     [opt] Closest point on it.
/// @return SUCCESS, SUCCESS | NOT_FOUND (no polygon in the box), or FAILURE (INVALID_PARAM, NULL_PARAM, STALE_HANDLE).
///
/// # Safety
/// Pointers must be NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_query_find_nearest_poly(
    query: *mut TessNavMeshQuery,
    center: TessVec3,
    half_extents: TessVec3,
    filter: *const TessQueryFilter,
    out_poly: *mut u64,
    out_point: *mut TessVec3,
) -> TessStatus {
    ffi_status!({
        let q = boxed_mut(query, "query")?;
        let out = out_ref(out_poly, "out_poly")?;
        *out = 0;
        let c = v3(center, "center")?;
        let e = v3(half_extents, "half_extents")?;
        if e.iter().any(|&x| x < 0.0) {
            return Err(FfiError::invalid("`half_extents` must be >= 0"));
        }
        let f = filter_of(filter)?;
        match q.query.find_nearest_poly(c, e, &f) {
            Ok((p, pt)) => {
                *out = q.r(p);
                if !out_point.is_null() {
                    *out_ref(out_point, "out_point")? = pt.into();
                }
                Ok(TESS_SUCCESS)
            }
            Err(QueryError::NotFound) => Ok(TESS_SUCCESS | TESS_NOT_FOUND),
            Err(e) => Err(query_error(e)),
        }
    })
}

/// Closest point on a polygon to `pos`; `out_over` is 1 when `pos` is over the polygon in XZ.
///
/// # Safety
/// Pointers must be NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_query_closest_point_on_poly(
    query: *mut TessNavMeshQuery,
    poly: u64,
    pos: TessVec3,
    out_point: *mut TessVec3,
    out_over: *mut u8,
) -> TessStatus {
    ffi_status!({
        let q = boxed_mut(query, "query")?;
        let out = out_ref(out_point, "out_point")?;
        let p = q.poly(poly, "poly")?;
        let (pt, over) = q.query.closest_point_on_poly(p, v3(pos, "pos")?).map_err(query_error)?;
        *out = pt.into();
        if !out_over.is_null() {
            *out_ref(out_over, "out_over")? = u8::from(over);
        }
        Ok(TESS_SUCCESS)
    })
}

/// Surface height of a polygon at `pos` (XZ).
///
/// @return SUCCESS; FAILURE with NOT_FOUND when `pos` is not over the polygon.
///
/// # Safety
/// Pointers must be NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_query_poly_height(query: *mut TessNavMeshQuery, poly: u64, pos: TessVec3, out_height: *mut f32) -> TessStatus {
    ffi_status!({
        let q = boxed_mut(query, "query")?;
        let out = out_ref(out_height, "out_height")?;
        let p = q.ground(poly, "poly")?;
        *out = q.query.poly_height(p, v3(pos, "pos")?).map_err(query_error)?;
        Ok(TESS_SUCCESS)
    })
}

/// A* over polygons (Detour's findPath). An unreachable goal gives the path to the reachable
/// polygon closest to it with PARTIAL_RESULT.
///
/// @param[in]  start_poly, end_poly  Refs from `tess_navmesh_query_find_nearest_poly`.
/// @param[in]  start_pos, end_pos    Points on those polygons.
/// @param[in]  filter   [opt] NULL = default.
/// @param[out] out      Polygon refs from start to end (caller buffer).
/// @return SUCCESS with detail bits PARTIAL_RESULT, OUT_OF_NODES, BUFFER_TOO_SMALL; or FAILURE
///         (STALE_HANDLE for a foreign/stale ref, INVALID_PARAM, NULL_PARAM).
///
/// # Safety
/// `out` must hold `cap` elements; other pointers NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_query_find_path(
    query: *mut TessNavMeshQuery,
    start_poly: u64,
    end_poly: u64,
    start_pos: TessVec3,
    end_pos: TessVec3,
    filter: *const TessQueryFilter,
    out: *mut u64,
    cap: u32,
    out_len: *mut u32,
) -> TessStatus {
    ffi_status!({
        let q = boxed_mut(query, "query")?;
        out_ref(out_len, "out_len")?;
        let PathRequest { s, e, sp, ep, f } = q.path_request(start_poly, end_poly, start_pos, end_pos, filter)?;
        let r = q.query.find_path(s, e, sp, ep, &f, &mut q.path).map_err(query_error)?;
        q.write_path(r, out, cap, out_len)
    })
}

/// Starts a sliced path search; parameters as `tess_navmesh_query_find_path`.
///
/// @return IN_PROGRESS, SUCCESS (already done: start == end), or FAILURE.
///
/// # Safety
/// Pointers must be NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_query_init_sliced_find_path(
    query: *mut TessNavMeshQuery,
    start_poly: u64,
    end_poly: u64,
    start_pos: TessVec3,
    end_pos: TessVec3,
    filter: *const TessQueryFilter,
) -> TessStatus {
    ffi_status!({
        let q = boxed_mut(query, "query")?;
        let PathRequest { s, e, sp, ep, f } = q.path_request(start_poly, end_poly, start_pos, end_pos, filter)?;
        q.query.init_sliced_find_path(s, e, sp, ep, &f).map_err(query_error)?;
        Ok(if q.query.sliced_state() == SlicedState::Done { TESS_SUCCESS } else { TESS_IN_PROGRESS })
    })
}

/// Runs up to `max_iterations` node expansions of the sliced search.
///
/// @param[in]  max_iterations  Expansion budget. [Limit: >= 1]
/// @param[out] out_done        [opt] Expansions performed.
/// @return IN_PROGRESS, SUCCESS (finished: call finalize), or FAILURE with WRONG_STATE when no search is active.
///
/// # Safety
/// Pointers must be NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_query_update_sliced_find_path(query: *mut TessNavMeshQuery, max_iterations: u32, out_done: *mut u32) -> TessStatus {
    ffi_status!({
        let q = boxed_mut(query, "query")?;
        if max_iterations == 0 {
            return Err(FfiError::invalid("`max_iterations` must be at least 1"));
        }
        let (done, state) = q.query.update_sliced_find_path(max_iterations).map_err(query_error)?;
        if !out_done.is_null() {
            *out_ref(out_done, "out_done")? = done;
        }
        Ok(if state == SlicedState::Done { TESS_SUCCESS } else { TESS_IN_PROGRESS })
    })
}

/// Writes the sliced search's path (partial when unfinished or unreachable) and ends it.
///
/// @return as `tess_navmesh_query_find_path`; FAILURE with WRONG_STATE when no search is active.
///
/// # Safety
/// `out` must hold `cap` elements.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_query_finalize_sliced_find_path(query: *mut TessNavMeshQuery, out: *mut u64, cap: u32, out_len: *mut u32) -> TessStatus {
    ffi_status!({
        let q = boxed_mut(query, "query")?;
        out_ref(out_len, "out_len")?;
        let r = q.query.finalize_sliced_find_path(&mut q.path).map_err(query_error)?;
        q.write_path(r, out, cap, out_len)
    })
}

/// String-pulls a polygon path into corner points on the surface (funnel on XZ).
///
/// @param[in]  path      Polygon refs from `find_path`, `path_len` >= 1.
/// @param[in]  options   0, TESS_STRAIGHTPATH_AREA_CROSSINGS or TESS_STRAIGHTPATH_ALL_CROSSINGS.
/// @param[out] out       Points (caller buffer).
/// @return SUCCESS [| PARTIAL_RESULT when the path was cut at non-adjacent polygons] [| BUFFER_TOO_SMALL].
///
/// # Safety
/// `path` must hold `path_len` refs; `out` must hold `cap` elements.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_query_find_straight_path(
    query: *mut TessNavMeshQuery,
    start_pos: TessVec3,
    end_pos: TessVec3,
    path: *const u64,
    path_len: u32,
    options: u32,
    out: *mut TessStraightPoint,
    cap: u32,
    out_len: *mut u32,
) -> TessStatus {
    ffi_status!({
        let q = boxed_mut(query, "query")?;
        out_ref(out_len, "out_len")?;
        let refs = in_slice(path, path_len as usize, "path")?;
        if refs.is_empty() {
            return Err(FfiError::invalid("`path_len` must be at least 1"));
        }
        if options & !(TESS_STRAIGHTPATH_AREA_CROSSINGS | TESS_STRAIGHTPATH_ALL_CROSSINGS) != 0 {
            return Err(FfiError::invalid(format!("`options` {options:#x} has unknown bits")));
        }
        let (sp, ep) = (v3(start_pos, "start_pos")?, v3(end_pos, "end_pos")?);
        q.path.clear();
        for (i, &r) in refs.iter().enumerate() {
            let p = q.poly(r, "path")
                .map_err(|e| FfiError::new(e.status & TESS_DETAIL_MASK, format!("path[{i}]: {}", e.message)))?;
            q.path.push(p);
        }
        let cut = q.query.find_straight_path(sp, ep, &q.path, options, &mut q.straight).map_err(query_error)?;
        let st = write_mapped(
            q.straight.len(),
            |i| {
                let s = q.straight[i];
                TessStraightPoint { pos: s.pos.into(), flags: u32::from(s.flags), poly: q.r(s.poly) }
            },
            out,
            cap,
            out_len,
            "out",
        )?;
        Ok(if cut { st | TESS_PARTIAL_RESULT } else { st })
    })
}

/// Exact any-angle shortest path (Polyanya, XZ metric) between two points; area costs ignored,
/// off-mesh connections not used.
///
/// @param[out] out_length  XZ length of the path (0 when there is none).
/// @param[out] out         Corner points from start to end (caller buffer).
/// @return SUCCESS, SUCCESS | NO_PATH (unreachable, `*out_len` = 0), with OUT_OF_NODES / BUFFER_TOO_SMALL details.
///
/// # Safety
/// `out` must hold `cap` elements; other pointers NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_query_find_optimal_path(
    query: *mut TessNavMeshQuery,
    start_poly: u64,
    end_poly: u64,
    start_pos: TessVec3,
    end_pos: TessVec3,
    filter: *const TessQueryFilter,
    out_length: *mut f32,
    out: *mut TessVec3,
    cap: u32,
    out_len: *mut u32,
) -> TessStatus {
    ffi_status!({
        let q = boxed_mut(query, "query")?;
        let length = out_ref(out_length, "out_length")?;
        out_ref(out_len, "out_len")?;
        let PathRequest { s, e, sp, ep, f } = q.path_request(start_poly, end_poly, start_pos, end_pos, filter)?;
        let (len, r) = q.query.find_optimal_path(s, e, sp, ep, &f, &mut q.points).map_err(query_error)?;
        *length = len.unwrap_or(0.0);
        let st = write_mapped(q.points.len(), |i| q.points[i].into(), out, cap, out_len, "out")?;
        let st = if len.is_none() { st | TESS_NO_PATH } else { st };
        Ok(if r.out_of_nodes { st | TESS_OUT_OF_NODES } else { st })
    })
}

/// Casts a ray along the surface from `start` (on `start_poly`) towards `end` (Detour's raycast).
///
/// @param[out] out_hit  t (FLT_MAX when `end` was reached) and wall normal.
/// @param[out] out      Visited polygons (caller buffer).
///
/// # Safety
/// `out` must hold `cap` elements; other pointers NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_query_raycast(
    query: *mut TessNavMeshQuery,
    start_poly: u64,
    start: TessVec3,
    end: TessVec3,
    filter: *const TessQueryFilter,
    out_hit: *mut TessRaycastHit,
    out: *mut u64,
    cap: u32,
    out_len: *mut u32,
) -> TessStatus {
    ffi_status!({
        let q = boxed_mut(query, "query")?;
        let hit_out = out_ref(out_hit, "out_hit")?;
        out_ref(out_len, "out_len")?;
        let s = q.ground(start_poly, "start_poly")?;
        let (a, b) = (v3(start, "start")?, v3(end, "end")?);
        let f = filter_of(filter)?;
        let n = q.visited.capacity();
        q.visited.resize(n, 0);
        let hit = q.query.raycast(s, a, b, &f, &mut q.visited).map_err(query_error)?;
        *hit_out = TessRaycastHit { t: hit.t, normal: hit.normal.into() };
        if hit.visited > q.visited.len() {
            // More polygons than the scratch holds: recount into the caller's buffer directly.
            let dst = out_slice(out, cap as usize, "out")?;
            let mut tmp = vec![0u32; hit.visited];
            q.query.raycast(s, a, b, &f, &mut tmp).map_err(query_error)?;
            for (d, &p) in dst.iter_mut().zip(&tmp) {
                *d = q.r(p);
            }
            *out_ref(out_len, "out_len")? = hit.visited as u32;
            return Ok(super::buffer::buffer_status(hit.visited, cap));
        }
        write_mapped(hit.visited, |i| q.r(q.visited[i]), out, cap, out_len, "out")
    })
}

/// Moves from `start` towards `end` along the surface, sliding along walls (Detour's moveAlongSurface).
///
/// @param[out] out_pos  Reached point (on the surface).
/// @param[out] out      Visited polygons from start to the final one.
///
/// # Safety
/// `out` must hold `cap` elements; other pointers NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_query_move_along_surface(
    query: *mut TessNavMeshQuery,
    start_poly: u64,
    start: TessVec3,
    end: TessVec3,
    filter: *const TessQueryFilter,
    out_pos: *mut TessVec3,
    out: *mut u64,
    cap: u32,
    out_len: *mut u32,
) -> TessStatus {
    ffi_status!({
        let q = boxed_mut(query, "query")?;
        let pos = out_ref(out_pos, "out_pos")?;
        out_ref(out_len, "out_len")?;
        let s = q.ground(start_poly, "start_poly")?;
        let (a, b) = (v3(start, "start")?, v3(end, "end")?);
        let f = filter_of(filter)?;
        let p = q.query.move_along_surface(s, a, b, &f, &mut q.visited).map_err(query_error)?;
        *pos = p.into();
        write_mapped(q.visited.len(), |i| q.r(q.visited[i]), out, cap, out_len, "out")
    })
}

/// Polygons reachable from `start_poly` whose shared edges come within `radius` of `center`.
///
/// # Safety
/// `out` must hold `cap` elements; other pointers NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_query_find_polys_around_circle(
    query: *mut TessNavMeshQuery,
    start_poly: u64,
    center: TessVec3,
    radius: f32,
    filter: *const TessQueryFilter,
    out: *mut TessPolyCost,
    cap: u32,
    out_len: *mut u32,
) -> TessStatus {
    ffi_status!({
        let q = boxed_mut(query, "query")?;
        out_ref(out_len, "out_len")?;
        let s = q.ground(start_poly, "start_poly")?;
        let c = v3(center, "center")?;
        if !(radius.is_finite() && radius >= 0.0) {
            return Err(FfiError::invalid(format!("`radius` is {radius}; must be finite and >= 0")));
        }
        let f = filter_of(filter)?;
        let r = q.query.find_polys_around_circle(s, c, radius, &f, &mut q.circle).map_err(query_error)?;
        let st = write_mapped(
            q.circle.len(),
            |i| {
                let (p, parent, cost) = q.circle[i];
                TessPolyCost { poly: q.r(p), parent: q.r(parent), cost, reserved: 0 }
            },
            out,
            cap,
            out_len,
            "out",
        )?;
        Ok(st | path_status(r))
    })
}

/// Distance from `center` to the nearest wall within `max_radius` (Detour's findDistanceToWall).
///
/// @param[out] out_distance  Distance (= `max_radius` when no wall is closer).
/// @param[out] out_pos       [opt] Nearest wall point.
/// @param[out] out_normal    [opt] Normal from the wall towards the centre.
///
/// # Safety
/// Pointers must be NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_query_find_distance_to_wall(
    query: *mut TessNavMeshQuery,
    start_poly: u64,
    center: TessVec3,
    max_radius: f32,
    filter: *const TessQueryFilter,
    out_distance: *mut f32,
    out_pos: *mut TessVec3,
    out_normal: *mut TessVec3,
) -> TessStatus {
    ffi_status!({
        let q = boxed_mut(query, "query")?;
        let d = out_ref(out_distance, "out_distance")?;
        let s = q.ground(start_poly, "start_poly")?;
        let c = v3(center, "center")?;
        if !(max_radius.is_finite() && max_radius >= 0.0) {
            return Err(FfiError::invalid(format!("`max_radius` is {max_radius}; must be finite and >= 0")));
        }
        let f = filter_of(filter)?;
        let w = q.query.find_distance_to_wall(s, c, max_radius, &f).map_err(query_error)?;
        *d = w.distance;
        if !out_pos.is_null() {
            *out_ref(out_pos, "out_pos")? = w.pos.into();
        }
        if !out_normal.is_null() {
            *out_ref(out_normal, "out_normal")? = w.normal.into();
        }
        Ok(TESS_SUCCESS)
    })
}

/// # Safety
/// Pointer arguments follow the calling export's contract (valid or NULL, sized as documented).
unsafe fn with_rng<T>(rng: *mut TessRng, f: impl FnOnce(&mut Rng) -> FfiResult<T>) -> FfiResult<T> {
    let raw = out_ref(rng, "rng")?;
    let mut r = Rng::from_state(raw.state).ok_or_else(|| FfiError::invalid("`rng` has an all-zero state: seed it with tess_rng_seed"))?;
    let out = f(&mut r);
    raw.state = r.state();
    out
}

/// A random point on the mesh, uniform by area over polygons passing `filter`.
///
/// @param[in,out] rng  Seeded generator.
/// @return SUCCESS, or FAILURE with NOT_FOUND when no passable polygon was hit.
///
/// # Safety
/// Pointers must be NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_query_find_random_point(
    query: *mut TessNavMeshQuery,
    filter: *const TessQueryFilter,
    rng: *mut TessRng,
    out_poly: *mut u64,
    out_pos: *mut TessVec3,
) -> TessStatus {
    ffi_status!({
        let q = boxed_mut(query, "query")?;
        let op = out_ref(out_poly, "out_poly")?;
        let pos = out_ref(out_pos, "out_pos")?;
        let f = filter_of(filter)?;
        let (p, pt) = with_rng(rng, |r| q.query.find_random_point(&f, r).map_err(query_error))?;
        *op = q.r(p);
        *pos = pt.into();
        Ok(TESS_SUCCESS)
    })
}

/// A random point within `radius` of `center` on polygons reachable from `start_poly` inside the circle.
///
/// # Safety
/// Pointers must be NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn tess_navmesh_query_find_random_point_around_circle(
    query: *mut TessNavMeshQuery,
    start_poly: u64,
    center: TessVec3,
    radius: f32,
    filter: *const TessQueryFilter,
    rng: *mut TessRng,
    out_poly: *mut u64,
    out_pos: *mut TessVec3,
) -> TessStatus {
    ffi_status!({
        let q = boxed_mut(query, "query")?;
        let op = out_ref(out_poly, "out_poly")?;
        let pos = out_ref(out_pos, "out_pos")?;
        let s = q.ground(start_poly, "start_poly")?;
        let c = v3(center, "center")?;
        if !(radius.is_finite() && radius >= 0.0) {
            return Err(FfiError::invalid(format!("`radius` is {radius}; must be finite and >= 0")));
        }
        let f = filter_of(filter)?;
        let (p, pt) = with_rng(rng, |r| q.query.find_random_point_around_circle(s, c, radius, &f, r).map_err(query_error))?;
        *op = q.r(p);
        *pos = pt.into();
        Ok(TESS_SUCCESS)
    })
}
