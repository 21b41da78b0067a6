//! Library and ABI version.

use core::ffi::c_char;

/// ABI version of this header. Bumped when an existing function, struct or
/// constant changes incompatibly (see docs/ABI.md); adding functions does not
/// bump it. Compare with `tess_abi_version()` at start-up.
pub const TESS_ABI_VERSION: u32 = 1;

/// The library version as a static NUL-terminated string, e.g. `"0.1.0"`.
///
/// Ownership: static; never free it. Thread-safety: any thread.
#[no_mangle]
pub extern "C" fn tess_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The ABI version the library was built with; equals `TESS_ABI_VERSION` of
/// a matching header.
#[no_mangle]
pub extern "C" fn tess_abi_version() -> u32 {
    TESS_ABI_VERSION
}
