//! Pointer and buffer checks shared by every export.

use super::error::{FfiError, FfiResult};
use super::status::*;
use core::ffi::{c_char, CStr};

/// A required out-parameter.
///
/// # Safety
/// `ptr` must be NULL or valid for a write of `T`.
pub unsafe fn out_ref<'a, T>(ptr: *mut T, param: &str) -> FfiResult<&'a mut T> {
    // SAFETY: C promises a non-NULL out-pointer is valid for writes of T.
    unsafe { ptr.as_mut() }.ok_or_else(|| FfiError::null(param))
}

/// A required in-parameter passed by pointer.
///
/// # Safety
/// `ptr` must be NULL or valid for a read of `T`.
pub unsafe fn in_ref<'a, T>(ptr: *const T, param: &str) -> FfiResult<&'a T> {
    // SAFETY: C promises a non-NULL pointer is valid for reads of T.
    unsafe { ptr.as_ref() }.ok_or_else(|| FfiError::null(param))
}

/// An input array `(ptr, len)`; NULL is allowed only with `len == 0`.
///
/// # Safety
/// `ptr` must be NULL (only with `len == 0`) or hold `len` initialised elements.
pub unsafe fn in_slice<'a, T>(ptr: *const T, len: usize, param: &str) -> FfiResult<&'a [T]> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(FfiError::null(param));
    }
    // SAFETY: C promises `ptr` holds `len` initialised elements.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// A caller buffer `(out, cap)` to fill; NULL is allowed only with `cap == 0`.
///
/// # Safety
/// `ptr` must be NULL (only with `cap == 0`) or valid for `cap` element writes.
pub unsafe fn out_slice<'a, T>(ptr: *mut T, cap: usize, param: &str) -> FfiResult<&'a mut [T]> {
    if cap == 0 {
        return Ok(&mut []);
    }
    if ptr.is_null() {
        return Err(FfiError::null(param));
    }
    // SAFETY: C promises `ptr` is valid for `cap` element writes; T is plain data.
    Ok(unsafe { core::slice::from_raw_parts_mut(ptr, cap) })
}

/// A checked caller buffer `(out, cap, out_len)`: fill `out` (directly, or
/// with [`CallerBuffer::fill`]), then [`CallerBuffer::finish`] with the full
/// result length.
pub struct CallerBuffer<'a, T> {
    /// The caller's `cap` elements.
    pub out: &'a mut [T],
    len: &'a mut u32,
}

impl<'a, T> CallerBuffer<'a, T> {
    /// Checks `out_len` (required) and `out` (NULL only with `cap == 0`).
    ///
    /// # Safety
    /// `out` must be NULL or hold `cap` elements; `out_len` NULL or writable.
    pub unsafe fn new(out: *mut T, cap: u32, out_len: *mut u32, out_name: &str, len_name: &str) -> FfiResult<Self> {
        let len = out_ref(out_len, len_name)?;
        Ok(CallerBuffer { out: out_slice(out, cap as usize, out_name)?, len })
    }

    /// Records the full result length and returns SUCCESS, or
    /// SUCCESS | BUFFER_TOO_SMALL when it exceeded the capacity.
    pub fn finish(self, total: usize) -> TessStatus {
        *self.len = u32::try_from(total).unwrap_or(u32::MAX);
        buffer_status(total, self.out.len() as u32)
    }
}

impl<T> CallerBuffer<'_, T> {
    /// Writes the first `cap` items of `src` and finishes with its full length.
    pub fn fill(self, src: impl ExactSizeIterator<Item = T>) -> TessStatus {
        let total = src.len();
        for (dst, v) in self.out.iter_mut().zip(src) {
            *dst = v;
        }
        self.finish(total)
    }
}

/// Copies `src` into the caller buffer `(out, cap, out_len)`: writes
/// `min(len, cap)` elements, sets `*out_len` to the full length, and returns
/// SUCCESS, or SUCCESS | BUFFER_TOO_SMALL when truncated.
///
/// # Safety
/// `out` must be NULL (only with `cap == 0`) or hold `cap` elements; `out_len` NULL or writable.
pub unsafe fn write_buffer<T: Copy>(src: &[T], out: *mut T, cap: u32, out_len: *mut u32, param: &str) -> FfiResult {
    Ok(CallerBuffer::new(out, cap, out_len, param, "out_len")?.fill(src.iter().copied()))
}

/// SUCCESS, or SUCCESS | BUFFER_TOO_SMALL when `needed > cap`.
pub fn buffer_status(needed: usize, cap: u32) -> TessStatus {
    if needed > cap as usize {
        TESS_SUCCESS | TESS_BUFFER_TOO_SMALL
    } else {
        TESS_SUCCESS
    }
}

/// A NUL-terminated UTF-8 string parameter.
///
/// # Safety
/// `ptr` must be NULL or point to a NUL-terminated string.
pub unsafe fn in_str<'a>(ptr: *const c_char, param: &str) -> FfiResult<&'a str> {
    if ptr.is_null() {
        return Err(FfiError::null(param));
    }
    // SAFETY: C promises a NUL-terminated string.
    unsafe { CStr::from_ptr(ptr) }
        .to_str()
        .map_err(|_| FfiError::invalid(format!("`{param}` is not valid UTF-8")))
}

/// Rejects NaN and infinities, naming the parameter.
pub fn finite(value: f32, param: &str) -> FfiResult<f32> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(FfiError::invalid(format!("`{param}` must be finite, got {value}")))
    }
}

/// Rejects a vector with a NaN or infinite component.
pub fn finite3(v: [f32; 3], param: &str) -> FfiResult<[f32; 3]> {
    if v.iter().all(|c| c.is_finite()) {
        Ok(v)
    } else {
        Err(FfiError::invalid(format!("`{param}` must be finite, got {v:?}")))
    }
}
