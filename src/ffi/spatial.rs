//! C API: uniform spatial grid over the XZ plane with neighbour queries and
//! area-of-interest (AOI) events.

use super::buffer::{in_slice, out_ref, CallerBuffer};
use super::error::{ffi_status, FfiError};
use super::handle::{boxed_mut, boxed_ref, new_boxed, opaque_handle, take_boxed};
use super::status::*;
use super::types::TessVec3;
use crate::spatial::{Grid, Hit, IdPair, SpatialError};

/// AOI event kind for `tess_spatial_grid_aoi_events`: targets that came into view.
pub const TESS_AOI_ENTER: u32 = 0;
/// AOI event kind for `tess_spatial_grid_aoi_events`: targets that left view.
pub const TESS_AOI_LEAVE: u32 = 1;

/// A uniform grid of square cells over the XZ plane (Y up) holding entities
/// identified by the caller's `uint64_t` ids (any value, 0 included).
/// Positions outside the bounds are kept and filed in the border cells.
/// Distances are Euclidean in XZ and inclusive: an entity at exactly the
/// query distance is inside.
///
/// Ownership: created by `tess_spatial_grid_new`, freed by `tess_spatial_grid_free`.
/// Thread-safety: the query functions (those taking `const TessSpatialGrid *`)
/// allocate nothing and may run on any number of threads at once; functions
/// taking `TessSpatialGrid *` mutate and need exclusive access.
pub struct TessSpatialGrid {
    _private: [u8; 0],
}
opaque_handle!(TessSpatialGrid => Grid, "spatial grid");

/// Two entity ids. From `tess_spatial_grid_pairs_within`: an unordered pair
/// with `a < b`. From the AOI functions: `a` is the observer, `b` the target.
///
/// Ownership: a plain value in a caller buffer.
/// Thread-safety: plain data.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TessIdPair {
    /// First id (the smaller one, or the observer).
    pub a: u64,
    /// Second id (the larger one, or the target).
    pub b: u64,
}

/// One k-nearest result.
///
/// Ownership: a plain value in a caller buffer.
/// Thread-safety: plain data.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TessSpatialHit {
    /// The entity's id.
    pub id: u64,
    /// Squared XZ distance from the query point in world units², computed in double precision.
    pub dist_sq: f64,
}

// TessSpatialHit is the C face of Hit: same fields, same order, same layout.
const _: () = assert!(core::mem::size_of::<TessSpatialHit>() == core::mem::size_of::<Hit>());
const _: () = assert!(core::mem::align_of::<TessSpatialHit>() == core::mem::align_of::<Hit>());
const _: () = assert!(core::mem::offset_of!(TessSpatialHit, dist_sq) == core::mem::offset_of!(Hit, dist_sq));

fn spatial_error(e: SpatialError) -> FfiError {
    let detail = match e {
        SpatialError::UnknownId(_) => TESS_NOT_FOUND,
        SpatialError::DuplicateId(_) => TESS_ALREADY_EXISTS,
        SpatialError::Full => TESS_FULL,
        _ => TESS_INVALID_PARAM,
    };
    FfiError::new(detail, e.to_string())
}

impl From<IdPair> for TessIdPair {
    fn from(p: IdPair) -> Self {
        TessIdPair { a: p.a, b: p.b }
    }
}

/// Creates an empty grid over `[min_x, max_x] × [min_z, max_z]` with square
/// cells of side `cell_size`. Choose the cell size near the usual query
/// radius. At most 2^22 cells.
///
/// @param[in]  min_x, min_z  Lower corner in world units.
/// @param[in]  max_x, max_z  Upper corner in world units. [Limit: > min on both axes]
/// @param[in]  cell_size     Cell side in world units. [Limit: > 0]
/// @param[out] out           The new grid; set to NULL on failure.
/// @return SUCCESS, or FAILURE with INVALID_PARAM (non-finite values, cell size <= 0,
///         zero-sized bounds, too many cells) or NULL_PARAM.
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_spatial_grid_new(
    min_x: f32,
    min_z: f32,
    max_x: f32,
    max_z: f32,
    cell_size: f32,
    out: *mut *mut TessSpatialGrid,
) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = core::ptr::null_mut();
        let grid = Grid::new(min_x, min_z, max_x, max_z, cell_size).map_err(spatial_error)?;
        *out = new_boxed::<TessSpatialGrid>(grid);
        Ok(TESS_SUCCESS)
    })
}

/// Frees a grid. NULL is a no-op; a stale pointer is ignored and reported
/// through `tess_last_error_message`.
///
/// # Safety
/// `grid` must not be in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn tess_spatial_grid_free(grid: *mut TessSpatialGrid) {
    ffi_status!({ take_boxed(grid, "grid").map(|_| TESS_SUCCESS) });
}

/// Number of entities in the grid.
///
/// @param[out] out  The count.
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_spatial_grid_len(grid: *const TessSpatialGrid, out: *mut u32) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = boxed_ref(grid, "grid")?.len() as u32;
        Ok(TESS_SUCCESS)
    })
}

/// Adds an entity.
///
/// @param[in] id      The caller's id; must not be in the grid yet.
/// @param[in] x, z    Position in world units (outside the bounds is allowed).
/// @param[in] radius  AOI view radius and reach for `tess_spatial_grid_query_entity`,
///                    in world units; 0 observes nothing. [Limit: >= 0, finite]
/// @return SUCCESS, or FAILURE with ALREADY_EXISTS (duplicate id), INVALID_PARAM
///         (NaN/inf, negative radius), FULL, STALE_HANDLE or NULL_PARAM.
///
/// # Safety
/// `grid` must not be used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn tess_spatial_grid_insert(grid: *mut TessSpatialGrid, id: u64, x: f32, z: f32, radius: f32) -> TessStatus {
    ffi_status!({
        boxed_mut(grid, "grid")?.insert(id, x, z, radius).map_err(spatial_error)?;
        Ok(TESS_SUCCESS)
    })
}

/// Removes an entity. It leaves every observer's view at the next AOI update.
///
/// @return SUCCESS, or FAILURE with NOT_FOUND (unknown id), STALE_HANDLE or NULL_PARAM.
///
/// # Safety
/// `grid` must not be used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn tess_spatial_grid_remove(grid: *mut TessSpatialGrid, id: u64) -> TessStatus {
    ffi_status!({
        boxed_mut(grid, "grid")?.remove(id).map_err(spatial_error)?;
        Ok(TESS_SUCCESS)
    })
}

/// Moves an entity; a move within the same cell is one write.
///
/// @param[in] x, z  New position in world units.
/// @return SUCCESS, or FAILURE with NOT_FOUND (unknown id), INVALID_PARAM (NaN/inf),
///         STALE_HANDLE or NULL_PARAM.
///
/// # Safety
/// `grid` must not be used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn tess_spatial_grid_move(grid: *mut TessSpatialGrid, id: u64, x: f32, z: f32) -> TessStatus {
    ffi_status!({
        boxed_mut(grid, "grid")?.move_to(id, x, z).map_err(spatial_error)?;
        Ok(TESS_SUCCESS)
    })
}

/// Moves `count` entities in one call: `ids[i]` goes to `positions[i]`
/// (x and z used, y ignored, so engine position arrays pass unchanged).
/// Everything is checked first: on failure nothing has moved. Passing the
/// same `ids` array every frame is fastest (its lookups are remembered).
///
/// @param[in] ids        `count` ids, all in the grid.
/// @param[in] positions  `count` positions in world units.
/// @param[in] count      Number of entities; 0 does nothing.
/// @return SUCCESS, or FAILURE with NOT_FOUND (an unknown id), INVALID_PARAM
///         (NaN/inf; the message names the index), STALE_HANDLE or NULL_PARAM.
///
/// # Safety
/// `ids` and `positions` must hold `count` elements; `grid` must not be used
/// by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn tess_spatial_grid_move_batch(
    grid: *mut TessSpatialGrid,
    ids: *const u64,
    positions: *const TessVec3,
    count: u32,
) -> TessStatus {
    ffi_status!({
        let grid = boxed_mut(grid, "grid")?;
        let ids = in_slice(ids, count as usize, "ids")?;
        let positions = in_slice(positions, count as usize, "positions")?;
        grid.move_batch(ids, positions).map_err(spatial_error)?;
        Ok(TESS_SUCCESS)
    })
}

/// Sets an entity's radius: its AOI view radius (0 observes nothing) and its
/// reach for `tess_spatial_grid_query_entity`.
///
/// @param[in] radius  World units. [Limit: >= 0, finite]
/// @return SUCCESS, or FAILURE with NOT_FOUND, INVALID_PARAM, STALE_HANDLE or NULL_PARAM.
///
/// # Safety
/// `grid` must not be used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn tess_spatial_grid_set_radius(grid: *mut TessSpatialGrid, id: u64, radius: f32) -> TessStatus {
    ffi_status!({
        boxed_mut(grid, "grid")?.set_radius(id, radius).map_err(spatial_error)?;
        Ok(TESS_SUCCESS)
    })
}

/// Reads an entity's position (exactly as last given) and radius.
///
/// @param[out] out_x, out_z   Position in world units.
/// @param[out] out_radius     Radius in world units.
/// @return SUCCESS, or FAILURE with NOT_FOUND, STALE_HANDLE or NULL_PARAM.
///
/// # Safety
/// The out-pointers must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_spatial_grid_get(
    grid: *const TessSpatialGrid,
    id: u64,
    out_x: *mut f32,
    out_z: *mut f32,
    out_radius: *mut f32,
) -> TessStatus {
    ffi_status!({
        let (ox, oz, or) = (out_ref(out_x, "out_x")?, out_ref(out_z, "out_z")?, out_ref(out_radius, "out_radius")?);
        let grid = boxed_ref(grid, "grid")?;
        let not_found = || spatial_error(SpatialError::UnknownId(id));
        let (x, z) = grid.position(id).ok_or_else(not_found)?;
        *or = grid.radius(id).ok_or_else(not_found)?;
        (*ox, *oz) = (x, z);
        Ok(TESS_SUCCESS)
    })
}

/// Ids of the entities within `radius` of `(x, z)` (inclusive: distance <= radius).
///
/// @param[in]  x, z     Centre in world units.
/// @param[in]  radius   World units. [Limit: >= 0, finite]
/// @param[out] out      Caller buffer of ids, in no particular order.
/// @param[in]  cap      Capacity of `out`.
/// @param[out] out_len  The full number of ids found.
/// @return SUCCESS, SUCCESS | BUFFER_TOO_SMALL (first `cap` ids written), or FAILURE
///         with INVALID_PARAM, STALE_HANDLE or NULL_PARAM.
///
/// # Safety
/// `out` must hold `cap` elements (NULL when `cap == 0`); `out_len` must be writable.
#[no_mangle]
pub unsafe extern "C" fn tess_spatial_grid_query_circle(
    grid: *const TessSpatialGrid,
    x: f32,
    z: f32,
    radius: f32,
    out: *mut u64,
    cap: u32,
    out_len: *mut u32,
) -> TessStatus {
    ffi_status!({
        let grid = boxed_ref(grid, "grid")?;
        let buf = CallerBuffer::new(out, cap, out_len, "out", "out_len")?;
        let total = grid.query_circle(x, z, radius, buf.out).map_err(spatial_error)?;
        Ok(buf.finish(total))
    })
}

/// Ids of the entities in the closed box `min_x <= x <= max_x`, `min_z <= z <= max_z`.
///
/// @param[in]  min_x, min_z, max_x, max_z  The box in world units. [Limit: min <= max]
/// @param[out] out, cap, out_len           Caller buffer, as `tess_spatial_grid_query_circle`.
/// @return As `tess_spatial_grid_query_circle`.
///
/// # Safety
/// `out` must hold `cap` elements (NULL when `cap == 0`); `out_len` must be writable.
#[no_mangle]
pub unsafe extern "C" fn tess_spatial_grid_query_aabb(
    grid: *const TessSpatialGrid,
    min_x: f32,
    min_z: f32,
    max_x: f32,
    max_z: f32,
    out: *mut u64,
    cap: u32,
    out_len: *mut u32,
) -> TessStatus {
    ffi_status!({
        let grid = boxed_ref(grid, "grid")?;
        let buf = CallerBuffer::new(out, cap, out_len, "out", "out_len")?;
        let total = grid.query_box(min_x, min_z, max_x, max_z, buf.out).map_err(spatial_error)?;
        Ok(buf.finish(total))
    })
}

/// Ids of the other entities within entity `id`'s own radius of it.
///
/// @param[in]  id                 An entity in the grid.
/// @param[out] out, cap, out_len  Caller buffer, as `tess_spatial_grid_query_circle`.
/// @return As `tess_spatial_grid_query_circle`, or FAILURE with NOT_FOUND.
///
/// # Safety
/// `out` must hold `cap` elements (NULL when `cap == 0`); `out_len` must be writable.
#[no_mangle]
pub unsafe extern "C" fn tess_spatial_grid_query_entity(
    grid: *const TessSpatialGrid,
    id: u64,
    out: *mut u64,
    cap: u32,
    out_len: *mut u32,
) -> TessStatus {
    ffi_status!({
        let grid = boxed_ref(grid, "grid")?;
        let buf = CallerBuffer::new(out, cap, out_len, "out", "out_len")?;
        let total = grid.query_entity(id, buf.out).map_err(spatial_error)?;
        Ok(buf.finish(total))
    })
}

/// The `k` entities nearest to `(x, z)` within `max_dist`, nearest first
/// (equal distances by smaller id). `k` is the buffer capacity; fewer are
/// returned when fewer exist, so this never reports BUFFER_TOO_SMALL.
///
/// @param[in]  x, z      Query point in world units.
/// @param[in]  max_dist  Inclusive distance limit in world units; INFINITY for none. [Limit: >= 0]
/// @param[out] out       Caller buffer of `k` hits.
/// @param[in]  k         How many to find (0 finds nothing).
/// @param[out] out_len   How many were written (<= k).
/// @return SUCCESS, or FAILURE with INVALID_PARAM (NaN/inf position, NaN or negative
///         `max_dist`), STALE_HANDLE or NULL_PARAM.
///
/// # Safety
/// `out` must hold `k` elements (NULL when `k == 0`); `out_len` must be writable.
#[no_mangle]
pub unsafe extern "C" fn tess_spatial_grid_nearest(
    grid: *const TessSpatialGrid,
    x: f32,
    z: f32,
    max_dist: f32,
    out: *mut TessSpatialHit,
    k: u32,
    out_len: *mut u32,
) -> TessStatus {
    ffi_status!({
        let grid = boxed_ref(grid, "grid")?;
        let buf = CallerBuffer::new(out, k, out_len, "out", "out_len")?;
        // SAFETY: TessSpatialHit and Hit are #[repr(C)] { u64, f64 } (asserted
        // above), so the caller's buffer is a valid [Hit] of the same length.
        let hits = unsafe { core::slice::from_raw_parts_mut(buf.out.as_mut_ptr().cast::<Hit>(), buf.out.len()) };
        let n = grid.nearest(x, z, max_dist, hits).map_err(spatial_error)?;
        Ok(buf.finish(n))
    })
}

/// Every unordered pair of entities within `r` of each other (inclusive),
/// each exactly once, as `{a, b}` with `a < b`. Cost is linear in the number
/// of entities for `r` near the cell size (the half-neighbour scan).
///
/// @param[in]  r                  Distance in world units. [Limit: >= 0, finite]
/// @param[out] out, cap, out_len  Caller buffer; `out_len` is the full pair count
///                                (call with `cap == 0` to size the buffer).
/// @return As `tess_spatial_grid_query_circle`.
///
/// # Safety
/// `out` must hold `cap` elements (NULL when `cap == 0`); `out_len` must be writable.
#[no_mangle]
pub unsafe extern "C" fn tess_spatial_grid_pairs_within(
    grid: *const TessSpatialGrid,
    r: f32,
    out: *mut TessIdPair,
    cap: u32,
    out_len: *mut u32,
) -> TessStatus {
    ffi_status!({
        let grid = boxed_ref(grid, "grid")?;
        let buf = CallerBuffer::new(out, cap, out_len, "out", "out_len")?;
        let mut total = 0usize;
        grid.for_each_pair_within(r, |p| {
            if let Some(slot) = buf.out.get_mut(total) {
                *slot = p.into();
            }
            total += 1;
        })
        .map_err(spatial_error)?;
        Ok(buf.finish(total))
    })
}

/// Recomputes every observer's view (entities with radius > 0 see the other
/// entities within their radius) and writes what changed since the previous
/// update: `{observer, target}` pairs that entered and that left view,
/// grouped by observer, targets ascending. A removed entity leaves every view
/// that held it; a removed observer's own view is dropped without events.
/// When a buffer is too small the events stay readable with
/// `tess_spatial_grid_aoi_events` until the next update.
///
/// @param[out] enter, enter_cap, enter_len  Caller buffer for enter events.
/// @param[out] leave, leave_cap, leave_len  Caller buffer for leave events.
/// @return SUCCESS, SUCCESS | BUFFER_TOO_SMALL (either buffer), or FAILURE with
///         STALE_HANDLE or NULL_PARAM (checked before anything is updated).
///
/// # Safety
/// The buffers must hold their capacities (NULL when 0) and must not overlap
/// each other or the lengths; the lengths must be writable and distinct;
/// `grid` must not be used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn tess_spatial_grid_aoi_update(
    grid: *mut TessSpatialGrid,
    enter: *mut TessIdPair,
    enter_cap: u32,
    enter_len: *mut u32,
    leave: *mut TessIdPair,
    leave_cap: u32,
    leave_len: *mut u32,
) -> TessStatus {
    ffi_status!({
        let grid = boxed_mut(grid, "grid")?;
        let enter = CallerBuffer::new(enter, enter_cap, enter_len, "enter", "enter_len")?;
        let leave = CallerBuffer::new(leave, leave_cap, leave_len, "leave", "leave_len")?;
        let events = grid.aoi_update();
        let a = enter.fill(events.enter.iter().map(|&p| p.into()));
        let b = leave.fill(events.leave.iter().map(|&p| p.into()));
        Ok(a | b)
    })
}

/// Reads the events of the last `tess_spatial_grid_aoi_update` again (for
/// example after BUFFER_TOO_SMALL).
///
/// @param[in]  kind               `TESS_AOI_ENTER` or `TESS_AOI_LEAVE`.
/// @param[out] out, cap, out_len  Caller buffer, as `tess_spatial_grid_query_circle`.
/// @return As `tess_spatial_grid_query_circle`; INVALID_PARAM for an unknown kind.
///
/// # Safety
/// `out` must hold `cap` elements (NULL when `cap == 0`); `out_len` must be writable.
#[no_mangle]
pub unsafe extern "C" fn tess_spatial_grid_aoi_events(
    grid: *const TessSpatialGrid,
    kind: u32,
    out: *mut TessIdPair,
    cap: u32,
    out_len: *mut u32,
) -> TessStatus {
    ffi_status!({
        let grid = boxed_ref(grid, "grid")?;
        let buf = CallerBuffer::new(out, cap, out_len, "out", "out_len")?;
        let events = grid.aoi_events();
        let list = match kind {
            TESS_AOI_ENTER => events.enter,
            TESS_AOI_LEAVE => events.leave,
            _ => return Err(FfiError::invalid(format!("`kind` must be TESS_AOI_ENTER (0) or TESS_AOI_LEAVE (1), got {kind}"))),
        };
        Ok(buf.fill(list.iter().map(|&p| p.into())))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hit_layout_matches() {
        assert_eq!(core::mem::offset_of!(TessSpatialHit, id), core::mem::offset_of!(Hit, id));
    }
}
