//! Errors at the C boundary: the thread-local last-error text, the error type
//! the exports return internally, and the one panic boundary every export uses.

use super::status::*;
use core::ffi::c_char;
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// A failed call: the status to return and the text for `tess_last_error_message`.
#[derive(Debug, Clone, PartialEq)]
pub struct FfiError {
    /// Full status word, FAILURE plus detail bits.
    pub status: TessStatus,
    /// Human-readable reason, naming the parameter at fault.
    pub message: String,
}

/// What an export's body returns before the boundary turns it into a status.
pub type FfiResult<T = TessStatus> = Result<T, FfiError>;

impl FfiError {
    /// A failure with the given detail bit(s).
    pub fn new(detail: TessStatus, message: impl Into<String>) -> Self {
        FfiError { status: TESS_FAILURE | detail, message: message.into() }
    }
    /// `TESS_NULL_PARAM` naming the parameter.
    pub fn null(param: &str) -> Self {
        Self::new(TESS_NULL_PARAM, format!("parameter `{param}` is NULL"))
    }
    /// `TESS_INVALID_PARAM` with a message.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(TESS_INVALID_PARAM, message)
    }
}

/// Records `message` as this thread's last error.
pub fn set_last_error(message: &str) {
    LAST_ERROR.with(|e| {
        let mut e = e.borrow_mut();
        e.clear();
        e.push_str(message);
    });
}

/// What a function returns when a panic is caught at the boundary.
pub trait PanicValue {
    /// The value handed to C after a panic.
    fn panic_value() -> Self;
}
impl PanicValue for TessStatus {
    fn panic_value() -> Self {
        TESS_FAILURE | TESS_PANIC
    }
}
impl PanicValue for () {
    fn panic_value() -> Self {}
}
impl PanicValue for f32 {
    fn panic_value() -> Self {
        f32::NAN
    }
}
impl PanicValue for f64 {
    fn panic_value() -> Self {
        f64::NAN
    }
}
impl PanicValue for u8 {
    fn panic_value() -> Self {
        0
    }
}
impl PanicValue for usize {
    fn panic_value() -> Self {
        0
    }
}
impl PanicValue for u64 {
    fn panic_value() -> Self {
        0
    }
}
impl<T> PanicValue for *const T {
    fn panic_value() -> Self {
        core::ptr::null()
    }
}
impl<T> PanicValue for *mut T {
    fn panic_value() -> Self {
        core::ptr::null_mut()
    }
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    format!("internal panic caught at the C boundary: {what}")
}

/// Runs `body` so that no panic unwinds into C: a panic becomes
/// `R::panic_value()` (a PANIC status for status-returning functions).
pub fn guard<R: PanicValue>(body: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(payload) => {
            set_last_error(&panic_text(payload.as_ref()));
            R::panic_value()
        }
    }
}

/// Like [`guard`] for bodies returning [`FfiResult`]: an error sets the
/// last-error text and returns its status.
pub fn guard_status(body: impl FnOnce() -> FfiResult) -> TessStatus {
    guard(|| match body() {
        Ok(status) => status,
        Err(err) => {
            set_last_error(&err.message);
            err.status
        }
    })
}

/// Copies this thread's last error message into `buf` as a NUL-terminated
/// string, truncated to `cap - 1` bytes, and returns the full message length
/// in bytes (without the NUL), like `snprintf`. With `buf == NULL` or
/// `cap == 0` nothing is written and the length is still returned.
///
/// The message describes the most recent failed call on this thread;
/// successful calls leave it unchanged. Empty when nothing has failed.
///
/// Thread-safety: each thread has its own message.
///
/// # Safety
/// `buf` must be NULL or valid for `cap` bytes of writes.
#[no_mangle]
pub unsafe extern "C" fn tess_last_error_message(buf: *mut c_char, cap: usize) -> usize {
    guard(|| {
        LAST_ERROR.with(|e| {
            let e = e.borrow();
            if !buf.is_null() && cap > 0 {
                let n = e.len().min(cap - 1);
                // SAFETY: the caller guarantees `buf` holds `cap` bytes; we write n + 1 <= cap.
                unsafe {
                    core::ptr::copy_nonoverlapping(e.as_ptr(), buf.cast::<u8>(), n);
                    *buf.add(n) = 0;
                }
            }
            e.len()
        })
    })
}

/// Clears this thread's last error message.
#[no_mangle]
pub extern "C" fn tess_last_error_clear() {
    guard(|| set_last_error(""))
}

/// Runs an export's body under [`guard_status`]. The body is a block whose
/// value is an [`FfiResult`]; `?` works inside it.
macro_rules! ffi_status {
    ($body:block) => {
        $crate::ffi::error::guard_status(|| -> $crate::ffi::error::FfiResult { $body })
    };
}
pub(crate) use ffi_status;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_becomes_status_and_message() {
        let status = guard_status(|| panic!("boom"));
        assert_eq!(status, TESS_FAILURE | TESS_PANIC);
        let mut buf = [0 as c_char; 128];
        let n = unsafe { tess_last_error_message(buf.as_mut_ptr(), buf.len()) };
        let text = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap();
        assert_eq!(text.len(), n);
        assert!(text.ends_with("boom"), "{text}");
    }

    #[test]
    fn message_is_truncated_and_terminated() {
        set_last_error("abcdef");
        let mut buf = [1 as c_char; 4];
        let n = unsafe { tess_last_error_message(buf.as_mut_ptr(), 4) };
        assert_eq!(n, 6);
        assert_eq!(buf.map(|c| c as u8), *b"abc\0");
        assert_eq!(unsafe { tess_last_error_message(core::ptr::null_mut(), 0) }, 6);
    }
}
