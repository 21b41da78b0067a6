//! C API: fast inverse square root.

use super::buffer::{in_slice, out_ref, out_slice};
use super::error::{ffi_status, FfiError, FfiResult};
use super::status::*;
use super::types::TessVec3;
use crate::rsqrt::{self, Magic, MAX_ITERATIONS};

/// Seed constant: Quake III `0x5f3759df` (f64 `0x5fe6ec85e7de30da`).
pub const TESS_RSQRT_QUAKE: u32 = 0;
/// Seed constant: Lomont's `0x5f375a86` (f64 `0x5fe6eb50c7b537a9`).
pub const TESS_RSQRT_LOMONT: u32 = 1;
/// Seed constant: Moroz et al. 2018 `0x5f1ffff9` with its modified first Newton step.
pub const TESS_RSQRT_MOROZ: u32 = 2;

fn params(magic: u32, iterations: u32) -> FfiResult<Magic> {
    if iterations > MAX_ITERATIONS {
        return Err(FfiError::invalid(format!("`iterations` is {iterations}; the limit is {MAX_ITERATIONS}")));
    }
    Magic::from_index(magic).ok_or_else(|| FfiError::invalid(format!("`magic` is {magic}; expected TESS_RSQRT_QUAKE, _LOMONT or _MOROZ")))
}

/// Approximates `1/sqrt(x)` in single precision.
///
/// @param[in]  x           Input. 0 → ±inf, negative or NaN → NaN, +inf → 0, subnormals handled.
/// @param[in]  magic       TESS_RSQRT_QUAKE, TESS_RSQRT_LOMONT or TESS_RSQRT_MOROZ.
/// @param[in]  iterations  Newton steps. [Limit: 0..=4]
/// @param[out] out         The approximation.
/// @return SUCCESS, or FAILURE with INVALID_PARAM (magic, iterations) or NULL_PARAM.
///
/// Thread-safety: any thread.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn tess_rsqrt_f32(x: f32, magic: u32, iterations: u32, out: *mut f32) -> TessStatus {
    ffi_status!({
        let magic = params(magic, iterations)?;
        *out_ref(out, "out")? = rsqrt::rsqrt_f32(x, magic, iterations);
        Ok(TESS_SUCCESS)
    })
}

/// Approximates `1/sqrt(x)` in double precision; as `tess_rsqrt_f32`.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn tess_rsqrt_f64(x: f64, magic: u32, iterations: u32, out: *mut f64) -> TessStatus {
    ffi_status!({
        let magic = params(magic, iterations)?;
        *out_ref(out, "out")? = rsqrt::rsqrt_f64(x, magic, iterations);
        Ok(TESS_SUCCESS)
    })
}

/// Checks that two arrays are either the same array or do not overlap.
fn same_or_disjoint<T>(a: *const T, b: *const T, count: u32) -> FfiResult<bool> {
    let bytes = count as usize * core::mem::size_of::<T>();
    let (a, b) = (a as usize, b as usize);
    if a == b {
        return Ok(true);
    }
    if a < b.saturating_add(bytes) && b < a.saturating_add(bytes) {
        return Err(FfiError::invalid("`input` and `output` partly overlap; pass the same pointer for in-place"));
    }
    Ok(false)
}

/// Computes `output[i] = 1/sqrt(input[i])` for `count` floats. Pass the same
/// pointer as `input` and `output` to work in place.
///
/// @param[in]  input   `count` floats.
/// @param[out] output  `count` floats; the same array as `input`, or not overlapping it.
/// @param[in]  count   Number of elements. NULL arrays are allowed when 0.
/// @param[in]  magic, iterations  As for `tess_rsqrt_f32`.
///
/// # Safety
/// `input` and `output` must hold `count` elements.
#[no_mangle]
pub unsafe extern "C" fn tess_rsqrt_f32_batch(input: *const f32, output: *mut f32, count: u32, magic: u32, iterations: u32) -> TessStatus {
    ffi_status!({
        let magic = params(magic, iterations)?;
        if same_or_disjoint(input, output, count)? {
            rsqrt::rsqrt_f32_in_place(out_slice(output, count as usize, "output")?, magic, iterations);
        } else {
            let src = in_slice(input, count as usize, "input")?;
            rsqrt::rsqrt_f32_into(src, out_slice(output, count as usize, "output")?, magic, iterations);
        }
        Ok(TESS_SUCCESS)
    })
}

/// Double-precision form of `tess_rsqrt_f32_batch`.
///
/// # Safety
/// `input` and `output` must hold `count` elements.
#[no_mangle]
pub unsafe extern "C" fn tess_rsqrt_f64_batch(input: *const f64, output: *mut f64, count: u32, magic: u32, iterations: u32) -> TessStatus {
    ffi_status!({
        let magic = params(magic, iterations)?;
        if same_or_disjoint(input, output, count)? {
            rsqrt::rsqrt_f64_in_place(out_slice(output, count as usize, "output")?, magic, iterations);
        } else {
            let src = in_slice(input, count as usize, "input")?;
            rsqrt::rsqrt_f64_into(src, out_slice(output, count as usize, "output")?, magic, iterations);
        }
        Ok(TESS_SUCCESS)
    })
}

/// Scales `v` to unit length with the fast inverse square root. The zero
/// vector gives the zero vector.
///
/// @param[in]  v       Vector; components must be finite.
/// @param[out] out     The normalised vector.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn tess_normalize3(v: TessVec3, magic: u32, iterations: u32, out: *mut TessVec3) -> TessStatus {
    ffi_status!({
        let magic = params(magic, iterations)?;
        let v = super::buffer::finite3(v.into(), "v")?;
        *out_ref(out, "out")? = rsqrt::normalize3(v, magic, iterations).into();
        Ok(TESS_SUCCESS)
    })
}

/// Normalises `count` vectors in place; as `tess_normalize3` (non-finite
/// components give NaN components rather than an error, to keep one pass).
///
/// # Safety
/// `data` must hold `count` vectors.
#[no_mangle]
pub unsafe extern "C" fn tess_normalize3_batch(data: *mut TessVec3, count: u32, magic: u32, iterations: u32) -> TessStatus {
    ffi_status!({
        let magic = params(magic, iterations)?;
        // TessVec3 is #[repr(C)] of three f32: the same layout as [f32; 3].
        let vectors = out_slice(data.cast::<[f32; 3]>(), count as usize, "data")?;
        rsqrt::normalize3_in_place(vectors, magic, iterations);
        Ok(TESS_SUCCESS)
    })
}
