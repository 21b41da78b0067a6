//! C API: sparse voxel octree build, save/load, path queries.

use super::buffer::{finite3, in_ref, in_slice, out_ref, write_buffer};
use super::error::{ffi_status, FfiError, FfiResult};
use super::handle::{boxed_mut, boxed_ref, new_boxed, new_shared, opaque_handle, release_shared, shared_clone, shared_ref, take_boxed};
use super::status::*;
use super::types::TessVec3;
use crate::svo::{BlobError, Heuristic, MeshParams, PathOptions, QueryError, Svo, SvoError, SvoQuery};
use core::ffi::c_void;
use std::sync::Arc;

/// A built sparse voxel octree (immutable).
///
/// Ownership: created by a `tess_svo_build_*` function or `tess_svo_load`,
/// released by `tess_svo_free`; query objects keep their own reference, so
/// the octree may be freed while queries still use it.
/// Thread-safety: immutable; any number of threads may read it and create
/// query objects at once.
pub struct TessSvo {
    _private: [u8; 0],
}
opaque_handle!(TessSvo => Svo, "voxel octree");

/// Per-thread path query object over one octree, with preallocated scratch.
///
/// Ownership: created by `tess_svo_query_new`, freed by `tess_svo_query_free`.
/// Thread-safety: one thread at a time; give each thread its own.
pub struct TessSvoQuery {
    _private: [u8; 0],
}

/// The Rust object behind a `TessSvoQuery`.
pub struct QueryObject {
    query: SvoQuery,
    path: Vec<[f32; 3]>,
}
opaque_handle!(TessSvoQuery => QueryObject, "voxel octree query");

/// Bounds, voxel size and agent radius for the callback and mesh builders.
///
/// Ownership: a plain value owned by the caller.
/// Thread-safety: plain data.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct TessSvoBuildParams {
    /// Minimum corner of the bounds [(x, y, z)] in world units.
    pub bounds_min: TessVec3,
    /// Maximum corner; voxels per axis = ceil((max - min) / voxel_size). [Limit: > min, <= 65536 voxels]
    pub bounds_max: TessVec3,
    /// Voxel edge length in world units. [Limit: > 0, finite]
    pub voxel_size: f32,
    /// Agent radius: tested boxes grow by this much per side. [Limit: >= 0]
    pub agent_radius: f32,
}

/// `TessSvoPathOptions::heuristic`: 3D octile distance (the default; fastest, paths slightly longer).
pub const TESS_SVO_HEURISTIC_OCTILE: u32 = 0;
/// `TessSvoPathOptions::heuristic`: straight-line distance (slower, paths slightly shorter).
pub const TESS_SVO_HEURISTIC_EUCLIDEAN: u32 = 1;

/// Options of `tess_svo_query_find_path`; `tess_svo_path_options_default` fills the defaults.
///
/// Ownership: a plain value owned by the caller.
/// Thread-safety: plain data.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct TessSvoPathOptions {
    /// Heuristic multiplier (default 1.1; 1 = optimal on the node graph). [Limit: >= 0]
    pub heuristic_weight: f32,
    /// Extra cost in voxels per step into a node of level l, times (root level - l) (default 0). [Limit: >= 0]
    pub layer_penalty: f32,
    /// 1 = shorten by line-of-sight string pulling (default), 0 = raw node path.
    pub smooth: u8,
    /// `TESS_SVO_HEURISTIC_OCTILE` (default, 0) or `TESS_SVO_HEURISTIC_EUCLIDEAN`. [Limit: one of these]
    pub heuristic: u8,
    /// Reserved, set to 0.
    pub reserved: [u8; 2],
}

/// Result details of `tess_svo_query_find_path`.
///
/// Ownership: a plain value owned by the caller.
/// Thread-safety: plain data.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct TessSvoPathInfo {
    /// Length of the returned polyline in world units (0 without a path).
    pub length: f32,
    /// Nodes expanded by the search.
    pub expanded: u32,
    /// 1 when a path to the goal was found.
    pub found: u8,
    /// 1 when the node pool ran out and the path ends at the node closest to the goal.
    pub partial: u8,
    /// Reserved, 0.
    pub reserved: [u8; 2],
}

/// Facts about a built octree.
///
/// Ownership: a plain value owned by the caller.
/// Thread-safety: plain data.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct TessSvoInfo {
    /// Minimum corner of the bounds.
    pub bounds_min: TessVec3,
    /// Maximum corner of the bounds (min + dims * voxel_size).
    pub bounds_max: TessVec3,
    /// Voxel edge length.
    pub voxel_size: f32,
    /// Voxels per axis (before padding).
    pub dims: [u32; 3],
    /// Side of the padded power-of-two cube in voxels.
    pub cube_side: u32,
    /// Number of layers (voxel level included).
    pub layer_count: u32,
    /// Bytes of node data.
    pub memory_bytes: u64,
}

/// Engine callback of `tess_svo_build_callback`: return 1 when anything
/// blocks the world box [min, max], else 0. Called on the calling thread only,
/// coarse boxes first and single voxels last.
pub type TessSvoBoxBlockedFn = Option<unsafe extern "C" fn(user: *mut c_void, min: *const TessVec3, max: *const TessVec3) -> u8>;

fn build_error(e: SvoError) -> FfiError {
    match e {
        SvoError::InvalidParam(m) => FfiError::invalid(m),
        SvoError::Parse { .. } => FfiError::new(TESS_PARSE_ERROR, e.to_string()),
        SvoError::TooLarge(m) => FfiError::new(TESS_OUT_OF_MEMORY, m),
    }
}

/// The `TESS_SVO_HEURISTIC_*` value of a heuristic.
fn heuristic_code(h: Heuristic) -> u8 {
    match h {
        Heuristic::Octile => TESS_SVO_HEURISTIC_OCTILE as u8,
        Heuristic::Euclidean => TESS_SVO_HEURISTIC_EUCLIDEAN as u8,
    }
}

fn query_error(e: QueryError) -> FfiError {
    match e {
        QueryError::InSolid(_) | QueryError::NotFound => FfiError::new(TESS_NOT_FOUND, e.to_string()),
        _ => FfiError::invalid(e.to_string()),
    }
}

fn publish(out: &mut *const TessSvo, svo: Result<Svo, SvoError>) -> FfiResult {
    *out = new_shared::<TessSvo>(Arc::new(svo.map_err(build_error)?));
    Ok(TESS_SUCCESS)
}

/// # Safety
/// Pointer arguments follow the calling export's contract (valid or NULL, sized as documented).
unsafe fn params(p: *const TessSvoBuildParams) -> FfiResult<MeshParams> {
    let p = in_ref(p, "params")?;
    Ok(MeshParams {
        bounds_min: finite3(p.bounds_min.into(), "params.bounds_min")?,
        bounds_max: finite3(p.bounds_max.into(), "params.bounds_max")?,
        voxel_size: p.voxel_size,
        agent_radius: p.agent_radius,
    })
}

/// # Safety
/// Pointer arguments follow the calling export's contract (valid or NULL, sized as documented).
unsafe fn text<'a>(bytes: *const u8, len: u32, param: &str) -> FfiResult<&'a str> {
    std::str::from_utf8(in_slice(bytes, len as usize, param)?)
        .map_err(|e| FfiError::new(TESS_PARSE_ERROR, format!("`{param}` is not UTF-8 text: {e}")))
}

/// Builds an octree from Moving AI `.3dmap` text (`voxel X Y Z`, then one
/// `x y z` line per blocked voxel), voxel size 1 at the origin.
///
/// @param[in]  text  The file contents (not NUL-terminated).
/// @param[in]  len   Bytes in `text`.
/// @param[out] out   The new octree; NULL on failure.
/// @return SUCCESS; FAILURE with PARSE_ERROR (the message gives the line), OUT_OF_MEMORY
///         (a layer needs more than 2^22 nodes) or NULL_PARAM.
///
/// # Safety
/// `text` must hold `len` bytes; `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_svo_build_3dmap(text_ptr: *const u8, len: u32, out: *mut *const TessSvo) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = core::ptr::null();
        let t = text(text_ptr, len, "text")?;
        publish(out, Svo::from_3dmap(t))
    })
}

/// Builds an octree from a list of blocked voxels.
///
/// @param[in]  xyz          `count` voxel coordinates as x, y, z triples (3 * count values).
/// @param[in]  count        Number of voxels.
/// @param[in]  dims         Voxels per axis [(x, y, z)]. [Limit: 1..=65536 each]
/// @param[in]  origin       World position of the minimum corner.
/// @param[in]  voxel_size   Voxel edge length. [Limit: > 0, finite]
/// @param[out] out          The new octree; NULL on failure.
/// @return SUCCESS; FAILURE with INVALID_PARAM (voxel outside dims, bad size), OUT_OF_MEMORY or NULL_PARAM.
///
/// # Safety
/// `xyz` must hold `3 * count` values, `dims` 3; `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_svo_build_voxels(
    xyz: *const u32,
    count: u32,
    dims: *const u32,
    origin: TessVec3,
    voxel_size: f32,
    out: *mut *const TessSvo,
) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = core::ptr::null();
        let d = in_slice(dims, 3, "dims")?;
        let v = in_slice(xyz, 3 * count as usize, "xyz")?;
        let origin = finite3(origin.into(), "origin")?;
        let voxels: Vec<[u32; 3]> = v.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect();
        publish(out, Svo::from_voxels([d[0], d[1], d[2]], &voxels, origin, voxel_size))
    })
}

/// Builds an octree by asking `blocked(user, min, max)` about world boxes:
/// the root's children first, then layer by layer, single voxels last; only
/// boxes reported blocked are refined.
///
/// @param[in]  params   Bounds, voxel size and agent radius (the radius is not applied: the callback decides).
/// @param[in]  blocked  The engine's overlap test.
/// @param[in]  user     Passed back to `blocked` unchanged. [opt]
/// @param[out] out      The new octree; NULL on failure.
/// @return SUCCESS; FAILURE with INVALID_PARAM (zero/negative voxel size, bad bounds), OUT_OF_MEMORY or NULL_PARAM.
///
/// # Safety
/// `params` must be valid, `blocked` callable with `user`; `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_svo_build_callback(
    params_ptr: *const TessSvoBuildParams,
    blocked: TessSvoBoxBlockedFn,
    user: *mut c_void,
    out: *mut *const TessSvo,
) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = core::ptr::null();
        let p = params(params_ptr)?;
        let f = blocked.ok_or_else(|| FfiError::null("blocked"))?;
        let result = Svo::from_callback(&p, |lo, hi| {
            let (lo, hi) = (TessVec3::from(lo), TessVec3::from(hi));
            // SAFETY: the caller guarantees `f` may be called with `user`.
            unsafe { f(user, &lo, &hi) != 0 }
        });
        publish(out, result)
    })
}

/// Voxelises a triangle mesh (exact triangle/box overlap) into an octree.
///
/// @param[in]  vertices      `vertex_count` points.
/// @param[in]  vertex_count  Number of vertices.
/// @param[in]  indices       Triangle corners, 3 per triangle. [Limit: < vertex_count]
/// @param[in]  index_count   Number of indices. [Limit: multiple of 3]
/// @param[in]  params        Bounds, voxel size, agent radius (boxes grow by it).
/// @param[out] out           The new octree; NULL on failure.
/// @return SUCCESS; FAILURE with INVALID_PARAM, OUT_OF_MEMORY or NULL_PARAM.
///
/// # Safety
/// The arrays must hold the stated counts; `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_svo_build_mesh(
    vertices: *const TessVec3,
    vertex_count: u32,
    indices: *const u32,
    index_count: u32,
    params_ptr: *const TessSvoBuildParams,
    out: *mut *const TessSvo,
) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = core::ptr::null();
        let p = params(params_ptr)?;
        let verts: Vec<[f32; 3]> = in_slice(vertices, vertex_count as usize, "vertices")?.iter().map(|&v| v.into()).collect();
        if index_count % 3 != 0 {
            return Err(FfiError::invalid("`index_count` must be a multiple of 3"));
        }
        let tris: Vec<[u32; 3]> = in_slice(indices, index_count as usize, "indices")?.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect();
        publish(out, Svo::from_mesh(&verts, &tris, &p))
    })
}

/// Voxelises a Wavefront OBJ mesh (`v` and `f` lines) into an octree.
///
/// @param[in]  text    The OBJ contents (not NUL-terminated).
/// @param[in]  len     Bytes in `text`.
/// @param[in]  params  Bounds, voxel size, agent radius.
/// @param[out] out     The new octree; NULL on failure.
/// @return SUCCESS; FAILURE with PARSE_ERROR (with the line), INVALID_PARAM, OUT_OF_MEMORY or NULL_PARAM.
///
/// # Safety
/// `text` must hold `len` bytes; `params` valid; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_svo_build_obj(text_ptr: *const u8, len: u32, params_ptr: *const TessSvoBuildParams, out: *mut *const TessSvo) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = core::ptr::null();
        let p = params(params_ptr)?;
        let (verts, tris) = crate::svo::parse_obj(text(text_ptr, len, "text")?).map_err(build_error)?;
        publish(out, Svo::from_mesh(&verts, &tris, &p))
    })
}

/// Releases the caller's reference to an octree. NULL is a no-op.
///
/// # Safety
/// `svo` must be NULL or a handle from this library.
#[no_mangle]
pub unsafe extern "C" fn tess_svo_free(svo: *const TessSvo) -> TessStatus {
    ffi_status!({
        release_shared(svo, "svo")?;
        Ok(TESS_SUCCESS)
    })
}

/// Writes the octree as a versioned, checksummed blob.
///
/// @param[out] out      Buffer for the bytes. [opt if cap == 0]
/// @param[in]  cap      Capacity of `out` in bytes.
/// @param[out] out_len  Full size of the blob.
/// @return SUCCESS, SUCCESS | BUFFER_TOO_SMALL (call again with `*out_len` bytes), or FAILURE.
///
/// # Safety
/// `out` must hold `cap` bytes; `out_len` must be writable.
#[no_mangle]
pub unsafe extern "C" fn tess_svo_save(svo: *const TessSvo, out: *mut u8, cap: u32, out_len: *mut u32) -> TessStatus {
    ffi_status!({
        let svo = shared_ref(svo, "svo")?;
        write_buffer(&svo.to_bytes(), out, cap, out_len, "out")
    })
}

/// Reads an octree written by `tess_svo_save`.
///
/// @param[in]  bytes  The blob.
/// @param[in]  len    Its size in bytes.
/// @param[out] out    The octree; NULL on failure.
/// @return SUCCESS; FAILURE with CORRUPT_DATA (truncated, bad magic, checksum or structure),
///         VERSION_MISMATCH or NULL_PARAM.
///
/// # Safety
/// `bytes` must hold `len` bytes; `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_svo_load(bytes: *const u8, len: u32, out: *mut *const TessSvo) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = core::ptr::null();
        let b = in_slice(bytes, len as usize, "bytes")?;
        let svo = Svo::from_bytes(b).map_err(|e| match e {
            BlobError::Version(_) => FfiError::new(TESS_VERSION_MISMATCH, e.to_string()),
            _ => FfiError::new(TESS_CORRUPT_DATA, e.to_string()),
        })?;
        *out = new_shared::<TessSvo>(Arc::new(svo));
        Ok(TESS_SUCCESS)
    })
}

/// Bounds, sizes and memory of an octree.
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_svo_info(svo: *const TessSvo, out: *mut TessSvoInfo) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        let s = shared_ref(svo, "svo")?;
        *out = TessSvoInfo {
            bounds_min: s.origin().into(),
            bounds_max: s.bounds_max().into(),
            voxel_size: s.voxel_size(),
            dims: s.dims(),
            cube_side: s.cube_side(),
            layer_count: s.layer_count(),
            memory_bytes: s.memory_bytes() as u64,
        };
        Ok(TESS_SUCCESS)
    })
}

/// Bytes of node data per layer: index 0 = voxel level (0), 1 = leaves, l = level-l nodes.
///
/// @param[out] out      Bytes per layer. [opt if cap == 0]
/// @param[in]  cap      Capacity of `out`.
/// @param[out] out_len  Number of layers.
///
/// # Safety
/// `out` must hold `cap` values; `out_len` must be writable.
#[no_mangle]
pub unsafe extern "C" fn tess_svo_memory(svo: *const TessSvo, out: *mut u64, cap: u32, out_len: *mut u32) -> TessStatus {
    ffi_status!({
        let s = shared_ref(svo, "svo")?;
        let m: Vec<u64> = s.memory_per_layer().iter().map(|&b| b as u64).collect();
        write_buffer(&m, out, cap, out_len, "out")
    })
}

fn in_bounds(s: &Svo, p: TessVec3, param: &str) -> FfiResult<[f32; 3]> {
    let p = finite3(p.into(), param)?;
    if s.voxel_of(p).is_none() {
        return Err(FfiError::invalid(format!("`{param}` {p:?} lies outside the octree bounds")));
    }
    Ok(p)
}

/// Whether the point lies in a blocked voxel.
///
/// @param[in]  point  World position. [Limit: finite, inside the bounds]
/// @param[out] out    1 = blocked, 0 = free.
/// @return SUCCESS; FAILURE with INVALID_PARAM (NaN/inf, outside the bounds), STALE_HANDLE or NULL_PARAM.
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_svo_is_blocked(svo: *const TessSvo, point: TessVec3, out: *mut u8) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        let s = shared_ref(svo, "svo")?;
        *out = u8::from(s.is_blocked(in_bounds(s, point, "point")?));
        Ok(TESS_SUCCESS)
    })
}

/// Tests the segment `from`–`to` against every voxel it touches (passing
/// exactly through an edge or corner touches all voxels around it).
///
/// @param[in]  from     Segment start. [Limit: finite, inside the bounds]
/// @param[in]  to       Segment end. [Limit: finite, inside the bounds]
/// @param[out] out_hit  1 when a blocked voxel is touched.
/// @param[out] out_t    Fraction of the segment where the first blocked voxel is reached (1 when clear). [opt]
/// @return SUCCESS; FAILURE with INVALID_PARAM or NULL_PARAM.
///
/// # Safety
/// `out_hit` must be writable; `out_t` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_svo_raycast(svo: *const TessSvo, from: TessVec3, to: TessVec3, out_hit: *mut u8, out_t: *mut f32) -> TessStatus {
    ffi_status!({
        let hit = out_ref(out_hit, "out_hit")?;
        let s = shared_ref(svo, "svo")?;
        let (a, b) = (in_bounds(s, from, "from")?, in_bounds(s, to, "to")?);
        let t = s.raycast(a, b);
        *hit = u8::from(t.is_some());
        if !out_t.is_null() {
            *out_ref(out_t, "out_t")? = t.unwrap_or(1.0);
        }
        Ok(TESS_SUCCESS)
    })
}

/// Creates a query object with room for `max_nodes` search nodes (scratch
/// allocated now; searches allocate nothing after warm-up).
///
/// @param[in]  svo        The octree (the query keeps a reference).
/// @param[in]  max_nodes  Node pool size. [Limit: 16..=2^28]
/// @param[out] out        The query; NULL on failure.
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_svo_query_new(svo: *const TessSvo, max_nodes: u32, out: *mut *mut TessSvoQuery) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = core::ptr::null_mut();
        let s = shared_clone(svo, "svo")?;
        if !(16..=1 << 28).contains(&max_nodes) {
            return Err(FfiError::invalid(format!("`max_nodes` must be in 16..=2^28, got {max_nodes}")));
        }
        let query = SvoQuery::new(s, max_nodes as usize);
        *out = new_boxed::<TessSvoQuery>(QueryObject { query, path: Vec::with_capacity(256) });
        Ok(TESS_SUCCESS)
    })
}

/// Frees a query object. NULL is a no-op.
///
/// # Safety
/// `query` must be NULL or a handle from this library.
#[no_mangle]
pub unsafe extern "C" fn tess_svo_query_free(query: *mut TessSvoQuery) -> TessStatus {
    ffi_status!({
        take_boxed(query, "query")?;
        Ok(TESS_SUCCESS)
    })
}

/// Fills `out` with the default path options (weight 1.1, octile heuristic, penalty 0, smoothing on).
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_svo_path_options_default(out: *mut TessSvoPathOptions) -> TessStatus {
    ffi_status!({
        let d = PathOptions::default();
        *out_ref(out, "out")? = TessSvoPathOptions {
            heuristic_weight: d.heuristic_weight,
            layer_penalty: d.layer_penalty,
            smooth: u8::from(d.smooth),
            heuristic: heuristic_code(d.heuristic),
            reserved: [0; 2],
        };
        Ok(TESS_SUCCESS)
    })
}

/// Finds a path between two points: A* over the octree's free nodes, then
/// (by default) line-of-sight string pulling. Writes world points, start
/// first and goal last.
///
/// @param[in]  start       Start point. [Limit: finite, in bounds, in a free voxel]
/// @param[in]  goal        Goal point. [Limit: finite, in bounds, in a free voxel]
/// @param[in]  options     Search options; NULL = defaults. [opt]
/// @param[out] out_info    Length, expanded nodes, found/partial flags. [opt]
/// @param[out] out_points  Path points. [opt if cap == 0]
/// @param[in]  cap         Capacity of `out_points`.
/// @param[out] out_len     Number of path points (0 without a path).
/// @return SUCCESS; SUCCESS | NO_PATH (unreachable goal); SUCCESS | PARTIAL_RESULT | OUT_OF_NODES
///         (pool exhausted, path to the closest node); with BUFFER_TOO_SMALL when truncated.
///         FAILURE with INVALID_PARAM (NaN/inf, point outside the bounds, bad options),
///         NOT_FOUND (a point inside a blocked voxel), STALE_HANDLE or NULL_PARAM.
///
/// # Safety
/// Pointers must be NULL or valid for their stated sizes.
#[no_mangle]
pub unsafe extern "C" fn tess_svo_query_find_path(
    query: *mut TessSvoQuery,
    start: TessVec3,
    goal: TessVec3,
    options: *const TessSvoPathOptions,
    out_info: *mut TessSvoPathInfo,
    out_points: *mut TessVec3,
    cap: u32,
    out_len: *mut u32,
) -> TessStatus {
    ffi_status!({
        let q = boxed_mut(query, "query")?;
        out_ref(out_len, "out_len")?;
        let opts = if options.is_null() {
            PathOptions::default()
        } else {
            let o = in_ref(options, "options")?;
            let heuristic = match u32::from(o.heuristic) {
                TESS_SVO_HEURISTIC_OCTILE => Heuristic::Octile,
                TESS_SVO_HEURISTIC_EUCLIDEAN => Heuristic::Euclidean,
                other => return Err(FfiError::invalid(format!("`options.heuristic` must be 0 (octile) or 1 (Euclidean), got {other}"))),
            };
            PathOptions { heuristic_weight: o.heuristic_weight, heuristic, layer_penalty: o.layer_penalty, smooth: o.smooth != 0 }
        };
        let info = q.query.find_path(start.into(), goal.into(), &opts, &mut q.path).map_err(query_error)?;
        if !out_info.is_null() {
            *out_ref(out_info, "out_info")? = TessSvoPathInfo {
                length: info.length,
                expanded: info.expanded,
                found: u8::from(info.found),
                partial: u8::from(info.partial),
                reserved: [0; 2],
            };
        }
        // SAFETY: TessVec3 is #[repr(C)] of three f32, the layout of [f32; 3].
        let pts: &[TessVec3] = unsafe { core::slice::from_raw_parts(q.path.as_ptr().cast(), q.path.len()) };
        let mut status = write_buffer(pts, out_points, cap, out_len, "out_points")?;
        if info.partial {
            status |= TESS_PARTIAL_RESULT | TESS_OUT_OF_NODES;
        } else if !info.found {
            status |= TESS_NO_PATH;
        }
        Ok(status)
    })
}

/// The centre of the free voxel nearest to `point` (or `point` itself when free).
///
/// @param[in]  point         Where to look from. [Limit: finite, inside the bounds]
/// @param[in]  max_distance  Search radius in world units. [Limit: >= 0]
/// @param[out] out           The free point.
/// @return SUCCESS; FAILURE with NOT_FOUND (nothing free in range), INVALID_PARAM or NULL_PARAM.
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_svo_query_nearest_free(query: *mut TessSvoQuery, point: TessVec3, max_distance: f32, out: *mut TessVec3) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        let q = boxed_ref(query, "query")?;
        *out = q.query.nearest_free(point.into(), max_distance).map_err(query_error)?.into();
        Ok(TESS_SUCCESS)
    })
}

/// Writes an SVG picture of the map seen from above (X right, Z down) with
/// an optional path, as UTF-8 bytes without a terminating NUL.
///
/// @param[in]  path        World points of a path. [opt if path_count == 0]
/// @param[in]  path_count  Number of points.
/// @param[out] out         Buffer for the text. [opt if cap == 0]
/// @param[in]  cap         Capacity in bytes.
/// @param[out] out_len     Full size of the text.
///
/// # Safety
/// Arrays must hold their stated sizes; `out_len` must be writable.
#[no_mangle]
pub unsafe extern "C" fn tess_svo_write_svg(
    svo: *const TessSvo,
    path: *const TessVec3,
    path_count: u32,
    out: *mut u8,
    cap: u32,
    out_len: *mut u32,
) -> TessStatus {
    ffi_status!({
        let s = shared_ref(svo, "svo")?;
        let pts: Vec<[f32; 3]> = in_slice(path, path_count as usize, "path")?.iter().map(|&p| p.into()).collect();
        write_buffer(s.to_svg(&pts).as_bytes(), out, cap, out_len, "out")
    })
}
